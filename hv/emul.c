// SPDX-License-Identifier: GPL-2.0
/*
 * Portable emulation cores shared by the exit handlers, the host unit tests
 * and the exit-path benchmark: an MMIO access from its instruction bytes,
 * and port I/O dispatch.
 */
#include "hv/emul.h"
#include "guest_abi.h"
#include "errno_codes.h"
#include "string_util.h"

enum mmio_emul_status mmio_perform(struct testdev *dev, struct x86_gprs *g,
				   const struct x86_insn *insn, u64 rflags,
				   gpa_t gpa, struct mmio_emul *out)
{
	u64 val = 0;
	int r;

	if (insn->string && x86_insn_rep_exhausted(insn, g))
		return out->status = MMIO_EMUL_DONE;
	if (!testdev_contains(gpa, insn->size))
		return out->status = MMIO_EMUL_NO_DEVICE;
	if (insn->kind == X86_INSN_READ) {
		r = testdev_access(dev, gpa, insn->size, false, &val);
		if (!r)
			r = x86_insn_apply_read(insn, g, val);
	} else {
		r = x86_insn_write_value(insn, g, &val);
		if (!r)
			r = testdev_access(dev, gpa, insn->size, true, &val);
	}
	if (r) {
		out->err = r;
		return out->status = MMIO_EMUL_DEVICE_ERROR;
	}
	if (insn->string && x86_insn_string_step(insn, g, rflags) == 0)
		return out->status = MMIO_EMUL_REPEAT;
	return out->status = MMIO_EMUL_DONE;
}

enum mmio_emul_status mmio_emulate(struct testdev *dev, struct x86_gprs *g,
				   const u8 *bytes, size_t n,
				   enum x86_cpu_mode mode, u64 rflags,
				   gpa_t gpa, struct mmio_emul *out)
{
	out->err = x86_decode_insn(bytes, n, mode, &out->insn);
	if (out->err)
		return out->status = MMIO_EMUL_DECODE_ERROR;
	return mmio_perform(dev, g, &out->insn, rflags, gpa, out);
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
		if (n == c->insn.len && !memcmp(bytes, c->insn.bytes, n)) {
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

#define COM1_LSR (COM1_PORT + 5)
#define COM1_LAST (COM1_PORT + 7)

enum pio_action pio_access(u16 port, unsigned int size, bool in, u64 *val)
{
	u64 mask = size == 4 ? 0xffffffffULL : size == 2 ? 0xffff : 0xff;

	if (in) {
		if (port == COM1_LSR) {
			*val = 0x60; /* THR empty, transmitter empty */
			return PIO_NONE;
		}
		if (port >= COM1_PORT && port <= COM1_LAST) {
			*val = 0;
			return PIO_NONE;
		}
		*val = mask;
		return PIO_UNHANDLED;
	}
	*val &= mask;
	if (port == COM1_PORT)
		return PIO_CONSOLE_BYTE;
	if (port > COM1_PORT && port <= COM1_LAST)
		return PIO_NONE; /* line set-up: accepted and ignored */
	if (port == DEBUG_EXIT_PORT)
		return PIO_EXIT;
	return PIO_UNHANDLED;
}
