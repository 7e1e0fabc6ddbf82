// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated S-EPT backend, called directly: every rule broken on
 * purpose fails with its own enum sept_error and bumps its own counter;
 * a failed operation changes nothing; removal zeroes the frames; seeded
 * -EBUSY injection hits at the configured rate and only the chosen op.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "errno_codes.h"
#include "mmu_fake.h"

#define OWN_PFN 0x100000ULL
#define OWN_PAGES 0x1000ULL

struct sx {
	struct mmu_fake fake;
	struct sept *s;
	struct sept_stats before;
};

static int sx_setup(void **state)
{
	struct sx *x = calloc(1, sizeof(*x));
	struct sept_config cfg;

	mmu_fake_init(&x->fake);
	sept_default_config(&cfg);
	cfg.strict = false; /* violations are the point here */
	cfg.clear_guest_page = mmu_fake_clear_guest_page;
	x->s = sept_create(&mmu_fake_ops, &x->fake, &cfg);
	assert_non_null(x->s);
	assert_int_equal(sept_add_range(x->s, OWN_PFN, OWN_PAGES), SEPT_OK);
	*state = x;
	return 0;
}

static int sx_teardown(void **state)
{
	struct sx *x = *state;

	sept_destroy(x->s);
	assert_int_equal(x->fake.double_frees, 0);
	assert_int_equal(mmu_fake_destroy(&x->fake), 0);
	free(x);
	return 0;
}

/* @call must fail with @err, bump errors[@err] by one, change nothing. */
#define EXPECT_ERR(x, call, err)                                              \
	do {                                                                  \
		struct sept_stats __a, __b;                                   \
		enum sept_error __r;                                          \
		u64 __root[SPTE_ENT_PER_PAGE];                                \
		sept_get_stats((x)->s, &__b);                                 \
		memcpy(__root, (x)->s->root, PAGE_SIZE);                      \
		__r = (call);                                                 \
		if (__r != (err))                                             \
			fail_msg("%s: got %s, want %s", #call,                \
				 sept_error_name(__r), sept_error_name(err)); \
		sept_get_stats((x)->s, &__a);                                 \
		assert_int_equal(__a.errors[err], __b.errors[err] + 1);       \
		assert_int_equal(__a.mapped_pages, __b.mapped_pages);         \
		assert_int_equal(__a.table_pages, __b.table_pages);           \
		assert_memory_equal(__root, (x)->s->root, PAGE_SIZE);         \
	} while (0)

#define EXPECT_OK(call) assert_int_equal((call), SEPT_OK)

/* Tables for GFN 0 down to level 1. */
static void link_path(struct sx *x, gfn_t gfn)
{
	EXPECT_OK(sept_link_table(x->s, gfn & ~0x7ffffffULL, 4));
	EXPECT_OK(sept_link_table(x->s, gfn & ~0x3ffffULL, 3));
	EXPECT_OK(sept_link_table(x->s, gfn & ~0x1ffULL, 2));
}

static void test_link_rules(void **state)
{
	struct sx *x = *state;

	EXPECT_ERR(x, sept_link_table(x->s, 0, 1), SEPT_ERR_BAD_LEVEL);
	EXPECT_ERR(x, sept_link_table(x->s, 0, 5), SEPT_ERR_BAD_LEVEL);
	EXPECT_ERR(x, sept_link_table(x->s, 0x200, 3), SEPT_ERR_MISALIGNED);
	EXPECT_ERR(x, sept_link_table(x->s, TDP_MAX_GFN, 4), SEPT_ERR_BAD_GFN);
	/* Level-2 entry without a level-3 table above it. */
	EXPECT_ERR(x, sept_link_table(x->s, 0, 2), SEPT_ERR_PARENT_NOT_LINKED);
	EXPECT_OK(sept_link_table(x->s, 0, 4));
	EXPECT_ERR(x, sept_link_table(x->s, 0, 4), SEPT_ERR_SLOT_BUSY);
	EXPECT_OK(sept_link_table(x->s, 0, 3));
	EXPECT_OK(sept_link_table(x->s, 0, 2));
}

