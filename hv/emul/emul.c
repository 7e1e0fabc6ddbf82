// SPDX-License-Identifier: GPL-2.0
/*
 * Portable emulation cores shared by the exit handlers, the host unit tests
 * and the exit-path benchmark: an MMIO access from its instruction bytes,
 * and port I/O dispatch.
 */
#include "hv/emul/emul.h"
#include "guest_abi.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86_defs.h"

enum mmio_emul_status mmio_perform(const struct mmio_bus *bus,
				   struct x86_gprs *g,
				   const struct x86_insn *insn, u64 rflags,
				   gpa_t gpa, struct mmio_emul *out)
{
	u64 val = 0;
	int r;

	if (insn->string && x86_insn_rep_exhausted(insn, g))
		return out->status = MMIO_EMUL_DONE;
	/* One look-up: the bus's access answers -ENODEV where no device
	 * is (this is the path of every cached MMIO exit, an EOI's too). */
	if (insn->kind == X86_INSN_READ) {
		r = bus->access(bus->ctx, gpa, insn->size, false, &val);
		if (!r)
			r = x86_insn_apply_read(insn, g, val);
	} else {
		r = x86_insn_write_value(insn, g, &val);
		if (!r)
			r = bus->access(bus->ctx, gpa, insn->size, true, &val);
	}
	if (r == -ENODEV)
		return out->status = MMIO_EMUL_NO_DEVICE;
	if (r) {
		out->err = r;
		return out->status = MMIO_EMUL_DEVICE_ERROR;
	}
	if (insn->string && x86_insn_string_step(insn, g, rflags) == 0)
		return out->status = MMIO_EMUL_REPEAT;
	return out->status = MMIO_EMUL_DONE;
}

enum mmio_emul_status mmio_emulate(const struct mmio_bus *bus,
				   struct x86_gprs *g, const u8 *bytes,
				   size_t n, enum x86_cpu_mode mode, u64 rflags,
				   gpa_t gpa, struct mmio_emul *out)
{
	out->err = x86_decode_insn(bytes, n, mode, &out->insn);
	if (out->err)
		return out->status = MMIO_EMUL_DECODE_ERROR;
	return mmio_perform(bus, g, &out->insn, rflags, gpa, out);
}

static int device_part(const struct mmio_bus *bus, gpa_t gpa, u32 len,
		       bool write, u8 *bytes)
{
	u64 v = 0;
	int r;

	if (len == 1 || len == 2 || len == 4 || len == 8) {
		if (write)
			memcpy(&v, bytes, len);
		r = bus->access(bus->ctx, gpa, len, write, &v);
		if (!r && !write)
			memcpy(bytes, &v, len);
		return r;
	}
	for (u32 i = 0; i < len; i++) {
		r = device_part(bus, gpa + i, 1, write, bytes + i);
		if (r)
			return r;
	}
	return 0;
}

enum mmio_emul_status mmio_perform_spans(const struct mmio_bus *bus,
					 struct x86_gprs *g,
					 const struct x86_insn *insn,
					 u64 rflags, const struct mmio_span *sp,
					 unsigned int n, struct mmio_emul *out)
{
	u8 bytes[8] = { 0 };
	u32 total = 0, off = 0;
	u64 val = 0;
	int r = 0;

	if (n == 1 && !sp[0].ram)
		return mmio_perform(bus, g, insn, rflags, sp[0].gpa, out);
	for (unsigned int i = 0; i < n; i++)
		total += sp[i].len;
	if (!n || n > 2 || total != insn->size) {
		out->err = -EINVAL;
		return out->status = MMIO_EMUL_DEVICE_ERROR;
	}
	if (insn->string && x86_insn_rep_exhausted(insn, g))
		return out->status = MMIO_EMUL_DONE;
	for (unsigned int i = 0; i < n; i++)
		if (!sp[i].ram &&
		    !bus->contains(bus->ctx, sp[i].gpa, sp[i].len))
			return out->status = MMIO_EMUL_NO_DEVICE;
	if (insn->kind != X86_INSN_READ) {
		r = x86_insn_write_value(insn, g, &val);
		memcpy(bytes, &val, sizeof(val));
	}
	for (unsigned int i = 0; !r && i < n; off += sp[i].len, i++) {
		bool write = insn->kind != X86_INSN_READ;

		if (sp[i].ram && write)
			memcpy(sp[i].ram, bytes + off, sp[i].len);
		else if (sp[i].ram)
			memcpy(bytes + off, sp[i].ram, sp[i].len);
		else
			r = device_part(bus, sp[i].gpa, sp[i].len, write,
					bytes + off);
	}
	if (!r && insn->kind == X86_INSN_READ) {
		memcpy(&val, bytes, sizeof(val));
		r = x86_insn_apply_read(insn, g, val);
	}
	if (r) {
		out->err = r;
		return out->status = MMIO_EMUL_DEVICE_ERROR;
	}
	if (insn->string && x86_insn_string_step(insn, g, rflags) == 0)
		return out->status = MMIO_EMUL_REPEAT;
	return out->status = MMIO_EMUL_DONE;
}

