// SPDX-License-Identifier: GPL-2.0
/*
 * TDP MMU unit tests, one or more per operation, including the error
 * paths: -ENOMEM (allocator injection), -EBUSY (frozen SPTE), -EAGAIN
 * (invalid root), -EINVAL; MMIO SPTEs (install, stale, wrap, misconfig
 * classification); zap and flush batching; dirty logging in both modes;
 * aging; split and recovery; trace ring; checker; walk dump; EPTP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "errno_codes.h"
#include "mmu_fake.h"

#define G1 0x40000ULL /* 1 GiB in pages */

struct fx {
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	struct tdp_mmu_cache c;
};

static struct fx *fx_new(const struct tdp_mmu_config *cfg)
{
	struct fx *x = calloc(1, sizeof(*x));

	mmu_fake_init(&x->f);
	assert_int_equal(mmu_fake_vm_create(&x->f, &x->mmu, cfg, &x->root), 0);
	tdp_mmu_cache_init(&x->c, 0);
	/* slot 0: 1 GiB at 1 GiB, 1G-aligned pfn; slot 1: misaligned pfn. */
	assert_int_equal(tdp_memslot_add(&x->mmu, 0, G1, G1, 0x100000, 0), 0);
	assert_int_equal(
		tdp_memslot_add(&x->mmu, 1, 0x1000, 0x1000, 0x80001, 0), 0);
	return x;
}

static void fx_free(struct fx *x)
{
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, NULL), 0);
	tdp_mmu_cache_free(&x->mmu, &x->c);
	mmu_fake_vm_destroy(&x->f, &x->mmu, x->root);
	assert_int_equal(x->f.double_frees, 0);
	assert_int_equal(mmu_fake_destroy(&x->f), 0);
	free(x);
}

static int fault(struct fx *x, gfn_t gfn, u64 acc, struct tdp_fault *f)
{
	f->gpa = gfn << PAGE_SHIFT;
	f->access = acc;
	return tdp_mmu_page_fault(&x->mmu, x->root, &x->c, f);
}

static u64 leaf_of(struct fx *x, gfn_t gfn, int *level)
{
	u64 sp[TDP_ROOT_LEVEL + 1];
	int l = tdp_mmu_get_walk(&x->mmu, x->root, gfn << PAGE_SHIFT, sp);

	if (level)
		*level = l;
	return sp[l];
}

