// SPDX-License-Identifier: GPL-2.0
/*
 * hv/dev/rtc.c against the MC146818 data sheet and the Gregorian
 * calendar.  Most tests run the guest TSC at 1000 ticks per 32.768 kHz
 * RTC clock, so RTC clock k is TSC k * 1000 and one second is
 * SEC = 32768000 TSC ticks; rtc_init() at TSC 0 puts the first update at
 * exactly SEC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "hv/dev/rtc.h"

#define HZ (RTC_HZ * 1000ULL)
#define SEC HZ
#define CLK 1000ULL /* one RTC clock in TSC ticks */

static u8 rd(struct rtc *r, u8 idx, u64 now)
{
	u8 v = 0;

	assert_int_equal(rtc_io_write(r, RTC_PORT_INDEX, idx, now), 0);
	assert_int_equal(rtc_io_read(r, RTC_PORT_DATA, &v, now), 0);
	return v;
}

static void wr(struct rtc *r, u8 idx, u8 val, u64 now)
{
	assert_int_equal(rtc_io_write(r, RTC_PORT_INDEX, idx, now), 0);
	assert_int_equal(rtc_io_write(r, RTC_PORT_DATA, val, now), 0);
}

static void start(struct rtc *r, u16 y, u8 mo, u8 d, u8 h, u8 mi, u8 s, u8 wd)
{
	struct rtc_time t = { y, mo, d, h, mi, s, wd };

	rtc_init(r, HZ, &t, 0);
}

/* The date registers in BCD: year, month, day, hour, minute, second. */
static void expect_bcd(struct rtc *r, u64 now, u8 cent, u8 y, u8 mo, u8 d, u8 h,
		       u8 mi, u8 s)
{
	assert_int_equal(rd(r, RTC_CENTURY, now), cent);
	assert_int_equal(rd(r, RTC_YEAR, now), y);
	assert_int_equal(rd(r, RTC_MONTH, now), mo);
	assert_int_equal(rd(r, RTC_DAY_OF_MONTH, now), d);
	assert_int_equal(rd(r, RTC_HOURS, now), h);
	assert_int_equal(rd(r, RTC_MINUTES, now), mi);
	assert_int_equal(rd(r, RTC_SECONDS, now), s);
}

/* Power-on registers: A 0x26, B 0x02 (24 h, BCD), C 0, D VRT. */
static void test_power_on(void **state)
{
	struct rtc r;
	u8 v = 0;

	(void)state;
	start(&r, 2026, 3, 14, 15, 9, 26, 7);
	assert_int_equal(rd(&r, RTC_REG_A, 0), 0x26);
	assert_int_equal(rd(&r, RTC_REG_B, 0), 0x02);
	assert_int_equal(rd(&r, RTC_REG_C, 0), 0x00);
	assert_int_equal(rd(&r, RTC_REG_D, 0), 0x80);
	expect_bcd(&r, 0, 0x20, 0x26, 0x03, 0x14, 0x15, 0x09, 0x26);
	assert_int_equal(rd(&r, RTC_DAY_OF_WEEK, 0), 0x07);
	assert_int_equal(rtc_io_read(&r, 0x72, &v, 0), -EINVAL);
	assert_int_equal(v, 0xff);
	assert_int_equal(rtc_io_write(&r, 0x72, 0, 0), -EINVAL);
	assert_false(rtc_irq(&r, 100 * SEC));
	assert_int_equal(rtc_next_deadline(&r, 0), DEV_NO_DEADLINE);
	/* wday 0 asks for the computed day: 2026-03-14 is a Saturday. */
	start(&r, 2026, 3, 14, 0, 0, 0, 0);
	assert_int_equal(rd(&r, RTC_DAY_OF_WEEK, 0), 7);
	start(&r, 1970, 1, 1, 0, 0, 0, 0); /* a Thursday */
	assert_int_equal(rd(&r, RTC_DAY_OF_WEEK, 0), 5);
}

/* The clock advances by whole seconds at each update, carrying through
 * minutes, hours, days, months, the year and the century. */
