// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for hv/dev/lapic.c.  The input picks the clock rates,
 * then a sequence of MMIO and MSR accesses, IA32_APIC_BASE writes,
 * incoming messages, acks, LINT changes, INITs and time steps.  The
 * platform is a loopback: IPIs this LAPIC matches come back to it, and a
 * level EOI may re-send its vector (an IOAPIC line still high), both from
 * inside the callbacks.  Invariants after every step:
 *   - PPR follows the SDM rule from TPR and the highest ISR vector, and
 *     the register reads (MMIO or MSR) agree with it;
 *   - lapic_pending_vector() is -1 or the highest IRR vector with a class
 *     above PPR's; -1 only when no such vector exists;
 *   - vectors 0-15 are never in IRR or ISR; every ISR bit belongs to a
 *     vector this harness acked (since the last reset of the registers);
 *   - a software-disabled LAPIC has every LVT masked;
 *   - an armed timer's deadline is after the latest "now", and advancing
 *     to it fires the timer; the current count never exceeds the initial
 *     count;
 *   - the mode is the one IA32_APIC_BASE encodes, MMIO works only in
 *     xAPIC mode, x2APIC MSRs only in x2APIC mode, where the ID is the
 *     hardware one;
 *   - at most two NMIs latch.
 *
 *   make BUILD=/tmp/b /tmp/b/fuzz/fuzz_lapic
 *   /tmp/b/fuzz/fuzz_lapic -max_total_time=30
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "errno_codes.h"
#include "hv/dev/lapic.h"

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

#define HW_ID 0x13
#define MAXPHY 39

struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		v <<= 8;
		if (in->n) {
			v |= *in->p++;
			in->n--;
		}
	}
	return v;
}

static struct lapic l;
static u64 now;
static u32 acked[8]; /* vectors acked since the registers were reset */
static bool reassert; /* a level EOI re-sends its vector */
static int depth;

static void plat_send(void *ctx, const struct apic_msg *m)
{
	(void)ctx;
	if (depth > 4)
		return;
	depth++;
	if (lapic_match_dest(&l, m))
		lapic_accept(&l, m, now);
	depth--;
}

static void plat_eoi(void *ctx, u8 vector)
{
	struct apic_msg m = { .vector = vector,
			      .delivery = APIC_DM_FIXED,
			      .level = true,
			      .assert = true,
			      .dest = 0xff };

	(void)ctx;
	if (!reassert || depth > 4)
		return;
	depth++;
	lapic_accept(&l, &m, now);
	depth--;
}

static const struct lapic_ops ops = { .send = plat_send,
				      .eoi_level = plat_eoi };

static int highest(const u32 *r)
{
	for (int i = 255; i >= 0; i--)
		if ((r[i / 32] >> (i % 32)) & 1)
			return i;
	return -1;
}

/* Read a register in whatever mode the LAPIC is in; false if no access. */
static bool read_reg(u32 off, u64 *v)
{
	u32 w;

	switch (lapic_mode(&l)) {
	case LAPIC_XAPIC:
		CHECK(lapic_mmio_read(&l, off, 4, &w, now) == 0);
		*v = w;
		return true;
	case LAPIC_X2APIC:
		CHECK(lapic_msr_read(&l, 0x800 + (off >> 4), v, now) == 0);
		return true;
	default:
		return false;
	}
}

static void forget_acks(void)
{
	memset(acked, 0, sizeof(acked));
}

