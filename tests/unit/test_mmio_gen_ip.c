// SPDX-License-Identifier: GPL-2.0
/*
 * The memslot generation's update-in-progress window.  A generation jump
 * (tdp_memslots_set_generation()) and a wrap of the 19-bit MMIO generation
 * both need every MMIO SPTE zapped before the new generation may be
 * trusted: an old MMIO SPTE can carry the new value.  Until that zap has
 * completed, the generation must read as "update in progress", so no MMIO
 * SPTE is judged current.
 *
 * The window is observed deterministically: a second thread holds the MMU
 * read lock, so the update stops right where it waits for the write lock
 * (after it published the new generation, before its zap); the lock's
 * relax hook looks at the generation from there, then lets the reader go.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "mmu_fake.h"
#include "mmu/tdp_sync.h"

#define RAM_PAGES 512ULL
#define HOLE_GPA 0x80000000ULL /* no memslot at first, then slot 1 */
#define HOLE_GFN (HOLE_GPA >> PAGE_SHIFT)
#define GEN_MASK ((1ULL << 19) - 1)

struct gx {
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	/* The hook's view from inside the update's write-lock wait. */
	void (*relax)(void *);
	u64 stale_spte;
	bool seen;
	bool judged_current;
	u64 gen_seen;
	int release; /* tells the reader thread to drop the read lock */
	int holding;
};

static struct gx *hook_gx;

static int fault(struct gx *x, gpa_t gpa, struct tdp_fault *f)
{
	struct tdp_mmu_cache c;
	int r;

	tdp_mmu_cache_init(&c, 0);
	do {
		*f = (struct tdp_fault){ .gpa = gpa, .access = TDP_ACC_R };
		r = tdp_mmu_cache_topup(&x->mmu, &c, TDP_MMU_CACHE_CAP);
		if (!r)
			r = tdp_mmu_page_fault(&x->mmu, x->root, &c, f);
	} while (r == -EBUSY || r == -EAGAIN);
	tdp_mmu_cache_free(&x->mmu, &c);
	return r;
}

static u64 leaf(struct gx *x, gpa_t gpa)
{
	u64 sptes[TDP_ROOT_LEVEL + 1];

	return sptes[tdp_mmu_get_walk(&x->mmu, x->root, gpa, sptes)];
}

/* Runs in the updating thread while it waits for the reader to leave. */
static void relax_hook(void *opaque)
{
	struct gx *x = hook_gx;

	if (!x->seen) {
		x->seen = true;
		x->gen_seen = tdp_memslot_generation(&x->mmu);
		x->judged_current =
			tdp_mmu_mmio_spte_is_current(&x->mmu, x->stale_spte);
		__atomic_store_n(&x->release, 1, __ATOMIC_RELEASE);
	}
	if (x->relax)
		x->relax(opaque);
}

static void *reader_main(void *arg)
{
	struct gx *x = arg;

	tdp_read_lock(&x->mmu.lock, 5);
	__atomic_store_n(&x->holding, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&x->release, __ATOMIC_ACQUIRE))
		sched_yield();
	tdp_read_unlock(&x->mmu.lock, 5);
	return NULL;
}

/* Start a reader that holds the read lock until the hook has looked. */
static void window_open(struct gx *x, pthread_t *th)
{
	x->seen = false;
	x->judged_current = false;
	x->release = 0;
	x->holding = 0;
	hook_gx = x;
	x->relax = x->mmu.lock.relax;
	assert_int_equal(pthread_create(th, NULL, reader_main, x), 0);
	while (!__atomic_load_n(&x->holding, __ATOMIC_ACQUIRE))
		sched_yield();
	x->mmu.lock.relax = relax_hook;
}

static void window_close(struct gx *x, pthread_t th)
{
	pthread_join(th, NULL);
	x->mmu.lock.relax = x->relax;
	assert_true(x->seen);
}

/*
 * Slot 0 added to a VM whose generation starts at @initial_gen, an MMIO
 * SPTE for HOLE_GPA made at the generation after it, then slot 1 added
 * over HOLE_GPA: the SPTE stays, stale, in the tables.
 */
