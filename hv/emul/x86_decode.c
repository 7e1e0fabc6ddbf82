// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 instruction decoder for MMIO emulation (see x86_decode.h).
 *
 * Instruction layout (SDM Vol. 2A §2.1, Figure 2-1), consumed in this order:
 *
 *   [legacy prefixes]* [REX] opcode(1-2) [ModRM] [SIB] [disp] [imm]
 *
 * Every byte is taken through fetch_u8(), the only place that touches the
 * input: it refuses the 16th byte (-E2BIG) before it refuses a byte past the
 * caller's length (-EFAULT), so no input, however long or short, is read out
 * of bounds, and an instruction is never longer than 15 bytes.
 *
 * Only the instructions listed in docs/decoder.md are decoded; the rest stop
 * at the opcode with -EOPNOTSUPP.  The first problem met, in byte order, is
 * the one reported.
 */
#include "types.h"
#include "compiler.h"
#include "errno_codes.h"
#include "string_util.h"
#include "hv/emul/x86_decode.h"
#include "x86_defs.h"

#define REX_B BIT(0)
#define REX_X BIT(1)
#define REX_R BIT(2)
#define REX_W BIT(3)

#define PFX_LOCK 0xf0
#define PFX_REPNE 0xf2
#define PFX_REP 0xf3
#define PFX_OPSIZE 0x66
#define PFX_ADSIZE 0x67

/* Decoder state; @insn collects the result. */
struct decode_ctx {
	const u8 *bytes;
	size_t len;
	u8 pos;
	bool p66; /* operand-size override seen */
	bool p67; /* address-size override seen */
	s8 lock_pos; /* offset of the LOCK prefix, -1 if none */
	s8 rep_pos; /* offset of the last F2/F3, -1 if none */
	u8 last_rep; /* last F2/F3 seen, 0 if none */
	s8 seg_override; /* enum x86_seg, -1 if none */
	struct x86_insn *insn;
};

static const struct {
	int err;
	const char *text;
} reasons[X86_DECODE_REASON_COUNT] = {
	[X86_DECODE_OK] = { 0, "ok" },
	[X86_DECODE_BAD_ARGS] = { -EINVAL, "bad decoder arguments" },
	[X86_DECODE_TRUNCATED] = { -EFAULT, "instruction truncated" },
	[X86_DECODE_TOO_LONG] = { -E2BIG, "instruction longer than 15 bytes" },
	[X86_DECODE_REX_PLACEMENT] = { -EINVAL,
				       "REX prefix not immediately before the opcode" },
	[X86_DECODE_LOCK] = { -EINVAL,
			      "LOCK prefix on a non-lockable instruction" },
	[X86_DECODE_REG_OPERAND] = { -EINVAL,
				     "register operand (ModRM.mod=3) cannot access MMIO" },
	[X86_DECODE_BAD_MODRM_REG] = { -EINVAL,
				       "undefined ModRM.reg opcode extension" },
	[X86_DECODE_UNSUPPORTED_OPCODE] = { -EOPNOTSUPP, "unsupported opcode" },
	[X86_DECODE_UNSUPPORTED_PREFIX] = { -EOPNOTSUPP,
					    "REP/REPNE prefix not supported on this instruction" },
};

static int fail_at(struct decode_ctx *c, enum x86_decode_reason reason, u8 pos)
{
	c->insn->reason = reason;
	c->insn->err_pos = pos;
	c->insn->kind = X86_INSN_NONE;
	return reasons[reason].err;
}

/* Fail on the byte just consumed. */
static int fail(struct decode_ctx *c, enum x86_decode_reason reason)
{
	return fail_at(c, reason, c->pos ? c->pos - 1 : 0);
}

static int fetch_u8(struct decode_ctx *c, u8 *out)
{
	if (c->pos >= X86_MAX_INSN_LEN)
		return fail_at(c, X86_DECODE_TOO_LONG, c->pos);
	if (c->pos >= c->len)
		return fail_at(c, X86_DECODE_TRUNCATED, c->pos);
	*out = c->bytes[c->pos++];
	return 0;
}

/* Little-endian @n-byte field, zero-extended. */
static int fetch_le(struct decode_ctx *c, unsigned int n, u64 *out)
{
	u64 v = 0;
	unsigned int i;
	u8 b;
	int ret;

	for (i = 0; i < n; i++) {
		ret = fetch_u8(c, &b);
		if (ret)
			return ret;
		v |= (u64)b << (8 * i);
	}
	*out = v;
	return 0;
}

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : BIT_ULL(8 * size) - 1;
}

