/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 instruction decoder and register write-back for MMIO emulation.
 *
 * An EPT-misconfiguration exit on an MMIO SPTE gives the
 * hypervisor a GPA but not the access: hv/ fetches up to 15 bytes at the
 * guest's RIP and asks x86_decode_insn() what the instruction does.  The
 * decoder is portable (no privileged instructions, no libc) and never reads
 * past the bytes it is given.  It decodes only instructions whose single
 * memory operand can be an MMIO access (see docs/decoder.md for the list);
 * everything else fails with a negative errno and a reason that
 * x86_insn_describe_error() turns into a one-line per-VM error.
 *
 * After the device model has run, x86_insn_apply_read() puts a read's value
 * into the register file, x86_insn_write_value() produces the value for a
 * write, and x86_insn_string_step() updates rSI/rDI/rCX for STOS/LODS.
 *
 * References: Intel SDM Vol. 2A, chapter 2 "Instruction Format" (prefixes,
 * REX, ModR/M and SIB, Tables 2-1 to 2-3) and Vol. 1 §3.4.1.1
 * "General-Purpose Registers in 64-Bit Mode" (zero-extension of 32-bit
 * results).
 */
#ifndef TDP_HV_X86_DECODE_H
#define TDP_HV_X86_DECODE_H

#include "types.h"
#include "compiler.h"

/* SDM Vol. 2A §2.3.11: an instruction longer than 15 bytes raises #GP. */
#define X86_MAX_INSN_LEN 15
#define X86_NR_GPRS 16

/* GPR indices in encoding order (ModRM.reg/rm with REX.R/B). */
enum x86_gpr {
	X86_GPR_RAX = 0,
	X86_GPR_RCX = 1,
	X86_GPR_RDX = 2,
	X86_GPR_RBX = 3,
	X86_GPR_RSP = 4,
	X86_GPR_RBP = 5,
	X86_GPR_RSI = 6,
	X86_GPR_RDI = 7,
	X86_GPR_R8 = 8,
	X86_GPR_R15 = 15,
};

/*
 * Code-segment mode of the faulting instruction; it sets the default operand
 * and address sizes and whether 40-4F are REX prefixes.  Use
 * x86_decode_cpu_mode() to derive it from CR0.PE, RFLAGS.VM, EFER.LMA and
 * the CS access rights.
 */
enum x86_cpu_mode {
	X86_MODE_16 = 0, /* real, virtual-8086, 16-bit protected/compat */
	X86_MODE_32 = 1, /* 32-bit protected or compatibility mode */
	X86_MODE_64 = 2, /* 64-bit long mode (CS.L=1) */
	X86_MODE_COUNT,
};

/* Segment register numbers in Sreg encoding order (SDM Table 3-6). */
enum x86_seg {
	X86_SEG_ES = 0,
	X86_SEG_CS = 1,
	X86_SEG_SS = 2,
	X86_SEG_DS = 3,
	X86_SEG_FS = 4,
	X86_SEG_GS = 5,
};

enum x86_insn_kind {
	X86_INSN_NONE = 0, /* decode failed */
	X86_INSN_READ, /* load: register <- MMIO (MOV, MOVZX, MOVSX, LODS) */
	X86_INSN_WRITE, /* store: MMIO <- register (MOV, STOS) */
	X86_INSN_WRITE_IMM, /* store: MMIO <- immediate (MOV C6/C7) */
};

/* How a read of @size bytes widens into a @reg_size register. */
enum x86_insn_ext {
	X86_EXT_NONE = 0, /* plain MOV: size == reg_size */
	X86_EXT_ZERO, /* MOVZX */
	X86_EXT_SIGN, /* MOVSX, MOVSXD */
};

/*
 * Why a decode failed; x86_decode_insn() returns the errno in brackets.
 * Errors are reported in byte order: the first problem met while consuming
 * prefixes, opcode, ModRM, SIB, displacement and immediate is the one
 * returned.
 */
enum x86_decode_reason {
	X86_DECODE_OK = 0,
	X86_DECODE_BAD_ARGS, /* [-EINVAL] NULL pointer, unknown mode */
	X86_DECODE_TRUNCATED, /* [-EFAULT] needs more bytes than given */
	X86_DECODE_TOO_LONG, /* [-E2BIG]  would exceed 15 bytes */
	X86_DECODE_REX_PLACEMENT, /* [-EINVAL] REX not right before opcode */
	X86_DECODE_LOCK, /* [-EINVAL] LOCK on a non-lockable insn */
	X86_DECODE_REG_OPERAND, /* [-EINVAL] ModRM.mod=3: not a memory access */
	X86_DECODE_BAD_MODRM_REG, /* [-EINVAL] undefined ModRM.reg extension */
	X86_DECODE_UNSUPPORTED_OPCODE, /* [-EOPNOTSUPP] valid or not, not emulated */
	X86_DECODE_UNSUPPORTED_PREFIX, /* [-EOPNOTSUPP] REP/REPNE where not emulated */
	X86_DECODE_REASON_COUNT,
};

