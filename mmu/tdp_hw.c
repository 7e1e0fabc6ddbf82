// SPDX-License-Identifier: GPL-2.0
/*
 * The hardware view: the one EPT tree a VMCS's EPTP points at.
 *
 * The CPU has one EPTP, but with private memory two trees hold the
 * translations: the S-EPT (private GPAs; owned by the backend, the "TDX
 * module") and the direct root (shared GPAs).  The shared bit S is the
 * GPA width minus one, so every valid GPA has zero bits above S, and at
 * every level above the one whose index holds bit S only index 0 is ever
 * used.  The hardware tree is therefore:
 *
 *   EPTP -> hw_pages[4] --[0]--> hw_pages[3] --[0]--> ... hw_pages[L]
 *           (single-entry chain pages down to the split level L)
 *
 *   hw_pages[L] (the merged page), index bit b = S - 12 - 9 * (L - 1):
 *
 *      index i < 2^b         (bit S clear: private)  copy of S-EPT table
 *                                                    at level L, entry i
 *      2^b <= i < 2^(b + 1)  (bit S set: shared)     copy of the direct
 *                                                    root's table at level
 *                                                    L, entry i
 *      i >= 2^(b + 1)        (GPA bits above S)      not present
 *
 *   e.g. S = 39 (MAXPHYADDR 40): L = 4, b = 0, the merged page is the root
 *   itself: entry 0 = S-EPT PML4[0], entry 1 = direct PML4[1].
 *   S = 47: L = 4, b = 8: entries 0..255 from the S-EPT, 256..511 direct.
 *
 * Below level L the CPU walks the S-EPT's and the direct root's own
 * tables.  Only entries at level >= L are copied, so the view changes only
 * when either side links, unlinks or replaces an entry at level >= L: the
 * S-EPT backend calls tdp_hw_sync() (through its hook, before it frees a
 * table it unlinked), and __tdp_handle_changed_spte() does for the direct
 * root (after the change committed, before a removed table can be freed).
 * A sync recopies the merged page from the current values under hw_lock,
 * so the last sync after any change leaves the copy exact; a copy that
 * loses a present entry asks for a TLB flush.  Leaves are never at level
 * L when L > 1 (the fault path keeps leaves below the split level), so
 * the CPU's A/D updates always land in the source trees; with L = 1
 * (S < 21) 4K leaves are copied and their A/D bits are not reflected.
 *
 * Without private memory the hardware tree is the direct root itself.
 */
#include "mmu/tdp_mmu_internal.h"

static int tdp_hw_index_bit(const struct tdp_mmu *mmu)
{
	return mmu->cfg.shared_bit - PAGE_SHIFT -
	       SPTE_LEVEL_BITS * (mmu->hw_level - 1);
}

/* Context: tdp_mmu_init() (private memory). */
int tdp_hw_init(struct tdp_mmu *mmu)
{
	int l, L = (mmu->cfg.shared_bit - PAGE_SHIFT) / SPTE_LEVEL_BITS + 1;

	for (l = L; l <= TDP_ROOT_LEVEL; l++) {
		mmu->hw_pages[l] = tdp_aux_page_alloc(mmu);
		if (!mmu->hw_pages[l]) {
			tdp_hw_destroy(mmu);
			return -ENOMEM;
		}
		if (l > L)
			mmu->hw_pages[l][0] = make_sept_table(
				mmu->ops->va_to_pa(mmu->opaque,
						   mmu->hw_pages[l - 1]));
	}
	mmu->hw_level = L;
	return 0;
}

void tdp_hw_destroy(struct tdp_mmu *mmu)
{
	int l;

	for (l = 1; l <= TDP_ROOT_LEVEL; l++) {
		tdp_aux_page_free(mmu, mmu->hw_pages[l]);
		mmu->hw_pages[l] = NULL;
	}
	mmu->hw_level = 0;
}

/* The direct root's table at @level on the index-0 path, or NULL. */
static u64 *tdp_direct_table_on_path(const struct tdp_mmu *mmu,
				     const struct tdp_mmu_page *root, int level)
{
	u64 *pt = root->spt, e;
	int l;

	for (l = TDP_ROOT_LEVEL; l > level; l--) {
		e = tdp_read_spte(&pt[0]);
		if (!is_shadow_present_pte(e) || is_last_spte(e, l))
			return NULL;
		pt = tdp_mmu_pa_to_va(mmu, spte_to_child_pa(e));
	}
	return pt;
}

/* What the CPU should see for a direct-root SPTE. */
static u64 tdp_hw_from_spte(u64 spte)
{
	return is_shadow_present_pte(spte) || is_mmio_spte(spte) ? spte : 0;
}

