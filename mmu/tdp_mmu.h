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
 * happens in tdp_handle_changed_spte() only after the change has committed.
 *
 * Public entry points for hv/ are in this header (and memslot.h).
 */
#ifndef TDP_MMU_TDP_MMU_H
#define TDP_MMU_TDP_MMU_H

#include "types.h"
#include "compiler.h"
#include "mmu/spte.h"
#include "mmu/mmu_ops.h"
#include "mmu/memslot.h"
#include "mmu/tdp_sync.h"
#include "mmu/sept/sept.h"

#define TDP_MAX_ROOTS 8
#define TDP_STAT_SHARDS TDP_RWLOCK_SHARDS
#define TDP_MMU_CACHE_CAP 8
#define TDP_TRACE_MAX_PAGES 16

enum tdp_root_role {
	TDP_ROOT_DIRECT = 0, /* shared/normal memory */
	TDP_ROOT_MIRROR = 1, /* private memory, mirrored to the S-EPT */
};

enum tdp_dirty_mode {
	TDP_DIRTY_WRPROT = 0, /* dirty logging by write-protection */
	TDP_DIRTY_DBIT = 1, /* dirty logging by clearing EPT D bits */
};

struct tdp_mmu_config {
	int max_level; /* largest leaf, TDP_LEVEL_4K..TDP_LEVEL_1G */
	enum tdp_dirty_mode dirty_mode;
	bool eager_split; /* split huge pages when dirty logging starts */
	u32 trace_pages; /* trace ring pages (128 entries each); 0 = off */
	u64 initial_generation; /* stuff the memslot generation */
	u32 yield_every; /* writers yield every N steps (0: on contention) */
	u32 reclaim_threshold; /* faults reclaim deferred pages beyond this */
	/*
	 * Private memory (DESIGN.md §4, docs/sept.md): 0 = none (no mirror
	 * root).  Otherwise GPA bit @shared_bit (13..47; the hv uses
	 * MAXPHYADDR - 1) is the shared bit: shared GPAs map through the
	 * direct root, private ones through the mirror root and the S-EPT.
	 */
	u8 shared_bit;
	struct sept_config sept; /* backend: strict mode, injected -EBUSY */
};

/* Per-shard counters; a vCPU's cache names its shard. */
struct tdp_mmu_stats {
	s64 pages[TDP_MAX_HUGE_LEVEL + 1]; /* leaves by level (index 1..3) */
	u64 faults;
	u64 spurious;
	u64 mmio_installed;
	u64 cmpxchg_failed; /* lost compare-exchange races (-EBUSY) */
	u64 frozen_retries; /* walkers that met a frozen SPTE */
	u64 splits;
	u64 recovered;
	u64 tables_freed;
	u64 ext_busy; /* S-EPT ops that returned -EBUSY */
	u64 ext_failed; /* S-EPT ops that failed otherwise */
	u64 perm_faults; /* faults on the wrong side (-EPERM) */
} __aligned(TDP_CACHELINE);

struct tdp_trace_entry {
	u64 seq_level; /* sequence << 3 | level */
	gfn_t gfn;
	u64 old_spte;
	u64 new_spte;
};
#define TDP_TRACE_PER_PAGE (PAGE_SIZE / sizeof(struct tdp_trace_entry))

/* Descriptor of a page-table page (KVM's kvm_mmu_page). */
struct tdp_mmu_page {
	u64 *spt; /* the table (ops->pa_to_va(pa)) */
	hpa_t pa;
	gfn_t gfn; /* first GFN mapped by the table */
	u8 level; /* level of the SPTEs in the table */
	u8 role; /* enum tdp_root_role */
	u8 state; /* TDP_SP_* */
	bool root_invalid; /* roots: no new users; torn down at refcount 0 */
	u32 root_refcount; /* roots only; atomic */
	u64 flush_seq; /* deferred: mmu->flush_seq when unlinked */
	u64 check_epoch; /* invariant checker: visited marker */
	struct tdp_mmu_page *next; /* cache / deferred-free / slab link */
};

