// SPDX-License-Identifier: GPL-2.0
/*
 * Introspection: the invariant checker, the EPT hierarchy dump for a GPA
 * (the walk itself is tdp_mmu_get_walk(), beside the iterator), stats and
 * the trace ring.
 */
#include "string_util.h"
#include "mmu/tdp_mmu_internal.h"

struct tdp_checker {
	struct tdp_mmu *mmu;
	const struct tdp_memslots *slots;
	struct tdp_mmu_check *out;
	u64 epoch;
	bool mirror; /* walking the mirror root */
};

#define CHECK(c, cond, fmt, ...)                                      \
	({                                                            \
		bool __bad = !(cond);                                 \
		if (__bad && (c)->out->errors++ < 16)                 \
			pr_err("tdp_mmu check: " fmt, ##__VA_ARGS__); \
		__bad;                                                \
	})

/* Private memory: the leaf is on the side its pages' attribute says. */
static void tdp_check_leaf_side(struct tdp_checker *c,
				const struct tdp_memslot *slot, gfn_t raw,
				gfn_t gfn, int level)
{
	gfn_t s = c->mmu->shared_gfn;

	CHECK(c, c->mirror ? raw < s : (raw & s) && raw < 2 * s,
	      "%s leaf at gfn 0x%llx", c->mirror ? "private" : "shared", raw);
	CHECK(c, !c->mirror || level <= TDP_PRIVATE_MAX_LEVEL,
	      "private leaf at level %d", level);
	CHECK(c,
	      tdp_gfn_range_private(slot, gfn, tdp_pages_per_level(level),
				    c->mirror),
	      "leaf gfn 0x%llx level %d in the %s root, attribute differs", raw,
	      level, c->mirror ? "mirror" : "direct");
}

static void tdp_check_leaf_slot(struct tdp_checker *c, u64 spte, gfn_t raw,
				int level)
{
	gfn_t gfn = tdp_gfn_strip(c->mmu, raw);
	const struct tdp_memslot *slot = tdp_memslot_lookup(c->slots, gfn);
	u64 pages = tdp_pages_per_level(level);

	if (CHECK(c, slot && gfn + pages <= tdp_memslot_end(slot),
		  "leaf gfn 0x%llx level %d outside any memslot", gfn, level))
		return;
	CHECK(c, spte_to_pfn(spte) == tdp_memslot_gfn_to_pfn(slot, gfn),
	      "leaf gfn 0x%llx maps pfn 0x%llx, memslot says 0x%llx", gfn,
	      spte_to_pfn(spte), tdp_memslot_gfn_to_pfn(slot, gfn));
	if (slot->flags & TDP_MEMSLOT_READONLY)
		CHECK(c, !(spte & (SPTE_EPT_WRITABLE | SPTE_HOST_WRITABLE)),
		      "writable leaf 0x%llx in read-only slot", spte);
	if (level > TDP_LEVEL_4K && (slot->flags & TDP_MEMSLOT_LOG_DIRTY))
		CHECK(c, !is_writable_pte(spte),
		      "writable huge leaf at gfn 0x%llx while logging", gfn);
	if (c->mmu->shared_gfn)
		tdp_check_leaf_side(c, slot, raw, gfn, level);
}

static void tdp_check_leaf(struct tdp_checker *c, u64 spte, gfn_t gfn,
			   int level)
{
	u64 pages = tdp_pages_per_level(level);

	CHECK(c, level <= TDP_MAX_HUGE_LEVEL, "leaf at level %d", level);
	CHECK(c, (level > TDP_LEVEL_4K) == is_large_pte(spte),
	      "bit 7 wrong on level-%d leaf 0x%llx", level, spte);
	CHECK(c, !(spte_to_pfn(spte) & (pages - 1)),
	      "misaligned pfn in level-%d leaf 0x%llx", level, spte);
	CHECK(c,
	      (spte & SPTE_EPT_MEMTYPE_MASK) == SPTE_EPT_MEMTYPE_WB &&
		      (spte & SPTE_EPT_READABLE),
	      "leaf 0x%llx not WB+R", spte);
	CHECK(c, !is_writable_pte(spte) || is_mmu_writable_spte(spte),
	      "W without MMU-writable: 0x%llx", spte);
	CHECK(c, !is_mmu_writable_spte(spte) || (spte & SPTE_HOST_WRITABLE),
	      "MMU-writable without host-writable: 0x%llx", spte);
	c->out->leaves[level]++;
	tdp_check_leaf_slot(c, spte, gfn, level);
}

static void tdp_check_table(struct tdp_checker *c, struct tdp_mmu_page *sp);

static void tdp_check_nonleaf(struct tdp_checker *c, u64 spte, gfn_t gfn,
			      int level)
{
	struct tdp_mmu_page *child;

	CHECK(c, spte_access(spte) == TDP_ACC_ALL, "non-leaf without RWX");
	child = *c->mmu->ops->page_private(c->mmu->opaque,
					   spte_to_child_pa(spte));
	if (CHECK(c, child && child->pa == spte_to_child_pa(spte),
		  "non-leaf 0x%llx -> unknown page", spte))
		return;
	if (CHECK(c,
		  child->state == TDP_SP_LIVE && child->level == level - 1 &&
			  child->gfn == gfn,
		  "non-leaf gfn 0x%llx level %d -> page state %d level %d gfn 0x%llx",
		  gfn, level, child->state, child->level, child->gfn))
		return;
	if (CHECK(c, child->check_epoch != c->epoch,
		  "table 0x%llx linked twice", child->pa))
		return;
	tdp_check_table(c, child);
}

static void tdp_check_table(struct tdp_checker *c, struct tdp_mmu_page *sp)
{
	u64 spte;
	gfn_t gfn;
	int i;

	sp->check_epoch = c->epoch;
	c->out->tables++;
	for (i = 0; i < SPTE_ENT_PER_PAGE; i++) {
		spte = tdp_read_spte(&sp->spt[i]);
		gfn = sp->gfn + (u64)i * tdp_pages_per_level(sp->level);
		CHECK(c, !is_frozen_spte(spte), "frozen SPTE at gfn 0x%llx",
		      gfn);
		if (is_shadow_present_pte(spte)) {
			CHECK(c, !is_mmio_spte(spte) && !is_frozen_spte(spte),
			      "present and MMIO/frozen: 0x%llx", spte);
			if (is_last_spte(spte, sp->level))
				tdp_check_leaf(c, spte, gfn, sp->level);
			else
				tdp_check_nonleaf(c, spte, gfn, sp->level);
		} else if (is_mmio_spte(spte)) {
			c->out->mmio++;
			CHECK(c, !c->mirror, "MMIO SPTE in the mirror root");
			CHECK(c,
			      sp->level == TDP_LEVEL_4K &&
				      get_mmio_spte_gfn(spte) == gfn,
			      "MMIO SPTE 0x%llx at gfn 0x%llx level %d", spte,
			      gfn, sp->level);
		} else {
			CHECK(c,
			      spte == SHADOW_NONPRESENT_VALUE ||
				      is_frozen_spte(spte),
			      "bad non-present SPTE 0x%llx", spte);
		}
	}
}

static void tdp_check_counts(struct tdp_checker *c)
{
	struct tdp_mmu *mmu = c->mmu;
	struct tdp_mmu_stats st;
	int l;

	tdp_mmu_get_stats(mmu, &st);
	for (l = TDP_LEVEL_4K; l <= TDP_MAX_HUGE_LEVEL; l++)
		CHECK(c, st.pages[l] == (s64)c->out->leaves[l],
		      "stats pages[%d] = %lld, recount %llu", l,
		      (long long)st.pages[l], c->out->leaves[l]);
	c->out->deferred = mmu->nr_deferred;
	CHECK(c,
	      mmu->nr_tables ==
		      (s64)(c->out->tables + c->out->deferred) + mmu->nr_cached,
	      "tables allocated %lld != reachable %llu + deferred %llu + cached %lld",
	      (long long)mmu->nr_tables, c->out->tables, c->out->deferred,
	      (long long)mmu->nr_cached);
}

/**
 * tdp_mmu_check_invariants() - check the whole MMU.
 * @mmu: the MMU.
 * @out: counts found (tables, leaves per level, MMIO SPTEs); may be NULL.
 *
 * Checks: every present non-leaf points to a live table page of the right
 * level and GFN, linked once; leaves are well-formed (bit 7, alignment, WB,
 * W => MMU-writable => host-writable), map what their memslot says, honour
 * read-only and dirty-logging slots, and (private memory) sit in the root
 * their pages' attribute names; no SPTE is present and MMIO/frozen,
 * and no frozen SPTE is left at a quiescent point; stats equal a recount;
 * allocated table pages equal reachable + deferred + cached.  Problems are
 * logged with pr_err (the first 16).
 *
 * Context: takes the write lock (a quiescent point); must not hold it.
 * Return: 0 if everything holds, -EINVAL otherwise.
 */
int tdp_mmu_check_invariants(struct tdp_mmu *mmu, struct tdp_mmu_check *out)
{
	struct tdp_mmu_check local;
	struct tdp_checker c = { .mmu = mmu, .out = out ? out : &local };
	struct tdp_mmu_page *root;
	u32 i;

	memset(c.out, 0, sizeof(*c.out));
	tdp_mmu_write_lock(mmu);
	c.slots = mmu->slots;
	c.epoch = ++mmu->check_epoch;
	for_each_root (mmu, i, root) {
		if (CHECK(&c,
			  root->state == TDP_SP_LIVE &&
				  root->level == TDP_ROOT_LEVEL,
			  "bad root descriptor"))
			continue;
		c.mirror = tdp_is_mirror(root);
		tdp_check_table(&c, root);
	}
	tdp_check_counts(&c);
	tdp_mmu_write_unlock(mmu);
	return c.out->errors ? -EINVAL : 0;
}

/**
 * tdp_mmu_dump_walk() - log the EPT hierarchy for @gpa, one line per level
 * (the format of KVM's "dump hierarchy").
 * @mmu: the MMU.
 * @root: the root.
 * @gpa: the guest-physical address.
 *
 * Context: takes the read lock.
 */
void tdp_mmu_dump_walk(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
		       gpa_t gpa)
{
	u64 sptes[TDP_ROOT_LEVEL + 1];
	int l, leaf = tdp_mmu_get_walk(mmu, root, gpa, sptes);

	pr_err("EPT walk for gpa 0x%llx (root 0x%llx, generation 0x%llx):", gpa,
	       root->pa, tdp_memslot_generation(mmu));
	for (l = TDP_ROOT_LEVEL; l >= leaf; l--)
		pr_err("------ spte 0x%llx level %d.", sptes[l], l);
}

/**
 * tdp_mmu_get_stats() - sum the per-shard counters.
 * @mmu: the MMU.
 * @out: the sums.
 * Context: any; exact only at a quiescent point.
 */
void tdp_mmu_get_stats(const struct tdp_mmu *mmu, struct tdp_mmu_stats *out)
{
	const u64 *src;
	u64 *dst = (u64 *)out;
	unsigned int s, w,
		n = offsetof(struct tdp_mmu_stats, perm_faults) / sizeof(u64) +
		    1;

	memset(out, 0, sizeof(*out));
	for (s = 0; s < TDP_STAT_SHARDS; s++) {
		src = (const u64 *)&mmu->stats[s];
		for (w = 0; w < n; w++)
			dst[w] += __atomic_load_n(&src[w], __ATOMIC_RELAXED);
	}
}

/**
 * tdp_mmu_trace_count() - SPTE changes recorded so far (the ring keeps the
 * last trace_pages * 128).
 * @mmu: the MMU.
 * Return: the count.
 */
u64 tdp_mmu_trace_count(const struct tdp_mmu *mmu)
{
	return __atomic_load_n(&mmu->trace_head, __ATOMIC_ACQUIRE);
}

/**
 * tdp_mmu_trace_get() - one trace record.
 * @mmu: the MMU.
 * @seq: its sequence number (0 .. tdp_mmu_trace_count() - 1).
 * @out: the record (level in out->seq_level & 7).
 * Context: any; consistent at a quiescent point.
 * Return: false if @seq was overwritten or not written yet.
 */
bool tdp_mmu_trace_get(const struct tdp_mmu *mmu, u64 seq,
		       struct tdp_trace_entry *out)
{
	u64 nr = (u64)mmu->trace_nr_pages * TDP_TRACE_PER_PAGE;
	const struct tdp_trace_entry *e;
	u64 idx;

	if (!nr)
		return false;
	idx = seq % nr;
	e = &mmu->trace[idx / TDP_TRACE_PER_PAGE][idx % TDP_TRACE_PER_PAGE];
	out->seq_level = __atomic_load_n(&e->seq_level, __ATOMIC_ACQUIRE);
	out->gfn = __atomic_load_n(&e->gfn, __ATOMIC_RELAXED);
	out->old_spte = __atomic_load_n(&e->old_spte, __ATOMIC_RELAXED);
	out->new_spte = __atomic_load_n(&e->new_spte, __ATOMIC_RELAXED);
	return (out->seq_level >> 3) == seq;
}
