// SPDX-License-Identifier: GPL-2.0
/*
 * TDP MMU lifetime: the default configuration, the checks of what
 * tdp_mmu_init() is given, and init/destroy, which set up and tear down
 * every other part (memslots, private memory, roots, the trace ring and
 * the descriptor slab).
 */
#include "string_util.h"
#include "mmu/tdp_mmu_internal.h"

/**
 * tdp_mmu_default_config() - the configuration the hypervisor uses
 * unless told otherwise.
 * @cfg: filled in.
 */
void tdp_mmu_default_config(struct tdp_mmu_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_level = TDP_LEVEL_1G;
	cfg->dirty_mode = TDP_DIRTY_WRPROT;
	cfg->eager_split = true;
	cfg->trace_pages = 2;
	cfg->reclaim_threshold = 64;
}

static int tdp_mmu_check_args(const struct tdp_mmu_ops *ops,
			      const struct tdp_mmu_config *cfg)
{
	if (!ops || !ops->alloc_page || !ops->free_page || !ops->va_to_pa ||
	    !ops->pa_to_va || !ops->page_private || !ops->flush_tlb)
		return -EINVAL;
	if (!cfg || cfg->max_level < TDP_LEVEL_4K ||
	    cfg->max_level > TDP_MAX_HUGE_LEVEL)
		return -EINVAL;
	if (cfg->dirty_mode != TDP_DIRTY_WRPROT &&
	    cfg->dirty_mode != TDP_DIRTY_DBIT)
		return -EINVAL;
	if (cfg->trace_pages > TDP_TRACE_MAX_PAGES)
		return -EINVAL;
	if (tdp_mmio_config_check(SPTE_MMIO_VALUE, SPTE_MMIO_MASK,
				  MMIO_SPTE_GEN_MASK))
		return -EINVAL;
	if (cfg->shared_bit && (cfg->shared_bit <= PAGE_SHIFT ||
				cfg->shared_bit >= TDP_MAX_GPA_BITS))
		return -EINVAL;
	return 0;
}

/**
 * tdp_mmu_init() - set up the MMU of one VM (no roots yet).
 * @mmu: storage provided by the caller (e.g. embedded in struct vm).
 * @ops: platform operations; must outlive @mmu.
 * @opaque: passed to every op.
 * @cfg: configuration (tdp_mmu_default_config() for defaults).
 *
 * Context: any; no other thread may use @mmu yet.
 * Return: 0; -EINVAL for a missing op or a bad configuration value (incl.
 * a shared_bit outside 13..47);
 * -ENOMEM if the trace ring, the first memslot array or (private memory)
 * the S-EPT backend or the hardware view cannot be allocated.
 */
int tdp_mmu_init(struct tdp_mmu *mmu, const struct tdp_mmu_ops *ops,
		 void *opaque, const struct tdp_mmu_config *cfg)
{
	u32 i;
	int r = tdp_mmu_check_args(ops, cfg);

	if (r)
		return r;
	memset(mmu, 0, sizeof(*mmu));
	mmu->ops = ops;
	mmu->opaque = opaque;
	mmu->cfg = *cfg;
	tdp_rwlock_init(&mmu->lock, ops->cpu_relax, opaque);
	for (i = 0; i < cfg->trace_pages; i++) {
		mmu->trace[i] = tdp_aux_page_alloc(mmu);
		if (!mmu->trace[i]) {
			r = -ENOMEM;
			goto err_trace;
		}
	}
	mmu->trace_nr_pages = cfg->trace_pages;
	r = tdp_memslots_init(mmu, cfg->initial_generation);
	if (r)
		goto err_trace;
	if (cfg->shared_bit) {
		r = tdp_private_init(mmu);
		if (r)
			goto err_slots;
	}
	return 0;

err_slots:
	tdp_memslots_destroy(mmu);

err_trace:
	while (i--)
		tdp_aux_page_free(mmu, mmu->trace[i]);
	mmu->trace_nr_pages = 0;
	return r;
}

/**
 * tdp_mmu_destroy() - tear down every root, memslot array and bookkeeping
 * page.
 * @mmu: the MMU; no vCPU may use it any more.
 *
 * Context: takes the write lock; no other thread may use @mmu afterwards.
 */
void tdp_mmu_destroy(struct tdp_mmu *mmu)
{
	struct tdp_mmu_page *root, *slab, *next;
	u32 i;

	tdp_mmu_write_lock(mmu);
	for_each_root (mmu, i, root)
		tdp_mmu_free_root_locked(mmu, root);
	tdp_mmu_write_unlock(mmu);
	tdp_memslots_destroy(mmu);
	tdp_mmu_reclaim(mmu);
	WARN_ON_ONCE(__atomic_load_n(&mmu->nr_tables, __ATOMIC_RELAXED) != 0);
	if (mmu->shared_gfn)
		tdp_private_destroy(mmu);
	for (i = 0; i < mmu->trace_nr_pages; i++)
		tdp_aux_page_free(mmu, mmu->trace[i]);
	mmu->trace_nr_pages = 0;
	for (slab = mmu->sp_slabs; slab; slab = next) {
		next = slab->next;
		tdp_aux_page_free(mmu, slab);
	}
	mmu->sp_slabs = NULL;
	mmu->sp_free = NULL;
	WARN_ON_ONCE(mmu->nr_aux_pages != 0);
}
