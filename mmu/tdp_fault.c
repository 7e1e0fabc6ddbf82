// SPDX-License-Identifier: GPL-2.0
/*
 * The fault path: map a GPA under the READ lock with compare-exchange only.
 *
 * Walk from the root toward the goal level (the largest leaf the memslot
 * and the alignment of both GFN and host PFN allow; 4K under dirty
 * logging).  Above the goal: link a new table where nothing is mapped,
 * split a huge leaf in place (on-demand split), descend into tables.  At
 * the goal: install the leaf (replacing a table, which recovers a huge
 * page, or a stale MMIO SPTE), or upgrade an existing leaf's access.
 * Any lost race returns -EBUSY with nothing changed; the caller retries.
 */
#include "mmu/tdp_mmu_internal.h"

/* Tables one fault may need: links from the root down to 4K. */
#define TDP_FAULT_CACHE_MIN (TDP_ROOT_LEVEL - 1)
/* Attempts tdp_mmu_handle_fault() makes before it gives up. */
#define TDP_FAULT_ATTEMPTS 1000

/**
 * tdp_max_mapping_level() - largest leaf that may map @gfn from @slot.
 * @mmu: the MMU (configured max_level).
 * @slot: the memslot holding @gfn.
 * @gfn: the GFN.
 * Return: TDP_LEVEL_4K..cfg.max_level.
 */
int tdp_max_mapping_level(const struct tdp_mmu *mmu,
			  const struct tdp_memslot *slot, gfn_t gfn)
{
	int level;
	u64 pages;
	gfn_t base;

	if (slot->flags & TDP_MEMSLOT_LOG_DIRTY)
		return TDP_LEVEL_4K;
	for (level = mmu->cfg.max_level; level > TDP_LEVEL_4K; level--) {
		pages = tdp_pages_per_level(level);
		base = gfn & ~(pages - 1);
		if (base < slot->base_gfn ||
		    base + pages > tdp_memslot_end(slot))
			continue;
		/* GFN and host PFN must be congruent modulo the page size. */
		if ((slot->base_pfn - slot->base_gfn) & (pages - 1))
			continue;
		return level;
	}
	return TDP_LEVEL_4K;
}

/**
 * tdp_side_max_level() - largest leaf for @gfn on one side.
 * @mmu: the MMU.
 * @slot: the memslot holding @gfn.
 * @gfn: the stripped GFN.
 * @mirror: the leaf goes into the mirror root (private) or a direct root.
 *
 * Private memory: private leaves are 4K (TDP_PRIVATE_MAX_LEVEL); shared
 * leaves stay below the hardware view's split level (tdp_hw.c); and every
 * page a leaf maps must have the leaf's attribute (private or shared).
 *
 * Return: TDP_LEVEL_4K..cfg.max_level.
 */
int tdp_side_max_level(const struct tdp_mmu *mmu,
		       const struct tdp_memslot *slot, gfn_t gfn, bool mirror)
{
	int level = tdp_max_mapping_level(mmu, slot, gfn);

	if (!mmu->shared_gfn)
		return level;
	if (mirror)
		level = MIN(level, TDP_PRIVATE_MAX_LEVEL);
	else if (mmu->hw_level > TDP_LEVEL_4K)
		level = MIN(level, mmu->hw_level - 1);
	while (level > TDP_LEVEL_4K &&
	       !tdp_gfn_range_private(slot, tdp_gfn_round_for_level(gfn, level),
				      tdp_pages_per_level(level), mirror))
		level--;
	return level;
}

static int tdp_link_table(const struct tdp_ctx *ctx, struct tdp_iter *iter,
			  struct tdp_mmu_cache *cache)
{
	struct tdp_mmu_page *sp = tdp_cache_pop(ctx->mmu, cache);

	if (WARN_ON_ONCE(!sp))
		return -ENOMEM;
	sp->gfn = iter->gfn;
	sp->level = iter->level - 1;
	sp->role = ctx->root->role;
	sp->state = TDP_SP_LIVE;
	if (tdp_mmu_set_spte_atomic(ctx, iter, make_nonleaf_spte(sp->pa))) {
		sp->state = TDP_SP_CACHED;
		tdp_cache_push(ctx->mmu, cache, sp);
		return -EBUSY;
	}
	return 0;
}