static s64 sign_extend(u64 v, unsigned int size)
{
	unsigned int shift = 64 - 8 * size;

	return (s64)(v << shift) >> shift;
}

static int opcode_byte(struct decode_ctx *c, u8 *op)
{
	int ret = fetch_u8(c, op);

	if (!ret)
		c->insn->opcode[c->insn->opcode_len++] = *op;
	return ret;
}

/*
 * Legacy prefixes (any order, repeats allowed; the last segment override
 * and the last of F2/F3 win) then, in 64-bit mode, at most one REX, which
 * must be the last byte before the opcode (SDM §2.2.1).  Hardware ignores a
 * REX that is followed by another prefix; we refuse it instead of guessing
 * what the guest meant.  Returns with the first opcode byte in @op.
 */
static int decode_prefixes(struct decode_ctx *c, u8 *op)
{
	static const s8 seg_of[256] = {
		[0x26] = X86_SEG_ES + 1, [0x2e] = X86_SEG_CS + 1,
		[0x36] = X86_SEG_SS + 1, [0x3e] = X86_SEG_DS + 1,
		[0x64] = X86_SEG_FS + 1, [0x65] = X86_SEG_GS + 1,
	};
	struct x86_insn *insn = c->insn;
	u8 b;
	int ret;

	for (;;) {
		ret = fetch_u8(c, &b);
		if (ret)
			return ret;
		if (insn->mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
			if (insn->rex)
				return fail_at(c, X86_DECODE_REX_PLACEMENT,
					       c->pos - 2);
			insn->rex = b;
			continue;
		}
		if (b == PFX_OPSIZE || b == PFX_ADSIZE || b == PFX_LOCK ||
		    b == PFX_REP || b == PFX_REPNE || seg_of[b]) {
			if (insn->rex)
				return fail_at(c, X86_DECODE_REX_PLACEMENT,
					       c->pos - 2);
			if (b == PFX_OPSIZE) {
				c->p66 = true;
			} else if (b == PFX_ADSIZE) {
				c->p67 = true;
			} else if (b == PFX_LOCK) {
				c->lock_pos = (s8)(c->pos - 1);
			} else if (b == PFX_REP || b == PFX_REPNE) {
				c->last_rep = b;
				c->rep_pos = (s8)(c->pos - 1);
			} else {
				c->seg_override = (s8)(seg_of[b] - 1);
			}
			continue;
		}
		insn->opcode[0] = b;
		insn->opcode_len = 1;
		*op = b;
		return 0;
	}
}

/* Operand and address sizes from mode, 66, 67 and REX.W (SDM Table 2-4). */
static void resolve_sizes(struct decode_ctx *c)
{
	struct x86_insn *insn = c->insn;
	bool p66 = c->p66, p67 = c->p67;

	switch (insn->mode) {
	case X86_MODE_16:
		insn->op_size = p66 ? 4 : 2;
		insn->addr_size = p67 ? 4 : 2;
		break;
	case X86_MODE_32:
		insn->op_size = p66 ? 2 : 4;
		insn->addr_size = p67 ? 2 : 4;
		break;
	default:
		insn->op_size = (insn->rex & REX_W) ? 8 : p66 ? 2 : 4;
		insn->addr_size = p67 ? 4 : 8;
		break;
	}
}

/*
 * Segment of the memory operand: an override wins, except that 64-bit mode
 * ignores ES/CS/SS/DS overrides (SDM Vol. 1 §3.3.7.1).
 */
static void apply_seg_override(struct decode_ctx *c)
{
	s8 o = c->seg_override;

	if (o < 0)
		return;
	if (c->insn->mode == X86_MODE_64 && o != X86_SEG_FS && o != X86_SEG_GS)
		return;
	c->insn->seg = (u8)o;
}

/* LOCK is #UD on every decoded form; REP only on the string forms. */
static int check_prefixes(struct decode_ctx *c, bool allow_rep)
{
	if (c->lock_pos >= 0)
		return fail_at(c, X86_DECODE_LOCK, (u8)c->lock_pos);
	if (c->last_rep == PFX_REPNE || (c->last_rep == PFX_REP && !allow_rep))
		return fail_at(c, X86_DECODE_UNSUPPORTED_PREFIX,
			       (u8)c->rep_pos);
	c->insn->rep = c->last_rep == PFX_REP;
	return 0;
}

