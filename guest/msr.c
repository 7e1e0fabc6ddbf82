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
	report("RDMSR 0x3a (not allowed) raises #GP",
	       rdmsr_safe(0x3a, &v) == -1);
	report("WRMSR 0x1b (not allowed) raises #GP",
	       wrmsr_safe(0x1b, 0xfee00000) == -1);
	report("RDMSR 0xdeadbeef raises #GP", rdmsr_safe(0xdeadbeef, &v) == -1);
	return report_failures();
}
