// SPDX-License-Identifier: GPL-2.0
/*
 * The choice sources and the model edits both random-operation drivers
 * make (see model.h).  No main().
 */
#include <string.h>
#include "model.h"

#define PAGES(l) tdp_pages_per_level(l)
#define ROUND(g, l) tdp_gfn_round_for_level((g), (l))

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

u64 opseq_pick(struct opseq_src *src, u64 n)
{
	return n ? src->next(src) % n : 0;
}

/* Index @i of @weight as the operation tables lay them out. */
static unsigned int weight_at(const unsigned int *weight, size_t stride,
			      size_t i)
{
	return *(const unsigned int *)((const char *)weight + i * stride);
}

unsigned int opseq_next_op(struct opseq_run *run, struct opseq_src *src,
			   const unsigned int *weight, size_t stride, size_t nr)
{
	unsigned int total = 0, i, c;

	for (i = 0; i < nr; i++)
		total += weight_at(weight, stride, i);
	c = (unsigned int)opseq_pick(src, total);
	for (i = 0; c >= weight_at(weight, stride, i); i++)
		c -= weight_at(weight, stride, i);
	run->nops++;
	run->op_counts[i]++;
	return i;
}

/* --- memslots --- */

void model_slot_fill(struct model_slot *ms, gfn_t base, u64 npages, pfn_t pfn,
		     u32 flags)
{
	ms->present = true;
	ms->base = base;
	ms->npages = npages;
	ms->pfn = pfn;
	ms->flags = flags;
}

int model_slot_find(const struct model_slot *slots, int nr, gfn_t g)
{
	int i;

	for (i = 0; i < nr; i++)
		if (slots[i].present && g >= slots[i].base &&
		    g < slots[i].base + slots[i].npages)
			return i;
	return -1;
}

bool model_slots_overlap(const struct model_slot *slots, int nr, gfn_t base,
			 u64 npages, int skip)
{
	int i;

	for (i = 0; i < nr; i++)
		if (i != skip && slots[i].present &&
		    base < slots[i].base + slots[i].npages &&
		    slots[i].base < base + npages)
			return true;
	return false;
}

pfn_t model_slot_pfn(const struct model_slot *ms, gfn_t g)
{
	return ms->pfn + (g - ms->base);
}

bool model_slot_fits(const struct model_slot *ms, gfn_t b, int level)
{
	return b >= ms->base && b + PAGES(level) <= ms->base + ms->npages &&
	       !((ms->pfn - ms->base) & (PAGES(level) - 1));
}

/* --- edits --- */

void model_set_block(struct model_ent *m, const struct model_slot *ms, gfn_t b,
		     int level, u8 w, u8 a, u8 d)
{
	gfn_t g;

	for (g = b; g < b + PAGES(level); g++) {
		struct model_ent *e = &m[g];

		e->kind = M_LEAF;
		e->level = (u8)level;
		e->w = w;
		e->a = a;
		e->d = d;
		e->pfn = model_slot_pfn(ms, g);
	}
}

void model_block_attr(struct model_ent *m, gfn_t g, int w, int a, int d)
{
	int l = m[g].level;
	gfn_t b = ROUND(g, l), x;

	for (x = b; x < b + PAGES(l); x++) {
		if (w >= 0)
			m[x].w = (u8)w;
		if (a >= 0)
			m[x].a = (u8)a;
		if (d >= 0)
			m[x].d = (u8)d;
	}
}

void model_relevel(struct model_ent *m, gfn_t g, int from, int to)
{
	gfn_t b = ROUND(g, from), x;

	for (x = b; x < b + PAGES(from); x++)
		m[x].level = (u8)to;
}

void model_zap(struct model_ent *m, u64 n, gfn_t start, gfn_t end,
	       void (*dropped)(void *ctx, gfn_t b, int level), void *ctx)
{
	gfn_t g, b, x;

	for (g = start; g < MIN(end, n); g++) {
		if (m[g].kind == M_MMIO) {
			m[g].kind = M_NONE;
		} else if (m[g].kind == M_LEAF) {
			b = ROUND(g, m[g].level);
			if (dropped)
				dropped(ctx, b, m[g].level);
			for (x = b + PAGES(m[g].level); b < x; b++)
				m[b].kind = M_NONE;
		}
	}
}

u64 model_zap_mmio(struct model_ent *m, u64 n)
{
	u64 g, nr = 0;

	for (g = 0; g < n; g++)
		if (m[g].kind == M_MMIO) {
			m[g].kind = M_NONE;
			nr++;
		}
	return nr;
}

void model_gen_bump(u64 *gen, struct model_ent *m, u64 n)
{
	(*gen)++;
	if (!(*gen & MMIO_GEN_MASK))
		model_zap_mmio(m, n);
}

u64 model_young(struct model_ent *m, u64 n, gfn_t start, gfn_t end)
{
	u64 young = 0;
	gfn_t g;

	for (g = start; g < MIN(end, n); g++) {
		if (m[g].kind != M_LEAF)
			continue;
		if (m[g].a) {
			young++;
			model_block_attr(m, g, -1, 0, -1);
		}
		g = ROUND(g, m[g].level) + PAGES(m[g].level) - 1;
	}
	return young;
}

void model_split(struct model_ent *m, u64 n, gfn_t start, gfn_t end)
{
	gfn_t g;
	int l;

	for (l = 3; l > 1; l--)
		for (g = start; g < MIN(end, n); g++) {
			if (m[g].kind != M_LEAF)
				continue;
			if (m[g].level == l)
				model_relevel(m, g, l, l - 1);
			g = ROUND(g, m[g].level) + PAGES(m[g].level) - 1;
		}
}

u64 model_nr_mapped(const struct model_ent *m, gfn_t start, gfn_t end)
{
	u64 nr = 0;
	gfn_t g;

	for (g = start; g < end; g++)
		nr += m[g].kind != M_NONE;
	return nr;
}

/* --- comparing tables with the model --- */

gfn_t model_cmp_leaf(const struct model_ent *m, u64 spte, gfn_t base, int level,
		     gfn_t lo, gfn_t hi, u64 *covered)
{
	gfn_t g;

	for (g = lo; g < hi; g++) {
		const struct model_ent *e = &m[g];

		if (e->kind != M_LEAF || e->level != level ||
		    e->pfn != spte_to_pfn(spte) + (g - base) ||
		    e->w != is_writable_pte(spte) ||
		    e->a != is_accessed_spte(spte) ||
		    e->d != is_dirty_spte(spte))
			return g;
		(*covered)++;
	}
	return hi;
}

bool model_is_mmio(const struct model_ent *e, u64 spte, gfn_t gfn)
{
	return e->kind == M_MMIO && e->gen == get_mmio_spte_gen(spte) &&
	       get_mmio_spte_gfn(spte) == gfn;
}
