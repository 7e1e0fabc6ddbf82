// SPDX-License-Identifier: GPL-2.0
/*
 * Zapping: GFN ranges and whole roots, under the write lock so the result
 * is exact (no fault can re-install in the middle); and the teardown of a
 * root when its last reference goes (tdp_mmu_put_root(), the "fast zap"
 * tdp_mmu_invalidate_roots()), which zaps it.  Walkers report
 * whether a TLB flush is needed; callers issue one flush per batch.
 *
 * With private memory the range names stripped GFNs: the mirror root's
 * private mappings and the direct root's shared alias are both zapped
 * (tdp_root_ranges()).  A mirror SPTE goes through the S-EPT; one the
 * backend keeps refusing stays mapped, exactly as it was.
 */
#include "mmu/tdp_mmu_internal.h"

/*
 * Zap every leaf that maps part of [start, end), every MMIO SPTE in it, and
 * every table whose whole range lies inside it.  A huge leaf that only
 * partly overlaps is zapped whole.  *err gets the first S-EPT error.
 * Context: write lock held.  Return: true if a TLB flush is needed.
 */
bool __tdp_mmu_zap_range(const struct tdp_ctx *ctx, gfn_t start, gfn_t end,
			 u64 *zapped, int *err)
{
	struct tdp_iter iter;
	bool flush = false;
	u64 pages;
	int r;

	ASSERT(!ctx->shared);
	for_each_tdp_pte (iter, ctx->mmu, ctx->root->spt, start, end) {
		if (!ctx->no_yield &&
		    tdp_mmu_iter_cond_resched(ctx, &iter, flush)) {
			flush = false;
			continue;
		}
		if (is_mmio_spte(iter.old_spte)) {
			if (!tdp_mmu_set_spte(ctx, &iter,
					      SHADOW_NONPRESENT_VALUE))
				(*zapped)++;
			continue;
		}
		if (!is_shadow_present_pte(iter.old_spte))
			continue;
		pages = tdp_pages_per_level(iter.level);
		if (!is_last_spte(iter.old_spte, iter.level) &&
		    (iter.gfn < start || iter.gfn + pages > end))
			continue;
		r = tdp_mmu_set_spte(ctx, &iter, SHADOW_NONPRESENT_VALUE);
		/* A table that failed may have lost some children. */
		flush = true;
		if (r) {
			if (!*err)
				*err = r;
			continue;
		}
		(*zapped)++;
	}
	return flush;
}

/*
 * Zap a whole root (its top-level SPTEs).  Context: write lock held.
 * Mirror roots are torn down only with the VM: an S-EPT that keeps
 * refusing then is warned about, and the backend's pages are reclaimed
 * by sept_destroy() regardless.
 */
void __tdp_mmu_zap_root(const struct tdp_ctx *ctx)
{
	struct tdp_iter iter;

	for_each_tdp_pte_min_level (iter, ctx->mmu, ctx->root->spt,
				    TDP_ROOT_LEVEL, 0, TDP_MAX_GFN) {
		if (is_shadow_present_pte(iter.old_spte) ||
		    is_mmio_spte(iter.old_spte))
			WARN_ON_ONCE(tdp_mmu_set_spte(ctx, &iter,
						      SHADOW_NONPRESENT_VALUE));
	}
}

/*
 * Tear down a root whose last reference is gone (or at destroy): zap it,
 * remove it from roots[], queue its page.  Context: write lock held.
 */
void tdp_mmu_free_root_locked(struct tdp_mmu *mmu, struct tdp_mmu_page *root)
{
	struct tdp_ctx ctx = { .mmu = mmu, .root = root, .shared = false };
	u32 i;

	if (mmu->hw_direct == root)
		tdp_hw_set_direct(mmu, NULL);
	__tdp_mmu_zap_root(&ctx);
	tdp_mmu_flush_tlb(mmu);
	for (i = 0; i < TDP_MAX_ROOTS; i++)
		if (mmu->roots[i] == root)
			mmu->roots[i] = NULL;
	tdp_sp_defer_free(mmu, root);
}

