// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot v1 and flat-binary loader.  Multiboot Specification 0.6.96:
 * the header is a 32-bit aligned magic in the first 8192 bytes with flags
 * and a checksum making the three sum to 0.  Flag bit 16 says the header
 * carries the load addresses (the "a.out kludge"); otherwise the image
 * must be ELF and is loaded through its PT_LOAD program headers.
 *
 * The information block and what it points at are laid out the way QEMU's
 * -kernel loader does it (hw/i386/multiboot.c and its option ROM): after
 * the image, page-aligned, so an image may use any part of usable RAM —
 * kvm-unit-tests' realmode test, for one, links at 0x8000.
 */
#include "hv/load/guest_load.h"
#include "errno_codes.h"
#include "fmt.h"
#include "guest_abi.h"
#include "string_util.h"

#define MB_SEARCH_BYTES 8192
#define MB_FLAG_PAGE_ALIGN BIT(0)
#define MB_FLAG_MEMINFO BIT(1)
#define MB_FLAG_VIDEO BIT(2)
#define MB_FLAG_AOUT BIT(16)
#define MB_FLAGS_SUPPORTED \
	(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMINFO | MB_FLAG_VIDEO | MB_FLAG_AOUT)

#define MBI_MEM BIT(0)
#define MBI_CMDLINE BIT(2)
#define MBI_MODS BIT(3)
#define MBI_MMAP BIT(6)
#define MBI_LOADER_NAME BIT(9)

#define MMAP_RAM 1
#define MMAP_RESERVED 2

#define GIB4 0x100000000ULL
#define LOW_RESERVED_END 0xa0000ULL /* end of the EBDA entry */
#define BIOS_AREA_START 0xf0000ULL

struct mb_header {
	u32 magic, flags, checksum;
	u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* The whole 88-byte block of the specification, unused fields zero. */
struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
	u32 apm_table, vbe_control_info, vbe_mode_info;
	u16 vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
} __packed;
_Static_assert(sizeof(struct mb_info) == 88, "multiboot info is 88 bytes");

struct mb_mmap_entry {
	u32 size;
	u64 base, len;
	u32 type;
} __packed;

struct mb_module {
	u32 start, end, string, reserved;
};

/*
 * Offsets inside the info area (the page-aligned block after the image):
 * fixed-size parts first, then the two strings, whose lengths vary.
 */
#define INFO_MBI 0x00
#define INFO_MMAP 0x60
#define INFO_MMAP_ENTRIES 4
#define INFO_MODS 0xc0
#define INFO_LOADER_NAME 0xd0
#define INFO_STRINGS 0xe0
#define STRING_MAX 4095 /* longest name or module string kept */
_Static_assert(INFO_MBI + sizeof(struct mb_info) <= INFO_MMAP, "mbi");
_Static_assert(INFO_MMAP + INFO_MMAP_ENTRIES * sizeof(struct mb_mmap_entry) <=
		       INFO_MODS,
	       "mmap");
_Static_assert(INFO_MODS + sizeof(struct mb_module) <= INFO_LOADER_NAME,
	       "mods");
_Static_assert(INFO_LOADER_NAME + sizeof(GUEST_BOOTLOADER_NAME) <= INFO_STRINGS,
	       "name");

/* ELF, just the parts the loader reads (System V ABI). */
#define EI_CLASS 4
#define ELFCLASS32 1
#define ELFCLASS64 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1

struct elf32_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version, entry, phoff, shoff, flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

static int __printf(3, 4)
	bad(struct guest_load_result *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return err;
}

/*
 * Where multiboot can put anything: guest RAM below 4 GiB, because the
 * information block carries 32-bit addresses and the guest starts with
 * paging off.
 */
static u64 ram_limit(const struct guest_load_params *p)
{
	return MIN(p->ram_size, GIB4);
}

