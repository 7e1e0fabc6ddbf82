/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC (lapic.c), one per vCPU, in xAPIC (MMIO) and x2APIC (MSR)
 * mode.  Portable: the hypervisor routes the messages it sends (ops->send)
 * to the LAPICs lapic_match_dest() selects, injects what
 * lapic_pending_vector() / lapic_nmi_pending() / lapic_extint_pending()
 * report, and drives time with lapic_advance() at lapic_next_deadline().
 *
 * Time is the guest TSC ("now"); the timer counts at timer_hz / divide.
 * A call with a "now" below the latest one seen is treated as that latest
 * one: the model's time never goes backwards.  The product tsc_hz *
 * timer_hz must stay below 2^64 (any pair of rates below 4 GHz does).
 *
 * Behaviour where the SDM leaves a choice, and what is not implemented:
 *   - version 0x14, 7 LVT entries (CMCI..error), no directed EOI: SPIV bit
 *     12 is reserved (x2APIC: #GP; xAPIC: ignored);
 *   - APR reads 0 (arbitration is the platform's; it may use lapic_ppr());
 *     RRD reads 0;
 *   - the xAPIC ID is writable (bits 31:24); entering x2APIC mode and
 *     leaving the disabled state bring back the hardware ID given to
 *     lapic_init();
 *   - MMIO: reads of 1, 2 or 4 bytes anywhere inside a 16-byte register
 *     slot see the register in bytes 0-3 and zeros in bytes 4-15; a write
 *     of 4 bytes at the slot start writes the register; a narrower or
 *     offset write merges its bytes 0-3 into the register's current value
 *     and then acts as a full write (counted in bad_access); bytes 4-15
 *     are dropped.  An access that crosses a slot, leaves the page or has
 *     another size returns -EINVAL.  A reserved offset reads 0, ignores
 *     writes and sets ESR bit 7 (illegal register address);
 *   - hardware-disabled and in x2APIC mode the page at IA32_APIC_BASE
 *     holds no registers, yet stays claimed: reads of 1, 2 or 4 bytes
 *     return all ones and writes are dropped (counted in mmio_hole), as
 *     KVM does in x2APIC mode, so that software probing it (kvm-unit-tests'
 *     apic test writes the page and reads ~0 back) is not stopped;
 *   - x2APIC: reserved MSRs, writes to read-only registers, reads of EOI
 *     and SELF IPI, nonzero reserved bits (bits 63:32 outside ICR) are
 *     -EINVAL (#GP).  Read-only bits that are not reserved (LVT delivery
 *     status and remote IRR, ICR delivery status) are ignored on write;
 *   - ICR: delivered at once, so delivery status always reads idle; the
 *     reserved delivery modes 011 and 111 are not sent (counted in
 *     unimplemented); the shorthand/mode pairs the SDM calls invalid are
 *     sent as written; an illegal vector (0-15) in a fixed or lowest
 *     priority IPI sets the sender's ESR bit 5 and is still sent, so the
 *     receivers flag ESR bit 6 and drop it; fixed IPIs are edge (the SDM's
 *     P4+ trigger-mode rule), INIT with trigger level and level 0 is the
 *     INIT de-assert, which receivers ignore;
 *   - an error (ESR bit set) raises the LVT error interrupt when unmasked;
 *   - SMI is not implemented: an SMI message or LVT entry is counted in
 *     unimplemented and dropped;
 *   - up to two NMIs latch (lapic_nmi_limit() lets the platform apply the
 *     CPU's NMI blocking); a SIPI latches its last vector;
 *   - timer: one-shot <-> periodic switches keep counting from the current
 *     count; switching into or out of TSC-deadline mode disarms (initial
 *     count and IA32_TSC_DEADLINE cleared); timer mode 11b (reserved)
 *     counts as one-shot; a divide change while counting continues from
 *     the current count at the new rate.  A masked timer keeps counting
 *     and reports no deadline: its expiries are counted (timer_fires) when
 *     the model is next touched;
 *   - LINT: the pin level is electrical, the LVT polarity says which level
 *     is asserted; fixed level-triggered works on LINT0 only (remote IRR,
 *     cleared by the EOI of its vector), LINT1 is always edge as the SDM
 *     says; ExtINT is level (pending while asserted and unmasked).  While
 *     the LAPIC is hardware-disabled LINT0 is the INTR pin
 *     (lapic_extint_pending() follows it) and LINT1 the NMI pin (a rising
 *     level latches an NMI);
 *   - a performance-counter interrupt (lapic_local_interrupt()) sets the
 *     LVT perf mask bit, as Intel CPUs do on a PMI.
 */
#ifndef TDP_HV_DEV_LAPIC_H
#define TDP_HV_DEV_LAPIC_H

#include "types.h"
#include "hv/dev/dev.h"

#define LAPIC_DEFAULT_BASE 0xfee00000ULL

/* IA32_APIC_BASE (MSR 0x1b) bits. */
#define LAPIC_BASE_BSP (1ULL << 8)
#define LAPIC_BASE_EXTD (1ULL << 10)
#define LAPIC_BASE_EN (1ULL << 11)

/* MSRs. */
#define LAPIC_MSR_APIC_BASE 0x1b
#define LAPIC_MSR_TSC_DEADLINE 0x6e0
#define LAPIC_MSR_X2APIC_FIRST 0x800
#define LAPIC_MSR_X2APIC_LAST 0x8ff

/* Register offsets in the xAPIC page; x2APIC MSR = 0x800 + (offset >> 4). */
#define LAPIC_REG_ID 0x020
#define LAPIC_REG_VERSION 0x030
#define LAPIC_REG_TPR 0x080
#define LAPIC_REG_APR 0x090
#define LAPIC_REG_PPR 0x0a0
#define LAPIC_REG_EOI 0x0b0
#define LAPIC_REG_RRD 0x0c0
#define LAPIC_REG_LDR 0x0d0
#define LAPIC_REG_DFR 0x0e0
#define LAPIC_REG_SPIV 0x0f0
#define LAPIC_REG_ISR 0x100 /* 8 registers, 0x10 apart */
#define LAPIC_REG_TMR 0x180
#define LAPIC_REG_IRR 0x200
#define LAPIC_REG_ESR 0x280
#define LAPIC_REG_LVT_CMCI 0x2f0
#define LAPIC_REG_ICR_LO 0x300
#define LAPIC_REG_ICR_HI 0x310
#define LAPIC_REG_LVT_TIMER 0x320
#define LAPIC_REG_LVT_THERMAL 0x330
#define LAPIC_REG_LVT_PERF 0x340
#define LAPIC_REG_LVT_LINT0 0x350
#define LAPIC_REG_LVT_LINT1 0x360
#define LAPIC_REG_LVT_ERROR 0x370
#define LAPIC_REG_TIMER_ICR 0x380
#define LAPIC_REG_TIMER_CCR 0x390
#define LAPIC_REG_TIMER_DCR 0x3e0
#define LAPIC_REG_SELF_IPI 0x3f0 /* x2APIC only */

#define LAPIC_VERSION_VALUE 0x00060014u /* max LVT entry 6, version 0x14 */

/* SPIV. */
#define LAPIC_SPIV_ENABLE (1u << 8)
#define LAPIC_SPIV_FOCUS (1u << 9)

/* LVT fields. */
#define LAPIC_LVT_VECTOR 0xffu
#define LAPIC_LVT_DM_SHIFT 8
#define LAPIC_LVT_PENDING (1u << 12) /* delivery status: always idle */
#define LAPIC_LVT_ACTIVE_LOW (1u << 13)
#define LAPIC_LVT_REMOTE_IRR (1u << 14)
#define LAPIC_LVT_LEVEL (1u << 15)
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_LVT_TIMER_SHIFT 17
#define LAPIC_TIMER_ONESHOT 0u
#define LAPIC_TIMER_PERIODIC 1u
#define LAPIC_TIMER_DEADLINE 2u

/* ICR fields (low word; the x2APIC ICR has the destination in 63:32). */
#define LAPIC_ICR_LOGICAL (1u << 11)
#define LAPIC_ICR_ASSERT (1u << 14)
#define LAPIC_ICR_LEVEL (1u << 15)
#define LAPIC_ICR_SH_SHIFT 18

/* ESR bits. */
#define LAPIC_ESR_REDIR_IPI (1u << 4)
#define LAPIC_ESR_TX_ILLEGAL (1u << 5)
#define LAPIC_ESR_RX_ILLEGAL (1u << 6)
#define LAPIC_ESR_ILLEGAL_REG (1u << 7)

/* The LVT entries, in struct lapic's lvt[]. */
enum lapic_lvt {
	LAPIC_LVT_CMCI,
	LAPIC_LVT_TIMER,
	LAPIC_LVT_THERMAL,
	LAPIC_LVT_PERF,
	LAPIC_LVT_LINT0,
	LAPIC_LVT_LINT1,
	LAPIC_LVT_ERROR,
	LAPIC_LVT_NR,
};

/**
 * struct lapic_ops - what the LAPIC asks of the platform.
 * @ctx: passed back to each callback.
 * @send: an IPI from an ICR write (or SELF IPI in x2APIC): the platform
 *        delivers it to every LAPIC whose lapic_match_dest() is true, this
 *        one included.  It may call back into this LAPIC (lapic_accept()).
 * @eoi_level: EOI of a vector whose TMR bit was set: the IOAPIC clears its
 *             remote IRR.  It may call lapic_accept() on this LAPIC.
 */
struct lapic_ops {
	void *ctx;
	void (*send)(void *ctx, const struct apic_msg *m);
	void (*eoi_level)(void *ctx, u8 vector);
};

enum lapic_mode { LAPIC_DISABLED, LAPIC_XAPIC, LAPIC_X2APIC };

/*
 * The timer.  Counting is anchored at @start (guest TSC) with count
 * @start_count; the count drops by one every 2^(divide shift) timer
 * clocks; @fired expiries since the anchor have been delivered.
 */
struct lapic_timer {
	u32 initial; /* TMICT */
	u32 dcr; /* TDCR, bits 0, 1, 3 */
	bool running; /* one-shot or periodic count in progress */
	u32 start_count;
	u64 start;
	u64 fired;
	u64 deadline; /* IA32_TSC_DEADLINE, 0: disarmed */
};

/**
 * struct lapic - one local APIC.  Fields are the model's; read the
 * counters (timer_fires..bad_ack) freely, change nothing directly.
 */
struct lapic {
	struct lapic_ops ops;
	u64 tsc_hz;
	u64 timer_hz;
	u64 last_now;

	u64 base; /* IA32_APIC_BASE */
	u32 hw_id; /* the ID the hardware was given (x2APIC ID) */
	u32 id; /* current ID: 8 bits in xAPIC mode, 32 in x2APIC mode */
	u32 tpr;
	u32 ldr; /* xAPIC; x2APIC's is derived from the ID */
	u32 dfr; /* bits 31:28 */
	u32 spiv;
	u32 esr; /* what ESR reads */
	u32 esr_pending; /* errors since the last ESR write */
	u32 lvt[LAPIC_LVT_NR];
	u32 icr_lo;
	u32 icr_hi; /* xAPIC: destination in 31:24; x2APIC: 32 bits */
	u32 irr[8];
	u32 isr[8];
	u32 tmr[8];
	struct lapic_timer timer;

	bool lint_level[2]; /* electrical level of LINT0/1 */
	bool lint_asserted[2]; /* the level as the LVT polarity reads it */
	u8 nmi_pending; /* 0..2 */
	bool init_pending;
	bool sipi_pending;
	u8 sipi_vector;
	bool extint_msg; /* an ExtINT message waits for its INTA */

	/* Counters for the hypervisor's summary. */
	u64 timer_fires; /* expiries, masked ones included */
	u64 eoi_writes;
	u64 ipis_sent;
	u64 accepted[8]; /* messages accepted, by enum apic_delivery */
	u64 illegal_vector; /* vectors 0-15 sent, received or local */
	u64 dropped; /* messages refused: APIC disabled (hardware, or software
		      * for fixed/lowest/ExtINT), INIT de-assert, no send op */
	u64 unimplemented; /* SMI, reserved delivery modes */
	u64 bad_access; /* reserved register, read-only write, partial
			 * write, x2APIC #GP */
	u64 irr_coalesced; /* a vector arrived while already in IRR */
	u64 bad_ack; /* lapic_ack() of a vector not in IRR */
	u64 mmio_hole; /* page accesses outside xAPIC mode (all ones, dropped) */
};

/**
 * lapic_mmio_covers() - whether @gpa is in the page IA32_APIC_BASE names.
 * In xAPIC mode it holds the registers; hardware-disabled and in x2APIC
 * mode (which the SDM's "x2APIC Register Availability" says behaves as the
 * globally disabled xAPIC there) nothing answers in it: reads return all
 * ones and writes are dropped, as on a bus with no device at the address.
 * The page stays claimed so that such an access is not a guest error.
 * @l: the LAPIC.
 * @gpa: guest-physical address.
 *
 * Context: any.
 * Return: true when an access at @gpa goes to lapic_mmio_read()/write().
 */
static inline bool lapic_mmio_covers(const struct lapic *l, u64 gpa)
{
	u64 base = l->base & ~0xfffULL & ~(~0ULL << 52);

	return gpa - base < 0x1000;
}

/* Whether all of [@gpa, @gpa + @len) is in that page (one look-up). */
static inline bool lapic_mmio_covers_range(const struct lapic *l, u64 gpa,
					   u64 len)
{
	u64 off = gpa - (l->base & ~0xfffULL & ~(~0ULL << 52));

	return off < 0x1000 && len <= 0x1000 - off;
}

void lapic_init(struct lapic *l, u32 apic_id, bool bsp, u64 tsc_hz,
		u64 timer_hz, const struct lapic_ops *ops);
void lapic_init_signal(struct lapic *l);
u64 lapic_read_base(const struct lapic *l);
int lapic_write_base(struct lapic *l, u64 val, unsigned int maxphyaddr);
enum lapic_mode lapic_mode(const struct lapic *l);
bool lapic_sw_enabled(const struct lapic *l);
int lapic_mmio_read(struct lapic *l, u32 offset, unsigned int size, u32 *val,
		    u64 now);
int lapic_mmio_write(struct lapic *l, u32 offset, unsigned int size, u32 val,
		     u64 now);
int lapic_msr_read(struct lapic *l, u32 msr, u64 *val, u64 now);
int lapic_msr_write(struct lapic *l, u32 msr, u64 val, u64 now);
bool lapic_match_dest(const struct lapic *l, const struct apic_msg *m);
void lapic_accept(struct lapic *l, const struct apic_msg *m, u64 now);
int lapic_pending_vector(const struct lapic *l);
void lapic_ack(struct lapic *l, u8 vector);
u8 lapic_ppr(const struct lapic *l);
u8 lapic_get_tpr(const struct lapic *l);
void lapic_set_tpr(struct lapic *l, u8 tpr);
bool lapic_nmi_pending(const struct lapic *l);
void lapic_take_nmi(struct lapic *l);
void lapic_nmi_limit(struct lapic *l, unsigned int max);
bool lapic_extint_pending(const struct lapic *l);
void lapic_take_extint(struct lapic *l);
void lapic_set_lint(struct lapic *l, unsigned int pin, bool level, u64 now);
int lapic_local_interrupt(struct lapic *l, enum lapic_lvt lvt, u64 now);
bool lapic_take_init(struct lapic *l);
int lapic_take_sipi(struct lapic *l);
void lapic_advance(struct lapic *l, u64 now);
u64 lapic_next_deadline(const struct lapic *l);

#endif /* TDP_HV_DEV_LAPIC_H */
