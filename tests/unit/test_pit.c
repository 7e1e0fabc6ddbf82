// SPDX-License-Identifier: GPL-2.0
/*
 * hv/dev/pit.c against the 8254 data sheet, clock pulse by clock pulse.
 *
 * Most tests run the guest TSC at exactly 1000 TSC ticks per PIT clock,
 * so pulse k happens at TSC k * 1000 and an access at mid(k) falls
 * between pulses k and k + 1.  The data sheet's rule used throughout: a
 * count written between pulses k and k + 1 is loaded by pulse k + 1 and
 * that pulse does not decrement it.  The deadline, long-gap and Linux
 * calibration tests use TSC rates that are not multiples of PIT_HZ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "hv/dev/pit.h"

#define HZ (PIT_HZ * 1000ULL)

static u64 at(u64 k)
{
	return k * 1000;
}

static u64 mid(u64 k)
{
	return k * 1000 + 500;
}

static void out8(struct pit *p, u16 port, u8 v, u64 now)
{
	assert_int_equal(pit_io_write(p, port, v, now), 0);
}

static u8 in8(struct pit *p, u16 port, u64 now)
{
	u8 v = 0;

	assert_int_equal(pit_io_read(p, port, &v, now), 0);
	return v;
}

/* LSB then MSB, the way a driver reads an LSB/MSB counter. */
static u16 in16(struct pit *p, u16 port, u64 now)
{
	u8 lo = in8(p, port, now);

	return (u16)(lo | in8(p, port, now) << 8);
}

static void setup(struct pit *p, u8 ctrl, u16 count, u64 now)
{
	u16 port = PIT_PORT_CH0 + (ctrl >> 6);

	pit_init(p, HZ, 0);
	out8(p, PIT_PORT_CTRL, ctrl, now);
	out8(p, port, (u8)count, now);
	out8(p, port, (u8)(count >> 8), now);
}

/* The first TSC at which pulse k has happened, at rate hz. */
static u64 pulse_tsc(u64 k, u64 hz)
{
	unsigned __int128 x = (unsigned __int128)k * hz;

	return (u64)((x + PIT_HZ - 1) / PIT_HZ);
}

/* Mode 0: OUT low from the control word until N + 1 pulses after the count
 * write; the count goes N, N-1, ..., 0 and then wraps to 0xffff. */
static void test_mode0_terminal_count(void **state)
{
	struct pit p;

	(void)state;
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_CTRL, 0x30, mid(9));
	assert_false(pit_out(&p, 0, mid(9)));
	out8(&p, PIT_PORT_CH0, 5, mid(10));
	out8(&p, PIT_PORT_CH0, 0, mid(10));
	for (u64 k = 11; k <= 16; k++)
		assert_int_equal(pit_count(&p, 0, at(k)), 5 - (k - 11));
	assert_int_equal(pit_count(&p, 0, at(17)), 0xffff);
	assert_int_equal(pit_count(&p, 0, at(18)), 0xfffe);
	assert_false(pit_out(&p, 0, at(16) - 1));
	assert_true(pit_out(&p, 0, at(16)));
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(16));
	assert_int_equal(pit_irq0_edges(&p, at(16) - 1), 0);
	assert_int_equal(pit_irq0_edges(&p, at(16)), 1);
	/* OUT stays high through the wrap: no second edge. */
	assert_true(pit_out(&p, 0, at(16 + 65536 + 10)));
	assert_int_equal(pit_irq0_edges(&p, at(16 + 3 * 65536)), 0);
	assert_int_equal(pit_next_deadline(&p, at(17)), DEV_NO_DEADLINE);
	assert_int_equal(p.irq0_edges, 1);
}

/* Mode 0: a new count restarts the count (OUT back low); the first byte of
 * an LSB/MSB count stops counting until the second arrives. */
