// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC, after the Intel SDM vol. 3 chapter "Advanced
 * Programmable Interrupt Controller (APIC)": the xAPIC register page, the
 * x2APIC MSRs, interrupt acceptance and priority (IRR/ISR/TMR, TPR, PPR),
 * EOI, the ICR, the LVT, the timer (one-shot, periodic, TSC-deadline) and
 * the IA32_APIC_BASE state machine.  Choices the SDM leaves open are
 * listed in lapic.h.  Portable.
 */
#include "hv/dev/lapic.h"
#include "errno_codes.h"
#include "string_util.h"

/* Writable bits of each LVT entry, and its read-only (non-reserved) ones. */
static const u32 lvt_writable[LAPIC_LVT_NR] = {
	[LAPIC_LVT_CMCI] = 0x107ff,    [LAPIC_LVT_TIMER] = 0x700ff,
	[LAPIC_LVT_THERMAL] = 0x107ff, [LAPIC_LVT_PERF] = 0x107ff,
	[LAPIC_LVT_LINT0] = 0x1a7ff,   [LAPIC_LVT_LINT1] = 0x1a7ff,
	[LAPIC_LVT_ERROR] = 0x100ff,
};

static const u32 lvt_readonly[LAPIC_LVT_NR] = {
	[LAPIC_LVT_CMCI] = LAPIC_LVT_PENDING,
	[LAPIC_LVT_TIMER] = LAPIC_LVT_PENDING,
	[LAPIC_LVT_THERMAL] = LAPIC_LVT_PENDING,
	[LAPIC_LVT_PERF] = LAPIC_LVT_PENDING,
	[LAPIC_LVT_LINT0] = LAPIC_LVT_PENDING | LAPIC_LVT_REMOTE_IRR,
	[LAPIC_LVT_LINT1] = LAPIC_LVT_PENDING | LAPIC_LVT_REMOTE_IRR,
	[LAPIC_LVT_ERROR] = LAPIC_LVT_PENDING,
};

/* ICR low bits a write keeps: vector, mode, dest mode, level, trigger, SH. */
#define ICR_LO_WRITABLE 0x000ccfffu
#define ICR_BUSY (1u << 12)
#define TPR_WRITABLE 0xffu
#define SPIV_WRITABLE 0x3ffu
#define DCR_WRITABLE 0xbu
#define XAPIC_ID_MASK 0xff000000u
#define LDR_XAPIC_MASK 0xff000000u
#define DFR_WRITABLE 0xf0000000u

/* ------------------------------------------------------------------ */
/* Bit vectors of 256 vectors                                          */
/* ------------------------------------------------------------------ */

static bool vec_test(const u32 *r, unsigned int v)
{
	return (r[(v >> 5) & 7] >> (v & 31)) & 1;
}

static void vec_set(u32 *r, unsigned int v)
{
	r[(v >> 5) & 7] |= 1u << (v & 31);
}

static void vec_clear(u32 *r, unsigned int v)
{
	r[(v >> 5) & 7] &= ~(1u << (v & 31));
}

