// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for hv/dev/pic.c and hv/dev/ioapic.c.  Each input is
 * a sequence of steps: port writes and reads of the 8259A pair (with an
 * ICW macro so the fuzzer reaches programmed states), IRQ line changes,
 * INTA cycles, IOAPIC MMIO writes and reads, pin changes and EOIs.
 * Invariants, checked after every step:
 *   PIC: pic_inta() returns a vector of one chip's ICW2 base (IR7 being
 *   the spurious one); an ISR bit appears only by an INTA (or poll read)
 *   of that IR, at most one per chip, matching the vector (or the poll
 *   byte) returned, and the slave's only with the master's IR2 (or in
 *   master AEOI mode); an ISR bit disappears only by a command-port write
 *   (EOI or ICW1); the IRR is a subset of the lines; INT implies an
 *   initialised chip; the cascade line is the slave's INT; ELCR reserved
 *   bits stay 0; other ports fail with -EINVAL.
 *   IOAPIC: remote IRR is only set on a level entry (fixed or lowest
 *   priority) and only rises in a step that delivered on that pin; the
 *   delivery status and reserved bits stay 0; every message is well
 *   formed and counted once; the version register never changes; sizes
 *   other than 4 fail with -EINVAL.
 *
 *   make build/fuzz/fuzz_irqchip
 *   build/fuzz/fuzz_irqchip -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "errno_codes.h"
#include "hv/dev/ioapic.h"
#include "hv/dev/pic.h"

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

struct input {
	const uint8_t *data;
	size_t size;
};

static uint8_t take(struct input *in)
{
	uint8_t b;

	if (!in->size)
		return 0;
	b = *in->data++;
	in->size--;
	return b;
}

static uint32_t take32(struct input *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = (v << 8) | take(in);
	return v;
}

static unsigned int nmsgs;

static void on_deliver(void *ctx, const struct apic_msg *m)
{
	(void)ctx;
	CHECK(m->delivery == APIC_DM_FIXED || m->delivery == APIC_DM_LOWEST ||
	      m->delivery == APIC_DM_SMI || m->delivery == APIC_DM_NMI ||
	      m->delivery == APIC_DM_INIT || m->delivery == APIC_DM_EXTINT);
	if (m->level)
		CHECK(m->delivery == APIC_DM_FIXED ||
		      m->delivery == APIC_DM_LOWEST);
	CHECK(m->assert);
	CHECK(m->shorthand == APIC_SH_NONE);
	CHECK(m->dest <= 0xff);
	CHECK(m->source == 0);
	nmsgs++;
}

static const u16 ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x22 };

static bool is_port(u16 port)
{
	for (unsigned int i = 0; i + 1 < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] == port)
			return true;
	return false;
}

static unsigned int popcount8(u8 v)
{
	return (unsigned int)__builtin_popcount(v);
}

static void check_pic_state(const struct pic *p)
{
	const struct pic_chip *m = &p->chip[0], *s = &p->chip[1];

	for (unsigned int i = 0; i < 2; i++) {
		const struct pic_chip *c = &p->chip[i];

		CHECK((pic_irr(c) & ~c->line) == 0);
		CHECK(c->lowest < 8);
		CHECK(c->init_next == 0 ||
		      (c->init_next >= 2 && c->init_next <= 4));
		CHECK(!c->int_out || c->ready);
		CHECK(!c->ready || c->init_next == 0);
		CHECK((c->base & 7) == 0);
	}
	CHECK((m->elcr & ~PIC_ELCR1_WRITABLE) == 0);
	CHECK((s->elcr & ~PIC_ELCR2_WRITABLE) == 0);
	CHECK(!!(m->line & (1u << PIC_CASCADE_IRQ)) == s->int_out);
	CHECK(pic_intr(p) == m->int_out);
}

