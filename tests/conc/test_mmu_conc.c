// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency test of the TDP MMU (ASan and TSan builds): four threads
 * fault partitioned and overlapping GFN ranges under the read lock while a
 * fifth zaps ranges, toggles dirty logging (with eager split and huge-page
 * recovery), harvests dirty bitmaps, ages pages, adds/removes a memslot and
 * invalidates roots.  Afterwards every GFN is faulted once more and the
 * tables must equal the model (every GFN mapped writable to its memslot's
 * PFN), the invariant checker must pass (stats equal a recount, every
 * non-leaf points to a live table), and the fake platform must report no
 * double free and, after teardown, no leaked page.
 *
 * Meanwhile two fake CPUs (mmu_fake_cpu_access()) walk the current root's
 * EPTP like vCPUs, with paging-structure caches that keep non-leaf entries
 * until the MMU's next flush, and set A/D by compare-exchange.  Every
 * translation they find must be the memslot's frame; no page may be freed
 * while one of them has read it since the last flush (walked_frees), and
 * under ASan a walk through a freed table is a use-after-poison.
 *
 *   MMU_CONC_FAULTS=<n>  faults per thread (default 100000)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "errno_codes.h"
#include "conc_assert.h"

#define NR_FAULTERS 4
#define NR_CPUS 2
#define SLOT0_BASE 0x0ULL
#define SLOT0_PAGES 0x2000ULL /* 32 MiB, 2M-capable */
#define SLOT0_PFN 0x100000ULL
#define SLOT1_BASE 0x40000ULL
#define SLOT1_PAGES 0x40000ULL /* 1 GiB, 1G-capable */
#define SLOT1_PFN 0x2000000ULL
#define SLOT2_BASE 0x10000ULL /* added and removed by the control thread */
#define SLOT2_PAGES 0x400ULL

struct conc {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct conc_ctl ctl; /* ctl.direct: the current root */
	u64 faults_per_thread;
};

static void faulter_main(void *arg, int idx)
{
	struct conc *c = arg;
	struct tdp_mmu_cache cache;
	struct tdp_fault f;
	u64 seed = 0x1234567ULL * (u64)(idx + 1), i;
	gfn_t gfn;
	int r;

	tdp_mmu_cache_init(&cache, (unsigned int)idx + 1);
	for (i = 0; i < c->faults_per_thread; i++) {
		u64 x = conc_rnd(&seed);

		if (idx < 2) /* partitioned halves of slot 0 */
			gfn = SLOT0_BASE + idx * (SLOT0_PAGES / 2) +
			      x % (SLOT0_PAGES / 2);
		else if (!(x & 3)) /* overlapping: a hot 2 MiB of slot 0 */
			gfn = SLOT0_BASE + 0x200 + (x >> 8) % 0x200;
		else if (x & 1) /* overlapping: all of slot 0 */
			gfn = SLOT0_BASE + (x >> 8) % SLOT0_PAGES;
		else /* overlapping: part of slot 1, slot 2 and holes */
			gfn = SLOT1_BASE - 0x800 + (x >> 8) % 0x2000;
		r = conc_fault(
			&c->ctl, NULL, &cache, gfn << PAGE_SHIFT,
			(x >> 40) & 1 ? TDP_ACC_R | TDP_ACC_W : TDP_ACC_R, &f);
		if (r)
			conc_error(&c->ctl, "fault failed (%d)", r);
		if (!(x >> 50 & 7)) {
			struct tdp_mmu_page *root = conc_get_direct(&c->ctl);

			tdp_mmu_sim_access(&c->mmu, root, gfn << PAGE_SHIFT,
					   TDP_ACC_R);
			tdp_mmu_put_root(&c->mmu, root);
		}
	}
	tdp_mmu_cache_free(&c->mmu, &cache);
}