/**
 * struct x86_insn - a decoded MMIO instruction
 *
 * Filled by x86_decode_insn(); read-only afterwards.  On failure only
 * @reason, @err_pos, @mode, @bytes/@nbytes and whatever opcode bytes were
 * read (@opcode/@opcode_len) are meaningful; @kind is X86_INSN_NONE.
 */
struct x86_insn {
	/* Result. */
	u8 len; /* instruction length, 1..15, <= bytes given */
	u8 kind; /* enum x86_insn_kind */
	u8 size; /* MMIO access width in bytes: 1, 2, 4 or 8 */
	u8 reg; /* GPR 0..15; for @high8, 0..3 = AH, CH, DH, BH */
	u8 reg_size; /* register operand width: == @size unless @ext */
	u8 ext; /* enum x86_insn_ext, reads only */
	bool high8; /* @reg names bits 15:8 (AH..BH; only without REX) */
	bool string; /* STOS/LODS: call x86_insn_string_step() */
	bool rep; /* F3 REP on a string instruction */
	u64 imm; /* X86_INSN_WRITE_IMM: the value, already @size wide
			 * (C7 with REX.W: imm32 sign-extended to 64 bits) */

	/* Operand details, for logging and cross-checks. */
	u8 mode; /* enum x86_cpu_mode given to the decoder */
	u8 op_size; /* effective operand size: 2, 4, 8 */
	u8 addr_size; /* effective address size: 2, 4, 8 */
	u8 seg; /* enum x86_seg of the memory operand */
	u8 rex; /* REX byte, 0 if none */
	u8 modrm; /* valid when @has_modrm */
	u8 sib; /* valid when @has_sib */
	bool has_modrm;
	bool has_sib;
	bool rip_rel; /* 64-bit mode mod=00 rm=101: [rIP + disp32] */
	bool moffs; /* A0-A3: @disp is the absolute offset */
	u8 disp_size; /* 0, 1, 2, 4 or 8 (moffs64) */
	s64 disp; /* sign-extended displacement (moffs: zero-extended) */
	u8 opcode[2]; /* opcode bytes (0F xx for two-byte opcodes) */
	u8 opcode_len; /* opcode bytes read so far: 0..2 */

	/* Diagnostics. */
	u8 reason; /* enum x86_decode_reason */
	u8 err_pos; /* offset of the byte that failed (or the missing one) */
	u8 nbytes; /* bytes available to the decoder, at most 15 */
	u8 bytes[X86_MAX_INSN_LEN]; /* copy of those bytes */
};

/* A register file in x86_gpr order. */
struct x86_gprs {
	u64 regs[X86_NR_GPRS];
};

/**
 * x86_decode_cpu_mode() - the decoder mode for a guest's current state
 * @cr0_pe:    CR0.PE
 * @rflags_vm: RFLAGS.VM (virtual-8086 mode)
 * @efer_lma:  EFER.LMA
 * @cs_l:      CS access rights L bit
 * @cs_d:      CS access rights D/B bit
 *
 * Context: any.
 * Return: X86_MODE_64 for long mode with CS.L; X86_MODE_32 for protected or
 * compatibility mode with CS.D; X86_MODE_16 otherwise (real mode,
 * virtual-8086, 16-bit code segments).
 */
enum x86_cpu_mode x86_decode_cpu_mode(bool cr0_pe, bool rflags_vm,
				      bool efer_lma, bool cs_l, bool cs_d);

/**
 * x86_decode_insn() - decode one instruction that accessed MMIO
 * @bytes: instruction bytes fetched at the guest's RIP
 * @len:   number of valid bytes at @bytes; only the first 15 are looked at
 * @mode:  the CPU mode the guest was executing in
 * @insn:  result; always written (reason and bytes even on failure)
 *
 * Decodes legacy prefixes, REX, opcode, ModRM, SIB, displacement and
 * immediate, and computes the exact length.  Never reads @bytes[@len] or
 * beyond.  The memory operand's address is not computed (the GPA comes from
 * the exit); register-direct forms are refused since they cannot touch MMIO.
 *
 * Context: any; no side effects besides @insn.
 * Return: 0 on success; -EINVAL for bad arguments or a malformed encoding
 * (REX not immediately before the opcode, LOCK on a MOV/MOVZX/STOS...,
 * ModRM.mod=3, undefined C6/C7 /reg); -EFAULT if @len ends before the
 * instruction does; -E2BIG if the instruction would exceed 15 bytes;
 * -EOPNOTSUPP for an opcode or a REP/REPNE prefix that is not emulated.
 * @insn->reason tells which.
 */
