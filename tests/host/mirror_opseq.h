/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random operation sequences for private memory (mirror root + S-EPT +
 * hardware view) against a reference model: private and shared faults,
 * CPU accesses, conversions (with zeroing checked through guest-page
 * tokens), zaps, aging, split, recovery, memslot add/delete/move, root
 * invalidation and MMIO zaps, with the S-EPT backend in strict mode and
 * seeded -EBUSY on every operation kind.  After every step the touched
 * range is compared three ways (model, mirror/direct root, S-EPT) and
 * walked like the CPU through tdp_mmu_hw_eptp(); every 256 steps (and at
 * the end) the whole universe, tdp_mmu_check_mirror() and
 * tdp_mmu_check_invariants().  The choice sources, the entry and memslot
 * types and the edits are mmu_opseq's too (model.h).
 *
 * Boundaries are sought on purpose: with shared bit 30 the bit is a 1 GiB
 * boundary inside the model, and slot 2 ends exactly at it, starts at it
 * (refused) or is moved across it (refused); one range in six starts at
 * the shared bit, twice the shared bit, a 1 GiB boundary, 2^36 GFNs or far
 * beyond, and may run past all of them.  A range's part in [s, 2 * s)
 * names shared GFNs of the direct root as given; nothing beyond 2 * s
 * may change.  At the end no page may have been freed while the CPU's
 * walker could still read it (mmu_fake's walked_frees).
 */
#ifndef TESTS_HOST_MIRROR_OPSEQ_H
#define TESTS_HOST_MIRROR_OPSEQ_H

#include "model.h"

#define MOPSEQ_UNIVERSE 0x51000ULL /* stripped GFNs */
#define MOPSEQ_NR_SLOTS 4

struct mirror_opseq {
	struct mmu_fake fake;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *direct, *mirror;
	struct tdp_mmu_cache cache;
	struct tdp_mmu_config cfg;
	gfn_t s; /* shared GFN bit */
	struct model_ent *priv, *shr; /* models, indexed by stripped GFN */
	struct model_slot slots[MOPSEQ_NR_SLOTS];
	u64 gen;
	u64 retries, zero_checks, hw_walks;
	struct opseq_run run;
};

/* Config from the source (shared bit, levels, ...), @busy_ppm on every
 * S-EPT op kind; 0 or an MMU error. */
int mopseq_init(struct mirror_opseq *s, struct opseq_src *src, u32 busy_ppm);
/* As opseq_step(), opseq_check_all() and opseq_fini(), on &s->run. */
bool mopseq_step(struct opseq_run *run, struct opseq_src *src);
bool mopseq_check_all(struct opseq_run *run);
bool mopseq_fini(struct opseq_run *run);

#endif /* TESTS_HOST_MIRROR_OPSEQ_H */
