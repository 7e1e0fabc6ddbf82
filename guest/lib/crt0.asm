; SPDX-License-Identifier: GPL-2.0
; Entry of every built-in test guest: a multiboot v1 kernel (ELF32, header
; flags 0 so the loader uses the program headers), entered in 32-bit
; protected mode with paging off, EAX = 0x2BADB002, EBX = info block.
; Sets up a stack and calls guest_main(magic, mbi); its return value
; becomes the guest's exit status (HC_EXIT).

MB_MAGIC equ 0x1badb002
MB_FLAGS equ 0
HC_EXIT equ 7

bits 32
section .multiboot progbits alloc noexec nowrite align=4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)

section .text
global _start
extern guest_main
_start:
	mov esp, stack_top
	xor ebp, ebp
	push ebx
	push eax
	call guest_main
	mov ebx, eax
	mov eax, HC_EXIT
	vmcall
.hang:
	cli
	hlt
	jmp .hang

section .bss
align 16
stack_bottom:
	resb 16384
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
