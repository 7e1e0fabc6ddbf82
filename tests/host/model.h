/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two random-operation drivers share: mmu_opseq.c (the direct
 * root alone) and mirror_opseq.c (private memory: mirror root, S-EPT and
 * the direct root's shared side): the source of choices, a run's
 * progress and the weighted choice of the next operation, the model's
 * entry and memslot types, and the edits and comparisons both make.
 *
 * A model is an array of struct model_ent indexed by GFN over a universe
 * [0, n): what the tables must map at each GFN.  A leaf of level l fills
 * its whole aligned block of tdp_pages_per_level(l) entries, all with the
 * same level, W, A and D, and consecutive PFNs.  An MMIO entry is one GFN.
 */
#ifndef TESTS_HOST_MODEL_H
#define TESTS_HOST_MODEL_H

#include <stdio.h>
#include "mmu_fake.h"

/* A source of 64-bit choices: a seeded PRNG or fuzz input. */
struct opseq_src {
	u64 (*next)(struct opseq_src *src);
	bool exhausted;
	u64 state;
	const u8 *data;
	size_t size, pos;
};

void opseq_src_rng(struct opseq_src *src, u64 seed);
void opseq_src_bytes(struct opseq_src *src, const u8 *data, size_t size);
/* A choice in [0, n); 0 when n is 0. */
u64 opseq_pick(struct opseq_src *src, u64 n);

/*
 * How far a driver's run got, and why it stopped: set by the driver.  It
 * sits inside the driver's state, and the driver's step, check and
 * teardown calls take it (and find their state with container_of()).
 */
struct opseq_run {
	u64 nops; /* operations done */
	u64 op_counts[16]; /* per entry of the driver's operation table */
	const char *last_op; /* the operation under way, or the last one */
	char err[512]; /* the divergence that stopped the run */
};

/* Record a divergence in (s)->run.err and return false from the caller. */
#define OPSEQ_FAIL(s, ...)                                                 \
	do {                                                               \
		snprintf((s)->run.err, sizeof((s)->run.err), __VA_ARGS__); \
		return false;                                              \
	} while (0)

/*
 * Draw the next operation of a driver's table @weight[0, nr), @stride
 * bytes apart, with probability weight / total, and count it in @run.
 * Return: its index.
 */
unsigned int opseq_next_op(struct opseq_run *run, struct opseq_src *src,
			   const unsigned int *weight, size_t stride,
			   size_t nr);
/* The same for @ops, an array of entries with an unsigned int .weight. */
#define OPSEQ_NEXT_OP(run, src, ops)                                    \
	opseq_next_op((run), (src), &(ops)[0].weight, sizeof((ops)[0]), \
		      ARRAY_SIZE(ops))

enum model_kind { M_NONE = 0, M_MMIO, M_LEAF };

struct model_ent {
	u8 kind; /* enum model_kind */
	u8 level; /* M_LEAF: the level of the leaf that maps the GFN */
	u8 w, a, d; /* M_LEAF: writable, accessed, dirty */
	u32 gen; /* M_MMIO: the MMIO generation the SPTE was made under */
	u64 pfn; /* M_LEAF: the frame of this GFN */
};

struct model_slot {
	bool present;
	gfn_t base;
	u64 npages;
	pfn_t pfn;
	u32 flags; /* TDP_MEMSLOT_*; mmu_opseq only */
	u64 *bitmap; /* mmu_opseq: the dirty log while logging is on */
	u8 *shared; /* mirror_opseq: attribute per page, kept across moves */
};

/* Make @ms present at @base. */
void model_slot_fill(struct model_slot *ms, gfn_t base, u64 npages, pfn_t pfn,
		     u32 flags);
/* Index of the present slot of @slots[0, nr) holding @g, or -1. */
int model_slot_find(const struct model_slot *slots, int nr, gfn_t g);
/* Whether [base, base + npages) meets a present slot other than @skip. */
bool model_slots_overlap(const struct model_slot *slots, int nr, gfn_t base,
			 u64 npages, int skip);
/* The frame @ms gives @g, a GFN inside it. */
pfn_t model_slot_pfn(const struct model_slot *ms, gfn_t g);
/* Whether a leaf of @level at @b (aligned) lies inside @ms with its
 * PFNs aligned as well. */
bool model_slot_fits(const struct model_slot *ms, gfn_t b, int level);

/* Map the block of @level at @b as a leaf of @ms's frames. */
void model_set_block(struct model_ent *m, const struct model_slot *ms, gfn_t b,
		     int level, u8 w, u8 a, u8 d);
/* Set W, A, D (each unless negative) over the leaf block holding @g. */
void model_block_attr(struct model_ent *m, gfn_t g, int w, int a, int d);
/* The leaf of level @from holding @g becomes leaves of level @to. */
void model_relevel(struct model_ent *m, gfn_t g, int from, int to);
/*
 * Zap [start, end) within [0, n): MMIO entries, and every leaf block that
 * meets the range, whole.  @dropped (if not NULL) sees each leaf block
 * before it goes.
 */
void model_zap(struct model_ent *m, u64 n, gfn_t start, gfn_t end,
	       void (*dropped)(void *ctx, gfn_t b, int level), void *ctx);
/* Zap every MMIO entry of [0, n); return how many there were. */
u64 model_zap_mmio(struct model_ent *m, u64 n);
/* Advance the memslot generation; on an MMIO generation wrap every MMIO
 * SPTE goes. */
void model_gen_bump(u64 *gen, struct model_ent *m, u64 n);
/* Clear A on the leaves meeting [start, end) within [0, n); return how
 * many had it. */
u64 model_young(struct model_ent *m, u64 n, gfn_t start, gfn_t end);
/* Split the huge leaves meeting [start, end) within [0, n) to 4K. */
void model_split(struct model_ent *m, u64 n, gfn_t start, gfn_t end);
/* How many GFNs of [start, end) the model maps (leaf or MMIO). */
u64 model_nr_mapped(const struct model_ent *m, gfn_t start, gfn_t end);

/*
 * Compare [lo, hi), part of the leaf @spte of @level whose first GFN is
 * @base, with the model; count each GFN that matches into *covered.
 * Return: the first GFN that differs, or @hi.
 */
gfn_t model_cmp_leaf(const struct model_ent *m, u64 spte, gfn_t base, int level,
		     gfn_t lo, gfn_t hi, u64 *covered);
/* Whether @e is the MMIO SPTE @spte of @gfn (its GFN, its generation). */
bool model_is_mmio(const struct model_ent *e, u64 spte, gfn_t gfn);

#endif /* TESTS_HOST_MODEL_H */
