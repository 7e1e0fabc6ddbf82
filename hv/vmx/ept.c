// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations and EPT misconfigurations.
 *
 * EPT violation: hand the GPA to the TDP MMU fault path.  RAM gets mapped;
 * a GPA with no memslot gets an MMIO SPTE (RWX=110b: the next access is a
 * misconfiguration) and, if a device lives there, this first access is
 * emulated at once.
 *
 * EPT misconfiguration: an MMIO SPTE whose generation is current is
 * emulated without taking the fault path; the per-vCPU cache (last MMIO
 * page + generation) skips even the walk.  A stale generation (or an update
 * in progress) takes the fault path, which maps RAM if a memslot appeared
 * or installs a fresh MMIO SPTE.  A misconfiguration on an SPTE that is not
 * an MMIO SPTE is a hypervisor bug: the EPT hierarchy for the GPA is
 * printed, one line per level, and the VM is stopped.
 *
 * Both hand an access to a device to vcpu_emulate_mmio() (emulate.c).
 */
#include "boot_info.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86.h"

#define FAULT_RETRIES 1000

/* Runs the TDP MMU fault path for @gpa; returns false if the VM stopped. */
static bool mmu_fault(struct vm *vm, gpa_t gpa, u64 access, struct tdp_fault *f)
{
	/* Private GPAs (shared bit clear) fault into the mirror root. */
	bool private_gpa = vm->private_mem && !(gpa & vm->shared_mask);
	struct tdp_mmu_page *root = private_gpa ? vm->mirror : vm->root;
	int r = 0;

	for (int i = 0; i < FAULT_RETRIES; i++) {
		*f = (struct tdp_fault){ .gpa = gpa, .access = access };
		r = tdp_mmu_cache_topup(&vm->mmu, &vm->vcpu.mmu_cache,
					TDP_MMU_CACHE_CAP);
		if (!r)
			r = tdp_mmu_page_fault(&vm->mmu, root,
					       &vm->vcpu.mmu_cache, f);
		if (r != -EBUSY && r != -EAGAIN)
			break;
		vm->stats.ept_retries++;
	}
	if (vm->private_mem && private_gpa)
		vm->stats.private_faults++;
	else if (vm->private_mem)
		vm->stats.shared_faults++;
	if (r == -EPERM) {
		vm->stats.wrong_side_faults++;
		vm_stop(vm, VM_GUEST_ERROR,
			"%s access to GPA 0x%llx, but the page is %s: convert it with map_gpa first",
			private_gpa ? "private" : "shared", gpa,
			private_gpa ? "shared" : "private");
		return false;
	}
	if (r == -ENOMEM) {
		vm_stop(vm, VM_HV_ERROR,
			"hypervisor pool exhausted while mapping GPA 0x%llx (raise hv_mem)",
			gpa);
		return false;
	}
	if (r) {
		vm_stop(vm, VM_HV_ERROR,
			"TDP MMU fault on GPA 0x%llx failed: %s", gpa,
			errno_name(r));
		return false;
	}
	if (f->mmio_cached)
		vm->stats.mmio_installed++;
	return true;
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
	    (vm->private_mem && !(gpa & vm->shared_mask)))
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
	if (!mmu_fault(vm, gpa, access, &f))
		return;
	switch (f.result) {
	case TDP_FAULT_MAPPED:
		maybe_break_leaf(vm, gpa);
		return;
	case TDP_FAULT_FIXED:
	case TDP_FAULT_SPURIOUS:
		return;
	case TDP_FAULT_MMIO:
		if (vm->private_mem && !(gpa & vm->shared_mask)) {
			vm_stop(vm, VM_GUEST_ERROR,
				"private %s of GPA 0x%llx at RIP 0x%llx: no memslot, and private GPAs have no MMIO (use the shared alias 0x%llx for devices)",
				access_str(q), gpa,
				vmcs_readnat(VMCS_GUEST_RIP),
				(gpa | vm->shared_mask));
			return;
		}
		if (testdev_contains(gpa & ~vm->shared_mask, 1)) {
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
	u64 gen = tdp_memslot_generation(&vm->mmu), spte = 0;
	struct vcpu *v = &vm->vcpu;
	struct tdp_fault f;

	if ((gpa & PAGE_MASK) == v->mmio_gpa_cache &&
	    gen == v->mmio_gen_cache &&
	    !(gen & TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS)) {
		vm->stats.mmio_fast_hits++;
		vcpu_emulate_mmio(vm, gpa);
		return;
	}
	vm->stats.mmio_walks++;
	switch (tdp_mmu_classify_misconfig(&vm->mmu, vm->root, gpa, &spte)) {
	case TDP_MISCONFIG_MMIO:
		v->mmio_gpa_cache = gpa & PAGE_MASK;
		v->mmio_gen_cache = gen;
		vcpu_emulate_mmio(vm, gpa);
		return;
	case TDP_MISCONFIG_STALE:
		/* Maps RAM if a memslot appeared, else a fresh MMIO SPTE; the
		 * guest re-executes the access either way. */
		v->mmio_gpa_cache = INVALID_GPA;
		mmu_fault(vm, gpa, TDP_ACC_R, &f);
		return;
	case TDP_MISCONFIG_BUG:
		pr_err("vm %s: EPT misconfiguration on GPA 0x%llx whose SPTE 0x%llx is not an MMIO SPTE: hypervisor bug",
		       vm->name, gpa, spte);
		tdp_mmu_dump_walk(&vm->mmu, vm->root, gpa);
		vm_stop(vm, VM_HV_ERROR,
			"EPT misconfiguration on a non-MMIO SPTE at GPA 0x%llx",
			gpa);
		return;
	}
}
