/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EPT SPTE layout: the only file in tdpvisor that knows bit positions of an
 * EPT paging-structure entry (Intel SDM Vol. 3C, "EPT Translation
 * Mechanism", Tables 29-1..29-7, and "EPT Misconfigurations").  Everyone
 * else asks is_shadow_present_pte(), is_last_spte(), spte_to_pfn(), ...
 *
 * Leaf (4K, or 2M/1G with bit 7) and non-leaf entries:
 *
 *   63   62..52     51..12   11     10   9  8  7    6     5..3     2..0
 *  +----+---------+--------+------+----+--+--+----+-----+--------+-----+
 *  |SVE | ignored | PFN    |MMU-P |ign |D |A |LARGE|IPAT | MEMTYPE| XWR |
 *  +----+---------+--------+------+----+--+--+----+-----+--------+-----+
 *        57 = HOST_WRITABLE, 58 = MMU_WRITABLE (software, present leaves)
 *
 * Bit 11 (SPTE_MMU_PRESENT_MASK) is ignored by the CPU and is the ONLY thing
 * that makes an SPTE shadow-present.  Non-present SPTEs hold
 * SHADOW_NONPRESENT_VALUE (bit 63, "suppress #VE").
 *
 * MMIO SPTE (a GPA with no memslot; docs/mmu.md, "MMIO SPTEs"): XWR =
 * 0b110, which the CPU reports as an EPT misconfiguration (write without
 * read), bit 63 and bit 11 clear, GPA in 51..12, and a 19-bit memslot
 * generation in bits 10..3 (low 8 bits of the generation) and 62..52 (high
 * 11 bits).  Bit 11 is never a generation bit: the generation must never
 * occupy the present bit, or a stale MMIO SPTE would look present.
 *
 * FROZEN_SPTE: a transient non-present value written while a change is in
 * flight (removed page tables, and later mirror roots / S-EPT): no XWR, no
 * PFN, bit 11 clear.  A walker that meets it retries.
 */
#ifndef TDP_MMU_SPTE_H
#define TDP_MMU_SPTE_H

#include "types.h"
#include "compiler.h"

/* Paging levels: level N maps 512^(N-1) 4 KiB pages per SPTE. */
#define TDP_LEVEL_4K 1
#define TDP_LEVEL_2M 2
#define TDP_LEVEL_1G 3
#define TDP_ROOT_LEVEL 4 /* 4-level EPT, 48-bit GPA */
#define TDP_MAX_HUGE_LEVEL TDP_LEVEL_1G
#define SPTE_ENT_PER_PAGE 512
#define SPTE_LEVEL_BITS 9
#define TDP_MAX_GPA_BITS 48
#define TDP_MAX_GFN (1ULL << (TDP_MAX_GPA_BITS - PAGE_SHIFT))

/* Hardware bits. */
#define SPTE_EPT_READABLE BIT_ULL(0)
#define SPTE_EPT_WRITABLE BIT_ULL(1)
#define SPTE_EPT_EXECUTABLE BIT_ULL(2)
#define SPTE_EPT_RWX_MASK GENMASK_ULL(2, 0)
#define SPTE_EPT_MEMTYPE_SHIFT 3
#define SPTE_EPT_MEMTYPE_MASK GENMASK_ULL(5, 3)
#define SPTE_EPT_MEMTYPE_WB (6ULL << SPTE_EPT_MEMTYPE_SHIFT)
#define SPTE_EPT_IGNORE_PAT BIT_ULL(6)
#define SPTE_LARGE_MASK BIT_ULL(7)
#define SPTE_ACCESSED_MASK BIT_ULL(8)
#define SPTE_DIRTY_MASK BIT_ULL(9)
#define SPTE_PFN_MASK GENMASK_ULL(51, 12)
#define SPTE_SUPPRESS_VE BIT_ULL(63)

/* Software bits (ignored by the CPU in the entries that carry them). */
#define SPTE_MMU_PRESENT_MASK BIT_ULL(11)
#define SPTE_HOST_WRITABLE BIT_ULL(57)
#define SPTE_MMU_WRITABLE BIT_ULL(58)

#define SHADOW_NONPRESENT_VALUE SPTE_SUPPRESS_VE
#define FROZEN_SPTE (SHADOW_NONPRESENT_VALUE | 0x5a0ULL)

/* MMIO SPTEs. */
#define SPTE_MMIO_VALUE (SPTE_EPT_WRITABLE | SPTE_EPT_EXECUTABLE)
#define SPTE_MMIO_MASK \
	(SPTE_EPT_RWX_MASK | SPTE_MMU_PRESENT_MASK | SPTE_SUPPRESS_VE)
#define MMIO_SPTE_GEN_LOW_START 3
#define MMIO_SPTE_GEN_LOW_END 10
#define MMIO_SPTE_GEN_HIGH_START 52
#define MMIO_SPTE_GEN_HIGH_END 62
#define MMIO_SPTE_GEN_LOW_BITS \
	(MMIO_SPTE_GEN_LOW_END - MMIO_SPTE_GEN_LOW_START + 1)
#define MMIO_SPTE_GEN_LOW_MASK \
	GENMASK_ULL(MMIO_SPTE_GEN_LOW_END, MMIO_SPTE_GEN_LOW_START)
#define MMIO_SPTE_GEN_HIGH_MASK \
	GENMASK_ULL(MMIO_SPTE_GEN_HIGH_END, MMIO_SPTE_GEN_HIGH_START)
#define MMIO_SPTE_GEN_MASK (MMIO_SPTE_GEN_LOW_MASK | MMIO_SPTE_GEN_HIGH_MASK)
#define MMIO_SPTE_GEN_BITS 19
#define MMIO_GEN_MASK GENMASK_ULL(MMIO_SPTE_GEN_BITS - 1, 0)
#define MMIO_SPTE_GPA_MASK SPTE_PFN_MASK

/* Every layout fact, checked. */
#define SPTE_HW_LEAF_MASK                                                  \
	(SPTE_EPT_RWX_MASK | SPTE_EPT_MEMTYPE_MASK | SPTE_EPT_IGNORE_PAT | \
	 SPTE_LARGE_MASK | SPTE_ACCESSED_MASK | SPTE_DIRTY_MASK |          \
	 SPTE_PFN_MASK | SPTE_SUPPRESS_VE)
static_assert(!(SPTE_MMU_PRESENT_MASK & SPTE_HW_LEAF_MASK), "present bit");
static_assert(!(SPTE_HOST_WRITABLE &
		(SPTE_HW_LEAF_MASK | SPTE_MMU_PRESENT_MASK)),
	      "host-writable bit");
static_assert(!(SPTE_MMU_WRITABLE &
		(SPTE_HW_LEAF_MASK | SPTE_MMU_PRESENT_MASK)),
	      "mmu-writable bit");
static_assert(!(SPTE_HOST_WRITABLE & SPTE_MMU_WRITABLE), "writable pair");
static_assert(!((SPTE_HOST_WRITABLE | SPTE_MMU_WRITABLE) & SPTE_MMIO_MASK),
	      "writable bits must not take part in MMIO identification");
static_assert(!(FROZEN_SPTE & SPTE_MMU_PRESENT_MASK), "frozen is non-present");
static_assert(!(FROZEN_SPTE & SPTE_EPT_RWX_MASK), "frozen has no RWX");
static_assert(!(FROZEN_SPTE & SPTE_PFN_MASK), "frozen has no PFN");
static_assert((FROZEN_SPTE & SHADOW_NONPRESENT_VALUE), "frozen keeps bit 63");
static_assert(FROZEN_SPTE != SHADOW_NONPRESENT_VALUE, "frozen is distinct");
static_assert((FROZEN_SPTE & SPTE_MMIO_MASK) != SPTE_MMIO_VALUE,
	      "frozen != MMIO");
static_assert((SHADOW_NONPRESENT_VALUE & SPTE_MMIO_MASK) != SPTE_MMIO_VALUE,
	      "non-present != MMIO");
static_assert(!(SPTE_MMIO_VALUE & ~SPTE_MMIO_MASK), "MMIO value within mask");
static_assert(!(MMIO_SPTE_GEN_LOW_MASK & MMIO_SPTE_GEN_HIGH_MASK),
	      "gen halves");
static_assert(!(SPTE_MMU_PRESENT_MASK & MMIO_SPTE_GEN_MASK),
	      "bit 11 is never a generation bit");
static_assert(!(MMIO_SPTE_GEN_MASK & SPTE_MMIO_MASK), "gen vs MMIO mask");
static_assert(!(MMIO_SPTE_GEN_MASK & MMIO_SPTE_GPA_MASK), "gen vs GPA");
static_assert(!(MMIO_SPTE_GPA_MASK & SPTE_MMIO_MASK), "GPA vs MMIO mask");
static_assert(__builtin_popcountll(MMIO_SPTE_GEN_MASK) == MMIO_SPTE_GEN_BITS,
	      "19 generation bits");
static_assert(MMIO_SPTE_GEN_LOW_BITS == 8, "8 low generation bits");

/* Access bits the MMU grants, as in an EPT SPTE's XWR. */
#define TDP_ACC_R SPTE_EPT_READABLE
#define TDP_ACC_W SPTE_EPT_WRITABLE
#define TDP_ACC_X SPTE_EPT_EXECUTABLE
#define TDP_ACC_ALL SPTE_EPT_RWX_MASK

static inline u64 tdp_pages_per_level(int level)
{
	return 1ULL << ((level - 1) * SPTE_LEVEL_BITS);
}

static inline int tdp_spte_index(gfn_t gfn, int level)
{
	return (int)((gfn >> ((level - 1) * SPTE_LEVEL_BITS)) &
		     (SPTE_ENT_PER_PAGE - 1));
}

static inline gfn_t tdp_gfn_round_for_level(gfn_t gfn, int level)
{
	return gfn & ~(tdp_pages_per_level(level) - 1);
}

/*
 * Read an SPTE.  Acquire: a table linked by another thread's
 * compare-exchange is fully initialised by the time we look inside it.
 */
static inline u64 tdp_read_spte(const u64 *sptep)
{
	return __atomic_load_n(sptep, __ATOMIC_ACQUIRE);
}

static inline bool is_mmio_spte(u64 spte)
{
	return (spte & SPTE_MMIO_MASK) == SPTE_MMIO_VALUE;
}

static inline bool is_frozen_spte(u64 spte)
{
	return spte == FROZEN_SPTE;
}

static inline bool is_shadow_present_pte(u64 spte)
{
	return !!(spte & SPTE_MMU_PRESENT_MASK);
}

static inline bool is_large_pte(u64 spte)
{
	return !!(spte & SPTE_LARGE_MASK);
}

static inline bool is_last_spte(u64 spte, int level)
{
	return level == TDP_LEVEL_4K || is_large_pte(spte);
}

static inline bool is_writable_pte(u64 spte)
{
	return !!(spte & SPTE_EPT_WRITABLE);
}

static inline bool is_mmu_writable_spte(u64 spte)
{
	return !!(spte & SPTE_MMU_WRITABLE);
}

static inline bool is_accessed_spte(u64 spte)
{
	return !!(spte & SPTE_ACCESSED_MASK);
}

static inline bool is_dirty_spte(u64 spte)
{
	return !!(spte & SPTE_DIRTY_MASK);
}

static inline u64 spte_access(u64 spte)
{
	return spte & SPTE_EPT_RWX_MASK;
}

static inline pfn_t spte_to_pfn(u64 spte)
{
	return (spte & SPTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline hpa_t spte_to_child_pa(u64 spte)
{
	return spte & SPTE_PFN_MASK;
}

/**
 * make_spte() - build a shadow-present leaf SPTE.
 * @pfn: host frame (aligned to the level's size).
 * @level: TDP_LEVEL_4K..TDP_LEVEL_1G.
 * @access: TDP_ACC_* bits to grant (W only together with R).
 * @host_writable: the memslot allows writes; sets HOST/MMU_WRITABLE so a
 *                 later fault may restore W without re-deriving it.
 * @accessed: set the A bit.  @dirty: set the D bit.
 *
 * The result is what the CPU's EPT walker expects of a leaf: WB memory
 * type with IPAT, bit 7 on 2M/1G leaves, bit 11 for the MMU.
 */
static inline u64 make_spte(pfn_t pfn, int level, u64 access,
			    bool host_writable, bool accessed, bool dirty)
{
	u64 spte = SPTE_MMU_PRESENT_MASK | SPTE_EPT_MEMTYPE_WB |
		   SPTE_EPT_IGNORE_PAT | (access & SPTE_EPT_RWX_MASK) |
		   ((pfn << PAGE_SHIFT) & SPTE_PFN_MASK);

	if (level > TDP_LEVEL_4K)
		spte |= SPTE_LARGE_MASK;
	if (host_writable)
		spte |= SPTE_HOST_WRITABLE | SPTE_MMU_WRITABLE;
	if (accessed)
		spte |= SPTE_ACCESSED_MASK;
	if (dirty)
		spte |= SPTE_DIRTY_MASK;
	return spte;
}

/* A non-leaf SPTE: full RWX (leaves restrict), child table's address. */
static inline u64 make_nonleaf_spte(hpa_t child_pa)
{
	return SPTE_MMU_PRESENT_MASK | SPTE_EPT_RWX_MASK |
	       (child_pa & SPTE_PFN_MASK);
}

/*
 * The @index-th child of a huge leaf being split to @level - 1: same
 * attributes, PFN advanced, bit 7 cleared when the child is a 4K leaf.
 */
static inline u64 make_small_spte(u64 huge_spte, int level, int index)
{
	u64 child_pages = tdp_pages_per_level(level - 1);
	u64 spte = huge_spte & ~SPTE_PFN_MASK;

	spte |= ((spte_to_pfn(huge_spte) + (u64)index * child_pages)
		 << PAGE_SHIFT) &
		SPTE_PFN_MASK;
	if (level - 1 == TDP_LEVEL_4K)
		spte &= ~SPTE_LARGE_MASK;
	return spte;
}

/* A huge leaf at @level built from any of its present leaf descendants. */
static inline u64 make_huge_spte(u64 small_spte, int level)
{
	u64 pages = tdp_pages_per_level(level);
	u64 spte = small_spte & ~SPTE_PFN_MASK;

	spte |= ((spte_to_pfn(small_spte) & ~(pages - 1)) << PAGE_SHIFT);
	return spte | SPTE_LARGE_MASK;
}

static inline u64 spte_clear_writable(u64 spte)
{
	return spte & ~SPTE_EPT_WRITABLE;
}

/* Write-protect for a read-only memslot: W cannot be restored by a fault. */
static inline u64 spte_clear_all_writable(u64 spte)
{
	return spte &
	       ~(SPTE_EPT_WRITABLE | SPTE_HOST_WRITABLE | SPTE_MMU_WRITABLE);
}

static inline u64 make_mmio_spte(gpa_t gpa, u64 gen)
{
	u64 spte = SPTE_MMIO_VALUE | (gpa & MMIO_SPTE_GPA_MASK);

	spte |= (gen << MMIO_SPTE_GEN_LOW_START) & MMIO_SPTE_GEN_LOW_MASK;
	spte |= ((gen >> MMIO_SPTE_GEN_LOW_BITS) << MMIO_SPTE_GEN_HIGH_START) &
		MMIO_SPTE_GEN_HIGH_MASK;
	return spte;
}

static inline u64 get_mmio_spte_gen(u64 spte)
{
	u64 gen = (spte & MMIO_SPTE_GEN_LOW_MASK) >> MMIO_SPTE_GEN_LOW_START;

	gen |= ((spte & MMIO_SPTE_GEN_HIGH_MASK) >> MMIO_SPTE_GEN_HIGH_START)
	       << MMIO_SPTE_GEN_LOW_BITS;
	return gen;
}

static inline gpa_t get_mmio_spte_gpa(u64 spte)
{
	return spte & MMIO_SPTE_GPA_MASK;
}

static inline gfn_t get_mmio_spte_gfn(u64 spte)
{
	return get_mmio_spte_gpa(spte) >> PAGE_SHIFT;
}

/*
 * S-EPT entries (mmu/sept/): the secure EPT that the CPU walks for private
 * GPAs.  They are pure hardware EPT entries (no bit 11, no software bits):
 * a table is XWR=111 + PFN, a leaf is XWR + WB + IPAT (+ bit 7 above 4K) +
 * PFN, an empty slot is 0.  A *blocked* leaf (TDH.MEM.RANGE.BLOCK) has XWR
 * cleared, so the CPU treats it as not present and ignores every other
 * bit; the backend keeps the PFN and bit 7 in place and parks the old XWR
 * and the TLB-track epoch of the block in bits the CPU ignores:
 *
 *   63  62       61..55        54..52   51..12   7
 *  +---+-------+-------------+--------+--------+-----+--------+-----+
 *  | 0 |BLOCKED| block epoch | old XWR|  PFN   |LARGE| ...    | 000 |
 *  +---+-------+-------------+--------+--------+-----+--------+-----+
 */
#define SEPT_ENTRY_BLOCKED BIT_ULL(62)
#define SEPT_ENTRY_EPOCH_SHIFT 55
#define SEPT_ENTRY_EPOCH_MASK GENMASK_ULL(61, 55)
#define SEPT_ENTRY_EPOCH_BITS 7
#define SEPT_ENTRY_SAVED_RWX_SHIFT 52
#define SEPT_ENTRY_SAVED_RWX_MASK GENMASK_ULL(54, 52)
static_assert(!((SEPT_ENTRY_BLOCKED | SEPT_ENTRY_EPOCH_MASK |
		 SEPT_ENTRY_SAVED_RWX_MASK) &
		(SPTE_PFN_MASK | SPTE_LARGE_MASK | SPTE_EPT_RWX_MASK)),
	      "blocked-entry fields vs PFN, bit 7 and XWR");
static_assert(!(SEPT_ENTRY_BLOCKED &
		(SEPT_ENTRY_EPOCH_MASK | SEPT_ENTRY_SAVED_RWX_MASK)),
	      "blocked flag");
static_assert(!(SEPT_ENTRY_EPOCH_MASK & SEPT_ENTRY_SAVED_RWX_MASK),
	      "epoch vs saved XWR");
static_assert(__builtin_popcountll(SEPT_ENTRY_EPOCH_MASK) ==
		      SEPT_ENTRY_EPOCH_BITS,
	      "epoch width");

static inline bool is_sept_present(u64 e)
{
	return !!(e & SPTE_EPT_RWX_MASK);
}

static inline bool is_sept_blocked(u64 e)
{
	return !!(e & SEPT_ENTRY_BLOCKED);
}

static inline bool is_sept_leaf(u64 e, int level)
{
	return is_sept_present(e) && (level == TDP_LEVEL_4K || is_large_pte(e));
}

static inline bool is_sept_table(u64 e, int level)
{
	return is_sept_present(e) && !is_sept_leaf(e, level);
}

static inline u64 make_sept_table(hpa_t child_pa)
{
	return SPTE_EPT_RWX_MASK | (child_pa & SPTE_PFN_MASK);
}

static inline u64 make_sept_leaf(pfn_t pfn, int level, u64 access)
{
	u64 e = SPTE_EPT_MEMTYPE_WB | SPTE_EPT_IGNORE_PAT |
		(access & SPTE_EPT_RWX_MASK) |
		((pfn << PAGE_SHIFT) & SPTE_PFN_MASK);

	return level > TDP_LEVEL_4K ? e | SPTE_LARGE_MASK : e;
}

static inline u64 make_sept_blocked(u64 leaf, u64 epoch)
{
	u64 e = leaf &
		~(SPTE_EPT_RWX_MASK | SPTE_ACCESSED_MASK | SPTE_DIRTY_MASK);

	e |= (leaf & SPTE_EPT_RWX_MASK) << SEPT_ENTRY_SAVED_RWX_SHIFT;
	e |= (epoch << SEPT_ENTRY_EPOCH_SHIFT) & SEPT_ENTRY_EPOCH_MASK;
	return e | SEPT_ENTRY_BLOCKED;
}

static inline u64 sept_blocked_epoch(u64 e)
{
	return (e & SEPT_ENTRY_EPOCH_MASK) >> SEPT_ENTRY_EPOCH_SHIFT;
}

static inline u64 make_sept_unblocked(u64 e)
{
	u64 rwx = (e & SEPT_ENTRY_SAVED_RWX_MASK) >> SEPT_ENTRY_SAVED_RWX_SHIFT;

	return (e & ~(SEPT_ENTRY_BLOCKED | SEPT_ENTRY_EPOCH_MASK |
		      SEPT_ENTRY_SAVED_RWX_MASK)) |
	       rwx;
}

/*
 * What the CPU makes of an entry of the hardware tree (EPT, not the MMU's
 * view): present if any of XWR is set.
 */
static inline bool is_hw_ept_present(u64 e)
{
	return !!(e & SPTE_EPT_RWX_MASK);
}

/*
 * EPTP (SDM "Extended-Page-Table Pointer (EPTP)"): WB paging-structure
 * memory type in 2:0, page-walk length minus one in 5:3, A/D enable in 6.
 */
#define EPTP_MEMTYPE_WB 6ULL
#define EPTP_PWL_SHIFT 3
#define EPTP_AD_ENABLE BIT_ULL(6)

static inline u64 make_eptp(hpa_t root_pa, int root_level)
{
	return EPTP_MEMTYPE_WB | ((u64)(root_level - 1) << EPTP_PWL_SHIFT) |
	       EPTP_AD_ENABLE | (root_pa & SPTE_PFN_MASK);
}

#endif /* TDP_MMU_SPTE_H */
