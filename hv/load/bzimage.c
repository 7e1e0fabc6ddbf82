// SPDX-License-Identifier: GPL-2.0
/*
 * Linux x86 boot protocol (64-bit entry) for bzImage kernels: header
 * checks, placement of the kernel, the initrd, the command line and
 * boot_params, and the zero page.  The policy is in bzimage.h.
 *
 * The image is read only through rd8/rd16/rd32/rd64 at offsets checked
 * against its size first; RAM is written only in ranges checked against
 * the e820 map and ram_size.  Every decision is made before the first
 * write (decode, then perform).
 */
#include "hv/load/bzimage.h"
#include "errno_codes.h"
#include "fmt.h"
#include "string_util.h"

/* Setup header fields: file offset == boot_params offset. */
#define HDR_START 0x1f1
#define HDR_SETUP_SECTS 0x1f1 /* u8; 0 means 4 */
#define HDR_SYSSIZE 0x1f4 /* u32, 16-byte paragraphs */
#define HDR_BOOT_FLAG 0x1fe /* u16 0xaa55 */
#define HDR_JUMP 0x200 /* u8 0xeb, u8 displacement to the header end */
#define HDR_MAGIC 0x202 /* u32 "HdrS" */
#define HDR_VERSION 0x206 /* u16 */
#define HDR_TYPE_OF_LOADER 0x210 /* u8 */
#define HDR_LOADFLAGS 0x211 /* u8 */
#define HDR_CODE32_START 0x214 /* u32 */
#define HDR_RAMDISK_IMAGE 0x218 /* u32 */
#define HDR_RAMDISK_SIZE 0x21c /* u32 */
#define HDR_HEAP_END_PTR 0x224 /* u16 */
#define HDR_CMD_LINE_PTR 0x228 /* u32 */
#define HDR_INITRD_ADDR_MAX 0x22c /* u32, highest byte the initrd may use */
#define HDR_KERNEL_ALIGNMENT 0x230 /* u32 */
#define HDR_RELOCATABLE 0x234 /* u8 */
#define HDR_XLOADFLAGS 0x236 /* u16 */
#define HDR_CMDLINE_SIZE 0x238 /* u32, without the NUL */
#define HDR_SETUP_DATA 0x250 /* u64 */
#define HDR_PREF_ADDRESS 0x258 /* u64 */
#define HDR_INIT_SIZE 0x260 /* u32 */
#define HDR_END_MIN 0x268 /* 2.12 header end: after handover_offset */
#define HDR_END_MAX 0x290 /* edd_mbr_sig_buffer follows in boot_params */

#define HDR_MAGIC_VALUE 0x53726448 /* "HdrS" little-endian */
#define BOOT_FLAG_VALUE 0xaa55
#define JUMP_SHORT 0xeb
#define PROTOCOL_MIN 0x020c /* 2.12: xloadflags */
#define SETUP_SECTS_MAX 63 /* 32 KiB of setup with the boot sector */
#define LOADER_UNDEFINED 0xff

#define LOADFLAGS_LOADED_HIGH BIT(0)
#define LOADFLAGS_CAN_USE_HEAP BIT(7)
#define XLF_KERNEL_64 BIT(0)
#define XLF_CAN_BE_LOADED_ABOVE_4G BIT(1)

/* boot_params fields outside the setup header. */
#define BP_ACPI_RSDP_ADDR 0x070 /* u64 */
#define BP_EXT_RAMDISK_IMAGE 0x0c0 /* u32 */
#define BP_EXT_RAMDISK_SIZE 0x0c4 /* u32 */
#define BP_EXT_CMD_LINE_PTR 0x0c8 /* u32 */
#define BP_E820_ENTRIES 0x1e8 /* u8 */
#define BP_E820_TABLE 0x2d0 /* 128 x { u64 addr, u64 size, u32 type } */
#define BP_E820_ENTRY_SIZE 20
#define BP_EDDBUF 0xd00

