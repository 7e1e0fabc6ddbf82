// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 PIT and port B (0x61).  Portable.
 *
 * Clock pulses are numbered from TSC 0: pulse k is the instant the
 * guest TSC reaches ceil(k * tsc_hz / PIT_HZ), and a port access at TSC
 * "now" happens after pulse floor(now * PIT_HZ / tsc_hz) and before the
 * next one.  Each counter keeps its state as of one pulse (@t) and
 * advance() carries it to a later pulse event by event: a load, terminal
 * count, a strobe's end, a half cycle's end.  Whole periods of modes 2
 * and 3 are skipped arithmetically, one edge each, so a gap of hours is a
 * handful of steps and every edge is still counted.
 *
 * The data sheet's timing is kept to the clock: a count written between
 * pulses k and k+1 is loaded by pulse k+1, which does not decrement, so
 * mode 0 raises OUT N+1 pulses after the write of an N count.  Linux's
 * TSC calibration (counter 2, mode 0, port B bit 5) and its periodic
 * (mode 2) and one-shot (mode 4) clock events depend on these timings.
 */
#include "hv/dev/pit.h"
#include "errno_codes.h"
#include "string_util.h"

enum { ST_IDLE, ST_LOAD, ST_RUN };

/* Modes 0, 1, 4, 5: terminal count ahead, strobe clock, done. */
enum { PH_AHEAD, PH_STROBE, PH_DONE };

static u32 modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000 : 65536;
}

static u64 to_ticks(const struct pit *p, u64 now)
{
	return dev_mul_div(now, PIT_HZ, p->tsc_hz);
}

/* The first TSC value at which to_ticks() reaches @k. */
static u64 tick_to_tsc(const struct pit *p, u64 k)
{
	u64 x = (k % PIT_HZ) * p->tsc_hz;

	return (k / PIT_HZ) * p->tsc_hz + x / PIT_HZ + (x % PIT_HZ != 0);
}

static u16 to_bcd(u32 v)
{
	return (u16)((v / 1000) << 12 | (v / 100 % 10) << 8 |
		     (v / 10 % 10) << 4 | v % 10);
}

/* The counting element as a read sees it. */
static u16 ce_value(const struct pit_channel *c)
{
	u32 v = c->ce % modulus(c);

	return c->bcd ? to_bcd(v) : (u16)v;
}

static void set_out(struct pit_channel *c, bool level)
{
	if (level && !c->out)
		c->edges++;
	c->out = level;
}

/* Modes 1 and 5 count whatever GATE does; the others stop while it is low. */
static bool gate_counts(const struct pit_channel *c)
{
	return c->gate || c->mode == 1 || c->mode == 5;
}

/* The pulse that moves the count register into the counting element. */
static void do_load(struct pit_channel *c)
{
	u32 n = c->cr_n, m = modulus(c);

	c->cr_new = false;
	c->null_count = false;
	c->state = ST_RUN;
	switch (c->mode) {
	case 0:
	case 1:
		c->ce = n % m;
		c->phase = PH_AHEAD;
		if (c->mode == 1)
			set_out(c, false); /* the one-shot pulse begins */
		break;
	case 2:
		c->ce = n;
		c->run_n = n;
		set_out(c, true);
		break;
	case 3:
		/* An odd count loads as N - 1 and counts down by two. */
		c->run_n = n;
		c->ce = n & ~1u;
		set_out(c, true);
		break;
	default: /* 4, 5 */
		c->ce = n % m;
		c->phase = PH_AHEAD;
		set_out(c, true); /* a strobe in progress lasts one clock */
		break;
	}
}

/* Pulses from @c->t to the next event; 0: none without a port access. */
static u64 next_event(const struct pit_channel *c)
{
	if (c->state == ST_IDLE)
		return 0;
	if (c->state == ST_LOAD)
		return 1;
	if (!gate_counts(c))
		return 0;
	switch (c->mode) {
	case 2:
		return c->ce > 1 ? c->ce - 1 : 1;
	case 3:
		/* An odd count's high half holds one clock at zero. */
		return (c->out && (c->run_n & 1)) ? c->ce / 2 + 1 : c->ce / 2;
	default:
		if (c->phase == PH_AHEAD)
			return c->ce ? c->ce : modulus(c);
		return c->phase == PH_STROBE ? 1 : 0;
	}
}

