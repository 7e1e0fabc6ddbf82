// SPDX-License-Identifier: GPL-2.0
/*
 * The dirty-log oracle, stated as the user sees it: every page the guest
 * wrote since the last harvest is in the next harvest, whatever the MMU
 * did in between.  Checked in both modes (write-protection and D bits)
 * with fixed sequences (a write, then a zap, a memslot move, a root
 * invalidation with a vCPU still on the old root, a split, a recovery) and
 * with random sequences of those operations.
 *
 * A guest write is what the CPU does: tdp_mmu_sim_access() sets A and D on
 * the leaf, or reports the EPT violation, which the test resolves with a
 * write fault before it retries.  The oracle keeps its own set of pages
 * written since the last harvest, by slot offset (a move keeps the
 * bitmap), and never looks at SPTEs.  Reporting more than was written is
 * allowed; missing a page is the bug.
 *
 *   DIRTY_ORACLE_STEPS=<n>  random steps per seed and mode (default 4000)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "mmu_fake.h"

#define NR_SLOTS 2
#define SLOT_PAGES 1024ULL /* 4 MiB: 2 MiB leaves when not logging */
#define NWORDS (SLOT_PAGES / 64)

static const gfn_t slot_pfn[NR_SLOTS] = { 0x100000, 0x200000 };
/* Slot 1 moves between these bases (2 MiB-aligned). */
static const gfn_t move_bases[] = { 0x4000, 0x8000, 0x8400, 0x40000 };

struct dx {
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	struct tdp_mmu_page *old_root; /* a vCPU still on an invalid root */
	struct tdp_mmu_cache c;
	gfn_t base[NR_SLOTS];
	bool logging[NR_SLOTS];
	u64 written[NR_SLOTS][NWORDS]; /* the oracle */
	u64 harvests, checked, over;
	char what[64];
};

static void dx_init(struct dx *x, enum tdp_dirty_mode mode, bool eager)
{
	struct tdp_mmu_config cfg;

	memset(x, 0, sizeof(*x));
	mmu_fake_init(&x->f);
	tdp_mmu_default_config(&cfg);
	cfg.dirty_mode = mode;
	cfg.eager_split = eager;
	assert_int_equal(mmu_fake_vm_create(&x->f, &x->mmu, &cfg, &x->root), 0);
	tdp_mmu_cache_init(&x->c, 0);
	x->base[0] = 0;
	x->base[1] = move_bases[0];
	assert_int_equal(tdp_memslot_add(&x->mmu, 0, x->base[0], SLOT_PAGES,
					 slot_pfn[0], 0),
			 0);
	assert_int_equal(tdp_memslot_add(&x->mmu, 1, x->base[1], SLOT_PAGES,
					 slot_pfn[1], 0),
			 0);
}

static void dx_drop_old_root(struct dx *x)
{
	if (!x->old_root)
		return;
	tdp_mmu_put_root(&x->mmu, x->old_root);
	x->old_root = NULL;
}

static void dx_fini(struct dx *x)
{
	struct tdp_mmu_check chk;

	dx_drop_old_root(x);
	assert_int_equal(tdp_mmu_check_invariants(&x->mmu, &chk), 0);
	tdp_mmu_cache_free(&x->mmu, &x->c);
	mmu_fake_vm_destroy(&x->f, &x->mmu, x->root);
	assert_int_equal(x->f.double_frees, 0);
	assert_int_equal(mmu_fake_destroy(&x->f), 0);
}

static void dx_reload_root(struct dx *x)
{
	if (tdp_mmu_root_is_valid(x->root))
		return;
	tdp_mmu_put_root(&x->mmu, x->root);
	assert_int_equal(tdp_mmu_get_root(&x->mmu, TDP_ROOT_DIRECT, &x->root),
			 0);
}

static void dx_fault(struct dx *x, gpa_t gpa, u64 acc)
{
	struct tdp_fault f;
	int r, tries = 0;

	do {
		dx_reload_root(x);
		f = (struct tdp_fault){ .gpa = gpa, .access = acc };
		r = tdp_mmu_page_fault(&x->mmu, x->root, &x->c, &f);
		assert_true(++tries < 1000);
	} while (r == -EBUSY || r == -EAGAIN);
	assert_int_equal(r, 0);
	assert_true(f.result == TDP_FAULT_MAPPED ||
		    f.result == TDP_FAULT_FIXED ||
		    f.result == TDP_FAULT_SPURIOUS);
}

/*
 * The guest accesses slot @s page @off.  A vCPU still on the old root
 * writes through it while it can (its cached EPTP).
 */
