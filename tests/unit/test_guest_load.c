// SPDX-License-Identifier: GPL-2.0
/*
 * hv/load/guest_load.c: multiboot ELF32, ELF64 and a.out-kludge images and flat
 * binaries built by hand in memory, loaded into a calloc'ed guest RAM; the
 * multiboot information block; every error path with its code and message;
 * and a seeded random-mutation loop over valid images.
 *
 * Every image is copied into a heap buffer of exactly its size before it is
 * loaded, so ASan reports any read past the end of the image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <elf.h>
#include <sys/mman.h>

#include "errno_codes.h"
#include "guest_abi.h"
#include "hv/load/guest_load.h"

#define RAM_SIZE (8ULL << 20)
#define IMG_MAX 0x4000
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

/* Multiboot header flags (spec 0.6.96, section 3.1.2). */
#define T_MB_PAGE_ALIGN 0x1u
#define T_MB_MEMINFO 0x2u
#define T_MB_VIDEO 0x4u
#define T_MB_AOUT 0x10000u

/* Multiboot information flags. */
#define T_MBI_MEM 0x1u
#define T_MBI_CMDLINE 0x4u
#define T_MBI_MODS 0x8u
#define T_MBI_MMAP 0x40u
#define T_MBI_LOADER 0x200u

#define T_PT_LOAD 1
#define T_PT_NOTE 4

/* The test's own view of the multiboot header; the ELF layouts come from
 * the host's <elf.h>, independent of the loader's definitions. */
struct t_mbh {
	u32 magic, flags, checksum;
	u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

_Static_assert(sizeof(Elf32_Ehdr) == 52, "ELF32 header size");
_Static_assert(sizeof(Elf32_Phdr) == 32, "ELF32 phdr size");
_Static_assert(sizeof(Elf64_Ehdr) == 64, "ELF64 header size");
_Static_assert(sizeof(Elf64_Phdr) == 56, "ELF64 phdr size");

struct image {
	u8 b[IMG_MAX];
	size_t len;
};

static u8 *ram;

static u8 pat(size_t i)
{
	return (u8)(i * 13 + 7);
}

static void fill_pattern(struct image *im, size_t len)
{
	for (size_t i = 0; i < IMG_MAX; i++)
		im->b[i] = pat(i);
	im->len = len;
}

static u32 rd32(const u8 *p, u64 off)
{
	u32 v;

	memcpy(&v, p + off, 4);
	return v;
}

static u64 rd64(const u8 *p, u64 off)
{
	u64 v;

	memcpy(&v, p + off, 8);
	return v;
}

static void wr32(u8 *p, u64 off, u32 v)
{
	memcpy(p + off, &v, 4);
}

static void wr16(u8 *p, u64 off, u16 v)
{
	memcpy(p + off, &v, 2);
}

static void put_mbh(struct image *im, size_t off, const struct t_mbh *h)
{
	struct t_mbh x = *h;

	x.magic = MULTIBOOT_HEADER_MAGIC;
	x.checksum = 0u - (x.magic + x.flags);
	memcpy(im->b + off, &x, (x.flags & T_MB_AOUT) ? sizeof(x) : 12);
}

/* Recomputes the checksum of the header at @off after a test edited it. */
static void fix_checksum(struct image *im, size_t off)
{
	wr32(im->b, off + 8, 0u - (rd32(im->b, off) + rd32(im->b, off + 4)));
}

/*
 * ELF32: four program headers — text at 0x100000 (from file 0x1000), data
 * + bss at 0x102000..0x103a10 (file bytes end exactly at the image end), a
 * PT_NOTE and an empty PT_LOAD at paddr 0 that must both be ignored.
 * vaddrs are high to check that paddr is what the loader uses.
 */
#define E32_MBH_OFF 0x200
#define E32_ENTRY 0x100020u
#define E32_PH(im, i) (sizeof(Elf32_Ehdr) + (i) * sizeof(Elf32_Phdr))

static void build_elf32(struct image *im)
{
	Elf32_Ehdr eh = { 0 };
	Elf32_Phdr ph[4] = {
		{ T_PT_LOAD, 0x1000, 0xc0100000, 0x100000, 0x1000, 0x1000, 5,
		  0x1000 },
		{ T_PT_LOAD, 0x2000, 0xc0102000, 0x102000, 0x800, 0x1a10, 6,
		  0x1000 },
		{ T_PT_NOTE, 0x200, 0, 0, 0x20, 0x20, 4, 4 },
		{ T_PT_LOAD, 0x2800, 0, 0, 0, 0, 6, 0x1000 },
	};
	struct t_mbh h = { .flags = T_MB_PAGE_ALIGN | T_MB_MEMINFO };

	fill_pattern(im, 0x2800);
	memcpy(eh.e_ident,
	       "\x7f"
	       "ELF\x01\x01\x01",
	       7);
	eh.e_type = 2;
	eh.e_machine = 3;
	eh.e_version = 1;
	eh.e_entry = E32_ENTRY;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph[0]);
	eh.e_phnum = 4;
	memcpy(im->b, &eh, sizeof(eh));
	memcpy(im->b + sizeof(eh), ph, sizeof(ph));
	put_mbh(im, E32_MBH_OFF, &h);
}

static Elf32_Ehdr *e32(struct image *im)
{
	return (Elf32_Ehdr *)im->b;
}

static Elf32_Phdr *p32(struct image *im, int i)
{
	return (Elf32_Phdr *)(im->b + E32_PH(im, i));
}

/* ELF64: text at 0x100000, data + bss at 0x180000..0x181000. */
#define E64_MBH_OFF 0x200
#define E64_ENTRY 0x100040u

static void build_elf64(struct image *im)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[2] = {
		{ T_PT_LOAD, 5, 0x1000, 0xffffffff80100000ULL, 0x100000, 0x1000,
		  0x1000, 0x1000 },
		{ T_PT_LOAD, 6, 0x2000, 0xffffffff80180000ULL, 0x180000, 0x800,
		  0x1000, 0x1000 },
	};
	struct t_mbh h = { .flags = T_MB_PAGE_ALIGN };

	fill_pattern(im, 0x2800);
	memcpy(eh.e_ident,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	eh.e_type = 2;
	eh.e_machine = 62;
	eh.e_version = 1;
	eh.e_entry = E64_ENTRY;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph[0]);
	eh.e_phnum = 2;
	memcpy(im->b, &eh, sizeof(eh));
	memcpy(im->b + sizeof(eh), ph, sizeof(ph));
	put_mbh(im, E64_MBH_OFF, &h);
}

static Elf64_Ehdr *e64(struct image *im)
{
	return (Elf64_Ehdr *)im->b;
}

static Elf64_Phdr *p64(struct image *im, int i)
{
	return (Elf64_Phdr *)(im->b + sizeof(Elf64_Ehdr) +
			      i * sizeof(Elf64_Phdr));
}

/*
 * a.out kludge (not ELF): header at file offset 0x40, file [0, 0x1800)
 * loads at 0x100000, bss to 0x104000; the last 0x800 file bytes are not
 * loaded.
 */
#define AOUT_MBH_OFF 0x40

static void build_aout(struct image *im)
{
	struct t_mbh h = {
		.flags = T_MB_AOUT | T_MB_PAGE_ALIGN | T_MB_MEMINFO,
		.header_addr = 0x100040,
		.load_addr = 0x100000,
		.load_end_addr = 0x101800,
		.bss_end_addr = 0x104000,
		.entry_addr = 0x100080,
	};

	fill_pattern(im, 0x2000);
	put_mbh(im, AOUT_MBH_OFF, &h);
}

static struct t_mbh *mbh(struct image *im, size_t off)
{
	return (struct t_mbh *)(im->b + off);
}

static struct guest_load_params params(const struct image *im)
{
	return (struct guest_load_params){
		.ram = ram,
		.ram_size = RAM_SIZE,
		.image = im->b,
		.image_size = im->len,
	};
}

/* Loads @p with its image copied into a heap buffer of exactly its size. */
static int load_exact(const struct guest_load_params *p,
		      struct guest_load_result *res)
{
	struct guest_load_params q = *p;
	u8 *copy = NULL;
	int r;

	if (p->image && p->image_size) {
		copy = malloc(p->image_size);
		assert_non_null(copy);
		memcpy(copy, p->image, p->image_size);
		q.image = copy;
	}
	r = guest_load(&q, res);
	free(copy);
	return r;
}

static void assert_error_mentions(const struct guest_load_result *res,
				  const char *phrase)
{
	if (!strstr(res->error, phrase))
		fail_msg("error \"%s\" does not mention \"%s\"", res->error,
			 phrase);
}