static u64 addr_mask(unsigned int addr_size)
{
	return addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;
}

/* SDM Vol. 2A Table 2-1: 16-bit ModR/M base registers. */
static u64 ea16(const struct x86_insn *insn, const struct x86_gprs *g)
{
	static const u8 base[8][2] = {
		{ X86_GPR_RBX, X86_GPR_RSI }, { X86_GPR_RBX, X86_GPR_RDI },
		{ X86_GPR_RBP, X86_GPR_RSI }, { X86_GPR_RBP, X86_GPR_RDI },
		{ X86_GPR_RSI, 0xff },	      { X86_GPR_RDI, 0xff },
		{ X86_GPR_RBP, 0xff },	      { X86_GPR_RBX, 0xff },
	};
	unsigned int mod = insn->modrm >> 6, rm = insn->modrm & 7;
	u64 ea = (u64)insn->disp;

	if (mod == 0 && rm == 6)
		return ea;
	ea += g->regs[base[rm][0]] & 0xffff;
	if (base[rm][1] != 0xff)
		ea += g->regs[base[rm][1]] & 0xffff;
	return ea;
}

u64 mmio_insn_ea(const struct x86_insn *insn, const struct x86_gprs *g,
		 u64 rip_next)
{
	u64 mask = addr_mask(insn->addr_size), ea;
	unsigned int mod, rm, rex_b = (insn->rex & 1) << 3;

	if (insn->string)
		return g->regs[insn->kind == X86_INSN_READ ? X86_GPR_RSI
							   : X86_GPR_RDI] &
		       mask;
	if (insn->moffs || !insn->has_modrm)
		return (u64)insn->disp & mask;
	if (insn->addr_size == 2)
		return ea16(insn, g) & mask;
	if (insn->rip_rel)
		return (rip_next + (u64)insn->disp) & mask;
	mod = insn->modrm >> 6;
	rm = insn->modrm & 7;
	ea = (u64)insn->disp;
	if (insn->has_sib) {
		unsigned int scale = insn->sib >> 6;
		unsigned int index = ((insn->sib >> 3) & 7) |
				     ((insn->rex & 2) << 2);
		unsigned int base = (insn->sib & 7) | rex_b;

		if (index != X86_GPR_RSP)
			ea += g->regs[index] << scale;
		if (!((insn->sib & 7) == 5 && mod == 0))
			ea += g->regs[base];
	} else if (!(mod == 0 && rm == 5)) {
		ea += g->regs[rm | rex_b];
	}
	return ea & mask;
}

/* memcmp() == 0 for the few bytes of an instruction, without a call. */
static inline bool same_bytes(const u8 *a, const u8 *b, size_t n)
{
	u8 diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

int mmio_decode_cached(struct mmio_insn_cache *c, u64 rip,
		       enum x86_cpu_mode mode,
		       size_t (*fetch)(void *ctx, u8 *buf, size_t max),
		       void *ctx, const struct x86_insn **out)
{
	u8 bytes[X86_MAX_INSN_LEN];
	size_t n;
	int r;

	if (c->valid && c->rip == rip && c->mode == mode) {
		n = fetch(ctx, bytes, c->insn.len);
		if (n == c->insn.len && same_bytes(bytes, c->insn.bytes, n)) {
			c->hits++;
			*out = &c->insn;
			return 0;
		}
	}
	c->misses++;
	c->valid = false;
	n = fetch(ctx, bytes, X86_MAX_INSN_LEN);
	r = x86_decode_insn(bytes, n, mode, &c->insn);
	*out = &c->insn;
	if (r)
		return r;
	c->valid = true;
	c->rip = rip;
	c->mode = (u8)mode;
	return 0;
}
