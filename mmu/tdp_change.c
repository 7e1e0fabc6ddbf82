// SPDX-License-Identifier: GPL-2.0
/*
 * Committing SPTE changes, and the bookkeeping that follows them.
 *
 * Order (the 2026 mirror-SPTE-removal fix, see shared/reference/): a change
 * first commits — the compare-exchange (read lock) or exchange (write lock)
 * on the SPTE, and, for mirror roots, the external S-EPT operation — and
 * only then are its side effects applied: teardown of a removed subtree,
 * the trace record, and the page stats.  A change that fails leaves stats
 * and trace exactly as they were.
 *
 * Mirror roots (issue 4) slot in at two marked points: the freeze/external
 * op/unfreeze protocol in tdp_mmu_set_spte_atomic(), and the external op in
 * __tdp_handle_changed_spte().  Direct roots never take them.
 */
#include "mmu/tdp_mmu_internal.h"

static void tdp_handle_removed_pt(const struct tdp_ctx *ctx, u64 parent_spte,
				  int parent_level);

/* The hook for mirror roots: propagate a change to the S-EPT backend. */
static int tdp_set_external_spte(const struct tdp_ctx *ctx, gfn_t gfn,
				 u64 old_spte, u64 new_spte, int level)
{
	(void)ctx;
	(void)gfn;
	(void)old_spte;
	(void)new_spte;
	(void)level;
	/* Mirror roots cannot be created yet (tdp_mmu_get_root). */
	return WARN_ON_ONCE(true) ? -EOPNOTSUPP : 0;
}

static void tdp_check_leaf(u64 spte)
{
	/* W implies MMU-writable implies host-writable (KVM's invariant). */
	WARN_ON_ONCE(is_writable_pte(spte) && !is_mmu_writable_spte(spte));
	WARN_ON_ONCE(is_mmu_writable_spte(spte) &&
		     !(spte & SPTE_HOST_WRITABLE));
	WARN_ON_ONCE((spte & SPTE_EPT_WRITABLE) && !(spte & SPTE_EPT_READABLE));
}

/**
 * __tdp_handle_changed_spte() - account for a committed SPTE change.
 * @ctx: operation context (root role, lock mode, stats shard).
 * @gfn: first GFN mapped by the SPTE.
 * @old_spte: value before the change.
 * @new_spte: value after (never re-read from memory: for mirror roots the
 *            SPTE holds FROZEN_SPTE while the external op runs).
 * @level: level of the SPTE.
 *
 * Context: MMU lock held (read or write, as ctx->shared says).
 * Return: 0, or the external op's error for mirror roots (then nothing was
 * accounted and the caller must restore @old_spte).
 */
int __tdp_handle_changed_spte(const struct tdp_ctx *ctx, gfn_t gfn,
			      u64 old_spte, u64 new_spte, int level)
{
	bool was_present = is_shadow_present_pte(old_spte);
	bool is_present = is_shadow_present_pte(new_spte);
	bool was_leaf = was_present && is_last_spte(old_spte, level);
	bool is_leaf = is_present && is_last_spte(new_spte, level);
	bool pfn_changed = spte_to_pfn(old_spte) != spte_to_pfn(new_spte);
	int r;

	ASSERT(level >= TDP_LEVEL_4K && level <= TDP_ROOT_LEVEL);
	ASSERT(!(is_present && is_mmio_spte(new_spte)));
	if (old_spte == new_spte)
		return 0;
	if (is_leaf)
		tdp_check_leaf(new_spte);

	/*
	 * A present non-leaf that became a leaf, non-present, or (a bug)
	 * points elsewhere: its subtree is gone.  Otherwise mirror roots
	 * propagate the change before anything is accounted.
	 */
	if (was_present && !was_leaf &&
	    (is_leaf || !is_present || WARN_ON_ONCE(pfn_changed))) {
		tdp_handle_removed_pt(ctx, old_spte, level);
	} else if (ctx->root->role == TDP_ROOT_MIRROR) {
		r = tdp_set_external_spte(ctx, gfn, old_spte, new_spte, level);
		if (r)
			return r;
	}

	tdp_trace_record(ctx->mmu, gfn, level, old_spte, new_spte);
	if (is_leaf != was_leaf)
		__atomic_fetch_add(&tdp_stats(ctx)->pages[level],
				   is_leaf ? 1 : -1, __ATOMIC_RELAXED);
	return 0;
}

/*
 * Tear down a table that was unlinked from its parent: freeze every child
 * (so a walker still holding a pointer into the table can install
 * nothing), account each child's change, then queue the page for freeing
 * after the grace period.
 */