/* [gpa, gpa+len) below @limit, without computing gpa+len first. */
static bool fits_below(u64 limit, u64 gpa, u64 len)
{
	return len <= limit && gpa <= limit - len;
}

/* Does [gpa, gpa+len) touch what the memory map calls reserved below 1M? */
static bool hits_low_hole(u64 gpa, u64 len)
{
	return len && gpa < GUEST_HIGH_RAM_START &&
	       (gpa >= GUEST_LOW_RAM_END || len > GUEST_LOW_RAM_END - gpa);
}

/*
 * The first page boundary at or after @at where @len bytes stay clear of
 * the low hole: a block that would run into it moves up to 1 MiB (all of
 * the image then lies below the hole, so 1 MiB up is free).
 */
static u64 place_after(u64 at, u64 len)
{
	at = ALIGN_UP(at, (u64)PAGE_SIZE);
	if (at < GUEST_HIGH_RAM_START &&
	    (at >= GUEST_LOW_RAM_END || len > GUEST_LOW_RAM_END - at))
		at = GUEST_HIGH_RAM_START;
	return at;
}

static bool file_range_ok(const struct guest_load_params *p, u64 off, u64 len)
{
	return len <= p->image_size && off <= p->image_size - len;
}

/*
 * Copies one load range into guest RAM.  @what names it in errors: "program
 * header N" for ELF, the a.out-kludge range or the flat image otherwise
 * (those formats have no program headers).
 */
static int load_segment(const struct guest_load_params *p,
			struct guest_load_result *r, u64 off, u64 filesz,
			u64 paddr, u64 memsz, const char *what)
{
	if (filesz > memsz)
		return bad(r, -ENOEXEC,
			   "%s: file size 0x%llx exceeds memory size 0x%llx",
			   what, filesz, memsz);
	if (!file_range_ok(p, off, filesz))
		return bad(
			r, -ENOEXEC,
			"%s: file bytes 0x%llx+0x%llx lie outside the %llu-byte image",
			what, off, filesz, p->image_size);
	if (!fits_below(ram_limit(p), paddr, memsz))
		return bad(
			r, -E2BIG,
			"%s: load address 0x%llx+0x%llx is outside guest RAM [0, 0x%llx)%s",
			what, paddr, memsz, ram_limit(p),
			p->ram_size > GIB4 ? " (multiboot loads below 4 GiB)"
					   : "");
	if (hits_low_hole(paddr, memsz))
		return bad(
			r, -E2BIG,
			"%s: load range [0x%llx, 0x%llx) overlaps [0x%llx, 0x%llx), reserved in the memory map (EBDA, VGA, BIOS)",
			what, paddr, paddr + memsz, GUEST_LOW_RAM_END,
			GUEST_HIGH_RAM_START);
	memcpy(p->ram + paddr, p->image + off, filesz);
	memset(p->ram + paddr + filesz, 0, memsz - filesz);
	r->load_start = MIN(r->load_start, paddr);
	r->load_end = MAX(r->load_end, paddr + memsz);
	return 0;
}

/* One program header, whatever the ELF class. */
struct phdr {
	u32 type;
	u64 offset, paddr, filesz, memsz;
};

static void read_phdr(const struct guest_load_params *p, u64 at, bool is64,
		      struct phdr *out)
{
	if (is64) {
		struct elf64_phdr ph;

		memcpy(&ph, p->image + at, sizeof(ph));
		*out = (struct phdr){ ph.type, ph.offset, ph.paddr, ph.filesz,
				      ph.memsz };
	} else {
		struct elf32_phdr ph;

		memcpy(&ph, p->image + at, sizeof(ph));
		*out = (struct phdr){ ph.type, ph.offset, ph.paddr, ph.filesz,
				      ph.memsz };
	}
}

