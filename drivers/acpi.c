// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI table walk.  Portable C over identity-mapped memory (no privileged
 * instruction), so the AML \_S5 scan can be host-tested on byte arrays.
 * Layouts: ACPI 6.x spec, "RSDP Structure", "FADT Format", and Microsoft's
 * "Serial Port Console Redirection Table".
 */
#include "acpi.h"
#include "errno_codes.h"
#include "string_util.h"

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	u8 checksum;
	char oem_id[6];
	u8 revision; /* 0: ACPI 1.0 (RSDT only), >= 2: XSDT */
	u32 rsdt;
	u32 length;
	u64 xsdt;
	u8 ext_checksum;
	u8 reserved[3];
} __packed;
static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");

/* FADT offsets used here (ACPI 6.x Table 5.9). */
#define FADT_DSDT 40
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184

/* SPCR offsets. */
#define SPCR_INTERFACE 36
#define SPCR_BASE 40
#define SPCR_BAUD 58

static bool checksum_ok(const void *p, u32 len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (u32 i = 0; i < len; i++)
		sum = (u8)(sum + b[i]);
	return sum == 0;
}

static const struct acpi_sdt_header *sdt_at(u64 pa, const char *sig)
{
	const struct acpi_sdt_header *h = (const void *)(uintptr_t)pa;

	if (!pa || memcmp(h->signature, sig, 4) || h->length < sizeof(*h) ||
	    h->length > (1u << 24) || !checksum_ok(h, h->length))
		return NULL;
	return h;
}

const struct acpi_sdt_header *acpi_find_table(u64 rsdp_pa, const char sig[4])
{
	const struct acpi_rsdp *rsdp = (const void *)(uintptr_t)rsdp_pa;
	const struct acpi_sdt_header *root;
	bool x;
	u32 n;

	if (!rsdp_pa || memcmp(rsdp->signature, "RSD PTR ", 8) ||
	    !checksum_ok(rsdp, 20))
		return NULL;
	x = rsdp->revision >= 2 && rsdp->xsdt;
	root = x ? sdt_at(rsdp->xsdt, "XSDT") : sdt_at(rsdp->rsdt, "RSDT");
	if (!root)
		return NULL;
	n = (root->length - sizeof(*root)) / (x ? 8 : 4);
	for (u32 i = 0; i < n; i++) {
		const u8 *e = (const u8 *)(root + 1) + i * (x ? 8 : 4);
		u64 pa = 0;

		memcpy(&pa, e, x ? 8 : 4);
		const struct acpi_sdt_header *t = sdt_at(pa, sig);

		if (t)
			return t;
	}
	return NULL;
}

int acpi_parse_spcr(u64 rsdp, struct acpi_spcr_info *out)
{
	static const u32 bauds[8] = { 0, 0, 0, 9600, 19200, 0, 57600, 115200 };
	const struct acpi_sdt_header *t = acpi_find_table(rsdp, "SPCR");
	struct acpi_gas gas;
	const u8 *b = (const u8 *)t;

	if (!t)
		return -ENOENT;
	if (t->length < SPCR_BAUD + 1)
		return -EINVAL;
	memcpy(&gas, b + SPCR_BASE, sizeof(gas));
	out->interface_type = b[SPCR_INTERFACE];
	/* 0: full 16550, 1: 16450 subset, 0x12: 16550-compatible with GAS. */
	if (out->interface_type != 0 && out->interface_type != 1 &&
	    out->interface_type != 0x12)
		return -EOPNOTSUPP;
	if (!gas.address || (gas.space_id != ACPI_SPACE_MEMORY &&
			     gas.space_id != ACPI_SPACE_IO))
		return -EINVAL;
	out->mmio = gas.space_id == ACPI_SPACE_MEMORY;
	out->base = gas.address;
	out->stride = gas.access_size >= 1 && gas.access_size <= 3
			      ? 1u << (gas.access_size - 1)
			      : 1;
	if (out->stride == 1 && gas.bit_width == 32)
		out->stride = 4;
	out->baud = b[SPCR_BAUD] < 8 ? bauds[b[SPCR_BAUD]] : 0;
	return 0;
}

/* AML PkgLength: 1-4 bytes; returns the byte count of the encoding. */
static u32 aml_pkglen_bytes(u8 lead)
{
	return 1 + (lead >> 6);
}

/* One integer element of a package: ZeroOp, OneOp, BytePrefix, WordPrefix. */
static bool aml_int(const u8 *p, const u8 *end, u16 *v, u32 *used)
{
	if (p >= end)
		return false;
	switch (p[0]) {
	case 0x00: /* ZeroOp */
	case 0x01: /* OneOp */
		*v = p[0];
		*used = 1;
		return true;
	case 0x0a: /* BytePrefix */
		if (p + 2 > end)
			return false;
		*v = p[1];
		*used = 2;
		return true;
	case 0x0b: /* WordPrefix */
		if (p + 3 > end)
			return false;
		*v = (u16)(p[1] | (p[2] << 8));
		*used = 3;
		return true;
	}
	return false;
}

bool acpi_aml_find_s5(const u8 *aml, u32 len, u16 *typa, u16 *typb)
{
	const u8 *end = aml + len;

	for (const u8 *p = aml; p + 4 <= end; p++) {
		u32 used;

		if (memcmp(p, "_S5_", 4))
			continue;
		const u8 *q = p + 4;

		if (q >= end || *q != 0x12) /* PackageOp */
			continue;
		q++;
		if (q >= end)
			return false;
		q += aml_pkglen_bytes(*q);
		q++; /* NumElements */
		if (!aml_int(q, end, typa, &used))
			continue;
		q += used;
		if (!aml_int(q, end, typb, &used))
			*typb = 0;
		return true;
	}
	return false;
}

static u64 fadt_u64(const struct acpi_sdt_header *f, u32 off)
{
	u64 v = 0;

	if (f->length >= off + 8)
		memcpy(&v, (const u8 *)f + off, 8);
	return v;
}

static u32 fadt_u32(const struct acpi_sdt_header *f, u32 off)
{
	u32 v = 0;

	if (f->length >= off + 4)
		memcpy(&v, (const u8 *)f + off, 4);
	return v;
}

int acpi_parse_power(u64 rsdp, struct acpi_power_info *out)
{
	const struct acpi_sdt_header *fadt = acpi_find_table(rsdp, "FACP");
	const struct acpi_sdt_header *dsdt;
	u64 dsdt_pa;

	memset(out, 0, sizeof(*out));
	if (!fadt)
		return -ENOENT;
	out->pm1a_cnt = (u16)fadt_u32(fadt, FADT_PM1A_CNT);
	out->pm1b_cnt = (u16)fadt_u32(fadt, FADT_PM1B_CNT);
	if (!out->pm1a_cnt && fadt->length >= FADT_X_PM1A_CNT + 12) {
		struct acpi_gas g;

		memcpy(&g, (const u8 *)fadt + FADT_X_PM1A_CNT, sizeof(g));
		if (g.space_id == ACPI_SPACE_IO)
			out->pm1a_cnt = (u16)g.address;
	}
	dsdt_pa = fadt_u64(fadt, FADT_X_DSDT);
	if (!dsdt_pa)
		dsdt_pa = fadt_u32(fadt, FADT_DSDT);
	dsdt = sdt_at(dsdt_pa, "DSDT");
	if (dsdt)
		out->have_s5 = acpi_aml_find_s5((const u8 *)(dsdt + 1),
						dsdt->length - sizeof(*dsdt),
						&out->slp_typa, &out->slp_typb);
	return out->pm1a_cnt && out->have_s5 ? 0 : -ENOENT;
}
