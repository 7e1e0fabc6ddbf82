// SPDX-License-Identifier: GPL-2.0
/*
 * Regression tests at the edges of the guest-physical space:
 *  - a memslot that ends exactly at the shared bit keeps its shared alias
 *    in every operation on it (conversion, zap, delete, aging);
 *  - S-EPT table pages are freed only after a TLB flush that followed
 *    their unlink (a fake CPU with a paging-structure cache has read them);
 *  - ranges and addresses beyond the guest-physical width never reach a
 *    low GFN (the iterator's index bits wrap).
 * The CPU is the fake one of mmu_fake.c: it walks the hardware EPTP,
 * caches non-leaf entries until a flush and sets A/D by compare-exchange.
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

#define SLOT_PFN 0x100000ULL
#define BEYOND (1ULL << (TDP_MAX_GPA_BITS - PAGE_SHIFT)) /* 2^36 GFNs */

/* Fail with both values and what was being checked. */
#define EXPECT_EQ(got, want, what)                                            \
	do {                                                                  \
		long long __g = (long long)(got), __w = (long long)(want);    \
		if (__g != __w)                                               \
			fail_msg("%s: got %lld (0x%llx), want %lld (0x%llx)", \
				 (what), __g, __g, __w, __w);                 \
	} while (0)

struct bx {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *direct, *mirror;
	struct tdp_mmu_cache cache;
	struct mmu_fake_cpu cpu;
	gfn_t s; /* shared GFN bit; 0 without private memory */
};

static struct bx *bx_new(int shared_bit)
{
	struct bx *x = calloc(1, sizeof(*x));
	struct tdp_mmu_config cfg;

	mmu_fake_init(&x->fake);
	tdp_mmu_default_config(&cfg);
	cfg.shared_bit = (u8)shared_bit;
	assert_int_equal(mmu_fake_vm_create_private(&x->fake, &x->mmu, &cfg,
						    &x->direct, &x->mirror),
			 0);
	tdp_mmu_cache_init(&x->cache, 0);
	mmu_fake_cpu_init(&x->cpu, &x->fake);
	x->s = shared_bit ? 1ULL << (shared_bit - PAGE_SHIFT) : 0;
	return x;
}

static void bx_free(struct bx *x)
{
	struct sept_stats st;

	/* Before teardown, which frees every table with no CPU left. */
	EXPECT_EQ(mmu_fake_walked_frees(&x->fake), 0,
		  "pages freed while a walker could still read them");
	EXPECT_EQ(tdp_mmu_check_invariants(&x->mmu, NULL), 0, "invariants");
	EXPECT_EQ(tdp_mmu_check_mirror(&x->mmu), 0, "mirror check");
	tdp_mmu_get_sept_stats(&x->mmu, &st);
	EXPECT_EQ(st.violations, 0, "S-EPT rule violations");
	tdp_mmu_cache_free(&x->mmu, &x->cache);
	if (x->mirror)
		tdp_mmu_put_root(&x->mmu, x->mirror);
	mmu_fake_vm_destroy(&x->fake, &x->mmu, x->direct);
	EXPECT_EQ(x->fake.double_frees, 0, "double frees");
	EXPECT_EQ(mmu_fake_destroy(&x->fake), 0, "pages leaked");
	free(x);
}

static int fault(struct bx *x, gfn_t gfn, bool shared, u64 acc)
{
	struct tdp_fault f = {
		.gpa = (gfn | (shared ? x->s : 0)) << PAGE_SHIFT,
		.access = acc,
	};

	return tdp_mmu_page_fault(&x->mmu,
				  shared || !x->s ? x->direct : x->mirror,
				  &x->cache, &f);
}

/* A guest access by the fake CPU through the hardware EPTP. */
static int cpu(struct bx *x, gfn_t gfn, bool shared, u64 acc)
{
	u64 leaf;
	int level;

	return mmu_fake_cpu_access(&x->cpu, tdp_mmu_hw_eptp(&x->mmu),
				   (gfn | (shared ? x->s : 0)) << PAGE_SHIFT,
				   acc, &leaf, &level);
}