/**
 * tdp_split_huge_spte() - replace a huge leaf by a table of leaves one
 * level down that map the same memory with the same attributes.
 * @ctx: operation context (read lock).
 * @iter: at the huge leaf (iter->old_spte).
 * @sp: an unlinked table page; filled and linked on success.  On failure
 *      it is reset to non-present and still belongs to the caller.
 *
 * Context: MMU read lock held.
 * Return: 0, or -EBUSY if the leaf changed meanwhile.
 */
int tdp_split_huge_spte(const struct tdp_ctx *ctx, struct tdp_iter *iter,
			struct tdp_mmu_page *sp)
{
	u64 huge = iter->old_spte;
	int i;

	sp->gfn = iter->gfn;
	sp->level = iter->level - 1;
	sp->role = ctx->root->role;
	for (i = 0; i < SPTE_ENT_PER_PAGE; i++)
		sp->spt[i] = make_small_spte(huge, iter->level, i);
	sp->state = TDP_SP_LIVE;
	if (tdp_mmu_set_spte_atomic(ctx, iter, make_nonleaf_spte(sp->pa))) {
		for (i = 0; i < SPTE_ENT_PER_PAGE; i++)
			sp->spt[i] = SHADOW_NONPRESENT_VALUE;
		sp->state = TDP_SP_CACHED;
		return -EBUSY;
	}
	/* The children exist only now that the parent change committed. */
	__atomic_fetch_add(&tdp_stats(ctx)->pages[iter->level - 1],
			   SPTE_ENT_PER_PAGE, __ATOMIC_RELAXED);
	tdp_stat_add(&tdp_stats(ctx)->splits, 1);
	return 0;
}

static bool tdp_slot_wrprot_logging(const struct tdp_mmu *mmu,
				    const struct tdp_memslot *slot)
{
	return (slot->flags & TDP_MEMSLOT_LOG_DIRTY) &&
	       mmu->cfg.dirty_mode == TDP_DIRTY_WRPROT;
}

/* An existing leaf at the goal level: spurious, or grant W. */
static int tdp_fix_leaf(const struct tdp_ctx *ctx,
			const struct tdp_memslot *slot, struct tdp_iter *iter,
			struct tdp_fault *f)
{
	u64 old = iter->old_spte;
	int r;

	if ((spte_access(old) & f->access) == f->access) {
		f->result = TDP_FAULT_SPURIOUS;
		tdp_stat_add(&tdp_stats(ctx)->spurious, 1);
		return 0;
	}
	/* Private leaves are RWX from the start: nothing can be missing. */
	if (WARN_ON_ONCE(tdp_is_mirror(ctx->root)))
		return -EFAULT;
	/* Only W can be missing; the slot allows it (checked by the caller). */
	if (WARN_ON_ONCE(!(f->access & TDP_ACC_W) ||
			 (slot->flags & TDP_MEMSLOT_READONLY)))
		return -EFAULT;
	r = tdp_mmu_set_spte_atomic(
		ctx, iter,
		old | SPTE_EPT_WRITABLE | SPTE_HOST_WRITABLE |
			SPTE_MMU_WRITABLE | SPTE_ACCESSED_MASK |
			SPTE_DIRTY_MASK);
	if (r)
		return r;
	if (slot->flags & TDP_MEMSLOT_LOG_DIRTY)
		tdp_memslot_mark_dirty(slot, iter->gfn);
	f->result = TDP_FAULT_FIXED;
	return 0;
}

static int tdp_map_target_level(const struct tdp_ctx *ctx,
				const struct tdp_memslot *slot,
				struct tdp_iter *iter, struct tdp_fault *f)
{
	bool write = f->access & TDP_ACC_W;
	bool host_writable = !(slot->flags & TDP_MEMSLOT_READONLY);
	u64 access = TDP_ACC_R | TDP_ACC_X, new_spte;
	pfn_t pfn = tdp_memslot_gfn_to_pfn(slot,
					   tdp_gfn_strip(ctx->mmu, iter->gfn));
	int r;