static void dx_access(struct dx *x, int s, u64 off, bool write)
{
	gpa_t gpa = (x->base[s] + off) << PAGE_SHIFT;
	u64 acc = write ? TDP_ACC_R | TDP_ACC_W : TDP_ACC_R;

	if (!(x->old_root &&
	      !tdp_mmu_sim_access(&x->mmu, x->old_root, gpa, acc))) {
		dx_reload_root(x);
		if (tdp_mmu_sim_access(&x->mmu, x->root, gpa, acc)) {
			dx_fault(x, gpa, acc);
			assert_int_equal(tdp_mmu_sim_access(&x->mmu, x->root,
							    gpa, acc),
					 0);
		}
	}
	if (write && x->logging[s])
		x->written[s][off / 64] |= 1ULL << (off % 64);
}

static void dx_set_logging(struct dx *x, int s, bool on)
{
	assert_int_equal(tdp_memslot_set_flags(&x->mmu, (u16)s,
					       on ? TDP_MEMSLOT_LOG_DIRTY : 0),
			 0);
	x->logging[s] = on;
	memset(x->written[s], 0, sizeof(x->written[s]));
}

static void dx_harvest(struct dx *x, int s)
{
	u64 bm[NWORDS];
	u64 i;

	if (!x->logging[s])
		return;
	assert_int_equal(tdp_mmu_get_dirty_log(&x->mmu, (u16)s, bm, NWORDS), 0);
	x->harvests++;
	for (i = 0; i < NWORDS; i++) {
		u64 lost = x->written[s][i] & ~bm[i];

		x->over += (u64)__builtin_popcountll(bm[i] & ~x->written[s][i]);
		if (lost)
			fail_msg(
				"%s: slot %d page %llu written since the last harvest, missing from this one (harvest word %llu: 0x%llx, written 0x%llx)",
				x->what, s, (i * 64 + __builtin_ctzll(lost)), i,
				bm[i], x->written[s][i]);
		x->checked += (u64)__builtin_popcountll(x->written[s][i]);
	}
	memset(x->written[s], 0, sizeof(x->written[s]));
}

static void dx_move(struct dx *x, gfn_t base)
{
	assert_int_equal(tdp_memslot_move(&x->mmu, 1, base), 0);
	x->base[1] = base;
}

static void dx_invalidate(struct dx *x)
{
	dx_drop_old_root(x);
	/* Our reference keeps the old root alive: a vCPU still on it. */
	__atomic_fetch_add(&x->root->root_refcount, 1, __ATOMIC_RELAXED);
	x->old_root = x->root;
	tdp_mmu_invalidate_roots(&x->mmu);
}

/* --- Fixed sequences: write, harvest, write again, EVENT, harvest. --- */

enum dx_event {
	EV_ZAP,
	EV_ZAP_TABLE, /* a whole table (and its dirty leaves) removed */
	EV_MOVE,
	EV_INVALIDATE,
	EV_SPLIT,
	EV_RECOVER,
	EV_NR,
};

static const char *const ev_name[EV_NR] = {
	[EV_ZAP] = "zap of the leaf",	[EV_ZAP_TABLE] = "zap of its table",
	[EV_MOVE] = "memslot move",	[EV_INVALIDATE] = "root invalidation",
	[EV_SPLIT] = "huge-page split", [EV_RECOVER] = "huge-page recovery",
};

static void dx_event(struct dx *x, enum dx_event ev, int s, u64 off)
{
	gfn_t gfn = x->base[s] + off;

	switch (ev) {
	case EV_ZAP:
		tdp_mmu_zap_gfn_range(&x->mmu, gfn, gfn + 1);
		break;
	case EV_ZAP_TABLE:
		tdp_mmu_zap_gfn_range(&x->mmu, gfn & ~0x1ffULL,
				      (gfn & ~0x1ffULL) + 0x200);
		break;
	case EV_MOVE:
		dx_move(x, x->base[1] == move_bases[1] ? move_bases[2]
						       : move_bases[1]);
		break;
	case EV_INVALIDATE:
		dx_invalidate(x);
		/* The vCPU on the old root writes again, then reloads. */
		dx_access(x, s, off, true);
		dx_drop_old_root(x);
		break;
	case EV_SPLIT:
		assert_int_equal(
			tdp_mmu_split_huge_pages(&x->mmu, 0, TDP_MAX_GFN), 0);
		break;
	case EV_RECOVER:
		tdp_mmu_recover_huge_pages(&x->mmu, 0, TDP_MAX_GFN);
		break;
	default:
		break;
	}
}

