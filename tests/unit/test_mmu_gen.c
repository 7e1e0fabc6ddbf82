// SPDX-License-Identifier: GPL-2.0
/*
 * tdp_memslots_set_generation(): the run-time "stuff the generation" knob
 * behind the set_mmio_gen hypercall.  A jump zaps every MMIO SPTE (an old
 * one could otherwise look current again), later faults install MMIO SPTEs
 * with the new generation, and memslot updates keep counting from it,
 * zapping again at the 19-bit wrap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "mmu_fake.h"

#define MMIO_GPA 0x80000000ULL

static int fault(struct tdp_mmu *mmu, struct tdp_mmu_page *root, gpa_t gpa,
		 struct tdp_fault *f)
{
	struct tdp_mmu_cache c;
	int r;

	tdp_mmu_cache_init(&c, 0);
	do {
		*f = (struct tdp_fault){ .gpa = gpa, .access = TDP_ACC_R };
		r = tdp_mmu_cache_topup(mmu, &c, TDP_MMU_CACHE_CAP);
		if (!r)
			r = tdp_mmu_page_fault(mmu, root, &c, f);
	} while (r == -EBUSY || r == -EAGAIN);
	tdp_mmu_cache_free(mmu, &c);
	return r;
}

static u64 leaf(struct tdp_mmu *mmu, struct tdp_mmu_page *root, gpa_t gpa)
{
	u64 sptes[TDP_ROOT_LEVEL + 1];

	return sptes[tdp_mmu_get_walk(mmu, root, gpa, sptes)];
}

static void test_set_generation(void **state)
{
	static struct mmu_fake f;
	static struct tdp_mmu mmu;
	struct tdp_mmu_config cfg;
	struct tdp_mmu_page *root;
	struct tdp_fault flt;
	u64 spte;

	(void)state;
	mmu_fake_init(&f);
	tdp_mmu_default_config(&cfg);
	assert_int_equal(mmu_fake_vm_create(&f, &mmu, &cfg, &root), 0);
	assert_int_equal(tdp_memslot_add(&mmu, 0, 0, 512, 0x1000, 0), 0);
	assert_int_equal(fault(&mmu, root, MMIO_GPA, &flt), 0);
	assert_int_equal(flt.result, TDP_FAULT_MMIO);
	spte = leaf(&mmu, root, MMIO_GPA);
	assert_true(is_mmio_spte(spte));
	assert_int_equal(get_mmio_spte_gen(spte), 1);

	assert_int_equal(tdp_memslots_set_generation(&mmu, 524286), 0);
	assert_int_equal(tdp_memslot_generation(&mmu), 524286);
	/* zapped: the old SPTE cannot come back to life later */
	assert_false(is_mmio_spte(leaf(&mmu, root, MMIO_GPA)));
	assert_int_equal(fault(&mmu, root, MMIO_GPA, &flt), 0);
	spte = leaf(&mmu, root, MMIO_GPA);
	assert_int_equal(get_mmio_spte_gen(spte), 524286);
	assert_true(tdp_mmu_mmio_spte_is_current(&mmu, spte));

	/* memslot updates count on from the stuffed value and wrap */
	assert_int_equal(tdp_memslot_add(&mmu, 1, 0x10000, 512, 0x2000, 0), 0);
	assert_int_equal(tdp_memslots_mmio_gen(tdp_memslot_generation(&mmu)),
			 524287);
	assert_true(is_mmio_spte(leaf(&mmu, root, MMIO_GPA)));
	assert_false(
		tdp_mmu_mmio_spte_is_current(&mmu, leaf(&mmu, root, MMIO_GPA)));
	assert_int_equal(tdp_memslot_delete(&mmu, 1), 0);
	assert_int_equal(tdp_memslots_mmio_gen(tdp_memslot_generation(&mmu)),
			 0);
	/* wrapped to 0: every MMIO SPTE zapped */
	assert_false(is_mmio_spte(leaf(&mmu, root, MMIO_GPA)));

	mmu_fake_vm_destroy(&f, &mmu, root);
	assert_int_equal(mmu_fake_destroy(&f), 0);
}

/* The run-time check refuses every encoding that could be confused. */
static void test_mmio_config_check(void **state)
{
	const u64 v = SPTE_MMIO_VALUE, m = SPTE_MMIO_MASK,
		  g = MMIO_SPTE_GEN_MASK;

	(void)state;
	assert_int_equal(tdp_mmio_config_check(v, m, g), 0);
	/* a generation bit on the present bit: MMIO SPTEs look present */
	assert_int_equal(tdp_mmio_config_check(v, m, g | SPTE_MMU_PRESENT_MASK),
			 -EINVAL);
	/* generation over the marker or the GPA */
	assert_int_equal(tdp_mmio_config_check(v, m, g | SPTE_EPT_WRITABLE),
			 -EINVAL);
	assert_int_equal(tdp_mmio_config_check(v, m, g | BIT_ULL(20)), -EINVAL);
	/* mask without the present bit: a present W+X leaf would match */
	assert_int_equal(tdp_mmio_config_check(v, m & ~SPTE_MMU_PRESENT_MASK,
					       g),
			 -EINVAL);
	/* marker with the present bit */
	assert_int_equal(tdp_mmio_config_check(v | SPTE_MMU_PRESENT_MASK, m, g),
			 -EINVAL);
	/* a marker FROZEN_SPTE or the non-present value would match */
	assert_int_equal(tdp_mmio_config_check(FROZEN_SPTE & m, m, g), -EINVAL);
	assert_int_equal(tdp_mmio_config_check(SHADOW_NONPRESENT_VALUE & m, m,
					       g),
			 -EINVAL);
	/* a readable marker is no misconfiguration */
	assert_int_equal(tdp_mmio_config_check(v | SPTE_EPT_READABLE, m, g),
			 -EINVAL);
	/* marker bits outside the mask */
	assert_int_equal(tdp_mmio_config_check(v | BIT_ULL(7), m, g), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_generation),
		cmocka_unit_test(test_mmio_config_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
