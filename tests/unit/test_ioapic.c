// SPDX-License-Identifier: GPL-2.0
/*
 * hv/dev/ioapic.c against the 82093AA data sheet and the ICH's IOAPIC
 * (version 0x20, EOI register at 0x40): the indirect register window,
 * the ID/version/arbitration registers, redirection entries with their
 * read-only bits, edge and level delivery with remote IRR and EOI, the
 * polarity bit, and the message each delivery mode puts on the APIC bus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/ioapic.h"
#include "errno_codes.h"

#define MAX_MSGS 64

static struct ioapic io;
static struct apic_msg msgs[MAX_MSGS];
static unsigned int nmsgs;

static void record(void *ctx, const struct apic_msg *m)
{
	assert_ptr_equal(ctx, &nmsgs);
	assert_true(nmsgs < MAX_MSGS);
	msgs[nmsgs++] = *m;
}

static const struct ioapic_ops ops = { .ctx = &nmsgs, .deliver = record };

static void reset(void)
{
	nmsgs = 0;
	memset(msgs, 0, sizeof(msgs));
	ioapic_init(&io, 2, &ops);
}

static void regw(u32 idx, u32 val)
{
	assert_int_equal(ioapic_mmio_write(&io, 0x00, 4, idx), 0);
	assert_int_equal(ioapic_mmio_write(&io, 0x10, 4, val), 0);
}

static u32 regr(u32 idx)
{
	u32 v = 0x5a5a5a5a;

	assert_int_equal(ioapic_mmio_write(&io, 0x00, 4, idx), 0);
	assert_int_equal(ioapic_mmio_read(&io, 0x10, 4, &v), 0);
	return v;
}

/* Linux's order: the high dword (destination) first, then the low. */
static void set_rte(unsigned int pin, u32 lo, u32 hi)
{
	regw(0x11 + 2 * pin, hi);
	regw(0x10 + 2 * pin, lo);
}

static u32 rte_lo(unsigned int pin)
{
	return regr(0x10 + 2 * pin);
}

#define MASKED (1u << 16)
#define LEVEL (1u << 15)
#define REMOTE_IRR (1u << 14)
#define ACTIVE_LOW (1u << 13)
#define LOGICAL (1u << 11)
#define DM(x) ((u32)(x) << 8)