static void run_fixed(enum tdp_dirty_mode mode, bool eager)
{
	static struct dx x;
	int ev, s;

	for (ev = 0; ev < EV_NR; ev++)
		for (s = 0; s < NR_SLOTS; s++) {
			dx_init(&x, mode, eager);
			snprintf(x.what, sizeof(x.what), "%s mode, %s",
				 mode == TDP_DIRTY_DBIT ? "D-bit"
							: "write-protect",
				 ev_name[ev]);
			/* Huge leaves first, then logging splits them. */
			dx_access(&x, s, 7, true);
			dx_access(&x, s, 600, false);
			dx_set_logging(&x, s, true);
			dx_access(&x, s, 7, true);
			dx_harvest(&x, s);
			dx_access(&x, s, 7, true);
			dx_access(&x, s, 8, false);
			dx_event(&x, (enum dx_event)ev, s, 7);
			dx_harvest(&x, s);
			dx_fini(&x);
		}
}

static void test_fixed_wrprot(void **state)
{
	(void)state;
	run_fixed(TDP_DIRTY_WRPROT, false);
	run_fixed(TDP_DIRTY_WRPROT, true);
}

static void test_fixed_dbit(void **state)
{
	(void)state;
	run_fixed(TDP_DIRTY_DBIT, false);
	run_fixed(TDP_DIRTY_DBIT, true);
}

/* --- Random sequences. --- */

static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void random_step(struct dx *x, u64 v)
{
	int s = (int)((v >> 8) & 1);
	u64 off = (v >> 16) % SLOT_PAGES;
	gfn_t start;

	switch (v % 16) {
	case 0:
	case 1:
	case 2:
	case 3:
		dx_access(x, s, off, true);
		break;
	case 4:
		dx_access(x, s, off, false);
		break;
	case 5:
		start = x->base[s] + off;
		tdp_mmu_zap_gfn_range(&x->mmu, start,
				      start + 1 + (v >> 40) % 600);
		break;
	case 6:
		dx_move(x, move_bases[(v >> 32) % ARRAY_SIZE(move_bases)]);
		break;
	case 7:
		dx_invalidate(x);
		break;
	case 8:
		dx_drop_old_root(x);
		break;
	case 9:
		assert_int_equal(
			tdp_mmu_split_huge_pages(&x->mmu, x->base[s],
						 x->base[s] + SLOT_PAGES),
			0);
		break;
	case 10:
		tdp_mmu_recover_huge_pages(&x->mmu, 0, TDP_MAX_GFN);
		break;
	case 11:
		tdp_mmu_test_and_clear_young(&x->mmu, x->base[s],
					     x->base[s] + SLOT_PAGES);
		break;
	case 12:
		if (!((v >> 32) & 7))
			dx_set_logging(x, s, !x->logging[s]);
		break;
	default:
		dx_harvest(x, s);
		break;
	}
}

static void run_random(enum tdp_dirty_mode mode, u64 seed, u64 steps)
{
	static struct dx x;
	u64 i, v = seed * 0x9e3779b97f4a7c15ULL + 1;

	dx_init(&x, mode, seed & 1);
	snprintf(x.what, sizeof(x.what), "%s mode, seed %llu",
		 mode == TDP_DIRTY_DBIT ? "D-bit" : "write-protect", seed);
	/* Some huge leaves before logging starts. */
	for (i = 0; i < 64; i++)
		dx_access(&x, (int)(i & 1), rnd(&v) % SLOT_PAGES, i & 2);
	dx_set_logging(&x, 0, true);
	dx_set_logging(&x, 1, true);
	for (i = 0; i < steps; i++)
		random_step(&x, rnd(&v));
	dx_harvest(&x, 0);
	dx_harvest(&x, 1);
	printf("%s: %llu harvests, %llu written pages checked, %llu reported beyond the written\n",
	       x.what, x.harvests, x.checked, x.over);
	dx_fini(&x);
}

static u64 steps_from_env(void)
{
	const char *e = getenv("DIRTY_ORACLE_STEPS");

	return e ? strtoull(e, NULL, 0) : 4000;
}

static void test_random_wrprot(void **state)
{
	u64 seed;

	(void)state;
	for (seed = 1; seed <= 6; seed++)
		run_random(TDP_DIRTY_WRPROT, seed, steps_from_env());
}

static void test_random_dbit(void **state)
{
	u64 seed;

	(void)state;
	for (seed = 1; seed <= 6; seed++)
		run_random(TDP_DIRTY_DBIT, seed, steps_from_env());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_wrprot),
		cmocka_unit_test(test_fixed_dbit),
		cmocka_unit_test(test_random_wrprot),
		cmocka_unit_test(test_random_dbit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