int __must_check x86_decode_insn(const u8 *bytes, size_t len,
				 enum x86_cpu_mode mode, struct x86_insn *insn);

/**
 * x86_insn_apply_read() - write a completed MMIO read into the registers
 * @insn: a successfully decoded X86_INSN_READ
 * @gprs: the vCPU's registers; only @insn->reg changes
 * @val:  the value read; bits above @insn->size are ignored
 *
 * x86 semantics: 8- and 16-bit destinations merge into the register (AH..BH
 * into bits 15:8), 32-bit destinations zero-extend to 64 bits (as hardware
 * does; SDM Vol. 1 §3.4.1.1), 64-bit replace.  MOVZX/MOVSX/MOVSXD widen
 * @val from @insn->size to @insn->reg_size first.  For LODS the caller then
 * calls x86_insn_string_step().
 *
 * Context: any.
 * Return: 0 on success; -EINVAL if @insn is not a decoded read.
 */
int __must_check x86_insn_apply_read(const struct x86_insn *insn,
				     struct x86_gprs *gprs, u64 val);

/**
 * x86_insn_write_value() - the value an MMIO write stores
 * @insn: a successfully decoded X86_INSN_WRITE or X86_INSN_WRITE_IMM
 * @gprs: the vCPU's registers (read only)
 * @val:  result, zero-extended from @insn->size bytes
 *
 * Context: any.
 * Return: 0 on success; -EINVAL if @insn is not a decoded write.
 */
int __must_check x86_insn_write_value(const struct x86_insn *insn,
				      const struct x86_gprs *gprs, u64 *val);

/**
 * x86_insn_rep_exhausted() - does a REP string instruction do nothing?
 * @insn: a decoded instruction
 * @gprs: the vCPU's registers
 *
 * A REP STOS/LODS with rCX (CX/ECX/RCX by address size) equal to zero makes
 * no access; hardware would not have exited, but a racing vCPU can change
 * rCX.  The caller then skips the access and just advances RIP.
 *
 * Context: any.
 * Return: true for a REP string instruction whose count is zero.
 */
bool x86_insn_rep_exhausted(const struct x86_insn *insn,
			    const struct x86_gprs *gprs);

/**
 * x86_insn_string_step() - finish one iteration of STOS/LODS
 * @insn:   a decoded string instruction (@insn->string)
 * @gprs:   the vCPU's registers; rDI (STOS) or rSI (LODS) and, for REP, rCX
 *          change, at the address size's width (16-bit merge, 32-bit
 *          zero-extend)
 * @rflags: the guest's RFLAGS; DF=1 decrements the index register
 *
 * Call after the access (and after x86_insn_apply_read() for LODS).  A REP
 * instruction is emulated one iteration per exit: while the decremented
 * rCX is non-zero the guest re-executes the same instruction.
 *
 * Context: any.
 * Return: 1 if the instruction is complete (advance RIP by @insn->len), 0 if
 * a REP instruction has iterations left (leave RIP), -EINVAL if @insn is not
 * a decoded string instruction.
 */
int __must_check x86_insn_string_step(const struct x86_insn *insn,
				      struct x86_gprs *gprs, u64 rflags);

/**
 * x86_insn_describe_error() - one-line description of a failed decode
 * @insn: the structure x86_decode_insn() filled in
 * @err:  the value x86_decode_insn() returned
 * @buf:  output, always NUL-terminated when @size > 0
 * @size: size of @buf
 *
 * Example: "x86 decode failed: unsupported opcode (-EOPNOTSUPP) at byte 1;
 * 64-bit mode, opcode 0f 05, bytes [0f 05 90] (3 fetched)".
 *
 * Context: any.
 * Return: the length the full line has (like snprintf); it was truncated
 * if that is >= @size.
 */
int x86_insn_describe_error(const struct x86_insn *insn, int err, char *buf,
			    size_t size);

/**
 * x86_decode_reason_str() - short text for a decode failure reason
 * @reason: enum x86_decode_reason
 *
 * Context: any.
 * Return: a static string; "unknown reason" for out-of-range values.
 */
const char *x86_decode_reason_str(unsigned int reason);

#endif /* TDP_HV_X86_DECODE_H */
