// SPDX-License-Identifier: GPL-2.0
/*
 * Memslot updates: add, delete, move, flag changes and generation jumps
 * (the memslot array and the generation are described in memslot.h).
 *
 * An update runs under slots_lock (updaters only; faults never take it):
 *   1. allocate everything it needs (new arrays, dirty bitmap) — -ENOMEM
 *      before any visible change;
 *   2. delete/move: publish a copy with the slot marked INVALID and the
 *      generation's UPDATE_IN_PROGRESS bit set, then zap the slot's range
 *      under the write lock (faults meanwhile get -EAGAIN); a removal the
 *      S-EPT keeps refusing ends the update here: the original array is
 *      published again (step 3) and the error returned;
 *   3. publish the final array with generation + 1, UPDATE_IN_PROGRESS
 *      still set; the superseded arrays go to the deferred-free list and
 *      are freed after the next write-lock acquisition (the grace period);
 *   4. under that write lock, if the low 19 bits of the generation wrapped
 *      to 0, zap every MMIO SPTE; only then clear UPDATE_IN_PROGRESS (in
 *      place, in the published array and in mmu->generation); then the
 *      follow-up work of flag changes (write-protect, dirty-log start,
 *      huge-page recovery).
 *
 * Around all of it, from the first publish to the clear, the memslot
 * epoch is odd (tdp_slots_epoch_begin()/_end()): the vCPUs' MMIO caches
 * stop matching the moment an update begins, whatever generation it ends
 * with.
 *
 * Why the bit stays set until the zap is done: an MMIO SPTE made 2^19
 * updates ago (or before a generation jump) carries the new generation's
 * low bits.  While the bit is set no MMIO SPTE is judged current and no
 * fault installs one; once it is clear, every MMIO SPTE older than the
 * wrap or the jump is gone.  A reader compares the generation with an
 * SPTE it read under the same read-lock hold (tdp_mmu_classify_misconfig()),
 * so the zap, which needs the write lock, cannot fall between the two.
 */
#include "string_util.h"
#include "mmu/tdp_mmu_internal.h"

#define TDP_MAX_PFN (1ULL << 40)

static struct tdp_memslot *slot_by_id(struct tdp_memslots *slots, u16 id)
{
	return (struct tdp_memslot *)tdp_memslot_find_id(slots, id);
}

