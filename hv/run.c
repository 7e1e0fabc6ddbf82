// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU run loop: take fresh EPT roots when the MMU invalidated them,
 * check the guest state tdpvisor changed against the SDM's VM-entry rules,
 * enter the guest, dispatch the exit, and stop on the guest's outcome or a
 * time limit.  It stands above the exit handlers and the VM object, which
 * never call back into it.
 */
#include "config.h"
#include "console.h"
#include "hv/cpu.h"
#include "hv/vm.h"
#include "hv/vmx/check/vmentry_check.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_ops.h"
#include "x86.h"

/* The width-checked accessors need constant field encodings. */
#define READ_SEG(s, i, N)                                                \
	do {                                                             \
		(s)->seg[i].sel = vmcs_read16(VMCS_GUEST_##N##_SEL);     \
		(s)->seg[i].base = vmcs_readnat(VMCS_GUEST_##N##_BASE);  \
		(s)->seg[i].limit = vmcs_read32(VMCS_GUEST_##N##_LIMIT); \
		(s)->seg[i].ar = vmcs_read32(VMCS_GUEST_##N##_AR);       \
	} while (0)

/*
 * Runs the SDM's VM-entry checks on the guest state in the VMCS
 * (vmx/check/vmentry_check.c) and stops the VM, naming the check, if one fails:
 * tdpvisor's own emulation must never hand the CPU a state it refuses.
 * Returns false if the VM was stopped.
 */
static bool check_guest_state(struct vm *vm)
{
	struct vmcheck_state s = { 0 };
	enum vmcheck_result r;
	u32 entry = vmcs_read32(VMCS_ENTRY_CTLS);
	int seg;

	s.cr0 = vmcs_readnat(VMCS_GUEST_CR0);
	s.cr3 = vmcs_readnat(VMCS_GUEST_CR3);
	s.cr4 = vmcs_readnat(VMCS_GUEST_CR4);
	s.dr7 = vmcs_readnat(VMCS_GUEST_DR7);
	s.efer = vmcs_read64(VMCS_GUEST_EFER);
	s.pat = vmcs_read64(VMCS_GUEST_PAT);
	s.rip = vmcs_readnat(VMCS_GUEST_RIP);
	s.rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);
	s.sysenter_esp = vmcs_readnat(VMCS_GUEST_SYSENTER_ESP);
	s.sysenter_eip = vmcs_readnat(VMCS_GUEST_SYSENTER_EIP);
	READ_SEG(&s, VMCHK_ES, ES);
	READ_SEG(&s, VMCHK_CS, CS);
	READ_SEG(&s, VMCHK_SS, SS);
	READ_SEG(&s, VMCHK_DS, DS);
	READ_SEG(&s, VMCHK_FS, FS);
	READ_SEG(&s, VMCHK_GS, GS);
	READ_SEG(&s, VMCHK_LDTR, LDTR);
	READ_SEG(&s, VMCHK_TR, TR);
	s.gdtr_base = vmcs_readnat(VMCS_GUEST_GDTR_BASE);
	s.idtr_base = vmcs_readnat(VMCS_GUEST_IDTR_BASE);
	s.gdtr_limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	s.idtr_limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	s.interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	s.activity = vmcs_read32(VMCS_GUEST_ACTIVITY_STATE);
	s.pending_dbg = vmcs_readnat(VMCS_GUEST_PENDING_DBG_EXCEPTIONS);
	s.link_pointer = vmcs_read64(VMCS_LINK_POINTER);
	s.ia32e_mode_guest = entry & VM_ENTRY_IA32E_MODE;
	s.load_debug_controls = entry & VM_ENTRY_LOAD_DEBUG_CONTROLS;
	s.entry_intr_info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	s.cr0_fixed0 = vm->caps->cr0_fixed0;
	s.cr0_fixed1 = vm->caps->cr0_fixed1;
	s.cr4_fixed0 = vm->caps->cr4_fixed0;
	s.cr4_fixed1 = vm->caps->cr4_fixed1;
	s.maxphyaddr = (u8)cpu_phys_addr_bits();
	r = vmcheck_guest_state(&s, &seg);
	if (r == VMCHK_OK)
		return true;
	vmcs_dump();
	vm_stop(vm, VM_ENTRY_FAILED,
		"software VM-entry check failed before VM entry: %s%s%s (CR0=0x%llx CR4=0x%llx EFER=0x%llx IA-32e=%d)",
		vmcheck_name(r), seg >= 0 ? " on " : "",
		seg >= 0 ? vmcheck_seg_name(seg) : "", s.cr0, s.cr4, s.efer,
		s.ia32e_mode_guest);
	return false;
}

static void entry_failed(struct vm *vm, int how)
{
	u32 err = how == 2 ? vmcs_read32(VMCS_INSTRUCTION_ERROR) : 0;

	vmcs_dump();
	if (how == 2)
		vm_stop(vm, VM_ENTRY_FAILED,
			"%s failed: VM-instruction error %u (%s)",
			vm->vcpu.launched ? "VMRESUME" : "VMLAUNCH", err,
			vmx_insn_error_name(err));
	else
		vm_stop(vm, VM_ENTRY_FAILED,
			"%s failed: VMfailInvalid (no current VMCS)",
			vm->vcpu.launched ? "VMRESUME" : "VMLAUNCH");
}

/* The longest the guest runs without an exit: host console input is
 * polled at least this often (in host TSC ticks: 10 ms). */
static u64 max_slice(void)
{
	return console_tsc_khz() * 10;
}

/*
 * The VMX preemption timer counts down at the TSC's rate divided by
 * 2^(IA32_VMX_MISC[4:0]) while the guest runs; armed at the earliest of
 * the platform's next deadline, the run limit and the input poll, it
 * ends the guest's slice exactly there (SDM "VMX-Preemption Timer").
 */
static void arm_preemption_timer(struct vm *vm, u64 now)
{
	u64 deadline = platform_next_deadline(&vm->plat), host_now = rdtsc();
	u64 end = host_now + max_slice(), ticks;

	/* Guest TSC deadlines are host TSC values shifted by the offset. */
	if (deadline != DEV_NO_DEADLINE)
		end = MIN(end, deadline > now ? host_now + (deadline - now)
					      : host_now);
	if (vm->run_limit_tsc)
		end = MIN(end, MAX(vm->run_limit_tsc, host_now));
	ticks = (end - host_now) >> (vm->caps->misc & 0x1f);
	vmcs_write32(VMCS_PREEMPTION_TIMER_VALUE,
		     ticks > 0xffffffffULL ? 0xffffffffU : (u32)ticks);
}

void vm_run(struct vm *vm)
{
	u64 khz = console_tsc_khz();
	u64 host_limit = vm->run_limit_ms ? vm->run_limit_ms * 4 * khz : 0;
	bool ptimer = vmcs_read32(VMCS_PIN_BASED_CTLS) &
		      PIN_BASED_PREEMPTION_TIMER;

	vm->start_tsc = rdtsc();
	vm->run_limit_tsc =
		vm->run_limit_ms ? vm->start_tsc + vm->run_limit_ms * khz : 0;
	while (vm->outcome == VM_RUNNING) {
		u64 now = vm_guest_tsc(vm);
		int r;

		if (!tdp_mmu_root_is_valid(vm->root) ||
		    (vm->mirror && !tdp_mmu_root_is_valid(vm->mirror)))
			vm_reload_roots(vm);
		platform_advance(&vm->plat, now);
		vm_console_poll(vm);
		if (vm->vcpu.halted) {
			if (!vcpu_halt_wait(vm))
				break;
			vm->vcpu.halted = false;
			now = vm_guest_tsc(vm);
		}
		if (vm->outcome != VM_RUNNING)
			break;
		vcpu_inject_events(vm);
		if (ptimer)
			arm_preemption_timer(vm, now);
		if ((vm->guest_state_changed ||
		     vm->vmentry_check == VMENTRY_CHECK_ALWAYS) &&
		    !check_guest_state(vm))
			break;
		vm->guest_state_changed = false;
		r = vmx_enter(&vm->vcpu);
		if (r) {
			entry_failed(vm, r);
			break;
		}
		vm_handle_exit(vm, vmcs_read32(VMCS_EXIT_REASON));
		/* Wall-clock backstop: exits that never let the timer run. */
		if (host_limit && rdtsc() - vm->start_tsc > host_limit)
			vm_stop(vm, VM_TIMEOUT,
				"host-side time limit (4 x %llu ms) reached",
				vm->run_limit_ms);
	}
	vm_console_flush(vm);
}