static void test_mode0_rewrite_restarts(void **state)
{
	struct pit p;

	(void)state;
	setup(&p, 0x30, 100, mid(10)); /* loaded at 11 */
	assert_int_equal(pit_count(&p, 0, mid(50)), 100 - 39);
	out8(&p, PIT_PORT_CH0, 20, mid(50));
	/* Counting is disabled: the count holds after the first byte. */
	assert_int_equal(pit_count(&p, 0, mid(60)), 61);
	assert_false(pit_out(&p, 0, mid(200)));
	out8(&p, PIT_PORT_CH0, 0, mid(200));
	assert_int_equal(pit_count(&p, 0, at(201)), 20);
	assert_false(pit_out(&p, 0, at(221) - 1));
	assert_true(pit_out(&p, 0, at(221)));
	/* A count written after terminal count drops OUT again. */
	out8(&p, PIT_PORT_CH0, 3, mid(300));
	assert_false(pit_out(&p, 0, mid(300)));
	out8(&p, PIT_PORT_CH0, 0, mid(300));
	assert_false(pit_out(&p, 0, at(304) - 1));
	assert_true(pit_out(&p, 0, at(304)));
	assert_int_equal(pit_irq0_edges(&p, at(400)), 2);
}

/* Mode 2: OUT high, low for the one clock where the count is 1, reload to
 * N with OUT high on the next: period N, rising edges every N pulses. */
static void test_mode2_rate_generator(void **state)
{
	struct pit p;

	(void)state;
	setup(&p, 0x34, 4, mid(10));
	assert_true(pit_out(&p, 0, mid(10)));
	for (u64 j = 0; j < 40; j++) {
		u64 k = 11 + j;

		assert_int_equal(pit_count(&p, 0, at(k)), 4 - j % 4);
		assert_int_equal(pit_out(&p, 0, at(k)), j % 4 != 3);
	}
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(15));
	assert_int_equal(pit_next_deadline(&p, at(15)), at(19));
	assert_int_equal(pit_irq0_edges(&p, at(15) - 1), 0);
	assert_int_equal(pit_irq0_edges(&p, at(15)), 1);
	/* Edges at 19, 23, ..., 51. */
	assert_int_equal(pit_irq0_edges(&p, at(51)), 9);
	assert_int_equal(pit_irq0_edges(&p, at(54)), 0);
}

/* Mode 2: a count written while counting takes effect at the next reload,
 * the current period finishes with the old count. */
static void test_mode2_new_count_next_period(void **state)
{
	struct pit p;

	(void)state;
	setup(&p, 0x34, 10, mid(10)); /* loaded 11, edges at 21, 31, ... */
	out8(&p, PIT_PORT_CH0, 4, mid(24));
	out8(&p, PIT_PORT_CH0, 0, mid(24));
	assert_int_equal(pit_count(&p, 0, at(25)), 10 - 4);
	assert_false(pit_out(&p, 0, at(30)));
	assert_true(pit_out(&p, 0, at(31)));
	assert_int_equal(pit_count(&p, 0, at(31)), 4);
	assert_false(pit_out(&p, 0, at(34)));
	assert_int_equal(pit_next_deadline(&p, at(31)), at(35));
	assert_int_equal(pit_irq0_edges(&p, at(43)), 1 + 1 + 3);
}

/* Mode 3, even N: high for N/2, low for N/2, the count steps by two. */
static void test_mode3_even(void **state)
{
	struct pit p;
	static const u16 seq[] = { 6, 4, 2, 6, 4, 2 };

	(void)state;
	setup(&p, 0x36, 6, mid(10));
	for (u64 j = 0; j < 36; j++) {
		assert_int_equal(pit_count(&p, 0, at(11 + j)), seq[j % 6]);
		assert_int_equal(pit_out(&p, 0, at(11 + j)), j % 6 < 3);
	}
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(17));
	assert_int_equal(pit_irq0_edges(&p, at(11 + 36)), 6);
}

/* Mode 3, odd N: high for (N + 1) / 2, low for (N - 1) / 2; the counter
 * loads N - 1 and counts by two, holding 0 one clock in the high half. */
static void test_mode3_odd(void **state)
{
	struct pit p;
	static const u16 seq[] = { 4, 2, 0, 4, 2 };

	(void)state;
	setup(&p, 0x36, 5, mid(10));
	for (u64 j = 0; j < 25; j++) {
		assert_int_equal(pit_count(&p, 0, at(11 + j)), seq[j % 5]);
		assert_int_equal(pit_out(&p, 0, at(11 + j)), j % 5 < 3);
	}
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(16));
	assert_int_equal(pit_irq0_edges(&p, at(11 + 25)), 5);
	/* N = 3: high 2, low 1. */
	setup(&p, 0x36, 3, mid(10));
	assert_true(pit_out(&p, 0, at(12)));
	assert_false(pit_out(&p, 0, at(13)));
	assert_true(pit_out(&p, 0, at(14)));
	assert_false(pit_out(&p, 0, at(16)));
}