static void expect_fail_p(const struct guest_load_params *p, int code,
			  const char *phrase)
{
	struct guest_load_result res;

	assert_int_equal(load_exact(p, &res), code);
	assert_true(res.error[0] != '\0');
	assert_error_mentions(&res, phrase);
}

static void expect_fail(const struct image *im, int code, const char *phrase)
{
	struct guest_load_params p = params(im);

	expect_fail_p(&p, code, phrase);
}

static void assert_ram_byte_range(u64 gpa, u64 len, u8 v)
{
	for (u64 i = 0; i < len; i++)
		if (ram[gpa + i] != v)
			fail_msg("RAM at 0x%llx is 0x%02x, expected 0x%02x",
				 (gpa + i), ram[gpa + i], v);
}

/* ---- the boot contract ------------------------------------------------ */

/*
 * Everything a multiboot guest can find from EBX, read back from guest RAM
 * by following the pointers (never from a fixed address).
 */
struct boot_view {
	u32 mbi, cmdline, mods_addr, mmap_addr, loader;
	u32 mods_count, mod_start, mod_end, mod_string;
};

struct range {
	u64 start, end;
	const char *what;
};

/* Length of the NUL-terminated string at @gpa; it must end below @lim. */
static u64 guest_strlen(const struct guest_load_params *p, u64 gpa, u64 lim)
{
	const u8 *nul;

	assert_true(gpa < lim);
	nul = memchr(p->ram + gpa, 0, lim - gpa);
	if (!nul)
		fail_msg("string at 0x%llx has no NUL inside guest RAM", gpa);
	return (u64)(nul - (p->ram + gpa));
}

static bool overlaps(const struct range *a, const struct range *b)
{
	return a->start < b->end && b->start < a->end;
}

/* What the guest must see as its command line: QEMU's "NAME CMDLINE". */
static void expected_cmdline(const struct guest_load_params *p, char *buf,
			     size_t size)
{
	const char *c = p->cmdline ? p->cmdline : "";

	if (p->image_name && p->image_name[0])
		snprintf(buf, size, "%.4095s %s", p->image_name, c);
	else
		snprintf(buf, size, "%s", c);
}

/*
 * The contract after a successful load (Multiboot 0.6.96 section 3.3 and
 * what QEMU's -kernel hands over): EAX magic; EBX the info block, inside
 * RAM below 4 GiB; flags mem + cmdline + mods + mmap + boot loader name;
 * mem_lower 639 KiB, mem_upper = RAM below 4 GiB above 1 MiB in KiB; the
 * e820-style map; every structure the loader placed (block, map, module
 * list, strings, module) inside RAM, clear of the image, of the reserved
 * low hole and of each other; the module page-aligned with its bytes and
 * string; the command line byte for byte.
 */
static void check_contract(const struct guest_load_params *p,
			   const struct guest_load_result *res,
			   struct boot_view *out)
{
	static char want[2 * 4096 + 2];
	u64 lim = p->ram_size < 4 * GIB ? p->ram_size : 4 * GIB;
	struct range r[8];
	struct boot_view v = { 0 };
	int n = 0;
	u64 len;

	assert_string_equal(res->error, "");
	assert_int_equal(res->eax, 0x2BADB002);
	v.mbi = res->ebx;
	assert_true(v.mbi + 88 <= lim);
	assert_int_equal(v.mbi % 4, 0);
	r[n++] = (struct range){ v.mbi, v.mbi + 88, "info block" };

	assert_int_equal(rd32(p->ram, v.mbi + 0),
			 T_MBI_MEM | T_MBI_CMDLINE | T_MBI_MODS | T_MBI_MMAP |
				 T_MBI_LOADER);
	assert_int_equal(rd32(p->ram, v.mbi + 4), 0x9fc00 >> 10);
	assert_int_equal(rd32(p->ram, v.mbi + 8), (lim - MIB) >> 10);
	assert_int_equal(rd32(p->ram, v.mbi + 12), 0); /* no boot device */
	for (u32 off = 28; off < 44; off += 4) /* syms: flags 4/5 clear */
		assert_int_equal(rd32(p->ram, v.mbi + off), 0);
	for (u32 off = 52; off < 64; off += 4) /* drives, config table */
		assert_int_equal(rd32(p->ram, v.mbi + off), 0);
	for (u32 off = 68; off < 88; off += 4) /* APM, VBE */
		assert_int_equal(rd32(p->ram, v.mbi + off), 0);

	/* Memory map: four 24-byte entries, size field 20 (e820 style). */
	v.mmap_addr = rd32(p->ram, v.mbi + 48);
	assert_int_equal(rd32(p->ram, v.mbi + 44), 4 * 24);
	assert_true(v.mmap_addr + 96 <= lim);
	r[n++] = (struct range){ v.mmap_addr, v.mmap_addr + 96, "mmap" };
	static const u64 want_mm[4][3] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },
		{ MIB, 0, 1 }, /* length: RAM above 1 MiB */
	};
	for (int i = 0; i < 4; i++) {
		u64 e = v.mmap_addr + 24 * (u64)i;

		assert_int_equal(rd32(p->ram, e + 0), 20);
		assert_int_equal(rd64(p->ram, e + 4), want_mm[i][0]);
		assert_int_equal(rd64(p->ram, e + 12),
				 i == 3 ? p->ram_size - MIB : want_mm[i][1]);
		assert_int_equal(rd32(p->ram, e + 20), want_mm[i][2]);
	}

	/* Command line. */
	v.cmdline = rd32(p->ram, v.mbi + 16);
	len = guest_strlen(p, v.cmdline, lim);
	r[n++] = (struct range){ v.cmdline, v.cmdline + len + 1, "cmdline" };
	expected_cmdline(p, want, sizeof(want));
	assert_string_equal((const char *)p->ram + v.cmdline, want);

	/* Boot loader name. */
	v.loader = rd32(p->ram, v.mbi + 64);
	len = guest_strlen(p, v.loader, lim);
	r[n++] = (struct range){ v.loader, v.loader + len + 1, "loader name" };
	assert_string_equal((const char *)p->ram + v.loader, "tdpvisor");

	/* Modules. */
	v.mods_count = rd32(p->ram, v.mbi + 20);
	v.mods_addr = rd32(p->ram, v.mbi + 24);
	assert_int_equal(v.mods_count, p->module ? 1 : 0);
	if (v.mods_count) {
		assert_true(v.mods_addr + 16 <= lim);
		r[n++] = (struct range){ v.mods_addr, v.mods_addr + 16,
					 "module list" };
		v.mod_start = rd32(p->ram, v.mods_addr + 0);
		v.mod_end = rd32(p->ram, v.mods_addr + 4);
		v.mod_string = rd32(p->ram, v.mods_addr + 8);
		assert_int_equal(rd32(p->ram, v.mods_addr + 12), 0);
		assert_int_equal(v.mod_start % 4096, 0); /* header flag 0 */
		assert_int_equal((u64)v.mod_end - v.mod_start, p->module_size);
		assert_true(v.mod_end <= lim);
		assert_memory_equal(p->ram + v.mod_start, p->module,
				    p->module_size);
		assert_int_equal(res->module_gpa, v.mod_start);
		if (v.mod_end > v.mod_start)
			r[n++] = (struct range){ v.mod_start, v.mod_end,
						 "module" };
		len = guest_strlen(p, v.mod_string, lim);
		r[n++] = (struct range){ v.mod_string, v.mod_string + len + 1,
					 "module string" };
		snprintf(want, sizeof(want), "%.4095s",
			 p->module_name ? p->module_name : "");
		assert_string_equal((const char *)p->ram + v.mod_string, want);
	} else {
		assert_int_equal(res->module_gpa, 0);
	}

	/* Placement: inside RAM, clear of the image, the hole, each other. */
	const struct range image = { res->load_start, res->load_end, "image" };
	const struct range hole = { 0x9fc00, MIB, "reserved hole" };

	assert_true(res->load_start < res->load_end);
	assert_true(res->load_end <= lim);
	for (int i = 0; i < n; i++) {
		if (r[i].end > lim)
			fail_msg("%s [0x%llx, 0x%llx) is past RAM 0x%llx",
				 r[i].what, r[i].start, r[i].end, lim);
		if (overlaps(&r[i], &image) || overlaps(&r[i], &hole))
			fail_msg(
				"%s [0x%llx, 0x%llx) overlaps the image [0x%llx, 0x%llx) or the hole",
				r[i].what, r[i].start, r[i].end, image.start,
				image.end);
		for (int j = 0; j < i; j++)
			if (overlaps(&r[i], &r[j]))
				fail_msg(
					"%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
					r[i].what, r[i].start, r[i].end,
					r[j].what, r[j].start, r[j].end);
		/* Each lies in memory the map calls usable. */
		if (!(r[i].end <= 0x9fc00 ||
		      (r[i].start >= MIB && r[i].end <= p->ram_size)))
			fail_msg(
				"%s [0x%llx, 0x%llx) is not in a usable mmap entry",
				r[i].what, r[i].start, r[i].end);
		/* The loader's own info range covers all but the module. */
		if (strcmp(r[i].what, "module")) {
			assert_true(r[i].start >= res->info_start);
			assert_true(r[i].end <= res->info_end);
		}
	}
	if (out)
		*out = v;
}

