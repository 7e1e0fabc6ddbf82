// SPDX-License-Identifier: GPL-2.0
/*
 * SPTE layout tests, including the MMIO property test: for every one of
 * the 2^19 generations and a sweep of GPAs (every single GPA bit 12..51,
 * all bits, and pseudo-random GPAs), an MMIO SPTE is never shadow-present,
 * never frozen, is recognised as MMIO, and decodes back to its generation
 * and GPA (a generation bit on the present bit would make a stale MMIO
 * SPTE look present).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "mmu/spte.h"

static void test_leaf_encoding(void **state)
{
	u64 s4k = make_spte(0x12345, TDP_LEVEL_4K, TDP_ACC_ALL, true, true,
			    false);
	u64 s2m = make_spte(0x200, TDP_LEVEL_2M, TDP_ACC_R | TDP_ACC_X, false,
			    false, false);
	u64 nl = make_nonleaf_spte(0xabcd000);

	(void)state;
	/* What the CPU's EPT walker needs of a 4K leaf. */
	assert_int_equal(s4k & SPTE_EPT_RWX_MASK, 7);
	assert_int_equal((s4k >> 3) & 7, 6); /* WB */
	assert_int_equal(s4k & SPTE_LARGE_MASK, 0);
	assert_int_equal(spte_to_pfn(s4k), 0x12345);
	assert_true(is_shadow_present_pte(s4k));
	assert_true(is_last_spte(s4k, TDP_LEVEL_4K));
	assert_true(is_mmu_writable_spte(s4k));
	assert_false(is_mmio_spte(s4k));
	assert_int_equal(s4k >> 63, 0);
	/* 2M leaf: bit 7, no W, no software writable bits. */
	assert_int_equal(s2m & SPTE_LARGE_MASK, SPTE_LARGE_MASK);
	assert_true(is_last_spte(s2m, TDP_LEVEL_2M));
	assert_false(is_writable_pte(s2m));
	assert_int_equal(s2m & (SPTE_HOST_WRITABLE | SPTE_MMU_WRITABLE), 0);
	/* Non-leaf: RWX=7, child address, not last above 4K. */
	assert_int_equal(nl & SPTE_EPT_RWX_MASK, 7);
	assert_int_equal(spte_to_child_pa(nl), 0xabcd000);
	assert_false(is_last_spte(nl, TDP_LEVEL_2M));
	assert_int_equal(nl & SPTE_LARGE_MASK, 0);
	/* Split and re-assembly. */
	assert_int_equal(spte_to_pfn(make_small_spte(s2m, 2, 5)), 0x205);
	assert_false(is_large_pte(make_small_spte(s2m, 2, 5)));
	assert_int_equal(make_huge_spte(make_small_spte(s2m, 2, 7), 2), s2m);
	assert_int_equal(make_eptp(0x5000, 4),
			 0x5000 | 6 | (3 << 3) | (1 << 6));
}

static void test_nonpresent_and_frozen(void **state)
{
	(void)state;
	assert_false(is_shadow_present_pte(SHADOW_NONPRESENT_VALUE));
	assert_false(is_mmio_spte(SHADOW_NONPRESENT_VALUE));
	assert_false(is_shadow_present_pte(FROZEN_SPTE));
	assert_false(is_mmio_spte(FROZEN_SPTE));
	assert_true(is_frozen_spte(FROZEN_SPTE));
	assert_int_equal(FROZEN_SPTE & (SPTE_EPT_RWX_MASK | SPTE_PFN_MASK |
					SPTE_MMU_PRESENT_MASK),
			 0);
	assert_false(is_frozen_spte(SHADOW_NONPRESENT_VALUE));
}

static u64 xorshift(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_mmio_property(void **state)
{
	gpa_t gpas[64];
	u64 gen, seed = 0x9e3779b97f4a7c15ULL, n = 0;
	int i, nr = 0;

	(void)state;
	for (i = PAGE_SHIFT; i <= 51; i++)
		gpas[nr++] = 1ULL << i;
	gpas[nr++] = GENMASK_ULL(51, 12);
	gpas[nr++] = 0;
	gpas[nr++] = 0xfee00000;
	while (nr < 64)
		gpas[nr++] = xorshift(&seed) & GENMASK_ULL(51, 12);
	for (gen = 0; gen < (1ULL << MMIO_SPTE_GEN_BITS); gen++) {
		for (i = 0; i < nr; i++) {
			u64 spte = make_mmio_spte(gpas[i], gen);

			if (is_shadow_present_pte(spte) ||
			    is_frozen_spte(spte) || !is_mmio_spte(spte) ||
			    get_mmio_spte_gen(spte) != gen ||
			    get_mmio_spte_gpa(spte) != gpas[i] ||
			    (spte & SPTE_EPT_RWX_MASK) != SPTE_MMIO_VALUE ||
			    (spte >> 63))
				fail_msg(
					"gen 0x%llx gpa 0x%llx: spte 0x%llx decodes to gen 0x%llx gpa 0x%llx present %d",
					gen, gpas[i], spte,
					get_mmio_spte_gen(spte),
					get_mmio_spte_gpa(spte),
					is_shadow_present_pte(spte));
			n++;
		}
	}
	assert_int_equal(n, (1ULL << 19) * 64);
	/* Generation bits beyond 19 are dropped, never leak into bit 11. */
	assert_false(is_shadow_present_pte(
		make_mmio_spte(GENMASK_ULL(51, 12), ~0ULL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_encoding),
		cmocka_unit_test(test_nonpresent_and_frozen),
		cmocka_unit_test(test_mmio_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
