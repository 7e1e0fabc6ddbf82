// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO SPTEs (docs/mmu.md, "MMIO SPTEs"): the MMU side of
 * EPT-misconfiguration handling.  An MMIO SPTE caches "no memslot here"
 * together with the memslot generation it was created under; it is
 * current only while that generation is, and no update is in progress.
 * When the 19-bit generation wraps, every MMIO SPTE is zapped so an old
 * one can never look current.
 *
 * tdp_mmu_handle_misconfig() (inline in tdp_mmu.h, its miss path here) is
 * the hypervisor's entry point for the exit: the vCPU's MMIO cache, then
 * the SPTE, then (stale) the fault path.
 */
#include "mmu/tdp_mmu_internal.h"

/**
 * tdp_mmu_mmio_spte_is_current() - may an MMIO SPTE be emulated at once?
 * @mmu: the MMU.
 * @spte: an SPTE (anything).
 *
 * The answer is only as fresh as @spte: a caller that read @spte without
 * holding the MMU lock across this call may judge an SPTE that a later
 * update zapped (tdp_mmu_classify_misconfig() holds the read lock across
 * both).
 *
 * Context: any (reads the current memslot generation locklessly).
 * Return: true if @spte is an MMIO SPTE of the current generation and no
 * memslot update is in progress.
 */
bool tdp_mmu_mmio_spte_is_current(const struct tdp_mmu *mmu, u64 spte)
{
	u64 gen = tdp_memslot_generation(mmu);

	if (!is_mmio_spte(spte) || (gen & TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS))
		return false;
	return get_mmio_spte_gen(spte) == tdp_memslots_mmio_gen(gen);
}

static bool tdp_spte_is_sane_leaf(u64 spte)
{
	return (spte & SPTE_EPT_READABLE) &&
	       (spte & SPTE_EPT_MEMTYPE_MASK) == SPTE_EPT_MEMTYPE_WB;
}

/**
 * tdp_mmu_classify_misconfig() - decide what an EPT misconfiguration at
 * @gpa means.
 * @mmu: the MMU.
 * @root: the root the vCPU ran on.
 * @gpa: the guest-physical address from the exit.
 * @spte_out: the lowest SPTE found (for the log); may be NULL.
 *
 * Context: takes the read lock; the SPTE and the generation are compared
 * before it is dropped.
 * Return: TDP_MISCONFIG_MMIO (current MMIO SPTE: emulate);
 * TDP_MISCONFIG_STALE (stale generation, update in progress, or the SPTE
 * changed since the exit: run tdp_mmu_page_fault()); TDP_MISCONFIG_BUG (a
 * present SPTE the CPU cannot accept: dump the walk and stop the VM).
 */
enum tdp_misconfig_kind tdp_mmu_classify_misconfig(struct tdp_mmu *mmu,
						   struct tdp_mmu_page *root,
						   gpa_t gpa, u64 *spte_out)
{
	gfn_t gfn = (gpa & ((1ULL << TDP_MAX_GPA_BITS) - 1)) >> PAGE_SHIFT;
	enum tdp_misconfig_kind kind = TDP_MISCONFIG_STALE;
	u64 sptes[TDP_ROOT_LEVEL + 1], spte;

	/*
	 * The SPTE and the generation are read under one read-lock hold: a
	 * generation change zaps MMIO SPTEs under the write lock before it
	 * clears UPDATE_IN_PROGRESS, so a current generation seen here is
	 * never newer than the SPTE.
	 */
	tdp_mmu_read_lock(mmu, 0);
	spte = sptes[tdp_walk_gfn(mmu, root->spt, gfn, sptes)];
	if (is_mmio_spte(spte)) {
		if (tdp_mmu_mmio_spte_is_current(mmu, spte))
			kind = TDP_MISCONFIG_MMIO;
	} else if (is_shadow_present_pte(spte) &&
		   !tdp_spte_is_sane_leaf(spte)) {
		kind = TDP_MISCONFIG_BUG;
	}
	tdp_mmu_read_unlock(mmu, 0);
	if (spte_out)
		*spte_out = spte;
	return kind;
}

/**
 * tdp_mmu_misconfig_miss() - an EPT misconfiguration that missed the
 * vCPU's MMIO cache: the out-of-line half of tdp_mmu_handle_misconfig()
 * (tdp_mmu.h), with its arguments and return values.
 *
 * Why the cache needs no lock: an entry (page, epoch) is filled only
 * here, when the epoch was read even (no memslot update in flight) and
 * then, under the read lock, a current MMIO SPTE was found for the page,
 * i.e. no memslot covered it.  Every update makes the epoch odd before it
 * publishes anything and even again after its last store, and the epoch
 * never goes back; so reading the same epoch again means no update has
 * begun since the entry was filled, the memslots are still those the
 * SPTE was judged against, and the page still has no memslot.  A
 * generation set back or wrapped cannot match an old entry: it is an
 * update, and bumps the epoch.  (2^64 bumps would be needed to see an
 * epoch twice.)
 *
 * The SPTE is classified (tdp_mmu_classify_misconfig(), under the read
 * lock): a current MMIO SPTE fills the cache and is emulated; a stale or
 * absent one, or one met while an update is in progress, runs the fault
 * path at once for a read (tdp_mmu_handle_fault(), as KVM's RET_PF_INVALID
 * falls through to the fault): it maps RAM if a memslot appeared, else
 * installs a fresh MMIO SPTE, and the guest re-executes the access (or
 * the caller emulates it at once when f->result is TDP_FAULT_MMIO).
 *
 * Context: takes the MMU read lock; must not hold the MMU lock.
 */
