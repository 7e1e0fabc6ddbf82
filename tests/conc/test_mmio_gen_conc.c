// SPDX-License-Identifier: GPL-2.0
/*
 * The generation oracle under concurrency (ASan and TSan builds), stated
 * as the guest sees it: a GPA that has a memslot is never emulated as
 * MMIO, and a GPA that has none never maps RAM, while a control thread
 * adds and deletes a memslot and jumps the memslot generation, back to
 * values old MMIO SPTEs carry and to just below the 19-bit wrap.
 *
 * Three regions: RAM that always has a memslot, a hole that never has
 * one, and a range whose memslot the control thread toggles.  For the
 * toggled range a vCPU judges only what it saw under a stable slot state
 * (a sequence count, odd while the slot changes).  A vCPU classifies an
 * EPT misconfiguration first (tdp_mmu_classify_misconfig(), what the
 * exit handler asks before it emulates), then faults the GPA in.
 *
 *   MMIO_GEN_CONC_ROUNDS=<n>  control rounds (default 1000)
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

#define NR_VCPUS 3
#define RAM_BASE 0x0ULL
#define RAM_PAGES 0x200ULL
#define TOGGLE_BASE 0x10000ULL
#define TOGGLE_PAGES 0x40ULL
#define HOLE_BASE 0x80000ULL
#define HOLE_PAGES 0x40ULL

struct gc {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct conc_ctl ctl; /* ctl.direct: the root, never replaced */
	u64 rounds;
	u64 seq; /* odd while the toggled slot is being added or deleted */
	int present; /* the toggled slot exists (valid while seq is even) */
	u64 judged, stale, mmio_emulated;
};

static void gc_error(struct gc *c, const char *msg, gfn_t gfn, long v)
{
	conc_error(&c->ctl, "%s: gfn 0x%llx (%ld)", msg, gfn, v);
}

static int fault(struct gc *c, struct tdp_mmu_cache *cache, gfn_t gfn,
		 struct tdp_fault *f)
{
	int r, tries = 0;

	do {
		*f = (struct tdp_fault){ .gpa = gfn << PAGE_SHIFT,
					 .access = TDP_ACC_R };
		r = tdp_mmu_page_fault(&c->mmu, c->ctl.direct, cache, f);
	} while ((r == -EBUSY || r == -EAGAIN) && ++tries < 1000000);
	return r;
}

/* One access by a vCPU; @state: 1 has a memslot, 0 has none, -1 unknown. */
static void vcpu_access(struct gc *c, struct tdp_mmu_cache *cache, gfn_t gfn,
			int *state, u64 seq)
{
	enum tdp_misconfig_kind kind;
	struct tdp_fault f;
	bool reached;
	u64 spte;
	int r;

	kind = tdp_mmu_classify_misconfig(&c->mmu, c->ctl.direct,
					  gfn << PAGE_SHIFT, &spte);
	if (kind == TDP_MISCONFIG_BUG)
		gc_error(c, "misconfig on a non-MMIO SPTE", gfn, (long)spte);
	r = fault(c, cache, gfn, &f);
	if (r)
		gc_error(c, "fault failed", gfn, r);
	reached = !tdp_mmu_sim_access(&c->mmu, c->ctl.direct, gfn << PAGE_SHIFT,
				      TDP_ACC_R);
	if (seq != ~0ULL && __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) != seq)
		*state = -1; /* the slot changed meanwhile: no verdict */
	if (*state < 0)
		return;
	__atomic_fetch_add(&c->judged, 1, __ATOMIC_RELAXED);
	if (kind == TDP_MISCONFIG_MMIO)
		__atomic_fetch_add(&c->mmio_emulated, 1, __ATOMIC_RELAXED);
	if (kind == TDP_MISCONFIG_STALE && is_mmio_spte(spte))
		__atomic_fetch_add(&c->stale, 1, __ATOMIC_RELAXED);
	if (*state == 1 && kind == TDP_MISCONFIG_MMIO)
		gc_error(c, "GPA with a memslot emulated as MMIO (SPTE gen)",
			 gfn, (long)get_mmio_spte_gen(spte));
	if (*state == 1 && !r && f.result == TDP_FAULT_MMIO)
		gc_error(c, "fault on a GPA with a memslot reported MMIO", gfn,
			 (long)f.result);
	if (*state == 0 && !r && f.result != TDP_FAULT_MMIO)
		gc_error(c, "GPA without a memslot mapped RAM", gfn,
			 (long)f.result);
	if (*state == 0 && reached)
		gc_error(c, "CPU reached RAM at a GPA without a memslot", gfn,
			 0);
}