/* Mode 3: a new count is taken at the end of the current half cycle. */
static void test_mode3_new_count_half_cycle(void **state)
{
	struct pit p;

	(void)state;
	setup(&p, 0x36, 10, mid(10)); /* high [11,16), low [16,21) */
	out8(&p, PIT_PORT_CH0, 4, mid(12));
	out8(&p, PIT_PORT_CH0, 0, mid(12));
	assert_true(pit_out(&p, 0, at(15)));
	/* From 16 the new count: low 2, high 2, low 2, ... */
	assert_false(pit_out(&p, 0, at(16)));
	assert_int_equal(pit_count(&p, 0, at(16)), 4);
	assert_false(pit_out(&p, 0, at(17)));
	assert_true(pit_out(&p, 0, at(18)));
	assert_false(pit_out(&p, 0, at(20)));
	assert_int_equal(pit_next_deadline(&p, mid(12)), at(18));
}

/* Mode 4: OUT high; N + 1 pulses after the write it strobes low for one
 * clock; the count wraps on without a second strobe. */
static void test_mode4_software_strobe(void **state)
{
	struct pit p;

	(void)state;
	setup(&p, 0x38, 3, mid(10));
	assert_true(pit_out(&p, 0, mid(10)));
	assert_int_equal(pit_count(&p, 0, at(11)), 3);
	assert_true(pit_out(&p, 0, at(13)));
	assert_false(pit_out(&p, 0, at(14)));
	assert_int_equal(pit_count(&p, 0, at(14)), 0);
	assert_true(pit_out(&p, 0, at(15)));
	assert_int_equal(pit_count(&p, 0, at(15)), 0xffff);
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(15));
	assert_int_equal(pit_irq0_edges(&p, at(15)), 1);
	assert_int_equal(pit_next_deadline(&p, at(15)), DEV_NO_DEADLINE);
	assert_int_equal(pit_irq0_edges(&p, at(15 + 200000)), 0);
	/* Writing a count again re-arms the strobe (Linux's next_event). */
	out8(&p, PIT_PORT_CH0, 2, mid(300000));
	out8(&p, PIT_PORT_CH0, 0, mid(300000));
	assert_int_equal(pit_next_deadline(&p, mid(300000)), at(300004));
	assert_int_equal(pit_irq0_edges(&p, at(300004)), 1);
}

/* Mode 1 on counter 2: nothing until GATE (port B bit 0) rises; OUT goes
 * low the pulse after, for N pulses; a new trigger restarts the pulse. */
static void test_mode1_gate2_one_shot(void **state)
{
	struct pit p;

	(void)state;
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_B, 0x00, mid(5));
	out8(&p, PIT_PORT_CTRL, 0xb2, mid(5));
	out8(&p, PIT_PORT_CH2, 3, mid(5));
	out8(&p, PIT_PORT_CH2, 0, mid(5));
	assert_true(pit_out(&p, 2, mid(19)));
	assert_true(in8(&p, PIT_PORT_B, mid(19)) & PIT_B_OUT2);
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(20));
	assert_true(pit_out(&p, 2, at(21) - 1));
	assert_false(pit_out(&p, 2, at(21)));
	assert_int_equal(pit_count(&p, 2, at(21)), 3);
	assert_false(in8(&p, PIT_PORT_B, at(23)) & PIT_B_OUT2);
	assert_true(in8(&p, PIT_PORT_B, at(24)) & PIT_B_OUT2);
	/* Retrigger in the middle of a pulse: N more from the next clock. */
	out8(&p, PIT_PORT_B, 0, mid(30));
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(30));
	assert_false(pit_out(&p, 2, at(32)));
	out8(&p, PIT_PORT_B, 0, mid(32));
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(32));
	assert_false(pit_out(&p, 2, at(35)));
	assert_true(pit_out(&p, 2, at(36)));
	/* GATE level alone does not stop mode 1. */
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(40));
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(40));
	out8(&p, PIT_PORT_B, 0, mid(40));
	assert_true(pit_out(&p, 2, at(50)));
}

/* Mode 5 on counter 2: the trigger loads the count; at terminal count OUT
 * strobes low for one clock. */
