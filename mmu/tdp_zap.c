// SPDX-License-Identifier: GPL-2.0
/*
 * Zapping: GFN ranges and whole roots, under the write lock so the result
 * is exact (no fault can re-install in the middle).  Walkers report
 * whether a TLB flush is needed; callers issue one flush per batch.
 */
#include "mmu/tdp_mmu_internal.h"

/*
 * Zap every leaf that maps part of [start, end), every MMIO SPTE in it, and
 * every table whose whole range lies inside it.  A huge leaf that only
 * partly overlaps is zapped whole.
 * Context: write lock held.  Return: true if a TLB flush is needed.
 */
bool __tdp_mmu_zap_range(const struct tdp_ctx *ctx, gfn_t start, gfn_t end,
			 u64 *zapped)
{
	struct tdp_iter iter;
	bool flush = false;
	u64 pages;

	ASSERT(!ctx->shared);
	for_each_tdp_pte (iter, ctx->mmu, ctx->root->spt, start, end) {
		if (tdp_mmu_iter_cond_resched(ctx, &iter, flush)) {
			flush = false;
			continue;
		}
		if (is_mmio_spte(iter.old_spte)) {
			tdp_mmu_set_spte(ctx, &iter, SHADOW_NONPRESENT_VALUE);
			(*zapped)++;
			continue;
		}
		if (!is_shadow_present_pte(iter.old_spte))
			continue;
		pages = tdp_pages_per_level(iter.level);
		if (!is_last_spte(iter.old_spte, iter.level) &&
		    (iter.gfn < start || iter.gfn + pages > end))
			continue;
		tdp_mmu_set_spte(ctx, &iter, SHADOW_NONPRESENT_VALUE);
		(*zapped)++;
		flush = true;
	}
	return flush;
}

/* Zap a whole root (its top-level SPTEs).  Context: write lock held. */
void __tdp_mmu_zap_root(const struct tdp_ctx *ctx)
{
	struct tdp_iter iter;

	for_each_tdp_pte_min_level (iter, ctx->mmu, ctx->root->spt,
				    TDP_ROOT_LEVEL, 0, TDP_MAX_GFN) {
		if (is_shadow_present_pte(iter.old_spte) ||
		    is_mmio_spte(iter.old_spte))
			tdp_mmu_set_spte(ctx, &iter, SHADOW_NONPRESENT_VALUE);
	}
}

static u64 tdp_mmu_zap_range_locked(struct tdp_mmu *mmu, gfn_t start, gfn_t end)
{
	struct tdp_ctx ctx = { .mmu = mmu, .shared = false };
	struct tdp_mmu_page *root;
	bool flush = false;
	u64 zapped = 0;
	u32 i;

	for_each_root(mmu, i, root)
	{
		/*
		 * Pin the root across yields inside the walk.  A root whose
		 * count already hit zero belongs to the tdp_mmu_put_root()
		 * that is waiting for this lock to tear it down: skip it.
		 */
		if (!tdp_root_tryget(root))
			continue;
		ctx.root = root;
		flush |= __tdp_mmu_zap_range(&ctx, start, end, &zapped);
		if (__atomic_fetch_sub(&root->root_refcount, 1,
				       __ATOMIC_ACQ_REL) == 1)
			tdp_mmu_free_root_locked(mmu, root);
	}
	if (flush)
		tdp_mmu_flush_tlb(mmu);
	return zapped;
}

/**
 * tdp_mmu_zap_gfn_range() - remove every mapping of [@start, @end).
 * @mmu: the MMU.
 * @start: first GFN.
 * @end: GFN after the last; huge leaves that overlap the range are zapped
 *       whole, tables that lie wholly inside it are freed.
 *
 * Every root is zapped, valid or not (a vCPU may still run on an
 * invalidated root).  One TLB flush for the whole batch.
 *
 * Context: takes the write lock (may yield it during long walks).
 * Return: the number of SPTEs zapped.
 */
u64 tdp_mmu_zap_gfn_range(struct tdp_mmu *mmu, gfn_t start, gfn_t end)
{
	u64 zapped;

	if (start >= end)
		return 0;
	tdp_mmu_write_lock(mmu);
	zapped = tdp_mmu_zap_range_locked(mmu, start, end);
	tdp_mmu_write_unlock(mmu);
	return zapped;
}

/**
 * tdp_mmu_zap_all() - remove every mapping and every non-root table.
 * @mmu: the MMU.
 *
 * Context: takes the write lock.
 */
void tdp_mmu_zap_all(struct tdp_mmu *mmu)
{
	(void)tdp_mmu_zap_gfn_range(mmu, 0, TDP_MAX_GFN);
}

/* Used by memslot updates that already hold the write lock. */
u64 tdp_mmu_zap_range_for_memslot(struct tdp_mmu *mmu, gfn_t start, gfn_t end)
{
	return tdp_mmu_zap_range_locked(mmu, start, end);
}