/* Reset: ID as given, version 0x20 with 24 entries, all entries masked. */
static void test_reset_registers(void **state)
{
	u32 v;

	(void)state;
	reset();
	assert_int_equal(ioapic_mmio_read(&io, 0x00, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(regr(0), 0x02000000);
	assert_int_equal(regr(1), 0x00170020);
	assert_int_equal(regr(2), 0x02000000);
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
		assert_int_equal(regr(0x10 + 2 * pin), 0x00010000);
		assert_int_equal(regr(0x11 + 2 * pin), 0);
	}
	assert_int_equal(io.eois, 0);
	assert_int_equal(io.spurious_eoi, 0);
	assert_int_equal(nmsgs, 0);
}

/* ID bits 27:24 are writable; version and arbitration are read-only. */
static void test_id_and_readonly_registers(void **state)
{
	(void)state;
	reset();
	regw(0, 0xffffffff);
	assert_int_equal(regr(0), 0x0f000000);
	assert_int_equal(regr(2), 0x0f000000);
	regw(0, 0x05000000);
	assert_int_equal(regr(0), 0x05000000);
	regw(1, 0);
	assert_int_equal(regr(1), 0x00170020);
	regw(2, 0);
	assert_int_equal(regr(2), 0x05000000);
	assert_int_equal(io.bad_reg, 0);
}

/* IOREGSEL holds 8 bits; the window follows it. */
static void test_register_select(void **state)
{
	u32 v;

	(void)state;
	reset();
	assert_int_equal(ioapic_mmio_write(&io, 0x00, 4, 0xabcd0001), 0);
	assert_int_equal(ioapic_mmio_read(&io, 0x00, 4, &v), 0);
	assert_int_equal(v, 0x01);
	assert_int_equal(ioapic_mmio_read(&io, 0x10, 4, &v), 0);
	assert_int_equal(v, 0x00170020);
	/* 0x3f: the last entry's high dword. */
	regw(0x3f, 0xa5000000);
	assert_int_equal(regr(0x3f), 0xa5000000);
	assert_int_equal(regr(0x3d), 0);
}

/* Delivery status and remote IRR ignore writes; reserved bits read 0. */
static void test_rte_readback(void **state)
{
	(void)state;
	reset();
	regw(0x10, 0xffffffff);
	assert_int_equal(regr(0x10), 0x0001afff);
	regw(0x11, 0xffffffff);
	assert_int_equal(regr(0x11), 0xff000000);
	regw(0x12, 0x0001a5c3 | (1u << 12) | (1u << 14));
	assert_int_equal(regr(0x12), 0x0001a5c3 & ~(1u << 12) & ~(1u << 14));
	/* The pins are independent. */
	assert_int_equal(regr(0x14), 0x00010000);
	assert_int_equal(nmsgs, 0);
}

/* Edge: one message per rising edge; level high or falling sends none. */
static void test_edge_rising_only(void **state)
{
	(void)state;
	reset();
	set_rte(1, 0x31, 0x03000000);
	ioapic_set_irq(&io, 1, true);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0].vector, 0x31);
	assert_int_equal(msgs[0].delivery, APIC_DM_FIXED);
	assert_false(msgs[0].level);
	assert_true(msgs[0].assert);
	assert_false(msgs[0].logical);
	assert_int_equal(msgs[0].shorthand, APIC_SH_NONE);
	assert_int_equal(msgs[0].dest, 3);
	assert_int_equal(msgs[0].source, 0);
	ioapic_set_irq(&io, 1, true);
	assert_int_equal(nmsgs, 1);
	ioapic_set_irq(&io, 1, false);
	assert_int_equal(nmsgs, 1);
	ioapic_set_irq(&io, 1, true);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(io.deliveries[1], 2);
	assert_int_equal(io.deliveries[0], 0);
	/* An edge entry never sets remote IRR. */
	assert_int_equal(rte_lo(1) & REMOTE_IRR, 0);
	/* Nor does an EOI for its vector do anything but count. */
	ioapic_eoi(&io, 0x31);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(io.spurious_eoi, 1);
}

/* A masked edge is lost: not latched for the unmask. */
static void test_masked_edge_lost(void **state)
{
	(void)state;
	reset();
	set_rte(4, MASKED | 0x34, 0);
	ioapic_set_irq(&io, 4, true);
	assert_int_equal(nmsgs, 0);
	assert_int_equal(io.masked_edges, 1);
	set_rte(4, 0x34, 0);
	assert_int_equal(nmsgs, 0);
	ioapic_set_irq(&io, 4, false);
	ioapic_set_irq(&io, 4, true);
	assert_int_equal(nmsgs, 1);
}

/* Level: deliver, remote IRR until EOI, re-deliver while asserted. */
static void test_level_remote_irr_eoi(void **state)
{
	(void)state;
	reset();
	set_rte(10, LEVEL | 0x40, 0x01000000);
	ioapic_set_irq(&io, 10, true);
	assert_int_equal(nmsgs, 1);
	assert_true(msgs[0].level);
	assert_true(msgs[0].assert);
	assert_int_equal(msgs[0].vector, 0x40);
	assert_int_equal(msgs[0].dest, 1);
	assert_int_equal(rte_lo(10), LEVEL | REMOTE_IRR | 0x40);
	/* Still asserted, remote IRR set: nothing more. */
	ioapic_set_irq(&io, 10, true);
	ioapic_set_irq(&io, 10, false);
	ioapic_set_irq(&io, 10, true);
	assert_int_equal(nmsgs, 1);
	/* An EOI for another vector leaves it alone. */
	ioapic_eoi(&io, 0x41);
	assert_int_equal(io.spurious_eoi, 1);
	assert_int_equal(rte_lo(10) & REMOTE_IRR, REMOTE_IRR);
	/* The EOI: cleared, and the line is still high: again. */
	ioapic_eoi(&io, 0x40);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(rte_lo(10) & REMOTE_IRR, REMOTE_IRR);
	/* Deasserted before the EOI: remote IRR stays until the EOI. */
	ioapic_set_irq(&io, 10, false);
	assert_int_equal(rte_lo(10) & REMOTE_IRR, REMOTE_IRR);
	ioapic_eoi(&io, 0x40);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(rte_lo(10) & REMOTE_IRR, 0);
	assert_int_equal(io.eois, 3);
	assert_int_equal(io.spurious_eoi, 1);
	assert_int_equal(io.deliveries[10], 2);
}