static void test_leaf_rules(void **state)
{
	struct sx *x = *state;
	struct sept_stats st;

	EXPECT_ERR(x, sept_set_leaf(x->s, 0, 1, OWN_PFN, TDP_ACC_ALL),
		   SEPT_ERR_PARENT_NOT_LINKED);
	link_path(x, 0);
	EXPECT_ERR(x, sept_set_leaf(x->s, 0, 3, OWN_PFN, TDP_ACC_ALL),
		   SEPT_ERR_BAD_LEVEL);
	EXPECT_ERR(x, sept_set_leaf(x->s, 0, 2, OWN_PFN + 1, TDP_ACC_ALL),
		   SEPT_ERR_MISALIGNED);
	EXPECT_ERR(x, sept_set_leaf(x->s, 0, 1, OWN_PFN, TDP_ACC_W),
		   SEPT_ERR_BAD_PERMS);
	EXPECT_ERR(x, sept_set_leaf(x->s, 0, 1, 0x5000, TDP_ACC_ALL),
		   SEPT_ERR_PAGE_NOT_OWNED);
	/* A 2M leaf reaching past the owned range. */
	EXPECT_ERR(x,
		   sept_set_leaf(x->s, 0x200, 2,
				 OWN_PFN + OWN_PAGES - 0x200 + 0x200,
				 TDP_ACC_ALL),
		   SEPT_ERR_PAGE_NOT_OWNED);
	EXPECT_OK(sept_set_leaf(x->s, 0, 1, OWN_PFN, TDP_ACC_ALL));
	EXPECT_ERR(x, sept_set_leaf(x->s, 0, 1, OWN_PFN + 1, TDP_ACC_ALL),
		   SEPT_ERR_SLOT_BUSY);
	/* The same frame at another GFN. */
	EXPECT_ERR(x, sept_set_leaf(x->s, 1, 1, OWN_PFN, TDP_ACC_ALL),
		   SEPT_ERR_PAGE_ALREADY_MAPPED);
	/* A 2M leaf whose frames include a mapped one. */
	EXPECT_OK(sept_link_table(x->s, 0x200, 2));
	EXPECT_ERR(x, sept_free_table(x->s, 0, 2), SEPT_ERR_TABLE_NOT_EMPTY);
	EXPECT_ERR(x, sept_set_leaf(x->s, 0x400, 2, OWN_PFN, TDP_ACC_ALL),
		   SEPT_ERR_PAGE_ALREADY_MAPPED);
	EXPECT_OK(sept_set_leaf(x->s, 0x400, 2, OWN_PFN + 0x200, TDP_ACC_R));
	sept_get_stats(x->s, &st);
	assert_int_equal(st.mapped_pages, 513);
	/* Linking under a 2M leaf, or a 4K leaf below it. */
	EXPECT_ERR(x, sept_link_table(x->s, 0x400, 2), SEPT_ERR_SLOT_BUSY);
	EXPECT_ERR(x,
		   sept_set_leaf(x->s, 0x401, 1, OWN_PFN + 0x900, TDP_ACC_ALL),
		   SEPT_ERR_PARENT_NOT_LINKED);
	assert_true(sept_frame_mapped(x->s, OWN_PFN + 0x3ff));
	assert_false(sept_frame_mapped(x->s, OWN_PFN + 0x400));
}

