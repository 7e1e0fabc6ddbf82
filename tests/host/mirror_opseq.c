// SPDX-License-Identifier: GPL-2.0
/*
 * Private-memory operation sequences against a model (see
 * mirror_opseq.h).  No main().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errno_codes.h"
#include "mmu/tdp_iter.h"
#include "mirror_opseq.h"

#define PAGES(l) tdp_pages_per_level(l)
#define ROUND(g, l) tdp_gfn_round_for_level((g), (l))
#define U MOPSEQ_UNIVERSE

static const struct {
	gfn_t base[2];
	u64 npages;
	pfn_t pfn;
} tmpl[MOPSEQ_NR_SLOTS] = {
	{ { 0x0, 0x8000 }, 0x1000, 0x100000 }, /* 2M-capable */
	{ { 0x1803, 0x9803 }, 0x345, 0x200003 }, /* odd, 4K only */
	/* 256 MiB; with shared bit 30: starts at / ends at the bit */
	{ { 0x40000, 0x30000 }, 0x10000, 0x1000000 },
	{ { 0x2000, 0xa000 }, 0x800, 0x300001 }, /* PFN misaligned */
};

/* --- the model --- */

static int mo_lookup(const struct mirror_opseq *s, gfn_t g)
{
	return model_slot_find(s->slots, MOPSEQ_NR_SLOTS, g);
}

static bool mo_shared(const struct mirror_opseq *s, int si, gfn_t g)
{
	return s->slots[si].shared[g - s->slots[si].base];
}

/* Largest shared leaf for @g (slot bounds, PFN alignment, attributes,
 * below the hardware view's split level).  The slots are below 1 GiB, so
 * leaves are 2M at most and per-step comparisons cover 2M blocks. */
static int mo_shared_level(const struct mirror_opseq *s, int si, gfn_t g)
{
	const struct model_slot *ms = &s->slots[si];
	int l = s->cfg.max_level, cap = s->mmu.hw_level - 1;
	gfn_t b, x;

	if (cap >= 1 && l > cap)
		l = cap;
	for (; l > 1; l--) {
		b = ROUND(g, l);
		if (!model_slot_fits(ms, b, l))
			continue;
		for (x = b; x < b + PAGES(l) && mo_shared(s, si, x); x++)
			;
		if (x == b + PAGES(l))
			return l;
	}
	return 1;
}

static void mo_zap_shared(struct mirror_opseq *s, gfn_t start, gfn_t end)
{
	model_zap(s->shr, U, start, end, NULL, NULL);
}

static void mo_zap_private(struct mirror_opseq *s, gfn_t start, gfn_t end)
{
	gfn_t g;

	for (g = start; g < MIN(end, U); g++)
		s->priv[g].kind = M_NONE;
}

/* --- three-way comparison of a range, and the CPU's walk --- */

static bool cmp_private(struct mirror_opseq *s, gfn_t start, gfn_t end)
{
	u64 covered = 0, expected = 0, spte, e;
	struct tdp_iter iter;
	gfn_t g;

	end = MIN(end, s->s);
	for (g = start; g < end; g++)
		expected += s->priv[g].kind == M_LEAF;
	for_each_tdp_pte (iter, &s->mmu, s->mirror->spt, start, end) {
		spte = iter.old_spte;
		if (is_frozen_spte(spte) || is_mmio_spte(spte))
			OPSEQ_FAIL(s, "mirror gfn 0x%llx: spte 0x%llx at rest",
				   iter.gfn, spte);
		if (!is_shadow_present_pte(spte) ||
		    !is_last_spte(spte, iter.level))
			continue;
		if (iter.level != 1 || s->priv[iter.gfn].kind != M_LEAF ||
		    spte_to_pfn(spte) != s->priv[iter.gfn].pfn ||
		    spte_access(spte) != TDP_ACC_ALL)
			OPSEQ_FAIL(
				s,
				"mirror gfn 0x%llx: level %d spte 0x%llx, model kind %d pfn 0x%llx",
				iter.gfn, iter.level, spte,
				s->priv[iter.gfn].kind, s->priv[iter.gfn].pfn);
		covered++;
	}
	if (covered != expected)
		OPSEQ_FAIL(
			s,
			"private 0x%llx-0x%llx: mirror maps %llu, model %llu",
			start, end, covered, expected);
	for (g = start; g < end && end - start <= 0x1000; g++) {
		e = sept_read_entry(s->mmu.sept, g, 1);
		if (s->priv[g].kind == M_LEAF
			    ? (e & ~(SPTE_ACCESSED_MASK | SPTE_DIRTY_MASK)) !=
				      make_sept_leaf(s->priv[g].pfn, 1,
						     TDP_ACC_ALL)
			    : e != 0)
			OPSEQ_FAIL(
				s,
				"S-EPT gfn 0x%llx: 0x%llx, model kind %d pfn 0x%llx",
				g, e, s->priv[g].kind, s->priv[g].pfn);
	}
	return true;
}

