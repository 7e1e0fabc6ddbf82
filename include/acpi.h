/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI table walk (drivers/acpi.c): RSDP -> XSDT/RSDT -> tables, plus the
 * two tables tdpvisor uses: SPCR (serial console) and FADT (+ DSDT \_S5)
 * for power-off.  Memory is identity-mapped, so physical == virtual.
 */
#ifndef TDP_ACPI_H
#define TDP_ACPI_H

#include "compiler.h"

struct acpi_sdt_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;
static_assert(sizeof(struct acpi_sdt_header) == 36, "ACPI SDT header");

struct acpi_gas { /* Generic Address Structure */
	u8 space_id; /* 0: memory, 1: I/O */
	u8 bit_width;
	u8 bit_offset;
	u8 access_size; /* 1 byte, 2 word, 3 dword, 4 qword */
	u64 address;
} __packed;
static_assert(sizeof(struct acpi_gas) == 12, "ACPI GAS");

#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1

struct acpi_spcr_info {
	bool mmio;
	u64 base;
	u32 stride; /* register stride from the access size */
	u32 baud; /* 0: keep what firmware set */
	u8 interface_type;
};

struct acpi_power_info {
	u16 pm1a_cnt, pm1b_cnt; /* I/O ports, 0 if absent */
	u16 slp_typa, slp_typb; /* \_S5 values */
	bool have_s5;
};

/* Returns the table or NULL; verifies length and checksum. */
const struct acpi_sdt_header *acpi_find_table(u64 rsdp, const char sig[4]);
int __must_check acpi_parse_spcr(u64 rsdp, struct acpi_spcr_info *out);
int __must_check acpi_parse_power(u64 rsdp, struct acpi_power_info *out);
/* Portable core of the \_S5 search, on a DSDT/SSDT AML body. */
bool acpi_aml_find_s5(const u8 *aml, u32 len, u16 *typa, u16 *typb);

#endif /* TDP_ACPI_H */