static void test_remove_rules(void **state)
{
	struct sx *x = *state;
	struct sept_stats st;
	int i;

	link_path(x, 0);
	EXPECT_OK(sept_set_leaf(x->s, 5, 1, OWN_PFN + 7, TDP_ACC_ALL));
	assert_true(mmu_fake_guest_write(&x->fake, OWN_PFN + 7, 0xdeadbeef));
	EXPECT_ERR(x, sept_remove_leaf(x->s, 5, 1), SEPT_ERR_NOT_BLOCKED);
	EXPECT_ERR(x, sept_block(x->s, 6, 1), SEPT_ERR_NOT_LEAF);
	EXPECT_ERR(x, sept_block(x->s, 0, 2), SEPT_ERR_NOT_LEAF);
	EXPECT_ERR(x, sept_unblock(x->s, 5, 1), SEPT_ERR_NOT_BLOCKED);
	EXPECT_OK(sept_block(x->s, 5, 1));
	EXPECT_ERR(x, sept_block(x->s, 5, 1), SEPT_ERR_ALREADY_BLOCKED);
	/* Blocked: the CPU sees nothing, the frame is still mapped. */
	assert_int_equal(sept_read_entry(x->s, 5, 1) & SPTE_EPT_RWX_MASK, 0);
	assert_true(sept_frame_mapped(x->s, OWN_PFN + 7));
	EXPECT_ERR(x, sept_remove_leaf(x->s, 5, 1), SEPT_ERR_NOT_TRACKED);
	EXPECT_ERR(x, sept_set_leaf(x->s, 5, 1, OWN_PFN + 8, TDP_ACC_ALL),
		   SEPT_ERR_SLOT_BUSY);
	/* Unblock restores the leaf exactly; block again, track, remove. */
	EXPECT_OK(sept_unblock(x->s, 5, 1));
	assert_int_equal(sept_read_entry(x->s, 5, 1),
			 make_sept_leaf(OWN_PFN + 7, 1, TDP_ACC_ALL));
	EXPECT_OK(sept_block(x->s, 5, 1));
	EXPECT_OK(sept_track(x->s));
	assert_int_equal(mmu_fake_guest_read(&x->fake, OWN_PFN + 7),
			 0xdeadbeef);
	EXPECT_OK(sept_remove_leaf(x->s, 5, 1));
	assert_int_equal(mmu_fake_guest_read(&x->fake, OWN_PFN + 7), 0);
	assert_false(sept_frame_mapped(x->s, OWN_PFN + 7));
	EXPECT_ERR(x, sept_remove_leaf(x->s, 5, 1), SEPT_ERR_NOT_LEAF);
	/* Track epochs wrap (7 bits): still exact for the newest block. */
	EXPECT_OK(sept_set_leaf(x->s, 5, 1, OWN_PFN + 7, TDP_ACC_ALL));
	for (i = 0; i < 200; i++)
		EXPECT_OK(sept_track(x->s));
	EXPECT_OK(sept_block(x->s, 5, 1));
	EXPECT_ERR(x, sept_remove_leaf(x->s, 5, 1), SEPT_ERR_NOT_TRACKED);
	EXPECT_OK(sept_track(x->s));
	EXPECT_OK(sept_remove_leaf(x->s, 5, 1));
	sept_get_stats(x->s, &st);
	assert_int_equal(st.zeroed_pages, 2);
	assert_int_equal(st.mapped_pages, 0);
}

static void test_free_rules(void **state)
{
	struct sx *x = *state;
	struct sept_stats st;
	u64 live;

	EXPECT_ERR(x, sept_free_table(x->s, 0, 4), SEPT_ERR_NOT_TABLE);
	EXPECT_ERR(x, sept_free_table(x->s, 0, 1), SEPT_ERR_BAD_LEVEL);
	EXPECT_ERR(x, sept_free_table(x->s, 0, 3), SEPT_ERR_PARENT_NOT_LINKED);
	link_path(x, 0);
	EXPECT_OK(sept_set_leaf(x->s, 0, 1, OWN_PFN, TDP_ACC_ALL));
	EXPECT_ERR(x, sept_free_table(x->s, 0, 2), SEPT_ERR_TABLE_NOT_EMPTY);
	EXPECT_ERR(x, sept_free_table(x->s, 0, 4), SEPT_ERR_TABLE_NOT_EMPTY);
	EXPECT_OK(sept_block(x->s, 0, 1));
	/* A blocked leaf still occupies its table. */
	EXPECT_ERR(x, sept_free_table(x->s, 0, 2), SEPT_ERR_TABLE_NOT_EMPTY);
	EXPECT_OK(sept_track(x->s));
	EXPECT_OK(sept_remove_leaf(x->s, 0, 1));
	live = mmu_fake_live(&x->fake);
	EXPECT_OK(sept_free_table(x->s, 0, 2));
	EXPECT_OK(sept_free_table(x->s, 0, 3));
	EXPECT_OK(sept_free_table(x->s, 0, 4));
	sept_get_stats(x->s, &st);
	assert_int_equal(st.table_pages, 1);
	assert_int_equal(st.ops[SEPT_OP_LINK], 3);
	assert_int_equal(st.ops[SEPT_OP_FREE_TABLE], 3);
	/* Unlinked, not freed: a CPU may walk them until the next flush. */
	assert_int_equal(st.unlinked_tables, 3);
	assert_int_equal(mmu_fake_live(&x->fake), live);
	assert_true(sept_has_unlinked_tables(x->s));
	sept_reclaim_tables(x->s);
	sept_get_stats(x->s, &st);
	assert_int_equal(st.unlinked_tables, 0);
	assert_int_equal(mmu_fake_live(&x->fake), live - 3);
	assert_false(sept_has_unlinked_tables(x->s));
}

