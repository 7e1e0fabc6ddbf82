// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for hv/emul/x86_decode.c: hand-written byte sequences for every
 * supported form in every mode, malformed and unsupported encodings with
 * their exact error codes, and the register write-back semantics.
 *
 * The byte sequences were checked against binutils (objdump -D -b binary
 * -m i386:x86-64 / i386 / i8086) for their length and operands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "types.h"
#include "errno_codes.h"
#include "hv/emul/x86_decode.h"

#define M16 X86_MODE_16
#define M32 X86_MODE_32
#define M64 X86_MODE_64

#define R X86_INSN_READ
#define W X86_INSN_WRITE
#define WI X86_INSN_WRITE_IMM

/* The byte list and its length. */
#define B(...) .bytes = { __VA_ARGS__ }, .nin = sizeof((u8[]){ __VA_ARGS__ })
/* Expected segment, stored +1 so that 0 means the default, DS. */
#define SEG(s) .seg = X86_SEG_##s + 1

struct ok_case {
	const char *name;
	u8 mode;
	u8 bytes[X86_MAX_INSN_LEN + 1];
	u8 nin;
	u8 len, kind, size;
	u8 reg;
	u8 reg_size; /* 0: same as size */
	u8 ext;
	bool high8;
	u64 imm;
	u8 seg; /* SEG(): 0 means DS */
	u8 disp_size;
	s64 disp;
	bool rip_rel;
	bool sib;
	bool string;
	bool rep;
	u8 addr_size; /* 0: the mode's default */
};

