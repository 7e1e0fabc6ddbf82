/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC platform of one VM (platform.c): every device model, the wires
 * between them, and the one question the vCPU asks before each entry
 * (which event is pending?).  Portable: the hypervisor drives it from its
 * exit handlers and the preemption timer, the host tests by hand.
 *
 * Interrupt routing, as on a PC with a virtual-wire PIC (MP spec, "virtual
 * wire mode"), and as the MADT tdpvisor will describe it:
 *
 *   PIT OUT0 ---- IRQ0 --+--> PIC master IR0
 *                        +--> IOAPIC pin 2      (the ISA override)
 *   i8042   ---- IRQ1, 12 \
 *   COM1    ---- IRQ4      +--> PIC IRn and IOAPIC pin n
 *   RTC     ---- IRQ8     /
 *   PIC INTR ---------------> LAPIC LINT0 (ExtINT when so programmed),
 *                             or the CPU's INTR pin when the LAPIC is
 *                             hardware-disabled (IA32_APIC_BASE.EN = 0)
 *   IOAPIC, ICR ------------> the LAPIC(s) the message names
 *
 * Time: the platform's clock is the guest TSC; platform_advance() moves
 * it forward, fires what is due and updates every wire; every access uses
 * the time of the last advance.
 */
#ifndef TDP_HV_DEV_PLATFORM_H
#define TDP_HV_DEV_PLATFORM_H

#include "hv/dev/acpi_pm.h"
#include "hv/dev/dev.h"
#include "hv/dev/fw_cfg.h"
#include "hv/dev/i8042.h"
#include "hv/dev/ioapic.h"
#include "hv/dev/lapic.h"
#include "hv/dev/pci_host.h"
#include "hv/dev/pic.h"
#include "hv/dev/pit.h"
#include "hv/dev/rtc.h"
#include "hv/dev/testdev.h"
#include "hv/dev/uart16550.h"

#define PLATFORM_ISA_IRQS 16
#define PLATFORM_COM1 0x3f8

struct platform_config {
	u64 tsc_hz; /* the guest TSC's frequency (CPUID reports it) */
	u64 lapic_timer_hz; /* the LAPIC timer's input clock (the crystal) */
	u64 ram_size;
	u16 nr_cpus;
	unsigned int maxphyaddr; /* for IA32_APIC_BASE's reserved bits */
	struct rtc_time time; /* the RTC's time at platform_init() */
};

struct platform_stats {
	u64 lapic_mmio, x2apic_msr, cr8_accesses; /* LAPIC accesses by path */
	u64 ioapic_mmio;
	u64 lapic_timer_fires, pit_ticks, pit_ticks_coalesced, rtc_irqs;
	u64 ipis; /* ICR messages routed */
	u64 uart_rx, uart_rx_dropped; /* host console bytes for COM1 */
};

struct platform {
	struct platform_config cfg;
	u64 now; /* guest TSC of the last platform_advance() */
	struct lapic_ops lapic_ops; /* the wires out of the LAPIC ... */
	struct ioapic_ops ioapic_ops; /* ... and out of the IOAPIC */
	struct lapic lapic; /* one vCPU */
	struct ioapic ioapic;
	struct pic pic;
	struct pit pit; /* with port 0x61 */
	struct rtc rtc; /* CMOS RTC and NVRAM at 0x70/0x71, IRQ8 */
	struct uart16550 com1; /* 0x3f8, IRQ4 */
	struct i8042 kbd; /* 0x60/0x64, IRQ1/12; 0xFE resets */
	struct pci_host pci; /* 0xcf8/0xcfc, one host bridge; 0xcf9 reset */
	struct fw_cfg fw_cfg; /* 0x510/0x511 */
	struct acpi_pm
		pm; /* ACPI PM1 blocks and PM timer, 0x600-0x60b; SCI IRQ9 */
	struct testdev testdev;
	bool isa[PLATFORM_ISA_IRQS]; /* each ISA line's level */
	bool pic_intr; /* the PIC's INTR output as last propagated */
	struct platform_stats stats;
};

/* What a port access asks of the caller, besides completing it. */
enum platform_io {
	PLATFORM_IO_DONE,
	PLATFORM_IO_TX, /* *byte: the guest's COM1 transmitted it */
	PLATFORM_IO_EXIT, /* *val: isa-debug-exit status */
	PLATFORM_IO_RESET, /* i8042 0xFE, port 0xcf9: reset requested */
	PLATFORM_IO_POWEROFF, /* ACPI PM1_CNT: SLP_EN with SLP_TYP = S5 */
	PLATFORM_IO_UNHANDLED, /* no device: reads all-ones, writes dropped */
};

/* The event the vCPU should take next (platform_pending()). */
enum platform_event {
	PLATFORM_EV_NONE,
	PLATFORM_EV_NMI,
	PLATFORM_EV_INTR, /* a maskable interrupt (LAPIC or PIC) */
};

void platform_init(struct platform *p, const struct platform_config *cfg,
		   u64 now);
void platform_advance(struct platform *p, u64 now);
u64 platform_next_deadline(const struct platform *p);
enum platform_io platform_pio(struct platform *p, u16 port, unsigned int size,
			      bool in, u64 *val, u8 *byte);
void platform_mmio_bus(struct platform *p, struct mmio_bus *bus);
int platform_msr_read(struct platform *p, u32 msr, u64 *val);
int platform_msr_write(struct platform *p, u32 msr, u64 val);
enum platform_event platform_pending(const struct platform *p);
u8 platform_ack_intr(struct platform *p);
bool platform_uart_rx(struct platform *p, u8 byte);
void platform_ack_nmi(struct platform *p);

#endif /* TDP_HV_DEV_PLATFORM_H */
