// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI PM blocks against the ACPI spec's register layout written out
 * here as port numbers and bit positions (PM1_STS.TMR_STS bit 0, PM1_EN
 * TMR_EN bit 0, PM1_CNT SCI_EN bit 0, SLP_TYP bits 12:10, SLP_EN bit 13),
 * and the timer against its 3.579545 MHz rate computed in the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/dev/acpi_pm.h"
#include "hv/load/acpi.h"

#define TSC_HZ 2000000000ULL /* 2 GHz */

static u32 rd(struct acpi_pm *pm, u16 port, int size, u64 now)
{
	u32 v = 0;

	for (int i = 0; i < size; i++)
		v |= (u32)acpi_pm_read(pm, (u16)(port + i), now) << (8 * i);
	return v;
}

static void test_timer_rate(void **state)
{
	struct acpi_pm pm;

	(void)state;
	acpi_pm_init(&pm, TSC_HZ, 1000);
	assert_int_equal(rd(&pm, 0x608, 4, 1000), 0);
	/* One second of TSC: 3579545 ticks. */
	assert_int_equal(rd(&pm, 0x608, 4, 1000 + TSC_HZ), 3579545);
	/* 10 ms: 35795 (rounded down). */
	assert_int_equal(rd(&pm, 0x608, 4, 1000 + TSC_HZ / 100), 35795);
	/* Wraps at 32 bits: 2^32 ticks is 1199.86 s. */
	assert_int_equal(rd(&pm, 0x608, 4, 1000 + 1200 * TSC_HZ),
			 (u32)(1200ULL * 3579545));
	/* Byte reads compose the same value. */
	assert_int_equal(rd(&pm, 0x60a, 2, 1000 + TSC_HZ), 3579545 >> 16);
}

static void test_cnt_and_poweroff(void **state)
{
	struct acpi_pm pm;

	(void)state;
	acpi_pm_init(&pm, TSC_HZ, 0);
	assert_int_equal(rd(&pm, 0x604, 2, 0) & 1, 1); /* SCI_EN */
	/* SLP_TYP = 1 with SLP_EN: not offered, ignored. */
	assert_int_equal(acpi_pm_write(&pm, 0x604, 2, (1u << 10) | (1u << 13),
				       0),
			 ACPI_PM_IO_DONE);
	assert_int_equal(pm.other_sleeps, 1);
	/* SLP_TYP alone is stored, SLP_EN reads 0. */
	acpi_pm_write(&pm, 0x604, 2, 5u << 10, 0);
	assert_int_equal(rd(&pm, 0x604, 2, 0), (5u << 10) | 1);
	/* S5 (the DSDT's \_S5 value) with SLP_EN, as Linux writes it. */
	assert_int_equal(ACPI_S5_SLP_TYP, 5);
	assert_int_equal(acpi_pm_write(&pm, 0x604, 2, (5u << 10) | (1u << 13),
				       0),
			 ACPI_PM_IO_POWEROFF);
	/* The same as a byte write of the high byte. */
	acpi_pm_init(&pm, TSC_HZ, 0);
	assert_int_equal(acpi_pm_write(&pm, 0x605, 1, (5u << 2) | (1u << 5), 0),
			 ACPI_PM_IO_POWEROFF);
}

static void test_tmr_sts_and_sci(void **state)
{
	struct acpi_pm pm;
	u64 flip = (1ULL << 31) * TSC_HZ / 3579545; /* TSC of bit 31 set */
	u64 d;

	(void)state;
	acpi_pm_init(&pm, TSC_HZ, 0);
	assert_int_equal(acpi_pm_next_deadline(&pm, 0), ~0ULL); /* TMR_EN 0 */
	acpi_pm_write(&pm, 0x602, 2, 1, 0); /* TMR_EN */
	assert_int_equal(rd(&pm, 0x602, 2, 0), 1);
	d = acpi_pm_next_deadline(&pm, 0);
	assert_true(d >= flip && d <= flip + 2);
	assert_false(acpi_pm_sci(&pm, d - 2));
	assert_int_equal(rd(&pm, 0x600, 2, d - 2) & 1, 0);
	assert_true(acpi_pm_sci(&pm, d));
	assert_int_equal(rd(&pm, 0x600, 2, d) & 1, 1);
	/* Writing 0 to TMR_STS changes nothing; 1 clears it. */
	acpi_pm_write(&pm, 0x600, 2, 0, d);
	assert_true(acpi_pm_sci(&pm, d));
	acpi_pm_write(&pm, 0x600, 2, 1, d);
	assert_false(acpi_pm_sci(&pm, d));
	/* Next flip: bit 31 back to 0 at 2^32 ticks. */
	assert_true(acpi_pm_next_deadline(&pm, d) >= 2 * flip);
	/* TMR_EN clear: status still reads, no SCI. */
	acpi_pm_write(&pm, 0x602, 2, 0, d);
	assert_false(acpi_pm_sci(&pm, 3 * flip));
	assert_int_equal(rd(&pm, 0x600, 2, 3 * flip) & 1, 1);
}

static void test_ports(void **state)
{
	(void)state;
	assert_false(acpi_pm_port(0x5ff));
	assert_true(acpi_pm_port(0x600));
	assert_true(acpi_pm_port(0x60b));
	assert_false(acpi_pm_port(0x60c));
	assert_int_equal(ACPI_PM1A_EVT_PORT, 0x600);
	assert_int_equal(ACPI_PM1A_CNT_PORT, 0x604);
	assert_int_equal(ACPI_PM_TMR_PORT, 0x608);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_rate),
		cmocka_unit_test(test_cnt_and_poweroff),
		cmocka_unit_test(test_tmr_sts_and_sci),
		cmocka_unit_test(test_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
