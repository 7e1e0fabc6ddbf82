// SPDX-License-Identifier: GPL-2.0
/*
 * 8042 keyboard controller model with a PS/2 keyboard and no mouse (state
 * and choices in i8042.h), from the IBM AT technical reference's command
 * list and the PS/2 keyboard protocol.  Portable.
 */
#include "hv/dev/i8042.h"
#include "errno_codes.h"
#include "string_util.h"

/* Controller commands (port 0x64). */
#define CMD_READ_RAM 0x20 /* 0x20-0x3f: read RAM byte n (0: command byte) */
#define CMD_WRITE_RAM 0x60 /* 0x60-0x7f: write RAM byte n */
#define CMD_AUX_DISABLE 0xa7
#define CMD_AUX_ENABLE 0xa8
#define CMD_AUX_TEST 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_KBD_TEST 0xab
#define CMD_KBD_DISABLE 0xad
#define CMD_KBD_ENABLE 0xae
#define CMD_READ_INPORT 0xc0
#define CMD_READ_OUTPORT 0xd0
#define CMD_WRITE_OUTPORT 0xd1
#define CMD_WRITE_KBD_OBUF 0xd2
#define CMD_WRITE_AUX_OBUF 0xd3
#define CMD_WRITE_AUX 0xd4
#define CMD_A20_OFF 0xdd /* the HP Vectra pair most controllers accept */
#define CMD_A20_ON 0xdf
#define CMD_PULSE 0xf0 /* 0xf0-0xff: pulse output-port bits 3:0 that are 0 */

/* Keyboard commands and replies. */
#define KBD_SET_LEDS 0xed
#define KBD_ECHO 0xee
#define KBD_SCANSET 0xf0
#define KBD_IDENTIFY 0xf2
#define KBD_TYPEMATIC 0xf3
#define KBD_ENABLE 0xf4
#define KBD_DISABLE 0xf5
#define KBD_DEFAULTS 0xf6
#define KBD_RESEND 0xfe
#define KBD_RESET 0xff
#define KBD_ACK 0xfa
#define KBD_BAT_OK 0xaa
#define KBD_TYPEMATIC_DEFAULT 0x2b /* 10.9 characters/s after 500 ms */

/* Replies of the controller's tests. */
#define SELF_TEST_OK 0x55
#define IFACE_TEST_OK 0x00
/* The input port: bit 7 set, keyboard not inhibited by the key lock. */
#define INPORT_VALUE 0x80

#define CTR_INIT (I8042_CTR_KBDINT | I8042_CTR_SYSFLAG | I8042_CTR_XLATE)
/* Output port: not in reset, A20 on; undefined bits 2, 3, 6, 7 set. */
#define OUTPORT_INIT 0xcf
#define OUTPORT_KBD_OBF 0x10 /* the IRQ1 output */
#define OUTPORT_AUX_OBF 0x20 /* the IRQ12 output */

static void queue(struct i8042 *k, u8 byte, u8 tag)
{
	unsigned int tail;

	if (k->q_count == I8042_QUEUE_SIZE) {
		k->stats.queue_drops++;
		return;
	}
	tail = (k->q_head + k->q_count) % I8042_QUEUE_SIZE;
	k->q_data[tail] = byte;
	k->q_tag[tail] = tag;
	k->q_count++;
}

/* A byte from the keyboard; the controller remembers it for resend. */
static void kbd_send(struct i8042 *k, u8 byte)
{
	k->kbd_last = byte;
	queue(k, byte, 0);
}

static bool translating(const struct i8042 *k)
{
	return k->ram[0] & I8042_CTR_XLATE;
}

static void kbd_defaults(struct i8042 *k)
{
	k->kbd_set = 2;
	k->kbd_typematic = KBD_TYPEMATIC_DEFAULT;
}

static void kbd_reset(struct i8042 *k)
{
	kbd_defaults(k);
	k->kbd_leds = 0;
	k->kbd_scanning = true;
	k->kbd_pending = 0;
}

