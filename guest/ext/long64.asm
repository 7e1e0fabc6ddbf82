; SPDX-License-Identifier: GPL-2.0
; A 64-bit guest, the way kvm-unit-tests' x86_64 kernels start: a
; multiboot ELF64 image entered in 32-bit mode that builds identity page
; tables (2 MiB pages: the first 1 GiB, and the 1 GiB that holds the test
; device at 0xfe000000), enables PAE + LME + paging, and far-jumps to
; 64-bit code.  There it uses the test MMIO device with REX.W and
; RIP-relative forms (the emulator fetches the instruction through the
; guest's 4-level paging), makes 64-bit hypercalls, and exits.
%include "common.inc"

MB_FLAGS equ 0
PTE_P equ 1
PTE_W equ 2
PTE_PS equ 0x80

bits 32
section .text
global _start
align 4
	dd MULTIBOOT_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
_start:
	mov esp, stack_top
	; PML4[0] -> PDPT; PDPT[0] -> PD0 (0-1 GiB), PDPT[3] -> PD3 (3-4 GiB)
	mov dword [pml4], pdpt + PTE_P + PTE_W
	mov dword [pdpt], pd0 + PTE_P + PTE_W
	mov dword [pdpt + 3 * 8], pd3 + PTE_P + PTE_W
	xor ecx, ecx
.fill:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P + PTE_W + PTE_PS
	mov [pd0 + ecx * 8], eax
	mov eax, ecx
	shl eax, 21
	add eax, 0xc0000000
	or eax, PTE_P + PTE_W + PTE_PS
	mov [pd3 + ecx * 8], eax
	inc ecx
	cmp ecx, 512
	jne .fill
	lgdt [gdt_ptr]
	mov eax, cr4
	or eax, 1 << 5			; PAE
	mov cr4, eax
	mov eax, pml4
	mov cr3, eax
	mov ecx, 0xc0000080		; EFER.LME (WRMSR exit, allow-listed)
	rdmsr
	or eax, 1 << 8
	wrmsr
	mov eax, cr0
	or eax, 1 << 31			; PG: IA-32e mode becomes active
	mov cr0, eax
	jmp 0x08:long_mode

bits 64
long_mode:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, stack_top
	lea rsi, [rel hello]
	call print64
	; EFER.LMA must read back set
	mov ecx, 0xc0000080
	rdmsr
	xor ecx, ecx
	bt eax, 10
	setc cl
	lea rbx, [rel n_lma]
	call report64
	; REX.W store and load through the MMIO SPTE path
	mov rdi, TESTDEV_GPA
	mov rax, 0x0123456789abcdef
	mov [rdi + 8], rax
	xor rdx, rdx
	mov rdx, [rdi + 8]
	xor ecx, ecx
	cmp rdx, rax
	sete cl
	lea rbx, [rel n_rexw]
	call report64
	; R8-R15 as the register operand (REX.R)
	mov r9, 0x1122334455667788
	mov [rdi + 16], r9
	mov r12, [rdi + 16]
	xor ecx, ecx
	cmp r12, r9
	sete cl
	lea rbx, [rel n_rexr]
	call report64
	; 64-bit ID register in one read
	mov rax, [rdi + TESTDEV_ID]
	mov rdx, TESTDEV_ID_VALUE
	xor ecx, ecx
	cmp rax, rdx
	sete cl
	lea rbx, [rel n_id]
	call report64
	; RIP-relative: a pointer-sized read of the window via [rip + disp]
	; is not possible for a fixed GPA, so use a SIB form instead
	mov rcx, 0x100
	mov eax, [rdi + rcx * 8 + 0x20]	; 0xfe000820: window returns the GPA
	xor ecx, ecx
	cmp eax, 0xfe000820
	sete cl
	lea rbx, [rel n_sib]
	call report64
	mov eax, HC_EXIT
	xor ebx, ebx
	vmcall
.hang:	hlt
	jmp .hang

; RBX = name, ECX = 1 pass / 0 fail
report64:
	mov eax, HC_REPORT
	vmcall
	ret

print64:
	push rax
	push rdx
.next:	mov al, [rsi]
	test al, al
	jz .done
	mov dx, COM1_PORT
	out dx, al
	inc rsi
	jmp .next
.done:	pop rdx
	pop rax
	ret

section .data
align 8
gdt:	dq 0
	dq 0x00af9a000000ffff		; 64-bit code
	dq 0x00cf92000000ffff		; data
gdt_ptr:
	dw gdt_ptr - gdt - 1
	dd gdt
hello:	db "long64 guest: in 64-bit mode with 4-level paging", 10, 0
n_lma:	db "long64: EFER.LMA set after CR0.PG", 0
n_rexw:	db "long64: REX.W mov to and from MMIO", 0
n_rexr:	db "long64: REX.R register (r9/r12) MMIO", 0
n_id:	db "long64: 64-bit ID register read", 0
n_sib:	db "long64: SIB-addressed window read", 0

section .bss
alignb 4096
pml4:	resb 4096
pdpt:	resb 4096
pd0:	resb 4096
pd3:	resb 4096
	resb 8192
stack_top:
section .note.GNU-stack noalloc noexec nowrite progbits
