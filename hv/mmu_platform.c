// SPDX-License-Identifier: GPL-2.0
/*
 * The TDP MMU's platform window on the machine (mmu/mmu_ops.h): page-table
 * pages come from the page pool, which is identity-mapped (VA == PA), and
 * a flush is an INVEPT.  Every MMU the hypervisor creates uses this one
 * table; only the opaque pointer differs:
 *   - a VM's MMU passes its struct vm: a flush of the VM's own root is a
 *     single-context INVEPT of its EPTP, any other root an all-context one;
 *   - the boot self-test passes NULL: no EPTP is loaded, so no CPU can
 *     cache its translations and a flush has nothing to do.
 */
#include "hv/pool.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "log.h"
#include "x86.h"

static void *mmu_alloc_page(void *opaque)
{
	(void)opaque;
	return pool_alloc_page();
}

static void mmu_free_page(void *opaque, void *va)
{
	(void)opaque;
	pool_free_pages(va, 1);
}

static hpa_t mmu_va_to_pa(void *opaque, const void *va)
{
	(void)opaque;
	return (hpa_t)(uintptr_t)va; /* identity-mapped */
}

static void *mmu_pa_to_va(void *opaque, hpa_t pa)
{
	(void)opaque;
	return (void *)(uintptr_t)pa;
}

static void **mmu_page_private(void *opaque, hpa_t pa)
{
	(void)opaque;
	return pool_page_private(pa);
}

static void mmu_flush_tlb(void *opaque, hpa_t root_pa)
{
	struct vm *vm = opaque;
	int r;

	if (!vm)
		return;
	if (vm->root && root_pa == tdp_mmu_root_hpa(vm->root))
		r = invept_single(vm->eptp);
	else
		r = invept_all();
	if (r)
		panic("INVEPT failed (root 0x%llx)", root_pa);
}

static void mmu_cpu_relax(void *opaque)
{
	(void)opaque;
	cpu_relax();
}

const struct tdp_mmu_ops hv_mmu_ops = {
	.alloc_page = mmu_alloc_page,
	.free_page = mmu_free_page,
	.va_to_pa = mmu_va_to_pa,
	.pa_to_va = mmu_pa_to_va,
	.page_private = mmu_page_private,
	.flush_tlb = mmu_flush_tlb,
	.cpu_relax = mmu_cpu_relax,
};