/* Loads every PT_LOAD segment (the table was range-checked). */
static int load_phdrs(const struct guest_load_params *p,
		      struct guest_load_result *r, u64 phoff, u32 phnum,
		      u32 phentsize, bool is64)
{
	unsigned int loaded = 0;
	struct phdr ph;
	int err;

	for (u32 i = 0; i < phnum; i++) {
		char what[24];

		read_phdr(p, phoff + (u64)i * phentsize, is64, &ph);
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		fmt_snprintf(what, sizeof(what), "program header %u", i);
		err = load_segment(p, r, ph.offset, ph.filesz, ph.paddr,
				   ph.memsz, what);
		if (err)
			return err;
		loaded++;
	}
	return loaded ? 0
		      : bad(r, -ENOEXEC, "ELF%d image has no PT_LOAD segment",
			    is64 ? 64 : 32);
}

static int load_elf32(const struct guest_load_params *p,
		      struct guest_load_result *r)
{
	struct elf32_ehdr eh;

	if (p->image_size < sizeof(eh))
		return bad(r, -ENOEXEC, "ELF32 header truncated");
	memcpy(&eh, p->image, sizeof(eh));
	if (eh.machine != EM_386 && eh.machine != EM_X86_64)
		return bad(r, -ENOEXEC, "ELF32 machine %u is not x86",
			   eh.machine);
	if (eh.phentsize < sizeof(struct elf32_phdr) ||
	    !file_range_ok(p, eh.phoff, (u64)eh.phnum * eh.phentsize))
		return bad(
			r, -ENOEXEC,
			"ELF32 program headers (offset 0x%x, %u x %u bytes) lie outside the image",
			eh.phoff, eh.phnum, eh.phentsize);
	r->entry = eh.entry;
	r->kind = GUEST_IMAGE_MULTIBOOT_ELF32;
	return load_phdrs(p, r, eh.phoff, eh.phnum, eh.phentsize, false);
}

static int load_elf64(const struct guest_load_params *p,
		      struct guest_load_result *r)
{
	struct elf64_ehdr eh;

	if (p->image_size < sizeof(eh))
		return bad(r, -ENOEXEC, "ELF64 header truncated");
	memcpy(&eh, p->image, sizeof(eh));
	if (eh.machine != EM_X86_64)
		return bad(r, -ENOEXEC, "ELF64 machine %u is not x86-64",
			   eh.machine);
	if (eh.phentsize < sizeof(struct elf64_phdr) ||
	    eh.phoff > p->image_size ||
	    !file_range_ok(p, eh.phoff, (u64)eh.phnum * eh.phentsize))
		return bad(r, -ENOEXEC,
			   "ELF64 program headers lie outside the image");
	if (eh.entry > 0xffffffffULL)
		return bad(
			r, -ENOEXEC,
			"ELF64 entry 0x%llx is above 4 GiB; multiboot enters in 32-bit mode",
			eh.entry);
	r->entry = (u32)eh.entry;
	r->kind = GUEST_IMAGE_MULTIBOOT_ELF64;
	return load_phdrs(p, r, eh.phoff, eh.phnum, eh.phentsize, true);
}