static void test_mode5_gate2_strobe(void **state)
{
	struct pit p;

	(void)state;
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_CTRL, 0xba, mid(5));
	out8(&p, PIT_PORT_CH2, 2, mid(5));
	out8(&p, PIT_PORT_CH2, 0, mid(5));
	assert_true(pit_out(&p, 2, at(100)));
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(100));
	assert_int_equal(pit_count(&p, 2, at(101)), 2);
	assert_true(pit_out(&p, 2, at(102)));
	assert_false(pit_out(&p, 2, at(103)));
	assert_true(pit_out(&p, 2, at(104)));
	assert_true(pit_out(&p, 2, at(200)));
}

/* GATE low stops modes 0 and 2; in mode 2 it forces OUT high and its rise
 * reloads the counter on the next pulse. */
static void test_gate2_mode0_and_mode2(void **state)
{
	struct pit p;

	(void)state;
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_CTRL, 0xb0, mid(5));
	out8(&p, PIT_PORT_CH2, 10, mid(5));
	out8(&p, PIT_PORT_CH2, 0, mid(5));
	/* Loaded at 6 but GATE2 is low: it holds 10. */
	assert_int_equal(pit_count(&p, 2, at(50)), 10);
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(50));
	assert_int_equal(pit_count(&p, 2, at(53)), 7);
	out8(&p, PIT_PORT_B, 0, mid(53));
	assert_int_equal(pit_count(&p, 2, at(90)), 7);
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(90));
	assert_false(pit_out(&p, 2, at(97) - 1));
	assert_true(pit_out(&p, 2, at(97)));

	out8(&p, PIT_PORT_CTRL, 0xb4, mid(100));
	out8(&p, PIT_PORT_CH2, 5, mid(100));
	out8(&p, PIT_PORT_CH2, 0, mid(100)); /* loaded at 101 */
	assert_false(pit_out(&p, 2, at(105)));
	out8(&p, PIT_PORT_B, 0, mid(105));
	assert_true(pit_out(&p, 2, mid(105)));
	assert_int_equal(pit_count(&p, 2, at(150)), 1);
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(150));
	assert_int_equal(pit_count(&p, 2, at(151)), 5);
	assert_false(pit_out(&p, 2, at(155)));
	assert_true(pit_out(&p, 2, at(156)));
}

/* A count of 0 is 65536 in binary and 10000 in BCD. */
static void test_count_zero_is_max(void **state)
{
	struct pit p;

	(void)state;
	setup(&p, 0x34, 0, mid(10));
	assert_int_equal(pit_count(&p, 0, at(11)), 0);
	assert_int_equal(pit_count(&p, 0, at(12)), 0xffff);
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(11 + 65536));
	assert_int_equal(pit_irq0_edges(&p, at(11 + 65536) - 1), 0);
	assert_int_equal(pit_irq0_edges(&p, at(11 + 65536)), 1);

	setup(&p, 0x30, 0, mid(10));
	assert_false(pit_out(&p, 0, at(11 + 65536) - 1));
	assert_true(pit_out(&p, 0, at(11 + 65536)));

	setup(&p, 0x35, 0, mid(10)); /* mode 2, BCD */
	assert_int_equal(pit_count(&p, 0, at(12)), 0x9999);
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(11 + 10000));
	assert_int_equal(pit_irq0_edges(&p, at(11 + 5 * 10000)), 5);
}

/* BCD: four decades, 0010 counts 0010, 0009, ..., 0000, 9999. */
static void test_bcd_counting(void **state)
{
	struct pit p;

	(void)state;
	setup(&p, 0x31, 0x0010, mid(10));
	assert_int_equal(in16(&p, PIT_PORT_CH0, at(11)), 0x0010);
	assert_int_equal(in16(&p, PIT_PORT_CH0, at(12)), 0x0009);
	assert_int_equal(in16(&p, PIT_PORT_CH0, at(13)), 0x0008);
	assert_false(pit_out(&p, 0, at(20)));
	assert_true(pit_out(&p, 0, at(21)));
	assert_int_equal(in16(&p, PIT_PORT_CH0, at(22)), 0x9999);
	assert_int_equal(in16(&p, PIT_PORT_CH0, at(22 + 1234)), 0x8765);
	assert_int_equal(p.bad_bcd, 0);
	/* 1234 decimal in BCD, mode 2: period 1234. */
	setup(&p, 0x35, 0x1234, mid(10));
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(11 + 1234));
}

/* Counter latch: the count at the latch command is held until read, a
 * second latch before that is ignored; unlatched reads are live. */
