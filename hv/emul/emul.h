/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device emulation cores (hv/emul.c, hv/testdev.c): portable, so the same
 * code the exit handlers run is unit-tested and benchmarked on the host.
 * The VMX side (hv/mmio.c, hv/io.c) reads the VMCS, fetches the bytes,
 * calls these, and writes the results back.
 */
#ifndef TDP_HV_EMUL_H
#define TDP_HV_EMUL_H

#include "hv/emul/x86_decode.h"

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

/*
 * Guest page walk (hv/emul.c), as the CPU walks for a linear address:
 * paging off, 32-bit paging (4 MiB pages with CR4.PSE), PAE paging and
 * 4-level paging (2 MiB / 1 GiB pages).  Paging-structure entries are
 * read through @read, which fails for a GPA that is not guest RAM.
 *
 *   4-level: 47:39 PML4 | 38:30 PDPT | 29:21 PD | 20:12 PT | 11:0 offset
 *   PAE:     31:30 PDPT | 29:21 PD | 20:12 PT | 11:0 offset
 *   32-bit:  31:22 PD | 21:12 PT | 11:0 offset
 */
struct gwalk_regs {
	u64 cr0, cr3, cr4;
	bool lma; /* EFER.LMA */
};

typedef int (*gwalk_read_fn)(void *ctx, gpa_t gpa, u32 size, u64 *val);

/**
 * gwalk_translate() - guest linear to guest physical.
 * @r:    the guest's paging registers.
 * @la:   linear address.
 * @read: reads a paging-structure entry (4 or 8 bytes): 0, or -EIO if
 *        the GPA is not guest RAM (MMIO or nothing).
 * @ctx:  for @read.
 * @gpa:  result.
 * @bad:  on -EIO, the GPA of the entry that could not be read.
 * Return: 0; -EFAULT if an entry is not present (the guest would take
 * #PF); -EIO if a paging structure lies outside guest RAM: the walk
 * would read MMIO, which tdpvisor does not emulate.
 */
int __must_check gwalk_translate(const struct gwalk_regs *r, u64 la,
				 gwalk_read_fn read, void *ctx, gpa_t *gpa,
				 gpa_t *bad);

/**
 * mmio_insn_ea() - the effective address (segment offset) of a decoded
 * instruction's memory operand.
 * @insn:     a decoded instruction.
 * @g:        guest GPRs.
 * @rip_next: RIP of the next instruction (for RIP-relative operands).
 * Return: the offset, truncated to the address size.
 */
u64 mmio_insn_ea(const struct x86_insn *insn, const struct x86_gprs *g,
		 u64 rip_next);

/*
 * One page's part of an emulated access: an access that crosses a page
 * boundary is split there, as the CPU splits it, and each part goes to
 * RAM (@ram set) or to the device at @gpa.
 */
struct mmio_span {
	gpa_t gpa;
	u32 len;
	u8 *ram; /* host pointer of the RAM part; NULL: the device */
};

/**
 * mmio_perform_spans() - mmio_perform() for an access split into
 * @n (1 or 2) parts, in address order, whose lengths add up to the
 * access size.  Device parts of a length other than 1, 2, 4 or 8 are
 * made byte by byte.
 * Return: as mmio_perform(); MMIO_EMUL_DEVICE_ERROR with -EINVAL for
 * spans that do not add up.
 */
enum mmio_emul_status mmio_perform_spans(struct testdev *dev,
					 struct x86_gprs *g,
					 const struct x86_insn *insn,
					 u64 rflags, const struct mmio_span *sp,
					 unsigned int n, struct mmio_emul *out);

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
