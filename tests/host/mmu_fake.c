// SPDX-License-Identifier: GPL-2.0
/*
 * Host fake platform for MMU tests (see mmu_fake.h).  No main().
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errno_codes.h"
#include "mmu_fake.h"

#if defined(__SANITIZE_ADDRESS__)
#define MMU_FAKE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MMU_FAKE_ASAN 1
#endif
#endif
#ifdef MMU_FAKE_ASAN
#include <sanitizer/asan_interface.h>
#define fake_poison(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define fake_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define fake_poison(p, n) ((void)(p), (void)(n))
#define fake_unpoison(p, n) ((void)(p), (void)(n))
#endif

#define CHUNK_BYTES (MMU_FAKE_CHUNK_PAGES * PAGE_SIZE)

void mmu_fake_init(struct mmu_fake *f)
{
	pthread_rwlockattr_t wa;

	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->fail_after = -1;
	f->sched_yield = true;
	pthread_mutex_init(&f->guest_lock, NULL);
	/* Writer-preferring: walkers that never stop must not starve flushes. */
	pthread_rwlockattr_init(&wa);
	pthread_rwlockattr_setkind_np(
		&wa, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&f->walk_lock, &wa);
	pthread_rwlockattr_destroy(&wa);
}

u64 mmu_fake_destroy(struct mmu_fake *f)
{
	u64 live = f->live;
	u32 i;

	for (i = 0; i < f->nr_chunks; i++) {
		fake_unpoison(f->chunks[i], CHUNK_BYTES);
		free(f->chunks[i]);
		free(f->descs[i]);
	}
	pthread_mutex_destroy(&f->lock);
	pthread_mutex_destroy(&f->guest_lock);
	pthread_rwlock_destroy(&f->walk_lock);
	free(f->guest);
	f->guest = NULL;
	return live;
}

void mmu_fake_fail_after(struct mmu_fake *f, s64 n, bool sticky)
{
	pthread_mutex_lock(&f->lock);
	f->fail_after = n;
	f->fail_sticky = sticky;
	pthread_mutex_unlock(&f->lock);
}

u64 mmu_fake_live(struct mmu_fake *f)
{
	u64 v;

	pthread_mutex_lock(&f->lock);
	v = f->live;
	pthread_mutex_unlock(&f->lock);
	return v;
}

u64 mmu_fake_flushes(struct mmu_fake *f)
{
	return __atomic_load_n(&f->flushes, __ATOMIC_RELAXED);
}

static struct mmu_fake_desc *fake_desc(struct mmu_fake *f, u32 idx)
{
	return &__atomic_load_n(&f->descs[idx / MMU_FAKE_CHUNK_PAGES],
				__ATOMIC_ACQUIRE)[idx % MMU_FAKE_CHUNK_PAGES];
}

static u8 *fake_va(struct mmu_fake *f, u32 idx)
{
	return __atomic_load_n(&f->chunks[idx / MMU_FAKE_CHUNK_PAGES],
			       __ATOMIC_ACQUIRE) +
	       (idx % MMU_FAKE_CHUNK_PAGES) * PAGE_SIZE;
}

static bool fake_grow(struct mmu_fake *f)
{
	u8 *chunk;
	struct mmu_fake_desc *d;

	if (f->nr_chunks == MMU_FAKE_MAX_CHUNKS)
		return false;
	chunk = aligned_alloc(CHUNK_BYTES, CHUNK_BYTES);
	d = calloc(MMU_FAKE_CHUNK_PAGES, sizeof(*d));
	if (!chunk || !d) {
		free(chunk);
		free(d);
		return false;
	}
	fake_poison(chunk, CHUNK_BYTES);
	__atomic_store_n(&f->descs[f->nr_chunks], d, __ATOMIC_RELEASE);
	__atomic_store_n(&f->chunks[f->nr_chunks], chunk, __ATOMIC_RELEASE);
	__atomic_store_n(&f->nr_chunks, f->nr_chunks + 1, __ATOMIC_RELEASE);
	return true;
}

static bool fake_should_fail(struct mmu_fake *f)
{
	if (f->fail_after < 0)
		return false;
	if (f->fail_after > 0) {
		f->fail_after--;
		return false;
	}
	if (!f->fail_sticky)
		f->fail_after = -1;
	f->injected_failures++;
	return true;
}

static u32 fake_reuse(struct mmu_fake *f)
{
	u32 idx = f->free_head - 1;

	f->free_head = fake_desc(f, idx)->next_free;
	if (!f->free_head)
		f->free_tail = 0;
	f->nr_free--;
	return idx;
}

