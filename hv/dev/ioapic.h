/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An I/O APIC in the style of the 82093AA as the ICH integrates it:
 * version 0x20, 24 pins, with the EOI register at offset 0x40.  Portable.
 *
 * Register access: IOREGSEL (offset 0x00) selects a register, IOWIN
 * (0x10) reads or writes it, EOI (0x40) takes a vector.  Registers: 0 ID
 * (bits 27:24), 1 version (0x00170020: 24 entries, version 0x20), 2
 * arbitration ID (reads as the ID), 0x10 + 2n / 0x11 + 2n the low / high
 * dword of pin n's redirection entry.  Only 32-bit accesses are defined.
 *
 * The wires.  ioapic_set_irq() drives the electrical level of a pin; an
 * entry programmed active low (polarity bit 13) inverts it, so a source
 * of an active-low line (PCI INTx) must keep its wire high when idle.
 * Every wire is low at reset.
 *
 * Delivery is immediate: a message goes to ops->deliver the moment the
 * entry's conditions hold, so the delivery status bit always reads idle.
 *   - Edge: the assertion of the (polarity-adjusted) wire delivers once
 *     if the entry is unmasked.  Hardware keeps no record of an edge
 *     that arrives while masked, so neither does the model: it is lost
 *     (counted in masked_edges).  Reprogramming the polarity is not an
 *     edge: only ioapic_set_irq() makes edges.
 *   - Level (fixed and lowest priority only): while the wire is asserted,
 *     the entry unmasked and remote IRR clear, one message is sent and
 *     remote IRR set; the LAPIC's EOI broadcast (ioapic_eoi(), or the EOI
 *     register) clears it and re-delivers if the wire is still asserted.
 *     Unmasking an asserted level pin delivers.  Writing the trigger mode
 *     to edge (or a delivery mode that is always edge) clears remote IRR,
 *     as KVM and the chipsets do, so an entry reprogrammed while a level
 *     interrupt was in flight is not stuck.
 *   - SMI, NMI, INIT and ExtINT are always treated as edge triggered, as
 *     the 82093AA data sheet says of them, whatever the trigger bit.
 *   - The reserved delivery modes (011b, 110b) send nothing (counted in
 *     bad_mode).
 *
 * The deliver callback must not call back into this IOAPIC.
 */
#ifndef TDP_HV_DEV_IOAPIC_H
#define TDP_HV_DEV_IOAPIC_H

#include "types.h"
#include "compiler.h"
#include "hv/dev/dev.h"

#define IOAPIC_PINS 24
#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_MMIO_SIZE 0x1000

/* MMIO offsets. */
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_EOI 0x40

/* Register indexes. */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDIR 0x10

#define IOAPIC_VERSION 0x20
#define IOAPIC_VER_VALUE (((IOAPIC_PINS - 1) << 16) | IOAPIC_VERSION)

/* Redirection entry fields. */
#define IOAPIC_RTE_VECTOR 0x000000ffULL
#define IOAPIC_RTE_DELMODE_SHIFT 8
#define IOAPIC_RTE_DELMODE (7ULL << IOAPIC_RTE_DELMODE_SHIFT)
#define IOAPIC_RTE_LOGICAL BIT_ULL(11)
#define IOAPIC_RTE_DELIVS BIT_ULL(12) /* read-only, always 0 (idle) */
#define IOAPIC_RTE_ACTIVE_LOW BIT_ULL(13)
#define IOAPIC_RTE_REMOTE_IRR BIT_ULL(14) /* read-only */
#define IOAPIC_RTE_LEVEL BIT_ULL(15)
#define IOAPIC_RTE_MASKED BIT_ULL(16)
#define IOAPIC_RTE_DEST_SHIFT 56
/* What a write may set; bits 55:17 are reserved and read 0. */
#define IOAPIC_RTE_WRITABLE                                             \
	(IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMODE | IOAPIC_RTE_LOGICAL |  \
	 IOAPIC_RTE_ACTIVE_LOW | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | \
	 (0xffULL << IOAPIC_RTE_DEST_SHIFT))

/**
 * struct ioapic_ops - the platform's side of the IOAPIC.
 * @ctx: passed back to the callback.
 * @deliver: send one message on the APIC bus (to the LAPICs it names).
 */
struct ioapic_ops {
	void *ctx;
	void (*deliver)(void *ctx, const struct apic_msg *m);
};

/**
 * struct ioapic - one I/O APIC.
 * @ops: the platform callback (copied at init).
 * @id: the 4-bit APIC ID (register 0 bits 27:24).
 * @regsel: IOREGSEL.
 * @rte: the redirection entries, in the register layout.
 * @wire: the electrical level of each pin, bit n = pin n.
 * @deliveries: messages sent, per pin.
 * @eois: EOIs received (broadcast or EOI register).
 * @spurious_eoi: EOIs whose vector matched no entry with remote IRR set.
 * @masked_edges: edges lost because the entry was masked.
 * @bad_mode: assertions of an unmasked entry with a reserved delivery mode.
 * @bad_reg: IOWIN accesses to an undefined register (reads 0, writes
 *           ignored).
 * @bad_access: accesses of an undefined offset in the page (reads 0,
 *              writes ignored), or of a size other than 4 (-EINVAL).
 * @bad_pin: ioapic_set_irq() on a pin >= IOAPIC_PINS (ignored).
 */
struct ioapic {
	struct ioapic_ops ops;
	u8 id;
	u8 regsel;
	u64 rte[IOAPIC_PINS];
	u32 wire;
	u64 deliveries[IOAPIC_PINS];
	u64 eois;
	u64 spurious_eoi;
	u64 masked_edges;
	u64 bad_mode;
	u64 bad_reg;
	u64 bad_access;
	u64 bad_pin;
};

void ioapic_init(struct ioapic *io, u8 id, const struct ioapic_ops *ops);
int ioapic_mmio_read(struct ioapic *io, u32 offset, unsigned int size,
		     u32 *val);
int ioapic_mmio_write(struct ioapic *io, u32 offset, unsigned int size,
		      u32 val);
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level);
void ioapic_eoi(struct ioapic *io, u8 vector);

#endif /* TDP_HV_DEV_IOAPIC_H */
