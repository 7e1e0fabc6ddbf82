// SPDX-License-Identifier: GPL-2.0
/*
 * hv/load/bzimage.c: bzImage files built here with the setup header a
 * Linux 6.1 x86_64 kernel carries, loaded into a host buffer as guest RAM;
 * the placements, every boot_params field read back at the offsets the
 * boot protocol and the zero-page table give (written here from the
 * specification, not taken from the loader), every refusal with its
 * message, truncated images and a flip of every header byte.
 *
 * Each image is copied into a heap buffer of exactly its size before it is
 * loaded, so ASan reports any read past its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/mman.h>

#include "errno_codes.h"
#include "hv/load/bzimage.h"

#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
#define RAM_SIZE (128 * MIB)
#define RAM_FILL 0xcc

/*
 * The test kernel.  Header values are those of a Debian 6.1 x86_64 bzImage
 * (boot protocol 2.15): setup_sects 27 (28 sectors of setup with the boot
 * sector), root_flags 1, vid_mode 0xffff (NORMAL_VGA), boot_flag 0xaa55, a
 * short jump "eb 6a" to the header end 0x26c, start_sys_seg 0x1000,
 * loadflags LOADED_HIGH, setup_move_size 0x8000, code32_start 0x100000,
 * initrd_addr_max 0x7fffffff, kernel_alignment 0x200000
 * (CONFIG_PHYSICAL_ALIGN), relocatable_kernel 1, min_alignment 21,
 * xloadflags 0x7f (64-bit, above 4G, EFI handover 32 and 64, EFI kexec,
 * 5-level), cmdline_size 0x7ff, pref_address 0x1000000
 * (CONFIG_PHYSICAL_START), init_size 0x2d4f000 (about 45 MiB: the
 * decompressed kernel and its bss), handover_offset 0x190.  The
 * protected-mode part is 64 KiB of pattern (a real one is ~7 MiB of
 * compressed kernel), syssize covers it exactly, as the kernel's build
 * tool writes it.
 */
#define T_SETUP_SECTS 27
#define T_SETUP_LEN ((T_SETUP_SECTS + 1) * 512)
#define T_KERNEL_LEN (64 * KIB)
#define T_INIT_SIZE 0x2d4f000u
#define T_PREF 0x1000000ULL
#define T_ALIGN 0x200000u

/* Boot protocol offsets (setup header; same in file and boot_params). */
#define O_SETUP_SECTS 0x1f1
#define O_ROOT_FLAGS 0x1f2
#define O_SYSSIZE 0x1f4
#define O_VID_MODE 0x1fa
#define O_BOOT_FLAG 0x1fe
#define O_JUMP 0x200
#define O_HEADER 0x202
#define O_VERSION 0x206
#define O_START_SYS_SEG 0x20c
#define O_KERNEL_VERSION 0x20e
#define O_TYPE_OF_LOADER 0x210
#define O_LOADFLAGS 0x211
#define O_SETUP_MOVE_SIZE 0x212
#define O_CODE32_START 0x214
#define O_RAMDISK_IMAGE 0x218
#define O_RAMDISK_SIZE 0x21c
#define O_HEAP_END_PTR 0x224
#define O_CMD_LINE_PTR 0x228
#define O_INITRD_ADDR_MAX 0x22c
#define O_KERNEL_ALIGNMENT 0x230
#define O_RELOCATABLE 0x234
#define O_MIN_ALIGNMENT 0x235
#define O_XLOADFLAGS 0x236
#define O_CMDLINE_SIZE 0x238
#define O_PAYLOAD_OFFSET 0x248
#define O_PAYLOAD_LENGTH 0x24c
#define O_SETUP_DATA 0x250
#define O_PREF_ADDRESS 0x258
#define O_INIT_SIZE 0x260
#define O_HANDOVER_OFFSET 0x264
#define O_KERNEL_INFO_OFFSET 0x268
/* Zero-page offsets outside the header. */
#define Z_ACPI_RSDP 0x070
#define Z_EXT_RAMDISK_IMAGE 0x0c0
#define Z_EXT_RAMDISK_SIZE 0x0c4
#define Z_EXT_CMD_LINE_PTR 0x0c8
#define Z_E820_ENTRIES 0x1e8
#define Z_SENTINEL 0x1ef
#define Z_E820_TABLE 0x2d0 /* 20 bytes each: addr, size, type */

static u8 *ram;
static u8 *big_ram;
static u64 big_size;

struct image {
	u8 *b;
	size_t len;
};

static void put16(u8 *b, size_t o, u16 v)
{
	memcpy(b + o, &v, 2);
}