/* clang-format off */
static const struct ok_case ok_cases[] = {
	/* 88: MOV r/m8, r8 */
	{ "mov [rax],cl", M64, B(0x88, 0x08), 2, W, 1, 1 },
	{ "mov [rax],ah", M64, B(0x88, 0x20), 2, W, 1, 0, .high8 = true },
	{ "mov [rax],bh", M64, B(0x88, 0x38), 2, W, 1, 3, .high8 = true },
	{ "mov [rax],spl", M64, B(0x40, 0x88, 0x20), 3, W, 1, 4 },
	{ "mov [rax],dil", M64, B(0x40, 0x88, 0x38), 3, W, 1, 7 },
	{ "mov [rax],r15b", M64, B(0x44, 0x88, 0x38), 3, W, 1, 15 },
	{ "mov [rip+0x11223344],bh", M64,
	  B(0x88, 0x3d, 0x44, 0x33, 0x22, 0x11), 6, W, 1, 3, .high8 = true,
	  .disp_size = 4, .disp = 0x11223344, .rip_rel = true },
	/* 89: MOV r/m, r */
	{ "mov [rbx],ecx", M64, B(0x89, 0x0b), 2, W, 4, 1 },
	{ "mov [rbx],cx", M64, B(0x66, 0x89, 0x0b), 3, W, 2, 1 },
	{ "mov [rbx],rcx", M64, B(0x48, 0x89, 0x0b), 3, W, 8, 1 },
	{ "66+REX.W: rex.w wins", M64, B(0x66, 0x48, 0x89, 0x0b), 4, W, 8, 1 },
	{ "mov [rbx+0x10],r8", M64, B(0x4c, 0x89, 0x43, 0x10), 4, W, 8, 8,
	  .disp_size = 1, .disp = 0x10 },
	{ "mov [r12-8],rax (REX.B SIB)", M64, B(0x49, 0x89, 0x44, 0x24, 0xf8),
	  5, W, 8, 0, .disp_size = 1, .disp = -8, .sib = true },
	{ "mov [rsp+8],rax (SS)", M64, B(0x48, 0x89, 0x44, 0x24, 0x08), 5, W,
	  8, 0, SEG(SS), .disp_size = 1, .disp = 8, .sib = true },
	{ "mov [rbp+0],rax (SS)", M64, B(0x48, 0x89, 0x45, 0x00), 4, W, 8, 0,
	  SEG(SS), .disp_size = 1, .disp = 0 },
	{ "mov [r13+0],rax (DS)", M64, B(0x49, 0x89, 0x45, 0x00), 4, W, 8, 0,
	  .disp_size = 1, .disp = 0 },
	{ "mov [rax+rcx*8+0x12345678],rax", M64,
	  B(0x48, 0x89, 0x84, 0xc8, 0x78, 0x56, 0x34, 0x12), 8, W, 8, 0,
	  .disp_size = 4, .disp = 0x12345678, .sib = true },
	{ "mov [disp32],eax (SIB no base)", M64,
	  B(0x89, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00), 7, W, 4, 0,
	  .disp_size = 4, .disp = 0x1000, .sib = true },
	{ "mov [rbp*2+disp32],eax (no base: DS)", M64,
	  B(0x89, 0x04, 0x6d, 0x00, 0x10, 0x00, 0x00), 7, W, 4, 0,
	  .disp_size = 4, .disp = 0x1000, .sib = true },
	{ "mov [r13+r9*1+0],eax (REX.XB, mod0 base5)", M64,
	  B(0x43, 0x89, 0x44, 0x0d, 0x00), 5, W, 4, 0, .disp_size = 1,
	  .sib = true },
	{ "mov [r12+r9],eax (REX.XB)", M64, B(0x43, 0x89, 0x04, 0x0c), 4, W, 4,
	  0, .sib = true },
	{ "mov [rip-0x10],rax", M64, B(0x48, 0x89, 0x05, 0xf0, 0xff, 0xff, 0xff),
	  7, W, 8, 0, .disp_size = 4, .disp = -16, .rip_rel = true },
	{ "mov [eip+0],eax (67)", M64, B(0x67, 0x89, 0x05, 0, 0, 0, 0), 7, W, 4,
	  0, .disp_size = 4, .rip_rel = true, .addr_size = 4 },
	{ "mov [edi],eax (67)", M64, B(0x67, 0x89, 0x07), 3, W, 4, 0,
	  .addr_size = 4 },
	{ "mov gs:[0x30],rax", M64,
	  B(0x65, 0x48, 0x89, 0x04, 0x25, 0x30, 0, 0, 0), 9, W, 8, 0, SEG(GS),
	  .disp_size = 4, .disp = 0x30, .sib = true },
	{ "mov fs:[rbp-4],eax", M64, B(0x64, 0x89, 0x45, 0xfc), 4, W, 4, 0,
	  SEG(FS), .disp_size = 1, .disp = -4 },
	{ "cs override ignored in 64-bit", M64, B(0x2e, 0x89, 0x08), 3, W, 4, 1 },
	{ "ss override ignored in 64-bit", M64, B(0x36, 0x89, 0x08), 3, W, 4, 1 },
	{ "last segment override wins", M64, B(0x64, 0x65, 0x89, 0x08), 4, W, 4,
	  1, SEG(GS) },
	{ "repeated 66 prefixes", M64, B(0x66, 0x66, 0x89, 0x08), 4, W, 2, 1 },
	/* 8A/8B: MOV r, r/m */
	{ "mov al,[rdi]", M64, B(0x8a, 0x07), 2, R, 1, 0 },
	{ "mov ah,[rdi]", M64, B(0x8a, 0x27), 2, R, 1, 0, .high8 = true },
	{ "mov dh,[rdi]", M64, B(0x8a, 0x37), 2, R, 1, 2, .high8 = true },
	{ "mov sil,[rdi]", M64, B(0x40, 0x8a, 0x37), 3, R, 1, 6 },
	{ "mov r15b,[r8]", M64, B(0x45, 0x8a, 0x38), 3, R, 1, 15 },
	{ "mov eax,[rdi+0x100]", M64, B(0x8b, 0x87, 0x00, 0x01, 0, 0), 6, R, 4,
	  0, .disp_size = 4, .disp = 0x100 },
	{ "mov rcx,[rip+0x200]", M64, B(0x48, 0x8b, 0x0d, 0x00, 0x02, 0, 0), 7,
	  R, 8, 1, .disp_size = 4, .disp = 0x200, .rip_rel = true },
	{ "mov dx,[rip-1]", M64, B(0x66, 0x8b, 0x15, 0xff, 0xff, 0xff, 0xff), 7,
	  R, 2, 2, .disp_size = 4, .disp = -1, .rip_rel = true },
	{ "mov r15,[rsp]", M64, B(0x4c, 0x8b, 0x3c, 0x24), 4, R, 8, 15, SEG(SS),
	  .sib = true },
	{ "mov r9d,[rsi+rbx*4-0x80]", M64, B(0x44, 0x8b, 0x4c, 0x9e, 0x80), 5,
	  R, 4, 9, .disp_size = 1, .disp = -128, .sib = true },
	/* C6/C7 /0: MOV r/m, imm */
	{ "mov byte [rax],0xab", M64, B(0xc6, 0x00, 0xab), 3, WI, 1,
	  .imm = 0xab },
	{ "mov byte [rip+0x10],0x7f", M64,
	  B(0xc6, 0x05, 0x10, 0, 0, 0, 0x7f), 7, WI, 1, .imm = 0x7f,
	  .disp_size = 4, .disp = 0x10, .rip_rel = true },
	{ "mov word [rax],0x1234", M64, B(0x66, 0xc7, 0x00, 0x34, 0x12), 5, WI,
	  2, .imm = 0x1234 },
	{ "mov word [rax],0x8000", M64, B(0x66, 0xc7, 0x00, 0x00, 0x80), 5, WI,
	  2, .imm = 0x8000 },
	{ "mov dword [rax],0x12345678", M64,
	  B(0xc7, 0x00, 0x78, 0x56, 0x34, 0x12), 6, WI, 4, .imm = 0x12345678 },
	{ "mov dword [rax],0x80000000", M64, B(0xc7, 0x00, 0, 0, 0, 0x80), 6,
	  WI, 4, .imm = 0x80000000 },
	{ "mov qword [rax],-1", M64, B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff),
	  7, WI, 8, .imm = 0xffffffffffffffffULL },
	{ "mov qword [rax],imm32 sign-extends", M64,
	  B(0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80), 7, WI, 8,
	  .imm = 0xffffffff80000000ULL },
	{ "mov qword [rax],0x7fffffff", M64,
	  B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f), 7, WI, 8,
	  .imm = 0x7fffffff },
	{ "mov dword [rsp+8],1", M64,
	  B(0xc7, 0x44, 0x24, 0x08, 0x01, 0, 0, 0), 8, WI, 4, .imm = 1,
	  SEG(SS), .disp_size = 1, .disp = 8, .sib = true },
	{ "mov qword [rsp+0x100],0xff", M64,
	  B(0x48, 0xc7, 0x84, 0x24, 0x00, 0x01, 0, 0, 0xff, 0, 0, 0), 12, WI, 8,
	  .imm = 0xff, SEG(SS), .disp_size = 4, .disp = 0x100, .sib = true },
	{ "15 bytes: fs 66 67 REX.W C7 SIB disp32 imm32", M64,
	  B(0x64, 0x66, 0x67, 0x48, 0xc7, 0x84, 0x88, 0x44, 0x33, 0x22, 0x11,
	    0x78, 0x56, 0x34, 0x12), 15, WI, 8, .imm = 0x12345678, SEG(FS),
	  .disp_size = 4, .disp = 0x11223344, .sib = true, .addr_size = 4 },
	/* A0-A3: MOV moffs */
	{ "mov al,[moffs64]", M64,
	  B(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), 9, R, 1, 0,
	  .disp_size = 8, .disp = 0x1122334455667788LL },
	{ "mov rax,[moffs64]", M64,
	  B(0x48, 0xa1, 0, 0, 0, 0xfe, 0, 0, 0, 0x80), 10, R, 8, 0,
	  .disp_size = 8, .disp = (s64)0x80000000fe000000ULL },
	{ "mov [moffs64],eax", M64, B(0xa3, 0x10, 0, 0, 0, 0, 0, 0, 0), 9, W, 4,
	  0, .disp_size = 8, .disp = 0x10 },
	{ "mov [moffs64],ax", M64, B(0x66, 0xa3, 0x10, 0, 0, 0, 0, 0, 0, 0), 10,
	  W, 2, 0, .disp_size = 8, .disp = 0x10 },
	{ "mov [moffs64],al", M64, B(0xa2, 0x10, 0, 0, 0, 0, 0, 0, 0), 9, W, 1,
	  0, .disp_size = 8, .disp = 0x10 },
	{ "mov eax,[moffs32] (67)", M64, B(0x67, 0xa1, 0x00, 0x00, 0xfe, 0xfe),
	  6, R, 4, 0, .disp_size = 4, .disp = 0xfefe0000, .addr_size = 4 },
	{ "mov eax,gs:[moffs64]", M64, B(0x65, 0xa1, 1, 0, 0, 0, 0, 0, 0, 0), 10,
	  R, 4, 0, SEG(GS), .disp_size = 8, .disp = 1 },
	{ "mov eax,[moffs32] 32-bit", M32, B(0xa1, 0x00, 0x00, 0xfe, 0xfe), 5, R,
	  4, 0, .disp_size = 4, .disp = 0xfefe0000 },
	{ "mov [moffs32],al 32-bit", M32, B(0xa2, 0x00, 0x00, 0xfe, 0xfe), 5, W,
	  1, 0, .disp_size = 4, .disp = 0xfefe0000 },
	{ "mov ax,[moffs32] 32-bit 66", M32,
	  B(0x66, 0xa1, 0x00, 0x00, 0xfe, 0xfe), 6, R, 2, 0, .disp_size = 4,
	  .disp = 0xfefe0000 },
	{ "mov eax,fs:[moffs32] 32-bit", M32, B(0x64, 0xa1, 0x30, 0, 0, 0), 6, R,
	  4, 0, SEG(FS), .disp_size = 4, .disp = 0x30 },
	{ "mov ax,[moffs16] 32-bit 66 67", M32, B(0x66, 0x67, 0xa1, 0x00, 0x80),
	  5, R, 2, 0, .disp_size = 2, .disp = 0x8000, .addr_size = 2 },
	{ "mov ax,[moffs16] 16-bit", M16, B(0xa1, 0x00, 0x80), 3, R, 2, 0,
	  .disp_size = 2, .disp = 0x8000 },
	{ "mov eax,[moffs16] 16-bit 66", M16, B(0x66, 0xa1, 0x00, 0x80), 4, R, 4,
	  0, .disp_size = 2, .disp = 0x8000 },
	{ "mov ax,[moffs32] 16-bit 67", M16, B(0x67, 0xa1, 0, 0, 0xfe, 0xfe), 6,
	  R, 2, 0, .disp_size = 4, .disp = 0xfefe0000, .addr_size = 4 },
	{ "mov es:[moffs16],al 16-bit", M16, B(0x26, 0xa2, 0x34, 0x12), 4, W, 1,
	  0, SEG(ES), .disp_size = 2, .disp = 0x1234 },
	/* MOVZX / MOVSX / MOVSXD */
	{ "movzx eax,byte [rdi]", M64, B(0x0f, 0xb6, 0x07), 3, R, 1, 0, 4,
	  X86_EXT_ZERO },
	{ "movzx rax,byte [rdi]", M64, B(0x48, 0x0f, 0xb6, 0x07), 4, R, 1, 0, 8,
	  X86_EXT_ZERO },
	{ "movzx ax,byte [rdi]", M64, B(0x66, 0x0f, 0xb6, 0x07), 4, R, 1, 0, 2,
	  X86_EXT_ZERO },
	{ "movzx esi,byte [rax] (no high8)", M64, B(0x0f, 0xb6, 0x30), 3, R, 1,
	  6, 4, X86_EXT_ZERO },
	{ "movzx eax,word [rdi]", M64, B(0x0f, 0xb7, 0x07), 3, R, 2, 0, 4,
	  X86_EXT_ZERO },
	{ "movzx rax,word [rdi]", M64, B(0x48, 0x0f, 0xb7, 0x07), 4, R, 2, 0, 8,
	  X86_EXT_ZERO },
	{ "movzx ax,word [rdi] is a MOV", M64, B(0x66, 0x0f, 0xb7, 0x07), 4, R,
	  2, 0, 2, X86_EXT_NONE },
	{ "movsx r15d,byte [rdi]", M64, B(0x44, 0x0f, 0xbe, 0x3f), 4, R, 1, 15,
	  4, X86_EXT_SIGN },
	{ "movsx rax,word [rdi+2]", M64, B(0x48, 0x0f, 0xbf, 0x47, 0x02), 5, R,
	  2, 0, 8, X86_EXT_SIGN, .disp_size = 1, .disp = 2 },
	{ "movsx cx,byte [rip+0]", M64, B(0x66, 0x0f, 0xbe, 0x0d, 0, 0, 0, 0), 8,
	  R, 1, 1, 2, X86_EXT_SIGN, .disp_size = 4, .rip_rel = true },
	{ "movsxd rax,dword [rdi]", M64, B(0x48, 0x63, 0x07), 3, R, 4, 0, 8,
	  X86_EXT_SIGN },
	{ "movsxd eax,dword [rdi] is a MOV", M64, B(0x63, 0x07), 2, R, 4, 0, 4,
	  X86_EXT_NONE },
	{ "movsxd ax,word [rdi]", M64, B(0x66, 0x63, 0x07), 3, R, 2, 0, 2,
	  X86_EXT_NONE },
	{ "movsxd r9,[rbp+8]", M64, B(0x4c, 0x63, 0x4d, 0x08), 4, R, 4, 9, 8,
	  X86_EXT_SIGN, SEG(SS), .disp_size = 1, .disp = 8 },
	{ "movzx eax,byte [0x1000] 32-bit", M32,
	  B(0x0f, 0xb6, 0x05, 0x00, 0x10, 0, 0), 7, R, 1, 0, 4, X86_EXT_ZERO,
	  .disp_size = 4, .disp = 0x1000 },
	{ "movsx ax,byte [bx] 16-bit", M16, B(0x0f, 0xbe, 0x07), 3, R, 1, 0, 2,
	  X86_EXT_SIGN },
	{ "movsx eax,word [bx] 16-bit 66", M16, B(0x66, 0x0f, 0xbf, 0x07), 4, R,
	  2, 0, 4, X86_EXT_SIGN },
	/* STOS / LODS */
	{ "stosb", M64, B(0xaa), 1, W, 1, 0, SEG(ES), .string = true },
	{ "stosd", M64, B(0xab), 1, W, 4, 0, SEG(ES), .string = true },
	{ "stosw", M64, B(0x66, 0xab), 2, W, 2, 0, SEG(ES), .string = true },
	{ "stosq", M64, B(0x48, 0xab), 2, W, 8, 0, SEG(ES), .string = true },
	{ "rep stosq", M64, B(0xf3, 0x48, 0xab), 3, W, 8, 0, SEG(ES),
	  .string = true, .rep = true },
	{ "fs stosb: override ignored", M64, B(0x64, 0xaa), 2, W, 1, 0, SEG(ES),
	  .string = true },
	{ "stosd [edi] (67)", M64, B(0x67, 0xab), 2, W, 4, 0, SEG(ES),
	  .string = true, .addr_size = 4 },
	{ "lodsb", M64, B(0xac), 1, R, 1, 0, .string = true },
	{ "rep lodsb", M64, B(0xf3, 0xac), 2, R, 1, 0, .string = true,
	  .rep = true },
	{ "lodsq", M64, B(0x48, 0xad), 2, R, 8, 0, .string = true },
	{ "gs lodsd", M64, B(0x65, 0xad), 2, R, 4, 0, SEG(GS), .string = true },
	{ "rep stosw 16-bit", M16, B(0xf3, 0xab), 2, W, 2, 0, SEG(ES),
	  .string = true, .rep = true },
	{ "es lodsd 32-bit", M32, B(0x26, 0xad), 2, R, 4, 0, SEG(ES),
	  .string = true },
	/* 16-bit addressing */
	{ "mov [bx],ax 16-bit", M16, B(0x89, 0x07), 2, W, 2, 0 },
	{ "mov [bx],eax 16-bit 66", M16, B(0x66, 0x89, 0x07), 3, W, 4, 0 },
	{ "mov ax,[bp-2] 16-bit", M16, B(0x8b, 0x46, 0xfe), 3, R, 2, 0, SEG(SS),
	  .disp_size = 1, .disp = -2 },
	{ "mov bx,[0x1234] 16-bit", M16, B(0x8b, 0x1e, 0x34, 0x12), 4, R, 2, 3,
	  .disp_size = 2, .disp = 0x1234 },
	{ "mov al,[bx+0x1000] 16-bit", M16, B(0x8a, 0x87, 0x00, 0x10), 4, R, 1,
	  0, .disp_size = 2, .disp = 0x1000 },
	{ "mov [bp+si],ax 16-bit", M16, B(0x89, 0x02), 2, W, 2, 0, SEG(SS) },
	{ "mov [bx+di-0x8000],ch 16-bit", M16, B(0x88, 0xa9, 0x00, 0x80), 4, W,
	  1, 1, .high8 = true, .disp_size = 2, .disp = -0x8000 },
	{ "mov ds:[bp+0],ax 16-bit override", M16, B(0x3e, 0x89, 0x46, 0x00), 4,
	  W, 2, 0, .disp_size = 1 },
	{ "mov [esp],ax 16-bit 67", M16, B(0x67, 0x89, 0x04, 0x24), 4, W, 2, 0,
	  SEG(SS), .sib = true, .addr_size = 4 },
	{ "mov word [0x1000],0x1234 16-bit", M16,
	  B(0xc7, 0x06, 0x00, 0x10, 0x34, 0x12), 6, WI, 2, .imm = 0x1234,
	  .disp_size = 2, .disp = 0x1000 },
	{ "mov dword [0x1000],imm32 16-bit 66", M16,
	  B(0x66, 0xc7, 0x06, 0x00, 0x10, 0x78, 0x56, 0x34, 0x12), 9, WI, 4,
	  .imm = 0x12345678, .disp_size = 2, .disp = 0x1000 },
	/* 32-bit mode */
	{ "mov [0xfefe0000],eax 32-bit (no RIP-rel)", M32,
	  B(0x89, 0x05, 0x00, 0x00, 0xfe, 0xfe), 6, W, 4, 0, .disp_size = 4,
	  .disp = (s64)(s32)0xfefe0000 },
	{ "mov eax,[esp+4] 32-bit", M32, B(0x8b, 0x44, 0x24, 0x04), 4, R, 4, 0,
	  SEG(SS), .disp_size = 1, .disp = 4, .sib = true },
	{ "mov eax,[bx] 32-bit 67", M32, B(0x67, 0x8b, 0x07), 3, R, 4, 0,
	  .addr_size = 2 },
	{ "mov eax,[bp+0] 32-bit 67", M32, B(0x67, 0x8b, 0x46, 0x00), 4, R, 4, 0,
	  SEG(SS), .disp_size = 1, .addr_size = 2 },
	{ "mov word [eax],0x1234 32-bit", M32, B(0x66, 0xc7, 0x00, 0x34, 0x12),
	  5, WI, 2, .imm = 0x1234 },
	{ "mov byte [eax],0x80 32-bit", M32, B(0xc6, 0x00, 0x80), 3, WI, 1,
	  .imm = 0x80 },
	{ "mov ss:[eax],bl 32-bit override", M32, B(0x36, 0x88, 0x18), 3, W, 1,
	  3, SEG(SS) },
	{ "mov [eax],ah 32-bit", M32, B(0x88, 0x20), 2, W, 1, 0, .high8 = true },
	{ "bytes after the instruction are ignored", M64,
	  B(0x89, 0x0b, 0x0f, 0x0b, 0xcc), 2, W, 4, 1 },
};
/* clang-format on */