/* The scan-set number as it reaches the CPU through the translator. */
static u8 scanset_reply(const struct i8042 *k)
{
	static const u8 translated[4] = { 0, 0x43, 0x41, 0x3f };

	return translating(k) ? translated[k->kbd_set] : k->kbd_set;
}

/* The parameter byte of a keyboard command that takes one. */
static void kbd_param(struct i8042 *k, u8 cmd, u8 val)
{
	switch (cmd) {
	case KBD_SET_LEDS:
		k->kbd_leds = val & 7;
		kbd_send(k, KBD_ACK);
		break;
	case KBD_TYPEMATIC:
		k->kbd_typematic = val & 0x7f;
		kbd_send(k, KBD_ACK);
		break;
	case KBD_SCANSET:
		if (val > 3) {
			k->stats.kbd_unknown++;
			kbd_send(k, KBD_RESEND);
			break;
		}
		kbd_send(k, KBD_ACK);
		if (val == 0)
			kbd_send(k, scanset_reply(k));
		else
			k->kbd_set = val;
		break;
	}
}

/* A byte written to port 0x60 with no controller command waiting. */
static void kbd_write(struct i8042 *k, u8 val)
{
	if (k->kbd_pending) {
		u8 cmd = k->kbd_pending;

		k->kbd_pending = 0;
		kbd_param(k, cmd, val);
		return;
	}
	switch (val) {
	case KBD_SET_LEDS:
	case KBD_TYPEMATIC:
	case KBD_SCANSET:
		k->kbd_pending = val;
		kbd_send(k, KBD_ACK);
		break;
	case KBD_ECHO:
		kbd_send(k, KBD_ECHO);
		break;
	case KBD_IDENTIFY:
		kbd_send(k, KBD_ACK);
		kbd_send(k, 0xab);
		kbd_send(k, translating(k) ? 0x41 : 0x83);
		break;
	case KBD_ENABLE:
		k->kbd_scanning = true;
		kbd_send(k, KBD_ACK);
		break;
	case KBD_DISABLE:
		kbd_defaults(k);
		k->kbd_scanning = false;
		kbd_send(k, KBD_ACK);
		break;
	case KBD_DEFAULTS:
		kbd_defaults(k);
		kbd_send(k, KBD_ACK);
		break;
	case KBD_RESEND:
		kbd_send(k, k->kbd_last);
		break;
	case KBD_RESET:
		kbd_reset(k);
		kbd_send(k, KBD_ACK);
		kbd_send(k, KBD_BAT_OK);
		break;
	default:
		k->stats.kbd_unknown++;
		kbd_send(k, KBD_RESEND);
		break;
	}
}

static void write_ctr(struct i8042 *k, u8 val)
{
	k->ram[0] = val;
	/* The status register's system flag follows command byte bit 2. */
	if (val & I8042_CTR_SYSFLAG)
		k->status |= I8042_STR_SYSFLAG;
	else
		k->status &= ~I8042_STR_SYSFLAG;
}

static enum i8042_action write_outport(struct i8042 *k, u8 val)
{
	k->outport = val;
	if (!(val & I8042_OUT_RESET)) {
		k->stats.resets++;
		return I8042_RESET;
	}
	return I8042_NONE;
}

/* The data byte of a controller command that takes one. */
static enum i8042_action cmd_data(struct i8042 *k, u8 cmd, u8 val)
{
	if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 32) {
		if (cmd == CMD_WRITE_RAM)
			write_ctr(k, val);
		else
			k->ram[cmd - CMD_WRITE_RAM] = val;
		return I8042_NONE;
	}
	switch (cmd) {
	case CMD_WRITE_OUTPORT:
		return write_outport(k, val);
	case CMD_WRITE_KBD_OBUF:
		queue(k, val, 0);
		break;
	case CMD_WRITE_AUX_OBUF:
		queue(k, val, I8042_STR_AUXDATA);
		break;
	case CMD_WRITE_AUX:
		/* No device clocks the byte in: the controller gives up. */
		k->stats.aux_timeouts++;
		queue(k, KBD_RESEND, I8042_STR_AUXDATA | I8042_STR_TIMEOUT);
		break;
	}
	return I8042_NONE;
}