static void make_stale_mmio(struct gx *x, u64 initial_gen)
{
	struct tdp_mmu_config cfg;
	struct tdp_fault flt;

	mmu_fake_init(&x->f);
	tdp_mmu_default_config(&cfg);
	cfg.initial_generation = initial_gen;
	assert_int_equal(mmu_fake_vm_create(&x->f, &x->mmu, &cfg, &x->root), 0);
	assert_int_equal(tdp_memslot_add(&x->mmu, 0, 0, RAM_PAGES, 0x1000, 0),
			 0);
	assert_int_equal(fault(x, HOLE_GPA, &flt), 0);
	assert_int_equal(flt.result, TDP_FAULT_MMIO);
	x->stale_spte = leaf(x, HOLE_GPA);
	assert_true(is_mmio_spte(x->stale_spte));
	assert_int_equal(tdp_memslot_add(&x->mmu, 1, HOLE_GFN, 512, 0x4000, 0),
			 0);
	assert_true(is_mmio_spte(leaf(x, HOLE_GPA)));
	assert_false(tdp_mmu_mmio_spte_is_current(&x->mmu, x->stale_spte));
}

static void finish(struct gx *x)
{
	struct tdp_fault flt;

	/* Once the update is done, the GPA is RAM. */
	assert_false(is_mmio_spte(leaf(x, HOLE_GPA)));
	assert_int_equal(fault(x, HOLE_GPA, &flt), 0);
	assert_int_equal(flt.result, TDP_FAULT_MAPPED);
	mmu_fake_vm_destroy(&x->f, &x->mmu, x->root);
	assert_int_equal(mmu_fake_destroy(&x->f), 0);
}

static void report_window(const struct gx *x, const char *what)
{
	if (x->judged_current)
		fail_msg(
			"%s: stale MMIO SPTE 0x%llx (gen %llu) judged current at generation 0x%llx before the MMIO zap",
			what, x->stale_spte, get_mmio_spte_gen(x->stale_spte),
			x->gen_seen);
	if (!(x->gen_seen & TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS))
		fail_msg(
			"%s: generation 0x%llx published without update-in-progress before the MMIO zap",
			what, x->gen_seen);
}

/* Jump back to the generation the stale SPTE was made under. */
static void test_jump_window(void **state)
{
	static struct gx x;
	pthread_t th;
	u64 old;

	(void)state;
	make_stale_mmio(&x, 0);
	old = get_mmio_spte_gen(x.stale_spte);
	window_open(&x, &th);
	assert_int_equal(tdp_memslots_set_generation(&x.mmu, old), 0);
	window_close(&x, th);
	report_window(&x, "jump");
	assert_int_equal(tdp_memslot_generation(&x.mmu), old);
	finish(&x);
}

/*
 * Count the 19-bit generation all the way round: an SPTE made at MMIO
 * generation 0 looks current again when the counter wraps to 0.
 */
static void test_wrap_window(void **state)
{
	static struct gx x;
	pthread_t th;
	u64 n;

	(void)state;
	make_stale_mmio(&x, GEN_MASK);
	assert_int_equal(get_mmio_spte_gen(x.stale_spte), 0);
	/* Flag changes on an unmapped slot: cheap updates, no zap. */
	assert_int_equal(tdp_memslot_add(&x.mmu, 2, 0x10000, 1, 0x9000, 0), 0);
	n = 0;
	while (((tdp_memslot_generation(&x.mmu) + 1) & GEN_MASK) != 0) {
		assert_int_equal(tdp_memslot_set_flags(
					 &x.mmu, 2,
					 (n++ & 1) ? 0 : TDP_MEMSLOT_READONLY),
				 0);
	}
	assert_true(is_mmio_spte(leaf(&x, HOLE_GPA)));
	window_open(&x, &th);
	assert_int_equal(tdp_memslot_set_flags(
				 &x.mmu, 2, (n & 1) ? 0 : TDP_MEMSLOT_READONLY),
			 0);
	window_close(&x, th);
	report_window(&x, "wrap");
	assert_int_equal(tdp_memslots_mmio_gen(tdp_memslot_generation(&x.mmu)),
			 0);
	finish(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jump_window),
		cmocka_unit_test(test_wrap_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
