// SPDX-License-Identifier: GPL-2.0
/*
 * Reference model + random operation sequences for the TDP MMU (see
 * mmu_opseq.h).  The model restates, in the plainest terms, what each MMU
 * operation must do to the GFN -> (pfn, level, W, A, D) map; every step
 * compares the real EPT tables (walked with the MMU's own iterator) with
 * the model over the range the step touched, and every 256 steps over the
 * whole universe plus tdp_mmu_check_invariants().  No main().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errno_codes.h"
#include "mmu/tdp_iter.h"
#include "mmu_opseq.h"

#define PAGES(l) tdp_pages_per_level(l)
#define ROUND(g, l) tdp_gfn_round_for_level((g), (l))
#define BIG_SLOT 2

static const struct {
	gfn_t base[2];
	u64 npages;
	pfn_t pfn;
	u32 flags;
} tmpl[OPSEQ_NR_TEMPLATES] = {
	{ { 0x0, 0x8000 }, 0x1000, 0x100000, 0 }, /* 2M-capable */
	{ { 0x1803, 0x9803 }, 0x345, 0x200003, 0 }, /* odd, 4K only */
	{ { 0x40000, 0x40800 }, 0x40000, 0x1000000, 0 }, /* 1 GiB */
	{ { 0x2000, 0xa000 }, 0x800, 0x300001, 0 }, /* PFN misaligned */
	{ { 0x3000, 0xb000 }, 0x400, 0x400000, TDP_MEMSLOT_READONLY },
};

/* --- choice sources --- */

