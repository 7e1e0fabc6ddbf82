/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct boot_info: everything boot/ hands to hv/ after ExitBootServices.
 * Plain types only: no EFI type crosses this line.  Set once
 * by efi_main before hv_main() runs; read-only afterwards.
 */
#ifndef TDP_BOOT_INFO_H
#define TDP_BOOT_INFO_H

#include "config.h"

/* UEFI ResetSystem, called through the Microsoft x64 ABI. */
typedef void(__attribute__((ms_abi)) *
	     boot_reset_fn)(int type, u64 status, u64 data_size, void *data);
#define BOOT_RESET_SHUTDOWN 2 /* EfiResetShutdown */

struct boot_mem_summary {
	u64 total_bytes; /* all memory-map descriptors */
	u64 usable_bytes; /* conventional + boot-services after EBS */
	u64 highest_addr;
	u32 entries;
};

#define BOOT_MAX_IMAGES 8

struct boot_blob {
	const void *data; /* NULL: absent */
	u64 size;
	char name[CONFIG_STR_MAX];
};

struct boot_info {
	struct tdp_config cfg;
	char cfg_source[64]; /* "\\tdpvisor.cfg", "defaults", ... */
	u64 image_base, image_size; /* where this image was loaded */
	u64 tsc_base, tsc_khz;
	u64 acpi_rsdp; /* physical address, 0 if none */
	struct boot_mem_summary mem;
	u64 hv_pool_base, hv_pool_size; /* page-aligned, identity-mapped */
	u64 guest_ram_base, guest_ram_size; /* 2 MiB-aligned */
	/* ESP paths named in cfg.guest, in order; name = the path as given. */
	struct boot_blob guest_images[BOOT_MAX_IMAGES];
	struct boot_blob guest_module;
	boot_reset_fn reset_system; /* UEFI runtime service, or NULL */
	/* The firmware's wall-clock time at boot (UEFI GetTime), which the
	 * guests' RTC starts from; valid = false if the firmware had none. */
	struct boot_time {
		u16 year;
		u8 month, day, hour, minute, second;
		bool valid;
	} time;
};

/* hv/main.c: never returns; powers the machine off with a status. */
void hv_main(struct boot_info *bi) __noreturn;

#endif /* TDP_BOOT_INFO_H */
