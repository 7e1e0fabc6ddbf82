// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions with unconditional or control-register exits: VMX
 * instructions raise #UD (no nested VMX), XSETBV does while CR4.OSXSAVE
 * is clear (the xsave guest checks the rest), INVD
 * retires, MOV to CR0/CR4 with invalid values raises #GP, valid ones work.
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 cr4;

	(void)magic;
	(void)mbi;
	idt_init();
	report("VMXOFF raises #UD", TRY_INSN("vmxoff"));
	report("VMCLEAR raises #UD", TRY_INSN("vmclear (%%esp)"));
	report("XSETBV raises #UD", TRY_INSN("xor %%ecx, %%ecx; xsetbv"));
	report("INVD retires", !TRY_INSN("invd"));
	report("MOV CR4 with VMXE raises #GP",
	       TRY_INSN(
		       "mov %%cr4, %%eax; or $0x2000, %%eax; mov %%eax, %%cr4"));
	report("MOV CR0 with PG and no PE raises #GP",
	       TRY_INSN(
		       "mov %%cr0, %%eax; and $0xfffffffe, %%eax; or $0x80000000, %%eax; mov %%eax, %%cr0"));
	report("MOV CR4 setting PGE works",
	       !TRY_INSN(
		       "mov %%cr4, %%eax; or $0x80, %%eax; mov %%eax, %%cr4"));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	report("CR4 reads back PGE without VMXE",
	       (cr4 & 0x80) && !(cr4 & 0x2000));
	return report_failures();
}
