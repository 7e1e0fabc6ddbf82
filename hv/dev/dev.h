/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every device model shares: the time base and the interrupt message.
 * Portable: the models know nothing of VMX, and are driven the same way by
 * the hypervisor (hv/dev/platform.c) and by the host tests.
 *
 * Time.  Every model is told the current guest time as a guest TSC value
 * ("now", in TSC ticks) on each call that may depend on it, and reports
 * the guest TSC of its next event ("deadline", DEV_NO_DEADLINE if none).
 * The guest TSC runs at tsc_hz, the frequency CPUID reports; a model with
 * its own clock (the 8254's 1.193182 MHz, the RTC's 32.768 kHz, the LAPIC
 * timer's crystal) converts with dev_mul_div().  Nothing reads a clock of
 * its own, so the host tests drive time by hand and every run repeats.
 *
 * Interrupts.  An interrupt source (IOAPIC pin, ICR write, LINT pin) sends
 * a struct apic_msg to the LAPIC(s) it names, through a callback the
 * platform supplies; the LAPIC accepts it into IRR (fixed, lowest
 * priority), or as a pending NMI, INIT or SIPI.
 */
#ifndef TDP_HV_DEV_DEV_H
#define TDP_HV_DEV_DEV_H

#include "types.h"

#define DEV_NO_DEADLINE (~0ULL)

/* The 8254's input clock, and the RTC's. */
#define PIT_HZ 1193182ULL
#define RTC_HZ 32768ULL

/**
 * dev_mul_div() - a * b / c, rounded down, without a 128-bit division
 * (the image has no libgcc).
 *
 * Exact while (c - 1) * b fits in 64 bits, which holds for every pair of
 * clock rates below 2^32 Hz used here.
 */
static inline u64 dev_mul_div(u64 a, u64 b, u64 c)
{
	return (a / c) * b + (a % c) * b / c;
}

/* Delivery modes, as the ICR, the LVT and the IOAPIC encode them. */
enum apic_delivery {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_SIPI = 6,
	APIC_DM_EXTINT = 7,
};

/* ICR destination shorthands (bits 19:18). */
enum apic_shorthand {
	APIC_SH_NONE = 0,
	APIC_SH_SELF = 1,
	APIC_SH_ALL = 2,
	APIC_SH_OTHERS = 3,
};

/**
 * struct apic_msg - one interrupt message on the (virtual) APIC bus.
 * @vector: the vector (fixed, lowest priority; SIPI: the start page).
 * @delivery: enum apic_delivery.
 * @level: level-triggered (TMR is set on acceptance; EOI is broadcast).
 * @assert: the level (INIT de-assert has it clear; edge messages set it).
 * @logical: destination mode logical (else physical).
 * @shorthand: enum apic_shorthand (from an ICR; 0 for the IOAPIC).
 * @dest: destination: an APIC ID (physical) or an MDA (logical); 8 bits
 *        in xAPIC mode, 32 in x2APIC mode (0xffffffff / 0xff: broadcast).
 * @source: the sending LAPIC's ID, for the shorthands (0 from the IOAPIC).
 */
struct apic_msg {
	u8 vector;
	u8 delivery;
	bool level;
	bool assert;
	bool logical;
	u8 shorthand;
	u32 dest;
	u32 source;
};

/*
 * The MMIO bus: where an emulated access goes.  @contains says whether
 * some device decodes all of [@gpa, @gpa + @len) (for classifying a
 * fault); @access performs one access of 1, 2, 4 or 8 bytes at @gpa: 0,
 * -ENODEV when no device decodes all of it (nothing is touched), or
 * another negative code the caller reports as the device's refusal.  The
 * emulator calls only @access, so the hot path looks the device up once.
 * On the platform bus the LAPIC page wins over any device under it, as
 * the CPU takes LAPIC accesses before they reach the bus.  GPAs come
 * without the shared bit.
 */
struct mmio_bus {
	void *ctx;
	bool (*contains)(void *ctx, gpa_t gpa, u64 len);
	int (*access)(void *ctx, gpa_t gpa, u32 size, bool write, u64 *val);
};

#endif /* TDP_HV_DEV_DEV_H */