static void test_fault_levels(void **state)
{
	struct fx *x = fx_new(NULL);
	struct tdp_fault f;
	struct tdp_mmu_stats st;

	(void)state;
	assert_int_equal(fault(x, G1 + 5, TDP_ACC_R, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_MAPPED);
	assert_int_equal(f.level, TDP_LEVEL_1G);
	assert_int_equal(f.pfn, 0x100005);
	assert_int_equal(fault(x, G1 + 7, TDP_ACC_W, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_SPURIOUS);
	assert_int_equal(fault(x, 0x1000, TDP_ACC_X, &f), 0);
	assert_int_equal(f.level, TDP_LEVEL_4K); /* pfn not 2M-congruent */
	tdp_mmu_get_stats(&x->mmu, &st);
	assert_int_equal(st.pages[TDP_LEVEL_1G], 1);
	assert_int_equal(st.pages[TDP_LEVEL_4K], 1);
	/* 2M: a slot whose end cuts the 1G block. */
	assert_int_equal(
		tdp_memslot_add(&x->mmu, 2, 4 * G1, 0x400, 0x200000, 0), 0);
	assert_int_equal(fault(x, 4 * G1 + 0x3ff, TDP_ACC_R, &f), 0);
	assert_int_equal(f.level, TDP_LEVEL_2M);
	assert_int_equal(f.pfn, 0x2003ff);
	/* Bad arguments. */
	f.gpa = 1ULL << 48;
	f.access = TDP_ACC_R;
	assert_int_equal(tdp_mmu_page_fault(&x->mmu, x->root, &x->c, &f),
			 -EINVAL);
	assert_int_equal(fault(x, 5, 0, &f), -EINVAL);
	assert_int_equal(fault(x, 5, 8, &f), -EINVAL);
	fx_free(x);
}

static void test_fault_errors(void **state)
{
	struct fx *x = fx_new(NULL);
	struct tdp_fault f;
	u64 sp[TDP_ROOT_LEVEL + 1], *leaf_table;
	int l;

	(void)state;
	/* -ENOMEM: cache empty and the allocator fails; nothing changes. */
	mmu_fake_fail_after(&x->f, 0, true);
	assert_int_equal(fault(x, 0x1000, TDP_ACC_R, &f), -ENOMEM);
	mmu_fake_fail_after(&x->f, -1, false);
	leaf_of(x, 0x1000, &l);
	assert_int_equal(l, TDP_ROOT_LEVEL);
	/* -EBUSY: a frozen SPTE on the way; no side effect. */
	assert_int_equal(fault(x, 0x1000, TDP_ACC_R, &f), 0);
	l = tdp_mmu_get_walk(&x->mmu, x->root, 0x1001ULL << 12, sp);
	assert_int_equal(l, TDP_LEVEL_4K);
	leaf_table = tdp_mmu_pa_to_va(&x->mmu, spte_to_child_pa(sp[2]));
	leaf_table[1] = FROZEN_SPTE;
	assert_int_equal(fault(x, 0x1001, TDP_ACC_R, &f), -EBUSY);
	assert_int_equal(leaf_table[1], FROZEN_SPTE);
	leaf_table[1] = SHADOW_NONPRESENT_VALUE;
	assert_int_equal(fault(x, 0x1001, TDP_ACC_R, &f), 0);
	/* -EAGAIN on an invalidated root; a fresh root works. */
	tdp_mmu_invalidate_roots(&x->mmu);
	assert_false(tdp_mmu_root_is_valid(x->root));
	assert_int_equal(fault(x, 0x1001, TDP_ACC_R, &f), -EAGAIN);
	tdp_mmu_put_root(&x->mmu, x->root);
	assert_int_equal(tdp_mmu_get_root(&x->mmu, TDP_ROOT_DIRECT, &x->root),
			 0);
	assert_int_equal(tdp_mmu_get_root(&x->mmu, TDP_ROOT_MIRROR, &x->root),
			 -EOPNOTSUPP);
	assert_int_equal(fault(x, 0x1001, TDP_ACC_R, &f), 0);
	/* Read-only slot: a write is reported for emulation, reads map. */
	assert_int_equal(tdp_memslot_add(&x->mmu, 3, 0x8000, 0x10, 0x9000,
					 TDP_MEMSLOT_READONLY),
			 0);
	assert_int_equal(fault(x, 0x8000, TDP_ACC_W, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_RO_WRITE);
	assert_int_equal(fault(x, 0x8000, TDP_ACC_R, &f), 0);
	assert_false(is_writable_pte(leaf_of(x, 0x8000, NULL)));
	fx_free(x);
}

static void test_init_errors(void **state)
{
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_config cfg;
	struct tdp_mmu_ops ops = mmu_fake_ops;

	(void)state;
	mmu_fake_init(&f);
	tdp_mmu_default_config(&cfg);
	cfg.max_level = 4;
	assert_int_equal(tdp_mmu_init(&mmu, &mmu_fake_ops, &f, &cfg), -EINVAL);
	tdp_mmu_default_config(&cfg);
	ops.page_private = NULL;
	assert_int_equal(tdp_mmu_init(&mmu, &ops, &f, &cfg), -EINVAL);
	mmu_fake_fail_after(&f, 2, false); /* trace ok, memslots fail */
	assert_int_equal(tdp_mmu_init(&mmu, &mmu_fake_ops, &f, &cfg), -ENOMEM);
	assert_int_equal(mmu_fake_live(&f), 0);
	assert_int_equal(tdp_mmu_init(&mmu, &mmu_fake_ops, &f, &cfg), 0);
	mmu_fake_fail_after(&f, 0, false);
	{
		struct tdp_mmu_page *root;

		assert_int_equal(tdp_mmu_get_root(&mmu, TDP_ROOT_DIRECT, &root),
				 -ENOMEM);
	}
	tdp_mmu_destroy(&mmu);
	assert_int_equal(mmu_fake_destroy(&f), 0);
}

static void test_mmio(void **state)
{
	struct tdp_mmu_config cfg;
	struct fx *x;
	struct tdp_fault f;
	u64 spte, gen;

	(void)state;
	tdp_mmu_default_config(&cfg);
	cfg.initial_generation = (1ULL << 19) - 2; /* wrap after two updates */
	x = fx_new(&cfg); /* two memslot adds: generation now 0x80000 */
	gen = tdp_memslot_generation(&x->mmu);
	assert_int_equal(fault(x, 0x100, TDP_ACC_R, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_MMIO);
	assert_true(f.mmio_installed);
	spte = leaf_of(x, 0x100, NULL);
	assert_true(is_mmio_spte(spte));
	assert_false(is_shadow_present_pte(spte));
	assert_int_equal(get_mmio_spte_gen(spte), tdp_memslots_mmio_gen(gen));
	assert_int_equal(tdp_mmu_classify_misconfig(&x->mmu, x->root, 0x100000,
						    NULL),
			 TDP_MISCONFIG_MMIO);
	/* A memslot update makes it stale; the fault path maps RAM. */
	assert_int_equal(tdp_memslot_add(&x->mmu, 5, 0x100, 1, 0x7777, 0), 0);
	assert_int_equal(tdp_mmu_classify_misconfig(&x->mmu, x->root, 0x100000,
						    NULL),
			 TDP_MISCONFIG_STALE);
	assert_int_equal(fault(x, 0x100, TDP_ACC_R, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_MAPPED);
	assert_int_equal(f.pfn, 0x7777);
	/* A present SPTE with W and no R is a bug, not MMIO. */
	{
		u64 sp[TDP_ROOT_LEVEL + 1], *pt;

		tdp_mmu_get_walk(&x->mmu, x->root, 0x100000, sp);
		pt = tdp_mmu_pa_to_va(&x->mmu, spte_to_child_pa(sp[2]));
		spte = pt[0x100];
		pt[0x100] = (spte & ~SPTE_EPT_READABLE) | SPTE_EPT_WRITABLE |
			    SPTE_HOST_WRITABLE | SPTE_MMU_WRITABLE;
		assert_int_equal(tdp_mmu_classify_misconfig(&x->mmu, x->root,
							    0x100000, NULL),
				 TDP_MISCONFIG_BUG);
		tdp_mmu_dump_walk(&x->mmu, x->root, 0x100000);
		assert_int_equal(tdp_mmu_check_invariants(&x->mmu, NULL),
				 -EINVAL);
		pt[0x100] = spte;
	}
	/* Wrap: generation low bits reach 0 -> every MMIO SPTE is zapped. */
	assert_int_equal(fault(x, 0x200, TDP_ACC_R, &f), 0);
	assert_true(is_mmio_spte(leaf_of(x, 0x200, NULL)));
	while (tdp_memslots_mmio_gen(tdp_memslot_generation(&x->mmu)) !=
	       MMIO_GEN_MASK)
		assert_int_equal(tdp_memslot_set_flags(
					 &x->mmu, 5,
					 tdp_memslot_generation(&x->mmu) & 1
						 ? TDP_MEMSLOT_LOG_DIRTY
						 : 0),
				 0);
	assert_true(is_mmio_spte(leaf_of(x, 0x200, NULL)));
	assert_int_equal(tdp_memslot_delete(&x->mmu, 5), 0); /* wraps to 0 */
	assert_int_equal(tdp_memslots_mmio_gen(tdp_memslot_generation(&x->mmu)),
			 0);
	assert_false(is_mmio_spte(leaf_of(x, 0x200, NULL)));
	assert_int_equal(fault(x, 0x200, TDP_ACC_R, &f), 0);
	assert_int_equal(tdp_mmu_zap_all_mmio(&x->mmu), 1);
	fx_free(x);
}

static void test_zap_and_flush_batching(void **state)
{
	struct fx *x = fx_new(NULL);
	struct tdp_fault f;
	struct tdp_mmu_check chk;
	u64 flushes, i;

	(void)state;
	for (i = 0; i < 0x1000; i += 7)
		assert_int_equal(fault(x, 0x1000 + i, TDP_ACC_W, &f), 0);
	assert_int_equal(fault(x, G1, TDP_ACC_R, &f), 0);
	flushes = mmu_fake_flushes(&x->f);
	/* One flush for the whole batch, however many SPTEs go. */
	/* 8 whole 2M tables lie inside the range: zapped as tables. */
	assert_int_equal(tdp_mmu_zap_gfn_range(&x->mmu, 0x1000, 0x2000), 8);
	assert_int_equal(mmu_fake_flushes(&x->f), flushes + 1);
	assert_int_equal(tdp_mmu_zap_gfn_range(&x->mmu, 0x1000, 0x2000), 0);
	assert_int_equal(mmu_fake_flushes(&x->f), flushes + 1);
	/* A partial zap of a huge leaf zaps it whole. */
	assert_int_equal(tdp_mmu_zap_gfn_range(&x->mmu, G1 + 5, G1 + 6), 1);
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, &chk), 0);
	assert_int_equal(chk.leaves[1] + chk.leaves[2] + chk.leaves[3], 0);
	fx_free(x);
}

static void test_yield_restart(void **state)
{
	struct tdp_mmu_config cfg;
	struct fx *x;
	struct tdp_fault f;
	struct tdp_mmu_check chk;
	u64 i;

	(void)state;
	tdp_mmu_default_config(&cfg);
	cfg.yield_every = 3; /* writers drop the lock every 3 steps */
	x = fx_new(&cfg);
	for (i = 0; i < 0x1000; i++)
		assert_int_equal(fault(x, 0x1000 + i, TDP_ACC_R, &f), 0);
	assert_int_equal(tdp_mmu_zap_gfn_range(&x->mmu, 0x1000, 0x1800), 4);
	assert_int_equal(tdp_mmu_zap_gfn_range(&x->mmu, 0x1801, 0x1a00), 0x1ff);
	assert_int_equal(tdp_mmu_zap_gfn_range(&x->mmu, 0x1800, 0x2000), 4);
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, &chk), 0);
	assert_int_equal(chk.leaves[1], 0);
	fx_free(x);
}

static void dirty_log_mode(enum tdp_dirty_mode mode, bool eager)
{
	struct tdp_mmu_config cfg;
	struct fx *x;
	struct tdp_fault f;
	u64 *bm = calloc(G1 / 64, 8);
	int l;

	tdp_mmu_default_config(&cfg);
	cfg.dirty_mode = mode;
	cfg.eager_split = eager;
	x = fx_new(&cfg);
	assert_int_equal(fault(x, G1, TDP_ACC_W, &f), 0);
	assert_int_equal(f.level, TDP_LEVEL_1G);
	assert_int_equal(tdp_mmu_get_dirty_log(&x->mmu, 0, bm, G1 / 64),
			 -EINVAL);
	assert_int_equal(tdp_mmu_get_dirty_log(&x->mmu, 9, bm, G1 / 64),
			 -ENOENT);
	assert_int_equal(
		tdp_memslot_set_flags(&x->mmu, 0, TDP_MEMSLOT_LOG_DIRTY), 0);
	assert_int_equal(tdp_mmu_get_dirty_log(&x->mmu, 0, bm, 1), -EINVAL);
	leaf_of(x, G1 + 0x1234, &l);
	assert_int_equal(l, eager ? TDP_LEVEL_4K : TDP_LEVEL_1G);
	/* A write: on-demand split if needed, 4K writable, bit set. */
	assert_int_equal(fault(x, G1 + 0x1234, TDP_ACC_W, &f), 0);
	assert_int_equal(f.level, TDP_LEVEL_4K);
	/* D-bit mode keeps 4K leaves writable: that write did not fault. */
	assert_int_equal(f.result, mode == TDP_DIRTY_DBIT && eager
					   ? TDP_FAULT_SPURIOUS
					   : TDP_FAULT_FIXED);
	if (mode == TDP_DIRTY_DBIT) { /* the CPU sets D on writes */
		assert_int_equal(tdp_mmu_sim_access(&x->mmu, x->root,
						    (G1 + 0x1234) << 12,
						    TDP_ACC_W),
				 0);
		assert_int_equal(tdp_mmu_sim_access(&x->mmu, x->root,
						    (G1 + 0x1235) << 12,
						    TDP_ACC_W),
				 eager ? 0 : -EFAULT);
	}
	assert_int_equal(tdp_mmu_get_dirty_log(&x->mmu, 0, bm, G1 / 64), 0);
	assert_int_equal(bm[0x1234 / 64] >> (0x1234 % 64) & 1, 1);
	if (mode == TDP_DIRTY_WRPROT)
		assert_false(is_writable_pte(leaf_of(x, G1 + 0x1234, NULL)));
	else if (eager)
		assert_int_equal(bm[0x1235 / 64] >> (0x1235 % 64) & 1, 1);
	assert_int_equal(tdp_mmu_get_dirty_log(&x->mmu, 0, bm, G1 / 64), 0);
	assert_int_equal(bm[0x1234 / 64], 0);
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, NULL), 0);
	/* Stop logging: huge pages come back in place. */
	assert_int_equal(tdp_memslot_set_flags(&x->mmu, 0, 0), 0);
	leaf_of(x, G1 + 0x1234, &l);
	assert_int_equal(l, TDP_LEVEL_1G);
	free(bm);
	fx_free(x);
}