#define CHECK(c, field, expected)                                            \
	do {                                                                 \
		if ((u64)(field) != (u64)(expected))                         \
			print_error("case \"%s\": %s\n", (c)->name, #field); \
		assert_int_equal((field), (expected));                       \
	} while (0)

static u8 default_addr_size(u8 mode)
{
	return mode == M16 ? 2 : mode == M32 ? 4 : 8;
}

static void check_ok_case(const struct ok_case *c)
{
	struct x86_insn insn;
	int ret = x86_decode_insn(c->bytes, c->nin, c->mode, &insn);

	if (ret) {
		char msg[160];

		x86_insn_describe_error(&insn, ret, msg, sizeof(msg));
		print_error("case \"%s\": %s\n", c->name, msg);
	}
	CHECK(c, ret, 0);
	CHECK(c, insn.reason, X86_DECODE_OK);
	CHECK(c, insn.len, c->len);
	CHECK(c, insn.kind, c->kind);
	CHECK(c, insn.size, c->size);
	CHECK(c, insn.reg, c->reg);
	CHECK(c, insn.reg_size, c->reg_size ? c->reg_size : c->size);
	CHECK(c, insn.ext, c->ext);
	CHECK(c, insn.high8, c->high8);
	CHECK(c, insn.imm, c->imm);
	CHECK(c, insn.seg, c->seg ? c->seg - 1 : X86_SEG_DS);
	CHECK(c, insn.disp_size, c->disp_size);
	CHECK(c, insn.disp, c->disp);
	CHECK(c, insn.rip_rel, c->rip_rel);
	CHECK(c, insn.has_sib, c->sib);
	CHECK(c, insn.string, c->string);
	CHECK(c, insn.rep, c->rep);
	CHECK(c, insn.addr_size,
	      c->addr_size ? c->addr_size : default_addr_size(c->mode));
	CHECK(c, insn.mode, c->mode);
	CHECK(c, insn.nbytes, c->nin);
}

static void run_ok_cases(u8 mode)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok_cases); i++)
		if (ok_cases[i].mode == mode)
			check_ok_case(&ok_cases[i]);
}

