// SPDX-License-Identifier: GPL-2.0
/*
 * Memslot unit tests: argument checking and every error code, lookup,
 * generation bumps and stuffing, -ENOMEM with nothing changed, and that
 * delete/move zap the old range.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "errno_codes.h"
#include "mmu_fake.h"

struct fx {
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	struct tdp_mmu_cache c;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	mmu_fake_init(&x->f);
	if (mmu_fake_vm_create(&x->f, &x->mmu, NULL, &x->root))
		return -1;
	tdp_mmu_cache_init(&x->c, 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	tdp_mmu_cache_free(&x->mmu, &x->c);
	mmu_fake_vm_destroy(&x->f, &x->mmu, x->root);
	assert_int_equal(x->f.double_frees, 0);
	assert_int_equal(mmu_fake_destroy(&x->f), 0);
	free(x);
	return 0;
}

static void test_add_errors(void **state)
{
	struct fx *x = *state;
	struct tdp_mmu *m = &x->mmu;
	u64 gen = tdp_memslot_generation(m);

	assert_int_equal(tdp_memslot_add(m, TDP_MAX_MEMSLOTS, 0, 1, 0, 0),
			 -EINVAL);
	assert_int_equal(tdp_memslot_add(m, 0, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(tdp_memslot_add(m, 0, TDP_MAX_GFN - 1, 2, 0, 0),
			 -EINVAL);
	assert_int_equal(tdp_memslot_add(m, 0, 0, 1, 0, BIT(5)), -EINVAL);
	assert_int_equal(tdp_memslot_add(m, 0, 0, 16, (1ULL << 40) - 8, 0),
			 -EINVAL);
	assert_int_equal(tdp_memslot_generation(m), gen);
	assert_int_equal(tdp_memslot_add(m, 0, 0x100, 0x100, 0x1000, 0), 0);
	assert_int_equal(tdp_memslot_generation(m), gen + 1);
	assert_int_equal(tdp_memslot_add(m, 0, 0x1000, 1, 0, 0), -EEXIST);
	assert_int_equal(tdp_memslot_add(m, 1, 0x1ff, 1, 0, 0), -EEXIST);
	assert_int_equal(tdp_memslot_add(m, 1, 0x80, 0x81, 0, 0), -EEXIST);
	assert_int_equal(tdp_memslot_add(m, 1, 0x200, 1, 0, 0), 0);
	/* -ENOMEM: nothing changed, generation included. */
	gen = tdp_memslot_generation(m);
	mmu_fake_fail_after(&x->f, 0, false);
	assert_int_equal(tdp_memslot_add(m, 2, 0x300, 1, 0, 0), -ENOMEM);
	mmu_fake_fail_after(&x->f, 1, false); /* bitmap dir ok, array fails */
	assert_int_equal(tdp_memslot_add(m, 2, 0x300, 1, 0,
					 TDP_MEMSLOT_LOG_DIRTY),
			 -ENOMEM);
	assert_int_equal(tdp_memslot_generation(m), gen);
	assert_null(tdp_memslot_find_id(tdp_memslots_current(m), 2));
}

static void test_lookup(void **state)
{
	struct fx *x = *state;
	const struct tdp_memslots *s;
	int i;

	for (i = 0; i < 10; i++)
		assert_int_equal(tdp_memslot_add(&x->mmu, (u16)(9 - i),
						 (u64)i * 0x1000, 0x800,
						 0x10000 + (u64)i * 0x1000, 0),
				 0);
	s = tdp_memslots_current(&x->mmu);
	assert_int_equal(s->nr, 10);
	for (i = 0; i < 10; i++) {
		assert_int_equal(tdp_memslot_lookup(s, (u64)i * 0x1000 + 5)->id,
				 9 - i);
		assert_null(tdp_memslot_lookup(s, (u64)i * 0x1000 + 0x800));
	}
	assert_null(tdp_memslot_lookup(s, 0x100000));
}