/* Make the last page below the shared bit shared and map its alias. */
static void map_top_shared(struct bx *x, gfn_t g)
{
	EXPECT_EQ(tdp_mmu_convert(&x->mmu, g, 1, false), 0, "convert shared");
	EXPECT_EQ(fault(x, g, true, TDP_ACC_R | TDP_ACC_W), 0, "shared fault");
	EXPECT_EQ(cpu(x, g, true, TDP_ACC_W), 0, "CPU write, shared alias");
}

/*
 * A slot [s - 0x200, s) ends exactly at the shared bit, which is legal.
 * Every operation on its last page must reach the shared alias s + g.
 */
static void test_slot_at_shared_bit(void **state)
{
	struct bx *x = bx_new(39);
	gfn_t g = x->s - 1;

	(void)state;
	EXPECT_EQ(tdp_memslot_add(&x->mmu, 0, x->s - 0x200, 0x200, SLOT_PFN, 0),
		  0, "slot ending at the shared bit");

	/* Converting to private zaps the shared alias. */
	map_top_shared(x, g);
	EXPECT_EQ(tdp_mmu_convert(&x->mmu, g, 1, true), 0, "convert private");
	EXPECT_EQ(cpu(x, g, true, TDP_ACC_R), -EFAULT,
		  "shared alias after convert to private");
	EXPECT_EQ(fault(x, g, false, TDP_ACC_W), 0, "private fault");
	EXPECT_EQ(tdp_mmu_check_invariants(&x->mmu, NULL), 0,
		  "invariants after private fault");

	/* Aging and zap see the alias. */
	map_top_shared(x, g);
	EXPECT_EQ(tdp_mmu_test_young(&x->mmu, g), 1, "alias young");
	EXPECT_EQ(tdp_mmu_test_and_clear_young(&x->mmu, g, g + 1), 1,
		  "aging the alias");
	EXPECT_EQ(tdp_mmu_zap_gfn_range(&x->mmu, g, g + 1), 1, "zap the alias");
	EXPECT_EQ(cpu(x, g, true, TDP_ACC_R), -EFAULT, "alias after zap");

	/* After the slot is gone the guest has no access to its frames. */
	EXPECT_EQ(fault(x, g, true, TDP_ACC_R | TDP_ACC_W), 0, "shared fault");
	EXPECT_EQ(tdp_memslot_delete(&x->mmu, 0), 0, "delete");
	EXPECT_EQ(cpu(x, g, true, TDP_ACC_W), -EFAULT,
		  "alias writable after memslot delete");
	bx_free(x);
}

/*
 * An S-EPT table the CPU walked (its PDE may sit in a paging-structure
 * cache) is unlinked and must not be freed before the next flush.
 */
static void test_sept_table_free_waits_for_flush(void **state)
{
	struct bx *x = bx_new(39);

	(void)state;
	EXPECT_EQ(tdp_memslot_add(&x->mmu, 0, 0, 0x200, SLOT_PFN, 0), 0,
		  "slot");
	EXPECT_EQ(fault(x, 5, false, TDP_ACC_R | TDP_ACC_W), 0,
		  "private fault");
	EXPECT_EQ(cpu(x, 5, false, TDP_ACC_W), 0, "CPU write, private");
	/* The leaf goes; the level-1 S-EPT table stays, empty. */
	EXPECT_EQ(tdp_mmu_convert(&x->mmu, 5, 1, false), 0, "convert shared");
	/* The CPU walks down to it (and caches the PDE above it). */
	EXPECT_EQ(cpu(x, 5, false, TDP_ACC_R), -EFAULT, "CPU read, private");
	/* Zapping the whole 2 MiB range unlinks and frees that table. */
	tdp_mmu_zap_gfn_range(&x->mmu, 0, 0x200);
	EXPECT_EQ(mmu_fake_walked_frees(&x->fake), 0,
		  "S-EPT tables freed before a flush");
	/* A flush later: the cached PDE is gone, the walk faults cleanly. */
	EXPECT_EQ(cpu(x, 5, false, TDP_ACC_R), -EFAULT, "CPU read, after");
	EXPECT_EQ(tdp_memslot_delete(&x->mmu, 0), 0, "delete");
	bx_free(x);
}

