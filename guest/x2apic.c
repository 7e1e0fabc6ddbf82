// SPDX-License-Identifier: GPL-2.0
/*
 * The x2APIC mode switch and the IA32_APIC_BASE state machine, after the
 * SDM's "Extended XAPIC (x2APIC)" section: CPUID reports x2APIC; x2APIC
 * MSRs raise #GP in xAPIC mode; xAPIC -> x2APIC keeps the register state
 * but takes the ID from the hardware; the x2APIC register rules (ID, LDR
 * derived and read-only, no DFR, a 64-bit ICR, reserved bits #GP, EOI of
 * a nonzero value #GP); self-IPIs through SELF IPI and the ICR; the timer
 * through its MSRs; the MMIO page holds no registers in x2APIC mode; every
 * illegal IA32_APIC_BASE write raises #GP and changes nothing; x2APIC ->
 * disabled -> xAPIC resets the LAPIC and the MMIO page answers again.
 */
#include "guest.h"

#define MSR_APIC_BASE 0x1b
#define BASE_BSP (1ULL << 8)
#define BASE_EXTD (1ULL << 10)
#define BASE_EN (1ULL << 11)

#define X2_ID 0x802
#define X2_VERSION 0x803
#define X2_TPR 0x808
#define X2_PPR 0x80a
#define X2_EOI 0x80b
#define X2_LDR 0x80d
#define X2_DFR 0x80e
#define X2_SPIV 0x80f
#define X2_ISR0 0x810
#define X2_ICR 0x830
#define X2_ICR_HI 0x831 /* the xAPIC's ICR high: no MSR */
#define X2_LVT_TIMER 0x832
#define X2_TMICT 0x838
#define X2_TMCCT 0x839
#define X2_TDCR 0x83e
#define X2_SELF_IPI 0x83f

#define ICR_SELF (1u << 18) /* destination shorthand 01 */
#define LVT_MASKED 0x10000u

#define VEC_SELF 0x51 /* SELF IPI MSR */
#define VEC_ICR 0x52 /* ICR, self shorthand */
#define VEC_PHYS 0x53 /* ICR, physical destination = own ID */
#define VEC_TIMER 0x54
#define VEC_MMIO 0x55 /* xAPIC ICR after the round trip */

static volatile u32 hits[256];
static volatile u32 isr_bad;
static volatile int x2mode; /* which interface the handler uses */
static volatile int hold_eoi; /* leave the vector in service */

static u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (u64)hi << 32 | lo;
}

static void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

static int in_service(u32 vector)
{
	u32 r = x2mode ? (u32)rdmsr(X2_ISR0 + vector / 32)
		       : apic_read(0x100 + (vector / 32) * 0x10);

	return (r >> (vector % 32)) & 1;
}

static void on_irq(u32 vector, u32 error)
{
	(void)error;
	if (!in_service(vector))
		isr_bad++;
	hits[vector]++;
	if (hold_eoi)
		return;
	if (x2mode)
		wrmsr(X2_EOI, 0);
	else
		apic_write(APIC_EOI, 0);
}

static u32 edx_of_leaf1(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d;
}

/* A WRMSR of IA32_APIC_BASE that must raise #GP and leave it at @now. */
static void bad_base(const char *what, u64 val, u64 now)
{
	u64 after = 0;
	int gp = wrmsr_safe(MSR_APIC_BASE, val) == -1;

	rdmsr_safe(MSR_APIC_BASE, &after);
	printf("IA32_APIC_BASE <- 0x%x%08x: %s, reads 0x%x%08x\n",
	       (u32)(val >> 32), (u32)val, gp ? "#GP" : "no #GP",
	       (u32)(after >> 32), (u32)after);
	report(what, gp && after == now);
}

static u32 max_phys_bits(void)
{
	u32 a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000008)
		return 36;
	cpuid(0x80000008, 0, &a, &b, &c, &d);
	return a & 0xff;
}

/* Self-IPIs in x2APIC mode: SELF IPI, ICR with the self shorthand, ICR to
 * the own ID; EOI through MSR 0x80b, a nonzero EOI #GP. */
