// SPDX-License-Identifier: GPL-2.0
/*
 * Event delivery to the vCPU through VMX (SDM Vol. 3C "Event Injection",
 * "Interrupt-Window Exiting and Virtual-Interrupt Delivery", "Information
 * for VM Exits During Event Delivery"):
 *
 *  - after every exit, an event whose delivery the exit interrupted (the
 *    IDT-vectoring information: an EPT violation on the guest's IDT or
 *    stack, say) is injected again, unless the handler raised an exception
 *    of its own, in which case the SDM's double-fault rule decides;
 *  - before every entry, the platform's pending event is injected if the
 *    guest can take it now: an NMI unless NMIs are blocked (by an NMI
 *    still in service, or MOV SS), a maskable interrupt if RFLAGS.IF is
 *    set and no STI / MOV SS shadow is active; otherwise the matching
 *    window exit is requested, and the event is injected on that exit;
 *  - HLT sleeps in the host until an event can wake the vCPU.
 *
 * The interrupt is acknowledged (PIC INTA, LAPIC IRR to ISR) only when it
 * is written into the VM-entry interruption information, so a vector is
 * never taken from the platform without being delivered.
 */
#include "console.h"
#include "hv/emul/x86_event.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "x86.h"

static void count_injection(struct vm *vm, u32 info)
{
	u32 type = info & INTR_INFO_TYPE_MASK, vec = info & 0xff;

	if (type == INTR_TYPE_EXT_INTR)
		vm->stats.intr_injected[vec >> 4]++;
	else if (type == INTR_TYPE_NMI)
		vm->stats.nmi_injected++;
	else
		vm->stats.exc_injected[vec & 31]++;
}

/**
 * vcpu_exit_begin() - at the start of every exit: remember the event whose
 * delivery this exit interrupted, if any.
 *
 * Context: the vCPU's VMCS is current.
 */
void vcpu_exit_begin(struct vm *vm)
{
	u32 info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
	struct vcpu *v = &vm->vcpu;

	v->vectoring_info = 0;
	if (!(info & INTR_INFO_VALID))
		return;
	v->vectoring_info = info & ~INTR_INFO_NMI_UNBLOCKED;
	v->vectoring_error =
		info & INTR_INFO_DELIVER_CODE
			? vmcs_read32(VMCS_IDT_VECTORING_ERROR_CODE)
			: 0;
	v->vectoring_len = vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN);
}

/*
 * The exit handler ran: put back the interrupted event.  If the handler
 * raised an exception itself, both cannot be delivered: the exception
 * replaces an interrupted interrupt or benign exception, two faults make
 * #DF, and a fault while delivering #DF shuts the vCPU down.
 */
static void reinject(struct vm *vm)
{
	struct vcpu *v = &vm->vcpu;
	u32 info = v->vectoring_info, type = info & INTR_INFO_TYPE_MASK;
	u32 now = vmcs_read32(VMCS_ENTRY_INTR_INFO);

	v->vectoring_info = 0;
	if (now & INTR_INFO_VALID) {
		int first = type == INTR_TYPE_HW_EXCEPTION ? (int)(info & 0xff)
							   : -1;

		switch (x86_merge_exceptions(first, now & 0xff)) {
		case X86_MERGE_SERIAL:
			return;
		case X86_MERGE_DF:
			vcpu_inject_exception(8, true, 0);
			return;
		case X86_MERGE_SHUTDOWN:
			vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
			vm_stop(vm, VM_TRIPLE_FAULT,
				"triple fault: exception %u while delivering #DF (RIP 0x%llx)",
				now & 0xff, vmcs_readnat(VMCS_GUEST_RIP));
			return;
		}
	}
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
	if (info & INTR_INFO_DELIVER_CODE)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE,
			     v->vectoring_error);
	/* Software events re-execute their instruction's delivery. */
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SW_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write32(VMCS_ENTRY_INSTRUCTION_LEN, v->vectoring_len);
	vm->stats.reinjected++;
}

/**
 * vcpu_exit_end() - after the exit handler: re-inject what the exit
 * interrupted (see reinject()).
 *
 * Context: the vCPU's VMCS is current.
 */
void vcpu_exit_end(struct vm *vm)
{
	if (vm->vcpu.vectoring_info && vm->outcome == VM_RUNNING)
		reinject(vm);
}

static void set_proc_ctl(u32 bit, bool on)
{
	u32 proc = vmcs_read32(VMCS_PROC_BASED_CTLS);
	u32 want = on ? proc | bit : proc & ~bit;

	if (want != proc)
		vmcs_write32(VMCS_PROC_BASED_CTLS, want);
}

