// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI fixed hardware at the ports the FADT names: the PM timer at
 * 0x608 counts at 3.579545 MHz of guest TSC time (checked over 20 ms),
 * SCI_EN reads 1 in PM1a_CNT (0x604), and writing SLP_TYP = 5 (the
 * DSDT's \_S5) with SLP_EN powers the machine off, which ends the guest
 * with the outcome "powered off".
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 p0, p1, ticks, want, us;
	u64 t0, t1, khz = tsc_khz();

	(void)magic;
	(void)mbi;
	report("PM1a_CNT reads SCI_EN (always in ACPI mode)",
	       (inl(0x604) & 1) == 1);
	p0 = inl(0x608);
	t0 = rdtsc();
	while (rdtsc() - t0 < khz * 20)
		;
	p1 = inl(0x608);
	t1 = rdtsc();
	ticks = p1 - p0;
	/* 32-bit arithmetic only (no libgcc): microseconds of TSC time,
	 * then 3.5795 ticks each. */
	us = (u32)(t1 - t0) / ((u32)khz / 1000);
	want = us * 35795 / 10000;
	printf("PM timer: %u ticks over %u us of TSC (%u kHz), want %u\n",
	       ticks, us, (u32)khz, want);
	report("PM timer runs at 3.579545 MHz of guest TSC time (within 2%)",
	       ticks >= want - want / 50 && ticks <= want + want / 50);
	printf("powering off through PM1a_CNT (SLP_TYP 5, SLP_EN)\n");
	outl(0x604, (5u << 10) | (1u << 13));
	report("still running after the S5 write", 0);
	return 1;
}
