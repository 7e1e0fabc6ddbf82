// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency test of private memory (ASan and TSan builds): four threads
 * fault private and shared GPAs in overlapping ranges (mirror root and
 * direct root, S-EPT with 10% injected -EBUSY on every operation kind)
 * while a fifth converts ranges between private and shared, zaps ranges,
 * simulates CPU accesses and invalidates the direct roots.  Afterwards
 * every GFN is faulted on the side its attribute names (the other side
 * must refuse with -EPERM), and the tables must equal the model: the CPU's
 * walk of tdp_mmu_hw_eptp() finds each GFN's memslot frame on its side
 * only; tdp_mmu_check_mirror() (mirror == S-EPT, no violation, hardware
 * view exact) and tdp_mmu_check_invariants() pass; nothing leaks.
 *
 * Meanwhile two fake CPUs (mmu_fake_cpu_access()) walk tdp_mmu_hw_eptp()
 * like vCPUs, through the S-EPT and the direct root, with
 * paging-structure caches that keep non-leaf entries until the MMU's next
 * flush.  Every translation they find must be the memslot's frame; no
 * page, S-EPT tables included, may be freed while one of them has read
 * it since the last flush (walked_frees), and under ASan a walk through a
 * freed table is a use-after-poison.
 *
 *   MIRROR_CONC_FAULTS=<n>  faults per thread (default 100000)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "errno_codes.h"
#include "conc_assert.h"

#define NR_FAULTERS 4
#define NR_CPUS 2
/* 2 MiB of slot 1 whose S-EPT table the control thread empties and frees */
#define PROBE_BASE (SLOT1_BASE + 0x600)
#define PROBE_PAGES 0x200ULL
#define SHARED_BIT 39
#define S_GFN (1ULL << (SHARED_BIT - PAGE_SHIFT))
#define SLOT0_BASE 0x0ULL
#define SLOT0_PAGES 0x1000ULL
#define SLOT0_PFN 0x100000ULL
#define SLOT1_BASE 0x40000ULL
#define SLOT1_PAGES 0x800ULL
#define SLOT1_PFN 0x2000000ULL

struct conc {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *mirror;
	struct conc_ctl ctl; /* ctl.direct: the current direct root */
	u64 faults_per_thread;
	u64 perm, converts;
	u64 probe_walked; /* flush_gen + 1 when a CPU walked the probe */
	u64 probes;
};

/* A fault on the side @shared names: the direct root or the mirror root. */
static int fault_retry(struct conc *c, struct tdp_mmu_cache *cache, gfn_t gfn,
		       bool shared, u64 acc, struct tdp_fault *f)
{
	return conc_fault(&c->ctl, shared ? NULL : c->mirror, cache,
			  (gfn | (shared ? S_GFN : 0)) << PAGE_SHIFT, acc, f);
}

static gfn_t pick_gfn(u64 x)
{
	if (!(x & 3)) /* a hot 64 KiB that the control thread converts */
		return SLOT0_BASE + 0x200 + (x >> 8) % 0x10;
	if (x & 4)
		return SLOT0_BASE + (x >> 8) % SLOT0_PAGES;
	/* slot 1 and the holes around it (private MMIO / shared MMIO) */
	return SLOT1_BASE - 0x100 + (x >> 8) % (SLOT1_PAGES + 0x200);
}

static void faulter_main(void *arg, int idx)
{
	struct conc *c = arg;
	struct tdp_mmu_cache cache;
	struct tdp_fault f;
	u64 seed = 0x9e3779b9ULL * (u64)(idx + 1), i, x;
	int r;

	tdp_mmu_cache_init(&cache, (unsigned int)idx + 1);
	for (i = 0; i < c->faults_per_thread; i++) {
		x = conc_rnd(&seed);
		r = fault_retry(
			c, &cache, pick_gfn(x), (x >> 40) & 1,
			(x >> 41) & 1 ? TDP_ACC_R | TDP_ACC_W : TDP_ACC_R, &f);
		if (r == -EPERM)
			__atomic_fetch_add(&c->perm, 1, __ATOMIC_RELAXED);
		else if (r)
			conc_error(&c->ctl, "fault failed (%d)", r);
	}
	tdp_mmu_cache_free(&c->mmu, &cache);
}