static_assert(HDR_END_MAX <= BP_E820_TABLE, "header before e820 table");
static_assert(BP_E820_TABLE + BZIMAGE_E820_MAX * BP_E820_ENTRY_SIZE <=
		      BP_EDDBUF,
	      "e820 table fits before eddbuf");
static_assert(BZIMAGE_BOOT_PARAMS_GPA + BZIMAGE_BOOT_PARAMS_SIZE <=
		      BZIMAGE_CMDLINE_GPA,
	      "zero page below the command line");
static_assert(BZIMAGE_CMDLINE_GPA + BZIMAGE_CMDLINE_AREA <= 0x9fc00,
	      "command line area in conventional memory");

#define MIB (1ULL << 20)
#define GIB4 (1ULL << 32)
#define PAGE 4096ULL
#define NO_ADDR (~0ULL)

/* What the header checks found, for the placement and the zero page. */
struct bz_hdr {
	u16 version;
	u8 xloadflags, relocatable;
	u32 setup_len, hdr_end, cmdline_size, kernel_alignment, init_size;
	u32 initrd_addr_max;
	u64 pref_address, kernel_bytes, cmdline_len;
};

static int __printf(3, 4)
	bad(struct bzimage_result *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return err;
}

static u8 rd8(const u8 *b, u32 off)
{
	return b[off];
}

static u16 rd16(const u8 *b, u32 off)
{
	return (u16)(b[off] | b[off + 1] << 8);
}

static u32 rd32(const u8 *b, u32 off)
{
	return (u32)rd16(b, off) | (u32)rd16(b, off + 2) << 16;
}

static u64 rd64(const u8 *b, u32 off)
{
	return (u64)rd32(b, off) | (u64)rd32(b, off + 4) << 32;
}

static void wr8(u8 *b, u32 off, u8 v)
{
	b[off] = v;
}

static void wr16(u8 *b, u32 off, u16 v)
{
	b[off] = (u8)v;
	b[off + 1] = (u8)(v >> 8);
}

static void wr32(u8 *b, u32 off, u32 v)
{
	wr16(b, off, (u16)v);
	wr16(b, off + 2, (u16)(v >> 16));
}

static void wr64(u8 *b, u32 off, u64 v)
{
	wr32(b, off, (u32)v);
	wr32(b, off + 4, (u32)(v >> 32));
}

static bool is_pow2(u64 x)
{
	return x && !(x & (x - 1));
}

/* The identity fields: is this a 2.12+ bzImage with a 64-bit entry? */
static int check_identity(const struct bzimage_params *p, struct bz_hdr *h,
			  struct bzimage_result *r)
{
	const u8 *b = p->image;
	u8 lf;

	if (p->image_size < HDR_END_MIN)
		return bad(
			r, -ENOEXEC,
			"bzImage: image truncated: %llu bytes, a 2.12 setup header ends at 0x%x",
			p->image_size, HDR_END_MIN);
	if (rd32(b, HDR_MAGIC) != HDR_MAGIC_VALUE)
		return bad(
			r, -ENOEXEC,
			"bzImage: setup header magic 'HdrS' missing at 0x202 (found 0x%08x)",
			rd32(b, HDR_MAGIC));
	h->version = rd16(b, HDR_VERSION);
	if (h->version < PROTOCOL_MIN)
		return bad(r, -ENOEXEC,
			   "bzImage: boot protocol %u.%02u is older than 2.12",
			   h->version >> 8, h->version & 0xff);
	if (rd16(b, HDR_BOOT_FLAG) != BOOT_FLAG_VALUE)
		return bad(r, -ENOEXEC,
			   "bzImage: boot_flag at 0x1fe is 0x%04x, not 0xaa55",
			   rd16(b, HDR_BOOT_FLAG));
	if (rd8(b, HDR_JUMP) != JUMP_SHORT)
		return bad(
			r, -ENOEXEC,
			"bzImage: byte 0x%02x at 0x200 is not a short jump (0xeb): no setup header end",
			rd8(b, HDR_JUMP));
	h->hdr_end = 0x202 + rd8(b, HDR_JUMP + 1);
	if (h->hdr_end < HDR_END_MIN || h->hdr_end > HDR_END_MAX)
		return bad(
			r, -ENOEXEC,
			"bzImage: setup header end 0x%x (jump at 0x200) outside [0x%x, 0x%x]",
			h->hdr_end, HDR_END_MIN, HDR_END_MAX);
	lf = rd8(b, HDR_LOADFLAGS);
	if (!(lf & LOADFLAGS_LOADED_HIGH))
		return bad(
			r, -ENOEXEC,
			"bzImage: loadflags 0x%02x: LOADED_HIGH clear (a zImage, not a bzImage)",
			lf);
	h->xloadflags = (u8)rd16(b, HDR_XLOADFLAGS);
	if (!(h->xloadflags & XLF_KERNEL_64))
		return bad(
			r, -ENOEXEC,
			"bzImage: kernel is not 64-bit capable (XLF_KERNEL_64 clear in xloadflags 0x%04x)",
			rd16(b, HDR_XLOADFLAGS));
	return 0;
}