static bool cmp_shared(struct mirror_opseq *s, gfn_t start, gfn_t end)
{
	u64 covered = 0, expected, spte;
	struct tdp_iter iter;
	gfn_t g, lo, hi, base;

	/* The alias of [start, end) is [start + s, end + s), not "| s". */
	end = MIN(end, s->s);
	expected = model_nr_mapped(s->shr, start, end);
	for_each_tdp_pte (iter, &s->mmu, s->direct->spt, start + s->s,
			  end + s->s) {
		spte = iter.old_spte;
		base = iter.gfn & ~s->s;
		if (is_mmio_spte(spte)) {
			const struct model_ent *e = &s->shr[base];

			if (!model_is_mmio(e, spte, iter.gfn))
				OPSEQ_FAIL(
					s,
					"shared gfn 0x%llx: MMIO spte 0x%llx, model kind %d gen 0x%x",
					base, spte, e->kind, e->gen);
			covered++;
			continue;
		}
		if (!is_shadow_present_pte(spte) ||
		    !is_last_spte(spte, iter.level))
			continue;
		lo = MAX(start, base);
		hi = MIN(end, base + PAGES(iter.level));
		g = model_cmp_leaf(s->shr, spte, base, iter.level, lo, hi,
				   &covered);
		if (g < hi) {
			const struct model_ent *e = &s->shr[g];

			OPSEQ_FAIL(
				s,
				"shared gfn 0x%llx: level %d spte 0x%llx; model kind %d level %d pfn 0x%llx w%d a%d d%d",
				g, iter.level, spte, e->kind, e->level, e->pfn,
				e->w, e->a, e->d);
		}
	}
	if (covered != expected)
		OPSEQ_FAIL(
			s,
			"shared 0x%llx-0x%llx: direct root covers %llu, model %llu",
			start, end, covered, expected);
	return true;
}

/* What the CPU resolves through the one EPTP, for one stripped GFN. */
static bool cmp_hw_gfn(struct mirror_opseq *s, u64 eptp, gfn_t g)
{
	const struct model_ent *p = &s->priv[g], *e = &s->shr[g];
	u64 leaf = 0;
	int r, level = 0;

	s->hw_walks++;
	r = mmu_fake_hw_walk(&s->fake, eptp, g << PAGE_SHIFT, &leaf, &level);
	if (p->kind == M_LEAF
		    ? (r || level != 1 || spte_to_pfn(leaf) != p->pfn ||
		       spte_access(leaf) != TDP_ACC_ALL)
		    : r != -EFAULT)
		OPSEQ_FAIL(
			s,
			"CPU walk of private gfn 0x%llx: %d level %d entry 0x%llx; model kind %d pfn 0x%llx",
			g, r, level, leaf, p->kind, p->pfn);
	r = mmu_fake_hw_walk(&s->fake, eptp, (g | s->s) << PAGE_SHIFT, &leaf,
			     &level);
	if (e->kind == M_MMIO ? r != -EIO
	    : e->kind == M_NONE
		    ? r != -EFAULT
		    : (r || level != e->level ||
		       spte_to_pfn(leaf) + (g - ROUND(g, level)) != e->pfn ||
		       is_writable_pte(leaf) != e->w))
		OPSEQ_FAIL(
			s,
			"CPU walk of shared gfn 0x%llx: %d level %d entry 0x%llx; model kind %d level %d pfn 0x%llx",
			g, r, level, leaf, e->kind, e->level, e->pfn);
	return true;
}

static bool cmp_range(struct mirror_opseq *s, gfn_t start, gfn_t end)
{
	u64 eptp = tdp_mmu_hw_eptp(&s->mmu), n;
	gfn_t g, step;

	end = MIN(MIN(end, U), s->s);
	if (start >= end)
		return true;
	if (!cmp_private(s, start, end) || !cmp_shared(s, start, end))
		return false;
	n = end - start;
	step = n <= 256 ? 1 : n / 256;
	for (g = start; g < end; g += step)
		if (!cmp_hw_gfn(s, eptp, g))
			return false;
	return true;
}