/* Loads @p, checks the contract, returns the view. */
static struct boot_view load_ok(const struct guest_load_params *p,
				struct guest_load_result *res)
{
	struct boot_view v;
	int r = load_exact(p, res);

	if (r)
		fail_msg("load failed (%d): %s", r, res->error);
	check_contract(p, res, &v);
	return v;
}

static void check_regs(const struct guest_load_result *res, u32 entry)
{
	assert_int_equal(res->entry, entry);
	assert_int_equal(res->eax, 0x2BADB002);
	assert_int_equal(res->eax, MULTIBOOT_BOOTLOADER_MAGIC);
	assert_string_equal(res->error, "");
}

static int setup_ram(void **state)
{
	(void)state;
	memset(ram, 0xaa, RAM_SIZE);
	return 0;
}

/* ---- valid images ---------------------------------------------------- */

static void test_elf32(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;
	struct boot_view v;

	(void)state;
	build_elf32(&im);
	p = params(&im);
	p.cmdline = "console=ttyS0 quiet";
	v = load_ok(&p, &res);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_ELF32);
	check_regs(&res, E32_ENTRY);
	assert_int_equal(res.load_start, 0x100000);
	assert_int_equal(res.load_end, 0x103a10);
	assert_int_equal(res.module_gpa, 0);
	assert_memory_equal(ram + 0x100000, im.b + 0x1000, 0x1000);
	assert_memory_equal(ram + 0x102000, im.b + 0x2000, 0x800);
	assert_ram_byte_range(0x102800, 0x1210, 0x00); /* bss */
	assert_ram_byte_range(0x101000, 0x1000, 0xaa); /* gap untouched */
	/* The info block starts on the first page boundary after the
	 * image, as QEMU puts it; the rest of the page tail is untouched. */
	assert_int_equal(res.info_start, 0x104000);
	assert_int_equal(v.mbi, 0x104000);
	assert_ram_byte_range(0x103a10, 0x104000 - 0x103a10, 0xaa);
	assert_ram_byte_range(res.info_end, 0x100, 0xaa);
	/* Nothing is written below the image any more. */
	assert_ram_byte_range(0, MIB, 0xaa);
	assert_string_equal((const char *)ram + v.cmdline,
			    "console=ttyS0 quiet");
}

static void test_elf32_module(void **state)
{
	static struct image im;
	static u8 mod[0x1801];
	struct guest_load_params p;
	struct guest_load_result res;
	struct boot_view v;

	(void)state;
	for (size_t i = 0; i < sizeof(mod); i++)
		mod[i] = (u8)(i ^ 0x5a);
	build_elf32(&im);
	p = params(&im);
	p.module = mod;
	p.module_size = sizeof(mod);
	p.module_name = "initrd.img root=/dev/ram0";
	v = load_ok(&p, &res);
	check_regs(&res, E32_ENTRY);
	/* Image ends at 0x103a10, info on 0x104000, module on the page
	 * after the info. */
	assert_int_equal(v.mbi, 0x104000);
	assert_true(res.info_end <= 0x105000);
	assert_int_equal(res.module_gpa, 0x105000);
	assert_int_equal(v.mod_end, 0x105000 + sizeof(mod));
	assert_ram_byte_range(res.info_end, 0x105000 - res.info_end, 0xaa);
	assert_ram_byte_range(0x105000 + sizeof(mod), 0x100, 0xaa);
	assert_string_equal((const char *)ram + v.mod_string,
			    "initrd.img root=/dev/ram0");
}

static void test_module_edge_cases(void **state)
{
	static struct image im;
	static u8 mod[16] = "module-bytes";
	struct guest_load_params p;
	struct guest_load_result res;
	struct boot_view v;

	(void)state;
	build_elf32(&im);
	p = params(&im);

	/* No name: an empty string. */
	p.module = mod;
	p.module_size = sizeof(mod);
	p.module_name = NULL;
	v = load_ok(&p, &res);
	assert_string_equal((const char *)ram + v.mod_string, "");
	assert_int_equal(v.mods_count, 1);

	/* Empty module: start == end, still page-aligned after the info. */
	p.module_size = 0;
	p.module_name = "empty";
	v = load_ok(&p, &res);
	assert_int_equal(v.mod_start, 0x105000);
	assert_int_equal(v.mod_end, 0x105000);

	/* A module that fills RAM exactly to the end fits. */
	static u8 big[RAM_SIZE - 0x105000];

	p.module = big;
	p.module_size = sizeof(big);
	v = load_ok(&p, &res);
	assert_int_equal(res.module_gpa, 0x105000);
	assert_int_equal(v.mod_end, RAM_SIZE);

	/* A name longer than a page is cut to 4095 bytes. */
	static char longname[5000];

	memset(longname, 'n', sizeof(longname) - 1);
	p.module = mod;
	p.module_size = sizeof(mod);
	p.module_name = longname;
	v = load_ok(&p, &res);
	assert_int_equal(strlen((const char *)ram + v.mod_string), 4095);
}

static void test_elf64(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	build_elf64(&im);
	p = params(&im);
	p.cmdline = "";
	load_ok(&p, &res);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_ELF64);
	check_regs(&res, E64_ENTRY);
	assert_int_equal(res.load_start, 0x100000);
	assert_int_equal(res.load_end, 0x181000);
	assert_memory_equal(ram + 0x100000, im.b + 0x1000, 0x1000);
	assert_memory_equal(ram + 0x180000, im.b + 0x2000, 0x800);
	assert_ram_byte_range(0x180800, 0x800, 0x00);
	assert_ram_byte_range(0x101000, 0x1000, 0xaa);
	assert_int_equal(res.ebx, 0x181000);
}

static void test_aout(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	build_aout(&im);
	p = params(&im);
	p.cmdline = "a.out";
	load_ok(&p, &res);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_AOUT);
	check_regs(&res, 0x100080);
	assert_int_equal(res.load_start, 0x100000);
	assert_int_equal(res.load_end, 0x104000);
	assert_memory_equal(ram + 0x100000, im.b, 0x1800);
	assert_ram_byte_range(0x101800, 0x2800, 0x00);
	/* The bss ends on a page boundary: the info starts right there. */
	assert_int_equal(res.ebx, 0x104000);
}

/* Header deeper in the file: the load starts at a non-zero file offset. */
static void test_aout_offset_and_defaults(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	fill_pattern(&im, 0x3000);
	put_mbh(&im, 0x1040,
		&(struct t_mbh){ .flags = T_MB_AOUT,
				 .header_addr = 0x200040,
				 .load_addr = 0x200000,
				 .load_end_addr = 0, /* to the end of file */
				 .bss_end_addr = 0, /* no bss */
				 .entry_addr = 0x201fff });
	p = params(&im);
	load_ok(&p, &res);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_AOUT);
	check_regs(&res, 0x201fff);
	assert_int_equal(res.load_start, 0x200000);
	assert_int_equal(res.load_end, 0x202000);
	assert_memory_equal(ram + 0x200000, im.b + 0x1000, 0x2000);
	assert_ram_byte_range(0x1ff000, 0x1000, 0xaa);

	/* Entry in the bss is inside the image. */
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->entry_addr = 0x103fff;
	p = params(&im);
	load_ok(&p, &res);
	assert_int_equal(res.entry, 0x103fff);

	/* bss_end == load_end: no bss. */
	setup_ram(NULL);
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->bss_end_addr = 0x101800;
	p = params(&im);
	load_ok(&p, &res);
	assert_int_equal(res.load_end, 0x101800);
	assert_ram_byte_range(0x101800, 0x800, 0xaa);
	assert_int_equal(res.ebx, 0x102000);
}

/* An ELF whose header sets bit 16 is loaded through the header fields. */
static void test_elf_with_aout_flag(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	build_elf32(&im);
	put_mbh(&im, E32_MBH_OFF,
		&(struct t_mbh){ .flags = T_MB_AOUT | T_MB_PAGE_ALIGN,
				 .header_addr = 0x300200,
				 .load_addr = 0x300000,
				 .load_end_addr = 0x302800,
				 .bss_end_addr = 0x303000,
				 .entry_addr = 0x301000 });
	p = params(&im);
	load_ok(&p, &res);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_AOUT);
	check_regs(&res, 0x301000);
	assert_memory_equal(ram + 0x300000, im.b, 0x2800);
	assert_ram_byte_range(0x302800, 0x800, 0x00);
	assert_ram_byte_range(0x100000, 0x100, 0xaa); /* phdrs ignored */
}

