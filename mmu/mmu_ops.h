/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMU's one window onto the platform.  The hypervisor fills it in on
 * the machine (identity-mapped page pool, INVEPT, PAUSE);
 * tests/host/mmu_fake.c fills it in on the host (aligned_alloc'ed pages
 * behind fake physical addresses).
 *
 * The MMU only ever dereferences its own page-table pages (through
 * pa_to_va) and its own bookkeeping pages; guest memory only to zero a
 * private page the S-EPT backend removed (struct sept_config).
 */
#ifndef TDP_MMU_OPS_H
#define TDP_MMU_OPS_H

#include "types.h"

struct tdp_mmu_ops {
	/*
	 * One zeroed, 4 KiB-aligned page, or NULL (the MMU returns -ENOMEM).
	 * Called with or without MMU locks held, from any thread.
	 */
	void *(*alloc_page)(void *opaque);
	/* Give back a page from alloc_page. */
	void (*free_page)(void *opaque, void *va);
	/* Address translation for pages from alloc_page. */
	hpa_t (*va_to_pa)(void *opaque, const void *va);
	void *(*pa_to_va)(void *opaque, hpa_t pa);
	/*
	 * One pointer of private storage per page from alloc_page (Linux's
	 * page->private): the MMU stores its descriptor of a table page here.
	 * NULL on a page just allocated; the platform need not clear it.
	 */
	void **(*page_private)(void *opaque, hpa_t pa);
	/*
	 * Flush guest-physical translations derived from the EPT hierarchy
	 * rooted at @root_pa (INVEPT single-context), or all (INVALID_HPA).
	 * Must be complete when it returns.
	 */
	void (*flush_tlb)(void *opaque, hpa_t root_pa);
	/* Spin-wait hint (PAUSE; sched_yield on the host).  May be NULL. */
	void (*cpu_relax)(void *opaque);
};

#endif /* TDP_MMU_OPS_H */
