// SPDX-License-Identifier: GPL-2.0
/*
 * Huge pages: eager splitting (when dirty logging starts) and in-place
 * recovery (when it stops), both under the read lock.  The on-demand split
 * lives in the fault path (tdp_split_huge_spte()).
 */
#include "mmu/tdp_mmu_internal.h"

static int tdp_split_root(const struct tdp_ctx *ctx, gfn_t start, gfn_t end)
{
	struct tdp_mmu *mmu = ctx->mmu;
	struct tdp_mmu_page *sp;
	struct tdp_iter iter;

	for_each_tdp_pte_min_level (iter, mmu, ctx->root->spt, TDP_LEVEL_2M,
				    start, end) {
retry:
		if (!is_shadow_present_pte(iter.old_spte) ||
		    !is_last_spte(iter.old_spte, iter.level))
			continue;
		sp = tdp_sp_alloc(mmu);
		if (!sp)
			return -ENOMEM;
		if (tdp_split_huge_spte(ctx, &iter, sp)) {
			tdp_sp_free(mmu, sp);
			goto retry;
		}
	}
	return 0;
}

/**
 * tdp_mmu_split_huge_pages() - split every huge leaf that maps part of
 * [@start, @end) down to 4K leaves with the same attributes.
 * @mmu: the MMU.
 * @start: first GFN.
 * @end: GFN after the last.
 *
 * The translations do not change, so no TLB flush is needed.  The range
 * is clamped to the guest-physical width (2^36 GFNs, or twice the shared
 * bit); beyond it nothing is mapped.
 *
 * Context: takes the read lock; allocates page-table pages under it.
 * Return: 0, or -ENOMEM if the allocator ran dry (leaves not yet split
 * stay huge and are split on demand by write faults).
 */
int tdp_mmu_split_huge_pages(struct tdp_mmu *mmu, gfn_t start, gfn_t end)
{
	struct tdp_ctx ctx = { .mmu = mmu, .shared = true };
	struct tdp_mmu_page *root;
	gfn_t rg[2][2];
	int r = 0, n, k;
	u32 i;

	if (!tdp_gfn_range_clamp(mmu, start, &end))
		return 0;
	tdp_mmu_read_lock(mmu, 0);
	for_each_direct_root (mmu, i, root) {
		ctx.root = root;
		n = tdp_root_ranges(mmu, root, start, end, rg);
		for (k = 0; k < n && !r; k++)
			r = tdp_split_root(&ctx, rg[k][0], rg[k][1]);
		if (r)
			break;
	}
	tdp_mmu_read_unlock(mmu, 0);
	return r;
}

/* The first present leaf below a non-leaf SPTE (pre-order), or 0. */
static u64 tdp_first_leaf_below(const struct tdp_mmu *mmu, u64 spte, int level)
{
	u64 *pt = tdp_mmu_pa_to_va(mmu, spte_to_child_pa(spte));
	u64 child, leaf;
	int i;

	for (i = 0; i < SPTE_ENT_PER_PAGE; i++) {
		child = tdp_read_spte(&pt[i]);
		if (!is_shadow_present_pte(child))
			continue;
		if (is_last_spte(child, level - 1))
			return child;
		leaf = tdp_first_leaf_below(mmu, child, level - 1);
		if (leaf)
			return leaf;
	}
	return 0;
}

static bool tdp_recoverable(const struct tdp_ctx *ctx,
			    const struct tdp_iter *it, gfn_t start, gfn_t end)
{
	const struct tdp_memslot *slot;
	u64 pages = tdp_pages_per_level(it->level);
	gfn_t gfn;

	if (it->level > ctx->mmu->cfg.max_level ||
	    !is_shadow_present_pte(it->old_spte) ||
	    is_last_spte(it->old_spte, it->level) || it->gfn < start ||
	    it->gfn + pages > end)
		return false;
	gfn = tdp_gfn_strip(ctx->mmu, it->gfn);
	slot = tdp_memslot_lookup(tdp_memslots_current(ctx->mmu), gfn);
	return slot && !(slot->flags & TDP_MEMSLOT_INVALID) &&
	       tdp_side_max_level(ctx->mmu, slot, gfn, false) >= it->level;
}

static u64 tdp_recover_root(const struct tdp_ctx *ctx, gfn_t start, gfn_t end,
			    bool *flush)
{
	struct tdp_iter iter;
	u64 leaf, recovered = 0;

	for_each_tdp_pte_min_level (iter, ctx->mmu, ctx->root->spt,
				    TDP_LEVEL_2M, start, end) {
retry:
		if (!tdp_recoverable(ctx, &iter, start, end))
			continue;
		leaf = tdp_first_leaf_below(ctx->mmu, iter.old_spte,
					    iter.level);
		if (!leaf)
			continue;
		if (tdp_mmu_set_spte_atomic(ctx, &iter,
					    make_huge_spte(leaf, iter.level)))
			goto retry;
		recovered++;
		*flush = true;
	}
	return recovered;
}

/**
 * tdp_mmu_recover_huge_pages() - collapse tables back into huge leaves, in
 * place, where the memslot now allows them (e.g. dirty logging stopped).
 * @mmu: the MMU.
 * @start: first GFN.
 * @end: GFN after the last.
 *
 * A table whose range the slot can map with one leaf is replaced by a huge
 * leaf built from its first present leaf (same PFN base, attributes); the
 * table is freed after the grace period.  Tables without a present leaf
 * are left alone.  The range is clamped to the guest-physical width (2^36
 * GFNs, or twice the shared bit).
 *
 * Context: takes the read lock.
 * Return: the number of huge leaves created.
 */
u64 tdp_mmu_recover_huge_pages(struct tdp_mmu *mmu, gfn_t start, gfn_t end)
{
	struct tdp_ctx ctx = { .mmu = mmu, .shared = true };
	struct tdp_mmu_page *root;
	bool flush = false;
	gfn_t rg[2][2];
	int nr, k;
	u64 n = 0;
	u32 i;

	if (!tdp_gfn_range_clamp(mmu, start, &end))
		return 0;
	tdp_mmu_read_lock(mmu, 0);
	for_each_direct_root (mmu, i, root) {
		ctx.root = root;
		nr = tdp_root_ranges(mmu, root, start, end, rg);
		for (k = 0; k < nr; k++)
			n += tdp_recover_root(&ctx, rg[k][0], rg[k][1], &flush);
	}
	if (flush)
		tdp_mmu_flush_tlb(mmu);
	tdp_stat_add(&mmu->stats[0].recovered, n);
	tdp_mmu_read_unlock(mmu, 0);
	return n;
}