/* Sizes and layout fields, each against the file. */
static int check_layout(const struct bzimage_params *p, struct bz_hdr *h,
			struct bzimage_result *r)
{
	const u8 *b = p->image;
	u32 sects = rd8(b, HDR_SETUP_SECTS), syssize;

	if (sects > SETUP_SECTS_MAX)
		return bad(
			r, -ENOEXEC,
			"bzImage: setup_sects %u is more than %u (32 KiB of setup code)",
			sects, SETUP_SECTS_MAX);
	if (!sects)
		sects = 4;
	h->setup_len = (sects + 1) * 512;
	/* setup_len >= 0xa00 > HDR_END_MAX: the whole header is in the file. */
	if (p->image_size < h->setup_len)
		return bad(
			r, -ENOEXEC,
			"bzImage: image truncated: setup_sects %u needs %u bytes, file has %llu",
			sects, h->setup_len, p->image_size);
	h->kernel_bytes = p->image_size - h->setup_len;
	syssize = rd32(b, HDR_SYSSIZE);
	if ((u64)syssize * 16 > h->kernel_bytes)
		return bad(
			r, -ENOEXEC,
			"bzImage: image truncated: syssize 0x%x is %llu bytes of kernel, file has %llu after the setup",
			syssize, (u64)syssize * 16, h->kernel_bytes);
	if (h->kernel_bytes <= BZIMAGE_ENTRY64_OFFSET)
		return bad(
			r, -ENOEXEC,
			"bzImage: protected-mode kernel is %llu bytes, too short for the 64-bit entry at 0x200",
			h->kernel_bytes);
	h->kernel_alignment = rd32(b, HDR_KERNEL_ALIGNMENT);
	if (!is_pow2(h->kernel_alignment))
		return bad(
			r, -ENOEXEC,
			"bzImage: kernel_alignment 0x%x is not a power of two",
			h->kernel_alignment);
	h->init_size = rd32(b, HDR_INIT_SIZE);
	if (!h->init_size)
		return bad(r, -ENOEXEC, "bzImage: init_size is 0");
	h->relocatable = rd8(b, HDR_RELOCATABLE);
	h->pref_address = rd64(b, HDR_PREF_ADDRESS);
	h->initrd_addr_max = rd32(b, HDR_INITRD_ADDR_MAX);
	h->cmdline_size = rd32(b, HDR_CMDLINE_SIZE);
	return 0;
}

