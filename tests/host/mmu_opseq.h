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

#include "mmu_fake.h"

#define OPSEQ_UNIVERSE 0x81000ULL /* GFNs */
#define OPSEQ_NR_TEMPLATES 5

enum model_kind { M_NONE = 0, M_MMIO, M_LEAF };

struct model_ent {
	u8 kind;
	u8 level;
	u8 w, a, d;
	u32 gen;
	u64 pfn;
};

struct model_slot {
	bool present;
	gfn_t base;
	u64 npages;
	pfn_t pfn;
	u32 flags;
	u64 *bitmap;
};

/* A source of 64-bit choices: a seeded PRNG or fuzz input. */
struct opseq_src {
	u64 (*next)(struct opseq_src *src);
	bool exhausted;
	u64 state;
	const u8 *data;
	size_t size, pos;
};

struct mmu_opseq {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	struct tdp_mmu_cache cache;
	struct tdp_mmu_config cfg;
	struct model_ent *m;
	struct model_slot slots[OPSEQ_NR_TEMPLATES];
	u64 gen;
	u64 nops;
	u64 op_counts[16];
	char err[512];
	const char *last_op;
};

void opseq_src_rng(struct opseq_src *src, u64 seed);
void opseq_src_bytes(struct opseq_src *src, const u8 *data, size_t size);

/* Config derived from a choice; returns 0 or an MMU error. */
int opseq_init(struct mmu_opseq *s, struct opseq_src *src);
/* One random operation, then a check; false on divergence (see s->err). */
bool opseq_step(struct mmu_opseq *s, struct opseq_src *src);
/* Compare the whole universe and run the invariant checker. */
bool opseq_check_all(struct mmu_opseq *s);
/* Tear down; false on a leak or double free. */
bool opseq_fini(struct mmu_opseq *s);

#endif /* TESTS_HOST_MMU_OPSEQ_H */
