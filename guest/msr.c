// SPDX-License-Identifier: GPL-2.0
/* RDMSR/WRMSR: the allow-list works; anything else raises #GP in the guest. */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u64 v = 0, pat;

	(void)magic;
	(void)mbi;
	idt_init();
	report("RDMSR EFER", rdmsr_safe(0xc0000080, &v) == 0 && v == 0);
	report("RDMSR PAT",
	       rdmsr_safe(0x277, &pat) == 0 && pat == 0x0007040600070406ULL);
	report("WRMSR PAT (valid)",
	       wrmsr_safe(0x277, 0x0007040600070106ULL) == 0);
	report("PAT reads back",
	       rdmsr_safe(0x277, &v) == 0 && v == 0x0007040600070106ULL);
	report("WRMSR PAT with type 2 raises #GP",
	       wrmsr_safe(0x277, 0x0000000000000002ULL) == -1);
	report("WRMSR SYSENTER_ESP", wrmsr_safe(0x175, 0x12345678) == 0 &&
					     rdmsr_safe(0x175, &v) == 0 &&
					     v == 0x12345678);
	report("WRMSR EFER reserved bit raises #GP",
	       wrmsr_safe(0xc0000080, 1ULL << 3) == -1);
	report("RDMSR TSC", rdmsr_safe(0x10, &v) == 0 && v != 0);
	report("RDMSR FEATURE_CONTROL: locked, VMX off",
	       rdmsr_safe(0x3a, &v) == 0 && v == 1);
	report("WRMSR FEATURE_CONTROL (locked) raises #GP",
	       wrmsr_safe(0x3a, 5) == -1);
	report("RDMSR APIC_BASE: 0xfee00000, enabled, BSP",
	       rdmsr_safe(0x1b, &v) == 0 && v == 0xfee00900ULL);
	report("WRMSR APIC_BASE reserved bit 9 raises #GP",
	       wrmsr_safe(0x1b, 0xfee00b00ULL) == -1);
	report("RDMSR 0xdeadbeef raises #GP", rdmsr_safe(0xdeadbeef, &v) == -1);
	return report_failures();
}