static void test_flat(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	fill_pattern(&im, 0x1234);
	p = params(&im);
	p.flat_ok = true;
	p.cmdline = "flat";
	load_ok(&p, &res);
	assert_int_equal(res.kind, GUEST_IMAGE_FLAT);
	check_regs(&res, GUEST_FLAT_GPA);
	assert_int_equal(res.load_start, GUEST_FLAT_GPA);
	assert_int_equal(res.load_end, GUEST_FLAT_GPA + 0x1234);
	assert_memory_equal(ram + GUEST_FLAT_GPA, im.b, 0x1234);
	assert_ram_byte_range(GUEST_FLAT_GPA + 0x1234, 0x2000 - 0x1234, 0xaa);
	assert_int_equal(res.ebx, GUEST_FLAT_GPA + 0x2000);

	/* One byte. */
	im.len = 1;
	p = params(&im);
	p.flat_ok = true;
	load_ok(&p, &res);
	assert_int_equal(res.load_end, GUEST_FLAT_GPA + 1);

	/* A flat binary that leaves exactly one page for the info fits;
	 * one byte more and the info has no room: refused, naming both. */
	static u8 big[RAM_SIZE - GUEST_FLAT_GPA - 0x1000];

	p.image = big;
	p.image_size = sizeof(big);
	load_ok(&p, &res);
	assert_int_equal(res.ebx, RAM_SIZE - 0x1000);
	p.image_size = sizeof(big) + 1;
	p.image = malloc(p.image_size);
	assert_non_null(p.image);
	memset((u8 *)p.image, 0, p.image_size);
	expect_fail_p(&p, -E2BIG, "multiboot info [0x800000, 0x");
	expect_fail_p(
		&p, -E2BIG,
		") after the image [0x100000, 0x7ff001) does not fit in guest RAM [0, 0x800000)");
	free((u8 *)p.image);
	/* Filling RAM to the very end: the image itself fits, its info not. */
	p.image_size = RAM_SIZE - GUEST_FLAT_GPA;
	p.image = calloc(1, p.image_size);
	assert_non_null(p.image);
	expect_fail_p(&p, -E2BIG, "does not fit in guest RAM");
	p.image_size++;
	free((u8 *)p.image);
	p.image = calloc(1, p.image_size);
	assert_non_null(p.image);
	expect_fail_p(
		&p, -E2BIG,
		"flat binary: load address 0x100000+0x700001 is outside guest RAM [0, 0x800000)");
	free((u8 *)p.image);
}

/* Smallest RAM the loader accepts, and optional flags it does not know. */
static void test_small_ram_and_optional_flags(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	build_elf32(&im);
	/* Bits 16-31 other than the a.out bit are optional: ignored. */
	mbh(&im, E32_MBH_OFF)->flags |= 0xfffe0000u;
	fix_checksum(&im, E32_MBH_OFF);
	p = params(&im);
	p.ram_size = 2 * MIB;
	load_ok(&p, &res);
	assert_int_equal(rd32(ram, res.ebx + 8), 1024); /* mem_upper */
	/* Bit 2 (video) is a requirement the loader accepts. */
	build_elf32(&im);
	mbh(&im, E32_MBH_OFF)->flags |= T_MB_VIDEO;
	fix_checksum(&im, E32_MBH_OFF);
	p = params(&im);
	load_ok(&p, &res);
}

/*
 * The command line: up to 4095 characters reach the guest byte for byte,
 * after "NAME " when the image has a name (QEMU's "-kernel NAME -append
 * CMDLINE" gives "NAME CMDLINE"; kvm-unit-tests reads the first word as
 * argv[0]); 4096 is refused.
 */
static void test_cmdline_limits(void **state)
{
	static struct image im;
	static char cmd[4097];
	struct guest_load_params p;
	struct guest_load_result res;
	struct boot_view v;

	(void)state;
	build_elf32(&im);
	p = params(&im);
	for (int i = 0; i < 4095; i++)
		cmd[i] = (char)(0x20 + i % 95); /* every printable byte */
	cmd[4095] = '\0';
	p.cmdline = cmd;
	v = load_ok(&p, &res);
	assert_int_equal(strlen((const char *)ram + v.cmdline), 4095);
	assert_memory_equal(ram + v.cmdline, cmd, 4096);
	/* The info then takes two pages: the module goes after both. */
	static const u8 mod[3] = "abc";

	p.module = mod;
	p.module_size = sizeof(mod);
	p.module_name = "env";
	v = load_ok(&p, &res);
	assert_true(v.mod_start >= v.cmdline + 4096);

	p.image_name = "\\guests\\vmx.flat";
	v = load_ok(&p, &res);
	assert_memory_equal(ram + v.cmdline, "\\guests\\vmx.flat ", 17);
	assert_memory_equal(ram + v.cmdline + 17, cmd, 4096);

	/* An empty command line after a name: "NAME " as QEMU gives it. */
	p.cmdline = NULL;
	v = load_ok(&p, &res);
	assert_string_equal((const char *)ram + v.cmdline,
			    "\\guests\\vmx.flat ");
	p.image_name = "";
	v = load_ok(&p, &res);
	assert_string_equal((const char *)ram + v.cmdline, "");

	p.cmdline = cmd;
	cmd[4095] = 'c';
	cmd[4096] = '\0';
	expect_fail_p(
		&p, -EINVAL,
		"command line of 4096 characters is longer than the 4095 the loader takes");
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(guest_image_kind_name(GUEST_IMAGE_MULTIBOOT_ELF32),
			    "multiboot ELF32");
	assert_string_equal(guest_image_kind_name(GUEST_IMAGE_MULTIBOOT_ELF64),
			    "multiboot ELF64");
	assert_string_equal(guest_image_kind_name(GUEST_IMAGE_MULTIBOOT_AOUT),
			    "multiboot a.out-kludge");
	assert_string_equal(guest_image_kind_name(GUEST_IMAGE_FLAT),
			    "flat binary");
	assert_string_equal(guest_image_kind_name((enum guest_image_kind)99),
			    "?");
}

/* ---- layout: images anywhere in usable RAM --------------------------- */

/*
 * An ELF32 with one PT_LOAD of @memsz bytes (@filesz from the file) at
 * @paddr, entry at @paddr.  kvm-unit-tests' realmode.flat is such an image
 * linked at 0x8000 (x86/realmode.lds: ". = 32K").
 */
static void build_elf32_at(struct image *im, u32 paddr, u32 filesz, u32 memsz)
{
	build_elf32(im);
	*p32(im, 0) = (Elf32_Phdr){ T_PT_LOAD, 0x1000, paddr, paddr,
				    filesz,    memsz,  7,     0x1000 };
	e32(im)->e_phnum = 1;
	e32(im)->e_entry = paddr;
}

static void test_low_image_0x8000(void **state)
{
	static struct image im;
	static u8 mod[100] = "NR_CPUS=1\n";
	struct guest_load_params p;
	struct guest_load_result res;
	struct boot_view v;

	(void)state;
	build_elf32_at(&im, 0x8000, 0x1800, 0x3000);
	p = params(&im);
	p.image_name = "x86/realmode.flat";
	p.cmdline = "-smp 1";
	p.module = mod;
	p.module_size = sizeof(mod);
	p.module_name = "env";
	v = load_ok(&p, &res);
	check_regs(&res, 0x8000);
	assert_int_equal(res.load_start, 0x8000);
	assert_int_equal(res.load_end, 0xb000);
	assert_memory_equal(ram + 0x8000, im.b + 0x1000, 0x1800);
	assert_ram_byte_range(0x9800, 0x1800, 0x00); /* bss */
	/* Everything the loader adds follows the image in low memory. */
	assert_int_equal(v.mbi, 0xb000);
	assert_int_equal(v.mod_start, 0xc000);
	assert_ram_byte_range(0, 0x8000, 0xaa);
	assert_string_equal((const char *)ram + v.cmdline,
			    "x86/realmode.flat -smp 1");

	/* An image at GPA 0 (page 0 is RAM) loads too. */
	setup_ram(NULL);
	build_elf32_at(&im, 0, 0x100, 0x1000);
	p = params(&im);
	load_ok(&p, &res);
	assert_int_equal(res.load_start, 0);
	assert_int_equal(res.ebx, 0x1000);
}

/*
 * The reserved hole: the memory map says [0x9fc00, 0x100000) is not RAM
 * (EBDA, VGA, BIOS), so an image may not load there.  The refusal names the
 * segment's range and the hole; nothing of the image is copied.
 */