static void test_dirty_log(void **state)
{
	(void)state;
	dirty_log_mode(TDP_DIRTY_WRPROT, true);
	dirty_log_mode(TDP_DIRTY_WRPROT, false);
	dirty_log_mode(TDP_DIRTY_DBIT, true);
	dirty_log_mode(TDP_DIRTY_DBIT, false);
}

static void test_split_recover_age(void **state)
{
	struct fx *x = fx_new(NULL);
	struct tdp_fault f;
	struct tdp_mmu_check chk;
	int l;

	(void)state;
	assert_int_equal(fault(x, G1, TDP_ACC_R, &f), 0);
	mmu_fake_fail_after(&x->f, 1, false);
	assert_int_equal(tdp_mmu_split_huge_pages(&x->mmu, G1, G1 + 0x400),
			 -ENOMEM);
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, NULL), 0);
	assert_int_equal(tdp_mmu_split_huge_pages(&x->mmu, G1, G1 + 0x400), 0);
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, &chk), 0);
	assert_int_equal(chk.leaves[1], 1024);
	assert_int_equal(chk.leaves[2], 510);
	leaf_of(x, G1 + 0x3ff, &l);
	assert_int_equal(l, TDP_LEVEL_4K);
	assert_true(tdp_mmu_test_young(&x->mmu, G1 + 3));
	assert_int_equal(tdp_mmu_test_and_clear_young(&x->mmu, G1, G1 + 0x400),
			 1024);
	assert_false(tdp_mmu_test_young(&x->mmu, G1 + 3));
	assert_int_equal(
		tdp_mmu_sim_access(&x->mmu, x->root, G1 << 12, TDP_ACC_R), 0);
	assert_true(tdp_mmu_test_young(&x->mmu, G1));
	/* Recovery takes the first present leaf's attributes (A here). */
	assert_int_equal(tdp_mmu_recover_huge_pages(&x->mmu, G1, 2 * G1), 1);
	leaf_of(x, G1 + 0x3ff, &l);
	assert_int_equal(l, TDP_LEVEL_1G);
	assert_true(tdp_mmu_test_young(&x->mmu, G1 + 0x3ff));
	tdp_mmu_reclaim(&x->mmu);
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, &chk), 0);
	assert_int_equal(chk.tables, 2); /* root + PDPT */
	fx_free(x);
}

