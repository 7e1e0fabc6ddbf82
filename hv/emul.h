/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device emulation cores (hv/emul.c, hv/testdev.c): portable, so the same
 * code the exit handlers run is unit-tested and benchmarked on the host.
 * The VMX side (hv/mmio.c, hv/io.c) reads the VMCS, fetches the bytes,
 * calls these, and writes the results back.
 */
#ifndef TDP_HV_EMUL_H
#define TDP_HV_EMUL_H

#include "hv/x86_decode.h"

struct testdev {
	u64 regs[4];
	u64 doorbell;
};

bool testdev_contains(gpa_t gpa, u64 len);
int __must_check testdev_access(struct testdev *d, gpa_t gpa, u32 size,
				bool write, u64 *val);

enum mmio_emul_status {
	MMIO_EMUL_DONE, /* retire: RIP += @len */
	MMIO_EMUL_REPEAT, /* REP string, more to do: leave RIP */
	MMIO_EMUL_DECODE_ERROR, /* @err, @insn describe it */
	MMIO_EMUL_NO_DEVICE, /* the access hits no device */
	MMIO_EMUL_DEVICE_ERROR, /* the device refused the access */
};

struct mmio_emul {
	enum mmio_emul_status status;
	int err;
	struct x86_insn insn;
};

/*
 * Per-vCPU cache of the last MMIO instruction decoded.  A decode depends
 * only on the bytes and the CPU mode, so a hit needs the same mode and the
 * same bytes at RIP (re-fetched and compared every time: self-modifying or
 * remapped code cannot be served stale); the RIP match only saves the
 * compare when it cannot hit.
 */
struct mmio_insn_cache {
	bool valid;
	u8 mode;
	u64 rip;
	struct x86_insn insn;
	u64 hits, misses;
};

/**
 * mmio_decode_cached() - the decoded instruction at @rip.
 * @c:     the vCPU's cache.
 * @fetch: reads up to @max instruction bytes at RIP into @buf and returns
 *         how many it could read (through the guest's paging).
 * Return: 0 with *@out pointing at the decoded instruction (in the cache),
 * or the decoder's negative error with *@out describing it.
 */
int mmio_decode_cached(struct mmio_insn_cache *c, u64 rip,
		       enum x86_cpu_mode mode,
		       size_t (*fetch)(void *ctx, u8 *buf, size_t max),
		       void *ctx, const struct x86_insn **out);

/**
 * mmio_perform() - perform a decoded instruction's access to @gpa on the
 * test device, updating @g (RSP included).
 * Return: MMIO_EMUL_DONE (retire: RIP += insn->len), MMIO_EMUL_REPEAT,
 * MMIO_EMUL_NO_DEVICE or MMIO_EMUL_DEVICE_ERROR (@out->err set).
 */
enum mmio_emul_status mmio_perform(struct testdev *dev, struct x86_gprs *g,
				   const struct x86_insn *insn, u64 rflags,
				   gpa_t gpa, struct mmio_emul *out);

/**
 * mmio_emulate() - decode the instruction at the faulting RIP and perform
 * its access to @gpa on the test device, updating @g.
 * @g:      guest GPRs (RSP included), updated in place.
 * @bytes/@n: instruction bytes fetched at RIP.
 * @mode:   decoder mode.
 * @rflags: guest RFLAGS (DF for string forms).
 * Return: @out->status (also stored in @out).
 */
enum mmio_emul_status mmio_emulate(struct testdev *dev, struct x86_gprs *g,
				   const u8 *bytes, size_t n,
				   enum x86_cpu_mode mode, u64 rflags,
				   gpa_t gpa, struct mmio_emul *out);

/* Port I/O dispatch (hv/emul.c). */
enum pio_action {
	PIO_NONE,
	PIO_CONSOLE_BYTE, /* @val: a byte for the guest console */
	PIO_EXIT, /* @val: isa-debug-exit status */
	PIO_UNHANDLED, /* absent device: reads all-ones, writes dropped */
};

/**
 * pio_access() - one port access of @size bytes; for reads *val is set.
 * Return: what the caller must do besides completing the access.
 */
enum pio_action pio_access(u16 port, unsigned int size, bool in, u64 *val);

#endif /* TDP_HV_EMUL_H */
