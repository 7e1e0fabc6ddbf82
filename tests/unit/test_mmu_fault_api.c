// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU entry points, tested from their contract:
 *
 * tdp_mmu_handle_fault() picks the root from the GPA (private memory on
 * and the shared bit clear: the mirror root; else the direct root), tops
 * up the vCPU's cache itself, retries -EBUSY/-EAGAIN a bounded number of
 * times and says how often, and on which side the GPA was.
 *
 * tdp_mmu_handle_misconfig() answers from the vCPU's MMIO cache while the
 * GPA still has no memslot, and never otherwise: not after a memslot was
 * added there (the GPA must then be mapped as RAM, never emulated), not
 * while a memslot update is in progress, not after the generation was set
 * back to the value the cache was filled at, and not after it wrapped
 * (the full 64-bit generation, or its 19 MMIO bits) to that value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "mmu_fake.h"
#include "mmu/tdp_sync.h"

#define RAM_PAGES 512ULL
#define RAM_PFN 0x1000ULL
#define HOLE_GPA 0x80000000ULL /* no memslot until a test adds one */
#define HOLE_GFN (HOLE_GPA >> PAGE_SHIFT)
#define HOLE_PFN 0x9000ULL
#define SHARED_BIT 39
#define S_GFN (1ULL << (SHARED_BIT - PAGE_SHIFT))

struct fx {
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *direct, *mirror;
	struct tdp_mmu_vcpu v;
};

static void fx_init(struct fx *x, int shared_bit, u32 busy_ppm)
{
	struct tdp_mmu_config cfg;

	memset(x, 0, sizeof(*x));
	mmu_fake_init(&x->f);
	tdp_mmu_default_config(&cfg);
	cfg.shared_bit = (u8)shared_bit;
	cfg.sept.seed = 12345;
	cfg.sept.busy_ppm[SEPT_OP_LINK] = busy_ppm;
	cfg.sept.busy_ppm[SEPT_OP_SET_LEAF] = busy_ppm;
	assert_int_equal(mmu_fake_vm_create_private(&x->f, &x->mmu, &cfg,
						    &x->direct, &x->mirror),
			 0);
	tdp_mmu_vcpu_init(&x->v, 1);
	tdp_mmu_vcpu_set_roots(&x->v, x->direct, x->mirror);
	assert_int_equal(tdp_memslot_add(&x->mmu, 0, 0, RAM_PAGES, RAM_PFN, 0),
			 0);
}

static void fx_fini(struct fx *x)
{
	struct tdp_mmu_check chk;

	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, &chk), 0);
	assert_int_equal(tdp_mmu_check_mirror(&x->mmu), 0);
	tdp_mmu_vcpu_destroy(&x->mmu, &x->v);
	if (x->mirror)
		tdp_mmu_put_root(&x->mmu, x->mirror);
	mmu_fake_vm_destroy(&x->f, &x->mmu, x->direct);
	assert_int_equal(x->f.double_frees, 0);
	assert_int_equal(mmu_fake_destroy(&x->f), 0);
}

/* The lowest SPTE a root has for @gpa. */
static u64 leaf(struct fx *x, struct tdp_mmu_page *root, gpa_t gpa)
{
	u64 sptes[TDP_ROOT_LEVEL + 1];

	return sptes[tdp_mmu_get_walk(&x->mmu, root, gpa, sptes)];
}

static bool maps(struct fx *x, struct tdp_mmu_page *root, gpa_t gpa)
{
	return is_shadow_present_pte(leaf(x, root, gpa));
}

/* --- root choice --- */