/* The merged page's entry @i as the sources say now. */
static u64 tdp_hw_expected(const struct tdp_mmu *mmu, const u64 *d,
			   const u64 *p, u32 i)
{
	int b = tdp_hw_index_bit(mmu);
	u64 src;

	if (i >= (2u << b))
		return 0;
	if (i & (1u << b))
		src = d ? tdp_hw_from_spte(tdp_read_spte(&d[i])) : 0;
	else
		src = p ? tdp_read_spte(&p[i]) : 0;
	return is_hw_ept_present(src) || is_mmio_spte(src) ? src : 0;
}

/**
 * tdp_hw_check() - compare the hardware view with its sources.
 * @mmu: the MMU.
 * @idx: out: the first merged-page index that differs.
 * Context: a quiescent point (write lock held).
 * Return: true if the chain and the merged page are exact.
 */
bool tdp_hw_check(struct tdp_mmu *mmu, u32 *idx)
{
	int L = mmu->hw_level, l;
	const u64 *d = NULL, *p;
	u32 i;

	if (!L)
		return true;
	for (l = L + 1; l <= TDP_ROOT_LEVEL; l++)
		for (i = 0; i < SPTE_ENT_PER_PAGE; i++)
			if (mmu->hw_pages[l][i] !=
			    (i ? 0
			       : make_sept_table(mmu->ops->va_to_pa(
					 mmu->opaque, mmu->hw_pages[l - 1])))) {
				*idx = SPTE_ENT_PER_PAGE * l + i;
				return false;
			}
	if (mmu->hw_direct)
		d = tdp_direct_table_on_path(mmu, mmu->hw_direct, L);
	p = sept_table_on_path(mmu->sept, 0, L);
	for (i = 0; i < SPTE_ENT_PER_PAGE; i++)
		if (mmu->hw_pages[L][i] != tdp_hw_expected(mmu, d, p, i)) {
			*idx = i;
			return false;
		}
	return true;
}

/**
 * tdp_hw_sync() - recopy the merged page of the hardware view.
 * @mmu: the MMU (private memory).
 *
 * Context: MMU lock held (read or write), or the S-EPT backend's lock
 * (from its hook); takes hw_lock.  May request a TLB flush.
 */
void tdp_hw_sync(struct tdp_mmu *mmu)
{
	int b = tdp_hw_index_bit(mmu), L = mmu->hw_level;
	u64 *merged = mmu->hw_pages[L], *d = NULL, *p, src, old;
	struct tdp_mmu_page *root;
	bool flush = false;
	u32 i;

	tdp_spin_lock(&mmu->hw_lock, mmu->ops->cpu_relax, mmu->opaque);
	root = __atomic_load_n(&mmu->hw_direct, __ATOMIC_ACQUIRE);
	if (root)
		d = tdp_direct_table_on_path(mmu, root, L);
	p = sept_table_on_path(mmu->sept, 0, L);
	for (i = 0; i < (2u << b); i++) {
		src = tdp_hw_expected(mmu, d, p, i);
		old = merged[i];
		if (old == src)
			continue;
		__atomic_store_n(&merged[i], src, __ATOMIC_RELEASE);
		flush |= is_hw_ept_present(old);
	}
	mmu->hw_syncs++;
	tdp_spin_unlock(&mmu->hw_lock);
	if (flush)
		tdp_mmu_flush_tlb(mmu);
}

/* A direct root's SPTE at @level >= hw_level changed (committed). */
void tdp_hw_direct_changed(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
			   int level)
{
	(void)level;
	if (root == __atomic_load_n(&mmu->hw_direct, __ATOMIC_ACQUIRE))
		tdp_hw_sync(mmu);
}

/* Context: write lock held.  @root: the new current direct root, or NULL. */
void tdp_hw_set_direct(struct tdp_mmu *mmu, struct tdp_mmu_page *root)
{
	__atomic_store_n(&mmu->hw_direct, root, __ATOMIC_RELEASE);
	if (mmu->hw_level)
		tdp_hw_sync(mmu);
}

/**
 * tdp_mmu_hw_eptp() - the EPTP of the tree the CPU must walk (WB,
 * 4-level, A/D on; tdp_mmu_root_eptp()'s format).
 * @mmu: the MMU.
 *
 * With private memory: the hardware view (private entries from the S-EPT,
 * shared ones from the current direct root); it stays the same for the
 * VM's life.  Without: the current valid direct root's EPTP.
 *
 * Context: any (lockless).
 * Return: the EPTP, or 0 if there is no direct root (without private
 * memory) yet.
 */
u64 tdp_mmu_hw_eptp(struct tdp_mmu *mmu)
{
	struct tdp_mmu_page *root;

	if (mmu->hw_level)
		return make_eptp(
			mmu->ops->va_to_pa(mmu->opaque,
					   mmu->hw_pages[TDP_ROOT_LEVEL]),
			TDP_ROOT_LEVEL);
	root = __atomic_load_n(&mmu->hw_direct, __ATOMIC_ACQUIRE);
	return root ? make_eptp(root->pa, root->level) : 0;
}
