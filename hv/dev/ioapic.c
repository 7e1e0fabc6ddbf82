// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O APIC (see ioapic.h for the register map and the delivery
 * rules).  Written from the 82093AA data sheet and the ICH's IOAPIC
 * description (version 0x20, EOI register).  Portable.
 */
#include "hv/dev/ioapic.h"
#include "errno_codes.h"

static unsigned int delmode(u64 rte)
{
	return (unsigned int)((rte & IOAPIC_RTE_DELMODE) >>
			      IOAPIC_RTE_DELMODE_SHIFT);
}

/*
 * Whether the entry behaves as level triggered: the trigger bit, for the
 * two modes that carry a vector into the IRR.  The data sheet has SMI,
 * NMI, INIT and ExtINT always edge triggered.
 */
static bool is_level(u64 rte)
{
	unsigned int dm = delmode(rte);

	return (rte & IOAPIC_RTE_LEVEL) &&
	       (dm == APIC_DM_FIXED || dm == APIC_DM_LOWEST);
}

static bool asserted(const struct ioapic *io, unsigned int pin)
{
	bool wire = io->wire & (1u << pin);

	return wire != !!(io->rte[pin] & IOAPIC_RTE_ACTIVE_LOW);
}

/* Send pin @pin's message now; a level entry is then awaiting its EOI. */
static void deliver(struct ioapic *io, unsigned int pin)
{
	u64 rte = io->rte[pin];
	unsigned int dm = delmode(rte);
	struct apic_msg m;

	if (dm == 3 || dm == 6) {
		io->bad_mode++; /* reserved encodings: nothing is sent */
		return;
	}
	m = (struct apic_msg){
		.vector = (u8)(rte & IOAPIC_RTE_VECTOR),
		.delivery = (u8)dm,
		.level = is_level(rte),
		.assert = true,
		.logical = rte & IOAPIC_RTE_LOGICAL,
		.shorthand = APIC_SH_NONE,
		.dest = (u32)(rte >> IOAPIC_RTE_DEST_SHIFT),
		.source = 0,
	};
	/* Set before the callback, so the state is final when it runs. */
	if (m.level)
		io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
	io->deliveries[pin]++;
	if (io->ops.deliver)
		io->ops.deliver(io->ops.ctx, &m);
}

/* A level entry delivers whenever it may: asserted, unmasked, no EOI due. */
static void service_level(struct ioapic *io, unsigned int pin)
{
	u64 rte = io->rte[pin];

	if (is_level(rte) && !(rte & IOAPIC_RTE_MASKED) &&
	    !(rte & IOAPIC_RTE_REMOTE_IRR) && asserted(io, pin))
		deliver(io, pin);
}

/**
 * ioapic_init() - reset state: every entry masked (edge, active high,
 * fixed, vector 0, destination 0), IOREGSEL 0, every wire low.
 * @io: the IOAPIC.
 * @id: its APIC ID; the register holds 4 bits, the rest is dropped.
 * @ops: the delivery callback (copied; may be NULL or have no deliver,
 *       then messages are only counted).
 *
 * Context: any; no callbacks.
 */
void ioapic_init(struct ioapic *io, u8 id, const struct ioapic_ops *ops)
{
	*io = (struct ioapic){ 0 };
	if (ops)
		io->ops = *ops;
	io->id = id & 0xf;
	for (unsigned int i = 0; i < IOAPIC_PINS; i++)
		io->rte[i] = IOAPIC_RTE_MASKED;
}

static u32 read_reg(struct ioapic *io)
{
	unsigned int idx = io->regsel, pin;

	switch (idx) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB: /* the arbitration ID is loaded from the ID */
		return (u32)io->id << 24;
	case IOAPIC_REG_VER:
		return IOAPIC_VER_VALUE;
	}
	if (idx < IOAPIC_REG_REDIR ||
	    idx >= IOAPIC_REG_REDIR + 2 * IOAPIC_PINS) {
		io->bad_reg++;
		return 0;
	}
	pin = (idx - IOAPIC_REG_REDIR) / 2;
	return (u32)(idx & 1 ? io->rte[pin] >> 32 : io->rte[pin]);
}

static void write_reg(struct ioapic *io, u32 val)
{
	unsigned int idx = io->regsel, pin;
	u64 rte;

	switch (idx) {
	case IOAPIC_REG_ID:
		io->id = (val >> 24) & 0xf;
		return;
	case IOAPIC_REG_VER:
	case IOAPIC_REG_ARB:
		return; /* read-only */
	}
	if (idx < IOAPIC_REG_REDIR ||
	    idx >= IOAPIC_REG_REDIR + 2 * IOAPIC_PINS) {
		io->bad_reg++;
		return;
	}
	pin = (idx - IOAPIC_REG_REDIR) / 2;
	rte = io->rte[pin];
	if (idx & 1) {
		/* The destination: no event of its own. */
		rte = (rte & 0xffffffffULL) |
		      (((u64)val << 32) & IOAPIC_RTE_WRITABLE);
		io->rte[pin] = rte;
		return;
	}
	rte = (rte & ~0xffffffffULL) | (val & IOAPIC_RTE_WRITABLE) |
	      (rte & IOAPIC_RTE_REMOTE_IRR);
	/*
	 * An entry that is now edge triggered awaits no EOI: dropping remote
	 * IRR is what KVM and the chipsets do (and what older kernels rely
	 * on to unstick a pin: toggle to edge and back).
	 */
	if (!is_level(rte))
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	/* Unmasking (or re-polarising) an asserted level pin delivers. */
	service_level(io, pin);
}

