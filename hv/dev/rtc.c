// SPDX-License-Identifier: GPL-2.0
/*
 * The MC146818-style CMOS RTC.  Portable.
 *
 * Time is counted in RTC clocks (RTC_HZ, 32.768 kHz) from TSC 0.  The
 * divider chain is described by one phase: updates happen at the clocks
 * congruent to @div_phase modulo RTC_HZ, and since every periodic rate is
 * a power of two dividing RTC_HZ, periodic events are at the clocks
 * congruent to it modulo the period, as taps of one chain would be.
 *
 * sync() brings the flags and the reference time to a clock: it counts
 * the periodic events and updates in between arithmetically, and the
 * alarm matches among the seconds those updates produced by counting the
 * matching seconds of a day (the alarm is a set of hours x minutes x
 * seconds), so a long gap is as exact as a short one.  The calendar is
 * converted through a day number (days since a proleptic Gregorian epoch)
 * in 64-bit integers.
 */
#include "hv/dev/rtc.h"
#include "errno_codes.h"
#include "string_util.h"

/* Years are shifted by 400 (a whole Gregorian cycle) so nothing is < 0. */
#define YEAR_SHIFT 400
#define DAY_SECS 86400ULL

enum { AL_ANY = -1, AL_NONE = -2 };

struct alarm_set {
	int h, m, s;
};

static u64 to_ticks(const struct rtc *r, u64 now)
{
	return dev_mul_div(now, RTC_HZ, r->tsc_hz);
}

/* The first TSC value at which to_ticks() reaches @k. */
static u64 tick_to_tsc(const struct rtc *r, u64 k)
{
	u64 x = (k % RTC_HZ) * r->tsc_hz;

	return (k / RTC_HZ) * r->tsc_hz + x / RTC_HZ + (x % RTC_HZ != 0);
}

static bool divider_runs(const struct rtc *r)
{
	return (r->reg_a & RTC_A_DV_MASK) == RTC_A_DV_32K;
}

static bool updating(const struct rtc *r)
{
	return divider_runs(r) && !(r->reg_b & RTC_B_SET);
}

/* The periodic period in RTC clocks, 0 for none. */
static u32 period(const struct rtc *r)
{
	u32 rs = r->reg_a & RTC_A_RS_MASK;

	if (!rs)
		return 0;
	/* On the 32.768 kHz base, rates 1 and 2 repeat rates 8 and 9. */
	if (rs <= 2)
		rs += 7;
	return 1u << (rs - 1);
}

static bool irqf(const struct rtc *r)
{
	/* B's PIE/AIE/UIE sit at the same bits as C's PF/AF/UF. */
	return r->flags & r->reg_b & (RTC_C_PF | RTC_C_AF | RTC_C_UF);
}