static void test_private_gpa_goes_to_mirror(void **state)
{
	static struct fx x;
	struct tdp_fault f;
	gpa_t gpa = 0x5ULL << PAGE_SHIFT;

	(void)state;
	fx_init(&x, SHARED_BIT, 0);
	assert_true(tdp_mmu_gpa_is_private(&x.mmu, gpa));
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, gpa, TDP_ACC_R, &f),
			 0);
	assert_int_equal(f.error, 0);
	assert_true(f.private_gpa);
	assert_int_equal(f.result, TDP_FAULT_MAPPED);
	assert_int_equal(f.pfn, RAM_PFN + 5);
	assert_true(maps(&x, x.mirror, gpa));
	assert_false(maps(&x, x.direct, gpa | (S_GFN << PAGE_SHIFT)));
	assert_false(maps(&x, x.direct, gpa));
	fx_fini(&x);
}

static void test_shared_alias_goes_to_direct(void **state)
{
	static struct fx x;
	struct tdp_fault f;
	gfn_t g = 7;
	gpa_t alias = (g | S_GFN) << PAGE_SHIFT;

	(void)state;
	fx_init(&x, SHARED_BIT, 0);
	assert_false(tdp_mmu_gpa_is_private(&x.mmu, alias));
	/* Pages start private: the shared side is the wrong one. */
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, alias, TDP_ACC_R,
					      &f),
			 -EPERM);
	assert_int_equal(f.error, -EPERM);
	assert_false(f.private_gpa);
	assert_false(maps(&x, x.direct, alias));
	assert_int_equal(tdp_mmu_convert(&x.mmu, g, 1, false), 0);
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, alias,
					      TDP_ACC_R | TDP_ACC_W, &f),
			 0);
	assert_false(f.private_gpa);
	assert_int_equal(f.result, TDP_FAULT_MAPPED);
	assert_int_equal(f.pfn, RAM_PFN + g);
	assert_true(maps(&x, x.direct, alias));
	assert_false(maps(&x, x.mirror, g << PAGE_SHIFT));
	/* ... and now the private side is the wrong one. */
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, g << PAGE_SHIFT,
					      TDP_ACC_R, &f),
			 -EPERM);
	assert_true(f.private_gpa);
	fx_fini(&x);
}

static void test_no_private_memory_goes_to_direct(void **state)
{
	static struct fx x;
	struct tdp_fault f;
	gpa_t gpa = 0x9ULL << PAGE_SHIFT;
	gpa_t hole = HOLE_GPA | (1ULL << SHARED_BIT); /* "shared" bit set */

	(void)state;
	fx_init(&x, 0, 0);
	assert_null(x.mirror);
	assert_false(tdp_mmu_gpa_is_private(&x.mmu, gpa));
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, gpa, TDP_ACC_R, &f),
			 0);
	assert_false(f.private_gpa);
	assert_int_equal(f.result, TDP_FAULT_MAPPED);
	assert_true(maps(&x, x.direct, gpa));
	assert_int_equal(
		tdp_mmu_handle_fault(&x.mmu, &x.v, hole, TDP_ACC_R, &f), 0);
	assert_false(f.private_gpa);
	assert_int_equal(f.result, TDP_FAULT_MMIO);
	assert_true(f.mmio_installed);
	assert_true(is_mmio_spte(leaf(&x, x.direct, hole)));
	fx_fini(&x);
}

static void test_no_root_for_the_side(void **state)
{
	static struct fx x;
	struct tdp_fault f;

	(void)state;
	fx_init(&x, SHARED_BIT, 0);
	tdp_mmu_vcpu_set_roots(&x.v, x.direct, NULL);
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, 0x3000, TDP_ACC_R,
					      &f),
			 -EINVAL);
	assert_true(f.private_gpa);
	tdp_mmu_vcpu_set_roots(&x.v, x.direct, x.mirror);
	fx_fini(&x);
}

/* --- the retry loop --- */

