// SPDX-License-Identifier: GPL-2.0
/*
 * The 8259A pair of a PIIX/ICH south bridge (see pic.h for the wiring and
 * the model's choices).  Written from the Intel 8259A data sheet and the
 * PIIX3/ICH descriptions of the ELCR.  Portable.
 *
 * Priority.  Each chip ranks its eight inputs in a circle: the IR after
 * @lowest has the highest priority, so rank(ir) = (ir - lowest - 1) mod 8,
 * rank 0 being the highest.  A request interrupts only if it outranks
 * every IR in service (the fully nested mode); the special mask mode lets
 * an in-service IR that is masked in the IMR stop blocking, and the
 * master's special fully nested mode lets a request on the cascade input
 * through while the cascade is in service, so that the slave's own
 * priority logic decides.
 */
#include "hv/dev/pic.h"
#include "errno_codes.h"

#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_LTIM 0x08
#define ICW1_SEL 0x10 /* command port: D4 set selects ICW1 */
#define OCW3_SEL 0x08 /* command port: D4 clear, D3 set selects OCW3 */
#define ICW4_UPM 0x01
#define ICW4_AEOI 0x02
#define ICW4_BUF 0x08
#define ICW4_SFNM 0x10
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_P 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40
#define POLL_INT 0x80

/* The PC's ICW3 values: the slave on master IR2, slave ID 2. */
#define PC_MASTER_ICW3 0x04
#define PC_SLAVE_ID 0x02

static u8 level_mask(const struct pic_chip *c)
{
	/*
	 * LTIM makes every IR level triggered; else the ELCR decides.  The
	 * master senses the internal cascade by level: the slave holds INT
	 * until its INTA, so a master re-initialised (edge sense reset)
	 * while the slave's INT is up must still see it, or the slave's
	 * request would wait for an INTA that never comes.
	 */
	u8 m = c->ltim ? 0xff : c->elcr;

	return c->master ? m | (1u << PIC_CASCADE_IRQ) : m;
}

/**
 * pic_irr() - the interrupt request register of one chip, as a read of
 * the command port with OCW3 "read IRR" returns it.
 * @c: the chip.
 *
 * An edge-triggered IR is requested while its latch is set and its line
 * still high; a level-triggered one while its line is high.
 *
 * Context: any; reads only.
 * Return: the IRR.
 */
u8 pic_irr(const struct pic_chip *c)
{
	return c->line & (c->latch | level_mask(c));
}

/* The IR with the highest priority among @bits, or -1 if @bits is 0. */
static int highest(const struct pic_chip *c, u8 bits)
{
	for (unsigned int i = 0; i < 8; i++) {
		unsigned int ir = (c->lowest + 1 + i) & 7;

		if (bits & (1u << ir))
			return (int)ir;
	}
	return -1;
}

static unsigned int rank(const struct pic_chip *c, int ir)
{
	return ir < 0 ? 8 : ((unsigned int)ir - c->lowest - 1) & 7;
}

/*
 * The priority resolver: the IR this chip would hand to an INTA now, or
 * -1 if none.  A chip in the middle of (or before) its ICW sequence has
 * no vector base and requests nothing.
 */
static int resolve(const struct pic_chip *c)
{
	u8 req = pic_irr(c) & ~c->imr;
	u8 block = c->isr;
	int ir;

	if (!c->ready || !req)
		return -1;
	if (c->smm)
		block &= ~c->imr;
	if (c->master && c->sfnm)
		block &= ~(1u << PIC_CASCADE_IRQ);
	ir = highest(c, req);
	return rank(c, ir) < rank(c, highest(c, block)) ? ir : -1;
}

static void set_line(struct pic_chip *c, unsigned int ir, bool level)
{
	u8 bit = (u8)(1u << ir);

	if (level && !(c->line & bit))
		c->latch |= bit;
	if (!level)
		c->latch &= ~bit;
	c->line = level ? (c->line | bit) : (c->line & ~bit);
}

/*
 * Re-evaluate both INT outputs after any change.  INT only rises here;
 * it falls at the INTA (or poll) cycle and at ICW1.  The slave first,
 * since its INT is the master's IR2.
 */
static void update(struct pic *p)
{
	struct pic_chip *m = &p->chip[0], *s = &p->chip[1];

	if (!s->int_out && resolve(s) >= 0)
		s->int_out = true;
	set_line(m, PIC_CASCADE_IRQ, s->int_out);
	if (!m->int_out && resolve(m) >= 0)
		m->int_out = true;
}

/* The acknowledge of @ir: what the INTA pulses (or a poll read) do. */
static void acknowledge(struct pic_chip *c, int ir)
{
	u8 bit = (u8)(1u << ir);

	/* The edge is consumed; a level IR stays requested while high. */
	c->latch &= ~bit;
	if (!c->aeoi)
		c->isr |= bit;
	else if (c->rotate_aeoi)
		c->lowest = (u8)ir;
}