static int fetch_disp(struct decode_ctx *c, unsigned int n)
{
	u64 v;
	int ret = fetch_le(c, n, &v);

	if (ret)
		return ret;
	c->insn->disp_size = (u8)n;
	c->insn->disp = sign_extend(v, n);
	return 0;
}

/* 16-bit addressing forms (SDM Table 2-1). */
static int decode_mem16(struct decode_ctx *c, u8 mod, u8 rm)
{
	if (mod == 0 && rm == 6)
		return fetch_disp(c, 2);
	/* [BP+SI], [BP+DI], [BP+disp] default to SS. */
	if (rm == 2 || rm == 3 || rm == 6)
		c->insn->seg = X86_SEG_SS;
	if (mod == 1)
		return fetch_disp(c, 1);
	if (mod == 2)
		return fetch_disp(c, 2);
	return 0;
}

/* 32/64-bit addressing forms (SDM Tables 2-2, 2-3; §2.2.1.6 RIP-relative). */
static int decode_mem32(struct decode_ctx *c, u8 mod, u8 rm)
{
	struct x86_insn *insn = c->insn;
	u8 base = rm;
	bool no_base = false;
	int ret;

	if (rm == 4) {
		ret = fetch_u8(c, &insn->sib);
		if (ret)
			return ret;
		insn->has_sib = true;
		base = insn->sib & 7;
		no_base = mod == 0 && base == 5;
	} else if (mod == 0 && rm == 5) {
		/* disp32 alone; RIP/EIP-relative in 64-bit mode. */
		no_base = true;
		insn->rip_rel = insn->mode == X86_MODE_64;
	}
	/* rSP/rBP bases use SS; REX.B turns them into R12/R13 (DS). */
	if (!no_base && (base == 4 || base == 5) && !(insn->rex & REX_B))
		insn->seg = X86_SEG_SS;
	if (mod == 1)
		return fetch_disp(c, 1);
	if (mod == 2 || no_base)
		return fetch_disp(c, 4);
	return 0;
}

/* ModRM byte; reg gets REX.R. */
static int fetch_modrm(struct decode_ctx *c)
{
	struct x86_insn *insn = c->insn;
	int ret = fetch_u8(c, &insn->modrm);

	if (ret)
		return ret;
	insn->has_modrm = true;
	return 0;
}

/* The memory operand after the ModRM byte; mod=3 has none. */
static int decode_mem_operand(struct decode_ctx *c)
{
	struct x86_insn *insn = c->insn;
	u8 mod = insn->modrm >> 6, rm = insn->modrm & 7;

	if (mod == 3)
		return fail(c, X86_DECODE_REG_OPERAND);
	if (insn->addr_size == 2)
		return decode_mem16(c, mod, rm);
	return decode_mem32(c, mod, rm);
}

/*
 * The register operand of a byte-sized ModRM.reg: with no REX, 4-7 are
 * AH, CH, DH, BH; with any REX they are SPL, BPL, SIL, DIL (SDM §3.7.2.1).
 */
static void set_modrm_reg(struct x86_insn *insn, bool byte_reg)
{
	u8 reg = ((insn->modrm >> 3) & 7) | ((insn->rex & REX_R) ? 8 : 0);

	insn->high8 = byte_reg && !insn->rex && reg >= 4;
	insn->reg = insn->high8 ? reg - 4 : reg;
}

/* 88/89 MOV r/m,r; 8A/8B MOV r,r/m. */
static int decode_mov_modrm(struct decode_ctx *c, u8 op)
{
	struct x86_insn *insn = c->insn;
	bool byte = !(op & 1);
	int ret;

	ret = check_prefixes(c, false);
	if (!ret)
		ret = fetch_modrm(c);
	if (!ret)
		ret = decode_mem_operand(c);
	if (ret)
		return ret;
	insn->kind = (op & 2) ? X86_INSN_READ : X86_INSN_WRITE;
	insn->size = byte ? 1 : insn->op_size;
	insn->reg_size = insn->size;
	set_modrm_reg(insn, byte);
	return 0;
}

