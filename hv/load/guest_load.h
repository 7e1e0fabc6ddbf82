/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest image loading (guest_load.c, portable and host-tested): multiboot
 * v1 kernels — ELF32/ELF64 through their program headers (header flags bit
 * 16 clear) or a.out-kludge images (bit 16 set) — and flat binaries.
 *
 * The loader writes into guest RAM through a host pointer and builds the
 * multiboot information block; it never trusts a field of the image:
 * every offset, size and address is checked against the file and the RAM.
 */
#ifndef TDP_HV_GUEST_LOAD_H
#define TDP_HV_GUEST_LOAD_H

#include "compiler.h"

/* Fixed guest-physical layout of what the loader builds. */
#define GUEST_MBI_GPA 0x8000ULL /* multiboot info block */
#define GUEST_MMAP_GPA 0x8400ULL /* its memory map */
#define GUEST_MODS_GPA 0x8800ULL /* module list */
#define GUEST_CMDLINE_GPA 0x9000ULL /* command line (<= 4 KiB) */
#define GUEST_MODNAME_GPA 0xa000ULL /* module name string */
#define GUEST_LOW_LIMIT 0x9fc00ULL /* end of "lower memory" */
#define GUEST_FLAT_GPA 0x100000ULL /* flat binaries load and start here */
#define GUEST_MIN_LOAD_GPA 0x100000ULL /* images may not overwrite < 1 MiB */

enum guest_image_kind {
	GUEST_IMAGE_MULTIBOOT_ELF32,
	GUEST_IMAGE_MULTIBOOT_ELF64,
	GUEST_IMAGE_MULTIBOOT_AOUT,
	GUEST_IMAGE_FLAT,
};

struct guest_load_params {
	u8 *ram; /* host pointer to guest RAM at GPA 0 */
	u64 ram_size;
	const u8 *image;
	u64 image_size;
	const char *cmdline; /* may be NULL */
	const u8 *module; /* may be NULL */
	u64 module_size;
	const char *module_name;
	bool flat_ok; /* accept an image with no multiboot header as flat */
};

struct guest_load_result {
	enum guest_image_kind kind;
	u32 entry; /* EIP at entry (32-bit protected mode, paging off) */
	u32 eax, ebx; /* multiboot magic and info block GPA */
	u64 load_start, load_end; /* GPA range the image occupies */
	u64 module_gpa;
	char error[160]; /* what is wrong with the image, on failure */
};

/**
 * guest_load() - copy an image into guest RAM and build the multiboot info.
 * Return: 0; -ENOEXEC for a malformed or unsupported image (@res->error
 * says what); -E2BIG when it does not fit in guest RAM; -EINVAL for bad
 * parameters.
 */
int __must_check guest_load(const struct guest_load_params *p,
			    struct guest_load_result *res);

const char *guest_image_kind_name(enum guest_image_kind k);

#endif /* TDP_HV_GUEST_LOAD_H */
