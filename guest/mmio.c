// SPDX-License-Identifier: GPL-2.0
/*
 * The test MMIO device through the MMIO-SPTE path: reads and writes in
 * several instruction forms (MOV r/m both ways at 8/16/32 bits, high-byte
 * registers, MOV imm, moffs, MOVZX/MOVSX, REP STOSD), checked against the
 * device's registers; then many accesses to one page: the first is an EPT
 * violation, every later one an EPT misconfiguration (the run summary
 * counts them).
 */
#include "guest.h"

#define DEV ((volatile u8 *)(uintptr_t)TESTDEV_GPA)
#define REG32(off) (*(volatile u32 *)(uintptr_t)(TESTDEV_GPA + (off)))
#define MMIO_LOOPS 200

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 v, lo, hi;
	u16 w;
	u8 b;

	(void)magic;
	(void)mbi;
	/* 89 /r and 8B /r, 32-bit */
	asm volatile("movl %1, %0"
		     : "=m"(REG32(TESTDEV_REG0))
		     : "r"(0x11223344u));
	asm volatile("movl %1, %0" : "=r"(v) : "m"(REG32(TESTDEV_REG0)));
	report("mov r32 -> mmio -> r32", v == 0x11223344);
	/* 88 /r with a high-byte register (AH), 8A /r into BL */
	asm volatile("movb %%ah, %0"
		     : "=m"(DEV[TESTDEV_REG0 + 1])
		     : "a"(0xab00u));
	asm volatile("movb %1, %%bl" : "=b"(b) : "m"(DEV[TESTDEV_REG0 + 1]));
	report("mov ah -> mmio byte 1, mov mmio -> bl", b == 0xab);
	report("byte write merged into the register",
	       REG32(TESTDEV_REG0) == 0x1122ab44);
	/* 66 89 /r and 66 8B /r */
	asm volatile("movw %1, %0"
		     : "=m"(*(volatile u16 *)(DEV + TESTDEV_REG1))
		     : "r"((u16)0xbeef));
	asm volatile("movw %1, %0"
		     : "=r"(w)
		     : "m"(*(volatile u16 *)(DEV + TESTDEV_REG1)));
	report("16-bit mov both ways (66 prefix)", w == 0xbeef);
	/* C7 /0 and C6 /0: immediates */
	asm volatile("movl $0x80000001, %0" : "=m"(REG32(TESTDEV_REG2)));
	asm volatile("movb $0x7f, %0" : "=m"(DEV[TESTDEV_REG2 + 4]));
	report("mov imm32 and imm8 -> mmio",
	       REG32(TESTDEV_REG2) == 0x80000001 &&
		       DEV[TESTDEV_REG2 + 4] == 0x7f);
	/* A1: moffs32 */
	asm volatile("movl 0xfe000008, %0" : "=a"(v));
	report("mov moffs -> eax (A1)", (v & 0xffff) == 0xbeef);
	/* 0F B6/BE/B7/BF */
	asm volatile("movzbl %1, %0" : "=r"(v) : "m"(DEV[TESTDEV_REG2 + 3]));
	report("movzx byte", v == 0x80);
	asm volatile("movsbl %1, %0" : "=r"(v) : "m"(DEV[TESTDEV_REG2 + 3]));
	report("movsx byte", v == 0xffffff80);
	asm volatile("movswl %1, %0"
		     : "=r"(v)
		     : "m"(*(volatile u16 *)(DEV + TESTDEV_REG2 + 2)));
	report("movsx word", v == 0xffff8000);
	asm volatile("movzwl %1, %0"
		     : "=r"(v)
		     : "m"(*(volatile u16 *)(DEV + TESTDEV_REG2 + 2)));
	report("movzx word", v == 0x8000);
	/* ID register, two 32-bit halves */
	lo = REG32(TESTDEV_ID);
	hi = REG32(TESTDEV_ID + 4);
	report("ID register", lo == (u32)TESTDEV_ID_VALUE &&
				      hi == (u32)(TESTDEV_ID_VALUE >> 32));
	/* the window returns the GPA read */
	report("window returns its GPA",
	       REG32(TESTDEV_WINDOW + 0x124) == (u32)TESTDEV_GPA + 0x924);
	/* F3 AB: rep stosd, one element per exit */
	{
		u32 cnt = 4, val = 0x5a5a0000;
		void *dst = (void *)(uintptr_t)(TESTDEV_GPA + TESTDEV_REG0);

		asm volatile("cld; rep stosl"
			     : "+D"(dst), "+c"(cnt)
			     : "a"(val)
			     : "memory");
		report("rep stosd over four dwords",
		       cnt == 0 && REG32(TESTDEV_REG0) == 0x5a5a0000 &&
			       REG32(TESTDEV_REG1 + 4) == 0x5a5a0000);
	}
	/* many doorbell writes on the same page: misconfig exits only */
	for (int i = 0; i < MMIO_LOOPS; i++)
		REG32(TESTDEV_DOORBELL) = i;
	report("doorbell counted every write",
	       REG32(TESTDEV_DOORBELL) == MMIO_LOOPS);
	return report_failures();
}
