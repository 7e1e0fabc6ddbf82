// SPDX-License-Identifier: GPL-2.0
/*
 * Committing SPTE changes, and the bookkeeping that follows them.
 *
 * Order: a failed external (S-EPT) operation must leave the page stats and
 * the tables exactly as they were, so the bookkeeping comes last.  A change
 * first commits — the compare-exchange (read lock) or exchange (write lock)
 * on the SPTE, and, for mirror roots, the external S-EPT operation — and
 * only then are its side effects applied: teardown of a removed subtree,
 * the trace record, the page stats, and (D-bit dirty logging) the dirty
 * bits of a dropped leaf moved to the memslot's bitmap.  A change that
 * fails leaves stats, trace and tables exactly as they were.
 *
 * Mirror roots (the "Mirror roots" section below): the SPTE is frozen
 * (FROZEN_SPTE) for the whole external operation, then set to the new
 * value if it succeeded or back to the old one if it failed.
 * __tdp_handle_changed_spte() is given @new_spte and never re-reads the
 * SPTE (which still holds FROZEN_SPTE).
 * A removed mirror table is emptied child by child (each child its own
 * committed change) before the S-EPT may free its copy, so for mirror
 * roots the subtree goes first and the parent's record last.
 */
#include "mmu/tdp_mmu_internal.h"

static void tdp_handle_removed_pt(const struct tdp_ctx *ctx, u64 parent_spte,
				  int parent_level);

static void tdp_check_leaf(u64 spte)
{
	/* W implies MMU-writable implies host-writable (KVM's invariant). */
	WARN_ON_ONCE(is_writable_pte(spte) && !is_mmu_writable_spte(spte));
	WARN_ON_ONCE(is_mmu_writable_spte(spte) &&
		     !(spte & SPTE_HOST_WRITABLE));
	WARN_ON_ONCE((spte & SPTE_EPT_WRITABLE) && !(spte & SPTE_EPT_READABLE));
}

/*
 * --- Mirror roots ---
 *
 * Propagating every change of a mirror SPTE to the S-EPT backend
 * (mmu/sept/), the way KVM's TDP MMU drives the TDX module.  It recurses
 * with __tdp_handle_changed_spte(): removing a mirror table accounts each
 * child as a change of its own.
 *
 * The caller (tdp_mirror_change()) has frozen the mirror SPTE; the
 * functions below perform the external operation(s) for one change and
 * report success or the error.  Four kinds of change, four protocols:
 *
 *   non-present -> table   sept_link_table()
 *   non-present -> leaf    sept_set_leaf()
 *   leaf -> non-present    sept_block(), sept_track(), TLB flush (the
 *                          vCPUs leave the old epoch), sept_remove_leaf();
 *                          a failure after the block is rolled back with
 *                          sept_unblock()
 *   table -> non-present   every child removed first (each child frozen,
 *                          removed and accounted as its own change), then
 *                          sept_free_table() of the now empty table; its
 *                          page is freed with the MMU's own deferred
 *                          tables, after a TLB flush (tdp_core.c)
 *
 * Anything else (a present -> present change: write-protection, A/D
 * clearing, huge-page split or collapse) is not supported for private
 * memory and fails with -EOPNOTSUPP (the callers never ask for it).
 *
 * Under the read lock an S-EPT -EBUSY goes back to the caller (a fault
 * retries).  Under the write lock each S-EPT step is retried up to
 * TDP_SEPT_WRITE_RETRIES times first (the TDX module can be busy even
 * when KVM holds mmu_lock for write; KVM kicks vCPUs and retries).
 */

static int tdp_sept_errno(const struct tdp_ctx *ctx, enum sept_error err)
{
	int r = sept_error_to_errno(err);

	/* A broken rule is an MMU bug: the backend logged which one. */
	WARN_ON_ONCE(r && r != -EBUSY && r != -ENOMEM);
	(void)ctx;
	return r;
}

/* One S-EPT step; under the write lock, retried while busy. */
#define tdp_sept_call(ctx, call)                                     \
	({                                                           \
		enum sept_error __e;                                 \
		u32 __tries = 0;                                     \
		for (;;) {                                           \
			__e = (call);                                \
			if (__e != SEPT_ERR_BUSY || (ctx)->shared || \
			    ++__tries >= TDP_SEPT_WRITE_RETRIES)     \
				break;                               \
		}                                                    \
		tdp_sept_errno((ctx), __e);                          \
	})

