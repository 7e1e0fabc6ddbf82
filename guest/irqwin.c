// SPDX-License-Identifier: GPL-2.0
/*
 * An interrupt that becomes pending while IF=0 is delivered at STI, after
 * the one instruction STI's shadow covers, through the hypervisor's
 * interrupt-window exit: the LAPIC timer expires during a CLI section
 * (IRR set, no delivery), and the handler must see the store that follows
 * STI already done.
 */
#include "guest.h"

#define VEC 0x43

static volatile u32 ticks, flag, flag_seen;

static void on_timer(u32 vector, u32 error)
{
	(void)vector;
	(void)error;
	flag_seen = flag;
	ticks++;
	apic_write(APIC_EOI, 0);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 irr;

	(void)magic;
	(void)mbi;
	idt_init();
	pic_init_masked();
	irq_set(VEC, on_timer);
	apic_write(APIC_SPIV, 0x1ff);
	apic_write(APIC_TDCR, 0xb);
	apic_write(APIC_LVT_TIMER, VEC);
	asm volatile("cli");
	apic_write(APIC_TMICT, 1000);
	while (apic_read(APIC_TMCCT))
		;
	irr = apic_read(0x200 + (VEC / 32) * 0x10);
	report("timer expired with IF=0: vector pending in IRR",
	       irr & (1u << (VEC % 32)));
	report("not delivered while IF=0", ticks == 0);
	flag = 0;
	asm volatile("sti\n\tmovl $1, %0\n\tnop" : "=m"(flag)::"memory");
	report("delivered after STI", ticks == 1);
	report("after the instruction in STI's shadow", flag_seen == 1);
	return report_failures() ? 1 : 0;
}
