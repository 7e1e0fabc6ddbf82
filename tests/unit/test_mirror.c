// SPDX-License-Identifier: GPL-2.0
/*
 * Private memory through the MMU: configuration, fault semantics per side
 * (-EINVAL, -EPERM, MMIO), conversion and zeroing, the hardware view for
 * several shared bits, and the regression test for a failed external
 * S-EPT operation, which must leave everything as it was: when the S-EPT
 * fails a set or a remove, the page stats, the trace ring and the tables
 * are exactly as before the attempt.
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

#define SLOT_BASE 0x0ULL
#define SLOT_PAGES 0x2000ULL /* 32 MiB */
#define SLOT_PFN 0x100000ULL

struct mx {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *direct, *mirror;
	struct tdp_mmu_cache cache;
	gfn_t s; /* shared GFN bit */
};

static void mx_init(struct mx *x, int shared_bit, u64 slot_pages)
{
	struct tdp_mmu_config cfg;

	memset(x, 0, sizeof(*x));
	mmu_fake_init(&x->fake);
	tdp_mmu_default_config(&cfg);
	cfg.shared_bit = (u8)shared_bit;
	cfg.trace_pages = 4;
	assert_int_equal(mmu_fake_vm_create_private(&x->fake, &x->mmu, &cfg,
						    &x->direct, &x->mirror),
			 0);
	tdp_mmu_cache_init(&x->cache, 0);
	x->s = 1ULL << (shared_bit - PAGE_SHIFT);
	assert_int_equal(tdp_memslot_add(&x->mmu, 0, SLOT_BASE, slot_pages,
					 SLOT_PFN, 0),
			 0);
}

static void mx_fini(struct mx *x)
{
	struct sept_stats st;

	assert_int_equal(tdp_mmu_check_mirror(&x->mmu), 0);
	tdp_mmu_get_sept_stats(&x->mmu, &st);
	assert_int_equal(st.violations, 0);
	tdp_mmu_cache_free(&x->mmu, &x->cache);
	tdp_mmu_put_root(&x->mmu, x->mirror);
	mmu_fake_vm_destroy(&x->fake, &x->mmu, x->direct);
	tdp_mmu_get_sept_stats(&x->mmu, &st); /* sept gone: zeros */
	assert_int_equal(x->fake.double_frees, 0);
	assert_int_equal(mmu_fake_destroy(&x->fake), 0);
}

static int fault(struct mx *x, gfn_t gfn, bool shared, u64 acc,
		 struct tdp_fault *f)
{
	memset(f, 0, sizeof(*f));
	f->gpa = (gfn | (shared ? x->s : 0)) << PAGE_SHIFT;
	f->access = acc;
	return tdp_mmu_page_fault(&x->mmu, shared ? x->direct : x->mirror,
				  &x->cache, f);
}

/* The CPU's view of a GFN through tdp_mmu_hw_eptp(). */
static int hw(struct mx *x, gfn_t gfn, bool shared, u64 *leaf)
{
	int level;

	return mmu_fake_hw_walk(&x->fake, tdp_mmu_hw_eptp(&x->mmu),
				(gfn | (shared ? x->s : 0)) << PAGE_SHIFT, leaf,
				&level);
}

static void test_config(void **state)
{
	static const int bad[] = { 1, 12, 48, 63 };
	struct tdp_mmu_config cfg;
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	unsigned int i;

	(void)state;
	mmu_fake_init(&fake);
	tdp_mmu_default_config(&cfg);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cfg.shared_bit = (u8)bad[i];
		assert_int_equal(tdp_mmu_init(&mmu, &mmu_fake_ops, &fake, &cfg),
				 -EINVAL);
	}
	/* No private memory: no mirror root, hw EPTP = direct root's. */
	cfg.shared_bit = 0;
	assert_int_equal(mmu_fake_vm_create(&fake, &mmu, &cfg, &root), 0);
	assert_int_equal(tdp_mmu_get_root(&mmu, TDP_ROOT_MIRROR, &root),
			 -EOPNOTSUPP);
	assert_int_equal(tdp_mmu_hw_eptp(&mmu), tdp_mmu_root_eptp(root));
	assert_int_equal(tdp_mmu_convert(&mmu, 0, 1, false), -EINVAL);
	assert_int_equal(tdp_mmu_check_mirror(&mmu), 0);
	mmu_fake_vm_destroy(&fake, &mmu, root);
	assert_int_equal(mmu_fake_destroy(&fake), 0);
}