/* @k pulses that hold no event. */
static void count_down(struct pit_channel *c, u64 k)
{
	u32 m = modulus(c);

	if (!k || c->state != ST_RUN || !gate_counts(c))
		return;
	switch (c->mode) {
	case 2:
		c->ce -= (u32)k;
		break;
	case 3:
		c->ce -= 2 * (u32)k;
		break;
	default:
		c->ce = (c->ce + m - (u32)(k % m)) % m;
		break;
	}
}

/* Modes 2 and 3 take a count written while running at a cycle's end. */
static void take_new_count(struct pit_channel *c)
{
	if (c->cr_new) {
		c->run_n = c->cr_n;
		c->cr_new = false;
		c->null_count = false;
	}
}

/* The pulse next_event() pointed at. */
static void event(struct pit_channel *c)
{
	if (c->state == ST_LOAD) {
		do_load(c);
		return;
	}
	switch (c->mode) {
	case 2:
		if (c->ce > 1) {
			c->ce = 1; /* OUT is low for the count of one */
			set_out(c, false);
		} else {
			take_new_count(c);
			c->ce = c->run_n;
			set_out(c, true);
		}
		break;
	case 3:
		take_new_count(c);
		set_out(c, !c->out);
		c->ce = c->run_n & ~1u;
		break;
	case 0:
	case 1:
		c->ce = 0;
		c->phase = PH_DONE;
		set_out(c, true);
		break;
	default: /* 4, 5 */
		if (c->phase == PH_AHEAD) {
			c->ce = 0;
			c->phase = PH_STROBE;
			set_out(c, false);
		} else {
			c->ce = modulus(c) - 1;
			c->phase = PH_DONE;
			set_out(c, true);
		}
		break;
	}
}

/* At the start of a mode 2 or 3 period that repeats unchanged. */
static bool at_period_start(const struct pit_channel *c)
{
	if (c->state != ST_RUN || !c->gate || c->cr_new || !c->out)
		return false;
	if (c->mode == 2)
		return c->ce == c->run_n;
	return c->mode == 3 && c->ce == (c->run_n & ~1u);
}

static void advance(struct pit_channel *c, u64 t)
{
	while (c->t < t) {
		u64 rem = t - c->t, d;

		if (at_period_start(c) && rem >= c->run_n) {
			u64 k = rem / c->run_n;

			/* One rising edge ends each period. */
			c->edges += k;
			c->t += k * c->run_n;
			continue;
		}
		d = next_event(c);
		if (!d || d > rem) {
			count_down(c, rem);
			c->t = t;
			return;
		}
		count_down(c, d - 1);
		c->t += d;
		event(c);
	}
}

/* The pulse of the next rising edge of OUT, or DEV_NO_DEADLINE. */
static u64 next_edge(const struct pit_channel *in)
{
	struct pit_channel c = *in;

	/* An edge is at most three events away (load, low, high). */
	for (int i = 0; i < 6; i++) {
		u64 d = next_event(&c), before = c.edges;

		if (!d)
			break;
		count_down(&c, d - 1);
		c.t += d;
		event(&c);
		if (c.edges != before)
			return c.t;
	}
	return DEV_NO_DEADLINE;
}

static u32 decode_count(struct pit *p, const struct pit_channel *c)
{
	u32 n = c->cr;

	if (c->bcd) {
		bool bad = false;

		n = 0;
		for (int shift = 12; shift >= 0; shift -= 4) {
			u32 d = (c->cr >> shift) & 0xf;

			if (d > 9) {
				d = 9;
				bad = true;
			}
			n = n * 10 + d;
		}
		p->bad_bcd += bad;
	}
	if (!n)
		n = modulus(c);
	if (n == 1 && (c->mode == 2 || c->mode == 3)) {
		p->illegal_counts++;
		n = 2;
	}
	return n;
}

