/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's page pool (hv/pool.c): the hv_mem region that boot/
 * allocated, identity-mapped, handed out in 4 KiB pages or in naturally
 * aligned runs (2 MiB for hot-added guest memory).  One bitmap, first fit.
 * Single CPU: a spinlock keeps it safe once APs exist.
 */
#ifndef TDP_HV_POOL_H
#define TDP_HV_POOL_H

#include "compiler.h"

void pool_init(u64 base, u64 size);

/**
 * pool_alloc_pages() - @n zeroed contiguous pages aligned to @align bytes.
 * Return: the address (identity-mapped: VA == PA), or NULL when no run is
 * free.
 */
void *pool_alloc_pages(u64 n, u64 align);
void *pool_alloc_page(void);
void pool_free_pages(void *va, u64 n);
u64 pool_free_count(void);
u64 pool_total_count(void);
/* One pointer of storage per pool page, for the MMU (mmu_ops.h). */
void **pool_page_private(u64 pa);

#endif /* TDP_HV_POOL_H */