bool mopseq_check_all(struct opseq_run *run)
{
	struct mirror_opseq *s = container_of(run, struct mirror_opseq, run);
	struct tdp_mmu_check chk;
	u64 eptp = tdp_mmu_hw_eptp(&s->mmu);
	gfn_t g;

	if (!cmp_private(s, 0, U) || !cmp_shared(s, 0, U))
		return false;
	for (g = 0; g < MIN(U, s->s); g++)
		if ((s->priv[g].kind || s->shr[g].kind || !(g & 0x3ff)) &&
		    !cmp_hw_gfn(s, eptp, g))
			return false;
	if (tdp_mmu_check_mirror(&s->mmu))
		OPSEQ_FAIL(s, "tdp_mmu_check_mirror failed (see log)");
	if (tdp_mmu_check_invariants(&s->mmu, &chk))
		OPSEQ_FAIL(s, "tdp_mmu_check_invariants failed (%d errors)",
			   chk.errors);
	return true;
}

/* --- operations --- */

static gfn_t pick_gfn(struct mirror_opseq *s, struct opseq_src *src)
{
	u64 c = opseq_pick(src, 100);
	const struct model_slot *ms =
		&s->slots[opseq_pick(src, MOPSEQ_NR_SLOTS)];
	gfn_t g;

	if (c < 75 && ms->present)
		return ms->base + opseq_pick(src, ms->npages);
	if (c < 85 && ms->present) {
		g = ms->base + ms->npages - 2 + opseq_pick(src, 4);
		return MIN(g, s->s - 1); /* around the edges */
	}
	return opseq_pick(src, MIN(U, s->s));
}

/*
 * Boundary-seeking range starts: the shared bit and its alias, 1 GiB
 * boundaries, twice the shared bit (the top of the guest-physical width),
 * 2^36 GFNs (where the EPT index bits wrap), and far beyond.
 */
static gfn_t pick_edge(struct mirror_opseq *s, struct opseq_src *src)
{
	const gfn_t edges[] = { s->s,
				2 * s->s,
				ROUND(opseq_pick(src, U), 3) + PAGES(3),
				TDP_MAX_GFN,
				TDP_MAX_GFN + s->s,
				TDP_MAX_GFN * (2 + opseq_pick(src, 1000)) };
	gfn_t e = edges[opseq_pick(src, ARRAY_SIZE(edges))];

	return e - 0x20 + opseq_pick(src, 0x40) +
	       (opseq_pick(src, 2) ? 0 : opseq_pick(src, U));
}

static void pick_range(struct mirror_opseq *s, struct opseq_src *src,
		       gfn_t *start, gfn_t *end)
{
	u64 c = opseq_pick(src, 12);

	if (c >= 10) {
		*start = pick_edge(s, src);
		*end = *start + 1 +
		       opseq_pick(src, opseq_pick(src, 2) ? 0x100 : U);
		return;
	}
	*start = pick_gfn(s, src);
	if (c < 2) {
		*start = ROUND(*start, 2);
		*end = *start + PAGES(2) * (1 + opseq_pick(src, 2));
	} else if (c < 4) {
		*end = *start + opseq_pick(src, 0x1000) + 1;
	} else {
		*end = *start + opseq_pick(src, 64) + 1;
	}
	*end = MIN(*end, U);
}

static int fault_retry(struct mirror_opseq *s, gfn_t g, bool shared, u64 acc,
		       struct tdp_fault *f)
{
	int r, tries = 0;

	do {
		memset(f, 0, sizeof(*f));
		f->gpa = ((g | (shared ? s->s : 0)) << PAGE_SHIFT) | 0x123;
		f->access = acc;
		r = tdp_mmu_page_fault(&s->mmu, shared ? s->direct : s->mirror,
				       &s->cache, f);
		if (r == -EBUSY)
			s->retries++;
	} while (r == -EBUSY && ++tries < 10000);
	return r;
}

