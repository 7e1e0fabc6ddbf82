// SPDX-License-Identifier: GPL-2.0
/*
 * TDP MMU primitives: auxiliary pages, page-table page descriptors, vCPU
 * page caches, TLB flushes, the deferred-free grace period and the MMU
 * locks around it, reclaim, and the trace ring.  Everything else in mmu/
 * stands on this file; it calls only the lock and S-EPT primitives.
 */
#include "string_util.h"
#include "mmu/tdp_mmu_internal.h"

#define SP_PER_SLAB (PAGE_SIZE / sizeof(struct tdp_mmu_page))
static_assert(sizeof(struct tdp_mmu_page) <= 64, "descriptor is small");

/* --- auxiliary pages (slab, memslot arrays, bitmaps, trace) --- */

void *tdp_aux_page_alloc(struct tdp_mmu *mmu)
{
	void *va = mmu->ops->alloc_page(mmu->opaque);

	if (va)
		__atomic_fetch_add(&mmu->nr_aux_pages, 1, __ATOMIC_RELAXED);
	return va;
}

void tdp_aux_page_free(struct tdp_mmu *mmu, void *va)
{
	if (!va)
		return;
	__atomic_fetch_sub(&mmu->nr_aux_pages, 1, __ATOMIC_RELAXED);
	mmu->ops->free_page(mmu->opaque, va);
}

/* --- descriptors --- */

static bool tdp_sp_slab_grow(struct tdp_mmu *mmu)
{
	struct tdp_mmu_page *slab = tdp_aux_page_alloc(mmu);
	unsigned int i;

	if (!slab)
		return false;
	slab[0].state = TDP_SP_SLAB;
	slab[0].next = mmu->sp_slabs;
	mmu->sp_slabs = slab;
	for (i = 1; i < SP_PER_SLAB; i++) {
		slab[i].state = TDP_SP_FREE;
		slab[i].next = mmu->sp_free;
		mmu->sp_free = &slab[i];
	}
	return true;
}

static struct tdp_mmu_page *tdp_sp_desc_alloc(struct tdp_mmu *mmu)
{
	struct tdp_mmu_page *sp = NULL;

	tdp_spin_lock(&mmu->sp_lock, mmu->ops->cpu_relax, mmu->opaque);
	if (mmu->sp_free || tdp_sp_slab_grow(mmu)) {
		sp = mmu->sp_free;
		mmu->sp_free = sp->next;
	}
	tdp_spin_unlock(&mmu->sp_lock);
	if (sp)
		memset(sp, 0, sizeof(*sp));
	return sp;
}

static void tdp_sp_desc_free(struct tdp_mmu *mmu, struct tdp_mmu_page *sp)
{
	sp->state = TDP_SP_FREE;
	tdp_spin_lock(&mmu->sp_lock, mmu->ops->cpu_relax, mmu->opaque);
	sp->next = mmu->sp_free;
	mmu->sp_free = sp;
	tdp_spin_unlock(&mmu->sp_lock);
}

/*
 * A new page-table page with its descriptor, every SPTE non-present
 * (SHADOW_NONPRESENT_VALUE).  Not linked anywhere yet.
 */
struct tdp_mmu_page *tdp_sp_alloc(struct tdp_mmu *mmu)
{
	struct tdp_mmu_page *sp = tdp_sp_desc_alloc(mmu);
	int i;

	if (!sp)
		return NULL;
	sp->spt = mmu->ops->alloc_page(mmu->opaque);
	if (!sp->spt) {
		tdp_sp_desc_free(mmu, sp);
		return NULL;
	}
	for (i = 0; i < SPTE_ENT_PER_PAGE; i++)
		sp->spt[i] = SHADOW_NONPRESENT_VALUE;
	sp->pa = mmu->ops->va_to_pa(mmu->opaque, sp->spt);
	*mmu->ops->page_private(mmu->opaque, sp->pa) = sp;
	sp->state = TDP_SP_CACHED;
	__atomic_fetch_add(&mmu->nr_tables, 1, __ATOMIC_RELAXED);
	return sp;
}

/* Free a page-table page nobody can reach (never linked, or after grace). */
void tdp_sp_free(struct tdp_mmu *mmu, struct tdp_mmu_page *sp)
{
	*mmu->ops->page_private(mmu->opaque, sp->pa) = NULL;
	mmu->ops->free_page(mmu->opaque, sp->spt);
	__atomic_fetch_sub(&mmu->nr_tables, 1, __ATOMIC_RELAXED);
	tdp_sp_desc_free(mmu, sp);
}

struct tdp_mmu_page *tdp_sp_from_pa(const struct tdp_mmu *mmu, hpa_t pa)
{
	struct tdp_mmu_page *sp = *mmu->ops->page_private(mmu->opaque, pa);

	ASSERT(sp && sp->pa == pa);
	return sp;
}

/* --- vCPU caches --- */