static void test_decode_64(void **state)
{
	(void)state;
	run_ok_cases(M64);
}

static void test_decode_32(void **state)
{
	(void)state;
	run_ok_cases(M32);
}

static void test_decode_16(void **state)
{
	(void)state;
	run_ok_cases(M16);
}

/*
 * Exactly the bytes of the instruction decode the same; one byte fewer is
 * truncated at the last byte.  Also proves nothing reads past @len: the
 * copies live in exact-size heap buffers under ASan.
 */
static void test_decode_exact_and_short_buffers(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct x86_insn insn;
		u8 *buf = malloc(c->len);
		int ret;

		assert_non_null(buf);
		memcpy(buf, c->bytes, c->len);
		ret = x86_decode_insn(buf, c->len, c->mode, &insn);
		CHECK(c, ret, 0);
		CHECK(c, insn.len, c->len);
		ret = x86_decode_insn(buf, c->len - 1u, c->mode, &insn);
		CHECK(c, ret, -EFAULT);
		CHECK(c, insn.reason, X86_DECODE_TRUNCATED);
		CHECK(c, insn.err_pos, c->len - 1u);
		free(buf);
	}
}

struct err_case {
	const char *name;
	u8 mode;
	u8 bytes[X86_MAX_INSN_LEN + 2];
	u8 nin;
	int ret;
	u8 reason;
	u8 err_pos;
};

/* Bytes only; the count given to the decoder follows explicitly. */
#define BY(...) .bytes = { __VA_ARGS__ }

#define TRUNC X86_DECODE_TRUNCATED
#define LONG X86_DECODE_TOO_LONG
#define REXP X86_DECODE_REX_PLACEMENT
#define LOCK X86_DECODE_LOCK
#define REGOP X86_DECODE_REG_OPERAND
#define BADREG X86_DECODE_BAD_MODRM_REG
#define UNSUP X86_DECODE_UNSUPPORTED_OPCODE
#define UNPFX X86_DECODE_UNSUPPORTED_PREFIX

