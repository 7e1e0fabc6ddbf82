// SPDX-License-Identifier: GPL-2.0
/*
 * Leaf-attribute walks under the read lock: dirty logging (write-protection
 * or D-bit clearing, "get and clear dirty log") and access tracking (A
 * bits).
 *
 * Every walk changes leaves only by compare-exchange, retries a lost race
 * on the same SPTE, and reports whether a TLB flush is needed; the caller
 * issues one flush per batch.
 */
#include "mmu/tdp_mmu_internal.h"

/* Return the new value of a leaf (or the old one to leave it alone). */
typedef u64 (*tdp_leaf_fn)(const struct tdp_iter *iter, void *arg);

struct tdp_leaf_walk {
	gfn_t start, end;
	tdp_leaf_fn fn;
	void *arg;
	bool exclusive; /* take the write lock instead of the read lock */
	bool flush_on_change;
	u64 changed;
};

static bool tdp_walk_root_leaves(const struct tdp_ctx *ctx,
				 struct tdp_leaf_walk *w, gfn_t start,
				 gfn_t end)
{
	struct tdp_iter iter;
	bool flush = false;
	u64 new_spte;

	for_each_tdp_pte (iter, ctx->mmu, ctx->root->spt, start, end) {
retry:
		if (!is_shadow_present_pte(iter.old_spte) ||
		    !is_last_spte(iter.old_spte, iter.level))
			continue;
		new_spte = w->fn(&iter, w->arg);
		if (new_spte == iter.old_spte)
			continue;
		if (tdp_mmu_set_spte_atomic(ctx, &iter, new_spte))
			goto retry; /* iter.old_spte was refreshed */
		w->changed++;
		flush |= w->flush_on_change;
	}
	return flush;
}

static void tdp_walk_lock(struct tdp_mmu *mmu, bool exclusive)
{
	if (exclusive)
		tdp_mmu_write_lock(mmu);
	else
		tdp_mmu_read_lock(mmu, 0);
}

static void tdp_walk_unlock(struct tdp_mmu *mmu, bool exclusive, bool flush)
{
	if (flush)
		tdp_mmu_flush_tlb(mmu);
	if (exclusive)
		tdp_mmu_write_unlock(mmu);
	else
		tdp_mmu_read_unlock(mmu, 0);
}

/*
 * Run @w over every direct root (with private memory: the shared alias of
 * the range).  Mirror roots are skipped: private leaves are neither
 * write-protected, logged nor aged.
 * Context: lock held.  Return: flush needed.
 */
static bool __tdp_walk_leaves(struct tdp_mmu *mmu, struct tdp_leaf_walk *w)
{
	struct tdp_ctx ctx = { .mmu = mmu, .shared = !w->exclusive };
	struct tdp_mmu_page *root;
	bool flush = false;
	gfn_t rg[2][2];
	int n, k;
	u32 i;

	for_each_direct_root (mmu, i, root) {
		ctx.root = root;
		n = tdp_root_ranges(mmu, root, w->start, w->end, rg);
		for (k = 0; k < n; k++)
			flush |= tdp_walk_root_leaves(&ctx, w, rg[k][0],
						      rg[k][1]);
	}
	return flush;
}

/* Run @w over every root; one TLB flush at the end if needed. */
static u64 tdp_walk_leaves(struct tdp_mmu *mmu, struct tdp_leaf_walk *w)
{
	tdp_walk_lock(mmu, w->exclusive);
	tdp_walk_unlock(mmu, w->exclusive, __tdp_walk_leaves(mmu, w));
	return w->changed;
}

static u64 tdp_leaf_clear_w(const struct tdp_iter *iter, void *arg)
{
	(void)arg;
	return spte_clear_writable(iter->old_spte);
}

static u64 tdp_leaf_clear_all_w(const struct tdp_iter *iter, void *arg)
{
	(void)arg;
	return spte_clear_all_writable(iter->old_spte);
}

/*
 * D-bit mode start: every leaf loses D (writes before logging are not
 * reported, and a dropped leaf reports only what its D says), huge ones
 * also W (so writes split them; the children inherit the clear D).
 */
static u64 tdp_leaf_dbit_start(const struct tdp_iter *iter, void *arg)
{
	(void)arg;
	if (iter->level == TDP_LEVEL_4K)
		return iter->old_spte & ~SPTE_DIRTY_MASK;
	return spte_clear_writable(iter->old_spte) & ~SPTE_DIRTY_MASK;
}