static void check(void)
{
	int isrv = highest(l.isr), irrv = highest(l.irr), pv;
	u32 cls = isrv < 0 ? 0 : ((u32)isrv & 0xf0);
	u8 ppr = (l.tpr & 0xf0) >= cls ? (u8)l.tpr : (u8)cls;
	enum lapic_mode mode = lapic_mode(&l);
	u64 v, nd;

	CHECK(l.tpr <= 0xff);
	CHECK(lapic_ppr(&l) == ppr);
	CHECK((l.irr[0] & 0xffff) == 0);
	CHECK((l.isr[0] & 0xffff) == 0);
	for (int i = 0; i < 8; i++)
		CHECK((l.isr[i] & ~acked[i]) == 0);
	pv = lapic_pending_vector(&l);
	if (mode == LAPIC_DISABLED) {
		CHECK(pv == -1);
	} else if (irrv >= 0 && ((u32)irrv & 0xf0) > (ppr & 0xf0u)) {
		CHECK(pv == irrv);
	} else {
		CHECK(pv == -1);
	}
	if (!(l.spiv & LAPIC_SPIV_ENABLE))
		for (int i = 0; i < LAPIC_LVT_NR; i++)
			CHECK(l.lvt[i] & LAPIC_LVT_MASKED);
	CHECK(l.nmi_pending <= 2);
	CHECK(mode == (!(l.base & LAPIC_BASE_EN)    ? LAPIC_DISABLED
		       : (l.base & LAPIC_BASE_EXTD) ? LAPIC_X2APIC
						    : LAPIC_XAPIC));
	CHECK(lapic_mmio_covers(&l, LAPIC_DEFAULT_BASE) ==
	      ((l.base & ~0xfffULL) == LAPIC_DEFAULT_BASE));
	if (mode != LAPIC_XAPIC) {
		u32 w = 0;

		CHECK(lapic_mmio_read(&l, 0x30, 4, &w, now) == 0 &&
		      w == 0xffffffffu);
	}
	if (mode != LAPIC_X2APIC)
		CHECK(lapic_msr_read(&l, 0x803, &v, now) == -EINVAL);
	if (read_reg(LAPIC_REG_PPR, &v))
		CHECK(v == ppr);
	if (mode == LAPIC_X2APIC) {
		CHECK(read_reg(LAPIC_REG_ID, &v) && v == HW_ID);
		CHECK(read_reg(LAPIC_REG_LDR, &v) &&
		      v == ((HW_ID >> 4) << 16 | 1u << (HW_ID & 0xf)));
	}
	if (read_reg(LAPIC_REG_TIMER_CCR, &v)) {
		u64 init;

		CHECK(read_reg(LAPIC_REG_TIMER_ICR, &init));
		CHECK(v <= init);
	}
	nd = lapic_next_deadline(&l);
	if (nd != DEV_NO_DEADLINE)
		CHECK(nd > now);
}