enum tdp_misconfig tdp_mmu_misconfig_miss(struct tdp_mmu *mmu,
					  struct tdp_mmu_vcpu *v, gpa_t gpa,
					  u64 *spte_out, struct tdp_fault *f)
{
	gpa_t page = gpa & PAGE_MASK;
	u64 epoch;

	if (spte_out)
		*spte_out = SHADOW_NONPRESENT_VALUE;
	v->mmio_walks++;
	v->mmio_gpa = INVALID_GPA;
	epoch = __atomic_load_n(&mmu->slots_epoch, __ATOMIC_SEQ_CST);
	switch (v->direct ? tdp_mmu_classify_misconfig(mmu, v->direct, gpa,
						       spte_out)
			  : TDP_MISCONFIG_STALE) {
	case TDP_MISCONFIG_MMIO:
		if (!(epoch & 1)) {
			v->mmio_gpa = page;
			v->mmio_epoch = epoch;
		}
		return TDP_MISCONFIG_EMULATE;
	case TDP_MISCONFIG_BUG:
		return TDP_MISCONFIG_NOT_MMIO;
	case TDP_MISCONFIG_STALE:
		break;
	}
	f->error = tdp_mmu_handle_fault(mmu, v, gpa, TDP_ACC_R, f);
	return TDP_MISCONFIG_FAULTED;
}

/* Context: write lock held.  Return: MMIO SPTEs zapped. */
u64 tdp_mmu_zap_all_mmio_locked(struct tdp_mmu *mmu)
{
	struct tdp_ctx ctx = { .mmu = mmu, .shared = false };
	struct tdp_mmu_page *root;
	struct tdp_iter iter;
	u64 zapped = 0;
	u32 i;

	for_each_direct_root (mmu, i, root) {
		ctx.root = root;
		for_each_tdp_pte (iter, mmu, root->spt, 0, TDP_MAX_GFN) {
			if (!is_mmio_spte(iter.old_spte))
				continue;
			(void)tdp_mmu_set_spte(&ctx, &iter,
					       SHADOW_NONPRESENT_VALUE);
			zapped++;
		}
	}
	return zapped;
}

/**
 * tdp_mmu_zap_all_mmio() - zap every MMIO SPTE (generation wrap).
 * @mmu: the MMU.
 *
 * No TLB flush: MMIO SPTEs are never cached as translations.
 *
 * Context: takes the write lock.
 * Return: the number of MMIO SPTEs zapped.
 */
u64 tdp_mmu_zap_all_mmio(struct tdp_mmu *mmu)
{
	u64 zapped;

	tdp_mmu_write_lock(mmu);
	zapped = tdp_mmu_zap_all_mmio_locked(mmu);
	tdp_mmu_write_unlock(mmu);
	return zapped;
}

/**
 * tdp_mmio_config_check() - refuse an MMIO SPTE encoding that another SPTE
 * kind could be mistaken for, or that could itself look present (a
 * generation bit in the MMU-present bit would make a stale MMIO SPTE look
 * present).  tdp_mmu_init() runs it on the real encoding; tests run it on
 * broken ones.
 * @value:    what is_mmio_spte() expects under @mask (SPTE_MMIO_VALUE).
 * @mask:     the bits is_mmio_spte() compares (SPTE_MMIO_MASK).
 * @gen_mask: where the generation is stored (MMIO_SPTE_GEN_MASK).
 *
 * Return: 0, or -EINVAL with the reason logged: a generation bit is the
 * MMU-present bit or overlaps the marker or GPA bits; @mask does not cover
 * the present bit or @value sets it (an MMIO SPTE could look present, or
 * a present one could look MMIO); FROZEN_SPTE or the non-present value
 * matches; @value is not an EPT misconfiguration (write without read);
 * @value has bits outside @mask.
 */
int tdp_mmio_config_check(u64 value, u64 mask, u64 gen_mask)
{
	const char *why = NULL;

	if (gen_mask & SPTE_MMU_PRESENT_MASK)
		why = "a generation bit is the MMU-present bit";
	else if (gen_mask & (mask | MMIO_SPTE_GPA_MASK))
		why = "generation bits overlap the marker or the GPA";
	else if (!(mask & SPTE_MMU_PRESENT_MASK) ||
		 (value & SPTE_MMU_PRESENT_MASK))
		why = "the marker does not keep the MMU-present bit clear";
	else if ((FROZEN_SPTE & mask) == value)
		why = "FROZEN_SPTE would look like an MMIO SPTE";
	else if ((SHADOW_NONPRESENT_VALUE & mask) == value)
		why = "a non-present SPTE would look like an MMIO SPTE";
	else if ((value & SPTE_EPT_READABLE) || !(value & SPTE_EPT_WRITABLE))
		why = "the marker is not write-without-read (no misconfig)";
	else if (value & ~mask)
		why = "the marker has bits outside its mask";
	if (!why)
		return 0;
	pr_err("MMIO SPTE encoding refused (value 0x%llx, mask 0x%llx, generation mask 0x%llx): %s",
	       value, mask, gen_mask, why);
	return -EINVAL;
}