static bool op_fault_private(struct mirror_opseq *s, struct opseq_src *src)
{
	static const u64 accs[] = { TDP_ACC_R, TDP_ACC_R | TDP_ACC_W,
				    TDP_ACC_X };
	gfn_t g = pick_gfn(s, src);
	u64 acc = accs[opseq_pick(src, ARRAY_SIZE(accs))];
	int si = mo_lookup(s, g), r, want = 0, res;
	struct tdp_fault f;

	s->run.last_op = "private fault";
	r = fault_retry(s, g, false, acc, &f);
	if (si >= 0 && mo_shared(s, si, g))
		want = -EPERM;
	if (r != want)
		OPSEQ_FAIL(s, "private fault gfn 0x%llx: %d, model %d", g, r,
			   want);
	if (r)
		return cmp_range(s, g, g + 1);
	if (si < 0) {
		if (f.result != TDP_FAULT_MMIO || f.mmio_installed)
			OPSEQ_FAIL(
				s,
				"private fault gfn 0x%llx outside slots: result %d cached %d",
				g, f.result, f.mmio_installed);
		return cmp_range(s, g, g + 1);
	}
	res = s->priv[g].kind == M_LEAF ? TDP_FAULT_SPURIOUS : TDP_FAULT_MAPPED;
	if ((int)f.result != res || f.level != 1 ||
	    f.pfn != model_slot_pfn(&s->slots[si], g))
		OPSEQ_FAIL(
			s,
			"private fault gfn 0x%llx: result %d level %d pfn 0x%llx, model %d pfn 0x%llx",
			g, f.result, f.level, f.pfn, res,
			model_slot_pfn(&s->slots[si], g));
	s->priv[g].kind = M_LEAF;
	s->priv[g].level = 1;
	s->priv[g].pfn = model_slot_pfn(&s->slots[si], g);
	/* The guest writes something private. */
	if (!opseq_pick(src, 4))
		mmu_fake_guest_write(&s->fake, f.pfn, 0xabc0000000ULL | g);
	return cmp_range(s, g, g + 1);
}

static bool op_fault_shared(struct mirror_opseq *s, struct opseq_src *src)
{
	static const u64 accs[] = { TDP_ACC_R, TDP_ACC_R | TDP_ACC_W, TDP_ACC_X,
				    TDP_ACC_W };
	gfn_t g = pick_gfn(s, src), b;
	u64 acc = accs[opseq_pick(src, ARRAY_SIZE(accs))];
	bool write = acc & TDP_ACC_W;
	int si = mo_lookup(s, g), r, want = 0, res, goal, old;
	struct model_ent *e = &s->shr[g];
	struct tdp_fault f;

	s->run.last_op = "shared fault";
	r = fault_retry(s, g, true, acc, &f);
	if (si >= 0 && !mo_shared(s, si, g))
		want = -EPERM;
	if (r != want)
		OPSEQ_FAIL(s, "shared fault gfn 0x%llx: %d, model %d", g, r,
			   want);
	if (r)
		return cmp_range(s, g, g + 1);
	if (si < 0) {
		if (f.result != TDP_FAULT_MMIO || !f.mmio_installed)
			OPSEQ_FAIL(
				s,
				"shared fault gfn 0x%llx outside slots: result %d cached %d",
				g, f.result, f.mmio_installed);
		e->kind = M_MMIO;
		e->gen = (u32)(s->gen & MMIO_GEN_MASK);
		return cmp_range(s, g, g + 1);
	}
	goal = mo_shared_level(s, si, g);
	old = e->kind == M_LEAF ? e->level : 1;
	if (e->kind == M_LEAF && e->level == goal) {
		res = !write || e->w ? TDP_FAULT_SPURIOUS : TDP_FAULT_FIXED;
		if (res == TDP_FAULT_FIXED)
			model_set_block(s->shr, &s->slots[si], ROUND(g, goal),
					goal, 1, 1, 1);
	} else {
		/* 4K leaves of a block that became all shared: the fault
		 * replaces their table with one huge leaf. */
		if (e->kind == M_LEAF && e->level > goal)
			OPSEQ_FAIL(s,
				   "model: shared leaf level %d above goal %d",
				   e->level, goal);
		res = TDP_FAULT_MAPPED;
		b = ROUND(g, goal);
		model_set_block(s->shr, &s->slots[si], b, goal, 1, 1, write);
	}
	if ((int)f.result != res || f.level != goal ||
	    f.pfn != model_slot_pfn(&s->slots[si], g))
		OPSEQ_FAIL(
			s,
			"shared fault gfn 0x%llx: result %d level %d pfn 0x%llx, model %d level %d",
			g, f.result, f.level, f.pfn, res, goal);
	goal = MAX(goal, old);
	return cmp_range(s, ROUND(g, goal), ROUND(g, goal) + PAGES(goal));
}

