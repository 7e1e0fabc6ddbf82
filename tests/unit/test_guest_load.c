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

#include "errno_codes.h"
#include "guest_abi.h"
#include "hv/load/guest_load.h"

#define RAM_SIZE (8ULL << 20)
#define IMG_MAX 0x4000
#define MIB (1ULL << 20)

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

/* The multiboot information block, memory map and command line. */
static void check_mbi(u64 ram_size, const char *cmdline, bool module)
{
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 0),
			 T_MBI_MEM | T_MBI_CMDLINE | T_MBI_MMAP |
				 (module ? T_MBI_MODS : 0));
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 4), 0x9fc00 >> 10);
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 8), (ram_size - MIB) >> 10);
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 12), 0); /* boot_device */
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 16), GUEST_CMDLINE_GPA);
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 20), module ? 1 : 0);
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 24),
			 module ? GUEST_MODS_GPA : 0);
	for (int i = 0; i < 4; i++) /* syms */
		assert_int_equal(rd32(ram, GUEST_MBI_GPA + 28 + 4 * i), 0);
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 44), 2 * 24);
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 48), GUEST_MMAP_GPA);

	assert_int_equal(rd32(ram, GUEST_MMAP_GPA + 0), 20);
	assert_int_equal(rd64(ram, GUEST_MMAP_GPA + 4), 0);
	assert_int_equal(rd64(ram, GUEST_MMAP_GPA + 12), 0x9fc00);
	assert_int_equal(rd32(ram, GUEST_MMAP_GPA + 20), 1);
	assert_int_equal(rd32(ram, GUEST_MMAP_GPA + 24), 20);
	assert_int_equal(rd64(ram, GUEST_MMAP_GPA + 28), MIB);
	assert_int_equal(rd64(ram, GUEST_MMAP_GPA + 36), ram_size - MIB);
	assert_int_equal(rd32(ram, GUEST_MMAP_GPA + 44), 1);

	assert_string_equal((const char *)ram + GUEST_CMDLINE_GPA,
			    cmdline ? cmdline : "");
}

static void check_regs(const struct guest_load_result *res, u32 entry)
{
	assert_int_equal(res->entry, entry);
	assert_int_equal(res->eax, 0x2BADB002);
	assert_int_equal(res->eax, MULTIBOOT_BOOTLOADER_MAGIC);
	assert_int_equal(res->ebx, GUEST_MBI_GPA);
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

	(void)state;
	build_elf32(&im);
	p = params(&im);
	p.cmdline = "console=ttyS0 quiet";
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_ELF32);
	check_regs(&res, E32_ENTRY);
	assert_int_equal(res.load_start, 0x100000);
	assert_int_equal(res.load_end, 0x103a10);
	assert_int_equal(res.module_gpa, 0);
	assert_memory_equal(ram + 0x100000, im.b + 0x1000, 0x1000);
	assert_memory_equal(ram + 0x102000, im.b + 0x2000, 0x800);
	assert_ram_byte_range(0x102800, 0x1210, 0x00); /* bss */
	assert_ram_byte_range(0x101000, 0x1000, 0xaa); /* gap untouched */
	assert_ram_byte_range(0x103a10, 0x100, 0xaa);
	assert_ram_byte_range(MIB - 0x100, 0x100, 0xaa);
	check_mbi(RAM_SIZE, "console=ttyS0 quiet", false);
}

static void test_elf32_module(void **state)
{
	static struct image im;
	static u8 mod[0x1801];
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	for (size_t i = 0; i < sizeof(mod); i++)
		mod[i] = (u8)(i ^ 0x5a);
	build_elf32(&im);
	p = params(&im);
	p.module = mod;
	p.module_size = sizeof(mod);
	p.module_name = "initrd.img root=/dev/ram0";
	assert_int_equal(load_exact(&p, &res), 0);
	check_regs(&res, E32_ENTRY);
	/* Kernel ends at 0x103a10: the module starts on the next page. */
	assert_int_equal(res.module_gpa, 0x104000);
	assert_memory_equal(ram + 0x104000, mod, sizeof(mod));
	assert_ram_byte_range(0x103a10, 0x104000 - 0x103a10, 0xaa);
	assert_ram_byte_range(0x104000 + sizeof(mod), 0x100, 0xaa);
	assert_int_equal(rd32(ram, GUEST_MODS_GPA + 0), 0x104000);
	assert_int_equal(rd32(ram, GUEST_MODS_GPA + 4), 0x104000 + sizeof(mod));
	assert_int_equal(rd32(ram, GUEST_MODS_GPA + 8), GUEST_MODNAME_GPA);
	assert_int_equal(rd32(ram, GUEST_MODS_GPA + 12), 0);
	assert_string_equal((const char *)ram + GUEST_MODNAME_GPA,
			    "initrd.img root=/dev/ram0");
	check_mbi(RAM_SIZE, NULL, true);
}

