// SPDX-License-Identifier: GPL-2.0
/*
 * Private memory (docs/sept.md): the shared bit, per-page private/shared
 * attributes and conversion.  Which GFN ranges of a root an operation on
 * a (stripped) GFN range means is tdp_root_ranges(), in tdp_root.c.
 *
 * With cfg.shared_bit = S != 0:
 *  - GPA bit S set = shared: mapped through the direct root at the GPA as
 *    is (shared bit included); bit S clear = private: mapped through the
 *    mirror root (TDP_ROOT_MIRROR), whose every change reaches the S-EPT
 *    backend (tdp_change.c, mmu/sept/).
 *  - Memslots hold stripped GFNs (below BIT(S - 12)); both aliases of a
 *    GFN map the same host frame.
 *  - Each memslot page carries an attribute, private (the initial state)
 *    or shared; a fault on the other side fails with -EPERM.
 *    tdp_mmu_convert() flips attributes and zaps the other side; a
 *    private page's removal zeroes it (the backend), so data written while
 *    private is never seen through the shared alias.
 *  - Private leaves are 4K only (TDP_PRIVATE_MAX_LEVEL): a 2M private leaf
 *    could only be partly converted by splitting it in the S-EPT
 *    (TDH.MEM.PAGE.DEMOTE), which is not one of the four operations of
 *    the mirror protocol; the backend itself accepts 2M leaves.
 *  - Memslots of such a VM take no flags: no dirty logging, no read-only
 *    slots (-EOPNOTSUPP), like guest_memfd slots in KVM.
 */
#include "string_util.h"
#include "mmu/tdp_mmu_internal.h"

static void tdp_hw_hook(void *arg)
{
	tdp_hw_sync(arg);
}

/* Context: tdp_mmu_init(), cfg.shared_bit validated. */
int tdp_private_init(struct tdp_mmu *mmu)
{
	int r;

	mmu->shared_gfn = 1ULL << (mmu->cfg.shared_bit - PAGE_SHIFT);
	mmu->sept = sept_create(mmu->ops, mmu->opaque, &mmu->cfg.sept);
	if (!mmu->sept)
		return -ENOMEM;
	r = tdp_hw_init(mmu);
	if (r) {
		sept_destroy(mmu->sept);
		mmu->sept = NULL;
		return r;
	}
	sept_set_hook(mmu->sept, mmu->hw_level, tdp_hw_hook, mmu);
	return 0;
}

/* Context: tdp_mmu_destroy(), after every root was torn down. */
void tdp_private_destroy(struct tdp_mmu *mmu)
{
	tdp_hw_destroy(mmu);
	sept_destroy(mmu->sept);
	mmu->sept = NULL;
}

/* --- attributes --- */

static u64 *tdp_attr_word(const struct tdp_memslot *slot, u64 off)
{
	return &slot->attr_dir[off / TDP_DIRTY_BITS_PER_PAGE]
			      [(off % TDP_DIRTY_BITS_PER_PAGE) / 64];
}

/**
 * tdp_gfn_range_private() - whether [@gfn, @gfn + @n) (inside @slot) has
 * the attribute @private throughout.
 * @slot: the memslot (with an attribute bitmap).
 * @gfn: first stripped GFN.
 * @n: pages.
 * @private: the attribute wanted.
 * Context: MMU lock held (read suffices).
 */
bool tdp_gfn_range_private(const struct tdp_memslot *slot, gfn_t gfn, u64 n,
			   bool private)
{
	u64 off = gfn - slot->base_gfn, end = off + n, w, mask, bits;

	while (off < end) {
		w = __atomic_load_n(tdp_attr_word(slot, off), __ATOMIC_RELAXED);
		bits = MIN(64 - off % 64, end - off);
		mask = (bits == 64 ? ~0ULL : (1ULL << bits) - 1) << (off % 64);
		if (private ? (w & mask) : (~w & mask))
			return false;
		off += bits;
	}
	return true;
}

static void tdp_attr_set(const struct tdp_memslot *slot, gfn_t gfn, u64 n,
			 bool private)
{
	u64 off = gfn - slot->base_gfn, end = off + n, *w, mask, bits;

	while (off < end) {
		w = tdp_attr_word(slot, off);
		bits = MIN(64 - off % 64, end - off);
		mask = (bits == 64 ? ~0ULL : (1ULL << bits) - 1) << (off % 64);
		if (private)
			__atomic_fetch_and(w, ~mask, __ATOMIC_RELAXED);
		else
			__atomic_fetch_or(w, mask, __ATOMIC_RELAXED);
		off += bits;
	}
}

/**
 * tdp_mmu_gfn_is_private() - the attribute of a stripped GFN.
 * @mmu: the MMU.
 * @gfn: GFN without the shared bit.
 * Context: takes the read lock.
 * Return: true if a memslot covers @gfn and its page is private; false
 * without private memory, outside every memslot, or if shared.
 */