static s64 fake_take_index(struct mmu_fake *f)
{
	bool fresh = f->next_fresh < f->nr_chunks * MMU_FAKE_CHUNK_PAGES;

	/* Reuse freed pages late and in FIFO order: more UAFs get caught. */
	if (f->free_head && f->nr_free > 1024)
		return fake_reuse(f);
	if (!fresh && !fake_grow(f))
		return f->free_head ? (s64)fake_reuse(f) : -1;
	return f->next_fresh++;
}

static void *fake_alloc_page(void *opaque)
{
	struct mmu_fake *f = opaque;
	struct mmu_fake_desc *d;
	s64 idx = -1;
	u8 *va;

	pthread_mutex_lock(&f->lock);
	if (!fake_should_fail(f))
		idx = fake_take_index(f);
	if (idx < 0) {
		pthread_mutex_unlock(&f->lock);
		return NULL;
	}
	d = fake_desc(f, (u32)idx);
	d->allocated = 1;
	d->priv = NULL;
	__atomic_store_n(&d->walked_gen, 0, __ATOMIC_RELAXED);
	f->allocs++;
	if (++f->live > f->peak_live)
		f->peak_live = f->live;
	va = fake_va(f, (u32)idx);
	fake_unpoison(va, PAGE_SIZE);
	memset(va, 0, PAGE_SIZE);
	pthread_mutex_unlock(&f->lock);
	return va;
}

static s64 fake_index_of(struct mmu_fake *f, const void *va)
{
	uintptr_t base = (uintptr_t)va & ~(uintptr_t)(CHUNK_BYTES - 1);
	u32 i, n = __atomic_load_n(&f->nr_chunks, __ATOMIC_ACQUIRE);

	if ((uintptr_t)va & (PAGE_SIZE - 1))
		return -1;
	for (i = 0; i < n; i++)
		if ((uintptr_t)__atomic_load_n(&f->chunks[i],
					       __ATOMIC_ACQUIRE) == base)
			return (s64)i * MMU_FAKE_CHUNK_PAGES +
			       (((uintptr_t)va - base) >> PAGE_SHIFT);
	return -1;
}

static void fake_free_page(void *opaque, void *va)
{
	struct mmu_fake *f = opaque;
	struct mmu_fake_desc *d;
	s64 idx;

	pthread_mutex_lock(&f->lock);
	idx = fake_index_of(f, va);
	if (idx < 0) {
		f->bad_frees++;
		goto out;
	}
	d = fake_desc(f, (u32)idx);
	if (!d->allocated) {
		f->double_frees++;
		fprintf(stderr, "mmu_fake: double free of page %p\n", va);
		goto out;
	}
	if (__atomic_load_n(&d->walked_gen, __ATOMIC_ACQUIRE) ==
		    __atomic_load_n(&f->flush_gen, __ATOMIC_ACQUIRE) + 1 &&
	    f->walked_frees++ < 8)
		fprintf(stderr,
			"mmu_fake: page %p freed, read by a walker since the last flush\n",
			va);
	d->allocated = 0;
	d->next_free = 0;
	if (f->free_tail)
		fake_desc(f, f->free_tail - 1)->next_free = (u32)idx + 1;
	else
		f->free_head = (u32)idx + 1;
	f->free_tail = (u32)idx + 1;
	f->frees++;
	f->nr_free++;
	f->live--;
	fake_poison(va, PAGE_SIZE);
out:
	pthread_mutex_unlock(&f->lock);
}

static hpa_t fake_va_to_pa(void *opaque, const void *va)
{
	s64 idx = fake_index_of(opaque, va);

	if (idx < 0) {
		fprintf(stderr, "mmu_fake: va_to_pa of unknown %p\n", va);
		abort();
	}
	return MMU_FAKE_PA_BASE + ((u64)idx << PAGE_SHIFT);
}

static void *fake_pa_to_va(void *opaque, hpa_t pa)
{
	return fake_va(opaque, (u32)((pa - MMU_FAKE_PA_BASE) >> PAGE_SHIFT));
}

static void **fake_page_private(void *opaque, hpa_t pa)
{
	return &fake_desc(opaque, (u32)((pa - MMU_FAKE_PA_BASE) >> PAGE_SHIFT))
			->priv;
}

static void fake_flush_tlb(void *opaque, hpa_t root_pa)
{
	struct mmu_fake *f = opaque;

	(void)root_pa;
	/* Complete only once every walk that began before it has ended. */
	pthread_rwlock_wrlock(&f->walk_lock);
	__atomic_fetch_add(&f->flush_gen, 1, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&f->walk_lock);
	__atomic_fetch_add(&f->flushes, 1, __ATOMIC_RELAXED);
}

static void fake_cpu_relax(void *opaque)
{
	struct mmu_fake *f = opaque;

	if (f->sched_yield)
		sched_yield();
	else
		__builtin_ia32_pause();
}

/* --- guest RAM tokens --- */

