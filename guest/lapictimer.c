// SPDX-License-Identifier: GPL-2.0
/*
 * The LAPIC timer in each mode, through the xAPIC MMIO page (EPT
 * misconfiguration exits): one-shot fires once and its current count
 * stops at 0; periodic fires again and again until stopped; TSC-deadline
 * (IA32_TSC_DEADLINE) fires at the deadline and not before; a masked timer
 * counts down but delivers nothing.  Every interrupt is EOIed and counted,
 * and the timer rate is checked against CPUID's clocks: one-shot of N
 * ticks at divide 1 ends after N / (crystal Hz) seconds of guest TSC.
 */
#include "guest.h"

#define VEC 0x42

static volatile u32 ticks;
static volatile u32 in_service_bad;

static void on_timer(u32 vector, u32 error)
{
	(void)error;
	/* ISR bit of the vector is set while its handler runs. */
	if (!(apic_read(0x100 + (vector / 32) * 0x10) & (1u << (vector % 32))))
		in_service_bad++;
	ticks++;
	apic_write(APIC_EOI, 0);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 a, b, crystal, d, count;
	u64 t0, t1, expect;

	(void)magic;
	(void)mbi;
	idt_init();
	pic_init_masked();
	irq_set(VEC, on_timer);
	cpuid(0x15, 0, &a, &b, &crystal, &d);
	report("CPUID 0x15 gives the crystal", crystal != 0 && a && b);
	apic_write(APIC_SPIV, 0x1ff);
	apic_write(APIC_TDCR, 0xb);

	/* One-shot: 2 ms of crystal ticks. */
	count = crystal / 500;
	apic_write(APIC_LVT_TIMER, VEC);
	asm volatile("sti");
	t0 = rdtsc();
	apic_write(APIC_TMICT, count);
	report("one-shot fires", wait_for(&ticks, 1, 1000));
	t1 = rdtsc();
	expect = (u64)tsc_khz() * 2; /* 2 ms of TSC */
	printf("one-shot of %u ticks took %u TSC ticks (2 ms = %u)\n", count,
	       (u32)(t1 - t0), (u32)expect);
	report("one-shot not early", t1 - t0 >= expect - expect / 10);
	wait_for(&ticks, 2, 20);
	report("one-shot fires once", ticks == 1);
	report("current count stops at 0", apic_read(APIC_TMCCT) == 0);

	/* Periodic: 1 ms, five times, then stopped by initial count 0. */
	apic_write(APIC_LVT_TIMER, VEC | (1u << 17));
	apic_write(APIC_TMICT, crystal / 1000);
	report("periodic fires five times", wait_for(&ticks, 6, 1000));
	apic_write(APIC_TMICT, 0);
	a = ticks;
	wait_for(&ticks, a + 1, 10);
	report("periodic stops with initial count 0", ticks == a);

	/* TSC-deadline: 1 ms ahead. */
	apic_write(APIC_LVT_TIMER, VEC | (2u << 17));
	a = ticks;
	t0 = rdtsc();
	wrmsr_safe(0x6e0, t0 + tsc_khz());
	report("TSC-deadline fires", wait_for(&ticks, a + 1, 1000));
	report("TSC-deadline not before the deadline",
	       rdtsc() >= t0 + tsc_khz());
	wrmsr_safe(0x6e0, rdtsc() + 1000ULL * tsc_khz());
	wrmsr_safe(0x6e0, 0); /* disarm */
	a = ticks;
	wait_for(&ticks, a + 1, 5);
	report("TSC-deadline 0 disarms", ticks == a);

	/* Masked one-shot: counts, delivers nothing. */
	apic_write(APIC_LVT_TIMER, VEC | (1u << 16));
	apic_write(APIC_TMICT, crystal / 1000);
	a = ticks;
	wait_for(&ticks, a + 1, 5);
	report("masked timer delivers nothing", ticks == a);
	report("masked timer counted down", apic_read(APIC_TMCCT) == 0);
	report("ISR set while each handler ran", in_service_bad == 0);
	printf("timer interrupts: %u\n", ticks);
	return report_failures() ? 1 : 0;
}