/* A vCPU: walks the hardware EPTP of the root it holds. */
static void cpu_main(void *arg, int idx)
{
	struct conc *c = arg;
	struct mmu_fake_cpu cpu;
	struct tdp_mmu_page *root;
	u64 seed = 0xc0ffeeULL * (u64)(idx + 1), x, leaf;
	u64 walks = 0, mapped = 0;
	gfn_t g;
	int level, r;

	mmu_fake_cpu_init(&cpu, &c->fake);
	while (!conc_stopped(&c->ctl)) {
		root = conc_get_direct(&c->ctl);
		for (int i = 0; i < 64; i++) {
			x = conc_rnd(&seed);
			g = x & 1 ? SLOT0_BASE + (x >> 8) % SLOT0_PAGES
				  : SLOT1_BASE + (x >> 8) % 0x800;
			r = mmu_fake_cpu_access(
				&cpu, tdp_mmu_root_eptp(root), g << PAGE_SHIFT,
				(x >> 40) & 1 ? TDP_ACC_W : TDP_ACC_R, &leaf,
				&level);
			if (!r &&
			    spte_to_pfn(leaf) +
					    (g & (tdp_pages_per_level(level) -
						  1)) !=
				    (g < SLOT1_BASE
					     ? SLOT0_PFN + g - SLOT0_BASE
					     : SLOT1_PFN + g - SLOT1_BASE))
				conc_error(&c->ctl,
					   "CPU walk: wrong frame (%ld)",
					   (long)g);
			walks++;
			mapped += !r;
		}
		tdp_mmu_put_root(&c->mmu, root);
	}
	conc_cpu_done(&c->ctl, &cpu, walks, mapped);
}

static void control_step(struct conc *c, u64 x, u64 *bitmap)
{
	gfn_t start = (x >> 8) % SLOT0_PAGES;
	int r;

	switch (x % 8) {
	case 0:
		tdp_mmu_zap_gfn_range(&c->mmu, start,
				      start + (x >> 32) % 0x400);
		break;
	case 1:
		r = tdp_memslot_set_flags(&c->mmu, (x >> 4) & 1,
					  (x >> 5) & 1 ? TDP_MEMSLOT_LOG_DIRTY
						       : 0);
		if (r)
			conc_error(&c->ctl, "set_flags (%d)", r);
		break;
	case 2:
		r = tdp_mmu_get_dirty_log(&c->mmu, (x >> 4) & 1, bitmap,
					  SLOT1_PAGES / 64);
		if (r && r != -EINVAL)
			conc_error(&c->ctl, "get_dirty_log (%d)", r);
		break;
	case 3:
		tdp_mmu_test_and_clear_young(&c->mmu, start, start + 0x1000);
		tdp_mmu_zap_gfn_range(&c->mmu, 0x200 + (x >> 40) % 0x200,
				      0x201 + (x >> 40) % 0x200);
		break;
	case 4:
		r = tdp_memslot_add(&c->mmu, 2, SLOT2_BASE, SLOT2_PAGES,
				    0x800000, 0);
		if (r && r != -EEXIST)
			conc_error(&c->ctl, "add (%d)", r);
		break;
	case 5:
		r = tdp_memslot_delete(&c->mmu, 2);
		if (r && r != -ENOENT)
			conc_error(&c->ctl, "delete (%d)", r);
		break;
	case 6:
		tdp_mmu_recover_huge_pages(&c->mmu, 0,
					   SLOT1_BASE + SLOT1_PAGES);
		break;
	default:
		if (!((x >> 12) % 8))
			tdp_mmu_invalidate_roots(&c->mmu);
		else
			tdp_mmu_zap_gfn_range(&c->mmu, SLOT1_BASE - 0x800,
					      SLOT1_BASE + 0x800);
		break;
	}
}

static void control_main(void *arg, int idx)
{
	struct conc *c = arg;
	u64 seed = 0xfeedface, *bitmap = calloc(SLOT1_PAGES / 64, 8);

	(void)idx;
	while (!conc_stopped(&c->ctl))
		control_step(c, conc_rnd(&seed), bitmap);
	free(bitmap);
}

