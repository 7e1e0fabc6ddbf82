// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot v1 and flat-binary loader.  Multiboot Specification 0.6.96:
 * the header is a 32-bit aligned magic in the first 8192 bytes with flags
 * and a checksum making the three sum to 0.  Flag bit 16 says the header
 * carries the load addresses (the "a.out kludge"); otherwise the image
 * must be ELF and is loaded through its PT_LOAD program headers.
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

struct mb_header {
	u32 magic, flags, checksum;
	u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
} __packed;

struct mb_mmap_entry {
	u32 size;
	u64 base, len;
	u32 type;
} __packed;

struct mb_module {
	u32 start, end, string, reserved;
};

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

/* [gpa, gpa+len) inside RAM and above the loader's own low area. */
static bool ram_range_ok(const struct guest_load_params *p, u64 gpa, u64 len)
{
	return gpa >= GUEST_MIN_LOAD_GPA && len <= p->ram_size &&
	       gpa <= p->ram_size - len;
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
	if (!ram_range_ok(p, paddr, memsz))
		return bad(
			r, -E2BIG,
			"%s: load address 0x%llx+0x%llx is outside guest RAM [1 MiB, 0x%llx)",
			what, paddr, memsz, p->ram_size);
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

static int write_mbi(const struct guest_load_params *p,
		     struct guest_load_result *r)
{
	struct mb_info mbi = { 0 };
	struct mb_mmap_entry mm[2] = {
		{ 20, 0, GUEST_LOW_LIMIT, 1 },
		{ 20, 0x100000, p->ram_size - 0x100000, 1 },
	};
	size_t clen = p->cmdline ? strlen(p->cmdline) : 0;

	mbi.flags = MBI_MEM | MBI_MMAP | MBI_CMDLINE;
	mbi.mem_lower = GUEST_LOW_LIMIT >> 10;
	mbi.mem_upper = (u32)MIN((p->ram_size - 0x100000) >> 10, 0xffffffffULL);
	mbi.mmap_addr = GUEST_MMAP_GPA;
	mbi.mmap_length = sizeof(mm);
	mbi.cmdline = GUEST_CMDLINE_GPA;
	if (clen >= 4096)
		return bad(r, -EINVAL, "command line longer than 4095 bytes");
	memcpy(p->ram + GUEST_CMDLINE_GPA, p->cmdline ? p->cmdline : "", clen);
	p->ram[GUEST_CMDLINE_GPA + clen] = '\0';
	memcpy(p->ram + GUEST_MMAP_GPA, mm, sizeof(mm));
	if (p->module) {
		struct mb_module mod;
		u64 at = ALIGN_UP(r->load_end, PAGE_SIZE);
		size_t nlen = p->module_name ? strlen(p->module_name) : 0;

		if (!ram_range_ok(p, at, p->module_size) ||
		    at + p->module_size > 0xffffffffULL)
			return bad(
				r, -E2BIG,
				"module (%llu bytes) does not fit in guest RAM after the kernel (0x%llx)",
				p->module_size, at);
		nlen = MIN(nlen, (size_t)(PAGE_SIZE - 1));
		memcpy(p->ram + at, p->module, p->module_size);
		if (nlen) /* module_name may be NULL: no memcpy from NULL */
			memcpy(p->ram + GUEST_MODNAME_GPA, p->module_name,
			       nlen);
		p->ram[GUEST_MODNAME_GPA + nlen] = '\0';
		mod = (struct mb_module){ (u32)at, (u32)(at + p->module_size),
					  GUEST_MODNAME_GPA, 0 };
		memcpy(p->ram + GUEST_MODS_GPA, &mod, sizeof(mod));
		mbi.flags |= MBI_MODS;
		mbi.mods_count = 1;
		mbi.mods_addr = GUEST_MODS_GPA;
		r->module_gpa = at;
	}
	memcpy(p->ram + GUEST_MBI_GPA, &mbi, sizeof(mbi));
	r->eax = MULTIBOOT_BOOTLOADER_MAGIC;
	r->ebx = GUEST_MBI_GPA;
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
