/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI fixed hardware the guest's FADT describes (acpi_pm.c;
 * ACPI 6.x ch. 4.8 "ACPI Hardware Registers"): the PM1a event block
 * (PM1_STS, PM1_EN) at ACPI_PM1A_EVT_PORT, the PM1a control block at
 * ACPI_PM1A_CNT_PORT and the 32-bit PM timer at ACPI_PM_TMR_PORT
 * (3.579545 MHz, driven by the guest TSC).  Portable.
 *
 * Fixed events: only the timer's (TMR_STS, set each time the counter's
 * bit 31 changes); there is no power or sleep button, no RTC alarm event,
 * no GPE.  The SCI (ISA IRQ 9) is high while TMR_STS and TMR_EN are both
 * set.  SCI_EN reads 1 (no SMI command port: always in ACPI mode).
 * Writing SLP_EN with SLP_TYP = ACPI_S5_SLP_TYP is power-off; other sleep
 * types are not offered (the DSDT names only \_S5) and are counted and
 * ignored.
 */
#ifndef TDP_HV_DEV_ACPI_PM_H
#define TDP_HV_DEV_ACPI_PM_H

#include "compiler.h"

#define ACPI_PM_TIMER_HZ 3579545ULL
#define ACPI_PM_PORTS 12 /* PM1a_EVT (4), PM1a_CNT (2, +2 unused), PM_TMR (4) */
#define ACPI_PM1_TMR_STS BIT(0)
#define ACPI_PM1_TMR_EN BIT(0)
#define ACPI_PM1_SCI_EN BIT(0)
#define ACPI_PM1_SLP_EN BIT(13)

struct acpi_pm {
	u64 tsc_hz;
	u64 t0; /* guest TSC at which the PM timer read 0 */
	u64 sts_epoch; /* counter >> 31 when TMR_STS was last cleared */
	u16 en; /* PM1_EN */
	u16 cnt; /* PM1_CNT bits the guest may set (SLP_TYP) */
	u64 other_sleeps; /* SLP_EN with a type other than S5 */
};

enum acpi_pm_io {
	ACPI_PM_IO_DONE,
	ACPI_PM_IO_POWEROFF, /* SLP_EN with SLP_TYP = S5 */
};

void acpi_pm_init(struct acpi_pm *pm, u64 tsc_hz, u64 now);
/* The PM timer's counter at guest TSC @now (all 32 bits: TMR_VAL_EXT). */
u32 acpi_pm_timer(const struct acpi_pm *pm, u64 now);
/* Whether @port (a byte) is one of the blocks. */
bool acpi_pm_port(u16 port);
/* One byte at @port; reads of the unused bytes 0x606/0x607 give 0. */
u8 acpi_pm_read(const struct acpi_pm *pm, u16 port, u64 now);
/*
 * A write of @size (1, 2 or 4) bytes at @port; a write that spans
 * registers is split as a bus would split it.  PM1_STS is write-1-to-clear.
 */
enum acpi_pm_io acpi_pm_write(struct acpi_pm *pm, u16 port, unsigned int size,
			      u32 val, u64 now);
/* The SCI's level at @now. */
bool acpi_pm_sci(const struct acpi_pm *pm, u64 now);
/* Guest TSC at which the SCI next rises (TMR_EN set, TMR_STS clear), or
 * DEV_NO_DEADLINE. */
u64 acpi_pm_next_deadline(const struct acpi_pm *pm, u64 now);

#endif /* TDP_HV_DEV_ACPI_PM_H */