static void test_latch_while_counting(void **state)
{
	struct pit p;

	(void)state;
	setup(&p, 0x34, 1000, mid(10));
	out8(&p, PIT_PORT_CTRL, 0x00, mid(100));
	out8(&p, PIT_PORT_CTRL, 0x00, mid(150)); /* ignored */
	assert_int_equal(in16(&p, PIT_PORT_CH0, mid(200)), 1000 - 89);
	assert_int_equal(in16(&p, PIT_PORT_CH0, mid(300)), 1000 - 289);
	/* Latch, read the LSB, let time pass, the MSB is still the latch. */
	out8(&p, PIT_PORT_CTRL, 0x00, at(1011 + 1000 - 0x100 - 1));
	assert_int_equal(in8(&p, PIT_PORT_CH0, mid(1900)), 0x01);
	assert_int_equal(in8(&p, PIT_PORT_CH0, mid(2005)), 0x01);
	/* The latch is released: the next pair is live again. */
	assert_int_equal(in16(&p, PIT_PORT_CH0, at(2011)), 1000);
	/* LSB-only and MSB-only counters read one byte each. */
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_CTRL, 0x14, mid(10)); /* LSB only, mode 2 */
	out8(&p, PIT_PORT_CH0, 0x50, mid(10));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(11)), 0x50);
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(12)), 0x4f);
	out8(&p, PIT_PORT_CTRL, 0x00, at(13));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(40)), 0x4e);
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(40)), 0x50 - 29);
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_CTRL, 0x24, mid(10)); /* MSB only, mode 2 */
	out8(&p, PIT_PORT_CH0, 0x02, mid(10)); /* 0x200 = 512 */
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(11 + 512));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(11)), 0x02);
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(12)), 0x01);
}

/* LSB/MSB: writes go LSB first; reads alternate LSB, MSB; a control word
 * resets both sequences. */
static void test_lsb_msb_order(void **state)
{
	struct pit p;

	(void)state;
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_CTRL, 0x34, mid(10));
	out8(&p, PIT_PORT_CH0, 0x34, mid(10));
	out8(&p, PIT_PORT_CH0, 0x12, mid(10));
	assert_int_equal(pit_next_deadline(&p, mid(10)), at(11 + 0x1234));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(11)), 0x34);
	/* A control word between the bytes restarts the read sequence. */
	out8(&p, PIT_PORT_CTRL, 0x34, at(11));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(11)), 0x34);
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(11)), 0x12);
	/* ... and the write sequence: this byte is an LSB again. */
	out8(&p, PIT_PORT_CH0, 0x00, at(11));
	out8(&p, PIT_PORT_CTRL, 0x34, at(11));
	out8(&p, PIT_PORT_CH0, 0x10, mid(20));
	out8(&p, PIT_PORT_CH0, 0x00, mid(20));
	assert_int_equal(pit_next_deadline(&p, mid(20)), at(21 + 16));
}

/* Read-back: the status byte has OUT, null count, RW, mode, BCD; null count
 * is set by the control word and a count write, cleared by the load. */
static void test_read_back(void **state)
{
	struct pit p;

	(void)state;
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_CTRL, 0x34, mid(10));
	out8(&p, PIT_PORT_CTRL, 0xe2, mid(10)); /* status of counter 0 */
	assert_int_equal(in8(&p, PIT_PORT_CH0, mid(10)), 0xf4);
	out8(&p, PIT_PORT_CH0, 100, mid(10));
	out8(&p, PIT_PORT_CH0, 0, mid(10));
	out8(&p, PIT_PORT_CTRL, 0xe2, mid(10));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(20)), 0xf4);
	out8(&p, PIT_PORT_CTRL, 0xe2, at(11));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(20)), 0xb4);
	/* Count and status: status first, then the count as latched. */
	out8(&p, PIT_PORT_CTRL, 0xc2, at(31));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(40)), 0xb4);
	assert_int_equal(in16(&p, PIT_PORT_CH0, at(40)), 80);
	/* A count written while running sets null count until the reload. */
	out8(&p, PIT_PORT_CH0, 50, at(40));
	out8(&p, PIT_PORT_CH0, 0, at(40));
	out8(&p, PIT_PORT_CTRL, 0xe2, at(40));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(40)), 0xf4);
	out8(&p, PIT_PORT_CTRL, 0xe2, at(111));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(111)), 0xb4);
	/* Mode 0 with OUT low; counter 2 with BCD; several counters. */
	out8(&p, PIT_PORT_CTRL, 0x70, at(200));
	out8(&p, PIT_PORT_CTRL, 0xb9, at(200)); /* ch2 mode 4 BCD */
	out8(&p, PIT_PORT_CTRL, 0xec, at(200)); /* status of 1 and 2 */
	assert_int_equal(in8(&p, PIT_PORT_CH0 + 1, at(200)), 0x70);
	assert_int_equal(in8(&p, PIT_PORT_CH2, at(200)), 0xf9);
	/* Mode 6 reads back as written (M2 set) and runs as mode 2. */
	out8(&p, PIT_PORT_CTRL, 0x3c, at(300));
	out8(&p, PIT_PORT_CTRL, 0xe2, at(300));
	assert_int_equal(in8(&p, PIT_PORT_CH0, at(300)), 0xfc);
	out8(&p, PIT_PORT_CH0, 10, mid(300));
	out8(&p, PIT_PORT_CH0, 0, mid(300));
	assert_int_equal(pit_next_deadline(&p, mid(300)), at(311));
}

