/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces shared by the files of mmu/ (not for the
 * hypervisor).  The types they use are in tdp_types.h.
 */
#ifndef TDP_MMU_INTERNAL_H
#define TDP_MMU_INTERNAL_H

#include "errno_codes.h"
#include "log.h"
#include "mmu/tdp_mmu.h"
#include "mmu/tdp_iter.h"

/*
 * Primitives (tdp_core.c).  Locks: the write side drains the deferred-free
 * list.
 */
void tdp_mmu_read_lock(struct tdp_mmu *mmu, unsigned int shard);
void tdp_mmu_read_unlock(struct tdp_mmu *mmu, unsigned int shard);
void tdp_mmu_write_lock(struct tdp_mmu *mmu);
void tdp_mmu_write_unlock(struct tdp_mmu *mmu);

void tdp_mmu_flush_tlb(struct tdp_mmu *mmu);
void tdp_mmu_maybe_reclaim(struct tdp_mmu *mmu);

/* Descriptors and page-table pages. */
struct tdp_mmu_page *tdp_sp_alloc(struct tdp_mmu *mmu);
void tdp_sp_free(struct tdp_mmu *mmu, struct tdp_mmu_page *sp);
struct tdp_mmu_page *tdp_sp_from_pa(const struct tdp_mmu *mmu, hpa_t pa);
struct tdp_mmu_page *tdp_cache_pop(struct tdp_mmu *mmu,
				   struct tdp_mmu_cache *cache);
void tdp_cache_push(struct tdp_mmu *mmu, struct tdp_mmu_cache *cache,
		    struct tdp_mmu_page *sp);
void tdp_sp_defer_free(struct tdp_mmu *mmu, struct tdp_mmu_page *sp);
void *tdp_aux_page_alloc(struct tdp_mmu *mmu);
void tdp_aux_page_free(struct tdp_mmu *mmu, void *va);
void tdp_trace_record(struct tdp_mmu *mmu, gfn_t gfn, int level, u64 old_spte,
		      u64 new_spte);

/* SPTE changes (tdp_change.c). */
int __tdp_handle_changed_spte(const struct tdp_ctx *ctx, gfn_t gfn,
			      u64 old_spte, u64 new_spte, int level);
int __must_check tdp_mmu_set_spte_atomic(const struct tdp_ctx *ctx,
					 struct tdp_iter *iter, u64 new_spte);
int tdp_mmu_set_spte(const struct tdp_ctx *ctx, struct tdp_iter *iter,
		     u64 new_spte);
bool tdp_mmu_iter_cond_resched(const struct tdp_ctx *ctx, struct tdp_iter *iter,
			       bool flush);

/* The one-GFN descent (tdp_iter.c). */
int tdp_walk_gfn(const struct tdp_mmu *mmu, u64 *root_pt, gfn_t gfn,
		 u64 sptes[TDP_ROOT_LEVEL + 1]);

/* Roots (tdp_root.c). */
int tdp_root_ranges(const struct tdp_mmu *mmu, const struct tdp_mmu_page *root,
		    gfn_t start, gfn_t end, gfn_t r[2][2]);

/* Zap and root teardown (tdp_zap.c). */
void tdp_mmu_free_root_locked(struct tdp_mmu *mmu, struct tdp_mmu_page *root);
bool __tdp_mmu_zap_range(const struct tdp_ctx *ctx, gfn_t start, gfn_t end,
			 u64 *zapped, int *err);
void __tdp_mmu_zap_root(const struct tdp_ctx *ctx);
u64 tdp_mmu_zap_range_for_memslot(struct tdp_mmu *mmu, gfn_t start, gfn_t end,
				  int *err);
u64 tdp_mmu_zap_all_mmio_locked(struct tdp_mmu *mmu);

/* Dirty logging and huge pages, used by memslot updates. */
int tdp_mmu_slot_dirty_log_start(struct tdp_mmu *mmu,
				 const struct tdp_memslot *slot);
void tdp_mmu_slot_write_protect(struct tdp_mmu *mmu,
				const struct tdp_memslot *slot, bool readonly);
int tdp_split_huge_spte(const struct tdp_ctx *ctx, struct tdp_iter *iter,
			struct tdp_mmu_page *sp);
int tdp_max_mapping_level(const struct tdp_mmu *mmu,
			  const struct tdp_memslot *slot, gfn_t gfn);
int tdp_side_max_level(const struct tdp_mmu *mmu,
		       const struct tdp_memslot *slot, gfn_t gfn, bool mirror);

/* Private memory (tdp_private.c, tdp_hw.c). */
int tdp_private_init(struct tdp_mmu *mmu);
void tdp_private_destroy(struct tdp_mmu *mmu);
bool tdp_gfn_range_private(const struct tdp_memslot *slot, gfn_t gfn, u64 n,
			   bool private);
void tdp_hw_sync(struct tdp_mmu *mmu);
bool tdp_hw_check(struct tdp_mmu *mmu, u32 *idx);
void tdp_hw_direct_changed(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
			   int level);
void tdp_hw_set_direct(struct tdp_mmu *mmu, struct tdp_mmu_page *root);
int tdp_hw_init(struct tdp_mmu *mmu);
void tdp_hw_destroy(struct tdp_mmu *mmu);

#endif /* TDP_MMU_INTERNAL_H */