/* Two level pins sharing a vector: one EOI serves both. */
static void test_eoi_shared_vector(void **state)
{
	(void)state;
	reset();
	set_rte(16, LEVEL | 0x50, 0);
	set_rte(17, LEVEL | 0x50, 0);
	ioapic_set_irq(&io, 16, true);
	ioapic_set_irq(&io, 17, true);
	assert_int_equal(nmsgs, 2);
	ioapic_set_irq(&io, 17, false);
	ioapic_eoi(&io, 0x50);
	assert_int_equal(nmsgs, 3); /* only pin 16 is still asserted */
	assert_int_equal(rte_lo(16) & REMOTE_IRR, REMOTE_IRR);
	assert_int_equal(rte_lo(17) & REMOTE_IRR, 0);
}

/* Unmasking an asserted level pin delivers; masked, it never sets IRR. */
static void test_unmask_asserted_level(void **state)
{
	(void)state;
	reset();
	set_rte(9, MASKED | LEVEL | 0x39, 0);
	ioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsgs, 0);
	assert_int_equal(rte_lo(9) & REMOTE_IRR, 0);
	assert_int_equal(io.masked_edges, 0);
	set_rte(9, LEVEL | 0x39, 0);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(rte_lo(9) & REMOTE_IRR, REMOTE_IRR);
	/* Masking and unmasking while remote IRR is set: no repeat. */
	set_rte(9, MASKED | LEVEL | 0x39, 0);
	set_rte(9, LEVEL | 0x39, 0);
	assert_int_equal(nmsgs, 1);
	/* EOI while masked: remote IRR clears, no message until unmask. */
	set_rte(9, MASKED | LEVEL | 0x39, 0);
	ioapic_eoi(&io, 0x39);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(rte_lo(9) & REMOTE_IRR, 0);
	set_rte(9, LEVEL | 0x39, 0);
	assert_int_equal(nmsgs, 2);
}

/* Writing the trigger to edge clears remote IRR. */
static void test_edge_write_clears_remote_irr(void **state)
{
	(void)state;
	reset();
	set_rte(11, LEVEL | 0x3b, 0);
	ioapic_set_irq(&io, 11, true);
	assert_int_equal(rte_lo(11) & REMOTE_IRR, REMOTE_IRR);
	set_rte(11, MASKED | 0x3b, 0);
	assert_int_equal(rte_lo(11) & REMOTE_IRR, 0);
	/* Back to level and unmasked, still asserted: delivers at once. */
	set_rte(11, LEVEL | 0x3b, 0);
	assert_int_equal(nmsgs, 2);
	/* A high-dword write keeps remote IRR. */
	regw(0x11 + 2 * 11, 0x07000000);
	assert_int_equal(rte_lo(11) & REMOTE_IRR, REMOTE_IRR);
}

/* Polarity low: the low wire asserts. */
static void test_polarity_active_low(void **state)
{
	(void)state;
	reset();
	/* Level, active low: the reset wire (low) is already asserted. */
	set_rte(5, MASKED | ACTIVE_LOW | LEVEL | 0x35, 0);
	assert_int_equal(nmsgs, 0);
	ioapic_set_irq(&io, 5, true); /* idle, as a PCI line is */
	set_rte(5, ACTIVE_LOW | LEVEL | 0x35, 0);
	assert_int_equal(nmsgs, 0);
	ioapic_set_irq(&io, 5, false); /* the device pulls it low */
	assert_int_equal(nmsgs, 1);
	ioapic_set_irq(&io, 5, true);
	ioapic_eoi(&io, 0x35);
	assert_int_equal(nmsgs, 1);
	ioapic_set_irq(&io, 5, false);
	assert_int_equal(nmsgs, 2);
	/* Unmasking an active-low level pin whose wire is low delivers. */
	reset();
	set_rte(6, ACTIVE_LOW | LEVEL | 0x36, 0);
	assert_int_equal(nmsgs, 1);

	/* Edge, active low: the falling wire is the assertion. */
	reset();
	set_rte(7, ACTIVE_LOW | 0x37, 0); /* polarity write: not an edge */
	assert_int_equal(nmsgs, 0);
	ioapic_set_irq(&io, 7, true);
	assert_int_equal(nmsgs, 0);
	ioapic_set_irq(&io, 7, false);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0].vector, 0x37);
}

