// SPDX-License-Identifier: GPL-2.0
/*
 * hv/dev/lapic.c against the Intel SDM vol. 3, chapter "Advanced
 * Programmable Interrupt Controller (APIC)": reset state, PPR and
 * delivery priority, EOI, the ICR and destination matching, the timer in
 * its three modes and all divide values, IA32_APIC_BASE transitions, the
 * x2APIC MSR rules, ESR, SPIV, LINT pins.  Expected values are worked out
 * here from the SDM's rules, not taken from the model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "hv/dev/lapic.h"

/* A TSC at twice the timer clock: one timer clock is two TSC ticks. */
#define TSC_HZ 2000000000ULL
#define TIMER_HZ 1000000000ULL
#define MAXPHY 46
#define MY_ID 5

static struct lapic l;
static struct apic_msg sent[16];
static unsigned int nsent;
static int eoi_vec[16];
static unsigned int neoi;
static bool loopback; /* deliver sent IPIs back to l when they match */
static u64 clock_now;

static void rec_send(void *ctx, const struct apic_msg *m)
{
	assert_ptr_equal(ctx, &l);
	if (nsent < 16)
		sent[nsent] = *m;
	nsent++;
	if (loopback && lapic_match_dest(&l, m))
		lapic_accept(&l, m, clock_now);
}

static void rec_eoi(void *ctx, u8 vector)
{
	assert_ptr_equal(ctx, &l);
	if (neoi < 16)
		eoi_vec[neoi] = vector;
	neoi++;
}

static const struct lapic_ops ops = { .ctx = &l,
				      .send = rec_send,
				      .eoi_level = rec_eoi };

static void setup_rates(u64 tsc_hz, u64 timer_hz, bool bsp)
{
	lapic_init(&l, MY_ID, bsp, tsc_hz, timer_hz, &ops);
	nsent = 0;
	neoi = 0;
	loopback = false;
	clock_now = 0;
}

static int setup(void **state)
{
	(void)state;
	setup_rates(TSC_HZ, TIMER_HZ, true);
	return 0;
}

static u32 rd(u32 off)
{
	u32 v = 0xdeadbeef;

	assert_int_equal(lapic_mmio_read(&l, off, 4, &v, clock_now), 0);
	return v;
}

static void wr(u32 off, u32 v)
{
	assert_int_equal(lapic_mmio_write(&l, off, 4, v, clock_now), 0);
}

static u64 mrd(u32 msr)
{
	u64 v = 0xdeadbeef;

	assert_int_equal(lapic_msr_read(&l, msr, &v, clock_now), 0);
	return v;
}

static void mwr(u32 msr, u64 v)
{
	assert_int_equal(lapic_msr_write(&l, msr, v, clock_now), 0);
}

static int mwr_err(u32 msr, u64 v)
{
	return lapic_msr_write(&l, msr, v, clock_now);
}

static int mrd_err(u32 msr)
{
	u64 v;

	return lapic_msr_read(&l, msr, &v, clock_now);
}

static void sw_enable(void)
{
	wr(LAPIC_REG_SPIV, 0x1ff);
}

static void to_x2apic(void)
{
	assert_int_equal(lapic_write_base(&l,
					  LAPIC_DEFAULT_BASE | LAPIC_BASE_EN |
						  LAPIC_BASE_EXTD,
					  MAXPHY),
			 0);
	assert_int_equal(lapic_mode(&l), LAPIC_X2APIC);
}

static struct apic_msg fixed(u8 vector, bool level)
{
	struct apic_msg m = { .vector = vector,
			      .delivery = APIC_DM_FIXED,
			      .level = level,
			      .assert = true,
			      .dest = MY_ID };
	return m;
}

static void give(u8 vector, bool level)
{
	struct apic_msg m = fixed(vector, level);

	lapic_accept(&l, &m, clock_now);
}

/* Accept and take @vector: it goes in service. */
static void serve(u8 vector)
{
	give(vector, false);
	assert_int_equal(lapic_pending_vector(&l), vector);
	lapic_ack(&l, vector);
}

static bool bit_in(u32 base, unsigned int v)
{
	return (rd(base + (v / 32) * 0x10) >> (v % 32)) & 1;
}

/* ---- reset ---------------------------------------------------------- */

/* SDM "Local APIC State After Power-Up or Reset" and IA32_APIC_BASE. */
static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(lapic_read_base(&l), 0xfee00900ULL); /* EN|BSP */
	assert_int_equal(lapic_mode(&l), LAPIC_XAPIC);
	assert_false(lapic_sw_enabled(&l));
	assert_int_equal(rd(LAPIC_REG_ID), MY_ID << 24);
	assert_int_equal(rd(LAPIC_REG_VERSION), 0x00060014);
	assert_int_equal(rd(LAPIC_REG_SPIV), 0xff);
	assert_int_equal(rd(LAPIC_REG_DFR), 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_LDR), 0);
	assert_int_equal(rd(LAPIC_REG_TPR), 0);
	assert_int_equal(rd(LAPIC_REG_PPR), 0);
	assert_int_equal(rd(LAPIC_REG_ESR), 0);
	assert_int_equal(rd(LAPIC_REG_ICR_LO), 0);
	assert_int_equal(rd(LAPIC_REG_ICR_HI), 0);
	for (u32 off = LAPIC_REG_LVT_TIMER; off <= LAPIC_REG_LVT_ERROR;
	     off += 0x10)
		assert_int_equal(rd(off), 0x10000);
	assert_int_equal(rd(LAPIC_REG_LVT_CMCI), 0x10000);
	for (u32 i = 0; i < 8; i++) {
		assert_int_equal(rd(LAPIC_REG_ISR + i * 0x10), 0);
		assert_int_equal(rd(LAPIC_REG_TMR + i * 0x10), 0);
		assert_int_equal(rd(LAPIC_REG_IRR + i * 0x10), 0);
	}
	assert_int_equal(rd(LAPIC_REG_TIMER_ICR), 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_DCR), 0);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	assert_int_equal(lapic_pending_vector(&l), -1);

	/* An AP has BSP clear. */
	setup_rates(TSC_HZ, TIMER_HZ, false);
	assert_int_equal(lapic_read_base(&l), 0xfee00800ULL);
}

/* INIT: registers as after reset, APIC_BASE and ID kept; x2APIC stays. */
static void test_init_signal(void **state)
{
	(void)state;
	sw_enable();
	wr(LAPIC_REG_ID, 9u << 24);
	wr(LAPIC_REG_TPR, 0x30);
	wr(LAPIC_REG_LVT_TIMER, 0x40);
	serve(0x80);
	assert_int_equal(lapic_write_base(&l, 0xfed00800ULL, MAXPHY), 0);
	lapic_init_signal(&l);
	assert_int_equal(lapic_read_base(&l), 0xfed00900ULL);
	assert_int_equal(lapic_mode(&l), LAPIC_XAPIC);
	assert_false(lapic_mmio_covers(&l, 0xfee00000ULL));
	assert_true(lapic_mmio_covers(&l, 0xfed00030ULL));
	assert_int_equal(rd(LAPIC_REG_ID), 9u << 24);
	assert_int_equal(rd(LAPIC_REG_SPIV), 0xff);
	assert_int_equal(rd(LAPIC_REG_TPR), 0);
	assert_int_equal(rd(LAPIC_REG_LVT_TIMER), 0x10000);
	assert_int_equal(rd(LAPIC_REG_ISR + 0x40), 0);
	assert_int_equal(rd(LAPIC_REG_DFR), 0xffffffff);

	setup(NULL);
	to_x2apic();
	mwr(0x80f, 0x1ff);
	mwr(0x808, 0x20);
	lapic_init_signal(&l);
	assert_int_equal(lapic_mode(&l), LAPIC_X2APIC);
	assert_int_equal(mrd(0x802), MY_ID);
	assert_int_equal(mrd(0x80f), 0xff);
	assert_int_equal(mrd(0x808), 0);
	/* x2APIC LDR is derived from the ID: cluster 0, bit 5. */
	assert_int_equal(mrd(0x80d), 1u << 5);
}

/* ---- priority -------------------------------------------------------- */

/* PPR: TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0. */
static void test_ppr_rule(void **state)
{
	(void)state;
	sw_enable();
	/* Nothing in service: ISRV is 0, so PPR is TPR, low nibble too. */
	wr(LAPIC_REG_TPR, 0x45);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x45);
	wr(LAPIC_REG_TPR, 0x0f);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x0f);
}

static void test_ppr_tpr_above_isr(void **state)
{
	(void)state;
	sw_enable();
	serve(0x31);
	wr(LAPIC_REG_TPR, 0x45);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x45);
	assert_int_equal(lapic_ppr(&l), 0x45);
}

