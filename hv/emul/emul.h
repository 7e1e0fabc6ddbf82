/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The instruction emulator (emul.c, gwalk.c): performing a decoded MMIO
 * access on a device, the effective address of its operand, the guest
 * page walk and instruction fetch.  Portable, so the same code the exit
 * handlers run is unit-tested and benchmarked on the host.  The VMX side
 * (hv/vmx/ept.c) reads the VMCS, calls these, and writes the results back.
 */
#ifndef TDP_HV_EMUL_H
#define TDP_HV_EMUL_H

#include "hv/dev/dev.h"
#include "hv/dev/testdev.h"
#include "hv/emul/x86_decode.h"

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
 * device @bus finds there, updating @g (RSP included).
 * Return: MMIO_EMUL_DONE (retire: RIP += insn->len), MMIO_EMUL_REPEAT,
 * MMIO_EMUL_NO_DEVICE or MMIO_EMUL_DEVICE_ERROR (@out->err set).
 */
enum mmio_emul_status mmio_perform(const struct mmio_bus *bus,
				   struct x86_gprs *g,
				   const struct x86_insn *insn, u64 rflags,
				   gpa_t gpa, struct mmio_emul *out);

/**
 * mmio_emulate() - decode the instruction at the faulting RIP and perform
 * its access to @gpa on the device @bus finds there, updating @g.
 * @g:      guest GPRs (RSP included), updated in place.
 * @bytes/@n: instruction bytes fetched at RIP.
 * @mode:   decoder mode.
 * @rflags: guest RFLAGS (DF for string forms).
 * Return: @out->status (also stored in @out).
 */
enum mmio_emul_status mmio_emulate(const struct mmio_bus *bus,
				   struct x86_gprs *g, const u8 *bytes,
				   size_t n, enum x86_cpu_mode mode, u64 rflags,
				   gpa_t gpa, struct mmio_emul *out);

/*
 * Guest page walk (gwalk.c), as the CPU walks for a linear address:
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

/*
 * Guest RAM as the walker sees it: a host pointer to @len bytes at @gpa,
 * or NULL if they are not all guest RAM.
 */
typedef void *(*gwalk_map_fn)(void *ctx, gpa_t gpa, u64 len);

/* gwalk_translate() with paging-structure entries read through @map. */
int __must_check gwalk_translate_mapped(const struct gwalk_regs *r, u64 la,
					gwalk_map_fn map, void *ctx, gpa_t *gpa,
					gpa_t *bad);

/**
 * gwalk_fetch() - read up to @max code bytes at linear address @la as the
 * CPU fetches them: translated through the guest's paging one page at a
 * time, so an instruction that crosses into a page mapped elsewhere is
 * read from both pages.
 * @map: guest RAM accessor, for the walk and the bytes.
 * Return: the number of bytes read: fewer than @max when the walk meets a
 * non-present entry or leaves guest RAM (the decoder then reports a short
 * instruction).
 */
size_t gwalk_fetch(const struct gwalk_regs *r, u64 la, gwalk_map_fn map,
		   void *ctx, u8 *buf, size_t max);

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
enum mmio_emul_status mmio_perform_spans(const struct mmio_bus *bus,
					 struct x86_gprs *g,
					 const struct x86_insn *insn,
					 u64 rflags, const struct mmio_span *sp,
					 unsigned int n, struct mmio_emul *out);

#endif /* TDP_HV_EMUL_H */