static bool op_access(struct mirror_opseq *s, struct opseq_src *src)
{
	gfn_t g = pick_gfn(s, src);
	bool shared = opseq_pick(src, 3);
	u64 acc = opseq_pick(src, 2) ? TDP_ACC_R : TDP_ACC_R | TDP_ACC_W;
	struct model_ent *e = shared ? &s->shr[g] : &s->priv[g];
	int r, want;

	s->run.last_op = "access";
	r = tdp_mmu_sim_access(&s->mmu, shared ? s->direct : s->mirror,
			       (g | (shared ? s->s : 0)) << PAGE_SHIFT, acc);
	if (e->kind == M_MMIO)
		want = -EIO;
	else if (e->kind == M_NONE || (shared && (acc & TDP_ACC_W) && !e->w))
		want = -EFAULT;
	else
		want = 0;
	if (r != want)
		OPSEQ_FAIL(s, "%s access gfn 0x%llx: %d, model %d",
			   shared ? "shared" : "private", g, r, want);
	if (!want && shared)
		model_block_attr(s->shr, g, -1, 1, (acc & TDP_ACC_W) ? 1 : -1);
	return cmp_range(s, ROUND(g, 2), ROUND(g, 2) + PAGES(2));
}

/*
 * The direct root takes a range as given, too: its part in [s, 2 * s)
 * names shared GFNs, i.e. the shared side of stripped [*start - s,
 * *end - s).  Beyond 2 * s (the guest-physical width) nothing is reached.
 * Return: false if that part is empty; else *start, *end are stripped.
 */
static bool mo_raw_shared(const struct mirror_opseq *s, gfn_t *start,
			  gfn_t *end)
{
	gfn_t lo = MAX(*start, s->s), hi = MIN(*end, 2 * s->s);

	if (lo >= hi)
		return false;
	*start = lo - s->s;
	*end = hi - s->s;
	return true;
}

/* Compare the 2M-rounded range of an operation and of its raw part. */
static bool cmp_ranges(struct mirror_opseq *s, gfn_t start, gfn_t end)
{
	if (start >= U || start >= end)
		return true;
	return cmp_range(s, ROUND(start, 2),
			 MIN(ROUND(MIN(end, U) - 1, 2) + PAGES(2), U));
}

static bool op_zap(struct mirror_opseq *s, struct opseq_src *src)
{
	gfn_t start, end, rs, re;

	s->run.last_op = "zap";
	pick_range(s, src, &start, &end);
	tdp_mmu_zap_gfn_range(&s->mmu, start, end);
	mo_zap_private(s, start, end);
	mo_zap_shared(s, start, end);
	rs = start, re = end;
	if (mo_raw_shared(s, &rs, &re))
		mo_zap_shared(s, rs, re);
	return cmp_ranges(s, start, end) && cmp_ranges(s, rs, re);
}

/* A range inside one slot, or (sometimes) one that leaves the slots. */
static bool op_convert(struct mirror_opseq *s, struct opseq_src *src)
{
	int si = (int)opseq_pick(src, MOPSEQ_NR_SLOTS), r, want = 0;
	struct model_slot *ms = &s->slots[si];
	bool to_private = opseq_pick(src, 2);
	gfn_t start, end, g;
	u64 off, n;

	s->run.last_op = to_private ? "convert to private"
				    : "convert to shared";
	if (!ms->present || !opseq_pick(src, 20)) {
		start = opseq_pick(src, U);
		end = start + 1 + opseq_pick(src, 0x100);
		for (g = start; g < end && mo_lookup(s, g) >= 0; g++)
			;
		want = g < end || end > U ? -EINVAL : 0;
		if (want) {
			r = tdp_mmu_convert(&s->mmu, start, end - start,
					    to_private);
			if (r != want)
				OPSEQ_FAIL(
					s,
					"convert 0x%llx-0x%llx: %d, model %d",
					start, end, r, want);
			return true;
		}
	} else {
		off = opseq_pick(src, ms->npages);
		if (opseq_pick(src, 3) == 0)
			off = ROUND(ms->base + off, 2) < ms->base
				      ? 0
				      : ROUND(ms->base + off, 2) - ms->base;
		n = 1 + opseq_pick(src, opseq_pick(src, 4) ? 16 : 0x400);
		start = ms->base + off;
		end = MIN(start + n, ms->base + ms->npages);
	}
	r = tdp_mmu_convert(&s->mmu, start, end - start, to_private);
	if (r)
		OPSEQ_FAIL(s, "convert 0x%llx-0x%llx: %d", start, end, r);
	for (g = start; g < end; g++) {
		si = mo_lookup(s, g);
		if (!to_private && s->priv[g].kind == M_LEAF) {
			/* Removed from the S-EPT: zeroed. */
			s->zero_checks++;
			if (mmu_fake_guest_read(&s->fake, s->priv[g].pfn))
				OPSEQ_FAIL(
					s,
					"gfn 0x%llx converted to shared: pfn 0x%llx not zeroed",
					g, s->priv[g].pfn);
		}
		s->slots[si].shared[g - s->slots[si].base] = !to_private;
	}
	if (to_private)
		mo_zap_shared(s, start, end);
	else
		mo_zap_private(s, start, end);
	return cmp_range(s, ROUND(start, 2),
			 MIN(ROUND(end - 1, 2) + PAGES(2), U));
}