/* The memory map: sane entries, RAM entries inside the host buffer. */
static int check_e820(const struct bzimage_params *p, struct bzimage_result *r)
{
	if (p->e820_count && !p->e820)
		return bad(r, -EINVAL, "bzImage: e820_count %u but no e820 map",
			   p->e820_count);
	if (p->e820_count > BZIMAGE_E820_MAX)
		return bad(r, -EINVAL,
			   "bzImage: %u e820 entries, the zero page holds %u",
			   p->e820_count, BZIMAGE_E820_MAX);
	for (u32 i = 0; i < p->e820_count; i++) {
		const struct bzimage_e820_entry *e = &p->e820[i];

		if (!e->size || e->addr + e->size < e->addr)
			return bad(
				r, -EINVAL,
				"bzImage: e820 entry %u [0x%llx, +0x%llx) is empty or wraps",
				i, e->addr, e->size);
		if (e->type == E820_TYPE_RAM &&
		    (e->addr >= p->ram_size || e->size > p->ram_size - e->addr))
			return bad(
				r, -EINVAL,
				"bzImage: e820 RAM entry %u [0x%llx, 0x%llx) lies outside guest RAM (0x%llx bytes)",
				i, e->addr, e->addr + e->size, p->ram_size);
		for (u32 j = 0; j < i; j++) {
			const struct bzimage_e820_entry *f = &p->e820[j];

			if (e->addr < f->addr + f->size &&
			    f->addr < e->addr + e->size)
				return bad(
					r, -EINVAL,
					"bzImage: e820 entries %u and %u overlap at 0x%llx",
					j, i, MAX(e->addr, f->addr));
		}
	}
	return 0;
}

/* Is [start, start + len) inside one RAM entry? */
static bool is_ram(const struct bzimage_params *p, gpa_t start, u64 len)
{
	for (u32 i = 0; i < p->e820_count; i++) {
		const struct bzimage_e820_entry *e = &p->e820[i];

		if (e->type == E820_TYPE_RAM && start >= e->addr &&
		    start - e->addr <= e->size &&
		    len <= e->size - (start - e->addr))
			return true;
	}
	return false;
}

/* Length of the command line, or NO_ADDR if it exceeds @max bytes. */
static u64 cmdline_len(const char *s, u64 max)
{
	u64 n = 0;

	if (!s)
		return 0;
	while (s[n]) {
		if (n == max)
			return NO_ADDR;
		n++;
	}
	return n;
}

static int place_low(const struct bzimage_params *p, struct bz_hdr *h,
		     struct bzimage_result *r)
{
	u64 max = MIN((u64)h->cmdline_size, BZIMAGE_CMDLINE_AREA - 1);

	h->cmdline_len = cmdline_len(p->cmdline, max);
	if (h->cmdline_len == NO_ADDR)
		return bad(
			r, -EINVAL,
			"bzImage: command line longer than cmdline_size %u (or the %llu-byte area)",
			h->cmdline_size, BZIMAGE_CMDLINE_AREA - 1);
	r->zero_page =
		(struct bzimage_range){ BZIMAGE_BOOT_PARAMS_GPA,
					BZIMAGE_BOOT_PARAMS_GPA +
						BZIMAGE_BOOT_PARAMS_SIZE };
	r->cmdline = (struct bzimage_range){
		BZIMAGE_CMDLINE_GPA, BZIMAGE_CMDLINE_GPA + h->cmdline_len + 1
	};
	if (!is_ram(p, r->zero_page.start, BZIMAGE_BOOT_PARAMS_SIZE))
		return bad(
			r, -EINVAL,
			"bzImage: boot_params page [0x%llx, 0x%llx) is not in an e820 RAM entry",
			r->zero_page.start, r->zero_page.end);
	if (!is_ram(p, r->cmdline.start, h->cmdline_len + 1))
		return bad(
			r, -EINVAL,
			"bzImage: command line [0x%llx, 0x%llx) is not in an e820 RAM entry",
			r->cmdline.start, r->cmdline.end);
	return 0;
}

/*
 * Lowest @align-aligned start >= @base, with [start, start + @len) inside
 * one RAM entry and ending at or below @limit; NO_ADDR if none.
 */
