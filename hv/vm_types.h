/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM and vCPU structures (no .c of its own; the functions that act on
 * them are declared in vm.h).  A VM has one vCPU for now.  Guests run one
 * after another in one boot; each gets a fresh VM: zeroed RAM, new
 * memslots and TDP MMU, a new VMCS.  Fields are set up by vm_create() and
 * then touched only by the vCPU's own run loop (single vCPU: no lock
 * needed), except the MMU, which has its own lock.
 */
#ifndef TDP_HV_VM_TYPES_H
#define TDP_HV_VM_TYPES_H

#include "hv/dev/platform.h"
#include "hv/emul/emul.h"
#include "hv/vmx/vmcs_defs.h"
#include "hv/emul/x86_decode.h"
#include "mmu/tdp_mmu.h"

struct boot_info;
struct vmx_caps;

#define VM_NAME_MAX 32
#define VM_CON_LINE_MAX 160
#define VM_HOTPLUG_SLOTS 8
#define VM_CRYSTAL_HZ 25000000ULL /* the LAPIC timer's clock (CPUID 0x15) */
#define VM_WARN_BURST 10 /* per-VM warnings printed before suppression */

enum vm_outcome {
	VM_RUNNING = 0,
	VM_EXITED, /* isa-debug-exit or HC_EXIT: status in exit_status */
	VM_HALTED, /* HLT with interrupts disabled: can never wake */
	VM_TRIPLE_FAULT,
	VM_ENTRY_FAILED, /* VMLAUNCH/VMRESUME failed or exit reason 33/34 */
	VM_TIMEOUT, /* run-time limit (preemption timer) */
	VM_GUEST_ERROR, /* guest did something tdpvisor refuses */
	VM_HV_ERROR, /* a host-side bug stopped this VM */
	VM_STOPPED, /* stopped from the host console (escape key) */
	VM_RESET, /* the guest asked for a reset (i8042 0xFE, port 0xcf9) */
	VM_POWEROFF, /* the guest powered off through ACPI (PM1_CNT, S5) */
};

/* Guest GPRs in x86_gpr order; vmx_entry.asm uses the VCPU_* offsets. */
struct vcpu {
	struct x86_gprs regs; /* regs[RSP] is unused: RSP lives in the VMCS */
	u8 launched; /* VMLAUNCH done; VMRESUME next */
	u8 pad[7];
	u64 cr2; /* guest CR2 (not in the VMCS) */
	u64 kernel_gs_base; /* allow-listed MSR shadow */
	void *vmcs; /* 4 KiB VMCS region */
	/* The vCPU's MMU state: page cache, roots, MMIO cache (mmu/). */
	struct tdp_mmu_vcpu mmu;
	struct mmio_insn_cache insn_cache; /* last MMIO instruction decoded */
	bool halted; /* executed HLT; sleeps until an event can wake it */
	u64 xcr0; /* the guest's XCR0, also the hardware's while it runs */
	/* The event the last exit interrupted (IDT-vectoring information,
	 * valid bit set), re-injected after the exit's handler. */
	u32 vectoring_info, vectoring_error, vectoring_len;
};

struct vm_hotplug {
	u16 slot_id; /* 0: free */
	void *mem;
	u64 size;
};

struct vm_stats {
	u64 exits[EXIT_REASON_MAX + 1]; /* last entry: unknown reasons */
	u64 hypercalls, hypercall_errors;
	u64 ept_faults; /* EPT violations handed to the TDP MMU */
	u64 ept_retries; /* -EBUSY retries */
	u64 mmio_emulated;
	u64 mmio_installed;
	u64 private_faults, shared_faults, wrong_side_faults;
	u64 conversions, converted_pages;
	u64 msr_gp_injected;
	u64 ud_injected;
	u64 nmis; /* host NMIs that exited (dropped) */
	u64 io_unhandled;
	/* Events: injected by kind (external interrupts per priority class,
	 * vector >> 4; exceptions per vector), re-injected after an exit
	 * during delivery, and HLT sleeps. */
	u64 intr_injected[16], nmi_injected, exc_injected[32], reinjected;
	u64 hlt_sleeps, hlt_wakeups;
	u64 msr_refused; /* RDMSR/WRMSR answered with #GP */
	u64 xsetbv, xsetbv_refused; /* XCR0 loads, and those refused with #GP */
};

struct vm {
	char name[VM_NAME_MAX];
	const struct boot_info *bi;
	const struct vmx_caps *caps;
	u8 *ram; /* host pointer: guest RAM at GPA 0 */
	u64 ram_size;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root; /* direct root: shared GPAs */
	struct tdp_mmu_page *mirror; /* mirror root: private GPAs, or NULL */
	bool private_mem; /* the VM has private memory (shared bit) */
	u64 shared_mask; /* BIT(shared_bit), 0 without private memory */
	u64 eptp; /* the hardware view (tdp_mmu_hw_eptp) */
	struct vcpu vcpu;
	u16 vpid;
	enum vm_outcome outcome;
	u64 exit_status; /* VM_EXITED */
	char stop_reason[320];
	char con_line[VM_CON_LINE_MAX]; /* COM1 output, flushed per line */
	u32 con_len;
	u32 reports_pass, reports_fail;
	struct platform plat; /* LAPIC, IOAPIC, PIC, PIT, RTC, COM1, ... */
	struct mmio_bus mmio_bus; /* where emulated MMIO goes: plat's */
	bool virtual_nmis; /* the CPU tracks NMI blocking: NMI-window exits */
	bool tsc_offsetting; /* the guest TSC may differ from the host's */
	s64 tsc_offset; /* guest TSC = host TSC + tsc_offset */
	u64 tsc_adjust; /* IA32_TSC_ADJUST */
	u64 run_limit_tsc; /* host TSC when the run limit ends (0: none) */
	u64 input_poll_tsc; /* host TSC of the last console input poll */
	bool escape; /* the console escape key was typed */
	/* MSRs stored for the guest (no effect on the EPT memory type). */
	u64 mtrr_def_type, mtrr_fixed[11], mtrr_var[16], misc_enable;
	u64 spec_ctrl; /* IA32_SPEC_CTRL (spec_ctrl.h) */
	struct vm_hotplug hotplug[VM_HOTPLUG_SLOTS];
	u64 run_limit_ms;
	u64 start_tsc;
	struct vm_stats stats;
	/*
	 * Flood control, set up by vm_create(), touched by this vCPU only:
	 * the first VM_WARN_BURST per-VM warnings are printed, the rest
	 * counted; console output (COM1 and the print hypercall) stops
	 * after con_limit bytes (0: no limit) and the rest is counted.
	 */
	u32 warns_printed;
	u64 warns_suppressed;
	u64 con_limit, con_bytes, con_dropped;
	bool con_limit_said;
	/* tdpvisor changed CR0/CR4/EFER/entry controls since the last
	 * entry: the software VM-entry checks run before the next one. */
	bool guest_state_changed;
	u32 vmentry_check; /* enum config_vmentry_check */
	u32 test_vmentry_fail; /* enum config_vmentry_fail (test knob) */
	gpa_t test_bad_spte_gpa; /* test knob, first guest only; 0 = off */
};

#endif /* TDP_HV_VM_TYPES_H */