/* Can the guest take a maskable interrupt at the next entry? */
static bool intr_window_open(void)
{
	return (vmcs_readnat(VMCS_GUEST_RFLAGS) & X86_RFLAGS_IF) &&
	       !(vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
		 (GUEST_INTR_STI | GUEST_INTR_MOV_SS));
}

/* An NMI is blocked by one still in service, and by MOV SS (and, on some
 * processors, STI: the SDM allows either, so tdpvisor waits for both). */
static bool nmi_window_open(void)
{
	return !(vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
		 (GUEST_INTR_NMI | GUEST_INTR_MOV_SS | GUEST_INTR_STI));
}

/**
 * vcpu_inject_events() - before an entry: inject the platform's pending
 * event if the guest can take it now, else ask for the window exit.
 *
 * Context: the vCPU's VMCS is current; the platform advanced to now.
 */
void vcpu_inject_events(struct vm *vm)
{
	enum platform_event ev = platform_pending(&vm->plat);
	bool busy = vmcs_read32(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID;
	bool nmi_window = false, intr_window = false;
	u32 info;

	if (ev == PLATFORM_EV_NMI) {
		if (busy || !nmi_window_open() || !vm->virtual_nmis) {
			nmi_window = vm->virtual_nmis;
		} else {
			platform_ack_nmi(&vm->plat);
			info = INTR_INFO_VALID | INTR_TYPE_NMI | 2;
			vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
			count_injection(vm, info);
			busy = true;
		}
		ev = platform_pending(&vm->plat);
	}
	if (ev == PLATFORM_EV_INTR) {
		if (busy || !intr_window_open()) {
			intr_window = true;
		} else {
			info = INTR_INFO_VALID | INTR_TYPE_EXT_INTR |
			       platform_ack_intr(&vm->plat);
			vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
			count_injection(vm, info);
			/* Another one may be pending behind it. */
			intr_window = platform_pending(&vm->plat) ==
				      PLATFORM_EV_INTR;
		}
	}
	set_proc_ctl(CPU_BASED_NMI_WINDOW_EXITING, nmi_window);
	set_proc_ctl(CPU_BASED_INTR_WINDOW_EXITING, intr_window);
}

/**
 * vcpu_note_injection() - count an exception the exit handlers queued
 * (vcpu_inject_exception()), for the VM summary.
 *
 * Context: the vCPU's VMCS is current.
 */
void vcpu_note_injection(struct vm *vm)
{
	u32 info = vmcs_read32(VMCS_ENTRY_INTR_INFO);

	if ((info & INTR_INFO_VALID) &&
	    (info & INTR_INFO_TYPE_MASK) == INTR_TYPE_HW_EXCEPTION)
		count_injection(vm, info);
}

/* Can @ev wake a vCPU halted with RFLAGS.IF as @if_set? */
static bool wakes(enum platform_event ev, bool if_set)
{
	return ev == PLATFORM_EV_NMI || (ev == PLATFORM_EV_INTR && if_set);
}

/**
 * vcpu_halt_wait() - the vCPU executed HLT: wait in the host, with the
 * platform's clock running, until an event can wake it (SDM "HLT—Halt":
 * an enabled interrupt, an NMI), the run limit passes, or nothing ever
 * could wake it.  Host console input keeps flowing to the guest's COM1
 * meanwhile.
 *
 * Return: true if the vCPU woke; false if the VM was stopped.
 *
 * Context: the vCPU's VMCS is current.
 */
bool vcpu_halt_wait(struct vm *vm)
{
	bool if_set = vmcs_readnat(VMCS_GUEST_RFLAGS) & X86_RFLAGS_IF;

	vm->stats.hlt_sleeps++;
	for (;;) {
		u64 now = vm_guest_tsc(vm);
		enum platform_event ev;

		platform_advance(&vm->plat, now);
		vm_console_poll(vm);
		if (vm->outcome != VM_RUNNING)
			return false;
		ev = platform_pending(&vm->plat);
		if (wakes(ev, if_set)) {
			vm->stats.hlt_wakeups++;
			return true;
		}
		/* With IF=0 only an NMI wakes it; with no timer armed and no
		 * NMI pending, nothing tdpvisor models can send one. */
		if (!if_set &&
		    platform_next_deadline(&vm->plat) == DEV_NO_DEADLINE) {
			vm_stop(vm, VM_HALTED,
				"HLT with interrupts disabled at RIP 0x%llx, and no timer or NMI can wake it",
				vmcs_readnat(VMCS_GUEST_RIP) - 1);
			return false;
		}
		if (vm->run_limit_tsc && now >= vm->run_limit_tsc) {
			vm_stop(vm, VM_TIMEOUT,
				"run-time limit of %llu ms reached while halted (RIP 0x%llx)",
				vm->run_limit_ms, vmcs_readnat(VMCS_GUEST_RIP));
			return false;
		}
		cpu_relax();
	}
}
