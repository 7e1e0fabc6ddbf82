// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's ACPI tables (layout and choices in acpi.h).  Table formats
 * from the ACPI specification 6.x: "Root System Description Pointer",
 * "Fixed ACPI Description Table (FADT)", "Firmware ACPI Control Structure
 * (FACS)", "Multiple APIC Description Table (MADT)".  Portable.
 */
#include "hv/load/acpi.h"
/* The SDT header and GAS of the host's ACPI walk; a plain "acpi.h" would
 * name this folder's acpi.h. */
#include "include/acpi.h"
#include "errno_codes.h"
#include "hv/dev/pci_host.h"
#include "hv/dev/rtc.h"
#include "string_util.h"

/* The AML of dsdt.asl: unsigned char dsdt_aml_code[] (iasl -tc). */
#include "dsdt.hex"

#define ACPI_OEM_ID "TDPVSR"
#define ACPI_OEM_TABLE_ID "TDPVISOR"
#define ACPI_CREATOR_ID 0x56504454u /* "TDPV" */

struct acpi_rsdp {
	char signature[8];
	u8 checksum; /* bytes 0-19 */
	char oem_id[6];
	u8 revision; /* 2: ACPI 2.0+, with the XSDT */
	u32 rsdt_address;
	u32 length;
	u64 xsdt_address;
	u8 extended_checksum; /* all 36 bytes */
	u8 reserved[3];
} __packed;
static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_SIZE, "RSDP size");

/* FADT, revision 6 (ACPI 6.0 and later, minor version 0). */
struct acpi_fadt {
	struct acpi_sdt_header h;
	u32 firmware_ctrl, dsdt;
	u8 reserved0, preferred_pm_profile;
	u16 sci_int;
	u32 smi_cmd;
	u8 acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	u32 pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	u32 pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	u8 pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	u8 gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	u16 p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	u8 duty_offset, duty_width, day_alrm, mon_alrm, century;
	u16 iapc_boot_arch;
	u8 reserved1;
	u32 flags;
	struct acpi_gas reset_reg;
	u8 reset_value;
	u16 arm_boot_arch;
	u8 minor_version;
	u64 x_firmware_ctrl, x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk, x_pm2_cnt_blk, x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	u64 hypervisor_vendor_id;
} __packed;
static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6 size");
static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT");
static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT");
static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT");
static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT");

#define FADT_REVISION 6
#define FADT_P_LVL2_NONE 101 /* > 100 us: C2 not supported */
#define FADT_P_LVL3_NONE 1001 /* > 1000 us: C3 not supported */

#define FADT_BOOT_LEGACY_DEVICES BIT(0) /* ISA-style devices (COM1, RTC) */
#define FADT_BOOT_8042 BIT(1)
#define FADT_BOOT_NO_VGA BIT(2) /* no VGA: do not probe 0x3b0-0x3df */
#define FADT_BOOT_NO_MSI BIT(3) /* the one PCI device has no MSI either */

#define FADT_F_WBINVD BIT(0)
#define FADT_F_PROC_C1 BIT(2)
#define FADT_F_PWR_BUTTON BIT(4) /* 1: no fixed-feature power button */
#define FADT_F_SLP_BUTTON BIT(5) /* 1: no fixed-feature sleep button */
#define FADT_F_FIX_RTC BIT(6) /* 1: no RTC wake status in PM1 */
#define FADT_F_TMR_VAL_EXT BIT(8) /* 32-bit PM timer */
#define FADT_F_RESET_REG_SUP BIT(10)
#define FADT_F_HW_REDUCED_ACPI BIT(20) /* never set here */

#define ACPI_ACCESS_BYTE 1
#define ACPI_ACCESS_WORD 2
#define ACPI_ACCESS_DWORD 3

struct acpi_facs {
	char signature[4];
	u32 length;
	u32 hardware_signature;
	u32 firmware_waking_vector;
	u32 global_lock;
	u32 flags;
	u64 x_firmware_waking_vector;
	u8 version;
	u8 reserved0[3];
	u32 ospm_flags;
	u8 reserved1[24];
} __packed;
static_assert(sizeof(struct acpi_facs) == 64, "FACS size");
#define FACS_VERSION 2
#define FACS_ALIGN 64