static int tdp_ext_remove_leaf(const struct tdp_ctx *ctx, gfn_t gfn, int level)
{
	struct sept *s = ctx->mmu->sept;
	int r;

	r = tdp_sept_call(ctx, sept_block(s, gfn, level));
	if (r)
		return r;
	r = tdp_sept_call(ctx, sept_track(s));
	if (r)
		goto unblock;
	/* Every vCPU leaves the old TLB epoch (INVEPT / kick). */
	tdp_mmu_flush_tlb(ctx->mmu);
	r = tdp_sept_call(ctx, sept_remove_leaf(s, gfn, level));
	if (r)
		goto unblock;
	return 0;
unblock:
	WARN_ON_ONCE(sept_unblock(s, gfn, level) != SEPT_OK);
	return r;
}

/* Unlink an empty S-EPT table; its page waits for the next TLB flush. */
static int tdp_ext_free_table(const struct tdp_ctx *ctx, gfn_t gfn, int level)
{
	struct tdp_mmu *mmu = ctx->mmu;
	int r = tdp_sept_call(ctx, sept_free_table(mmu->sept, gfn, level));

	if (!r)
		__atomic_store_n(&mmu->sept_unlink_seq,
				 __atomic_load_n(&mmu->flush_seq,
						 __ATOMIC_SEQ_CST),
				 __ATOMIC_SEQ_CST);
	return r;
}

/**
 * tdp_set_external_spte() - propagate one mirror SPTE change to the S-EPT.
 * @ctx: operation context (mirror root; lock mode).
 * @gfn: first GFN the SPTE maps (private: shared bit clear).
 * @old_spte: the value before (the SPTE holds FROZEN_SPTE now).
 * @new_spte: the value wanted.
 * @level: level of the SPTE.
 *
 * For a table -> non-present change the table must be empty already
 * (tdp_mirror_remove_pt()).
 *
 * Context: MMU lock held; the SPTE is frozen by the caller.
 * Return: 0; -EBUSY (S-EPT contention; under the write lock only after
 * every retry); -ENOMEM (no page for an S-EPT table); -EIO (the S-EPT
 * refused: an MMU bug, warned); -EOPNOTSUPP (a change private memory
 * does not support).  On error the S-EPT is as it was.
 */
static int tdp_set_external_spte(const struct tdp_ctx *ctx, gfn_t gfn,
				 u64 old_spte, u64 new_spte, int level)
{
	bool was_present = is_shadow_present_pte(old_spte);
	bool is_present = is_shadow_present_pte(new_spte);
	struct sept *s = ctx->mmu->sept;

	if (!was_present && is_present) {
		if (!is_last_spte(new_spte, level))
			return tdp_sept_call(ctx,
					     sept_link_table(s, gfn, level));
		return tdp_sept_call(ctx, sept_set_leaf(s, gfn, level,
							spte_to_pfn(new_spte),
							spte_access(new_spte)));
	}
	if (was_present && !is_present) {
		if (is_last_spte(old_spte, level))
			return tdp_ext_remove_leaf(ctx, gfn, level);
		return tdp_ext_free_table(ctx, gfn, level);
	}
	if (!was_present && !is_present)
		return 0; /* e.g. a stale non-present value: nothing mirrored */
	WARN_ON_ONCE(true);
	return -EOPNOTSUPP;
}

/**
 * tdp_mirror_remove_pt() - empty a mirror table before its parent goes.
 * @ctx: operation context (mirror root, write lock).
 * @parent_spte: the (still linked, frozen) parent's old value.
 * @parent_level: the parent's level.
 *
 * Each present child is frozen, removed from the S-EPT (recursively for
 * tables) and accounted, then set non-present: a committed change of its
 * own.  On the first failure that child gets its old value back and the
 * walk stops; what was removed before stays removed.
 *
 * Context: MMU write lock held.
 * Return: 0 or the first child's error.
 */
static int tdp_mirror_remove_pt(const struct tdp_ctx *ctx, u64 parent_spte,
				int parent_level)
{
	struct tdp_mmu_page *sp =
		tdp_sp_from_pa(ctx->mmu, spte_to_child_pa(parent_spte));
	int level = parent_level - 1, i, r;
	u64 old_spte, *sptep;

	ASSERT(!ctx->shared);
	ASSERT(sp->level == level && sp->state == TDP_SP_LIVE);
	for (i = 0; i < SPTE_ENT_PER_PAGE; i++) {
		sptep = &sp->spt[i];
		old_spte = tdp_read_spte(sptep);
		if (!is_shadow_present_pte(old_spte))
			continue;
		__atomic_store_n(sptep, FROZEN_SPTE, __ATOMIC_SEQ_CST);
		r = __tdp_handle_changed_spte(
			ctx, sp->gfn + (u64)i * tdp_pages_per_level(level),
			old_spte, SHADOW_NONPRESENT_VALUE, level);
		__atomic_store_n(sptep, r ? old_spte : SHADOW_NONPRESENT_VALUE,
				 __ATOMIC_RELEASE);
		if (r)
			return r;
	}
	return 0;
}