static void test_carries(void **state)
{
	struct rtc r;

	(void)state;
	start(&r, 2023, 12, 31, 23, 59, 58, 1);
	expect_bcd(&r, SEC - 1, 0x20, 0x23, 0x12, 0x31, 0x23, 0x59, 0x58);
	expect_bcd(&r, SEC, 0x20, 0x23, 0x12, 0x31, 0x23, 0x59, 0x59);
	expect_bcd(&r, 2 * SEC, 0x20, 0x24, 0x01, 0x01, 0x00, 0x00, 0x00);
	assert_int_equal(rd(&r, RTC_DAY_OF_WEEK, 2 * SEC), 2);
	/* 30-day and 31-day months. */
	start(&r, 2024, 4, 30, 23, 59, 59, 3);
	expect_bcd(&r, SEC, 0x20, 0x24, 0x05, 0x01, 0x00, 0x00, 0x00);
	start(&r, 2024, 1, 31, 23, 59, 59, 4);
	expect_bcd(&r, SEC, 0x20, 0x24, 0x02, 0x01, 0x00, 0x00, 0x00);
	/* Century: 2099 -> 2100 and 1999 -> 2000. */
	start(&r, 2099, 12, 31, 23, 59, 59, 5);
	expect_bcd(&r, SEC, 0x21, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
	start(&r, 1999, 12, 31, 23, 59, 59, 6);
	expect_bcd(&r, SEC, 0x20, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
	/* Minute and hour carries alone. */
	start(&r, 2024, 6, 1, 10, 59, 59, 7);
	expect_bcd(&r, SEC, 0x20, 0x24, 0x06, 0x01, 0x11, 0x00, 0x00);
	expect_bcd(&r, 61 * SEC, 0x20, 0x24, 0x06, 0x01, 0x11, 0x01, 0x00);
}

/* February: 28 days, 29 in leap years (divisible by 4, not by 100 unless
 * by 400): 2024 and 2000 are leap, 2023 and 2100 are not. */
static void test_leap_years(void **state)
{
	struct rtc r;

	(void)state;
	start(&r, 2024, 2, 28, 23, 59, 59, 4);
	expect_bcd(&r, SEC, 0x20, 0x24, 0x02, 0x29, 0x00, 0x00, 0x00);
	expect_bcd(&r, SEC + 86400 * SEC, 0x20, 0x24, 0x03, 0x01, 0x00, 0x00,
		   0x00);
	start(&r, 2100, 2, 28, 23, 59, 59, 1);
	expect_bcd(&r, SEC, 0x21, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00);
	start(&r, 2000, 2, 28, 23, 59, 59, 2);
	expect_bcd(&r, SEC, 0x20, 0x00, 0x02, 0x29, 0x00, 0x00, 0x00);
	start(&r, 2023, 2, 28, 23, 59, 59, 3);
	expect_bcd(&r, SEC, 0x20, 0x23, 0x03, 0x01, 0x00, 0x00, 0x00);
}

/* Long gaps are exact: Unix time 10^9 is 2001-09-09 01:46:40 (a Sunday),
 * 2 * 10^9 is 2033-05-18 03:33:20 (a Wednesday); ten years from
 * 2024-01-01 (three leap days) is 2034-01-01, a Sunday. */
static void test_long_gaps(void **state)
{
	struct rtc r;
	struct rtc_time t;

	(void)state;
	start(&r, 2001, 9, 9, 1, 46, 39, 1);
	rtc_get_time(&r, SEC + 1000000000ULL * SEC, &t);
	assert_int_equal(t.year, 2033);
	assert_int_equal(t.mon, 5);
	assert_int_equal(t.mday, 18);
	assert_int_equal(t.hour, 3);
	assert_int_equal(t.min, 33);
	assert_int_equal(t.sec, 20);
	assert_int_equal(t.wday, 4);
	expect_bcd(&r, SEC + 1000000000ULL * SEC, 0x20, 0x33, 0x05, 0x18, 0x03,
		   0x33, 0x20);
	start(&r, 2023, 12, 31, 23, 59, 59, 1);
	expect_bcd(&r, SEC + 3653ULL * 86400 * SEC, 0x20, 0x34, 0x01, 0x01,
		   0x00, 0x00, 0x00);
	assert_int_equal(rd(&r, RTC_DAY_OF_WEEK, SEC + 3653ULL * 86400 * SEC),
			 1);
	/* A real TSC rate: one second is exactly tsc_hz ticks. */
	{
		struct rtc_time s = { 2026, 1, 1, 0, 0, 0, 5 };
		const u64 hz = 2893000117ULL;

		rtc_init(&r, hz, &s, 0);
		rtc_get_time(&r, 86400 * hz - 1, &t);
		assert_int_equal(t.mday, 1);
		assert_int_equal(t.sec, 59);
		rtc_get_time(&r, 86400 * hz, &t);
		assert_int_equal(t.mday, 2);
		assert_int_equal(t.hour, 0);
		assert_int_equal(t.sec, 0);
	}
}

/* DM = 1: the same registers in binary. */
static void test_binary_mode(void **state)
{
	struct rtc r;

	(void)state;
	start(&r, 2024, 12, 31, 23, 59, 59, 3);
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_DM, 0);
	assert_int_equal(rd(&r, RTC_YEAR, 0), 24);
	assert_int_equal(rd(&r, RTC_CENTURY, 0), 20);
	assert_int_equal(rd(&r, RTC_MONTH, 0), 12);
	assert_int_equal(rd(&r, RTC_DAY_OF_MONTH, 0), 31);
	assert_int_equal(rd(&r, RTC_HOURS, 0), 23);
	assert_int_equal(rd(&r, RTC_MINUTES, 0), 59);
	assert_int_equal(rd(&r, RTC_SECONDS, 0), 59);
	assert_int_equal(rd(&r, RTC_YEAR, SEC), 25);
	assert_int_equal(rd(&r, RTC_MONTH, SEC), 1);
	/* Binary writes under SET. */
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_DM, SEC);
	wr(&r, RTC_SECONDS, 45, SEC);
	wr(&r, RTC_YEAR, 99, SEC);
	assert_int_equal(rd(&r, RTC_SECONDS, SEC), 45);
	assert_int_equal(rd(&r, RTC_YEAR, SEC), 99);
	wr(&r, RTC_REG_B, RTC_B_24H, SEC);
	assert_int_equal(rd(&r, RTC_SECONDS, SEC), 0x45);
	assert_int_equal(rd(&r, RTC_YEAR, SEC), 0x99);
	assert_int_equal(r.bad_time_writes, 0);
}