static void put32(u8 *b, size_t o, u32 v)
{
	memcpy(b + o, &v, 4);
}

static void put64(u8 *b, size_t o, u64 v)
{
	memcpy(b + o, &v, 8);
}

static u32 get32(const u8 *b, u64 o)
{
	u32 v;

	memcpy(&v, b + o, 4);
	return v;
}

static u64 get64(const u8 *b, u64 o)
{
	u64 v;

	memcpy(&v, b + o, 8);
	return v;
}

static u16 get16(const u8 *b, u64 o)
{
	u16 v;

	memcpy(&v, b + o, 2);
	return v;
}

/* A 6.1-like bzImage with @setup_sects and @kernel_len bytes of kernel. */
static struct image make_image(unsigned int setup_sects, size_t kernel_len)
{
	size_t setup_len = ((setup_sects ? setup_sects : 4) + 1) * 512;
	struct image im = { calloc(1, setup_len + kernel_len),
			    setup_len + kernel_len };
	u8 *b = im.b;

	for (size_t i = 0; i < im.len; i++)
		b[i] = (u8)(i * 7 + 3);
	memset(b + O_SETUP_SECTS, 0, 0x26c - O_SETUP_SECTS);
	b[O_SETUP_SECTS] = (u8)setup_sects;
	put16(b, O_ROOT_FLAGS, 1);
	put32(b, O_SYSSIZE, (u32)(kernel_len / 16));
	put16(b, O_VID_MODE, 0xffff);
	put16(b, O_BOOT_FLAG, 0xaa55);
	b[O_JUMP] = 0xeb;
	b[O_JUMP + 1] = 0x6a;
	memcpy(b + O_HEADER, "HdrS", 4);
	put16(b, O_VERSION, 0x020f);
	put16(b, O_START_SYS_SEG, 0x1000);
	put16(b, O_KERNEL_VERSION, 0x0400);
	b[O_LOADFLAGS] = 0x01;
	put16(b, O_SETUP_MOVE_SIZE, 0x8000);
	put32(b, O_CODE32_START, 0x100000);
	put32(b, O_INITRD_ADDR_MAX, 0x7fffffff);
	put32(b, O_KERNEL_ALIGNMENT, T_ALIGN);
	b[O_RELOCATABLE] = 1;
	b[O_MIN_ALIGNMENT] = 21;
	put16(b, O_XLOADFLAGS, 0x7f);
	put32(b, O_CMDLINE_SIZE, 0x7ff);
	put32(b, O_PAYLOAD_OFFSET, 0x3b5);
	put32(b, O_PAYLOAD_LENGTH, (u32)kernel_len - 0x400);
	put64(b, O_PREF_ADDRESS, T_PREF);
	put32(b, O_INIT_SIZE, T_INIT_SIZE);
	put32(b, O_HANDOVER_OFFSET, 0x190);
	put32(b, O_KERNEL_INFO_OFFSET, 0x1000);
	return im;
}

/* An exact-size heap copy of @im's first @len bytes. */
static u8 *exact_copy(const struct image *im, size_t len)
{
	u8 *c = malloc(len ? len : 1);

	memcpy(c, im->b, len);
	return c;
}

/* tdpvisor's map: low RAM, EBDA, BIOS area, RAM, ACPI tables at the top. */
static u32 std_e820(struct bzimage_e820_entry *e, u64 ram_size)
{
	e[0] = (struct bzimage_e820_entry){ 0, 0x9fc00, E820_TYPE_RAM };
	e[1] = (struct bzimage_e820_entry){ 0x9fc00, 0x400,
					    E820_TYPE_RESERVED };
	e[2] = (struct bzimage_e820_entry){ 0xf0000, 0x10000,
					    E820_TYPE_RESERVED };
	e[3] = (struct bzimage_e820_entry){ MIB, ram_size - MIB - 0x10000,
					    E820_TYPE_RAM };
	e[4] = (struct bzimage_e820_entry){ ram_size - 0x10000, 0x10000,
					    E820_TYPE_ACPI };
	e[5] = (struct bzimage_e820_entry){ 0xfec00000, 0x1000,
					    E820_TYPE_RESERVED };
	e[6] = (struct bzimage_e820_entry){ 0xfee00000, 0x1000,
					    E820_TYPE_RESERVED };
	return 7;
}

struct setup {
	struct bzimage_params p;
	struct bzimage_e820_entry e820[BZIMAGE_E820_MAX + 1];
	u8 initrd[0x12345];
};