static void test_trace_eptp_checker(void **state)
{
	struct fx *x = fx_new(NULL);
	struct tdp_trace_entry e;
	struct tdp_fault f;
	u64 n, eptp, *pt, sp[TDP_ROOT_LEVEL + 1], saved;

	(void)state;
	n = tdp_mmu_trace_count(&x->mmu);
	assert_int_equal(fault(x, G1 + 1, TDP_ACC_W, &f), 0);
	assert_true(tdp_mmu_trace_count(&x->mmu) > n);
	assert_true(tdp_mmu_trace_get(&x->mmu, tdp_mmu_trace_count(&x->mmu) - 1,
				      &e));
	assert_int_equal(e.gfn, G1);
	assert_int_equal(e.seq_level & 7, TDP_LEVEL_1G);
	assert_int_equal(e.old_spte, SHADOW_NONPRESENT_VALUE);
	assert_int_equal(spte_to_pfn(e.new_spte), 0x100000);
	eptp = tdp_mmu_root_eptp(x->root);
	assert_int_equal(eptp & PAGE_MASK, tdp_mmu_root_hpa(x->root));
	assert_int_equal(eptp & 0xfff, 0x5e);
	/* The checker catches a table linked twice and a bad stat. */
	tdp_mmu_get_walk(&x->mmu, x->root, G1 << 12, sp);
	pt = tdp_mmu_pa_to_va(&x->mmu, spte_to_child_pa(sp[4]));
	saved = pt[2];
	pt[2] = pt[1];
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, NULL), -EINVAL);
	pt[2] = saved;
	x->mmu.stats[3].pages[1]++;
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, NULL), -EINVAL);
	x->mmu.stats[3].pages[1]--;
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_levels),
		cmocka_unit_test(test_fault_errors),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_mmio),
		cmocka_unit_test(test_zap_and_flush_batching),
		cmocka_unit_test(test_yield_restart),
		cmocka_unit_test(test_dirty_log),
		cmocka_unit_test(test_split_recover_age),
		cmocka_unit_test(test_trace_eptp_checker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
