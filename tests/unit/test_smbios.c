// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/smbios.c against structures laid out by hand from the SMBIOS
 * specification (DSP0134): entry points of both generations, string
 * indexes, missing strings, and truncated or malformed tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "errno_codes.h"
#include "smbios.h"

static void checksum(uint8_t *p, size_t n, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	p[at] = (uint8_t)-s;
}

static void test_entry_points(void **state)
{
	uint8_t ep3[0x18] = "_SM3_", ep2[0x1f] = "_SM_";
	u64 addr;
	u32 size;

	(void)state;
	ep3[6] = 0x18;
	ep3[0x0c] = 0x34;
	ep3[0x0d] = 0x12;
	ep3[0x10] = 0x00;
	ep3[0x11] = 0x10;
	ep3[0x14] = 0x01; /* 0x0000000100001000 */
	checksum(ep3, sizeof(ep3), 5);
	assert_int_equal(smbios_entry_table(ep3, sizeof(ep3), &addr, &size), 0);
	assert_int_equal(addr, 0x100001000ULL);
	assert_int_equal(size, 0x1234);
	ep3[0x11] ^= 1;
	assert_int_equal(smbios_entry_table(ep3, sizeof(ep3), &addr, &size),
			 -EINVAL);

	ep2[5] = 0x1f;
	memcpy(ep2 + 0x10, "_DMI_", 5);
	ep2[0x16] = 0x80;
	ep2[0x18] = 0x00;
	ep2[0x19] = 0xf0;
	ep2[0x1a] = 0x0e;
	checksum(ep2, sizeof(ep2), 4);
	assert_int_equal(smbios_entry_table(ep2, sizeof(ep2), &addr, &size), 0);
	assert_int_equal(addr, 0xef000);
	assert_int_equal(size, 0x80);
	assert_int_equal(smbios_entry_table(ep2, 0x10, &addr, &size), -EINVAL);
	assert_int_equal(
		smbios_entry_table(
			(const uint8_t *)"_XX____________________________",
			0x1f, &addr, &size),
		-EINVAL);
}

/* Type 0 (vendor = string 2), type 1 (manufacturer 1, product 2), end. */
static const uint8_t table[] = {
	0,
	0x18,
	0x00,
	0x00,
	2,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	'x',
	0,
	'E',
	'D',
	'K',
	' ',
	'I',
	'I',
	0,
	0,
	/* type 1 */
	1,
	0x08,
	0x01,
	0x00,
	1,
	2,
	0,
	0,
	'Q',
	'E',
	'M',
	'U',
	0,
	'S',
	't',
	'd',
	0x07,
	0,
	0,
	/* type 2 with no strings */
	2,
	0x04,
	0x02,
	0x00,
	0,
	0,
	127,
	0x04,
	0xff,
	0xff,
	0,
	0,
	/* after the end: never read */
	1,
	0x08,
	0x03,
	0x00,
	1,
	1,
	0,
	0,
	'B',
	'A',
	'D',
	0,
	0,
};

static void test_strings(void **state)
{
	struct smbios_ids ids;

	(void)state;
	smbios_parse_table(table, sizeof(table), &ids);
	assert_string_equal(ids.bios_vendor, "EDK II");
	assert_string_equal(ids.sys_vendor, "QEMU");
	assert_string_equal(ids.product, "Std?"); /* BEL is not printable */
}

static void test_truncated(void **state)
{
	struct smbios_ids ids;

	(void)state;
	/* Every prefix parses without reading past it. */
	for (size_t n = 0; n <= sizeof(table); n++) {
		uint8_t copy[sizeof(table)];

		memcpy(copy, table, n);
		smbios_parse_table(copy, n, &ids);
		if (n < 34)
			assert_string_equal(ids.bios_vendor, "");
	}
	/* A formatted length below the header size stops the parse. */
	uint8_t bad[] = { 0, 2, 0, 0, 1, 'A', 0, 0 };

	smbios_parse_table(bad, sizeof(bad), &ids);
	assert_string_equal(ids.bios_vendor, "");
	/* A string index past the set gives an empty string. */
	uint8_t far[] = { 1, 6, 0, 0, 3, 1, 'A', 0, 0 };

	smbios_parse_table(far, sizeof(far), &ids);
	assert_string_equal(ids.sys_vendor, "");
	assert_string_equal(ids.product, "A");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_points),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
