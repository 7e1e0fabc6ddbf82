/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated secure-EPT (S-EPT) backend: the part the TDX module plays
 * for KVM (docs/sept.md).  It owns the secure EPT pages the CPU walks for
 * private GPAs and accepts changes only through TDX-like operations:
 *
 *   sept_link_table()  TDH.MEM.SEPT.ADD    link a new table below an entry
 *   sept_set_leaf()    TDH.MEM.PAGE.AUG    map an owned, unmapped page
 *   sept_block()       TDH.MEM.RANGE.BLOCK clear XWR of a leaf, keep it
 *   sept_unblock()     TDH.MEM.RANGE.UNBLOCK  undo a block (rollback)
 *   sept_track()       TDH.MEM.TRACK       advance the TLB epoch
 *   sept_remove_leaf() TDH.MEM.PAGE.REMOVE remove a blocked+tracked leaf,
 *                                          zeroing the page
 *   sept_free_table()  TDH.MEM.SEPT.REMOVE unlink an empty table; its
 *                                          page is freed by
 *                                          sept_reclaim_tables() after
 *                                          the next TLB flush
 *
 * and page ownership (the PAMT's role): sept_add_range() /
 * sept_remove_range() register the host frames this VM owns (its memslot
 * pages); a frame is mapped by at most one S-EPT leaf.
 *
 * Every broken rule fails with its own enum sept_error and counts in
 * stats.errors[]; in strict mode it is also logged (pr_err).  Contention
 * is simulated: each operation kind can fail with SEPT_ERR_BUSY at a
 * seeded rate (after its rules were checked, before anything changed).
 * A failed operation changes nothing.
 *
 * Locking: one spinlock serialises the operations (the TDX module's own
 * locks; the MMU calls in under its read or write lock).  Entries are
 * stored atomically, so the hardware-view sync (tdp_hw.c) and the checker
 * may read them without the lock.
 */
#ifndef TDP_MMU_SEPT_H
#define TDP_MMU_SEPT_H

#include "types.h"
#include "compiler.h"
#include "mmu/spte.h"
#include "mmu/mmu_ops.h"
#include "mmu/tdp_sync.h"

enum sept_op {
	SEPT_OP_LINK = 0,
	SEPT_OP_SET_LEAF,
	SEPT_OP_BLOCK,
	SEPT_OP_UNBLOCK,
	SEPT_OP_TRACK,
	SEPT_OP_REMOVE,
	SEPT_OP_FREE_TABLE,
	SEPT_OP_NR,
};

enum sept_error {
	SEPT_OK = 0,
	SEPT_ERR_BUSY, /* contention (injected): retry */
	SEPT_ERR_NOMEM, /* no page for a new S-EPT table */
	SEPT_ERR_BAD_LEVEL, /* level out of range for the operation */
	SEPT_ERR_MISALIGNED, /* GFN or PFN not aligned to the level */
	SEPT_ERR_BAD_GFN, /* GFN beyond the 48-bit GPA space */
	SEPT_ERR_BAD_PERMS, /* leaf without R, or W without R */
	SEPT_ERR_PARENT_NOT_LINKED, /* no table above the entry */
	SEPT_ERR_SLOT_BUSY, /* link/set on an entry in use */
	SEPT_ERR_PAGE_NOT_OWNED, /* frame outside every owned range */
	SEPT_ERR_PAGE_ALREADY_MAPPED, /* frame mapped by another leaf */
	SEPT_ERR_NOT_LEAF, /* block/remove of an empty slot or table */
	SEPT_ERR_ALREADY_BLOCKED, /* block of a blocked leaf */
	SEPT_ERR_NOT_BLOCKED, /* remove/unblock of a leaf not blocked */
	SEPT_ERR_NOT_TRACKED, /* remove before a track since the block */
	SEPT_ERR_NOT_TABLE, /* free of an entry that is no table */
	SEPT_ERR_TABLE_NOT_EMPTY, /* free of a table that still maps */
	SEPT_ERR_RANGE_OVERLAP, /* owned range overlaps another */
	SEPT_ERR_RANGE_UNKNOWN, /* remove_range of a range not added */
	SEPT_ERR_RANGE_IN_USE, /* remove_range with frames mapped */
	SEPT_ERR_NR,
};

/* Set at init (sept_init), changeable at quiescent points. */
struct sept_config {
	bool strict; /* log every rule violation (pr_err) */
	u64 seed; /* injection PRNG seed */
	u32 busy_ppm[SEPT_OP_NR]; /* -EBUSY rate per op, parts per million */
	/*
	 * Zero one 4 KiB page of guest RAM (host frame @pfn) when a private
	 * page is removed; called with the backend lock held, @opaque is the
	 * MMU's ops opaque.  NULL: memset(ops->pa_to_va(pfn << 12)), which
	 * must then be valid for guest RAM (an identity map is).
	 */
	void (*clear_guest_page)(void *opaque, pfn_t pfn);
};

struct sept_stats {
	u64 ops[SEPT_OP_NR]; /* operations that succeeded */
	u64 busy[SEPT_OP_NR]; /* injected SEPT_ERR_BUSY per op */
	u64 errors[SEPT_ERR_NR]; /* failures by cause (incl. BUSY) */
	u64 violations; /* rule errors (not BUSY/NOMEM) */
	u64 zeroed_pages; /* 4 KiB frames zeroed on removal */
	u64 mapped_pages; /* 4 KiB frames mapped now */
	u64 table_pages; /* S-EPT table pages now (incl. root) */
	u64 unlinked_tables; /* unlinked, waiting for a flush to be freed */
};

/* Called (backend lock held) after an entry at level >= hook_level
 * changed, and before a table it unlinked is freed. */
typedef void (*sept_top_hook)(void *arg);

#define SEPT_MAX_RANGES 64
#define SEPT_MAP_BITS_PER_PAGE (PAGE_SIZE * 8)
#define SEPT_MAX_RANGE_PAGES (SEPT_MAP_BITS_PER_PAGE * (PAGE_SIZE / 8))

struct sept_range {
	pfn_t base;
	u64 npages;
	u64 **map; /* mapped bit per frame: dir -> bitmap pages */
};

struct sept {
	const struct tdp_mmu_ops *ops;
	void *opaque;
	struct tdp_spinlock lock;
	u64 *root; /* level-4 S-EPT table */
	hpa_t root_pa;
	u64 epoch; /* TLB-track epoch */
	u64 rng;
	struct sept_config cfg;
	int hook_level;
	sept_top_hook hook;
	void *hook_arg;
	/*
	 * Tables sept_free_table() unlinked, not yet freed: a CPU may still
	 * walk them through a cached paging-structure entry until the next
	 * TLB flush.  Linked through ops->page_private(); under the lock.
	 */
	void *unlinked;
	u32 nr_ranges;
	struct sept_range ranges[SEPT_MAX_RANGES];
	struct sept_stats stats;
};

const char *sept_error_name(enum sept_error err);
const char *sept_op_name(enum sept_op op);
int sept_error_to_errno(enum sept_error err);

void sept_default_config(struct sept_config *cfg);
struct sept *sept_create(const struct tdp_mmu_ops *ops, void *opaque,
			 const struct sept_config *cfg);
void sept_destroy(struct sept *s);
void sept_set_config(struct sept *s, const struct sept_config *cfg);
void sept_set_busy(struct sept *s, enum sept_op op, u32 ppm);
void sept_set_hook(struct sept *s, int level, sept_top_hook hook, void *arg);
void sept_get_stats(struct sept *s, struct sept_stats *out);

enum sept_error sept_add_range(struct sept *s, pfn_t base, u64 npages);
enum sept_error sept_remove_range(struct sept *s, pfn_t base, u64 npages);

enum sept_error sept_link_table(struct sept *s, gfn_t gfn, int level);
enum sept_error sept_set_leaf(struct sept *s, gfn_t gfn, int level, pfn_t pfn,
			      u64 access);
enum sept_error sept_block(struct sept *s, gfn_t gfn, int level);
enum sept_error sept_unblock(struct sept *s, gfn_t gfn, int level);
enum sept_error sept_track(struct sept *s);
enum sept_error sept_remove_leaf(struct sept *s, gfn_t gfn, int level);
enum sept_error sept_free_table(struct sept *s, gfn_t gfn, int level);
bool sept_has_unlinked_tables(struct sept *s);
void sept_reclaim_tables(struct sept *s);

/* Lockless read of the entry at @level for @gfn (0 if no table above). */
u64 sept_read_entry(const struct sept *s, gfn_t gfn, int level);
/* The table at @level on the index-0 path from the root, or NULL. */
u64 *sept_table_on_path(const struct sept *s, gfn_t gfn, int level);
bool sept_frame_mapped(struct sept *s, pfn_t pfn);

#endif /* TDP_MMU_SEPT_H */