static void test_range_rules(void **state)
{
	struct sx *x = *state;

	EXPECT_ERR(x, sept_add_range(x->s, OWN_PFN + OWN_PAGES - 1, 2),
		   SEPT_ERR_RANGE_OVERLAP);
	EXPECT_ERR(x, sept_remove_range(x->s, OWN_PFN, 1),
		   SEPT_ERR_RANGE_UNKNOWN);
	link_path(x, 0);
	EXPECT_OK(sept_set_leaf(x->s, 0, 1, OWN_PFN + 3, TDP_ACC_ALL));
	EXPECT_ERR(x, sept_remove_range(x->s, OWN_PFN, OWN_PAGES),
		   SEPT_ERR_RANGE_IN_USE);
	EXPECT_OK(sept_add_range(x->s, 0x900000, 1));
	EXPECT_OK(sept_remove_range(x->s, 0x900000, 1));
	EXPECT_ERR(x, sept_set_leaf(x->s, 1, 1, 0x900000, TDP_ACC_ALL),
		   SEPT_ERR_PAGE_NOT_OWNED);
}

/* Every rule above has its own code, and the names are all distinct. */
static void test_distinct_names(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < SEPT_ERR_NR; i++)
		for (j = i + 1; j < SEPT_ERR_NR; j++)
			assert_string_not_equal(sept_error_name(i),
						sept_error_name(j));
	assert_int_equal(sept_error_to_errno(SEPT_ERR_BUSY), -EBUSY);
	assert_int_equal(sept_error_to_errno(SEPT_ERR_NOMEM), -ENOMEM);
	assert_int_equal(sept_error_to_errno(SEPT_ERR_NOT_TRACKED), -EIO);
}

static void test_busy_injection(void **state)
{
	struct sx *x = *state;
	struct sept_stats st;
	int i, busy = 0;

	link_path(x, 0);
	sept_set_busy(x->s, SEPT_OP_SET_LEAF, 300000); /* 30% */
	for (i = 0; i < 1000; i++) {
		enum sept_error e =
			sept_set_leaf(x->s, 0, 1, OWN_PFN, TDP_ACC_ALL);

		if (e == SEPT_ERR_BUSY) {
			busy++;
			/* Busy changed nothing. */
			assert_int_equal(sept_read_entry(x->s, 0, 1), 0);
			continue;
		}
		assert_int_equal(e, SEPT_OK);
		EXPECT_OK(sept_block(x->s, 0, 1));
		EXPECT_OK(sept_track(x->s));
		EXPECT_OK(sept_remove_leaf(x->s, 0, 1));
	}
	sept_get_stats(x->s, &st);
	printf("30%% injected: %d of 1000 set_leaf busy\n", busy);
	assert_in_range(busy, 230, 370);
	assert_int_equal(st.busy[SEPT_OP_SET_LEAF], (u64)busy);
	assert_int_equal(st.errors[SEPT_ERR_BUSY], (u64)busy);
	assert_int_equal(st.busy[SEPT_OP_BLOCK], 0);
	assert_int_equal(st.violations, 0);
	/* A rule violation is reported as itself, never masked by busy. */
	sept_set_busy(x->s, SEPT_OP_LINK, 1000000);
	EXPECT_ERR(x, sept_link_table(x->s, 0, 4), SEPT_ERR_SLOT_BUSY);
	EXPECT_ERR(x, sept_link_table(x->s, 0x200, 2), SEPT_ERR_BUSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_rules, sx_setup,
						sx_teardown),
		cmocka_unit_test_setup_teardown(test_leaf_rules, sx_setup,
						sx_teardown),
		cmocka_unit_test_setup_teardown(test_remove_rules, sx_setup,
						sx_teardown),
		cmocka_unit_test_setup_teardown(test_free_rules, sx_setup,
						sx_teardown),
		cmocka_unit_test_setup_teardown(test_range_rules, sx_setup,
						sx_teardown),
		cmocka_unit_test(test_distinct_names),
		cmocka_unit_test_setup_teardown(test_busy_injection, sx_setup,
						sx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