/* Retire @old (superseded by the array just published) after grace. */
static void tdp_memslots_retire(struct tdp_mmu *mmu, struct tdp_memslots *old,
				u64 **drop_dir)
{
	struct tdp_memslots *head;

	old->defer_dirty_dir = drop_dir;
	head = __atomic_load_n(&mmu->deferred_slots, __ATOMIC_RELAXED);
	do {
		old->defer_next = head;
	} while (!__atomic_compare_exchange_n(&mmu->deferred_slots, &head, old,
					      false, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
}

/*
 * The memslot epoch (struct tdp_mmu): odd from an update's first publish
 * to its end.  Bumped before anything of the update is visible and after
 * all of it is, with sequentially consistent atomics, so that a vCPU that
 * still reads the epoch an MMIO cache entry was filled in knows that no
 * update began since.  Context: slots_lock held (one updater at a time).
 */
static void tdp_slots_epoch_begin(struct tdp_mmu *mmu)
{
	if (!(__atomic_load_n(&mmu->slots_epoch, __ATOMIC_RELAXED) & 1))
		__atomic_fetch_add(&mmu->slots_epoch, 1, __ATOMIC_SEQ_CST);
}

static void tdp_slots_epoch_end(struct tdp_mmu *mmu)
{
	if (WARN_ON_ONCE(!(
		    __atomic_load_n(&mmu->slots_epoch, __ATOMIC_RELAXED) & 1)))
		return;
	__atomic_fetch_add(&mmu->slots_epoch, 1, __ATOMIC_SEQ_CST);
}

static void tdp_memslots_publish(struct tdp_mmu *mmu, struct tdp_memslots *new,
				 u64 **drop_dir)
{
	struct tdp_memslots *old = mmu->slots;

	tdp_slots_epoch_begin(mmu);

	__atomic_store_n(&mmu->generation, new->generation, __ATOMIC_RELEASE);
	__atomic_store_n(&mmu->slots, new, __ATOMIC_RELEASE);
	tdp_memslots_retire(mmu, old, drop_dir);
}

static void tdp_memslots_sort_insert(struct tdp_memslots *s,
				     const struct tdp_memslot *slot)
{
	u32 i = s->nr;

	while (i > 0 && s->slots[i - 1].base_gfn > slot->base_gfn) {
		s->slots[i] = s->slots[i - 1];
		i--;
	}
	s->slots[i] = *slot;
	s->nr++;
}

static void tdp_memslots_remove(struct tdp_memslots *s, u16 id)
{
	u32 i, j;

	for (i = 0; i < s->nr; i++)
		if (s->slots[i].id == id)
			break;
	for (j = i; j + 1 < s->nr; j++)
		s->slots[j] = s->slots[j + 1];
	if (i < s->nr)
		s->nr--;
}

static bool tdp_range_overlaps(const struct tdp_memslots *s, gfn_t base,
			       u64 npages, int skip_id)
{
	u32 i;

	for (i = 0; i < s->nr; i++) {
		const struct tdp_memslot *o = &s->slots[i];

		if (o->id == skip_id)
			continue;
		if (base < tdp_memslot_end(o) && o->base_gfn < base + npages)
			return true;
	}
	return false;
}

static bool tdp_range_valid(gfn_t base, u64 npages)
{
	return npages && npages <= TDP_MAX_GFN && base < TDP_MAX_GFN &&
	       base + npages <= TDP_MAX_GFN;
}

static struct tdp_memslots *tdp_memslots_copy(struct tdp_mmu *mmu)
{
	struct tdp_memslots *s = tdp_aux_page_alloc(mmu);

	if (!s)
		return NULL;
	memcpy(s, mmu->slots, sizeof(*s));
	s->defer_next = NULL;
	s->defer_dirty_dir = NULL;
	return s;
}

/*
 * Delete and move publish twice (the slot hidden, then the final array):
 * both copies are taken up front so a failure leaves nothing half done.
 * Return: 0, or -ENOMEM with neither copy kept.
 */
static int tdp_memslots_copy_pair(struct tdp_mmu *mmu, struct tdp_memslots **a,
				  struct tdp_memslots **b)
{
	*a = tdp_memslots_copy(mmu);
	*b = tdp_memslots_copy(mmu);
	if (*a && *b)
		return 0;
	tdp_aux_page_free(mmu, *a);
	tdp_aux_page_free(mmu, *b);
	return -ENOMEM;
}

/*
 * Publish @new with generation @gen and UPDATE_IN_PROGRESS set, end the
 * grace period, zap every MMIO SPTE if @zap_mmio, and only then let @gen
 * be seen without UPDATE_IN_PROGRESS.
 */
static void tdp_memslots_publish_gen(struct tdp_mmu *mmu,
				     struct tdp_memslots *new, u64 **drop_dir,
				     u64 gen, bool zap_mmio)
{
	gen &= ~TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS;
	new->generation = gen | TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS;
	tdp_memslots_publish(mmu, new, drop_dir);
	tdp_mmu_write_lock(mmu);
	if (zap_mmio)
		tdp_mmu_zap_all_mmio_locked(mmu);
	tdp_mmu_write_unlock(mmu);
	__atomic_store_n(&new->generation, gen, __ATOMIC_RELEASE);
	__atomic_store_n(&mmu->generation, gen, __ATOMIC_RELEASE);
	tdp_slots_epoch_end(mmu);
}

/* Publish the final array (generation + 1), then end the grace period. */
static void tdp_memslots_commit(struct tdp_mmu *mmu, struct tdp_memslots *new,
				u64 **drop_dir)
{
	u64 gen =
		(mmu->slots->generation & ~TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS) +
		1;

	/* Wrapped: an old MMIO SPTE could now look current. */
	tdp_memslots_publish_gen(mmu, new, drop_dir, gen,
				 !tdp_memslots_mmio_gen(gen));
}

/*
 * Phase 1 of delete/move: hide the slot from faults (INVALID, generation
 * in progress) and zap what maps it.  @a becomes the current array.
 *
 * A private mapping that the S-EPT still refuses to remove after the
 * write lock's retries (tdp_mmu_set_spte()) stays mapped; the update must
 * then not go on, or a leaf would outlive its memslot while the S-EPT
 * still owns and maps the frame.  Retrying without bound could spin
 * forever on a backend that keeps refusing, so the update fails instead:
 * the caller publishes the original array again.  What was removed before
 * the failure is simply faulted in again later.
 *
 * Return: 0, or the first S-EPT error of the zap (-EBUSY: still refused
 * after the retries; -ENOMEM, -EIO: see tdp_mmu_set_spte()).
 */
static int tdp_memslot_invalidate(struct tdp_mmu *mmu, struct tdp_memslots *a,
				  const struct tdp_memslot *slot)
{
	int err = 0;

	slot_by_id(a, slot->id)->flags |= TDP_MEMSLOT_INVALID;
	a->generation = mmu->slots->generation |
			TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS;
	tdp_memslots_publish(mmu, a, NULL);
	tdp_mmu_write_lock(mmu);
	tdp_mmu_zap_range_for_memslot(mmu, slot->base_gfn,
				      tdp_memslot_end(slot), &err);
	tdp_mmu_write_unlock(mmu);
	return err;
}

static void tdp_slots_lock(struct tdp_mmu *mmu)
{
	tdp_spin_lock(&mmu->slots_lock, mmu->ops->cpu_relax, mmu->opaque);
}

/* Private memory: a host frame backs one GFN only (S-EPT ownership). */
static bool tdp_frames_overlap(const struct tdp_memslots *s, pfn_t base,
			       u64 npages)
{
	u32 i;

	for (i = 0; i < s->nr; i++)
		if (base < s->slots[i].base_pfn + s->slots[i].npages &&
		    s->slots[i].base_pfn < base + npages)
			return true;
	return false;
}

/*
 * Every check of an add, before anything is taken.  @has_pfn false: the
 * host frames are not chosen yet (tdp_memslot_check_add()); their checks
 * are left to the add.  Context: slots_lock held.
 */
static int tdp_memslot_check_new(struct tdp_mmu *mmu, u16 id, gfn_t base_gfn,
				 u64 npages, bool has_pfn, pfn_t base_pfn,
				 u32 flags)
{
	if (id >= TDP_MAX_MEMSLOTS || !tdp_range_valid(base_gfn, npages) ||
	    (flags & ~TDP_MEMSLOT_USER_FLAGS) || npages > TDP_MAX_PFN ||
	    (has_pfn &&
	     (base_pfn >= TDP_MAX_PFN || npages > TDP_MAX_PFN - base_pfn)))
		return -EINVAL;
	if ((flags & TDP_MEMSLOT_LOG_DIRTY) && npages > TDP_DIRTY_MAX_PAGES)
		return -EINVAL;
	if (mmu->shared_gfn && flags)
		return -EOPNOTSUPP;
	if (mmu->shared_gfn && (base_gfn + npages > mmu->shared_gfn ||
				npages > TDP_DIRTY_MAX_PAGES))
		return -EINVAL;
	if (has_pfn && mmu->shared_gfn &&
	    tdp_frames_overlap(mmu->slots, base_pfn, npages))
		return -EEXIST;
	if (tdp_memslot_find_id(mmu->slots, id) ||
	    tdp_range_overlaps(mmu->slots, base_gfn, npages, -1))
		return -EEXIST;
	if (mmu->slots->nr >= TDP_MAX_MEMSLOTS)
		return -ENOSPC;
	return 0;
}

/* Private memory: the attribute bitmap and the S-EPT's page ownership. */
static int tdp_memslot_add_private(struct tdp_mmu *mmu,
				   struct tdp_memslot *slot)
{
	enum sept_error err;

	slot->attr_dir = tdp_alloc_dirty_dir(mmu, slot->npages);
	if (!slot->attr_dir)
		return -ENOMEM;
	err = sept_add_range(mmu->sept, slot->base_pfn, slot->npages);
	if (err == SEPT_OK)
		return 0;
	tdp_free_dirty_dir(mmu, slot->attr_dir);
	slot->attr_dir = NULL;
	return err == SEPT_ERR_NOMEM ? -ENOMEM : -EEXIST;
}

static void tdp_memslot_del_private(struct tdp_mmu *mmu,
				    struct tdp_memslot *slot)
{
	if (!slot->attr_dir)
		return;
	/* The zap removed every private mapping of the slot first. */
	WARN_ON_ONCE(sept_remove_range(mmu->sept, slot->base_pfn,
				       slot->npages) != SEPT_OK);
	tdp_free_dirty_dir(mmu, slot->attr_dir);
	slot->attr_dir = NULL;
}

/**
 * tdp_memslot_check_add() - would tdp_memslot_add() accept this slot?
 * @mmu: the MMU.
 * @id: slot id.
 * @base_gfn: first GFN.
 * @npages: number of 4 KiB pages.
 * @flags: TDP_MEMSLOT_LOG_DIRTY and/or TDP_MEMSLOT_READONLY.
 *
 * Runs every check of tdp_memslot_add() that does not depend on the host
 * frames, and takes nothing: a caller that must allocate the frames
 * first (the memslot_add hypercall) calls it before it allocates, so a
 * refused slot is refused for its reason, never for -ENOMEM.  The answer
 * holds while no other update runs; tdp_memslot_add() checks again.
 *
 * Context: takes slots_lock; must not hold it.
 * Return: 0, or the error tdp_memslot_add() would return for these
 * arguments: -EINVAL, -EOPNOTSUPP, -EEXIST (id in use, or the range
 * overlaps another slot), -ENOSPC (see tdp_memslot_add()).
 */
int tdp_memslot_check_add(struct tdp_mmu *mmu, u16 id, gfn_t base_gfn,
			  u64 npages, u32 flags)
{
	int r;

	tdp_slots_lock(mmu);
	r = tdp_memslot_check_new(mmu, id, base_gfn, npages, false, 0, flags);
	tdp_spin_unlock(&mmu->slots_lock);
	return r;
}

/**
 * tdp_memslot_add() - add guest RAM: GFNs [@base_gfn, +@npages) map host
 * PFNs from @base_pfn.
 * @mmu: the MMU.
 * @id: slot id, < TDP_MAX_MEMSLOTS.
 * @base_gfn: first GFN.
 * @npages: number of 4 KiB pages (> 0).
 * @base_pfn: first host PFN.
 * @flags: TDP_MEMSLOT_LOG_DIRTY and/or TDP_MEMSLOT_READONLY.
 *
 * Stale MMIO SPTEs in the range stay in place: the generation bump makes
 * them stale and the next fault maps RAM.
 *
 * With private memory (shared_bit != 0) the slot's GFNs must lie below
 * the shared bit (they are stripped GFNs: the slot backs both the private
 * and the shared alias), its pages start private, its host frames are
 * registered with the S-EPT backend as owned, and no flag is supported.
 *
 * Context: takes slots_lock and the MMU write lock; must not hold either.
 * Return: 0; -EINVAL for a bad id, empty or out-of-range GFN/PFN range
 * (with private memory: reaching the shared bit, or over 64 GiB), or
 * unknown flags; -EOPNOTSUPP for flags with private memory; -EEXIST if
 * the id exists, the range overlaps another slot, or (private memory) its
 * host frames overlap another slot's; -ENOSPC if all slots are used;
 * -ENOMEM if the new array or a bitmap cannot be allocated (nothing
 * changed).
 */
int tdp_memslot_add(struct tdp_mmu *mmu, u16 id, gfn_t base_gfn, u64 npages,
		    pfn_t base_pfn, u32 flags)
{
	struct tdp_memslot slot = { .base_gfn = base_gfn,
				    .npages = npages,
				    .base_pfn = base_pfn,
				    .flags = flags,
				    .id = id };
	struct tdp_memslots *b;
	int r;

	tdp_slots_lock(mmu);
	r = tdp_memslot_check_new(mmu, id, base_gfn, npages, true, base_pfn,
				  flags);
	if (r)
		goto out;
	r = -ENOMEM;
	if (flags & TDP_MEMSLOT_LOG_DIRTY) {
		slot.dirty_dir = tdp_alloc_dirty_dir(mmu, npages);
		if (!slot.dirty_dir)
			goto out;
	}
	if (mmu->shared_gfn) {
		r = tdp_memslot_add_private(mmu, &slot);
		if (r)
			goto out;
		r = -ENOMEM;
	}
	b = tdp_memslots_copy(mmu);
	if (!b) {
		tdp_free_dirty_dir(mmu, slot.dirty_dir);
		tdp_memslot_del_private(mmu, &slot);
		goto out;
	}
	tdp_memslots_sort_insert(b, &slot);
	tdp_memslots_commit(mmu, b, NULL);
	r = 0;
out:
	tdp_spin_unlock(&mmu->slots_lock);
	return r;
}

/**
 * tdp_memslot_delete() - remove a memslot and every mapping of it.
 * @mmu: the MMU.
 * @id: the slot id.
 *
 * With private memory, every private mapping must leave the S-EPT first.
 * If the S-EPT still refuses a removal after the write lock's retries, the
 * delete fails and the memslots are as they were: the slot is still
 * there and usable (mappings removed before the failure fault in again).
 * It never reports success while a mapping of the slot is left.
 *
 * Context: takes slots_lock and the MMU write lock; must not hold either.
 * Return: 0; -ENOENT if no slot has @id; -ENOMEM if the new arrays cannot
 * be allocated (nothing changed); -EBUSY if the S-EPT kept refusing to
 * remove a private mapping (the slot stays; retry), or another S-EPT
 * error (-ENOMEM, -EIO) with the slot kept likewise.
 */
int tdp_memslot_delete(struct tdp_mmu *mmu, u16 id)
{
	struct tdp_memslots *a, *b;
	struct tdp_memslot slot;
	int r = -ENOENT;

	tdp_slots_lock(mmu);
	if (!tdp_memslot_find_id(mmu->slots, id))
		goto out;
	slot = *tdp_memslot_find_id(mmu->slots, id);
	r = tdp_memslots_copy_pair(mmu, &a, &b);
	if (r)
		goto out;
	r = tdp_memslot_invalidate(mmu, a, &slot);
	if (r) {
		/* @b is still a copy of the array before the update. */
		tdp_memslots_commit(mmu, b, NULL);
		goto out;
	}
	tdp_memslots_remove(b, id);
	tdp_memslots_commit(mmu, b, slot.dirty_dir);
	/* No array names the slot any more, and a grace period passed. */
	tdp_memslot_del_private(mmu, &slot);
	r = 0;
out:
	tdp_spin_unlock(&mmu->slots_lock);
	return r;
}

/**
 * tdp_memslot_move() - give a memslot a new base GFN (same host pages).
 * @mmu: the MMU.
 * @id: the slot id.
 * @new_base: the new first GFN.
 *
 * The old range is zapped; the dirty bitmap (if logging) is kept.
 *
 * Context: takes slots_lock and the MMU write lock; must not hold either.
 * As for tdp_memslot_delete(), a private mapping of the old range that
 * the S-EPT keeps refusing to remove fails the move, and the slot stays
 * where it was.
 *
 * Context: takes slots_lock and the MMU write lock; must not hold either.
 * Return: 0; -ENOENT if no slot has @id; -EINVAL if the new range is out
 * of the 48-bit GPA space (or reaches the shared bit); -EEXIST if it
 * overlaps another slot; -ENOMEM if the new arrays cannot be allocated
 * (nothing changed); -EBUSY (or another S-EPT error) if a private mapping
 * of the old range could not be removed (the slot stays at its old base).
 */
int tdp_memslot_move(struct tdp_mmu *mmu, u16 id, gfn_t new_base)
{
	struct tdp_memslots *a, *b;
	struct tdp_memslot slot;
	int r = -ENOENT;

	tdp_slots_lock(mmu);
	if (!tdp_memslot_find_id(mmu->slots, id))
		goto out;
	slot = *tdp_memslot_find_id(mmu->slots, id);
	r = -EINVAL;
	if (!tdp_range_valid(new_base, slot.npages) ||
	    (mmu->shared_gfn && new_base + slot.npages > mmu->shared_gfn))
		goto out;
	r = -EEXIST;
	if (tdp_range_overlaps(mmu->slots, new_base, slot.npages, id))
		goto out;
	r = 0;
	if (new_base == slot.base_gfn)
		goto out;
	r = tdp_memslots_copy_pair(mmu, &a, &b);
	if (r)
		goto out;
	r = tdp_memslot_invalidate(mmu, a, &slot);
	if (r) {
		tdp_memslots_commit(mmu, b, NULL);
		goto out;
	}
	tdp_memslots_remove(b, id);
	slot.base_gfn = new_base;
	tdp_memslots_sort_insert(b, &slot);
	tdp_memslots_commit(mmu, b, NULL);
	r = 0;
out:
	tdp_spin_unlock(&mmu->slots_lock);
	return r;
}

/* After a flag change committed: bring the tables in line. */
static void tdp_memslot_flags_changed(struct tdp_mmu *mmu,
				      const struct tdp_memslot *slot,
				      u32 old_flags)
{
	u32 changed = old_flags ^ slot->flags;

	if ((changed & TDP_MEMSLOT_READONLY) &&
	    (slot->flags & TDP_MEMSLOT_READONLY))
		tdp_mmu_slot_write_protect(mmu, slot, true);
	if (!(changed & TDP_MEMSLOT_LOG_DIRTY))
		return;
	if (slot->flags & TDP_MEMSLOT_LOG_DIRTY)
		(void)tdp_mmu_slot_dirty_log_start(mmu, slot);
	else
		tdp_mmu_recover_huge_pages(mmu, slot->base_gfn,
					   tdp_memslot_end(slot));
}

/**
 * tdp_memslot_set_flags() - change a memslot's flags.
 * @mmu: the MMU.
 * @id: the slot id.
 * @flags: new TDP_MEMSLOT_LOG_DIRTY / TDP_MEMSLOT_READONLY.
 *
 * Starting dirty logging write-protects (or, in D-bit mode, clears the D
 * bits of) the slot's leaves and splits huge pages (eagerly if configured,
 * else on the next write); stopping it recovers huge pages in place.
 * Making the slot read-only write-protects it for good.  An eager split
 * that runs out of memory is not an error: the rest split on demand.
 *
 * Context: takes slots_lock and the MMU locks; must not hold any.
 * Return: 0; -ENOENT if no slot has @id; -EINVAL for unknown flags or a
 * slot too large to log; -EOPNOTSUPP for any change with private memory
 * (no dirty logging or read-only slots for a VM with a mirror root);
 * -ENOMEM if the array or bitmap cannot be allocated (nothing changed).
 */
int tdp_memslot_set_flags(struct tdp_mmu *mmu, u16 id, u32 flags)
{
	struct tdp_memslot slot;
	struct tdp_memslots *b;
	u64 **drop = NULL;
	u32 old_flags;
	int r = -EINVAL;

	tdp_slots_lock(mmu);
	if (flags & ~TDP_MEMSLOT_USER_FLAGS)
		goto out;
	r = -ENOENT;
	if (!tdp_memslot_find_id(mmu->slots, id))
		goto out;
	slot = *tdp_memslot_find_id(mmu->slots, id);
	old_flags = slot.flags;
	r = 0;
	if (flags == old_flags)
		goto out;
	r = -EOPNOTSUPP;
	if (mmu->shared_gfn)
		goto out;
	r = -EINVAL;
	if ((flags & TDP_MEMSLOT_LOG_DIRTY) &&
	    slot.npages > TDP_DIRTY_MAX_PAGES)
		goto out;
	r = -ENOMEM;
	b = tdp_memslots_copy(mmu);
	if (!b)
		goto out;
	if ((flags & TDP_MEMSLOT_LOG_DIRTY) && !slot.dirty_dir) {
		slot.dirty_dir = tdp_alloc_dirty_dir(mmu, slot.npages);
		if (!slot.dirty_dir) {
			tdp_aux_page_free(mmu, b);
			goto out;
		}
	} else if (!(flags & TDP_MEMSLOT_LOG_DIRTY)) {
		drop = slot.dirty_dir;
		slot.dirty_dir = NULL;
	}
	slot.flags = flags;
	*slot_by_id(b, id) = slot;
	tdp_memslots_commit(mmu, b, drop);
	tdp_memslot_flags_changed(mmu, &slot, old_flags);
	r = 0;
out:
	tdp_spin_unlock(&mmu->slots_lock);
	return r;
}

/**
 * tdp_memslots_set_generation() - test knob: jump the memslot generation
 * to @gen at run time ("stuff the generation", like KVM's selftests do at
 * creation).
 * @mmu: the MMU.
 * @gen: the new generation (bit 63, update-in-progress, is ignored).
 *
 * A jump breaks the monotonic order MMIO SPTEs rely on: an old MMIO SPTE
 * could carry a generation that becomes current again.  So, as on a wrap,
 * every MMIO SPTE is zapped once no fault can still be installing one with
 * the old generation (after the write lock's grace period), and the new
 * generation reads as update-in-progress until that zap has completed.
 *
 * Context: takes the slots lock and the MMU write lock.
 * Return: 0, or -ENOMEM (no page for the new memslot array).
 */
int tdp_memslots_set_generation(struct tdp_mmu *mmu, u64 gen)
{
	struct tdp_memslots *b;

	tdp_slots_lock(mmu);
	b = tdp_memslots_copy(mmu);
	if (!b) {
		tdp_spin_unlock(&mmu->slots_lock);
		return -ENOMEM;
	}
	tdp_memslots_publish_gen(mmu, b, NULL, gen, true);
	tdp_spin_unlock(&mmu->slots_lock);
	return 0;
}
