// SPDX-License-Identifier: GPL-2.0
/*
 * The platform's wiring, driven as a guest drives it (ports, the MMIO bus,
 * MSRs) and judged by what the vCPU would be handed: the LAPIC timer's
 * vector; the PIT's IRQ0 through the PIC and LINT0 in ExtINT mode (the
 * virtual wire), and through IOAPIC pin 2 (the ISA override); an NMI
 * self-IPI; and IA32_APIC_BASE taking the LAPIC's registers out of its
 * MMIO page in x2APIC mode.  Register values come from the data sheets and the SDM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "hv/dev/platform.h"

#define TSC_HZ 1000000000ULL /* 1 GHz: a PIT tick is ~838 TSC ticks */
#define APIC 0xfee00000ULL

static struct platform p;
static struct mmio_bus bus;

static void setup(void)
{
	struct platform_config c = { .tsc_hz = TSC_HZ,
				     .lapic_timer_hz = 25000000,
				     .ram_size = 64 << 20,
				     .nr_cpus = 1,
				     .maxphyaddr = 39 };

	platform_init(&p, &c, 0);
	platform_mmio_bus(&p, &bus);
}

static void mmio_w(u64 gpa, u32 v)
{
	u64 x = v;

	assert_true(bus.contains(bus.ctx, gpa, 4));
	assert_int_equal(bus.access(bus.ctx, gpa, 4, true, &x), 0);
}

static void out8(u16 port, u8 v)
{
	u64 x = v;
	u8 b;

	assert_int_not_equal(platform_pio(&p, port, 1, false, &x, &b),
			     PLATFORM_IO_UNHANDLED);
}

static void pic_init_linux(u8 imr_master)
{
	out8(0x20, 0x11);
	out8(0x21, 0x20);
	out8(0x21, 0x04);
	out8(0x21, 0x01);
	out8(0xa0, 0x11);
	out8(0xa1, 0x28);
	out8(0xa1, 0x02);
	out8(0xa1, 0x01);
	out8(0x21, imr_master);
	out8(0xa1, 0xff);
}

/* Channel 0, mode 2, LSB then MSB: a rate generator of @count. */
static void pit_periodic(u16 count)
{
	out8(0x43, 0x34);
	out8(0x40, (u8)count);
	out8(0x40, (u8)(count >> 8));
}

static void test_lapic_timer_vector(void **state)
{
	(void)state;
	setup();
	mmio_w(APIC + 0xf0, 0x1ff); /* SPIV: enabled */
	mmio_w(APIC + 0x3e0, 0xb); /* divide by 1 */
	mmio_w(APIC + 0x320, 0x45); /* one-shot, vector 0x45 */
	mmio_w(APIC + 0x380, 25000); /* 1 ms at 25 MHz */
	assert_int_equal(platform_next_deadline(&p), TSC_HZ / 1000);
	platform_advance(&p, TSC_HZ / 1000 - 1);
	assert_int_equal(platform_pending(&p), PLATFORM_EV_NONE);
	platform_advance(&p, TSC_HZ / 1000);
	assert_int_equal(platform_pending(&p), PLATFORM_EV_INTR);
	assert_int_equal(platform_ack_intr(&p), 0x45);
	assert_int_equal(platform_pending(&p), PLATFORM_EV_NONE);
	mmio_w(APIC + 0xb0, 0); /* EOI */
	assert_int_equal(platform_next_deadline(&p), DEV_NO_DEADLINE);
}

static void test_pit_through_pic_virtual_wire(void **state)
{
	(void)state;
	setup();
	mmio_w(APIC + 0xf0, 0x1ff);
	mmio_w(APIC + 0x350, 0x700); /* LINT0: ExtINT, unmasked */
	pic_init_linux(0xfe); /* IRQ0 only */
	pit_periodic(1193); /* ~1 ms */
	for (int i = 1; i <= 3; i++) {
		platform_advance(&p, (u64)i * TSC_HZ / 1000 + TSC_HZ / 10000);
		assert_int_equal(platform_pending(&p), PLATFORM_EV_INTR);
		assert_int_equal(platform_ack_intr(&p), 0x20);
		out8(0x20, 0x20); /* non-specific EOI */
		assert_int_equal(platform_pending(&p), PLATFORM_EV_NONE);
	}
	assert_true(p.stats.pit_ticks >= 3);
}

static void test_pit_through_ioapic_pin2(void **state)
{
	(void)state;
	setup();
	mmio_w(APIC + 0xf0, 0x1ff);
	pic_init_linux(0xff); /* PIC fully masked */
	/* IOAPIC redirection entry 2: vector 0x31, fixed, edge, dest 0. */
	mmio_w(0xfec00000, 0x10 + 2 * 2);
	mmio_w(0xfec00010, 0x31);
	mmio_w(0xfec00000, 0x10 + 2 * 2 + 1);
	mmio_w(0xfec00010, 0);
	pit_periodic(1193);
	for (int i = 1; i <= 3; i++) {
		platform_advance(&p, (u64)i * TSC_HZ / 1000 + TSC_HZ / 10000);
		assert_int_equal(platform_pending(&p), PLATFORM_EV_INTR);
		assert_int_equal(platform_ack_intr(&p), 0x31);
		mmio_w(APIC + 0xb0, 0);
	}
}

static void test_nmi_self_ipi(void **state)
{
	(void)state;
	setup();
	mmio_w(APIC + 0xf0, 0x1ff);
	mmio_w(APIC + 0x310, 0); /* destination: APIC ID 0 */
	mmio_w(APIC + 0x300, (4u << 8) | (1u << 14)); /* NMI, assert */
	assert_int_equal(platform_pending(&p), PLATFORM_EV_NMI);
	platform_ack_nmi(&p);
	assert_int_equal(platform_pending(&p), PLATFORM_EV_NONE);
}

static void test_apic_base_and_x2apic(void **state)
{
	u64 v;

	(void)state;
	setup();
	assert_int_equal(platform_msr_read(&p, 0x1b, &v), 0);
	assert_int_equal(v, APIC | (1u << 11) | (1u << 8));
	assert_int_equal(platform_msr_read(&p, 0x802, &v), -EINVAL);
	assert_int_equal(platform_msr_write(&p, 0x1b, v | (1u << 10)), 0);
	/* The page holds no APIC now: it reads all ones (8 bytes: two). */
	assert_true(bus.contains(bus.ctx, APIC + 0x20, 8));
	v = 0;
	assert_int_equal(bus.access(bus.ctx, APIC + 0x20, 8, false, &v), 0);
	assert_int_equal(v, ~0ULL);
	assert_int_equal(platform_msr_read(&p, 0x802, &v), 0);
	assert_int_equal(v, 0);
	/* x2APIC straight back to xAPIC is illegal (#GP). */
	assert_int_equal(platform_msr_write(&p, 0x1b,
					    APIC | (1u << 11) | (1u << 8)),
			 -EINVAL);
	assert_int_equal(platform_msr_read(&p, 0x12345, &v), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lapic_timer_vector),
		cmocka_unit_test(test_pit_through_pic_virtual_wire),
		cmocka_unit_test(test_pit_through_ioapic_pin2),
		cmocka_unit_test(test_nmi_self_ipi),
		cmocka_unit_test(test_apic_base_and_x2apic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