/*
 * A mirror change: the external op (for a removed table: empty it, then
 * free the S-EPT copy).  Return: 0 or the error; on error nothing of this
 * change was committed (children removed before the error stay removed,
 * each fully accounted).
 */
static int tdp_mirror_commit(const struct tdp_ctx *ctx, gfn_t gfn, u64 old_spte,
			     u64 new_spte, int level, bool removed_pt)
{
	int r;

	if (!removed_pt)
		return tdp_set_external_spte(ctx, gfn, old_spte, new_spte,
					     level);
	if (WARN_ON_ONCE(ctx->shared || is_shadow_present_pte(new_spte)))
		return -EOPNOTSUPP;
	r = tdp_mirror_remove_pt(ctx, old_spte, level);
	if (r)
		return r;
	r = tdp_set_external_spte(ctx, gfn, old_spte, new_spte, level);
	if (r)
		return r;
	tdp_sp_defer_free(ctx->mmu,
			  tdp_sp_from_pa(ctx->mmu, spte_to_child_pa(old_spte)));
	return 0;
}

/*
 * tdp_dirty_spte_dropped() - a leaf with D set is gone: keep its writes.
 * @mmu: the MMU.
 * @gfn: first GFN the leaf mapped (with private memory: may carry the
 *       shared bit).
 * @old_spte: the leaf as it was replaced (D set).
 * @level: its level.
 *
 * In D-bit mode the D bit is the only record of the writes since the last
 * harvest; a zap, the removal of the table above, a memslot delete or
 * move, or a root teardown would lose it.  Each page the leaf mapped for a
 * memslot that logs dirty pages is marked in its bitmap, indexed by slot
 * offset (so a move keeps it).  A page is marked only if the leaf mapped
 * the slot's own frame for it.  Write-protection mode needs nothing here:
 * a page is marked when it is made writable.
 *
 * Context: MMU lock held (read or write), which keeps the memslot array
 * alive.
 */
static void tdp_dirty_spte_dropped(struct tdp_mmu *mmu, gfn_t gfn, u64 old_spte,
				   int level)
{
	const struct tdp_memslots *slots;
	const struct tdp_memslot *slot;
	gfn_t g, end;
	pfn_t pfn;

	if (mmu->cfg.dirty_mode != TDP_DIRTY_DBIT)
		return;
	slots = tdp_memslots_current(mmu);
	gfn = tdp_gfn_strip(mmu, gfn);
	end = gfn + tdp_pages_per_level(level);
	pfn = spte_to_pfn(old_spte);
	for (g = gfn; g < end; g++) {
		slot = tdp_memslot_lookup(slots, g);
		if (!slot || !(slot->flags & TDP_MEMSLOT_LOG_DIRTY) ||
		    !slot->dirty_dir)
			continue;
		if (tdp_memslot_gfn_to_pfn(slot, g) == pfn + (g - gfn))
			tdp_memslot_mark_dirty(slot, g);
	}
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
	bool removed_pt;
	int r;

	ASSERT(level >= TDP_LEVEL_4K && level <= TDP_ROOT_LEVEL);
	ASSERT(!(is_present && is_mmio_spte(new_spte)));
	if (old_spte == new_spte)
		return 0;
	if (is_leaf)
		tdp_check_leaf(new_spte);

	/*
	 * A present non-leaf that became a leaf, non-present, or (a bug)
	 * points elsewhere: its subtree is gone.
	 */
	removed_pt = was_present && !was_leaf &&
		     (is_leaf || !is_present || WARN_ON_ONCE(pfn_changed));
	if (tdp_is_mirror(ctx->root)) {
		r = tdp_mirror_commit(ctx, gfn, old_spte, new_spte, level,
				      removed_pt);
		if (r)
			return r;
	} else {
		if (ctx->mmu->hw_level && level >= ctx->mmu->hw_level)
			tdp_hw_direct_changed(ctx->mmu, ctx->root, level);
		if (removed_pt)
			tdp_handle_removed_pt(ctx, old_spte, level);
	}

	/*
	 * A dirty leaf that goes away (or now maps another page) takes the
	 * only record of the guest's writes with it in D-bit mode: move it
	 * to the dirty bitmap.  A split keeps D in the children; clearing
	 * D in place is the harvest's (or the start of logging's) business.
	 */
	if (was_leaf && is_dirty_spte(old_spte) &&
	    (!is_present || (is_leaf && pfn_changed)) &&
	    !tdp_is_mirror(ctx->root))
		tdp_dirty_spte_dropped(ctx->mmu, gfn, old_spte, level);
	tdp_trace_record(ctx->mmu, gfn, level, old_spte, new_spte);
	if (is_leaf != was_leaf)
		__atomic_fetch_add(&tdp_stats(ctx)->pages[level],
				   is_leaf ? 1 : -1, __ATOMIC_RELAXED);
	return 0;
}