static void default_params(struct setup *s, u8 *img, size_t len)
{
	memset(&s->p, 0, sizeof(s->p));
	s->p.ram = ram;
	s->p.ram_size = RAM_SIZE;
	s->p.image = img;
	s->p.image_size = len;
	for (size_t i = 0; i < sizeof(s->initrd); i++)
		s->initrd[i] = (u8)(i * 11 + 5);
	s->p.initrd = s->initrd;
	s->p.initrd_size = sizeof(s->initrd);
	s->p.cmdline = "console=ttyS0,115200 root=/dev/vda1 ro";
	s->p.e820 = s->e820;
	s->p.e820_count = std_e820(s->e820, RAM_SIZE);
	s->p.rsdp_gpa = 0xe0000;
}

static int setup_ram(void **state)
{
	(void)state;
	memset(ram, RAM_FILL, RAM_SIZE);
	return 0;
}

static bool untouched(u64 start, u64 end)
{
	for (u64 i = start; i < end; i++)
		if (ram[i] != RAM_FILL)
			return false;
	return true;
}

/* Byte-exact zero page the specification asks for, built independently. */
static void expected_zero_page(u8 *z, const u8 *img, u32 hdr_end,
			       const struct bzimage_params *p, u64 kernel,
			       u64 initrd, u64 initrd_size, u64 cmdline)
{
	memset(z, 0, 4096);
	memcpy(z + 0x1f1, img + 0x1f1, hdr_end - 0x1f1);
	z[O_TYPE_OF_LOADER] = 0xff;
	z[O_LOADFLAGS] &= 0x7f; /* CAN_USE_HEAP clear */
	put16(z, O_HEAP_END_PTR, 0);
	put32(z, O_CODE32_START, (u32)kernel);
	put64(z, O_SETUP_DATA, 0);
	put32(z, O_CMD_LINE_PTR, (u32)cmdline);
	put32(z, Z_EXT_CMD_LINE_PTR, (u32)(cmdline >> 32));
	put32(z, O_RAMDISK_IMAGE, (u32)initrd);
	put32(z, Z_EXT_RAMDISK_IMAGE, (u32)(initrd >> 32));
	put32(z, O_RAMDISK_SIZE, (u32)initrd_size);
	put32(z, Z_EXT_RAMDISK_SIZE, (u32)(initrd_size >> 32));
	put64(z, Z_ACPI_RSDP, p->rsdp_gpa);
	z[Z_E820_ENTRIES] = (u8)p->e820_count;
	for (u32 i = 0; i < p->e820_count; i++) {
		put64(z, Z_E820_TABLE + 20 * i, p->e820[i].addr);
		put64(z, Z_E820_TABLE + 20 * i + 8, p->e820[i].size);
		put32(z, Z_E820_TABLE + 20 * i + 16, p->e820[i].type);
	}
}

static void assert_zero_page(const u8 *bp, const u8 *want)
{
	for (int i = 0; i < 4096; i++) {
		if (bp[i] != want[i])
			fail_msg("zero page byte 0x%x is 0x%02x, want 0x%02x",
				 i, bp[i], want[i]);
	}
}

