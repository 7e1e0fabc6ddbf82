// SPDX-License-Identifier: GPL-2.0
/*
 * Mirror roots: propagating every change of a mirror SPTE to the S-EPT
 * backend (mmu/sept/), the way KVM's TDP MMU drives the TDX module.
 *
 * The caller (tdp_change.c) has frozen the mirror SPTE; this file performs
 * the external operation(s) for one change and reports success or the
 * error.  Four kinds of change, four protocols:
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
#include "mmu/tdp_mmu_internal.h"

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
int tdp_set_external_spte(const struct tdp_ctx *ctx, gfn_t gfn, u64 old_spte,
			  u64 new_spte, int level)
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
int tdp_mirror_remove_pt(const struct tdp_ctx *ctx, u64 parent_spte,
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