static u8 outport_value(const struct i8042 *k)
{
	u8 v = k->outport & ~(OUTPORT_KBD_OBF | OUTPORT_AUX_OBF);

	if (i8042_irq1(k))
		v |= OUTPORT_KBD_OBF;
	if (i8042_irq12(k))
		v |= OUTPORT_AUX_OBF;
	return v;
}

static enum i8042_action command(struct i8042 *k, u8 cmd)
{
	/* A new command abandons one still waiting for its data byte. */
	k->pending_cmd = 0;
	if (cmd >= CMD_READ_RAM && cmd < CMD_READ_RAM + 32) {
		queue(k, k->ram[cmd - CMD_READ_RAM], 0);
		return I8042_NONE;
	}
	if ((cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 32) ||
	    (cmd >= CMD_WRITE_OUTPORT && cmd <= CMD_WRITE_AUX)) {
		k->pending_cmd = cmd;
		return I8042_NONE;
	}
	if (cmd >= CMD_PULSE) {
		/* Bits 3:0 that are 0 pulse their line; bit 0 is reset. */
		if (!(cmd & I8042_OUT_RESET)) {
			k->stats.resets++;
			return I8042_RESET;
		}
		return I8042_NONE;
	}
	switch (cmd) {
	case CMD_AUX_DISABLE:
		k->ram[0] |= I8042_CTR_AUXDIS;
		break;
	case CMD_AUX_ENABLE:
		k->ram[0] &= ~I8042_CTR_AUXDIS;
		break;
	case CMD_AUX_TEST:
	case CMD_KBD_TEST:
		queue(k, IFACE_TEST_OK, 0);
		break;
	case CMD_SELF_TEST:
		k->status |= I8042_STR_SYSFLAG;
		queue(k, SELF_TEST_OK, 0);
		break;
	case CMD_KBD_DISABLE:
		k->ram[0] |= I8042_CTR_KBDDIS;
		break;
	case CMD_KBD_ENABLE:
		k->ram[0] &= ~I8042_CTR_KBDDIS;
		break;
	case CMD_READ_INPORT:
		queue(k, INPORT_VALUE, 0);
		break;
	case CMD_READ_OUTPORT:
		queue(k, outport_value(k), 0);
		break;
	case CMD_A20_OFF:
		k->outport &= ~I8042_OUT_A20;
		break;
	case CMD_A20_ON:
		k->outport |= I8042_OUT_A20;
		break;
	default:
		k->stats.unknown_cmds++;
		break;
	}
	return I8042_NONE;
}

/**
 * i8042_init() - the controller and keyboard as a BIOS leaves them.
 * @k: the controller; every field is overwritten.
 *
 * Command byte 0x45, status 0x1C, output port 0xCF, empty output buffer,
 * keyboard in scan set 2 and scanning; counters zeroed (see i8042.h).
 *
 * Context: any.
 */
void i8042_init(struct i8042 *k)
{
	memset(k, 0, sizeof(*k));
	k->ram[0] = CTR_INIT;
	k->status = I8042_STR_SYSFLAG | I8042_STR_CMDDAT;
	k->outport = OUTPORT_INIT;
	kbd_reset(k);
	k->kbd_last = KBD_ACK;
}

/**
 * i8042_status() - the status register, without reading anything.
 * @k: the controller.
 *
 * Context: any; does not change @k.
 * Return: OBF, the system flag, command/data, the key-lock bit (always
 * unlocked), and the aux and timeout bits of the byte in the output buffer.
 */