/* 12-hour mode: hours 1-12, bit 7 PM; midnight is 12 AM, noon 12 PM. */
static void test_12_hour(void **state)
{
	struct rtc r;

	(void)state;
	start(&r, 2024, 6, 1, 23, 59, 59, 7);
	wr(&r, RTC_REG_B, 0, 0); /* 12-hour, BCD */
	assert_int_equal(rd(&r, RTC_HOURS, 0), 0x91);
	assert_int_equal(rd(&r, RTC_HOURS, SEC), 0x12); /* 12 AM */
	assert_int_equal(rd(&r, RTC_HOURS, SEC + 3600 * SEC), 0x01);
	assert_int_equal(rd(&r, RTC_HOURS, SEC + 12 * 3600 * SEC - 1), 0x11);
	assert_int_equal(rd(&r, RTC_HOURS, SEC + 12 * 3600 * SEC), 0x92);
	assert_int_equal(rd(&r, RTC_HOURS, SEC + 13 * 3600 * SEC), 0x81);
	/* Binary 12-hour: 12 PM is 0x8c. */
	wr(&r, RTC_REG_B, RTC_B_DM, SEC + 13 * 3600 * SEC);
	assert_int_equal(rd(&r, RTC_HOURS, SEC + 13 * 3600 * SEC), 0x81);
	start(&r, 2024, 6, 1, 12, 0, 0, 7);
	wr(&r, RTC_REG_B, RTC_B_DM, 0);
	assert_int_equal(rd(&r, RTC_HOURS, 0), 0x8c);
	/* Writes in 12-hour mode: 12 AM is hour 0, 12 PM hour 12. */
	wr(&r, RTC_REG_B, RTC_B_SET, 0);
	wr(&r, RTC_HOURS, 0x12, 0);
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, 0);
	assert_int_equal(rd(&r, RTC_HOURS, 0), 0x00);
	wr(&r, RTC_REG_B, RTC_B_SET, 0);
	wr(&r, RTC_HOURS, 0x92, 0);
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, 0);
	assert_int_equal(rd(&r, RTC_HOURS, 0), 0x12);
	wr(&r, RTC_REG_B, RTC_B_SET, 0);
	wr(&r, RTC_HOURS, 0x87, 0); /* 7 PM */
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, 0);
	assert_int_equal(rd(&r, RTC_HOURS, 0), 0x19);
}