/* Over an hour of guest time every period of mode 2 is one edge, however
 * the gap is cut; the deadline is the first TSC of the next edge. */
static void test_edges_long_gap_and_deadline(void **state)
{
	const u64 hz = 2893000117ULL; /* not a multiple of PIT_HZ */
	const u64 n = 1193;
	struct pit p;
	u64 w = 1000003, k0, total = 0, end = w + 3600 * hz, d;

	(void)state;
	pit_init(&p, hz, 0);
	k0 = (u64)((unsigned __int128)w * PIT_HZ / hz);
	out8(&p, PIT_PORT_CTRL, 0x34, w);
	out8(&p, PIT_PORT_CH0, (u8)n, w);
	out8(&p, PIT_PORT_CH0, (u8)(n >> 8), w);
	/* Edges at pulses k0 + 1 + m * n, m >= 1. */
	d = pit_next_deadline(&p, w);
	assert_int_equal(d, pulse_tsc(k0 + 1 + n, hz));
	assert_int_equal(pit_irq0_edges(&p, d - 1), 0);
	assert_int_equal(pit_irq0_edges(&p, d), 1);
	total = 1;
	for (u64 now = d + 7; now < end; now += hz * 97 + 12345)
		total += pit_irq0_edges(&p, now);
	total += pit_irq0_edges(&p, end);
	{
		u64 kend = (u64)((unsigned __int128)end * PIT_HZ / hz);

		assert_int_equal(total, (kend - k0 - 1) / n);
	}
	assert_int_equal(p.irq0_edges, total);
	/* The deadline from an arbitrary point is the next edge exactly. */
	d = pit_next_deadline(&p, end);
	assert_true(d > end);
	assert_int_equal(pit_irq0_edges(&p, d - 1), 0);
	assert_int_equal(pit_irq0_edges(&p, d), 1);
	assert_int_equal(
		pit_next_deadline(&p, d),
		pulse_tsc((u64)((unsigned __int128)d * PIT_HZ / hz) + n, hz));
}

/* Linux's pit_calibrate_tsc(): GATE2 high, speaker off, counter 2 mode 0
 * with CAL_LATCH (50 ms), then poll port B bit 5.  OUT2 rises N + 1 pulses
 * after the MSB write, so the loop ends at that guest time. */
