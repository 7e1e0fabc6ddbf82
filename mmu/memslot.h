/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memslots: GFN -> host PFN ranges of guest RAM, and the memslot generation.
 *
 * The array of memslots is copy-on-write: an update builds a new array,
 * publishes it with a release store, then takes the MMU write lock, which
 * is the grace period after which no fault can still be reading the old
 * array; the old array (and a dirty bitmap the update dropped) is freed
 * through the MMU's deferred-free list.  Faults look slots up under the MMU
 * read lock, never the write lock.
 *
 * Generation (KVM style): bumped on every update.  Bit 63
 * (TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS) is set while an update is in flight:
 * from the first array it publishes until its grace period ended and, on a
 * wrap of the low 19 bits or a generation jump, every MMIO SPTE was zapped.
 * MMIO SPTEs carry the low 19 bits.  The bit is cleared in place in the
 * published array (atomic store; readers load the field atomically).
 * tdp_mmu_config.initial_generation "stuffs" the starting value.
 */
#ifndef TDP_MMU_MEMSLOT_H
#define TDP_MMU_MEMSLOT_H

#include "types.h"
#include "compiler.h"

struct tdp_mmu;

#define TDP_MAX_MEMSLOTS 64
#define TDP_MEMSLOT_LOG_DIRTY BIT(0)
#define TDP_MEMSLOT_READONLY BIT(1)
#define TDP_MEMSLOT_USER_FLAGS (TDP_MEMSLOT_LOG_DIRTY | TDP_MEMSLOT_READONLY)
/* Internal: the slot is being deleted or moved; faults retry (-EAGAIN). */
#define TDP_MEMSLOT_INVALID BIT(31)

#define TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS BIT_ULL(63)

/* Dirty bitmap: a directory page of pointers to 32768-bit bitmap pages. */
#define TDP_DIRTY_BITS_PER_PAGE (PAGE_SIZE * 8)
#define TDP_DIRTY_MAX_PAGES (TDP_DIRTY_BITS_PER_PAGE * (PAGE_SIZE / 8))

struct tdp_memslot {
	gfn_t base_gfn;
	u64 npages;
	pfn_t base_pfn;
	u32 flags;
	u16 id;
	/* Set while TDP_MEMSLOT_LOG_DIRTY; bits set atomically by faults. */
	u64 **dirty_dir;
	/*
	 * Private memory only: a bit per page, set = shared (KVM's memory
	 * attributes; all private on add, kept across a move).  Bits change
	 * under the MMU write lock (tdp_mmu_convert), are read under the
	 * read lock.  Same directory layout as the dirty bitmap.
	 */
	u64 **attr_dir;
};

struct tdp_memslots {
	/* Set before publication; only UPDATE_IN_PROGRESS is cleared later,
	 * in place, by the updater (slots_lock). */
	u64 generation;
	u32 nr;
	/* Deferred-free bookkeeping; never read by lookups. */
	struct tdp_memslots *defer_next;
	u64 **defer_dirty_dir;
	/* Sorted by base_gfn, non-overlapping. */
	struct tdp_memslot slots[TDP_MAX_MEMSLOTS];
};
static_assert(sizeof(struct tdp_memslots) <= PAGE_SIZE, "memslots fit a page");

static inline gfn_t tdp_memslot_end(const struct tdp_memslot *s)
{
	return s->base_gfn + s->npages;
}

static inline pfn_t tdp_memslot_gfn_to_pfn(const struct tdp_memslot *s,
					   gfn_t gfn)
{
	return s->base_pfn + (gfn - s->base_gfn);
}

static inline u64 tdp_memslots_mmio_gen(u64 generation)
{
	return generation & ((1ULL << 19) - 1);
}

const struct tdp_memslot *tdp_memslot_lookup(const struct tdp_memslots *slots,
					     gfn_t gfn);
const struct tdp_memslot *tdp_memslot_find_id(const struct tdp_memslots *slots,
					      u16 id);
const struct tdp_memslots *tdp_memslots_current(const struct tdp_mmu *mmu);
u64 tdp_memslot_generation(const struct tdp_mmu *mmu);

int __must_check tdp_memslot_check_add(struct tdp_mmu *mmu, u16 id,
				       gfn_t base_gfn, u64 npages, u32 flags);
int __must_check tdp_memslot_add(struct tdp_mmu *mmu, u16 id, gfn_t base_gfn,
				 u64 npages, pfn_t base_pfn, u32 flags);
int __must_check tdp_memslot_delete(struct tdp_mmu *mmu, u16 id);
int __must_check tdp_memslot_move(struct tdp_mmu *mmu, u16 id, gfn_t new_base);
int __must_check tdp_memslot_set_flags(struct tdp_mmu *mmu, u16 id, u32 flags);

/* Internal to mmu/: set up and tear down the first array. */
int tdp_memslots_init(struct tdp_mmu *mmu, u64 initial_generation);
int __must_check tdp_memslots_set_generation(struct tdp_mmu *mmu, u64 gen);
void tdp_memslots_destroy(struct tdp_mmu *mmu);
void tdp_memslot_mark_dirty(const struct tdp_memslot *slot, gfn_t gfn);
bool tdp_memslot_test_and_clear_dirty_word(const struct tdp_memslot *slot,
					   u64 word, u64 *out);
/* A bitmap directory (dirty or attribute bits) for @npages pages. */
u64 **tdp_alloc_dirty_dir(struct tdp_mmu *mmu, u64 npages);
void tdp_free_dirty_dir(struct tdp_mmu *mmu, u64 **dir);

#endif /* TDP_MMU_MEMSLOT_H */
