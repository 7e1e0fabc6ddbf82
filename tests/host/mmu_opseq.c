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

/* --- the model --- */

static int model_lookup(const struct mmu_opseq *s, gfn_t gfn)
{
	return model_slot_find(s->slots, OPSEQ_NR_TEMPLATES, gfn);
}

static int model_max_level(const struct mmu_opseq *s, int si, gfn_t gfn)
{
	const struct model_slot *ms = &s->slots[si];
	int l;

	if (ms->flags & TDP_MEMSLOT_LOG_DIRTY)
		return 1;
	for (l = s->cfg.max_level; l > 1; l--)
		if (model_slot_fits(ms, ROUND(gfn, l), l))
			return l;
	return 1;
}

static void model_mark_dirty(struct mmu_opseq *s, int si, gfn_t g)
{
	u64 off = g - s->slots[si].base;

	s->slots[si].bitmap[off / 64] |= 1ULL << (off % 64);
}

/*
 * D-bit mode: a leaf that goes away hands its D bit to the dirty bitmap
 * of the slot that logs it (the guest's writes must not be lost).
 */
static void model_leaf_dropped(void *ctx, gfn_t b, int l)
{
	struct mmu_opseq *s = ctx;
	gfn_t x;
	int si;

	if (s->cfg.dirty_mode != TDP_DIRTY_DBIT)
		return;
	for (x = b; x < b + PAGES(l); x++) {
		si = model_lookup(s, x);
		if (s->m[x].d && si >= 0 && s->slots[si].bitmap &&
		    s->m[x].pfn == model_slot_pfn(&s->slots[si], x))
			model_mark_dirty(s, si, x);
	}
}

/* --- comparing tables with the model --- */

static bool compare_leaf(struct mmu_opseq *s, u64 spte, gfn_t base, int l,
			 gfn_t lo, gfn_t hi, u64 *covered)
{
	gfn_t g = model_cmp_leaf(s->m, spte, base, l, lo, hi, covered);
	const struct model_ent *e = &s->m[g];

	if (g < hi)
		OPSEQ_FAIL(
			s,
			"gfn 0x%llx: table level %d spte 0x%llx; model kind %d level %d pfn 0x%llx w%d a%d d%d",
			g, l, spte, e->kind, e->level, e->pfn, e->w, e->a,
			e->d);
	return true;
}