static void test_ppr_isr_above_tpr(void **state)
{
	(void)state;
	sw_enable();
	wr(LAPIC_REG_TPR, 0x25);
	serve(0x5a);
	/* Low nibble cleared: ISRV class, not ISRV. */
	assert_int_equal(rd(LAPIC_REG_PPR), 0x50);
}

static void test_ppr_equal_class(void **state)
{
	(void)state;
	sw_enable();
	serve(0x5a);
	wr(LAPIC_REG_TPR, 0x53);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x53); /* >= : TPR, whole byte */
	wr(LAPIC_REG_TPR, 0x5f);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x5f);
	wr(LAPIC_REG_TPR, 0x4f);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x50);
}

/* Only a vector whose class is above PPR's class is delivered. */
static void test_pending_vs_ppr(void **state)
{
	(void)state;
	sw_enable();
	wr(LAPIC_REG_TPR, 0x50);
	give(0x5f, false);
	assert_int_equal(lapic_pending_vector(&l), -1); /* same class */
	give(0x41, false);
	assert_int_equal(lapic_pending_vector(&l), -1); /* below */
	give(0x60, false);
	assert_int_equal(lapic_pending_vector(&l), 0x60);
	wr(LAPIC_REG_TPR, 0x60);
	assert_int_equal(lapic_pending_vector(&l), -1);
	wr(LAPIC_REG_TPR, 0);
	/* The highest IRR vector wins. */
	give(0x90, false);
	assert_int_equal(lapic_pending_vector(&l), 0x90);
	lapic_ack(&l, 0x90);
	/* In service 0x90: nothing in classes <= 9, also not 0x60. */
	assert_int_equal(lapic_pending_vector(&l), -1);
	give(0x9f, false);
	assert_int_equal(lapic_pending_vector(&l), -1);
	give(0xa0, false);
	assert_int_equal(lapic_pending_vector(&l), 0xa0);
	/* CR8 path: TPR 0xf0 blocks all. */
	lapic_set_tpr(&l, 0xf0);
	assert_int_equal(lapic_get_tpr(&l), 0xf0);
	assert_int_equal(lapic_pending_vector(&l), -1);
}

/* Nested service: a higher class preempts; EOI unwinds in order. */
static void test_nested_isr_and_eoi(void **state)
{
	(void)state;
	sw_enable();
	serve(0x40);
	give(0x30, false);
	assert_int_equal(lapic_pending_vector(&l), -1);
	serve(0x60);
	serve(0x80);
	assert_int_equal(rd(LAPIC_REG_PPR), 0x80);
	assert_true(bit_in(LAPIC_REG_ISR, 0x40));
	assert_true(bit_in(LAPIC_REG_ISR, 0x60));
	assert_true(bit_in(LAPIC_REG_ISR, 0x80));
	wr(LAPIC_REG_EOI, 0);
	/* Only the highest went. */
	assert_false(bit_in(LAPIC_REG_ISR, 0x80));
	assert_true(bit_in(LAPIC_REG_ISR, 0x60));
	assert_true(bit_in(LAPIC_REG_ISR, 0x40));
	assert_int_equal(rd(LAPIC_REG_PPR), 0x60);
	wr(LAPIC_REG_EOI, 0x12345678); /* xAPIC: any value */
	assert_int_equal(rd(LAPIC_REG_ISR + 0x30), 0);
	assert_true(bit_in(LAPIC_REG_ISR, 0x40));
	assert_int_equal(lapic_pending_vector(&l), -1); /* 0x30 < 0x40 */
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(lapic_pending_vector(&l), 0x30);
	/* EOI with nothing in service changes nothing, is counted. */
	lapic_ack(&l, 0x30);
	wr(LAPIC_REG_EOI, 0);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(l.eoi_writes, 5);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x10), 0);
	assert_int_equal(neoi, 0);
	/* An ack of a vector not in IRR does nothing. */
	lapic_ack(&l, 0x77);
	assert_false(bit_in(LAPIC_REG_ISR, 0x77));
	assert_int_equal(l.bad_ack, 1);
}

/* Level: TMR set, EOI broadcast with the vector; edge: neither. */
static void test_eoi_level_tmr(void **state)
{
	(void)state;
	sw_enable();
	give(0x71, true);
	assert_true(bit_in(LAPIC_REG_TMR, 0x71));
	lapic_ack(&l, 0x71);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(neoi, 1);
	assert_int_equal(eoi_vec[0], 0x71);

	give(0x72, false);
	assert_false(bit_in(LAPIC_REG_TMR, 0x72));
	lapic_ack(&l, 0x72);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(neoi, 1);

	/* An edge acceptance of the same vector clears its TMR bit. */
	give(0x71, false);
	assert_false(bit_in(LAPIC_REG_TMR, 0x71));
	lapic_ack(&l, 0x71);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(neoi, 1);

	/* The EOI pops the highest ISR bit even when a lower one is level. */
	give(0x50, true);
	lapic_ack(&l, 0x50);
	serve(0x90);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(neoi, 1);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(neoi, 2);
	assert_int_equal(eoi_vec[1], 0x50);
}

/* ---- ICR and destinations ------------------------------------------- */

static struct apic_msg icr_send(u32 hi, u32 lo)
{
	unsigned int before = nsent;

	wr(LAPIC_REG_ICR_HI, hi);
	wr(LAPIC_REG_ICR_LO, lo);
	assert_int_equal(nsent, before + 1);
	return sent[before];
}

/* Each delivery mode of the ICR becomes the right message. */
static void test_icr_delivery_modes(void **state)
{
	struct apic_msg m;

	(void)state;
	sw_enable();
	m = icr_send(0x03000000, 0x000000f1);
	assert_int_equal(m.vector, 0xf1);
	assert_int_equal(m.delivery, APIC_DM_FIXED);
	assert_int_equal(m.dest, 3);
	assert_false(m.logical);
	assert_int_equal(m.shorthand, APIC_SH_NONE);
	assert_int_equal(m.source, MY_ID);
	assert_false(m.level);
	assert_true(m.assert);
	/* Delivered at once: delivery status (bit 12) reads idle. */
	assert_int_equal(rd(LAPIC_REG_ICR_LO), 0xf1);
	assert_int_equal(rd(LAPIC_REG_ICR_HI), 0x03000000);

	m = icr_send(0x03000000, 0x00000142);
	assert_int_equal(m.delivery, APIC_DM_LOWEST);
	assert_int_equal(m.vector, 0x42);
	m = icr_send(0x03000000, 0x00000200);
	assert_int_equal(m.delivery, APIC_DM_SMI);
	m = icr_send(0x03000000, 0x00004400);
	assert_int_equal(m.delivery, APIC_DM_NMI);
	/* INIT level assert, then de-assert (Linux's sequence). */
	m = icr_send(0x03000000, 0x0000c500);
	assert_int_equal(m.delivery, APIC_DM_INIT);
	assert_true(m.level);
	assert_true(m.assert);
	m = icr_send(0x03000000, 0x00008500);
	assert_int_equal(m.delivery, APIC_DM_INIT);
	assert_true(m.level);
	assert_false(m.assert);
	m = icr_send(0x03000000, 0x0000069a);
	assert_int_equal(m.delivery, APIC_DM_SIPI);
	assert_int_equal(m.vector, 0x9a);
	/* Level-trigger bits on a fixed IPI are ignored (P4+): edge. */
	m = icr_send(0x03000000, 0x0000c0f1);
	assert_false(m.level);
	/* Reserved delivery modes 011 and 111 are not sent. */
	wr(LAPIC_REG_ICR_LO, 0x300);
	wr(LAPIC_REG_ICR_LO, 0x7f0);
	assert_int_equal(nsent, 8);
	assert_int_equal(l.unimplemented, 2);
	assert_int_equal(l.ipis_sent, 8);
	/* Writing ICR high alone sends nothing. */
	wr(LAPIC_REG_ICR_HI, 0x07000000);
	assert_int_equal(nsent, 8);
}

static void test_icr_shorthand_and_mode(void **state)
{
	struct apic_msg m;

	(void)state;
	sw_enable();
	m = icr_send(0, 0x000400f1);
	assert_int_equal(m.shorthand, APIC_SH_SELF);
	m = icr_send(0, 0x000800f1);
	assert_int_equal(m.shorthand, APIC_SH_ALL);
	m = icr_send(0, 0x000c0600 | 0x10);
	assert_int_equal(m.shorthand, APIC_SH_OTHERS);
	assert_int_equal(m.delivery, APIC_DM_SIPI);
	m = icr_send(0x0f000000, 0x000008f1);
	assert_true(m.logical);
	assert_int_equal(m.dest, 0x0f);
	/* Reserved bits of ICR high are dropped. */
	m = icr_send(0x02ffffff, 0xf1);
	assert_int_equal(m.dest, 0x02);
}