/* C6 /0 ib, C7 /0 iw/id: MOV r/m,imm (imm32 sign-extended with REX.W). */
static int decode_mov_imm(struct decode_ctx *c, u8 op)
{
	struct x86_insn *insn = c->insn;
	unsigned int imm_size;
	u64 imm;
	int ret;

	ret = check_prefixes(c, false);
	if (!ret)
		ret = fetch_modrm(c);
	if (ret)
		return ret;
	/* /7 with mod=3 is XABORT/XBEGIN; /1../6 and /7 with memory are #UD. */
	if (((insn->modrm >> 3) & 7) != 0) {
		if ((insn->modrm >> 6) == 3 && ((insn->modrm >> 3) & 7) == 7)
			return fail(c, X86_DECODE_UNSUPPORTED_OPCODE);
		return fail(c, X86_DECODE_BAD_MODRM_REG);
	}
	ret = decode_mem_operand(c);
	if (ret)
		return ret;
	insn->size = (op == 0xc6) ? 1 : insn->op_size;
	imm_size = MIN(insn->size, 4u);
	ret = fetch_le(c, imm_size, &imm);
	if (ret)
		return ret;
	insn->kind = X86_INSN_WRITE_IMM;
	insn->reg_size = insn->size;
	insn->imm = (u64)sign_extend(imm, imm_size) & size_mask(insn->size);
	return 0;
}

/* A0-A3: MOV AL/rAX <-> moffs; the offset is address-size wide. */
static int decode_mov_moffs(struct decode_ctx *c, u8 op)
{
	struct x86_insn *insn = c->insn;
	u64 off;
	int ret;

	ret = check_prefixes(c, false);
	if (!ret)
		ret = fetch_le(c, insn->addr_size, &off);
	if (ret)
		return ret;
	insn->moffs = true;
	insn->disp = (s64)off;
	insn->disp_size = insn->addr_size;
	insn->kind = (op & 2) ? X86_INSN_WRITE : X86_INSN_READ;
	insn->size = (op & 1) ? insn->op_size : 1;
	insn->reg_size = insn->size;
	insn->reg = X86_GPR_RAX;
	return 0;
}

/* AA/AB STOS ES:[rDI] <- AL/rAX; AC/AD LODS AL/rAX <- seg:[rSI]. */
static int decode_string(struct decode_ctx *c, u8 op)
{
	struct x86_insn *insn = c->insn;
	int ret = check_prefixes(c, true);

	if (ret)
		return ret;
	insn->string = true;
	insn->kind = (op >= 0xac) ? X86_INSN_READ : X86_INSN_WRITE;
	insn->size = (op & 1) ? insn->op_size : 1;
	insn->reg_size = insn->size;
	insn->reg = X86_GPR_RAX;
	return 0;
}

/*
 * MOVZX/MOVSX (0F B6/B7/BE/BF) and MOVSXD (63, 64-bit mode): read @src_size
 * bytes, widen into an op_size register.
 */
static int decode_movx(struct decode_ctx *c, unsigned int src_size,
		       enum x86_insn_ext ext)
{
	struct x86_insn *insn = c->insn;
	int ret;

	ret = check_prefixes(c, false);
	if (!ret)
		ret = fetch_modrm(c);
	if (!ret)
		ret = decode_mem_operand(c);
	if (ret)
		return ret;
	insn->kind = X86_INSN_READ;
	/* MOVSXD without REX.W (or MOVZX r16,m16) moves no wider: plain MOV. */
	insn->size = (u8)MIN(src_size, insn->op_size);
	insn->reg_size = insn->op_size;
	insn->ext = insn->size < insn->reg_size ? ext : X86_EXT_NONE;
	set_modrm_reg(insn, false);
	return 0;
}

static int decode_0f(struct decode_ctx *c)
{
	u8 op;
	int ret = opcode_byte(c, &op);

	if (ret)
		return ret;
	switch (op) {
	case 0xb6:
		return decode_movx(c, 1, X86_EXT_ZERO);
	case 0xb7:
		return decode_movx(c, 2, X86_EXT_ZERO);
	case 0xbe:
		return decode_movx(c, 1, X86_EXT_SIGN);
	case 0xbf:
		return decode_movx(c, 2, X86_EXT_SIGN);
	default:
		return fail(c, X86_DECODE_UNSUPPORTED_OPCODE);
	}
}