/* SET stops updates (the divider runs on), the written time is held and
 * counts on from the next update after SET is cleared; SET clears UIE. */
static void test_set_bit(void **state)
{
	struct rtc r;

	(void)state;
	start(&r, 2024, 6, 1, 10, 0, 0, 7);
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_UIE, SEC / 2);
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_UIE, SEC / 2);
	assert_int_equal(rd(&r, RTC_REG_B, SEC / 2), RTC_B_SET | RTC_B_24H);
	assert_int_equal(rd(&r, RTC_SECONDS, 10 * SEC), 0x00);
	wr(&r, RTC_SECONDS, 0x30, 10 * SEC);
	wr(&r, RTC_MINUTES, 0x15, 10 * SEC);
	wr(&r, RTC_HOURS, 0x08, 10 * SEC);
	wr(&r, RTC_DAY_OF_MONTH, 0x29, 10 * SEC);
	wr(&r, RTC_MONTH, 0x02, 10 * SEC);
	wr(&r, RTC_YEAR, 0x28, 10 * SEC);
	wr(&r, RTC_CENTURY, 0x20, 10 * SEC);
	expect_bcd(&r, 20 * SEC, 0x20, 0x28, 0x02, 0x29, 0x08, 0x15, 0x30);
	/* No update flag while SET, UIP never set. */
	assert_int_equal(rd(&r, RTC_REG_C, 20 * SEC) & RTC_C_UF, 0);
	assert_int_equal(rd(&r, RTC_REG_A, 21 * SEC - 4 * CLK) & RTC_A_UIP, 0);
	wr(&r, RTC_REG_B, RTC_B_24H, 20 * SEC + SEC / 4);
	/* The divider kept its phase: next update at 21 s. */
	assert_int_equal(rd(&r, RTC_SECONDS, 21 * SEC - 1), 0x30);
	assert_int_equal(rd(&r, RTC_SECONDS, 21 * SEC), 0x31);
	assert_int_equal(rd(&r, RTC_REG_C, 21 * SEC), RTC_C_UF | RTC_C_PF);
	expect_bcd(&r, 21 * SEC + 86400 * SEC, 0x20, 0x28, 0x03, 0x01, 0x08,
		   0x15, 0x31);
	/* A day past the month's end is the last day once the clock runs. */
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, 30 * SEC);
	wr(&r, RTC_MONTH, 0x04, 30 * SEC);
	wr(&r, RTC_DAY_OF_MONTH, 0x31, 30 * SEC);
	assert_int_equal(rd(&r, RTC_DAY_OF_MONTH, 30 * SEC), 0x31);
	wr(&r, RTC_REG_B, RTC_B_24H, 30 * SEC);
	assert_int_equal(rd(&r, RTC_DAY_OF_MONTH, 30 * SEC), 0x30);
	/* February 29 exists in 2000 but not in 2100. */
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, 30 * SEC);
	wr(&r, RTC_MONTH, 0x02, 30 * SEC);
	wr(&r, RTC_DAY_OF_MONTH, 0x29, 30 * SEC);
	wr(&r, RTC_YEAR, 0x00, 30 * SEC);
	wr(&r, RTC_CENTURY, 0x21, 30 * SEC);
	wr(&r, RTC_REG_B, RTC_B_24H, 30 * SEC);
	assert_int_equal(rd(&r, RTC_DAY_OF_MONTH, 30 * SEC), 0x28);
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, 30 * SEC);
	wr(&r, RTC_DAY_OF_MONTH, 0x29, 30 * SEC);
	wr(&r, RTC_CENTURY, 0x20, 30 * SEC);
	wr(&r, RTC_REG_B, RTC_B_24H, 30 * SEC);
	assert_int_equal(rd(&r, RTC_DAY_OF_MONTH, 30 * SEC), 0x29);
	assert_int_equal(r.bad_time_writes, 0);
	/* An impossible value is clamped and counted. */
	wr(&r, RTC_SECONDS, 0x7a, 30 * SEC);
	assert_int_equal(rd(&r, RTC_SECONDS, 30 * SEC), 0x59);
	assert_int_equal(r.bad_time_writes, 1);
}