static bool match(u8 sh, bool logical, u32 dest, u32 source)
{
	struct apic_msg m = { .vector = 0x40,
			      .delivery = APIC_DM_FIXED,
			      .assert = true,
			      .logical = logical,
			      .shorthand = sh,
			      .dest = dest,
			      .source = source };
	return lapic_match_dest(&l, &m);
}

static void test_match_physical_and_shorthand(void **state)
{
	(void)state;
	assert_true(match(APIC_SH_NONE, false, MY_ID, 0));
	assert_false(match(APIC_SH_NONE, false, MY_ID + 1, 0));
	assert_true(match(APIC_SH_NONE, false, 0xff, 0));
	assert_true(match(APIC_SH_SELF, false, 0, MY_ID));
	assert_false(match(APIC_SH_SELF, false, MY_ID, 1));
	assert_true(match(APIC_SH_ALL, false, 0, 1));
	assert_true(match(APIC_SH_ALL, false, 0, MY_ID));
	assert_false(match(APIC_SH_OTHERS, false, MY_ID, MY_ID));
	assert_true(match(APIC_SH_OTHERS, false, 0, 1));
	/* The xAPIC ID is writable and matching follows it. */
	wr(LAPIC_REG_ID, 0x22000000);
	assert_true(match(APIC_SH_NONE, false, 0x22, 0));
	assert_false(match(APIC_SH_NONE, false, MY_ID, 0));
	/* A hardware-disabled LAPIC is no destination. */
	assert_int_equal(lapic_write_base(&l, LAPIC_DEFAULT_BASE, MAXPHY), 0);
	assert_false(match(APIC_SH_ALL, false, 0, 1));
	assert_false(match(APIC_SH_NONE, false, 0xff, 0));
}

static void test_match_logical_flat(void **state)
{
	(void)state;
	wr(LAPIC_REG_LDR, 0x04000000 | 0x00ffffff); /* low bits reserved */
	assert_int_equal(rd(LAPIC_REG_LDR), 0x04000000);
	assert_true(match(0, true, 0x04, 0));
	assert_true(match(0, true, 0x0c, 0));
	assert_false(match(0, true, 0x08, 0));
	assert_false(match(0, true, 0xfb, 0));
	assert_true(match(0, true, 0xff, 0));
	/* With LDR 0 only the broadcast matches. */
	wr(LAPIC_REG_LDR, 0);
	assert_false(match(0, true, 0x7f, 0));
	assert_true(match(0, true, 0xff, 0));
}

static void test_match_logical_cluster(void **state)
{
	(void)state;
	wr(LAPIC_REG_DFR, 0x0fffffff);
	assert_int_equal(rd(LAPIC_REG_DFR), 0x0fffffff);
	wr(LAPIC_REG_LDR, 0x32000000); /* cluster 3, member bit 1 */
	assert_true(match(0, true, 0x32, 0));
	assert_true(match(0, true, 0x36, 0));
	assert_false(match(0, true, 0x31, 0));
	assert_false(match(0, true, 0x22, 0));
	assert_false(match(0, true, 0x42, 0));
	assert_true(match(0, true, 0xff, 0));
	/* DFR bits 27:0 always read 1. */
	wr(LAPIC_REG_DFR, 0);
	assert_int_equal(rd(LAPIC_REG_DFR), 0x0fffffff);
	wr(LAPIC_REG_DFR, 0xf0000000);
	assert_int_equal(rd(LAPIC_REG_DFR), 0xffffffff);
	/* Flat now: any common bit with 0x32. */
	assert_true(match(0, true, 0x31, 0));
	assert_true(match(0, true, 0x22, 0));
	assert_false(match(0, true, 0x0d, 0));
}

static void test_match_x2apic(void **state)
{
	(void)state;
	lapic_init(&l, 0x25, false, TSC_HZ, TIMER_HZ, &ops);
	to_x2apic();
	assert_int_equal(mrd(0x802), 0x25);
	/* LDR: cluster ID[31:4] in 31:16, bit ID[3:0] in 15:0. */
	assert_int_equal(mrd(0x80d), 0x00020020);
	assert_true(match(0, true, 0x00020020, 0));
	assert_true(match(0, true, 0x00020031, 0));
	assert_false(match(0, true, 0x00020010, 0));
	assert_false(match(0, true, 0x00010020, 0));
	assert_true(match(0, true, 0xffffffff, 0));
	assert_true(match(0, false, 0x25, 0));
	assert_false(match(0, false, 0x125, 0));
	assert_true(match(0, false, 0xffffffff, 0));
	assert_true(match(APIC_SH_SELF, false, 0, 0x25));
	assert_false(match(APIC_SH_OTHERS, false, 0, 0x25));

	/* The ICR is one 64-bit MSR: destination in 63:32. */
	nsent = 0;
	mwr(0x830, (0x00020020ULL << 32) | 0x8f1);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].dest, 0x00020020);
	assert_true(sent[0].logical);
	assert_int_equal(sent[0].source, 0x25);
	assert_int_equal(mrd(0x830), (0x00020020ULL << 32) | 0x8f1);
	/* The (x2APIC-reserved) delivery-status bit is ignored. */
	mwr(0x830, (7ULL << 32) | 0x10f1);
	assert_int_equal(mrd(0x830), (7ULL << 32) | 0xf1);
	assert_int_equal(sent[1].dest, 7);
}

/* Self IPI: ICR shorthand (xAPIC) and SELF IPI MSR (x2APIC). */
static void test_self_ipi(void **state)
{
	(void)state;
	sw_enable();
	loopback = true;
	wr(LAPIC_REG_ICR_LO, 0x000400f1);
	assert_int_equal(lapic_pending_vector(&l), 0xf1);
	lapic_ack(&l, 0xf1);
	wr(LAPIC_REG_EOI, 0);

	to_x2apic();
	mwr(0x83f, 0xf2);
	assert_int_equal(sent[1].delivery, APIC_DM_FIXED);
	assert_int_equal(sent[1].shorthand, APIC_SH_SELF);
	assert_int_equal(sent[1].vector, 0xf2);
	assert_int_equal(sent[1].source, MY_ID);
	assert_int_equal(lapic_pending_vector(&l), 0xf2);
	assert_int_equal(mwr_err(0x83f, 0x1f2), -EINVAL);
	assert_int_equal(nsent, 2);
	assert_int_equal(mrd_err(0x83f), -EINVAL); /* write-only */
}

/* ---- acceptance ----------------------------------------------------- */

static void test_accept_kinds(void **state)
{
	struct apic_msg m = { .assert = true, .dest = MY_ID };

	(void)state;
	sw_enable();
	m.delivery = APIC_DM_NMI;
	lapic_accept(&l, &m, 0);
	assert_true(lapic_nmi_pending(&l));
	lapic_take_nmi(&l);
	assert_false(lapic_nmi_pending(&l));

	m.delivery = APIC_DM_INIT;
	m.level = true;
	m.assert = false; /* de-assert: ignored */
	lapic_accept(&l, &m, 0);
	assert_false(lapic_take_init(&l));
	m.assert = true;
	lapic_accept(&l, &m, 0);
	assert_true(lapic_take_init(&l));
	assert_false(lapic_take_init(&l));

	m.delivery = APIC_DM_SIPI;
	m.vector = 0x9a;
	lapic_accept(&l, &m, 0);
	assert_int_equal(lapic_take_sipi(&l), 0x9a);
	assert_int_equal(lapic_take_sipi(&l), -1);

	m.delivery = APIC_DM_EXTINT;
	lapic_accept(&l, &m, 0);
	assert_true(lapic_extint_pending(&l));
	lapic_take_extint(&l);
	assert_false(lapic_extint_pending(&l));

	m.delivery = APIC_DM_SMI;
	lapic_accept(&l, &m, 0);
	assert_int_equal(l.unimplemented, 1);

	m = fixed(0x33, false);
	m.delivery = APIC_DM_LOWEST;
	lapic_accept(&l, &m, 0);
	assert_int_equal(lapic_pending_vector(&l), 0x33);
	assert_int_equal(l.accepted[APIC_DM_NMI], 1);
	assert_int_equal(l.accepted[APIC_DM_INIT], 1);
	assert_int_equal(l.accepted[APIC_DM_SIPI], 1);
	assert_int_equal(l.accepted[APIC_DM_EXTINT], 1);
	assert_int_equal(l.accepted[APIC_DM_LOWEST], 1);
	assert_int_equal(l.accepted[APIC_DM_FIXED], 0);
}