struct acpi_madt {
	struct acpi_sdt_header h;
	u32 lapic_address;
	u32 flags;
} __packed;
static_assert(sizeof(struct acpi_madt) == 44, "MADT header size");
#define MADT_REVISION 4
#define MADT_PCAT_COMPAT BIT(0) /* dual 8259s: Linux masks them */

#define MADT_TYPE_LAPIC 0
#define MADT_TYPE_IOAPIC 1
#define MADT_TYPE_OVERRIDE 2
#define MADT_TYPE_LAPIC_NMI 4

struct madt_lapic {
	u8 type, length, processor_uid, apic_id;
	u32 flags; /* bit 0: enabled */
} __packed;
static_assert(sizeof(struct madt_lapic) == 8, "MADT LAPIC entry");

struct madt_ioapic {
	u8 type, length, ioapic_id, reserved;
	u32 address, gsi_base;
} __packed;
static_assert(sizeof(struct madt_ioapic) == 12, "MADT IOAPIC entry");

struct madt_override {
	u8 type, length, bus, source;
	u32 gsi;
	u16 flags; /* MPS INTI flags */
} __packed;
static_assert(sizeof(struct madt_override) == 10, "MADT override entry");

struct madt_lapic_nmi {
	u8 type, length, processor_uid;
	u16 flags;
	u8 lint;
} __packed;
static_assert(sizeof(struct madt_lapic_nmi) == 6, "MADT LAPIC NMI entry");

#define MADT_LAPIC_ENABLED BIT(0)
#define MADT_ALL_PROCESSORS 0xff
/* MPS INTI flags: polarity bits 1:0, trigger mode bits 3:2. */
#define MPS_INTI_CONFORMING 0x0
#define MPS_INTI_ACTIVE_HIGH 0x1
#define MPS_INTI_LEVEL 0xc

#define MADT_NR_OVERRIDES 2
#define TABLE_ALIGN 16

static u64 madt_size(u16 nr_cpus)
{
	return sizeof(struct acpi_madt) + nr_cpus * sizeof(struct madt_lapic) +
	       sizeof(struct madt_ioapic) +
	       MADT_NR_OVERRIDES * sizeof(struct madt_override) +
	       sizeof(struct madt_lapic_nmi);
}

static u32 sdt_size(unsigned int entries, unsigned int entry_size)
{
	return sizeof(struct acpi_sdt_header) + entries * entry_size;
}

/*
 * The tables' offsets from a 64-byte aligned start (so the FACS offset
 * rounded to 64 is a 64-byte aligned GPA), in layout order; the one place
 * that decides the layout, used for sizing and building alike.
 */
struct acpi_layout {
	u64 rsdp, rsdt, xsdt, fadt, facs, madt, dsdt, end;
};

static void acpi_lay_out(u16 nr_cpus, struct acpi_layout *l)
{
	l->rsdp = 0;
	l->rsdt = ALIGN_UP(l->rsdp + ACPI_RSDP_SIZE, TABLE_ALIGN);
	l->xsdt = ALIGN_UP(l->rsdt + sdt_size(2, 4), TABLE_ALIGN);
	l->fadt = ALIGN_UP(l->xsdt + sdt_size(2, 8), TABLE_ALIGN);
	l->facs = ALIGN_UP(l->fadt + sizeof(struct acpi_fadt), FACS_ALIGN);
	l->madt = ALIGN_UP(l->facs + sizeof(struct acpi_facs), TABLE_ALIGN);
	l->dsdt = ALIGN_UP(l->madt + madt_size(nr_cpus), TABLE_ALIGN);
	l->end = l->dsdt + sizeof(dsdt_aml_code);
}

u64 acpi_size(u16 nr_cpus)
{
	struct acpi_layout l;

	if (nr_cpus < 1 || nr_cpus > ACPI_MAX_CPUS)
		return 0;
	acpi_lay_out(nr_cpus, &l);
	return l.end;
}

static u8 acpi_sum(const void *p, u64 len)
{
	const u8 *b = p;
	u8 s = 0;

	for (u64 i = 0; i < len; i++)
		s = (u8)(s + b[i]);
	return s;
}

static void sdt_header(struct acpi_sdt_header *h, const char sig[4], u32 len,
		       u8 revision)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	h->creator_id = ACPI_CREATOR_ID;
	h->creator_revision = 1;
}

