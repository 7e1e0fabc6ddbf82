/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference model of the TDP MMU and a driver of random operation
 * sequences (map, zap, memslot add/delete/move/flags, dirty log on/off and
 * harvest, aging, split, recovery, root invalidation) that checks the real
 * tables against the model after every step.  Used by the seeded unit test
 * (tests/unit/test_mmu_random.c) and the libFuzzer harness
 * (tests/fuzz/fuzz_mmu_ops.c).
 *
 * The model is a plain array GFN -> (kind, pfn, level, W, A, D, MMIO gen)
 * over a 2 GiB GFN universe.  Beyond it, boundaries are sought on purpose
 * (op_beyond): a transient slot that ends at the top of the 48-bit width
 * (fault, zap across the top, delete), and every range operation, the
 * CPU access and the fault at 2^36 GFNs and far beyond, which must change
 * nothing and leave the low GFNs they would alias as the model says.
 */
#ifndef TESTS_HOST_MMU_OPSEQ_H
#define TESTS_HOST_MMU_OPSEQ_H

#include "model.h"

#define OPSEQ_UNIVERSE 0x81000ULL /* GFNs */
#define OPSEQ_NR_TEMPLATES 5

struct mmu_opseq {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	struct tdp_mmu_cache cache;
	struct tdp_mmu_config cfg;
	struct model_ent *m;
	struct model_slot slots[OPSEQ_NR_TEMPLATES];
	u64 gen;
	struct opseq_run run;
};

/* Config derived from a choice; returns 0 or an MMU error. */
int opseq_init(struct mmu_opseq *s, struct opseq_src *src);
/*
 * The calls below take &s->run of a struct mmu_opseq set up by
 * opseq_init(): the part of it the seeded test's loop and the fuzzer see.
 */
/* One random operation, then a check; false on divergence (run->err). */
bool opseq_step(struct opseq_run *run, struct opseq_src *src);
/* Compare the whole universe and run the invariant checker. */
bool opseq_check_all(struct opseq_run *run);
/* Tear down; false on a leak or double free. */
bool opseq_fini(struct opseq_run *run);

#endif /* TESTS_HOST_MMU_OPSEQ_H */