static void count_written(struct pit *p, struct pit_channel *c)
{
	c->cr_n = decode_count(p, c);
	c->cr_valid = true;
	c->null_count = true;
	switch (c->mode) {
	case 0:
		set_out(c, false);
		c->state = ST_LOAD;
		break;
	case 4:
		c->state = ST_LOAD;
		break;
	case 2:
	case 3:
		/* The first count starts the counter, later ones wait. */
		if (c->state == ST_IDLE)
			c->state = ST_LOAD;
		else
			c->cr_new = true;
		break;
	default: /* 1, 5: loaded by the next trigger */
		break;
	}
}

static void write_count(struct pit *p, struct pit_channel *c, u8 val)
{
	if (c->rw == 1) {
		c->cr = val;
	} else if (c->rw == 2) {
		c->cr = (u16)(val << 8);
	} else if (!c->write_msb) {
		c->cr = (u16)((c->cr & 0xff00) | val);
		c->write_msb = true;
		if (c->mode == 0) {
			/* Mode 0: the first byte stops counting, OUT low. */
			c->state = ST_IDLE;
			set_out(c, false);
		}
		return;
	} else {
		c->cr = (u16)((c->cr & 0x00ff) | val << 8);
		c->write_msb = false;
	}
	count_written(p, c);
}

static u8 read_count(struct pit_channel *c)
{
	u16 v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latched) {
		v = c->latch;
		if (c->rw == 3 && !c->latch_msb) {
			c->latch_msb = true;
			return (u8)v;
		}
		c->latched = false;
		c->latch_msb = false;
		return (u8)(c->rw == 1 ? v : v >> 8);
	}
	v = ce_value(c);
	if (c->rw == 1)
		return (u8)v;
	if (c->rw == 2)
		return (u8)(v >> 8);
	c->read_msb = !c->read_msb;
	return (u8)(c->read_msb ? v : v >> 8);
}

static void latch_count(struct pit_channel *c)
{
	/* A second latch before the first is read is ignored. */
	if (!c->latched) {
		c->latch = ce_value(c);
		c->latched = true;
		c->latch_msb = false;
	}
}

static void latch_status(struct pit_channel *c)
{
	if (!c->status_latched) {
		c->status = (u8)(c->out << 7 | c->null_count << 6 | c->rw << 4 |
				 c->mode_bits << 1 | c->bcd);
		c->status_latched = true;
	}
}

static void program(struct pit_channel *c, u8 val)
{
	c->mode_bits = (val >> 1) & 7;
	/* Modes 6 and 7 are 2 and 3 (M2 is a don't-care for them). */
	c->mode = c->mode_bits > 5 ? c->mode_bits - 4 : c->mode_bits;
	c->rw = (val >> 4) & 3;
	c->bcd = val & 1;
	c->state = ST_IDLE;
	c->cr_valid = false;
	c->cr_new = false;
	c->null_count = true;
	c->write_msb = false;
	c->read_msb = false;
	c->latched = false;
	c->latch_msb = false;
	c->status_latched = false;
	c->phase = PH_DONE;
	c->ce %= modulus(c);
	/* A control word puts OUT low in mode 0 and high in the others. */
	set_out(c, c->mode != 0);
}

static void write_control(struct pit *p, u8 val, u64 t)
{
	unsigned int sc = val >> 6;

	if (sc == 3) {
		/* Read-back: bit 5 clear latches counts, bit 4 status. */
		for (unsigned int i = 0; i < 3; i++) {
			struct pit_channel *c = &p->ch[i];

			if (!(val & (2u << i)))
				continue;
			advance(c, t);
			if (!(val & 0x20))
				latch_count(c);
			if (!(val & 0x10))
				latch_status(c);
		}
		return;
	}
	advance(&p->ch[sc], t);
	if (((val >> 4) & 3) == 0)
		latch_count(&p->ch[sc]);
	else
		program(&p->ch[sc], val);
}

