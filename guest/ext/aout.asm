; SPDX-License-Identifier: GPL-2.0
; A multiboot a.out-kludge image (header flag 16: load addresses in the
; header, no ELF), as old kernels and some test images use.  It checks the
; info block: magic, flags, memory sizes, the command line and the module
; (a file attached with guest_module), and ends through isa-debug-exit.
%include "common.inc"

MB_FLAGS equ 0x00010002		; a.out kludge + memory info
LOAD_ADDR equ 0x200000

bits 32
org LOAD_ADDR
header:
	dd MULTIBOOT_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
	dd header			; header_addr
	dd LOAD_ADDR			; load_addr
	dd load_end			; load_end_addr
	dd bss_end			; bss_end_addr
	dd start			; entry_addr

start:
	mov esp, stack_top
	mov edi, ebx			; the info block (REPORT clobbers EBX)
	mov esi, hello
	call print_str
	xor ecx, ecx
	cmp eax, MULTIBOOT_BOOTLOADER_MAGIC
	sete cl
	REPORT n_magic
	mov eax, [edi]			; flags: mem, cmdline, mods, mmap
	and eax, 0x4d
	xor ecx, ecx
	cmp eax, 0x4d
	sete cl
	REPORT n_flags
	xor ecx, ecx
	cmp dword [edi + 4], 639	; mem_lower in KiB
	sete cl
	REPORT n_memlower
	mov esi, [edi + 16]		; cmdline: "NAME ARGS", as QEMU's -kernel
.skip_name:				; skip argv[0], the image's name
	lodsb
	test al, al
	jz .name_end
	cmp al, ' '
	jne .skip_name
	jmp .args
.name_end:
	dec esi				; no arguments: compare ""
.args:
	mov ebx, want_cmdline
	call streq
	REPORT n_cmdline
	xor ecx, ecx
	cmp dword [edi + 20], 1		; mods_count
	jne .nomod
	mov eax, [edi + 24]		; mods_addr
	mov esi, [eax]			; mod_start
	mov ebx, want_module
	mov ecx, [eax + 4]
	sub ecx, esi			; length
	cmp ecx, want_module_len
	mov ecx, 0
	jne .nomod
	call streq_n
.nomod:
	REPORT n_module
	xor ecx, ecx			; the bss is zeroed
	cmp dword [bss_probe], 0
	sete cl
	REPORT n_bss
	mov esi, bye
	call print_str
	EXIT_STATUS 0

; ECX = 1 if the strings at ESI and EBX are equal (NUL-terminated)
streq:
	push esi
	push ebx
	mov ecx, 0
.l:	mov al, [esi]
	cmp al, [ebx]
	jne .out
	inc esi
	inc ebx
	test al, al
	jnz .l
	mov ecx, 1
.out:	pop ebx
	pop esi
	ret

; ECX = 1 if want_module_len bytes at ESI equal those at EBX
streq_n:
	push edx
	mov edx, want_module_len
	mov ecx, 0
.l:	test edx, edx
	jz .eq
	mov al, [esi]
	cmp al, [ebx]
	jne .out
	inc esi
	inc ebx
	dec edx
	jmp .l
.eq:	mov ecx, 1
.out:	pop edx
	ret

DEFINE_PRINT

hello: db "aout guest: multiboot a.out-kludge image running", 10, 0
bye: db "aout guest: done", 10, 0
want_cmdline: db "tdpvisor-test cmdline=1", 0
want_module: db "module payload 0123456789", 10
want_module_len equ $ - want_module
n_magic: db "aout: EAX holds the multiboot magic", 0
n_flags: db "aout: info flags mem+cmdline+mods+mmap", 0
n_memlower: db "aout: mem_lower is 639 KiB", 0
n_cmdline: db "aout: command line from guest_cmdline after the image name", 0
n_module: db "aout: module from guest_module, byte for byte", 0
n_bss: db "aout: bss zeroed", 0
load_end:

section .bss follows=.text nobits
bss_probe: resd 1
	resb 4096
stack_top:
bss_end:
