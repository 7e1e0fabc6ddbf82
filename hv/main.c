// SPDX-License-Identifier: GPL-2.0
/*
 * hv_main(): everything after ExitBootServices.  Own descriptor tables
 * first (so any later fault prints a dump), then the test knobs that must
 * fire early, the VMX capability report, the in-firmware self-tests, and
 * power-off with the run's status.
 */
#include "boot_info.h"
#include "console.h"
#include "hv/vmx/xsave.h"
#include "hv/cpu.h"
#include "hv/guests.h"
#include "hv/pool.h"
#include "hv/selftest.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_caps.h"
#include "log.h"
#include "status.h"
#include "x86.h"

/*
 * tdpvisor services no interrupt.  With IF=0 the host never takes one, but
 * a pending one would still cause an external-interrupt VM exit on every
 * entry (pin-based external-interrupt exiting) and livelock the guest.  So
 * the firmware's sources are held off: the legacy 8259 PICs masked, and the
 * local APIC's task priority raised to 15, which keeps every maskable
 * vector from being delivered to this CPU at all.
 */
static void quiesce_interrupts(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	asm volatile("mov %0, %%cr8" ::"r"(15ULL) : "memory");
}

/* test_exception: raise a host exception on purpose (system tests). */
static void raise_test_exception(u32 kind)
{
	static const char *const names[] = CONFIG_EXCEPTION_NAMES;
	const char *name = kind < ARRAY_SIZE(names) - 1 ? names[kind] : "?";
	volatile u64 zero = 0, sink;

	pr_info("test_exception=%s: raising it now", name);
	switch (kind) {
	case TEST_EXC_UD:
		asm volatile("ud2");
		break;
	case TEST_EXC_GP:
		sink = *(volatile u64 *)0x8000000000000000ULL;
		(void)sink;
		break;
	case TEST_EXC_DE:
		asm volatile("divq %1"
			     : "=a"(sink)
			     : "r"(zero), "a"(1ULL), "d"(0ULL));
		break;
	case TEST_EXC_BP:
		asm volatile("int3");
		break;
	}
	pr_err("test_exception=%s: no exception was raised", name);
	power_off(TDP_STATUS_FAIL);
}

void hv_main(struct boot_info *bi)
{
	struct vmx_caps caps;
	int status = TDP_STATUS_OK;

	cpu_tables_init();
	set_image_range(bi->image_base, bi->image_size);
	quiesce_interrupts();
	pr_info("hv: own GDT/TSS/IDT loaded (TR=0x%x); interrupts held off (IF=0, TPR=15, 8259 masked)",
		GDT_SEL_TSS);
	if (bi->cfg.test_exception != TEST_EXC_NONE)
		raise_test_exception(bi->cfg.test_exception);

	pool_init(bi->hv_pool_base, bi->hv_pool_size);
	if (vmx_caps_probe(&caps))
		status = TDP_STATUS_FAIL;
	vmx_caps_report(&caps);
	if (mmu_selftest())
		status = TDP_STATUS_FAIL;
	if (caps.usable && status == TDP_STATUS_OK) {
		if (vmx_enable(&caps)) {
			status = TDP_STATUS_FAIL;
		} else {
			xsave_host_init(); /* needs host CR4 as VMXON left it */
			if (guests_run_all(bi, &caps))
				status = TDP_STATUS_FAIL;
		}
		vmx_disable();
	}
	power_off(status);
}