static void test_retries_survive_sept_busy(void **state)
{
	static struct fx x;
	struct sept_stats st;
	struct tdp_fault f;
	u64 retries = 0;
	gfn_t g;

	(void)state;
	fx_init(&x, SHARED_BIT, 300000); /* 30% of links and sets busy */
	for (g = 0; g < 256; g += 3) {
		assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v,
						      g << PAGE_SHIFT,
						      TDP_ACC_R, &f),
				 0);
		assert_int_equal(f.result, TDP_FAULT_MAPPED);
		assert_true(f.private_gpa);
		assert_true(maps(&x, x.mirror, g << PAGE_SHIFT));
		retries += f.retries;
	}
	tdp_mmu_get_sept_stats(&x.mmu, &st);
	assert_true(st.busy[SEPT_OP_LINK] + st.busy[SEPT_OP_SET_LEAF] > 0);
	/* One thread: every busy S-EPT op cost exactly one attempt. */
	assert_int_equal(retries,
			 st.busy[SEPT_OP_LINK] + st.busy[SEPT_OP_SET_LEAF]);
	fx_fini(&x);
}

static void test_retries_are_bounded(void **state)
{
	static struct fx x;
	struct tdp_fault f;
	gpa_t gpa = 0x11ULL << PAGE_SHIFT;
	struct sept_config cfg;

	(void)state;
	fx_init(&x, SHARED_BIT, 0);
	cfg = x.mmu.sept->cfg;
	cfg.busy_ppm[SEPT_OP_LINK] = 1000000;
	cfg.busy_ppm[SEPT_OP_SET_LEAF] = 1000000;
	sept_set_config(x.mmu.sept, &cfg);
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, gpa, TDP_ACC_R, &f),
			 -EBUSY);
	assert_int_equal(f.error, -EBUSY);
	assert_true(f.retries > 1);
	assert_false(maps(&x, x.mirror, gpa));
	cfg.busy_ppm[SEPT_OP_LINK] = 0;
	cfg.busy_ppm[SEPT_OP_SET_LEAF] = 0;
	sept_set_config(x.mmu.sept, &cfg);
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, gpa, TDP_ACC_R, &f),
			 0);
	assert_int_equal(f.retries, 0);
	fx_fini(&x);
}

/* --- the MMIO cache --- */

static enum tdp_misconfig misconfig(struct fx *x, gpa_t gpa,
				    struct tdp_fault *f)
{
	u64 spte;

	memset(f, 0, sizeof(*f));
	return tdp_mmu_handle_misconfig(&x->mmu, &x->v, gpa, &spte, f);
}

/* An MMIO SPTE at HOLE_GPA, and the vCPU's cache filled for it. */
static void fill_cache(struct fx *x)
{
	struct tdp_fault f;
	u64 hits;

	assert_int_equal(tdp_mmu_handle_fault(&x->mmu, &x->v, HOLE_GPA,
					      TDP_ACC_R, &f),
			 0);
	assert_int_equal(f.result, TDP_FAULT_MMIO);
	assert_int_equal(misconfig(x, HOLE_GPA + 8, &f), TDP_MISCONFIG_EMULATE);
	hits = x->v.mmio_fast_hits;
	assert_int_equal(misconfig(x, HOLE_GPA + 16, &f),
			 TDP_MISCONFIG_EMULATE);
	assert_int_equal(x->v.mmio_fast_hits, hits + 1);
}

/* The misconfiguration after a slot appeared at HOLE_GPA: RAM, no hit. */
static void expect_ram(struct fx *x, u64 hits)
{
	struct tdp_fault f;

	assert_int_equal(misconfig(x, HOLE_GPA, &f), TDP_MISCONFIG_FAULTED);
	assert_int_equal(x->v.mmio_fast_hits, hits);
	assert_int_equal(f.error, 0);
	assert_int_equal(f.result, TDP_FAULT_MAPPED);
	assert_int_equal(f.pfn, HOLE_PFN);
	assert_true(maps(x, x->direct, HOLE_GPA));
}