/* clang-format off */
static const struct err_case err_cases[] = {
	/* Truncated: -EFAULT at the first missing byte. */
	{ "no bytes", M64, BY(0x90), 0, -EFAULT, TRUNC, 0 },
	{ "prefix only", M64, BY(0x66), 1, -EFAULT, TRUNC, 1 },
	{ "REX only", M64, BY(0x48), 1, -EFAULT, TRUNC, 1 },
	{ "opcode without ModRM", M64, BY(0x89), 1, -EFAULT, TRUNC, 1 },
	{ "0F without second byte", M16, BY(0x0f), 1, -EFAULT, TRUNC, 1 },
	{ "missing SIB", M64, BY(0x89, 0x04), 2, -EFAULT, TRUNC, 2 },
	{ "missing disp8", M64, BY(0x89, 0x44, 0x24), 3, -EFAULT, TRUNC, 3 },
	{ "short disp32", M64, BY(0x89, 0x05, 0, 0, 0), 5, -EFAULT, TRUNC, 5 },
	{ "short disp16", M16, BY(0x89, 0x06, 0), 3, -EFAULT, TRUNC, 3 },
	{ "short imm32", M64, BY(0xc7, 0x00, 0x78, 0x56, 0x34), 5, -EFAULT,
	  TRUNC, 5 },
	{ "missing imm8", M64, BY(0xc6, 0x00), 2, -EFAULT, TRUNC, 2 },
	{ "short moffs64", M64, BY(0xa1, 0, 0, 0, 0, 0, 0, 0), 8, -EFAULT, TRUNC,
	  8 },
	{ "len smaller than the buffer", M64, BY(0x89, 0x05, 0, 0, 0, 0), 5,
	  -EFAULT, TRUNC, 5 },
	/* Longer than 15 bytes: -E2BIG at byte 15. */
	{ "16 bytes: one prefix too many", M64,
	  BY(0x64, 0x64, 0x66, 0x67, 0x48, 0xc7, 0x84, 0x88, 0x44, 0x33, 0x22,
	    0x11, 0x78, 0x56, 0x34, 0x12), 16, -E2BIG, LONG, 15 },
	{ "15 prefixes", M64,
	  BY(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x89, 0x07), 17, -E2BIG, LONG, 15 },
	{ "14 prefixes + opcode + ModRM", M32,
	  BY(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x3e, 0x3e, 0x3e, 0x89, 0x07), 16, -E2BIG, LONG, 15 },
	{ "too long wins over truncated", M64,
	  BY(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66), 15, -E2BIG, LONG, 15 },
	/* Malformed: -EINVAL. */
	{ "REX before 66", M64, BY(0x48, 0x66, 0x89, 0x07), 4, -EINVAL, REXP, 0 },
	{ "REX before segment override", M64, BY(0x66, 0x48, 0x65, 0x89, 0x07), 5,
	  -EINVAL, REXP, 1 },
	{ "two REX", M64, BY(0x48, 0x41, 0x89, 0x07), 4, -EINVAL, REXP, 0 },
	{ "LOCK MOV", M64, BY(0xf0, 0x89, 0x07), 3, -EINVAL, LOCK, 0 },
	{ "LOCK MOV imm", M64, BY(0x66, 0xf0, 0xc6, 0x00, 0x01), 5, -EINVAL, LOCK,
	  1 },
	{ "LOCK MOVZX", M64, BY(0xf0, 0x0f, 0xb6, 0x07), 4, -EINVAL, LOCK, 0 },
	{ "LOCK STOS", M64, BY(0xf0, 0xaa), 2, -EINVAL, LOCK, 0 },
	{ "LOCK moffs", M32, BY(0xf0, 0xa1, 0, 0, 0, 0), 6, -EINVAL, LOCK, 0 },
	{ "mov eax,ecx (mod=3)", M64, BY(0x89, 0xc8), 2, -EINVAL, REGOP, 1 },
	{ "mov ah,ah (mod=3)", M64, BY(0x8a, 0xe4), 2, -EINVAL, REGOP, 1 },
	{ "mov r8,rax (mod=3)", M64, BY(0x4c, 0x8b, 0xc0), 3, -EINVAL, REGOP, 2 },
	{ "movzx eax,al (mod=3)", M64, BY(0x0f, 0xb6, 0xc0), 3, -EINVAL, REGOP,
	  2 },
	{ "movsxd rax,eax (mod=3)", M64, BY(0x48, 0x63, 0xc0), 3, -EINVAL, REGOP,
	  2 },
	{ "mov al,1 via C6 (mod=3)", M64, BY(0xc6, 0xc0, 0x01), 3, -EINVAL, REGOP,
	  1 },
	{ "mov ax,bx 16-bit (mod=3)", M16, BY(0x8b, 0xc3), 2, -EINVAL, REGOP, 1 },
	{ "C6 /1", M64, BY(0xc6, 0x08, 0x01), 3, -EINVAL, BADREG, 1 },
	{ "C7 /6", M32, BY(0xc7, 0x30, 0, 0, 0, 0), 6, -EINVAL, BADREG, 1 },
	{ "C7 /7 memory", M64, BY(0xc7, 0x38, 0, 0, 0, 0), 6, -EINVAL, BADREG, 1 },
	/* Valid but not emulated: -EOPNOTSUPP. */
	{ "REP MOV", M64, BY(0xf3, 0x89, 0x07), 3, -EOPNOTSUPP, UNPFX, 0 },
	{ "REPNE MOV", M64, BY(0xf2, 0x8b, 0x07), 3, -EOPNOTSUPP, UNPFX, 0 },
	{ "REPNE STOS", M64, BY(0xf2, 0xaa), 2, -EOPNOTSUPP, UNPFX, 0 },
	{ "REP MOVZX", M32, BY(0xf3, 0x0f, 0xb6, 0x07), 4, -EOPNOTSUPP, UNPFX, 0 },
	{ "F3 then F2 STOS: last wins", M64, BY(0xf3, 0xf2, 0xab), 3,
	  -EOPNOTSUPP, UNPFX, 1 },
	{ "add [rdi],eax", M64, BY(0x01, 0x07), 2, -EOPNOTSUPP, UNSUP, 0 },
	{ "lock add (lock is fine, opcode is not)", M64, BY(0xf0, 0x01, 0x07), 3,
	  -EOPNOTSUPP, UNSUP, 1 },
	{ "or [rdi],eax", M64, BY(0x09, 0x07), 2, -EOPNOTSUPP, UNSUP, 0 },
	{ "test [rdi],eax", M64, BY(0x85, 0x07), 2, -EOPNOTSUPP, UNSUP, 0 },
	{ "xchg [rdi],eax", M64, BY(0x87, 0x07), 2, -EOPNOTSUPP, UNSUP, 0 },
	{ "movsb", M64, BY(0xa4), 1, -EOPNOTSUPP, UNSUP, 0 },
	{ "rep movsd", M64, BY(0xf3, 0xa5), 2, -EOPNOTSUPP, UNSUP, 1 },
	{ "cmpsb", M64, BY(0xa6), 1, -EOPNOTSUPP, UNSUP, 0 },
	{ "hlt", M64, BY(0xf4), 1, -EOPNOTSUPP, UNSUP, 0 },
	{ "syscall", M64, BY(0x0f, 0x05), 2, -EOPNOTSUPP, UNSUP, 1 },
	{ "ud2", M64, BY(0x0f, 0x0b), 2, -EOPNOTSUPP, UNSUP, 1 },
	{ "movnti", M64, BY(0x0f, 0xc3, 0x07), 3, -EOPNOTSUPP, UNSUP, 1 },
	{ "VEX vmovdqu", M64, BY(0xc5, 0xfe, 0x6f, 0x07), 4, -EOPNOTSUPP, UNSUP,
	  0 },
	{ "XABORT (C6 /7 mod=3)", M64, BY(0xc6, 0xf8, 0x01), 3, -EOPNOTSUPP,
	  UNSUP, 1 },
	{ "ARPL in 32-bit", M32, BY(0x63, 0x07), 2, -EOPNOTSUPP, UNSUP, 0 },
	{ "40 is INC in 32-bit", M32, BY(0x40, 0x89, 0x07), 3, -EOPNOTSUPP, UNSUP,
	  0 },
	{ "48 is DEC in 16-bit", M16, BY(0x48, 0x89, 0x07), 3, -EOPNOTSUPP, UNSUP,
	  0 },
	{ "unsupported opcode before truncation", M64, BY(0x01), 1, -EOPNOTSUPP,
	  UNSUP, 0 },
};
/* clang-format on */

