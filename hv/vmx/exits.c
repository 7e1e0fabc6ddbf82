// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch (KVM vmx.c style): a designated-initializer table indexed
 * by basic exit reason, bounds-checked; a reason without a handler goes to
 * unexpected_exit(), which dumps the VMCS and stops that VM.  Guest
 * misbehaviour never stops the hypervisor: the guest gets a fault it would
 * get on hardware (#GP for an MSR outside the allow-list) or that guest
 * alone is stopped with a logged reason.
 */
#include "console.h"
#include "hv/cpu.h"
#include "hv/vm.h"
#include "hv/vmx/check/vmentry_check.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_ops.h"
#include "guest_abi.h"
#include "string_util.h"
#include "x86.h"

static u64 *gpr(struct vm *vm, unsigned int i)
{
	return &vm->vcpu.regs.regs[i];
}

/* An instruction tdpvisor does not offer (nested VMX, XSETBV, GETSEC):
 * #UD, as on a CPU without the feature (CPUID hides it). */
static void handle_ud(struct vm *vm)
{
	vcpu_inject_exception(6, false, 0);
	vm->stats.ud_injected++;
}

/* INVD: nothing is cached that the guest could lose; retire it. */
static void handle_invd(struct vm *vm)
{
	vcpu_advance_rip(vm);
}

static void handle_cpuid(struct vm *vm)
{
	u32 leaf = (u32)*gpr(vm, X86_GPR_RAX), sub = (u32)*gpr(vm, X86_GPR_RCX);
	u32 a, b, c, d;

	cpuid_count(leaf, sub, &a, &b, &c, &d);
	switch (leaf) {
	case 1:
		/* No nested VMX, no x2APIC/APIC, no XSAVE (no XSETBV
		 * emulation); say that a hypervisor is present. */
		c &= ~(X86_FEATURE_VMX_ECX | X86_FEATURE_X2APIC_ECX |
		       X86_FEATURE_XSAVE_ECX | X86_FEATURE_OSXSAVE_ECX);
		c |= X86_FEATURE_HYPERVISOR_ECX;
		d &= ~X86_FEATURE_APIC_EDX;
		break;
	case 0x40000000:
		a = 0x40000000;
		memcpy(&b, "TDPV", 4);
		memcpy(&c, "TDPV", 4);
		memcpy(&d, "TDPV", 4);
		break;
	}
	*gpr(vm, X86_GPR_RAX) = a;
	*gpr(vm, X86_GPR_RBX) = b;
	*gpr(vm, X86_GPR_RCX) = c;
	*gpr(vm, X86_GPR_RDX) = d;
	vcpu_advance_rip(vm);
}

static void handle_hlt(struct vm *vm)
{
	vcpu_advance_rip(vm);
	/* No interrupt is ever injected: HLT with IF=0 can never wake. */
	if (!(vmcs_readnat(VMCS_GUEST_RFLAGS) & X86_RFLAGS_IF))
		vm_stop(vm, VM_HALTED,
			"HLT with interrupts disabled at RIP 0x%llx",
			(vmcs_readnat(VMCS_GUEST_RIP) - 1));
	/* With IF=1 the vCPU would wait for an interrupt tdpvisor never
	 * sends; resuming at once is a spurious wake-up, which is legal. */
}

static bool is_canonical(u64 v)
{
	return (u64)((s64)(v << 16) >> 16) == v;
}

static bool pat_valid(u64 pat)
{
	for (int i = 0; i < 8; i++) {
		u8 t = (u8)(pat >> (i * 8));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

#define MSR_IA32_TSC 0x10
#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff

/* CR0, CR4 (guest views), EFER and the IA-32e entry control, from the VMCS. */
static struct vmcheck_cregs read_cregs(void)
{
	struct vmcheck_cregs c = {
		.cr0 = (vmcs_readnat(VMCS_GUEST_CR0) & ~X86_CR0_NE) |
		       (vmcs_readnat(VMCS_CR0_READ_SHADOW) & X86_CR0_NE),
		.cr4 = vmcs_readnat(VMCS_GUEST_CR4) & ~X86_CR4_VMXE,
		.efer = vmcs_read64(VMCS_GUEST_EFER),
		.ia32e_mode_guest = vmcs_read32(VMCS_ENTRY_CTLS) &
				    VM_ENTRY_IA32E_MODE,
		.cs_l = vmcs_read32(VMCS_GUEST_CS_AR) & X86_AR_L,
	};

	return c;
}

static void write_cregs(struct vm *vm, const struct vmcheck_cregs *c)
{
	u32 entry = vmcs_read32(VMCS_ENTRY_CTLS);

	vmcs_writenat(VMCS_GUEST_CR0, c->cr0 | X86_CR0_NE);
	vmcs_writenat(VMCS_CR0_READ_SHADOW, c->cr0);
	vmcs_writenat(VMCS_GUEST_CR4, c->cr4 | X86_CR4_VMXE);
	vmcs_writenat(VMCS_CR4_READ_SHADOW, c->cr4);
	vmcs_write64(VMCS_GUEST_EFER, c->efer);
	if (c->ia32e_mode_guest)
		entry |= VM_ENTRY_IA32E_MODE;
	else
		entry &= ~VM_ENTRY_IA32E_MODE;
	vmcs_write32(VMCS_ENTRY_CTLS, entry);
	vm->guest_state_changed = true;
}

/*
 * PAE paging (CR0.PG, CR4.PAE, EFER.LMA=0) entered by an emulated write:
 * with EPT, VM entry takes the PDPTEs from the VMCS, so load them from
 * CR3 as MOV to CR0/CR4 does (SDM "PDPTE Registers").  Returns false if
 * a present PDPTE has reserved bits set or CR3 is not RAM: #GP.
 */
static bool load_pdptes(struct vm *vm, const struct vmcheck_cregs *c)
{
	u64 rsvd = BIT_ULL(1) | BIT_ULL(2) | GENMASK_ULL(8, 5) |
		   ~GENMASK_ULL(cpu_phys_addr_bits() - 1, 0);
	u64 pdpte[4];
	const u64 *p;

	if (!(c->cr0 & X86_CR0_PG) || !(c->cr4 & X86_CR4_PAE) ||
	    (c->efer & X86_EFER_LMA))
		return true;
	p = vm_gpa_to_hva(vm, vmcs_readnat(VMCS_GUEST_CR3) & 0xffffffe0ULL,
			  sizeof(pdpte));
	if (!p)
		return false;
	memcpy(pdpte, p, sizeof(pdpte));
	for (int i = 0; i < 4; i++)
		if ((pdpte[i] & 1) && (pdpte[i] & rsvd))
			return false;
	vmcs_write64(VMCS_GUEST_PDPTE0, pdpte[0]);
	vmcs_write64(VMCS_GUEST_PDPTE1, pdpte[1]);
	vmcs_write64(VMCS_GUEST_PDPTE2, pdpte[2]);
	vmcs_write64(VMCS_GUEST_PDPTE3, pdpte[3]);
	return true;
}

/* The RDMSR allow-list: returns false for anything else (#GP). */
static bool msr_read(struct vm *vm, u32 msr, u64 *v)
{
	switch (msr) {
	case MSR_IA32_EFER:
		*v = vmcs_read64(VMCS_GUEST_EFER);
		return true;
	case MSR_IA32_PAT:
		*v = vmcs_read64(VMCS_GUEST_PAT);
		return true;
	case MSR_IA32_SYSENTER_CS:
		*v = vmcs_read32(VMCS_GUEST_SYSENTER_CS);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		*v = vmcs_readnat(VMCS_GUEST_SYSENTER_ESP);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		*v = vmcs_readnat(VMCS_GUEST_SYSENTER_EIP);
		return true;
	case MSR_FS_BASE:
		*v = vmcs_readnat(VMCS_GUEST_FS_BASE);
		return true;
	case MSR_GS_BASE:
		*v = vmcs_readnat(VMCS_GUEST_GS_BASE);
		return true;
	case MSR_KERNEL_GS_BASE:
		*v = vm->vcpu.kernel_gs_base;
		return true;
	case MSR_IA32_TSC:
		*v = rdtsc();
		return true;
	case MSR_IA32_PLATFORM_ID:
	case MSR_IA32_BIOS_SIGN_ID:
	case MSR_IA32_MTRRCAP:
		*v = 0;
		return true;
	case MSR_IA32_MTRR_DEF_TYPE:
		*v = 0x806;
		return true; /* on, WB */
	case MSR_IA32_MISC_ENABLE:
		*v = 1;
		return true; /* fast strings */
	}
	return false;
}

/* The WRMSR allow-list, with the checks hardware makes (#GP if not met). */
static bool msr_write(struct vm *vm, u32 msr, u64 v)
{
	switch (msr) {
	case MSR_IA32_EFER: {
		/* SDM: reserved bits and LME changes under paging #GP; LMA is
		 * read-only. */
		struct vmcheck_cregs c = read_cregs();

		if (vmcheck_efer_write(&c, v))
			return false;
		write_cregs(vm, &c);
		return true;
	}
	case MSR_IA32_PAT:
		if (!pat_valid(v))
			return false;
		vmcs_write64(VMCS_GUEST_PAT, v);
		return true;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(VMCS_GUEST_SYSENTER_CS, v);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writenat(VMCS_GUEST_SYSENTER_ESP, v);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writenat(VMCS_GUEST_SYSENTER_EIP, v);
		return true;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		if (!is_canonical(v))
			return false;
		if (msr == MSR_FS_BASE)
			vmcs_writenat(VMCS_GUEST_FS_BASE, v);
		else if (msr == MSR_GS_BASE)
			vmcs_writenat(VMCS_GUEST_GS_BASE, v);
		else
			vm->vcpu.kernel_gs_base = v;
		return true;
	case MSR_IA32_BIOS_SIGN_ID:
		return true; /* microcode update trigger: ignored */
	}
	return false;
}

static void handle_msr(struct vm *vm, bool write)
{
	u32 msr = (u32)*gpr(vm, X86_GPR_RCX);
	u64 v;

	if (write) {
		v = ((*gpr(vm, X86_GPR_RDX) & 0xffffffffULL) << 32) |
		    (*gpr(vm, X86_GPR_RAX) & 0xffffffffULL);
		if (!msr_write(vm, msr, v)) {
			pr_debug("vm %s: WRMSR 0x%x <- 0x%llx refused: #GP",
				 vm->name, msr, v);
			vcpu_inject_gp(vm);
			return;
		}
	} else {
		if (!msr_read(vm, msr, &v)) {
			pr_debug("vm %s: RDMSR 0x%x refused: #GP", vm->name,
				 msr);
			vcpu_inject_gp(vm);
			return;
		}
		*gpr(vm, X86_GPR_RAX) = (u32)v;
		*gpr(vm, X86_GPR_RDX) = v >> 32;
	}
	vcpu_advance_rip(vm);
}

static void handle_rdmsr(struct vm *vm)
{
	handle_msr(vm, false);
}

static void handle_wrmsr(struct vm *vm)
{
	handle_msr(vm, true);
}

/* MOV to CR0/CR4 that touches a host-owned bit (CR0.NE, CR4.VMXE). */
static void handle_cr_access(struct vm *vm)
{
	u64 q = vmcs_readnat(VMCS_EXIT_QUALIFICATION);
	unsigned int cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	u64 v = reg == X86_GPR_RSP ? vmcs_readnat(VMCS_GUEST_RSP)
				   : *gpr(vm, reg);
	struct vmcheck_cregs c;

	if (type != 0 || (cr != 0 && cr != 4)) {
		vm_stop(vm, VM_HV_ERROR,
			"unexpected control-register exit (qualification 0x%llx)",
			q);
		return;
	}
	c = read_cregs();
	if (cr == 0) {
		/* SDM "MOV—Move to/from Control Registers" and "Initializing
		 * IA-32e Mode": the #GP cases, and PG with EFER.LME switching
		 * IA-32e mode on or off (EFER.LMA, the IA-32e entry control). */
		if (vmcheck_cr0_write(&c, v)) {
			vcpu_inject_gp(vm);
			return;
		}
	} else {
		/* No nested VMX; reserved bits #GP as on hardware, and so does
		 * clearing PAE in IA-32e mode. */
		if ((v & X86_CR4_VMXE) ||
		    ((v | X86_CR4_VMXE) & ~vm->caps->cr4_fixed1) ||
		    vmcheck_cr4_write(&c, v)) {
			vcpu_inject_gp(vm);
			return;
		}
	}
	if (!load_pdptes(vm, &c)) {
		vcpu_inject_gp(vm);
		return;
	}
	write_cregs(vm, &c);
	vcpu_advance_rip(vm);
}

static void handle_vmcall(struct vm *vm)
{
	vm_handle_vmcall(vm);
}

static void handle_io(struct vm *vm)
{
	vm_handle_io(vm, vmcs_readnat(VMCS_EXIT_QUALIFICATION));
}

static void handle_triple_fault(struct vm *vm)
{
	vm_stop(vm, VM_TRIPLE_FAULT,
		"triple fault at RIP 0x%llx (CR0=0x%llx, IDTR limit %u)",
		vmcs_readnat(VMCS_GUEST_RIP), vmcs_readnat(VMCS_GUEST_CR0),
		vmcs_read32(VMCS_GUEST_IDTR_LIMIT));
}

static void unexpected_exit(struct vm *vm);

/*
 * External interrupts are held off (hv/main.c: TPR 15, PICs masked); one
 * that still arrives stays pending and would exit again at once, so a long
 * run of them stops the guest instead of livelocking it.
 */
#define INTERRUPT_STORM 100000

static void handle_external_interrupt(struct vm *vm)
{
	if (vm->stats.exits[EXIT_REASON_EXTERNAL_INTERRUPT] > INTERRUPT_STORM &&
	    vm->stats.exits[EXIT_REASON_EXTERNAL_INTERRUPT] >
		    64 * (vm->stats.hypercalls + vm->stats.ept_faults + 1))
		vm_stop(vm, VM_HV_ERROR,
			"external-interrupt storm: %llu exits (a host interrupt source tdpvisor cannot mask)",
			vm->stats.exits[EXIT_REASON_EXTERNAL_INTERRUPT]);
}

/* Exception or NMI: only NMIs exit (the exception bitmap is 0); an NMI is
 * not forwarded to the guest, so it is counted and dropped. */
static void handle_exception_nmi(struct vm *vm)
{
	u32 info = vmcs_read32(VMCS_EXIT_INTR_INFO);

	if (((info >> 8) & 7) != 2) { /* type 2: NMI */
		unexpected_exit(vm);
		return;
	}
	vm->stats.nmis++;
}

static void handle_preemption_timer(struct vm *vm)
{
	vm_stop(vm, VM_TIMEOUT,
		"run-time limit of %llu ms reached (RIP 0x%llx)",
		vm->run_limit_ms, vmcs_readnat(VMCS_GUEST_RIP));
}

static void handle_failed_entry(struct vm *vm)
{
	u32 reason = vmcs_read32(VMCS_EXIT_REASON) & 0xffff;

	vmcs_dump();
	vm_stop(vm, VM_ENTRY_FAILED,
		"VM entry failed: %s (exit reason %u, qualification %llu)",
		exit_reason_name(reason), reason,
		vmcs_readnat(VMCS_EXIT_QUALIFICATION));
}

static void unexpected_exit(struct vm *vm)
{
	u32 reason = vmcs_read32(VMCS_EXIT_REASON) & 0xffff;

	vmcs_dump();
	vm_stop(vm, VM_GUEST_ERROR,
		"unexpected VM exit: reason %u (%s) at RIP 0x%llx", reason,
		exit_reason_name(reason), vmcs_readnat(VMCS_GUEST_RIP));
}

typedef void (*exit_handler_t)(struct vm *vm);

static const exit_handler_t exit_handlers[EXIT_REASON_MAX] = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_MSR_READ] = handle_rdmsr,
	[EXIT_REASON_MSR_WRITE] = handle_wrmsr,
	[EXIT_REASON_INVALID_STATE] = handle_failed_entry,
	[EXIT_REASON_MSR_LOAD_FAIL] = handle_failed_entry,
	[EXIT_REASON_MCE_DURING_ENTRY] = handle_failed_entry,
	[EXIT_REASON_EPT_VIOLATION] = vm_handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = vm_handle_ept_misconfig,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_INVD] = handle_invd,
	[EXIT_REASON_GETSEC] = handle_ud,
	[EXIT_REASON_VMCLEAR] = handle_ud,
	[EXIT_REASON_VMLAUNCH] = handle_ud,
	[EXIT_REASON_VMPTRLD] = handle_ud,
	[EXIT_REASON_VMPTRST] = handle_ud,
	[EXIT_REASON_VMREAD] = handle_ud,
	[EXIT_REASON_VMRESUME] = handle_ud,
	[EXIT_REASON_VMWRITE] = handle_ud,
	[EXIT_REASON_VMXOFF] = handle_ud,
	[EXIT_REASON_VMXON] = handle_ud,
	[EXIT_REASON_INVEPT] = handle_ud,
	[EXIT_REASON_INVVPID] = handle_ud,
	[EXIT_REASON_XSETBV] = handle_ud,
};

void vm_handle_exit(struct vm *vm, u32 reason)
{
	u32 basic = reason & 0xffff;

	vm->stats.exits[basic < EXIT_REASON_MAX ? basic : EXIT_REASON_MAX]++;
	if (basic < EXIT_REASON_MAX && exit_handlers[basic])
		exit_handlers[basic](vm);
	else
		unexpected_exit(vm);
}