static void test_mmio_cache_hit(void **state)
{
	static struct fx x;
	struct tdp_fault f;
	u64 walks;

	(void)state;
	fx_init(&x, 0, 0);
	assert_int_equal(x.v.mmio_fast_hits, 0);
	fill_cache(&x);
	assert_int_equal(x.v.mmio_fast_hits, 1);
	assert_int_equal(x.v.mmio_walks, 1);
	walks = x.v.mmio_walks;
	/* Another page is not the cached one. */
	assert_int_equal(misconfig(&x, HOLE_GPA + PAGE_SIZE, &f),
			 TDP_MISCONFIG_FAULTED);
	assert_int_equal(f.result, TDP_FAULT_MMIO);
	assert_int_equal(x.v.mmio_walks, walks + 1);
	/* A memslot update elsewhere: no harm in a miss, but no stale hit. */
	assert_int_equal(tdp_memslot_add(&x.mmu, 2, 0x100000, 16, 0x20000, 0),
			 0);
	assert_int_equal(misconfig(&x, HOLE_GPA, &f), TDP_MISCONFIG_FAULTED);
	assert_int_equal(f.result, TDP_FAULT_MMIO);
	fx_fini(&x);
}

static void test_mmio_cache_miss_after_add(void **state)
{
	static struct fx x;

	(void)state;
	fx_init(&x, 0, 0);
	fill_cache(&x);
	assert_int_equal(tdp_memslot_add(&x.mmu, 1, HOLE_GFN, 16, HOLE_PFN, 0),
			 0);
	expect_ram(&x, x.v.mmio_fast_hits);
	fx_fini(&x);
}

static void test_mmio_cache_set_back(void **state)
{
	static struct fx x;
	u64 gen;

	(void)state;
	fx_init(&x, 0, 0);
	fill_cache(&x);
	gen = tdp_memslot_generation(&x.mmu);
	assert_int_equal(tdp_memslot_add(&x.mmu, 1, HOLE_GFN, 16, HOLE_PFN, 0),
			 0);
	assert_int_equal(tdp_memslots_set_generation(&x.mmu, gen), 0);
	assert_int_equal(tdp_memslot_generation(&x.mmu), gen);
	expect_ram(&x, x.v.mmio_fast_hits);
	fx_fini(&x);
}

static void test_mmio_cache_set_back_no_slot(void **state)
{
	static struct fx x;
	struct tdp_fault f;
	u64 gen, hits;

	(void)state;
	fx_init(&x, 0, 0);
	fill_cache(&x);
	gen = tdp_memslot_generation(&x.mmu);
	hits = x.v.mmio_fast_hits;
	assert_int_equal(tdp_memslots_set_generation(&x.mmu, gen + 5), 0);
	assert_int_equal(tdp_memslots_set_generation(&x.mmu, gen), 0);
	assert_int_equal(misconfig(&x, HOLE_GPA, &f), TDP_MISCONFIG_FAULTED);
	assert_int_equal(x.v.mmio_fast_hits, hits);
	assert_int_equal(f.result, TDP_FAULT_MMIO);
	assert_true(f.mmio_installed);
	/* The fresh SPTE is current again: walked, then cached. */
	assert_int_equal(misconfig(&x, HOLE_GPA, &f), TDP_MISCONFIG_EMULATE);
	assert_int_equal(misconfig(&x, HOLE_GPA, &f), TDP_MISCONFIG_EMULATE);
	assert_int_equal(x.v.mmio_fast_hits, hits + 1);
	fx_fini(&x);
}

static void test_mmio_cache_wrap(void **state)
{
	static struct fx x;
	u64 gen;

	(void)state;
	fx_init(&x, 0, 0);
	fill_cache(&x);
	gen = tdp_memslot_generation(&x.mmu);
	assert_int_equal(tdp_memslot_add(&x.mmu, 1, HOLE_GFN, 16, HOLE_PFN, 0),
			 0);
	/* The last generation before the 64-bit generation wraps to 0. */
	assert_int_equal(tdp_memslots_set_generation(
				 &x.mmu,
				 ~0ULL & ~TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS),
			 0);
	assert_int_equal(tdp_memslot_add(&x.mmu, 2, 0x100000, 16, 0x20000, 0),
			 0);
	assert_int_equal(tdp_memslot_generation(&x.mmu), 0);
	while (tdp_memslot_generation(&x.mmu) != gen)
		assert_int_equal(
			tdp_memslot_set_flags(&x.mmu, 2,
					      tdp_memslot_generation(&x.mmu) & 1
						      ? 0
						      : TDP_MEMSLOT_READONLY),
			0);
	expect_ram(&x, x.v.mmio_fast_hits);
	fx_fini(&x);
}