static void test_decode_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(err_cases); i++) {
		const struct err_case *c = &err_cases[i];
		struct x86_insn insn;
		int ret = x86_decode_insn(c->bytes, c->nin, c->mode, &insn);

		CHECK(c, ret, c->ret);
		CHECK(c, insn.reason, c->reason);
		CHECK(c, insn.err_pos, c->err_pos);
		CHECK(c, insn.kind, X86_INSN_NONE);
		CHECK(c, insn.nbytes, MIN(c->nin, X86_MAX_INSN_LEN));
	}
}

static void test_decode_bad_args(void **state)
{
	static const u8 mov[] = { 0x89, 0x07 };
	struct x86_insn insn;

	(void)state;
	assert_int_equal(x86_decode_insn(mov, 2, M64, NULL), -EINVAL);
	assert_int_equal(x86_decode_insn(NULL, 2, M64, &insn), -EINVAL);
	assert_int_equal(insn.reason, X86_DECODE_BAD_ARGS);
	assert_int_equal(x86_decode_insn(mov, 2, X86_MODE_COUNT, &insn),
			 -EINVAL);
	assert_int_equal(insn.reason, X86_DECODE_BAD_ARGS);
	assert_int_equal(x86_decode_insn(mov, 2, (enum x86_cpu_mode) - 1,
					 &insn),
			 -EINVAL);
	assert_int_equal(x86_decode_insn(NULL, 0, M64, &insn), -EFAULT);
	assert_int_equal(insn.reason, X86_DECODE_TRUNCATED);
	/* A huge len is fine: only 15 bytes are ever looked at. */
	assert_int_equal(x86_decode_insn(mov, 2, M64, &insn), 0);
}

static void test_cpu_mode(void **state)
{
	(void)state;
	/* pe, vm, lma, cs_l, cs_d */
	assert_int_equal(x86_decode_cpu_mode(false, false, false, false, false),
			 M16);
	assert_int_equal(x86_decode_cpu_mode(false, false, false, false, true),
			 M16);
	assert_int_equal(x86_decode_cpu_mode(true, true, false, false, true),
			 M16);
	assert_int_equal(x86_decode_cpu_mode(true, false, false, false, false),
			 M16);
	assert_int_equal(x86_decode_cpu_mode(true, false, false, false, true),
			 M32);
	assert_int_equal(x86_decode_cpu_mode(true, false, false, true, true),
			 M32);
	assert_int_equal(x86_decode_cpu_mode(true, false, true, false, true),
			 M32);
	assert_int_equal(x86_decode_cpu_mode(true, false, true, false, false),
			 M16);
	assert_int_equal(x86_decode_cpu_mode(true, false, true, true, false),
			 M64);
}

/* ---- register write-back ---- */

static void decode_ok(const u8 *bytes, size_t n, enum x86_cpu_mode mode,
		      struct x86_insn *insn)
{
	assert_int_equal(x86_decode_insn(bytes, n, mode, insn), 0);
}

#define DECODE(insn, mode, ...)                \
	decode_ok((const u8[]){ __VA_ARGS__ }, \
		  sizeof((const u8[]){ __VA_ARGS__ }), mode, insn)

static void fill_regs(struct x86_gprs *g)
{
	unsigned int i;

	for (i = 0; i < X86_NR_GPRS; i++)
		g->regs[i] = 0x1122334455667788ULL + i * 0x0101010101010101ULL;
}

/* Apply a read to patterned registers; check @reg and that no other moved. */
static void check_read(const struct x86_insn *insn, u64 val, unsigned int reg,
		       u64 expected)
{
	struct x86_gprs g, orig;
	unsigned int i;

	fill_regs(&g);
	orig = g;
	assert_int_equal(x86_insn_apply_read(insn, &g, val), 0);
	assert_int_equal(g.regs[reg], expected);
	for (i = 0; i < X86_NR_GPRS; i++)
		if (i != reg)
			assert_int_equal(g.regs[i], orig.regs[i]);
}

#define RCX0 0x1223344556677889ULL /* fill_regs() value of RCX */
#define RDX0 0x132435465768798aULL
#define R15_0 0x2031425364758697ULL

static void test_apply_read_mov(void **state)
{
	struct x86_insn insn;

	(void)state;
	DECODE(&insn, M64, 0x8a, 0x0f); /* mov cl,[rdi] */
	check_read(&insn, 0xab, 1, 0x12233445566778abULL);
	check_read(&insn, 0xffffff12, 1, 0x1223344556677812ULL);
	DECODE(&insn, M64, 0x8a, 0x2f); /* mov ch,[rdi] */
	check_read(&insn, 0xab, 1, 0x122334455667ab89ULL);
	check_read(&insn, 0x1ff, 1, 0x122334455667ff89ULL);
	DECODE(&insn, M32, 0x8a, 0x37); /* mov dh,[edi] */
	check_read(&insn, 0x00, 2, 0x132435465768008aULL);
	DECODE(&insn, M64, 0x40, 0x8a, 0x2f); /* mov bpl,[rdi] */
	check_read(&insn, 0xab, 5, 0x162738495a6b7cabULL);
	DECODE(&insn, M64, 0x66, 0x8b, 0x0f); /* mov cx,[rdi] */
	check_read(&insn, 0xabcdef, 1, 0x122334455667cdefULL);
	DECODE(&insn, M64, 0x8b, 0x0f); /* mov ecx,[rdi]: zero-extends */
	check_read(&insn, 0xfffffffffedcba98ULL, 1, 0xfedcba98ULL);
	DECODE(&insn, M32, 0x8b, 0x0f); /* 32-bit mode: zero-extends too */
	check_read(&insn, 0xdeadbeef, 1, 0xdeadbeefULL);
	DECODE(&insn, M16, 0x8b, 0x0f); /* mov cx,[bx] */
	check_read(&insn, 0xbeef, 1, 0x122334455667beefULL);
	DECODE(&insn, M64, 0x48, 0x8b, 0x0f); /* mov rcx,[rdi] */
	check_read(&insn, 0xfedcba9876543210ULL, 1, 0xfedcba9876543210ULL);
	DECODE(&insn, M64, 0x4c, 0x8b, 0x3f); /* mov r15,[rdi] */
	check_read(&insn, 0x0123456789abcdefULL, 15, 0x0123456789abcdefULL);
	DECODE(&insn, M64, 0x44, 0x8a, 0x3f); /* mov r15b,[rdi] */
	check_read(&insn, 0x5a, 15, (R15_0 & ~0xffULL) | 0x5a);
	DECODE(&insn, M64, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0); /* mov al,[moffs] */
	check_read(&insn, 0x11, 0, 0x1122334455667711ULL);
	DECODE(&insn, M64, 0xa1, 0, 0, 0, 0, 0, 0, 0, 0); /* mov eax,[moffs] */
	check_read(&insn, 0x11, 0, 0x11ULL);
	(void)RCX0;
	(void)RDX0;
}