/**
 * pic_init() - power-on state of the pair.
 * @p: the pair.
 *
 * Nothing a BIOS does is assumed: both chips wait for ICW1..ICW4 and
 * raise no INT until then; IMRs read 0xff, ELCRs 0, vector bases 0.
 *
 * Context: any; no callbacks.
 */
void pic_init(struct pic *p)
{
	*p = (struct pic){ 0 };
	for (unsigned int i = 0; i < 2; i++) {
		p->chip[i].imr = 0xff;
		p->chip[i].lowest = 7;
	}
	p->chip[0].master = true;
}

/**
 * pic_intr() - the master's INT output (the processor's INTR pin, or the
 * LAPIC's LINT0 / an IOAPIC ExtINT pin).
 * @p: the pair.
 *
 * Context: any; reads only.
 * Return: true while INT is high.  It stays high from the request that
 * raised it until pic_inta(), even if that request is withdrawn.
 */
bool pic_intr(const struct pic *p)
{
	return p->chip[0].int_out;
}

/**
 * pic_inta() - the INTA cycle: acknowledge the highest request and return
 * its vector.
 * @p: the pair.
 *
 * The master resolves first; if the winner is IR2 the slave resolves and
 * supplies the vector.  The acknowledged IR goes from IRR to ISR (not in
 * automatic EOI mode, where it is done at once and, with rotate in AEOI
 * mode, becomes the lowest priority); an edge request is consumed, a
 * level one stays.  With no request left (withdrawn or masked since INT
 * rose, or no INT at all), the chip answers with IR7's vector and sets
 * no ISR bit; a spurious slave answer leaves the master's IR2 in service.
 * Both INT outputs fall and are re-evaluated.
 *
 * Context: the hypervisor, when it injects the ExtINT/PIC interrupt.
 * Return: the vector: ICW2 base | IR of the master or the slave.
 */
u8 pic_inta(struct pic *p)
{
	struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
	int ir = resolve(m), sir;
	u8 vec;

	p->intas++;
	m->int_out = false;
	if (ir < 0) {
		p->spurious++;
		vec = m->base | 7;
	} else if (ir != PIC_CASCADE_IRQ) {
		acknowledge(m, ir);
		vec = m->base | (u8)ir;
	} else {
		acknowledge(m, ir);
		sir = resolve(s);
		s->int_out = false;
		if (sir < 0) {
			p->spurious++;
			vec = s->base | 7;
		} else {
			acknowledge(s, sir);
			vec = s->base | (u8)sir;
		}
	}
	update(p);
	return vec;
}

/* A poll-mode read: acknowledge like an INTA, return I and W2-W0. */
static u8 poll_read(struct pic *p, unsigned int idx)
{
	struct pic_chip *c = &p->chip[idx];
	int ir = resolve(c);

	p->polls++;
	c->poll = false;
	c->int_out = false;
	if (ir >= 0)
		acknowledge(c, ir);
	update(p);
	/* No request: I (bit 7) clear; the level bits then read 0. */
	return ir < 0 ? 0 : (u8)(POLL_INT | ir);
}

static void write_icw1(struct pic *p, struct pic_chip *c, u8 val)
{
	/*
	 * The data sheet's ICW1 effects: edge sense reset (a new rising edge
	 * is needed), IMR cleared, IR7 lowest, special mask off, IRR
	 * selected for reading, ICW4 functions cleared when no ICW4 follows.
	 * It is silent on the ISR, poll and rotate-in-AEOI state; they are
	 * cleared too, so a re-initialised chip starts clean.
	 */
	c->init_next = 2;
	c->ready = false;
	c->int_out = false;
	c->ic4 = val & ICW1_IC4;
	c->single = val & ICW1_SNGL;
	c->ltim = val & ICW1_LTIM;
	c->latch = 0;
	c->imr = 0;
	c->isr = 0;
	c->lowest = 7;
	c->smm = false;
	c->read_isr = false;
	c->poll = false;
	c->rotate_aeoi = false;
	c->aeoi = false;
	c->sfnm = false;
	c->upm = false;
	if (c->single)
		p->unsupported++;
	if (!c->ic4)
		p->unsupported++; /* MCS-80/85 mode implied */
}

static void write_data(struct pic *p, unsigned int idx, u8 val)
{
	struct pic_chip *c = &p->chip[idx];

	switch (c->init_next) {
	case 2:
		/* 8086 mode: T7-T3; the low three bits are the IR. */
		c->base = val & 0xf8;
		c->init_next = c->single ? (c->ic4 ? 4 : 0) : 3;
		break;
	case 3:
		c->icw3 = val;
		if (idx == 0 ? val != PC_MASTER_ICW3 : (val & 7) != PC_SLAVE_ID)
			p->unsupported++;
		c->init_next = c->ic4 ? 4 : 0;
		break;
	case 4:
		c->upm = val & ICW4_UPM;
		c->aeoi = val & ICW4_AEOI;
		c->sfnm = val & ICW4_SFNM;
		if (!c->upm || (val & ICW4_BUF))
			p->unsupported++;
		c->init_next = 0;
		break;
	default:
		c->imr = val; /* OCW1 */
		return;
	}
	if (!c->init_next)
		c->ready = true;
}