static struct mmu_fake_guest_ent *fake_guest_slot(struct mmu_fake *f, pfn_t pfn,
						  bool add)
{
	u64 i, h;

	if (!f->guest) {
		if (!add)
			return NULL;
		f->guest_cap = 1 << 18;
		f->guest = calloc(f->guest_cap, sizeof(*f->guest));
	}
	h = (pfn * 0x9e3779b97f4a7c15ULL) >> 40;
	for (i = 0; i < f->guest_cap; i++) {
		struct mmu_fake_guest_ent *e =
			&f->guest[(h + i) & (f->guest_cap - 1)];

		if (e->pfn == pfn + 1)
			return e;
		if (!e->pfn) {
			if (!add)
				return NULL;
			e->pfn = pfn + 1;
			return e;
		}
	}
	return NULL;
}

bool mmu_fake_guest_write(struct mmu_fake *f, pfn_t pfn, u64 val)
{
	struct mmu_fake_guest_ent *e;

	pthread_mutex_lock(&f->guest_lock);
	e = fake_guest_slot(f, pfn, true);
	if (e)
		e->val = val;
	pthread_mutex_unlock(&f->guest_lock);
	return e != NULL;
}

u64 mmu_fake_guest_read(struct mmu_fake *f, pfn_t pfn)
{
	struct mmu_fake_guest_ent *e;
	u64 v = 0;

	pthread_mutex_lock(&f->guest_lock);
	e = fake_guest_slot(f, pfn, false);
	if (e)
		v = e->val;
	pthread_mutex_unlock(&f->guest_lock);
	return v;
}

static void fake_clear_guest_page(void *opaque, pfn_t pfn)
{
	struct mmu_fake *f = opaque;
	struct mmu_fake_guest_ent *e;

	pthread_mutex_lock(&f->guest_lock);
	e = fake_guest_slot(f, pfn, false);
	if (e)
		e->val = 0;
	f->guest_zeroed++;
	pthread_mutex_unlock(&f->guest_lock);
}

u64 mmu_fake_walked_frees(struct mmu_fake *f)
{
	u64 v;

	pthread_mutex_lock(&f->lock);
	v = f->walked_frees;
	pthread_mutex_unlock(&f->lock);
	return v;
}

void mmu_fake_cpu_init(struct mmu_fake_cpu *c, struct mmu_fake *f)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
}

/* The walker reads the table at @pa: mark it (walk_lock held for read). */
static u64 *fake_walk_table(struct mmu_fake *f, hpa_t pa)
{
	u32 idx = (u32)((pa - MMU_FAKE_PA_BASE) >> PAGE_SHIFT);

	__atomic_store_n(&fake_desc(f, idx)->walked_gen,
			 __atomic_load_n(&f->flush_gen, __ATOMIC_ACQUIRE) + 1,
			 __ATOMIC_RELEASE);
	return fake_pa_to_va(f, pa);
}

/* The lowest cached non-leaf entry covering @gfn: its level, or 0. */
static int fake_psc_lookup(struct mmu_fake_cpu *c, u64 eptp, gfn_t gfn,
			   hpa_t *pa)
{
	int best = 0;
	u32 i;

	if (c->flush_gen !=
	    __atomic_load_n(&c->f->flush_gen, __ATOMIC_ACQUIRE)) {
		memset(c->psc, 0, sizeof(c->psc));
		c->flush_gen = c->f->flush_gen;
	}
	for (i = 0; i < MMU_FAKE_PSC_ENTRIES; i++) {
		const struct mmu_fake_psc_entry *e = &c->psc[i];

		if (e->level && e->eptp == eptp &&
		    e->gfn == (gfn & ~(tdp_pages_per_level(e->level) - 1)) &&
		    (!best || e->level < best)) {
			best = e->level;
			*pa = e->entry & SPTE_PFN_MASK;
		}
	}
	return best;
}

static void fake_psc_fill(struct mmu_fake_cpu *c, u64 eptp, gfn_t gfn,
			  int level, u64 entry)
{
	struct mmu_fake_psc_entry *e =
		&c->psc[c->next++ % MMU_FAKE_PSC_ENTRIES];

	e->eptp = eptp;
	e->gfn = gfn & ~(tdp_pages_per_level(level) - 1);
	e->level = level;
	e->entry = entry;
}

static bool fake_is_misconfig(u64 e)
{
	return (e & SPTE_EPT_RWX_MASK) == SPTE_EPT_WRITABLE ||
	       (e & SPTE_EPT_RWX_MASK) ==
		       (SPTE_EPT_WRITABLE | SPTE_EPT_EXECUTABLE);
}

/* Set A (and D) in an MMU leaf by compare-exchange, as the CPU does. */
static int fake_set_ad(u64 *ep, u64 e, u64 access)
{
	u64 set = SPTE_ACCESSED_MASK |
		  ((access & TDP_ACC_W) ? SPTE_DIRTY_MASK : 0);

	while ((e & SPTE_MMU_PRESENT_MASK) && (e & set) != set) {
		if (__atomic_compare_exchange_n(ep, &e, e | set, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			break;
		if ((e & access) != access || fake_is_misconfig(e))
			return -EFAULT;
	}
	return 0;
}

/* Context: walk_lock held for read. */
static int fake_walk(struct mmu_fake *f, struct mmu_fake_cpu *c, u64 eptp,
		     gpa_t gpa, u64 access, u64 *leaf, int *level)
{
	gfn_t gfn = gpa >> PAGE_SHIFT;
	hpa_t pa = eptp & SPTE_PFN_MASK;
	int l = (int)((eptp >> EPTP_PWL_SHIFT) & 7) + 1, cached;
	u64 e, *ep;

	if (c && (cached = fake_psc_lookup(c, eptp, gfn, &pa))) {
		c->hits++;
		l = cached - 1;
	}
	for (; l >= TDP_LEVEL_4K; l--) {
		ep = fake_walk_table(f, pa) + tdp_spte_index(gfn, l);
		e = __atomic_load_n(ep, __ATOMIC_ACQUIRE);
		if (!(e & SPTE_EPT_RWX_MASK))
			return -EFAULT;
		if (fake_is_misconfig(e))
			return -EIO;
		if ((e & access) != access)
			return -EFAULT;
		if (l == TDP_LEVEL_4K || (e & SPTE_LARGE_MASK)) {
			*leaf = e;
			*level = l;
			return access ? fake_set_ad(ep, e, access) : 0;
		}
		if (c)
			fake_psc_fill(c, eptp, gfn, l, e);
		pa = e & SPTE_PFN_MASK;
	}
	return -EFAULT;
}

int mmu_fake_hw_walk(struct mmu_fake *f, u64 eptp, gpa_t gpa, u64 *leaf,
		     int *level)
{
	int r;

	pthread_rwlock_rdlock(&f->walk_lock);
	r = fake_walk(f, NULL, eptp, gpa, 0, leaf, level);
	pthread_rwlock_unlock(&f->walk_lock);
	return r;
}

int mmu_fake_cpu_access(struct mmu_fake_cpu *c, u64 eptp, gpa_t gpa, u64 access,
			u64 *leaf, int *level)
{
	int r;

	pthread_rwlock_rdlock(&c->f->walk_lock);
	r = fake_walk(c->f, c, eptp, gpa, access & TDP_ACC_ALL, leaf, level);
	pthread_rwlock_unlock(&c->f->walk_lock);
	return r;
}

const struct tdp_mmu_ops mmu_fake_ops = {
	.alloc_page = fake_alloc_page,
	.free_page = fake_free_page,
	.va_to_pa = fake_va_to_pa,
	.pa_to_va = fake_pa_to_va,
	.page_private = fake_page_private,
	.flush_tlb = fake_flush_tlb,
	.cpu_relax = fake_cpu_relax,
};

void mmu_fake_clear_guest_page(void *opaque, pfn_t pfn)
{
	fake_clear_guest_page(opaque, pfn);
}

int mmu_fake_vm_create(struct mmu_fake *f, struct tdp_mmu *mmu,
		       const struct tdp_mmu_config *cfg,
		       struct tdp_mmu_page **root)
{
	struct tdp_mmu_config def;
	int r;

	if (cfg)
		def = *cfg;
	else
		tdp_mmu_default_config(&def);
	/* Private pages the S-EPT removes are zeroed in the token table. */
	if (!def.sept.clear_guest_page)
		def.sept.clear_guest_page = mmu_fake_clear_guest_page;
	r = tdp_mmu_init(mmu, &mmu_fake_ops, f, &def);
	if (r)
		return r;
	r = tdp_mmu_get_root(mmu, TDP_ROOT_DIRECT, root);
	if (r)
		tdp_mmu_destroy(mmu);
	return r;
}

int mmu_fake_vm_create_private(struct mmu_fake *f, struct tdp_mmu *mmu,
			       const struct tdp_mmu_config *cfg,
			       struct tdp_mmu_page **direct,
			       struct tdp_mmu_page **mirror)
{
	int r = mmu_fake_vm_create(f, mmu, cfg, direct);

	*mirror = NULL;
	if (r || !cfg || !cfg->shared_bit)
		return r;
	r = tdp_mmu_get_root(mmu, TDP_ROOT_MIRROR, mirror);
	if (r)
		mmu_fake_vm_destroy(f, mmu, *direct);
	return r;
}

void mmu_fake_vm_destroy(struct mmu_fake *f, struct tdp_mmu *mmu,
			 struct tdp_mmu_page *root)
{
	(void)f;
	if (root)
		tdp_mmu_put_root(mmu, root);
	tdp_mmu_destroy(mmu);
}