/* Sets the checksum byte so the table's bytes sum to zero. */
static void sdt_checksum(struct acpi_sdt_header *h)
{
	h->checksum = 0;
	h->checksum = (u8)-acpi_sum(h, h->length);
}

static struct acpi_gas io_gas(u16 port, u8 bits, u8 access)
{
	return (struct acpi_gas){ .space_id = ACPI_SPACE_IO,
				  .bit_width = bits,
				  .access_size = access,
				  .address = port };
}

static void build_rsdp(u8 *p, gpa_t rsdt, gpa_t xsdt)
{
	struct acpi_rsdp r = { .revision = 2,
			       .rsdt_address = (u32)rsdt,
			       .length = ACPI_RSDP_SIZE,
			       .xsdt_address = xsdt };

	memcpy(r.signature, ACPI_RSDP_SIG, 8);
	memcpy(r.oem_id, ACPI_OEM_ID, 6);
	r.checksum = (u8)-acpi_sum(&r, 20);
	r.extended_checksum = (u8)-acpi_sum(&r, ACPI_RSDP_SIZE);
	memcpy(p, &r, sizeof(r));
}

/* RSDT (4-byte entries) or XSDT (8-byte entries): FADT, then MADT. */
static void build_sdt(u8 *p, const char sig[4], unsigned int entry_size,
		      gpa_t fadt, gpa_t madt)
{
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)p;
	u8 *e = p + sizeof(*h);

	sdt_header(h, sig, sdt_size(2, entry_size), 1);
	memcpy(e, &fadt, entry_size); /* little-endian: the low bytes */
	memcpy(e + entry_size, &madt, entry_size);
	sdt_checksum(h);
}

static void build_fadt(u8 *p, gpa_t facs, gpa_t dsdt)
{
	struct acpi_fadt f = {
		.firmware_ctrl = (u32)facs, /* X_FIRMWARE_CTRL stays 0 */
		.dsdt = (u32)dsdt,
		.sci_int = ACPI_SCI_IRQ,
		.pm1a_evt_blk = ACPI_PM1A_EVT_PORT,
		.pm1a_cnt_blk = ACPI_PM1A_CNT_PORT,
		.pm_tmr_blk = ACPI_PM_TMR_PORT,
		.pm1_evt_len = 4,
		.pm1_cnt_len = 2,
		.pm_tmr_len = 4,
		.p_lvl2_lat = FADT_P_LVL2_NONE,
		.p_lvl3_lat = FADT_P_LVL3_NONE,
		.century = RTC_CENTURY,
		.iapc_boot_arch = FADT_BOOT_LEGACY_DEVICES | FADT_BOOT_8042 |
				  FADT_BOOT_NO_VGA | FADT_BOOT_NO_MSI,
		.flags = FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
			 FADT_F_SLP_BUTTON | FADT_F_FIX_RTC |
			 FADT_F_TMR_VAL_EXT | FADT_F_RESET_REG_SUP,
		.reset_reg = io_gas(PCI_RESET_CONTROL, 8, ACPI_ACCESS_BYTE),
		.reset_value = PCI_RC_SYS_RST | PCI_RC_RST_CPU,
		.x_dsdt = dsdt,
		.x_pm1a_evt_blk = io_gas(ACPI_PM1A_EVT_PORT, 32, 0),
		.x_pm1a_cnt_blk = io_gas(ACPI_PM1A_CNT_PORT, 16, 0),
		.x_pm_tmr_blk = io_gas(ACPI_PM_TMR_PORT, 32, ACPI_ACCESS_DWORD),
	};

	sdt_header(&f.h, "FACP", sizeof(f), FADT_REVISION);
	memcpy(&f.hypervisor_vendor_id, ACPI_OEM_TABLE_ID, 8);
	sdt_checksum(&f.h);
	memcpy(p, &f, sizeof(f));
}

static void build_facs(u8 *p)
{
	struct acpi_facs f = { .length = sizeof(f), .version = FACS_VERSION };

	memcpy(f.signature, "FACS", 4);
	memcpy(p, &f, sizeof(f));
}

static u8 *madt_put(u8 *at, const void *entry, u64 len)
{
	memcpy(at, entry, len);
	return at + len;
}