/**
 * tdp_mmu_slot_write_protect() - clear W on every leaf of a memslot.
 * @mmu: the MMU.
 * @slot: the memslot (a copy is fine).
 * @readonly: also clear the writable software bits (read-only slot), under
 *            the write lock so that it is exact.
 *
 * Context: takes the read (or, for @readonly, write) lock.
 */
void tdp_mmu_slot_write_protect(struct tdp_mmu *mmu,
				const struct tdp_memslot *slot, bool readonly)
{
	struct tdp_leaf_walk w = {
		.start = slot->base_gfn,
		.end = tdp_memslot_end(slot),
		.fn = readonly ? tdp_leaf_clear_all_w : tdp_leaf_clear_w,
		.exclusive = readonly,
		.flush_on_change = true,
	};

	tdp_walk_leaves(mmu, &w);
}

/*
 * Dirty logging starts on @slot: split huge pages (if eager), then
 * write-protect the leaves (or clear their D bits).
 * Return: 0 or -ENOMEM from the eager split (the rest split on demand).
 */
int tdp_mmu_slot_dirty_log_start(struct tdp_mmu *mmu,
				 const struct tdp_memslot *slot)
{
	struct tdp_leaf_walk w = {
		.start = slot->base_gfn,
		.end = tdp_memslot_end(slot),
		.fn = tdp_leaf_clear_w,
		.flush_on_change = true,
	};
	int r = 0;

	if (mmu->cfg.eager_split)
		r = tdp_mmu_split_huge_pages(mmu, w.start, w.end);
	if (mmu->cfg.dirty_mode == TDP_DIRTY_DBIT)
		w.fn = tdp_leaf_dbit_start;
	tdp_walk_leaves(mmu, &w);
	return r;
}

struct tdp_harvest {
	const struct tdp_memslot *slot;
	u64 *bitmap;
	u64 mask; /* write-protect mode: bits of the current word */
	gfn_t mask_base;
};

static void tdp_harvest_set(struct tdp_harvest *h, gfn_t gfn, int level)
{
	gfn_t g, end = gfn + tdp_pages_per_level(level);

	for (g = MAX(gfn, h->slot->base_gfn);
	     g < MIN(end, tdp_memslot_end(h->slot)); g++) {
		u64 off = g - h->slot->base_gfn;

		h->bitmap[off / 64] |= 1ULL << (off % 64);
	}
}

static u64 tdp_leaf_wp_masked(const struct tdp_iter *iter, void *arg)
{
	struct tdp_harvest *h = arg;

	if (iter->level == TDP_LEVEL_4K &&
	    !(h->mask & (1ULL << (iter->gfn - h->mask_base))))
		return iter->old_spte;
	return spte_clear_writable(iter->old_spte);
}

static u64 tdp_leaf_harvest_d(const struct tdp_iter *iter, void *arg)
{
	if (!is_dirty_spte(iter->old_spte))
		return iter->old_spte;
	tdp_harvest_set(arg, iter->gfn, iter->level);
	return iter->old_spte & ~SPTE_DIRTY_MASK;
}

static void tdp_get_dirty_log_locked(struct tdp_mmu *mmu,
				     const struct tdp_memslot *slot,
				     u64 *bitmap, u64 words)
{
	struct tdp_harvest h = { .slot = slot, .bitmap = bitmap };
	struct tdp_leaf_walk w = { .arg = &h, .flush_on_change = true };
	bool flush = false;
	u64 i;

	/*
	 * The bitmap is taken under the same read-lock hold as the walk: a
	 * zap (write lock) that moves a leaf's D bit into the bitmap is then
	 * wholly before this harvest or wholly after it.
	 */
	tdp_walk_lock(mmu, false);
	for (i = 0; i < words; i++)
		tdp_memslot_test_and_clear_dirty_word(slot, i, &bitmap[i]);
	if (mmu->cfg.dirty_mode == TDP_DIRTY_DBIT) {
		w.start = slot->base_gfn;
		w.end = tdp_memslot_end(slot);
		w.fn = tdp_leaf_harvest_d;
		tdp_walk_unlock(mmu, false, __tdp_walk_leaves(mmu, &w));
		return;
	}
	/* Write-protect again what was reported, 64 GFNs at a time: one
	 * lock hold, one TLB flush for the whole bitmap. */
	w.fn = tdp_leaf_wp_masked;
	for (i = 0; i < words; i++) {
		if (!bitmap[i])
			continue;
		h.mask = bitmap[i];
		h.mask_base = slot->base_gfn + i * 64;
		w.start = h.mask_base;
		w.end = MIN(h.mask_base + 64, tdp_memslot_end(slot));
		flush |= __tdp_walk_leaves(mmu, &w);
	}
	tdp_walk_unlock(mmu, false, flush);
}

