; SPDX-License-Identifier: GPL-2.0
; Host exception entry.  One fixed-size entry per vector (the IDT is filled
; from trap_entries + vector * TRAP_ENTRY_SIZE, so no relocated table is
; needed).  Each entry makes the frame uniform (a zero error code where the
; CPU pushes none), pushes the vector, and joins trap_common, which saves
; the GPRs at the offsets of struct trap_frame and calls trap_handler().

%include "asm_offsets.inc"

bits 64
default rel
section .text

extern trap_handler
global trap_entries

; Vectors for which the CPU pushes an error code (SDM Vol. 3, 6.13).
%define HAS_ERRCODE(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || \
			(v) == 13 || (v) == 14 || (v) == 17 || (v) == 21 || \
			(v) == 29 || (v) == 30)

align 16
trap_entries:
%assign vec 0
%rep IDT_VECTORS_ASM
.entry_ %+ vec:
%if HAS_ERRCODE(vec)
	nop
	nop
%else
	push qword 0
%endif
	push qword vec
	jmp near trap_common
	times TRAP_ENTRY_SIZE_ASM - ($ - .entry_ %+ vec) int3
%assign vec vec + 1
%endrep

trap_common:
	sub rsp, TF_VECTOR
	mov [rsp + TF_RAX], rax
	mov [rsp + TF_RBX], rbx
	mov [rsp + TF_RCX], rcx
	mov [rsp + TF_RDX], rdx
	mov [rsp + TF_RSI], rsi
	mov [rsp + TF_RDI], rdi
	mov [rsp + TF_RBP], rbp
	mov [rsp + TF_R8], r8
	mov [rsp + TF_R9], r9
	mov [rsp + TF_R10], r10
	mov [rsp + TF_R11], r11
	mov [rsp + TF_R12], r12
	mov [rsp + TF_R13], r13
	mov [rsp + TF_R14], r14
	mov [rsp + TF_R15], r15
	mov rdi, rsp
	and rsp, -16
	cld
	call trap_handler
	; trap_handler() does not return for exceptions; stop if it does.
.halt:
	cli
	hlt
	jmp .halt

section .note.GNU-stack noalloc noexec nowrite progbits
