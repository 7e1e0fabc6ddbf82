/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI tables for a guest (acpi.c, portable and host-tested): RSDP, RSDT,
 * XSDT, FADT (revision 6, full hardware), FACS, MADT and a DSDT compiled
 * by iasl at build time from hv/load/dsdt.asl.  The builder writes into a
 * host buffer that the guest sees at a given GPA; it never reads guest
 * memory.
 *
 * Layout inside the buffer, each table starting on a 16-byte boundary
 * (the FACS on a 64-byte one, as the FACS requires):
 *
 *   RSDP (36 bytes) at the first 64-byte aligned GPA of the buffer
 *   RSDT, XSDT      both list FADT then MADT
 *   FADT            DSDT and X_DSDT -> DSDT, FIRMWARE_CTRL -> FACS
 *   FACS            64-byte aligned
 *   MADT
 *   DSDT            the AML from dsdt.asl, byte for byte
 *
 * Where to put it: Linux, given no acpi_rsdp_addr in its boot parameters,
 * searches for "RSD PTR " on 16-byte boundaries in the first KiB of the
 * EBDA and in [0xe0000, 0x100000).  A buffer at 0xf0000 (GUEST_LOW_RAM_END
 * and the BIOS area are reserved in the map the guest gets, so the tables
 * stay intact) of 64 KiB holds the tables for any vCPU count allowed here.
 * The whole buffer must lie below 4 GiB: the RSDT and the FADT's 32-bit
 * pointers must reach every table.
 *
 * The fixed hardware the FADT describes, which the device models must
 * provide at these I/O ports:
 *   PM1a event block   ACPI_PM1A_EVT_PORT, 4 bytes (status, then enable)
 *   PM1a control block ACPI_PM1A_CNT_PORT, 2 bytes; the guest powers off by
 *                      writing SLP_TYP = ACPI_S5_SLP_TYP with SLP_EN (bit 13)
 *   PM timer           ACPI_PM_TMR_PORT, 4 bytes, a 32-bit counter at
 *                      3.579545 MHz (TMR_VAL_EXT is set)
 *   reset register     I/O port 0xcf9 (the PIIX reset control register of
 *                      hv/dev/pci_host.h), byte write of 0x06
 * There is no SMI command port: the platform is always in ACPI mode, so
 * PM1 control's SCI_EN (bit 0) must read 1.  The SCI is ISA IRQ 9, level
 * triggered, active high (the MADT's override says so).  No GPE blocks, no
 * fixed power or sleep button, no C2/C3.
 *
 * The DSDT (dsdt.asl) holds \_S5 and, under \_SB, the PCI host bridge
 * PCI0 (PNP0A03, bus 0), COM1 (PNP0501, 0x3f8 IRQ 4), the RTC (PNP0B00,
 * 0x70 IRQ 8) and the i8042 keyboard (PNP0303, 0x60/0x64 IRQ 1).  It has no
 * processor objects: Linux takes the CPUs from the MADT.
 */
#ifndef TDP_HV_LOAD_ACPI_H
#define TDP_HV_LOAD_ACPI_H

#include "compiler.h"

#define ACPI_PM1A_EVT_PORT 0x600
#define ACPI_PM1A_CNT_PORT 0x604
#define ACPI_PM_TMR_PORT 0x608
#define ACPI_S5_SLP_TYP 5 /* must match \_S5 in dsdt.asl (a test checks) */
#define ACPI_SCI_IRQ 9

#define ACPI_LAPIC_BASE 0xfee00000u
#define ACPI_IOAPIC_BASE 0xfec00000u
/* APIC IDs 0..n-1 and the IOAPIC's ID n must stay below 0xff (broadcast). */
#define ACPI_MAX_CPUS 254

#define ACPI_RSDP_SIG "RSD PTR "
#define ACPI_RSDP_SIZE 36

struct acpi_config {
	u16 nr_cpus; /* 1..ACPI_MAX_CPUS; APIC IDs and processor UIDs 0..n-1 */
};

/* One table's place in guest-physical memory. */
struct acpi_range {
	gpa_t gpa;
	u32 len;
};

struct acpi_result {
	gpa_t rsdp_gpa; /* what the guest is told (boot_params.acpi_rsdp_addr) */
	struct acpi_range rsdp, rsdt, xsdt, fadt, facs, madt, dsdt;
	gpa_t end_gpa; /* first GPA after the last table */
};

/**
 * acpi_size() - bytes acpi_build() needs from a 64-byte aligned start.
 * @nr_cpus: the vCPU count
 *
 * Context: any.
 * Return: the size, or 0 when @nr_cpus is out of range.
 */
u64 acpi_size(u16 nr_cpus);

/**
 * acpi_build() - write the guest's ACPI tables into a buffer.
 * @buf:      host pointer to the buffer
 * @buf_gpa:  the GPA at which the guest sees @buf
 * @buf_size: bytes of @buf the builder may write
 * @cfg:      the machine to describe
 * @res:      where each table went; set only on success
 *
 * Writes nothing outside [@buf, @buf + @buf_size); bytes of the buffer
 * between tables are zeroed.  On failure the buffer is untouched.
 *
 * Context: any; writes only @buf and @res.
 * Return: 0; -EINVAL for a NULL pointer, a vCPU count outside
 * 1..ACPI_MAX_CPUS or a buffer that does not end below 4 GiB; -ENOSPC when
 * the tables do not fit in the buffer.
 */
int __must_check acpi_build(u8 *buf, gpa_t buf_gpa, u64 buf_size,
			    const struct acpi_config *cfg,
			    struct acpi_result *res);

#endif /* TDP_HV_LOAD_ACPI_H */