static void test_load_6_1(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	u8 *img = exact_copy(&im, im.len), want[4096];
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;
	u64 top = RAM_SIZE - 0x10000, initrd, bp, cl;
	const u8 *z;

	(void)state;
	default_params(s, img, im.len);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_string_equal(r.error, "");
	assert_int_equal(r.version, 0x020f);
	/* Kernel at pref_address, entry 0x200 in, init_size reserved. */
	assert_int_equal(r.kernel.start, T_PREF);
	assert_int_equal(r.kernel.end, T_PREF + T_INIT_SIZE);
	assert_int_equal(r.entry64, T_PREF + 0x200);
	assert_int_equal(r.kernel_bytes, T_KERNEL_LEN);
	assert_memory_equal(ram + T_PREF, img + T_SETUP_LEN, T_KERNEL_LEN);
	/* Initrd at the top of the highest RAM entry, page-aligned. */
	initrd = (top - sizeof(s->initrd)) & ~0xfffULL;
	assert_int_equal(r.initrd.start, initrd);
	assert_int_equal(r.initrd.end, initrd + sizeof(s->initrd));
	assert_memory_equal(ram + initrd, s->initrd, sizeof(s->initrd));
	/* boot_params and the command line in low memory. */
	bp = r.boot_params;
	assert_int_equal(bp, 0x7000);
	assert_int_equal(r.zero_page.start, bp);
	assert_int_equal(r.zero_page.end, bp + 4096);
	z = ram + bp;
	cl = get32(z, O_CMD_LINE_PTR);
	assert_int_equal(cl, r.cmdline.start);
	assert_string_equal((const char *)ram + cl, s->p.cmdline);
	assert_int_equal(r.cmdline.end, cl + strlen(s->p.cmdline) + 1);

	/* Field by field at the documented offsets. */
	assert_int_equal(z[O_SETUP_SECTS], 27);
	assert_memory_equal(z + O_HEADER, "HdrS", 4);
	assert_int_equal(get16(z, O_VERSION), 0x020f);
	assert_int_equal(get16(z, O_BOOT_FLAG), 0xaa55);
	assert_int_equal(z[O_TYPE_OF_LOADER], 0xff);
	assert_int_equal(z[O_LOADFLAGS], 0x01);
	assert_int_equal(get32(z, O_CODE32_START), T_PREF);
	assert_int_equal(get32(z, O_RAMDISK_IMAGE), initrd);
	assert_int_equal(get32(z, O_RAMDISK_SIZE), sizeof(s->initrd));
	assert_int_equal(get32(z, Z_EXT_RAMDISK_IMAGE), 0);
	assert_int_equal(get32(z, Z_EXT_RAMDISK_SIZE), 0);
	assert_int_equal(get32(z, Z_EXT_CMD_LINE_PTR), 0);
	assert_int_equal(get64(z, Z_ACPI_RSDP), 0xe0000);
	assert_int_equal(get32(z, O_INIT_SIZE), T_INIT_SIZE);
	assert_int_equal(get64(z, O_PREF_ADDRESS), T_PREF);
	assert_int_equal(get32(z, O_KERNEL_INFO_OFFSET), 0x1000);
	assert_int_equal(z[Z_SENTINEL], 0);
	assert_int_equal(z[Z_E820_ENTRIES], 7);
	assert_int_equal(get64(z, Z_E820_TABLE + 3 * 20), MIB);
	assert_int_equal(get64(z, Z_E820_TABLE + 3 * 20 + 8),
			 RAM_SIZE - MIB - 0x10000);
	assert_int_equal(get32(z, Z_E820_TABLE + 3 * 20 + 16), 1);
	assert_int_equal(get64(z, Z_E820_TABLE + 6 * 20), 0xfee00000);
	assert_int_equal(get32(z, Z_E820_TABLE + 4 * 20 + 16), 3);
	/* And every byte, the rest zero. */
	expected_zero_page(want, img, 0x26c, &s->p, T_PREF, initrd,
			   sizeof(s->initrd), cl);
	assert_zero_page(z, want);

	/* Nothing written outside the four ranges. */
	assert_true(untouched(0, bp));
	assert_true(untouched(bp + 4096, cl));
	assert_true(untouched(r.cmdline.end, T_PREF));
	assert_true(untouched(T_PREF + T_KERNEL_LEN, initrd));
	assert_true(untouched(r.initrd.end, RAM_SIZE));
	free(img);
	free(im.b);
	free(s);
}

/* A 2.12 header ends at 0x268: bytes after it are not copied. */
static void test_protocol_2_12_header_end(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	put16(im.b, O_VERSION, 0x020c);
	im.b[O_JUMP + 1] = 0x66;
	put32(im.b, 0x268, 0xdeadbeef);
	default_params(s, im.b, im.len);
	s->p.initrd = NULL;
	s->p.cmdline = NULL;
	s->p.rsdp_gpa = 0;
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.version, 0x020c);
	assert_int_equal(get32(ram + 0x7000, 0x268), 0);
	assert_int_equal(get32(ram + 0x7000, O_INIT_SIZE), T_INIT_SIZE);
	assert_int_equal(get32(ram + 0x7000, O_RAMDISK_IMAGE), 0);
	assert_int_equal(get32(ram + 0x7000, O_RAMDISK_SIZE), 0);
	assert_int_equal(get64(ram + 0x7000, Z_ACPI_RSDP), 0);
	assert_int_equal(r.initrd.start, r.initrd.end);
	/* No command line: an empty string. */
	assert_int_equal(ram[get32(ram + 0x7000, O_CMD_LINE_PTR)], 0);
	assert_int_equal(r.cmdline.end - r.cmdline.start, 1);
	free(im.b);
	free(s);
}

/* setup_sects 0 means 4: the kernel starts at 5 * 512. */
static void test_setup_sects_zero(void **state)
{
	struct image im = make_image(0, T_KERNEL_LEN);
	u8 *img = exact_copy(&im, im.len);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	default_params(s, img, im.len);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.kernel_bytes, T_KERNEL_LEN);
	assert_memory_equal(ram + r.kernel.start, img + 2560, T_KERNEL_LEN);
	free(img);
	free(im.b);
	free(s);
}