static int load_aout(const struct guest_load_params *p,
		     struct guest_load_result *r, const struct mb_header *h,
		     u64 hdr_off)
{
	u64 file_off, load_len, end;

	if (h->header_addr < h->load_addr ||
	    h->header_addr - h->load_addr > hdr_off)
		return bad(
			r, -ENOEXEC,
			"multiboot header_addr 0x%x / load_addr 0x%x do not match the header's file offset 0x%llx",
			h->header_addr, h->load_addr, hdr_off);
	file_off = hdr_off - (h->header_addr - h->load_addr);
	end = h->load_end_addr ? h->load_end_addr
			       : h->load_addr + (p->image_size - file_off);
	if (end < h->load_addr)
		return bad(
			r, -ENOEXEC,
			"multiboot load_end_addr 0x%x is below load_addr 0x%x",
			h->load_end_addr, h->load_addr);
	load_len = end - h->load_addr;
	if (h->bss_end_addr && h->bss_end_addr < end)
		return bad(
			r, -ENOEXEC,
			"multiboot bss_end_addr 0x%x is below the loaded end 0x%llx",
			h->bss_end_addr, end);
	if (!file_range_ok(p, file_off, load_len))
		return bad(
			r, -ENOEXEC,
			"multiboot a.out load range needs 0x%llx bytes from offset 0x%llx; the image has %llu",
			load_len, file_off, p->image_size);
	u64 memsz = (h->bss_end_addr ? h->bss_end_addr : end) - h->load_addr;
	int err = load_segment(p, r, file_off, load_len, h->load_addr, memsz,
			       "multiboot a.out-kludge load range");

	if (err)
		return err;
	if (h->entry_addr < h->load_addr ||
	    h->entry_addr >= h->load_addr + memsz)
		return bad(
			r, -ENOEXEC,
			"multiboot entry_addr 0x%x is outside the loaded image [0x%x, 0x%llx)",
			h->entry_addr, h->load_addr, (h->load_addr + memsz));
	r->entry = h->entry_addr;
	r->kind = GUEST_IMAGE_MULTIBOOT_AOUT;
	return 0;
}

/* Finds the multiboot header; returns its offset or -1. */
static s64 find_mb_header(const struct guest_load_params *p,
			  struct mb_header *h)
{
	u64 limit = MIN(p->image_size, (u64)MB_SEARCH_BYTES);

	for (u64 off = 0; off + 12 <= limit; off += 4) {
		u32 magic;

		memcpy(&magic, p->image + off, 4);
		if (magic != MULTIBOOT_HEADER_MAGIC)
			continue;
		memset(h, 0, sizeof(*h));
		memcpy(h, p->image + off, MIN(sizeof(*h), p->image_size - off));
		return (s64)off;
	}
	return -1;
}

/*
 * The memory map, as the e820 table SeaBIOS gives a QEMU guest: low RAM up
 * to the EBDA, the EBDA and the BIOS area reserved, RAM from 1 MiB on.
 * The entries SeaBIOS adds for its own high tables and the flash ROM below
 * 4 GiB are left out: neither exists in this VM.  Guest RAM has no PCI
 * hole, so the last entry runs to the end of RAM, above 4 GiB included.
 */
static void write_mmap(const struct guest_load_params *p, u64 at)
{
	const struct mb_mmap_entry mm[INFO_MMAP_ENTRIES] = {
		{ 20, 0, GUEST_LOW_RAM_END, MMAP_RAM },
		{ 20, GUEST_LOW_RAM_END, LOW_RESERVED_END - GUEST_LOW_RAM_END,
		  MMAP_RESERVED },
		{ 20, BIOS_AREA_START, GUEST_HIGH_RAM_START - BIOS_AREA_START,
		  MMAP_RESERVED },
		{ 20, GUEST_HIGH_RAM_START, p->ram_size - GUEST_HIGH_RAM_START,
		  MMAP_RAM },
	};

	memcpy(p->ram + at, mm, sizeof(mm));
}

/* Copies @len bytes of @s and a NUL to @at; returns the GPA. */
static u32 put_string(const struct guest_load_params *p, u64 at, const char *s,
		      size_t len)
{
	if (len) /* @s may be NULL when @len is 0: no memcpy from NULL */
		memcpy(p->ram + at, s, len);
	p->ram[at + len] = '\0';
	return (u32)at;
}

static size_t cut_strlen(const char *s)
{
	size_t n = 0;

	while (s && n < STRING_MAX && s[n])
		n++;
	return n;
}

/*
 * Builds the information block after the image and places the module
 * after that.  Everything is checked before the first byte is written, so
 * a refusal leaves guest RAM past the image untouched.
 */
