/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MC146818-style CMOS real-time clock at ports 0x70/0x71, as a
 * portable model (rtc.c).
 *
 * Port 0x70 (write): bits 6:0 select a register, bit 7 masks NMI (1 =
 * masked).  Reads of 0x70 return the last byte written to it (chipsets
 * differ; this is the documented choice).  Port 0x71: the register.
 *
 * Registers 0-9 time, alarm and date; A (UIP, divider, rate), B (SET,
 * PIE, AIE, UIE, SQWE, DM, 24/12, DSE), C (flags, read clears), D (VRT);
 * 14-127 CMOS RAM, with 0x32 the century.
 *
 * The clock is computed, not ticked: the model keeps one reference time
 * and the RTC-clock pulse (RTC_HZ since TSC 0) of the next update, and
 * derives the time, the update and periodic flags and the alarm matches
 * for any later instant in closed form, so a gap of years is exact.
 *
 * Choices where the data sheet gives a real chip's behaviour that a
 * computed clock cannot or should not copy:
 *  - the time is held in binary; reads format it per the current DM and
 *    24/12 bits, so changing them re-presents the same time (the chip
 *    would reinterpret its stored bytes).  Each time write is decoded
 *    with the bits in effect then; a value out of the field's range (or
 *    a BCD digit above 9) is clamped and counted in @bad_time_writes;
 *  - the century byte 0x32 follows DM like the other fields (BCD in the
 *    default BCD mode), and carries with the year: leap years are
 *    Gregorian (2000 leap, 2100 not), where the chip alone knows only
 *    year % 4; the year wraps from 9999 to 0000;
 *  - a day of month past the end of its month (written while SET) is
 *    taken as the month's last day when the clock starts;
 *  - DSE (daylight saving) is stored but no DST switch is made; setting
 *    it is counted in @dse_ignored;
 *  - divider values other than 010 (32.768 kHz time base) stop the clock
 *    and the periodic interrupt; leaving them for 010 starts the divider
 *    with the first update half a second later, as after 11x (reset).
 *    Values other than 010 and 11x (another crystal, test modes) are
 *    counted in @bad_divider;
 *  - UIP is set for the 244 us (8 RTC clocks) before each update; the
 *    update itself is instantaneous, so reads never see a torn time.
 *  - writes to C and D (read-only) are dropped and counted in
 *    @ignored_writes.
 */
#ifndef TDP_HV_DEV_RTC_H
#define TDP_HV_DEV_RTC_H

#include "types.h"
#include "hv/dev/dev.h"

#define RTC_PORT_INDEX 0x70
#define RTC_PORT_DATA 0x71

#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

#define RTC_A_UIP 0x80
#define RTC_A_DV_MASK 0x70
#define RTC_A_DV_32K 0x20 /* divider 010: the 32.768 kHz time base */
#define RTC_A_RS_MASK 0x0f

#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM 0x04 /* 1: binary, 0: BCD */
#define RTC_B_24H 0x02
#define RTC_B_DSE 0x01

#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10

#define RTC_D_VRT 0x80

#define RTC_ALARM_DONT_CARE 0xc0 /* both top bits set: matches any value */

/* The UIP window before an update, in RTC clocks (244 us). */
#define RTC_UIP_CLOCKS 8

/**
 * struct rtc_time - a calendar time, binary.
 * @year: e.g. 2026 (0-9999).
 * @mon: 1-12.
 * @mday: 1-31.
 * @hour: 0-23.
 * @min: 0-59.
 * @sec: 0-59.
 * @wday: 1-7, Sunday = 1.
 */
struct rtc_time {
	u16 year;
	u8 mon, mday, hour, min, sec, wday;
};

/**
 * struct rtc - the RTC and its CMOS RAM.
 * @tsc_hz: guest TSC frequency.
 * @index: the last byte written to 0x70 (bit 7: NMI mask).
 * @ram: CMOS bytes; 1, 3, 5 are the alarm bytes as written, 14-127 RAM
 *       (0x32 is not used: the century comes from @ref).
 * @reg_a: register A bits 6:0.
 * @reg_b: register B.
 * @flags: register C's PF, AF, UF as of @synced.
 * @ref: the time (while updates run, the time until @edge).
 * @edge: the RTC clock of the next update (while updates run).
 * @div_phase: updates happen at RTC clocks equal to it modulo RTC_HZ,
 *             periodic flags at clocks equal to it modulo the period.
 * @synced: the RTC clock @flags and @ref are brought to.
 * @periodic_irqs: periodic events while PIE was set (coalesced ones too).
 * @alarm_irqs: alarm matches while AIE was set.
 * @update_irqs: updates while UIE was set.
 * @bad_time_writes: time or date writes clamped into range.
 * @ignored_writes: writes to the read-only registers C and D.
 * @dse_ignored: writes of B that set DSE.
 * @bad_divider: writes of A with a divider neither 010 nor 11x.
 */
