// SPDX-License-Identifier: GPL-2.0
/*
 * Memslot updates that cannot complete, and arguments checked before
 * anything is taken.
 *
 * - Delete and move of a private slot whose S-EPT removal keeps failing:
 *   the update fails with the S-EPT's error and leaves the memslots as
 *   they were (the slot is still there, usable, not hidden); the mirror,
 *   the S-EPT and the invariant checker agree; once the S-EPT lets go,
 *   the same update succeeds.
 * - tdp_memslot_check_add() and tdp_memslot_add() refuse a bad or
 *   overlapping range with the argument's error even when no page can be
 *   allocated, and take no page to do so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "mmu_fake.h"
#include "mmu/memslot.h"

#define SLOT_PAGES 0x2000ULL
#define SLOT_PFN 0x100000ULL
#define PRIV_GFN 0x20ULL

struct px {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *direct, *mirror;
	struct tdp_mmu_cache cache;
};

static void px_init(struct px *x)
{
	struct tdp_mmu_config cfg;

	memset(x, 0, sizeof(*x));
	mmu_fake_init(&x->fake);
	tdp_mmu_default_config(&cfg);
	cfg.shared_bit = 39;
	assert_int_equal(mmu_fake_vm_create_private(&x->fake, &x->mmu, &cfg,
						    &x->direct, &x->mirror),
			 0);
	tdp_mmu_cache_init(&x->cache, 0);
	assert_int_equal(
		tdp_memslot_add(&x->mmu, 0, 0, SLOT_PAGES, SLOT_PFN, 0), 0);
}

static void px_fini(struct px *x)
{
	struct sept_stats st;

	assert_int_equal(tdp_mmu_check_mirror(&x->mmu), 0);
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, NULL), 0);
	tdp_mmu_get_sept_stats(&x->mmu, &st);
	assert_int_equal(st.violations, 0);
	tdp_mmu_cache_free(&x->mmu, &x->cache);
	tdp_mmu_put_root(&x->mmu, x->mirror);
	mmu_fake_vm_destroy(&x->fake, &x->mmu, x->direct);
	assert_int_equal(x->fake.double_frees, 0);
	assert_int_equal(mmu_fake_destroy(&x->fake), 0);
}

static int private_fault(struct px *x, gfn_t gfn)
{
	struct tdp_fault f = { .gpa = gfn << PAGE_SHIFT,
			       .access = TDP_ACC_R | TDP_ACC_W };
	int r;

	do
		r = tdp_mmu_page_fault(&x->mmu, x->mirror, &x->cache, &f);
	while (r == -EBUSY || r == -EAGAIN);
	return r;
}

/* The slot is in the current array as it was, and still maps. */
static void assert_slot_intact(struct px *x, gfn_t base)
{
	const struct tdp_memslot *s =
		tdp_memslot_find_id(tdp_memslots_current(&x->mmu), 0);

	assert_non_null(s);
	assert_int_equal(s->base_gfn, base);
	assert_int_equal(s->npages, SLOT_PAGES);
	assert_int_equal(s->flags, 0);
	assert_false(tdp_memslot_generation(&x->mmu) &
		     TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS);
	assert_int_equal(private_fault(x, base + PRIV_GFN), 0);
	assert_int_equal(private_fault(x, base + PRIV_GFN + 1), 0);
}

static void check_after_failure(struct px *x, int r, const char *what)
{
	struct tdp_mmu_check chk;
	int inv = tdp_mmu_check_invariants(&x->mmu, &chk);
	int mir = tdp_mmu_check_mirror(&x->mmu);

	if (!r)
		fail_msg(
			"%s returned 0 while the S-EPT refused the removal (invariants %d, mirror check %d)",
			what, inv, mir);
	assert_int_equal(r, -EBUSY);
	assert_int_equal(inv, 0);
	assert_int_equal(mir, 0);
}

