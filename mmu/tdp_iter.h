/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pre-order walker over one root's EPT hierarchy and a GFN range.
 *
 * 4-level EPT, 48-bit GPA (SDM "EPT Translation Mechanism"):
 *
 *   GPA  47      39 38      30 29      21 20      12 11        0
 *       +----------+----------+----------+----------+-----------+
 *       | PML4 idx | PDPT idx |  PD idx  |  PT idx  |  offset   |
 *       +----------+----------+----------+----------+-----------+
 *   GFN  35      27 26      18 17       9 8        0
 *   level    4          3          2          1
 *   maps   512 GiB     1 GiB      2 MiB      4 KiB   per SPTE
 *                     (leaf if   (leaf if
 *                      bit 7)     bit 7)
 *
 * The walk visits an SPTE, then (if it is a present non-leaf and the walk
 * may go lower) the table it points to, then its next sibling; from the
 * last sibling it steps up.  Before stepping down it re-reads the SPTE: a
 * concurrent writer may have replaced the table since the caller looked.
 * next_last_level_gfn records progress, so a walk that yields (drops the
 * lock) restarts from the root at exactly the SPTE it would visit next.
 *
 * Context: the caller holds the MMU lock (read or write) for the whole
 * walk, except across a yield, after which the iterator restarts.
 */
#ifndef TDP_MMU_TDP_ITER_H
#define TDP_MMU_TDP_ITER_H

#include "mmu/spte.h"

struct tdp_mmu;

struct tdp_iter {
	/* The GFN the walk will visit next at the lowest level it reaches. */
	gfn_t next_last_level_gfn;
	/* next_last_level_gfn at the last yield: yield at most once per GFN. */
	gfn_t yielded_gfn;
	/* Table at each level on the way from the root (index level - 1). */
	u64 *pt_path[TDP_ROOT_LEVEL];
	/* The SPTE being visited, and its value as last read. */
	u64 *sptep;
	u64 old_spte;
	/* First GFN mapped by *sptep, and its level. */
	gfn_t gfn;
	int level;
	int root_level;
	int min_level;
	/* Steps since the walk last yielded (for cond_resched). */
	unsigned int steps;
	bool valid;
	bool yielded;
	const struct tdp_mmu *mmu;
};

void tdp_iter_start(struct tdp_iter *iter, const struct tdp_mmu *mmu,
		    u64 *root_pt, int root_level, int min_level, gfn_t start);
void tdp_iter_next(struct tdp_iter *iter);
void tdp_iter_restart(struct tdp_iter *iter);

/* Every SPTE at level >= @min_level that maps part of [@start, @end). */
#define for_each_tdp_pte_min_level(iter, mmu, root_pt, min_level, start, end) \
	for (tdp_iter_start(&(iter), (mmu), (root_pt), TDP_ROOT_LEVEL,        \
			    (min_level), (start));                            \
	     (iter).valid && (iter).gfn < (end); tdp_iter_next(&(iter)))

#define for_each_tdp_pte(iter, mmu, root_pt, start, end)                     \
	for_each_tdp_pte_min_level (iter, mmu, root_pt, TDP_LEVEL_4K, start, \
				    end)

#endif /* TDP_MMU_TDP_ITER_H */
