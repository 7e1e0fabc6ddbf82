/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux x86 boot protocol loader for bzImage kernels (bzimage.c, portable
 * and host-tested), 64-bit entry only.
 *
 * A bzImage is (setup_sects + 1) 512-byte sectors of real-mode setup code
 * (setup_sects == 0 means 4), whose first sector carries the setup header
 * at file offset 0x1f1, followed by the protected-mode kernel.  The loader
 * never runs the setup code: it copies the protected-mode kernel into guest
 * RAM, builds struct boot_params (the "zero page") itself and returns the
 * state for the kernel's 64-bit entry point, which lies 0x200 bytes into
 * the protected-mode kernel.  At that entry the CPU must be in 64-bit mode
 * with paging on and an identity map covering the kernel, boot_params, the
 * command line and the initrd (the caller builds it; the ranges are in the
 * result), a GDT with flat 64-bit code and data at __BOOT_CS (0x10) and
 * __BOOT_DS (0x18), interrupts off, and RSI = the boot_params GPA.
 *
 * What it requires of the image (each refusal names the field and value):
 * "HdrS" at 0x202, boot_flag 0xaa55 at 0x1fe, protocol version >= 2.12, a
 * short jump at 0x200 whose target (the end of the header) lies in
 * [0x268, 0x290) and in the file, LOADED_HIGH set (a bzImage, not a
 * zImage), XLF_KERNEL_64 set, setup_sects <= 63 (the setup code is at most
 * 32 KiB), the file as long as setup_sects and syssize say, a
 * protected-mode kernel longer than 0x200 bytes, kernel_alignment a power
 * of two, init_size non-zero.
 *
 * Placement (all in E820 RAM entries of @e820 that lie inside @ram; an
 * allocation must fit inside one entry, adjacent entries are not merged):
 * - boot_params: the page at BZIMAGE_BOOT_PARAMS_GPA; the command line at
 *   BZIMAGE_CMDLINE_GPA.  Both fixed in low memory (as Firecracker and
 *   cloud-hypervisor place them); refused if that is not RAM.
 * - kernel: at pref_address when it is >= 1 MiB and [pref_address,
 *   + MAX(init_size, kernel bytes)) is RAM (and, for a relocatable kernel,
 *   pref_address is kernel_alignment-aligned).  Otherwise, if relocatable_kernel, at the lowest
 *   kernel_alignment-aligned address >= MAX(pref_address, 1 MiB) where that
 *   range is RAM.  Never lower than pref_address: the 64-bit entry code of
 *   a relocatable kernel decompresses at MAX(aligned load address,
 *   pref_address) and uses init_size bytes from there, so memory below
 *   pref_address would not save RAM and the range above it would be used
 *   unreported.  A non-relocatable kernel whose range is not RAM is refused.
 *   Below 4 GiB unless XLF_CAN_BE_LOADED_ABOVE_4G.
 * - initrd: page-aligned, at or above 1 MiB (Linux keeps the first MiB for
 *   itself), as high as possible with its end at or below
 *   MIN(initrd_addr_max + 1, RAM end, 4 GiB), clear of the kernel's range,
 *   boot_params and the command line.
 * The loader writes nothing outside these ranges; everything the caller
 * places itself (ACPI tables, page tables, GDT) must be outside them, most
 * simply by giving it a non-RAM e820 type.
 *
 * boot_params: zeroed, then the setup header copied from the file to 0x1f1
 * (its end from the jump at 0x200), then the loader's fields: type_of_loader
 * 0xff (undefined loader), loadflags CAN_USE_HEAP clear and heap_end_ptr 0
 * (no setup code runs), code32_start = load address, setup_data 0 (the
 * loader passes none), cmd_line_ptr/ext_cmd_line_ptr,
 * ramdisk_image/ramdisk_size and their ext_ halves, e820_entries and the
 * e820 table as given, acpi_rsdp_addr.
 */
#ifndef TDP_HV_BZIMAGE_H
#define TDP_HV_BZIMAGE_H

#include "compiler.h"

#define BZIMAGE_BOOT_PARAMS_GPA 0x7000ULL /* one 4 KiB page */
#define BZIMAGE_BOOT_PARAMS_SIZE 0x1000ULL
#define BZIMAGE_CMDLINE_GPA 0x20000ULL
#define BZIMAGE_CMDLINE_AREA 0x10000ULL /* bytes with the NUL */
#define BZIMAGE_E820_MAX 128 /* entries the zero page holds */
#define BZIMAGE_ENTRY64_OFFSET 0x200 /* 64-bit entry in the kernel */

/* E820 entry types (ACPI "Address Range Types"). */
#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2
#define E820_TYPE_ACPI 3
#define E820_TYPE_NVS 4
#define E820_TYPE_UNUSABLE 5

struct bzimage_e820_entry {
	gpa_t addr;
	u64 size;
	u32 type; /* E820_TYPE_*; passed to the guest unchanged */
};

struct bzimage_params {
	u8 *ram; /* host pointer to guest RAM at GPA 0 */
	u64 ram_size;
	const u8 *image; /* the bzImage file */
	u64 image_size;
	const u8 *initrd; /* NULL or initrd_size 0: no initrd */
	u64 initrd_size;
	const char *cmdline; /* NULL: empty; at most cmdline_size bytes */
	/*
	 * The guest's memory map, copied into the zero page as is: at most
	 * BZIMAGE_E820_MAX entries, none empty, none overlapping another,
	 * every E820_TYPE_RAM entry inside [0, ram_size).
	 */
	const struct bzimage_e820_entry *e820;
	u32 e820_count;
	gpa_t rsdp_gpa; /* ACPI RSDP for acpi_rsdp_addr; 0: none */
};

struct bzimage_range {
	gpa_t start, end; /* [start, end); start == end: empty */
};

struct bzimage_result {
	gpa_t entry64; /* RIP at the 64-bit entry: kernel.start + 0x200 */
	gpa_t boot_params; /* RSI at entry */
	u16 version; /* boot protocol version from the header */
	struct bzimage_range kernel; /* load address + MAX(init_size, bytes) */
	u64 kernel_bytes; /* bytes copied to kernel.start */
	struct bzimage_range initrd; /* empty when there is none */
	struct bzimage_range cmdline; /* the string and its NUL */
	struct bzimage_range zero_page; /* the boot_params page */
	char error[256]; /* what is wrong, on failure */
};

/**
 * bzimage_load() - load a bzImage and an initrd and build boot_params.
 * @p:   RAM, image, initrd, command line, memory map, RSDP
 * @res: the 64-bit entry state and the ranges used; @res->error on failure
 *
 * Checks everything before it writes anything: on failure guest RAM is
 * untouched.
 *
 * Context: any; writes only @p->ram and @res.
 * Return: 0; -ENOEXEC for a malformed or unsupported image (bad magic or
 * version, not 64-bit, truncated, a field out of range); -E2BIG when the
 * kernel's init_size range or the initrd does not fit in usable RAM;
 * -EINVAL for bad parameters (no RAM or image, bad e820 map, boot_params
 * or command line page not RAM, command line longer than cmdline_size or
 * the command line area).
 */
int __must_check bzimage_load(const struct bzimage_params *p,
			      struct bzimage_result *res);

#endif /* TDP_HV_BZIMAGE_H */