/* UIP is set for the 244 us (8 clocks of 32.768 kHz) before each update. */
static void test_uip_window(void **state)
{
	struct rtc r;
	const u64 hz = 1000000000ULL;

	(void)state;
	start(&r, 2024, 6, 1, 10, 0, 0, 7);
	assert_int_equal(rd(&r, RTC_REG_A, (RTC_HZ - 8) * CLK - 1), 0x26);
	assert_int_equal(rd(&r, RTC_REG_A, (RTC_HZ - 8) * CLK), 0xa6);
	assert_int_equal(rd(&r, RTC_REG_A, SEC - 1), 0xa6);
	assert_int_equal(rd(&r, RTC_SECONDS, SEC - 1), 0x00);
	assert_int_equal(rd(&r, RTC_REG_A, SEC), 0x26);
	assert_int_equal(rd(&r, RTC_SECONDS, SEC), 0x01);
	assert_int_equal(rd(&r, RTC_REG_A, 5 * SEC - 8 * CLK), 0xa6);
	/* UIP is read-only. */
	wr(&r, RTC_REG_A, 0xa6, 6 * SEC);
	assert_int_equal(rd(&r, RTC_REG_A, 6 * SEC), 0x26);
	/* At 1 GHz: 244.140625 us, from TSC 999755859.375 up. */
	{
		struct rtc_time t = { 2024, 6, 1, 10, 0, 0, 7 };

		rtc_init(&r, hz, &t, 0);
		assert_false(rd(&r, RTC_REG_A, 999755859) & RTC_A_UIP);
		assert_true(rd(&r, RTC_REG_A, 999755860) & RTC_A_UIP);
		assert_true(rd(&r, RTC_REG_A, 999999999) & RTC_A_UIP);
		assert_false(rd(&r, RTC_REG_A, 1000000000) & RTC_A_UIP);
	}
}

/* Rate select: 1-2 give 3.90625 and 7.8125 ms, 3-15 give 2^(rs-1) clocks
 * of 32.768 kHz; counted over one second with IRQ8 and register C. */
static void test_periodic_rates(void **state)
{
	struct rtc r;

	(void)state;
	for (u32 rs = 1; rs <= 15; rs++) {
		u32 clocks = rs == 1 ? 128 : rs == 2 ? 256 : 1u << (rs - 1);
		u64 t0 = 10 * SEC, d, n = 0, prev = t0;

		start(&r, 2024, 6, 1, 10, 0, 0, 7);
		wr(&r, RTC_REG_A, (u8)(RTC_A_DV_32K | rs), t0);
		/* SET: no update flags in the way; the divider runs on. */
		wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_PIE, t0);
		(void)rd(&r, RTC_REG_C, t0);
		for (;;) {
			d = rtc_next_deadline(&r, prev);
			if (d > t0 + SEC)
				break;
			assert_int_equal(d - prev, (u64)clocks * CLK);
			assert_false(rtc_irq(&r, d - 1));
			assert_true(rtc_irq(&r, d));
			assert_int_equal(rd(&r, RTC_REG_C, d),
					 RTC_C_IRQF | RTC_C_PF);
			assert_false(rtc_irq(&r, d));
			prev = d;
			n++;
		}
		assert_int_equal(n, RTC_HZ / clocks);
		assert_int_equal(r.periodic_irqs, n);
		/* Coalesced over a gap: the count still has every period. */
		assert_int_equal(rd(&r, RTC_REG_C, t0 + 3 * SEC),
				 RTC_C_IRQF | RTC_C_PF);
		assert_int_equal(r.periodic_irqs, 3 * n);
	}
	/* Rate 0: no periodic flag; PF without PIE sets no IRQF. */
	start(&r, 2024, 6, 1, 10, 0, 0, 7);
	wr(&r, RTC_REG_A, RTC_A_DV_32K, 0);
	assert_int_equal(rd(&r, RTC_REG_C, SEC / 2), 0);
	wr(&r, RTC_REG_A, RTC_A_DV_32K | 6, SEC / 2);
	assert_false(rtc_irq(&r, SEC / 2 + 100 * CLK));
	assert_int_equal(rd(&r, RTC_REG_C, SEC / 2 + 100 * CLK), RTC_C_PF);
	assert_int_equal(r.periodic_irqs, 0);
	assert_int_equal(rtc_next_deadline(&r, SEC / 2 + 100 * CLK),
			 DEV_NO_DEADLINE);
}

