/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest image loading (guest_load.c, portable and host-tested): multiboot
 * v1 kernels — ELF32/ELF64 through their program headers (header flags bit
 * 16 clear) or a.out-kludge images (bit 16 set) — and flat binaries.
 *
 * The loader writes into guest RAM through a host pointer and builds the
 * multiboot information block; it never trusts a field of the image:
 * every offset, size and address is checked against the file and the RAM.
 *
 * Layout (as QEMU's -kernel does it): the image goes where its headers say,
 * anywhere in the guest's usable RAM below 4 GiB, low memory included.
 * What the loader adds goes after the image, so no image address is ever
 * taken: the first page boundary at or after the image's end holds the
 * information block, its memory map, the module list, the boot loader
 * name, the module string and the command line; the module follows on the
 * next page boundary.  A block that would run into the reserved low hole
 * [GUEST_LOW_RAM_END, GUEST_HIGH_RAM_START) moves up to 1 MiB.  A guest
 * finds everything through EBX.
 */
#ifndef TDP_HV_GUEST_LOAD_H
#define TDP_HV_GUEST_LOAD_H

#include "compiler.h"

/*
 * The guest-physical map handed to the guest (multiboot mmap / e820):
 * usable [0, GUEST_LOW_RAM_END), reserved [GUEST_LOW_RAM_END, 0xa0000)
 * (where a PC's extended BIOS data area sits), reserved [0xf0000,
 * GUEST_HIGH_RAM_START) (the BIOS area), usable [GUEST_HIGH_RAM_START, RAM
 * end).  Nothing the loader writes lands in [GUEST_LOW_RAM_END,
 * GUEST_HIGH_RAM_START): the guest is told that range is not RAM.
 */
#define GUEST_LOW_RAM_END 0x9fc00ULL
#define GUEST_HIGH_RAM_START 0x100000ULL
#define GUEST_FLAT_GPA 0x100000ULL /* flat binaries load and start here */
#define GUEST_CMDLINE_MAX 4096 /* command line bytes with the NUL */
#define GUEST_BOOTLOADER_NAME "tdpvisor"

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
	/*
	 * The image's name: when set, the guest's command line is "NAME
	 * CMDLINE", as QEMU passes "-kernel NAME -append CMDLINE" (guests
	 * such as kvm-unit-tests take the first word as argv[0]).  NULL: the
	 * command line is @cmdline alone.  Cut to GUEST_CMDLINE_MAX - 1.
	 */
	const char *image_name;
	const char *cmdline; /* may be NULL; < GUEST_CMDLINE_MAX bytes */
	const u8 *module; /* may be NULL */
	u64 module_size;
	const char *module_name; /* the module's string; cut to 4095 bytes */
	bool flat_ok; /* accept an image with no multiboot header as flat */
};

struct guest_load_result {
	enum guest_image_kind kind;
	u32 entry; /* EIP at entry (32-bit protected mode, paging off) */
	u32 eax, ebx; /* multiboot magic and info block GPA */
	u64 load_start, load_end; /* GPA range the image occupies */
	u64 info_start, info_end; /* info block, lists and strings */
	u64 module_gpa; /* 0: no module */
	char error[256]; /* what is wrong with the image, on failure */
};

/**
 * guest_load() - copy an image into guest RAM and build the multiboot info.
 * @p:   the RAM, the image and what to hand the guest
 * @res: entry state and the ranges used; @res->error on failure
 *
 * Context: any; writes only @p->ram and @res.
 * Return: 0; -ENOEXEC for a malformed or unsupported image (@res->error
 * says what); -E2BIG when the image, or what the loader places after it,
 * does not fit in guest RAM below 4 GiB or would overlap the reserved low
 * hole (the error names the ranges); -EINVAL for bad parameters or a
 * command line of GUEST_CMDLINE_MAX bytes or more.
 */
int __must_check guest_load(const struct guest_load_params *p,
			    struct guest_load_result *res);

/**
 * guest_image_kind_name() - printable name of an image kind.
 * @k: the kind
 *
 * Context: any.
 * Return: a static string ("multiboot ELF32", ...), "?" if unknown.
 */
const char *guest_image_kind_name(enum guest_image_kind k);

#endif /* TDP_HV_GUEST_LOAD_H */