/* Two NMIs latch; the platform can clamp them to the CPU's one. */
static void test_nmi_latch(void **state)
{
	struct apic_msg m = { .delivery = APIC_DM_NMI, .assert = true };

	(void)state;
	for (int i = 0; i < 5; i++)
		lapic_accept(&l, &m, 0);
	lapic_take_nmi(&l);
	assert_true(lapic_nmi_pending(&l));
	lapic_take_nmi(&l);
	assert_false(lapic_nmi_pending(&l));
	lapic_accept(&l, &m, 0);
	lapic_accept(&l, &m, 0);
	lapic_nmi_limit(&l, 1);
	lapic_take_nmi(&l);
	assert_false(lapic_nmi_pending(&l));
}

/* SDM: a software-disabled LAPIC responds to NMI, INIT, SMI and SIPI. */
static void test_sw_disabled_accepts(void **state)
{
	struct apic_msg m = { .assert = true, .dest = MY_ID };

	(void)state;
	give(0x40, false);
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_false(bit_in(LAPIC_REG_IRR, 0x40));
	m.delivery = APIC_DM_EXTINT;
	lapic_accept(&l, &m, 0);
	assert_false(lapic_extint_pending(&l));
	assert_int_equal(l.dropped, 2);
	m.delivery = APIC_DM_NMI;
	lapic_accept(&l, &m, 0);
	assert_true(lapic_nmi_pending(&l));
	m.delivery = APIC_DM_INIT;
	lapic_accept(&l, &m, 0);
	assert_true(lapic_take_init(&l));
	m.delivery = APIC_DM_SIPI;
	m.vector = 0x10;
	lapic_accept(&l, &m, 0);
	assert_int_equal(lapic_take_sipi(&l), 0x10);
	/* IRR held across software disable is still delivered. */
	sw_enable();
	give(0x50, false);
	wr(LAPIC_REG_SPIV, 0xff);
	assert_int_equal(lapic_pending_vector(&l), 0x50);
	/* The LAPIC can still send IPIs. */
	wr(LAPIC_REG_ICR_LO, 0x44f1);
	assert_int_equal(nsent, 1);
}

/* Vectors 0-15: ESR "receive illegal vector", nothing in IRR. */
static void test_illegal_vector(void **state)
{
	(void)state;
	sw_enable();
	give(15, false);
	assert_int_equal(rd(LAPIC_REG_IRR), 0);
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_int_equal(l.illegal_vector, 1);
	wr(LAPIC_REG_ESR, 0);
	assert_int_equal(rd(LAPIC_REG_ESR), LAPIC_ESR_RX_ILLEGAL);
	give(16, false);
	assert_int_equal(lapic_pending_vector(&l), 16);
	/* Sending one: "send illegal vector" on the sender. */
	wr(LAPIC_REG_ESR, 0);
	wr(LAPIC_REG_ICR_LO, 0x00000003);
	wr(LAPIC_REG_ESR, 0);
	assert_int_equal(rd(LAPIC_REG_ESR), LAPIC_ESR_TX_ILLEGAL);
	/* A self IPI with one sets both. */
	loopback = true;
	wr(LAPIC_REG_ICR_LO, 0x00040005);
	wr(LAPIC_REG_ESR, 0);
	assert_int_equal(rd(LAPIC_REG_ESR),
			 LAPIC_ESR_TX_ILLEGAL | LAPIC_ESR_RX_ILLEGAL);
	/* A local (LVT) interrupt with one. */
	wr(LAPIC_REG_LVT_TIMER, 0x07);
	wr(LAPIC_REG_TIMER_DCR, 0xb);
	wr(LAPIC_REG_TIMER_ICR, 1);
	lapic_advance(&l, 10);
	wr(LAPIC_REG_ESR, 0);
	assert_int_equal(rd(LAPIC_REG_ESR), LAPIC_ESR_RX_ILLEGAL);
	assert_int_equal(rd(LAPIC_REG_IRR), 1u << 16); /* only vector 16 */
}

/* ESR: a write publishes the errors logged since the previous write. */
static void test_esr_latch(void **state)
{
	(void)state;
	sw_enable();
	give(3, false);
	assert_int_equal(rd(LAPIC_REG_ESR), 0); /* not yet written */
	wr(LAPIC_REG_ESR, 0xffffffff); /* the value written does not matter */
	assert_int_equal(rd(LAPIC_REG_ESR), 0x40);
	assert_int_equal(rd(LAPIC_REG_ESR), 0x40); /* reads do not clear */
	wr(LAPIC_REG_ESR, 0);
	assert_int_equal(rd(LAPIC_REG_ESR), 0);
	/* A reserved register offset is "illegal register address". */
	assert_int_equal(rd(0x040), 0);
	wr(0x2a0, 5);
	wr(LAPIC_REG_ESR, 0);
	assert_int_equal(rd(LAPIC_REG_ESR), LAPIC_ESR_ILLEGAL_REG);
	/* An unmasked LVT error entry interrupts on an error. */
	wr(LAPIC_REG_LVT_ERROR, 0xfe);
	give(2, false);
	assert_int_equal(lapic_pending_vector(&l), 0xfe);
	/* x2APIC: only 0 may be written. */
	to_x2apic();
	assert_int_equal(mwr_err(0x828, 1), -EINVAL);
	mwr(0x828, 0);
	assert_int_equal(mrd(0x828), 0x40);
}

/* SPIV bit 8 clear: every LVT masked, and the masks cannot be cleared. */
static void test_spiv_disable_masks_lvt(void **state)
{
	(void)state;
	sw_enable();
	assert_int_equal(rd(LAPIC_REG_SPIV), 0x1ff);
	wr(LAPIC_REG_LVT_TIMER, 0x20);
	wr(LAPIC_REG_LVT_LINT0, 0x700);
	wr(LAPIC_REG_LVT_LINT1, 0x400);
	wr(LAPIC_REG_LVT_ERROR, 0xfe);
	wr(LAPIC_REG_LVT_PERF, 0x400);
	wr(LAPIC_REG_LVT_THERMAL, 0x30);
	wr(LAPIC_REG_LVT_CMCI, 0x31);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT0), 0x700);
	wr(LAPIC_REG_SPIV, 0x0ff);
	assert_int_equal(rd(LAPIC_REG_LVT_TIMER), 0x10020);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT0), 0x10700);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT1), 0x10400);
	assert_int_equal(rd(LAPIC_REG_LVT_ERROR), 0x100fe);
	assert_int_equal(rd(LAPIC_REG_LVT_PERF), 0x10400);
	assert_int_equal(rd(LAPIC_REG_LVT_THERMAL), 0x10030);
	assert_int_equal(rd(LAPIC_REG_LVT_CMCI), 0x10031);
	wr(LAPIC_REG_LVT_TIMER, 0x21);
	assert_int_equal(rd(LAPIC_REG_LVT_TIMER), 0x10021);
	/* Re-enabling does not unmask. */
	sw_enable();
	assert_int_equal(rd(LAPIC_REG_LVT_TIMER), 0x10021);
	/* SPIV: bits 9:0 writable, 12 (no directed EOI) reserved. */
	wr(LAPIC_REG_SPIV, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_SPIV), 0x3ff);
}

/* Writable bits of each LVT entry (SDM "Local Vector Table" figure). */
static void test_lvt_writable_bits(void **state)
{
	(void)state;
	sw_enable();
	wr(LAPIC_REG_LVT_TIMER, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_LVT_TIMER), 0x000700ff);
	wr(LAPIC_REG_LVT_TIMER, 0x10000);
	wr(LAPIC_REG_LVT_LINT0, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT0), 0x0001a7ff);
	wr(LAPIC_REG_LVT_LINT1, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT1), 0x0001a7ff);
	wr(LAPIC_REG_LVT_ERROR, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_LVT_ERROR), 0x000100ff);
	wr(LAPIC_REG_LVT_PERF, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_LVT_PERF), 0x000107ff);
	wr(LAPIC_REG_LVT_THERMAL, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_LVT_THERMAL), 0x000107ff);
	wr(LAPIC_REG_LVT_CMCI, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_LVT_CMCI), 0x000107ff);
	wr(LAPIC_REG_TPR, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_TPR), 0xff);
	wr(LAPIC_REG_TIMER_DCR, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_TIMER_DCR), 0xb);
	wr(LAPIC_REG_ID, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_ID), 0xff000000);
	/* Read-only registers ignore writes. */
	wr(LAPIC_REG_VERSION, 0);
	assert_int_equal(rd(LAPIC_REG_VERSION), 0x00060014);
	wr(LAPIC_REG_PPR, 0xff);
	assert_int_equal(rd(LAPIC_REG_PPR), 0xff); /* from TPR 0xff */
	wr(LAPIC_REG_TPR, 0);
	wr(LAPIC_REG_IRR + 0x70, 0xffffffff);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x70), 0);
	assert_int_equal(rd(LAPIC_REG_APR), 0);
	assert_int_equal(rd(LAPIC_REG_RRD), 0);
	assert_int_equal(rd(LAPIC_REG_EOI), 0);
}