/**
 * tdp_mmu_cache_init() - prepare an empty page-table page cache.
 * @cache: the cache (one per vCPU or per faulting thread).
 * @shard: lock and stats shard of its owner (e.g. the vCPU index).
 */
void tdp_mmu_cache_init(struct tdp_mmu_cache *cache, unsigned int shard)
{
	memset(cache, 0, sizeof(*cache));
	cache->shard = shard;
}

/**
 * tdp_mmu_cache_topup() - fill a cache so a fault needs no allocation.
 * @mmu: the MMU.
 * @cache: the cache.
 * @min: pages wanted (at most TDP_MMU_CACHE_CAP).
 *
 * Context: no MMU lock needed; do not call with the lock held for write
 * (the platform allocator may be slow).
 * Return: 0, -EINVAL if @min exceeds the capacity, -ENOMEM if the platform
 * allocator ran dry (the cache keeps what it got).
 */
int tdp_mmu_cache_topup(struct tdp_mmu *mmu, struct tdp_mmu_cache *cache,
			int min)
{
	struct tdp_mmu_page *sp;

	if (min > TDP_MMU_CACHE_CAP)
		return -EINVAL;
	while (cache->nr < min) {
		sp = tdp_sp_alloc(mmu);
		if (!sp)
			return -ENOMEM;
		cache->pages[cache->nr++] = sp;
		__atomic_fetch_add(&mmu->nr_cached, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

struct tdp_mmu_page *tdp_cache_pop(struct tdp_mmu *mmu,
				   struct tdp_mmu_cache *cache)
{
	if (!cache->nr)
		return NULL;
	__atomic_fetch_sub(&mmu->nr_cached, 1, __ATOMIC_RELAXED);
	return cache->pages[--cache->nr];
}

void tdp_cache_push(struct tdp_mmu *mmu, struct tdp_mmu_cache *cache,
		    struct tdp_mmu_page *sp)
{
	ASSERT(cache->nr < TDP_MMU_CACHE_CAP);
	__atomic_fetch_add(&mmu->nr_cached, 1, __ATOMIC_RELAXED);
	cache->pages[cache->nr++] = sp;
}

/**
 * tdp_mmu_cache_free() - give back every page in a cache.
 * @mmu: the MMU.
 * @cache: the cache; empty afterwards.
 */
void tdp_mmu_cache_free(struct tdp_mmu *mmu, struct tdp_mmu_cache *cache)
{
	while (cache->nr)
		tdp_sp_free(mmu, tdp_cache_pop(mmu, cache));
}

/* --- the vCPU's MMU --- */

/**
 * tdp_mmu_vcpu_init() - prepare a vCPU's part of the MMU: an empty page
 * cache, no roots, an empty MMIO cache, zero counters.
 * @v: the vCPU's struct tdp_mmu_vcpu.
 * @shard: lock and stats shard of the vCPU (e.g. its index).
 */
void tdp_mmu_vcpu_init(struct tdp_mmu_vcpu *v, unsigned int shard)
{
	memset(v, 0, sizeof(*v));
	tdp_mmu_cache_init(&v->cache, shard);
	v->mmio_gpa = INVALID_GPA;
}

/**
 * tdp_mmu_vcpu_set_roots() - the roots a vCPU runs on from now.
 * @v: the vCPU.
 * @direct: its direct root (from tdp_mmu_get_root()), or NULL.
 * @mirror: its mirror root (private memory), or NULL.
 *
 * The caller keeps the references: it calls this whenever it loads roots
 * (and before it puts the old ones), and before the first fault.
 */
void tdp_mmu_vcpu_set_roots(struct tdp_mmu_vcpu *v, struct tdp_mmu_page *direct,
			    struct tdp_mmu_page *mirror)
{
	v->direct = direct;
	v->mirror = mirror;
}

/**
 * tdp_mmu_vcpu_destroy() - give back the vCPU's cached pages.
 * @mmu: the MMU.
 * @v: the vCPU; its roots are the caller's to put.
 */
void tdp_mmu_vcpu_destroy(struct tdp_mmu *mmu, struct tdp_mmu_vcpu *v)
{
	tdp_mmu_cache_free(mmu, &v->cache);
	v->direct = NULL;
	v->mirror = NULL;
	v->mmio_gpa = INVALID_GPA;
}

/* --- TLB flushes and the deferred-free grace period --- */

void tdp_mmu_flush_tlb(struct tdp_mmu *mmu)
{
	/* Bump first: a page unlinked from now on needs a later flush. */
	__atomic_fetch_add(&mmu->flush_seq, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&mmu->tlb_flushes, 1, __ATOMIC_RELAXED);
	mmu->ops->flush_tlb(mmu->opaque, INVALID_HPA);
}

void tdp_sp_defer_free(struct tdp_mmu *mmu, struct tdp_mmu_page *sp)
{
	struct tdp_mmu_page *head;

	sp->flush_seq = __atomic_load_n(&mmu->flush_seq, __ATOMIC_SEQ_CST);
	sp->state = TDP_SP_DEFERRED;
	head = __atomic_load_n(&mmu->deferred_sp, __ATOMIC_RELAXED);
	do {
		sp->next = head;
	} while (!__atomic_compare_exchange_n(&mmu->deferred_sp, &head, sp,
					      false, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	__atomic_fetch_add(&mmu->nr_deferred, 1, __ATOMIC_RELAXED);
}

static void tdp_free_memslots(struct tdp_mmu *mmu, struct tdp_memslots *s)
{
	u64 **dir = s->defer_dirty_dir;
	unsigned int i;

	if (dir) {
		for (i = 0; i < PAGE_SIZE / sizeof(u64 *) && dir[i]; i++)
			tdp_aux_page_free(mmu, dir[i]);
		tdp_aux_page_free(mmu, dir);
	}
	tdp_aux_page_free(mmu, s);
}

/*
 * Free what was unlinked before now, after a TLB flush if none has been
 * requested since the last unlink: MMU tables and S-EPT tables alike (the
 * CPU walks both and caches their entries).  Context: write lock held, so
 * no walker is inside the tables or the memslot arrays, and every flush
 * requested so far has completed.
 */
static void tdp_mmu_drain_deferred(struct tdp_mmu *mmu)
{
	struct tdp_mmu_page *sp, *next;
	struct tdp_memslots *s, *snext;
	u64 seq = __atomic_load_n(&mmu->flush_seq, __ATOMIC_SEQ_CST);
	bool sept = mmu->sept && sept_has_unlinked_tables(mmu->sept);
	bool flush = sept && __atomic_load_n(&mmu->sept_unlink_seq,
					     __ATOMIC_SEQ_CST) == seq;

	sp = __atomic_exchange_n(&mmu->deferred_sp, NULL, __ATOMIC_ACQUIRE);
	s = __atomic_exchange_n(&mmu->deferred_slots, NULL, __ATOMIC_ACQUIRE);
	for (next = sp; next; next = next->next)
		flush |= next->flush_seq == seq;
	/* The CPU may cache paging-structure entries of unlinked tables. */
	if (flush)
		tdp_mmu_flush_tlb(mmu);
	if (sept)
		sept_reclaim_tables(mmu->sept);
	for (; sp; sp = next) {
		next = sp->next;
		__atomic_fetch_sub(&mmu->nr_deferred, 1, __ATOMIC_RELAXED);
		tdp_stat_add(&mmu->stats[0].tables_freed, 1);
		tdp_sp_free(mmu, sp);
	}
	for (; s; s = snext) {
		snext = s->defer_next;
		tdp_free_memslots(mmu, s);
	}
}

void tdp_mmu_read_lock(struct tdp_mmu *mmu, unsigned int shard)
{
	tdp_read_lock(&mmu->lock, shard);
}

void tdp_mmu_read_unlock(struct tdp_mmu *mmu, unsigned int shard)
{
	tdp_read_unlock(&mmu->lock, shard);
}

void tdp_mmu_write_lock(struct tdp_mmu *mmu)
{
	tdp_write_lock(&mmu->lock);
	tdp_mmu_drain_deferred(mmu);
}

void tdp_mmu_write_unlock(struct tdp_mmu *mmu)
{
	tdp_mmu_drain_deferred(mmu);
	tdp_write_unlock(&mmu->lock);
}

/**
 * tdp_mmu_reclaim() - end a grace period now: free every page-table page
 * and memslot array unlinked so far.
 * @mmu: the MMU.
 *
 * Context: takes the MMU write lock; must not hold the MMU lock.
 */
void tdp_mmu_reclaim(struct tdp_mmu *mmu)
{
	tdp_mmu_write_lock(mmu);
	tdp_mmu_write_unlock(mmu);
}

void tdp_mmu_maybe_reclaim(struct tdp_mmu *mmu)
{
	if (__atomic_load_n(&mmu->nr_deferred, __ATOMIC_RELAXED) >
	    mmu->cfg.reclaim_threshold)
		tdp_mmu_reclaim(mmu);
}

/* --- the trace ring --- */

void tdp_trace_record(struct tdp_mmu *mmu, gfn_t gfn, int level, u64 old_spte,
		      u64 new_spte)
{
	u64 nr = (u64)mmu->trace_nr_pages * TDP_TRACE_PER_PAGE;
	struct tdp_trace_entry *e;
	u64 seq, idx;

	if (!nr)
		return;
	seq = __atomic_fetch_add(&mmu->trace_head, 1, __ATOMIC_RELAXED);
	idx = seq % nr;
	e = &mmu->trace[idx / TDP_TRACE_PER_PAGE][idx % TDP_TRACE_PER_PAGE];
	__atomic_store_n(&e->gfn, gfn, __ATOMIC_RELAXED);
	__atomic_store_n(&e->old_spte, old_spte, __ATOMIC_RELAXED);
	__atomic_store_n(&e->new_spte, new_spte, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq_level, seq << 3 | (u64)level,
			 __ATOMIC_RELEASE);
}
