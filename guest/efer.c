// SPDX-License-Identifier: GPL-2.0
/*
 * WRMSR to IA32_EFER as the SDM specifies it ("IA32_EFER" in the MSR
 * list, "Initializing IA-32e Mode"): LMA is read-only (a write of it is
 * ignored), reserved bits raise #GP, and changing LME while paging is on
 * raises #GP.  None of these may leave a guest state the CPU refuses at
 * VM entry.
 */
#include "guest.h"

#define MSR_EFER 0xc0000080U
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u64 v = ~0ULL;

	(void)magic;
	(void)mbi;
	idt_init();
	report("WRMSR EFER with LMA (paging off) does not fault",
	       wrmsr_safe(MSR_EFER, EFER_LMA) == 0);
	report("EFER.LMA stays clear (read-only)",
	       rdmsr_safe(MSR_EFER, &v) == 0 && !(v & EFER_LMA));
	report("WRMSR EFER with a reserved bit raises #GP",
	       wrmsr_safe(MSR_EFER, 1ULL << 3) == -1);
	report("WRMSR EFER.LME with paging off works",
	       wrmsr_safe(MSR_EFER, EFER_LME) == 0 &&
		       rdmsr_safe(MSR_EFER, &v) == 0 && v == EFER_LME);
	report("WRMSR EFER clearing LME with paging off works",
	       wrmsr_safe(MSR_EFER, 0) == 0);
	paging_enable_pae(31);
	printf("PAE paging on\n");
	report("WRMSR EFER setting LME with paging on raises #GP",
	       wrmsr_safe(MSR_EFER, EFER_LME) == -1);
	report("WRMSR EFER with LMA and paging on: LMA ignored",
	       wrmsr_safe(MSR_EFER, EFER_LMA | EFER_NXE) == 0 &&
		       rdmsr_safe(MSR_EFER, &v) == 0 && v == EFER_NXE);
	report("EFER.LME still clear",
	       rdmsr_safe(MSR_EFER, &v) == 0 && !(v & EFER_LME));
	return report_failures();
}