static int write_mbi(const struct guest_load_params *p,
		     struct guest_load_result *r)
{
	struct mb_info mbi = { 0 };
	struct mb_module mod = { 0 };
	u64 limit = ram_limit(p), info, info_len, mod_at = 0, cmd_at;
	size_t clen = p->cmdline ? strlen(p->cmdline) : 0;
	size_t nlen = cut_strlen(p->image_name);
	size_t mlen = p->module ? cut_strlen(p->module_name) : 0;

	if (clen >= GUEST_CMDLINE_MAX)
		return bad(
			r, -EINVAL,
			"command line of %zu characters is longer than the %d the loader takes",
			clen, GUEST_CMDLINE_MAX - 1);
	/* module string + NUL, then "NAME " + command line + NUL */
	info_len = INFO_STRINGS + mlen + 1 + nlen + (nlen ? 1 : 0) + clen + 1;
	info = place_after(r->load_end, info_len);
	if (!fits_below(limit, info, info_len))
		return bad(
			r, -E2BIG,
			"multiboot info [0x%llx, 0x%llx) after the image [0x%llx, 0x%llx) does not fit in guest RAM [0, 0x%llx)",
			info, info + info_len, r->load_start, r->load_end,
			limit);
	if (p->module) {
		mod_at = place_after(info + info_len, p->module_size);
		if (!fits_below(limit, mod_at, p->module_size))
			return bad(
				r, -E2BIG,
				"module '%.32s' (0x%llx bytes at 0x%llx, after the image [0x%llx, 0x%llx) and the multiboot info [0x%llx, 0x%llx)) does not fit in guest RAM [0, 0x%llx)",
				p->module_name ? p->module_name : "",
				p->module_size, mod_at, r->load_start,
				r->load_end, info, info + info_len, limit);
	}

	/*
	 * QEMU also sets flag 1 with boot_device 0x8000ffff (first BIOS disk);
	 * no BIOS disk exists here, so the flag stays clear rather than
	 * name one.  mem_lower is 639 KiB, what QEMU's option ROM stores from
	 * INT 12h under SeaBIOS, and the end of the first usable map entry;
	 * mem_upper is the RAM from 1 MiB up, below 4 GiB (kvm-unit-tests
	 * sizes its memory from it).
	 */
	mbi.flags = MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP |
		    MBI_LOADER_NAME;
	mbi.mem_lower = (u32)(GUEST_LOW_RAM_END >> 10);
	mbi.mem_upper = (u32)((limit - GUEST_HIGH_RAM_START) >> 10);
	mbi.mmap_addr = (u32)(info + INFO_MMAP);
	mbi.mmap_length = INFO_MMAP_ENTRIES * sizeof(struct mb_mmap_entry);
	write_mmap(p, info + INFO_MMAP);
	mbi.boot_loader_name = put_string(p, info + INFO_LOADER_NAME,
					  GUEST_BOOTLOADER_NAME,
					  sizeof(GUEST_BOOTLOADER_NAME) - 1);
	/* The list is there even when empty: flag 3 with a count of 0. */
	mbi.mods_addr = (u32)(info + INFO_MODS);
	if (p->module) {
		memcpy(p->ram + mod_at, p->module, p->module_size);
		mod.start = (u32)mod_at;
		mod.end = (u32)(mod_at + p->module_size);
		mod.string = put_string(p, info + INFO_STRINGS, p->module_name,
					mlen);
		mbi.mods_count = 1;
		r->module_gpa = mod_at;
	} else {
		put_string(p, info + INFO_STRINGS, NULL, 0);
	}
	memcpy(p->ram + info + INFO_MODS, &mod, sizeof(mod));
	cmd_at = info + INFO_STRINGS + mlen + 1;
	mbi.cmdline = (u32)cmd_at;
	if (nlen) {
		put_string(p, cmd_at, p->image_name, nlen);
		p->ram[cmd_at + nlen] = ' ';
		cmd_at += nlen + 1;
	}
	put_string(p, cmd_at, p->cmdline, clen);
	memcpy(p->ram + info + INFO_MBI, &mbi, sizeof(mbi));
	r->info_start = info;
	r->info_end = info + info_len;
	r->eax = MULTIBOOT_BOOTLOADER_MAGIC;
	r->ebx = (u32)(info + INFO_MBI);
	return 0;
}

