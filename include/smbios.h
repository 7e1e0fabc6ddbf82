/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMBIOS identification strings (DMTF DSP0134): the BIOS vendor (type 0)
 * and the system manufacturer and product (type 1).  Portable: the caller
 * hands in the entry point and the structure table as memory.
 */
#ifndef TDP_SMBIOS_H
#define TDP_SMBIOS_H

#include "compiler.h"
#include "types.h"

#define SMBIOS_STR_MAX 48

struct smbios_ids {
	char bios_vendor[SMBIOS_STR_MAX]; /* type 0, string at offset 4 */
	char sys_vendor[SMBIOS_STR_MAX]; /* type 1, offset 4 */
	char product[SMBIOS_STR_MAX]; /* type 1, offset 5 */
};

/**
 * smbios_entry_table() - where an entry point says the structure table is.
 * @ep:    a 32-bit ("_SM_") or 64-bit ("_SM3_") entry point
 * @len:   bytes readable at @ep
 * @addr:  the table's physical address
 * @size:  its length (2.x) or maximum size (3.x) in bytes
 * Return: 0, or -EINVAL for no known anchor or a bad checksum.
 */
int __must_check smbios_entry_table(const u8 *ep, size_t len, u64 *addr,
				    u32 *size);

/**
 * smbios_parse_table() - the identification strings from a structure table.
 * @table: the structures
 * @size:  bytes of @table; parsing stops there, at type 127 or at the
 *         first malformed structure
 * @out:   filled with what was found (empty strings otherwise); strings are
 *         truncated and non-printable bytes replaced by '?'
 */
void smbios_parse_table(const u8 *table, size_t size, struct smbios_ids *out);

#endif