static void test_module_edge_cases(void **state)
{
	static struct image im;
	static u8 mod[16] = "module-bytes";
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	build_elf32(&im);
	p = params(&im);

	/* No name: an empty string. */
	p.module = mod;
	p.module_size = sizeof(mod);
	p.module_name = NULL;
	assert_int_equal(load_exact(&p, &res), 0);
	assert_string_equal((const char *)ram + GUEST_MODNAME_GPA, "");
	assert_int_equal(rd32(ram, GUEST_MBI_GPA + 20), 1);

	/* Empty module. */
	p.module_size = 0;
	p.module_name = "empty";
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(rd32(ram, GUEST_MODS_GPA + 0), 0x104000);
	assert_int_equal(rd32(ram, GUEST_MODS_GPA + 4), 0x104000);

	/* A module that fills RAM exactly to the end fits. */
	static u8 big[RAM_SIZE - 0x104000];

	p.module = big;
	p.module_size = sizeof(big);
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.module_gpa, 0x104000);

	/* A name longer than a page is cut to 4095 bytes. */
	static char longname[5000];

	memset(longname, 'n', sizeof(longname) - 1);
	p.module = mod;
	p.module_size = sizeof(mod);
	p.module_name = longname;
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(strlen((const char *)ram + GUEST_MODNAME_GPA), 4095);
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
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_ELF64);
	check_regs(&res, E64_ENTRY);
	assert_int_equal(res.load_start, 0x100000);
	assert_int_equal(res.load_end, 0x181000);
	assert_memory_equal(ram + 0x100000, im.b + 0x1000, 0x1000);
	assert_memory_equal(ram + 0x180000, im.b + 0x2000, 0x800);
	assert_ram_byte_range(0x180800, 0x800, 0x00);
	assert_ram_byte_range(0x101000, 0x1000, 0xaa);
	assert_ram_byte_range(0x181000, 0x100, 0xaa);
	check_mbi(RAM_SIZE, "", false);
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
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_AOUT);
	check_regs(&res, 0x100080);
	assert_int_equal(res.load_start, 0x100000);
	assert_int_equal(res.load_end, 0x104000);
	assert_memory_equal(ram + 0x100000, im.b, 0x1800);
	assert_ram_byte_range(0x101800, 0x2800, 0x00);
	assert_ram_byte_range(0x104000, 0x100, 0xaa);
	check_mbi(RAM_SIZE, "a.out", false);
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
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.kind, GUEST_IMAGE_MULTIBOOT_AOUT);
	check_regs(&res, 0x201fff);
	assert_int_equal(res.load_start, 0x200000);
	assert_int_equal(res.load_end, 0x202000);
	assert_memory_equal(ram + 0x200000, im.b + 0x1000, 0x2000);
	assert_ram_byte_range(0x202000, 0x100, 0xaa);
	assert_ram_byte_range(0x1ff000, 0x1000, 0xaa);

	/* Entry in the bss is inside the image. */
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->entry_addr = 0x103fff;
	p = params(&im);
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.entry, 0x103fff);

	/* bss_end == load_end: no bss. */
	setup_ram(NULL);
	build_aout(&im);
	mbh(&im, AOUT_MBH_OFF)->bss_end_addr = 0x101800;
	p = params(&im);
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.load_end, 0x101800);
	assert_ram_byte_range(0x101800, 0x100, 0xaa);
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
	assert_int_equal(load_exact(&p, &res), 0);
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
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.kind, GUEST_IMAGE_FLAT);
	check_regs(&res, GUEST_FLAT_GPA);
	assert_int_equal(res.load_start, GUEST_FLAT_GPA);
	assert_int_equal(res.load_end, GUEST_FLAT_GPA + 0x1234);
	assert_memory_equal(ram + GUEST_FLAT_GPA, im.b, 0x1234);
	assert_ram_byte_range(GUEST_FLAT_GPA + 0x1234, 0x100, 0xaa);
	check_mbi(RAM_SIZE, "flat", false);

	/* One byte; and a flat binary that fills RAM to the end. */
	im.len = 1;
	p = params(&im);
	p.flat_ok = true;
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.load_end, GUEST_FLAT_GPA + 1);

	static u8 big[RAM_SIZE - GUEST_FLAT_GPA];

	p.image = big;
	p.image_size = sizeof(big);
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.load_end, RAM_SIZE);
	p.image_size = sizeof(big) + 1;
	p.image = malloc(p.image_size);
	assert_non_null(p.image);
	memset((u8 *)p.image, 0, p.image_size);
	expect_fail_p(&p, -E2BIG, "outside guest RAM");
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
	assert_int_equal(load_exact(&p, &res), 0);
	check_mbi(2 * MIB, NULL, false);
	/* Bit 2 (video) is a requirement the loader accepts. */
	build_elf32(&im);
	mbh(&im, E32_MBH_OFF)->flags |= T_MB_VIDEO;
	fix_checksum(&im, E32_MBH_OFF);
	p = params(&im);
	assert_int_equal(load_exact(&p, &res), 0);
}