static void test_memslot_rules(void **state)
{
	struct mx x;

	(void)state;
	mx_init(&x, 39, SLOT_PAGES);
	/* Reaching the shared bit; flags; frames overlapping slot 0's. */
	assert_int_equal(tdp_memslot_add(&x.mmu, 1, x.s - 1, 2, 0x900000, 0),
			 -EINVAL);
	assert_int_equal(tdp_memslot_add(&x.mmu, 1, 0x10000, 16, 0x900000,
					 TDP_MEMSLOT_LOG_DIRTY),
			 -EOPNOTSUPP);
	assert_int_equal(tdp_memslot_add(&x.mmu, 1, 0x10000, 16, SLOT_PFN + 8,
					 0),
			 -EEXIST);
	assert_int_equal(tdp_memslot_set_flags(&x.mmu, 0, TDP_MEMSLOT_READONLY),
			 -EOPNOTSUPP);
	assert_int_equal(tdp_memslot_move(&x.mmu, 0, x.s - 16), -EINVAL);
	mx_fini(&x);
}

static void test_fault_sides(void **state)
{
	struct tdp_mmu_stats st0, st1;
	struct tdp_fault f;
	u64 leaf, trace;
	struct mx x;

	(void)state;
	mx_init(&x, 39, SLOT_PAGES);
	/* Wrong root for the side; bits above the shared bit. */
	f.gpa = 0x1000;
	f.access = TDP_ACC_R;
	assert_int_equal(tdp_mmu_page_fault(&x.mmu, x.direct, &x.cache, &f),
			 -EINVAL);
	f.gpa = (x.s | 1) << PAGE_SHIFT;
	assert_int_equal(tdp_mmu_page_fault(&x.mmu, x.mirror, &x.cache, &f),
			 -EINVAL);
	f.gpa = (2 * x.s) << PAGE_SHIFT;
	assert_int_equal(tdp_mmu_page_fault(&x.mmu, x.direct, &x.cache, &f),
			 -EINVAL);
	/* Private page: 4K through the S-EPT; the CPU sees the S-EPT leaf. */
	assert_int_equal(fault(&x, 0x200, false, TDP_ACC_R, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_MAPPED);
	assert_int_equal(f.level, TDP_LEVEL_4K);
	assert_int_equal(f.pfn, SLOT_PFN + 0x200);
	assert_int_equal(hw(&x, 0x200, false, &leaf), 0);
	assert_int_equal(spte_to_pfn(leaf), SLOT_PFN + 0x200);
	assert_int_equal(spte_access(leaf), TDP_ACC_ALL);
	assert_int_equal(fault(&x, 0x200, false, TDP_ACC_W, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_SPURIOUS);
	/* The shared alias of a private page: -EPERM, no side effect. */
	tdp_mmu_get_stats(&x.mmu, &st0);
	trace = tdp_mmu_trace_count(&x.mmu);
	assert_int_equal(fault(&x, 0x201, true, TDP_ACC_R, &f), -EPERM);
	tdp_mmu_get_stats(&x.mmu, &st1);
	assert_int_equal(tdp_mmu_trace_count(&x.mmu), trace);
	assert_memory_equal(st0.pages, st1.pages, sizeof(st0.pages));
	assert_int_equal(st1.perm_faults, st0.perm_faults + 1);
	assert_int_equal(hw(&x, 0x201, true, &leaf), -EFAULT);
	/* Outside every memslot: private = MMIO, nothing cached... */
	assert_int_equal(fault(&x, 0x100000, false, TDP_ACC_R, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_MMIO);
	assert_false(f.mmio_installed);
	assert_int_equal(tdp_mmu_trace_count(&x.mmu), trace);
	/* ...shared = an MMIO SPTE in the direct root, misconfig for the CPU. */
	assert_int_equal(fault(&x, 0x100000, true, TDP_ACC_W, &f), 0);
	assert_int_equal(f.result, TDP_FAULT_MMIO);
	assert_true(f.mmio_installed);
	assert_int_equal(hw(&x, 0x100000, true, &leaf), -EIO);
	assert_int_equal(tdp_mmu_classify_misconfig(
				 &x.mmu, x.direct,
				 (0x100000 | x.s) << PAGE_SHIFT, NULL),
			 TDP_MISCONFIG_MMIO);
	mx_fini(&x);
}

static void test_convert(void **state)
{
	struct sept_stats st;
	struct tdp_fault f;
	u64 leaf;
	gfn_t g;
	struct mx x;

	(void)state;
	mx_init(&x, 39, SLOT_PAGES);
	assert_int_equal(tdp_mmu_convert(&x.mmu, SLOT_PAGES - 1, 2, false),
			 -EINVAL);
	assert_int_equal(tdp_mmu_convert(&x.mmu, 0, 0, false), -EINVAL);
	/* Map 16 private pages and write a token into each. */
	for (g = 0x400; g < 0x410; g++) {
		assert_int_equal(fault(&x, g, false, TDP_ACC_W, &f), 0);
		assert_true(
			mmu_fake_guest_write(&x.fake, f.pfn, 0xc0ffee00 + g));
	}
	assert_true(tdp_mmu_gfn_is_private(&x.mmu, 0x400));
	/* Convert a 2 MiB block to shared: the private pages are removed and
	 * zeroed; the shared side may now map it with one 2M leaf. */
	assert_int_equal(tdp_mmu_convert(&x.mmu, 0x400, 0x200, false), 0);
	assert_false(tdp_mmu_gfn_is_private(&x.mmu, 0x400));
	for (g = 0x400; g < 0x410; g++) {
		assert_int_equal(mmu_fake_guest_read(&x.fake, SLOT_PFN + g), 0);
		assert_int_equal(hw(&x, g, false, &leaf), -EFAULT);
		assert_int_equal(fault(&x, g, false, TDP_ACC_R, &f), -EPERM);
	}
	assert_int_equal(fault(&x, 0x405, true, TDP_ACC_W, &f), 0);
	assert_int_equal(f.level, TDP_LEVEL_2M);
	assert_int_equal(hw(&x, 0x5ff, true, &leaf), 0);
	assert_int_equal(spte_to_pfn(leaf), SLOT_PFN + 0x400);
	tdp_mmu_get_sept_stats(&x.mmu, &st);
	assert_int_equal(st.ops[SEPT_OP_REMOVE], 16);
	assert_int_equal(st.ops[SEPT_OP_BLOCK], 16);
	assert_int_equal(st.ops[SEPT_OP_TRACK], 16);
	assert_int_equal(st.zeroed_pages, 16);
	/* One page back to private: the whole shared 2M leaf goes; the
	 * neighbours fault back in as 4K shared leaves. */
	assert_int_equal(tdp_mmu_convert(&x.mmu, 0x480, 1, true), 0);
	assert_int_equal(hw(&x, 0x481, true, &leaf), -EFAULT);
	assert_int_equal(fault(&x, 0x481, true, TDP_ACC_R, &f), 0);
	assert_int_equal(f.level, TDP_LEVEL_4K);
	assert_int_equal(fault(&x, 0x480, true, TDP_ACC_R, &f), -EPERM);
	assert_int_equal(fault(&x, 0x480, false, TDP_ACC_R, &f), 0);
	assert_int_equal(hw(&x, 0x480, false, &leaf), 0);
	assert_int_equal(spte_to_pfn(leaf), SLOT_PFN + 0x480);
	/* Deleting the slot removes (and zeroes) the private pages. */
	assert_true(mmu_fake_guest_write(&x.fake, SLOT_PFN + 0x480, 77));
	assert_int_equal(tdp_memslot_delete(&x.mmu, 0), 0);
	assert_int_equal(mmu_fake_guest_read(&x.fake, SLOT_PFN + 0x480), 0);
	assert_int_equal(hw(&x, 0x480, false, &leaf), -EFAULT);
	tdp_mmu_get_sept_stats(&x.mmu, &st);
	assert_int_equal(st.mapped_pages, 0);
	mx_fini(&x);
}

/* Map private and shared pages at both ends of the space; walk the CPU's
 * tree after each step. */
static void hw_view_for(int shared_bit)
{
	u64 pages = MIN(SLOT_PAGES, 1ULL << (shared_bit - PAGE_SHIFT));
	struct tdp_fault f;
	u64 leaf;
	struct mx x;
	gfn_t g;

	mx_init(&x, shared_bit, pages);
	assert_int_equal(tdp_mmu_convert(&x.mmu, pages / 2, pages / 2, false),
			 0);
	for (g = 0; g < pages; g += 1 + pages / 64) {
		bool shared = g >= pages / 2;

		assert_int_equal(fault(&x, g, shared, TDP_ACC_W, &f), 0);
		assert_int_equal(hw(&x, g, shared, &leaf), 0);
		assert_int_equal(spte_to_pfn(leaf) +
					 (g &
					  (tdp_pages_per_level(f.level) - 1)),
				 SLOT_PFN + g);
		assert_int_equal(hw(&x, g, !shared, &leaf), -EFAULT);
	}
	assert_int_equal(tdp_mmu_check_mirror(&x.mmu), 0);
	/* Zap all: the view forgets both sides (and the tables it linked). */
	tdp_mmu_zap_all(&x.mmu);
	for (g = 0; g < pages; g += 1 + pages / 64)
		assert_int_equal(hw(&x, g, g >= pages / 2, &leaf), -EFAULT);
	/* A fresh direct root after invalidation takes over the shared half. */
	assert_int_equal(fault(&x, pages - 1, true, TDP_ACC_R, &f), 0);
	tdp_mmu_invalidate_roots(&x.mmu);
	assert_int_equal(hw(&x, pages - 1, true, &leaf), -EFAULT);
	tdp_mmu_put_root(&x.mmu, x.direct);
	assert_int_equal(tdp_mmu_get_root(&x.mmu, TDP_ROOT_DIRECT, &x.direct),
			 0);
	assert_true(tdp_mmu_root_is_valid(x.mirror));
	assert_int_equal(fault(&x, pages - 1, true, TDP_ACC_R, &f), 0);
	assert_int_equal(hw(&x, pages - 1, true, &leaf), 0);
	mx_fini(&x);
}

static void test_hw_view(void **state)
{
	static const int bits[] = { 39, 47, 38, 30, 29, 21, 20, 13 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bits); i++)
		hw_view_for(bits[i]);
}

/* Everything a failed S-EPT operation must leave exactly as it was. */
struct snap {
	struct tdp_mmu_stats st;
	u64 trace;
	struct sept_stats sst;
	u64 walk[2][TDP_ROOT_LEVEL + 1];
};

static void take(struct mx *x, gfn_t g, struct snap *s)
{
	tdp_mmu_get_stats(&x->mmu, &s->st);
	s->trace = tdp_mmu_trace_count(&x->mmu);
	tdp_mmu_get_sept_stats(&x->mmu, &s->sst);
	tdp_mmu_get_walk(&x->mmu, x->mirror, g << PAGE_SHIFT, s->walk[0]);
	tdp_mmu_get_walk(&x->mmu, x->direct, (g | x->s) << PAGE_SHIFT,
			 s->walk[1]);
}

static void same(const struct snap *a, const struct snap *b)
{
	assert_memory_equal(a->st.pages, b->st.pages, sizeof(a->st.pages));
	assert_int_equal(a->trace, b->trace);
	assert_int_equal(a->sst.mapped_pages, b->sst.mapped_pages);
	assert_int_equal(a->sst.table_pages, b->sst.table_pages);
	assert_int_equal(a->sst.zeroed_pages, b->sst.zeroed_pages);
	assert_memory_equal(a->walk, b->walk, sizeof(a->walk));
}

static void test_failed_set_keeps_everything(void **state)
{
	struct snap before, after;
	struct sept_stats sst;
	struct tdp_fault f;
	struct mx x;
	u64 leaf;

	(void)state;
	mx_init(&x, 39, SLOT_PAGES);
	assert_int_equal(fault(&x, 0x10, false, TDP_ACC_R, &f), 0);
	/* set_leaf fails (tables exist already): only the leaf is tried. */
	sept_set_busy(x.mmu.sept, SEPT_OP_SET_LEAF, 1000000);
	take(&x, 0x11, &before);
	assert_int_equal(fault(&x, 0x11, false, TDP_ACC_W, &f), -EBUSY);
	take(&x, 0x11, &after);
	same(&before, &after);
	assert_int_equal(after.st.ext_busy, before.st.ext_busy + 1);
	assert_int_equal(hw(&x, 0x11, false, &leaf), -EFAULT);
	assert_int_equal(tdp_mmu_check_mirror(&x.mmu), 0);
	/* link_table fails for a new 2M region: no table, no stat, no trace. */
	sept_set_busy(x.mmu.sept, SEPT_OP_LINK, 1000000);
	take(&x, 0x1000, &before);
	assert_int_equal(fault(&x, 0x1000, false, TDP_ACC_W, &f), -EBUSY);
	take(&x, 0x1000, &after);
	same(&before, &after);
	assert_int_equal(x.mmu.nr_tables, x.mmu.nr_cached +
						  (s64)before.sst.table_pages +
						  1 /* direct root */ + 0);
	assert_int_equal(tdp_mmu_check_mirror(&x.mmu), 0);
	/* Contention over: the same faults succeed and are accounted once. */
	sept_set_busy(x.mmu.sept, SEPT_OP_LINK, 0);
	sept_set_busy(x.mmu.sept, SEPT_OP_SET_LEAF, 0);
	assert_int_equal(fault(&x, 0x11, false, TDP_ACC_W, &f), 0);
	assert_int_equal(fault(&x, 0x1000, false, TDP_ACC_W, &f), 0);
	tdp_mmu_get_stats(&x.mmu, &after.st);
	assert_int_equal(after.st.pages[1], before.st.pages[1] + 2);
	tdp_mmu_get_sept_stats(&x.mmu, &sst);
	assert_int_equal(sst.mapped_pages, 3);
	assert_int_equal(tdp_mmu_check_invariants(&x.mmu, NULL), 0);
	mx_fini(&x);
}

static void failed_remove(enum sept_op op)
{
	struct snap before, after;
	struct sept_stats sst;
	struct tdp_fault f;
	struct mx x;
	u64 leaf;

	mx_init(&x, 39, SLOT_PAGES);
	assert_int_equal(fault(&x, 0x20, false, TDP_ACC_W, &f), 0);
	assert_true(mmu_fake_guest_write(&x.fake, f.pfn, 42));
	sept_set_busy(x.mmu.sept, op, 1000000);
	take(&x, 0x20, &before);
	/* A zap of the page: the S-EPT refuses; nothing moves. */
	assert_int_equal(tdp_mmu_zap_gfn_range(&x.mmu, 0x20, 0x21), 0);
	take(&x, 0x20, &after);
	same(&before, &after);
	assert_int_equal(hw(&x, 0x20, false, &leaf), 0);
	assert_int_equal(mmu_fake_guest_read(&x.fake, SLOT_PFN + 0x20), 42);
	/* A zap of its whole table: the leaf, hence the table, stays. */
	assert_int_equal(tdp_mmu_zap_gfn_range(&x.mmu, 0, 0x40000), 0);
	take(&x, 0x20, &after);
	same(&before, &after);
	/* Conversion to shared fails and keeps the page private. */
	assert_int_equal(tdp_mmu_convert(&x.mmu, 0x20, 1, false), -EBUSY);
	assert_true(tdp_mmu_gfn_is_private(&x.mmu, 0x20));
	take(&x, 0x20, &after);
	same(&before, &after);
	/* Nothing blocked is left behind (a failed track/remove unblocks). */
	assert_int_equal(tdp_mmu_check_mirror(&x.mmu), 0);
	sept_set_busy(x.mmu.sept, op, 0);
	assert_int_equal(tdp_mmu_convert(&x.mmu, 0x20, 1, false), 0);
	assert_int_equal(mmu_fake_guest_read(&x.fake, SLOT_PFN + 0x20), 0);
	tdp_mmu_get_stats(&x.mmu, &after.st);
	assert_int_equal(after.st.pages[1], before.st.pages[1] - 1);
	assert_int_equal(tdp_mmu_trace_count(&x.mmu), before.trace + 1);
	tdp_mmu_get_sept_stats(&x.mmu, &sst);
	assert_int_equal(sst.mapped_pages, 0);
	assert_int_equal(sst.violations, 0);
	assert_int_equal(tdp_mmu_check_invariants(&x.mmu, NULL), 0);
	mx_fini(&x);
}

static void test_failed_remove_keeps_everything(void **state)
{
	(void)state;
	failed_remove(SEPT_OP_BLOCK);
	failed_remove(SEPT_OP_TRACK);
	failed_remove(SEPT_OP_REMOVE);
}

/* A table whose free fails: its (removed) children stay removed, each
 * accounted once; the table stays linked in both trees. */
static void test_failed_table_free(void **state)
{
	struct tdp_mmu_stats st;
	struct sept_stats sst;
	struct tdp_fault f;
	struct mx x;

	(void)state;
	mx_init(&x, 39, SLOT_PAGES);
	assert_int_equal(fault(&x, 0x30, false, TDP_ACC_W, &f), 0);
	assert_int_equal(fault(&x, 0x31, false, TDP_ACC_W, &f), 0);
	sept_set_busy(x.mmu.sept, SEPT_OP_FREE_TABLE, 1000000);
	/* The children went (each accounted); the table did not (0). */
	assert_int_equal(tdp_mmu_zap_gfn_range(&x.mmu, 0, 0x200), 0);
	tdp_mmu_get_stats(&x.mmu, &st);
	assert_int_equal(st.pages[1], 0);
	tdp_mmu_get_sept_stats(&x.mmu, &sst);
	assert_int_equal(sst.mapped_pages, 0);
	assert_int_equal(sst.table_pages, 4);
	assert_int_equal(tdp_mmu_check_mirror(&x.mmu), 0);
	assert_int_equal(tdp_mmu_check_invariants(&x.mmu, NULL), 0);
	sept_set_busy(x.mmu.sept, SEPT_OP_FREE_TABLE, 0);
	tdp_mmu_zap_all(&x.mmu);
	tdp_mmu_get_sept_stats(&x.mmu, &sst);
	assert_int_equal(sst.table_pages, 1);
	mx_fini(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_memslot_rules),
		cmocka_unit_test(test_fault_sides),
		cmocka_unit_test(test_convert),
		cmocka_unit_test(test_hw_view),
		cmocka_unit_test(test_failed_set_keeps_everything),
		cmocka_unit_test(test_failed_remove_keeps_everything),
		cmocka_unit_test(test_failed_table_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