/* What one INTA may do to the two ISRs, given the vector it returned. */
static void check_inta(const struct pic *p, const u8 old_isr[2], u8 mbase,
		       u8 sbase, u8 vec)
{
	u8 m_new = p->chip[0].isr & ~old_isr[0];
	u8 s_new = p->chip[1].isr & ~old_isr[1];

	CHECK((vec & 0xf8) == mbase || (vec & 0xf8) == sbase);
	CHECK(p->chip[0].isr == (old_isr[0] | m_new)); /* nothing ended */
	CHECK(p->chip[1].isr == (old_isr[1] | s_new));
	CHECK(popcount8(m_new) <= 1 && popcount8(s_new) <= 1);
	if (m_new && m_new != (1u << PIC_CASCADE_IRQ)) {
		CHECK(vec == (mbase | (u8)__builtin_ctz(m_new)));
		CHECK(!s_new);
	}
	if (s_new) {
		CHECK(vec == (sbase | (u8)__builtin_ctz(s_new)));
		/* IR2 in service (already, in SFNM) unless the master AEOIs. */
		CHECK((p->chip[0].isr & (1u << PIC_CASCADE_IRQ)) ||
		      p->chip[0].aeoi);
	}
}

static void check_isr_unchanged(const struct pic *p, const u8 old_isr[2])
{
	CHECK(p->chip[0].isr == old_isr[0]);
	CHECK(p->chip[1].isr == old_isr[1]);
}

static void pic_step(struct pic *p, struct input *in, uint8_t op)
{
	u8 old_isr[2] = { p->chip[0].isr, p->chip[1].isr };
	u8 mbase = p->chip[0].base, sbase = p->chip[1].base;
	bool poll[2] = { p->chip[0].poll, p->chip[1].poll };
	u16 port = ports[take(in) % (sizeof(ports) / sizeof(ports[0]))];
	u8 val = take(in), got = 0;
	int ret;

	switch (op) {
	case 0: /* a port write */
		ret = pic_io_write(p, port, val);
		CHECK(ret == (is_port(port) ? 0 : -EINVAL));
		/* Only a command-port write (OCW2, ICW1) ends an IR. */
		if (port != PIC_MASTER_CMD && port != PIC_SLAVE_CMD)
			check_isr_unchanged(p, old_isr);
		else
			CHECK(!(p->chip[0].isr & ~old_isr[0]) &&
			      !(p->chip[1].isr & ~old_isr[1]));
		break;
	case 1: { /* a port read; a poll read acknowledges */
		unsigned int idx = port >= 0xa0 && port <= 0xa1 ? 1 : 0;
		bool polled = is_port(port) && port <= 0xa1 && poll[idx];

		ret = pic_io_read(p, port, &got);
		CHECK(ret == (is_port(port) ? 0 : -EINVAL));
		if (!polled) {
			check_isr_unchanged(p, old_isr);
			break;
		}
		CHECK(!p->chip[idx].poll);
		CHECK(p->chip[!idx].isr == old_isr[!idx]);
		CHECK(got == 0 || (got & 0x78) == 0);
		CHECK(got == 0 || (got & 0x80));
		{
			u8 gained = p->chip[idx].isr & ~old_isr[idx];

			CHECK(p->chip[idx].isr == (old_isr[idx] | gained));
			CHECK(popcount8(gained) <= 1);
			if (gained)
				CHECK(got == (0x80 | __builtin_ctz(gained)));
		}
		break;
	}
	case 2: /* a line; 2 and 16/17 are not wires */
		pic_set_irq(p, val % 18, take(in) & 1);
		check_isr_unchanged(p, old_isr);
		break;
	case 3: /* an INTA cycle */
		got = pic_inta(p);
		check_inta(p, old_isr, mbase, sbase, got);
		break;
	default: { /* the ICW sequence, with fuzzed bases and ICW4 */
		unsigned int idx = val & 1;
		u16 cmd = idx ? PIC_SLAVE_CMD : PIC_MASTER_CMD;

		CHECK(pic_io_write(p, cmd, 0x11 | (take(in) & 0x0a)) == 0);
		CHECK(pic_io_write(p, cmd + 1, take(in)) == 0);
		if (!p->chip[idx].single)
			CHECK(pic_io_write(p, cmd + 1, idx ? 2 : 4) == 0);
		CHECK(pic_io_write(p, cmd + 1, take(in) & 0x1f) == 0);
		CHECK(p->chip[idx].ready);
		CHECK(p->chip[idx].isr == 0);
		CHECK(p->chip[!idx].isr == old_isr[!idx]);
		break;
	}
	}
	check_pic_state(p);
}