/* pref_address not RAM: the next kernel_alignment boundary that fits. */
static void test_relocation(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	default_params(s, im.b, im.len);
	/* RAM [1 MiB, 16 MiB), reserved [16 MiB, 17 MiB), RAM above. */
	s->e820[3].size = 15 * MIB;
	s->e820[7] = (struct bzimage_e820_entry){ 16 * MIB, MIB,
						  E820_TYPE_RESERVED };
	s->e820[8] = (struct bzimage_e820_entry){ 17 * MIB,
						  RAM_SIZE - 17 * MIB - 0x10000,
						  E820_TYPE_RAM };
	s->p.e820_count = 9;
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.kernel.start, 18 * MIB);
	assert_int_equal(r.entry64, 18 * MIB + 0x200);
	assert_int_equal(get32(ram + 0x7000, O_CODE32_START), 18 * MIB);
	assert_memory_equal(ram + 18 * MIB, im.b + T_SETUP_LEN, T_KERNEL_LEN);

	/* A 16 MiB alignment skips to 32 MiB. */
	put32(im.b, O_KERNEL_ALIGNMENT, 0x1000000);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.kernel.start, 32 * MIB);

	/* An unaligned pref_address of a relocatable kernel: aligned up. */
	s->p.e820_count = std_e820(s->e820, RAM_SIZE);
	put32(im.b, O_KERNEL_ALIGNMENT, T_ALIGN);
	put64(im.b, O_PREF_ADDRESS, 0x1100000);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.kernel.start, 0x1200000);

	/* pref_address below 1 MiB: placed from 1 MiB up. */
	put64(im.b, O_PREF_ADDRESS, 0x1000);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.kernel.start, 0x200000);
	free(im.b);
	free(s);
}

static void test_non_relocatable(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	im.b[O_RELOCATABLE] = 0;
	put64(im.b, O_PREF_ADDRESS, 0x1100000); /* alignment is not needed */
	default_params(s, im.b, im.len);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.kernel.start, 0x1100000);

	s->e820[3].size = 0x1000000; /* RAM ends at 17 MiB */
	memset(ram + 0x7000, RAM_FILL, 4096);
	assert_int_equal(bzimage_load(&s->p, &r), -E2BIG);
	assert_non_null(strstr(r.error, "kernel is not relocatable"));
	assert_non_null(strstr(r.error, "pref_address 0x1100000"));
	assert_true(untouched(0x7000, 0x8000));
	free(im.b);
	free(s);
}

/* Small RAM: the initrd cannot go above the kernel, so it goes below. */
static void test_initrd_below_kernel(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;
	u64 ram_end = T_PREF + T_INIT_SIZE + 0x8000;

	(void)state;
	default_params(s, im.b, im.len);
	s->p.e820_count = 4;
	s->e820[3].size = ram_end - MIB;
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.kernel.start, T_PREF);
	assert_int_equal(r.initrd.start,
			 (T_PREF - sizeof(s->initrd)) & ~0xfffULL);
	assert_true(r.initrd.end <= T_PREF);
	assert_memory_equal(ram + r.initrd.start, s->initrd, sizeof(s->initrd));

	/* [1 MiB, 16 MiB) exactly; a page more fits in no gap. */
	s->p.initrd_size = 15 * MIB;
	s->p.initrd = calloc(1, 15 * MIB + 4096);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.initrd.start, MIB);
	assert_int_equal(r.initrd.end, T_PREF);
	s->p.initrd_size = 15 * MIB + 4096;
	assert_int_equal(bzimage_load(&s->p, &r), -E2BIG);
	assert_non_null(strstr(r.error, "initrd of 0xf01000 bytes"));
	free((void *)s->p.initrd);
	free(im.b);
	free(s);
}

/* RAM past 2 GiB: the initrd ends at initrd_addr_max + 1. */
static void test_initrd_addr_max(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	default_params(s, im.b, im.len);
	s->p.ram = big_ram;
	s->p.ram_size = big_size;
	s->p.e820_count = std_e820(s->e820, 3 * GIB);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.initrd.start,
			 (0x80000000ULL - sizeof(s->initrd)) & ~0xfffULL);
	assert_int_equal(get32(big_ram + 0x7000, O_RAMDISK_IMAGE),
			 r.initrd.start);
	assert_memory_equal(big_ram + r.initrd.start, s->initrd,
			    sizeof(s->initrd));

	put32(im.b, O_INITRD_ADDR_MAX, 0x37ffffff);
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.initrd.end <= 0x38000000, 1);
	assert_int_equal(r.initrd.start,
			 (0x38000000ULL - sizeof(s->initrd)) & ~0xfffULL);
	free(im.b);
	free(s);
}