static void test_delete_move_flags(void **state)
{
	struct fx *x = *state;
	struct tdp_mmu *m = &x->mmu;
	struct tdp_fault f = { .gpa = 0x1000ULL << 12, .access = TDP_ACC_R };
	u64 sp[TDP_ROOT_LEVEL + 1], gen;
	int l;

	assert_int_equal(tdp_memslot_delete(m, 3), -ENOENT);
	assert_int_equal(tdp_memslot_move(m, 3, 0), -ENOENT);
	assert_int_equal(tdp_memslot_set_flags(m, 3, 0), -ENOENT);
	assert_int_equal(tdp_memslot_add(m, 3, 0x1000, 0x200, 0x5000, 0), 0);
	assert_int_equal(tdp_memslot_add(m, 4, 0x4000, 0x200, 0x9000, 0), 0);
	assert_int_equal(tdp_memslot_set_flags(m, 3, BIT(9)), -EINVAL);
	assert_int_equal(tdp_memslot_move(m, 3, 0x3f00), -EEXIST);
	assert_int_equal(tdp_memslot_move(m, 3, TDP_MAX_GFN - 0x100), -EINVAL);
	gen = tdp_memslot_generation(m);
	assert_int_equal(tdp_memslot_move(m, 3, 0x1000), 0); /* no-op */
	assert_int_equal(tdp_memslot_set_flags(m, 3, 0), 0); /* no-op */
	assert_int_equal(tdp_memslot_generation(m), gen);
	assert_int_equal(tdp_mmu_page_fault(m, x->root, &x->c, &f), 0);
	assert_int_equal(f.level, TDP_LEVEL_2M);
	assert_int_equal(tdp_memslot_move(m, 3, 0x2000), 0);
	assert_int_equal(tdp_memslot_generation(m), gen + 1);
	l = tdp_mmu_get_walk(m, x->root, 0x1000ULL << 12, sp);
	assert_false(is_shadow_present_pte(sp[l]));
	f.gpa = 0x2000ULL << 12;
	assert_int_equal(tdp_mmu_page_fault(m, x->root, &x->c, &f), 0);
	assert_int_equal(f.pfn, 0x5000);
	assert_int_equal(tdp_memslot_delete(m, 3), 0);
	l = tdp_mmu_get_walk(m, x->root, 0x2000ULL << 12, sp);
	assert_false(is_shadow_present_pte(sp[l]));
	assert_int_equal(tdp_memslot_generation(m), gen + 2);
	/* -ENOMEM on delete: nothing changed. */
	mmu_fake_fail_after(&x->f, 1, false);
	assert_int_equal(tdp_memslot_delete(m, 4), -ENOMEM);
	assert_non_null(tdp_memslot_find_id(tdp_memslots_current(m), 4));
	assert_int_equal(tdp_mmu_check_invariants(m, NULL), 0);
}

static void test_generation_stuffing(void **state)
{
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	struct tdp_mmu_config cfg;

	(void)state;
	mmu_fake_init(&f);
	tdp_mmu_default_config(&cfg);
	cfg.initial_generation = TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS | 0x7fffe;
	assert_int_equal(mmu_fake_vm_create(&f, &mmu, &cfg, &root), 0);
	/* The in-progress bit is not stuffed; the low 19 bits are. */
	assert_int_equal(tdp_memslot_generation(&mmu), 0x7fffe);
	assert_int_equal(tdp_memslot_add(&mmu, 0, 0, 1, 0, 0), 0);
	assert_int_equal(tdp_memslot_generation(&mmu), 0x7ffff);
	assert_int_equal(tdp_memslot_add(&mmu, 1, 1, 1, 1, 0), 0);
	assert_int_equal(tdp_memslots_mmio_gen(tdp_memslot_generation(&mmu)),
			 0);
	mmu_fake_vm_destroy(&f, &mmu, root);
	assert_int_equal(mmu_fake_destroy(&f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_move_flags, setup,
						teardown),
		cmocka_unit_test(test_generation_stuffing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