static void tdp_handle_removed_pt(const struct tdp_ctx *ctx, u64 parent_spte,
				  int parent_level)
{
	struct tdp_mmu *mmu = ctx->mmu;
	struct tdp_mmu_page *sp =
		tdp_sp_from_pa(mmu, spte_to_child_pa(parent_spte));
	int level = parent_level - 1;
	u64 old_spte, *sptep;
	int i;

	ASSERT(sp->level == level && sp->state == TDP_SP_LIVE);
	for (i = 0; i < SPTE_ENT_PER_PAGE; i++) {
		sptep = &sp->spt[i];
		if (ctx->shared) {
			for (;;) {
				old_spte = __atomic_exchange_n(
					sptep, FROZEN_SPTE, __ATOMIC_SEQ_CST);
				if (!is_frozen_spte(old_spte))
					break;
				if (mmu->ops->cpu_relax)
					mmu->ops->cpu_relax(mmu->opaque);
			}
		} else {
			old_spte = tdp_read_spte(sptep);
			if (!is_shadow_present_pte(old_spte))
				continue;
			old_spte = __atomic_exchange_n(sptep, FROZEN_SPTE,
						       __ATOMIC_SEQ_CST);
		}
		__tdp_handle_changed_spte(
			ctx, sp->gfn + (u64)i * tdp_pages_per_level(level),
			old_spte, FROZEN_SPTE, level);
	}
	tdp_sp_defer_free(mmu, sp);
}

/**
 * tdp_mmu_set_spte_atomic() - change an SPTE under the read lock.
 * @ctx: operation context (ctx->shared).
 * @iter: iterator at the SPTE; iter->old_spte is the value the change
 *        expects, and is refreshed if the compare-exchange loses.
 * @new_spte: the new value.
 *
 * Context: MMU read lock held.
 * Return: 0, or -EBUSY if the SPTE changed under us or is frozen (nothing
 * was changed or accounted; the caller retries).
 */
int tdp_mmu_set_spte_atomic(const struct tdp_ctx *ctx, struct tdp_iter *iter,
			    u64 new_spte)
{
	int r;

	if (is_frozen_spte(iter->old_spte)) {
		tdp_stat_add(&tdp_stats(ctx)->frozen_retries, 1);
		return -EBUSY;
	}
	/*
	 * Mirror roots (issue 4): cmpxchg old -> FROZEN_SPTE, then
	 * __tdp_handle_changed_spte() (which runs the external op), then
	 * store new_spte on success or old_spte on failure.
	 */
	if (!tdp_try_cmpxchg(iter->sptep, &iter->old_spte, new_spte)) {
		tdp_stat_add(&tdp_stats(ctx)->cmpxchg_failed, 1);
		return -EBUSY;
	}
	r = __tdp_handle_changed_spte(ctx, iter->gfn, iter->old_spte, new_spte,
				      iter->level);
	WARN_ON_ONCE(r);
	return 0;
}

/**
 * tdp_mmu_set_spte() - change an SPTE under the write lock.
 * @ctx: operation context (!ctx->shared).
 * @iter: iterator at the SPTE; iter->old_spte is refreshed to the value
 *        actually replaced (the CPU may have set A/D meanwhile).
 * @new_spte: the new value.
 *
 * Context: MMU write lock held.
 */
void tdp_mmu_set_spte(const struct tdp_ctx *ctx, struct tdp_iter *iter,
		      u64 new_spte)
{
	ASSERT(!ctx->shared);
	iter->old_spte =
		__atomic_exchange_n(iter->sptep, new_spte, __ATOMIC_SEQ_CST);
	WARN_ON_ONCE(is_frozen_spte(iter->old_spte));
	__tdp_handle_changed_spte(ctx, iter->gfn, iter->old_spte, new_spte,
				  iter->level);
}

/**
 * tdp_mmu_iter_cond_resched() - let waiters in during a long walk.
 * @ctx: operation context (lock mode).
 * @iter: the walk; restarted from the root at the same SPTE on yield.
 * @flush: a TLB flush is pending; it is issued before the lock is dropped.
 *
 * Yields at most once per GFN, so the walk always makes progress.
 *
 * Context: MMU lock held as ctx->shared says; dropped and retaken.
 * Return: true if it yielded (the pending flush, if any, was done).
 */
bool tdp_mmu_iter_cond_resched(const struct tdp_ctx *ctx, struct tdp_iter *iter,
			       bool flush)
{
	struct tdp_mmu *mmu = ctx->mmu;
	u32 every = mmu->cfg.yield_every;

	if (iter->next_last_level_gfn == iter->yielded_gfn)
		return false;
	if (every ? iter->steps < every
		  : (iter->steps < 64 || !tdp_rwlock_contended(&mmu->lock)))
		return false;
	if (flush)
		tdp_mmu_flush_tlb(mmu);
	if (ctx->shared) {
		tdp_mmu_read_unlock(mmu, ctx->shard);
		if (mmu->ops->cpu_relax)
			mmu->ops->cpu_relax(mmu->opaque);
		tdp_mmu_read_lock(mmu, ctx->shard);
	} else {
		tdp_mmu_write_unlock(mmu);
		if (mmu->ops->cpu_relax)
			mmu->ops->cpu_relax(mmu->opaque);
		tdp_mmu_write_lock(mmu);
	}
	iter->steps = 0;
	iter->yielded = true;
	return true;
}
