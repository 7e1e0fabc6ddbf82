/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TDP MMU: the per-VM EPT hierarchy, built and torn down in the style of
 * Linux KVM's x86 TDP MMU (arch/x86/kvm/mmu/tdp_mmu.c).
 *
 * Locking (one rwlock per VM, struct tdp_mmu.lock):
 *  - faults, eager split, huge-page recovery, write-protection, dirty-bit
 *    clearing and aging run under the READ lock and change SPTEs only by
 *    compare-exchange; a lost race returns -EBUSY with no side effect;
 *  - zaps (GFN range, whole roots, MMIO SPTEs), memslot removal and root
 *    teardown take the WRITE lock;
 *  - page-table pages unlinked under the read lock are queued and freed
 *    only after the next write-lock acquisition (every walker that could
 *    see them has left; a TLB flush has happened since they were unlinked).
 *
 * Bookkeeping (page stats, the trace ring, teardown of a removed subtree)
 * happens in __tdp_handle_changed_spte() (tdp_change.c) only after the
 * change has committed.
 *
 * This header is the public API (with memslot.h); the types it uses are
 * in tdp_types.h.
 */
#ifndef TDP_MMU_TDP_MMU_H
#define TDP_MMU_TDP_MMU_H

#include "mmu/tdp_types.h"

/* --- lifetime (tdp_init.c) --- */
void tdp_mmu_default_config(struct tdp_mmu_config *cfg);
int __must_check tdp_mmu_init(struct tdp_mmu *mmu,
			      const struct tdp_mmu_ops *ops, void *opaque,
			      const struct tdp_mmu_config *cfg);
void tdp_mmu_destroy(struct tdp_mmu *mmu);
void tdp_mmu_reclaim(struct tdp_mmu *mmu);

/* --- roots (tdp_root.c) --- */
int __must_check tdp_mmu_get_root(struct tdp_mmu *mmu, enum tdp_root_role role,
				  struct tdp_mmu_page **rootp);
hpa_t tdp_mmu_root_hpa(const struct tdp_mmu_page *root);
u64 tdp_mmu_root_eptp(const struct tdp_mmu_page *root);
bool tdp_mmu_root_is_valid(const struct tdp_mmu_page *root);

/* --- caches (tdp_core.c) --- */
void tdp_mmu_cache_init(struct tdp_mmu_cache *cache, unsigned int shard);
int __must_check tdp_mmu_cache_topup(struct tdp_mmu *mmu,
				     struct tdp_mmu_cache *cache, int min);
void tdp_mmu_cache_free(struct tdp_mmu *mmu, struct tdp_mmu_cache *cache);

/* --- faults (tdp_fault.c) --- */
int __must_check tdp_mmu_page_fault(struct tdp_mmu *mmu,
				    struct tdp_mmu_page *root,
				    struct tdp_mmu_cache *cache,
				    struct tdp_fault *fault);

/* --- the vCPU's MMU: its state, EPT violations and misconfigurations --- */
/* (tdp_core.c) */
void tdp_mmu_vcpu_init(struct tdp_mmu_vcpu *v, unsigned int shard);
void tdp_mmu_vcpu_set_roots(struct tdp_mmu_vcpu *v, struct tdp_mmu_page *direct,
			    struct tdp_mmu_page *mirror);
void tdp_mmu_vcpu_destroy(struct tdp_mmu *mmu, struct tdp_mmu_vcpu *v);
/* (tdp_fault.c) */
bool tdp_mmu_gpa_is_private(const struct tdp_mmu *mmu, gpa_t gpa);
int __must_check tdp_mmu_handle_fault(struct tdp_mmu *mmu,
				      struct tdp_mmu_vcpu *v, gpa_t gpa,
				      u64 access, struct tdp_fault *f);
/* (mmio.c) */
enum tdp_misconfig tdp_mmu_misconfig_miss(struct tdp_mmu *mmu,
					  struct tdp_mmu_vcpu *v, gpa_t gpa,
					  u64 *spte_out, struct tdp_fault *f);

/**
 * tdp_mmu_handle_misconfig() - handle an EPT misconfiguration: the one
 * entry point.
 * @mmu: the MMU.
 * @v: the vCPU (its direct root set by tdp_mmu_vcpu_set_roots()).
 * @gpa: the guest-physical address from the exit, shared bit included.
 * @spte_out: the lowest SPTE found on the direct root (for the log; left
 *            at SHADOW_NONPRESENT_VALUE on a cache hit); may be NULL.
 * @f: out, for TDP_MISCONFIG_FAULTED: the fault, as
 *     tdp_mmu_handle_fault() leaves it (f->error is its return value).
 *
 * First the vCPU's MMIO cache, tested here without the MMU lock: the page
 * of the last GPA found without a memslot, valid while no memslot update
 * has begun since (why that is enough: "The MMIO cache" in docs/mmu.md and
 * tdp_mmu_misconfig_miss()).  The test is inline because a repeated MMIO
 * access is the hottest exit a device model sees; a call that must save
 * the registers of the miss path cost a tenth of the whole exit in the
 * exit bench.  On a miss, tdp_mmu_misconfig_miss() classifies the SPTE
 * and fills the cache, or runs the fault path.  Counts v->mmio_fast_hits
 * or v->mmio_walks.
 *
 * Context: takes the MMU read lock on a cache miss; must not hold the
 * MMU lock.
 * Return: TDP_MISCONFIG_EMULATE (no memslot at @gpa: emulate now);
 * TDP_MISCONFIG_FAULTED (the fault path ran: f->error, then f->result);
 * TDP_MISCONFIG_NOT_MMIO (a present SPTE that is not an MMIO SPTE, in
 * *@spte_out: a hypervisor bug; dump the walk and stop the VM).
 */