static void x2apic_ipis(u32 id)
{
	u64 v = 0;

	wrmsr(X2_SELF_IPI, VEC_SELF);
	report("SELF IPI (MSR 0x83f) is delivered",
	       wait_for(&hits[VEC_SELF], 1, 100));
	report("SELF IPI with reserved bits 31:8 set raises #GP",
	       wrmsr_safe(X2_SELF_IPI, 0x100 | VEC_SELF) == -1 &&
		       !wait_for(&hits[VEC_SELF], 2, 5));
	report("RDMSR of write-only SELF IPI and EOI raises #GP",
	       rdmsr_safe(X2_SELF_IPI, &v) == -1 &&
		       rdmsr_safe(X2_EOI, &v) == -1);

	wrmsr(X2_ICR, VEC_ICR | ICR_SELF);
	report("ICR (MSR 0x830) self shorthand IPI is delivered",
	       wait_for(&hits[VEC_ICR], 1, 100));
	wrmsr(X2_ICR, (u64)id << 32 | VEC_PHYS);
	report("ICR IPI to the own ID in bits 63:32 is delivered",
	       wait_for(&hits[VEC_PHYS], 1, 100));
	v = rdmsr(X2_ICR);
	report("ICR reads back as one 64-bit register",
	       (u32)(v >> 32) == id && ((u32)v & 0xfffff) == VEC_PHYS);
	report("RDMSR 0x831 (xAPIC ICR high) raises #GP",
	       rdmsr_safe(X2_ICR_HI, &v) == -1);

	/* Left in service: a nonzero EOI #GPs and does not end it. */
	hold_eoi = 1;
	wrmsr(X2_SELF_IPI, VEC_SELF);
	wait_for(&hits[VEC_SELF], 2, 100);
	hold_eoi = 0;
	report("vector in service after its handler without EOI",
	       hits[VEC_SELF] == 2 && in_service(VEC_SELF) &&
		       (rdmsr(X2_PPR) & 0xf0) == (VEC_SELF & 0xf0));
	report("WRMSR EOI with a nonzero value raises #GP",
	       wrmsr_safe(X2_EOI, 1) == -1 && in_service(VEC_SELF));
	wrmsr(X2_EOI, 0);
	report("WRMSR EOI of 0 ends the in-service vector",
	       !in_service(VEC_SELF) && rdmsr(X2_PPR) == 0);
}

/* The timer through its MSRs: a 2 ms one-shot at divide 1. */
static void x2apic_timer(void)
{
	u32 a, b, crystal, d, count, c1, c2;
	u64 t0, t1, expect;

	cpuid(0x15, 0, &a, &b, &crystal, &d);
	count = crystal / 500;
	wrmsr(X2_TDCR, 0xb);
	wrmsr(X2_LVT_TIMER, VEC_TIMER);
	report("timer LVT, divide read back through MSRs",
	       rdmsr(X2_LVT_TIMER) == VEC_TIMER && rdmsr(X2_TDCR) == 0xb);
	t0 = rdtsc();
	wrmsr(X2_TMICT, count);
	c1 = (u32)rdmsr(X2_TMCCT);
	c2 = (u32)rdmsr(X2_TMCCT);
	report("timer current count (MSR 0x839) counts down from initial",
	       count && c1 <= count && c2 <= c1 && rdmsr(X2_TMICT) == count);
	report("x2APIC timer one-shot fires",
	       wait_for(&hits[VEC_TIMER], 1, 1000));
	t1 = rdtsc();
	expect = (u64)tsc_khz() * 2;
	report("x2APIC timer one-shot not early",
	       t1 - t0 >= expect - expect / 10);
	wait_for(&hits[VEC_TIMER], 2, 10);
	report("x2APIC timer one-shot fires once, count stops at 0",
	       hits[VEC_TIMER] == 1 && rdmsr(X2_TMCCT) == 0);
	report("WRMSR current count (read-only) raises #GP",
	       wrmsr_safe(X2_TMCCT, 5) == -1);
}