/* A vCPU's stash of page-table pages, filled before taking the lock. */
struct tdp_mmu_cache {
	unsigned int shard;
	int nr;
	struct tdp_mmu_page *pages[TDP_MMU_CACHE_CAP];
};

struct tdp_mmu {
	/* Set at init, read-only after. */
	const struct tdp_mmu_ops *ops;
	void *opaque;
	struct tdp_mmu_config cfg;

	struct tdp_rwlock lock;
	/* Serialises memslot updaters (not faults). */
	struct tdp_spinlock slots_lock;
	/* Current memslots: release-published, read under the read lock. */
	struct tdp_memslots *slots;
	/* slots->generation, readable without any lock (atomic). */
	u64 generation;

	/* Roots: modified under the write lock, read under either. */
	struct tdp_mmu_page *roots[TDP_MAX_ROOTS];

	/* Deferred free: lock-free push, drained under the write lock. */
	struct tdp_mmu_page *deferred_sp;
	struct tdp_memslots *deferred_slots;
	u32 nr_deferred;
	u64 flush_seq; /* bumped before each TLB flush request */
	/* flush_seq at the last S-EPT table unlink (tdp_mirror.c; atomic). */
	u64 sept_unlink_seq;

	/* Descriptor slab (tdp_mmu_page), built from ops pages. */
	struct tdp_spinlock sp_lock;
	struct tdp_mmu_page *sp_free;
	struct tdp_mmu_page *sp_slabs;

	/* Page accounting (atomic). */
	s64 nr_tables; /* live + deferred + cached table pages */
	s64 nr_cached; /* of which in vCPU caches */
	s64 nr_aux_pages; /* slab, memslot arrays, bitmaps, trace */
	u64 tlb_flushes; /* flush requests issued */
	u64 check_epoch;

	struct tdp_trace_entry *trace[TDP_TRACE_MAX_PAGES];
	u64 trace_head;
	u32 trace_nr_pages;

	struct tdp_mmu_stats stats[TDP_STAT_SHARDS];

	/*
	 * Private memory; set at init, read-only after (tdp_private.c).
	 * shared_gfn is BIT(shared_bit - 12), or 0 without private memory.
	 */
	gfn_t shared_gfn;
	struct sept *sept;

	/*
	 * The hardware view (tdp_hw.c): the tree the CPU's one EPTP points
	 * at.  hw_pages[l] for hw_level <= l <= 4 are set at init; their
	 * entries change only under hw_lock.  hw_direct is the direct root
	 * whose entries the view takes (changed under the write lock).
	 */
	int hw_level;
	u64 *hw_pages[TDP_ROOT_LEVEL + 1];
	struct tdp_spinlock hw_lock;
	struct tdp_mmu_page *hw_direct;
	u64 hw_syncs;
};

static inline void *tdp_mmu_pa_to_va(const struct tdp_mmu *mmu, hpa_t pa)
{
	return mmu->ops->pa_to_va(mmu->opaque, pa);
}

/* --- lifetime (tdp_mmu.c) --- */
void tdp_mmu_default_config(struct tdp_mmu_config *cfg);
int __must_check tdp_mmu_init(struct tdp_mmu *mmu,
			      const struct tdp_mmu_ops *ops, void *opaque,
			      const struct tdp_mmu_config *cfg);
void tdp_mmu_destroy(struct tdp_mmu *mmu);
void tdp_mmu_reclaim(struct tdp_mmu *mmu);

/* --- roots (tdp_root.c) --- */
int __must_check tdp_mmu_get_root(struct tdp_mmu *mmu, enum tdp_root_role role,
				  struct tdp_mmu_page **rootp);
void tdp_mmu_put_root(struct tdp_mmu *mmu, struct tdp_mmu_page *root);
void tdp_mmu_invalidate_roots(struct tdp_mmu *mmu);
hpa_t tdp_mmu_root_hpa(const struct tdp_mmu_page *root);
u64 tdp_mmu_root_eptp(const struct tdp_mmu_page *root);
bool tdp_mmu_root_is_valid(const struct tdp_mmu_page *root);

