// SPDX-License-Identifier: GPL-2.0
/*
 * VMCS set-up for a guest entered like a multiboot kernel: 32-bit protected
 * mode, flat segments, paging off (SDM Vol. 3, 27.3 "Checks on the Guest
 * State Area" with unrestricted guest), and the VMCS dump used when an
 * entry fails or a VM stops on an unexpected exit.
 *
 * Every control is adjusted by the capability MSRs (TRUE_ variants when
 * IA32_VMX_BASIC[55] says so, which vmx_caps_probe() already chose).
 */
#include "boot_info.h"
#include "console.h"
#include "hv/cpu.h"
#include "hv/pool.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_ops.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86.h"

extern char vmx_exit[];

#define GUEST_CS_AR 0xc09b /* G, D, P, S, code exec/read accessed */
#define GUEST_DS_AR 0xc093 /* G, D/B, P, S, data read/write accessed */
#define GUEST_TR_AR 0x008b /* P, 32-bit busy TSS */
#define GUEST_PAT 0x0007040600070406ULL

static int adjust(const char *what, u64 cap, u32 want, u32 required, u32 *out)
{
	u32 missing;

	*out = (u32)vmx_adjust_controls(cap, want, &missing);
	if (missing & required) {
		pr_err("vmx: %s controls: required bits 0x%x not allowed by the CPU (allowed-1 0x%x)",
		       what, missing & required, (u32)(cap >> 32));
		return -ENODEV;
	}
	return 0;
}

static int setup_controls(struct vm *vm)
{
	const struct vmx_caps *c = vm->caps;
	u32 pin, proc, sec, exit, entry;
	u32 want_pin = PIN_BASED_EXT_INTR_EXITING | PIN_BASED_NMI_EXITING |
		       PIN_BASED_VIRTUAL_NMIS | PIN_BASED_PREEMPTION_TIMER;
	u32 want_proc = CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			CPU_BASED_USE_TSC_OFFSETTING | CPU_BASED_MWAIT_EXITING |
			CPU_BASED_MONITOR_EXITING | CPU_BASED_CR8_LOAD_EXITING |
			CPU_BASED_CR8_STORE_EXITING |
			CPU_BASED_ACTIVATE_SECONDARY;
	u32 want_sec = SECONDARY_EXEC_EPT | SECONDARY_EXEC_UNRESTRICTED |
		       SECONDARY_EXEC_VPID;
	u32 want_exit = VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_EFER |
			VM_EXIT_LOAD_EFER | VM_EXIT_SAVE_PAT |
			VM_EXIT_LOAD_PAT | VM_EXIT_SAVE_PREEMPTION_TIMER;
	u32 want_entry = VM_ENTRY_LOAD_EFER | VM_ENTRY_LOAD_PAT;

	if (adjust("pin-based", c->pinbased, want_pin,
		   PIN_BASED_EXT_INTR_EXITING, &pin) ||
	    adjust("processor-based", c->procbased, want_proc,
		   CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			   CPU_BASED_CR8_LOAD_EXITING |
			   CPU_BASED_CR8_STORE_EXITING |
			   CPU_BASED_ACTIVATE_SECONDARY,
		   &proc) ||
	    adjust("secondary", c->procbased2, want_sec,
		   SECONDARY_EXEC_EPT | SECONDARY_EXEC_UNRESTRICTED |
			   SECONDARY_EXEC_VPID,
		   &sec) ||
	    adjust("VM-exit", c->exit_ctls, want_exit,
		   VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_LOAD_EFER |
			   VM_EXIT_SAVE_EFER,
		   &exit) ||
	    adjust("VM-entry", c->entry_ctls, want_entry, VM_ENTRY_LOAD_EFER,
		   &entry))
		return -ENODEV;
	/*
	 * The preemption timer is the time base of every guest timer (vm_run()
	 * arms it at the platform's next deadline before each entry); without
	 * it, device time advances only at exits, and HLT sleeps in the host.
	 * The window exits must exist: without them an interrupt pending while
	 * the guest has IF=0 would never be delivered.
	 */
	if (!(pin & PIN_BASED_PREEMPTION_TIMER))
		pr_warn("vm %s: no VMX preemption timer: guest timers fire only at VM exits",
			vm->name);
	vm->virtual_nmis = pin & PIN_BASED_VIRTUAL_NMIS;
	vm->tsc_offsetting = proc & CPU_BASED_USE_TSC_OFFSETTING;
	if (!((c->procbased >> 32) & CPU_BASED_INTR_WINDOW_EXITING)) {
		pr_err("vmx: the CPU has no interrupt-window exiting");
		return -ENODEV;
	}
	vmcs_write32(VMCS_PIN_BASED_CTLS, pin);
	vmcs_write32(VMCS_PROC_BASED_CTLS, proc);
	vmcs_write32(VMCS_SECONDARY_PROC_BASED_CTLS, sec);
	vmcs_write32(VMCS_EXIT_CTLS, exit);
	vmcs_write32(VMCS_ENTRY_CTLS, entry);
	vmcs_write32(VMCS_EXCEPTION_BITMAP, 0);
	vmcs_write32(VMCS_PF_ERROR_CODE_MASK, 0);
	vmcs_write32(VMCS_PF_ERROR_CODE_MATCH, 0);
	vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	if (sec & SECONDARY_EXEC_VPID)
		vmcs_write16(VMCS_VPID, vm->vpid);
	vmcs_write64(VMCS_EPT_POINTER, vm->eptp);
	vmcs_write64(VMCS_TSC_OFFSET, 0);
	/*
	 * CR0.NE and CR4.VMXE must stay 1 under VMX; the guest sees them
	 * through the read shadows (0 for VMXE, its own choice for NE).
	 */
	vmcs_writenat(VMCS_CR0_GUEST_HOST_MASK, X86_CR0_NE);
	vmcs_writenat(VMCS_CR4_GUEST_HOST_MASK, X86_CR4_VMXE);
	return 0;
}

