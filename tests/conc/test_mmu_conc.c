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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "errno_codes.h"
#include "mmu_fake.h"

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
	struct tdp_mmu_page *root; /* current root; guarded by root_lock */
	pthread_mutex_t root_lock;
	u64 faults_per_thread;
	int stop;
	u64 errors;
	u64 retries;
	u64 cpu_walks, cpu_hits, cpu_mapped; /* fake CPUs, at their end */
	char err[256];
};

static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void conc_error(struct conc *c, const char *msg, long v)
{
	if (__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED) == 0)
		snprintf(c->err, sizeof(c->err), "%s (%ld)", msg, v);
}

static struct tdp_mmu_page *get_root(struct conc *c)
{
	struct tdp_mmu_page *root;

	pthread_mutex_lock(&c->root_lock);
	if (!tdp_mmu_root_is_valid(c->root)) {
		tdp_mmu_put_root(&c->mmu, c->root);
		if (tdp_mmu_get_root(&c->mmu, TDP_ROOT_DIRECT, &c->root))
			abort();
	}
	root = c->root;
	/* Hold our own reference while we use it. */
	__atomic_fetch_add(&root->root_refcount, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&c->root_lock);
	return root;
}

static int fault_retry(struct conc *c, struct tdp_mmu_cache *cache, gpa_t gpa,
		       u64 acc, struct tdp_fault *f)
{
	struct tdp_mmu_page *root = get_root(c);
	int r, tries = 0;

	for (;;) {
		f->gpa = gpa;
		f->access = acc;
		r = tdp_mmu_page_fault(&c->mmu, root, cache, f);
		if (r != -EBUSY && r != -EAGAIN)
			break;
		__atomic_fetch_add(&c->retries, 1, __ATOMIC_RELAXED);
		if (r == -EAGAIN && !tdp_mmu_root_is_valid(root)) {
			tdp_mmu_put_root(&c->mmu, root);
			root = get_root(c);
		}
		if (++tries > 1000000) {
			conc_error(c, "fault never completes", r);
			break;
		}
	}
	tdp_mmu_put_root(&c->mmu, root);
	return r;
}

struct faulter {
	struct conc *c;
	int idx;
};

static void *faulter_main(void *arg)
{
	struct faulter *ft = arg;
	struct conc *c = ft->c;
	struct tdp_mmu_cache cache;
	struct tdp_fault f;
	u64 seed = 0x1234567ULL * (u64)(ft->idx + 1), i;
	gfn_t gfn;
	int r;

	tdp_mmu_cache_init(&cache, (unsigned int)ft->idx + 1);
	for (i = 0; i < c->faults_per_thread; i++) {
		u64 x = rnd(&seed);

		if (ft->idx < 2) /* partitioned halves of slot 0 */
			gfn = SLOT0_BASE + ft->idx * (SLOT0_PAGES / 2) +
			      x % (SLOT0_PAGES / 2);
		else if (!(x & 3)) /* overlapping: a hot 2 MiB of slot 0 */
			gfn = SLOT0_BASE + 0x200 + (x >> 8) % 0x200;
		else if (x & 1) /* overlapping: all of slot 0 */
			gfn = SLOT0_BASE + (x >> 8) % SLOT0_PAGES;
		else /* overlapping: part of slot 1, slot 2 and holes */
			gfn = SLOT1_BASE - 0x800 + (x >> 8) % 0x2000;
		r = fault_retry(
			c, &cache, gfn << PAGE_SHIFT,
			(x >> 40) & 1 ? TDP_ACC_R | TDP_ACC_W : TDP_ACC_R, &f);
		if (r)
			conc_error(c, "fault failed", r);
		if (!(x >> 50 & 7)) {
			struct tdp_mmu_page *root = get_root(c);

			tdp_mmu_sim_access(&c->mmu, root, gfn << PAGE_SHIFT,
					   TDP_ACC_R);
			tdp_mmu_put_root(&c->mmu, root);
		}
	}
	tdp_mmu_cache_free(&c->mmu, &cache);
	return NULL;
}

static void cpu_done(struct conc *c, const struct mmu_fake_cpu *cpu, u64 walks,
		     u64 mapped)
{
	__atomic_fetch_add(&c->cpu_walks, walks, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->cpu_hits, cpu->hits, __ATOMIC_RELAXED);
	__atomic_fetch_add(&c->cpu_mapped, mapped, __ATOMIC_RELAXED);
}

