// SPDX-License-Identifier: GPL-2.0
/*
 * XCR0 validation and XSAVE sizes against facts written out here, not
 * derived from the code: the complete list of legal XCR0 values for a
 * given set of offered components (enumerated over all 256 values of the
 * low byte), and the sizes a Skylake-SP reports in CPUID leaf 0xd
 * (EBX = 2688 for XCR0 = 0xe7, 832 for 0x7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/emul/x86_xsave.h"

static bool in(u64 v, const u64 *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* With x87, SSE, AVX and AVX-512 offered, XSETBV accepts exactly these. */
static void test_legal_values_avx512(void **state)
{
	static const u64 legal[] = { 0x1, 0x3, 0x7, 0xe7 };

	(void)state;
	for (u64 v = 0; v < 256; v++)
		assert_int_equal(x86_xcr0_error(v, 0xe7) == NULL,
				 in(v, legal, 4));
}

/* With MPX offered too, the BNDREGS/BNDCSR pair may join any of them. */
static void test_legal_values_mpx(void **state)
{
	static const u64 legal[] = {
		0x1, 0x3, 0x7, 0xe7, 0x19, 0x1b, 0x1f, 0xff
	};

	(void)state;
	for (u64 v = 0; v < 256; v++)
		assert_int_equal(x86_xcr0_error(v, 0xff) == NULL,
				 in(v, legal, 8));
}

/* Only x87 and SSE offered (a CPU without AVX). */
static void test_legal_values_sse_only(void **state)
{
	static const u64 legal[] = { 0x1, 0x3 };

	(void)state;
	for (u64 v = 0; v < 256; v++)
		assert_int_equal(x86_xcr0_error(v, 0x3) == NULL,
				 in(v, legal, 2));
}

static void test_high_bits_refused(void **state)
{
	(void)state;
	assert_non_null(x86_xcr0_error(0x7 | BIT_ULL(63), 0xe7));
	assert_non_null(x86_xcr0_error(0x7 | BIT_ULL(9), 0xe7)); /* PKRU */
	assert_non_null(x86_xcr0_error(0x7 | BIT_ULL(17), 0xe7)); /* AMX */
	assert_string_equal(x86_xcr0_error(0x6, 0xe7), "bit 0 (x87) clear");
	assert_string_equal(x86_xcr0_error(0x5, 0xe7), "AVX without SSE");
}

/* CPUID.(0xd, i) of a Skylake-SP: {size, offset, align64}. */
static const struct xsave_component skx[XSAVE_NR_COMPONENTS] = {
	[2] = { 256, 576, false },  [3] = { 64, 960, false },
	[4] = { 64, 1024, false },  [5] = { 64, 1088, false },
	[6] = { 512, 1152, false }, [7] = { 1024, 1664, false },
	[9] = { 8, 2688, false },
};

static void test_standard_sizes(void **state)
{
	(void)state;
	assert_int_equal(x86_xsave_size(skx, 0x3, false), 576);
	assert_int_equal(x86_xsave_size(skx, 0x7, false), 832);
	assert_int_equal(x86_xsave_size(skx, 0xe7, false), 2688);
	assert_int_equal(x86_xsave_size(skx, 0x2ff, false), 2696);
}

static void test_compacted_sizes(void **state)
{
	struct xsave_component c[XSAVE_NR_COMPONENTS] = { 0 };

	(void)state;
	assert_int_equal(x86_xsave_size(skx, 0x7, true), 832);
	assert_int_equal(x86_xsave_size(skx, 0xe7, true),
			 576 + 256 + 64 + 512 + 1024);
	/* An aligned component starts on a 64-byte boundary. */
	c[2] = (struct xsave_component){ 8, 0, false };
	c[3] = (struct xsave_component){ 64, 0, true };
	assert_int_equal(x86_xsave_size(c, 0xd, true), 576 + 8 + 56 + 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legal_values_avx512),
		cmocka_unit_test(test_legal_values_mpx),
		cmocka_unit_test(test_legal_values_sse_only),
		cmocka_unit_test(test_high_bits_refused),
		cmocka_unit_test(test_standard_sizes),
		cmocka_unit_test(test_compacted_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