/* ---- MMIO lanes ------------------------------------------------------ */

static void test_mmio_lanes(void **state)
{
	u32 v;

	(void)state;
	assert_int_equal(lapic_mmio_read(&l, 0x30, 1, &v, 0), 0);
	assert_int_equal(v, 0x14);
	assert_int_equal(lapic_mmio_read(&l, 0x32, 1, &v, 0), 0);
	assert_int_equal(v, 0x06);
	assert_int_equal(lapic_mmio_read(&l, 0x32, 2, &v, 0), 0);
	assert_int_equal(v, 0x0006);
	assert_int_equal(lapic_mmio_read(&l, 0x30, 2, &v, 0), 0);
	assert_int_equal(v, 0x0014);
	assert_int_equal(lapic_mmio_read(&l, 0x34, 4, &v, 0), 0);
	assert_int_equal(v, 0);
	assert_int_equal(lapic_mmio_read(&l, 0x3c, 4, &v, 0), 0);
	assert_int_equal(v, 0);
	/* Crossing a 16-byte slot, odd sizes, outside the page: refused. */
	assert_int_equal(lapic_mmio_read(&l, 0x3e, 4, &v, 0), -EINVAL);
	assert_int_equal(lapic_mmio_read(&l, 0x30, 3, &v, 0), -EINVAL);
	assert_int_equal(lapic_mmio_read(&l, 0x30, 8, &v, 0), -EINVAL);
	assert_int_equal(lapic_mmio_read(&l, 0x1000, 4, &v, 0), -EINVAL);
	assert_int_equal(lapic_mmio_write(&l, 0xffe, 4, 0, 0), -EINVAL);
	/* A byte write merges into the register (TPR byte 0). */
	assert_int_equal(lapic_mmio_write(&l, 0x80, 1, 0x1234, 0), 0);
	assert_int_equal(rd(LAPIC_REG_TPR), 0x34);
	/* A byte write into ID byte 3. */
	assert_int_equal(lapic_mmio_write(&l, 0x23, 1, 0x07, 0), 0);
	assert_int_equal(rd(LAPIC_REG_ID), 0x07000000);
	/* Bytes 4-15 of a slot hold nothing. */
	assert_int_equal(lapic_mmio_write(&l, 0x84, 4, 0x99, 0), 0);
	assert_int_equal(rd(LAPIC_REG_TPR), 0x34);
	assert_true(lapic_mmio_covers(&l, 0xfee00000ULL));
	assert_true(lapic_mmio_covers(&l, 0xfee00fffULL));
	assert_false(lapic_mmio_covers(&l, 0xfee01000ULL));
	assert_false(lapic_mmio_covers(&l, 0xfedfffffULL));
}

/* x2APIC: no MMIO page; xAPIC: no x2APIC MSRs. */
static void test_mmio_vs_msr_by_mode(void **state)
{
	u32 v;
	u64 q;

	(void)state;
	assert_int_equal(lapic_msr_read(&l, 0x802, &q, 0), -EINVAL);
	assert_int_equal(lapic_msr_write(&l, 0x808, 0, 0), -EINVAL);
	assert_int_equal(lapic_msr_read(&l, 0x10, &q, 0), -ENOENT);
	/* IA32_TSC_DEADLINE exists in xAPIC mode (reads 0 here). */
	assert_int_equal(lapic_msr_read(&l, 0x6e0, &q, 0), 0);
	assert_int_equal(q, 0);
	to_x2apic();
	/* The page stays claimed but holds no registers (all ones). */
	assert_true(lapic_mmio_covers(&l, 0xfee00030ULL));
	assert_int_equal(lapic_mmio_read(&l, 0x30, 4, &v, 0), 0);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(lapic_mmio_write(&l, 0x80, 4, 0, 0), 0);
	assert_int_equal(mrd(0x803), 0x00060014);
	assert_int_equal(lapic_write_base(&l, LAPIC_DEFAULT_BASE, MAXPHY), 0);
	assert_true(lapic_mmio_covers(&l, 0xfee00030ULL));
	assert_int_equal(lapic_mmio_read(&l, 0x30, 4, &v, 0), 0);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(lapic_msr_read(&l, 0x803, &q, 0), -EINVAL);
}

/*
 * The SDM's "x2APIC Register Availability": in x2APIC mode the MMIO page
 * behaves as a globally disabled xAPIC's, i.e. no APIC answers there.
 * Reads are all ones at every size, writes change nothing (not TPR, not
 * EOI, not ICR), and after x2APIC -> disabled -> xAPIC the page is the
 * APIC again.
 */
static void test_mmio_hole_outside_xapic(void **state)
{
	u32 v = 0;

	(void)state;
	sw_enable();
	wr(LAPIC_REG_TPR, 0x20);
	serve(0x60);
	to_x2apic();
	assert_int_equal(lapic_mmio_read(&l, LAPIC_REG_ID, 4, &v, 0), 0);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(lapic_mmio_read(&l, LAPIC_REG_TPR + 1, 1, &v, 0), 0);
	assert_int_equal(v, 0xff);
	assert_int_equal(lapic_mmio_read(&l, 0xffe, 2, &v, 0), 0);
	assert_int_equal(v, 0xffff);
	/* Inside the page but crossing its end, or of another size: refused. */
	assert_int_equal(lapic_mmio_read(&l, 0xffe, 4, &v, 0), -EINVAL);
	assert_int_equal(lapic_mmio_read(&l, 0x20, 8, &v, 0), -EINVAL);
	assert_int_equal(lapic_mmio_write(&l, 0x1000, 1, 0, 0), -EINVAL);
	nsent = 0;
	neoi = 0;
	wr(LAPIC_REG_TPR, 0x30);
	wr(LAPIC_REG_EOI, 0);
	wr(LAPIC_REG_ICR_LO, 0x40000 | 0x50); /* self, fixed 0x50 */
	assert_int_equal(mrd(0x808), 0x20);
	assert_int_equal(mrd(0x80a), 0x60); /* PPR: 0x60 still in service */
	assert_int_equal(nsent, 0);
	assert_int_equal(l.mmio_hole, 6);
	/* x2APIC -> disabled -> xAPIC: the registers answer again, reset. */
	assert_int_equal(lapic_write_base(&l, LAPIC_DEFAULT_BASE, MAXPHY), 0);
	assert_int_equal(lapic_mmio_read(&l, LAPIC_REG_VERSION, 4, &v, 0), 0);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(lapic_write_base(&l,
					  LAPIC_DEFAULT_BASE | LAPIC_BASE_EN,
					  MAXPHY),
			 0);
	assert_int_equal(rd(LAPIC_REG_VERSION), LAPIC_VERSION_VALUE);
	assert_int_equal(rd(LAPIC_REG_ID), MY_ID << 24);
	assert_int_equal(rd(LAPIC_REG_SPIV), 0xff);
	assert_int_equal(rd(LAPIC_REG_LVT_ERROR), LAPIC_LVT_MASKED);
	assert_int_equal(l.mmio_hole, 7);
}

