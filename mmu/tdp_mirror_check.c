// SPDX-License-Identifier: GPL-2.0
/*
 * The mirror checker: at a quiescent point, the mirror root and the S-EPT
 * must say exactly the same thing — the same tables at the same GFNs and
 * levels, the same leaves (level, host frame, XWR), nothing blocked or
 * frozen left behind, the backend's ownership table marking exactly the
 * frames the leaves map — and the hardware view must equal its sources.
 */
#include "mmu/tdp_mmu_internal.h"

struct tdp_mcheck {
	struct tdp_mmu *mmu;
	u64 frames; /* 4 KiB frames mapped by mirror leaves */
	bool bad;
};

#define MDIFF(c, fmt, ...)                                           \
	do {                                                         \
		if (!(c)->bad)                                       \
			pr_err("mirror check: " fmt, ##__VA_ARGS__); \
		(c)->bad = true;                                     \
	} while (0)

static void tdp_mcheck_table(struct tdp_mcheck *c, const u64 *spt,
			     const u64 *ept, gfn_t base, int level);

static void tdp_mcheck_entry(struct tdp_mcheck *c, u64 m, u64 e, gfn_t gfn,
			     int level)
{
	struct sept *s = c->mmu->sept;
	u64 want;

	if (is_frozen_spte(m) || is_sept_blocked(e)) {
		MDIFF(c,
		      "gfn 0x%llx level %d: mirror 0x%llx, S-EPT 0x%llx (frozen or blocked at rest)",
		      gfn, level, m, e);
		return;
	}
	if (!is_shadow_present_pte(m)) {
		if (e)
			MDIFF(c,
			      "gfn 0x%llx level %d: only the S-EPT maps it (0x%llx)",
			      gfn, level, e);
		return;
	}
	if (!is_last_spte(m, level)) {
		if (!is_sept_table(e, level)) {
			MDIFF(c,
			      "gfn 0x%llx level %d: mirror table, S-EPT 0x%llx",
			      gfn, level, e);
			return;
		}
		tdp_mcheck_table(c,
				 tdp_mmu_pa_to_va(c->mmu, spte_to_child_pa(m)),
				 s->ops->pa_to_va(s->opaque, e & SPTE_PFN_MASK),
				 gfn, level - 1);
		return;
	}
	want = make_sept_leaf(spte_to_pfn(m), level, spte_access(m));
	if ((e & ~(SPTE_ACCESSED_MASK | SPTE_DIRTY_MASK)) != want) {
		MDIFF(c,
		      "gfn 0x%llx level %d: mirror leaf 0x%llx (pfn 0x%llx XWR %llu), S-EPT 0x%llx (pfn 0x%llx XWR %llu)",
		      gfn, level, m, spte_to_pfn(m), spte_access(m), e,
		      spte_to_pfn(e), spte_access(e));
		return;
	}
	c->frames += tdp_pages_per_level(level);
	if (!sept_frame_mapped(s, spte_to_pfn(m)))
		MDIFF(c,
		      "gfn 0x%llx: frame 0x%llx not marked mapped by the S-EPT",
		      gfn, spte_to_pfn(m));
}

static void tdp_mcheck_table(struct tdp_mcheck *c, const u64 *spt,
			     const u64 *ept, gfn_t base, int level)
{
	int i;

	for (i = 0; i < SPTE_ENT_PER_PAGE && !c->bad; i++)
		tdp_mcheck_entry(c, tdp_read_spte(&spt[i]),
				 __atomic_load_n(&ept[i], __ATOMIC_ACQUIRE),
				 base + (u64)i * tdp_pages_per_level(level),
				 level);
}

static struct tdp_mmu_page *tdp_mirror_root(struct tdp_mmu *mmu)
{
	struct tdp_mmu_page *root;
	u32 i;

	for_each_root (mmu, i, root)
		if (tdp_is_mirror(root))
			return root;
	return NULL;
}

static void tdp_mcheck_empty(struct tdp_mcheck *c, const u64 *ept)
{
	int i;

	for (i = 0; i < SPTE_ENT_PER_PAGE; i++)
		if (ept[i]) {
			MDIFF(c, "no mirror root, S-EPT root entry %d = 0x%llx",
			      i, ept[i]);
			return;
		}
}

/**
 * tdp_mmu_check_mirror() - prove mirror == S-EPT (and the hardware view ==
 * its sources) at a quiescent point.
 * @mmu: the MMU.
 *
 * Compares, entry by entry, the mirror root with the S-EPT: same tables at
 * the same GFNs and levels, same leaves (level, host frame, XWR; A/D
 * ignored), no frozen SPTE or blocked S-EPT entry left; the backend's
 * ownership table marks exactly the frames the leaves map, and it has
 * seen no rule violation; the hardware view's chain and merged page equal
 * what the S-EPT and the current direct root say.  The first difference is
 * logged with pr_err.
 *
 * Context: takes the write lock; must not hold the MMU lock.
 * Return: 0 (also without private memory), or -EIO.
 */
int tdp_mmu_check_mirror(struct tdp_mmu *mmu)
{
	struct tdp_mcheck c = { .mmu = mmu };
	struct tdp_mmu_page *root;
	struct sept_stats st;
	u32 idx;

	if (!mmu->shared_gfn)
		return 0;
	tdp_mmu_write_lock(mmu);
	root = tdp_mirror_root(mmu);
	if (root)
		tdp_mcheck_table(&c, root->spt, mmu->sept->root, 0,
				 TDP_ROOT_LEVEL);
	else
		tdp_mcheck_empty(&c, mmu->sept->root);
	sept_get_stats(mmu->sept, &st);
	if (!c.bad && st.mapped_pages != c.frames)
		MDIFF(&c,
		      "S-EPT owns %llu mapped frames, mirror leaves map %llu",
		      st.mapped_pages, c.frames);
	if (!c.bad && st.violations)
		MDIFF(&c, "S-EPT saw %llu rule violations", st.violations);
	if (!c.bad && !tdp_hw_check(mmu, &idx))
		MDIFF(&c, "hardware view entry %u differs from its source",
		      idx);
	tdp_mmu_write_unlock(mmu);
	return c.bad ? -EIO : 0;
}
