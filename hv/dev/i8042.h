/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8042 keyboard controller at ports 0x60 (data) and 0x64 (status /
 * command), with a PS/2 keyboard on its first port and nothing on the aux
 * (mouse) port (i8042.c).  Portable.
 *
 * It exists so that guests find the controller they probe for, can pulse
 * the reset line or gate A20 through it, and see a keyboard that answers.
 * No key is ever pressed: the host console feeds the UART, not this.
 *
 * Every command completes at once, so the input buffer is never full (IBF
 * reads 0).  Multi-byte replies wait in a queue behind the one-byte output
 * buffer, each byte tagged with its port (status bit 5) and whether it
 * reports a timeout (status bit 6).
 *
 * Choices where the data sheet is silent or a BIOS would have run first
 * (none does here):
 *  - The power-on state is the one a BIOS leaves after POST: command byte
 *    0x45 (IRQ1 on, system flag, keyboard enabled, aux enabled but its IRQ
 *    off, scan-code translation on), status 0x1C (system flag after the
 *    self test, last write a command, keyboard not inhibited), output port
 *    0xCF (not in reset, A20 on).
 *  - No mouse: a byte sent to the aux device (0xD4) is answered by the
 *    controller with 0xFE, aux-tagged, with the timeout bit set, as
 *    controllers report a device that never clocks.  The aux interface
 *    itself works: 0xA9 answers 0x00 and 0xD3 echoes, so Linux's i8042
 *    keeps the port and its psmouse probe fails fast on the timeouts.
 *  - With translation on, the keyboard's identify reply is 0xAB 0x41 and
 *    a scan-set query answers 0x43/0x41/0x3F, as the translating
 *    controller turns them into; with it off, 0xAB 0x83 and 1/2/3.
 *  - Keyboard commands are answered even while the keyboard interface is
 *    disabled (command byte bit 4).
 *  - Reading 0x60 with nothing queued returns the last byte read again.
 *  - Commands not listed in i8042.c are ignored and counted; unknown
 *    keyboard commands answer 0xFE (resend); set-3 key-type commands
 *    (0xF7-0xFD) are among them.
 */
#ifndef TDP_HV_DEV_I8042_H
#define TDP_HV_DEV_I8042_H

#include "types.h"

#define I8042_DATA_PORT 0x60
#define I8042_STATUS_PORT 0x64 /* read: status, write: command */

#define I8042_STR_OBF 0x01
#define I8042_STR_IBF 0x02
#define I8042_STR_SYSFLAG 0x04
#define I8042_STR_CMDDAT 0x08 /* last write was to 0x64 */
#define I8042_STR_KEYLOCK 0x10 /* 1: keyboard not inhibited */
#define I8042_STR_AUXDATA 0x20
#define I8042_STR_TIMEOUT 0x40
#define I8042_STR_PARITY 0x80

#define I8042_CTR_KBDINT 0x01
#define I8042_CTR_AUXINT 0x02
#define I8042_CTR_SYSFLAG 0x04
#define I8042_CTR_KBDDIS 0x10
#define I8042_CTR_AUXDIS 0x20
#define I8042_CTR_XLATE 0x40

#define I8042_OUT_RESET 0x01 /* 0: the CPU is held in reset */
#define I8042_OUT_A20 0x02

#define I8042_QUEUE_SIZE 16

/**
 * struct i8042_stats - counters the caller may log.
 * @unknown_cmds: controller commands written to 0x64 that are ignored.
 * @kbd_unknown: keyboard commands answered with 0xFE.
 * @aux_timeouts: bytes sent to the (absent) aux device.
 * @queue_drops: reply bytes lost because the output queue was full.
 * @resets: reset requests (0xF0-0xFE pulses, output-port writes).
 * @bad_port: accesses to a port other than 0x60 and 0x64.
 */
struct i8042_stats {
	u64 unknown_cmds;
	u64 kbd_unknown;
	u64 aux_timeouts;
	u64 queue_drops;
	u64 resets;
	u64 bad_port;
};

/**
 * struct i8042 - the controller's state; every field is private to
 * i8042.c except @stats.
 */
struct i8042 {
	u8 ram[32]; /* controller RAM; byte 0 is the command byte */
	u8 outport;
	u8 status; /* the SYSFLAG and CMDDAT bits; the rest is computed */
	u8 pending_cmd; /* controller command awaiting its data byte, or 0 */
	u8 last_read;
	/* output queue: bytes with their tag bits (AUXDATA, TIMEOUT) */
	u8 q_data[I8042_QUEUE_SIZE];
	u8 q_tag[I8042_QUEUE_SIZE];
	u8 q_head;
	u8 q_count;
	/* the keyboard */
	u8 kbd_pending; /* keyboard command awaiting its parameter, or 0 */
	u8 kbd_last; /* the last byte it sent, for 0xFE (resend) */
	u8 kbd_set; /* scan code set 1-3 */
	u8 kbd_leds;
	u8 kbd_typematic;
	bool kbd_scanning;
	struct i8042_stats stats;
};

enum i8042_action {
	I8042_NONE,
	I8042_RESET, /* the guest pulsed the CPU reset line */
};

void i8042_init(struct i8042 *k);
int i8042_io_read(struct i8042 *k, u16 port, u8 *val);
enum i8042_action i8042_io_write(struct i8042 *k, u16 port, u8 val);
bool i8042_irq1(const struct i8042 *k);
bool i8042_irq12(const struct i8042 *k);
bool i8042_a20(const struct i8042 *k);
u8 i8042_status(const struct i8042 *k);
unsigned int i8042_queued(const struct i8042 *k);

#endif /* TDP_HV_DEV_I8042_H */