static void check_final(struct conc *c)
{
	static const struct {
		gfn_t base;
		u64 pages;
		pfn_t pfn;
	} slots[] = {
		{ SLOT0_BASE, SLOT0_PAGES, SLOT0_PFN },
		{ SLOT1_BASE, 0x800, SLOT1_PFN },
	};
	struct tdp_mmu_cache cache;
	struct tdp_mmu_check chk;
	struct tdp_fault f;
	u64 sptes[TDP_ROOT_LEVEL + 1];
	unsigned int i;
	gfn_t g;
	int l;

	tdp_mmu_cache_init(&cache, 0);
	assert_int_equal(tdp_memslot_set_flags(&c->mmu, 0, 0), 0);
	assert_int_equal(tdp_memslot_set_flags(&c->mmu, 1, 0), 0);
	for (i = 0; i < ARRAY_SIZE(slots); i++)
		for (g = slots[i].base; g < slots[i].base + slots[i].pages;
		     g++) {
			assert_int_equal(conc_fault(&c->ctl, NULL, &cache,
						    g << PAGE_SHIFT,
						    TDP_ACC_R | TDP_ACC_W, &f),
					 0);
			l = tdp_mmu_get_walk(&c->mmu, c->ctl.direct,
					     g << PAGE_SHIFT, sptes);
			assert_true(is_shadow_present_pte(sptes[l]));
			assert_true(is_last_spte(sptes[l], l));
			assert_true(is_writable_pte(sptes[l]));
			assert_int_equal(spte_to_pfn(sptes[l]) +
						 (g &
						  (tdp_pages_per_level(l) - 1)),
					 slots[i].pfn + (g - slots[i].base));
		}
	tdp_mmu_cache_free(&c->mmu, &cache);
	assert_int_equal(tdp_mmu_check_invariants(&c->mmu, &chk), 0);
	printf("final: %llu tables, leaves 4K %llu 2M %llu 1G %llu, %llu MMIO\n",
	       chk.tables, chk.leaves[1], chk.leaves[2], chk.leaves[3],
	       chk.mmio);
}

static void conc_faults(void **state)
{
	struct conc *c = calloc(1, sizeof(*c));
	const struct conc_role roles[] = {
		{ control_main, c, 1, true },
		{ cpu_main, c, NR_CPUS, true },
		{ faulter_main, c, NR_FAULTERS, false },
	};
	struct tdp_mmu_config cfg;
	struct tdp_mmu_stats st;
	const char *env = getenv("MMU_CONC_FAULTS");

	(void)state;
	c->faults_per_thread = env ? strtoull(env, NULL, 0) : 100000;
	mmu_fake_init(&c->fake);
	conc_init(&c->ctl, &c->mmu);
	tdp_mmu_default_config(&cfg);
	cfg.reclaim_threshold = 16;
	assert_int_equal(
		mmu_fake_vm_create(&c->fake, &c->mmu, &cfg, &c->ctl.direct), 0);
	assert_int_equal(tdp_memslot_add(&c->mmu, 0, SLOT0_BASE, SLOT0_PAGES,
					 SLOT0_PFN, 0),
			 0);
	assert_int_equal(tdp_memslot_add(&c->mmu, 1, SLOT1_BASE, SLOT1_PAGES,
					 SLOT1_PFN, 0),
			 0);
	assert_int_equal(conc_run(&c->ctl, roles, ARRAY_SIZE(roles)), 0);
	conc_assert_no_errors(&c->ctl);
	check_final(c);
	tdp_mmu_get_stats(&c->mmu, &st);
	printf("faults %llu, retries %llu, lost cmpxchg %llu, frozen %llu, splits %llu, recovered %llu, tables freed %llu, TLB flushes %llu\n",
	       st.faults, c->ctl.retries, st.cmpxchg_failed, st.frozen_retries,
	       st.splits, st.recovered, st.tables_freed, c->mmu.tlb_flushes);
	printf("CPU walks %llu (%llu from a cached entry, %llu mapped), %llu pages freed while a walker could read them\n",
	       c->ctl.cpu_walks, c->ctl.cpu_hits, c->ctl.cpu_mapped,
	       mmu_fake_walked_frees(&c->fake));
	conc_assert_teardown(&c->ctl, &c->fake, NULL);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conc_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