/* RAM only above 4 GiB: needs XLF_CAN_BE_LOADED_ABOVE_4G. */
static void test_above_4g(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	default_params(s, im.b, im.len);
	s->p.ram = big_ram;
	s->p.ram_size = big_size;
	s->p.initrd = NULL;
	s->e820[3] = (struct bzimage_e820_entry){ 4 * GIB, big_size - 4 * GIB,
						  E820_TYPE_RAM };
	s->p.e820_count = 4;
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.kernel.start, 4 * GIB);
	assert_int_equal(r.entry64, 4 * GIB + 0x200);
	assert_memory_equal(big_ram + 4 * GIB, im.b + T_SETUP_LEN,
			    T_KERNEL_LEN);

	put16(im.b, O_XLOADFLAGS, 0x7d);
	assert_int_equal(bzimage_load(&s->p, &r), -E2BIG);
	assert_non_null(strstr(r.error, "init_size 0x2d4f000"));
	assert_non_null(strstr(r.error, "does not fit in guest RAM"));
	free(im.b);
	free(s);
}

struct bad_field {
	u32 off, size;
	u64 val;
	int err;
	const char *msg;
};

static void test_header_refusals(void **state)
{
	static const struct bad_field cases[] = {
		{ O_HEADER, 4, 0x58726448, -ENOEXEC,
		  "setup header magic 'HdrS' missing at 0x202" },
		{ O_VERSION, 2, 0x020a, -ENOEXEC,
		  "boot protocol 2.10 is older than 2.12" },
		{ O_VERSION, 2, 0x020b, -ENOEXEC,
		  "boot protocol 2.11 is older than 2.12" },
		{ O_BOOT_FLAG, 2, 0, -ENOEXEC,
		  "boot_flag at 0x1fe is 0x0000, not 0xaa55" },
		{ O_JUMP, 1, 0xe9, -ENOEXEC, "is not a short jump" },
		{ O_JUMP + 1, 1, 0x60, -ENOEXEC, "setup header end 0x262" },
		{ O_JUMP + 1, 1, 0x90, -ENOEXEC, "setup header end 0x292" },
		{ O_LOADFLAGS, 1, 0x80, -ENOEXEC, "LOADED_HIGH clear" },
		{ O_XLOADFLAGS, 2, 0x7e, -ENOEXEC,
		  "kernel is not 64-bit capable (XLF_KERNEL_64 clear" },
		{ O_SETUP_SECTS, 1, 64, -ENOEXEC,
		  "setup_sects 64 is more than 63" },
		{ O_SETUP_SECTS, 1, 200, -ENOEXEC,
		  "setup_sects 200 is more than 63" },
		{ O_SYSSIZE, 4, T_KERNEL_LEN / 16 + 1, -ENOEXEC,
		  "image truncated: syssize 0x1001" },
		{ O_KERNEL_ALIGNMENT, 4, 0x300000, -ENOEXEC,
		  "kernel_alignment 0x300000 is not a power of two" },
		{ O_KERNEL_ALIGNMENT, 4, 0, -ENOEXEC,
		  "kernel_alignment 0x0 is not a power of two" },
		{ O_INIT_SIZE, 4, 0, -ENOEXEC, "init_size is 0" },
		{ O_INIT_SIZE, 4, 0x8000000, -E2BIG,
		  "init_size 0x8000000 (0x8000000 bytes with the kernel) does not fit in guest RAM" },
		{ O_CMDLINE_SIZE, 4, 10, -EINVAL,
		  "command line longer than cmdline_size 10" },
		{ O_INITRD_ADDR_MAX, 4, 0xfff, -E2BIG,
		  "does not fit in guest RAM below 0x1000" },
	};
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_field *c = &cases[i];
		struct image m = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
		u8 *img;

		memcpy(m.b + c->off, &c->val, c->size);
		img = exact_copy(&m, m.len);
		default_params(s, img, m.len);
		memset(ram + 0x7000, RAM_FILL, 4096);
		memset(ram + T_PREF, RAM_FILL, 4096);
		assert_int_equal(bzimage_load(&s->p, &r), c->err);
		if (!strstr(r.error, c->msg))
			fail_msg("case %zu: error \"%s\", want \"%s\"", i,
				 r.error, c->msg);
		assert_true(untouched(0x7000, 0x8000));
		assert_true(untouched(T_PREF, T_PREF + 4096));
		free(img);
		free(m.b);
	}
	free(im.b);
	free(s);
}

static void expect_refusal(struct setup *s, int err, const char *msg)
{
	struct bzimage_result r;

	assert_int_equal(bzimage_load(&s->p, &r), err);
	if (!strstr(r.error, msg))
		fail_msg("error \"%s\", want \"%s\"", r.error, msg);
}