bool tdp_mmu_gfn_is_private(struct tdp_mmu *mmu, gfn_t gfn)
{
	const struct tdp_memslot *slot;
	bool private = false;

	if (!mmu->shared_gfn || gfn >= mmu->shared_gfn)
		return false;
	tdp_mmu_read_lock(mmu, 0);
	slot = tdp_memslot_lookup(tdp_memslots_current(mmu), gfn);
	if (slot && !(slot->flags & TDP_MEMSLOT_INVALID))
	private = tdp_gfn_range_private(slot, gfn, 1, true);
	tdp_mmu_read_unlock(mmu, 0);
	return private;
}

/* --- conversion --- */

/* Every GFN of [gfn, gfn + n) in some (valid) memslot?  slots_lock held. */
static bool tdp_range_in_memslots(struct tdp_mmu *mmu, gfn_t gfn, u64 n)
{
	const struct tdp_memslot *slot;
	gfn_t g = gfn, end = gfn + n;

	while (g < end) {
		slot = tdp_memslot_lookup(mmu->slots, g);
		if (!slot || (slot->flags & TDP_MEMSLOT_INVALID))
			return false;
		g = tdp_memslot_end(slot);
	}
	return true;
}

static void tdp_convert_attrs(struct tdp_mmu *mmu, gfn_t gfn, u64 n,
			      bool private)
{
	const struct tdp_memslot *slot;
	gfn_t g = gfn, end = gfn + n, stop;

	while (g < end) {
		slot = tdp_memslot_lookup(mmu->slots, g);
		stop = MIN(end, tdp_memslot_end(slot));
		tdp_attr_set(slot, g, stop - g, private);
		g = stop;
	}
}

/* Zap [start, end) of every root of one side, without yielding. */
static int tdp_convert_zap(struct tdp_mmu *mmu, gfn_t start, gfn_t end,
			   bool mirror, bool *flush)
{
	struct tdp_ctx ctx = { .mmu = mmu, .shared = false, .no_yield = true };
	struct tdp_mmu_page *root;
	gfn_t rg[2][2];
	u64 zapped = 0;
	int n, k, r = 0;
	u32 i;

	for_each_root (mmu, i, root) {
		if (tdp_is_mirror(root) != mirror)
			continue;
		ctx.root = root;
		n = tdp_root_ranges(mmu, root, start, end, rg);
		for (k = 0; k < n; k++)
			*flush |= __tdp_mmu_zap_range(&ctx, rg[k][0], rg[k][1],
						      &zapped, &r);
	}
	return r;
}

/**
 * tdp_mmu_convert() - MapGPA: make [@gfn, @gfn + @npages) private or
 * shared, and zap the other side's mappings of it.
 * @mmu: the MMU.
 * @gfn: first GFN, without the shared bit.
 * @npages: pages (> 0).
 * @to_private: true: private (shared mappings zapped); false: shared
 *              (private mappings removed from the S-EPT: block, track,
 *              remove, which zeroes each page).
 *
 * To shared: the private mappings are removed first and the attributes
 * change only if every removal succeeded.  All of it happens in one hold
 * of the write lock, so no fault sees a half-converted range.
 *
 * Context: takes slots_lock and the write lock; must not hold either.
 * Return: 0; -EINVAL without private memory, for an empty range, one
 * that reaches the shared bit (so none beyond the guest-physical width is
 * ever accepted), or one not wholly inside memslots (nothing changed); -EBUSY or
 * -EIO if the S-EPT kept refusing a removal (attributes unchanged; the
 * private pages removed before the failure stay removed, and zeroed);
 * -ENOMEM is not returned today (attributes are allocated with the
 * memslot) but callers should treat it as "nothing changed".
 */
int tdp_mmu_convert(struct tdp_mmu *mmu, gfn_t gfn, u64 npages, bool to_private)
{
	gfn_t s = mmu->shared_gfn;
	bool flush = false;
	int r = -EINVAL;

	if (!s || !npages || gfn >= s || npages > s - gfn)
		return -EINVAL;
	tdp_spin_lock(&mmu->slots_lock, mmu->ops->cpu_relax, mmu->opaque);
	if (!tdp_range_in_memslots(mmu, gfn, npages))
		goto out;
	r = 0;
	tdp_mmu_write_lock(mmu);
	if (!to_private)
		r = tdp_convert_zap(mmu, gfn, gfn + npages, true, &flush);
	if (!r) {
		tdp_convert_attrs(mmu, gfn, npages, to_private);
		if (to_private)
			r = tdp_convert_zap(mmu, gfn, gfn + npages, false,
					    &flush);
	}
	if (flush)
		tdp_mmu_flush_tlb(mmu);
	tdp_mmu_write_unlock(mmu);
out:
	tdp_spin_unlock(&mmu->slots_lock);
	return r;
}

/* --- S-EPT statistics --- */

/**
 * tdp_mmu_get_sept_stats() - the S-EPT backend's counters: successful
 * operations per kind, failures per cause (enum sept_error), injected
 * -EBUSY per kind, rule violations, zeroed pages, mapped frames and S-EPT
 * table pages.
 * @mmu: the MMU.
 * @out: filled in (all zero without private memory).
 * Context: any (takes the backend lock briefly).
 */
void tdp_mmu_get_sept_stats(const struct tdp_mmu *mmu, struct sept_stats *out)
{
	if (!mmu->sept) {
		memset(out, 0, sizeof(*out));
		return;
	}
	sept_get_stats(mmu->sept, out);
}