static void test_cmdline_limits(void **state)
{
	static struct image im;
	static char cmd[4097];
	struct guest_load_params p;
	struct guest_load_result res;

	(void)state;
	build_elf32(&im);
	p = params(&im);
	memset(cmd, 'c', 4095);
	cmd[4095] = '\0';
	p.cmdline = cmd;
	assert_int_equal(load_exact(&p, &res), 0);
	assert_string_equal((const char *)ram + GUEST_CMDLINE_GPA, cmd);
	cmd[4095] = 'c';
	cmd[4096] = '\0';
	expect_fail_p(&p, -EINVAL, "command line");
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
	mbh(&im, AOUT_MBH_OFF)->header_addr = 0x80040;
	mbh(&im, AOUT_MBH_OFF)->load_addr = 0x80000;
	mbh(&im, AOUT_MBH_OFF)->load_end_addr = 0x81800;
	mbh(&im, AOUT_MBH_OFF)->bss_end_addr = 0x84000;
	mbh(&im, AOUT_MBH_OFF)->entry_addr = 0x80080;
	fix_checksum(&im, AOUT_MBH_OFF);
	expect_fail(
		&im, -E2BIG,
		"multiboot a.out-kludge load range: load address 0x80000+0x4000 is outside guest RAM");
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
	build_aout(&im);
	h = mbh(&im, AOUT_MBH_OFF);
	h->header_addr = 0x80040;
	h->load_addr = 0x80000;
	h->load_end_addr = 0x81000;
	h->bss_end_addr = 0;
	h->entry_addr = 0x80000;
	fix_checksum(&im, AOUT_MBH_OFF);
	expect_fail(&im, -E2BIG, "outside guest RAM");
	assert_ram_byte_range(0x80000, 0x1000, 0xaa);
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
	p32(&im, 0)->p_paddr = 0xff000; /* below 1 MiB */
	expect_fail(&im, -E2BIG, "program header 0: load address 0xff000");
	assert_ram_byte_range(0xff000, 0x1000, 0xaa);
	build_elf32(&im);
	p32(&im, 1)->p_paddr = 0x7fe5f0; /* ends exactly at 8 MiB: fits */
	p = params(&im);
	assert_int_equal(load_exact(&p, &res), 0);
	assert_int_equal(res.load_end, RAM_SIZE);
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
	static u8 mod[RAM_SIZE - 0x104000 + 1];
	struct guest_load_params p;

	(void)state;
	build_elf32(&im);
	p = params(&im);
	p.module = mod;
	p.module_size = sizeof(mod); /* one byte too many */
	p.module_name = "big";
	expect_fail_p(&p, -E2BIG, "module (7323649 bytes) does not fit");
	p.module_size = ~0ULL; /* would wrap; never read */
	expect_fail_p(&p, -E2BIG, "does not fit in guest RAM after the kernel");
	p.module_size = 16;
	p.ram_size = 2 * MIB;
	build_elf32(&im);
	p32(&im, 1)->p_paddr = 0x1fe5f0; /* kernel ends at the end of RAM */
	p.image_size = im.len;
	expect_fail_p(&p, -E2BIG, "does not fit");
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
		0,	  1,	      4,	  0x7f,	      0x80,
		0xfff,	  0x1000,     0xffff,	  0x10000,    0xfffff,
		0x100000, 0x100020,   0x101000,	  0x1fffff,   0x3ff000,
		0x400000, 0x7fffffff, 0x80000000, 0xfffff000, 0xffffffff
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

		int r = load_exact(&p, &res);

		if (r == 0) {
			ok[which]++;
			assert_string_equal(res.error, "");
			assert_true(res.kind <= GUEST_IMAGE_FLAT);
			assert_true(res.load_start >= GUEST_MIN_LOAD_GPA);
			assert_true(res.load_end <= ram_size);
			assert_true(res.load_start < res.load_end);
			if (res.entry < res.load_start ||
			    res.entry >= res.load_end)
				fail_msg(
					"iter %d: entry 0x%x outside [0x%llx, 0x%llx)",
					iter, res.entry, res.load_start,
					res.load_end);
			assert_int_equal(res.eax, MULTIBOOT_BOOTLOADER_MAGIC);
			assert_int_equal(res.ebx, GUEST_MBI_GPA);
			if (p.module) {
				assert_true(res.module_gpa >= res.load_end);
				assert_int_equal(res.module_gpa % 4096, 0);
				assert_true(res.module_gpa + p.module_size <=
					    ram_size);
			}
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