static void test_image_in_low_hole(void **state)
{
	static struct image im;
	static const u32 bad[][2] = {
		{ 0x9f000, 0xc01 }, /* one byte into the EBDA */
		{ 0x9fc00, 0x10 },    { 0xa0000, 0x1000 }, /* VGA */
		{ 0xfffff, 2 }, /* the last BIOS byte and 1 MiB */
		{ 0x90000, 0x80000 }, /* across the whole hole */
	};
	struct guest_load_params p;
	struct guest_load_result res;
	char want[160];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		u32 at = bad[i][0], len = bad[i][1];

		build_elf32_at(&im, at, MIN(len, 0x1000u), len);
		snprintf(
			want, sizeof(want),
			"program header 0: load range [0x%x, 0x%x) overlaps [0x9fc00, 0x100000), reserved in the memory map",
			at, at + len);
		expect_fail(&im, -E2BIG, want);
	}
	assert_ram_byte_range(0x90000, 0x80000, 0xaa);

	/* Right up to the hole, and right after it, is fine. */
	build_elf32_at(&im, 0x9f000, 0xc00, 0xc00);
	p = params(&im);
	load_ok(&p, &res);
	assert_int_equal(res.load_end, 0x9fc00);
	build_elf32_at(&im, 0x100000, 0x10, 0x10);
	p = params(&im);
	load_ok(&p, &res);

	/* Segments on both sides of the hole: the info goes after the high
	 * one, the hole stays empty. */
	setup_ram(NULL);
	build_elf32(&im);
	p32(&im, 0)->p_paddr = 0x9e000; /* [0x9e000, 0x9f000) */
	e32(&im)->e_entry = 0x9e000;
	p = params(&im);
	load_ok(&p, &res);
	assert_int_equal(res.load_start, 0x9e000);
	assert_int_equal(res.load_end, 0x103a10);
	assert_int_equal(res.ebx, 0x104000);
	assert_ram_byte_range(0x9f000, MIB - 0x9f000, 0xaa);
}

/*
 * An image that ends just below the hole: the info block goes after it
 * while it fits below 0x9fc00, and moves to 1 MiB when it would not; so
 * does the module.
 */
static void test_low_image_next_to_hole(void **state)
{
	static struct image im;
	static char cmd[4096];
	static u8 mod[0x2000];
	struct guest_load_params p;
	struct guest_load_result res;
	struct boot_view v;

	(void)state;
	build_elf32_at(&im, 0x90000, 0x1000, 0xf000); /* ends at 0x9f000 */
	p = params(&im);
	p.cmdline = "short";
	v = load_ok(&p, &res);
	assert_int_equal(v.mbi, 0x9f000); /* fits in [0x9f000, 0x9fc00) */
	assert_true(res.info_end <= 0x9fc00);

	p.module = mod;
	p.module_size = sizeof(mod);
	v = load_ok(&p, &res);
	assert_int_equal(v.mbi, 0x9f000);
	assert_int_equal(v.mod_start, MIB); /* skips the hole */

	setup_ram(NULL);
	memset(cmd, 'x', sizeof(cmd) - 1);
	p.cmdline = cmd; /* the info no longer fits below 0x9fc00 */
	v = load_ok(&p, &res);
	assert_int_equal(v.mbi, MIB);
	assert_int_equal(v.mod_start, MIB + 0x2000);
	assert_ram_byte_range(0x9f000, 0x1000, 0xaa);

	/* Ending exactly at the hole: the next page boundary is in it. */
	build_elf32_at(&im, 0x90000, 0x1000, 0xfc00);
	p = params(&im);
	v = load_ok(&p, &res);
	assert_int_equal(v.mbi, MIB);
}

/* An image whose end is near the end of RAM: the refusal names the info's
 * range, the image's range and the RAM. */
static void test_image_near_ram_end(void **state)
{
	static struct image im;
	static char cmd[4096];
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	build_elf32_at(&im, 0x7f0000, 0x1000, 0xf800); /* ends 0x7ff800 */
	expect_fail(
		&im, -E2BIG,
		"after the image [0x7f0000, 0x7ff800) does not fit in guest RAM [0, 0x800000)");
	expect_fail(&im, -E2BIG, "multiboot info [0x800000, 0x8000e2)");

	/* One page left holds the info of a short command line ... */
	build_elf32_at(&im, 0x7f0000, 0x1000, 0xf000);
	p = params(&im);
	p.cmdline = "short";
	load_ok(&p, &res);
	assert_int_equal(res.ebx, 0x7ff000);
	/* ... but not of a 4095-character one (0xe0 + 1 + 4096 bytes). */
	memset(cmd, 'y', sizeof(cmd) - 1);
	p.cmdline = cmd;
	expect_fail_p(
		&p, -E2BIG,
		"multiboot info [0x7ff000, 0x8000e1) after the image [0x7f0000, 0x7ff000) does not fit");
}

/* mem_upper: the KiB of RAM from 1 MiB up, RAM below 4 GiB only. */
static void test_mem_upper_sizes(void **state)
{
	static const struct {
		u64 ram, mem_upper;
	} sizes[] = {
		{ 2 * MIB, 1024 },
		{ 8 * MIB, 7168 },
		{ 64 * MIB, 64512 },
		{ 3 * GIB + 512 * MIB, 3668992 },
		{ 4 * GIB, 4193280 },
		{ 4 * GIB + 2 * MIB, 4193280 }, /* capped: 32-bit guest */
		{ 64 * GIB, 4193280 },
	};
	static struct image im;

	(void)state;
	build_elf32(&im);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct guest_load_params p = params(&im);
		struct guest_load_result res;
		u8 *big = ram;

		if (sizes[i].ram > RAM_SIZE) {
			big = mmap(NULL, sizes[i].ram, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				   -1, 0);
			if (big == MAP_FAILED) {
				print_message("skip %llu MiB: no mmap\n",
					      sizes[i].ram >> 20);
				continue;
			}
		}
		p.ram = big;
		p.ram_size = sizes[i].ram;
		assert_int_equal(load_exact(&p, &res), 0);
		check_contract(&p, &res, NULL);
		assert_int_equal(rd32(big, res.ebx + 8), sizes[i].mem_upper);
		/* The last mmap entry covers all of RAM above 1 MiB. */
		assert_int_equal(rd64(big, rd32(big, res.ebx + 48) + 72 + 12),
				 sizes[i].ram - MIB);
		if (big != ram)
			munmap(big, sizes[i].ram);
	}
}

/* The memory map as a guest walks it: entry by entry with the size field. */
static void test_mmap_walk(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;
	u64 usable = 0, at, end;
	int n = 0;

	(void)state;
	build_elf32(&im);
	p = params(&im);
	load_ok(&p, &res);
	at = rd32(ram, res.ebx + 48);
	end = at + rd32(ram, res.ebx + 44);
	while (at < end) {
		u64 base = rd64(ram, at + 4), len = rd64(ram, at + 12);

		if (rd32(ram, at + 20) == 1)
			usable += len;
		else /* reserved: below 1 MiB only */
			assert_true(base + len <= MIB);
		at += 4 + rd32(ram, at);
		n++;
	}
	assert_int_equal(at, end);
	assert_int_equal(n, 4);
	/* Usable: 639 KiB low plus everything from 1 MiB. */
	assert_int_equal(usable, 0x9fc00 + RAM_SIZE - MIB);
	assert_int_equal(rd32(ram, res.ebx + 4) * 1024ULL, 0x9fc00);
}

/* Placement is only after the image: a failing load writes nothing past
 * it, and the info never lands inside an ELF gap or below the image. */
static void test_placement_only_after_image(void **state)
{
	static struct image im;
	static u8 mod[0x100];
	struct guest_load_params p;
	struct guest_load_result res;
	struct boot_view v;

	(void)state;
	build_elf32(&im); /* gap [0x101000, 0x102000) between segments */
	p = params(&im);
	p.module = mod;
	p.module_size = sizeof(mod);
	p.cmdline = "gap";
	v = load_ok(&p, &res);
	assert_true(v.mbi >= res.load_end);
	assert_true(v.cmdline >= res.load_end);
	assert_true(v.mmap_addr >= res.load_end);
	assert_true(v.mods_addr >= res.load_end);
	assert_ram_byte_range(0x101000, 0x1000, 0xaa);

	/* Module too large: refused before anything is written. */
	setup_ram(NULL);
	p.module_size = RAM_SIZE;
	expect_fail_p(&p, -E2BIG, "does not fit");
	assert_ram_byte_range(0x104000, RAM_SIZE - 0x104000, 0xaa);
}

/* ---- error paths ----------------------------------------------------- */