struct rtc {
	u64 tsc_hz;
	u8 index;
	u8 ram[128];
	u8 reg_a;
	u8 reg_b;
	u8 flags;
	struct rtc_time ref;
	u64 edge;
	u32 div_phase;
	u64 synced;
	u64 periodic_irqs;
	u64 alarm_irqs;
	u64 update_irqs;
	u64 bad_time_writes;
	u64 ignored_writes;
	u64 dse_ignored;
	u64 bad_divider;
};

/**
 * rtc_init() - power-on state, with the clock set to @t.
 * @r: the RTC.
 * @tsc_hz: guest TSC frequency (0 is taken as RTC_HZ).
 * @t: the time at @now (NULL: 2000-01-01 00:00:00, a Saturday); out of
 *     range fields are clamped, and wday 0 is computed from the date.
 * @now: guest TSC now; the first update is one second later.
 *
 * A = 0x26 (32.768 kHz divider running, 1024 Hz rate), B = 0x02 (24-hour,
 * BCD, no interrupts), C = 0, D = VRT; RAM zero; NMI not masked.
 *
 * Context: any; no allocation.
 */
void rtc_init(struct rtc *r, u64 tsc_hz, const struct rtc_time *t, u64 now);

/**
 * rtc_io_read() - a one-byte read of @port.
 * @r: the RTC.
 * @port: 0x70 or 0x71.
 * @val: the byte read.
 * @now: guest TSC now.
 *
 * Context: any.
 * Return: 0, or -EINVAL (*val 0xff) for another port.
 */
int rtc_io_read(struct rtc *r, u16 port, u8 *val, u64 now);

/**
 * rtc_io_write() - a one-byte write of @val to @port.
 * @r: the RTC.
 * @port: 0x70 or 0x71.
 * @val: the byte written.
 * @now: guest TSC now.
 *
 * Context: any.
 * Return: 0, or -EINVAL for another port.
 */
int rtc_io_write(struct rtc *r, u16 port, u8 val, u64 now);

/**
 * rtc_irq() - the IRQ8 line.
 * @r: the RTC.
 * @now: guest TSC now.
 *
 * Context: any.
 * Return: register C's IRQF: PF with PIE, AF with AIE or UF with UIE;
 * it stays high until register C is read.
 */
bool rtc_irq(struct rtc *r, u64 now);

/**
 * rtc_next_deadline() - when IRQ8 rises next.
 * @r: the RTC.
 * @now: guest TSC now.
 *
 * Context: any.
 * Return: the first guest TSC value > @now at which an enabled periodic,
 * update or alarm event raises IRQ8; DEV_NO_DEADLINE if none is enabled
 * or the line is already high (it stays so until register C is read).
 */
u64 rtc_next_deadline(const struct rtc *r, u64 now);

/**
 * rtc_nmi_masked() - bit 7 of the last write to port 0x70.
 * @r: the RTC.
 *
 * Context: any.
 * Return: true if NMIs are masked.
 */
bool rtc_nmi_masked(const struct rtc *r);

/**
 * rtc_get_time() - the clock's time at @now, as the model holds it.
 * @r: the RTC.
 * @now: guest TSC now.
 * @t: the time (binary, 24-hour, full year).
 *
 * For the platform's log and for tests; changes nothing.
 *
 * Context: any.
 */
void rtc_get_time(const struct rtc *r, u64 now, struct rtc_time *t);

/**
 * rtc_cmos_set() - fill a CMOS RAM byte, as firmware setup would.
 * @r: the RTC.
 * @index: 14-127, not 0x32 (the century is part of the clock).
 * @val: the byte.
 *
 * Context: any.
 * Return: 0, or -EINVAL for an index that is not plain RAM.
 */
int rtc_cmos_set(struct rtc *r, u8 index, u8 val);

#endif /* TDP_HV_DEV_RTC_H */
