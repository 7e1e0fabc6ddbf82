/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host fake platform for MMU tests: the struct tdp_mmu_ops that
 * hv/ provides on the machine, backed by aligned_alloc'ed 2 MiB chunks of
 * 4 KiB pages behind fake physical addresses.  Freed pages are poisoned
 * under ASan (use-after-free is reported), double frees are counted, and
 * allocation failures can be injected.
 */
#ifndef TESTS_HOST_MMU_FAKE_H
#define TESTS_HOST_MMU_FAKE_H

#include <pthread.h>
#include "mmu/tdp_mmu.h"

#define MMU_FAKE_PA_BASE 0x1000000000ULL /* 64 GiB: high address bits */
#define MMU_FAKE_MAX_CHUNKS 8192 /* 16 GiB of fake pages */
#define MMU_FAKE_CHUNK_PAGES 512

struct mmu_fake_desc {
	void *priv;
	u32 next_free;
	u8 allocated;
	/* flush_gen + 1 when a walker last read the page; 0 = never. */
	u64 walked_gen;
};

/*
 * A fake CPU: its paging-structure cache holds non-leaf EPT entries, as
 * read by earlier walks, until the next TLB flush (ops->flush_tlb).  A
 * walk starts from the lowest cached entry that covers the GPA, so it can
 * keep reading a table the MMU has already unlinked, exactly as a real
 * CPU can until INVEPT.
 */
#define MMU_FAKE_PSC_ENTRIES 32

struct mmu_fake_psc_entry {
	u64 eptp;
	gfn_t gfn; /* first GFN the entry maps */
	int level; /* level of the entry; 0 = empty */
	u64 entry;
};

struct mmu_fake_cpu {
	struct mmu_fake *f;
	u64 flush_gen; /* f->flush_gen the cache was filled under */
	u32 next; /* round-robin replacement */
	u64 hits; /* walks that started from a cached entry */
	struct mmu_fake_psc_entry psc[MMU_FAKE_PSC_ENTRIES];
};

struct mmu_fake_guest_ent {
	pfn_t pfn; /* + 1; 0 = empty */
	u64 val;
};

struct mmu_fake {
	pthread_mutex_t lock;
	u8 *chunks[MMU_FAKE_MAX_CHUNKS];
	struct mmu_fake_desc *descs[MMU_FAKE_MAX_CHUNKS];
	u32 nr_chunks;
	u32 next_fresh; /* page index never handed out yet */
	u32 free_head,
		free_tail; /* FIFO of freed page indices (+1; 0 = none) */
	u32 nr_free;
	u64 allocs, frees, live, peak_live;
	u64 double_frees, bad_frees;
	s64 fail_after; /* allocations left before failing; <0 = never */
	bool fail_sticky; /* keep failing once failed */
	u64 injected_failures;
	u64 flushes;
	/*
	 * Walkers (mmu_fake_hw_walk(), mmu_fake_cpu_access()) hold walk_lock
	 * for read for the whole walk; a TLB flush takes it for write and
	 * bumps flush_gen, so a flush is complete only when every walk that
	 * began before it has ended.  A page freed while a walker has read it
	 * since the last flush counts in walked_frees (and is reported): a
	 * CPU may still hold a cached entry that points at it.
	 */
	pthread_rwlock_t walk_lock;
	u64 flush_gen;
	u64 walked_frees;
	bool sched_yield; /* cpu_relax yields the thread */
	/*
	 * Guest RAM contents, for private-memory tests: one 64-bit token per
	 * host frame written by a test (open addressing, never shrinks);
	 * clear_guest_page (the S-EPT's zeroing) sets it to 0.
	 */
	pthread_mutex_t guest_lock;
	struct mmu_fake_guest_ent *guest;
	u64 guest_cap;
	u64 guest_zeroed;
};

extern const struct tdp_mmu_ops mmu_fake_ops;

void mmu_fake_init(struct mmu_fake *f);
/* Frees every chunk; returns the number of pages still allocated. */
u64 mmu_fake_destroy(struct mmu_fake *f);
/* The @n-th allocation from now fails (n = 0: the next one). */
void mmu_fake_fail_after(struct mmu_fake *f, s64 n, bool sticky);
u64 mmu_fake_live(struct mmu_fake *f);
u64 mmu_fake_flushes(struct mmu_fake *f);

/* Guest RAM tokens (see struct mmu_fake); the zeroing hook for
 * sept_config.clear_guest_page (mmu_fake_vm_create() sets it). */
void mmu_fake_clear_guest_page(void *opaque, pfn_t pfn);
bool mmu_fake_guest_write(struct mmu_fake *f, pfn_t pfn, u64 val);
u64 mmu_fake_guest_read(struct mmu_fake *f, pfn_t pfn);

/*
 * The CPU's EPT walk from @eptp (SDM "EPT Translation Mechanism"): 0 and
 * *leaf / *level if @gpa is mapped; -EFAULT if an entry on the way is not
 * present (EPT violation); -EIO for a misconfiguration (W without R).
 */
int mmu_fake_hw_walk(struct mmu_fake *f, u64 eptp, gpa_t gpa, u64 *leaf,
		     int *level);

/*
 * A guest access by fake CPU @c: the walk above, starting from @c's
 * paging-structure cache where it can, filling the cache on the way, and
 * (access allowed) setting A, and D on a write, in the leaf by
 * compare-exchange as the CPU does with EPT A/D enabled.  A/D are set only
 * in MMU leaves (SPTE_MMU_PRESENT); S-EPT leaves are the backend's.
 * Return: 0; -EFAULT (EPT violation: not present or not permitted); -EIO
 * (misconfiguration).
 */
void mmu_fake_cpu_init(struct mmu_fake_cpu *c, struct mmu_fake *f);
int mmu_fake_cpu_access(struct mmu_fake_cpu *c, u64 eptp, gpa_t gpa, u64 access,
			u64 *leaf, int *level);
/* Pages freed while read by a walker since the last flush (see above). */
u64 mmu_fake_walked_frees(struct mmu_fake *f);

/* Convenience for tests: init an MMU on a fake and get its direct root. */
int mmu_fake_vm_create(struct mmu_fake *f, struct tdp_mmu *mmu,
		       const struct tdp_mmu_config *cfg,
		       struct tdp_mmu_page **root);
/* ... and, with cfg->shared_bit, its mirror root too. */
int mmu_fake_vm_create_private(struct mmu_fake *f, struct tdp_mmu *mmu,
			       const struct tdp_mmu_config *cfg,
			       struct tdp_mmu_page **direct,
			       struct tdp_mmu_page **mirror);
void mmu_fake_vm_destroy(struct mmu_fake *f, struct tdp_mmu *mmu,
			 struct tdp_mmu_page *root);

#endif /* TESTS_HOST_MMU_FAKE_H */
