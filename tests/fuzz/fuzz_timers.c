// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for hv/dev/pit.c and hv/dev/rtc.c.  The input picks
 * a TSC rate, then is read as a sequence of steps: port writes and reads
 * of either device, time advances (small, medium and very large; "now"
 * never goes back), edge collection and deadline checks.  Invariants:
 *   - the deadlines are > now or DEV_NO_DEADLINE, and exact: on a copy
 *     of the model, OUT0 has no rising edge before the PIT deadline and
 *     one at it (one or more if the TSC is slower than the PIT clock); IRQ8 is low just before the RTC deadline and
 *     high at it;
 *   - OUT0 edges since the last collection are at most one per PIT clock
 *     elapsed, plus one per port write (a control word can raise OUT);
 *   - a counter in BCD mode reads valid BCD;
 *   - the RTC's time is always in range (day within its month while the
 *     clock runs), its registers read valid BCD in BCD mode and in-range
 *     values in both modes; C's low nibble and D's low bits read 0;
 *   - no undefined behaviour (the build has UBSan and ASan).
 *
 *   make build/fuzz/fuzz_timers
 *   build/fuzz/fuzz_timers -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "errno_codes.h"
#include "hv/dev/pit.h"
#include "hv/dev/rtc.h"

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t next(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static bool is_bcd(unsigned int v)
{
	return (v & 0xf) <= 9 && ((v >> 4) & 0xf) <= 9 &&
	       ((v >> 8) & 0xf) <= 9 && ((v >> 12) & 0xf) <= 9;
}

static unsigned int from_bcd(u8 v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

static bool leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int mdays(unsigned int y, unsigned int m)
{
	static const u8 d[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

static void check_rtc_time(const struct rtc *r, u64 now)
{
	struct rtc_time t;
	bool runs = (r->reg_a & RTC_A_DV_MASK) == RTC_A_DV_32K &&
		    !(r->reg_b & RTC_B_SET);

	rtc_get_time(r, now, &t);
	CHECK(t.year <= 9999);
	CHECK(t.mon >= 1 && t.mon <= 12);
	CHECK(t.mday >= 1 && t.mday <= 31);
	if (runs)
		CHECK(t.mday <= mdays(t.year, t.mon));
	CHECK(t.hour <= 23 && t.min <= 59 && t.sec <= 59);
	CHECK(t.wday >= 1 && t.wday <= 7);
}

/* A data-port read of register @idx gave @v. */
static void check_rtc_read(const struct rtc *r, u8 idx, u8 v)
{
	bool bin = r->reg_b & RTC_B_DM, h24 = r->reg_b & RTC_B_24H;
	unsigned int x = bin ? v : from_bcd(v & 0x7f);

	if (idx == RTC_REG_C) {
		CHECK((v & 0x0f) == 0);
		return;
	}
	if (idx == RTC_REG_D) {
		CHECK(v == RTC_D_VRT);
		return;
	}
	if (idx > RTC_YEAR && idx != RTC_CENTURY)
		return;
	if (idx & 1 && idx < RTC_DAY_OF_WEEK)
		return; /* alarm bytes: whatever was written */
	if (!bin)
		CHECK(is_bcd(idx == RTC_HOURS ? v & 0x7fu : v));
	switch (idx) {
	case RTC_SECONDS:
	case RTC_MINUTES:
		CHECK(x <= 59);
		break;
	case RTC_HOURS:
		if (h24) {
			CHECK(x <= 23);
		} else {
			x = bin ? (unsigned int)(v & 0x7f) : x;
			CHECK(x >= 1 && x <= 12);
		}
		break;
	case RTC_DAY_OF_WEEK:
		CHECK(x >= 1 && x <= 7);
		break;
	case RTC_DAY_OF_MONTH:
		CHECK(x >= 1 && x <= 31);
		break;
	case RTC_MONTH:
		CHECK(x >= 1 && x <= 12);
		break;
	default: /* year, century */
		CHECK(x <= 99);
		break;
	}
}

static void check_pit(struct pit *p, u64 now, u64 *last_ticks, u64 *writes)
{
	u64 d = pit_next_deadline(p, now), t;
	struct pit c;

	for (unsigned int i = 0; i < 3; i++)
		if (p->ch[i].bcd)
			CHECK(is_bcd(pit_count(p, i, now)));
	CHECK(d == DEV_NO_DEADLINE || d > now);
	if (d != DEV_NO_DEADLINE) {
		c = *p;
		(void)pit_irq0_edges(&c, now);
		CHECK(pit_irq0_edges(&c, d - 1) == 0);
		/* Slower than the PIT, one TSC tick may hold several. */
		if (p->tsc_hz >= 2 * PIT_HZ)
			CHECK(pit_irq0_edges(&c, d) == 1);
		else
			CHECK(pit_irq0_edges(&c, d) >= 1);
	}
	t = dev_mul_div(now, PIT_HZ, p->tsc_hz);
	CHECK(pit_irq0_edges(p, now) <= t - *last_ticks + *writes + 1);
	*last_ticks = t;
	*writes = 0;
}

static void check_rtc(struct rtc *r, u64 now)
{
	u64 d = rtc_next_deadline(r, now);
	struct rtc c;

	CHECK(d == DEV_NO_DEADLINE || d > now);
	if (d != DEV_NO_DEADLINE) {
		c = *r;
		CHECK(!rtc_irq(&c, now));
		CHECK(!rtc_irq(&c, d - 1));
		CHECK(rtc_irq(&c, d));
	}
	check_rtc_time(r, now);
}

/*
 * Time stops at 2^58 TSC ticks (years at these rates) so that the PIT's
 * clock count fits 64 bits even at the slowest TSC rate tried.
 */
static u64 later(u64 now, u64 delta)
{
	const u64 cap = 1ULL << 58;

	return delta > cap - now ? cap : now + delta;
}

static const u64 rates[8] = {
	PIT_HZ * 1000ULL, 1000000000ULL, 2893000117ULL, 3000000000ULL,
	RTC_HZ * 1000ULL, PIT_HZ,	 100000ULL,	5000000000ULL,
};

static const u16 pit_ports[5] = { 0x40, 0x41, 0x42, 0x43, 0x61 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct pit p;
	struct rtc r;
	struct rtc_time t0;
	u64 hz, now, last_ticks, writes = 0;
	u8 v;

	hz = rates[next(&in) & 7];
	now = (u64)next(&in) << 20;
	t0.year = (u16)(next(&in) * 40);
	t0.mon = next(&in) % 14;
	t0.mday = next(&in) % 33;
	t0.hour = next(&in) % 25;
	t0.min = next(&in) % 61;
	t0.sec = next(&in) % 61;
	t0.wday = next(&in) % 9;
	pit_init(&p, hz, now);
	rtc_init(&r, hz, &t0, now);
	last_ticks = dev_mul_div(now, PIT_HZ, p.tsc_hz);
	check_rtc(&r, now);

	while (in.n) {
		u8 op = next(&in), a = next(&in), b = next(&in);

		switch (op % 9) {
		case 0:
			CHECK(pit_io_write(&p, pit_ports[a % 5], b, now) == 0);
			writes++;
			break;
		case 1:
			CHECK(pit_io_read(&p, pit_ports[a % 5], &v, now) == 0);
			/* Port B: no NMI source, bit 5 is OUT2. */
			if (a % 5 == 4) {
				CHECK((v & 0xc0) == 0);
				CHECK(!!(v & PIT_B_OUT2) ==
				      pit_out(&p, 2, now));
			}
			break;
		case 2:
			CHECK(rtc_io_write(&r, RTC_PORT_INDEX, a, now) == 0);
			break;
		case 3:
			CHECK(rtc_io_write(&r, RTC_PORT_DATA, a, now) == 0);
			break;
		case 4:
			CHECK(rtc_io_read(&r, RTC_PORT_DATA, &v, now) == 0);
			check_rtc_read(&r, r.index & 0x7f, v);
			break;
		case 5: /* a few TSC ticks to a few ms */
			now = later(now, (u64)a << (b % 24));
			break;
		case 6: /* up to years */
			now = later(now, ((u64)a << 8 | b) * (hz / 16 + 1) *
						 (op & 0x80 ? 4096 : 1));
			break;
		case 7:
			check_pit(&p, now, &last_ticks, &writes);
			break;
		default:
			check_rtc(&r, now);
			(void)rtc_irq(&r, now);
			break;
		}
	}
	check_pit(&p, now, &last_ticks, &writes);
	check_rtc(&r, now);
	return 0;
}