	f->level = iter->level;
	f->pfn = pfn + ((f->gpa >> PAGE_SHIFT) - iter->gfn);
	if (is_shadow_present_pte(iter->old_spte) &&
	    is_last_spte(iter->old_spte, iter->level)) {
		WARN_ON_ONCE(spte_to_pfn(iter->old_spte) != pfn);
		return tdp_fix_leaf(ctx, slot, iter, f);
	}
	if (host_writable &&
	    (write || !tdp_slot_wrprot_logging(ctx->mmu, slot)))
		access |= TDP_ACC_W;
	new_spte =
		make_spte(pfn, iter->level, access, host_writable, true, write);
	/* Private: RWX, A and D set (the S-EPT tracks neither for us). */
	if (tdp_is_mirror(ctx->root))
		new_spte = make_spte(pfn, iter->level, TDP_ACC_ALL, true, true,
				     true);
	r = tdp_mmu_set_spte_atomic(ctx, iter, new_spte);
	if (r)
		return r;
	if (write && (slot->flags & TDP_MEMSLOT_LOG_DIRTY))
		tdp_memslot_mark_dirty(slot, iter->gfn);
	f->result = TDP_FAULT_MAPPED;
	return 0;
}

static int tdp_fault_map(const struct tdp_ctx *ctx,
			 const struct tdp_memslot *slot,
			 struct tdp_mmu_cache *cache, struct tdp_fault *f)
{
	gfn_t gfn = f->gpa >> PAGE_SHIFT;
	int goal = tdp_side_max_level(ctx->mmu, slot,
				      tdp_gfn_strip(ctx->mmu, gfn),
				      tdp_is_mirror(ctx->root));
	struct tdp_mmu_page *sp;
	struct tdp_iter iter;
	int r;

	for_each_tdp_pte (iter, ctx->mmu, ctx->root->spt, gfn, gfn + 1) {
		if (is_frozen_spte(iter.old_spte)) {
			tdp_stat_add(&tdp_stats(ctx)->frozen_retries, 1);
			return -EBUSY;
		}
		if (iter.level == goal)
			return tdp_map_target_level(ctx, slot, &iter, f);
		if (!is_shadow_present_pte(iter.old_spte)) {
			r = tdp_link_table(ctx, &iter, cache);
		} else if (is_last_spte(iter.old_spte, iter.level)) {
			/* A huge leaf above the goal: split on demand. */
			if (WARN_ON_ONCE(tdp_is_mirror(ctx->root)))
				return -EFAULT; /* would need a demote */
			sp = tdp_cache_pop(ctx->mmu, cache);
			if (WARN_ON_ONCE(!sp))
				return -ENOMEM;
			r = tdp_split_huge_spte(ctx, &iter, sp);
			if (r)
				tdp_cache_push(ctx->mmu, cache, sp);
		} else {
			r = 0;
		}
		if (r)
			return r;
	}
	WARN_ON_ONCE(true);
	return -EBUSY;
}

/*
 * A RAM leaf where @slots has no memslot.  While an add is in its grace
 * period, a fault holding the superseded array can meet a leaf that a
 * fault holding the new one installed: retry with the current array.  A
 * leaf outside the current array's memslots is a bug.
 */
static int tdp_fault_mmio_race(const struct tdp_ctx *ctx,
			       const struct tdp_memslots *slots)
{
	if (tdp_memslots_current(ctx->mmu) != slots)
		return -EBUSY;
	WARN_ON_ONCE(true);
	return 0;
}

static int tdp_fault_mmio(const struct tdp_ctx *ctx,
			  const struct tdp_memslots *slots,
			  struct tdp_mmu_cache *cache, struct tdp_fault *f)
{
	u64 generation = __atomic_load_n(&slots->generation, __ATOMIC_ACQUIRE);
	gfn_t gfn = f->gpa >> PAGE_SHIFT;
	u64 gen = tdp_memslots_mmio_gen(generation);
	struct tdp_iter iter;
	int r;

	f->result = TDP_FAULT_MMIO;
	f->level = TDP_LEVEL_4K;
	f->mmio_installed = false;
	/* Mid-update: an MMIO SPTE could outlive a slot that appears. */
	if (generation & TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS)
		return 0;
	for_each_tdp_pte (iter, ctx->mmu, ctx->root->spt, gfn, gfn + 1) {
		if (is_frozen_spte(iter.old_spte))
			return -EBUSY;
		if (iter.level == TDP_LEVEL_4K) {
			if (is_mmio_spte(iter.old_spte) &&
			    get_mmio_spte_gen(iter.old_spte) == gen) {
				f->mmio_installed = true;
				return 0;
			}
			/* RAM mapped by a fault that saw a newer array. */
			if (is_shadow_present_pte(iter.old_spte))
				return tdp_fault_mmio_race(ctx, slots);
			r = tdp_mmu_set_spte_atomic(
				ctx, &iter, make_mmio_spte(f->gpa, gen));
			if (r)
				return r;
			tdp_stat_add(&tdp_stats(ctx)->mmio_installed, 1);
			f->mmio_installed = true;
			return 0;
		}
		if (!is_shadow_present_pte(iter.old_spte)) {
			r = tdp_link_table(ctx, &iter, cache);
			if (r)
				return r;
		} else if (is_last_spte(iter.old_spte, iter.level)) {
			return tdp_fault_mmio_race(ctx, slots);
		}
	}
	return -EBUSY;
}