static void test_apply_read_movx(void **state)
{
	struct x86_insn insn;

	(void)state;
	DECODE(&insn, M64, 0x0f, 0xb6, 0x0f); /* movzx ecx,byte */
	check_read(&insn, 0x80, 1, 0x80ULL);
	DECODE(&insn, M64, 0x48, 0x0f, 0xb6, 0x0f); /* movzx rcx,byte */
	check_read(&insn, 0xff80, 1, 0x80ULL);
	DECODE(&insn, M64, 0x66, 0x0f, 0xb6, 0x0f); /* movzx cx,byte */
	check_read(&insn, 0x80, 1, 0x1223344556670080ULL);
	DECODE(&insn, M64, 0x0f, 0xb7, 0x0f); /* movzx ecx,word */
	check_read(&insn, 0x18000, 1, 0x8000ULL);
	DECODE(&insn, M64, 0x0f, 0xbe, 0x0f); /* movsx ecx,byte */
	check_read(&insn, 0x80, 1, 0xffffff80ULL);
	check_read(&insn, 0x7f, 1, 0x7fULL);
	DECODE(&insn, M64, 0x48, 0x0f, 0xbe, 0x0f); /* movsx rcx,byte */
	check_read(&insn, 0x80, 1, 0xffffffffffffff80ULL);
	check_read(&insn, 0x17f, 1, 0x7fULL);
	DECODE(&insn, M64, 0x66, 0x0f, 0xbe, 0x0f); /* movsx cx,byte */
	check_read(&insn, 0x80, 1, 0x122334455667ff80ULL);
	DECODE(&insn, M64, 0x48, 0x0f, 0xbf, 0x0f); /* movsx rcx,word */
	check_read(&insn, 0x8000, 1, 0xffffffffffff8000ULL);
	DECODE(&insn, M64, 0x0f, 0xbf, 0x0f); /* movsx ecx,word */
	check_read(&insn, 0x8001, 1, 0xffff8001ULL);
	DECODE(&insn, M64, 0x48, 0x63, 0x0f); /* movsxd rcx,dword */
	check_read(&insn, 0x80000000, 1, 0xffffffff80000000ULL);
	check_read(&insn, 0xffffffff7fffffffULL, 1, 0x7fffffffULL);
	DECODE(&insn, M64, 0x63, 0x0f); /* movsxd ecx,dword */
	check_read(&insn, 0x80000000, 1, 0x80000000ULL);
	DECODE(&insn, M64, 0x4c, 0x63, 0x3f); /* movsxd r15,dword */
	check_read(&insn, 0xfffffffe, 15, 0xfffffffffffffffeULL);
	DECODE(&insn, M16, 0x0f, 0xbe, 0x0f); /* movsx cx,byte [bx] */
	check_read(&insn, 0xfe, 1, 0x122334455667fffeULL);
	DECODE(&insn, M32, 0x0f, 0xb6, 0x2f); /* movzx ebp,byte: not CH */
	check_read(&insn, 0xfe, 5, 0xfeULL);
}

static void check_write(const struct x86_insn *insn, u64 expected)
{
	struct x86_gprs g;
	u64 val = 0xdeadULL;

	fill_regs(&g);
	assert_int_equal(x86_insn_write_value(insn, &g, &val), 0);
	assert_int_equal(val, expected);
}

static void test_write_value(void **state)
{
	struct x86_insn insn;

	(void)state;
	DECODE(&insn, M64, 0x88, 0x0f); /* mov [rdi],cl */
	check_write(&insn, 0x89);
	DECODE(&insn, M64, 0x88, 0x2f); /* mov [rdi],ch */
	check_write(&insn, 0x78);
	DECODE(&insn, M16, 0x88, 0x3f); /* mov [bx],bh */
	check_write(&insn, 0x7a);
	DECODE(&insn, M64, 0x40, 0x88, 0x3f); /* mov [rdi],dil */
	check_write(&insn, 0x8f);
	DECODE(&insn, M64, 0x44, 0x88, 0x3f); /* mov [rdi],r15b */
	check_write(&insn, 0x97);
	DECODE(&insn, M64, 0x66, 0x89, 0x0f); /* mov [rdi],cx */
	check_write(&insn, 0x7889);
	DECODE(&insn, M64, 0x89, 0x0f); /* mov [rdi],ecx */
	check_write(&insn, 0x56677889);
	DECODE(&insn, M64, 0x48, 0x89, 0x0f); /* mov [rdi],rcx */
	check_write(&insn, RCX0);
	DECODE(&insn, M64, 0x4c, 0x89, 0x3f); /* mov [rdi],r15 */
	check_write(&insn, R15_0);
	DECODE(&insn, M64, 0xa2, 0, 0, 0, 0, 0, 0, 0, 0); /* mov [moffs],al */
	check_write(&insn, 0x88);
	DECODE(&insn, M64, 0x48, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0);
	check_write(&insn, 0x1122334455667788ULL);
	DECODE(&insn, M64, 0xaa); /* stosb */
	check_write(&insn, 0x88);
	DECODE(&insn, M64, 0x66, 0xab); /* stosw */
	check_write(&insn, 0x7788);
	DECODE(&insn, M64, 0x48, 0xab); /* stosq */
	check_write(&insn, 0x1122334455667788ULL);
	DECODE(&insn, M64, 0xc6, 0x07, 0xfe); /* mov byte [rdi],0xfe */
	check_write(&insn, 0xfe);
	DECODE(&insn, M64, 0x66, 0xc7, 0x07, 0xfe, 0xff);
	check_write(&insn, 0xfffe);
	DECODE(&insn, M64, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff);
	check_write(&insn, 0xfffffffeULL);
	DECODE(&insn, M64, 0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff);
	check_write(&insn, 0xfffffffffffffffeULL);
	DECODE(&insn, M16, 0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12);
	check_write(&insn, 0x12345678ULL);
}

static void test_writeback_wrong_kind(void **state)
{
	struct x86_insn insn;
	struct x86_gprs g, orig;
	u64 val = 0x1234;

	(void)state;
	fill_regs(&g);
	orig = g;
	DECODE(&insn, M64, 0x89, 0x0f); /* a write */
	assert_int_equal(x86_insn_apply_read(&insn, &g, 1), -EINVAL);
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), -EINVAL);
	assert_false(x86_insn_rep_exhausted(&insn, &g));
	DECODE(&insn, M64, 0x8b, 0x0f); /* a read */
	assert_int_equal(x86_insn_write_value(&insn, &g, &val), -EINVAL);
	assert_int_equal(val, 0x1234);
	assert_int_equal(x86_insn_write_value(&insn, &g, NULL), -EINVAL);
	assert_int_equal(x86_insn_apply_read(&insn, NULL, 1), -EINVAL);
	assert_int_equal(x86_insn_apply_read(NULL, &g, 1), -EINVAL);
	/* A failed decode is never applied. */
	assert_int_equal(x86_decode_insn((const u8[]){ 0x8b }, 1, M64, &insn),
			 -EFAULT);
	assert_int_equal(x86_insn_apply_read(&insn, &g, 1), -EINVAL);
	assert_int_equal(x86_insn_write_value(&insn, &g, &val), -EINVAL);
	assert_memory_equal(&g, &orig, sizeof(g));
}