/* A vCPU: walks the hardware EPTP of the root it holds. */
static void *cpu_main(void *arg)
{
	struct faulter *ft = arg;
	struct conc *c = ft->c;
	struct mmu_fake_cpu cpu;
	struct tdp_mmu_page *root;
	u64 seed = 0xc0ffeeULL * (u64)(ft->idx + 1), x, leaf;
	u64 walks = 0, mapped = 0;
	gfn_t g;
	int level, r;

	mmu_fake_cpu_init(&cpu, &c->fake);
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		root = get_root(c);
		for (int i = 0; i < 64; i++) {
			x = rnd(&seed);
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
				conc_error(c, "CPU walk: wrong frame", (long)g);
			walks++;
			mapped += !r;
		}
		tdp_mmu_put_root(&c->mmu, root);
	}
	cpu_done(c, &cpu, walks, mapped);
	return NULL;
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
			conc_error(c, "set_flags", r);
		break;
	case 2:
		r = tdp_mmu_get_dirty_log(&c->mmu, (x >> 4) & 1, bitmap,
					  SLOT1_PAGES / 64);
		if (r && r != -EINVAL)
			conc_error(c, "get_dirty_log", r);
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
			conc_error(c, "add", r);
		break;
	case 5:
		r = tdp_memslot_delete(&c->mmu, 2);
		if (r && r != -ENOENT)
			conc_error(c, "delete", r);
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

static void *control_main(void *arg)
{
	struct conc *c = arg;
	u64 seed = 0xfeedface, *bitmap = calloc(SLOT1_PAGES / 64, 8);

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
		control_step(c, rnd(&seed), bitmap);
	free(bitmap);
	return NULL;
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
			assert_int_equal(fault_retry(c, &cache, g << PAGE_SHIFT,
						     TDP_ACC_R | TDP_ACC_W, &f),
					 0);
			l = tdp_mmu_get_walk(&c->mmu, c->root, g << PAGE_SHIFT,
					     sptes);
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
	struct faulter ft[NR_FAULTERS], cf[NR_CPUS];
	pthread_t th[NR_FAULTERS], ctl, cpus[NR_CPUS];
	struct tdp_mmu_config cfg;
	struct tdp_mmu_stats st;
	const char *env = getenv("MMU_CONC_FAULTS");
	int i;

	(void)state;
	c->faults_per_thread = env ? strtoull(env, NULL, 0) : 100000;
	mmu_fake_init(&c->fake);
	pthread_mutex_init(&c->root_lock, NULL);
	tdp_mmu_default_config(&cfg);
	cfg.reclaim_threshold = 16;
	assert_int_equal(mmu_fake_vm_create(&c->fake, &c->mmu, &cfg, &c->root),
			 0);
	assert_int_equal(tdp_memslot_add(&c->mmu, 0, SLOT0_BASE, SLOT0_PAGES,
					 SLOT0_PFN, 0),
			 0);
	assert_int_equal(tdp_memslot_add(&c->mmu, 1, SLOT1_BASE, SLOT1_PAGES,
					 SLOT1_PFN, 0),
			 0);
	assert_int_equal(pthread_create(&ctl, NULL, control_main, c), 0);
	for (i = 0; i < NR_CPUS; i++) {
		cf[i].c = c;
		cf[i].idx = i;
		assert_int_equal(
			pthread_create(&cpus[i], NULL, cpu_main, &cf[i]), 0);
	}
	for (i = 0; i < NR_FAULTERS; i++) {
		ft[i].c = c;
		ft[i].idx = i;
		assert_int_equal(
			pthread_create(&th[i], NULL, faulter_main, &ft[i]), 0);
	}
	for (i = 0; i < NR_FAULTERS; i++)
		pthread_join(th[i], NULL);
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	pthread_join(ctl, NULL);
	for (i = 0; i < NR_CPUS; i++)
		pthread_join(cpus[i], NULL);
	if (c->errors)
		fail_msg("%llu errors, first: %s", c->errors, c->err);
	check_final(c);
	tdp_mmu_get_stats(&c->mmu, &st);
	printf("faults %llu, retries %llu, lost cmpxchg %llu, frozen %llu, splits %llu, recovered %llu, tables freed %llu, TLB flushes %llu\n",
	       st.faults, c->retries, st.cmpxchg_failed, st.frozen_retries,
	       st.splits, st.recovered, st.tables_freed, c->mmu.tlb_flushes);
	printf("CPU walks %llu (%llu from a cached entry, %llu mapped), %llu pages freed while a walker could read them\n",
	       c->cpu_walks, c->cpu_hits, c->cpu_mapped,
	       mmu_fake_walked_frees(&c->fake));
	assert_int_equal(mmu_fake_walked_frees(&c->fake), 0);
	assert_int_equal(c->fake.double_frees, 0);
	assert_int_equal(c->fake.bad_frees, 0);
	mmu_fake_vm_destroy(&c->fake, &c->mmu, c->root);
	assert_int_equal(c->fake.double_frees, 0);
	assert_int_equal(mmu_fake_destroy(&c->fake), 0);
	pthread_mutex_destroy(&c->root_lock);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conc_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
