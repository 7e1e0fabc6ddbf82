// SPDX-License-Identifier: GPL-2.0
/*
 * The TDP iterator (see tdp_iter.h for the level diagram and contract),
 * and the one-GFN descent (tdp_walk_gfn(), tdp_mmu_get_walk()).
 */
#include "mmu/tdp_mmu_internal.h"

static void tdp_iter_refresh_sptep(struct tdp_iter *iter)
{
	iter->sptep = iter->pt_path[iter->level - 1] +
		      tdp_spte_index(iter->gfn, iter->level);
	iter->old_spte = tdp_read_spte(iter->sptep);
}

/**
 * tdp_iter_restart() - restart the walk from the root at the SPTE the walk
 * was about to visit (after a yield, or a lost race that needs a re-read).
 * @iter: the iterator.
 *
 * Context: MMU lock held.
 */
void tdp_iter_restart(struct tdp_iter *iter)
{
	iter->yielded = false;
	iter->yielded_gfn = iter->next_last_level_gfn;
	iter->level = iter->root_level;
	iter->gfn =
		tdp_gfn_round_for_level(iter->next_last_level_gfn, iter->level);
	tdp_iter_refresh_sptep(iter);
	iter->valid = true;
}

/**
 * tdp_iter_start() - begin a pre-order walk.
 * @iter: the iterator.
 * @mmu: the MMU (for pa_to_va).
 * @root_pt: the root table.
 * @root_level: its level (TDP_ROOT_LEVEL).
 * @min_level: do not step below this level.
 * @start: first GFN of interest; a walk from 2^36 or beyond visits
 *         nothing (the index bits of such a GFN would wrap onto a low
 *         GFN; callers clamp their ranges, this is the backstop).
 *
 * Context: MMU lock held.
 */
void tdp_iter_start(struct tdp_iter *iter, const struct tdp_mmu *mmu,
		    u64 *root_pt, int root_level, int min_level, gfn_t start)
{
	iter->mmu = mmu;
	iter->root_level = root_level;
	iter->min_level = min_level;
	iter->next_last_level_gfn = start;
	iter->pt_path[root_level - 1] = root_pt;
	iter->steps = 0;
	tdp_iter_restart(iter);
	if (start >= TDP_MAX_GFN)
		iter->valid = false;
}

static bool try_step_down(struct tdp_iter *iter)
{
	u64 *child;

	if (iter->level == iter->min_level)
		return false;
	/* Re-read: the SPTE may have changed since the caller looked. */
	iter->old_spte = tdp_read_spte(iter->sptep);
	if (!is_shadow_present_pte(iter->old_spte) ||
	    is_last_spte(iter->old_spte, iter->level))
		return false;
	child = tdp_mmu_pa_to_va(iter->mmu, spte_to_child_pa(iter->old_spte));
	iter->level--;
	iter->pt_path[iter->level - 1] = child;
	iter->gfn =
		tdp_gfn_round_for_level(iter->next_last_level_gfn, iter->level);
	tdp_iter_refresh_sptep(iter);
	return true;
}

static bool try_step_side(struct tdp_iter *iter)
{
	if (tdp_spte_index(iter->gfn, iter->level) == SPTE_ENT_PER_PAGE - 1)
		return false;
	iter->gfn += tdp_pages_per_level(iter->level);
	iter->next_last_level_gfn = iter->gfn;
	iter->sptep++;
	iter->old_spte = tdp_read_spte(iter->sptep);
	return true;
}

static bool try_step_up(struct tdp_iter *iter)
{
	if (iter->level == iter->root_level)
		return false;
	iter->level++;
	iter->gfn = tdp_gfn_round_for_level(iter->gfn, iter->level);
	tdp_iter_refresh_sptep(iter);
	return true;
}

/**
 * tdp_iter_next() - step to the next SPTE in pre-order.
 * @iter: the iterator; iter->valid goes false at the end of the root.
 *
 * Context: MMU lock held.
 */
void tdp_iter_next(struct tdp_iter *iter)
{
	iter->steps++;
	if (iter->yielded) {
		tdp_iter_restart(iter);
		return;
	}
	if (try_step_down(iter))
		return;
	do {
		if (try_step_side(iter))
			return;
	} while (try_step_up(iter));
	iter->valid = false;
}

/**
 * tdp_walk_gfn() - descend from @root_pt to @gfn, one SPTE read per level.
 * @mmu: the MMU (for pa_to_va).
 * @root_pt: the root table (level TDP_ROOT_LEVEL).
 * @gfn: the GFN, below TDP_MAX_GFN.
 * @sptes: out: sptes[level] for every level visited; lower entries are
 *         left as they were.
 *
 * The same SPTEs a for_each_tdp_pte() walk over [@gfn, @gfn + 1) visits,
 * without its range bookkeeping: the EPT-misconfiguration path walks one
 * GFN per exit, and the iterator cost it half of its instructions.
 *
 * Context: MMU lock held (read or write): a table unlinked under the read
 * lock is freed only after the next write-lock acquisition.
 * Return: the lowest level visited (the leaf's level if one maps @gfn).
 */
int tdp_walk_gfn(const struct tdp_mmu *mmu, u64 *root_pt, gfn_t gfn,
		 u64 sptes[TDP_ROOT_LEVEL + 1])
{
	u64 *pt = root_pt;
	int level;

	for (level = TDP_ROOT_LEVEL;; level--) {
		u64 spte = tdp_read_spte(pt + tdp_spte_index(gfn, level));

		sptes[level] = spte;
		if (level == TDP_LEVEL_4K || !is_shadow_present_pte(spte) ||
		    is_last_spte(spte, level))
			return level;
		pt = tdp_mmu_pa_to_va(mmu, spte_to_child_pa(spte));
	}
}

/**
 * tdp_mmu_get_walk() - the SPTE at every level on the way to @gpa.
 * @mmu: the MMU.
 * @root: the root to walk.
 * @gpa: the guest-physical address.
 * @sptes: out: sptes[level] for level = TDP_ROOT_LEVEL down to the return
 *         value (lower entries are set to SHADOW_NONPRESENT_VALUE).
 *
 * Context: takes the read lock.
 * Return: the lowest level reached (the leaf's level if one maps @gpa).
 */
int tdp_mmu_get_walk(struct tdp_mmu *mmu, struct tdp_mmu_page *root, gpa_t gpa,
		     u64 sptes[TDP_ROOT_LEVEL + 1])
{
	gfn_t gfn = (gpa & ((1ULL << TDP_MAX_GPA_BITS) - 1)) >> PAGE_SHIFT;
	int l, leaf;

	for (l = 0; l <= TDP_ROOT_LEVEL; l++)
		sptes[l] = SHADOW_NONPRESENT_VALUE;
	tdp_mmu_read_lock(mmu, 0);
	leaf = tdp_walk_gfn(mmu, root->spt, gfn, sptes);
	tdp_mmu_read_unlock(mmu, 0);
	return leaf;
}