static bool op_young(struct mirror_opseq *s, struct opseq_src *src)
{
	gfn_t start, end, rs, re;
	u64 n, want;

	s->run.last_op = "young";
	pick_range(s, src, &start, &end);
	n = tdp_mmu_test_and_clear_young(&s->mmu, start, end);
	want = model_young(s->shr, U, start, end);
	rs = start, re = end;
	if (mo_raw_shared(s, &rs, &re))
		want += model_young(s->shr, U, rs, re);
	if (n != want)
		OPSEQ_FAIL(s, "young 0x%llx-0x%llx: %llu, model %llu", start,
			   end, n, want);
	return cmp_ranges(s, start, end) && cmp_ranges(s, rs, re);
}

static bool op_split(struct mirror_opseq *s, struct opseq_src *src)
{
	gfn_t start, end, rs, re;

	s->run.last_op = "split";
	pick_range(s, src, &start, &end);
	if (tdp_mmu_split_huge_pages(&s->mmu, start, end))
		OPSEQ_FAIL(s, "split failed");
	model_split(s->shr, U, start, end);
	rs = start, re = end;
	if (mo_raw_shared(s, &rs, &re))
		model_split(s->shr, U, rs, re);
	return cmp_ranges(s, start, end) && cmp_ranges(s, rs, re);
}

/* Collapse 2M blocks of the shared side where the model allows. */
static u64 mo_recover(struct mirror_opseq *s, gfn_t start, gfn_t end)
{
	gfn_t b, g;
	u64 want = 0;
	int si;

	for (b = ROUND(start, 2); b < MIN(end, U); b += PAGES(2)) {
		if (b < start || b + PAGES(2) > end || s->shr[b].level >= 2 ||
		    (si = mo_lookup(s, b)) < 0 || mo_shared_level(s, si, b) < 2)
			continue;
		for (g = b; g < b + PAGES(2) && s->shr[g].kind != M_LEAF; g++)
			;
		if (g == b + PAGES(2))
			continue;
		model_set_block(s->shr, &s->slots[si], b, 2, s->shr[g].w,
				s->shr[g].a, s->shr[g].d);
		want++;
	}
	return want;
}

static bool op_recover(struct mirror_opseq *s, struct opseq_src *src)
{
	gfn_t start, end, rs, re;
	u64 n, want;

	s->run.last_op = "recover";
	pick_range(s, src, &start, &end);
	n = tdp_mmu_recover_huge_pages(&s->mmu, start, end);
	want = mo_recover(s, start, end);
	rs = start, re = end;
	if (mo_raw_shared(s, &rs, &re))
		want += mo_recover(s, rs, re);
	if (n != want)
		OPSEQ_FAIL(s, "recover 0x%llx-0x%llx: %llu, model %llu", start,
			   end, n, want);
	return cmp_ranges(s, start, end) && cmp_ranges(s, rs, re);
}

static bool slot_add(struct mirror_opseq *s, int id, gfn_t base)
{
	struct model_slot *ms = &s->slots[id];
	int r, want = 0;

	r = tdp_memslot_add(&s->mmu, (u16)id, base, tmpl[id].npages,
			    tmpl[id].pfn, 0);
	if (base + tmpl[id].npages > s->s)
		want = -EINVAL; /* starts at or crosses the shared bit */
	else if (ms->present || model_slots_overlap(s->slots, MOPSEQ_NR_SLOTS,
						    base, tmpl[id].npages, -1))
		want = -EEXIST;
	if (r != want)
		OPSEQ_FAIL(s, "add slot %d: %d, model %d", id, r, want);
	if (want)
		return true;
	model_slot_fill(ms, base, tmpl[id].npages, tmpl[id].pfn, 0);
	ms->shared = calloc(ms->npages, 1);
	model_gen_bump(&s->gen, s->shr, U);
	return true;
}