/* --- caches (tdp_mmu.c) --- */
void tdp_mmu_cache_init(struct tdp_mmu_cache *cache, unsigned int shard);
int __must_check tdp_mmu_cache_topup(struct tdp_mmu *mmu,
				     struct tdp_mmu_cache *cache, int min);
void tdp_mmu_cache_free(struct tdp_mmu *mmu, struct tdp_mmu_cache *cache);

/* --- faults (tdp_fault.c) --- */
enum tdp_fault_result {
	TDP_FAULT_MAPPED, /* a leaf was installed */
	TDP_FAULT_FIXED, /* an existing leaf gained the access */
	TDP_FAULT_SPURIOUS, /* the access was already allowed */
	TDP_FAULT_MMIO, /* no memslot: emulate (MMIO SPTE cached?) */
	TDP_FAULT_RO_WRITE, /* write to a read-only memslot: emulate */
};

struct tdp_fault {
	gpa_t gpa; /* in */
	u64 access; /* in: TDP_ACC_R/W/X of the faulting access */
	enum tdp_fault_result result; /* out */
	int level; /* out: level of the leaf that maps gpa */
	pfn_t pfn; /* out: host frame of gpa (MAPPED/FIXED/SPURIOUS) */
	bool mmio_cached; /* out: an MMIO SPTE was installed */
};

int __must_check tdp_mmu_page_fault(struct tdp_mmu *mmu,
				    struct tdp_mmu_page *root,
				    struct tdp_mmu_cache *cache,
				    struct tdp_fault *fault);

/* --- private memory (tdp_private.c, tdp_hw.c, mmu/sept/) --- */
int __must_check tdp_mmu_convert(struct tdp_mmu *mmu, gfn_t gfn, u64 npages,
				 bool to_private);
bool tdp_mmu_gfn_is_private(struct tdp_mmu *mmu, gfn_t gfn);
u64 tdp_mmu_hw_eptp(struct tdp_mmu *mmu);
void tdp_mmu_get_sept_stats(const struct tdp_mmu *mmu, struct sept_stats *out);
int __must_check tdp_mmu_check_mirror(struct tdp_mmu *mmu);

/* --- zap (tdp_zap.c) --- */
u64 tdp_mmu_zap_gfn_range(struct tdp_mmu *mmu, gfn_t start, gfn_t end);
void tdp_mmu_zap_all(struct tdp_mmu *mmu);
u64 tdp_mmu_zap_all_mmio(struct tdp_mmu *mmu);

/* --- MMIO SPTEs (mmio.c) --- */
enum tdp_misconfig_kind {
	TDP_MISCONFIG_MMIO, /* current MMIO SPTE: emulate now */
	TDP_MISCONFIG_STALE, /* stale/absent: take the fault path */
	TDP_MISCONFIG_BUG, /* not an MMIO SPTE: dump and stop the VM */
};
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
int tdp_mmu_sim_access(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
		       gpa_t gpa, u64 access);

/* --- introspection (tdp_check.c) --- */
struct tdp_mmu_check {
	u64 tables; /* reachable page-table pages */
	u64 leaves[TDP_MAX_HUGE_LEVEL + 1];
	u64 mmio;
	u64 deferred;
	int errors;
};
int __must_check tdp_mmu_check_invariants(struct tdp_mmu *mmu,
					  struct tdp_mmu_check *out);
int tdp_mmu_get_walk(struct tdp_mmu *mmu, struct tdp_mmu_page *root, gpa_t gpa,
		     u64 sptes[TDP_ROOT_LEVEL + 1]);
void tdp_mmu_dump_walk(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
		       gpa_t gpa);
int tdp_mmu_test_break_leaf(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
			    gpa_t gpa);
void tdp_mmu_get_stats(const struct tdp_mmu *mmu, struct tdp_mmu_stats *out);
u64 tdp_mmu_trace_count(const struct tdp_mmu *mmu);
bool tdp_mmu_trace_get(const struct tdp_mmu *mmu, u64 seq,
		       struct tdp_trace_entry *out);

#endif /* TDP_MMU_TDP_MMU_H */
