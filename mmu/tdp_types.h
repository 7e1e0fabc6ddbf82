/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TDP MMU's types: every struct, enum, constant, inline helper and
 * root iterator of mmu/, in one header with no .c of its own.
 *
 * The first half is what a user of the MMU sees (it embeds struct tdp_mmu
 * by value and fills in struct tdp_fault); the second half, from "Internal
 * to mmu/", is used only by the files of mmu/.  Prototypes live elsewhere:
 * the public API in tdp_mmu.h and memslot.h, mmu/'s internal interfaces in
 * tdp_mmu_internal.h.
 */
#ifndef TDP_MMU_TDP_TYPES_H
#define TDP_MMU_TDP_TYPES_H

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
	TDP_ROOT_DIRECT = 0, /* shared or normal memory */
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
	 * Private memory (docs/sept.md): 0 = none (no mirror root).
	 * Otherwise GPA bit @shared_bit (13..47; the hypervisor uses
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
	/*
	 * The memslot epoch (atomic): bumped when a memslot update or a
	 * generation jump begins (odd while it is in flight) and when it has
	 * ended (even), under slots_lock; never set back, so it never takes
	 * the same value twice.  The generation cannot serve: a jump
	 * (tdp_memslots_set_generation()) sets it to any value, an earlier
	 * one included, and MMIO SPTEs keep only its low 19 bits.  The
	 * vCPUs' MMIO caches (struct tdp_mmu_vcpu) are keyed by it.
	 */
	u64 slots_epoch;

	/* Roots: modified under the write lock, read under either. */
	struct tdp_mmu_page *roots[TDP_MAX_ROOTS];

	/* Deferred free: lock-free push, drained under the write lock. */
	struct tdp_mmu_page *deferred_sp;
	struct tdp_memslots *deferred_slots;
	u32 nr_deferred;
	u64 flush_seq; /* bumped before each TLB flush request */
	/* flush_seq at the last S-EPT table unlink (tdp_change.c; atomic). */
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

/* Faults (tdp_fault.c). */
enum tdp_fault_result {
	TDP_FAULT_MAPPED, /* a leaf was installed */
	TDP_FAULT_FIXED, /* an existing leaf gained the access */
	TDP_FAULT_SPURIOUS, /* the access was already allowed */
	TDP_FAULT_MMIO, /* no memslot: emulate (see mmio_installed) */
	TDP_FAULT_RO_WRITE, /* write to a read-only memslot: emulate */
};

struct tdp_fault {
	gpa_t gpa; /* in */
	u64 access; /* in: TDP_ACC_R/W/X of the faulting access */
	enum tdp_fault_result result; /* out */
	int level; /* out: level of the leaf that maps gpa */
	pfn_t pfn; /* out: host frame of gpa (MAPPED/FIXED/SPURIOUS) */
	/*
	 * Out, set by tdp_mmu_handle_fault() (and so by the fault that
	 * tdp_mmu_handle_misconfig() runs): its return value; the attempts
	 * that returned -EBUSY or -EAGAIN (each retried, but for the last
	 * when the bound was reached or the root went invalid); and whether
	 * the GPA is private (it went to the mirror root).
	 */
	int error;
	u32 retries;
	bool private_gpa;
	bool mmio_installed; /* out: an MMIO SPTE was installed */
};

/* What tdp_mmu_handle_misconfig() found and did (mmio.c). */
enum tdp_misconfig {
	/* No memslot at the GPA (a cache hit or a current MMIO SPTE):
	 * emulate the access now. */
	TDP_MISCONFIG_EMULATE,
	/* Stale or absent MMIO SPTE: the fault path ran; see the
	 * tdp_fault's error and, when 0, its result. */
	TDP_MISCONFIG_FAULTED,
	/* A present SPTE the CPU cannot accept, not an MMIO SPTE: a
	 * hypervisor bug; dump the walk and stop the VM. */
	TDP_MISCONFIG_NOT_MMIO,
};

/*
 * A vCPU's part of the MMU (KVM keeps the same in struct kvm_mmu and
 * struct kvm_vcpu_arch): its page cache, the roots it runs on, and its
 * MMIO cache.  Only the vCPU's own thread uses it, so no field needs a
 * lock.
 */
struct tdp_mmu_vcpu {
	/* Page-table pages for faults; cache.shard is the lock/stats shard. */
	struct tdp_mmu_cache cache;
	/*
	 * The roots the vCPU runs on, set by the hypervisor when it loads
	 * roots (tdp_mmu_vcpu_set_roots()); it holds their references.
	 * mirror is NULL without private memory.
	 */
	struct tdp_mmu_page *direct;
	struct tdp_mmu_page *mirror;
	/*
	 * The MMIO cache: the page of the last GPA an EPT misconfiguration
	 * found without a memslot (INVALID_GPA: empty), and the memslot
	 * epoch (tdp_mmu.slots_epoch, even) it was found in.
	 */
	gpa_t mmio_gpa;
	u64 mmio_epoch;
	/* Misconfigurations answered by the cache, and those that walked. */
	u64 mmio_fast_hits;
	u64 mmio_walks;
};

/* MMIO SPTEs (mmio.c). */
enum tdp_misconfig_kind {
	TDP_MISCONFIG_MMIO, /* current MMIO SPTE: emulate now */
	TDP_MISCONFIG_STALE, /* stale/absent: take the fault path */
	TDP_MISCONFIG_BUG, /* not an MMIO SPTE: dump and stop the VM */
};

/* Introspection (tdp_check.c). */
struct tdp_mmu_check {
	u64 tables; /* reachable page-table pages */
	u64 leaves[TDP_MAX_HUGE_LEVEL + 1];
	u64 mmio;
	u64 deferred;
	int errors;
};

static inline void *tdp_mmu_pa_to_va(const struct tdp_mmu *mmu, hpa_t pa)
{
	return mmu->ops->pa_to_va(mmu->opaque, pa);
}

/* --- Internal to mmu/ (not for the hypervisor) --- */

enum {
	TDP_SP_FREE = 0,
	TDP_SP_CACHED, /* in a vCPU cache, not linked */
	TDP_SP_LIVE, /* linked into a root (or a root) */
	TDP_SP_DEFERRED, /* unlinked, waiting for the grace period */
	TDP_SP_SLAB, /* slab header slot */
};

/*
 * One operation's context: which root, whether the lock is held shared
 * (read) or exclusive (write), and which stats shard to charge.
 */
struct tdp_ctx {
	struct tdp_mmu *mmu;
	struct tdp_mmu_page *root;
	unsigned int shard;
	bool shared;
	bool no_yield; /* write-lock walks that must not drop the lock */
};

static inline struct tdp_mmu_stats *tdp_stats(const struct tdp_ctx *ctx)
{
	return &ctx->mmu->stats[ctx->shard % TDP_STAT_SHARDS];
}

static inline void tdp_stat_add(u64 *ctr, u64 v)
{
	__atomic_fetch_add(ctr, v, __ATOMIC_RELAXED);
}

static inline bool tdp_try_cmpxchg(u64 *sptep, u64 *old, u64 new_spte)
{
	return __atomic_compare_exchange_n(sptep, old, new_spte, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

/* Roots. */
static inline bool tdp_root_tryget(struct tdp_mmu_page *root)
{
	u32 n = __atomic_load_n(&root->root_refcount, __ATOMIC_RELAXED);

	do {
		if (!n)
			return false;
	} while (!__atomic_compare_exchange_n(&root->root_refcount, &n, n + 1,
					      false, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

/* Private memory. */
#define TDP_PRIVATE_MAX_LEVEL TDP_LEVEL_4K
#define TDP_SEPT_WRITE_RETRIES 1000

static inline bool tdp_is_mirror(const struct tdp_mmu_page *root)
{
	return root->role == TDP_ROOT_MIRROR;
}

static inline gfn_t tdp_gfn_strip(const struct tdp_mmu *mmu, gfn_t gfn)
{
	return gfn & ~mmu->shared_gfn;
}

/*
 * The guest-physical width in GFNs: 2^36 (4-level EPT, 48-bit GPAs), or
 * twice the shared bit with private memory (no GPA bit above it is ever
 * valid).  The iterator indexes each level with the GFN's index bits
 * alone, so a GFN at or beyond 2^36 would walk onto a low GFN's SPTE:
 * every exported operation clamps its range to this limit, or refuses an
 * address beyond it.
 */
static inline gfn_t tdp_gfn_limit(const struct tdp_mmu *mmu)
{
	return mmu->shared_gfn ? 2 * mmu->shared_gfn : TDP_MAX_GFN;
}

/* Clamp [@start, *@end) to tdp_gfn_limit(); false if nothing is left. */
static inline bool tdp_gfn_range_clamp(const struct tdp_mmu *mmu, gfn_t start,
				       gfn_t *end)
{
	*end = MIN(*end, tdp_gfn_limit(mmu));
	return start < *end;
}

#define for_each_direct_root(mmu, i, root) \
	for_each_root (mmu, i, root)       \
		if (tdp_is_mirror(root))   \
			;                  \
		else

#define for_each_valid_root(mmu, i, root)                                  \
	for ((i) = 0; (i) < TDP_MAX_ROOTS; (i)++)                          \
		if (!((root) = (mmu)->roots[(i)]) || (root)->root_invalid) \
			;                                                  \
		else

#define for_each_root(mmu, i, root)                \
	for ((i) = 0; (i) < TDP_MAX_ROOTS; (i)++)  \
		if (!((root) = (mmu)->roots[(i)])) \
			;                          \
		else

#endif /* TDP_MMU_TDP_TYPES_H */