/*
 * Ranges from @hi (at or beyond the guest-physical width) must not reach
 * GFN 5's mapping: direct-root GFN 5, or its shared alias s + 5.
 */
static void check_beyond(struct bx *x, gfn_t hi)
{
	gfn_t t = hi + (x->s | 5);

	EXPECT_EQ(tdp_mmu_zap_gfn_range(&x->mmu, t, t + 1), 0,
		  "zap beyond the width");
	EXPECT_EQ(cpu(x, 5, !!x->s, TDP_ACC_R), 0, "GFN 5 after zap beyond");
	EXPECT_EQ(tdp_mmu_test_and_clear_young(&x->mmu, t, t + 1), 0,
		  "aging beyond the width");
	EXPECT_EQ(tdp_mmu_test_young(&x->mmu, t), 0, "young beyond");
	EXPECT_EQ(tdp_mmu_test_young(&x->mmu, 5), 1, "GFN 5 still young");
	EXPECT_EQ(tdp_mmu_recover_huge_pages(&x->mmu, hi, hi + 0x200), 0,
		  "recover beyond the width");
	EXPECT_EQ(tdp_mmu_split_huge_pages(&x->mmu, hi, hi + 0x200), 0,
		  "split beyond the width");
	EXPECT_EQ(tdp_mmu_sim_access(&x->mmu, x->direct, t << PAGE_SHIFT,
				     TDP_ACC_R),
		  -EINVAL, "access beyond the width");
	EXPECT_EQ(cpu(x, 5, !!x->s, TDP_ACC_R), 0, "GFN 5 at the end");
}

static void test_gfn_beyond_width(void **state)
{
	struct bx *x = bx_new(0);
	struct tdp_fault f = { .gpa = (BEYOND + 5) << PAGE_SHIFT,
			       .access = TDP_ACC_R };

	(void)state;
	EXPECT_EQ(tdp_memslot_add(&x->mmu, 0, 0, 0x200, SLOT_PFN, 0), 0,
		  "slot");
	EXPECT_EQ(fault(x, 5, false, TDP_ACC_R | TDP_ACC_W), 0, "fault");
	EXPECT_EQ(cpu(x, 5, false, TDP_ACC_W), 0, "CPU write");
	EXPECT_EQ(tdp_mmu_page_fault(&x->mmu, x->direct, &x->cache, &f),
		  -EINVAL, "fault beyond the width");
	check_beyond(x, BEYOND);
	check_beyond(x, BEYOND * 5);
	bx_free(x);

	/* With private memory the width ends at twice the shared bit. */
	x = bx_new(39);
	EXPECT_EQ(tdp_memslot_add(&x->mmu, 0, 0, 0x200, SLOT_PFN, 0), 0,
		  "slot");
	EXPECT_EQ(tdp_mmu_convert(&x->mmu, 5, 1, false), 0, "convert shared");
	EXPECT_EQ(fault(x, 5, true, TDP_ACC_R | TDP_ACC_W), 0, "fault");
	EXPECT_EQ(cpu(x, 5, true, TDP_ACC_W), 0, "CPU write");
	check_beyond(x, BEYOND);
	check_beyond(x, 2 * x->s);
	EXPECT_EQ(tdp_mmu_convert(&x->mmu, BEYOND + 5, 1, true), -EINVAL,
		  "convert beyond the width");
	EXPECT_EQ(tdp_memslot_delete(&x->mmu, 0), 0, "delete");
	bx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_at_shared_bit),
		cmocka_unit_test(test_sept_table_free_waits_for_flush),
		cmocka_unit_test(test_gfn_beyond_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