u8 i8042_status(const struct i8042 *k)
{
	u8 v = k->status | I8042_STR_KEYLOCK;

	if (k->q_count)
		v |= I8042_STR_OBF | k->q_tag[k->q_head];
	return v;
}

/**
 * i8042_queued() - bytes waiting for the guest, the output buffer's
 * included.
 * @k: the controller.
 *
 * Context: any.
 * Return: 0 to I8042_QUEUE_SIZE.
 */
unsigned int i8042_queued(const struct i8042 *k)
{
	return k->q_count;
}

/**
 * i8042_io_read() - a guest byte read of port 0x60 or 0x64.
 * @k:    the controller.
 * @port: 0x60 (output buffer) or 0x64 (status).
 * @val:  the byte read.
 *
 * Reading 0x60 takes the byte out of the output buffer, and the next
 * queued reply moves in.
 *
 * Context: any.
 * Return: 0; -EINVAL for another port (*val is 0xff).
 */
int i8042_io_read(struct i8042 *k, u16 port, u8 *val)
{
	switch (port) {
	case I8042_STATUS_PORT:
		*val = i8042_status(k);
		return 0;
	case I8042_DATA_PORT:
		if (k->q_count) {
			k->last_read = k->q_data[k->q_head];
			k->q_head = (k->q_head + 1) % I8042_QUEUE_SIZE;
			k->q_count--;
		}
		*val = k->last_read;
		return 0;
	default:
		k->stats.bad_port++;
		*val = 0xff;
		return -EINVAL;
	}
}

/**
 * i8042_io_write() - a guest byte write of port 0x60 or 0x64.
 * @k:    the controller.
 * @port: 0x60 (data: a command's data byte, else to the keyboard) or 0x64
 *        (controller command).
 * @val:  the byte written.
 *
 * Context: any.
 * Return: I8042_RESET when the guest pulsed the reset line (command 0xFE,
 * or any of 0xF0-0xFE with bit 0 clear) or wrote the output port with bit
 * 0 clear; I8042_NONE otherwise, also for another port (counted).
 */
enum i8042_action i8042_io_write(struct i8042 *k, u16 port, u8 val)
{
	u8 cmd;

	switch (port) {
	case I8042_STATUS_PORT:
		k->status |= I8042_STR_CMDDAT;
		return command(k, val);
	case I8042_DATA_PORT:
		k->status &= ~I8042_STR_CMDDAT;
		cmd = k->pending_cmd;
		if (cmd) {
			k->pending_cmd = 0;
			return cmd_data(k, cmd, val);
		}
		kbd_write(k, val);
		return I8042_NONE;
	default:
		k->stats.bad_port++;
		return I8042_NONE;
	}
}

/**
 * i8042_irq1() - the keyboard interrupt line.
 * @k: the controller.
 *
 * Context: any.
 * Return: true while a keyboard byte is in the output buffer and command
 * byte bit 0 enables its interrupt.
 */
bool i8042_irq1(const struct i8042 *k)
{
	return k->q_count && !(k->q_tag[k->q_head] & I8042_STR_AUXDATA) &&
	       (k->ram[0] & I8042_CTR_KBDINT);
}

/**
 * i8042_irq12() - the aux (mouse) interrupt line.
 * @k: the controller.
 *
 * Context: any.
 * Return: true while an aux byte is in the output buffer and command byte
 * bit 1 enables its interrupt.
 */
bool i8042_irq12(const struct i8042 *k)
{
	return k->q_count && (k->q_tag[k->q_head] & I8042_STR_AUXDATA) &&
	       (k->ram[0] & I8042_CTR_AUXINT);
}

/**
 * i8042_a20() - the A20 gate, output port bit 1.
 * @k: the controller.
 *
 * Context: any.
 * Return: true if address line 20 is enabled.
 */
bool i8042_a20(const struct i8042 *k)
{
	return k->outport & I8042_OUT_A20;
}