/* The EOI register (0x40) acts as the broadcast EOI; it reads 0. */
static void test_eoi_register(void **state)
{
	u32 v = 1;

	(void)state;
	reset();
	set_rte(20, LEVEL | 0x64, 0);
	ioapic_set_irq(&io, 20, true);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(ioapic_mmio_write(&io, 0x40, 4, 0x65), 0);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(ioapic_mmio_write(&io, 0x40, 4, 0xffffff64), 0);
	assert_int_equal(nmsgs, 2);
	ioapic_set_irq(&io, 20, false);
	assert_int_equal(ioapic_mmio_write(&io, 0x40, 4, 0x64), 0);
	assert_int_equal(rte_lo(20) & REMOTE_IRR, 0);
	assert_int_equal(io.eois, 3);
	assert_int_equal(io.spurious_eoi, 1);
	assert_int_equal(ioapic_mmio_read(&io, 0x40, 4, &v), 0);
	assert_int_equal(v, 0);
	/* The EOI register does not disturb IOREGSEL. */
	assert_int_equal(ioapic_mmio_write(&io, 0x00, 4, 0x01), 0);
	assert_int_equal(ioapic_mmio_write(&io, 0x40, 4, 0x01), 0);
	assert_int_equal(ioapic_mmio_read(&io, 0x10, 4, &v), 0);
	assert_int_equal(v, 0x00170020);
}

/* Each delivery mode, dest mode and destination reaches the message. */
static void test_delivery_modes(void **state)
{
	static const unsigned int modes[] = {
		APIC_DM_FIXED, APIC_DM_LOWEST, APIC_DM_SMI,
		APIC_DM_NMI,   APIC_DM_INIT,   APIC_DM_EXTINT,
	};

	(void)state;
	reset();
	for (unsigned int i = 0; i < 6; i++) {
		unsigned int pin = i;

		set_rte(pin, LOGICAL | DM(modes[i]) | (0x80 + i), 0xa5000000);
		ioapic_set_irq(&io, pin, true);
		assert_int_equal(nmsgs, i + 1);
		assert_int_equal(msgs[i].delivery, modes[i]);
		assert_int_equal(msgs[i].vector, 0x80 + i);
		assert_true(msgs[i].logical);
		assert_int_equal(msgs[i].dest, 0xa5);
		assert_false(msgs[i].level);
		assert_true(msgs[i].assert);
	}
	/* Lowest priority level: a level message with remote IRR. */
	set_rte(8, LEVEL | DM(APIC_DM_LOWEST) | 0x90, 0xff000000);
	ioapic_set_irq(&io, 8, true);
	assert_int_equal(msgs[6].delivery, APIC_DM_LOWEST);
	assert_true(msgs[6].level);
	assert_false(msgs[6].logical);
	assert_int_equal(msgs[6].dest, 0xff);
	assert_int_equal(rte_lo(8) & REMOTE_IRR, REMOTE_IRR);
	/* NMI, INIT, SMI, ExtINT are edge even if programmed level. */
	set_rte(12, LEVEL | DM(APIC_DM_NMI), 0);
	ioapic_set_irq(&io, 12, true);
	assert_int_equal(nmsgs, 8);
	assert_false(msgs[7].level);
	assert_int_equal(rte_lo(12) & REMOTE_IRR, 0);
	ioapic_set_irq(&io, 12, true);
	assert_int_equal(nmsgs, 8);
	set_rte(13, LEVEL | DM(APIC_DM_EXTINT), 0);
	ioapic_set_irq(&io, 13, true);
	assert_int_equal(nmsgs, 9);
	assert_int_equal(msgs[8].delivery, APIC_DM_EXTINT);
	assert_false(msgs[8].level);
	/* The reserved modes 011b and 110b send nothing. */
	set_rte(14, DM(3) | 0x40, 0);
	set_rte(15, LEVEL | DM(6) | 0x41, 0);
	ioapic_set_irq(&io, 14, true);
	ioapic_set_irq(&io, 15, true);
	assert_int_equal(nmsgs, 9);
	assert_int_equal(io.bad_mode, 2);
	assert_int_equal(rte_lo(15) & REMOTE_IRR, 0);
	assert_int_equal(io.deliveries[14], 0);
}