static int load_flat(const struct guest_load_params *p,
		     struct guest_load_result *r)
{
	int err = load_segment(p, r, 0, p->image_size, GUEST_FLAT_GPA,
			       p->image_size, "flat binary");

	if (err)
		return err;
	r->entry = GUEST_FLAT_GPA;
	r->kind = GUEST_IMAGE_FLAT;
	return 0;
}

int guest_load(const struct guest_load_params *p, struct guest_load_result *r)
{
	struct mb_header h;
	s64 off;
	int err;

	memset(r, 0, sizeof(*r));
	r->load_start = ~0ULL;
	if (!p->ram || p->ram_size < (2ULL << 20) || !p->image ||
	    !p->image_size || p->ram_size > (1ULL << 40))
		return bad(r, -EINVAL, "bad loader parameters");
	off = find_mb_header(p, &h);
	if (off < 0) {
		if (p->image_size >= 4 && !memcmp(p->image,
						  "\x7f"
						  "ELF",
						  4))
			return bad(
				r, -ENOEXEC,
				"ELF image without a multiboot header in its first 8 KiB");
		if (!p->flat_ok)
			return bad(r, -ENOEXEC,
				   "no multiboot header in the first 8 KiB");
		err = load_flat(p, r);
	} else if ((u32)(h.magic + h.flags + h.checksum) != 0) {
		return bad(
			r, -ENOEXEC,
			"multiboot header at offset 0x%llx has a bad checksum (magic+flags+checksum = 0x%x)",
			off, (u32)(h.magic + h.flags + h.checksum));
	} else if (h.flags & ~MB_FLAGS_SUPPORTED & 0xffff) {
		return bad(
			r, -ENOEXEC,
			"multiboot header requires flags 0x%x this loader does not provide",
			(u32)(h.flags & ~MB_FLAGS_SUPPORTED & 0xffff));
	} else if (h.flags & MB_FLAG_AOUT) {
		if ((u64)off + sizeof(h) > p->image_size)
			return bad(r, -ENOEXEC,
				   "multiboot a.out header truncated");
		err = load_aout(p, r, &h, (u64)off);
	} else if (p->image_size >= 5 && !memcmp(p->image,
						 "\x7f"
						 "ELF",
						 4)) {
		err = p->image[EI_CLASS] == ELFCLASS64 ? load_elf64(p, r)
		      : p->image[EI_CLASS] == ELFCLASS32
			      ? load_elf32(p, r)
			      : bad(r, -ENOEXEC,
				    "ELF class %u is neither 32 nor 64-bit",
				    p->image[EI_CLASS]);
	} else {
		return bad(
			r, -ENOEXEC,
			"multiboot header without the a.out flag (bit 16) needs an ELF image");
	}
	if (err)
		return err;
	if (r->entry < r->load_start || r->entry >= r->load_end)
		return bad(
			r, -ENOEXEC,
			"entry point 0x%x is outside the loaded image [0x%llx, 0x%llx)",
			r->entry, r->load_start, r->load_end);
	return write_mbi(p, r);
}

const char *guest_image_kind_name(enum guest_image_kind k)
{
	switch (k) {
	case GUEST_IMAGE_MULTIBOOT_ELF32:
		return "multiboot ELF32";
	case GUEST_IMAGE_MULTIBOOT_ELF64:
		return "multiboot ELF64";
	case GUEST_IMAGE_MULTIBOOT_AOUT:
		return "multiboot a.out-kludge";
	case GUEST_IMAGE_FLAT:
		return "flat binary";
	}
	return "?";
}