static void remove_fails(enum sept_op op, bool move)
{
	const char *what = move ? "tdp_memslot_move" : "tdp_memslot_delete";
	static struct px x;
	int r;

	px_init(&x);
	assert_int_equal(private_fault(&x, PRIV_GFN), 0);
	sept_set_busy(x.mmu.sept, op, 1000000);
	r = move ? tdp_memslot_move(&x.mmu, 0, 0x10000)
		 : tdp_memslot_delete(&x.mmu, 0);
	sept_set_busy(x.mmu.sept, op, 0);
	check_after_failure(&x, r, what);
	assert_slot_intact(&x, 0);
	/* The S-EPT lets go: the same update now commits. */
	if (move) {
		assert_int_equal(tdp_memslot_move(&x.mmu, 0, 0x10000), 0);
		assert_slot_intact(&x, 0x10000);
	} else {
		assert_int_equal(tdp_memslot_delete(&x.mmu, 0), 0);
		assert_null(
			tdp_memslot_find_id(tdp_memslots_current(&x.mmu), 0));
		/* Its frames are free for a new slot. */
		assert_int_equal(tdp_memslot_add(&x.mmu, 0, 0, SLOT_PAGES,
						 SLOT_PFN, 0),
				 0);
	}
	px_fini(&x);
}

static void test_delete_remove_busy(void **state)
{
	(void)state;
	remove_fails(SEPT_OP_REMOVE, false);
	remove_fails(SEPT_OP_BLOCK, false);
	remove_fails(SEPT_OP_TRACK, false);
}

static void test_move_remove_busy(void **state)
{
	(void)state;
	remove_fails(SEPT_OP_REMOVE, true);
	remove_fails(SEPT_OP_BLOCK, true);
}

/* A table the S-EPT will not free: the leaves go, the table stays. */
static void test_delete_free_table_busy(void **state)
{
	static struct px x;
	int r;

	(void)state;
	px_init(&x);
	assert_int_equal(private_fault(&x, PRIV_GFN), 0);
	sept_set_busy(x.mmu.sept, SEPT_OP_FREE_TABLE, 1000000);
	r = tdp_memslot_delete(&x.mmu, 0);
	sept_set_busy(x.mmu.sept, SEPT_OP_FREE_TABLE, 0);
	check_after_failure(&x, r, "tdp_memslot_delete");
	assert_slot_intact(&x, 0);
	assert_int_equal(tdp_memslot_delete(&x.mmu, 0), 0);
	px_fini(&x);
}

/*
 * The pool is empty: a refused add must still say why (overlap, id,
 * range), not -ENOMEM, and take nothing.
 */
static void test_add_checks_before_taking(void **state)
{
	static struct mmu_fake f;
	static struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	u64 allocs;

	(void)state;
	mmu_fake_init(&f);
	assert_int_equal(mmu_fake_vm_create(&f, &mmu, NULL, &root), 0);
	assert_int_equal(tdp_memslot_add(&mmu, 1, 0x1000, 0x200, 0x1000, 0), 0);
	mmu_fake_fail_after(&f, 0, true);
	allocs = f.allocs;
	/* The check a caller runs before it allocates the guest's RAM. */
	assert_int_equal(tdp_memslot_check_add(&mmu, 2, 0x1100, 0x200, 0),
			 -EEXIST);
	assert_int_equal(tdp_memslot_check_add(&mmu, 1, 0x8000, 0x200, 0),
			 -EEXIST);
	assert_int_equal(tdp_memslot_check_add(&mmu, TDP_MAX_MEMSLOTS, 0x8000,
					       0x200, 0),
			 -EINVAL);
	assert_int_equal(tdp_memslot_check_add(&mmu, 2, 0x8000, 0, 0), -EINVAL);
	assert_int_equal(tdp_memslot_check_add(&mmu, 2, TDP_MAX_GFN - 1, 2, 0),
			 -EINVAL);
	assert_int_equal(tdp_memslot_check_add(&mmu, 2, 0x8000, 0x200, BIT(7)),
			 -EINVAL);
	assert_int_equal(tdp_memslot_check_add(&mmu, 2, 0x8000, 0x200, 0), 0);
	/* The add itself: the argument's error first, -ENOMEM only after. */
	assert_int_equal(tdp_memslot_add(&mmu, 2, 0xfff, 2, 0x9000,
					 TDP_MEMSLOT_LOG_DIRTY),
			 -EEXIST);
	assert_int_equal(tdp_memslot_add(&mmu, 2, 0x8000, 0x200, 0x9000,
					 TDP_MEMSLOT_LOG_DIRTY),
			 -ENOMEM);
	assert_int_equal(f.allocs, allocs);
	mmu_fake_fail_after(&f, -1, false);
	mmu_fake_vm_destroy(&f, &mmu, root);
	assert_int_equal(mmu_fake_destroy(&f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delete_remove_busy),
		cmocka_unit_test(test_move_remove_busy),
		cmocka_unit_test(test_delete_free_table_busy),
		cmocka_unit_test(test_add_checks_before_taking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