static gpa_t lowest_fit(const struct bzimage_params *p, gpa_t base, u64 len,
			u64 align, u64 limit)
{
	gpa_t best = NO_ADDR;

	for (u32 i = 0; i < p->e820_count; i++) {
		const struct bzimage_e820_entry *e = &p->e820[i];
		u64 end = MIN(e->addr + e->size, limit), s = MAX(e->addr, base);

		if (e->type != E820_TYPE_RAM || s > NO_ADDR - align)
			continue;
		s = ALIGN_UP(s, align);
		if (s < end && len <= end - s && s < best)
			best = s;
	}
	return best;
}

static int place_kernel(const struct bzimage_params *p, const struct bz_hdr *h,
			struct bzimage_result *r)
{
	u64 need = MAX((u64)h->init_size, h->kernel_bytes);
	u64 limit = (h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ? NO_ADDR
								 : GIB4;
	gpa_t at = NO_ADDR;

	if (h->pref_address >= MIB && h->pref_address < limit &&
	    need <= limit - h->pref_address &&
	    is_ram(p, h->pref_address, need) &&
	    (!h->relocatable ||
	     IS_ALIGNED(h->pref_address, (u64)h->kernel_alignment)))
		at = h->pref_address;
	else if (!h->relocatable)
		return bad(
			r, -E2BIG,
			"bzImage: kernel is not relocatable and [pref_address 0x%llx, +init_size 0x%llx) is not usable RAM at or above 1 MiB",
			h->pref_address, need);
	else
		at = lowest_fit(p, MAX(h->pref_address, MIB), need,
				h->kernel_alignment, limit);
	if (at == NO_ADDR)
		return bad(
			r, -E2BIG,
			"bzImage: init_size 0x%x (0x%llx bytes with the kernel) does not fit in guest RAM at or above 0x%llx aligned to 0x%x",
			h->init_size, need, MAX(h->pref_address, MIB),
			h->kernel_alignment);
	r->kernel = (struct bzimage_range){ at, at + need };
	r->kernel_bytes = h->kernel_bytes;
	r->entry64 = at + BZIMAGE_ENTRY64_OFFSET;
	return 0;
}

static bool overlaps(struct bzimage_range a, gpa_t s, u64 len)
{
	return a.start < a.end && s < a.end &&
	       (a.start <= s || a.start - s < len);
}

/*
 * Highest page-aligned start >= 1 MiB with [start, start + @len) in one RAM
 * entry, ending at or below @limit, clear of the kernel, the zero page and the
 * command line; NO_ADDR if none.
 */
static gpa_t highest_fit(const struct bzimage_params *p,
			 const struct bzimage_result *r, u64 len, u64 limit)
{
	const struct bzimage_range *busy[] = { &r->kernel, &r->zero_page,
					       &r->cmdline };
	gpa_t best = NO_ADDR;

	for (u32 i = 0; i < p->e820_count; i++) {
		const struct bzimage_e820_entry *e = &p->e820[i];
		u64 top = MIN(e->addr + e->size, limit);
		u64 lo = MAX(e->addr, MIB);
		bool moved = true;
		gpa_t s = 0;

		if (e->type != E820_TYPE_RAM)
			continue;
		while (moved) {
			if (top < lo || top - lo < len)
				break;
			s = ALIGN_DOWN(top - len, PAGE);
			if (s < lo)
				break;
			moved = false;
			for (u32 k = 0; k < ARRAY_SIZE(busy); k++) {
				if (overlaps(*busy[k], s, len)) {
					top = busy[k]->start;
					moved = true;
				}
			}
			if (!moved && (best == NO_ADDR || s > best))
				best = s;
		}
	}
	return best;
}

static int place_initrd(const struct bzimage_params *p, const struct bz_hdr *h,
			struct bzimage_result *r)
{
	u64 limit = (u64)h->initrd_addr_max + 1; /* u32: never above 4 GiB */
	gpa_t at;