static void test_truncated(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct image small = make_image(T_SETUP_SECTS, 0x200);
	u8 *img = exact_copy(&im, 9000);

	(void)state;
	default_params(s, img, 9000);
	expect_refusal(
		s, -ENOEXEC,
		"image truncated: setup_sects 27 needs 14336 bytes, file has 9000");
	free(img);
	img = exact_copy(&im, 100);
	default_params(s, img, 100);
	expect_refusal(s, -ENOEXEC, "image truncated: 100 bytes");
	free(img);
	img = exact_copy(&im, im.len - 16);
	default_params(s, img, im.len - 16);
	expect_refusal(
		s, -ENOEXEC,
		"syssize 0x1000 is 65536 bytes of kernel, file has 65520");
	free(img);
	/* Setup alone: no kernel. */
	put32(im.b, O_SYSSIZE, 0);
	img = exact_copy(&im, T_SETUP_LEN);
	default_params(s, img, T_SETUP_LEN);
	expect_refusal(s, -ENOEXEC, "protected-mode kernel is 0 bytes");
	free(img);
	/* 0x200 bytes of kernel end at the 64-bit entry itself. */
	default_params(s, small.b, small.len);
	expect_refusal(s, -ENOEXEC, "protected-mode kernel is 512 bytes");
	/* A trailing signature after syssize is accepted and copied. */
	free(im.b);
	free(small.b);
	free(s);
}

static void test_cmdline_limits(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	char *cl = malloc(0x20000);
	struct bzimage_result r;

	(void)state;
	default_params(s, im.b, im.len);
	memset(cl, 'a', 0x7ff);
	cl[0x7ff] = 0;
	s->p.cmdline = cl;
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(strlen((char *)ram + r.cmdline.start), 0x7ff);
	assert_int_equal(r.cmdline.end, 0x20000 + 0x800);
	cl[0x7ff] = 'b';
	cl[0x800] = 0;
	expect_refusal(s, -EINVAL,
		       "command line longer than cmdline_size 2047");
	/* A huge cmdline_size is capped by the loader's area. */
	put32(im.b, O_CMDLINE_SIZE, 0xffffffff);
	memset(cl, 'c', 0x1ffff);
	cl[0x1ffff] = 0;
	expect_refusal(s, -EINVAL, "65535-byte area");
	cl[0xffff] = 0;
	assert_int_equal(bzimage_load(&s->p, &r), 0);
	assert_int_equal(r.cmdline.end, 0x30000);
	free(cl);
	free(im.b);
	free(s);
}

static void test_param_refusals(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));

	(void)state;
	default_params(s, im.b, im.len);
	s->p.image = NULL;
	expect_refusal(s, -EINVAL, "no guest RAM or no image");
	default_params(s, im.b, im.len);
	s->p.e820_count = BZIMAGE_E820_MAX + 1;
	expect_refusal(s, -EINVAL, "129 e820 entries, the zero page holds 128");
	default_params(s, im.b, im.len);
	s->e820[2].size = 0;
	expect_refusal(s, -EINVAL, "e820 entry 2 [0xf0000, +0x0) is empty");
	default_params(s, im.b, im.len);
	s->e820[4].addr = RAM_SIZE - 0x20000; /* ACPI overlaps RAM */
	expect_refusal(s, -EINVAL, "e820 entries 3 and 4 overlap");
	default_params(s, im.b, im.len);
	s->e820[3].size += MIB;
	s->p.e820_count = 4;
	expect_refusal(s, -EINVAL, "e820 RAM entry 3");
	default_params(s, im.b, im.len);
	s->e820[0].size = 0x7000; /* boot_params page not RAM */
	expect_refusal(s, -EINVAL, "boot_params page [0x7000, 0x8000)");
	default_params(s, im.b, im.len);
	s->e820[0].size = 0x20010; /* command line runs out of RAM */
	expect_refusal(s, -EINVAL, "command line [0x20000, 0x20027)");
	default_params(s, im.b, im.len);
	s->e820[3].size = 40 * MIB; /* RAM ends at 41 MiB: init_size won't */
	expect_refusal(s, -E2BIG, "init_size 0x2d4f000");
	free(im.b);
	free(s);
}