static void eoi(struct pic_chip *c, bool rotate)
{
	/*
	 * A non-specific EOI ends the highest IR in service; in special
	 * mask mode an IR masked in the IMR is not ended by it.
	 */
	int ir = highest(c, c->smm ? c->isr & ~c->imr : c->isr);

	if (ir < 0)
		return;
	c->isr &= ~(1u << ir);
	if (rotate)
		c->lowest = (u8)ir;
}

static void write_ocw2(struct pic_chip *c, u8 val)
{
	u8 ir = val & 7;

	switch (val >> 5) {
	case 0: /* rotate in automatic EOI mode (clear) */
		c->rotate_aeoi = false;
		break;
	case 1: /* non-specific EOI */
		eoi(c, false);
		break;
	case 2: /* no operation */
		break;
	case 3: /* specific EOI */
		c->isr &= ~(1u << ir);
		break;
	case 4: /* rotate in automatic EOI mode (set) */
		c->rotate_aeoi = true;
		break;
	case 5: /* rotate on non-specific EOI */
		eoi(c, true);
		break;
	case 6: /* set priority: IR L becomes the lowest */
		c->lowest = ir;
		break;
	default: /* rotate on specific EOI */
		c->isr &= ~(1u << ir);
		c->lowest = ir;
		break;
	}
}

static void write_ocw3(struct pic_chip *c, u8 val)
{
	/* Each field acts on its own; a poll overrides only the next read. */
	if (val & OCW3_P)
		c->poll = true;
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
	if (val & OCW3_ESMM)
		c->smm = val & OCW3_SMM;
}

/**
 * pic_io_write() - a byte written to one of the pair's ports.
 * @p: the pair.
 * @port: 0x20/0xa0 (ICW1, OCW2, OCW3), 0x21/0xa1 (ICW2-4 during the
 *        initialisation sequence, else OCW1), 0x4d0/0x4d1 (ELCR; the
 *        always-edge IRQs' bits are dropped).
 * @val: the byte.
 *
 * Context: the port I/O exit handler; no callbacks.
 * Return: 0, or -EINVAL for any other port (nothing changes).
 */
int pic_io_write(struct pic *p, u16 port, u8 val)
{
	struct pic_chip *c;
	unsigned int idx;

	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_MASTER_DATA:
		idx = 0;
		break;
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_DATA:
		idx = 1;
		break;
	case PIC_ELCR1:
		p->chip[0].elcr = val & PIC_ELCR1_WRITABLE;
		update(p);
		return 0;
	case PIC_ELCR2:
		p->chip[1].elcr = val & PIC_ELCR2_WRITABLE;
		update(p);
		return 0;
	default:
		return -EINVAL;
	}
	c = &p->chip[idx];
	if (port & 1)
		write_data(p, idx, val);
	else if (val & ICW1_SEL)
		write_icw1(p, c, val);
	else if (val & OCW3_SEL)
		write_ocw3(c, val);
	else
		write_ocw2(c, val);
	update(p);
	return 0;
}

/**
 * pic_io_read() - a byte read from one of the pair's ports.
 * @p: the pair.
 * @port: 0x20/0xa0 (IRR or ISR as OCW3 selected), 0x21/0xa1 (IMR),
 *        0x4d0/0x4d1 (ELCR).  After an OCW3 poll command the next read
 *        of either port of that chip returns the poll byte (bit 7: a
 *        request; bits 2-0: its IR) and acknowledges the request.
 * @val: the byte read.
 *
 * Context: the port I/O exit handler; no callbacks.
 * Return: 0, or -EINVAL for any other port (@val is then 0xff).
 */
int pic_io_read(struct pic *p, u16 port, u8 *val)
{
	struct pic_chip *c;
	unsigned int idx;

	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_MASTER_DATA:
		idx = 0;
		break;
	case PIC_SLAVE_CMD:
	case PIC_SLAVE_DATA:
		idx = 1;
		break;
	case PIC_ELCR1:
		*val = p->chip[0].elcr;
		return 0;
	case PIC_ELCR2:
		*val = p->chip[1].elcr;
		return 0;
	default:
		*val = 0xff;
		return -EINVAL;
	}
	c = &p->chip[idx];
	if (c->poll)
		*val = poll_read(p, idx);
	else if (port & 1)
		*val = c->imr;
	else
		*val = c->read_isr ? c->isr : pic_irr(c);
	return 0;
}

/**
 * pic_set_irq() - drive the line of one ISA IRQ.
 * @p: the pair.
 * @irq: 0-15; 0-7 the master's IR0-7, 8-15 the slave's.  IRQ 2 is the
 *       internal cascade and is not a wire: ignored and counted, as is
 *       anything above 15.
 * @level: the electrical level (high = request).
 *
 * Context: any device model's interrupt output, through the platform.
 */
void pic_set_irq(struct pic *p, unsigned int irq, bool level)
{
	if (irq > 15 || irq == PIC_CASCADE_IRQ) {
		p->bad_irq++;
		return;
	}
	set_line(&p->chip[irq >> 3], irq & 7, level);
	update(p);
}