static void test_header_errors(void **state)
{
	static struct image im;

	(void)state;
	/* Bad checksum. */
	build_elf32(&im);
	mbh(&im, E32_MBH_OFF)->checksum ^= 1;
	expect_fail(&im, -ENOEXEC, "bad checksum");
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->flags |= 1u << 17; /* checksum not fixed */
	expect_fail(&im, -ENOEXEC, "bad checksum");

	/* Unsupported required flags (bits 3..15). */
	for (int bit = 3; bit < 16; bit++) {
		char want[40];

		build_elf32(&im);
		mbh(&im, E32_MBH_OFF)->flags |= 1u << bit;
		fix_checksum(&im, E32_MBH_OFF);
		snprintf(want, sizeof(want), "requires flags 0x%x", 1u << bit);
		expect_fail(&im, -ENOEXEC, want);
	}

	/* An a.out-kludge image has no program headers: its errors name the
	 * a.out load range. */
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->header_addr = 0x9f040;
	mbh(&im, AOUT_MBH_OFF)->load_addr = 0x9f000;
	mbh(&im, AOUT_MBH_OFF)->load_end_addr = 0xa0800;
	mbh(&im, AOUT_MBH_OFF)->bss_end_addr = 0xa3000;
	mbh(&im, AOUT_MBH_OFF)->entry_addr = 0x9f080;
	fix_checksum(&im, AOUT_MBH_OFF);
	expect_fail(
		&im, -E2BIG,
		"multiboot a.out-kludge load range: load range [0x9f000, 0xa3000) overlaps [0x9fc00, 0x100000), reserved in the memory map");
	{
		struct guest_load_params ap = params(&im);
		struct guest_load_result ar;

		assert_int_equal(load_exact(&ap, &ar), -E2BIG);
		assert_null(strstr(ar.error, "program header"));
	}

	/* A multiboot header without the a.out flag on a non-ELF image. */
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->flags &= ~T_MB_AOUT;
	fix_checksum(&im, AOUT_MBH_OFF);
	expect_fail(&im, -ENOEXEC, "needs an ELF image");
	/* ... even when flat binaries are allowed. */
	struct guest_load_params p = params(&im);

	p.flat_ok = true;
	expect_fail_p(&p, -ENOEXEC, "needs an ELF image");
}

static void test_header_search(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;
	struct t_mbh plain = { .flags = 0 };

	(void)state;
	/* No header at all, flat binaries not allowed. */
	fill_pattern(&im, 0x3000);
	expect_fail(&im, -ENOEXEC, "no multiboot header in the first 8 KiB");

	/* ELF without a multiboot header (even with flat_ok). */
	build_elf32(&im);
	memset(im.b + E32_MBH_OFF, 0, 12);
	expect_fail(&im, -ENOEXEC, "ELF image without a multiboot header");
	p = params(&im);
	p.flat_ok = true;
	expect_fail_p(&p, -ENOEXEC, "ELF image without a multiboot header");

	/* The last header start that fits in 8 KiB is found ... */
	fill_pattern(&im, 0x3000);
	put_mbh(&im, 8192 - 12, &plain);
	expect_fail(&im, -ENOEXEC, "needs an ELF image");
	/* ... one that crosses 8 KiB is not, nor one beyond it. */
	fill_pattern(&im, 0x3000);
	put_mbh(&im, 8192 - 8, &plain);
	expect_fail(&im, -ENOEXEC, "no multiboot header in the first 8 KiB");
	fill_pattern(&im, 0x3000);
	put_mbh(&im, 8192, &plain);
	expect_fail(&im, -ENOEXEC, "no multiboot header in the first 8 KiB");
	p = params(&im);
	p.flat_ok = true;
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.kind, GUEST_IMAGE_FLAT);

	/* A misaligned magic is not a header. */
	fill_pattern(&im, 0x3000);
	put_mbh(&im, 0x102, &plain);
	expect_fail(&im, -ENOEXEC, "no multiboot header in the first 8 KiB");

	/* A header in the last bytes of the image, truncated. */
	fill_pattern(&im, 0x1000);
	put_mbh(&im, 0x1000 - 12, &plain); /* complete 12 bytes: found */
	expect_fail(&im, -ENOEXEC, "needs an ELF image");
	im.len = 0x1000 - 4; /* magic + flags, no checksum: not found */
	expect_fail(&im, -ENOEXEC, "no multiboot header in the first 8 KiB");
	p = params(&im);
	p.flat_ok = true;
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.kind, GUEST_IMAGE_FLAT);
	im.len = 0x1000 - 8; /* magic only */
	expect_fail(&im, -ENOEXEC, "no multiboot header in the first 8 KiB");
	/* a.out header with only 12 of its 32 bytes in the image. */
	fill_pattern(&im, 0x1000);
	put_mbh(&im, 0x1000 - 32,
		&(struct t_mbh){ .flags = T_MB_AOUT,
				 .header_addr = 0x100fe0,
				 .load_addr = 0x100000,
				 .entry_addr = 0x100000 });
	im.len = 0x1000 - 20;
	expect_fail(&im, -ENOEXEC, "a.out header truncated");
	im.len = 0x1000 - 1;
	expect_fail(&im, -ENOEXEC, "a.out header truncated");
	im.len = 0x1000; /* complete: loads */
	p = params(&im);
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_AOUT);
}

static void test_bad_params(void **state)
{
	static struct image im;
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	build_elf32(&im);
	p = params(&im);
	p.ram = NULL;
	expect_fail_p(&p, -EINVAL, "bad loader parameters");
	p = params(&im);
	p.ram_size = 2 * MIB - 1;
	expect_fail_p(&p, -EINVAL, "bad loader parameters");
	p = params(&im);
	p.ram_size = (1ULL << 40) + 1;
	expect_fail_p(&p, -EINVAL, "bad loader parameters");
	p = params(&im);
	p.image = NULL;
	expect_fail_p(&p, -EINVAL, "bad loader parameters");
	p = params(&im);
	p.image_size = 0;
	p.flat_ok = true;
	expect_fail_p(&p, -EINVAL, "bad loader parameters");
	/* The result is reset: no stale entry or magic. */
	assert_int_equal(guest_load(&p, &res), -EINVAL);
	assert_int_equal(res.eax, 0);
	assert_int_equal(res.entry, 0);
}

static void test_aout_errors(void **state)
{
	static struct image im;
	struct t_mbh *h;

	(void)state;
	/* header_addr below load_addr. */
	build_aout(&im);
	h = mbh(&im, AOUT_MBH_OFF);
	h->header_addr = 0xfffff;
	fix_checksum(&im, AOUT_MBH_OFF);
	expect_fail(&im, -ENOEXEC, "do not match the header's file offset");
	/* header_addr - load_addr larger than the header's file offset. */
	build_aout(&im);
	h = mbh(&im, AOUT_MBH_OFF);
	h->header_addr = 0x100041;
	expect_fail(&im, -ENOEXEC, "do not match the header's file offset");
	/* ... off by exactly the offset is fine (file offset 0). */
	build_aout(&im);
	h = mbh(&im, AOUT_MBH_OFF);
	h->header_addr = 0x100040;
	struct guest_load_params p = params(&im);
	struct guest_load_result res;

	assert_int_equal(load_exact(&p, &res), 0);

	/* load_end_addr below load_addr. */
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->load_end_addr = 0xfffff;
	expect_fail(&im, -ENOEXEC, "load_end_addr 0xfffff is below load_addr");

	/* bss_end_addr below the loaded end. */
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->bss_end_addr = 0x1017ff;
	expect_fail(&im, -ENOEXEC, "bss_end_addr 0x1017ff is below");
	build_aout(&im); /* bss_end with load_end_addr = 0 (end of file) */
	mbh(&im, AOUT_MBH_OFF)->load_end_addr = 0;
	mbh(&im, AOUT_MBH_OFF)->bss_end_addr = 0x101fff;
	expect_fail(&im, -ENOEXEC, "bss_end_addr 0x101fff is below");

	/* a.out load range outside the file. */
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->load_end_addr = 0x102001;
	expect_fail(&im, -ENOEXEC, "a.out load range");
	build_aout(&im); /* exactly the whole file is fine */
	mbh(&im, AOUT_MBH_OFF)->load_end_addr = 0x102000;
	p = params(&im);
	assert_int_equal(load_exact(&p, &res), 0);

	/* Entry outside the loaded image. */
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->entry_addr = 0x104000;
	expect_fail(&im, -ENOEXEC, "entry_addr 0x104000 is outside");
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->entry_addr = 0xfffff;
	expect_fail(&im, -ENOEXEC, "entry_addr 0xfffff is outside");
	build_aout(&im); /* empty image: no address is inside it */
	mbh(&im, AOUT_MBH_OFF)->load_end_addr = 0x100000;
	mbh(&im, AOUT_MBH_OFF)->bss_end_addr = 0;
	mbh(&im, AOUT_MBH_OFF)->entry_addr = 0x100000;
	expect_fail(&im, -ENOEXEC, "is outside");

	/* Outside guest RAM, or below 1 MiB. */
	build_aout(&im);
	h = mbh(&im, AOUT_MBH_OFF);
	h->header_addr = 0x7ff040;
	h->load_addr = 0x7ff000;
	h->load_end_addr = 0x800800;
	h->bss_end_addr = 0;
	h->entry_addr = 0x7ff000;
	fix_checksum(&im, AOUT_MBH_OFF);
	expect_fail(&im, -E2BIG, "outside guest RAM");
	build_aout(&im);
	h = mbh(&im, AOUT_MBH_OFF);
	h->header_addr = 0x7ff040;
	h->load_addr = 0x7ff000;
	h->load_end_addr = 0x800000;
	h->bss_end_addr = 0xffffffff;
	h->entry_addr = 0x7ff000;
	fix_checksum(&im, AOUT_MBH_OFF);
	expect_fail(&im, -E2BIG, "outside guest RAM");
	/* Below 1 MiB is usable RAM: an a.out image at 0x80000 loads, and
	 * its info follows it in low memory. */
	build_aout(&im);
	h = mbh(&im, AOUT_MBH_OFF);
	h->header_addr = 0x80040;
	h->load_addr = 0x80000;
	h->load_end_addr = 0x81000;
	h->bss_end_addr = 0;
	h->entry_addr = 0x80000;
	fix_checksum(&im, AOUT_MBH_OFF);
	p = params(&im);
	load_ok(&p, &res);
	assert_memory_equal(ram + 0x80000, im.b, 0x1000);
	assert_int_equal(res.ebx, 0x81000);
}

