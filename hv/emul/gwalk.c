// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's own page walk and instruction fetch, as the CPU does them
 * (SDM Vol. 3A "Paging"): linear to guest-physical through 32-bit, PAE or
 * 4-level paging, and code bytes read page by page.  Guest memory is
 * reached only through the caller's accessor, so the walk runs the same on
 * the host under the unit tests as in the image.
 */
#include "hv/emul/emul.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86_defs.h"

#define GW_PFN GENMASK_ULL(51, 12)

static int gw_read(gwalk_read_fn read, void *ctx, gpa_t gpa, u32 size, u64 *e,
		   gpa_t *bad)
{
	int r = read(ctx, gpa, size, e);

	if (r) {
		*bad = gpa;
		return -EIO;
	}
	return (*e & X86_PTE_P) ? 0 : -EFAULT;
}

int gwalk_translate(const struct gwalk_regs *r, u64 la, gwalk_read_fn read,
		    void *ctx, gpa_t *gpa, gpa_t *bad)
{
	u64 e = 0, table;
	int levels, err;

	if (!(r->cr0 & X86_CR0_PG)) {
		*gpa = r->lma ? la : (u32)la;
		return 0;
	}
	if (!(r->cr4 & X86_CR4_PAE)) {
		la = (u32)la;
		err = gw_read(read, ctx,
			      (r->cr3 & 0xfffff000) + ((la >> 22) & 0x3ff) * 4,
			      4, &e, bad);
		if (err)
			return err;
		if ((e & X86_PTE_PS) && (r->cr4 & X86_CR4_PSE)) {
			*gpa = (e & 0xffc00000) | (la & 0x3fffff);
			return 0;
		}
		err = gw_read(read, ctx,
			      (e & 0xfffff000) + ((la >> 12) & 0x3ff) * 4, 4,
			      &e, bad);
		if (err)
			return err;
		*gpa = (e & 0xfffff000) | (la & 0xfff);
		return 0;
	}
	levels = r->lma ? 4 : 3;
	table = r->lma ? r->cr3 & GW_PFN : r->cr3 & 0xffffffe0;
	if (!r->lma)
		la = (u32)la;
	for (int l = levels; l >= 1; l--) {
		unsigned int shift = 12 + 9 * (l - 1);
		u64 idx = (l == 3 && !r->lma) ? (la >> 30) & 3
					      : (la >> shift) & 511;

		err = gw_read(read, ctx, table + idx * 8, 8, &e, bad);
		if (err)
			return err;
		if (l <= 3 && l >= 2 && (e & X86_PTE_PS) &&
		    !(l == 3 && !r->lma)) {
			u64 mask = (1ULL << shift) - 1;

			*gpa = ((e & GW_PFN) & ~mask) | (la & mask);
			return 0;
		}
		table = e & GW_PFN;
	}
	*gpa = (e & GW_PFN) | (la & 0xfff);
	return 0;
}

struct map_read {
	gwalk_map_fn map;
	void *ctx;
};

static int read_mapped(void *ctx, gpa_t gpa, u32 size, u64 *val)
{
	const struct map_read *m = ctx;
	const void *p = m->map(m->ctx, gpa, size);

	if (!p)
		return -EIO;
	*val = 0;
	memcpy(val, p, size);
	return 0;
}

int gwalk_translate_mapped(const struct gwalk_regs *r, u64 la, gwalk_map_fn map,
			   void *ctx, gpa_t *gpa, gpa_t *bad)
{
	struct map_read m = { map, ctx };

	return gwalk_translate(r, la, read_mapped, &m, gpa, bad);
}

size_t gwalk_fetch(const struct gwalk_regs *r, u64 la, gwalk_map_fn map,
		   void *ctx, u8 *buf, size_t max)
{
	size_t n = 0;

	while (n < max) {
		u64 chunk = MIN((u64)(max - n),
				PAGE_SIZE - ((la + n) & ~PAGE_MASK));
		gpa_t gpa, bad;
		const u8 *p;

		if (gwalk_translate_mapped(r, la + n, map, ctx, &gpa, &bad))
			break;
		p = map(ctx, gpa, chunk);
		if (!p)
			break;
		memcpy(buf + n, p, chunk);
		n += chunk;
	}
	return n;
}
