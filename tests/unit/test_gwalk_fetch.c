// SPDX-License-Identifier: GPL-2.0
/*
 * hv/emul/gwalk.c's instruction fetch, against page tables written here by
 * hand from the SDM's 4-level layout: code that crosses into a page mapped
 * at an unrelated GPA is read from both pages, a non-present next page or
 * a table outside guest RAM ends the fetch at the last good byte, and
 * paging off reads guest-physical memory directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/emul/emul.h"

#define RAM_PAGES 32
static u8 ram[RAM_PAGES << 12];
static unsigned int map_calls;

/* Guest RAM is [0, RAM_PAGES pages); anything else is not RAM. */
static void *map(void *ctx, gpa_t gpa, u64 len)
{
	(void)ctx;
	map_calls++;
	if (gpa >= sizeof(ram) || len > sizeof(ram) - gpa)
		return NULL;
	return ram + gpa;
}

static void put64(gpa_t gpa, u64 v)
{
	memcpy(ram + gpa, &v, 8);
}

/*
 * 4-level tables at 0x1000 (PML4), 0x2000 (PDPT), 0x3000 (PD), 0x4000
 * (PT): linear 0x5000 -> GPA 0x9000 and linear 0x6000 -> GPA 0x7000, so
 * the two linear pages are backwards and apart in guest-physical memory.
 */
static struct gwalk_regs four_level(void)
{
	struct gwalk_regs r = { .cr0 = 0x80000011,
				.cr3 = 0x1000,
				.cr4 = 0x20 /* PAE */,
				.lma = true };

	memset(ram, 0, sizeof(ram));
	put64(0x1000, 0x2000 | 3);
	put64(0x2000, 0x3000 | 3);
	put64(0x3000, 0x4000 | 3);
	put64(0x4000 + 5 * 8, 0x9000 | 3);
	put64(0x4000 + 6 * 8, 0x7000 | 3);
	return r;
}

static void test_fetch_crosses_to_another_gpa(void **state)
{
	struct gwalk_regs r = four_level();
	u8 buf[15];

	(void)state;
	for (int i = 0; i < 4; i++)
		ram[0x9ffc + i] = (u8)(0xa0 + i);
	for (int i = 0; i < 11; i++)
		ram[0x7000 + i] = (u8)(0xb0 + i);
	ram[0xa000] = 0xee; /* the GPA after 0x9fff: must not be read */
	assert_int_equal(gwalk_fetch(&r, 0x5ffc, map, NULL, buf, 15), 15);
	for (int i = 0; i < 4; i++)
		assert_int_equal(buf[i], 0xa0 + i);
	for (int i = 0; i < 11; i++)
		assert_int_equal(buf[4 + i], 0xb0 + i);
}

static void test_fetch_stops_at_non_present_page(void **state)
{
	struct gwalk_regs r = four_level();
	u8 buf[15];

	(void)state;
	put64(0x4000 + 6 * 8, 0); /* linear 0x6000 not present */
	memset(ram + 0x9ff9, 0x90, 7);
	assert_int_equal(gwalk_fetch(&r, 0x5ff9, map, NULL, buf, 15), 7);
	assert_int_equal(buf[6], 0x90);
	/* Starting on the non-present page: nothing. */
	assert_int_equal(gwalk_fetch(&r, 0x6000, map, NULL, buf, 15), 0);
}

static void test_fetch_table_outside_ram(void **state)
{
	struct gwalk_regs r = four_level();
	u8 buf[8];

	(void)state;
	put64(0x3000, (u64)(RAM_PAGES + 4) << 12 | 3); /* PT beyond RAM */
	assert_int_equal(gwalk_fetch(&r, 0x5000, map, NULL, buf, 8), 0);
}

static void test_fetch_short_max_and_paging_off(void **state)
{
	struct gwalk_regs r = { .cr0 = 0x11 }; /* PE, ET: no paging */
	u8 buf[15] = { 0 };

	(void)state;
	memset(ram, 0, sizeof(ram));
	ram[0x8fff] = 0x0f;
	ram[0x9000] = 0x0b;
	ram[0x9001] = 0xcc;
	assert_int_equal(gwalk_fetch(&r, 0x8fff, map, NULL, buf, 2), 2);
	assert_int_equal(buf[0], 0x0f);
	assert_int_equal(buf[1], 0x0b);
	assert_int_equal(buf[2], 0);
	/* Without long mode the linear address wraps at 4 GiB. */
	ram[0x10] = 0x5a;
	assert_int_equal(gwalk_fetch(&r, 0x100000010ULL, map, NULL, buf, 1), 1);
	assert_int_equal(buf[0], 0x5a);
	/* The last bytes of RAM: the fetch stops where RAM ends. */
	map_calls = 0;
	assert_int_equal(gwalk_fetch(&r, sizeof(ram) - 3, map, NULL, buf, 15),
			 3);
	assert_true(map_calls >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fetch_crosses_to_another_gpa),
		cmocka_unit_test(test_fetch_stops_at_non_present_page),
		cmocka_unit_test(test_fetch_table_outside_ram),
		cmocka_unit_test(test_fetch_short_max_and_paging_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