static void test_elf_errors(void **state)
{
	static struct image im;

	(void)state;
	/* Bad ELF class. */
	build_elf32(&im);
	im.b[4] = 3;
	expect_fail(&im, -ENOEXEC, "ELF class 3 is neither");
	im.b[4] = 0;
	expect_fail(&im, -ENOEXEC, "ELF class 0 is neither");

	/* Wrong machine. */
	build_elf32(&im);
	e32(&im)->e_machine = 40; /* ARM */
	expect_fail(&im, -ENOEXEC, "ELF32 machine 40 is not x86");
	build_elf32(&im); /* x86-64 in an ELF32 (x32) is accepted */
	e32(&im)->e_machine = 62;
	struct guest_load_params p = params(&im);
	struct guest_load_result res;

	assert_int_equal(load_exact(&p, &res), 0);
	build_elf64(&im);
	e64(&im)->e_machine = 3;
	expect_fail(&im, -ENOEXEC, "ELF64 machine 3 is not x86-64");

	/* Truncated ELF headers (multiboot header inside the short image). */
	fill_pattern(&im, 48);
	memcpy(im.b,
	       "\x7f"
	       "ELF\x01",
	       5);
	put_mbh(&im, 16, &(struct t_mbh){ .flags = 0 });
	expect_fail(&im, -ENOEXEC, "ELF32 header truncated");
	fill_pattern(&im, 60);
	memcpy(im.b,
	       "\x7f"
	       "ELF\x02",
	       5);
	put_mbh(&im, 16, &(struct t_mbh){ .flags = 0 });
	expect_fail(&im, -ENOEXEC, "ELF64 header truncated");

	/* Program headers outside the file. */
	build_elf32(&im);
	e32(&im)->e_phoff = 0x2800 - 4 * 32 + 1;
	expect_fail(&im, -ENOEXEC, "ELF32 program headers");
	build_elf32(&im);
	e32(&im)->e_phoff = 0xffffffff;
	expect_fail(&im, -ENOEXEC, "lie outside the image");
	build_elf32(&im);
	e32(&im)->e_phnum = 0xffff;
	expect_fail(&im, -ENOEXEC, "lie outside the image");
	build_elf32(&im);
	e32(&im)->e_phentsize = 31; /* smaller than a program header */
	expect_fail(&im, -ENOEXEC, "lie outside the image");
	build_elf32(&im); /* the last header ends exactly at the image end */
	memcpy(im.b + 0x2800 - 4 * 32, im.b + E32_PH(&im, 0), 4 * 32);
	e32(&im)->e_phoff = 0x2800 - 4 * 32;
	p = params(&im);
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.load_end, 0x103a10);
	build_elf64(&im);
	e64(&im)->e_phoff = 0x2800 - 2 * 56 + 1;
	expect_fail(&im, -ENOEXEC, "ELF64 program headers lie outside");
	build_elf64(&im);
	e64(&im)->e_phoff = 0xffffffffffffffc0ULL; /* offset + size wraps */
	expect_fail(&im, -ENOEXEC, "ELF64 program headers lie outside");
	build_elf64(&im);
	e64(&im)->e_phentsize = 55;
	expect_fail(&im, -ENOEXEC, "ELF64 program headers lie outside");

	/* filesz > memsz. */
	build_elf32(&im);
	p32(&im, 1)->p_filesz = 0x1a11;
	expect_fail(
		&im, -ENOEXEC,
		"program header 1: file size 0x1a11 exceeds memory size 0x1a10");
	build_elf64(&im);
	p64(&im, 0)->p_filesz = 0x1001;
	expect_fail(
		&im, -ENOEXEC,
		"program header 0: file size 0x1001 exceeds memory size 0x1000");

	/* Segment file bytes outside the image. */
	build_elf32(&im);
	p32(&im, 1)->p_offset = 0x2001;
	expect_fail(&im, -ENOEXEC, "program header 1: file bytes");
	build_elf32(&im);
	p32(&im, 1)->p_offset = 0xfffff000; /* offset + filesz wraps in u32 */
	p32(&im, 1)->p_filesz = 0x1000;
	expect_fail(&im, -ENOEXEC, "program header 1: file bytes");
	build_elf64(&im);
	p64(&im, 1)->p_offset = 0xfffffffffffff900ULL; /* wraps in u64 */
	expect_fail(&im, -ENOEXEC, "program header 1: file bytes");

	/* Segments outside RAM or below 1 MiB. */
	build_elf32(&im);
	p32(&im, 1)->p_paddr = 0x7ff000; /* memsz 0x1a10 crosses 8 MiB */
	expect_fail(&im, -E2BIG, "program header 1: load address 0x7ff000");
	build_elf32(&im);
	p32(&im, 0)->p_paddr = 0xfffff000; /* paddr + memsz wraps in u32 */
	p32(&im, 0)->p_memsz = 0x2000;
	expect_fail(&im, -E2BIG, "outside guest RAM");
	build_elf32(&im);
	p32(&im, 0)->p_paddr = 0xff000; /* in the BIOS area */
	expect_fail(
		&im, -E2BIG,
		"program header 0: load range [0xff000, 0x100000) overlaps [0x9fc00, 0x100000)");
	assert_ram_byte_range(0xff000, 0x1000, 0xaa);
	build_elf32(&im);
	p32(&im, 1)->p_paddr = 0x7fe5f0; /* ends exactly at 8 MiB ... */
	expect_fail(&im, -E2BIG, /* ... leaving no room for the info */
		    "multiboot info [0x800000, 0x");
	build_elf32(&im);
	p32(&im, 1)->p_paddr = 0x7fd5f0; /* one page left: fits */
	p = params(&im);
	load_ok(&p, &res);
	assert_int_equal(res.load_end, RAM_SIZE - 0x1000);
	assert_int_equal(res.ebx, RAM_SIZE - 0x1000);
	build_elf64(&im);
	p64(&im, 1)->p_paddr = 0xfffffffffffff000ULL;
	expect_fail(&im, -E2BIG, "outside guest RAM");
	build_elf64(&im);
	p64(&im, 1)->p_paddr = 0x100000000ULL; /* above 4 GiB, not in RAM */
	expect_fail(&im, -E2BIG, "outside guest RAM");
	build_elf64(&im);
	p64(&im, 1)->p_memsz = 0xffffffffffffffffULL;
	expect_fail(&im, -E2BIG, "outside guest RAM");

	/* No PT_LOAD segment. */
	build_elf32(&im);
	p32(&im, 0)->p_type = T_PT_NOTE;
	p32(&im, 1)->p_type = 6; /* PT_PHDR */
	expect_fail(&im, -ENOEXEC, "ELF32 image has no PT_LOAD segment");
	build_elf32(&im);
	e32(&im)->e_phnum = 0;
	expect_fail(&im, -ENOEXEC, "ELF32 image has no PT_LOAD segment");
	build_elf64(&im);
	p64(&im, 0)->p_memsz = 0;
	p64(&im, 0)->p_filesz = 0;
	p64(&im, 1)->p_type = 0;
	expect_fail(&im, -ENOEXEC, "ELF64 image has no PT_LOAD segment");

	/* ELF64 entry above 4 GiB. */
	build_elf64(&im);
	e64(&im)->e_entry = 0xffffffff80100040ULL;
	expect_fail(&im, -ENOEXEC,
		    "ELF64 entry 0xffffffff80100040 is above 4 GiB");
	build_elf64(&im);
	e64(&im)->e_entry = 0x100000000ULL + E64_ENTRY; /* not truncated */
	expect_fail(&im, -ENOEXEC, "above 4 GiB");

	/* Entry point outside the loaded image. */
	build_elf32(&im);
	e32(&im)->e_entry = 0x103a10;
	expect_fail(
		&im, -ENOEXEC,
		"entry point 0x103a10 is outside the loaded image [0x100000, 0x103a10)");
	build_elf32(&im);
	e32(&im)->e_entry = 0xc0100020; /* the vaddr, not the paddr */
	expect_fail(&im, -ENOEXEC, "entry point 0xc0100020 is outside");
	build_elf64(&im);
	e64(&im)->e_entry = 0xfffff;
	expect_fail(&im, -ENOEXEC, "entry point 0xfffff is outside");
}

