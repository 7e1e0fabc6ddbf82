// SPDX-License-Identifier: GPL-2.0
/*
 * The periodic 8254 (channel 0, mode 2, about 1 ms) on IRQ0, delivered two
 * ways: through the 8259A and the LAPIC's LINT0 in ExtINT mode (the
 * virtual wire: vector 0x20 from the PIC's INTA, EOI to the PIC), then
 * with the PIC masked through IOAPIC pin 2 (the ISA override: vector 0x31,
 * EOI to the LAPIC).  Five interrupts each, then the PIT stopped.
 */
#include "guest.h"

#define IOAPIC 0xfec00000U

static volatile u32 pic_ticks, ioapic_ticks;

static void on_pic(u32 vector, u32 error)
{
	(void)vector;
	(void)error;
	pic_ticks++;
	outb(0x20, 0x20);
}

static void on_ioapic(u32 vector, u32 error)
{
	(void)vector;
	(void)error;
	ioapic_ticks++;
	apic_write(APIC_EOI, 0);
}

static void ioapic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(uintptr_t)IOAPIC = reg;
	*(volatile u32 *)(uintptr_t)(IOAPIC + 0x10) = v;
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	idt_init();
	irq_set(0x20, on_pic);
	irq_set(0x31, on_ioapic);
	pic_init_masked();
	apic_write(APIC_SPIV, 0x1ff);
	apic_write(APIC_LVT_LINT0, 0x700); /* ExtINT */
	outb(0x43, 0x34); /* channel 0, LSB/MSB, mode 2 */
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	outb(0x21, 0xfe); /* unmask IRQ0 */
	asm volatile("sti");
	report("PIT through the PIC and LINT0: five ticks",
	       wait_for(&pic_ticks, 5, 2000));
	asm volatile("cli");
	outb(0x21, 0xff);
	apic_write(APIC_LVT_LINT0, 0x10700); /* masked */
	ioapic_write(0x10 + 2 * 2 + 1, 0); /* destination APIC 0 */
	ioapic_write(0x10 + 2 * 2, 0x31); /* fixed, edge, unmasked */
	asm volatile("sti");
	report("PIT through IOAPIC pin 2: five ticks",
	       wait_for(&ioapic_ticks, 5, 2000));
	asm volatile("cli");
	ioapic_write(0x10 + 2 * 2, 0x10031); /* masked */
	outb(0x43, 0x30); /* mode 0, no count: stops */
	printf("ticks: pic %u ioapic %u\n", pic_ticks, ioapic_ticks);
	return report_failures() ? 1 : 0;
}