/*
 * Tear down a direct-root table that was unlinked from its parent: freeze
 * every child (so a walker still holding a pointer into the table can
 * install nothing), account each child's change, then queue the page for
 * freeing after the grace period.
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

/*
 * Mirror roots, either lock: the SPTE holds FROZEN_SPTE (we froze it) for
 * the external op; then it gets @new_spte, or @old_spte back on failure.
 */
static int tdp_mirror_change(const struct tdp_ctx *ctx, struct tdp_iter *iter,
			     u64 old_spte, u64 new_spte)
{
	int r = __tdp_handle_changed_spte(ctx, iter->gfn, old_spte, new_spte,
					  iter->level);

	__atomic_store_n(iter->sptep, r ? old_spte : new_spte,
			 __ATOMIC_RELEASE);
	iter->old_spte = old_spte;
	if (r == -EBUSY)
		tdp_stat_add(&tdp_stats(ctx)->ext_busy, 1);
	else if (r)
		tdp_stat_add(&tdp_stats(ctx)->ext_failed, 1);
	return r;
}

/**
 * tdp_mmu_set_spte_atomic() - change an SPTE under the read lock.
 * @ctx: operation context (ctx->shared).
 * @iter: iterator at the SPTE; iter->old_spte is the value the change
 *        expects, and is refreshed if the compare-exchange loses.
 * @new_spte: the new value.
 *
 * Mirror roots: the SPTE is compare-exchanged to FROZEN_SPTE, the S-EPT
 * op runs, then the SPTE becomes @new_spte (success) or its old value
 * (failure: nothing was accounted).
 *
 * Context: MMU read lock held.
 * Return: 0; -EBUSY if the SPTE changed under us, is frozen, or the S-EPT
 * was busy (nothing was changed or accounted; the caller retries);
 * mirror roots also -ENOMEM or -EIO from the S-EPT (nothing changed).
 */
int tdp_mmu_set_spte_atomic(const struct tdp_ctx *ctx, struct tdp_iter *iter,
			    u64 new_spte)
{
	u64 old_spte = iter->old_spte;
	int r;

	if (is_frozen_spte(iter->old_spte)) {
		tdp_stat_add(&tdp_stats(ctx)->frozen_retries, 1);
		return -EBUSY;
	}
	if (tdp_is_mirror(ctx->root)) {
		if (!tdp_try_cmpxchg(iter->sptep, &iter->old_spte,
				     FROZEN_SPTE)) {
			tdp_stat_add(&tdp_stats(ctx)->cmpxchg_failed, 1);
			return -EBUSY;
		}
		return tdp_mirror_change(ctx, iter, old_spte, new_spte);
	}
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
 * Direct roots cannot fail.  Mirror roots freeze the SPTE for the S-EPT
 * op(s) (removal: block, track, flush, remove; a table: its children
 * first, then free), retrying a busy S-EPT up to TDP_SEPT_WRITE_RETRIES
 * times.
 *
 * Context: MMU write lock held.
 * Return: 0, or (mirror roots) the S-EPT error: the SPTE keeps its old
 * value and nothing was accounted (children of a table removed before
 * the error stay removed, each accounted as its own change).
 */
int tdp_mmu_set_spte(const struct tdp_ctx *ctx, struct tdp_iter *iter,
		     u64 new_spte)
{
	u64 old_spte;

	ASSERT(!ctx->shared);
	if (tdp_is_mirror(ctx->root)) {
		old_spte = __atomic_exchange_n(iter->sptep, FROZEN_SPTE,
					       __ATOMIC_SEQ_CST);
		WARN_ON_ONCE(is_frozen_spte(old_spte));
		return tdp_mirror_change(ctx, iter, old_spte, new_spte);
	}
	iter->old_spte =
		__atomic_exchange_n(iter->sptep, new_spte, __ATOMIC_SEQ_CST);
	WARN_ON_ONCE(is_frozen_spte(iter->old_spte));
	__tdp_handle_changed_spte(ctx, iter->gfn, iter->old_spte, new_spte,
				  iter->level);
	return 0;
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
