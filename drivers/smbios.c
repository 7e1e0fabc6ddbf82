// SPDX-License-Identifier: GPL-2.0
/*
 * SMBIOS identification strings, for telling firmware of an emulator from
 * a real board's (boot prints them; platform_detect() uses them).
 *
 * Layout (DMTF DSP0134): a structure is a 4-byte header (type, length of
 * the formatted area, handle), the formatted area, then a string set of
 * NUL-terminated strings ended by an extra NUL.  A string field holds a
 * 1-based index into that set; 0 means "no string".
 */
#include "smbios.h"
#include "errno_codes.h"
#include "string_util.h"

#define SMBIOS_TYPE_BIOS 0
#define SMBIOS_TYPE_SYSTEM 1
#define SMBIOS_TYPE_END 127

static bool sum_ok(const u8 *p, size_t n)
{
	u8 s = 0;

	for (size_t i = 0; i < n; i++)
		s = (u8)(s + p[i]);
	return s == 0;
}

int smbios_entry_table(const u8 *ep, size_t len, u64 *addr, u32 *size)
{
	if (len >= 0x18 && !memcmp(ep, "_SM3_", 5)) {
		u8 eplen = ep[6];
		u32 max;
		u64 a;

		if (eplen < 0x18 || eplen > len || !sum_ok(ep, eplen))
			return -EINVAL;
		memcpy(&max, ep + 0x0c, 4);
		memcpy(&a, ep + 0x10, 8);
		*addr = a;
		*size = max;
		return 0;
	}
	if (len >= 0x1f && !memcmp(ep, "_SM_", 4)) {
		u8 eplen = ep[5];
		u16 tlen;
		u32 a;

		if (eplen < 0x1f || eplen > len || !sum_ok(ep, eplen) ||
		    memcmp(ep + 0x10, "_DMI_", 5))
			return -EINVAL;
		memcpy(&tlen, ep + 0x16, 2);
		memcpy(&a, ep + 0x18, 4);
		*addr = a;
		*size = tlen;
		return 0;
	}
	return -EINVAL;
}

/* Copies string @idx (1-based) of the set at @s..@end into @out. */
static void copy_string(const u8 *s, const u8 *end, u8 idx, char *out)
{
	size_t n = 0;

	out[0] = '\0';
	if (!idx)
		return;
	while (--idx && s < end) {
		while (s < end && *s)
			s++;
		s++;
	}
	if (s >= end)
		return;
	while (s < end && *s && n + 1 < SMBIOS_STR_MAX) {
		out[n++] = (*s >= 0x20 && *s < 0x7f) ? (char)*s : '?';
		s++;
	}
	out[n] = '\0';
}

void smbios_parse_table(const u8 *table, size_t size, struct smbios_ids *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (off + 4 <= size) {
		const u8 *h = table + off;
		u8 type = h[0], flen = h[1];
		size_t str = off + flen, end = str;

		if (flen < 4 || str > size)
			return;
		/* The string set ends at the first double NUL. */
		while (end + 1 < size && (table[end] || table[end + 1]))
			end++;
		if (end + 1 >= size)
			return;
		if (type == SMBIOS_TYPE_BIOS && flen > 4)
			copy_string(table + str, table + end, h[4],
				    out->bios_vendor);
		if (type == SMBIOS_TYPE_SYSTEM && flen > 5) {
			copy_string(table + str, table + end, h[4],
				    out->sys_vendor);
			copy_string(table + str, table + end, h[5],
				    out->product);
		}
		if (type == SMBIOS_TYPE_END)
			return;
		off = end + 2;
	}
}