static void build_madt(u8 *p, u16 nr_cpus)
{
	struct acpi_madt m = { .lapic_address = ACPI_LAPIC_BASE,
			       .flags = MADT_PCAT_COMPAT };
	struct madt_ioapic io = { .type = MADT_TYPE_IOAPIC,
				  .length = sizeof(io),
				  .ioapic_id = (u8)nr_cpus,
				  .address = ACPI_IOAPIC_BASE };
	/* ISA IRQ0 (PIT) is on IOAPIC pin 2; IRQ9 (SCI) is level, high. */
	struct madt_override ovr[MADT_NR_OVERRIDES] = {
		{ MADT_TYPE_OVERRIDE, sizeof(ovr[0]), 0, 0, 2,
		  MPS_INTI_CONFORMING },
		{ MADT_TYPE_OVERRIDE, sizeof(ovr[0]), 0, ACPI_SCI_IRQ,
		  ACPI_SCI_IRQ, MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL },
	};
	struct madt_lapic_nmi nmi = { .type = MADT_TYPE_LAPIC_NMI,
				      .length = sizeof(nmi),
				      .processor_uid = MADT_ALL_PROCESSORS,
				      .flags = MPS_INTI_CONFORMING,
				      .lint = 1 };
	u8 *at = p + sizeof(m);

	sdt_header(&m.h, "APIC", madt_size(nr_cpus), MADT_REVISION);
	memcpy(p, &m, sizeof(m));
	for (u16 i = 0; i < nr_cpus; i++) {
		struct madt_lapic l = { .type = MADT_TYPE_LAPIC,
					.length = sizeof(l),
					.processor_uid = (u8)i,
					.apic_id = (u8)i,
					.flags = MADT_LAPIC_ENABLED };

		at = madt_put(at, &l, sizeof(l));
	}
	at = madt_put(at, &io, sizeof(io));
	at = madt_put(at, ovr, sizeof(ovr));
	madt_put(at, &nmi, sizeof(nmi));
	sdt_checksum((struct acpi_sdt_header *)p);
}

static struct acpi_range range(gpa_t base, u64 off, u64 len)
{
	return (struct acpi_range){ .gpa = base + off, .len = (u32)len };
}

int acpi_build(u8 *buf, gpa_t buf_gpa, u64 buf_size,
	       const struct acpi_config *cfg, struct acpi_result *res)
{
	struct acpi_layout l;
	u64 skip;
	gpa_t base;
	u8 *p;

	if (!buf || !cfg || !res || cfg->nr_cpus < 1 ||
	    cfg->nr_cpus > ACPI_MAX_CPUS)
		return -EINVAL;
	if (buf_size > BIT_ULL(32) || buf_gpa > BIT_ULL(32) - buf_size)
		return -EINVAL;
	acpi_lay_out(cfg->nr_cpus, &l);
	skip = ALIGN_UP(buf_gpa, FACS_ALIGN) - buf_gpa;
	if (buf_size < skip || buf_size - skip < l.end)
		return -ENOSPC;

	base = buf_gpa + skip;
	p = buf + skip;
	memset(p, 0, l.end);
	build_rsdp(p + l.rsdp, base + l.rsdt, base + l.xsdt);
	build_sdt(p + l.rsdt, "RSDT", 4, base + l.fadt, base + l.madt);
	build_sdt(p + l.xsdt, "XSDT", 8, base + l.fadt, base + l.madt);
	build_fadt(p + l.fadt, base + l.facs, base + l.dsdt);
	build_facs(p + l.facs);
	build_madt(p + l.madt, cfg->nr_cpus);
	memcpy(p + l.dsdt, dsdt_aml_code, sizeof(dsdt_aml_code));

	res->rsdp_gpa = base + l.rsdp;
	res->rsdp = range(base, l.rsdp, ACPI_RSDP_SIZE);
	res->rsdt = range(base, l.rsdt, sdt_size(2, 4));
	res->xsdt = range(base, l.xsdt, sdt_size(2, 8));
	res->fadt = range(base, l.fadt, sizeof(struct acpi_fadt));
	res->facs = range(base, l.facs, sizeof(struct acpi_facs));
	res->madt = range(base, l.madt, madt_size(cfg->nr_cpus));
	res->dsdt = range(base, l.dsdt, sizeof(dsdt_aml_code));
	res->end_gpa = base + l.end;
	return 0;
}