/* Register C is read-only and reading it clears every flag, lowering IRQ8;
 * an enable set while its flag is up raises IRQ8 at once. */
static void test_reg_c_clears(void **state)
{
	struct rtc r;

	(void)state;
	start(&r, 2024, 6, 1, 10, 0, 0, 7);
	assert_false(rtc_irq(&r, 2 * SEC));
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_UIE, 2 * SEC);
	assert_true(rtc_irq(&r, 2 * SEC));
	assert_int_equal(rtc_next_deadline(&r, 2 * SEC), DEV_NO_DEADLINE);
	wr(&r, RTC_REG_C, 0x00, 2 * SEC);
	assert_int_equal(r.ignored_writes, 1);
	assert_true(rtc_irq(&r, 2 * SEC));
	assert_int_equal(rd(&r, RTC_REG_C, 2 * SEC),
			 RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
	assert_false(rtc_irq(&r, 2 * SEC));
	assert_int_equal(rd(&r, RTC_REG_C, 2 * SEC), 0);
	wr(&r, RTC_REG_D, 0x00, 2 * SEC);
	assert_int_equal(rd(&r, RTC_REG_D, 2 * SEC), RTC_D_VRT);
}

/* Update-ended interrupt once a second, at the update. */
static void test_update_interrupt(void **state)
{
	struct rtc r;

	(void)state;
	start(&r, 2024, 6, 1, 10, 0, 0, 7);
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_UIE, SEC / 2);
	for (u64 s = 1; s <= 5; s++) {
		assert_int_equal(rtc_next_deadline(&r, s * SEC - SEC / 2),
				 s * SEC);
		assert_false(rtc_irq(&r, s * SEC - 1));
		assert_true(rtc_irq(&r, s * SEC));
		assert_int_equal(rd(&r, RTC_REG_C, s * SEC),
				 RTC_C_IRQF | RTC_C_UF | RTC_C_PF);
		assert_int_equal(rd(&r, RTC_SECONDS, s * SEC), s);
		(void)rd(&r, RTC_REG_C, s * SEC + SEC / 2);
	}
	assert_int_equal(r.update_irqs, 5);
	(void)rd(&r, RTC_REG_C, 15 * SEC + SEC / 2);
	assert_int_equal(r.update_irqs, 15);
}

/* Alarm: AF at the update whose new time equals the alarm; a byte with
 * both top bits set matches any value. */
