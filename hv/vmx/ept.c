// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations and EPT misconfigurations: the VMX glue, as KVM's
 * handle_ept_violation() / handle_ept_misconfig().  Each reads the GPA and
 * the qualification from the VMCS and calls the MMU, which decides: it
 * chooses the mirror or the direct root from the GPA, tops up the page
 * cache, retries lost races, keeps the vCPU's MMIO cache and tests the
 * memslot generation (tdp_mmu_handle_fault(), tdp_mmu_handle_misconfig();
 * docs/mmu.md, "Using it").  What comes back is acted on here: RAM
 * is mapped and the guest re-executes; an access to a device is emulated
 * (vcpu_emulate_mmio(), emulate.c); a refusal stops the VM with its
 * reason; a misconfiguration on an SPTE that is not an MMIO SPTE is a
 * hypervisor bug: the EPT hierarchy for the GPA is printed, one line per
 * level, and the VM is stopped.
 */
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "errno_codes.h"
#include "x86.h"

/*
 * Accounts a fault the MMU handled (@r: its return value) and stops the
 * VM if it failed.
 * Returns true if f->result is to be acted on; false if the VM stopped, or
 * if a root went invalid under the fault (the run loop loads fresh roots
 * before the next entry and the guest repeats the access).
 */
static bool fault_done(struct vm *vm, gpa_t gpa, int r,
		       const struct tdp_fault *f)
{
	const char *side = f->private_gpa ? "private" : "shared";

	vm->stats.ept_retries += f->retries;
	if (vm->private_mem && f->private_gpa)
		vm->stats.private_faults++;
	else if (vm->private_mem)
		vm->stats.shared_faults++;
	switch (r) {
	case 0:
		if (f->mmio_installed)
			vm->stats.mmio_installed++;
		return true;
	case -EPERM:
		vm->stats.wrong_side_faults++;
		vm_stop(vm, VM_GUEST_ERROR,
			"%s access to GPA 0x%llx, but the page is %s: convert it with map_gpa first",
			side, gpa, f->private_gpa ? "shared" : "private");
		return false;
	case -ENOMEM:
		vm_stop(vm, VM_HV_ERROR,
			"hypervisor pool exhausted while mapping GPA 0x%llx (raise hv_mem)",
			gpa);
		return false;
	case -EAGAIN:
		if (!tdp_mmu_root_is_valid(vm->root) ||
		    (vm->mirror && !tdp_mmu_root_is_valid(vm->mirror)))
			return false;
		break;
	}
	vm_stop(vm, VM_HV_ERROR, "TDP MMU fault on %s GPA 0x%llx failed: %s",
		side, gpa, errno_name(r));
	return false;
}

static const char *access_str(u64 q)
{
	return q & EPT_VIOL_FETCH   ? "fetch"
	       : q & EPT_VIOL_WRITE ? "write"
				    : "read";
}

/* test_bad_spte_gpa: corrupt the leaf once the guest's fault mapped it. */
static void maybe_break_leaf(struct vm *vm, gpa_t gpa)
{
	gpa_t bad = vm->test_bad_spte_gpa;

	if (!bad || (gpa & PAGE_MASK) != (bad & PAGE_MASK) ||
	    tdp_mmu_gpa_is_private(&vm->mmu, gpa))
		return;
	if (!tdp_mmu_test_break_leaf(&vm->mmu, vm->root, gpa))
		pr_info("vm %s: test knob: EPT leaf for GPA 0x%llx given a reserved memory type",
			vm->name, gpa);
}

void vm_handle_ept_violation(struct vm *vm)
{
	gpa_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	u64 q = vmcs_readnat(VMCS_EXIT_QUALIFICATION);
	u64 access = q & (TDP_ACC_R | TDP_ACC_W | TDP_ACC_X);
	struct tdp_fault f;

	vm->stats.ept_faults++;
	if (access & TDP_ACC_W)
		access |= TDP_ACC_R;
	if (!fault_done(vm, gpa,
			tdp_mmu_handle_fault(&vm->mmu, &vm->vcpu.mmu, gpa,
					     access, &f),
			&f))
		return;
	switch (f.result) {
	case TDP_FAULT_MAPPED:
		maybe_break_leaf(vm, gpa);
		return;
	case TDP_FAULT_FIXED:
	case TDP_FAULT_SPURIOUS:
		return;
	case TDP_FAULT_MMIO:
		if (f.private_gpa) {
			vm_stop(vm, VM_GUEST_ERROR,
				"private %s of GPA 0x%llx at RIP 0x%llx: no memslot, and private GPAs have no MMIO (use the shared alias 0x%llx for devices)",
				access_str(q), gpa,
				vmcs_readnat(VMCS_GUEST_RIP),
				(gpa | vm->shared_mask));
			return;
		}
		if (vm->mmio_bus.contains(vm->mmio_bus.ctx,
					  gpa & ~vm->shared_mask, 1)) {
			vcpu_emulate_mmio(vm, gpa);
			return;
		}
		vm_stop(vm, VM_GUEST_ERROR,
			"guest %s of GPA 0x%llx at RIP 0x%llx is outside every memslot and device",
			access_str(q), gpa, vmcs_readnat(VMCS_GUEST_RIP));
		return;
	case TDP_FAULT_RO_WRITE:
		vm_stop(vm, VM_GUEST_ERROR,
			"guest write to read-only GPA 0x%llx", gpa);
		return;
	}
}

void vm_handle_ept_misconfig(struct vm *vm)
{
	gpa_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	struct tdp_fault f;
	u64 spte;

	switch (tdp_mmu_handle_misconfig(&vm->mmu, &vm->vcpu.mmu, gpa, &spte,
					 &f)) {
	case TDP_MISCONFIG_EMULATE:
		vcpu_emulate_mmio(vm, gpa);
		return;
	case TDP_MISCONFIG_FAULTED:
		/* A stale MMIO SPTE: the MMU ran the fault, which mapped RAM
		 * if a memslot appeared or installed a fresh MMIO SPTE; the
		 * guest re-executes the access either way. */
		fault_done(vm, gpa, f.error, &f);
		return;
	case TDP_MISCONFIG_NOT_MMIO:
		pr_err("vm %s: EPT misconfiguration on GPA 0x%llx whose SPTE 0x%llx is not an MMIO SPTE: hypervisor bug",
		       vm->name, gpa, spte);
		tdp_mmu_dump_walk(&vm->mmu, vm->root, gpa);
		vm_stop(vm, VM_HV_ERROR,
			"EPT misconfiguration on a non-MMIO SPTE at GPA 0x%llx",
			gpa);
		return;
	}
}