static int check_access(struct ioapic *io, u32 offset, unsigned int size)
{
	if (size != 4 || offset >= IOAPIC_MMIO_SIZE ||
	    IOAPIC_MMIO_SIZE - offset < size) {
		io->bad_access++;
		return -EINVAL;
	}
	return 0;
}

/**
 * ioapic_mmio_read() - a read in the IOAPIC's 4 KiB page.
 * @io: the IOAPIC.
 * @offset: in the page: IOREGSEL 0x00, IOWIN 0x10, EOI 0x40 (write-only,
 *          reads 0); any other offset reads 0 and is counted.
 * @size: in bytes; only 4 is defined.
 * @val: the dword read (0xffffffff on -EINVAL).
 *
 * An IOWIN read of an undefined register index reads 0 (counted).
 *
 * Context: the MMIO exit handler; no callbacks.
 * Return: 0, or -EINVAL for a size other than 4 or an offset outside the
 * page.
 */
int ioapic_mmio_read(struct ioapic *io, u32 offset, unsigned int size, u32 *val)
{
	if (check_access(io, offset, size)) {
		*val = 0xffffffff;
		return -EINVAL;
	}
	switch (offset) {
	case IOAPIC_REGSEL:
		*val = io->regsel;
		break;
	case IOAPIC_WINDOW:
		*val = read_reg(io);
		break;
	case IOAPIC_EOI:
		*val = 0;
		break;
	default:
		io->bad_access++;
		*val = 0;
		break;
	}
	return 0;
}

/**
 * ioapic_mmio_write() - a write in the IOAPIC's 4 KiB page.
 * @io: the IOAPIC.
 * @offset: in the page: IOREGSEL 0x00 (bits 7:0 kept), IOWIN 0x10, EOI
 *          0x40 (bits 7:0: the vector, as ioapic_eoi()); any other offset
 *          is ignored and counted.
 * @size: in bytes; only 4 is defined.
 * @val: the dword.
 *
 * Through IOWIN: ID bits 27:24 are writable; version and arbitration are
 * read-only; a redirection entry keeps its read-only delivery status (0)
 * and remote IRR bits and drops the reserved bits 55:17.  Undefined
 * register indexes ignore the write (counted).
 *
 * Context: the MMIO exit handler; may call ops->deliver.
 * Return: 0, or -EINVAL for a size other than 4 or an offset outside the
 * page (nothing changes).
 */
int ioapic_mmio_write(struct ioapic *io, u32 offset, unsigned int size, u32 val)
{
	if (check_access(io, offset, size))
		return -EINVAL;
	switch (offset) {
	case IOAPIC_REGSEL:
		io->regsel = (u8)val;
		break;
	case IOAPIC_WINDOW:
		write_reg(io, val);
		break;
	case IOAPIC_EOI:
		ioapic_eoi(io, (u8)val);
		break;
	default:
		io->bad_access++;
		break;
	}
	return 0;
}

/**
 * ioapic_set_irq() - drive the wire of one pin.
 * @io: the IOAPIC.
 * @pin: 0 to IOAPIC_PINS - 1; others are ignored (counted in bad_pin).
 * @level: the electrical level; the entry's polarity says which level
 *         asserts it.
 *
 * An edge entry delivers on the wire's assertion if unmasked (else the
 * edge is lost); a level entry delivers while asserted, unmasked and with
 * remote IRR clear.
 *
 * Context: any device model's interrupt output, through the platform;
 * may call ops->deliver.
 */
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level)
{
	bool was;

	if (pin >= IOAPIC_PINS) {
		io->bad_pin++;
		return;
	}
	was = asserted(io, pin);
	if (level)
		io->wire |= 1u << pin;
	else
		io->wire &= ~(1u << pin);
	if (is_level(io->rte[pin])) {
		service_level(io, pin);
	} else if (asserted(io, pin) && !was) {
		if (io->rte[pin] & IOAPIC_RTE_MASKED)
			io->masked_edges++;
		else
			deliver(io, pin);
	}
}

/**
 * ioapic_eoi() - an EOI for @vector: the LAPICs' broadcast after a
 * level-triggered interrupt, or a write of the EOI register.
 * @io: the IOAPIC.
 * @vector: the vector whose handler ended.
 *
 * Every entry with this vector and remote IRR set has remote IRR
 * cleared and, if its wire is still asserted and it is unmasked, delivers
 * again.  An EOI that matches no such entry is counted as spurious.
 *
 * Context: the LAPIC EOI path or the MMIO exit handler; may call
 * ops->deliver.
 */
void ioapic_eoi(struct ioapic *io, u8 vector)
{
	bool matched = false;

	io->eois++;
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
		u64 rte = io->rte[pin];

		if (!(rte & IOAPIC_RTE_REMOTE_IRR) ||
		    (rte & IOAPIC_RTE_VECTOR) != vector)
			continue;
		matched = true;
		io->rte[pin] = rte & ~IOAPIC_RTE_REMOTE_IRR;
		service_level(io, pin);
	}
	if (!matched)
		io->spurious_eoi++;
}
