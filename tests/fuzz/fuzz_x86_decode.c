// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for hv/emul/x86_decode.c.  Each input is decoded in every CPU
 * mode, from an exact-size heap copy so that ASan catches any read past the
 * given length.  Invariants:
 *   - failure: a known errno matching insn.reason, kind NONE, positions
 *     inside the 15-byte window, a bounded, terminated description;
 *   - success: 1 <= len <= min(15, size), access size and register size in
 *     {1,2,4,8}, register < 16, AH..BH only without REX; decoding exactly
 *     len bytes gives the same result, len-1 bytes is truncated;
 *   - write-back touches only the destination register, and only the bits
 *     its width allows; string steps touch only rSI/rDI/rCX.
 *
 *   make build/fuzz/fuzz_x86_decode
 *   build/fuzz/fuzz_x86_decode -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "errno_codes.h"
#include "hv/emul/x86_decode.h"

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

static bool is_pow2_size(unsigned int n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

static int reason_errno(unsigned int reason)
{
	switch (reason) {
	case X86_DECODE_TRUNCATED:
		return -EFAULT;
	case X86_DECODE_TOO_LONG:
		return -E2BIG;
	case X86_DECODE_UNSUPPORTED_OPCODE:
	case X86_DECODE_UNSUPPORTED_PREFIX:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

static void check_failure(const struct x86_insn *insn, int ret, size_t size)
{
	char msg[256], tiny[8];
	int n;

	CHECK(ret == -EINVAL || ret == -EFAULT || ret == -E2BIG ||
	      ret == -EOPNOTSUPP);
	CHECK(insn->reason != X86_DECODE_OK &&
	      insn->reason < X86_DECODE_REASON_COUNT);
	CHECK(ret == reason_errno(insn->reason));
	CHECK(insn->kind == X86_INSN_NONE);
	CHECK(insn->err_pos <= X86_MAX_INSN_LEN);
	CHECK(insn->nbytes == (size < 15 ? size : 15));
	if (insn->reason == X86_DECODE_TRUNCATED)
		CHECK(insn->err_pos == size && size < X86_MAX_INSN_LEN);
	if (insn->reason == X86_DECODE_TOO_LONG)
		CHECK(insn->err_pos == X86_MAX_INSN_LEN);
	else
		CHECK(insn->err_pos < X86_MAX_INSN_LEN);

	n = x86_insn_describe_error(insn, ret, msg, sizeof(msg));
	CHECK(n > 0 && (size_t)n < sizeof(msg) && strlen(msg) == (size_t)n);
	CHECK(x86_insn_describe_error(insn, ret, tiny, sizeof(tiny)) == n);
	CHECK(strlen(tiny) == sizeof(tiny) - 1);
}

static void check_fields(const struct x86_insn *insn, size_t size)
{
	CHECK(insn->reason == X86_DECODE_OK);
	CHECK(insn->len >= 1 && insn->len <= X86_MAX_INSN_LEN);
	CHECK(insn->len <= size);
	CHECK(is_pow2_size(insn->size));
	CHECK(is_pow2_size(insn->reg_size) && insn->reg_size >= insn->size);
	CHECK(insn->reg < X86_NR_GPRS);
	CHECK(insn->kind == X86_INSN_READ || insn->kind == X86_INSN_WRITE ||
	      insn->kind == X86_INSN_WRITE_IMM);
	CHECK(insn->ext <= X86_EXT_SIGN);
	CHECK((insn->ext != X86_EXT_NONE) == (insn->reg_size != insn->size));
	CHECK(insn->ext == X86_EXT_NONE || insn->kind == X86_INSN_READ);
	if (insn->high8)
		CHECK(insn->reg < 4 && insn->size == 1 && !insn->rex &&
		      insn->reg_size == 1);
	if (insn->rip_rel)
		CHECK(insn->mode == X86_MODE_64 && insn->disp_size == 4);
	if (insn->kind != X86_INSN_WRITE_IMM)
		CHECK(insn->imm == 0);
	else if (insn->size < 8)
		CHECK(insn->imm < (1ULL << (8 * insn->size)));
	if (insn->rep)
		CHECK(insn->string);
	if (insn->string)
		CHECK(insn->reg == X86_GPR_RAX && !insn->has_modrm);
	CHECK(insn->seg <= X86_SEG_GS);
	CHECK(insn->op_size == 2 || insn->op_size == 4 || insn->op_size == 8);
	CHECK(insn->addr_size == 2 || insn->addr_size == 4 ||
	      insn->addr_size == 8);
	if (insn->mode != X86_MODE_64)
		CHECK(!insn->rex && insn->op_size != 8 && insn->addr_size != 8);
	if (insn->has_modrm)
		CHECK((insn->modrm >> 6) != 3);
}

/* Decoding exactly @len bytes gives the same answer; @len-1 is truncated. */
static void check_exact_length(const struct x86_insn *insn, const u8 *data)
{
	struct x86_insn again;
	u8 *buf = malloc(insn->len);
	int ret;

	CHECK(buf);
	memcpy(buf, data, insn->len);
	ret = x86_decode_insn(buf, insn->len, insn->mode, &again);
	CHECK(ret == 0);
	again.nbytes = insn->nbytes;
	memcpy(again.bytes, insn->bytes, sizeof(again.bytes));
	CHECK(memcmp(&again, insn, sizeof(again)) == 0);
	ret = x86_decode_insn(buf, insn->len - 1u, insn->mode, &again);
	CHECK(ret == -EFAULT && again.reason == X86_DECODE_TRUNCATED);
	free(buf);
}

static u64 seed_u64(const u8 *data, size_t size, size_t off)
{
	u64 v = 0x9e3779b97f4a7c15ULL * (off + 1);
	size_t i;

	for (i = 0; i < 8 && size; i++)
		v = (v << 8 | v >> 56) ^ data[(off + i) % size];
	return v;
}

/* Bits of register @reg that the decoded destination may change. */
static u64 dest_mask(const struct x86_insn *insn)
{
	if (insn->high8)
		return 0xff00;
	if (insn->reg_size == 1)
		return 0xff;
	if (insn->reg_size == 2)
		return 0xffff;
	return ~0ULL;
}

static void check_writeback(const struct x86_insn *insn, const u8 *data,
			    size_t size)
{
	struct x86_gprs g, orig;
	u64 val = seed_u64(data, size, 99), out = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < X86_NR_GPRS; i++)
		g.regs[i] = seed_u64(data, size, i);
	orig = g;

	if (insn->kind == X86_INSN_READ) {
		CHECK(x86_insn_apply_read(insn, &g, val) == 0);
		for (i = 0; i < X86_NR_GPRS; i++)
			if (i != insn->reg)
				CHECK(g.regs[i] == orig.regs[i]);
		CHECK(((g.regs[insn->reg] ^ orig.regs[insn->reg]) &
		       ~dest_mask(insn)) == 0 ||
		      insn->reg_size == 4);
		CHECK(x86_insn_write_value(insn, &g, &out) == -EINVAL);
	} else {
		CHECK(x86_insn_write_value(insn, &g, &out) == 0);
		if (insn->size < 8)
			CHECK(out < (1ULL << (8 * insn->size)));
		CHECK(x86_insn_apply_read(insn, &g, val) == -EINVAL);
		CHECK(memcmp(&g, &orig, sizeof(g)) == 0);
	}

	orig = g;
	ret = x86_insn_string_step(insn, &g, val);
	if (!insn->string) {
		CHECK(ret == -EINVAL && !memcmp(&g, &orig, sizeof(g)));
		return;
	}
	CHECK(ret == 0 || ret == 1);
	CHECK(insn->rep || ret == 1);
	for (i = 0; i < X86_NR_GPRS; i++)
		if (i != X86_GPR_RCX && i != X86_GPR_RSI && i != X86_GPR_RDI)
			CHECK(g.regs[i] == orig.regs[i]);
	if (!insn->rep)
		CHECK(g.regs[X86_GPR_RCX] == orig.regs[X86_GPR_RCX]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *copy = malloc(size ? size : 1);
	unsigned int mode;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (mode = 0; mode < X86_MODE_COUNT; mode++) {
		struct x86_insn insn;
		int ret = x86_decode_insn(copy, size, mode, &insn);

		CHECK(insn.mode == mode);
		if (ret) {
			check_failure(&insn, ret, size);
			continue;
		}
		check_fields(&insn, size);
		check_exact_length(&insn, copy);
		check_writeback(&insn, data, size);
	}
	free(copy);
	return 0;
}