static int tdp_fault_locked(const struct tdp_ctx *ctx,
			    struct tdp_mmu_cache *cache, struct tdp_fault *f)
{
	gfn_t sgfn = tdp_gfn_strip(ctx->mmu, f->gpa >> PAGE_SHIFT);
	bool mirror = tdp_is_mirror(ctx->root);
	const struct tdp_memslots *slots;
	const struct tdp_memslot *slot;

	if (!tdp_mmu_root_is_valid(ctx->root))
		return -EAGAIN;
	slots = tdp_memslots_current(ctx->mmu);
	slot = tdp_memslot_lookup(slots, sgfn);
	if (!slot && mirror) {
		/* No private MMIO (TDX): an access outside every memslot. */
		f->result = TDP_FAULT_MMIO;
		f->level = TDP_LEVEL_4K;
		f->mmio_installed = false;
		return 0;
	}
	if (!slot)
		return tdp_fault_mmio(ctx, slots, cache, f);
	if (slot->flags & TDP_MEMSLOT_INVALID)
		return -EAGAIN;
	if (ctx->mmu->shared_gfn &&
	    !tdp_gfn_range_private(slot, sgfn, 1, mirror)) {
		tdp_stat_add(&tdp_stats(ctx)->perm_faults, 1);
		return -EPERM;
	}
	if ((f->access & TDP_ACC_W) && (slot->flags & TDP_MEMSLOT_READONLY)) {
		f->result = TDP_FAULT_RO_WRITE;
		return 0;
	}
	return tdp_fault_map(ctx, slot, cache, f);
}

/**
 * tdp_mmu_page_fault() - handle an EPT violation (or prefault) at a GPA.
 * @mmu: the MMU.
 * @root: the root the vCPU runs on (referenced by the caller).
 * @cache: the vCPU's page cache (topped up here, outside the lock); its
 *         shard selects the lock/stats shard.
 * @fault: in: gpa and access (TDP_ACC_*); out: result, level, pfn.
 *
 * Maps the largest leaf the memslot allows, or installs an MMIO SPTE with
 * the current memslot generation when no memslot covers the GPA (result
 * TDP_FAULT_MMIO: emulate the access).
 *
 * Private memory (cfg.shared_bit = S): @fault->gpa includes the shared
 * bit; a shared GPA (bit S set) needs the direct root, a private one the
 * mirror root.  The memslot is looked up with bit S stripped.  A private
 * GPA outside every memslot gets TDP_FAULT_MMIO with mmio_installed = false
 * and no SPTE (there is no private MMIO); a shared one an MMIO SPTE in the
 * direct root as without private memory.  A GPA whose page has the other
 * attribute (private/shared) fails with -EPERM and changes nothing.
 * Private leaves are 4K, RWX; each goes through the S-EPT (set_leaf, and
 * link_table for each new table), with the SPTE frozen meanwhile.
 *
 * Context: takes the read lock; must not hold the MMU lock.
 * Return: 0 (see fault->result); -EBUSY if a racing change won or the
 * S-EPT was busy (nothing was changed; retry); -EAGAIN if the root was
 * invalidated (reload it) or the memslot is being deleted or moved
 * (retry); -EPERM for a fault on the side that does not match the page's
 * attribute; -ENOMEM if the cache could not be topped up or the S-EPT had
 * no page for a table; -EINVAL for a GPA beyond the 48-bit EPT range (or
 * with bits above the shared bit), a root of the wrong role for the GPA,
 * or a bad access mask; -EFAULT or -EIO on an internal inconsistency or
 * an S-EPT rule the MMU broke (warned).
 */
int tdp_mmu_page_fault(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
		       struct tdp_mmu_cache *cache, struct tdp_fault *fault)
{
	struct tdp_ctx ctx = {
		.mmu = mmu, .root = root, .shard = cache->shard, .shared = true
	};
	int r;