static int decode_opcode(struct decode_ctx *c, u8 op)
{
	switch (op) {
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
		return decode_mov_modrm(c, op);
	case 0xc6:
	case 0xc7:
		return decode_mov_imm(c, op);
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		return decode_mov_moffs(c, op);
	case 0xaa:
	case 0xab:
	case 0xac:
	case 0xad:
		return decode_string(c, op);
	case 0x63:
		/* ARPL outside 64-bit mode. */
		if (c->insn->mode != X86_MODE_64)
			return fail(c, X86_DECODE_UNSUPPORTED_OPCODE);
		return decode_movx(c, 4, X86_EXT_SIGN);
	case 0x0f:
		return decode_0f(c);
	default:
		return fail(c, X86_DECODE_UNSUPPORTED_OPCODE);
	}
}

enum x86_cpu_mode x86_decode_cpu_mode(bool cr0_pe, bool rflags_vm,
				      bool efer_lma, bool cs_l, bool cs_d)
{
	if (!cr0_pe || rflags_vm)
		return X86_MODE_16;
	if (efer_lma && cs_l)
		return X86_MODE_64;
	return cs_d ? X86_MODE_32 : X86_MODE_16;
}

static void insn_init(struct x86_insn *insn, const u8 *bytes, size_t len,
		      enum x86_cpu_mode mode)
{
	size_t n = bytes ? MIN(len, (size_t)X86_MAX_INSN_LEN) : 0;

	memset(insn, 0, sizeof(*insn));
	insn->mode = (u8)mode;
	insn->nbytes = (u8)n;
	if (n)
		memcpy(insn->bytes, bytes, n);
}

int x86_decode_insn(const u8 *bytes, size_t len, enum x86_cpu_mode mode,
		    struct x86_insn *insn)
{
	struct decode_ctx c = {
		.bytes = bytes,
		.len = len,
		.seg_override = -1,
		.lock_pos = -1,
		.rep_pos = -1,
		.insn = insn,
	};
	u8 op;
	int ret;

	if (!insn)
		return -EINVAL;
	insn_init(insn, bytes, len, mode);
	if ((!bytes && len) || (unsigned int)mode >= X86_MODE_COUNT)
		return fail_at(&c, X86_DECODE_BAD_ARGS, 0);

	ret = decode_prefixes(&c, &op);
	if (ret)
		return ret;
	resolve_sizes(&c);
	insn->seg = (op == 0xaa || op == 0xab) ? X86_SEG_ES : X86_SEG_DS;
	ret = decode_opcode(&c, op);
	if (ret)
		return ret;
	/* STOS always writes ES:[rDI]; an override does not apply. */
	if (!(insn->string && insn->kind == X86_INSN_WRITE))
		apply_seg_override(&c);
	insn->len = c.pos;
	return 0;
}

static bool is_decoded(const struct x86_insn *insn)
{
	return insn && insn->reason == X86_DECODE_OK && insn->len &&
	       insn->reg < X86_NR_GPRS &&
	       (insn->size == 1 || insn->size == 2 || insn->size == 4 ||
		insn->size == 8);
}

/* Write @val, @size bytes wide, into a register the way a MOV would. */
static void gpr_assign(u64 *r, u64 val, unsigned int size, bool high8)
{
	if (high8)
		*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
	else if (size == 4)
		*r = (u32)val; /* SDM Vol. 1 §3.4.1.1: zero-extends */
	else
		*r = (*r & ~size_mask(size)) | (val & size_mask(size));
}

int x86_insn_apply_read(const struct x86_insn *insn, struct x86_gprs *gprs,
			u64 val)
{
	if (!is_decoded(insn) || !gprs || insn->kind != X86_INSN_READ)
		return -EINVAL;
	val &= size_mask(insn->size);
	if (insn->ext == X86_EXT_SIGN)
		val = (u64)sign_extend(val, insn->size);
	gpr_assign(&gprs->regs[insn->reg], val, insn->reg_size, insn->high8);
	return 0;
}

int x86_insn_write_value(const struct x86_insn *insn,
			 const struct x86_gprs *gprs, u64 *val)
{
	u64 v;

	if (!is_decoded(insn) || !gprs || !val)
		return -EINVAL;
	if (insn->kind == X86_INSN_WRITE_IMM)
		v = insn->imm;
	else if (insn->kind == X86_INSN_WRITE)
		v = gprs->regs[insn->reg] >> (insn->high8 ? 8 : 0);
	else
		return -EINVAL;
	*val = v & size_mask(insn->size);
	return 0;
}