static pfn_t slot_pfn(gfn_t g)
{
	return g < SLOT1_BASE ? SLOT0_PFN + g - SLOT0_BASE
			      : SLOT1_PFN + g - SLOT1_BASE;
}

/* A vCPU: private and shared accesses through the one hardware EPTP. */
static void cpu_main(void *arg, int idx)
{
	struct conc *c = arg;
	struct mmu_fake_cpu cpu;
	u64 seed = 0xc0ffeeULL * (u64)(idx + 1), x, leaf;
	u64 eptp = tdp_mmu_hw_eptp(&c->mmu);
	u64 walks = 0, mapped = 0;
	gfn_t g;
	int level, r;

	mmu_fake_cpu_init(&cpu, &c->fake);
	while (!conc_stopped(&c->ctl)) {
		x = conc_rnd(&seed);
		g = x & 1 ? SLOT0_BASE + (x >> 8) % SLOT0_PAGES
			  : SLOT1_BASE + (x >> 8) % SLOT1_PAGES;
		if (!(x & 6)) { /* the probe range, private side */
			g = PROBE_BASE + (x >> 8) % PROBE_PAGES;
			x &= ~(1ULL << 39);
		}
		r = mmu_fake_cpu_access(
			&cpu, eptp,
			(g | ((x >> 39) & 1 ? S_GFN : 0)) << PAGE_SHIFT,
			(x >> 40) & 1 ? TDP_ACC_W : TDP_ACC_R, &leaf, &level);
		if (r == -EFAULT && g >= PROBE_BASE && !((x >> 39) & 1))
			__atomic_store_n(&c->probe_walked,
					 __atomic_load_n(&c->fake.flush_gen,
							 __ATOMIC_ACQUIRE) +
						 1,
					 __ATOMIC_RELEASE);
		if (!r && spte_to_pfn(leaf) + (g & (tdp_pages_per_level(level) -
						    1)) !=
				  slot_pfn(g))
			conc_error(&c->ctl, "CPU walk: wrong frame (%ld)",
				   (long)g);
		walks++;
		mapped += !r;
	}
	conc_cpu_done(&c->ctl, &cpu, walks, mapped);
}

/*
 * Empty the probe range's S-EPT table (its leaves go with a flush each),
 * let a CPU walk into it and cache the entry above it, then zap the range:
 * the table itself is unlinked with no leaf left to flush for, and must
 * not be freed before the next flush.
 */
static void control_probe(struct conc *c)
{
	int r, i;

	/* In halves: a conversion of the whole range would free the table. */
	r = tdp_mmu_convert(&c->mmu, PROBE_BASE, PROBE_PAGES / 2, false);
	r = r
		    ?: tdp_mmu_convert(&c->mmu, PROBE_BASE + PROBE_PAGES / 2,
				       PROBE_PAGES / 2, false);
	/* Wait for a walk of the empty table since the last flush. */
	for (i = 0;
	     i < 10000 &&
	     __atomic_load_n(&c->probe_walked, __ATOMIC_ACQUIRE) !=
		     __atomic_load_n(&c->fake.flush_gen, __ATOMIC_ACQUIRE) + 1;
	     i++)
		sched_yield();
	tdp_mmu_zap_gfn_range(&c->mmu, PROBE_BASE, PROBE_BASE + PROBE_PAGES);
	r = r ?: tdp_mmu_convert(&c->mmu, PROBE_BASE, PROBE_PAGES, true);
	if (r)
		conc_error(&c->ctl, "probe convert (%d)", r);
	c->probes++;
}

