; SPDX-License-Identifier: GPL-2.0
; A guest that starts the way kvm-unit-tests' x86_64 images do (x86/cstart64.S,
; lib/x86/setup.c, apic.c, io.c, fwcfg.c, smp.c), so that a boot of it shows
; an unmodified kvm-unit-tests .flat image gets through its start-up:
;
;  - an ELF64 object linked at 4 MiB (guest/ext/kutstyle.lds, laid out like
;    kvm-unit-tests' x86/flat.lds) and converted to ELF32 with objcopy, as
;    its .flat files are; a multiboot header with flags 0 (the loader takes
;    the ELF program headers); entry in 32-bit mode, EAX = 0x2BADB002,
;    EBX = the multiboot information block;
;  - in 32-bit mode: MSR_GS_BASE to the per-CPU area, its own GDT (64-bit
;    code, data, 32-bit code, a 64-bit TSS), segment reload around the
;    GS_BASE save/restore, identity page tables with 2 MiB pages over the
;    first 4 GiB (flags 0x1e7, APIC and IOAPIC included), CR4.PAE,
;    EFER.LME, CR0.PG|PE, far jump to 64-bit code;
;  - in 64-bit mode: its own IDT (all 32 exceptions print the vector and
;    exit with failure unless a check expects that one), LTR, serial_init,
;    the APIC reset through IA32_APIC_BASE, xAPIC ID/version/SPIV, PIC
;    masking, fw_cfg, the multiboot block (mem_upper, memory map, command
;    line, module 0 as the environment), the SIPI trampoline copy to page 0
;    and INIT/SIPI to all-but-self, the LAPIC timer through the xAPIC page
;    and, once x2APIC is on (as kvm-unit-tests turns it on before main),
;    through the x2APIC MSRs; then exit(code) through port 0xf4.
;
; Every check prints "PASS: kutstyle: WHAT" or "FAIL: kutstyle: WHAT"; the
; exit code is 0 when all passed, else 1 (kvm-unit-tests' report_summary).
; Under QEMU's isa-debug-exit that is status (code << 1) | 1; tdpvisor
; reports the value written (status 0 = success: "=== guest ...: PASS").
;
; The command line carries its own check: a token "kut.len=L" gives the
; length of everything after argv[0], and the last token "kut.end=N" the
; number of tokens after argv[0] (itself included).
%include "common.inc"

MB_FLAGS	equ 0			; kvm-unit-tests: ELF, no a.out kludge
MSR_APIC_BASE	equ 0x1b
MSR_EFER	equ 0xc0000080
MSR_GS_BASE	equ 0xc0000101
APIC_BASE_BSP	equ 1 << 8
APIC_BASE_EXTD	equ 1 << 10
APIC_BASE_EN	equ 1 << 11
APIC_PHYS	equ 0xfee00000
APIC_ID		equ 0x20
APIC_LVR	equ 0x30
APIC_EOI	equ 0xb0
APIC_SPIV	equ 0xf0
APIC_ISR	equ 0x100
APIC_TPR	equ 0x80
APIC_ICR	equ 0x300
APIC_ICR2	equ 0x310
APIC_LVTT	equ 0x320
APIC_TMICT	equ 0x380
APIC_TMCCT	equ 0x390
APIC_TDCR	equ 0x3e0
APIC_ICR_BUSY	equ 1 << 12
ICR_INIT_ALLBUT	equ 0xc0000 | 0x4000 | 0x500	; all-but-self, assert, INIT
ICR_SIPI_ALLBUT	equ 0xc0000 | 0x600		; all-but-self, STARTUP, vector 0
TIMER_VEC	equ 0x50
TIMER_COUNT	equ 100000		; bus clocks at divide-by-1
SERIAL		equ COM1_PORT		; kvm-unit-tests' serial_iobase
FW_CFG_SEL	equ 0x510
FW_CFG_DATA	equ 0x511
FW_CFG_SIGNATURE equ 0x00
FW_CFG_RAM_SIZE	equ 0x03
FW_CFG_NB_CPUS	equ 0x05
SEL_CODE64	equ 0x08
SEL_DATA	equ 0x10
SEL_TSS		equ 0x20
PTE_LARGE	equ 0x1e7		; P W U A D PS G, as cstart64.S's ptl2
PTE_TABLE	equ 7			; P W U
MBI_FLAGS_NEED	equ 1 | 4 | 8 | 0x40	; mem, cmdline, mods, mmap
PERCPU_MAGIC	equ 0x6b757470

extern edata, stext

; STR "text": RSI = a NUL-terminated copy of the text in .rodata
%macro STR 1+
[section .rodata]
%%s:	db %1, 0
__SECT__
	lea rsi, [rel %%s]
%endmacro

; CHECK "what": a PASS/FAIL line for the condition in ECX (non-zero passes)
%macro CHECK 1+
	STR %1
	call report
	call endl
%endmacro

; CHECK_OPEN "what": the same without the newline (the caller adds details)
%macro CHECK_OPEN 1+
	STR %1
	call report
%endmacro

%macro PRINT 1+
	STR %1
	call puts
%endmacro

; ---------------------------------------------------------------------------
section .init progbits alloc exec nowrite align=16
bits 32
align 4
mb_header:
	dd MULTIBOOT_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

global start
start:
	mov [mb_magic_in], eax
	mov [mb_boot_info], ebx
	; The loader must have zeroed .bss (kvm-unit-tests relies on it for
	; every static variable): OR it all together before anything uses it.
	mov esi, bss_start
	xor eax, eax
.bss_scan:
	or eax, [esi]
	add esi, 4
	cmp esi, bss_end
	jb .bss_scan
	mov [bss_or], eax
	mov esp, stack_top
	; setup_percpu_area: GS_BASE -> the per-CPU page, in 32-bit mode
	mov eax, percpu
	xor edx, edx
	mov ecx, MSR_GS_BASE
	wrmsr
	mov dword [percpu], PERCPU_MAGIC
	lgdt [gdt64_desc]
	; setup_segments: loading GS zeroes its base, so save and restore it
	mov ecx, MSR_GS_BASE
	rdmsr
	mov bx, SEL_DATA
	mov ds, bx
	mov es, bx
	mov fs, bx
	mov gs, bx
	mov ss, bx
	wrmsr
	; 2048 2 MiB pages: the identity map of 0-4 GiB
	xor ecx, ecx
.fill_pd:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_LARGE
	mov [pd + ecx * 8], eax
	mov dword [pd + ecx * 8 + 4], 0
	inc ecx
	cmp ecx, 2048
	jne .fill_pd
	xor ecx, ecx
.fill_pdpt:
	mov eax, ecx
	shl eax, 12
	add eax, pd + PTE_TABLE
	mov [pdpt + ecx * 8], eax
	inc ecx
	cmp ecx, 4
	jne .fill_pdpt
	mov dword [pml4], pdpt + PTE_TABLE
	; enter_long_mode
	mov eax, cr4
	bts eax, 5			; PAE
	mov cr4, eax
	mov eax, pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	bts eax, 8			; LME
	wrmsr
	mov eax, cr0
	bts eax, 0			; PE
	bts eax, 31			; PG
	mov cr0, eax
	jmp SEL_CODE64:start64

; ---------------------------------------------------------------------------
section .text
bits 64
default rel

start64:
	mov ax, SEL_DATA		; reload the data segments (not GS)
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov ss, ax
	mov rsp, stack_top
	cld
	call load_idt
	call load_tss
	call serial_init
	PRINT "kutstyle: serial_init done; 64-bit start-up in the style of kvm-unit-tests' cstart64.S", 10

	xor ecx, ecx
	cmp dword [mb_magic_in], MULTIBOOT_BOOTLOADER_MAGIC
	sete cl
	CHECK_OPEN "entered in 32-bit mode with EAX = multiboot magic, EBX = mbi 0x"
	mov eax, [mb_boot_info]
	mov ecx, 8
	call put_hex
	call endl

	xor ecx, ecx
	cmp dword [bss_or], 0
	sete cl
	CHECK_OPEN ".bss zeroed by the loader ("
	mov rax, bss_end - bss_start
	call put_dec
	PRINT " bytes)"
	call endl

	call check_serial
	call check_long_mode
	call check_gs_tss
	call check_apic
	call check_pic
	call check_fwcfg
	call check_mbi
	call check_cmdline
	call check_module
	call check_exceptions
	call check_smp_init
	call check_timer_xapic
	call check_cr8
	call check_x2apic

	PRINT "SUMMARY: "
	mov rax, [tests]
	call put_dec
	PRINT " tests, "
	mov rax, [failures]
	call put_dec
	PRINT " unexpected failures", 10
	xor edi, edi
	cmp qword [failures], 0
	setne dil
	jmp kut_exit

; ---- descriptor tables -----------------------------------------------------

load_idt:
	xor ebx, ebx
.exc:	mov edi, ebx
	lea rax, [exc_table]
	mov rsi, [rax + rbx * 8]
	xor edx, edx
	cmp ebx, 8			; #DF on its own stack (IST1)
	jne .set
	mov edx, 1
.set:	call set_gate
	inc ebx
	cmp ebx, 32
	jne .exc
	mov edi, TIMER_VEC
	lea rsi, [timer_isr]
	xor edx, edx
	call set_gate
	lidt [idt_descr]
	ret

; EDI = vector, RSI = handler, EDX = IST index
set_gate:
	shl edi, 4
	lea r8, [idt]
	add r8, rdi
	mov rax, rsi
	mov [r8], ax
	mov word [r8 + 2], SEL_CODE64
	mov [r8 + 4], dl
	mov byte [r8 + 5], 0x8e		; present, DPL 0, 64-bit interrupt gate
	shr rax, 16
	mov [r8 + 6], ax
	shr rax, 16
	mov [r8 + 8], eax
	mov dword [r8 + 12], 0
	ret

; load_tss: the TSS base into its descriptor (as cstart64.S does), then LTR
load_tss:
	lea rax, [ring0_stack_top]
	mov [tss + 4], rax		; RSP0
	lea rax, [df_stack_top]
	mov [tss + 36], rax		; IST1
	lea rax, [tss]
	lea rdi, [tss_descr]
	mov [rdi + 2], ax
	shr rax, 16
	mov [rdi + 4], al
	shr rax, 8
	mov [rdi + 7], al
	shr rax, 8
	mov [rdi + 8], eax
	mov ax, SEL_TSS
	ltr ax
	ret

; ---- serial: lib/x86/io.c ----------------------------------------------------

serial_init:
	mov dx, SERIAL + 3		; set DLAB
	in al, dx
	or al, 0x80
	out dx, al
	mov dx, SERIAL + 0		; divisor 1: 115200 baud
	mov al, 0x01
	out dx, al
	mov dx, SERIAL + 1
	mov al, 0x00
	out dx, al
	mov dx, SERIAL + 0		; read the latch back while DLAB is set
	in al, dx
	mov [dll_read], al
	mov dx, SERIAL + 1
	in al, dx
	mov [dlm_read], al
	mov dx, SERIAL + 3		; clear DLAB
	in al, dx
	and al, 0x7f
	out dx, al
	mov dx, SERIAL + 1		; IER: no interrupts
	mov al, 0x00
	out dx, al
	mov dx, SERIAL + 3		; LCR: 8N1
	mov al, 0x03
	out dx, al
	mov dx, SERIAL + 2		; FCR: FIFOs off
	mov al, 0x00
	out dx, al
	mov dx, SERIAL + 4		; MCR: DTR, RTS
	mov al, 0x03
	out dx, al
	ret

check_serial:
	mov dx, SERIAL + 3
	in al, dx
	mov bl, al
	mov dx, SERIAL + 1
	in al, dx
	mov bh, al
	xor ecx, ecx
	cmp byte [dll_read], 0x01
	jne .r
	cmp byte [dlm_read], 0x00
	jne .r
	cmp bx, 0x0003			; IER 0x00, LCR 0x03
	sete cl
.r:	CHECK_OPEN "serial_init: divisor latch read back 0x"
	movzx eax, byte [dlm_read]
	shl eax, 8
	mov al, [dll_read]
	mov ecx, 4
	call put_hex
	PRINT " with DLAB set; LCR 0x"
	movzx eax, bl
	mov ecx, 2
	call put_hex
	PRINT ", IER 0x"
	movzx eax, bh
	mov ecx, 2
	call put_hex
	PRINT " after; output unaffected"
	jmp endl

; serial_outb: wait for THRE, then write the byte in AL
serial_outb:
	push rdx
	push rax
	mov dx, SERIAL + 5
.wait:	in al, dx
	test al, 0x20
	jz .wait
	pop rax
	mov dx, SERIAL
	out dx, al
	pop rdx
	ret

; putc: AL, with '\n' sent as "\r\n" (serial_put)
putc:
	cmp al, 10
	jne serial_outb
	push rax
	mov al, 13
	call serial_outb
	pop rax
	jmp serial_outb

puts:
	push rax
	push rsi
.next:	mov al, [rsi]
	test al, al
	jz .done
	call putc
	inc rsi
	jmp .next
.done:	pop rsi
	pop rax
	ret

endl:
	push rax
	mov al, 10
	call putc
	pop rax
	ret

; put_hex: RAX, ECX digits
put_hex:
	push rax
	push rcx
	push rdx
	mov rdx, rax
.next:	dec ecx
	js .done
	mov rax, rdx
	shl ecx, 2
	shr rax, cl
	shr ecx, 2
	and eax, 15
	cmp al, 10
	jb .digit
	add al, 'a' - 10 - '0'
.digit:	add al, '0'
	call putc
	jmp .next
.done:	pop rdx
	pop rcx
	pop rax
	ret

; put_dec: RAX unsigned
put_dec:
	push rax
	push rcx
	push rdx
	push rdi
	sub rsp, 32
	lea rdi, [rsp + 31]
	mov byte [rdi], 0
	mov ecx, 10
.next:	xor edx, edx
	div rcx
	add dl, '0'
	dec rdi
	mov [rdi], dl
	test rax, rax
	jnz .next
	push rsi
	mov rsi, rdi
	call puts
	pop rsi
	add rsp, 32
	pop rdi
	pop rdx
	pop rcx
	pop rax
	ret

; report: ECX = condition, RSI = what; prints the PASS/FAIL prefix and what
report:
	push rsi
	inc qword [tests]
	test ecx, ecx
	jnz .pass
	inc qword [failures]
	STR "FAIL: kutstyle: "
	jmp .out
.pass:	STR "PASS: kutstyle: "
.out:	call puts
	pop rsi
	jmp puts

; exit(code): EDI, through the test device at 0xf4, then Bochs' shutdown
; port if that did not stop us (lib/x86/io.c)
kut_exit:
	mov eax, edi
	mov dx, DEBUG_EXIT_PORT
	out dx, eax
	mov dx, 0x8900
	lea rsi, [shutdown_str]
	mov ecx, 8
.sd:	lodsb
	out dx, al
	loop .sd
.hang:	cli
	hlt
	jmp .hang

; ---- CPU state -------------------------------------------------------------

check_long_mode:
	mov ecx, MSR_EFER
	rdmsr
	mov ebx, eax
	mov rax, cr0
	mov rdx, cr4
	xor ecx, ecx
	bt ebx, 10			; LMA
	jnc .r
	bt eax, 31			; PG
	jnc .r
	bt edx, 5			; PAE
	setc cl
.r:	CHECK_OPEN "IA-32e mode: EFER 0x"
	mov eax, ebx
	mov ecx, 4
	call put_hex
	PRINT " (LME, LMA), CR0.PG, CR4.PAE, 2 MiB identity map of 4 GiB"
	jmp endl

check_gs_tss:
	mov ecx, MSR_GS_BASE
	rdmsr
	shl rdx, 32
	or rax, rdx
	lea rdx, [percpu]
	xor ecx, ecx
	cmp rax, rdx
	jne .r1
	cmp dword [gs:0], PERCPU_MAGIC
	sete cl
.r1:	CHECK "MSR_GS_BASE written in 32-bit mode survives the segment reload; gs:0 reads the per-CPU area"
	str ax
	xor ecx, ecx
	cmp ax, SEL_TSS
	jne .r2
	mov al, [tss_descr + 5]
	and al, 0x0f
	cmp al, 0x0b			; busy 64-bit TSS
	sete cl
.r2:	CHECK "LTR: TR = 0x20 and its descriptor is now a busy 64-bit TSS"
	ret

; ---- APIC: lib/x86/apic.c --------------------------------------------------

; apic_read: ECX = register offset -> EAX (xAPIC page or x2APIC MSR)
apic_read:
	cmp byte [x2apic_on], 0
	jne .x2
	push rdx
	mov edx, APIC_PHYS
	mov eax, [rdx + rcx]
	pop rdx
	ret
.x2:	push rcx
	push rdx
	shr ecx, 4
	add ecx, 0x800
	rdmsr
	pop rdx
	pop rcx
	ret

; apic_write: ECX = register offset, EAX = value
apic_write:
	cmp byte [x2apic_on], 0
	jne .x2
	push rdx
	mov edx, APIC_PHYS
	mov [rdx + rcx], eax
	pop rdx
	ret
.x2:	push rcx
	push rdx
	shr ecx, 4
	add ecx, 0x800
	xor edx, edx
	wrmsr
	pop rdx
	pop rcx
	ret

check_apic:
	mov ecx, MSR_APIC_BASE
	rdmsr
	mov ebx, eax
	mov r12d, edx
	xor ecx, ecx
	test r12d, r12d
	jnz .r1
	mov eax, ebx
	and eax, 0xfffff000 | APIC_BASE_EN | APIC_BASE_BSP | APIC_BASE_EXTD
	cmp eax, APIC_PHYS | APIC_BASE_EN | APIC_BASE_BSP
	sete cl
.r1:	CHECK_OPEN "IA32_APIC_BASE 0x"
	mov eax, ebx
	mov ecx, 8
	call put_hex
	PRINT ": EN, BSP, xAPIC mode, base 0xfee00000"
	call endl

	; reset_apic(): disable through the MSR, enable again; the disable
	; resets the registers, so SPIV reads its power-up 0xff
	mov ecx, MSR_APIC_BASE
	rdmsr
	and eax, ~(APIC_BASE_EN | APIC_BASE_EXTD)
	wrmsr
	rdmsr
	mov r13d, eax
	or eax, APIC_BASE_EN
	wrmsr
	rdmsr
	mov r14d, eax
	mov ecx, APIC_SPIV
	call apic_read
	mov ebx, eax
	xor ecx, ecx
	test r13d, APIC_BASE_EN
	jnz .r2
	mov eax, r14d
	and eax, APIC_BASE_EN | APIC_BASE_EXTD
	cmp eax, APIC_BASE_EN
	jne .r2
	cmp ebx, 0xff
	sete cl
.r2:	CHECK_OPEN "reset_apic: IA32_APIC_BASE EN cleared then set; SPIV back at its reset value 0x"
	mov eax, ebx
	mov ecx, 3
	call put_hex
	call endl

	; the xAPIC ID is the initial APIC ID CPUID reports
	mov ecx, APIC_ID
	call apic_read
	shr eax, 24
	mov [xapic_id], eax
	mov ebx, eax
	mov eax, 1
	cpuid
	shr ebx, 24
	xor ecx, ecx
	cmp ebx, [xapic_id]
	sete cl
	CHECK_OPEN "xAPIC ID register (0xfee00020): "
	mov eax, [xapic_id]
	call put_dec
	PRINT ", the initial APIC ID of CPUID.1:EBX[31:24]"
	call endl

	mov ecx, APIC_LVR
	call apic_read
	mov [xapic_ver], eax
	mov ebx, eax
	xor ecx, ecx
	movzx eax, bl
	cmp eax, 0x10			; integrated APIC: 0x1X
	jb .r3
	cmp eax, 0x15
	ja .r3
	mov eax, ebx
	shr eax, 16
	cmp al, 4			; at least LVT0..LVT4 (max LVT index)
	setae cl
.r3:	CHECK_OPEN "xAPIC version register (0xfee00030): 0x"
	mov eax, ebx
	mov ecx, 8
	call put_hex
	PRINT " (version 0x"
	movzx eax, bl
	mov ecx, 2
	call put_hex
	PRINT ", max LVT "
	mov eax, ebx
	shr eax, 16
	movzx eax, al
	call put_dec
	PRINT ")"
	call endl

	; enable_apic(): SPIV = 0x1ff
	mov ecx, APIC_SPIV
	mov eax, 0x1ff
	call apic_write
	call apic_read
	mov ebx, eax
	xor ecx, ecx
	cmp eax, 0x1ff
	sete cl
	CHECK_OPEN "SPIV (0xfee000f0) written 0x1ff reads back 0x"
	mov eax, ebx
	mov ecx, 3
	call put_hex
	jmp endl

; mask_pic_interrupts()
check_pic:
	mov al, 0xff
	out 0x21, al
	out 0xa1, al
	in al, 0x21
	mov bl, al
	in al, 0xa1
	mov bh, al
	xor ecx, ecx
	cmp bx, 0xffff
	sete cl
	CHECK "mask_pic_interrupts: 0xff to ports 0x21 and 0xa1, both IMRs read back 0xff"
	ret

; ---- fw_cfg: lib/x86/fwcfg.c -----------------------------------------------

; fwcfg_get: EDI = key, ECX = bytes -> RAX (little endian)
fwcfg_get:
	push rbx
	push rcx
	push rdx
	mov eax, edi
	mov dx, FW_CFG_SEL
	out dx, ax			; a 16-bit selector write
	mov dx, FW_CFG_DATA
	xor ebx, ebx
	xor r8d, r8d
.next:	in al, dx
	movzx rax, al
	push rcx
	mov ecx, r8d
	shl rax, cl
	pop rcx
	or rbx, rax
	add r8d, 8
	dec ecx
	jnz .next
	mov rax, rbx
	pop rdx
	pop rcx
	pop rbx
	ret

check_fwcfg:
	mov edi, FW_CFG_SIGNATURE
	mov ecx, 4
	call fwcfg_get
	xor ecx, ecx
	cmp eax, 'QEMU'
	sete cl
	CHECK "fw_cfg: key 0x0000 (16-bit write to 0x510, bytes from 0x511) reads signature QEMU"
	mov edi, FW_CFG_NB_CPUS
	mov ecx, 2
	call fwcfg_get
	mov [fw_nb_cpus], rax
	xor ecx, ecx
	cmp rax, 1
	sete cl
	CHECK_OPEN "fw_cfg: FW_CFG_NB_CPUS (0x05) = "
	mov rax, [fw_nb_cpus]
	call put_dec
	PRINT " (one CPU: smp_init waits for no AP)"
	call endl
	mov edi, FW_CFG_RAM_SIZE
	mov ecx, 8
	call fwcfg_get
	mov [fw_ram_size], rax
	ret

; ---- multiboot information: lib/x86/setup.c --------------------------------

check_mbi:
	mov ebx, [mb_boot_info]
	mov eax, [rbx]
	mov r12d, eax
	xor ecx, ecx
	and eax, MBI_FLAGS_NEED
	cmp eax, MBI_FLAGS_NEED
	sete cl
	CHECK_OPEN "mbi flags 0x"
	mov eax, r12d
	mov ecx, 8
	call put_hex
	PRINT ": mem_lower/mem_upper, cmdline, mods, mmap"
	call endl

	; setup_multiboot(): phys_alloc_init(edata, mem_upper * 1024 - edata)
	mov eax, [rbx + 8]		; mem_upper, KiB
	mov r12, rax
	shl rax, 10
	mov r13, rax
	xor ecx, ecx
	test r12, r12
	jz .r2
	mov rdx, edata
	cmp rax, rdx
	jbe .r2
	; RAM size from fw_cfg agrees: below 4 GiB it is 1 MiB + mem_upper
	mov rax, r13
	add rax, 0x100000
	cmp rax, [fw_ram_size]
	sete cl
.r2:	CHECK_OPEN "mem_upper "
	mov rax, r12
	call put_dec
	PRINT " KiB: above edata 0x"
	mov rax, edata
	mov ecx, 8
	call put_hex
	PRINT ", 1 MiB + mem_upper = FW_CFG_RAM_SIZE "
	mov rax, [fw_ram_size]
	call put_dec
	call endl

	; the memory map: a type-1 region at 1 MiB, and one holding the image
	mov r12d, [rbx + 48]		; mmap_addr
	mov r13d, [rbx + 44]		; mmap_length
	add r13, r12
	xor r14d, r14d			; bit 0: at 1 MiB, bit 1: holds the image
	xor r15d, r15d			; the 1 MiB region's length
	xor ebp, ebp			; entries
.ent:	cmp r12, r13
	jae .done
	inc ebp
	cmp dword [r12 + 20], 1		; type
	jne .skip
	mov rax, [r12 + 4]		; base
	mov rdx, [r12 + 12]		; length
	cmp rax, 0x100000
	jne .img
	test rdx, rdx
	jz .img
	or r14d, 1
	mov r15, rdx
.img:	mov rcx, stext
	cmp rax, rcx
	ja .skip
	add rax, rdx
	mov rcx, edata
	cmp rax, rcx
	jb .skip
	or r14d, 2
.skip:	mov eax, [r12]			; size, not counting itself
	lea r12, [r12 + rax + 4]
	cmp eax, 20
	jae .ent
	jmp .done			; a bad size would loop: stop (and fail)
.done:	xor ecx, ecx
	cmp r14d, 3
	sete cl
	CHECK_OPEN "memory map: "
	mov eax, ebp
	call put_dec
	PRINT " entries, type-1 RAM at 1 MiB ("
	mov rax, r15
	shr rax, 10
	call put_dec
	PRINT " KiB) and around the image [0x"
	mov rax, stext
	mov ecx, 8
	call put_hex
	PRINT ", 0x"
	mov rax, edata
	call put_hex
	PRINT ")"
	jmp endl

; cmdline: argv[0] (the image), then the arguments, "kut.len=L" among
; them and "kut.end=N" last
check_cmdline:
	mov ebx, [mb_boot_info]
	xor r13d, r13d
	xor r14d, r14d
	xor ecx, ecx
	test dword [rbx], 4
	jz .fail
	mov esi, [rbx + 16]
	; skip argv[0]
.a0:	mov al, [rsi]
	test al, al
	jz .fail
	inc rsi
	cmp al, ' '
	jne .a0
	mov r12, rsi			; the arguments
	; their length
	mov rdi, rsi
.len:	cmp byte [rdi], 0
	je .lend
	inc rdi
	jmp .len
.lend:	mov r13, rdi
	sub r13, r12			; length
	; tokens: count, find kut.len=, remember the last
	xor r14d, r14d			; count
	mov r15, -1			; kut.len value
	xor ebp, ebp			; last token
	mov rsi, r12
.tok:	cmp byte [rsi], ' '
	jne .t1
	inc rsi
	jmp .tok
.t1:	cmp byte [rsi], 0
	je .tend
	inc r14
	mov rbp, rsi
	lea rdi, [s_kutlen]
	call starts_with
	jnz .t2
	call parse_dec
	mov r15, rax
.t2:	cmp byte [rsi], 0		; to the end of the token
	je .tend
	cmp byte [rsi], ' '
	je .tok
	inc rsi
	jmp .t2
.tend:	xor ecx, ecx
	cmp r15, r13
	jne .fail
	test rbp, rbp
	jz .fail
	mov rsi, rbp
	lea rdi, [s_kutend]
	call starts_with
	jnz .fail
	call parse_dec
	cmp byte [rsi], 0		; nothing after its number
	jne .fail
	cmp rax, r14
	sete cl
.fail:	CHECK_OPEN "command line intact: "
	mov rax, r13
	call put_dec
	PRINT " characters after argv[0] as kut.len says, "
	mov rax, r14
	call put_dec
	PRINT " tokens, the last 'kut.end=' with that count"
	jmp endl

; starts_with: RSI = string, RDI = NUL-terminated prefix; ZF set when it
; matches, RSI then past the prefix (else unchanged)
starts_with:
	push rsi
	push rdi
.c:	mov al, [rdi]
	test al, al
	jz .yes
	cmp al, [rsi]
	jne .no
	inc rsi
	inc rdi
	jmp .c
.yes:	pop rdi
	add rsp, 8
	xor eax, eax			; ZF = 1
	ret
.no:	pop rdi
	pop rsi
	or eax, 1			; ZF = 0
	ret

; parse_dec: RSI -> RAX, RSI past the digits
parse_dec:
	xor eax, eax
.d:	movzx edx, byte [rsi]
	sub edx, '0'
	cmp edx, 9
	ja .e
	imul rax, rax, 10
	add rax, rdx
	inc rsi
	jmp .d
.e:	ret

; module 0 is the environment (setup_libcflat): KEY=VALUE lines;
; NR_CPUS must agree with fw_cfg
check_module:
	mov ebx, [mb_boot_info]
	xor r12d, r12d
	xor r13d, r13d
	mov r14, -1
	xor ecx, ecx
	cmp dword [rbx + 20], 1		; mods_count
	jne .r
	mov eax, [rbx + 24]		; mods_addr
	mov r12d, [rax]			; start
	mov r13d, [rax + 4]		; end
	cmp r13, r12
	jbe .r
	mov rdx, edata
	cmp r12, rdx			; after the image
	jb .r
	mov r14, -1
	mov rsi, r12
.line:	cmp rsi, r13
	jae .end
	lea rdi, [s_nrcpus]
	call starts_with
	jnz .next
	call parse_dec
	mov r14, rax
.next:	cmp rsi, r13			; to the next line
	jae .end
	lodsb
	cmp al, 10
	jne .next
	jmp .line
.end:	xor ecx, ecx
	cmp r14, [fw_nb_cpus]
	sete cl
.r:	CHECK_OPEN "module 0 as the environment: "
	mov rax, r13
	sub rax, r12
	call put_dec
	PRINT " bytes after edata, NR_CPUS="
	mov rax, r14
	cmp rax, -1
	je .absent
	call put_dec
	PRINT " agrees with fw_cfg"
	jmp endl
.absent:
	PRINT "(absent), fw_cfg says "
	mov rax, [fw_nb_cpus]
	call put_dec
	jmp endl

; ---- exceptions ------------------------------------------------------------

; an RDMSR of an MSR that does not exist raises #GP(0) at the RDMSR, and
; UD2 raises #UD: both through this IDT, resumed at a fixup (rdmsr_safe)
check_exceptions:
	mov qword [got_vector], -1
	mov qword [expect_vector], 13
	lea rax, [.gp_fix]
	mov [expect_fixup], rax
	mov ecx, 0xdead0000
.gp_at:	rdmsr
	mov qword [expect_vector], -1
.gp_fix:
	xor ecx, ecx
	cmp qword [got_vector], 13
	jne .r1
	cmp qword [got_error], 0
	jne .r1
	lea rax, [.gp_at]
	cmp [got_rip], rax
	sete cl
.r1:	CHECK "RDMSR of a missing MSR (0xdead0000) raises #GP(0) at the RDMSR through the IDT"
	mov qword [got_vector], -1
	mov qword [expect_vector], 6
	lea rax, [.ud_fix]
	mov [expect_fixup], rax
.ud_at:	ud2
	mov qword [expect_vector], -1
.ud_fix:
	xor ecx, ecx
	cmp qword [got_vector], 6
	jne .r2
	lea rax, [.ud_at]
	cmp [got_rip], rax
	sete cl
.r2:	CHECK "UD2 raises #UD at its RIP through the IDT"
	ret

%assign v 0
%rep 32
exc_ %+ v:
%if v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21 || v == 29 || v == 30
	push v				; the CPU pushed an error code
%else
	push 0
	push v
%endif
	jmp exc_common
%assign v v + 1
%endrep

; [rsp] vector, [rsp + 8] error code, then RIP, CS, RFLAGS, RSP, SS
exc_common:
	push rax
	push rcx
	push rdx
	push rsi
	push rdi
	mov rax, [rsp + 40]
	cmp rax, [expect_vector]
	jne .unexpected
	mov [got_vector], rax
	mov rax, [rsp + 48]
	mov [got_error], rax
	mov rax, [rsp + 56]
	mov [got_rip], rax
	mov rax, [expect_fixup]
	mov [rsp + 56], rax
	mov qword [expect_vector], -1
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rax
	add rsp, 16
	iretq
.unexpected:
	PRINT "FAIL: kutstyle: unexpected exception: vector "
	mov rax, [rsp + 40]
	call put_dec
	PRINT ", error code 0x"
	mov rax, [rsp + 48]
	mov ecx, 8
	call put_hex
	PRINT ", RIP 0x"
	mov rax, [rsp + 56]
	mov ecx, 16
	call put_hex
	call endl
	mov edi, 1
	jmp kut_exit

; ---- SMP start-up: lib/x86/smp.c -------------------------------------------

; As smp_init/ap_init do: copy the real-mode trampoline to page 0, send
; INIT and SIPI to all but self, then wait for fw_cfg's CPU count to be
; online (one CPU here: nobody to wait for).  The BSP's own LAPIC must be
; untouched.
check_smp_init:
	cld
	lea rsi, [sipi_entry]
	xor edi, edi
	mov ecx, sipi_end - sipi_entry
	rep movsb
	lea rsi, [sipi_entry]
	xor edi, edi
	mov ecx, sipi_end - sipi_entry
	repe cmpsb
	sete bl
	movzx ecx, bl
	CHECK "page 0 is RAM: the SIPI trampoline copied to address 0 reads back"
	mov ecx, APIC_ICR2
	xor eax, eax
	call apic_write
	mov ecx, APIC_ICR
	mov eax, ICR_INIT_ALLBUT
	call apic_write
	call icr_wait
	mov r12d, eax
	mov ecx, APIC_ICR
	mov eax, ICR_SIPI_ALLBUT
	call apic_write
	call icr_wait
	or r12d, eax
	mov ecx, APIC_SPIV
	call apic_read
	xor ecx, ecx
	test r12d, r12d
	jz .r
	cmp eax, 0x1ff
	jne .r
	mov rax, [fw_nb_cpus]		; CPUs online: the BSP alone
	cmp rax, 1
	sete cl
.r:	CHECK "INIT and SIPI to all-but-self: ICR idle after each, the BSP's LAPIC untouched (SPIV 0x1ff)"
	ret

; icr_wait: EAX = 1 once the ICR's delivery status is idle (bounded)
icr_wait:
	mov edx, 100000
.w:	mov ecx, APIC_ICR
	call apic_read
	test eax, APIC_ICR_BUSY
	jz .idle
	pause
	dec edx
	jnz .w
	xor eax, eax
	ret
.idle:	mov eax, 1
	ret

; ---- LAPIC timer -----------------------------------------------------------

timer_isr:
	push rax
	push rcx
	push rdx
	inc qword [timer_count]
	mov ecx, APIC_ISR + (TIMER_VEC / 32) * 0x10
	call apic_read
	bt eax, TIMER_VEC % 32
	setc [isr_in_handler]
	mov ecx, APIC_EOI
	xor eax, eax
	call apic_write
	mov ecx, APIC_ISR + (TIMER_VEC / 32) * 0x10
	call apic_read
	bt eax, TIMER_VEC % 32
	setc [isr_after_eoi]
	pop rdx
	pop rcx
	pop rax
	iretq

; timer_round: one one-shot interrupt, sti; hlt until it came.
; Returns ECX = 1 when it came once, was in service in the handler, the
; EOI cleared the in-service bit and the current count reads 0.
timer_round:
	mov byte [isr_in_handler], 0
	mov byte [isr_after_eoi], 1
	mov rbx, [timer_count]
	mov ecx, APIC_TDCR
	mov eax, 0x0b			; divide by 1
	call apic_write
	mov ecx, APIC_LVTT
	mov eax, TIMER_VEC		; one-shot, unmasked
	call apic_write
	mov ecx, APIC_TMICT
	mov eax, TIMER_COUNT
	call apic_write
	mov r12d, 1000
.w:	cli
	mov rax, [timer_count]
	sub rax, rbx
	jnz .came
	dec r12d
	jz .came
	sti
	hlt
	jmp .w
.came:	mov ecx, APIC_TMCCT
	call apic_read
	mov r13d, eax
	mov ecx, APIC_LVTT
	mov eax, 0x10000 | TIMER_VEC	; masked
	call apic_write
	xor ecx, ecx
	mov rax, [timer_count]
	sub rax, rbx
	cmp rax, 1
	jne .r
	cmp byte [isr_in_handler], 1
	jne .r
	cmp byte [isr_after_eoi], 0
	jne .r
	test r13d, r13d
	sete cl
.r:	ret

check_timer_xapic:
	call timer_round
	CHECK "LAPIC timer one-shot (xAPIC page): vector 0x50 woke HLT, in service in the handler, EOI cleared ISR, TMCCT 0"
	ret

; CR8 is the LAPIC's TPR[7:4], as apic_set_tpr()/apic_get_tpr() use it
; on x86_64: MOV to CR8 shows in the TPR register, a TPR write shows in
; CR8, and a self-IPI of a class not above CR8 waits until CR8 drops.
check_cr8:
	mov eax, 2
	mov cr8, rax
	mov ecx, APIC_TPR
	call apic_read
	mov r12d, eax
	mov ecx, APIC_TPR
	mov eax, 0x30
	call apic_write
	mov rax, cr8
	mov r13, rax
	xor ecx, ecx
	cmp r12d, 0x20
	jne .r1
	cmp r13, 3
	sete cl
.r1:	CHECK "MOV to CR8 sets TPR (2 -> 0x20) and a TPR write shows in CR8 (0x30 -> 3)"
	mov eax, TIMER_VEC >> 4
	mov cr8, rax
	mov byte [isr_in_handler], 0
	mov rbx, [timer_count]
	mov ecx, APIC_ICR
	mov eax, 0x40000 | TIMER_VEC	; self, fixed, edge
	call apic_write
	sti
	nop
	nop
	cli
	mov r12, [timer_count]
	xor eax, eax
	mov cr8, rax
	sti
	nop
	nop
	cli
	xor ecx, ecx
	cmp r12, rbx
	jne .r2
	inc rbx
	cmp [timer_count], rbx
	sete cl
.r2:	CHECK "a self-IPI of class CR8 waits while CR8 holds it and arrives when CR8 drops to 0"
	ret

; enable_x2apic(): when CPUID offers it, as kvm-unit-tests does before main
check_x2apic:
	mov eax, 1
	cpuid
	bt ecx, 21
	jc .have
	PRINT "SKIP: kutstyle: CPUID.1:ECX.x2APIC is clear", 10
	ret
.have:	mov ecx, MSR_APIC_BASE
	rdmsr
	or eax, APIC_BASE_EXTD
	wrmsr
	rdmsr
	mov ebx, eax
	mov byte [x2apic_on], 1
	mov ecx, APIC_ID
	call apic_read
	mov r12d, eax
	mov ecx, APIC_LVR
	call apic_read
	mov r13d, eax
	xor ecx, ecx
	and ebx, APIC_BASE_EN | APIC_BASE_EXTD
	cmp ebx, APIC_BASE_EN | APIC_BASE_EXTD
	jne .r1
	cmp r12d, [xapic_id]
	jne .r1
	cmp r13d, [xapic_ver]
	sete cl
.r1:	CHECK_OPEN "enable_x2apic: EXTD set; ID MSR 0x802 = "
	mov eax, r12d
	call put_dec
	PRINT ", version MSR 0x803 = 0x"
	mov eax, r13d
	mov ecx, 8
	call put_hex
	PRINT ", as the xAPIC page said"
	call endl
	call timer_round
	CHECK "LAPIC timer one-shot (x2APIC MSRs): vector 0x50 woke HLT, in service in the handler, EOI MSR cleared ISR, TMCCT 0"
	ret

; The AP entry kvm-unit-tests copies to page 0 (its SIPI target); only
; copied and compared here, as no AP exists to run it.
bits 16
sipi_entry:
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	cli
.h:	hlt
	jmp .h
sipi_end:
bits 64

; ---------------------------------------------------------------------------
section .rodata
s_kutlen:	db "kut.len=", 0
s_kutend:	db "kut.end=", 0
s_nrcpus:	db "NR_CPUS=", 0
shutdown_str:	db "Shutdown"

section .data
align 16
gdt64_desc:
	dw gdt64_end - gdt64 - 1
	dq gdt64
align 16
gdt64:
	dq 0
	dq 0x00af9b000000ffff		; 0x08 64-bit code
	dq 0x00cf93000000ffff		; 0x10 data
	dq 0x00cf9b000000ffff		; 0x18 32-bit code
tss_descr:
	dq 0x0000890000000067		; 0x20 64-bit TSS (base filled in)
	dq 0
gdt64_end:
align 16
idt_descr:
	dw 256 * 16 - 1
	dq idt
align 16
tss:
	times 102 db 0
	dw 104				; no I/O permission bitmap
exc_table:
%assign v 0
%rep 32
	dq exc_ %+ v
%assign v v + 1
%endrep
expect_vector:	dq -1
bss_or:		dd -1
mb_magic_in:	dd 0			; written before .bss is checked
mb_boot_info:	dd 0

section .bss
alignb 4096
bss_start:
pml4:		resb 4096
pdpt:		resb 4096
pd:		resb 4 * 4096
idt:		resb 256 * 16
percpu:		resb 4096
		resb 16384
stack_top:
		resb 4096
ring0_stack_top:
		resb 4096
df_stack_top:
xapic_id:	resd 1
xapic_ver:	resd 1
tests:		resq 1
failures:	resq 1
fw_nb_cpus:	resq 1
fw_ram_size:	resq 1
expect_fixup:	resq 1
got_vector:	resq 1
got_error:	resq 1
got_rip:	resq 1
timer_count:	resq 1
dll_read:	resb 1
dlm_read:	resb 1
x2apic_on:	resb 1
isr_in_handler:	resb 1
isr_after_eoi:	resb 1
alignb 8
bss_end:
section .note.GNU-stack noalloc noexec nowrite progbits
