// SPDX-License-Identifier: GPL-2.0
/*
 * Page pool: a bitmap over the hv_mem region, bit set = page in use.  The
 * bitmap lives in the first pages of the region itself.  Freeing a page
 * not allocated (or twice) is a host bug and panics.
 */
#include "hv/pool.h"
#include "log.h"
#include "string_util.h"
#include "x86.h"

static u64 pool_base, pool_pages, pool_free;
static u64 *pool_map;
static void **pool_priv; /* one pointer per page (the MMU's page->private) */
static u32 pool_lock;

static void lock(void)
{
	while (__atomic_exchange_n(&pool_lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void unlock(void)
{
	__atomic_store_n(&pool_lock, 0, __ATOMIC_RELEASE);
}

static bool used(u64 i)
{
	return pool_map[i / 64] & BIT_ULL(i % 64);
}

static void mark(u64 i, bool on)
{
	if (on)
		pool_map[i / 64] |= BIT_ULL(i % 64);
	else
		pool_map[i / 64] &= ~BIT_ULL(i % 64);
}

void pool_init(u64 base, u64 size)
{
	u64 map_pages, priv_pages;

	pool_base = ALIGN_UP(base, PAGE_SIZE);
	pool_pages = (base + size - pool_base) >> PAGE_SHIFT;
	map_pages = ALIGN_UP(pool_pages, PAGE_SIZE * 8) / (PAGE_SIZE * 8);
	priv_pages = ALIGN_UP(pool_pages * sizeof(void *), PAGE_SIZE) >>
		     PAGE_SHIFT;
	pool_map = (u64 *)(uintptr_t)pool_base;
	pool_priv = (void **)(uintptr_t)(pool_base + (map_pages << PAGE_SHIFT));
	map_pages += priv_pages;
	memset(pool_map, 0, map_pages * PAGE_SIZE);
	for (u64 i = 0; i < map_pages; i++)
		mark(i, true);
	pool_free = pool_pages - map_pages;
}

void *pool_alloc_pages(u64 n, u64 align)
{
	u64 step = MAX(align >> PAGE_SHIFT, 1);
	u64 first = (ALIGN_UP(pool_base, MAX(align, PAGE_SIZE)) - pool_base) >>
		    PAGE_SHIFT;
	void *va;

	lock();
	for (u64 s = first; s + n <= pool_pages; s += step) {
		u64 k = 0;

		while (k < n && !used(s + k))
			k++;
		if (k < n)
			continue;
		for (k = 0; k < n; k++)
			mark(s + k, true);
		pool_free -= n;
		unlock();
		va = (void *)(uintptr_t)(pool_base + (s << PAGE_SHIFT));
		memset(va, 0, n << PAGE_SHIFT);
		return va;
	}
	unlock();
	return NULL;
}

void *pool_alloc_page(void)
{
	return pool_alloc_pages(1, PAGE_SIZE);
}

void pool_free_pages(void *va, u64 n)
{
	u64 pa = (u64)(uintptr_t)va, first = (pa - pool_base) >> PAGE_SHIFT;

	if (pa < pool_base || (pa & ~PAGE_MASK) || first + n > pool_pages)
		panic("pool: free of 0x%llx (%llu pages) outside the pool", pa,
		      n);
	lock();
	for (u64 k = 0; k < n; k++) {
		if (!used(first + k))
			panic("pool: double free of page 0x%llx",
			      (pa + (k << PAGE_SHIFT)));
		mark(first + k, false);
	}
	pool_free += n;
	unlock();
}

u64 pool_free_count(void)
{
	return pool_free;
}

u64 pool_total_count(void)
{
	return pool_pages;
}

void **pool_page_private(u64 pa)
{
	u64 i = (pa - pool_base) >> PAGE_SHIFT;

	if (pa < pool_base || i >= pool_pages)
		panic("pool: page_private(0x%llx) outside the pool", pa);
	return &pool_priv[i];
}
