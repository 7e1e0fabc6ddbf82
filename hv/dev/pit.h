/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8254 programmable interval timer and the PC's system control port B
 * (0x61), as a portable model (pit.c).
 *
 * Ports: 0x40-0x42 counters 0-2, 0x43 control word (write only: reads
 * return 0xff, as from a floating ISA bus, and are counted), 0x61 port B.
 * Counter 0's GATE is tied high and its OUT is IRQ0; counter 1 exists but
 * drives nothing; counter 2's GATE is port B bit 0 and its OUT is port B
 * bit 5.  The clock input is PIT_HZ, derived from the guest TSC.
 * Modes 1 and 5 start on a rising GATE, so on counters 0 and 1 (GATE
 * tied high) they never start; the speaker (port B bit 1 with OUT2) is
 * not sounded.
 *
 * Nothing is ticked: each counter stores its state as of one clock pulse
 * and is brought forward to "now" in closed form, whole periods at a time,
 * so a long gap costs a few steps and loses no edge.
 */
#ifndef TDP_HV_DEV_PIT_H
#define TDP_HV_DEV_PIT_H

#include "types.h"
#include "hv/dev/dev.h"

#define PIT_PORT_CH0 0x40
#define PIT_PORT_CH1 0x41
#define PIT_PORT_CH2 0x42
#define PIT_PORT_CTRL 0x43
#define PIT_PORT_B 0x61

/* Port B (0x61) bits. */
#define PIT_B_GATE2 0x01 /* counter 2 GATE (read/write) */
#define PIT_B_SPKR 0x02 /* speaker data enable (read/write) */
#define PIT_B_SERR_EN 0x04 /* stored only */
#define PIT_B_IOCHK_EN 0x08 /* stored only */
#define PIT_B_REFRESH 0x10 /* refresh request toggle (read only) */
#define PIT_B_OUT2 0x20 /* counter 2 OUT (read only) */
#define PIT_B_IOCHK 0x40 /* reads 0: no NMI source here */
#define PIT_B_SERR 0x80 /* reads 0 */

/*
 * The refresh-request bit toggles once per 18 PIT clocks (15.085 us),
 * the period the PC's counter 1 was programmed with for DRAM refresh.
 */
#define PIT_REFRESH_CLOCKS 18

/**
 * struct pit_channel - one counter.  Private to pit.c except for reading.
 * @mode: effective mode 0-5 (control-word modes 6 and 7 run as 2 and 3).
 * @mode_bits: M2..M0 as written, for the read-back status byte.
 * @rw: 1 LSB only, 2 MSB only, 3 LSB then MSB.
 * @bcd: counting in four decades.
 * @gate: the GATE input level.
 * @cr: the count register, as written (a BCD pattern in BCD mode).
 * @cr_n: @cr as a count of clocks: 1 .. 65536 (10000 in BCD mode).
 * @cr_valid: a complete count was written since the control word.
 * @cr_new: a count is in @cr that the counting element has not taken.
 * @null_count: the status byte's null count bit.
 * @write_msb: the next count byte written is the MSB (rw 3).
 * @read_msb: the next unlatched read returns the MSB (rw 3).
 * @latched: the output latch holds a count; @latch_msb: its LSB was read.
 * @latch: the latched count.
 * @status_latched: a status byte is waiting to be read; @status it.
 * @t: the clock pulse (PIT_HZ ticks since TSC 0) the state below is at.
 * @state: idle (no count, or waiting for a trigger), load pending, running.
 * @ce: the counting element (binary; 0 .. 65536 or 10000).
 * @run_n: modes 2/3: the count of the cycle running now.
 * @out: the OUT level.
 * @phase: modes 0/1: terminal count still ahead; modes 4/5: 0 strobe
 *         ahead, 1 OUT is low for the strobe's clock, 2 strobe done.
 * @edges: rising edges of OUT not yet collected.
 */
struct pit_channel {
	u8 mode;
	u8 mode_bits;
	u8 rw;
	bool bcd;
	bool gate;
	u16 cr;
	u32 cr_n;
	bool cr_valid;
	bool cr_new;
	bool null_count;
	bool write_msb;
	bool read_msb;
	bool latched;
	bool latch_msb;
	u16 latch;
	bool status_latched;
	u8 status;
	u64 t;
	u8 state;
	u32 ce;
	u32 run_n;
	bool out;
	u8 phase;
	u64 edges;
};