static void test_string_step(void **state)
{
	struct x86_insn insn;
	struct x86_gprs g;
	const u64 df = 1ULL << 10;

	(void)state;
	DECODE(&insn, M64, 0xaa); /* stosb */
	memset(&g, 0, sizeof(g));
	g.regs[X86_GPR_RDI] = 0x1000;
	assert_int_equal(x86_insn_string_step(&insn, &g, 0x2), 1);
	assert_int_equal(g.regs[X86_GPR_RDI], 0x1001);
	assert_int_equal(x86_insn_string_step(&insn, &g, 0x2 | df), 1);
	assert_int_equal(g.regs[X86_GPR_RDI], 0x1000);
	assert_int_equal(g.regs[X86_GPR_RSI], 0);
	assert_int_equal(g.regs[X86_GPR_RCX], 0);

	DECODE(&insn, M64, 0x48, 0xad); /* lodsq */
	g.regs[X86_GPR_RSI] = 0xfffffffffffffff8ULL;
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), 1);
	assert_int_equal(g.regs[X86_GPR_RSI], 0);
	assert_int_equal(g.regs[X86_GPR_RDI], 0x1000);

	DECODE(&insn, M64, 0x67, 0xab); /* stosd [edi]: zero-extends */
	g.regs[X86_GPR_RDI] = 0xaaaabbbbfffffffeULL;
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), 1);
	assert_int_equal(g.regs[X86_GPR_RDI], 2);

	DECODE(&insn, M16, 0xab); /* stosw [di]: merges */
	g.regs[X86_GPR_RDI] = 0x000012340001ffffULL;
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), 1);
	assert_int_equal(g.regs[X86_GPR_RDI], 0x0000123400010001ULL);
	assert_int_equal(x86_insn_string_step(&insn, &g, df), 1);
	assert_int_equal(g.regs[X86_GPR_RDI], 0x000012340001ffffULL);
}

static void test_rep_string(void **state)
{
	struct x86_insn insn;
	struct x86_gprs g;

	(void)state;
	memset(&g, 0, sizeof(g));
	DECODE(&insn, M64, 0xf3, 0x48, 0xab); /* rep stosq */
	g.regs[X86_GPR_RCX] = 3;
	g.regs[X86_GPR_RDI] = 0x100;
	assert_false(x86_insn_rep_exhausted(&insn, &g));
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), 0);
	assert_int_equal(g.regs[X86_GPR_RCX], 2);
	assert_int_equal(g.regs[X86_GPR_RDI], 0x108);
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), 0);
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), 1);
	assert_int_equal(g.regs[X86_GPR_RCX], 0);
	assert_int_equal(g.regs[X86_GPR_RDI], 0x118);
	assert_true(x86_insn_rep_exhausted(&insn, &g));

	DECODE(&insn, M16, 0xf3, 0xac); /* rep lodsb, CX/SI */
	g.regs[X86_GPR_RCX] = 0xabcd00010000ULL;
	assert_true(x86_insn_rep_exhausted(&insn, &g)); /* CX == 0 */
	g.regs[X86_GPR_RCX] = 0xabcd00010001ULL;
	g.regs[X86_GPR_RSI] = 0x55550000ULL;
	assert_false(x86_insn_rep_exhausted(&insn, &g));
	assert_int_equal(x86_insn_string_step(&insn, &g, 1ULL << 10), 1);
	assert_int_equal(g.regs[X86_GPR_RCX], 0xabcd00010000ULL);
	assert_int_equal(g.regs[X86_GPR_RSI], 0x5555ffffULL);

	DECODE(&insn, M64, 0x67, 0xf3, 0xaa); /* rep stosb, ECX/EDI */
	g.regs[X86_GPR_RCX] = 0xffffffff00000002ULL;
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), 0);
	assert_int_equal(g.regs[X86_GPR_RCX], 1);

	DECODE(&insn, M64, 0xab); /* not REP: never exhausted */
	g.regs[X86_GPR_RCX] = 0;
	assert_false(x86_insn_rep_exhausted(&insn, &g));
	DECODE(&insn, M64, 0x8b, 0x07); /* not a string instruction */
	assert_int_equal(x86_insn_string_step(&insn, &g, 0), -EINVAL);
}

/* ---- error descriptions ---- */

static void test_describe_error(void **state)
{
	static const u8 sys[] = { 0x0f, 0x05, 0x90 };
	static const u8 trunc[] = { 0x48, 0x8b };
	struct x86_insn insn;
	char buf[200];
	int ret, n;

	(void)state;
	ret = x86_decode_insn(sys, sizeof(sys), M64, &insn);
	assert_int_equal(ret, -EOPNOTSUPP);
	n = x86_insn_describe_error(&insn, ret, buf, sizeof(buf));
	assert_string_equal(
		buf,
		"x86 decode failed: unsupported opcode (-EOPNOTSUPP) at byte 1; 64-bit mode, opcode 0f 05, bytes [0f 05 90] (3 fetched)");
	assert_int_equal(n, (int)strlen(buf));

	ret = x86_decode_insn(trunc, sizeof(trunc), M32, &insn);
	assert_int_equal(ret, -EOPNOTSUPP); /* 48 = DEC eax in 32-bit */
	ret = x86_decode_insn(trunc, sizeof(trunc), M64, &insn);
	assert_int_equal(ret, -EFAULT);
	n = x86_insn_describe_error(&insn, ret, buf, sizeof(buf));
	assert_string_equal(
		buf,
		"x86 decode failed: instruction truncated (-EFAULT) at byte 2; 64-bit mode, opcode 8b, bytes [48 8b] (2 fetched)");
	assert_int_equal(n, (int)strlen(buf));
	ret = x86_decode_insn(NULL, 0, M16, &insn);
	x86_insn_describe_error(&insn, ret, buf, sizeof(buf));
	assert_string_equal(
		buf,
		"x86 decode failed: instruction truncated (-EFAULT) at byte 0; 16-bit mode, bytes [] (0 fetched)");
	ret = x86_decode_insn(trunc, sizeof(trunc), M64, &insn);

	/* Truncated output stays terminated; the full length is returned. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(x86_insn_describe_error(&insn, ret, buf, 12), n);
	assert_int_equal(strlen(buf), 11);
	assert_int_equal(x86_insn_describe_error(&insn, ret, buf, 1), n);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(x86_insn_describe_error(&insn, ret, NULL, 0), n);
	x86_insn_describe_error(NULL, -EINVAL, buf, sizeof(buf));
	assert_string_equal(buf, "x86 decode failed: no instruction");
	assert_string_equal(x86_decode_reason_str(X86_DECODE_REASON_COUNT),
			    "unknown reason");
	assert_string_equal(
		x86_decode_reason_str(X86_DECODE_REG_OPERAND),
		"register operand (ModRM.mod=3) cannot access MMIO");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_64),
		cmocka_unit_test(test_decode_32),
		cmocka_unit_test(test_decode_16),
		cmocka_unit_test(test_decode_exact_and_short_buffers),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_decode_bad_args),
		cmocka_unit_test(test_cpu_mode),
		cmocka_unit_test(test_apply_read_mov),
		cmocka_unit_test(test_apply_read_movx),
		cmocka_unit_test(test_write_value),
		cmocka_unit_test(test_writeback_wrong_kind),
		cmocka_unit_test(test_string_step),
		cmocka_unit_test(test_rep_string),
		cmocka_unit_test(test_describe_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