/* Undefined register indexes read 0 and take no write. */
static void test_out_of_range_register(void **state)
{
	static const u32 bad[] = { 0x03, 0x0f, 0x40, 0x41, 0x80, 0xff };

	(void)state;
	reset();
	set_rte(23, MASKED | 0x77, 0x12000000);
	for (unsigned int i = 0; i < 6; i++) {
		regw(bad[i], 0xffffffff);
		assert_int_equal(regr(bad[i]), 0);
	}
	assert_int_equal(io.bad_reg, 12);
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(rte_lo(pin),
				 pin == 23 ? MASKED | 0x77 : MASKED);
	assert_int_equal(regr(0x3f), 0x12000000);
	assert_int_equal(regr(0), 0x02000000);
}

/* Only dword accesses in the page are defined. */
static void test_bad_accesses(void **state)
{
	u32 v = 0;

	(void)state;
	reset();
	assert_int_equal(ioapic_mmio_read(&io, 0x00, 1, &v), -EINVAL);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(ioapic_mmio_write(&io, 0x10, 2, 0), -EINVAL);
	assert_int_equal(ioapic_mmio_write(&io, 0x10, 8, 0), -EINVAL);
	assert_int_equal(ioapic_mmio_read(&io, 0x1000, 4, &v), -EINVAL);
	assert_int_equal(ioapic_mmio_write(&io, 0xffe, 4, 0), -EINVAL);
	assert_int_equal(io.bad_access, 5);
	/* In the page but no register: reads 0, write ignored. */
	assert_int_equal(ioapic_mmio_write(&io, 0x20, 4, 0x10), 0);
	assert_int_equal(ioapic_mmio_read(&io, 0x20, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ioapic_mmio_read(&io, 0xffc, 4, &v), 0);
	assert_int_equal(io.bad_access, 8);
	/* An unaligned IOREGSEL is not IOREGSEL. */
	assert_int_equal(ioapic_mmio_write(&io, 0x01, 4, 0x01), 0);
	assert_int_equal(ioapic_mmio_read(&io, 0x00, 4, &v), 0);
	assert_int_equal(v, 0);
	/* Pins beyond 23 are not wires. */
	ioapic_set_irq(&io, 24, true);
	assert_int_equal(io.bad_pin, 1);
}

/* Without a callback, messages are still counted. */
static void test_no_callback(void **state)
{
	(void)state;
	ioapic_init(&io, 0x1f, NULL);
	assert_int_equal(regr(0), 0x0f000000); /* the ID has 4 bits */
	set_rte(0, 0x30, 0);
	ioapic_set_irq(&io, 0, true);
	assert_int_equal(io.deliveries[0], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_registers),
		cmocka_unit_test(test_id_and_readonly_registers),
		cmocka_unit_test(test_register_select),
		cmocka_unit_test(test_rte_readback),
		cmocka_unit_test(test_edge_rising_only),
		cmocka_unit_test(test_masked_edge_lost),
		cmocka_unit_test(test_level_remote_irr_eoi),
		cmocka_unit_test(test_eoi_shared_vector),
		cmocka_unit_test(test_unmask_asserted_level),
		cmocka_unit_test(test_edge_write_clears_remote_irr),
		cmocka_unit_test(test_polarity_active_low),
		cmocka_unit_test(test_eoi_register),
		cmocka_unit_test(test_delivery_modes),
		cmocka_unit_test(test_out_of_range_register),
		cmocka_unit_test(test_bad_accesses),
		cmocka_unit_test(test_no_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