/* SDM x2APIC register table: absent MSRs and access rules #GP. */
static void test_x2apic_msr_rules(void **state)
{
	static const u32 reserved[] = { 0x800, 0x801, 0x804, 0x805, 0x806,
					0x807, 0x809, 0x80c, 0x80e, 0x829,
					0x82a, 0x82b, 0x82c, 0x82d, 0x82e,
					0x831, 0x83a, 0x83b, 0x83c, 0x83d,
					0x840, 0x8ff };
	static const u32 readonly[] = { 0x802, 0x803, 0x80a, 0x80d,
					0x810, 0x817, 0x818, 0x81f,
					0x820, 0x827, 0x839 };

	(void)state;
	to_x2apic();
	for (unsigned int i = 0; i < sizeof(reserved) / sizeof(reserved[0]);
	     i++) {
		assert_int_equal(mrd_err(reserved[i]), -EINVAL);
		assert_int_equal(mwr_err(reserved[i], 0), -EINVAL);
	}
	for (unsigned int i = 0; i < sizeof(readonly) / sizeof(readonly[0]);
	     i++) {
		assert_int_equal(mrd_err(readonly[i]), 0);
		assert_int_equal(mwr_err(readonly[i], 0), -EINVAL);
	}
	assert_int_equal(mrd_err(0x80b), -EINVAL); /* EOI write-only */
	assert_int_equal(mwr_err(0x80b, 1), -EINVAL);
	mwr(0x80b, 0);
	/* Reserved bits #GP, and nothing changes. */
	assert_int_equal(mwr_err(0x808, 0x100), -EINVAL);
	assert_int_equal(mwr_err(0x808, 1ULL << 32), -EINVAL);
	assert_int_equal(mrd(0x808), 0);
	mwr(0x808, 0xff);
	assert_int_equal(mrd(0x808), 0xff);
	assert_int_equal(mwr_err(0x80f, 0x1000 | 0x1ff), -EINVAL);
	assert_int_equal(mrd(0x80f), 0xff);
	mwr(0x80f, 0x3ff);
	assert_int_equal(mwr_err(0x832, 0x80000), -EINVAL);
	assert_int_equal(mwr_err(0x832, 0x700), -EINVAL); /* no DM field */
	assert_int_equal(mwr_err(0x835, 0x40000), -EINVAL);
	mwr(0x835, 0x1a7ff | LAPIC_LVT_REMOTE_IRR | LAPIC_LVT_PENDING);
	assert_int_equal(mrd(0x835), 0x1a7ff);
	assert_int_equal(mwr_err(0x837, 0x700), -EINVAL);
	assert_int_equal(mwr_err(0x83e, 4), -EINVAL);
	assert_int_equal(mwr_err(0x838, 1ULL << 32), -EINVAL);
	nsent = 0;
	assert_int_equal(mwr_err(0x830, 0x20f1), -EINVAL); /* bit 13 */
	assert_int_equal(mwr_err(0x830, 0x100f1), -EINVAL); /* bit 16 */
	assert_int_equal(mwr_err(0x830, 0x100000f1), -EINVAL);
	assert_int_equal(nsent, 0);
	/* The ID and LDR are read-only in x2APIC mode. */
	assert_int_equal(mwr_err(0x802, MY_ID + 1), -EINVAL);
	assert_int_equal(mrd(0x802), MY_ID);
	/* 64-bit reads: upper half zero except ICR. */
	assert_int_equal(mrd(0x80f), 0x3ff);
}

/* ---- IA32_APIC_BASE ------------------------------------------------- */

#define B_DIS (LAPIC_DEFAULT_BASE)
#define B_X (LAPIC_DEFAULT_BASE | LAPIC_BASE_EN)
#define B_X2 (LAPIC_DEFAULT_BASE | LAPIC_BASE_EN | LAPIC_BASE_EXTD)
#define B_INV (LAPIC_DEFAULT_BASE | LAPIC_BASE_EXTD)

static int wb(u64 v)
{
	return lapic_write_base(&l, v, MAXPHY);
}

/* Every row of the SDM's x2APIC state-transition figure. */
static void test_base_transitions(void **state)
{
	(void)state;
	/* From xAPIC. */
	assert_int_equal(wb(B_INV), -EINVAL);
	assert_int_equal(lapic_mode(&l), LAPIC_XAPIC);
	assert_int_equal(wb(B_X), 0);
	assert_int_equal(wb(B_X2), 0);
	/* From x2APIC. */
	assert_int_equal(lapic_mode(&l), LAPIC_X2APIC);
	assert_int_equal(wb(B_X), -EINVAL);
	assert_int_equal(wb(B_INV), -EINVAL);
	assert_int_equal(lapic_mode(&l), LAPIC_X2APIC);
	assert_int_equal(wb(B_X2), 0);
	assert_int_equal(wb(B_DIS), 0);
	/* From disabled. */
	assert_int_equal(lapic_mode(&l), LAPIC_DISABLED);
	assert_int_equal(wb(B_X2), -EINVAL);
	assert_int_equal(wb(B_INV), -EINVAL);
	assert_int_equal(wb(B_DIS), 0);
	assert_int_equal(lapic_mode(&l), LAPIC_DISABLED);
	assert_int_equal(wb(B_X), 0);
	assert_int_equal(lapic_mode(&l), LAPIC_XAPIC);
	assert_int_equal(wb(B_DIS), 0);
	assert_int_equal(lapic_mode(&l), LAPIC_DISABLED);
	/* BSP is read-only (this is the BSP: bit 8 stays set). */
	assert_int_equal(lapic_read_base(&l), B_DIS | LAPIC_BASE_BSP);
}

static void test_base_reserved_bits(void **state)
{
	(void)state;
	assert_int_equal(wb(B_X | 1), -EINVAL);
	assert_int_equal(wb(B_X | 0x80), -EINVAL);
	assert_int_equal(wb(B_X | (1ULL << 9)), -EINVAL);
	assert_int_equal(wb(B_X | (1ULL << MAXPHY)), -EINVAL);
	assert_int_equal(wb(B_X | (1ULL << 63)), -EINVAL);
	assert_int_equal(wb((1ULL << (MAXPHY - 1)) | LAPIC_BASE_EN), 0);
	assert_int_equal(lapic_read_base(&l), (1ULL << (MAXPHY - 1)) |
						      LAPIC_BASE_EN |
						      LAPIC_BASE_BSP);
	/* An AP cannot set BSP. */
	setup_rates(TSC_HZ, TIMER_HZ, false);
	assert_int_equal(wb(B_X | LAPIC_BASE_BSP), 0);
	assert_int_equal(lapic_read_base(&l), B_X);
	/* Relocation moves the page. */
	assert_int_equal(wb(0xfed40000ULL | LAPIC_BASE_EN), 0);
	assert_true(lapic_mmio_covers(&l, 0xfed40030ULL));
	assert_false(lapic_mmio_covers(&l, 0xfee00030ULL));
}

/* Disabling resets; enabling x2APIC takes the hardware ID. */
static void test_base_state_effects(void **state)
{
	(void)state;
	sw_enable();
	wr(LAPIC_REG_TPR, 0x20);
	wr(LAPIC_REG_ID, 0x09000000);
	wr(LAPIC_REG_LVT_LINT0, 0x700);
	give(0x60, false);
	to_x2apic();
	/* Registers kept across xAPIC -> x2APIC, ID from the hardware. */
	assert_int_equal(mrd(0x802), MY_ID);
	assert_int_equal(mrd(0x808), 0x20);
	assert_int_equal(mrd(0x80f), 0x1ff);
	assert_int_equal(lapic_pending_vector(&l), 0x60);
	assert_int_equal(wb(B_DIS), 0);
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_int_equal(wb(B_X), 0);
	assert_int_equal(rd(LAPIC_REG_ID), MY_ID << 24);
	assert_int_equal(rd(LAPIC_REG_SPIV), 0xff);
	assert_int_equal(rd(LAPIC_REG_TPR), 0);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT0), 0x10000);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x30), 0);
	assert_int_equal(rd(LAPIC_REG_DFR), 0xffffffff);
	/* A disabled LAPIC accepts nothing. */
	assert_int_equal(wb(B_DIS), 0);
	give(0x60, false);
	assert_int_equal(lapic_pending_vector(&l), -1);
}

/* ---- timer ----------------------------------------------------------- */

static void timer_setup(u32 lvt, u32 dcr)
{
	sw_enable();
	wr(LAPIC_REG_LVT_TIMER, lvt);
	wr(LAPIC_REG_TIMER_DCR, dcr);
}

/*
 * Every divide encoding (SDM "Divide Configuration Register"): the count
 * drops once per divide timer clocks, i.e. 2 * divide TSC ticks here.
 */
static void test_timer_divide_all(void **state)
{
	static const struct {
		u32 dcr, div;
	} enc[] = { { 0x0, 2 },	 { 0x1, 4 },  { 0x2, 8 },   { 0x3, 16 },
		    { 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 } };

	(void)state;
	for (unsigned int i = 0; i < 8; i++) {
		u64 t0 = 1000 + i * 1000000000ULL, per = 2ULL * enc[i].div;

		setup(NULL);
		clock_now = t0;
		timer_setup(0x10030, enc[i].dcr); /* masked: just count */
		wr(LAPIC_REG_TIMER_ICR, 1000000);
		assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 1000000);
		clock_now = t0 + per - 1;
		assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 1000000);
		clock_now = t0 + per;
		assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 999999);
		clock_now = t0 + per * 777 + per - 1;
		assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 1000000 - 777);
		clock_now = t0 + per * 1000000 - 1;
		assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 1);
		clock_now = t0 + per * 1000000;
		assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 0);
		assert_int_equal(l.timer_fires, 1);
	}
}

