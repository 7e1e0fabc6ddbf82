// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU's EPT walker, simulated for the host tests: a guest access sets
 * A (and D) on the leaf by compare-exchange, or reports the exit the CPU
 * would take.  Built only for the host (TDP_HOSTED); the hypervisor image
 * holds none of it.
 */
#include "mmu/tdp_mmu_internal.h"

#ifdef TDP_HOSTED

/**
 * tdp_mmu_sim_access() - what the CPU's EPT walker does on a guest access:
 * set A (and D on a write) on the leaf, or report the exit it would take.
 * @mmu: the MMU.
 * @root: the root the access goes through.
 * @gpa: the guest-physical address.
 * @access: TDP_ACC_R/W/X.
 *
 * Never touches guest memory.
 * A and D are set by compare-exchange, so a frozen or changed SPTE is
 * never written.  Private leaves (mirror root) carry A and D already.
 *
 * Context: takes the read lock.
 * Return: 0 if the access is allowed; -EFAULT for an EPT violation
 * (no leaf, or missing permission); -EIO for an EPT misconfiguration (an
 * MMIO SPTE); -EINVAL for a GPA beyond the guest-physical width (48 bits,
 * or the shared bit plus one), which the CPU could not have issued.
 */
int tdp_mmu_sim_access(struct tdp_mmu *mmu, struct tdp_mmu_page *root,
		       gpa_t gpa, u64 access)
{
	gfn_t gfn = gpa >> PAGE_SHIFT;
	struct tdp_iter iter;
	int r = -EFAULT;
	u64 set;

	if (gfn >= tdp_gfn_limit(mmu))
		return -EINVAL;
	tdp_mmu_read_lock(mmu, 0);
	for_each_tdp_pte (iter, mmu, root->spt, gfn, gfn + 1) {
		if (is_mmio_spte(iter.old_spte)) {
			r = -EIO;
			break;
		}
		if (!is_shadow_present_pte(iter.old_spte) ||
		    !is_last_spte(iter.old_spte, iter.level))
			continue;
		if ((spte_access(iter.old_spte) & access) != access)
			break;
		set = SPTE_ACCESSED_MASK |
		      ((access & TDP_ACC_W) ? SPTE_DIRTY_MASK : 0);
		r = 0;
		while ((iter.old_spte & set) != set &&
		       !__atomic_compare_exchange_n(
			       iter.sptep, &iter.old_spte, iter.old_spte | set,
			       false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
			if (!is_shadow_present_pte(iter.old_spte) ||
			    (spte_access(iter.old_spte) & access) != access) {
				r = -EFAULT;
				break;
			}
		}
		break;
	}
	tdp_mmu_read_unlock(mmu, 0);
	return r;
}

#endif /* TDP_HOSTED */