static void control_step(struct conc *c, u64 x)
{
	gfn_t g = pick_gfn(x >> 3);
	struct tdp_mmu_page *root;
	int r;

	switch (x % 8) {
	case 0:
	case 1:
	case 2:
		if (g < SLOT1_BASE ? g + 4 > SLOT0_PAGES
				   : g < SLOT1_BASE ||
					     g + 4 > SLOT1_BASE + SLOT1_PAGES)
			break;
		r = tdp_mmu_convert(&c->mmu, g, 1 + (x >> 50) % 4,
				    (x >> 60) & 1);
		if (r)
			conc_error(&c->ctl, "convert (%d)", r);
		__atomic_fetch_add(&c->converts, 1, __ATOMIC_RELAXED);
		break;
	case 3:
		tdp_mmu_zap_gfn_range(&c->mmu, g, g + 1 + (x >> 40) % 0x80);
		break;
	case 4:
		root = conc_get_direct(&c->ctl);
		tdp_mmu_sim_access(&c->mmu, root, (g | S_GFN) << PAGE_SHIFT,
				   TDP_ACC_R);
		tdp_mmu_put_root(&c->mmu, root);
		tdp_mmu_sim_access(&c->mmu, c->mirror, g << PAGE_SHIFT,
				   TDP_ACC_W);
		break;
	case 5:
		tdp_mmu_test_and_clear_young(&c->mmu, g, g + 0x200);
		break;
	case 6:
		if (!((x >> 12) % 16))
			tdp_mmu_invalidate_roots(&c->mmu);
		break;
	case 7:
		if ((x >> 12) % 4) {
			control_probe(c);
			break;
		}
		/* fall through */
	default:
		/* A big conversion round trip of slot 1's second half. */
		if (!((x >> 12) % 8)) {
			r = tdp_mmu_convert(&c->mmu, SLOT1_BASE + 0x400, 0x400,
					    false);
			r = r
				    ?: tdp_mmu_convert(&c->mmu,
						       SLOT1_BASE + 0x400,
						       0x400, true);
			if (r)
				conc_error(&c->ctl, "convert 0x400 (%d)", r);
		}
		break;
	}
}

static void control_main(void *arg, int idx)
{
	struct conc *c = arg;
	u64 seed = 0xfeedface;

	(void)idx;
	while (!conc_stopped(&c->ctl))
		control_step(c, conc_rnd(&seed));
}

static void check_gfn(struct conc *c, struct tdp_mmu_cache *cache, gfn_t g,
		      pfn_t pfn)
{
	bool private = tdp_mmu_gfn_is_private(&c->mmu, g);
	struct tdp_fault f;
	u64 leaf;
	int level;

	assert_int_equal(fault_retry(c, cache, g, !private,
				     TDP_ACC_R | TDP_ACC_W, &f),
			 0);
	assert_int_equal(f.pfn, pfn);
	assert_int_equal(fault_retry(c, cache, g, private, TDP_ACC_R, &f),
			 -EPERM);
	assert_int_equal(mmu_fake_hw_walk(&c->fake, tdp_mmu_hw_eptp(&c->mmu),
					  (g | (private ? 0 : S_GFN))
						  << PAGE_SHIFT,
					  &leaf, &level),
			 0);
	assert_int_equal(spte_to_pfn(leaf) +
				 (g & (tdp_pages_per_level(level) - 1)),
			 pfn);
	assert_true(is_writable_pte(leaf));
	assert_int_equal(mmu_fake_hw_walk(&c->fake, tdp_mmu_hw_eptp(&c->mmu),
					  (g | (private ? S_GFN : 0))
						  << PAGE_SHIFT,
					  &leaf, &level),
			 -EFAULT);
}