static bool op_slot_add(struct mirror_opseq *s, struct opseq_src *src)
{
	int id = (int)opseq_pick(src, MOPSEQ_NR_SLOTS);

	s->run.last_op = "memslot add";
	return slot_add(s, id, tmpl[id].base[opseq_pick(src, 2)]);
}

static bool op_slot_delete(struct mirror_opseq *s, struct opseq_src *src)
{
	int id = (int)opseq_pick(src, MOPSEQ_NR_SLOTS), r;
	struct model_slot *ms = &s->slots[id];
	gfn_t base = ms->base, end = ms->base + ms->npages, g;

	s->run.last_op = "memslot delete";
	r = tdp_memslot_delete(&s->mmu, (u16)id);
	if (r != (ms->present ? 0 : -ENOENT))
		OPSEQ_FAIL(s, "delete slot %d: %d", id, r);
	if (!ms->present)
		return true;
	for (g = base; g < end; g++)
		if (s->priv[g].kind == M_LEAF &&
		    mmu_fake_guest_read(&s->fake, s->priv[g].pfn))
			OPSEQ_FAIL(
				s,
				"slot %d deleted: private pfn 0x%llx not zeroed",
				id, s->priv[g].pfn);
	mo_zap_private(s, base, end);
	mo_zap_shared(s, base, end);
	free(ms->shared);
	memset(ms, 0, sizeof(*ms));
	model_gen_bump(&s->gen, s->shr, U);
	return cmp_range(s, ROUND(base, 2),
			 MIN(ROUND(end - 1, 2) + PAGES(2), U));
}

static bool op_slot_move(struct mirror_opseq *s, struct opseq_src *src)
{
	int id = (int)opseq_pick(src, MOPSEQ_NR_SLOTS), r, want = 0;
	struct model_slot *ms = &s->slots[id];
	gfn_t nb = tmpl[id].base[opseq_pick(src, 2)], old = ms->base;

	s->run.last_op = "memslot move";
	if (!opseq_pick(src, 4))
		nb = tmpl[opseq_pick(src, MOPSEQ_NR_SLOTS)].base[0] +
		     opseq_pick(src, 0x100);
	r = tdp_memslot_move(&s->mmu, (u16)id, nb);
	if (!ms->present)
		want = -ENOENT;
	else if (nb + ms->npages > s->s)
		want = -EINVAL;
	else if (model_slots_overlap(s->slots, MOPSEQ_NR_SLOTS, nb, ms->npages,
				     id))
		want = -EEXIST;
	if (r != want)
		OPSEQ_FAIL(s, "move slot %d to 0x%llx: %d, model %d", id, nb, r,
			   want);
	if (want || nb == old)
		return true;
	mo_zap_private(s, old, old + ms->npages);
	mo_zap_shared(s, old, old + ms->npages);
	ms->base = nb;
	model_gen_bump(&s->gen, s->shr, U);
	return cmp_range(s, ROUND(old, 2),
			 MIN(ROUND(old + ms->npages - 1, 2) + PAGES(2), U));
}

static bool op_invalidate(struct mirror_opseq *s, struct opseq_src *src)
{
	(void)src;
	s->run.last_op = "invalidate roots";
	tdp_mmu_invalidate_roots(&s->mmu);
	if (tdp_mmu_root_is_valid(s->direct) ||
	    !tdp_mmu_root_is_valid(s->mirror))
		OPSEQ_FAIL(s, "invalidate: direct valid %d, mirror valid %d",
			   tdp_mmu_root_is_valid(s->direct),
			   tdp_mmu_root_is_valid(s->mirror));
	tdp_mmu_put_root(&s->mmu, s->direct);
	if (tdp_mmu_get_root(&s->mmu, TDP_ROOT_DIRECT, &s->direct))
		OPSEQ_FAIL(s, "get_root failed");
	memset(s->shr, 0, U * sizeof(*s->shr));
	return true;
}

static bool op_zap_mmio(struct mirror_opseq *s, struct opseq_src *src)
{
	u64 n = tdp_mmu_zap_all_mmio(&s->mmu), want = model_zap_mmio(s->shr, U);

	(void)src;
	s->run.last_op = "zap all mmio";
	if (n != want)
		OPSEQ_FAIL(s, "zap_all_mmio: %llu, model %llu", n, want);
	return true;
}

typedef bool (*mopseq_fn)(struct mirror_opseq *s, struct opseq_src *src);