	if ((fault->gpa >> TDP_MAX_GPA_BITS) || !fault->access ||
	    (fault->access & ~TDP_ACC_ALL))
		return -EINVAL;
	if (mmu->shared_gfn
		    ? ((fault->gpa >> PAGE_SHIFT) >= 2 * mmu->shared_gfn ||
		       tdp_is_mirror(root) ==
			       !!((fault->gpa >> PAGE_SHIFT) & mmu->shared_gfn))
		    : tdp_is_mirror(root))
		return -EINVAL;
	r = tdp_mmu_cache_topup(mmu, cache, TDP_FAULT_CACHE_MIN);
	if (r)
		return r;
	tdp_stat_add(&tdp_stats(&ctx)->faults, 1);
	tdp_mmu_read_lock(mmu, ctx.shard);
	r = tdp_fault_locked(&ctx, cache, fault);
	tdp_mmu_read_unlock(mmu, ctx.shard);
	tdp_mmu_maybe_reclaim(mmu);
	return r;
}

/**
 * tdp_mmu_gpa_is_private() - whether a GPA names private memory.
 * @mmu: the MMU.
 * @gpa: a guest-physical address (with private memory: the shared bit
 *       included).
 *
 * Context: any.
 * Return: true if private memory is on (cfg.shared_bit) and @gpa's shared
 * bit is clear: its faults go to the mirror root.  False otherwise (the
 * direct root).
 */
bool tdp_mmu_gpa_is_private(const struct tdp_mmu *mmu, gpa_t gpa)
{
	return mmu->shared_gfn && !((gpa >> PAGE_SHIFT) & mmu->shared_gfn);
}

/**
 * tdp_mmu_handle_fault() - handle an EPT violation: the one entry point.
 * @mmu: the MMU.
 * @v: the faulting vCPU (its roots set by tdp_mmu_vcpu_set_roots(); its
 *     page cache is topped up here).
 * @gpa: the faulting guest-physical address, shared bit included.
 * @access: TDP_ACC_R/W/X of the access (W implies R for EPT).
 * @f: out: the fault (as tdp_mmu_page_fault() fills it), plus error,
 *     retries and private_gpa.
 *
 * Chooses the root from the GPA (tdp_mmu_gpa_is_private(): the mirror
 * root, else the direct root), as KVM's tdp_mmu_get_root_for_fault()
 * does, and runs tdp_mmu_page_fault() on it, retrying -EBUSY (a lost
 * race or a busy S-EPT: nothing changed) and -EAGAIN (a memslot being
 * deleted or moved) up to 1000 attempts in all.  An -EAGAIN on a root
 * that went invalid is not retried: the hypervisor must load fresh roots
 * and re-enter, and the guest repeats the access.
 *
 * Context: takes the MMU read lock; must not hold the MMU lock.
 * Return (also in f->error): 0 (see f->result); -EPERM for an access on
 * the side that does not match the page's attribute (private vs shared;
 * f->private_gpa tells which side the GPA named); -ENOMEM if no page was
 * left for a table; -EAGAIN if the root went invalid (reload it), or
 * -EBUSY / -EAGAIN after the last attempt; -EINVAL for a GPA beyond the
 * guest-physical width, a bad access mask, or no root loaded for the
 * GPA's side; -EFAULT or -EIO on an internal inconsistency (warned).
 */
int tdp_mmu_handle_fault(struct tdp_mmu *mmu, struct tdp_mmu_vcpu *v, gpa_t gpa,
			 u64 access, struct tdp_fault *f)
{
	bool private = tdp_mmu_gpa_is_private(mmu, gpa);
	struct tdp_mmu_page *root = private ? v->mirror : v->direct;
	u32 retries = 0, i;
	int r = -EINVAL;

	for (i = 0; root && i < TDP_FAULT_ATTEMPTS; i++) {
		*f = (struct tdp_fault){ .gpa = gpa, .access = access };
		r = tdp_mmu_page_fault(mmu, root, &v->cache, f);
		if (r != -EBUSY && r != -EAGAIN)
			break;
		retries++;
		if (r == -EAGAIN && !tdp_mmu_root_is_valid(root))
			break;
		if (mmu->ops->cpu_relax)
			mmu->ops->cpu_relax(mmu->opaque);
	}
	if (!root)
		*f = (struct tdp_fault){ .gpa = gpa, .access = access };
	f->error = r;
	f->retries = retries;
	f->private_gpa = private;
	return r;
}