static bool compare_range(struct mmu_opseq *s, gfn_t start, gfn_t end)
{
	u64 covered = 0, expected, spte;
	struct tdp_iter iter;
	gfn_t g;

	end = MIN(end, OPSEQ_UNIVERSE);
	expected = model_nr_mapped(s->m, start, end);
	for_each_tdp_pte (iter, &s->mmu, s->root->spt, start, end) {
		spte = iter.old_spte;
		if (is_mmio_spte(spte)) {
			const struct model_ent *e = &s->m[iter.gfn];

			if (!model_is_mmio(e, spte, iter.gfn))
				OPSEQ_FAIL(
					s,
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
				OPSEQ_FAIL(
					s,
					"gfn 0x%llx: model kind %d level %d, table has nothing (level %d spte 0x%llx)",
					g, s->m[g].kind, s->m[g].level, l,
					sp[l]);
		}
		OPSEQ_FAIL(
			s,
			"range 0x%llx-0x%llx: tables cover %llu gfns, model %llu",
			start, end, covered, expected);
	}
	return true;
}

bool opseq_check_all(struct opseq_run *run)
{
	struct mmu_opseq *s = container_of(run, struct mmu_opseq, run);
	struct tdp_mmu_check chk;

	if (!compare_range(s, 0, OPSEQ_UNIVERSE))
		return false;
	if (tdp_mmu_check_invariants(&s->mmu, &chk))
		OPSEQ_FAIL(s, "tdp_mmu_check_invariants failed (%d errors)",
			   chk.errors);
	return true;
}

/* --- operations: each runs the MMU, updates the model, compares --- */

static gfn_t pick_gfn(struct mmu_opseq *s, struct opseq_src *src)
{
	u64 c = opseq_pick(src, 100);
	int si = (int)opseq_pick(src, OPSEQ_NR_TEMPLATES);
	const struct model_slot *ms = &s->slots[si];

	if (si == BIG_SLOT && opseq_pick(src, 4))
		si = 0, ms = &s->slots[0];
	if (c < 70 && ms->present)
		return ms->base + opseq_pick(src, ms->npages);
	if (c < 80 && ms->present) /* around the edges */
		return ms->base + ms->npages - 2 + opseq_pick(src, 4);
	return opseq_pick(src, OPSEQ_UNIVERSE);
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
		model_relevel(s->m, gfn, l, l - 1);
	exp->level = goal;
	exp->pfn = model_slot_pfn(&s->slots[si], gfn);
	if (e->kind == M_LEAF && e->level == goal) {
		if (!write || e->w) {
			exp->result = TDP_FAULT_SPURIOUS;
			return true;
		}
		model_block_attr(s->m, gfn, 1, 1, 1);
		if (ms->flags & TDP_MEMSLOT_LOG_DIRTY)
			model_mark_dirty(s, si, ROUND(gfn, goal));
		exp->result = TDP_FAULT_FIXED;
		return true;
	}
	w = !(ms->flags & TDP_MEMSLOT_READONLY) &&
	    (write || !((ms->flags & TDP_MEMSLOT_LOG_DIRTY) &&
			s->cfg.dirty_mode == TDP_DIRTY_WRPROT));
	model_set_block(s->m, &s->slots[si], ROUND(gfn, goal), goal, w, 1,
			write);
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
	u64 acc = accs[opseq_pick(src, ARRAY_SIZE(accs))];
	struct tdp_fault f = { .gpa = gfn << PAGE_SHIFT |
				      opseq_pick(src, PAGE_SIZE),
			       .access = acc };
	struct tdp_fault exp = { 0 };
	int r, lvl;

	s->run.last_op = "fault";
	r = tdp_mmu_page_fault(&s->mmu, s->root, &s->cache, &f);
	if (r)
		OPSEQ_FAIL(s, "fault gfn 0x%llx acc %llu: %d", gfn, acc, r);
	model_fault(s, gfn, acc, &exp, &lvl);
	if (f.result != exp.result)
		OPSEQ_FAIL(s, "fault gfn 0x%llx acc %llu: result %d, model %d",
			   gfn, acc, f.result, exp.result);
	if (f.result <= TDP_FAULT_SPURIOUS &&
	    (f.level != exp.level || f.pfn != exp.pfn))
		OPSEQ_FAIL(
			s,
			"fault gfn 0x%llx: level %d pfn 0x%llx, model %d 0x%llx",
			gfn, f.level, f.pfn, exp.level, exp.pfn);
	return compare_range(s, ROUND(gfn, lvl), ROUND(gfn, lvl) + PAGES(lvl));
}

static bool op_access(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t gfn = pick_gfn(s, src);
	u64 acc = opseq_pick(src, 2) ? TDP_ACC_R : TDP_ACC_R | TDP_ACC_W;
	struct model_ent *e = &s->m[gfn];
	int r, exp;

	s->run.last_op = "access";
	r = tdp_mmu_sim_access(&s->mmu, s->root, gfn << PAGE_SHIFT, acc);
	if (e->kind == M_MMIO)
		exp = -EIO;
	else if (e->kind == M_NONE || ((acc & TDP_ACC_W) && !e->w))
		exp = -EFAULT;
	else
		exp = 0;
	if (r != exp)
		OPSEQ_FAIL(s, "access gfn 0x%llx: %d, model %d", gfn, r, exp);
	if (!exp)
		model_block_attr(s->m, gfn, -1, 1, (acc & TDP_ACC_W) ? 1 : -1);
	return exp ? true
		   : compare_range(s, ROUND(gfn, e->level),
				   ROUND(gfn, e->level) + PAGES(e->level));
}

static void pick_range(struct mmu_opseq *s, struct opseq_src *src, gfn_t *start,
		       gfn_t *end)
{
	u64 c = opseq_pick(src, 10);

	*start = pick_gfn(s, src);
	if (c == 0)
		*end = *start + opseq_pick(src, 0x40000);
	else if (c < 4)
		*end = *start + opseq_pick(src, 0x1000) + 1;
	else
		*end = *start + opseq_pick(src, 64) + 1;
	*end = MIN(*end, OPSEQ_UNIVERSE);
}

static bool op_zap(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t start, end;

	s->run.last_op = "zap";
	pick_range(s, src, &start, &end);
	tdp_mmu_zap_gfn_range(&s->mmu, start, end);
	model_zap(s->m, OPSEQ_UNIVERSE, start, end, model_leaf_dropped, s);
	return compare_range(s, ROUND(start, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

static bool op_young(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t start, end;
	u64 n, exp;

	s->run.last_op = "young";
	pick_range(s, src, &start, &end);
	n = tdp_mmu_test_and_clear_young(&s->mmu, start, end);
	exp = model_young(s->m, OPSEQ_UNIVERSE, start, end);
	if (n != exp)
		OPSEQ_FAIL(s, "young 0x%llx-0x%llx: %llu, model %llu", start,
			   end, n, exp);
	return compare_range(s, ROUND(start, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

static bool op_split(struct mmu_opseq *s, struct opseq_src *src)
{
	gfn_t start, end;
	int r;

	s->run.last_op = "split";
	pick_range(s, src, &start, &end);
	r = tdp_mmu_split_huge_pages(&s->mmu, start, end);
	if (r)
		OPSEQ_FAIL(s, "split: %d", r);
	model_split(s->m, OPSEQ_UNIVERSE, start, end);
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

		model_set_block(s->m, &s->slots[si], b, l, f.w, f.a, f.d);
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

	s->run.last_op = "recover";
	pick_range(s, src, &start, &end);
	if (opseq_pick(src, 2)) {
		int si = (int)opseq_pick(src, OPSEQ_NR_TEMPLATES);

		if (s->slots[si].present) {
			start = s->slots[si].base;
			end = start + s->slots[si].npages;
		}
	}
	n = tdp_mmu_recover_huge_pages(&s->mmu, start, end);
	exp = model_recover(s, start, end);
	if (n != exp)
		OPSEQ_FAIL(s, "recover 0x%llx-0x%llx: %llu, model %llu", start,
			   end, n, exp);
	return compare_range(s, ROUND(start, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

/* --- memslots --- */

static bool expect_rc(struct mmu_opseq *s, const char *what, int id, int r,
		      int exp)
{
	if (r != exp)
		OPSEQ_FAIL(s, "%s slot %d: %d, model %d", what, id, r, exp);
	return true;
}

static bool slot_add(struct mmu_opseq *s, int id, gfn_t base)
{
	struct model_slot *ms = &s->slots[id];
	int r, exp = 0;

	r = tdp_memslot_add(&s->mmu, (u16)id, base, tmpl[id].npages,
			    tmpl[id].pfn, tmpl[id].flags);
	if (ms->present || model_slots_overlap(s->slots, OPSEQ_NR_TEMPLATES,
					       base, tmpl[id].npages, -1))
		exp = -EEXIST;
	if (!expect_rc(s, "add", id, r, exp))
		return false;
	if (exp)
		return true;
	model_slot_fill(ms, base, tmpl[id].npages, tmpl[id].pfn,
			tmpl[id].flags);
	model_gen_bump(&s->gen, s->m, OPSEQ_UNIVERSE);
	return true;
}

static bool op_slot_add(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)opseq_pick(src, OPSEQ_NR_TEMPLATES), r;

	s->run.last_op = "memslot add";
	if (!opseq_pick(src, 16)) { /* bad arguments */
		r = tdp_memslot_add(&s->mmu, TDP_MAX_MEMSLOTS, 0, 1, 0, 0);
		if (!expect_rc(s, "add bad id", TDP_MAX_MEMSLOTS, r, -EINVAL))
			return false;
		r = tdp_memslot_add(&s->mmu, 9, 0x70000, 0, 0, 0);
		if (!expect_rc(s, "add 0 pages", 9, r, -EINVAL))
			return false;
		r = tdp_memslot_add(&s->mmu, 9, TDP_MAX_GFN - 1, 2, 0, 0);
		return expect_rc(s, "add beyond 48 bits", 9, r, -EINVAL);
	}
	return slot_add(s, id, tmpl[id].base[opseq_pick(src, 2)]);
}

static bool op_slot_delete(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)opseq_pick(src, OPSEQ_NR_TEMPLATES), r;
	struct model_slot *ms = &s->slots[id];
	gfn_t base = ms->base, end = ms->base + ms->npages;

	s->run.last_op = "memslot delete";
	if (id == BIG_SLOT && opseq_pick(src, 4))
		return true;
	r = tdp_memslot_delete(&s->mmu, (u16)id);
	if (!expect_rc(s, "delete", id, r, ms->present ? 0 : -ENOENT))
		return false;
	if (!ms->present)
		return true;
	model_zap(s->m, OPSEQ_UNIVERSE, base, end, model_leaf_dropped, s);
	free(ms->bitmap);
	memset(ms, 0, sizeof(*ms));
	model_gen_bump(&s->gen, s->m, OPSEQ_UNIVERSE);
	return compare_range(s, ROUND(base, 3),
			     MIN(ROUND(end - 1, 3) + PAGES(3), OPSEQ_UNIVERSE));
}

static bool op_slot_move(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)opseq_pick(src, OPSEQ_NR_TEMPLATES), r, exp = 0;
	struct model_slot *ms = &s->slots[id];
	gfn_t nb, old = ms->base;

	s->run.last_op = "memslot move";
	if (opseq_pick(src, 4))
		nb = tmpl[id].base[opseq_pick(src, 2)];
	else /* likely to overlap a neighbour */
		nb = tmpl[opseq_pick(src, OPSEQ_NR_TEMPLATES)].base[0] +
		     opseq_pick(src, 0x100);
	if (id == BIG_SLOT && opseq_pick(src, 4))
		return true;
	r = tdp_memslot_move(&s->mmu, (u16)id, nb);
	if (!ms->present)
		exp = -ENOENT;
	else if (model_slots_overlap(s->slots, OPSEQ_NR_TEMPLATES, nb,
				     ms->npages, id))
		exp = -EEXIST;
	if (!expect_rc(s, "move", id, r, exp))
		return false;
	if (exp || nb == old)
		return true;
	model_zap(s->m, OPSEQ_UNIVERSE, old, old + ms->npages,
		  model_leaf_dropped, s);
	ms->base = nb;
	model_gen_bump(&s->gen, s->m, OPSEQ_UNIVERSE);
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
		model_split(s->m, OPSEQ_UNIVERSE, ms->base, end);
	for (g = ms->base; g < end; g++) {
		if (s->m[g].kind != M_LEAF)
			continue;
		if (s->cfg.dirty_mode == TDP_DIRTY_DBIT && s->m[g].level == 1)
			s->m[g].d = 0;
		else if (s->cfg.dirty_mode == TDP_DIRTY_DBIT)
			model_block_attr(s->m, g, 0, -1, 0);
		else
			model_block_attr(s->m, g, 0, -1, -1);
		g = ROUND(g, s->m[g].level) + PAGES(s->m[g].level) - 1;
	}
}

static bool op_slot_flags(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)opseq_pick(src, OPSEQ_NR_TEMPLATES), r;
	struct model_slot *ms = &s->slots[id];
	u32 flags = ms->flags, old = ms->flags;
	gfn_t g;

	s->run.last_op = "memslot flags";
	if (id == BIG_SLOT && opseq_pick(src, 8))
		id = 0, ms = &s->slots[0], flags = old = ms->flags;
	if (opseq_pick(src, 5))
		flags ^= TDP_MEMSLOT_LOG_DIRTY;
	else
		flags ^= TDP_MEMSLOT_READONLY;
	if (!opseq_pick(src, 32)) {
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
	model_gen_bump(&s->gen, s->m, OPSEQ_UNIVERSE);
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
				model_block_attr(s->m, g, 0, -1, -1);
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
		model_block_attr(s->m, g, -1, -1, 0);
	}
}

static bool op_dirty_log(struct mmu_opseq *s, struct opseq_src *src)
{
	int id = (int)opseq_pick(src, OPSEQ_NR_TEMPLATES), r, exp = 0;
	struct model_slot *ms = &s->slots[id];
	u64 words = tmpl[id].npages / 64 + 1, *got, *want;

	s->run.last_op = "get dirty log";
	got = calloc(words, 8);
	want = calloc(words, 8);
	r = tdp_mmu_get_dirty_log(&s->mmu, (u16)id, got,
				  opseq_pick(src, 16) ? words : 0);
	if (!ms->present)
		exp = -ENOENT;
	else if (!(ms->flags & TDP_MEMSLOT_LOG_DIRTY) || r == -EINVAL)
		exp = -EINVAL;
	if (r != exp) {
		free(got);
		free(want);
		OPSEQ_FAIL(s, "get_dirty_log slot %d: %d, model %d", id, r,
			   exp);
	}
	if (!exp)
		model_harvest(s, id, want, (ms->npages + 63) / 64);
	if (!exp && memcmp(got, want, (ms->npages + 63) / 64 * 8)) {
		u64 i;

		for (i = 0; got[i] == want[i]; i++)
			;
		snprintf(s->run.err, sizeof(s->run.err),
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
	s->run.last_op = "invalidate roots";
	tdp_mmu_invalidate_roots(&s->mmu);
	if (tdp_mmu_root_is_valid(s->root))
		OPSEQ_FAIL(s, "root still valid after invalidate");
	tdp_mmu_put_root(&s->mmu, s->root);
	r = tdp_mmu_get_root(&s->mmu, TDP_ROOT_DIRECT, &s->root);
	if (r)
		OPSEQ_FAIL(s, "get_root: %d", r);
	model_zap(s->m, OPSEQ_UNIVERSE, 0, OPSEQ_UNIVERSE, model_leaf_dropped,
		  s);
	memset(s->m, 0, OPSEQ_UNIVERSE * sizeof(*s->m));
	return true;
}

static bool op_zap_mmio(struct mmu_opseq *s, struct opseq_src *src)
{
	u64 n = tdp_mmu_zap_all_mmio(&s->mmu),
	    exp = model_zap_mmio(s->m, OPSEQ_UNIVERSE);

	(void)src;
	s->run.last_op = "zap all mmio";
	if (n != exp)
		OPSEQ_FAIL(s, "zap_all_mmio: %llu, model %llu", n, exp);
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
		OPSEQ_FAIL(
			s,
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
	gfn_t base = TDP_MAX_GFN - TOP_PAGES,
	      g = base + opseq_pick(src, TOP_PAGES);
	struct tdp_fault f = { .gpa = g << PAGE_SHIFT,
			       .access = TDP_ACC_R | TDP_ACC_W };
	int r[6];
	u64 z;

	r[0] = tdp_memslot_add(&s->mmu, TOP_SLOT, base, TOP_PAGES, TOP_PFN, 0);
	model_gen_bump(&s->gen, s->m, OPSEQ_UNIVERSE);
	r[1] = tdp_mmu_page_fault(&s->mmu, s->root, &s->cache, &f);
	r[2] = tdp_mmu_sim_access(&s->mmu, s->root, f.gpa, TDP_ACC_W);
	z = tdp_mmu_zap_gfn_range(&s->mmu, base, TDP_MAX_GFN + TOP_PAGES);
	r[3] = tdp_mmu_sim_access(&s->mmu, s->root, f.gpa, TDP_ACC_R);
	f.access = TDP_ACC_R | TDP_ACC_W;
	r[4] = tdp_mmu_page_fault(&s->mmu, s->root, &s->cache, &f);
	r[5] = tdp_memslot_delete(&s->mmu, TOP_SLOT);
	model_gen_bump(&s->gen, s->m, OPSEQ_UNIVERSE);
	if (r[0] || r[1] || f.pfn != TOP_PFN + (g - base) || r[2] || !z ||
	    r[3] != -EFAULT || r[4] || r[5] ||
	    tdp_mmu_sim_access(&s->mmu, s->root, f.gpa, TDP_ACC_R) != -EFAULT)
		OPSEQ_FAIL(
			s,
			"top slot gfn 0x%llx: add %d fault %d pfn 0x%llx access %d zap %llu access %d fault %d delete %d",
			g, r[0], r[1], f.pfn, r[2], z, r[3], r[4], r[5]);
	return compare_range(s, 0, TOP_PAGES);
}

static bool op_beyond(struct mmu_opseq *s, struct opseq_src *src)
{
	static const u64 lens[] = { 1, 0x200, 0x40000, 0x81000 };
	gfn_t t = TDP_MAX_GFN *
			  (1 + opseq_pick(src, opseq_pick(src, 2) ? 1 : 1000)) +
		  pick_gfn(s, src);

	s->run.last_op = "beyond the width";
	if (!opseq_pick(src, 4))
		return top_slot(s, src);
	return beyond_ops(s, t, lens[opseq_pick(src, ARRAY_SIZE(lens))]);
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

bool opseq_step(struct opseq_run *run, struct opseq_src *src)
{
	struct mmu_opseq *s = container_of(run, struct mmu_opseq, run);
	unsigned int i = OPSEQ_NEXT_OP(run, src, ops);

	if (!ops[i].fn(s, src))
		return false;
	return run->nops % 256 || opseq_check_all(run);
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
	s->cfg.max_level = levels[opseq_pick(src, 4)];
	s->cfg.dirty_mode = opseq_pick(src, 2) ? TDP_DIRTY_DBIT
					       : TDP_DIRTY_WRPROT;
	s->cfg.eager_split = opseq_pick(src, 2);
	s->cfg.initial_generation = gens[opseq_pick(src, 4)];
	s->cfg.yield_every = opseq_pick(src, 2) ? 0
						: 1 + (u32)opseq_pick(src, 40);
	s->cfg.trace_pages = 1;
	s->gen = s->cfg.initial_generation;
	s->m = calloc(OPSEQ_UNIVERSE, sizeof(*s->m));
	r = mmu_fake_vm_create(&s->fake, &s->mmu, &s->cfg, &s->root);
	if (r)
		return r;
	tdp_mmu_cache_init(&s->cache, 0);
	for (i = 0; i < OPSEQ_NR_TEMPLATES; i++)
		if ((i != BIG_SLOT || opseq_pick(src, 2)) &&
		    !slot_add(s, i, tmpl[i].base[0]))
			return -EIO;
	return 0;
}

bool opseq_fini(struct opseq_run *run)
{
	struct mmu_opseq *s = container_of(run, struct mmu_opseq, run);
	u64 live;
	int i;

	tdp_mmu_cache_free(&s->mmu, &s->cache);
	mmu_fake_vm_destroy(&s->fake, &s->mmu, s->root);
	for (i = 0; i < OPSEQ_NR_TEMPLATES; i++)
		free(s->slots[i].bitmap);
	free(s->m);
	if (s->fake.double_frees || s->fake.bad_frees) {
		snprintf(s->run.err, sizeof(s->run.err),
			 "%llu double / %llu bad frees", s->fake.double_frees,
			 s->fake.bad_frees);
		mmu_fake_destroy(&s->fake);
		return false;
	}
	live = mmu_fake_destroy(&s->fake);
	if (live) {
		snprintf(s->run.err, sizeof(s->run.err), "%llu pages leaked",
			 live);
		return false;
	}
	return true;
}