static void check_final(struct conc *c)
{
	struct tdp_mmu_cache cache;
	struct tdp_mmu_check chk;
	struct sept_stats st;
	gfn_t g;

	tdp_mmu_cache_init(&cache, 0);
	for (g = 0; g < SLOT0_PAGES; g++)
		check_gfn(c, &cache, SLOT0_BASE + g, SLOT0_PFN + g);
	for (g = 0; g < SLOT1_PAGES; g++)
		check_gfn(c, &cache, SLOT1_BASE + g, SLOT1_PFN + g);
	tdp_mmu_cache_free(&c->mmu, &cache);
	assert_int_equal(tdp_mmu_check_mirror(&c->mmu), 0);
	assert_int_equal(tdp_mmu_check_invariants(&c->mmu, &chk), 0);
	tdp_mmu_get_sept_stats(&c->mmu, &st);
	printf("final: %llu tables, leaves 4K %llu 2M %llu; S-EPT: %llu mapped, %llu tables, %llu zeroed, violations %llu\n",
	       chk.tables, chk.leaves[1], chk.leaves[2], st.mapped_pages,
	       st.table_pages, st.zeroed_pages, st.violations);
	printf("S-EPT busy injected: link %llu set %llu block %llu track %llu remove %llu free %llu\n",
	       st.busy[SEPT_OP_LINK], st.busy[SEPT_OP_SET_LEAF],
	       st.busy[SEPT_OP_BLOCK], st.busy[SEPT_OP_TRACK],
	       st.busy[SEPT_OP_REMOVE], st.busy[SEPT_OP_FREE_TABLE]);
	assert_int_equal(st.violations, 0);
	assert_true(st.busy[SEPT_OP_SET_LEAF] > 0);
}

static void conc_private(void **state)
{
	struct conc *c = calloc(1, sizeof(*c));
	const struct conc_role roles[] = {
		{ control_main, c, 1, true },
		{ cpu_main, c, NR_CPUS, true },
		{ faulter_main, c, NR_FAULTERS, false },
	};
	struct tdp_mmu_config cfg;
	const char *env = getenv("MIRROR_CONC_FAULTS");
	int i;

	(void)state;
	c->faults_per_thread = env ? strtoull(env, NULL, 0) : 100000;
	mmu_fake_init(&c->fake);
	conc_init(&c->ctl, &c->mmu);
	tdp_mmu_default_config(&cfg);
	cfg.reclaim_threshold = 16;
	cfg.shared_bit = SHARED_BIT;
	cfg.sept.strict = true;
	for (i = 0; i < SEPT_OP_NR; i++)
		cfg.sept.busy_ppm[i] = 100000;
	assert_int_equal(mmu_fake_vm_create_private(&c->fake, &c->mmu, &cfg,
						    &c->ctl.direct, &c->mirror),
			 0);
	assert_int_equal(tdp_memslot_add(&c->mmu, 0, SLOT0_BASE, SLOT0_PAGES,
					 SLOT0_PFN, 0),
			 0);
	assert_int_equal(tdp_memslot_add(&c->mmu, 1, SLOT1_BASE, SLOT1_PAGES,
					 SLOT1_PFN, 0),
			 0);
	assert_int_equal(tdp_mmu_convert(&c->mmu, SLOT0_BASE + SLOT0_PAGES / 2,
					 SLOT0_PAGES / 2, false),
			 0);
	assert_int_equal(conc_run(&c->ctl, roles, ARRAY_SIZE(roles)), 0);
	conc_assert_no_errors(&c->ctl);
	printf("faults %llu x %d, retries %llu, -EPERM %llu, conversions %llu\n",
	       c->faults_per_thread, NR_FAULTERS, c->ctl.retries, c->perm,
	       c->converts);
	check_final(c);
	printf("CPU walks %llu (%llu from a cached entry, %llu mapped), %llu table probes, %llu pages freed while a walker could read them\n",
	       c->ctl.cpu_walks, c->ctl.cpu_hits, c->ctl.cpu_mapped, c->probes,
	       mmu_fake_walked_frees(&c->fake));
	conc_assert_teardown(&c->ctl, &c->fake, c->mirror);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conc_private),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