static void test_linux_calibration(void **state)
{
	const u64 hz = 3000000000ULL;
	const u16 latch = 1193182 / 20;
	struct pit p;
	u64 now = 123456789, kw, rise, polls = 0;
	u8 b;

	(void)state;
	pit_init(&p, hz, 0);
	b = in8(&p, PIT_PORT_B, now);
	out8(&p, PIT_PORT_B, (u8)((b & ~PIT_B_SPKR) | PIT_B_GATE2), now);
	out8(&p, PIT_PORT_CTRL, 0xb0, now);
	out8(&p, PIT_PORT_CH2, latch & 0xff, now);
	out8(&p, PIT_PORT_CH2, latch >> 8, now);
	kw = (u64)((unsigned __int128)now * PIT_HZ / hz);
	rise = pulse_tsc(kw + 1 + latch, hz);
	while (!(in8(&p, PIT_PORT_B, now) & PIT_B_OUT2)) {
		now += 137;
		polls++;
	}
	assert_true(now >= rise && now < rise + 137);
	assert_true(polls > 1000);
	/* 50 ms of guest time, to within two PIT clocks. */
	assert_true(now - 123456789 > hz / 20 - 2 * hz / PIT_HZ);
	assert_true(now - 123456789 < hz / 20 + 2 * hz / PIT_HZ);
	/* OUT2 was low one TSC tick before. */
	pit_init(&p, hz, 0);
	out8(&p, PIT_PORT_B, PIT_B_GATE2, 123456789);
	out8(&p, PIT_PORT_CTRL, 0xb0, 123456789);
	out8(&p, PIT_PORT_CH2, latch & 0xff, 123456789);
	out8(&p, PIT_PORT_CH2, latch >> 8, 123456789);
	assert_false(in8(&p, PIT_PORT_B, rise - 1) & PIT_B_OUT2);
	assert_true(in8(&p, PIT_PORT_B, rise) & PIT_B_OUT2);
}

/* Linux's quick_pit_calibrate(): mode 0 count 0xffff, the MSB read after
 * the LSB drops by one every 256 pulses. */
static void test_linux_quick_calibration_msb(void **state)
{
	struct pit p;

	(void)state;
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_B, PIT_B_GATE2, mid(10));
	out8(&p, PIT_PORT_CTRL, 0xb0, mid(10));
	out8(&p, PIT_PORT_CH2, 0xff, mid(10));
	out8(&p, PIT_PORT_CH2, 0xff, mid(10)); /* 0xffff at pulse 11 */
	for (u64 j = 0; j < 200; j++) {
		u64 k = 11 + 256 * j;

		(void)in8(&p, PIT_PORT_CH2, at(k));
		assert_int_equal(in8(&p, PIT_PORT_CH2, at(k)), 0xff - j);
		(void)in8(&p, PIT_PORT_CH2, at(k + 255));
		assert_int_equal(in8(&p, PIT_PORT_CH2, at(k + 255)), 0xff - j);
	}
}

/* Port B: bit 4 toggles every 18 PIT clocks (15.085 us), bits 6/7 read 0,
 * writes keep bits 0-3 only. */
static void test_port_b(void **state)
{
	struct pit p;
	unsigned int toggles = 0;
	u8 prev, v;

	(void)state;
	pit_init(&p, HZ, 0);
	prev = in8(&p, PIT_PORT_B, 0) & PIT_B_REFRESH;
	for (u64 k = 0; k < 18 * 100; k++) {
		v = in8(&p, PIT_PORT_B, mid(k)) & PIT_B_REFRESH;
		assert_int_equal(!!v, (k / 18) & 1);
		toggles += v != prev;
		prev = v;
	}
	assert_int_equal(toggles, 99);
	/* 15.085 us: 18 / 1193182 s, at a 1 GHz TSC 15085 ticks. */
	pit_init(&p, 1000000000ULL, 0);
	assert_false(in8(&p, PIT_PORT_B, 15085) & PIT_B_REFRESH);
	assert_true(in8(&p, PIT_PORT_B, 15086) & PIT_B_REFRESH);
	pit_init(&p, HZ, 0);
	out8(&p, PIT_PORT_B, 0xff, 0);
	v = in8(&p, PIT_PORT_B, 0);
	assert_int_equal(v & 0x0f, 0x0f);
	assert_int_equal(v & (PIT_B_IOCHK | PIT_B_SERR), 0);
	out8(&p, PIT_PORT_B, 0x0c, 0);
	assert_int_equal(in8(&p, PIT_PORT_B, 0) & 0x0f, 0x0c);
	/* OUT2 at power-on: no count, high (the choice pit.h documents). */
	assert_true(in8(&p, PIT_PORT_B, 0) & PIT_B_OUT2);
}

/* 0x43 is not readable; other ports are not decoded; counter 1 runs but
 * its OUT is not IRQ0. */