/* The highest vector set in @r, or -1. */
static int vec_highest(const u32 *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

static u64 clamp_now(struct lapic *l, u64 now)
{
	if (now < l->last_now)
		return l->last_now;
	l->last_now = now;
	return now;
}

/* ceil(a * b / c) without 128-bit arithmetic; exact while (c-1)*b fits. */
static u64 mul_div_ceil(u64 a, u64 b, u64 c)
{
	u64 q = dev_mul_div(a, b, c);

	return q + (((a % c) * b) % c != 0);
}

static u32 x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

static bool is_x2apic(const struct lapic *l)
{
	return lapic_mode(l) == LAPIC_X2APIC;
}

static unsigned int lvt_dm(u32 lvt)
{
	return (lvt >> LAPIC_LVT_DM_SHIFT) & 7;
}

static unsigned int timer_mode(const struct lapic *l)
{
	return (l->lvt[LAPIC_LVT_TIMER] >> LAPIC_LVT_TIMER_SHIFT) & 3;
}

/* log2 of the divide value: TDCR bits 3,1,0 = 000 -> 2, ..., 111 -> 1. */
static unsigned int timer_shift(u32 dcr)
{
	unsigned int v = ((dcr >> 1) & 4) | (dcr & 3);

	return (v + 1) & 7;
}

/* Set IRR (and TMR for level) for an interrupt that passed every check. */
static void irr_raise(struct lapic *l, u8 vector, bool level)
{
	if (vec_test(l->irr, vector))
		l->irr_coalesced++;
	vec_set(l->irr, vector);
	if (level)
		vec_set(l->tmr, vector);
	else
		vec_clear(l->tmr, vector);
}

static void nmi_raise(struct lapic *l)
{
	if (l->nmi_pending < 2)
		l->nmi_pending++;
}

/*
 * An error the LAPIC detected: log it for the next ESR write and raise the
 * LVT error interrupt.  An illegal vector in the error LVT itself is
 * logged without a second attempt, so this cannot recurse.
 */
static void esr_error(struct lapic *l, u32 bits)
{
	u32 lvt = l->lvt[LAPIC_LVT_ERROR];
	u8 vector = lvt & LAPIC_LVT_VECTOR;

	l->esr_pending |= bits;
	if (lvt & LAPIC_LVT_MASKED)
		return;
	if (vector < 16) {
		l->esr_pending |= LAPIC_ESR_RX_ILLEGAL;
		l->illegal_vector++;
		return;
	}
	irr_raise(l, vector, false);
}

/* A fixed interrupt from a local source (LVT): vectors 0-15 are errors. */
static void local_fixed(struct lapic *l, u8 vector, bool level)
{
	if (vector < 16) {
		l->illegal_vector++;
		esr_error(l, LAPIC_ESR_RX_ILLEGAL);
		return;
	}
	irr_raise(l, vector, level);
}

/*
 * Deliver one edge event of LVT entry @i per its delivery mode (the timer
 * and error entries have none: fixed).  ExtINT is a level, read by
 * lapic_extint_pending(), so an edge of it does nothing here.
 */
static void lvt_deliver(struct lapic *l, enum lapic_lvt i)
{
	u32 lvt = l->lvt[i];
	unsigned int dm = APIC_DM_FIXED;

	if (lvt & LAPIC_LVT_MASKED)
		return;
	if (i != LAPIC_LVT_TIMER && i != LAPIC_LVT_ERROR)
		dm = lvt_dm(lvt);
	switch (dm) {
	case APIC_DM_FIXED:
		local_fixed(l, lvt & LAPIC_LVT_VECTOR, false);
		break;
	case APIC_DM_NMI:
		nmi_raise(l);
		break;
	case APIC_DM_INIT:
		l->init_pending = true;
		break;
	case APIC_DM_EXTINT:
		if (i == LAPIC_LVT_LINT0 || i == LAPIC_LVT_LINT1)
			break;
		l->unimplemented++;
		break;
	default: /* SMI, reserved */
		l->unimplemented++;
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Timer                                                                */
/* ------------------------------------------------------------------ */

static bool timer_periodic(const struct lapic *l)
{
	return timer_mode(l) == LAPIC_TIMER_PERIODIC;
}

/* Whole count decrements since the anchor. */
static u64 timer_decrements(const struct lapic *l, u64 now)
{
	const struct lapic_timer *t = &l->timer;
	u64 clocks = dev_mul_div(now - t->start, l->timer_hz, l->tsc_hz);

	return clocks >> timer_shift(t->dcr);
}

/* Expiries since the anchor after @dec decrements. */
static u64 timer_expiries(const struct lapic *l, u64 dec, bool periodic)
{
	const struct lapic_timer *t = &l->timer;

	if (dec < t->start_count)
		return 0;
	if (!periodic)
		return 1;
	return 1 + (dec - t->start_count) / t->initial;
}

/* The current count at @now, by the rules of one-shot or periodic mode. */
static u32 timer_count(const struct lapic *l, u64 now, bool periodic)
{
	const struct lapic_timer *t = &l->timer;
	u64 dec;

	if (!t->running)
		return 0;
	dec = timer_decrements(l, now);
	if (dec < t->start_count)
		return (u32)(t->start_count - dec);
	if (!periodic)
		return 0;
	return (u32)(t->initial - (dec - t->start_count) % t->initial);
}

/* Guest TSC of expiry number @k (from 1) after the anchor. */
static u64 timer_expiry_tsc(const struct lapic *l, u64 k)
{
	const struct lapic_timer *t = &l->timer;
	unsigned int shift = timer_shift(t->dcr);
	u64 limit = ~0ULL >> (8 + shift), dec = t->start_count, clocks, delta;

	/* Past the limit the expiry is centuries away: report none. */
	if (k > 1) {
		if ((k - 1) > (limit - dec) / t->initial)
			return DEV_NO_DEADLINE;
		dec += (k - 1) * t->initial;
	}
	clocks = dec << shift;
	delta = mul_div_ceil(clocks, l->tsc_hz, l->timer_hz);
	if (delta > DEV_NO_DEADLINE - 1 - t->start)
		return DEV_NO_DEADLINE;
	return t->start + delta;
}

/* Timer expiries: count them all, raise the LVT timer interrupt once. */
static void timer_fire(struct lapic *l, u64 n)
{
	l->timer_fires += n;
	lvt_deliver(l, LAPIC_LVT_TIMER);
}

/* Bring the timer up to @now: deliver what expired since the last look. */
static void timer_update(struct lapic *l, u64 now)
{
	struct lapic_timer *t = &l->timer;
	bool periodic = timer_periodic(l);
	u64 n;

	if (timer_mode(l) == LAPIC_TIMER_DEADLINE) {
		if (t->deadline && now >= t->deadline) {
			t->deadline = 0; /* the SDM: it disarms itself */
			timer_fire(l, 1);
		}
		return;
	}
	if (!t->running)
		return;
	n = timer_expiries(l, timer_decrements(l, now), periodic);
	if (n <= t->fired)
		return;
	timer_fire(l, n - t->fired);
	t->fired = n;
	if (!periodic)
		t->running = false;
}

/*
 * Restart the count from its value at @now (computed in the old mode), so
 * that a mode or divide change continues where the count stands.  The new
 * anchor is the TSC of the last decrement, which keeps the phase.
 */
static void timer_reanchor(struct lapic *l, u64 now, bool periodic)
{
	struct lapic_timer *t = &l->timer;
	u64 dec = timer_decrements(l, now);
	u32 count = timer_count(l, now, periodic);

	if (!count) {
		t->running = false;
		return;
	}
	t->start += mul_div_ceil(dec << timer_shift(t->dcr), l->tsc_hz,
				 l->timer_hz);
	t->start_count = count;
	t->fired = 0;
}

static void timer_disarm(struct lapic *l)
{
	l->timer.running = false;
	l->timer.initial = 0;
	l->timer.deadline = 0;
}

static void timer_write_icr(struct lapic *l, u32 val, u64 now)
{
	struct lapic_timer *t = &l->timer;

	if (timer_mode(l) == LAPIC_TIMER_DEADLINE)
		return; /* the SDM: ignored in TSC-deadline mode */
	t->initial = val;
	t->running = val != 0;
	t->start = now;
	t->start_count = val;
	t->fired = 0;
}

static void timer_write_dcr(struct lapic *l, u32 val, u64 now)
{
	if (l->timer.running && timer_shift(val) != timer_shift(l->timer.dcr))
		timer_reanchor(l, now, timer_periodic(l));
	l->timer.dcr = val & DCR_WRITABLE;
}

/* ------------------------------------------------------------------ */
/* Reset, INIT, IA32_APIC_BASE                                          */
/* ------------------------------------------------------------------ */

/* The registers as after RESET or INIT (the SDM's list); ID and base kept. */
static void reset_registers(struct lapic *l)
{
	l->tpr = 0;
	l->ldr = 0;
	l->dfr = 0xffffffffu;
	l->spiv = 0xff;
	l->esr = 0;
	l->esr_pending = 0;
	for (int i = 0; i < LAPIC_LVT_NR; i++)
		l->lvt[i] = LAPIC_LVT_MASKED;
	l->icr_lo = 0;
	l->icr_hi = 0;
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	memset(&l->timer, 0, sizeof(l->timer));
	l->extint_msg = false;
	/* Polarity is active high again. */
	l->lint_asserted[0] = l->lint_level[0];
	l->lint_asserted[1] = l->lint_level[1];
}

/**
 * lapic_init() - power-on / RESET: IA32_APIC_BASE = 0xfee00000 | EN (| BSP),
 * xAPIC mode, SPIV 0xff (software-disabled), every LVT masked, DFR all
 * ones, everything else zero, counters zero.
 * @l: the LAPIC.
 * @apic_id: its hardware (x2APIC) ID; the xAPIC ID is its low 8 bits.
 * @bsp: the boot processor (IA32_APIC_BASE bit 8).
 * @tsc_hz: guest TSC rate (0 is taken as 1, so nothing divides by zero).
 * @timer_hz: the timer's input clock before the divider (0 taken as 1).
 * @ops: platform callbacks, copied; NULL or NULL members: IPIs are counted
 *       in dropped, level EOIs go nowhere.
 *
 * Context: any; no callback is made.
 */
void lapic_init(struct lapic *l, u32 apic_id, bool bsp, u64 tsc_hz,
		u64 timer_hz, const struct lapic_ops *ops)
{
	memset(l, 0, sizeof(*l));
	if (ops)
		l->ops = *ops;
	l->tsc_hz = tsc_hz ? tsc_hz : 1;
	l->timer_hz = timer_hz ? timer_hz : 1;
	l->hw_id = apic_id;
	l->id = apic_id & 0xff;
	l->base = LAPIC_DEFAULT_BASE | LAPIC_BASE_EN |
		  (bsp ? LAPIC_BASE_BSP : 0);
	reset_registers(l);
}

/**
 * lapic_init_signal() - the INIT state: every register as after RESET but
 * IA32_APIC_BASE (so the mode) and the ID kept.  A pending INIT and NMIs
 * go; a pending SIPI stays, as it belongs to the wait-for-SIPI state the
 * INIT starts (the platform takes INIT before SIPI).  Counters stay.
 * @l: the LAPIC.
 *
 * Context: any; no callback is made.
 */
void lapic_init_signal(struct lapic *l)
{
	reset_registers(l);
	l->init_pending = false;
	l->nmi_pending = 0;
}

/**
 * lapic_read_base() - IA32_APIC_BASE as RDMSR reads it.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: the MSR value.
 */
u64 lapic_read_base(const struct lapic *l)
{
	return l->base;
}

/**
 * lapic_mode() - the mode IA32_APIC_BASE selects.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: LAPIC_DISABLED, LAPIC_XAPIC or LAPIC_X2APIC.
 */
enum lapic_mode lapic_mode(const struct lapic *l)
{
	if (!(l->base & LAPIC_BASE_EN))
		return LAPIC_DISABLED;
	return (l->base & LAPIC_BASE_EXTD) ? LAPIC_X2APIC : LAPIC_XAPIC;
}

/**
 * lapic_write_base() - WRMSR to IA32_APIC_BASE.  Reserved bits (0-7, 9,
 * maxphyaddr and up) and the transitions the SDM forbids (into EN=0
 * EXTD=1, x2APIC -> xAPIC, disabled -> x2APIC) fail; BSP (bit 8) is read
 * only.  Entering the disabled state resets every register, the ID to the
 * hardware one; entering x2APIC mode takes the hardware ID (LDR derived
 * from it), the other registers keep their values.
 * @l: the LAPIC.
 * @val: the value written.
 * @maxphyaddr: the guest's physical-address width.
 *
 * Context: any; no callback is made.
 * Return: 0, or -EINVAL (the caller injects #GP; nothing changed).
 */
int lapic_write_base(struct lapic *l, u64 val, unsigned int maxphyaddr)
{
	u64 reserved = 0xffULL | (1ULL << 9);
	enum lapic_mode old = lapic_mode(l), new;

	if (maxphyaddr < 64)
		reserved |= ~0ULL << maxphyaddr;
	if (val & reserved)
		return -EINVAL;
	if (!(val & LAPIC_BASE_EN)) {
		if (val & LAPIC_BASE_EXTD)
			return -EINVAL; /* the invalid state */
		new = LAPIC_DISABLED;
	} else {
		new = (val & LAPIC_BASE_EXTD) ? LAPIC_X2APIC : LAPIC_XAPIC;
	}
	if (old == LAPIC_X2APIC && new == LAPIC_XAPIC)
		return -EINVAL;
	if (old == LAPIC_DISABLED && new == LAPIC_X2APIC)
		return -EINVAL;
	l->base = (val & ~LAPIC_BASE_BSP) | (l->base & LAPIC_BASE_BSP);
	if (new == old)
		return 0;
	if (new == LAPIC_DISABLED) {
		reset_registers(l);
		l->id = l->hw_id & 0xff;
	} else if (new == LAPIC_X2APIC) {
		l->id = l->hw_id;
	}
	return 0;
}

/**
 * lapic_sw_enabled() - SPIV bit 8: the LAPIC accepts fixed, lowest-priority
 * and ExtINT messages and its LVT entries may be unmasked.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: true when software-enabled (and not hardware-disabled).
 */
bool lapic_sw_enabled(const struct lapic *l)
{
	return lapic_mode(l) != LAPIC_DISABLED && (l->spiv & LAPIC_SPIV_ENABLE);
}

/* ------------------------------------------------------------------ */
/* Priority, EOI, LINT                                                  */
/* ------------------------------------------------------------------ */

/**
 * lapic_ppr() - the processor priority, computed by the SDM's rule: TPR
 * when TPR[7:4] >= ISRV[7:4], else ISRV[7:4] with bits 3:0 clear (ISRV is
 * the highest in-service vector, 0 when none).
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: PPR.
 */
u8 lapic_ppr(const struct lapic *l)
{
	int isrv = vec_highest(l->isr);
	u32 isr_class = isrv < 0 ? 0 : ((u32)isrv & 0xf0);

	if ((l->tpr & 0xf0) >= isr_class)
		return l->tpr & 0xff;
	return (u8)isr_class;
}

/**
 * lapic_get_tpr() - the task priority (for CR8, which is TPR[7:4]).
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: TPR.
 */
u8 lapic_get_tpr(const struct lapic *l)
{
	return l->tpr & 0xff;
}

/**
 * lapic_set_tpr() - set the task priority (a MOV to CR8 sets TPR to
 * CR8 << 4).
 * @l: the LAPIC.
 * @tpr: the new TPR.
 *
 * Context: any; no callback is made.
 */
void lapic_set_tpr(struct lapic *l, u8 tpr)
{
	l->tpr = tpr;
}

/*
 * A level-triggered fixed LINT0 while asserted and unmasked: one interrupt
 * per remote-IRR cycle (set on delivery, cleared by the EOI).
 */
static void lint_level_eval(struct lapic *l)
{
	u32 *lvt = &l->lvt[LAPIC_LVT_LINT0];

	if (lapic_mode(l) == LAPIC_DISABLED || !l->lint_asserted[0] ||
	    (*lvt & (LAPIC_LVT_MASKED | LAPIC_LVT_REMOTE_IRR)) ||
	    !(*lvt & LAPIC_LVT_LEVEL) || lvt_dm(*lvt) != APIC_DM_FIXED)
		return;
	if ((*lvt & LAPIC_LVT_VECTOR) < 16) {
		local_fixed(l, *lvt & LAPIC_LVT_VECTOR, true);
		return;
	}
	*lvt |= LAPIC_LVT_REMOTE_IRR;
	local_fixed(l, *lvt & LAPIC_LVT_VECTOR, true);
}

static void do_eoi(struct lapic *l)
{
	int v = vec_highest(l->isr);
	u32 *lint0 = &l->lvt[LAPIC_LVT_LINT0];

	l->eoi_writes++;
	if (v < 0)
		return;
	vec_clear(l->isr, (unsigned int)v);
	if (!vec_test(l->tmr, (unsigned int)v))
		return;
	if ((*lint0 & LAPIC_LVT_REMOTE_IRR) &&
	    (*lint0 & LAPIC_LVT_VECTOR) == (u32)v) {
		*lint0 &= ~LAPIC_LVT_REMOTE_IRR;
		lint_level_eval(l);
	}
	/* No directed EOI: a level EOI always goes to the IOAPIC(s). */
	if (l->ops.eoi_level)
		l->ops.eoi_level(l->ops.ctx, (u8)v);
}

static void write_lvt(struct lapic *l, enum lapic_lvt i, u32 val, u64 now)
{
	u32 old = l->lvt[i];

	val &= lvt_writable[i];
	if (!(l->spiv & LAPIC_SPIV_ENABLE))
		val |= LAPIC_LVT_MASKED; /* the SDM: cannot unmask */
	if (i == LAPIC_LVT_TIMER) {
		unsigned int om = (old >> LAPIC_LVT_TIMER_SHIFT) & 3;
		unsigned int nm = (val >> LAPIC_LVT_TIMER_SHIFT) & 3;

		l->lvt[i] = val;
		if (om == nm)
			return;
		if (om == LAPIC_TIMER_DEADLINE || nm == LAPIC_TIMER_DEADLINE)
			timer_disarm(l);
		else if (l->timer.running)
			timer_reanchor(l, now, om == LAPIC_TIMER_PERIODIC);
		return;
	}
	if (i == LAPIC_LVT_LINT0 || i == LAPIC_LVT_LINT1) {
		unsigned int pin = i - LAPIC_LVT_LINT0;

		/* Remote IRR survives only while the entry stays level fixed. */
		if ((old & LAPIC_LVT_REMOTE_IRR) && (val & LAPIC_LVT_LEVEL) &&
		    lvt_dm(val) == APIC_DM_FIXED)
			val |= LAPIC_LVT_REMOTE_IRR;
		l->lvt[i] = val;
		l->lint_asserted[pin] = l->lint_level[pin] !=
					!!(val & LAPIC_LVT_ACTIVE_LOW);
		if (pin == 0)
			lint_level_eval(l);
		return;
	}
	l->lvt[i] = val;
}

static void write_spiv(struct lapic *l, u32 val)
{
	l->spiv = val & SPIV_WRITABLE;
	if (!(l->spiv & LAPIC_SPIV_ENABLE))
		for (int i = 0; i < LAPIC_LVT_NR; i++)
			l->lvt[i] |= LAPIC_LVT_MASKED;
}

/* ------------------------------------------------------------------ */
/* IPIs                                                                 */
/* ------------------------------------------------------------------ */

static void emit(struct lapic *l, const struct apic_msg *m)
{
	if (!l->ops.send) {
		l->dropped++;
		return;
	}
	l->ipis_sent++;
	l->ops.send(l->ops.ctx, m);
}

/* Send what the ICR holds (xAPIC: after the low-word write). */
static void send_icr(struct lapic *l)
{
	u32 lo = l->icr_lo;
	struct apic_msg m = { 0 };

	m.vector = lo & 0xff;
	m.delivery = (lo >> 8) & 7;
	m.logical = lo & LAPIC_ICR_LOGICAL;
	m.shorthand = (lo >> LAPIC_ICR_SH_SHIFT) & 3;
	m.dest = is_x2apic(l) ? l->icr_hi : l->icr_hi >> 24;
	m.source = l->id;
	if (m.delivery == 3 || m.delivery == APIC_DM_EXTINT) {
		l->unimplemented++; /* reserved in the ICR */
		return;
	}
	if (m.delivery == APIC_DM_INIT) {
		/* Trigger and level matter only here: the INIT de-assert. */
		m.level = lo & LAPIC_ICR_LEVEL;
		m.assert = lo & LAPIC_ICR_ASSERT;
	} else {
		m.assert = true;
	}
	if ((m.delivery == APIC_DM_FIXED || m.delivery == APIC_DM_LOWEST) &&
	    m.vector < 16) {
		l->illegal_vector++;
		esr_error(l, LAPIC_ESR_TX_ILLEGAL);
	}
	emit(l, &m);
}

static void send_self_ipi(struct lapic *l, u8 vector)
{
	struct apic_msg m = { .vector = vector,
			      .delivery = APIC_DM_FIXED,
			      .assert = true,
			      .shorthand = APIC_SH_SELF,
			      .source = l->id };

	if (vector < 16) {
		l->illegal_vector++;
		esr_error(l, LAPIC_ESR_TX_ILLEGAL);
	}
	emit(l, &m);
}

/**
 * lapic_match_dest() - whether @m is addressed to this LAPIC.  Shorthands
 * compare the ID with m->source; physical: the ID, or broadcast (0xff, and
 * 0xffffffff; in x2APIC mode 0xff stays a broadcast, the 8-bit one the
 * IOAPIC sends, so x2APIC ID 0xff is not separately addressable); logical
 * xAPIC: flat (MDA & LDR[31:24]) or cluster (same cluster, common member
 * bit) per DFR, 0xff to all, another DFR model matches nothing; logical
 * x2APIC: cluster ID[31:4] with a member bit of ID[3:0], 0xffffffff to
 * all.  A hardware-disabled LAPIC matches nothing.
 * @l: the LAPIC.
 * @m: the message.
 *
 * Context: any.
 * Return: true when the LAPIC is a destination.
 */
bool lapic_match_dest(const struct lapic *l, const struct apic_msg *m)
{
	enum lapic_mode mode = lapic_mode(l);
	u32 mda, lid;

	if (mode == LAPIC_DISABLED)
		return false;
	switch (m->shorthand & 3) {
	case APIC_SH_SELF:
		return l->id == m->source;
	case APIC_SH_ALL:
		return true;
	case APIC_SH_OTHERS:
		return l->id != m->source;
	default:
		break;
	}
	if (!m->logical)
		return m->dest == 0xffffffffu || m->dest == 0xff ||
		       m->dest == l->id;
	if (mode == LAPIC_X2APIC) {
		lid = x2apic_ldr(l->id);
		if (m->dest == 0xffffffffu)
			return true;
		return (m->dest >> 16) == (lid >> 16) &&
		       (m->dest & lid & 0xffff) != 0;
	}
	mda = m->dest & 0xff;
	lid = l->ldr >> 24;
	if (mda == 0xff)
		return true;
	switch (l->dfr >> 28) {
	case 0xf: /* flat */
		return (mda & lid) != 0;
	case 0x0: /* cluster */
		return (mda >> 4) == (lid >> 4) && (mda & lid & 0xf) != 0;
	default:
		return false;
	}
}

/**
 * lapic_accept() - a message the platform found addressed here
 * (lapic_match_dest()).  Fixed and lowest priority set IRR, and TMR when
 * level-triggered (cleared when edge); vectors 0-15 set ESR bit 6 instead.
 * NMI and INIT latch (an INIT de-assert, level with assert clear, is
 * ignored), SIPI latches its vector, ExtINT asks for a PIC INTA.  A
 * software-disabled LAPIC takes only NMI, INIT and SIPI; a
 * hardware-disabled one nothing; SMI is not implemented.
 * @l: the LAPIC.
 * @m: the message.
 * @now: guest TSC.
 *
 * Context: any, including from within this LAPIC's ops->send.
 */
void lapic_accept(struct lapic *l, const struct apic_msg *m, u64 now)
{
	unsigned int dm = m->delivery;

	now = clamp_now(l, now);
	timer_update(l, now);
	if (lapic_mode(l) == LAPIC_DISABLED) {
		l->dropped++;
		return;
	}
	switch (dm) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (!(l->spiv & LAPIC_SPIV_ENABLE)) {
			l->dropped++;
			return;
		}
		if (m->vector < 16) {
			l->illegal_vector++;
			esr_error(l, LAPIC_ESR_RX_ILLEGAL);
			return;
		}
		irr_raise(l, m->vector, m->level);
		break;
	case APIC_DM_NMI:
		nmi_raise(l);
		break;
	case APIC_DM_INIT:
		if (m->level && !m->assert) {
			l->dropped++;
			return;
		}
		l->init_pending = true;
		break;
	case APIC_DM_SIPI:
		l->sipi_pending = true;
		l->sipi_vector = m->vector;
		break;
	case APIC_DM_EXTINT:
		if (!(l->spiv & LAPIC_SPIV_ENABLE)) {
			l->dropped++;
			return;
		}
		l->extint_msg = true;
		break;
	default: /* SMI, reserved */
		l->unimplemented++;
		return;
	}
	l->accepted[dm]++;
}

/**
 * lapic_pending_vector() - the interrupt the vCPU should take next.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: the highest IRR vector whose priority class (bits 7:4) is above
 * PPR's, or -1 (none, or the LAPIC is hardware-disabled).
 */
int lapic_pending_vector(const struct lapic *l)
{
	int v;

	if (lapic_mode(l) == LAPIC_DISABLED)
		return -1;
	v = vec_highest(l->irr);
	if (v < 0 || ((u32)v & 0xf0) <= (lapic_ppr(l) & 0xf0u))
		return -1;
	return v;
}

/**
 * lapic_ack() - the vCPU took @vector (the INTA): IRR -> ISR, which raises
 * PPR.  A vector not in IRR changes nothing (counted in bad_ack).
 * @l: the LAPIC.
 * @vector: the vector injected.
 *
 * Context: any; no callback is made.
 */
void lapic_ack(struct lapic *l, u8 vector)
{
	if (!vec_test(l->irr, vector)) {
		l->bad_ack++;
		return;
	}
	vec_clear(l->irr, vector);
	vec_set(l->isr, vector);
}

/**
 * lapic_nmi_pending() - an NMI waits.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: true when at least one NMI is latched.
 */
bool lapic_nmi_pending(const struct lapic *l)
{
	return l->nmi_pending != 0;
}

/**
 * lapic_take_nmi() - the vCPU took one latched NMI.
 * @l: the LAPIC.
 *
 * Context: any.
 */
void lapic_take_nmi(struct lapic *l)
{
	if (l->nmi_pending)
		l->nmi_pending--;
}

/**
 * lapic_nmi_limit() - keep at most @max NMIs latched: the platform calls it
 * with 1 while the vCPU blocks NMIs or one is being injected, since a CPU
 * holds one NMI pending behind the one it services and drops the rest.
 * @l: the LAPIC.
 * @max: 0, 1 or 2.
 *
 * Context: any.
 */
void lapic_nmi_limit(struct lapic *l, unsigned int max)
{
	if (l->nmi_pending > max)
		l->nmi_pending = (u8)max;
}

/**
 * lapic_extint_pending() - the vCPU must run a PIC INTA cycle: an ExtINT
 * message waits, or a LINT pin programmed ExtINT (unmasked) is asserted,
 * or the LAPIC is hardware-disabled and LINT0 (then INTR) is high.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: true when an external interrupt is pending.
 */
bool lapic_extint_pending(const struct lapic *l)
{
	if (lapic_mode(l) == LAPIC_DISABLED)
		return l->lint_level[0];
	if (l->extint_msg)
		return true;
	for (int pin = 0; pin < 2; pin++) {
		u32 lvt = l->lvt[LAPIC_LVT_LINT0 + pin];

		if (l->lint_asserted[pin] && !(lvt & LAPIC_LVT_MASKED) &&
		    lvt_dm(lvt) == APIC_DM_EXTINT)
			return true;
	}
	return false;
}

/**
 * lapic_take_extint() - the INTA cycle ran: an ExtINT message is consumed
 * (an ExtINT pin is a level: it stays pending until the PIC lowers it).
 * @l: the LAPIC.
 *
 * Context: any.
 */
void lapic_take_extint(struct lapic *l)
{
	l->extint_msg = false;
}

/**
 * lapic_set_lint() - the LINT0/LINT1 wire changes to @level (electrical).
 * Per its LVT: masked does nothing (a level-triggered fixed LINT0 is
 * delivered once unmasked if still asserted); fixed edge, NMI and INIT act
 * on the rising asserted edge; fixed level (LINT0) delivers with TMR set
 * and remote IRR, once per EOI; ExtINT is read as a level by
 * lapic_extint_pending().  When hardware-disabled, LINT0 is INTR and
 * LINT1 NMI.  Another @pin is ignored.
 * @l: the LAPIC.
 * @pin: 0 or 1.
 * @level: the pin's electrical level.
 * @now: guest TSC.
 *
 * Context: any; no callback is made.
 */
void lapic_set_lint(struct lapic *l, unsigned int pin, bool level, u64 now)
{
	enum lapic_lvt i = pin ? LAPIC_LVT_LINT1 : LAPIC_LVT_LINT0;
	u32 lvt = l->lvt[i];
	bool asserted, rising;

	if (pin > 1)
		return;
	now = clamp_now(l, now);
	timer_update(l, now);
	l->lint_level[pin] = level;
	if (lapic_mode(l) == LAPIC_DISABLED) {
		if (pin == 1 && level && !l->lint_asserted[1])
			nmi_raise(l);
		l->lint_asserted[pin] = level;
		return;
	}
	asserted = level != !!(lvt & LAPIC_LVT_ACTIVE_LOW);
	rising = asserted && !l->lint_asserted[pin];
	l->lint_asserted[pin] = asserted;
	if (lvt & LAPIC_LVT_MASKED)
		return;
	if (pin == 0 && (lvt & LAPIC_LVT_LEVEL) &&
	    lvt_dm(lvt) == APIC_DM_FIXED) {
		lint_level_eval(l);
		return;
	}
	if (rising)
		lvt_deliver(l, i);
}

/**
 * lapic_local_interrupt() - a CMCI, thermal or performance-counter event:
 * delivered per its LVT entry; a performance-counter delivery then sets
 * the entry's mask bit, as on a PMI.
 * @l: the LAPIC.
 * @lvt: LAPIC_LVT_CMCI, LAPIC_LVT_THERMAL or LAPIC_LVT_PERF.
 * @now: guest TSC.
 *
 * Context: any; no callback is made.
 * Return: 0, or -EINVAL for another entry.
 */
int lapic_local_interrupt(struct lapic *l, enum lapic_lvt lvt, u64 now)
{
	if (lvt != LAPIC_LVT_CMCI && lvt != LAPIC_LVT_THERMAL &&
	    lvt != LAPIC_LVT_PERF)
		return -EINVAL;
	now = clamp_now(l, now);
	timer_update(l, now);
	if (lapic_mode(l) == LAPIC_DISABLED || (l->lvt[lvt] & LAPIC_LVT_MASKED))
		return 0;
	lvt_deliver(l, lvt);
	if (lvt == LAPIC_LVT_PERF)
		l->lvt[lvt] |= LAPIC_LVT_MASKED;
	return 0;
}

/**
 * lapic_take_init() - consume a latched INIT.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: true when one was pending (the platform then runs the INIT:
 * lapic_init_signal() and the vCPU's wait-for-SIPI state).
 */
bool lapic_take_init(struct lapic *l)
{
	bool was = l->init_pending;

	l->init_pending = false;
	return was;
}

/**
 * lapic_take_sipi() - consume a latched SIPI.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: its vector (the start page number), or -1.
 */
int lapic_take_sipi(struct lapic *l)
{
	if (!l->sipi_pending)
		return -1;
	l->sipi_pending = false;
	return l->sipi_vector;
}

/**
 * lapic_advance() - time moves to @now: a timer expiry due by then fires
 * (one-shot: then stops; periodic: every period counted, the next one
 * armed; TSC-deadline: the MSR clears).  The IRR bit of the LVT timer
 * vector is set unless the entry is masked.
 * @l: the LAPIC.
 * @now: guest TSC.
 *
 * Context: any; no callback is made.
 */
void lapic_advance(struct lapic *l, u64 now)
{
	timer_update(l, clamp_now(l, now));
}

/**
 * lapic_next_deadline() - when lapic_advance() next has work.
 * @l: the LAPIC.
 *
 * Context: any.
 * Return: the guest TSC of the next unmasked timer expiry, or
 * DEV_NO_DEADLINE (none armed, or the timer entry is masked: a masked
 * timer's expiries are caught up the next time the model is touched).
 */
u64 lapic_next_deadline(const struct lapic *l)
{
	const struct lapic_timer *t = &l->timer;

	if (lapic_mode(l) == LAPIC_DISABLED ||
	    (l->lvt[LAPIC_LVT_TIMER] & LAPIC_LVT_MASKED))
		return DEV_NO_DEADLINE;
	if (timer_mode(l) == LAPIC_TIMER_DEADLINE)
		return t->deadline ? t->deadline : DEV_NO_DEADLINE;
	if (!t->running)
		return DEV_NO_DEADLINE;
	return timer_expiry_tsc(l, t->fired + 1);
}

/* ------------------------------------------------------------------ */
/* Registers                                                            */
/* ------------------------------------------------------------------ */

/* The LVT entry at register offset @reg, or -1. */
static int lvt_index(u32 reg)
{
	switch (reg) {
	case LAPIC_REG_LVT_CMCI:
		return LAPIC_LVT_CMCI;
	case LAPIC_REG_LVT_TIMER:
		return LAPIC_LVT_TIMER;
	case LAPIC_REG_LVT_THERMAL:
		return LAPIC_LVT_THERMAL;
	case LAPIC_REG_LVT_PERF:
		return LAPIC_LVT_PERF;
	case LAPIC_REG_LVT_LINT0:
		return LAPIC_LVT_LINT0;
	case LAPIC_REG_LVT_LINT1:
		return LAPIC_LVT_LINT1;
	case LAPIC_REG_LVT_ERROR:
		return LAPIC_LVT_ERROR;
	default:
		return -1;
	}
}

/*
 * Read register @reg (offset, 16-byte aligned).  -EINVAL: reserved in this
 * mode, or (x2APIC) write-only.
 */
static int reg_read(struct lapic *l, u32 reg, u64 *out, bool x2, u64 now)
{
	int lvt = lvt_index(reg);

	if (lvt >= 0) {
		*out = l->lvt[lvt];
		return 0;
	}
	if (reg >= LAPIC_REG_ISR && reg < LAPIC_REG_IRR + 0x80) {
		u32 n = (reg - LAPIC_REG_ISR) >> 4;

		if (n < 8)
			*out = l->isr[n];
		else if (n < 16)
			*out = l->tmr[n - 8];
		else
			*out = l->irr[n - 16];
		return 0;
	}
	switch (reg) {
	case LAPIC_REG_ID:
		*out = x2 ? l->id : l->id << 24;
		return 0;
	case LAPIC_REG_VERSION:
		*out = LAPIC_VERSION_VALUE;
		return 0;
	case LAPIC_REG_TPR:
		*out = l->tpr;
		return 0;
	case LAPIC_REG_PPR:
		*out = lapic_ppr(l);
		return 0;
	case LAPIC_REG_APR:
	case LAPIC_REG_EOI:
	case LAPIC_REG_RRD:
		if (x2)
			return -EINVAL;
		*out = 0;
		return 0;
	case LAPIC_REG_LDR:
		*out = x2 ? x2apic_ldr(l->id) : l->ldr;
		return 0;
	case LAPIC_REG_DFR:
		if (x2)
			return -EINVAL;
		*out = l->dfr | 0x0fffffffu;
		return 0;
	case LAPIC_REG_SPIV:
		*out = l->spiv;
		return 0;
	case LAPIC_REG_ESR:
		*out = l->esr;
		return 0;
	case LAPIC_REG_ICR_LO:
		*out = l->icr_lo;
		if (x2)
			*out |= (u64)l->icr_hi << 32;
		return 0;
	case LAPIC_REG_ICR_HI:
		if (x2)
			return -EINVAL;
		*out = l->icr_hi;
		return 0;
	case LAPIC_REG_TIMER_ICR:
		*out = l->timer.initial;
		return 0;
	case LAPIC_REG_TIMER_CCR:
		*out = timer_mode(l) == LAPIC_TIMER_DEADLINE
			       ? 0
			       : timer_count(l, now, timer_periodic(l));
		return 0;
	case LAPIC_REG_TIMER_DCR:
		*out = l->timer.dcr;
		return 0;
	default: /* SELF IPI is write-only (x2APIC) or absent (xAPIC) */
		return -EINVAL;
	}
}

/*
 * Write register @reg.  x2APIC: -EINVAL (#GP) for read-only and reserved
 * registers and for reserved bits set.  xAPIC: read-only registers ignore
 * the write (1 returned so the caller counts it), reserved ones -EINVAL.
 */
static int reg_write(struct lapic *l, u32 reg, u64 val, bool x2, u64 now)
{
	int lvt = lvt_index(reg);
	u32 v = (u32)val;

	if (lvt >= 0) {
		if (x2 && (val & ~(u64)(lvt_writable[lvt] | lvt_readonly[lvt])))
			return -EINVAL;
		write_lvt(l, (enum lapic_lvt)lvt, v, now);
		return 0;
	}
	if (reg >= LAPIC_REG_ISR && reg < LAPIC_REG_IRR + 0x80)
		return x2 ? -EINVAL : 1;
	switch (reg) {
	case LAPIC_REG_ID:
		if (x2)
			return -EINVAL;
		l->id = v >> 24;
		return 0;
	case LAPIC_REG_VERSION:
	case LAPIC_REG_PPR:
	case LAPIC_REG_TIMER_CCR:
		return x2 ? -EINVAL : 1;
	case LAPIC_REG_APR:
	case LAPIC_REG_RRD:
	case LAPIC_REG_LDR:
		if (x2)
			return -EINVAL;
		if (reg == LAPIC_REG_LDR) {
			l->ldr = v & LDR_XAPIC_MASK;
			return 0;
		}
		return 1;
	case LAPIC_REG_TPR:
		if (x2 && (val & ~(u64)TPR_WRITABLE))
			return -EINVAL;
		l->tpr = v & TPR_WRITABLE;
		return 0;
	case LAPIC_REG_EOI:
		if (x2 && val)
			return -EINVAL;
		do_eoi(l);
		return 0;
	case LAPIC_REG_DFR:
		if (x2)
			return -EINVAL;
		l->dfr = v & DFR_WRITABLE;
		return 0;
	case LAPIC_REG_SPIV:
		if (x2 && (val & ~(u64)SPIV_WRITABLE))
			return -EINVAL;
		write_spiv(l, v);
		return 0;
	case LAPIC_REG_ESR:
		if (x2 && val)
			return -EINVAL;
		/* The SDM's latch: the write publishes what was logged. */
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		return 0;
	case LAPIC_REG_ICR_LO:
		if (x2) {
			u64 ok = 0xffffffff00000000ULL | ICR_LO_WRITABLE |
				 ICR_BUSY;

			if (val & ~ok)
				return -EINVAL;
			l->icr_hi = (u32)(val >> 32);
		}
		l->icr_lo = v & ICR_LO_WRITABLE;
		send_icr(l);
		return 0;
	case LAPIC_REG_ICR_HI:
		if (x2)
			return -EINVAL;
		l->icr_hi = v & XAPIC_ID_MASK;
		return 0;
	case LAPIC_REG_TIMER_ICR:
		timer_write_icr(l, v, now);
		return 0;
	case LAPIC_REG_TIMER_DCR:
		if (x2 && (val & ~(u64)DCR_WRITABLE))
			return -EINVAL;
		timer_write_dcr(l, v, now);
		return 0;
	case LAPIC_REG_SELF_IPI:
		if (!x2 || (val & ~0xffULL))
			return -EINVAL;
		send_self_ipi(l, v & 0xff);
		return 0;
	default:
		return -EINVAL;
	}
}

static bool mmio_ok(u32 offset, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && offset < 0x1000 &&
	       (offset & 0xf) + size <= 16;
}

/*
 * An access to the page outside xAPIC mode (see lapic_mmio_covers()):
 * counted in mmio_hole; nothing in the model changes.  Any size of 1, 2 or
 * 4 bytes inside the page is taken, as there are no registers to cross.
 */
static int mmio_hole(struct lapic *l, u32 offset, unsigned int size)
{
	if ((size != 1 && size != 2 && size != 4) || offset >= 0x1000 ||
	    0x1000 - offset < size)
		return -EINVAL;
	l->mmio_hole++;
	return 0;
}

/**
 * lapic_mmio_read() - a guest read of the xAPIC page.  Lanes: bytes 0-3 of
 * each 16-byte slot are the register, bytes 4-15 read 0; a reserved
 * register reads 0 and sets ESR bit 7.  Outside xAPIC mode the page is
 * empty: every read returns all ones (see lapic_mmio_covers()).
 * @l: the LAPIC.
 * @offset: offset in the page.
 * @size: 1, 2 or 4.
 * @val: the value read.
 * @now: guest TSC.
 *
 * Context: any; no callback is made.
 * Return: 0, or -EINVAL: bad size, outside the page, or (xAPIC mode)
 * across a 16-byte slot (@val untouched).
 */
int lapic_mmio_read(struct lapic *l, u32 offset, unsigned int size, u32 *val,
		    u64 now)
{
	unsigned int lane = offset & 0xf;
	u64 reg = 0;
	u32 v;

	if (lapic_mode(l) != LAPIC_XAPIC) {
		int r = mmio_hole(l, offset, size);

		if (!r)
			*val = size < 4 ? (1u << (size * 8)) - 1 : ~0u;
		return r;
	}
	if (!mmio_ok(offset, size))
		return -EINVAL;
	now = clamp_now(l, now);
	timer_update(l, now);
	if (reg_read(l, offset & ~0xfu, &reg, false, now) < 0) {
		l->bad_access++;
		esr_error(l, LAPIC_ESR_ILLEGAL_REG);
		reg = 0;
	}
	v = lane < 4 ? (u32)reg >> (lane * 8) : 0;
	if (size < 4)
		v &= (1u << (size * 8)) - 1;
	*val = v;
	return 0;
}

/**
 * lapic_mmio_write() - a guest write to the xAPIC page.  A 4-byte write at
 * a slot start writes the register; a narrower or offset one merges its
 * bytes 0-3 into the current value first (bad_access counts it), bytes
 * 4-15 are dropped.  Read-only registers ignore writes; a reserved one sets
 * ESR bit 7.  Reserved bits of a register are ignored.  Outside xAPIC mode
 * the write is dropped (see lapic_mmio_covers()).
 * @l: the LAPIC.
 * @offset: offset in the page.
 * @size: 1, 2 or 4.
 * @val: the value, in the low @size bytes.
 * @now: guest TSC.
 *
 * Context: any; may call ops->send (ICR) and ops->eoi_level (EOI).
 * Return: 0, or -EINVAL as lapic_mmio_read().
 */
int lapic_mmio_write(struct lapic *l, u32 offset, unsigned int size, u32 val,
		     u64 now)
{
	unsigned int lane = offset & 0xf;
	u32 reg_off = offset & ~0xfu;
	u64 old = 0;
	int ret;

	if (lapic_mode(l) != LAPIC_XAPIC)
		return mmio_hole(l, offset, size);
	if (!mmio_ok(offset, size))
		return -EINVAL;
	now = clamp_now(l, now);
	timer_update(l, now);
	if (lane >= 4) {
		l->bad_access++;
		return 0;
	}
	if (size != 4 || lane) {
		u64 mask = ((1ULL << (size * 8)) - 1) << (lane * 8);

		l->bad_access++;
		if (reg_read(l, reg_off, &old, false, now) < 0)
			old = 0;
		val = (u32)((old & ~mask) | (((u64)val << (lane * 8)) & mask));
	}
	ret = reg_write(l, reg_off, val, false, now);
	if (ret < 0) {
		l->bad_access++;
		esr_error(l, LAPIC_ESR_ILLEGAL_REG);
	} else if (ret > 0) {
		l->bad_access++;
	}
	return 0;
}

/**
 * lapic_msr_read() - RDMSR of IA32_TSC_DEADLINE (reads 0 outside
 * TSC-deadline mode) or an x2APIC register (0x800-0x8ff, x2APIC mode only).
 * @l: the LAPIC.
 * @msr: the MSR.
 * @val: the value read.
 * @now: guest TSC.
 *
 * Context: any; no callback is made.
 * Return: 0; -EINVAL (#GP): x2APIC MSR outside x2APIC mode, reserved, or
 * write-only (EOI, SELF IPI); -ENOENT: not a LAPIC MSR.
 */
int lapic_msr_read(struct lapic *l, u32 msr, u64 *val, u64 now)
{
	int ret;

	if (msr != LAPIC_MSR_TSC_DEADLINE &&
	    (msr < LAPIC_MSR_X2APIC_FIRST || msr > LAPIC_MSR_X2APIC_LAST))
		return -ENOENT;
	now = clamp_now(l, now);
	timer_update(l, now);
	if (msr == LAPIC_MSR_TSC_DEADLINE) {
		*val = timer_mode(l) == LAPIC_TIMER_DEADLINE ? l->timer.deadline
							     : 0;
		return 0;
	}
	if (!is_x2apic(l))
		return -EINVAL;
	ret = reg_read(l, (msr - LAPIC_MSR_X2APIC_FIRST) << 4, val, true, now);
	if (ret < 0)
		l->bad_access++;
	return ret;
}

/**
 * lapic_msr_write() - WRMSR of IA32_TSC_DEADLINE (ignored outside
 * TSC-deadline mode; 0 disarms; a time already passed fires at once) or an
 * x2APIC register: ICR is one 64-bit MSR (0x830) and sends, SELF IPI
 * (0x83f) sends a fixed self IPI, EOI and ESR take only 0, ID, LDR and the
 * other read-only registers #GP, there is no DFR or ICR high, reserved
 * bits #GP.
 * @l: the LAPIC.
 * @msr: the MSR.
 * @val: the value written.
 * @now: guest TSC.
 *
 * Context: any; may call ops->send and ops->eoi_level.
 * Return: 0; -EINVAL (#GP, nothing changed); -ENOENT: not a LAPIC MSR.
 */
int lapic_msr_write(struct lapic *l, u32 msr, u64 val, u64 now)
{
	u32 reg;
	int ret;

	if (msr != LAPIC_MSR_TSC_DEADLINE &&
	    (msr < LAPIC_MSR_X2APIC_FIRST || msr > LAPIC_MSR_X2APIC_LAST))
		return -ENOENT;
	now = clamp_now(l, now);
	timer_update(l, now);
	if (msr == LAPIC_MSR_TSC_DEADLINE) {
		if (timer_mode(l) != LAPIC_TIMER_DEADLINE)
			return 0;
		l->timer.deadline = val;
		timer_update(l, now);
		return 0;
	}
	if (!is_x2apic(l)) {
		l->bad_access++;
		return -EINVAL;
	}
	reg = (msr - LAPIC_MSR_X2APIC_FIRST) << 4;
	if (reg != LAPIC_REG_ICR_LO && (val >> 32)) {
		l->bad_access++;
		return -EINVAL;
	}
	ret = reg_write(l, reg, val, true, now);
	if (ret < 0)
		l->bad_access++;
	return ret < 0 ? ret : 0;
}
