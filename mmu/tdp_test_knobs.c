// SPDX-License-Identifier: GPL-2.0
/*
 * Test knobs: operations that exist only so that a test can drive the MMU
 * into a state no guest could reach, built into the hypervisor image
 * because its configuration knobs call them.  Nothing else in mmu/ calls
 * them.
 */
#include "mmu/tdp_mmu_internal.h"

/**
 * tdp_mmu_test_break_leaf() - test knob: give the leaf that maps @gpa a
 * reserved memory type (an EPT misconfiguration for the CPU), bypassing
 * the change handler, so the hypervisor's "misconfiguration on an SPTE that
 * is not an MMIO SPTE" path (hierarchy dump, VM stopped) can be exercised.
 * Used only by the test_bad_spte_gpa knob; the VM is stopped right after.
 * @mmu: the MMU.
 * @root: the root.
 * @gpa: a GPA mapped by a present leaf.
 *
 * Context: takes the write lock.
 * Return: 0, or -ENOENT when no present leaf maps @gpa.
 */
int tdp_mmu_test_break_leaf(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
			    gpa_t gpa)
{
	gfn_t gfn = (gpa & ((1ULL << TDP_MAX_GPA_BITS) - 1)) >> PAGE_SHIFT;
	struct tdp_iter iter;
	int r = -ENOENT;

	tdp_mmu_write_lock(mmu);
	for_each_tdp_pte (iter, mmu, root->spt, gfn, gfn + 1) {
		if (!is_shadow_present_pte(iter.old_spte) ||
		    !is_last_spte(iter.old_spte, iter.level))
			continue;
		/* Memory type 2 is reserved (SDM 29.3.3.1). */
		__atomic_store_n(iter.sptep,
				 (iter.old_spte & ~SPTE_EPT_MEMTYPE_MASK) |
					 (2ULL << SPTE_EPT_MEMTYPE_SHIFT),
				 __ATOMIC_RELEASE);
		r = 0;
	}
	tdp_mmu_write_unlock(mmu);
	if (!r)
		mmu->ops->flush_tlb(mmu->opaque, root->pa);
	return r;
}