static void test_mmio_cache_mmio_gen_alias(void **state)
{
	static struct fx x;
	u64 gen;

	(void)state;
	fx_init(&x, 0, 0);
	fill_cache(&x);
	gen = tdp_memslot_generation(&x.mmu);
	assert_int_equal(tdp_memslot_add(&x.mmu, 1, HOLE_GFN, 16, HOLE_PFN, 0),
			 0);
	/* Same 19 MMIO-generation bits as when the cache was filled. */
	assert_int_equal(
		tdp_memslots_set_generation(&x.mmu, gen + (1ULL << 19)), 0);
	assert_int_equal(tdp_memslots_mmio_gen(tdp_memslot_generation(&x.mmu)),
			 tdp_memslots_mmio_gen(gen));
	expect_ram(&x, x.v.mmio_fast_hits);
	fx_fini(&x);
}

/*
 * No hit while an update is in progress.  The window is held open as in
 * test_mmio_gen_ip.c: a reader thread holds the MMU read lock, so the
 * update (here: a memslot added at HOLE_GPA) waits for the write lock
 * after it published its new array.  From the lock's relax hook, in the
 * updating thread, a probe thread runs the misconfiguration; the hook
 * gives it 200 ms, then lets the reader go.  A probe that finishes inside
 * the window may only have missed the cache, and whenever it finishes it
 * must not emulate: the GPA has RAM once the update is done.
 */
struct window {
	struct fx *x;
	pthread_t updater;
	void (*relax)(void *);
	bool seen;
	int release;
	int holding;
	int go;
	int done;
	bool done_in_window;
	enum tdp_misconfig kind;
	struct tdp_fault f;
};

static struct window *hook_w;

static void *probe_main(void *arg)
{
	struct window *w = arg;
	u64 spte;

	while (!__atomic_load_n(&w->go, __ATOMIC_ACQUIRE))
		sched_yield();
	w->kind = tdp_mmu_handle_misconfig(&w->x->mmu, &w->x->v, HOLE_GPA,
					   &spte, &w->f);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *reader_main(void *arg)
{
	struct window *w = arg;

	tdp_read_lock(&w->x->mmu.lock, 5);
	__atomic_store_n(&w->holding, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&w->release, __ATOMIC_ACQUIRE))
		sched_yield();
	tdp_read_unlock(&w->x->mmu.lock, 5);
	return NULL;
}

static void relax_hook(void *opaque)
{
	struct window *w = hook_w;
	struct timespec t0, t;

	if (pthread_equal(pthread_self(), w->updater) && !w->seen) {
		w->seen = true;
		__atomic_store_n(&w->go, 1, __ATOMIC_RELEASE);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			sched_yield();
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE) &&
			 (t.tv_sec - t0.tv_sec) * 1000000000L +
					 (t.tv_nsec - t0.tv_nsec) <
				 200000000L);
		w->done_in_window = __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
		__atomic_store_n(&w->release, 1, __ATOMIC_RELEASE);
	}
	if (w->relax)
		w->relax(opaque);
}

/* @move: slot 1 moves onto HOLE_GPA (its delete phase keeps the
 * generation's value and sets only the in-progress bit); else it is
 * added there (the generation goes up, in progress). */