static inline enum tdp_misconfig
tdp_mmu_handle_misconfig(struct tdp_mmu *mmu, struct tdp_mmu_vcpu *v, gpa_t gpa,
			 u64 *spte_out, struct tdp_fault *f)
{
	if (v->mmio_gpa == (gpa & PAGE_MASK) &&
	    __atomic_load_n(&mmu->slots_epoch, __ATOMIC_ACQUIRE) ==
		    v->mmio_epoch) {
		if (spte_out)
			*spte_out = SHADOW_NONPRESENT_VALUE;
		v->mmio_fast_hits++;
		return TDP_MISCONFIG_EMULATE;
	}
	return tdp_mmu_misconfig_miss(mmu, v, gpa, spte_out, f);
}

/* --- private memory (tdp_private.c, tdp_hw.c, mmu/sept/) --- */
int __must_check tdp_mmu_convert(struct tdp_mmu *mmu, gfn_t gfn, u64 npages,
				 bool to_private);
bool tdp_mmu_gfn_is_private(struct tdp_mmu *mmu, gfn_t gfn);
u64 tdp_mmu_hw_eptp(struct tdp_mmu *mmu);
void tdp_mmu_get_sept_stats(const struct tdp_mmu *mmu, struct sept_stats *out);
int __must_check tdp_mmu_check_mirror(struct tdp_mmu *mmu);

/* --- zap and root teardown (tdp_zap.c) --- */
void tdp_mmu_put_root(struct tdp_mmu *mmu, struct tdp_mmu_page *root);
void tdp_mmu_invalidate_roots(struct tdp_mmu *mmu);
u64 tdp_mmu_zap_gfn_range(struct tdp_mmu *mmu, gfn_t start, gfn_t end);
void tdp_mmu_zap_all(struct tdp_mmu *mmu);
u64 tdp_mmu_zap_all_mmio(struct tdp_mmu *mmu);

/* --- MMIO SPTEs (mmio.c) --- */
bool tdp_mmu_mmio_spte_is_current(const struct tdp_mmu *mmu, u64 spte);
int __must_check tdp_mmio_config_check(u64 value, u64 mask, u64 gen_mask);
enum tdp_misconfig_kind tdp_mmu_classify_misconfig(struct tdp_mmu *mmu,
						   struct tdp_mmu_page *root,
						   gpa_t gpa, u64 *spte_out);

/* --- dirty logging, split, recovery, aging (tdp_dirty.c, tdp_huge.c) --- */
int __must_check tdp_mmu_get_dirty_log(struct tdp_mmu *mmu, u16 slot_id,
				       u64 *bitmap, u64 nwords);
int __must_check tdp_mmu_split_huge_pages(struct tdp_mmu *mmu, gfn_t start,
					  gfn_t end);
u64 tdp_mmu_recover_huge_pages(struct tdp_mmu *mmu, gfn_t start, gfn_t end);
u64 tdp_mmu_test_and_clear_young(struct tdp_mmu *mmu, gfn_t start, gfn_t end);
bool tdp_mmu_test_young(struct tdp_mmu *mmu, gfn_t gfn);

/* --- the walk to one GPA (tdp_iter.c) --- */
int tdp_mmu_get_walk(struct tdp_mmu *mmu, struct tdp_mmu_page *root, gpa_t gpa,
		     u64 sptes[TDP_ROOT_LEVEL + 1]);

/* --- introspection (tdp_check.c) --- */
int __must_check tdp_mmu_check_invariants(struct tdp_mmu *mmu,
					  struct tdp_mmu_check *out);
void tdp_mmu_dump_walk(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
		       gpa_t gpa);
void tdp_mmu_get_stats(const struct tdp_mmu *mmu, struct tdp_mmu_stats *out);
u64 tdp_mmu_trace_count(const struct tdp_mmu *mmu);
bool tdp_mmu_trace_get(const struct tdp_mmu *mmu, u64 seq,
		       struct tdp_trace_entry *out);

/* --- test knobs (tdp_test_knobs.c) --- */
int tdp_mmu_test_break_leaf(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
			    gpa_t gpa);

#ifdef TDP_HOSTED
/* --- the CPU's EPT walker, simulated for host tests (tdp_sim.c) --- */
int tdp_mmu_sim_access(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
		       gpa_t gpa, u64 access);
#endif

#endif /* TDP_MMU_TDP_MMU_H */