static void test_alarm(void **state)
{
	struct rtc r;

	(void)state;
	start(&r, 2024, 6, 1, 10, 0, 0, 7);
	wr(&r, RTC_SECONDS_ALARM, 0x05, 0);
	wr(&r, RTC_MINUTES_ALARM, 0x00, 0);
	wr(&r, RTC_HOURS_ALARM, 0x10, 0);
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_AIE, 0);
	assert_int_equal(rtc_next_deadline(&r, 0), 5 * SEC);
	assert_false(rtc_irq(&r, 5 * SEC - 1));
	assert_true(rtc_irq(&r, 5 * SEC));
	assert_int_equal(rd(&r, RTC_REG_C, 5 * SEC),
			 RTC_C_IRQF | RTC_C_AF | RTC_C_UF | RTC_C_PF);
	/* Next day, same time. */
	assert_int_equal(rtc_next_deadline(&r, 5 * SEC), (5 + 86400) * SEC);
	assert_int_equal(r.alarm_irqs, 1);
	/* Seconds don't care, minute 01, hours don't care: 60 matches an
	 * hour, coalesced into one AF over a day. */
	wr(&r, RTC_SECONDS_ALARM, 0xc0, 6 * SEC);
	wr(&r, RTC_MINUTES_ALARM, 0x01, 6 * SEC);
	wr(&r, RTC_HOURS_ALARM, 0xff, 6 * SEC);
	assert_int_equal(rtc_next_deadline(&r, 6 * SEC), 60 * SEC);
	assert_int_equal(rd(&r, RTC_REG_C, 6 * SEC + 86400 * SEC),
			 RTC_C_IRQF | RTC_C_AF | RTC_C_UF | RTC_C_PF);
	assert_int_equal(r.alarm_irqs, 1 + 24 * 60);
	/* All three don't care: every update. */
	wr(&r, RTC_MINUTES_ALARM, 0xc0, 6 * SEC + 86400 * SEC);
	assert_int_equal(rtc_next_deadline(&r, 6 * SEC + 86400 * SEC),
			 7 * SEC + 86400 * SEC);
	/* An impossible alarm (minute 0x60) never matches. */
	wr(&r, RTC_MINUTES_ALARM, 0x60, 7 * SEC + 86400 * SEC);
	(void)rd(&r, RTC_REG_C, 7 * SEC + 86400 * SEC);
	assert_int_equal(rtc_next_deadline(&r, 7 * SEC + 86400 * SEC),
			 DEV_NO_DEADLINE);
	assert_int_equal(rd(&r, RTC_REG_C, 3 * 86400 * SEC) & RTC_C_AF, 0);
	/* 12-hour alarm: 0x81 is 1 PM. */
	start(&r, 2024, 6, 1, 12, 59, 58, 7);
	wr(&r, RTC_REG_B, RTC_B_AIE, 0);
	wr(&r, RTC_SECONDS_ALARM, 0x00, 0);
	wr(&r, RTC_MINUTES_ALARM, 0x00, 0);
	wr(&r, RTC_HOURS_ALARM, 0x81, 0);
	assert_int_equal(rtc_next_deadline(&r, 0), 2 * SEC);
	/* 0x12 in 12-hour mode is 12 AM, hour 0: the next midnight. */
	wr(&r, RTC_HOURS_ALARM, 0x12, 0);
	assert_int_equal(rtc_next_deadline(&r, 0), (2 + 11 * 3600) * SEC);
	/* ... and 0x92 is noon, a day less two seconds away. */
	wr(&r, RTC_HOURS_ALARM, 0x92, 0);
	assert_int_equal(rtc_next_deadline(&r, 0), (86400 - 3598) * SEC);
}

/* Port 0x70 bit 7 masks NMI; reads of 0x70 return the last write. */
static void test_nmi_mask_and_ram(void **state)
{
	struct rtc r;
	u8 v = 0;

	(void)state;
	start(&r, 2024, 6, 1, 10, 0, 0, 7);
	assert_false(rtc_nmi_masked(&r));
	assert_int_equal(rtc_io_write(&r, RTC_PORT_INDEX, 0x8a, 0), 0);
	assert_true(rtc_nmi_masked(&r));
	assert_int_equal(rtc_io_read(&r, RTC_PORT_DATA, &v, 0), 0);
	assert_int_equal(v, 0x26); /* the index is bits 6:0 */
	assert_int_equal(rtc_io_read(&r, RTC_PORT_INDEX, &v, 0), 0);
	assert_int_equal(v, 0x8a);
	assert_int_equal(rtc_io_write(&r, RTC_PORT_INDEX, 0x0a, 0), 0);
	assert_false(rtc_nmi_masked(&r));
	/* RAM 14-127 holds what is written. */
	for (unsigned int i = 14; i < 128; i++)
		if (i != RTC_CENTURY)
			wr(&r, (u8)i, (u8)(i * 7), 0);
	for (unsigned int i = 14; i < 128; i++)
		if (i != RTC_CENTURY)
			assert_int_equal(rd(&r, (u8)i, 0), (u8)(i * 7));
	assert_int_equal(rtc_cmos_set(&r, 0x34, 0x12), 0);
	assert_int_equal(rd(&r, 0x34, 0), 0x12);
	assert_int_equal(rtc_cmos_set(&r, 0x0c, 0), -EINVAL);
	assert_int_equal(rtc_cmos_set(&r, RTC_CENTURY, 0), -EINVAL);
	/* The century byte is the clock's. */
	wr(&r, RTC_CENTURY, 0x21, 0);
	assert_int_equal(rd(&r, RTC_YEAR, 0), 0x24);
	assert_int_equal(rd(&r, RTC_CENTURY, 0), 0x21);
}

