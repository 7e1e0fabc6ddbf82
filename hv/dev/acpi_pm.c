// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI PM1 event/control blocks and the PM timer (see acpi_pm.h).
 */
#include "hv/dev/acpi_pm.h"
#include "hv/dev/dev.h"
#include "hv/load/acpi.h"

void acpi_pm_init(struct acpi_pm *pm, u64 tsc_hz, u64 now)
{
	*pm = (struct acpi_pm){ .tsc_hz = tsc_hz, .t0 = now };
}

static u64 ticks(const struct acpi_pm *pm, u64 now)
{
	return now <= pm->t0 ? 0
			     : dev_mul_div(now - pm->t0, ACPI_PM_TIMER_HZ,
					   pm->tsc_hz);
}

u32 acpi_pm_timer(const struct acpi_pm *pm, u64 now)
{
	return (u32)ticks(pm, now);
}

static bool tmr_sts(const struct acpi_pm *pm, u64 now)
{
	return (ticks(pm, now) >> 31) != pm->sts_epoch;
}

bool acpi_pm_port(u16 port)
{
	return port >= ACPI_PM1A_EVT_PORT &&
	       port < ACPI_PM1A_EVT_PORT + ACPI_PM_PORTS;
}

u8 acpi_pm_read(const struct acpi_pm *pm, u16 port, u64 now)
{
	unsigned int off = port - ACPI_PM1A_EVT_PORT;
	u32 v;

	switch (off) {
	case 0: /* PM1_STS */
	case 1:
		v = tmr_sts(pm, now) ? ACPI_PM1_TMR_STS : 0;
		break;
	case 2: /* PM1_EN */
	case 3:
		v = pm->en;
		break;
	case 4: /* PM1_CNT: SLP_EN reads 0 */
	case 5:
		v = pm->cnt | ACPI_PM1_SCI_EN;
		break;
	case 8 ... 11: /* PM_TMR */
		return (u8)(acpi_pm_timer(pm, now) >> (8 * (off - 8)));
	default:
		return 0;
	}
	return (u8)(v >> (8 * (off & 1)));
}

enum acpi_pm_io acpi_pm_write(struct acpi_pm *pm, u16 port, unsigned int size,
			      u32 val, u64 now)
{
	enum acpi_pm_io act = ACPI_PM_IO_DONE;

	for (unsigned int i = 0; i < size; i++) {
		unsigned int off = port + i - ACPI_PM1A_EVT_PORT;
		u16 b = (u16)((val >> (8 * i)) & 0xff);
		u16 cnt;

		switch (off) {
		case 0: /* PM1_STS: write 1 to clear TMR_STS */
			if (b & ACPI_PM1_TMR_STS)
				pm->sts_epoch = ticks(pm, now) >> 31;
			break;
		case 2: /* PM1_EN: only TMR_EN exists */
			pm->en = b & ACPI_PM1_TMR_EN;
			break;
		case 5: /* PM1_CNT high byte: SLP_TYP (12:10), SLP_EN (13) */
			cnt = (u16)(b << 8);
			pm->cnt = cnt & (7u << 10);
			if (cnt & ACPI_PM1_SLP_EN) {
				if (((cnt >> 10) & 7) == ACPI_S5_SLP_TYP)
					act = ACPI_PM_IO_POWEROFF;
				else
					pm->other_sleeps++;
			}
			break;
		default: /* status high byte, SCI_EN, PM_TMR: read-only */
			break;
		}
	}
	return act;
}

bool acpi_pm_sci(const struct acpi_pm *pm, u64 now)
{
	return (pm->en & ACPI_PM1_TMR_EN) && tmr_sts(pm, now);
}

u64 acpi_pm_next_deadline(const struct acpi_pm *pm, u64 now)
{
	u64 next;

	if (!(pm->en & ACPI_PM1_TMR_EN) || tmr_sts(pm, now))
		return DEV_NO_DEADLINE;
	/* The first TSC at which the counter reaches the next 2^31 step. */
	next = (pm->sts_epoch + 1) << 31;
	return pm->t0 + dev_mul_div(next, pm->tsc_hz, ACPI_PM_TIMER_HZ) + 1;
}
