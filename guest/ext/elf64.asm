; SPDX-License-Identifier: GPL-2.0
; A multiboot kernel in an ELF64 container (header flags 0: loaded through
; its program headers), entered in 32-bit mode like kvm-unit-tests' x86_64
; images.  It prints, reports, and exits through the exit hypercall.
%include "common.inc"

MB_FLAGS equ 0

bits 32
section .text
global _start
align 4
	dd MULTIBOOT_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
_start:
	mov esp, stack_top
	mov esi, hello
	call print_str
	xor ecx, ecx
	cmp eax, MULTIBOOT_BOOTLOADER_MAGIC
	sete cl
	mov eax, HC_REPORT
	mov ebx, n_magic
	vmcall
	mov eax, HC_EXIT
	xor ebx, ebx
	vmcall
.hang:	hlt
	jmp .hang

DEFINE_PRINT

section .data
hello: db "elf64 guest: multiboot ELF64 image running in 32-bit mode", 10, 0
n_magic: db "elf64: EAX holds the multiboot magic", 0

section .bss
	resb 4096
stack_top:
section .note.GNU-stack noalloc noexec nowrite progbits