static bool leap(u32 y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static u8 month_days(u32 y, u8 m)
{
	static const u8 days[12] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days since 0000-03-01 of the shifted calendar. */
static u64 day_number(const struct rtc_time *t)
{
	u64 y = t->year + YEAR_SHIFT - (t->mon <= 2);
	u64 yoe = y % 400, mp = t->mon > 2 ? t->mon - 3u : t->mon + 9u;
	u64 doy = (153 * mp + 2) / 5 + t->mday - 1;

	return y / 400 * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
}

static void set_date(struct rtc_time *t, u64 z)
{
	u64 doe = z % 146097;
	u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	u64 mp = (5 * doy + 2) / 153;
	u64 y = z / 146097 * 400 + yoe;

	t->mday = (u8)(doy - (153 * mp + 2) / 5 + 1);
	t->mon = (u8)(mp < 10 ? mp + 3 : mp - 9);
	y += t->mon <= 2;
	t->year = (u16)((y - YEAR_SHIFT) % 10000);
}

static u64 seconds_of(const struct rtc_time *t)
{
	return day_number(t) * DAY_SECS + t->hour * 3600u + t->min * 60u +
	       t->sec;
}

static void add_seconds(struct rtc_time *t, u64 n)
{
	u64 s0 = seconds_of(t), s1 = s0 + n;
	u64 days = s1 / DAY_SECS - s0 / DAY_SECS, sod = s1 % DAY_SECS;

	set_date(t, s1 / DAY_SECS);
	t->hour = (u8)(sod / 3600);
	t->min = (u8)(sod / 60 % 60);
	t->sec = (u8)(sod % 60);
	/* The day-of-week register just counts days, 1-7, from its value. */
	t->wday = (u8)((t->wday - 1 + days % 7) % 7 + 1);
}

/* Fields into range; a day past its month's end becomes the last day. */
static void normalise(struct rtc_time *t)
{
	t->year = t->year > 9999 ? 9999 : t->year;
	t->mon = t->mon < 1 ? 1 : t->mon > 12 ? 12 : t->mon;
	if (t->mday < 1)
		t->mday = 1;
	if (t->mday > month_days(t->year, t->mon))
		t->mday = month_days(t->year, t->mon);
	t->hour = t->hour > 23 ? 23 : t->hour;
	t->min = t->min > 59 ? 59 : t->min;
	t->sec = t->sec > 59 ? 59 : t->sec;
	t->wday = t->wday < 1 ? 1 : t->wday > 7 ? 7 : t->wday;
}

static void time_at(const struct rtc *r, u64 t, struct rtc_time *out)
{
	*out = r->ref;
	if (updating(r) && t >= r->edge)
		add_seconds(out, 1 + (t - r->edge) / RTC_HZ);
}

/* Clocks since the last update boundary. */
static u64 second_pos(const struct rtc *r, u64 t)
{
	return (t + RTC_HZ - r->div_phase) % RTC_HZ;
}

static u64 next_boundary(const struct rtc *r, u64 t)
{
	return t + RTC_HZ - second_pos(r, t);
}

/* Register encoding of a value: binary with DM set, else BCD. */
static u8 to_reg(const struct rtc *r, u32 v)
{
	return (u8)(r->reg_b & RTC_B_DM ? v : (v / 10) << 4 | v % 10);
}

static u8 hour_to_reg(const struct rtc *r, u32 h)
{
	u32 h12 = h % 12 ? h % 12 : 12;

	if (r->reg_b & RTC_B_24H)
		return to_reg(r, h);
	return (u8)(to_reg(r, h12) | (h >= 12 ? 0x80 : 0));
}

/* A register byte as a number; -1 for a BCD digit above 9. */
static int from_reg(const struct rtc *r, u8 v)
{
	if (r->reg_b & RTC_B_DM)
		return v;
	if ((v >> 4) > 9 || (v & 0xf) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0xf);
}

/* An hour byte as 0-23; -1 if it is no hour in the current format. */
static int hour_from_reg(const struct rtc *r, u8 v)
{
	int h;

	if (r->reg_b & RTC_B_24H) {
		h = from_reg(r, v);
		return h <= 23 ? h : -1;
	}
	h = from_reg(r, v & 0x7f);
	if (h < 1 || h > 12)
		return -1;
	return h % 12 + (v & 0x80 ? 12 : 0);
}

/* A written time byte, clamped into [lo, hi] (bad digits count as 9). */
static u32 decode(const struct rtc *r, u8 v, u32 lo, u32 hi, bool *bad)
{
	u32 x = v;

	if (!(r->reg_b & RTC_B_DM)) {
		u32 hn = v >> 4, ln = v & 0xf;

		if (hn > 9 || ln > 9) {
			*bad = true;
			hn = hn > 9 ? 9 : hn;
			ln = ln > 9 ? 9 : ln;
		}
		x = hn * 10 + ln;
	}
	if (x < lo || x > hi) {
		*bad = true;
		x = x < lo ? lo : hi;
	}
	return x;
}

static int alarm_value(const struct rtc *r, u8 idx, int max)
{
	u8 raw = r->ram[idx];
	int v;

	if ((raw & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE)
		return AL_ANY;
	v = idx == RTC_HOURS_ALARM ? hour_from_reg(r, raw) : from_reg(r, raw);
	return v >= 0 && v <= max ? v : AL_NONE;
}

/* False if some alarm byte can never match in the current format. */
static bool alarm_set(const struct rtc *r, struct alarm_set *a)
{
	a->h = alarm_value(r, RTC_HOURS_ALARM, 23);
	a->m = alarm_value(r, RTC_MINUTES_ALARM, 59);
	a->s = alarm_value(r, RTC_SECONDS_ALARM, 59);
	return a->h != AL_NONE && a->m != AL_NONE && a->s != AL_NONE;
}

static u64 set_size(int v, u64 range)
{
	return v == AL_ANY ? range : 1;
}

/* How many values of the set are below @lim. */
static u64 set_below(int v, u64 range, u64 lim)
{
	if (v == AL_ANY)
		return lim < range ? lim : range;
	return (u64)v < lim;
}

static bool set_has(int v, u64 x)
{
	return v == AL_ANY || (u64)v == x;
}

/* Matching seconds of a day before second-of-day @sod (0 .. 86400). */
static u64 day_matches(const struct alarm_set *a, u64 sod)
{
	u64 h = sod / 3600, m = sod % 3600 / 60, s = sod % 60;
	u64 n = set_below(a->h, 24, h) * set_size(a->m, 60) *
		set_size(a->s, 60);

	if (h < 24 && set_has(a->h, h)) {
		n += set_below(a->m, 60, m) * set_size(a->s, 60);
		if (set_has(a->m, m))
			n += set_below(a->s, 60, s);
	}
	return n;
}

/* Matching seconds of the timeline before second @g. */
static u64 matches_before(const struct alarm_set *a, u64 g)
{
	return g / DAY_SECS * day_matches(a, DAY_SECS) +
	       day_matches(a, g % DAY_SECS);
}

/* The first matching second >= @g, or DEV_NO_DEADLINE. */
static u64 next_match(const struct alarm_set *a, u64 g)
{
	u64 base = matches_before(a, g), lo = g, hi = g + DAY_SECS - 1;

	if (!day_matches(a, DAY_SECS))
		return DEV_NO_DEADLINE;
	/* Every day has a match: the first is within the next 86400 s. */
	while (lo < hi) {
		u64 mid = lo + (hi - lo) / 2;

		if (matches_before(a, mid + 1) > base)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Bring the flags and the reference time to RTC clock @t. */
static void sync(struct rtc *r, u64 t)
{
	u64 a = r->synced, k, g0, m;
	struct alarm_set al;
	u32 p;

	if (t <= a)
		return;
	r->synced = t;
	if (!divider_runs(r))
		return;
	p = period(r);
	if (p) {
		u64 n = (t + RTC_HZ - r->div_phase) / p -
			(a + RTC_HZ - r->div_phase) / p;

		if (n) {
			r->flags |= RTC_C_PF;
			if (r->reg_b & RTC_B_PIE)
				r->periodic_irqs += n;
		}
	}
	if ((r->reg_b & RTC_B_SET) || t < r->edge)
		return;
	k = 1 + (t - r->edge) / RTC_HZ;
	g0 = seconds_of(&r->ref);
	r->flags |= RTC_C_UF;
	if (r->reg_b & RTC_B_UIE)
		r->update_irqs += k;
	/* The updates made seconds g0 + 1 .. g0 + k: any alarm among them? */
	if (alarm_set(r, &al)) {
		m = matches_before(&al, g0 + k + 1) -
		    matches_before(&al, g0 + 1);
		if (m) {
			r->flags |= RTC_C_AF;
			if (r->reg_b & RTC_B_AIE)
				r->alarm_irqs += m;
		}
	}
	add_seconds(&r->ref, k);
	r->edge += k * RTC_HZ;
}

/* The divider leaves reset (or a wrong time base): first update in 0.5 s. */
static void restart(struct rtc *r, u64 t)
{
	r->div_phase = (u32)((t + RTC_HZ / 2) % RTC_HZ);
	r->edge = t + RTC_HZ / 2;
	normalise(&r->ref);
}

static void write_a(struct rtc *r, u8 val, u64 t)
{
	bool was = divider_runs(r);
	u8 dv = val & RTC_A_DV_MASK;

	if (dv != RTC_A_DV_32K && dv != 0x60 && dv != 0x70)
		r->bad_divider++;
	r->reg_a = val & 0x7f;
	if (!was && divider_runs(r))
		restart(r, t);
}

static void write_b(struct rtc *r, u8 val, u64 t)
{
	bool was = updating(r);

	/* Setting SET clears UIE, as on the chip. */
	if (val & RTC_B_SET)
		val &= (u8)~RTC_B_UIE;
	if ((val & RTC_B_DSE) && !(r->reg_b & RTC_B_DSE))
		r->dse_ignored++;
	r->reg_b = val;
	if (!was && updating(r)) {
		/* The clock takes the time set and counts from the next
		 * boundary of the still running divider. */
		normalise(&r->ref);
		r->edge = next_boundary(r, t);
	}
}

static void write_time(struct rtc *r, u8 idx, u8 v)
{
	struct rtc_time *tm = &r->ref;
	bool bad = false;
	u32 h;

	switch (idx) {
	case RTC_SECONDS:
		tm->sec = (u8)decode(r, v, 0, 59, &bad);
		break;
	case RTC_MINUTES:
		tm->min = (u8)decode(r, v, 0, 59, &bad);
		break;
	case RTC_HOURS:
		if (r->reg_b & RTC_B_24H) {
			tm->hour = (u8)decode(r, v, 0, 23, &bad);
		} else {
			h = decode(r, v & 0x7f, 1, 12, &bad);
			tm->hour = (u8)(h % 12 + (v & 0x80 ? 12 : 0));
		}
		break;
	case RTC_DAY_OF_WEEK:
		tm->wday = (u8)decode(r, v, 1, 7, &bad);
		break;
	case RTC_DAY_OF_MONTH:
		tm->mday = (u8)decode(r, v, 1, 31, &bad);
		break;
	case RTC_MONTH:
		tm->mon = (u8)decode(r, v, 1, 12, &bad);
		break;
	case RTC_YEAR:
		tm->year =
			(u16)(tm->year / 100 * 100 + decode(r, v, 0, 99, &bad));
		break;
	default: /* RTC_CENTURY */
		tm->year =
			(u16)(decode(r, v, 0, 99, &bad) * 100 + tm->year % 100);
		break;
	}
	r->bad_time_writes += bad;
	/* A running clock needs a valid date to count from. */
	if (updating(r))
		normalise(tm);
}

static u8 read_reg(struct rtc *r, u8 idx, u64 t)
{
	struct rtc_time tm;
	u8 v;

	time_at(r, t, &tm);
	switch (idx) {
	case RTC_SECONDS:
		return to_reg(r, tm.sec);
	case RTC_MINUTES:
		return to_reg(r, tm.min);
	case RTC_HOURS:
		return hour_to_reg(r, tm.hour);
	case RTC_DAY_OF_WEEK:
		return to_reg(r, tm.wday);
	case RTC_DAY_OF_MONTH:
		return to_reg(r, tm.mday);
	case RTC_MONTH:
		return to_reg(r, tm.mon);
	case RTC_YEAR:
		return to_reg(r, tm.year % 100);
	case RTC_CENTURY:
		return to_reg(r, tm.year / 100);
	case RTC_REG_A:
		return (u8)(r->reg_a |
			    (updating(r) && second_pos(r, t) >=
						     RTC_HZ - RTC_UIP_CLOCKS
				     ? RTC_A_UIP
				     : 0));
	case RTC_REG_B:
		return r->reg_b;
	case RTC_REG_C:
		sync(r, t);
		v = (u8)(r->flags | (irqf(r) ? RTC_C_IRQF : 0));
		r->flags = 0;
		return v;
	case RTC_REG_D:
		return RTC_D_VRT;
	default: /* alarm bytes and RAM */
		return r->ram[idx];
	}
}

static void write_reg(struct rtc *r, u8 idx, u8 val, u64 t)
{
	/* Events up to now happen under the old settings. */
	sync(r, t);
	switch (idx) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		write_time(r, idx, val);
		break;
	case RTC_REG_A:
		write_a(r, val, t);
		break;
	case RTC_REG_B:
		write_b(r, val, t);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		r->ignored_writes++;
		break;
	default: /* alarm bytes and RAM */
		r->ram[idx] = val;
		break;
	}
}

void rtc_init(struct rtc *r, u64 tsc_hz, const struct rtc_time *t, u64 now)
{
	static const struct rtc_time y2k = { 2000, 1, 1, 0, 0, 0, 7 };
	bool want_wday;
	u64 k;

	memset(r, 0, sizeof(*r));
	r->tsc_hz = tsc_hz ? tsc_hz : RTC_HZ;
	r->reg_a = RTC_A_DV_32K | 0x06;
	r->reg_b = RTC_B_24H;
	r->ref = t ? *t : y2k;
	want_wday = !r->ref.wday;
	normalise(&r->ref);
	if (want_wday) {
		/* Count days from 2000-01-01, a Saturday (7). */
		u64 d = day_number(&r->ref) + 7 * 146097 - day_number(&y2k);

		r->ref.wday = (u8)((d + 6) % 7 + 1);
	}
	k = to_ticks(r, now);
	r->div_phase = (u32)(k % RTC_HZ);
	r->edge = k + RTC_HZ;
	r->synced = k;
}

int rtc_io_read(struct rtc *r, u16 port, u8 *val, u64 now)
{
	switch (port) {
	case RTC_PORT_INDEX:
		*val = r->index;
		return 0;
	case RTC_PORT_DATA:
		*val = read_reg(r, r->index & 0x7f, to_ticks(r, now));
		return 0;
	default:
		*val = 0xff;
		return -EINVAL;
	}
}

int rtc_io_write(struct rtc *r, u16 port, u8 val, u64 now)
{
	switch (port) {
	case RTC_PORT_INDEX:
		r->index = val;
		return 0;
	case RTC_PORT_DATA:
		write_reg(r, r->index & 0x7f, val, to_ticks(r, now));
		return 0;
	default:
		return -EINVAL;
	}
}

bool rtc_irq(struct rtc *r, u64 now)
{
	sync(r, to_ticks(r, now));
	return irqf(r);
}

u64 rtc_next_deadline(const struct rtc *r, u64 now)
{
	struct rtc c = *r;
	u64 t = to_ticks(r, now), best = DEV_NO_DEADLINE;
	struct alarm_set al;
	u32 p;

	sync(&c, t);
	if (irqf(&c) || !divider_runs(&c))
		return DEV_NO_DEADLINE;
	p = period(&c);
	if ((c.reg_b & RTC_B_PIE) && p)
		best = t + p - (t + RTC_HZ - c.div_phase) % p;
	if (!(c.reg_b & RTC_B_SET)) {
		if ((c.reg_b & RTC_B_UIE) && c.edge < best)
			best = c.edge;
		if ((c.reg_b & RTC_B_AIE) && alarm_set(&c, &al)) {
			u64 g0 = seconds_of(&c.ref);
			u64 g = next_match(&al, g0 + 1);

			/* Second g0 + 1 + j comes with the update at edge + j. */
			if (g != DEV_NO_DEADLINE &&
			    c.edge + (g - g0 - 1) * RTC_HZ < best)
				best = c.edge + (g - g0 - 1) * RTC_HZ;
		}
	}
	return best == DEV_NO_DEADLINE ? best : tick_to_tsc(r, best);
}

bool rtc_nmi_masked(const struct rtc *r)
{
	return r->index & 0x80;
}

void rtc_get_time(const struct rtc *r, u64 now, struct rtc_time *t)
{
	time_at(r, to_ticks(r, now), t);
}

int rtc_cmos_set(struct rtc *r, u8 index, u8 val)
{
	if (index < 14 || index > 127 || index == RTC_CENTURY)
		return -EINVAL;
	r->ram[index] = val;
	return 0;
}