static void test_ports_and_channel1(void **state)
{
	struct pit p;
	u8 v = 0;

	(void)state;
	pit_init(&p, HZ, 0);
	assert_int_equal(in8(&p, PIT_PORT_CTRL, 0), 0xff);
	assert_int_equal(p.ctrl_reads, 1);
	assert_int_equal(pit_io_read(&p, 0x44, &v, 0), -EINVAL);
	assert_int_equal(v, 0xff);
	assert_int_equal(pit_io_write(&p, 0x60, 0, 0), -EINVAL);
	out8(&p, PIT_PORT_CTRL, 0x74, mid(10));
	out8(&p, PIT_PORT_CH1, 18, mid(10));
	out8(&p, PIT_PORT_CH1, 0, mid(10));
	assert_false(pit_out(&p, 1, at(28)));
	assert_int_equal(pit_irq0_edges(&p, at(1000)), 0);
	assert_int_equal(pit_next_deadline(&p, 0), DEV_NO_DEADLINE);
	assert_false(pit_out(&p, 3, 0));
	/* Power-on: no IRQ0 until counter 0 is programmed. */
	assert_int_equal(pit_irq0_edges(&p, at(10000000)), 0);
	/* Counts of 1 in modes 2 and 3 are illegal: they run as 2. */
	setup(&p, 0x34, 1, mid(10));
	assert_int_equal(p.illegal_counts, 1);
	assert_int_equal(pit_irq0_edges(&p, at(11 + 20)), 10);
	/* Mode 1 on counter 0: its GATE never rises, nothing happens. */
	setup(&p, 0x32, 5, mid(10));
	assert_true(pit_out(&p, 0, at(1000)));
	assert_int_equal(pit_next_deadline(&p, at(1000)), DEV_NO_DEADLINE);
}

/* Linux's i8253 clock event: periodic mode 2 with PIT_LATCH, shutdown to
 * mode 0 with count 0, one-shot mode 4 with a count per event. */
static void test_linux_clockevent_sequence(void **state)
{
	const u16 latch = (1193182 + 500) / 1000;
	const u64 e0 = 11 + 100 * (u64)latch;
	struct pit p;

	(void)state;
	setup(&p, 0x34, latch, mid(10));
	assert_int_equal(pit_irq0_edges(&p, at(e0)), 100);
	/* Shutdown: OUT low, and high again 65537 pulses later. */
	out8(&p, PIT_PORT_CTRL, 0x30, mid(e0));
	out8(&p, PIT_PORT_CH0, 0, mid(e0));
	out8(&p, PIT_PORT_CH0, 0, mid(e0));
	assert_false(pit_out(&p, 0, mid(e0)));
	assert_int_equal(pit_next_deadline(&p, mid(e0)), at(e0 + 1 + 65536));
	/* One-shot: the mode 4 control word puts OUT high, a real edge. */
	out8(&p, PIT_PORT_CTRL, 0x38, mid(e0 + 5));
	assert_int_equal(pit_irq0_edges(&p, mid(e0 + 5)), 1);
	assert_int_equal(pit_next_deadline(&p, mid(e0 + 5)), DEV_NO_DEADLINE);
	out8(&p, PIT_PORT_CH0, 100, mid(e0 + 20));
	out8(&p, PIT_PORT_CH0, 0, mid(e0 + 20));
	assert_int_equal(pit_next_deadline(&p, mid(e0 + 20)),
			 at(e0 + 20 + 102));
	assert_int_equal(pit_irq0_edges(&p, at(e0 + 20 + 102) - 1), 0);
	assert_int_equal(pit_irq0_edges(&p, at(e0 + 20 + 102)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode0_terminal_count),
		cmocka_unit_test(test_mode0_rewrite_restarts),
		cmocka_unit_test(test_mode2_rate_generator),
		cmocka_unit_test(test_mode2_new_count_next_period),
		cmocka_unit_test(test_mode3_even),
		cmocka_unit_test(test_mode3_odd),
		cmocka_unit_test(test_mode3_new_count_half_cycle),
		cmocka_unit_test(test_mode4_software_strobe),
		cmocka_unit_test(test_mode1_gate2_one_shot),
		cmocka_unit_test(test_mode5_gate2_strobe),
		cmocka_unit_test(test_gate2_mode0_and_mode2),
		cmocka_unit_test(test_count_zero_is_max),
		cmocka_unit_test(test_bcd_counting),
		cmocka_unit_test(test_latch_while_counting),
		cmocka_unit_test(test_lsb_msb_order),
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_edges_long_gap_and_deadline),
		cmocka_unit_test(test_linux_calibration),
		cmocka_unit_test(test_linux_quick_calibration_msb),
		cmocka_unit_test(test_port_b),
		cmocka_unit_test(test_ports_and_channel1),
		cmocka_unit_test(test_linux_clockevent_sequence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