	r->initrd = (struct bzimage_range){ 0, 0 };
	if (!p->initrd || !p->initrd_size)
		return 0;
	at = highest_fit(p, r, p->initrd_size, limit);
	if (at == NO_ADDR)
		return bad(
			r, -E2BIG,
			"bzImage: initrd of 0x%llx bytes does not fit in guest RAM below 0x%llx (initrd_addr_max 0x%x) beside the kernel [0x%llx, 0x%llx)",
			p->initrd_size, limit, h->initrd_addr_max,
			r->kernel.start, r->kernel.end);
	r->initrd = (struct bzimage_range){ at, at + p->initrd_size };
	return 0;
}

static void fill_e820(const struct bzimage_params *p, u8 *bp)
{
	wr8(bp, BP_E820_ENTRIES, (u8)p->e820_count);
	for (u32 i = 0; i < p->e820_count; i++) {
		u32 off = BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;

		wr64(bp, off, p->e820[i].addr);
		wr64(bp, off + 8, p->e820[i].size);
		wr32(bp, off + 16, p->e820[i].type);
	}
}

static void fill_zero_page(const struct bzimage_params *p,
			   const struct bz_hdr *h,
			   const struct bzimage_result *r)
{
	u8 *bp = p->ram + r->zero_page.start;

	memset(bp, 0, BZIMAGE_BOOT_PARAMS_SIZE);
	memcpy(bp + HDR_START, p->image + HDR_START, h->hdr_end - HDR_START);
	wr8(bp, HDR_TYPE_OF_LOADER, LOADER_UNDEFINED);
	wr8(bp, HDR_LOADFLAGS,
	    rd8(bp, HDR_LOADFLAGS) & (u8)~LOADFLAGS_CAN_USE_HEAP);
	wr16(bp, HDR_HEAP_END_PTR, 0);
	wr32(bp, HDR_CODE32_START, (u32)r->kernel.start);
	wr64(bp, HDR_SETUP_DATA, 0);
	wr32(bp, HDR_CMD_LINE_PTR, (u32)r->cmdline.start);
	wr32(bp, BP_EXT_CMD_LINE_PTR, (u32)(r->cmdline.start >> 32));
	wr32(bp, HDR_RAMDISK_IMAGE, (u32)r->initrd.start);
	wr32(bp, BP_EXT_RAMDISK_IMAGE, (u32)(r->initrd.start >> 32));
	wr32(bp, HDR_RAMDISK_SIZE, (u32)(r->initrd.end - r->initrd.start));
	wr32(bp, BP_EXT_RAMDISK_SIZE,
	     (u32)((r->initrd.end - r->initrd.start) >> 32));
	wr64(bp, BP_ACPI_RSDP_ADDR, p->rsdp_gpa);
	fill_e820(p, bp);
}

int bzimage_load(const struct bzimage_params *p, struct bzimage_result *res)
{
	struct bz_hdr h = { 0 };
	int err;

	memset(res, 0, sizeof(*res));
	if (!p->ram || !p->ram_size || !p->image)
		return bad(res, -EINVAL, "bzImage: no guest RAM or no image");
	err = check_identity(p, &h, res);
	if (!err)
		err = check_layout(p, &h, res);
	if (!err)
		err = check_e820(p, res);
	if (!err)
		err = place_low(p, &h, res);
	if (!err)
		err = place_kernel(p, &h, res);
	if (!err)
		err = place_initrd(p, &h, res);
	res->version = h.version;
	if (err)
		return err;

	memcpy(p->ram + res->kernel.start, p->image + h.setup_len,
	       h.kernel_bytes);
	if (res->initrd.end > res->initrd.start)
		memcpy(p->ram + res->initrd.start, p->initrd, p->initrd_size);
	if (h.cmdline_len)
		memcpy(p->ram + res->cmdline.start, p->cmdline, h.cmdline_len);
	p->ram[res->cmdline.start + h.cmdline_len] = 0;
	fill_zero_page(p, &h, res);
	res->boot_params = res->zero_page.start;
	return 0;
}