static void test_module_errors(void **state)
{
	static struct image im;
	static u8 mod[RAM_SIZE - 0x105000 + 1];
	struct guest_load_params p;

	(void)state;
	build_elf32(&im);
	p = params(&im);
	p.module = mod;
	p.module_size = sizeof(mod); /* one byte too many */
	p.module_name = "big";
	expect_fail_p(
		&p, -E2BIG,
		"module 'big' (0x6fb001 bytes at 0x105000, after the image [0x100000, 0x103a10) and the multiboot info [0x104000, 0x");
	expect_fail_p(&p, -E2BIG, ")) does not fit in guest RAM [0, 0x800000)");
	assert_ram_byte_range(0x105000, 0x1000, 0xaa); /* nothing copied */
	p.module_size = ~0ULL; /* would wrap; never read */
	expect_fail_p(&p, -E2BIG, "does not fit in guest RAM");
	p.module_size = 16;
	p.ram_size = 2 * MIB;
	build_elf32(&im);
	p32(&im, 1)->p_paddr = 0x1fd5f0; /* one page left, for the info */
	p.image_size = im.len;
	expect_fail_p(&p, -E2BIG, "module 'big' (0x10 bytes at 0x200000");
}

/* ---- seeded random mutation ------------------------------------------ */

static u64 rng_state;

static u64 rnd(void)
{
	/* xorshift64*: deterministic on every host. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static u32 interesting32(size_t len)
{
	static const u32 v[] = {
		0, 1, 4, 0x7f, 0x80, 0xfff, 0x1000, 0xffff, 0x10000, 0xfffff,
		0x100000, 0x100020, 0x101000, 0x1fffff, 0x3ff000, 0x400000,
		0x7fffffff, 0x80000000, 0xfffff000, 0xffffffff,
		/* low memory and the edges of the reserved hole */
		0x8000, 0x9f000, 0x9fc00, 0xa0000, 0xf0000, 0x3fe000
	};
	u64 k = rnd() % (ARRAY_SIZE(v) + 3);

	if (k < ARRAY_SIZE(v))
		return v[k];
	if (k == ARRAY_SIZE(v))
		return (u32)len + (u32)(rnd() % 3) - 1;
	return (u32)rnd();
}

static void test_random_mutation(void **state)
{
	static struct image base[3], im;
	static const size_t mbh_off[3] = { E32_MBH_OFF, AOUT_MBH_OFF,
					   E64_MBH_OFF };
	static u8 mod[4 * MIB + 1];
	const u64 ram_size = 4 * MIB;
	unsigned int ok[3] = { 0 }, failed[3] = { 0 };

	(void)state;
	rng_state = 0x7d9a6c1be5f03421ULL;
	build_elf32(&base[0]);
	build_aout(&base[1]);
	build_elf64(&base[2]);
	for (size_t i = 0; i < sizeof(mod); i++)
		mod[i] = (u8)i;

	for (int iter = 0; iter < 100000; iter++) {
		int which = iter % 3;
		int muts = 1 + (int)(rnd() % 4);
		struct guest_load_params p;
		struct guest_load_result res;

		im = base[which];
		for (int m = 0; m < muts; m++) {
			/* Mostly the headers: ELF, phdrs, multiboot. */
			size_t hot = 0x240;
			size_t pos = (rnd() % 4 ? rnd() % hot : rnd() % im.len);

			switch (rnd() % 4) {
			case 0:
				im.b[pos] = (u8)rnd();
				break;
			case 1:
				pos &= ~(size_t)3;
				if (pos + 4 <= im.len)
					wr32(im.b, pos, interesting32(im.len));
				break;
			case 2:
				pos &= ~(size_t)1;
				if (pos + 2 <= im.len)
					wr16(im.b, pos,
					     (u16)interesting32(im.len));
				break;
			default:
				im.b[pos] ^= (u8)(1u << (rnd() % 8));
				break;
			}
		}
		/* Usually keep the checksum right so mutations go deeper. */
		if (rnd() % 4 &&
		    rd32(im.b, mbh_off[which]) == MULTIBOOT_HEADER_MAGIC)
			fix_checksum(&im, mbh_off[which]);
		if (rnd() % 8 == 0)
			im.len = 1 + rnd() % im.len;

		p = params(&im);
		p.ram_size = ram_size;
		p.flat_ok = rnd() % 2;
		if (rnd() % 4 == 0) {
			p.module = mod;
			p.module_size = rnd() % 2 ? rnd() % 0x3000
						  : rnd() % sizeof(mod);
			p.module_name = rnd() % 2 ? "m" : NULL;
		}
		if (rnd() % 8 == 0)
			p.cmdline = "console=ttyS0";
		if (rnd() % 8 == 0)
			p.image_name = "kernel.elf";

		int r = load_exact(&p, &res);

		if (r == 0) {
			ok[which]++;
			assert_true(res.kind <= GUEST_IMAGE_FLAT);
			check_contract(&p, &res, NULL);
			if (res.entry < res.load_start ||
			    res.entry >= res.load_end)
				fail_msg(
					"iter %d: entry 0x%x outside [0x%llx, 0x%llx)",
					iter, res.entry, res.load_start,
					res.load_end);
			if (p.module)
				assert_true(res.module_gpa >= res.info_end);
		} else {
			failed[which]++;
			if (r != -ENOEXEC && r != -E2BIG && r != -EINVAL)
				fail_msg("iter %d: unexpected return %d", iter,
					 r);
			assert_true(res.error[0] != '\0');
			assert_true(strlen(res.error) < sizeof(res.error));
		}
	}
	print_message(
		"random mutation: ok elf32/aout/elf64 %u/%u/%u, failed %u/%u/%u\n",
		ok[0], ok[1], ok[2], failed[0], failed[1], failed[2]);
	for (int i = 0; i < 3; i++) {
		assert_true(ok[i] > 1000);
		assert_true(failed[i] > 1000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_elf32, setup_ram),
		cmocka_unit_test_setup(test_elf32_module, setup_ram),
		cmocka_unit_test_setup(test_module_edge_cases, setup_ram),
		cmocka_unit_test_setup(test_elf64, setup_ram),
		cmocka_unit_test_setup(test_aout, setup_ram),
		cmocka_unit_test_setup(test_aout_offset_and_defaults,
				       setup_ram),
		cmocka_unit_test_setup(test_elf_with_aout_flag, setup_ram),
		cmocka_unit_test_setup(test_flat, setup_ram),
		cmocka_unit_test_setup(test_small_ram_and_optional_flags,
				       setup_ram),
		cmocka_unit_test_setup(test_cmdline_limits, setup_ram),
		cmocka_unit_test_setup(test_low_image_0x8000, setup_ram),
		cmocka_unit_test_setup(test_image_in_low_hole, setup_ram),
		cmocka_unit_test_setup(test_low_image_next_to_hole, setup_ram),
		cmocka_unit_test_setup(test_image_near_ram_end, setup_ram),
		cmocka_unit_test_setup(test_mem_upper_sizes, setup_ram),
		cmocka_unit_test_setup(test_mmap_walk, setup_ram),
		cmocka_unit_test_setup(test_placement_only_after_image,
				       setup_ram),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test_setup(test_header_errors, setup_ram),
		cmocka_unit_test_setup(test_header_search, setup_ram),
		cmocka_unit_test_setup(test_bad_params, setup_ram),
		cmocka_unit_test_setup(test_aout_errors, setup_ram),
		cmocka_unit_test_setup(test_elf_errors, setup_ram),
		cmocka_unit_test_setup(test_module_errors, setup_ram),
		cmocka_unit_test_setup(test_random_mutation, setup_ram),
	};
	int rc;

	ram = calloc(1, RAM_SIZE);
	if (!ram)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(ram);
	return rc;
}
