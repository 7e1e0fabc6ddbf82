// SPDX-License-Identifier: GPL-2.0
/*
 * Struct offsets for NASM (NASM never hard-codes a struct offset: it takes them from here).
 * Compiled to assembly only; the Makefile turns each "@@OFFSET@@ NAME N"
 * marker into "%define NAME N" in build/gen/asm_offsets.inc.
 */
#include "hv/cpu.h"
#include "hv/vm.h"

#define DEFINE(sym, val) asm volatile("\n@@OFFSET@@ " #sym " %c0" ::"i"(val))
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
	DEFINE(TRAP_ENTRY_SIZE_ASM, TRAP_ENTRY_SIZE);
	/* struct vcpu: guest GPRs in x86_gpr order, and the launched flag. */
	OFFSET(VCPU_RAX, vcpu, regs.regs[X86_GPR_RAX]);
	OFFSET(VCPU_RCX, vcpu, regs.regs[X86_GPR_RCX]);
	OFFSET(VCPU_RDX, vcpu, regs.regs[X86_GPR_RDX]);
	OFFSET(VCPU_RBX, vcpu, regs.regs[X86_GPR_RBX]);
	OFFSET(VCPU_RBP, vcpu, regs.regs[X86_GPR_RBP]);
	OFFSET(VCPU_RSI, vcpu, regs.regs[X86_GPR_RSI]);
	OFFSET(VCPU_RDI, vcpu, regs.regs[X86_GPR_RDI]);
	OFFSET(VCPU_R8, vcpu, regs.regs[X86_GPR_R8]);
	OFFSET(VCPU_R9, vcpu, regs.regs[X86_GPR_R8 + 1]);
	OFFSET(VCPU_R10, vcpu, regs.regs[X86_GPR_R8 + 2]);
	OFFSET(VCPU_R11, vcpu, regs.regs[X86_GPR_R8 + 3]);
	OFFSET(VCPU_R12, vcpu, regs.regs[X86_GPR_R8 + 4]);
	OFFSET(VCPU_R13, vcpu, regs.regs[X86_GPR_R8 + 5]);
	OFFSET(VCPU_R14, vcpu, regs.regs[X86_GPR_R8 + 6]);
	OFFSET(VCPU_R15, vcpu, regs.regs[X86_GPR_R15]);
	OFFSET(VCPU_CR2, vcpu, cr2);
	OFFSET(VCPU_LAUNCHED, vcpu, launched);
	DEFINE(VMCS_HOST_RSP_ASM, VMCS_HOST_RSP);
	DEFINE(IDT_VECTORS_ASM, IDT_VECTORS);
}