/* The success contract a fuzzed image must meet. */
static void check_loaded(const struct setup *s, const struct bzimage_result *r)
{
	u64 ram_end = s->p.ram_size;

	assert_string_equal(r->error, "");
	assert_true(r->kernel.start >= MIB && r->kernel.end <= ram_end);
	assert_true(r->kernel.start + r->kernel_bytes <= r->kernel.end);
	assert_int_equal(r->entry64, r->kernel.start + 0x200);
	assert_int_equal(r->boot_params, 0x7000);
	if (r->initrd.end > r->initrd.start) {
		assert_true(r->initrd.end <= r->kernel.start ||
			    r->initrd.start >= r->kernel.end);
		assert_true(r->initrd.start >= MIB);
		assert_true(r->initrd.end <= ram_end);
	}
	assert_int_equal(ram[0x7000 + O_TYPE_OF_LOADER], 0xff);
	assert_int_equal(get32(ram + 0x7000, O_CMD_LINE_PTR), 0x20000);
}

/* Every header byte set to each flip of each bit, 0 and 0xff. */
static void test_flip_every_header_byte(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;
	unsigned int loaded = 0, refused = 0;

	(void)state;
	for (u32 off = 0x1f1; off < 0x270; off++) {
		for (int v = 0; v < 10; v++) {
			u8 old = im.b[off], *img;
			int rc;

			im.b[off] = v < 8    ? (u8)(old ^ (1u << v))
				    : v == 8 ? 0
					     : 0xff;
			img = exact_copy(&im, im.len);
			default_params(s, img, im.len);
			rc = bzimage_load(&s->p, &r);
			if (rc == 0) {
				check_loaded(s, &r);
				loaded++;
			} else {
				assert_true(rc == -ENOEXEC || rc == -E2BIG ||
					    rc == -EINVAL);
				assert_true(strncmp(r.error, "bzImage: ", 9) ==
					    0);
				refused++;
			}
			im.b[off] = old;
			free(img);
		}
	}
	assert_true(loaded > 100);
	assert_true(refused > 50);
	free(im.b);
	free(s);
}

/* Every length from 0 to past the entry: refuse or load, never crash. */
static void test_every_truncation(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, 0x400);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	put32(im.b, O_SYSSIZE, 0);
	for (size_t len = 0; len <= im.len; len++) {
		u8 *img = exact_copy(&im, len);
		int rc;

		default_params(s, img, len);
		rc = bzimage_load(&s->p, &r);
		if (len > T_SETUP_LEN + 0x200) {
			assert_int_equal(rc, 0);
			assert_int_equal(r.kernel_bytes, len - T_SETUP_LEN);
		} else {
			assert_int_equal(rc, -ENOEXEC);
			assert_true(r.error[0] != 0);
		}
		free(img);
	}
	free(im.b);
	free(s);
}

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random multi-field corruption of the header, seeded. */
static void test_random_corruption(void **state)
{
	struct image im = make_image(T_SETUP_SECTS, T_KERNEL_LEN);
	struct setup *s = calloc(1, sizeof(*s));
	struct bzimage_result r;

	(void)state;
	for (int it = 0; it < 3000; it++) {
		struct image m = { malloc(im.len), im.len };
		int rc;

		memcpy(m.b, im.b, im.len);
		for (int k = 1 + (int)(rnd() % 4); k; k--) {
			u32 off = 0x1f1 + (u32)(rnd() % (0x270 - 0x1f1 - 4));
			u32 v = (u32)rnd();

			memcpy(m.b + off, &v, 1 + rnd() % 4);
		}
		default_params(s, m.b, m.len);
		if (rnd() & 1)
			s->p.cmdline = NULL;
		rc = bzimage_load(&s->p, &r);
		if (!rc)
			check_loaded(s, &r);
		else
			assert_true(r.error[0] != 0);
		free(m.b);
	}
	free(im.b);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_load_6_1, setup_ram),
		cmocka_unit_test_setup(test_protocol_2_12_header_end,
				       setup_ram),
		cmocka_unit_test_setup(test_setup_sects_zero, setup_ram),
		cmocka_unit_test_setup(test_relocation, setup_ram),
		cmocka_unit_test_setup(test_non_relocatable, setup_ram),
		cmocka_unit_test_setup(test_initrd_below_kernel, setup_ram),
		cmocka_unit_test(test_initrd_addr_max),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test_setup(test_header_refusals, setup_ram),
		cmocka_unit_test_setup(test_truncated, setup_ram),
		cmocka_unit_test_setup(test_cmdline_limits, setup_ram),
		cmocka_unit_test_setup(test_param_refusals, setup_ram),
		cmocka_unit_test(test_flip_every_header_byte),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_random_corruption),
	};
	int rc;

	ram = malloc(RAM_SIZE);
	big_size = 4 * GIB + 64 * MIB;
	big_ram = mmap(NULL, big_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!ram || big_ram == MAP_FAILED)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	munmap(big_ram, big_size);
	free(ram);
	return rc;
}