/* In x2APIC mode: registers, rules, IPIs, timer, the MMIO page. */
static void x2apic_checks(u32 xid, u32 xver)
{
	u64 v = 0;
	u32 ldr = ((xid >> 4) << 16) | (1u << (xid & 0xf));

	report("x2APIC ID (MSR 0x802) equals the xAPIC ID",
	       rdmsr_safe(X2_ID, &v) == 0 && v == xid);
	report("x2APIC version (MSR 0x803) equals the xAPIC version",
	       rdmsr_safe(X2_VERSION, &v) == 0 && v == xver);
	report("TPR and SPIV kept across xAPIC -> x2APIC",
	       rdmsr(X2_TPR) == 0x20 && rdmsr(X2_SPIV) == 0x1ff);
	report("LDR (MSR 0x80d) is derived from the ID",
	       rdmsr_safe(X2_LDR, &v) == 0 && v == ldr);
	report("WRMSR LDR (read-only) raises #GP",
	       wrmsr_safe(X2_LDR, 0x10002) == -1 && rdmsr(X2_LDR) == ldr);
	report("WRMSR ID (read-only) raises #GP",
	       wrmsr_safe(X2_ID, xid + 1) == -1 && rdmsr(X2_ID) == xid);
	report("RDMSR and WRMSR of DFR (MSR 0x80e) raise #GP",
	       rdmsr_safe(X2_DFR, &v) == -1 && wrmsr_safe(X2_DFR, ~0u) == -1);
	report("WRMSR SPIV with reserved bit 10 raises #GP",
	       wrmsr_safe(X2_SPIV, 0x5ff) == -1 && rdmsr(X2_SPIV) == 0x1ff);
	report("WRMSR TPR with reserved bit 8 or 32 raises #GP",
	       wrmsr_safe(X2_TPR, 0x110) == -1 &&
		       wrmsr_safe(X2_TPR, 1ULL << 32) == -1 &&
		       rdmsr(X2_TPR) == 0x20);
	wrmsr(X2_TPR, 0);

	/* The MMIO page holds no APIC: all ones, writes go nowhere. */
	report("xAPIC MMIO page reads all ones in x2APIC mode",
	       apic_read(APIC_ID) == 0xffffffffu &&
		       apic_read(0x30) == 0xffffffffu);
	apic_write(0x80, 0x30);
	report("xAPIC MMIO write of TPR does not reach the x2APIC",
	       rdmsr(X2_TPR) == 0);

	x2apic_ipis(xid);
	x2apic_timer();
	report("ISR set while each x2APIC handler ran", isr_bad == 0);
}