/* A TSC/timer ratio that is not an integer: 3 GHz TSC, 700 MHz timer. */
static void test_timer_fractional_ratio(void **state)
{
	(void)state;
	setup_rates(3000000000ULL, 700000000ULL, true);
	timer_setup(0x20030, 0xb); /* periodic, divide by 1 */
	wr(LAPIC_REG_TIMER_ICR, 10);
	/* clocks(N) = floor(7N/30): N = 299 -> 69, N = 300 -> 70. */
	assert_int_equal(lapic_next_deadline(&l), 43); /* ceil(300/7) */
	clock_now = 42;
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 1); /* floor(9.8) = 9 */
	lapic_advance(&l, 42);
	assert_int_equal(l.timer_fires, 0);
	lapic_advance(&l, 43);
	assert_int_equal(l.timer_fires, 1);
	/* Expiry k at ceil(300k/7): 86, 129 - no drift. */
	assert_int_equal(lapic_next_deadline(&l), 86);
	lapic_advance(&l, 86);
	assert_int_equal(lapic_next_deadline(&l), 129);
	/* By TSC 2100, floor(7 * 2100 / 300) = 49 expiries; the 50th at
	 * ceil(15000 / 7) = 2143. */
	lapic_advance(&l, 2100);
	assert_int_equal(l.timer_fires, 49);
	assert_int_equal(lapic_next_deadline(&l), 2143);
}

/* One-shot: fires once at initial * divide clocks, stops at 0. */
static void test_timer_oneshot(void **state)
{
	(void)state;
	clock_now = 5000;
	timer_setup(0x30, 0x0); /* one-shot, vector 0x30, divide 2 */
	wr(LAPIC_REG_TIMER_ICR, 100);
	/* 100 counts * 2 clocks * 2 TSC ticks. */
	assert_int_equal(lapic_next_deadline(&l), 5400);
	lapic_advance(&l, 5399);
	assert_int_equal(lapic_pending_vector(&l), -1);
	clock_now = 5399;
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 1);
	lapic_advance(&l, 5400);
	assert_int_equal(lapic_pending_vector(&l), 0x30);
	assert_int_equal(l.timer_fires, 1);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	clock_now = 100000;
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_ICR), 100);
	lapic_advance(&l, 1000000);
	assert_int_equal(l.timer_fires, 1);
	/* Writing the initial count restarts; writing 0 stops. */
	clock_now = 1000000;
	wr(LAPIC_REG_TIMER_ICR, 10);
	assert_int_equal(lapic_next_deadline(&l), 1000040);
	clock_now = 1000020;
	wr(LAPIC_REG_TIMER_ICR, 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 0);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	lapic_advance(&l, 2000000);
	assert_int_equal(l.timer_fires, 1);
}

/* Periodic: reloads from the initial count, every period exact. */
static void test_timer_periodic(void **state)
{
	(void)state;
	clock_now = 1000;
	timer_setup(0x20031, 0x0); /* periodic, divide 2: 4 TSC per count */
	wr(LAPIC_REG_TIMER_ICR, 100);
	for (int k = 1; k <= 5; k++) {
		u64 due = 1000 + 400ULL * k;

		assert_int_equal(lapic_next_deadline(&l), due);
		lapic_advance(&l, due - 1);
		assert_int_equal(l.timer_fires, k - 1);
		lapic_advance(&l, due);
		assert_int_equal(l.timer_fires, k);
		assert_int_equal(lapic_pending_vector(&l), 0x31);
		lapic_ack(&l, 0x31);
		wr(LAPIC_REG_EOI, 0);
		clock_now = due;
		assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 100); /* reloaded */
		clock_now = due + 4;
		assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 99);
	}
	/* A late look counts every period missed, IRR set once. */
	lapic_advance(&l, 1000 + 400 * 9 + 10);
	assert_int_equal(l.timer_fires, 9);
	assert_int_equal(lapic_pending_vector(&l), 0x31);
	assert_int_equal(lapic_next_deadline(&l), 1000 + 400 * 10);
	/* Count never reads 0 in periodic mode. */
	clock_now = 1000 + 400 * 10 - 1;
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 1);
}

/* A masked timer counts and expires but sets no IRR. */
static void test_timer_masked(void **state)
{
	(void)state;
	timer_setup(0x10040, 0xb); /* masked one-shot, divide 1 */
	wr(LAPIC_REG_TIMER_ICR, 50);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	clock_now = 40;
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 30);
	lapic_advance(&l, 200);
	assert_int_equal(l.timer_fires, 1);
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_int_equal(rd(LAPIC_REG_IRR + 0x20), 0);
	/* Unmasking after the expiry delivers nothing late. */
	clock_now = 200;
	wr(LAPIC_REG_LVT_TIMER, 0x40);
	assert_int_equal(lapic_pending_vector(&l), -1);
	/* Masked periodic: expiries counted when next touched. */
	wr(LAPIC_REG_LVT_TIMER, 0x30040);
	wr(LAPIC_REG_TIMER_ICR, 10); /* 20 TSC per period */
	lapic_advance(&l, 200 + 20 * 7);
	assert_int_equal(l.timer_fires, 8);
	assert_int_equal(lapic_pending_vector(&l), -1);
}

/* One-shot <-> periodic keeps the count (kvm-unit-tests apic.c). */
static void test_timer_mode_change(void **state)
{
	(void)state;
	timer_setup(0x50, 0xb); /* one-shot, divide 1: 2 TSC per count */
	wr(LAPIC_REG_TIMER_ICR, 1000);
	clock_now = 1200; /* 600 counts down */
	wr(LAPIC_REG_LVT_TIMER, 0x20050);
	assert_int_equal(rd(LAPIC_REG_TIMER_ICR), 1000);
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 400);
	assert_int_equal(lapic_next_deadline(&l), 2000);
	lapic_advance(&l, 2000);
	assert_int_equal(l.timer_fires, 1);
	clock_now = 2002;
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 999); /* reloaded */
	/* Periodic -> one-shot: counts to 0 and stops. */
	wr(LAPIC_REG_LVT_TIMER, 0x50);
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 999);
	assert_int_equal(lapic_next_deadline(&l), 2002 + 999 * 2);
	lapic_advance(&l, 4000);
	assert_int_equal(l.timer_fires, 2);
	/* Expired one-shot -> periodic: stays at 0. */
	clock_now = 4100;
	wr(LAPIC_REG_LVT_TIMER, 0x20050);
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 0);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	/* A divide change mid-count continues at the new rate. */
	wr(LAPIC_REG_LVT_TIMER, 0x50);
	wr(LAPIC_REG_TIMER_ICR, 100); /* at 4100 */
	clock_now = 4120; /* 10 counts down */
	wr(LAPIC_REG_TIMER_DCR, 0x0); /* divide 2: 4 TSC per count */
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 90);
	assert_int_equal(lapic_next_deadline(&l), 4120 + 360);
}

/* TSC-deadline mode: IA32_TSC_DEADLINE arms, fires, clears, disarms. */
static void test_timer_tsc_deadline(void **state)
{
	(void)state;
	clock_now = 1000;
	timer_setup(0x40061, 0xb);
	assert_int_equal(rd(LAPIC_REG_LVT_TIMER), 0x40061);
	mwr(0x6e0, 5000);
	assert_int_equal(mrd(0x6e0), 5000);
	assert_int_equal(lapic_next_deadline(&l), 5000);
	/* Initial count writes are ignored, current count reads 0. */
	wr(LAPIC_REG_TIMER_ICR, 77);
	assert_int_equal(rd(LAPIC_REG_TIMER_ICR), 0);
	assert_int_equal(rd(LAPIC_REG_TIMER_CCR), 0);
	lapic_advance(&l, 4999);
	assert_int_equal(lapic_pending_vector(&l), -1);
	lapic_advance(&l, 5000);
	assert_int_equal(lapic_pending_vector(&l), 0x61);
	clock_now = 5000;
	assert_int_equal(mrd(0x6e0), 0); /* cleared on expiry */
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	assert_int_equal(l.timer_fires, 1);
	/* Writing 0 disarms. */
	mwr(0x6e0, 9000);
	mwr(0x6e0, 0);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	lapic_advance(&l, 10000);
	assert_int_equal(l.timer_fires, 1);
	/* A deadline already passed fires at once (kvm-unit-tests). */
	clock_now = 10000;
	mwr(0x6e0, 10000);
	assert_int_equal(l.timer_fires, 2);
	assert_int_equal(mrd(0x6e0), 0);
	/* Leaving deadline mode disarms; the MSR then reads 0. */
	mwr(0x6e0, 20000);
	wr(LAPIC_REG_LVT_TIMER, 0x61);
	assert_int_equal(mrd(0x6e0), 0);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	/* Outside deadline mode writes are ignored. */
	mwr(0x6e0, 30000);
	assert_int_equal(mrd(0x6e0), 0);
	lapic_advance(&l, 40000);
	assert_int_equal(l.timer_fires, 2);
	/* Back in deadline mode nothing is armed. */
	wr(LAPIC_REG_LVT_TIMER, 0x40061);
	assert_int_equal(mrd(0x6e0), 0);
	/* Entering deadline mode stops a count in progress. */
	wr(LAPIC_REG_LVT_TIMER, 0x61);
	wr(LAPIC_REG_TIMER_ICR, 1000);
	wr(LAPIC_REG_LVT_TIMER, 0x40061);
	assert_int_equal(rd(LAPIC_REG_TIMER_ICR), 0);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	lapic_advance(&l, 100000);
	assert_int_equal(l.timer_fires, 2);
	/* Masked deadline: expires (MSR clears), no IRR, no deadline. */
	lapic_ack(&l, 0x61);
	wr(LAPIC_REG_EOI, 0);
	clock_now = 100000;
	wr(LAPIC_REG_LVT_TIMER, 0x50061);
	mwr(0x6e0, 100500);
	assert_int_equal(lapic_next_deadline(&l), DEV_NO_DEADLINE);
	clock_now = 100600;
	assert_int_equal(mrd(0x6e0), 0);
	assert_int_equal(lapic_pending_vector(&l), -1);
	assert_int_equal(l.timer_fires, 3);
}