static void set_gate(struct pit_channel *c, bool level, u64 t)
{
	advance(c, t);
	if (level == c->gate)
		return;
	c->gate = level;
	if (level) {
		/* A rising edge triggers modes 1, 2, 3 and 5. */
		if (c->mode != 0 && c->mode != 4 && c->cr_valid)
			c->state = ST_LOAD;
	} else if (c->mode == 2 || c->mode == 3) {
		set_out(c, true); /* GATE low forces OUT high at once */
	}
}

void pit_init(struct pit *p, u64 tsc_hz, u64 now)
{
	u64 t;

	memset(p, 0, sizeof(*p));
	p->tsc_hz = tsc_hz ? tsc_hz : PIT_HZ;
	t = to_ticks(p, now);
	for (unsigned int i = 0; i < 3; i++) {
		struct pit_channel *c = &p->ch[i];

		c->rw = 3;
		c->gate = i != 2;
		c->state = ST_IDLE;
		c->null_count = true;
		c->phase = PH_DONE;
		c->out = true;
		c->t = t;
	}
}

int pit_io_read(struct pit *p, u16 port, u8 *val, u64 now)
{
	u64 t = to_ticks(p, now);
	struct pit_channel *c2 = &p->ch[2];

	switch (port) {
	case PIT_PORT_CH0:
	case PIT_PORT_CH1:
	case PIT_PORT_CH2:
		advance(&p->ch[port - PIT_PORT_CH0], t);
		*val = read_count(&p->ch[port - PIT_PORT_CH0]);
		return 0;
	case PIT_PORT_CTRL:
		/* The 8254 does not drive the bus for this address. */
		p->ctrl_reads++;
		*val = 0xff;
		return 0;
	case PIT_PORT_B:
		advance(c2, t);
		*val = (u8)(p->port_b |
			    ((t / PIT_REFRESH_CLOCKS) & 1 ? PIT_B_REFRESH : 0) |
			    (c2->out ? PIT_B_OUT2 : 0));
		return 0;
	default:
		*val = 0xff;
		return -EINVAL;
	}
}

int pit_io_write(struct pit *p, u16 port, u8 val, u64 now)
{
	u64 t = to_ticks(p, now);

	switch (port) {
	case PIT_PORT_CH0:
	case PIT_PORT_CH1:
	case PIT_PORT_CH2:
		advance(&p->ch[port - PIT_PORT_CH0], t);
		write_count(p, &p->ch[port - PIT_PORT_CH0], val);
		return 0;
	case PIT_PORT_CTRL:
		write_control(p, val, t);
		return 0;
	case PIT_PORT_B:
		p->port_b = val & 0x0f;
		set_gate(&p->ch[2], val & PIT_B_GATE2, t);
		return 0;
	default:
		return -EINVAL;
	}
}

u64 pit_irq0_edges(struct pit *p, u64 now)
{
	struct pit_channel *c = &p->ch[0];
	u64 n;

	advance(c, to_ticks(p, now));
	n = c->edges;
	c->edges = 0;
	p->irq0_edges += n;
	return n;
}

u64 pit_next_deadline(const struct pit *p, u64 now)
{
	struct pit_channel c = p->ch[0];
	u64 k;

	advance(&c, to_ticks(p, now));
	k = next_edge(&c);
	return k == DEV_NO_DEADLINE ? k : tick_to_tsc(p, k);
}

bool pit_out(const struct pit *p, unsigned int channel, u64 now)
{
	struct pit_channel c;

	if (channel > 2)
		return false;
	c = p->ch[channel];
	advance(&c, to_ticks(p, now));
	return c.out;
}

u16 pit_count(const struct pit *p, unsigned int channel, u64 now)
{
	struct pit_channel c;

	if (channel > 2)
		return 0;
	c = p->ch[channel];
	advance(&c, to_ticks(p, now));
	return ce_value(&c);
}
