// SPDX-License-Identifier: GPL-2.0
/*
 * Console input through the guest's COM1 16550: the guest programs the
 * baud rate (DLAB), enables the FIFO and the receive-data interrupt
 * (IER bit 0, MCR.OUT2) on IRQ4 through IOAPIC pin 4, sleeps in HLT and
 * reads what arrives in its interrupt handler.  Each line typed on the
 * host console is echoed back with its length, the interrupts it took
 * and its bytes in hex (so a Ctrl-A sent as Ctrl-A Ctrl-A shows as 01).
 * The line "quit" ends it; nothing arriving ends it by the run limit.
 * Driven by tests/sys/echo-bochs.case over a socket.
 */
#include "guest.h"

#define IOAPIC 0xfec00000U
#define COM1 0x3f8
#define VEC 0x34

static volatile u32 irqs, head;
static volatile u8 ring[512];
static volatile u32 overrun;

static void on_com1(u32 vector, u32 error)
{
	(void)vector;
	(void)error;
	irqs++;
	/* IIR 0x04 (or 0x0c: FIFO timeout): data; drain while LSR.DR. */
	while (inb(COM1 + 5) & 1) {
		u8 c = inb(COM1);

		if (head < sizeof(ring))
			ring[head++] = c;
		else
			overrun++;
	}
	apic_write(APIC_EOI, 0);
}

static int line_is(const volatile u8 *p, u32 n, const char *s)
{
	u32 i;

	for (i = 0; i < n && s[i]; i++)
		if (p[i] != (u8)s[i])
			return 0;
	return i == n && !s[i];
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 start = 0, lines = 0, ctrl_a_seen = 0, long_seen = 0;

	(void)magic;
	(void)mbi;
	idt_init();
	irq_set(VEC, on_com1);
	pic_init_masked();
	apic_write(APIC_SPIV, 0x1ff);
	*(volatile u32 *)(uintptr_t)IOAPIC = 0x10 + 4 * 2 + 1;
	*(volatile u32 *)(uintptr_t)(IOAPIC + 0x10) = 0;
	*(volatile u32 *)(uintptr_t)IOAPIC = 0x10 + 4 * 2;
	*(volatile u32 *)(uintptr_t)(IOAPIC + 0x10) = VEC;

	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared, trigger 14 */
	outb(COM1 + 4, 0x0b); /* DTR, RTS, OUT2 */
	outb(COM1 + 1, 0x01); /* receive-data interrupt */
	report("IIR reads no interrupt pending with FIFOs on",
	       (inb(COM1 + 2) & 0xcf) == 0xc1);
	printf("echo: ready\n");
	for (;;) {
		u32 end;

		asm volatile("sti; hlt; cli");
		for (end = start; end < head; end++)
			if (ring[end] == '\r' || ring[end] == '\n')
				break;
		if (end == head)
			continue;
		printf("echo: line of %u bytes after %u receive interrupts:",
		       end - start, irqs);
		for (u32 i = start; i < end; i++)
			printf(" %02x", ring[i]);
		printf("\n");
		lines++;
		if (line_is(ring + start, end - start, "a\x01z"))
			ctrl_a_seen = 1;
		if (end - start == 100)
			long_seen = 1;
		if (line_is(ring + start, end - start, "quit"))
			break;
		start = end + 1;
		if (start < head && ring[start] == '\n')
			start++;
	}
	report("input arrived through the receive interrupt", irqs > 0);
	report("Ctrl-A Ctrl-A reached the guest as one Ctrl-A", ctrl_a_seen);
	report("a 100-byte line arrived whole (more than the FIFO holds)",
	       long_seen);
	report("no byte dropped by the guest", overrun == 0);
	printf("echo: %u lines, %u interrupts\n", lines, irqs);
	return report_failures();
}