/* ---- LINT pins ------------------------------------------------------- */

static void test_lint(void **state)
{
	(void)state;
	sw_enable();
	/* LINT0 ExtINT (virtual wire): a level, pending while asserted. */
	wr(LAPIC_REG_LVT_LINT0, 0x700);
	lapic_set_lint(&l, 0, true, 0);
	assert_true(lapic_extint_pending(&l));
	lapic_take_extint(&l);
	assert_true(lapic_extint_pending(&l));
	lapic_set_lint(&l, 0, false, 0);
	assert_false(lapic_extint_pending(&l));
	wr(LAPIC_REG_LVT_LINT0, 0x10700);
	lapic_set_lint(&l, 0, true, 0);
	assert_false(lapic_extint_pending(&l));
	lapic_set_lint(&l, 0, false, 0);

	/* LINT1 NMI: one per rising edge. */
	wr(LAPIC_REG_LVT_LINT1, 0x400);
	lapic_set_lint(&l, 1, true, 0);
	lapic_set_lint(&l, 1, true, 0);
	assert_true(lapic_nmi_pending(&l));
	lapic_take_nmi(&l);
	assert_false(lapic_nmi_pending(&l));
	lapic_set_lint(&l, 1, false, 0);
	lapic_set_lint(&l, 1, true, 0);
	assert_true(lapic_nmi_pending(&l));
	lapic_take_nmi(&l);

	/* Active low: the falling edge asserts. */
	lapic_set_lint(&l, 1, true, 0);
	wr(LAPIC_REG_LVT_LINT1, 0x2400);
	lapic_set_lint(&l, 1, false, 0);
	assert_true(lapic_nmi_pending(&l));
	lapic_take_nmi(&l);

	/* LINT0 fixed level: remote IRR until EOI, then again if high. */
	wr(LAPIC_REG_LVT_LINT0, 0x8055);
	lapic_set_lint(&l, 0, true, 0);
	assert_int_equal(lapic_pending_vector(&l), 0x55);
	assert_true(bit_in(LAPIC_REG_TMR, 0x55));
	assert_int_equal(rd(LAPIC_REG_LVT_LINT0), 0x8055 | 0x4000);
	lapic_ack(&l, 0x55);
	lapic_set_lint(&l, 0, true, 0);
	assert_int_equal(lapic_pending_vector(&l), -1);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(neoi, 1);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT0), 0x8055 | 0x4000);
	assert_int_equal(lapic_pending_vector(&l), 0x55); /* still high */
	lapic_ack(&l, 0x55);
	lapic_set_lint(&l, 0, false, 0);
	wr(LAPIC_REG_EOI, 0);
	assert_int_equal(rd(LAPIC_REG_LVT_LINT0), 0x8055);
	assert_int_equal(lapic_pending_vector(&l), -1);

	/* Fixed edge: one interrupt per rising edge, TMR clear. */
	wr(LAPIC_REG_LVT_LINT0, 0x56);
	lapic_set_lint(&l, 0, true, 0);
	lapic_set_lint(&l, 0, true, 0);
	assert_int_equal(lapic_pending_vector(&l), 0x56);
	assert_false(bit_in(LAPIC_REG_TMR, 0x56));
	assert_int_equal(l.irr_coalesced, 0);

	/* INIT through LINT. */
	lapic_set_lint(&l, 1, false, 0);
	wr(LAPIC_REG_LVT_LINT1, 0x500);
	lapic_set_lint(&l, 1, true, 0);
	assert_true(lapic_take_init(&l));
}

/* Hardware-disabled: LINT0 is INTR, LINT1 is NMI. */
static void test_lint_apic_disabled(void **state)
{
	(void)state;
	assert_int_equal(wb(B_DIS), 0);
	lapic_set_lint(&l, 0, true, 0);
	assert_true(lapic_extint_pending(&l));
	lapic_set_lint(&l, 0, false, 0);
	assert_false(lapic_extint_pending(&l));
	lapic_set_lint(&l, 1, true, 0);
	assert_true(lapic_nmi_pending(&l));
	/* Enabled again (reset LVTs, masked): LINT0 no longer INTR. */
	assert_int_equal(wb(B_X), 0);
	lapic_set_lint(&l, 0, true, 0);
	assert_false(lapic_extint_pending(&l));
}

/* Performance-counter LVT: delivered, then masked, like a PMI. */
static void test_local_perf(void **state)
{
	(void)state;
	sw_enable();
	wr(LAPIC_REG_LVT_PERF, 0x400);
	assert_int_equal(lapic_local_interrupt(&l, LAPIC_LVT_PERF, 0), 0);
	assert_true(lapic_nmi_pending(&l));
	assert_int_equal(rd(LAPIC_REG_LVT_PERF), 0x10400);
	wr(LAPIC_REG_LVT_THERMAL, 0x66);
	assert_int_equal(lapic_local_interrupt(&l, LAPIC_LVT_THERMAL, 0), 0);
	assert_int_equal(lapic_pending_vector(&l), 0x66);
	assert_int_equal(lapic_local_interrupt(&l, LAPIC_LVT_TIMER, 0),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_init_signal, setup),
		cmocka_unit_test_setup(test_ppr_rule, setup),
		cmocka_unit_test_setup(test_ppr_tpr_above_isr, setup),
		cmocka_unit_test_setup(test_ppr_isr_above_tpr, setup),
		cmocka_unit_test_setup(test_ppr_equal_class, setup),
		cmocka_unit_test_setup(test_pending_vs_ppr, setup),
		cmocka_unit_test_setup(test_nested_isr_and_eoi, setup),
		cmocka_unit_test_setup(test_eoi_level_tmr, setup),
		cmocka_unit_test_setup(test_icr_delivery_modes, setup),
		cmocka_unit_test_setup(test_icr_shorthand_and_mode, setup),
		cmocka_unit_test_setup(test_match_physical_and_shorthand,
				       setup),
		cmocka_unit_test_setup(test_match_logical_flat, setup),
		cmocka_unit_test_setup(test_match_logical_cluster, setup),
		cmocka_unit_test_setup(test_match_x2apic, setup),
		cmocka_unit_test_setup(test_self_ipi, setup),
		cmocka_unit_test_setup(test_accept_kinds, setup),
		cmocka_unit_test_setup(test_nmi_latch, setup),
		cmocka_unit_test_setup(test_sw_disabled_accepts, setup),
		cmocka_unit_test_setup(test_illegal_vector, setup),
		cmocka_unit_test_setup(test_esr_latch, setup),
		cmocka_unit_test_setup(test_spiv_disable_masks_lvt, setup),
		cmocka_unit_test_setup(test_lvt_writable_bits, setup),
		cmocka_unit_test_setup(test_mmio_lanes, setup),
		cmocka_unit_test_setup(test_mmio_vs_msr_by_mode, setup),
		cmocka_unit_test_setup(test_mmio_hole_outside_xapic, setup),
		cmocka_unit_test_setup(test_x2apic_msr_rules, setup),
		cmocka_unit_test_setup(test_base_transitions, setup),
		cmocka_unit_test_setup(test_base_reserved_bits, setup),
		cmocka_unit_test_setup(test_base_state_effects, setup),
		cmocka_unit_test_setup(test_timer_divide_all, setup),
		cmocka_unit_test_setup(test_timer_fractional_ratio, setup),
		cmocka_unit_test_setup(test_timer_oneshot, setup),
		cmocka_unit_test_setup(test_timer_periodic, setup),
		cmocka_unit_test_setup(test_timer_masked, setup),
		cmocka_unit_test_setup(test_timer_mode_change, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
		cmocka_unit_test_setup(test_lint, setup),
		cmocka_unit_test_setup(test_lint_apic_disabled, setup),
		cmocka_unit_test_setup(test_local_perf, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