static void vcpu_main(void *arg, int idx)
{
	struct gc *c = arg;
	struct tdp_mmu_cache cache;
	u64 seed = 0x5deece66dULL * (u64)(idx + 1), x, seq;
	gfn_t gfn;
	int state;

	tdp_mmu_cache_init(&cache, 1 + (unsigned int)(seed & 3));
	while (!conc_stopped(&c->ctl)) {
		x = conc_rnd(&seed);
		seq = ~0ULL;
		switch (x % 4) {
		case 0:
			gfn = RAM_BASE + (x >> 8) % RAM_PAGES;
			state = 1;
			break;
		case 1:
			gfn = HOLE_BASE + (x >> 8) % HOLE_PAGES;
			state = 0;
			break;
		default:
			gfn = TOGGLE_BASE + (x >> 8) % TOGGLE_PAGES;
			seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
			state = (seq & 1) ? -1
					  : __atomic_load_n(&c->present,
							    __ATOMIC_ACQUIRE);
			break;
		}
		vcpu_access(c, &cache, gfn, &state, seq);
	}
	tdp_mmu_cache_free(&c->mmu, &cache);
}

static void toggle(struct gc *c, bool add)
{
	int r;

	__atomic_fetch_add(&c->seq, 1, __ATOMIC_ACQ_REL);
	if (add)
		r = tdp_memslot_add(&c->mmu, 1, TOGGLE_BASE, TOGGLE_PAGES,
				    0x200000, 0);
	else
		r = tdp_memslot_delete(&c->mmu, 1);
	if (r)
		gc_error(c, add ? "add" : "delete", TOGGLE_BASE, r);
	__atomic_store_n(&c->present, add, __ATOMIC_RELEASE);
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_ACQ_REL);
}

static void set_gen(struct gc *c, u64 gen)
{
	int r = tdp_memslots_set_generation(&c->mmu, gen);

	if (r)
		gc_error(c, "set_generation", 0, r);
}

static void control_main(void *arg, int idx)
{
	struct gc *c = arg;
	u64 seed = 0xc0ffee, i, hole_gen;
	int k;

	(void)idx;
	for (i = 0; i < c->rounds &&
		    !__atomic_load_n(&c->ctl.errors, __ATOMIC_RELAXED);
	     i++) {
		u64 x = conc_rnd(&seed);

		/* The range loses its slot: vCPUs make MMIO SPTEs there. */
		toggle(c, false);
		hole_gen = tdp_memslot_generation(&c->mmu);
		for (k = 0; k < 20; k++)
			sched_yield();
		/* It gets RAM again; those MMIO SPTEs stay, stale... */
		toggle(c, true);
		/* ...until a jump makes their generation current again. */
		if (x & 1)
			set_gen(c, hole_gen);
		else
			set_gen(c, (1ULL << 19) - 1 - (x >> 8) % 3);
	}
}

static void gen_conc(void **state)
{
	struct gc *c = calloc(1, sizeof(*c));
	const struct conc_role roles[] = {
		{ vcpu_main, c, NR_VCPUS, true },
		{ control_main, c, 1, false },
	};
	struct tdp_mmu_check chk;
	const char *env = getenv("MMIO_GEN_CONC_ROUNDS");

	(void)state;
	c->rounds = env ? strtoull(env, NULL, 0) : 1000;
	mmu_fake_init(&c->fake);
	conc_init(&c->ctl, &c->mmu);
	c->fake.sched_yield = true;
	assert_int_equal(
		mmu_fake_vm_create(&c->fake, &c->mmu, NULL, &c->ctl.direct), 0);
	assert_int_equal(tdp_memslot_add(&c->mmu, 0, RAM_BASE, RAM_PAGES,
					 0x100000, 0),
			 0);
	assert_int_equal(tdp_memslot_add(&c->mmu, 1, TOGGLE_BASE, TOGGLE_PAGES,
					 0x200000, 0),
			 0);
	c->present = 1;
	assert_int_equal(conc_run(&c->ctl, roles, ARRAY_SIZE(roles)), 0);
	printf("%llu rounds, %llu verdicts, %llu emulated as MMIO, %llu stale MMIO SPTEs sent to the fault path, generation 0x%llx\n",
	       c->rounds, c->judged, c->mmio_emulated, c->stale,
	       tdp_memslot_generation(&c->mmu));
	conc_assert_no_errors(&c->ctl);
	assert_int_equal(tdp_mmu_check_invariants(&c->mmu, &chk), 0);
	conc_assert_teardown(&c->ctl, &c->fake, NULL);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gen_conc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