/* Divider 11x holds the chain in reset: no updates, no periodic flags;
 * back to 010, the first update comes half a second later.  This is the
 * sequence of Linux's mc146818_set_time(). */
static void test_divider_reset_and_linux_set_time(void **state)
{
	struct rtc r;
	const u64 w = 10 * SEC + 12345 * CLK;

	(void)state;
	start(&r, 2024, 6, 1, 10, 0, 0, 7);
	wr(&r, RTC_REG_B, RTC_B_SET | RTC_B_24H, w);
	wr(&r, RTC_REG_A, 0x70 | 6, w);
	(void)rd(&r, RTC_REG_C, w);
	wr(&r, RTC_SECONDS, 0x00, w);
	wr(&r, RTC_MINUTES, 0x30, w);
	wr(&r, RTC_HOURS, 0x12, w);
	wr(&r, RTC_REG_B, RTC_B_24H, w);
	assert_int_equal(rd(&r, RTC_SECONDS, w + 5 * SEC), 0x00);
	assert_int_equal(rd(&r, RTC_REG_C, w + 5 * SEC), 0);
	assert_int_equal(r.bad_divider, 0);
	wr(&r, RTC_REG_A, 0x26, w + 5 * SEC);
	assert_int_equal(rd(&r, RTC_SECONDS, w + 5 * SEC + SEC / 2 - 1), 0x00);
	assert_int_equal(rd(&r, RTC_SECONDS, w + 5 * SEC + SEC / 2), 0x01);
	assert_int_equal(rd(&r, RTC_SECONDS, w + 6 * SEC + SEC / 2), 0x02);
	assert_int_equal(rd(&r, RTC_MINUTES, w + 6 * SEC + SEC / 2), 0x30);
	/* Periodic events follow the restarted chain: 1024 Hz from it. */
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_PIE, w + 7 * SEC);
	(void)rd(&r, RTC_REG_C, w + 7 * SEC);
	assert_int_equal((rtc_next_deadline(&r, w + 7 * SEC) - (w + 5 * SEC)) %
				 (32 * CLK),
			 0);
	/* Another time base is counted and stops the clock too. */
	wr(&r, RTC_REG_A, 0x06, w + 8 * SEC);
	assert_int_equal(r.bad_divider, 1);
	assert_int_equal(rtc_next_deadline(&r, w + 8 * SEC), DEV_NO_DEADLINE);
	/* DSE is stored, not acted on, and counted. */
	wr(&r, RTC_REG_B, RTC_B_24H | RTC_B_DSE, w + 8 * SEC);
	assert_int_equal(rd(&r, RTC_REG_B, w + 8 * SEC), RTC_B_24H | RTC_B_DSE);
	assert_int_equal(r.dse_ignored, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on),
		cmocka_unit_test(test_carries),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_long_gaps),
		cmocka_unit_test(test_binary_mode),
		cmocka_unit_test(test_12_hour),
		cmocka_unit_test(test_set_bit),
		cmocka_unit_test(test_uip_window),
		cmocka_unit_test(test_periodic_rates),
		cmocka_unit_test(test_reg_c_clears),
		cmocka_unit_test(test_update_interrupt),
		cmocka_unit_test(test_alarm),
		cmocka_unit_test(test_nmi_mask_and_ram),
		cmocka_unit_test(test_divider_reset_and_linux_set_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
