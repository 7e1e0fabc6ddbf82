// SPDX-License-Identifier: GPL-2.0
/*
 * Struct offsets for NASM (STYLE.md: NASM never hard-codes an offset).
 * Compiled to assembly only; the Makefile turns each "@@OFFSET@@ NAME N"
 * marker into "%define NAME N" in build/gen/asm_offsets.inc.
 */
#include "hv/cpu.h"

#define DEFINE(sym, val) \
	asm volatile("\n@@OFFSET@@ " #sym " %c0" ::"i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(TF_R15, trap_frame, r15);
	OFFSET(TF_R14, trap_frame, r14);
	OFFSET(TF_R13, trap_frame, r13);
	OFFSET(TF_R12, trap_frame, r12);
	OFFSET(TF_R11, trap_frame, r11);
	OFFSET(TF_R10, trap_frame, r10);
	OFFSET(TF_R9, trap_frame, r9);
	OFFSET(TF_R8, trap_frame, r8);
	OFFSET(TF_RBP, trap_frame, rbp);
	OFFSET(TF_RDI, trap_frame, rdi);
	OFFSET(TF_RSI, trap_frame, rsi);
	OFFSET(TF_RDX, trap_frame, rdx);
	OFFSET(TF_RCX, trap_frame, rcx);
	OFFSET(TF_RBX, trap_frame, rbx);
	OFFSET(TF_RAX, trap_frame, rax);
	OFFSET(TF_VECTOR, trap_frame, vector);
	DEFINE(TRAP_STUB_SIZE_ASM, TRAP_STUB_SIZE);
	DEFINE(IDT_VECTORS_ASM, IDT_VECTORS);
}
