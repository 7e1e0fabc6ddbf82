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
	{
		/* Speculation control: the CPUID bit and the MSR agree, as
		 * on the CPU underneath (present: works; absent: #GP). */
		u32 a, b, c, d;

		cpuid(7, 0, &a, &b, &c, &d);
		printf("CPUID.7.0:EDX 0x%x: IBRS %u STIBP %u SSBD %u ARCH_CAP %u\n",
		       d, (d >> 26) & 1, (d >> 27) & 1, (d >> 31) & 1,
		       (d >> 29) & 1);
		if (d & ((1u << 26) | (1u << 27) | (1u << 31))) {
			report("WRMSR SPEC_CTRL of an offered bit reads back",
			       wrmsr_safe(0x48, (d >> 26) & 1 ? 1 : 4) == 0 &&
				       rdmsr_safe(0x48, &v) == 0 &&
				       v == ((d >> 26) & 1 ? 1u : 4u));
			report("WRMSR SPEC_CTRL reserved bit 63 raises #GP",
			       wrmsr_safe(0x48, 1ULL << 63) == -1);
			wrmsr_safe(0x48, 0);
		} else {
			report("RDMSR SPEC_CTRL without CPUID bits raises #GP",
			       rdmsr_safe(0x48, &v) == -1);
		}
		if (d & (1u << 26))
			report("WRMSR PRED_CMD IBPB works, RDMSR raises #GP",
			       wrmsr_safe(0x49, 1) == 0 &&
				       rdmsr_safe(0x49, &v) == -1);
		else
			report("WRMSR PRED_CMD without IBPB raises #GP",
			       wrmsr_safe(0x49, 1) == -1);
		if (d & (1u << 29))
			report("ARCH_CAPABILITIES reads, WRMSR raises #GP",
			       rdmsr_safe(0x10a, &v) == 0 &&
				       wrmsr_safe(0x10a, v) == -1);
		else
			report("RDMSR ARCH_CAPABILITIES without CPUID raises #GP",
			       rdmsr_safe(0x10a, &v) == -1);
	}
	return report_failures();
}