bool x86_insn_rep_exhausted(const struct x86_insn *insn,
			    const struct x86_gprs *gprs)
{
	if (!is_decoded(insn) || !gprs || !insn->string || !insn->rep)
		return false;
	return !(gprs->regs[X86_GPR_RCX] & size_mask(insn->addr_size));
}

int x86_insn_string_step(const struct x86_insn *insn, struct x86_gprs *gprs,
			 u64 rflags)
{
	const u64 rflags_df = X86_RFLAGS_DF;
	unsigned int as;
	u64 *index, count;

	if (!is_decoded(insn) || !gprs || !insn->string)
		return -EINVAL;
	as = insn->addr_size;
	index = &gprs->regs[insn->kind == X86_INSN_WRITE ? X86_GPR_RDI
							 : X86_GPR_RSI];
	if (rflags & rflags_df)
		gpr_assign(index, *index - insn->size, as, false);
	else
		gpr_assign(index, *index + insn->size, as, false);
	if (!insn->rep)
		return 1;
	count = (gprs->regs[X86_GPR_RCX] - 1) & size_mask(as);
	gpr_assign(&gprs->regs[X86_GPR_RCX], count, as, false);
	return count == 0;
}

const char *x86_decode_reason_str(unsigned int reason)
{
	if (reason >= X86_DECODE_REASON_COUNT)
		return "unknown reason";
	return reasons[reason].text;
}

/* Bounded string builder: counts what would be written, like snprintf. */
struct sbuf {
	char *buf;
	size_t size;
	size_t pos;
};

static void sb_putc(struct sbuf *sb, char ch)
{
	if (sb->pos + 1 < sb->size)
		sb->buf[sb->pos] = ch;
	sb->pos++;
}

static void sb_puts(struct sbuf *sb, const char *s)
{
	while (*s)
		sb_putc(sb, *s++);
}

static void sb_hex8(struct sbuf *sb, u8 v)
{
	static const char digits[] = "0123456789abcdef";

	sb_putc(sb, digits[v >> 4]);
	sb_putc(sb, digits[v & 15]);
}

static void sb_dec(struct sbuf *sb, unsigned int v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(tmp));
	while (n)
		sb_putc(sb, tmp[--n]);
}

static const char *err_name(int err)
{
	switch (err) {
	case 0:
		return "0";
	case -EINVAL:
		return "-EINVAL";
	case -EFAULT:
		return "-EFAULT";
	case -E2BIG:
		return "-E2BIG";
	case -EOPNOTSUPP:
		return "-EOPNOTSUPP";
	default:
		return "-E?";
	}
}

static const char *mode_name(unsigned int mode)
{
	static const char *const names[X86_MODE_COUNT] = {
		[X86_MODE_16] = "16-bit",
		[X86_MODE_32] = "32-bit",
		[X86_MODE_64] = "64-bit",
	};

	return mode < X86_MODE_COUNT ? names[mode] : "unknown";
}

int x86_insn_describe_error(const struct x86_insn *insn, int err, char *buf,
			    size_t size)
{
	struct sbuf sb = { .buf = buf, .size = buf ? size : 0 };
	unsigned int i, n;

	sb_puts(&sb, "x86 decode failed: ");
	if (!insn) {
		sb_puts(&sb, "no instruction");
	} else {
		sb_puts(&sb, x86_decode_reason_str(insn->reason));
		sb_puts(&sb, " (");
		sb_puts(&sb, err_name(err));
		sb_puts(&sb, ") at byte ");
		sb_dec(&sb, insn->err_pos);
		sb_puts(&sb, "; ");
		sb_puts(&sb, mode_name(insn->mode));
		sb_puts(&sb, " mode");
		n = MIN(insn->opcode_len, (u8)sizeof(insn->opcode));
		for (i = 0; i < n; i++) {
			sb_puts(&sb, i ? " " : ", opcode ");
			sb_hex8(&sb, insn->opcode[i]);
		}
		sb_puts(&sb, ", bytes [");
		n = MIN(insn->nbytes, (u8)X86_MAX_INSN_LEN);
		for (i = 0; i < n; i++) {
			if (i)
				sb_putc(&sb, ' ');
			sb_hex8(&sb, insn->bytes[i]);
		}
		sb_puts(&sb, "] (");
		sb_dec(&sb, n);
		sb_puts(&sb, " fetched)");
	}
	if (sb.size)
		sb.buf[MIN(sb.pos, sb.size - 1)] = '\0';
	return (int)sb.pos;
}
