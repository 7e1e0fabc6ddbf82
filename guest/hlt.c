// SPDX-License-Identifier: GPL-2.0
/*
 * HLT sleeps until an event can wake the vCPU: three times, a one-shot
 * LAPIC timer armed before "sti; hlt" wakes it, with the timer interrupt
 * delivered (after the HLT) and EOIed.  Then HLT with IF=0 and no timer
 * armed can never wake, so the hypervisor stops this guest: it ends that
 * way on purpose.
 */
#include "guest.h"

#define VEC 0x41

static volatile u32 ticks;

static void on_timer(u32 vector, u32 error)
{
	(void)vector;
	(void)error;
	ticks++;
	apic_write(APIC_EOI, 0);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	int woke = 0;

	(void)magic;
	(void)mbi;
	idt_init();
	pic_init_masked();
	irq_set(VEC, on_timer);
	apic_write(APIC_SPIV, 0x1ff);
	apic_write(APIC_TDCR, 0xb); /* divide by 1 */
	apic_write(APIC_LVT_TIMER, VEC); /* one-shot */
	for (u32 i = 0; i < 3; i++) {
		apic_write(APIC_TMICT, 100000);
		asm volatile("sti; hlt; cli" ::: "memory");
		woke += ticks == i + 1;
	}
	report("three HLTs woken by the one-shot LAPIC timer", woke == 3);
	if (report_failures())
		return 1;
	printf("now HLT with IF=0: the hypervisor must stop this guest\n");
	asm volatile("cli; hlt");
	report("HLT with IF=0 did not stop the guest", 0);
	return 1;
}