static void step(struct in *in)
{
	unsigned int op = take(in, 1) % 16;
	u64 v;
	u32 w;

	switch (op) {
	case 0: { /* MMIO write */
		static const unsigned int sizes[] = { 4, 4, 4, 1, 2, 3 };
		u32 off = take(in, 1) << 4 | (take(in, 1) % 16);
		unsigned int size = sizes[take(in, 1) % 6];

		if (take(in, 1) & 1)
			off &= ~0xfu;
		w = (u32)take(in, 4);
		lapic_mmio_write(&l, off & 0xfff, size, w, now);
		break;
	}
	case 1: { /* MMIO read */
		u32 off = (u32)take(in, 2) & 0xfff;

		lapic_mmio_read(&l, off, 1u << (take(in, 1) % 3), &w, now);
		break;
	}
	case 2: { /* MSR write */
		u32 msr = (take(in, 1) & 0x80) ? 0x6e0 : 0x800 + take(in, 1);

		v = take(in, 8);
		if (take(in, 1) & 1)
			v &= 0xffffffff; /* mostly plausible values */
		lapic_msr_write(&l, msr, v, now);
		break;
	}
	case 3: /* MSR read */
		lapic_msr_read(&l, 0x800 + take(in, 1), &v, now);
		lapic_msr_read(&l, 0x6e0, &v, now);
		break;
	case 4: { /* an incoming message */
		struct apic_msg m;

		m.vector = (u8)take(in, 1);
		m.delivery = (u8)(take(in, 1) % 9);
		w = (u32)take(in, 1);
		m.level = w & 1;
		m.assert = w & 2;
		m.logical = w & 4;
		m.shorthand = (w >> 3) & 3;
		m.dest = (w & 0x20) ? HW_ID : (u32)take(in, 4);
		m.source = (u32)take(in, 1);
		if (lapic_match_dest(&l, &m))
			lapic_accept(&l, &m, now);
		break;
	}
	case 5: { /* the vCPU takes the pending vector */
		int pv = lapic_pending_vector(&l);

		if (pv >= 0) {
			acked[pv / 32] |= 1u << (pv % 32);
			lapic_ack(&l, (u8)pv);
			CHECK((l.isr[pv / 32] >> (pv % 32)) & 1);
			CHECK(!((l.irr[pv / 32] >> (pv % 32)) & 1));
		}
		break;
	}
	case 6: { /* an ack of any vector (maybe a platform bug) */
		u8 vec = (u8)take(in, 1);
		bool in_irr = (l.irr[vec / 32] >> (vec % 32)) & 1;

		if (in_irr)
			acked[vec / 32] |= 1u << (vec % 32);
		lapic_ack(&l, vec);
		break;
	}
	case 7: /* time passes */
		now += take(in, 2) << (take(in, 1) % 24);
		lapic_advance(&l, now);
		break;
	case 8: { /* time runs to the next deadline: it must fire */
		u64 nd = lapic_next_deadline(&l), fires = l.timer_fires;

		if (nd != DEV_NO_DEADLINE && nd - now < (1ULL << 40)) {
			now = nd;
			lapic_advance(&l, now);
			CHECK(l.timer_fires > fires);
		}
		break;
	}
	case 9:
		lapic_set_lint(&l, take(in, 1) % 3, take(in, 1) & 1, now);
		break;
	case 10: { /* IA32_APIC_BASE */
		static const u64 vals[] = {
			LAPIC_DEFAULT_BASE,
			LAPIC_DEFAULT_BASE | LAPIC_BASE_EN,
			LAPIC_DEFAULT_BASE | LAPIC_BASE_EN | LAPIC_BASE_EXTD,
			LAPIC_DEFAULT_BASE | LAPIC_BASE_EXTD,
			0xfed00000ULL | LAPIC_BASE_EN,
		};
		enum lapic_mode before = lapic_mode(&l);
		u64 val = vals[take(in, 1) % 5];
		int r;

		if (take(in, 1) == 0xff)
			val |= 1ULL << (take(in, 1) % 64);
		r = lapic_write_base(&l, val, MAXPHY);
		CHECK(r == 0 || r == -EINVAL);
		if (r == 0 && before != LAPIC_DISABLED &&
		    lapic_mode(&l) == LAPIC_DISABLED)
			forget_acks();
		if (r)
			CHECK(lapic_mode(&l) == before);
		break;
	}
	case 11:
		lapic_init_signal(&l);
		forget_acks();
		break;
	case 12:
		lapic_take_nmi(&l);
		lapic_take_init(&l);
		lapic_take_sipi(&l);
		lapic_take_extint(&l);
		break;
	case 13:
		lapic_local_interrupt(&l, (enum lapic_lvt)(take(in, 1) % 8),
				      now);
		lapic_nmi_limit(&l, take(in, 1) % 3);
		break;
	case 14:
		reassert = !reassert;
		break;
	default: /* a plausible register write: enable, vectors, timer */
		switch (take(in, 1) % 4) {
		case 0:
			lapic_mmio_write(&l, LAPIC_REG_SPIV, 4, 0x1ff, now);
			lapic_msr_write(&l, 0x80f, 0x1ff, now);
			break;
		case 1:
			w = (u32)take(in, 1) | (u32)(take(in, 1) % 3) << 17;
			lapic_mmio_write(&l, LAPIC_REG_LVT_TIMER, 4, w, now);
			lapic_msr_write(&l, 0x832, w, now);
			break;
		case 2:
			w = (u32)take(in, 2);
			lapic_mmio_write(&l, LAPIC_REG_TIMER_ICR, 4, w, now);
			lapic_msr_write(&l, 0x838, w, now);
			break;
		default:
			lapic_mmio_write(&l, LAPIC_REG_EOI, 4, 0, now);
			lapic_msr_write(&l, 0x80b, 0, now);
			break;
		}
		break;
	}
	check();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	u64 tsc_hz = 1 + take(&in, 4) % 4000000000ULL;
	u64 timer_hz = 1 + take(&in, 4) % 2000000000ULL;

	lapic_init(&l, HW_ID, take(&in, 1) & 1, tsc_hz, timer_hz, &ops);
	now = take(&in, 2);
	reassert = false;
	depth = 0;
	forget_acks();
	check();
	while (in.n)
		step(&in);
	return 0;
}