static void no_hit_in_progress(bool move)
{
	static struct fx x;
	static struct window w;
	pthread_t reader, probe;
	u64 hits;

	fx_init(&x, 0, 0);
	if (move)
		assert_int_equal(tdp_memslot_add(&x.mmu, 1, 0x100000, 16,
						 HOLE_PFN, 0),
				 0);
	fill_cache(&x);
	hits = x.v.mmio_fast_hits;
	memset(&w, 0, sizeof(w));
	w.x = &x;
	w.updater = pthread_self();
	hook_w = &w;
	assert_int_equal(pthread_create(&probe, NULL, probe_main, &w), 0);
	assert_int_equal(pthread_create(&reader, NULL, reader_main, &w), 0);
	while (!__atomic_load_n(&w.holding, __ATOMIC_ACQUIRE))
		sched_yield();
	w.relax = x.mmu.lock.relax;
	x.mmu.lock.relax = relax_hook;
	if (move)
		assert_int_equal(tdp_memslot_move(&x.mmu, 1, HOLE_GFN), 0);
	else
		assert_int_equal(tdp_memslot_add(&x.mmu, 1, HOLE_GFN, 16,
						 HOLE_PFN, 0),
				 0);
	pthread_join(reader, NULL);
	pthread_join(probe, NULL);
	x.mmu.lock.relax = w.relax;
	assert_true(w.seen);
	if (w.done_in_window)
		print_message("probe finished inside the window: kind %d\n",
			      w.kind);
	assert_int_not_equal(w.kind, TDP_MISCONFIG_EMULATE);
	assert_int_equal(x.v.mmio_fast_hits, hits);
	assert_int_equal(w.kind, TDP_MISCONFIG_FAULTED);
	assert_int_equal(w.f.error, 0);
	assert_int_equal(w.f.result, TDP_FAULT_MAPPED);
	assert_int_equal(w.f.pfn, HOLE_PFN);
	assert_true(maps(&x, x.direct, HOLE_GPA));
	fx_fini(&x);
}

static void test_mmio_cache_no_hit_while_adding(void **state)
{
	(void)state;
	no_hit_in_progress(false);
}

static void test_mmio_cache_no_hit_while_moving(void **state)
{
	(void)state;
	no_hit_in_progress(true);
}

/* --- a misconfiguration on a RAM leaf --- */

static void test_misconfig_not_mmio(void **state)
{
	static struct fx x;
	struct tdp_fault f;
	gpa_t gpa = 0x21ULL << PAGE_SHIFT;
	u64 spte = 0;

	(void)state;
	fx_init(&x, 0, 0);
	assert_int_equal(tdp_mmu_handle_fault(&x.mmu, &x.v, gpa, TDP_ACC_R, &f),
			 0);
	assert_int_equal(tdp_mmu_test_break_leaf(&x.mmu, x.direct, gpa), 0);
	assert_int_equal(tdp_mmu_handle_misconfig(&x.mmu, &x.v, gpa, &spte, &f),
			 TDP_MISCONFIG_NOT_MMIO);
	assert_true(is_shadow_present_pte(spte));
	assert_false(is_mmio_spte(spte));
	/* Leave the tables as the checker expects them. */
	tdp_mmu_zap_all(&x.mmu);
	fx_fini(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_gpa_goes_to_mirror),
		cmocka_unit_test(test_shared_alias_goes_to_direct),
		cmocka_unit_test(test_no_private_memory_goes_to_direct),
		cmocka_unit_test(test_no_root_for_the_side),
		cmocka_unit_test(test_retries_survive_sept_busy),
		cmocka_unit_test(test_retries_are_bounded),
		cmocka_unit_test(test_mmio_cache_hit),
		cmocka_unit_test(test_mmio_cache_miss_after_add),
		cmocka_unit_test(test_mmio_cache_set_back),
		cmocka_unit_test(test_mmio_cache_set_back_no_slot),
		cmocka_unit_test(test_mmio_cache_wrap),
		cmocka_unit_test(test_mmio_cache_mmio_gen_alias),
		cmocka_unit_test(test_mmio_cache_no_hit_while_adding),
		cmocka_unit_test(test_mmio_cache_no_hit_while_moving),
		cmocka_unit_test(test_misconfig_not_mmio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