static void setup_host_state(void)
{
	struct cpu_host_tables t;

	cpu_host_tables(&t);
	vmcs_writenat(VMCS_HOST_CR0, read_cr0());
	vmcs_writenat(VMCS_HOST_CR3, read_cr3());
	vmcs_writenat(VMCS_HOST_CR4, read_cr4());
	vmcs_write16(VMCS_HOST_CS_SEL, GDT_SEL_CODE64);
	vmcs_write16(VMCS_HOST_SS_SEL, GDT_SEL_DATA);
	vmcs_write16(VMCS_HOST_DS_SEL, GDT_SEL_DATA);
	vmcs_write16(VMCS_HOST_ES_SEL, GDT_SEL_DATA);
	vmcs_write16(VMCS_HOST_FS_SEL, GDT_SEL_DATA);
	vmcs_write16(VMCS_HOST_GS_SEL, GDT_SEL_DATA);
	vmcs_write16(VMCS_HOST_TR_SEL, GDT_SEL_TSS);
	vmcs_writenat(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmcs_writenat(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmcs_writenat(VMCS_HOST_TR_BASE, t.tss_base);
	vmcs_writenat(VMCS_HOST_GDTR_BASE, t.gdt_base);
	vmcs_writenat(VMCS_HOST_IDTR_BASE, t.idt_base);
	vmcs_write32(VMCS_HOST_SYSENTER_CS, 0);
	vmcs_writenat(VMCS_HOST_SYSENTER_ESP, 0);
	vmcs_writenat(VMCS_HOST_SYSENTER_EIP, 0);
	vmcs_write64(VMCS_HOST_EFER, rdmsr(MSR_IA32_EFER));
	vmcs_write64(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_writenat(VMCS_HOST_RIP, (u64)(uintptr_t)vmx_exit);
	vmcs_writenat(VMCS_HOST_RSP, 0); /* vmx_enter() sets it */
}

#define GUEST_SEG(seg, sel, ar)                                      \
	do {                                                         \
		vmcs_write16(VMCS_GUEST_##seg##_SEL, sel);           \
		vmcs_writenat(VMCS_GUEST_##seg##_BASE, 0);           \
		vmcs_write32(VMCS_GUEST_##seg##_LIMIT, 0xffffffffU); \
		vmcs_write32(VMCS_GUEST_##seg##_AR, ar);             \
	} while (0)

/* test_vmentry_fail: make the next VM entry fail, one way or another. */
static void apply_vmentry_knob(struct vm *vm)
{
	u32 must_be_one = (u32)vm->caps->pinbased;

	switch (vm->test_vmentry_fail) {
	case TEST_VMENTRY_GUEST_STATE:
		/* SDM 27.3.1.4: RFLAGS bit 1 must be 1 (Bochs logs "VMENTER
		 * FAIL: RFLAGS[1] cleared"): exit reason 33. */
		pr_info("vm %s: test knob: clearing guest RFLAGS bit 1 so VM entry fails",
			vm->name);
		vmcs_writenat(VMCS_GUEST_RFLAGS, 0);
		break;
	case TEST_VMENTRY_CONTROL:
		/* SDM 27.2.1.1: reserved pin-based controls must keep their
		 * allowed-0 setting: VMfailValid, VM-instruction error 7. */
		if (!must_be_one) {
			pr_warn("vm %s: test knob: the CPU has no must-be-1 pin-based control to clear",
				vm->name);
			break;
		}
		pr_info("vm %s: test knob: clearing must-be-1 pin-based controls 0x%x so VM entry fails",
			vm->name, must_be_one);
		vmcs_write32(VMCS_PIN_BASED_CTLS,
			     vmcs_read32(VMCS_PIN_BASED_CTLS) & ~must_be_one);
		break;
	}
}

static void setup_guest_state(struct vm *vm, u32 entry, u32 eax, u32 ebx)
{
	GUEST_SEG(CS, 0x08, GUEST_CS_AR);
	GUEST_SEG(SS, 0x10, GUEST_DS_AR);
	GUEST_SEG(DS, 0x10, GUEST_DS_AR);
	GUEST_SEG(ES, 0x10, GUEST_DS_AR);
	GUEST_SEG(FS, 0x10, GUEST_DS_AR);
	GUEST_SEG(GS, 0x10, GUEST_DS_AR);
	vmcs_write16(VMCS_GUEST_LDTR_SEL, 0);
	vmcs_writenat(VMCS_GUEST_LDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_LDTR_LIMIT, 0);
	vmcs_write32(VMCS_GUEST_LDTR_AR, VMX_AR_UNUSABLE);
	vmcs_write16(VMCS_GUEST_TR_SEL, 0);
	vmcs_writenat(VMCS_GUEST_TR_BASE, 0);
	vmcs_write32(VMCS_GUEST_TR_LIMIT, 0xff);
	vmcs_write32(VMCS_GUEST_TR_AR, GUEST_TR_AR);
	vmcs_writenat(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, 0);
	vmcs_writenat(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, 0);

	/* Multiboot: CR0.PE=1, paging off (unrestricted guest allows it). */
	vmcs_writenat(VMCS_GUEST_CR0, X86_CR0_PE | X86_CR0_ET | X86_CR0_NE);
	vmcs_writenat(VMCS_CR0_READ_SHADOW, X86_CR0_PE | X86_CR0_ET);
	vmcs_writenat(VMCS_GUEST_CR3, 0);
	vmcs_writenat(VMCS_GUEST_CR4, X86_CR4_VMXE);
	vmcs_writenat(VMCS_CR4_READ_SHADOW, 0);
	vmcs_writenat(VMCS_GUEST_DR7, 0x400);
	vmcs_writenat(VMCS_GUEST_RSP, 0);
	vmcs_writenat(VMCS_GUEST_RIP, entry);
	vmcs_writenat(VMCS_GUEST_RFLAGS, X86_RFLAGS_FIXED);
	vmcs_writenat(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_writenat(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_writenat(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write64(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write64(VMCS_GUEST_PAT, GUEST_PAT);
	vmcs_write64(VMCS_GUEST_EFER, 0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);

	memset(&vm->vcpu.regs, 0, sizeof(vm->vcpu.regs));
	vm->vcpu.regs.regs[X86_GPR_RAX] = eax;
	vm->vcpu.regs.regs[X86_GPR_RBX] = ebx;
	apply_vmentry_knob(vm);
}

/**
 * vmcs_setup() - allocate, clear, load and fill the VMCS of @vm's vCPU.
 * Return: 0; -ENOMEM; -EIO when VMCLEAR/VMPTRLD fail; -ENODEV when the CPU
 * lacks a required control.
 */
int vmcs_setup(struct vm *vm, u32 entry, u32 eax, u32 ebx)
{
	u64 pa;
	int r;

	vm->vcpu.vmcs = pool_alloc_page();
	if (!vm->vcpu.vmcs)
		return -ENOMEM;
	*(u32 *)vm->vcpu.vmcs =
		(u32)(vm->caps->basic & VMX_BASIC_REVISION_MASK);
	pa = (u64)(uintptr_t)vm->vcpu.vmcs;
	r = vmclear_pa(pa);
	if (!r)
		r = vmptrld_pa(pa);
	if (r) {
		pr_err("vm %s: VMCLEAR/VMPTRLD of the VMCS at 0x%llx failed",
		       vm->name, pa);
		return -EIO;
	}
	vm->vcpu.launched = 0;
	r = setup_controls(vm);
	if (r)
		return r;
	setup_host_state();
	setup_guest_state(vm, entry, eax, ebx);
	return 0;
}

struct vmcs_dump_field {
	u16 field;
	const char *name;
};

#define F(x)                 \
	{                    \
		VMCS_##x, #x \
	}
static const struct vmcs_dump_field dump_fields[] = {
	F(INSTRUCTION_ERROR),
	F(EXIT_REASON),
	F(EXIT_QUALIFICATION),
	F(EXIT_INTR_INFO),
	F(IDT_VECTORING_INFO),
	F(EXIT_INSTRUCTION_LEN),
	F(GUEST_PHYSICAL_ADDRESS),
	F(GUEST_LINEAR_ADDRESS),
	F(PIN_BASED_CTLS),
	F(PROC_BASED_CTLS),
	F(SECONDARY_PROC_BASED_CTLS),
	F(EXIT_CTLS),
	F(ENTRY_CTLS),
	F(ENTRY_INTR_INFO),
	F(EXCEPTION_BITMAP),
	F(EPT_POINTER),
	F(VPID),
	F(LINK_POINTER),
	F(GUEST_CR0),
	F(CR0_READ_SHADOW),
	F(GUEST_CR3),
	F(GUEST_CR4),
	F(CR4_READ_SHADOW),
	F(GUEST_EFER),
	F(GUEST_PAT),
	F(GUEST_DR7),
	F(GUEST_RIP),
	F(GUEST_RSP),
	F(GUEST_RFLAGS),
	F(GUEST_INTERRUPTIBILITY),
	F(GUEST_ACTIVITY_STATE),
	F(GUEST_CS_SEL),
	F(GUEST_CS_BASE),
	F(GUEST_CS_LIMIT),
	F(GUEST_CS_AR),
	F(GUEST_SS_SEL),
	F(GUEST_SS_AR),
	F(GUEST_DS_SEL),
	F(GUEST_DS_AR),
	F(GUEST_ES_SEL),
	F(GUEST_ES_AR),
	F(GUEST_FS_SEL),
	F(GUEST_FS_AR),
	F(GUEST_GS_SEL),
	F(GUEST_GS_AR),
	F(GUEST_TR_SEL),
	F(GUEST_TR_BASE),
	F(GUEST_TR_LIMIT),
	F(GUEST_TR_AR),
	F(GUEST_LDTR_AR),
	F(GUEST_GDTR_BASE),
	F(GUEST_GDTR_LIMIT),
	F(GUEST_IDTR_BASE),
	F(GUEST_IDTR_LIMIT),
	F(HOST_CR0),
	F(HOST_CR3),
	F(HOST_CR4),
	F(HOST_RIP),
	F(HOST_RSP),
	F(HOST_CS_SEL),
	F(HOST_TR_SEL),
	F(HOST_TR_BASE),
	F(HOST_GDTR_BASE),
	F(HOST_IDTR_BASE),
	F(HOST_EFER),
};
#undef F

/* Prints the current VMCS, one field per line, errors in words. */
void vmcs_dump(void)
{
	pr_err("VMCS dump:");
	for (u32 i = 0; i < ARRAY_SIZE(dump_fields); i++) {
		u64 v;

		if (__vmcs_read(dump_fields[i].field, &v)) {
			pr_err("  %-28s (0x%04x) <unreadable>",
			       dump_fields[i].name, dump_fields[i].field);
			continue;
		}
		if (dump_fields[i].field == VMCS_INSTRUCTION_ERROR && v)
			pr_err("  %-28s %llu (%s)", dump_fields[i].name, v,
			       vmx_insn_error_name((u32)v));
		else if (dump_fields[i].field == VMCS_EXIT_REASON)
			pr_err("  %-28s 0x%llx (%s%s)", dump_fields[i].name, v,
			       exit_reason_name((u32)v & 0xffff),
			       v & EXIT_REASON_FAILED_ENTRY ? ", entry failed"
							    : "");
		else
			pr_err("  %-28s 0x%llx", dump_fields[i].name, v);
	}
}