static bool rte_is_level(u64 rte)
{
	unsigned int dm = (unsigned int)((rte >> 8) & 7);

	return (rte & IOAPIC_RTE_LEVEL) &&
	       (dm == APIC_DM_FIXED || dm == APIC_DM_LOWEST);
}

static void ioapic_step(struct ioapic *io, struct input *in, uint8_t op)
{
	static const u32 offsets[] = { 0x00, 0x10, 0x40, 0x20, 0x0ffc, 0x1000 };
	u64 old_rte[IOAPIC_PINS], old_deliv[IOAPIC_PINS], sum = 0;
	unsigned int before = nmsgs;
	u8 sel = take(in);
	u32 offset = offsets[sel % 6], val, saved;
	unsigned int size = (sel & 0x30) ? 4 : 1u << (sel >> 6);
	int ret;

	memcpy(old_rte, io->rte, sizeof(old_rte));
	memcpy(old_deliv, io->deliveries, sizeof(old_deliv));
	switch (op) {
	case 0: /* IOREGSEL then IOWIN, the normal pair */
		CHECK(ioapic_mmio_write(io, IOAPIC_REGSEL, 4,
					take(in) % 0x44) == 0);
		CHECK(ioapic_mmio_write(io, IOAPIC_WINDOW, 4, take32(in)) == 0);
		break;
	case 1: /* any access */
		val = take32(in);
		ret = ioapic_mmio_write(io, offset, size, val);
		CHECK(ret == (size == 4 && offset < 0x1000 ? 0 : -EINVAL));
		break;
	case 2:
		ret = ioapic_mmio_read(io, offset, size, &val);
		CHECK(ret == (size == 4 && offset < 0x1000 ? 0 : -EINVAL));
		CHECK(ret == 0 || val == 0xffffffff);
		break;
	case 3:
		ioapic_set_irq(io, take(in) % (IOAPIC_PINS + 2), sel & 1);
		break;
	default:
		ioapic_eoi(io, take(in));
		break;
	}
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
		u64 rte = io->rte[pin];

		CHECK(!(rte & IOAPIC_RTE_DELIVS));
		CHECK(!(rte & GENMASK_ULL(55, 17)));
		if (rte & IOAPIC_RTE_REMOTE_IRR)
			CHECK(rte_is_level(rte));
		if ((rte & IOAPIC_RTE_REMOTE_IRR) &&
		    !(old_rte[pin] & IOAPIC_RTE_REMOTE_IRR))
			CHECK(io->deliveries[pin] > old_deliv[pin]);
		CHECK(io->deliveries[pin] >= old_deliv[pin]);
		sum += io->deliveries[pin] - old_deliv[pin];
	}
	CHECK(sum == nmsgs - before);
	CHECK(io->id <= 0xf);
	/* The version register, then IOREGSEL put back as the step left it. */
	CHECK(ioapic_mmio_read(io, IOAPIC_REGSEL, 4, &saved) == 0);
	CHECK(saved <= 0xff);
	CHECK(ioapic_mmio_write(io, IOAPIC_REGSEL, 4, IOAPIC_REG_VER) == 0);
	CHECK(ioapic_mmio_read(io, IOAPIC_WINDOW, 4, &val) == 0);
	CHECK(val == 0x00170020);
	CHECK(ioapic_mmio_write(io, IOAPIC_REGSEL, 4, saved) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pic p;
	static struct ioapic io;
	static const struct ioapic_ops ops = { .deliver = on_deliver };
	struct input in = { data, size };

	nmsgs = 0;
	pic_init(&p);
	ioapic_init(&io, take(&in), &ops);
	check_pic_state(&p);
	while (in.size) {
		uint8_t op = take(&in);

		if (op < 0x90)
			pic_step(&p, &in,
				 op % 5 == 4 ? (op & 0x40 ? 4 : 0) : op % 5);
		else
			ioapic_step(&io, &in, op % 5);
	}
	return 0;
}