/**
 * tdp_mmu_get_dirty_log() - get and clear a memslot's dirty bitmap.
 * @mmu: the MMU.
 * @slot_id: a memslot with TDP_MEMSLOT_LOG_DIRTY.
 * @bitmap: out: bit i set if page base_gfn + i was written since the last
 *          call (or since logging started).
 * @nwords: size of @bitmap in u64 words (>= ceil(npages / 64)).
 *
 * Write-protection mode re-protects the reported pages; D-bit mode clears
 * the D bits it harvests.  One TLB flush per batch of changed SPTEs.
 *
 * Context: takes slots_lock and the read lock; must not hold either.
 * Return: 0; -ENOENT if no slot has @slot_id; -EINVAL if it is not
 * logging dirty pages or @nwords is too small.
 */
int tdp_mmu_get_dirty_log(struct tdp_mmu *mmu, u16 slot_id, u64 *bitmap,
			  u64 nwords)
{
	const struct tdp_memslot *slot;
	u64 words;
	int r = -ENOENT;

	tdp_spin_lock(&mmu->slots_lock, mmu->ops->cpu_relax, mmu->opaque);
	slot = tdp_memslot_find_id(mmu->slots, slot_id);
	if (!slot)
		goto out;
	words = (slot->npages + 63) / 64;
	r = -EINVAL;
	if (!(slot->flags & TDP_MEMSLOT_LOG_DIRTY) || nwords < words)
		goto out;
	tdp_get_dirty_log_locked(mmu, slot, bitmap, words);
	r = 0;
out:
	tdp_spin_unlock(&mmu->slots_lock);
	return r;
}

static u64 tdp_leaf_clear_a(const struct tdp_iter *iter, void *arg)
{
	(void)arg;
	return iter->old_spte & ~SPTE_ACCESSED_MASK;
}

/**
 * tdp_mmu_test_and_clear_young() - clear the A bits of leaves mapping
 * part of [@start, @end).
 * @mmu: the MMU.
 * @start: first GFN.
 * @end: GFN after the last.
 *
 * No TLB flush (like KVM's aging): a stale cached translation only makes
 * the page look idle a little longer.  The range is clamped to the
 * guest-physical width (2^36 GFNs, or twice the shared bit).
 *
 * Context: takes the read lock.
 * Return: the number of leaves (over all roots) that had A set.
 */
u64 tdp_mmu_test_and_clear_young(struct tdp_mmu *mmu, gfn_t start, gfn_t end)
{
	struct tdp_leaf_walk w = { .start = start,
				   .end = end,
				   .fn = tdp_leaf_clear_a };

	if (!tdp_gfn_range_clamp(mmu, start, &w.end))
		return 0;
	return tdp_walk_leaves(mmu, &w);
}

/**
 * tdp_mmu_test_young() - whether the leaf mapping @gfn has its A bit set.
 * @mmu: the MMU.
 * @gfn: the GFN (with private memory: stripped, or a shared GFN).
 * Context: takes the read lock.
 * Return: true if some root maps @gfn with A set; false for a GFN beyond
 * the guest-physical width (2^36 GFNs, or twice the shared bit).
 */
bool tdp_mmu_test_young(struct tdp_mmu *mmu, gfn_t gfn)
{
	struct tdp_mmu_page *root;
	struct tdp_iter iter;
	bool young = false;
	gfn_t rg[2][2];
	int n, k;
	u32 i;

	if (gfn >= tdp_gfn_limit(mmu))
		return false;
	tdp_mmu_read_lock(mmu, 0);
	for_each_direct_root (mmu, i, root) {
		n = tdp_root_ranges(mmu, root, gfn, gfn + 1, rg);
		for (k = 0; k < n; k++)
			for_each_tdp_pte (iter, mmu, root->spt, rg[k][0],
					  rg[k][1]) {
				if (is_shadow_present_pte(iter.old_spte) &&
				    is_last_spte(iter.old_spte, iter.level))
					young |=
						is_accessed_spte(iter.old_spte);
			}
	}
	tdp_mmu_read_unlock(mmu, 0);
	return young;
}
