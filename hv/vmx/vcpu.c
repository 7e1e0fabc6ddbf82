// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU's architectural state that lives in the current VMCS: retiring
 * an instruction (RIP and the STI / MOV-SS blocking that ends with it) and
 * queueing a hardware exception for the next VM entry.  Every exit handler
 * that completes or faults an instruction goes through here.
 */
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "x86.h"

/**
 * vcpu_retire() - the instruction at RIP completed; continue at @next_rip.
 * The interruptibility state's STI and MOV-SS blocking bits cover exactly
 * one instruction, so they end with it (SDM "Interruptibility State").
 */
void vcpu_retire(u64 next_rip)
{
	u32 intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	vmcs_writenat(VMCS_GUEST_RIP, next_rip);
	if (intr & 3)
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr & ~3u);
}

/* The instruction that caused the exit completed: skip it. */
void vcpu_advance_rip(struct vm *vm)
{
	(void)vm; /* the current VMCS is this VM's */
	vcpu_retire(vmcs_readnat(VMCS_GUEST_RIP) +
		    vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
}

/* Delivers a hardware exception to the guest at the next VM entry. */
void vcpu_inject_exception(u32 vector, bool has_error, u32 error)
{
	vmcs_write32(VMCS_ENTRY_INTR_INFO,
		     INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector |
			     (has_error ? INTR_INFO_DELIVER_CODE : 0));
	if (has_error)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error);
}

void vcpu_inject_gp(struct vm *vm)
{
	vcpu_inject_exception(13, true, 0);
	vm->stats.msr_gp_injected++;
}

/* The mode the guest's code runs in, for the decoder (SDM "IA-32e Mode"). */
enum x86_cpu_mode vcpu_cpu_mode(void)
{
	u32 ar = vmcs_read32(VMCS_GUEST_CS_AR);

	return x86_decode_cpu_mode(vmcs_readnat(VMCS_GUEST_CR0) & X86_CR0_PE,
				   vmcs_readnat(VMCS_GUEST_RFLAGS) &
					   X86_RFLAGS_VM,
				   vmcs_read64(VMCS_GUEST_EFER) & X86_EFER_LMA,
				   ar & X86_AR_L, ar & X86_AR_DB);
}
