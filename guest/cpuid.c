// SPDX-License-Identifier: GPL-2.0
/* CPUID exits: the hypervisor's filtered leaves are what the guest sees. */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 a, b, c, d;
	char sig[13];

	(void)mbi;
	report("multiboot magic in EAX", magic == MULTIBOOT_BOOTLOADER_MAGIC);
	cpuid(1, 0, &a, &b, &c, &d);
	report("CPUID.1:ECX.hypervisor set", (c >> 31) & 1);
	report("CPUID.1:ECX.VMX hidden", !((c >> 5) & 1));
	/* XSAVE offered (XSETBV works); OSXSAVE mirrors CR4.OSXSAVE, clear. */
	report("CPUID.1:ECX.XSAVE shown, OSXSAVE clear", ((c >> 26) & 3) == 1);
	report("CPUID.1: APIC, x2APIC and TSC-deadline offered",
	       ((d >> 9) & 1) && ((c >> 21) & 1) && ((c >> 24) & 1));
	cpuid(0x40000000, 0, &a, &b, &c, &d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	printf("hypervisor signature '%s', max leaf 0x%x\n", sig, a);
	report("CPUID.40000000 signature TDPVTDPVTDPV",
	       !strcmp(sig, "TDPVTDPVTDPV") && a == 0x40000010);
	{
		u32 den, num, crystal, khz, timer_khz, x;

		cpuid(0x15, 0, &den, &num, &crystal, &x);
		cpuid(0x40000010, 0, &khz, &timer_khz, &x, &x);
		printf("TSC %u kHz, LAPIC timer %u kHz, crystal %u Hz x %u/%u\n",
		       khz, timer_khz, crystal, num, den);
		/* TSC = crystal * num / den, and the LAPIC timer runs at the
		 * crystal: the three leaves must agree. */
		report("CPUID 0x15 and 0x40000010 agree on the clocks",
		       den && crystal / 1000 == timer_khz &&
			       (u32)((u64)(crystal / 1000) * num) == khz * den);
	}
	for (int i = 0; i < 100; i++)
		cpuid(0, 0, &a, &b, &c, &d);
	report("100 more CPUID exits", a >= 1);
	return report_failures();
}