static u64 src_rng_next(struct opseq_src *src)
{
	/* splitmix64 */
	u64 z = (src->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 src_bytes_next(struct opseq_src *src)
{
	u64 v = 0;
	int i;

	if (src->pos >= src->size) {
		src->exhausted = true;
		return 0;
	}
	for (i = 0; i < 4 && src->pos < src->size; i++)
		v = v << 8 | src->data[src->pos++];
	/* Spread a few fuzz bytes over 64 bits deterministically. */
	return v * 0x9e3779b97f4a7c15ULL ^ (v << 32 | v);
}

void opseq_src_rng(struct opseq_src *src, u64 seed)
{
	memset(src, 0, sizeof(*src));
	src->state = seed;
	src->next = src_rng_next;
}

void opseq_src_bytes(struct opseq_src *src, const u8 *data, size_t size)
{
	memset(src, 0, sizeof(*src));
	src->data = data;
	src->size = size;
	src->next = src_bytes_next;
}

static u64 pick(struct opseq_src *src, u64 n)
{
	return n ? src->next(src) % n : 0;
}

#define FAIL(s, ...)                                               \
	do {                                                       \
		snprintf((s)->err, sizeof((s)->err), __VA_ARGS__); \
		return false;                                      \
	} while (0)

/* --- the model --- */

static int model_lookup(const struct mmu_opseq *s, gfn_t gfn)
{
	int i;

	for (i = 0; i < OPSEQ_NR_TEMPLATES; i++) {
		const struct model_slot *ms = &s->slots[i];

		if (ms->present && gfn >= ms->base &&
		    gfn < ms->base + ms->npages)
			return i;
	}
	return -1;
}

static int model_max_level(const struct mmu_opseq *s, int si, gfn_t gfn)
{
	const struct model_slot *ms = &s->slots[si];
	int l;

	if (ms->flags & TDP_MEMSLOT_LOG_DIRTY)
		return 1;
	for (l = s->cfg.max_level; l > 1; l--) {
		gfn_t b = ROUND(gfn, l);

		if (b >= ms->base && b + PAGES(l) <= ms->base + ms->npages &&
		    !((ms->pfn - ms->base) & (PAGES(l) - 1)))
			return l;
	}
	return 1;
}

static u64 model_pfn(const struct mmu_opseq *s, int si, gfn_t gfn)
{
	return s->slots[si].pfn + (gfn - s->slots[si].base);
}

static void model_set_block(struct mmu_opseq *s, int si, gfn_t b, int l, u8 w,
			    u8 a, u8 d)
{
	gfn_t g;

	for (g = b; g < b + PAGES(l); g++) {
		struct model_ent *e = &s->m[g];

		e->kind = M_LEAF;
		e->level = (u8)l;
		e->w = w;
		e->a = a;
		e->d = d;
		e->pfn = model_pfn(s, si, g);
	}
}

/* Apply @fn-style edits to every leaf block meeting [start, end). */
#define for_each_model_leaf(s, g, start, end)                                \
	for ((g) = (start); (g) < (end);                                     \
	     (g) = (s)->m[g].kind == M_LEAF ? ROUND(g, (s)->m[g].level) +    \
						      PAGES((s)->m[g].level) \
					    : (g) + 1)                       \
		if ((s)->m[g].kind != M_LEAF)                                \
			;                                                    \
		else

static void model_block_attr(struct mmu_opseq *s, gfn_t g, int w, int a, int d)
{
	int l = s->m[g].level;
	gfn_t b = ROUND(g, l), x;

	for (x = b; x < b + PAGES(l); x++) {
		if (w >= 0)
			s->m[x].w = (u8)w;
		if (a >= 0)
			s->m[x].a = (u8)a;
		if (d >= 0)
			s->m[x].d = (u8)d;
	}
}

static void model_relevel(struct mmu_opseq *s, gfn_t g, int from, int to)
{
	gfn_t b = ROUND(g, from), x;

	for (x = b; x < b + PAGES(from); x++)
		s->m[x].level = (u8)to;
}

static void model_mark_dirty(struct mmu_opseq *s, int si, gfn_t g);

/*
 * D-bit mode: a leaf that goes away hands its D bit to the dirty bitmap
 * of the slot that logs it (the guest's writes must not be lost).
 */
static void model_leaf_dropped(struct mmu_opseq *s, gfn_t b, int l)
{
	gfn_t x;
	int si;

	if (s->cfg.dirty_mode != TDP_DIRTY_DBIT)
		return;
	for (x = b; x < b + PAGES(l); x++) {
		si = model_lookup(s, x);
		if (s->m[x].d && si >= 0 && s->slots[si].bitmap &&
		    s->m[x].pfn == model_pfn(s, si, x))
			model_mark_dirty(s, si, x);
	}
}

static void model_zap(struct mmu_opseq *s, gfn_t start, gfn_t end)
{
	gfn_t g, b, x;

	end = MIN(end, OPSEQ_UNIVERSE);
	for (g = start; g < end; g++) {
		if (s->m[g].kind == M_MMIO) {
			s->m[g].kind = M_NONE;
		} else if (s->m[g].kind == M_LEAF) {
			b = ROUND(g, s->m[g].level);
			model_leaf_dropped(s, b, s->m[g].level);
			for (x = b + PAGES(s->m[g].level); b < x; b++)
				s->m[b].kind = M_NONE;
		}
	}
}

static u64 model_zap_mmio(struct mmu_opseq *s)
{
	u64 g, n = 0;

	for (g = 0; g < OPSEQ_UNIVERSE; g++)
		if (s->m[g].kind == M_MMIO) {
			s->m[g].kind = M_NONE;
			n++;
		}
	return n;
}

static void model_gen_bump(struct mmu_opseq *s)
{
	s->gen++;
	if (!(s->gen & MMIO_GEN_MASK))
		model_zap_mmio(s);
}

static void model_mark_dirty(struct mmu_opseq *s, int si, gfn_t g)
{
	u64 off = g - s->slots[si].base;

	s->slots[si].bitmap[off / 64] |= 1ULL << (off % 64);
}

/* --- comparing tables with the model --- */

static bool compare_leaf(struct mmu_opseq *s, u64 spte, gfn_t base, int l,
			 gfn_t lo, gfn_t hi, u64 *covered)
{
	gfn_t g;

	for (g = lo; g < hi; g++) {
		const struct model_ent *e = &s->m[g];

		if (e->kind != M_LEAF || e->level != l ||
		    e->pfn != spte_to_pfn(spte) + (g - base) ||
		    e->w != is_writable_pte(spte) ||
		    e->a != is_accessed_spte(spte) ||
		    e->d != is_dirty_spte(spte))
			FAIL(s,
			     "gfn 0x%llx: table level %d spte 0x%llx; model kind %d level %d pfn 0x%llx w%d a%d d%d",
			     g, l, spte, e->kind, e->level, e->pfn, e->w, e->a,
			     e->d);
		(*covered)++;
	}
	return true;
}

static bool compare_range(struct mmu_opseq *s, gfn_t start, gfn_t end)
{
	u64 covered = 0, expected = 0, spte;
	struct tdp_iter iter;
	gfn_t g;

	end = MIN(end, OPSEQ_UNIVERSE);
	for (g = start; g < end; g++)
		expected += s->m[g].kind != M_NONE;
	for_each_tdp_pte (iter, &s->mmu, s->root->spt, start, end) {
		spte = iter.old_spte;
		if (is_mmio_spte(spte)) {
			const struct model_ent *e = &s->m[iter.gfn];

			if (e->kind != M_MMIO ||
			    e->gen != get_mmio_spte_gen(spte) ||
			    get_mmio_spte_gfn(spte) != iter.gfn)
				FAIL(s,
				     "gfn 0x%llx: table MMIO spte 0x%llx, model kind %d gen 0x%x",
				     iter.gfn, spte, e->kind, e->gen);
			covered++;
			continue;
		}
		if (!is_shadow_present_pte(spte) ||
		    !is_last_spte(spte, iter.level))
			continue;
		if (!compare_leaf(
			    s, spte, iter.gfn, iter.level, MAX(start, iter.gfn),
			    MIN(end, iter.gfn + PAGES(iter.level)), &covered))
			return false;
	}
	if (covered != expected) {
		for (g = start; g < end; g++) {
			u64 sp[TDP_ROOT_LEVEL + 1];
			int l;

			if (s->m[g].kind == M_NONE)
				continue;
			l = tdp_mmu_get_walk(&s->mmu, s->root, g << PAGE_SHIFT,
					     sp);
			if (!is_shadow_present_pte(sp[l]) &&
			    !is_mmio_spte(sp[l]))
				FAIL(s,
				     "gfn 0x%llx: model kind %d level %d, table has nothing (level %d spte 0x%llx)",
				     g, s->m[g].kind, s->m[g].level, l, sp[l]);
		}
		FAIL(s,
		     "range 0x%llx-0x%llx: tables cover %llu gfns, model %llu",
		     start, end, covered, expected);
	}
	return true;
}

bool opseq_check_all(struct mmu_opseq *s)
{
	struct tdp_mmu_check chk;

	if (!compare_range(s, 0, OPSEQ_UNIVERSE))
		return false;
	if (tdp_mmu_check_invariants(&s->mmu, &chk))
		FAIL(s, "tdp_mmu_check_invariants failed (%d errors)",
		     chk.errors);
	return true;
}

/* --- operations: each runs the MMU, updates the model, compares --- */

static gfn_t pick_gfn(struct mmu_opseq *s, struct opseq_src *src)
{
	u64 c = pick(src, 100);
	int si = (int)pick(src, OPSEQ_NR_TEMPLATES);
	const struct model_slot *ms = &s->slots[si];

	if (si == BIG_SLOT && pick(src, 4))
		si = 0, ms = &s->slots[0];
	if (c < 70 && ms->present)
		return ms->base + pick(src, ms->npages);
	if (c < 80 && ms->present) /* around the edges */
		return ms->base + ms->npages - 2 + pick(src, 4);
	return pick(src, OPSEQ_UNIVERSE);
}

static bool model_fault(struct mmu_opseq *s, gfn_t gfn, u64 acc,
			struct tdp_fault *exp, int *touched_level)
{
	bool write = acc & TDP_ACC_W;
	int si = model_lookup(s, gfn), goal, l;
	struct model_ent *e = &s->m[gfn];
	struct model_slot *ms;
	u8 w;

	*touched_level = e->kind == M_LEAF ? e->level : 1;
	if (si < 0) {
		exp->result = TDP_FAULT_MMIO;
		e->kind = M_MMIO;
		e->gen = (u32)(s->gen & MMIO_GEN_MASK);
		return true;
	}
	ms = &s->slots[si];
	if (write && (ms->flags & TDP_MEMSLOT_READONLY)) {
		exp->result = TDP_FAULT_RO_WRITE;
		return true;
	}
	goal = model_max_level(s, si, gfn);
	*touched_level = MAX(*touched_level, goal);
	for (l = e->kind == M_LEAF ? e->level : 0; l > goal; l--)
		model_relevel(s, gfn, l, l - 1);
	exp->level = goal;
	exp->pfn = model_pfn(s, si, gfn);
	if (e->kind == M_LEAF && e->level == goal) {
		if (!write || e->w) {
			exp->result = TDP_FAULT_SPURIOUS;
			return true;
		}
		model_block_attr(s, gfn, 1, 1, 1);
		if (ms->flags & TDP_MEMSLOT_LOG_DIRTY)
			model_mark_dirty(s, si, ROUND(gfn, goal));
		exp->result = TDP_FAULT_FIXED;
		return true;
	}
	w = !(ms->flags & TDP_MEMSLOT_READONLY) &&
	    (write || !((ms->flags & TDP_MEMSLOT_LOG_DIRTY) &&
			s->cfg.dirty_mode == TDP_DIRTY_WRPROT));
	model_set_block(s, si, ROUND(gfn, goal), goal, w, 1, write);
	if (write && (ms->flags & TDP_MEMSLOT_LOG_DIRTY))
		model_mark_dirty(s, si, ROUND(gfn, goal));
	exp->result = TDP_FAULT_MAPPED;
	return true;
}

static bool op_fault(struct mmu_opseq *s, struct opseq_src *src)
{
	static const u64 accs[] = { TDP_ACC_R, TDP_ACC_W | TDP_ACC_R, TDP_ACC_X,
				    TDP_ACC_W };
	gfn_t gfn = pick_gfn(s, src);
	u64 acc = accs[pick(src, ARRAY_SIZE(accs))];
	struct tdp_fault f = { .gpa = gfn << PAGE_SHIFT | pick(src, PAGE_SIZE),
			       .access = acc };
	struct tdp_fault exp = { 0 };
	int r, lvl;

	s->last_op = "fault";
	r = tdp_mmu_page_fault(&s->mmu, s->root, &s->cache, &f);
	if (r)
		FAIL(s, "fault gfn 0x%llx acc %llu: %d", gfn, acc, r);
	model_fault(s, gfn, acc, &exp, &lvl);
	if (f.result != exp.result)
		FAIL(s, "fault gfn 0x%llx acc %llu: result %d, model %d", gfn,
		     acc, f.result, exp.result);
	if (f.result <= TDP_FAULT_SPURIOUS &&
	    (f.level != exp.level || f.pfn != exp.pfn))
		FAIL(s,
		     "fault gfn 0x%llx: level %d pfn 0x%llx, model %d 0x%llx",
		     gfn, f.level, f.pfn, exp.level, exp.pfn);
	return compare_range(s, ROUND(gfn, lvl), ROUND(gfn, lvl) + PAGES(lvl));
}

static bool op_access(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t gfn = pick_gfn(s, src);
	u64 acc = pick(src, 2) ? TDP_ACC_R : TDP_ACC_R | TDP_ACC_W;
	struct model_ent *e = &s->m[gfn];
	int r, exp;

	s->last_op = "access";
	r = tdp_mmu_sim_access(&s->mmu, s->root, gfn << PAGE_SHIFT, acc);
	if (e->kind == M_MMIO)
		exp = -EIO;
	else if (e->kind == M_NONE || ((acc & TDP_ACC_W) && !e->w))
		exp = -EFAULT;
	else
		exp = 0;
	if (r != exp)
		FAIL(s, "access gfn 0x%llx: %d, model %d", gfn, r, exp);
	if (!exp)
		model_block_attr(s, gfn, -1, 1, (acc & TDP_ACC_W) ? 1 : -1);
	return exp ? true
		   : compare_range(s, ROUND(gfn, e->level),
				   ROUND(gfn, e->level) + PAGES(e->level));
}

static void pick_range(struct mmu_opseq *s, struct opseq_src *src, gfn_t *start,
		       gfn_t *end)
{
	u64 c = pick(src, 10);

	*start = pick_gfn(s, src);
	if (c == 0)
		*end = *start + pick(src, 0x40000);
	else if (c < 4)
		*end = *start + pick(src, 0x1000) + 1;
	else
		*end = *start + pick(src, 64) + 1;
	*end = MIN(*end, OPSEQ_UNIVERSE);
}

static bool op_zap(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t start, end;

	s->last_op = "zap";
	pick_range(s, src, &start, &end);
	tdp_mmu_zap_gfn_range(&s->mmu, start, end);
	model_zap(s, start, end);
	return compare_range(s, ROUND(start, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

static bool op_young(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t start, end, g;
	u64 n, exp = 0;

	s->last_op = "young";
	pick_range(s, src, &start, &end);
	n = tdp_mmu_test_and_clear_young(&s->mmu, start, end);
	for (g = start; g < end; g++) {
		if (s->m[g].kind != M_LEAF)
			continue;
		if (s->m[g].a) {
			exp++;
			model_block_attr(s, g, -1, 0, -1);
		}
		g = ROUND(g, s->m[g].level) + PAGES(s->m[g].level) - 1;
	}
	if (n != exp)
		FAIL(s, "young 0x%llx-0x%llx: %llu, model %llu", start, end, n,
		     exp);
	return compare_range(s, ROUND(start, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

static void model_split(struct mmu_opseq *s, gfn_t start, gfn_t end)
{
	gfn_t g;
	int l;

	for (l = 3; l > 1; l--)
		for (g = start; g < end; g++) {
			if (s->m[g].kind != M_LEAF)
				continue;
			if (s->m[g].level == l)
				model_relevel(s, g, l, l - 1);
			g = ROUND(g, s->m[g].level) + PAGES(s->m[g].level) - 1;
		}
}

static bool op_split(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t start, end;
	int r;

	s->last_op = "split";
	pick_range(s, src, &start, &end);
	r = tdp_mmu_split_huge_pages(&s->mmu, start, end);
	if (r)
		FAIL(s, "split: %d", r);
	model_split(s, start, end);
	return compare_range(s, ROUND(start, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

static bool model_first_leaf(const struct mmu_opseq *s, gfn_t b, int l,
			     gfn_t *first)
{
	gfn_t g;

	for (g = b; g < b + PAGES(l); g++)
		if (s->m[g].kind == M_LEAF) {
			*first = g;
			return true;
		}
	return false;
}

static u64 model_recover_block(struct mmu_opseq *s, gfn_t b, int l, gfn_t start,
			       gfn_t end)
{
	const struct model_ent *e = &s->m[b];
	gfn_t first, c;
	u64 n = 0;
	int si;

	if (e->kind == M_LEAF && e->level >= l)
		return 0;
	si = model_lookup(s, b);
	if (l <= s->cfg.max_level && b >= start && b + PAGES(l) <= end &&
	    si >= 0 && model_max_level(s, si, b) >= l &&
	    model_first_leaf(s, b, l, &first)) {
		struct model_ent f = s->m[first];

		model_set_block(s, si, b, l, f.w, f.a, f.d);
		return 1;
	}
	if (l == 2)
		return 0;
	for (c = MAX(b, ROUND(start, 2)); c < MIN(b + PAGES(l), end);
	     c += PAGES(2))
		n += model_recover_block(s, c, 2, start, end);
	return n;
}

static u64 model_recover(struct mmu_opseq *s, gfn_t start, gfn_t end)
{
	gfn_t b;
	u64 n = 0;

	for (b = ROUND(start, 3); b < end && b < OPSEQ_UNIVERSE; b += PAGES(3))
		n += model_recover_block(s, b, 3, start, end);
	return n;
}

static bool op_recover(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t start, end;
	u64 n, exp;

	s->last_op = "recover";
	pick_range(s, src, &start, &end);
	if (pick(src, 2)) {
		int si = (int)pick(src, OPSEQ_NR_TEMPLATES);

		if (s->slots[si].present) {
			start = s->slots[si].base;
			end = start + s->slots[si].npages;
		}
	}
	n = tdp_mmu_recover_huge_pages(&s->mmu, start, end);
	exp = model_recover(s, start, end);
	if (n != exp)
		FAIL(s, "recover 0x%llx-0x%llx: %llu, model %llu", start, end,
		     n, exp);
	return compare_range(s, ROUND(start, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

/* --- memslots --- */

static bool model_overlaps(const struct mmu_opseq *s, gfn_t base, u64 npages,
			   int skip)
{
	int i;

	for (i = 0; i < OPSEQ_NR_TEMPLATES; i++) {
		const struct model_slot *o = &s->slots[i];

		if (i != skip && o->present && base < o->base + o->npages &&
		    o->base < base + npages)
			return true;
	}
	return false;
}

static bool expect_rc(struct mmu_opseq *s, const char *what, int id, int r,
		      int exp)
{
	if (r != exp)
		FAIL(s, "%s slot %d: %d, model %d", what, id, r, exp);
	return true;
}

static bool slot_add(struct mmu_opseq *s, int id, gfn_t base)
{
	struct model_slot *ms = &s->slots[id];
	int r, exp = 0;

	r = tdp_memslot_add(&s->mmu, (u16)id, base, tmpl[id].npages,
			    tmpl[id].pfn, tmpl[id].flags);
	if (ms->present || model_overlaps(s, base, tmpl[id].npages, -1))
		exp = -EEXIST;
	if (!expect_rc(s, "add", id, r, exp))
		return false;
	if (exp)
		return true;
	ms->present = true;
	ms->base = base;
	ms->npages = tmpl[id].npages;
	ms->pfn = tmpl[id].pfn;
	ms->flags = tmpl[id].flags;
	model_gen_bump(s);
	return true;
}

static bool op_slot_add(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)pick(src, OPSEQ_NR_TEMPLATES), r;

	s->last_op = "memslot add";
	if (!pick(src, 16)) { /* bad arguments */
		r = tdp_memslot_add(&s->mmu, TDP_MAX_MEMSLOTS, 0, 1, 0, 0);
		if (!expect_rc(s, "add bad id", TDP_MAX_MEMSLOTS, r, -EINVAL))
			return false;
		r = tdp_memslot_add(&s->mmu, 9, 0x70000, 0, 0, 0);
		if (!expect_rc(s, "add 0 pages", 9, r, -EINVAL))
			return false;
		r = tdp_memslot_add(&s->mmu, 9, TDP_MAX_GFN - 1, 2, 0, 0);
		return expect_rc(s, "add beyond 48 bits", 9, r, -EINVAL);
	}
	return slot_add(s, id, tmpl[id].base[pick(src, 2)]);
}

static bool op_slot_delete(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)pick(src, OPSEQ_NR_TEMPLATES), r;
	struct model_slot *ms = &s->slots[id];
	gfn_t base = ms->base, end = ms->base + ms->npages;

	s->last_op = "memslot delete";
	if (id == BIG_SLOT && pick(src, 4))
		return true;
	r = tdp_memslot_delete(&s->mmu, (u16)id);
	if (!expect_rc(s, "delete", id, r, ms->present ? 0 : -ENOENT))
		return false;
	if (!ms->present)
		return true;
	model_zap(s, base, end);
	free(ms->bitmap);
	memset(ms, 0, sizeof(*ms));
	model_gen_bump(s);
	return compare_range(s, ROUND(base, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

static bool op_slot_move(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)pick(src, OPSEQ_NR_TEMPLATES), r, exp = 0;
	struct model_slot *ms = &s->slots[id];
	gfn_t nb, old = ms->base;

	s->last_op = "memslot move";
	if (pick(src, 4))
		nb = tmpl[id].base[pick(src, 2)];
	else /* likely to overlap a neighbour */
		nb = tmpl[pick(src, OPSEQ_NR_TEMPLATES)].base[0] +
		     pick(src, 0x100);
	if (id == BIG_SLOT && pick(src, 4))
		return true;
	r = tdp_memslot_move(&s->mmu, (u16)id, nb);
	if (!ms->present)
		exp = -ENOENT;
	else if (model_overlaps(s, nb, ms->npages, id))
		exp = -EEXIST;
	if (!expect_rc(s, "move", id, r, exp))
		return false;
	if (exp || nb == old)
		return true;
	model_zap(s, old, old + ms->npages);
	ms->base = nb;
	model_gen_bump(s);
	return compare_range(s, ROUND(old, 3),
			     MIN(ROUND(old + ms->npages - 1, 3) + PAGES(3),
				 OPSEQ_UNIVERSE));
}

static void model_dirty_log_start(struct mmu_opseq *s, int si)
{
	struct model_slot *ms = &s->slots[si];
	gfn_t g, end = ms->base + ms->npages;

	ms->bitmap = calloc(ms->npages / 64 + 1, sizeof(u64));
	if (s->cfg.eager_split)
		model_split(s, ms->base, end);
	for (g = ms->base; g < end; g++) {
		if (s->m[g].kind != M_LEAF)
			continue;
		if (s->cfg.dirty_mode == TDP_DIRTY_DBIT && s->m[g].level == 1)
			s->m[g].d = 0;
		else if (s->cfg.dirty_mode == TDP_DIRTY_DBIT)
			model_block_attr(s, g, 0, -1, 0);
		else
			model_block_attr(s, g, 0, -1, -1);
		g = ROUND(g, s->m[g].level) + PAGES(s->m[g].level) - 1;
	}
}

static bool op_slot_flags(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)pick(src, OPSEQ_NR_TEMPLATES), r;
	struct model_slot *ms = &s->slots[id];
	u32 flags = ms->flags, old = ms->flags;
	gfn_t g;

	s->last_op = "memslot flags";
	if (id == BIG_SLOT && pick(src, 8))
		id = 0, ms = &s->slots[0], flags = old = ms->flags;
	if (pick(src, 5))
		flags ^= TDP_MEMSLOT_LOG_DIRTY;
	else
		flags ^= TDP_MEMSLOT_READONLY;
	if (!pick(src, 32)) {
		r = tdp_memslot_set_flags(&s->mmu, (u16)id, BIT(7));
		if (!expect_rc(s, "flags bad", id, r,
			       ms->present ? -EINVAL : -EINVAL))
			return false;
	}
	r = tdp_memslot_set_flags(&s->mmu, (u16)id, flags);
	if (!expect_rc(s, "flags", id, r, ms->present ? 0 : -ENOENT))
		return false;
	if (!ms->present)
		return true;
	ms->flags = flags;
	model_gen_bump(s);
	if ((flags & ~old) & TDP_MEMSLOT_READONLY)
		for (g = ms->base; g < ms->base + ms->npages; g++)
			if (s->m[g].kind == M_LEAF)
				s->m[g].w = 0;
	if ((flags ^ old) & TDP_MEMSLOT_LOG_DIRTY) {
		if (flags & TDP_MEMSLOT_LOG_DIRTY) {
			model_dirty_log_start(s, id);
		} else {
			free(ms->bitmap);
			ms->bitmap = NULL;
			model_recover(s, ms->base, ms->base + ms->npages);
		}
	}
	return compare_range(s, ROUND(ms->base, 3),
			     MIN(ROUND(ms->base + ms->npages - 1, 3) + PAGES(3),
				 OPSEQ_UNIVERSE));
}

static void model_harvest(struct mmu_opseq *s, int si, u64 *out, u64 words)
{
	struct model_slot *ms = &s->slots[si];
	gfn_t g, lo, hi, end = ms->base + ms->npages;
	u64 i;

	memcpy(out, ms->bitmap, words * 8);
	memset(ms->bitmap, 0, words * 8);
	for (i = 0; i < words && s->cfg.dirty_mode == TDP_DIRTY_WRPROT; i++) {
		lo = ms->base + i * 64;
		hi = MIN(lo + 64, end);
		for (g = lo; g < hi && out[i]; g++)
			if (s->m[g].kind == M_LEAF &&
			    (s->m[g].level > 1 || (out[i] >> (g - lo) & 1)))
				model_block_attr(s, g, 0, -1, -1);
	}
	for (g = ms->base; g < end && s->cfg.dirty_mode == TDP_DIRTY_DBIT;
	     g++) {
		gfn_t b, x;

		if (s->m[g].kind != M_LEAF || !s->m[g].d)
			continue;
		b = ROUND(g, s->m[g].level);
		for (x = MAX(b, ms->base);
		     x < MIN(b + PAGES(s->m[g].level), end); x++)
			out[(x - ms->base) / 64] |= 1ULL
						    << ((x - ms->base) % 64);
		model_block_attr(s, g, -1, -1, 0);
	}
}

static bool op_dirty_log(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)pick(src, OPSEQ_NR_TEMPLATES), r, exp = 0;
	struct model_slot *ms = &s->slots[id];
	u64 words = tmpl[id].npages / 64 + 1, *got, *want;

	s->last_op = "get dirty log";
	got = calloc(words, 8);
	want = calloc(words, 8);
	r = tdp_mmu_get_dirty_log(&s->mmu, (u16)id, got,
				  pick(src, 16) ? words : 0);
	if (!ms->present)
		exp = -ENOENT;
	else if (!(ms->flags & TDP_MEMSLOT_LOG_DIRTY) || r == -EINVAL)
		exp = -EINVAL;
	if (r != exp) {
		free(got);
		free(want);
		FAIL(s, "get_dirty_log slot %d: %d, model %d", id, r, exp);
	}
	if (!exp)
		model_harvest(s, id, want, (ms->npages + 63) / 64);
	if (!exp && memcmp(got, want, (ms->npages + 63) / 64 * 8)) {
		u64 i;

		for (i = 0; got[i] == want[i]; i++)
			;
		snprintf(s->err, sizeof(s->err),
			 "dirty log slot %d word %llu: 0x%llx, model 0x%llx",
			 id, i, got[i], want[i]);
		free(got);
		free(want);
		return false;
	}
	free(got);
	free(want);
	return exp ? true
		   : compare_range(
			     s, ROUND(ms->base, 3),
			     MIN(ROUND(ms->base + ms->npages - 1, 3) + PAGES(3),
				 OPSEQ_UNIVERSE));
}

static bool op_invalidate(struct mmu_opseq *s, struct opseq_src *src)
{
	int r;

	(void)src;
	s->last_op = "invalidate roots";
	tdp_mmu_invalidate_roots(&s->mmu);
	if (tdp_mmu_root_is_valid(s->root))
		FAIL(s, "root still valid after invalidate");
	tdp_mmu_put_root(&s->mmu, s->root);
	r = tdp_mmu_get_root(&s->mmu, TDP_ROOT_DIRECT, &s->root);
	if (r)
		FAIL(s, "get_root: %d", r);
	model_zap(s, 0, OPSEQ_UNIVERSE);
	memset(s->m, 0, OPSEQ_UNIVERSE * sizeof(*s->m));
	return true;
}

static bool op_zap_mmio(struct mmu_opseq *s, struct opseq_src *src)
{
	u64 n = tdp_mmu_zap_all_mmio(&s->mmu), exp = model_zap_mmio(s);

	(void)src;
	s->last_op = "zap all mmio";
	if (n != exp)
		FAIL(s, "zap_all_mmio: %llu, model %llu", n, exp);
	return true;
}

/* --- the top of the guest-physical width, and beyond it --- */

#define TOP_SLOT 9
#define TOP_PAGES 0x400ULL
#define TOP_PFN 0x5000000ULL

/*
 * Every range operation from @t, at or beyond 2^36 GFNs, must leave the
 * low GFNs it would alias (t mod 2^36) exactly as the model says.
 */
static bool beyond_ops(struct mmu_opseq *s, gfn_t t, u64 n)
{
	gfn_t low = t & (TDP_MAX_GFN - 1);
	struct tdp_fault f = { .gpa = t << PAGE_SHIFT, .access = TDP_ACC_R };
	u64 v[4];
	int r[3];

	v[0] = tdp_mmu_zap_gfn_range(&s->mmu, t, t + n);
	v[1] = tdp_mmu_test_and_clear_young(&s->mmu, t, t + n);
	v[2] = tdp_mmu_recover_huge_pages(&s->mmu, t, t + n);
	v[3] = tdp_mmu_test_young(&s->mmu, t);
	r[0] = tdp_mmu_split_huge_pages(&s->mmu, t, t + n);
	r[1] = tdp_mmu_sim_access(&s->mmu, s->root, t << PAGE_SHIFT, TDP_ACC_R);
	r[2] = tdp_mmu_page_fault(&s->mmu, s->root, &s->cache, &f);
	if (v[0] || v[1] || v[2] || v[3] || r[0] || r[1] != -EINVAL ||
	    r[2] != -EINVAL)
		FAIL(s,
		     "range 0x%llx+0x%llx beyond the width: zap %llu young %llu recover %llu test_young %llu split %d access %d fault %d",
		     t, n, v[0], v[1], v[2], v[3], r[0], r[1], r[2]);
	if (low >= OPSEQ_UNIVERSE)
		return true;
	/* A wrapped walk would begin at @low: compare around it. */
	return compare_range(s, ROUND(low, 2),
			     MIN(ROUND(low, 2) + 4 * PAGES(2), OPSEQ_UNIVERSE));
}

/* A slot that ends at the top of the width: fault, zap, delete. */
static bool top_slot(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t base = TDP_MAX_GFN - TOP_PAGES, g = base + pick(src, TOP_PAGES);
	struct tdp_fault f = { .gpa = g << PAGE_SHIFT,
			       .access = TDP_ACC_R | TDP_ACC_W };
	int r[6];
	u64 z;

	r[0] = tdp_memslot_add(&s->mmu, TOP_SLOT, base, TOP_PAGES, TOP_PFN, 0);
	model_gen_bump(s);
	r[1] = tdp_mmu_page_fault(&s->mmu, s->root, &s->cache, &f);
	r[2] = tdp_mmu_sim_access(&s->mmu, s->root, f.gpa, TDP_ACC_W);
	z = tdp_mmu_zap_gfn_range(&s->mmu, base, TDP_MAX_GFN + TOP_PAGES);
	r[3] = tdp_mmu_sim_access(&s->mmu, s->root, f.gpa, TDP_ACC_R);
	f.access = TDP_ACC_R | TDP_ACC_W;
	r[4] = tdp_mmu_page_fault(&s->mmu, s->root, &s->cache, &f);
	r[5] = tdp_memslot_delete(&s->mmu, TOP_SLOT);
	model_gen_bump(s);
	if (r[0] || r[1] || f.pfn != TOP_PFN + (g - base) || r[2] || !z ||
	    r[3] != -EFAULT || r[4] || r[5] ||
	    tdp_mmu_sim_access(&s->mmu, s->root, f.gpa, TDP_ACC_R) != -EFAULT)
		FAIL(s,
		     "top slot gfn 0x%llx: add %d fault %d pfn 0x%llx access %d zap %llu access %d fault %d delete %d",
		     g, r[0], r[1], f.pfn, r[2], z, r[3], r[4], r[5]);
	return compare_range(s, 0, TOP_PAGES);
}

static bool op_beyond(struct mmu_opseq *s, struct opseq_src *src)
{
	static const u64 lens[] = { 1, 0x200, 0x40000, 0x81000 };
	gfn_t t = TDP_MAX_GFN * (1 + pick(src, pick(src, 2) ? 1 : 1000)) +
		  pick_gfn(s, src);

	s->last_op = "beyond the width";
	if (!pick(src, 4))
		return top_slot(s, src);
	return beyond_ops(s, t, lens[pick(src, ARRAY_SIZE(lens))]);
}

typedef bool (*opseq_fn)(struct mmu_opseq *s, struct opseq_src *src);

static const struct {
	opseq_fn fn;
	unsigned int weight;
} ops[] = {
	{ op_fault, 520 },     { op_access, 120 },     { op_zap, 50 },
	{ op_young, 40 },      { op_split, 15 },       { op_recover, 15 },
	{ op_slot_add, 40 },   { op_slot_delete, 25 }, { op_slot_move, 25 },
	{ op_slot_flags, 60 }, { op_dirty_log, 80 },   { op_invalidate, 4 },
	{ op_zap_mmio, 6 },    { op_beyond, 8 },
};

bool opseq_step(struct mmu_opseq *s, struct opseq_src *src)
{
	unsigned int total = 0, i, c;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	c = (unsigned int)pick(src, total);
	for (i = 0; c >= ops[i].weight; i++)
		c -= ops[i].weight;
	s->nops++;
	s->op_counts[i]++;
	if (!ops[i].fn(s, src))
		return false;
	if (!(s->nops % 256))
		return opseq_check_all(s);
	return true;
}

int opseq_init(struct mmu_opseq *s, struct opseq_src *src)
{
	static const int levels[] = { 3, 3, 2, 1 };
	static const u64 gens[] = { 0, (1ULL << 19) - 40, 0x7ffffffffff80000ULL,
				    12345 };
	int r, i;

	memset(s, 0, sizeof(*s));
	mmu_fake_init(&s->fake);
	s->fake.sched_yield = false;
	tdp_mmu_default_config(&s->cfg);
	s->cfg.max_level = levels[pick(src, 4)];
	s->cfg.dirty_mode = pick(src, 2) ? TDP_DIRTY_DBIT : TDP_DIRTY_WRPROT;
	s->cfg.eager_split = pick(src, 2);
	s->cfg.initial_generation = gens[pick(src, 4)];
	s->cfg.yield_every = pick(src, 2) ? 0 : 1 + (u32)pick(src, 40);
	s->cfg.trace_pages = 1;
	s->gen = s->cfg.initial_generation;
	s->m = calloc(OPSEQ_UNIVERSE, sizeof(*s->m));
	r = mmu_fake_vm_create(&s->fake, &s->mmu, &s->cfg, &s->root);
	if (r)
		return r;
	tdp_mmu_cache_init(&s->cache, 0);
	for (i = 0; i < OPSEQ_NR_TEMPLATES; i++)
		if ((i != BIG_SLOT || pick(src, 2)) &&
		    !slot_add(s, i, tmpl[i].base[0]))
			return -EIO;
	return 0;
}

bool opseq_fini(struct mmu_opseq *s)
{
	u64 live;
	int i;

	tdp_mmu_cache_free(&s->mmu, &s->cache);
	mmu_fake_vm_destroy(&s->fake, &s->mmu, s->root);
	for (i = 0; i < OPSEQ_NR_TEMPLATES; i++)
		free(s->slots[i].bitmap);
	free(s->m);
	if (s->fake.double_frees || s->fake.bad_frees) {
		snprintf(s->err, sizeof(s->err), "%llu double / %llu bad frees",
			 s->fake.double_frees, s->fake.bad_frees);
		mmu_fake_destroy(&s->fake);
		return false;
	}
	live = mmu_fake_destroy(&s->fake);
	if (live) {
		snprintf(s->err, sizeof(s->err), "%llu pages leaked", live);
		return false;
	}
	return true;
}