/* After x2APIC -> disabled -> xAPIC: reset state, MMIO works again. */
static void back_in_xapic(u32 xid, u32 xver)
{
	u64 v = 0;

	report("CPUID.1:EDX.APIC is set again", edx_of_leaf1() & (1u << 9));
	report("xAPIC ID at 0xfee00020 reads the ID again",
	       apic_read(APIC_ID) >> 24 == xid);
	report("xAPIC version at 0xfee00030 reads again",
	       apic_read(0x30) == xver);
	report("SPIV back to 0xff, TPR 0",
	       apic_read(APIC_SPIV) == 0xff && apic_read(0x80) == 0);
	report("every LVT masked after the disable",
	       apic_read(APIC_LVT_TIMER) == LVT_MASKED &&
		       apic_read(APIC_LVT_LINT0) == LVT_MASKED &&
		       apic_read(0x360) == LVT_MASKED &&
		       apic_read(0x370) == LVT_MASKED);
	report("LDR 0 and DFR all ones after the disable",
	       apic_read(0xd0) == 0 && apic_read(0xe0) == 0xffffffffu);
	report("timer stopped after the disable",
	       apic_read(APIC_TMICT) == 0 && apic_read(APIC_TMCCT) == 0);
	report("x2APIC MSRs raise #GP again in xAPIC mode",
	       rdmsr_safe(X2_ID, &v) == -1);
	x2mode = 0;
	apic_write(APIC_SPIV, 0x1ff);
	apic_write(APIC_ICR_HI, 0);
	apic_write(APIC_ICR_LO, VEC_MMIO | ICR_SELF);
	report("self-IPI through the xAPIC MMIO ICR is delivered again",
	       wait_for(&hits[VEC_MMIO], 1, 100));
	report("ISR set while the xAPIC handler ran", isr_bad == 0);
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 a, b, c, d, xid, xver, maxphy;
	u64 v = 0, base, x2, dis;

	(void)magic;
	(void)mbi;
	idt_init();
	pic_init_masked();
	for (u32 vec = VEC_SELF; vec <= VEC_MMIO; vec++)
		irq_set((u8)vec, on_irq);

	cpuid(1, 0, &a, &b, &c, &d);
	report("CPUID.1:ECX.x2APIC[bit 21] is set", c & (1u << 21));
	report("CPUID.1:EDX.APIC[bit 9] is set", d & (1u << 9));
	report("RDMSR IA32_APIC_BASE", rdmsr_safe(MSR_APIC_BASE, &v) == 0);
	report("IA32_APIC_BASE: EN set, EXTD clear, BSP set",
	       (v & BASE_EN) && !(v & BASE_EXTD) && (v & BASE_BSP));
	report("IA32_APIC_BASE: base 0xfee00000",
	       (v & ~0xfffULL) == 0xfee00000ULL);
	base = v;
	x2 = base | BASE_EXTD;
	dis = base & ~BASE_EN;
	maxphy = max_phys_bits();

	/* xAPIC mode. */
	report("RDMSR x2APIC ID (0x802) in xAPIC mode raises #GP",
	       rdmsr_safe(X2_ID, &v) == -1);
	report("RDMSR and WRMSR x2APIC TPR (0x808) in xAPIC mode raise #GP",
	       rdmsr_safe(X2_TPR, &v) == -1 && wrmsr_safe(X2_TPR, 0) == -1);
	xid = apic_read(APIC_ID) >> 24;
	xver = apic_read(0x30);
	printf("xAPIC ID %u, version 0x%x, MAXPHYADDR %u\n", xid, xver, maxphy);
	apic_write(APIC_SPIV, 0x1ff);
	apic_write(0x80, 0x20);
	bad_base("xAPIC: EN=0 EXTD=1 (invalid) raises #GP", dis | BASE_EXTD,
		 base);

	/* xAPIC -> x2APIC. */
	report("xAPIC -> x2APIC (EN=1 EXTD=1) is legal",
	       wrmsr_safe(MSR_APIC_BASE, x2) == 0 &&
		       rdmsr(MSR_APIC_BASE) == x2);
	x2mode = 1;
	asm volatile("sti");
	x2apic_checks(xid, xver);

	/* Illegal transitions from x2APIC mode. */
	bad_base("x2APIC -> xAPIC (EN=1 EXTD=0) raises #GP", base, x2);
	bad_base("x2APIC: EN=0 EXTD=1 (invalid) raises #GP", dis | BASE_EXTD,
		 x2);
	bad_base("x2APIC: reserved bit 9 raises #GP", x2 | (1ULL << 9), x2);
	bad_base("x2APIC: reserved bit 0 raises #GP", x2 | 1, x2);
	if (maxphy < 64)
		bad_base("x2APIC: base bit at MAXPHYADDR raises #GP",
			 x2 | (1ULL << maxphy), x2);
	bad_base("x2APIC: reserved bit 63 raises #GP", x2 | (1ULL << 63), x2);
	report("still in x2APIC mode after the refused writes",
	       rdmsr_safe(X2_ID, &v) == 0 && v == xid);

	/* x2APIC -> disabled. */
	report("x2APIC -> disabled (EN=0 EXTD=0) is legal",
	       wrmsr_safe(MSR_APIC_BASE, dis) == 0 &&
		       rdmsr(MSR_APIC_BASE) == dis);
	report("disabled: CPUID.1:EDX.APIC[bit 9] is clear",
	       !(edx_of_leaf1() & (1u << 9)));
	report("disabled: x2APIC MSRs raise #GP", rdmsr_safe(X2_ID, &v) == -1);
	report("disabled: xAPIC MMIO page reads all ones",
	       apic_read(APIC_ID) == 0xffffffffu);
	bad_base("disabled -> x2APIC (EN=1 EXTD=1) raises #GP", x2, dis);
	bad_base("disabled: EN=0 EXTD=1 (invalid) raises #GP", dis | BASE_EXTD,
		 dis);
	if (maxphy < 64)
		bad_base("disabled: base bit at MAXPHYADDR raises #GP",
			 dis | (1ULL << maxphy), dis);

	/* disabled -> xAPIC. */
	report("disabled -> xAPIC (EN=1 EXTD=0) is legal",
	       wrmsr_safe(MSR_APIC_BASE, base) == 0 &&
		       rdmsr(MSR_APIC_BASE) == base);
	back_in_xapic(xid, xver);
	printf("interrupts: self %u icr %u phys %u timer %u mmio %u\n",
	       hits[VEC_SELF], hits[VEC_ICR], hits[VEC_PHYS], hits[VEC_TIMER],
	       hits[VEC_MMIO]);
	return report_failures() ? 1 : 0;
}