static const struct {
	mopseq_fn fn;
	unsigned int weight;
} ops[] = {
	{ op_fault_private, 330 }, { op_fault_shared, 260 },
	{ op_access, 80 },	   { op_zap, 40 },
	{ op_convert, 90 },	   { op_young, 20 },
	{ op_split, 8 },	   { op_recover, 8 },
	{ op_slot_add, 16 },	   { op_slot_delete, 10 },
	{ op_slot_move, 10 },	   { op_invalidate, 3 },
	{ op_zap_mmio, 4 },
};

bool mopseq_step(struct opseq_run *run, struct opseq_src *src)
{
	struct mirror_opseq *s = container_of(run, struct mirror_opseq, run);
	unsigned int i = OPSEQ_NEXT_OP(run, src, ops);

	if (!ops[i].fn(s, src))
		return false;
	return run->nops % 256 || mopseq_check_all(run);
}

int mopseq_init(struct mirror_opseq *s, struct opseq_src *src, u32 busy_ppm)
{
	static const int levels[] = { 3, 2, 2, 1 };
	/* 30: the shared bit is a 1 GiB boundary inside the model. */
	static const int bits[] = { 39, 39, 47, 36, 32, 30, 30 };
	static const u64 gens[] = { 0, (1ULL << 19) - 40, 12345 };
	int r, i;

	memset(s, 0, sizeof(*s));
	mmu_fake_init(&s->fake);
	s->fake.sched_yield = false;
	tdp_mmu_default_config(&s->cfg);
	s->cfg.max_level = levels[opseq_pick(src, ARRAY_SIZE(levels))];
	s->cfg.shared_bit = (u8)bits[opseq_pick(src, ARRAY_SIZE(bits))];
	s->cfg.initial_generation = gens[opseq_pick(src, ARRAY_SIZE(gens))];
	s->cfg.yield_every = opseq_pick(src, 2) ? 0
						: 1 + (u32)opseq_pick(src, 40);
	s->cfg.trace_pages = 1;
	s->cfg.sept.strict = true;
	s->cfg.sept.seed = src->next(src);
	for (i = 0; i < SEPT_OP_NR; i++)
		s->cfg.sept.busy_ppm[i] = busy_ppm;
	s->gen = s->cfg.initial_generation;
	s->s = 1ULL << (s->cfg.shared_bit - PAGE_SHIFT);
	s->priv = calloc(U, sizeof(*s->priv));
	s->shr = calloc(U, sizeof(*s->shr));
	r = mmu_fake_vm_create_private(&s->fake, &s->mmu, &s->cfg, &s->direct,
				       &s->mirror);
	if (r)
		return r;
	tdp_mmu_cache_init(&s->cache, 0);
	for (i = 0; i < MOPSEQ_NR_SLOTS; i++)
		if (!slot_add(s, i, tmpl[i].base[tmpl[i].base[0] >= s->s]))
			return -EIO;
	return 0;
}

bool mopseq_fini(struct opseq_run *run)
{
	struct mirror_opseq *s = container_of(run, struct mirror_opseq, run);
	struct sept_stats st;
	u64 live, walked;
	int i;

	/* Before teardown, which frees every table with no CPU left. */
	walked = mmu_fake_walked_frees(&s->fake);
	tdp_mmu_get_sept_stats(&s->mmu, &st);
	tdp_mmu_cache_free(&s->mmu, &s->cache);
	tdp_mmu_put_root(&s->mmu, s->mirror);
	mmu_fake_vm_destroy(&s->fake, &s->mmu, s->direct);
	for (i = 0; i < MOPSEQ_NR_SLOTS; i++)
		free(s->slots[i].shared);
	free(s->priv);
	free(s->shr);
	if (st.violations)
		snprintf(s->run.err, sizeof(s->run.err),
			 "%llu S-EPT rule violations", st.violations);
	if (walked)
		snprintf(
			s->run.err, sizeof(s->run.err),
			"%llu pages freed while the CPU walker could read them",
			walked);
	if (s->fake.double_frees || s->fake.bad_frees)
		snprintf(s->run.err, sizeof(s->run.err),
			 "%llu double / %llu bad frees", s->fake.double_frees,
			 s->fake.bad_frees);
	live = mmu_fake_destroy(&s->fake);
	if (live)
		snprintf(s->run.err, sizeof(s->run.err), "%llu pages leaked",
			 live);
	return !st.violations && !s->fake.double_frees && !s->fake.bad_frees &&
	       !walked && !live;
}