/**
 * struct pit - the 8254 and port B.
 * @tsc_hz: guest TSC frequency.
 * @ch: the three counters.
 * @port_b: port B bits 0-3 as written.
 * @irq0_edges: rising edges of OUT0 reported by pit_irq0_edges(), total.
 * @ctrl_reads: reads of 0x43 (no such register: they return 0xff).
 * @illegal_counts: counts of 1 loaded in mode 2 or 3 (the data sheet's
 *                  minimum is 2); they run as 2.
 * @bad_bcd: BCD counts with a digit above 9; each such digit counts as 9.
 */
struct pit {
	u64 tsc_hz;
	struct pit_channel ch[3];
	u8 port_b;
	u64 irq0_edges;
	u64 ctrl_reads;
	u64 illegal_counts;
	u64 bad_bcd;
};

/**
 * pit_init() - power-on state.
 * @p: the PIT.
 * @tsc_hz: guest TSC frequency (0 is taken as PIT_HZ); below PIT_HZ
 *          several PIT clocks fall in one TSC tick and a deadline is the
 *          TSC tick that holds the edge.
 * @now: guest TSC now.
 *
 * The data sheet leaves the power-on state undefined.  Here every counter
 * is in mode 0, LSB then MSB, binary, with no count, and OUT high: no
 * counter makes an edge until it is programmed, and programming a mode
 * other than 0 (which drops OUT) makes no edge either, so IRQ0 is quiet
 * until counter 0 is given a count.  Port B is 0: GATE2 low.
 *
 * Context: any; no allocation.
 */
void pit_init(struct pit *p, u64 tsc_hz, u64 now);

/**
 * pit_io_read() - a one-byte read of @port.
 * @p: the PIT.
 * @port: 0x40-0x43 or 0x61.
 * @val: the byte read.
 * @now: guest TSC now.
 *
 * Context: any.
 * Return: 0, or -EINVAL (*val 0xff) for a port this model does not decode.
 */
int pit_io_read(struct pit *p, u16 port, u8 *val, u64 now);

/**
 * pit_io_write() - a one-byte write of @val to @port.
 * @p: the PIT.
 * @port: 0x40-0x43 or 0x61.
 * @val: the byte written.
 * @now: guest TSC now.
 *
 * Context: any.
 * Return: 0, or -EINVAL for a port this model does not decode.
 */
int pit_io_write(struct pit *p, u16 port, u8 val, u64 now);

/**
 * pit_irq0_edges() - collect the rising edges of OUT0 since the last call.
 * @p: the PIT.
 * @now: guest TSC now.
 *
 * Every edge is counted, also over a long gap; the caller raises IRQ0
 * once if the result is nonzero and may count the rest as lost ticks.
 * Edges the data sheet implies besides terminal counts are real edges
 * here too: a control word for modes 1-5 puts OUT high at once, so one
 * written while OUT0 is low (mode 0 before terminal count, the low clock
 * of mode 2, the low half of mode 3) is an edge, as on the chip.
 * Adds the result to @p->irq0_edges.
 *
 * Context: any.
 * Return: the number of rising edges of OUT0 in (previous call, @now].
 */
u64 pit_irq0_edges(struct pit *p, u64 now);

/**
 * pit_next_deadline() - when OUT0 rises next.
 * @p: the PIT.
 * @now: guest TSC now.
 *
 * Context: any.
 * Return: the first guest TSC value > @now at which OUT0 has a rising
 * edge (pit_irq0_edges() called then reports it), or DEV_NO_DEADLINE if
 * OUT0 will not rise without another port access.
 */
u64 pit_next_deadline(const struct pit *p, u64 now);

/**
 * pit_out() - the OUT level of a counter.
 * @p: the PIT.
 * @channel: 0-2.
 * @now: guest TSC now.
 *
 * Context: any.
 * Return: OUT at @now; false for a channel above 2.
 */
bool pit_out(const struct pit *p, unsigned int channel, u64 now);

/**
 * pit_count() - what the counting element holds, as a read would see it.
 * @p: the PIT.
 * @channel: 0-2.
 * @now: guest TSC now.
 *
 * For tests and diagnostics: no latch or read flip-flop is touched.
 *
 * Context: any.
 * Return: the 16-bit count (BCD-encoded in BCD mode); 0 for a channel
 * above 2.
 */
u16 pit_count(const struct pit *p, unsigned int channel, u64 now);

#endif /* TDP_HV_DEV_PIT_H */
