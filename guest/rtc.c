// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS RTC's periodic interrupt on IRQ8 through IOAPIC pin 8: rate 6
 * (1024 Hz) with PIE set; the handler reads register C (which lowers
 * IRQ8) and EOIs.  Twenty interrupts arrive, and not in much less than
 * 20/1024 s of guest TSC time.  The clock reads as valid BCD.
 */
#include "guest.h"

#define IOAPIC 0xfec00000U

static volatile u32 ticks, flags_bad;

static u8 cmos_read(u8 reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static void cmos_write(u8 reg, u8 v)
{
	outb(0x70, reg);
	outb(0x71, v);
}

static void on_rtc(u32 vector, u32 error)
{
	(void)vector;
	(void)error;
	/* IRQF and PF.  The first one may find them read already: PF was
	 * set before PIE, so setting PIE raised IRQ8 while IF=0, and the
	 * read of C after it cleared them, as on hardware. */
	if (!(cmos_read(0x0c) & 0xc0) && ticks)
		flags_bad++;
	ticks++;
	apic_write(APIC_EOI, 0);
}

static int bcd(u8 v)
{
	return (v & 0xf) < 10 && (v >> 4) < 10;
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u64 t0, t1;

	(void)magic;
	(void)mbi;
	idt_init();
	irq_set(0x38, on_rtc);
	pic_init_masked();
	apic_write(APIC_SPIV, 0x1ff);
	*(volatile u32 *)(uintptr_t)IOAPIC = 0x10 + 8 * 2 + 1;
	*(volatile u32 *)(uintptr_t)(IOAPIC + 0x10) = 0;
	*(volatile u32 *)(uintptr_t)IOAPIC = 0x10 + 8 * 2;
	*(volatile u32 *)(uintptr_t)(IOAPIC + 0x10) = 0x38;
	report("clock reads as BCD",
	       bcd(cmos_read(0)) && bcd(cmos_read(2)) && bcd(cmos_read(4)) &&
		       bcd(cmos_read(7)) && bcd(cmos_read(9)));
	cmos_write(0x0a, 0x26); /* divider on, rate 6: 1024 Hz */
	cmos_write(0x0b, cmos_read(0x0b) | 0x40); /* PIE */
	cmos_read(0x0c);
	t0 = rdtsc();
	asm volatile("sti");
	report("twenty periodic interrupts", wait_for(&ticks, 20, 2000));
	t1 = rdtsc();
	asm volatile("cli");
	cmos_write(0x0b, cmos_read(0x0b) & ~0x40);
	report("not faster than 1024 Hz",
	       t1 - t0 >= (u64)tsc_khz() * 19 * 1000 / 1024);
	report("register C had IRQF and PF set in each after the first",
	       flags_bad == 0);
	return report_failures() ? 1 : 0;
}