/**
 * tdp_mmu_put_root() - drop a reference from tdp_mmu_get_root().
 * @mmu: the MMU.
 * @root: the root; torn down if this was the last reference.
 *
 * Context: must not hold the MMU lock (may take the write lock).
 */
void tdp_mmu_put_root(struct tdp_mmu *mmu, struct tdp_mmu_page *root)
{
	if (__atomic_fetch_sub(&root->root_refcount, 1, __ATOMIC_ACQ_REL) != 1)
		return;
	tdp_mmu_write_lock(mmu);
	tdp_mmu_free_root_locked(mmu, root);
	tdp_mmu_write_unlock(mmu);
}

/**
 * tdp_mmu_invalidate_roots() - "fast zap": retire every root at once.
 * @mmu: the MMU.
 *
 * vCPUs see tdp_mmu_root_is_valid() go false, reload a fresh root and drop
 * the old one, which is torn down when its last user lets go.  The mirror
 * root is not retired (the S-EPT cannot be dropped wholesale; KVM does the
 * same): private mappings stay.  The hardware view loses its shared half
 * until a new direct root is created.
 *
 * Context: takes the write lock.
 */
void tdp_mmu_invalidate_roots(struct tdp_mmu *mmu)
{
	struct tdp_mmu_page *root;
	u32 i;

	tdp_mmu_write_lock(mmu);
	for_each_valid_root (mmu, i, root) {
		if (tdp_is_mirror(root))
			continue;
		if (mmu->hw_direct == root)
			tdp_hw_set_direct(mmu, NULL);
		__atomic_store_n(&root->root_invalid, true, __ATOMIC_RELEASE);
		if (__atomic_fetch_sub(&root->root_refcount, 1,
				       __ATOMIC_ACQ_REL) == 1)
			tdp_mmu_free_root_locked(mmu, root);
	}
	tdp_mmu_write_unlock(mmu);
}

/* *err gets the first S-EPT error (left alone if none). */
static u64 tdp_mmu_zap_range_locked(struct tdp_mmu *mmu, gfn_t start, gfn_t end,
				    int *err)
{
	struct tdp_ctx ctx = { .mmu = mmu, .shared = false };
	struct tdp_mmu_page *root;
	bool flush = false;
	u64 zapped = 0;
	gfn_t rg[2][2];
	int n, k;
	u32 i;

	for_each_root (mmu, i, root) {
		/*
		 * Pin the root across yields inside the walk.  A root whose
		 * count already hit zero belongs to the tdp_mmu_put_root()
		 * that is waiting for this lock to tear it down: skip it.
		 */
		if (!tdp_root_tryget(root))
			continue;
		ctx.root = root;
		n = tdp_root_ranges(mmu, root, start, end, rg);
		for (k = 0; k < n; k++)
			flush |= __tdp_mmu_zap_range(&ctx, rg[k][0], rg[k][1],
						     &zapped, err);
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
 * invalidated root).  One TLB flush for the whole batch.  With private
 * memory, [@start, @end) are stripped GFNs: both the private mappings
 * (through the S-EPT) and the shared alias are zapped; GFNs at or above
 * the shared bit reach the direct root as given.  The range is clamped to
 * the guest-physical width (2^36 GFNs, or twice the shared bit): beyond
 * it nothing is mapped, and nothing below it is touched.
 *
 * Context: takes the write lock (may yield it during long walks).
 * Return: the number of SPTEs zapped (a private mapping the S-EPT kept
 * refusing to remove is not zapped, and not counted).
 */
u64 tdp_mmu_zap_gfn_range(struct tdp_mmu *mmu, gfn_t start, gfn_t end)
{
	u64 zapped;
	int err = 0;

	if (!tdp_gfn_range_clamp(mmu, start, &end))
		return 0;
	tdp_mmu_write_lock(mmu);
	zapped = tdp_mmu_zap_range_locked(mmu, start, end, &err);
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

/*
 * Used by memslot updates that already hold the write lock.  *err gets
 * the first S-EPT error: a private mapping that is still mapped.
 */
u64 tdp_mmu_zap_range_for_memslot(struct tdp_mmu *mmu, gfn_t start, gfn_t end,
				  int *err)
{
	return tdp_mmu_zap_range_locked(mmu, start, end, err);
}
