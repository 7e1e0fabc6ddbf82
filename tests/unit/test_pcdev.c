// SPDX-License-Identifier: GPL-2.0
/*
 * The small PC devices: hv/dev/i8042.c (Linux's i8042 probe, keyboard
 * replies, reset and A20 through the output port, IRQ1/IRQ12 gating),
 * hv/dev/pci_host.c (mechanism #1: the i440FX's IDs on every byte lane,
 * absent devices, CONFIG_ADDRESS rules, the 0xCF9 reset register) and
 * hv/dev/fw_cfg.c (QEMU's fw_cfg items, read the way kvm-unit-tests and
 * Linux read them).  Expected values are from the IBM AT / PS/2 references,
 * the PCI spec with the 82441FX data sheet, and QEMU's docs/specs/fw_cfg.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/i8042.h"
#include "hv/dev/pci_host.h"
#include "hv/dev/fw_cfg.h"
#include "errno_codes.h"

/* ---------------------------------------------------------------- i8042 */

static u8 kbc_in(struct i8042 *k, u16 port)
{
	u8 v = 0x5a;

	assert_int_equal(i8042_io_read(k, port, &v), 0);
	return v;
}

static void kbc_out(struct i8042 *k, u16 port, u8 val)
{
	assert_int_equal(i8042_io_write(k, port, val), I8042_NONE);
}

/* What Linux's i8042_command() does for a command with one reply. */
static u8 kbc_cmd_reply(struct i8042 *k, u8 cmd)
{
	kbc_out(k, 0x64, cmd);
	assert_true(kbc_in(k, 0x64) & I8042_STR_OBF);
	return kbc_in(k, 0x60);
}

/* The next byte the guest reads; it must be waiting. */
static u8 kbc_next(struct i8042 *k)
{
	assert_true(kbc_in(k, 0x64) & I8042_STR_OBF);
	return kbc_in(k, 0x60);
}

static void kbc_expect_empty(struct i8042 *k)
{
	assert_false(kbc_in(k, 0x64) & I8042_STR_OBF);
	assert_int_equal(i8042_queued(k), 0);
}

static void test_i8042_reset_state(void **state)
{
	struct i8042 k;

	(void)state;
	memset(&k, 0xa5, sizeof(k));
	i8042_init(&k);
	/* System flag, last write a command, not inhibited; nothing queued. */
	assert_int_equal(kbc_in(&k, 0x64), 0x1c);
	assert_false(i8042_irq1(&k));
	assert_false(i8042_irq12(&k));
	assert_true(i8042_a20(&k));
	assert_int_equal(kbc_cmd_reply(&k, 0x20), 0x45);
	assert_int_equal(kbc_cmd_reply(&k, 0xd0), 0xcf);
	assert_int_equal(kbc_cmd_reply(&k, 0xc0), 0x80);
	kbc_expect_empty(&k);
	assert_int_equal(k.stats.unknown_cmds, 0);
	assert_int_equal(k.stats.resets, 0);
}

/* drivers/input/serio/i8042.c: check, self test, CTR, aux checks. */
static void test_i8042_linux_probe(void **state)
{
	struct i8042 k;
	u8 ctr, i;

	(void)state;
	i8042_init(&k);
	/* i8042_flush(): nothing to drain. */
	for (i = 0; i < 16 && (kbc_in(&k, 0x64) & I8042_STR_OBF); i++)
		kbc_in(&k, 0x60);
	assert_int_equal(i, 0);
	/* Self test. */
	assert_int_equal(kbc_cmd_reply(&k, 0xaa), 0x55);
	assert_true(kbc_in(&k, 0x64) & I8042_STR_SYSFLAG);
	/* Read the CTR twice (must agree), then write it back changed. */
	ctr = kbc_cmd_reply(&k, 0x20);
	assert_int_equal(kbc_cmd_reply(&k, 0x20), ctr);
	assert_true(kbc_in(&k, 0x64) & I8042_STR_KEYLOCK); /* no lock */
	assert_true(ctr & I8042_CTR_XLATE);
	ctr |= I8042_CTR_KBDDIS | I8042_CTR_AUXDIS;
	ctr &= ~(I8042_CTR_KBDINT | I8042_CTR_AUXINT);
	kbc_out(&k, 0x64, 0x60);
	assert_int_equal(kbc_in(&k, 0x64) & I8042_STR_CMDDAT, I8042_STR_CMDDAT);
	kbc_out(&k, 0x60, ctr);
	assert_int_equal(kbc_in(&k, 0x64) & I8042_STR_CMDDAT, 0);
	assert_int_equal(kbc_cmd_reply(&k, 0x20), 0x74);
	/* IBF is never set: every command is taken at once. */
	assert_false(kbc_in(&k, 0x64) & I8042_STR_IBF);

	/* i8042_check_aux(): AUX_LOOP echoes, aux-tagged. */
	kbc_out(&k, 0x64, 0xd3);
	kbc_out(&k, 0x60, 0x5a);
	assert_int_equal(kbc_in(&k, 0x64), I8042_STR_OBF | I8042_STR_SYSFLAG |
						   I8042_STR_KEYLOCK |
						   I8042_STR_AUXDATA);
	assert_false(i8042_irq12(&k)); /* AUXINT is off */
	assert_false(i8042_irq1(&k));
	assert_int_equal(kbc_in(&k, 0x60), 0x5a);
	/* Interface tests report no error. */
	assert_int_equal(kbc_cmd_reply(&k, 0xa9), 0x00);
	assert_int_equal(kbc_cmd_reply(&k, 0xab), 0x00);
	/* i8042_toggle_aux(): the CTR bit follows 0xA7 / 0xA8. */
	kbc_out(&k, 0x64, 0xa8);
	assert_int_equal(kbc_cmd_reply(&k, 0x20) & I8042_CTR_AUXDIS, 0);
	kbc_out(&k, 0x64, 0xa7);
	assert_int_equal(kbc_cmd_reply(&k, 0x20) & I8042_CTR_AUXDIS,
			 I8042_CTR_AUXDIS);
	kbc_out(&k, 0x64, 0xa8);
	/* AUX IRQ delivery test: AUXINT on, a looped byte raises IRQ12. */
	kbc_out(&k, 0x64, 0x60);
	kbc_out(&k, 0x60, (ctr & ~I8042_CTR_AUXDIS) | I8042_CTR_AUXINT);
	kbc_out(&k, 0x64, 0xd3);
	kbc_out(&k, 0x60, 0xa5);
	assert_true(i8042_irq12(&k));
	assert_false(i8042_irq1(&k));
	assert_int_equal(kbc_in(&k, 0x60), 0xa5);
	assert_false(i8042_irq12(&k));
	/* The keyboard port: 0xAE clears KBDDIS. */
	kbc_out(&k, 0x64, 0xae);
	assert_int_equal(kbc_cmd_reply(&k, 0x20) & I8042_CTR_KBDDIS, 0);
	kbc_out(&k, 0x64, 0xad);
	assert_int_equal(kbc_cmd_reply(&k, 0x20) & I8042_CTR_KBDDIS,
			 I8042_CTR_KBDDIS);
	kbc_expect_empty(&k);
	assert_int_equal(k.stats.unknown_cmds, 0);
}

static void test_i8042_keyboard_commands(void **state)
{
	struct i8042 k;

	(void)state;
	i8042_init(&k);
	/* Reset: ACK, then BAT passed. */
	kbc_out(&k, 0x60, 0xff);
	assert_int_equal(i8042_queued(&k), 2);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0xaa);
	kbc_expect_empty(&k);
	/* Identify, translated (CTR bit 6 set after reset): AB 41. */
	kbc_out(&k, 0x60, 0xf2);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0xab);
	assert_int_equal(kbc_next(&k), 0x41);
	/* LEDs take a data byte; each byte is ACKed. */
	kbc_out(&k, 0x60, 0xed);
	assert_int_equal(kbc_next(&k), 0xfa);
	kbc_out(&k, 0x60, 0x07);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(k.kbd_leds, 7);
	/* The LED byte was a parameter: 0xF2 next is a command again. */
	kbc_out(&k, 0x60, 0xee);
	assert_int_equal(kbc_next(&k), 0xee); /* echo, no ACK */
	kbc_out(&k, 0x60, 0xf3);
	kbc_out(&k, 0x60, 0x20);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0xfa);
	kbc_out(&k, 0x60, 0xf4);
	assert_int_equal(kbc_next(&k), 0xfa);
	kbc_out(&k, 0x60, 0xf5);
	assert_int_equal(kbc_next(&k), 0xfa);
	kbc_out(&k, 0x60, 0xf6);
	assert_int_equal(kbc_next(&k), 0xfa);
	/* Scan code set: query (translated value 0x41 = set 2), set 1. */
	kbc_out(&k, 0x60, 0xf0);
	kbc_out(&k, 0x60, 0x00);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0x41);
	kbc_out(&k, 0x60, 0xf0);
	kbc_out(&k, 0x60, 0x01);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0xfa);
	kbc_expect_empty(&k);
	/* Translation off: raw identify and set numbers. */
	kbc_out(&k, 0x64, 0x60);
	kbc_out(&k, 0x60, 0x05);
	kbc_out(&k, 0x60, 0xf0);
	kbc_out(&k, 0x60, 0x00);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0x01);
	kbc_out(&k, 0x60, 0xf2);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0xab);
	assert_int_equal(kbc_next(&k), 0x83);
	/* Reset restores set 2. */
	kbc_out(&k, 0x60, 0xff);
	kbc_next(&k);
	kbc_next(&k);
	kbc_out(&k, 0x60, 0xf0);
	kbc_out(&k, 0x60, 0x00);
	kbc_next(&k);
	kbc_next(&k);
	assert_int_equal(kbc_next(&k), 0x02);
	/* Unknown command and bad scan set: resend. */
	assert_int_equal(k.stats.kbd_unknown, 0);
	kbc_out(&k, 0x60, 0x01);
	assert_int_equal(kbc_next(&k), 0xfe);
	kbc_out(&k, 0x60, 0xf0);
	kbc_out(&k, 0x60, 0x04);
	assert_int_equal(kbc_next(&k), 0xfa);
	assert_int_equal(kbc_next(&k), 0xfe);
	assert_int_equal(k.stats.kbd_unknown, 2);
	/* Resend repeats the keyboard's last byte. */
	kbc_out(&k, 0x60, 0xee);
	kbc_next(&k);
	kbc_out(&k, 0x60, 0xfe);
	assert_int_equal(kbc_next(&k), 0xee);
	kbc_expect_empty(&k);
}

static void test_i8042_reset_pulse(void **state)
{
	struct i8042 k;

	(void)state;
	i8042_init(&k);
	assert_int_equal(i8042_io_write(&k, 0x64, 0xfe), I8042_RESET);
	assert_int_equal(k.stats.resets, 1);
	/* 0xFF pulses nothing; odd commands leave bit 0 (reset) alone. */
	assert_int_equal(i8042_io_write(&k, 0x64, 0xff), I8042_NONE);
	assert_int_equal(i8042_io_write(&k, 0x64, 0xfd), I8042_NONE);
	assert_int_equal(i8042_io_write(&k, 0x64, 0xf1), I8042_NONE);
	/* Any even 0xF0-0xFE pulses bit 0. */
	assert_int_equal(i8042_io_write(&k, 0x64, 0xf0), I8042_RESET);
	assert_int_equal(i8042_io_write(&k, 0x64, 0xfc), I8042_RESET);
	assert_int_equal(k.stats.resets, 3);
	/* 0xFE as data to the keyboard is "resend", not a reset. */
	assert_int_equal(i8042_io_write(&k, 0x60, 0xfe), I8042_NONE);
	assert_int_equal(k.stats.resets, 3);
}

static void test_i8042_output_port(void **state)
{
	struct i8042 k;

	(void)state;
	i8042_init(&k);
	/* Linux's/SeaBIOS' A20 enable: D1 DF. */
	kbc_out(&k, 0x64, 0xd1);
	kbc_out(&k, 0x60, 0xdf);
	assert_true(i8042_a20(&k));
	kbc_out(&k, 0x64, 0xd1);
	kbc_out(&k, 0x60, 0xdd);
	assert_false(i8042_a20(&k));
	assert_int_equal(kbc_cmd_reply(&k, 0xd0) & 0x03, 0x01);
	kbc_out(&k, 0x64, 0xdf);
	assert_true(i8042_a20(&k));
	kbc_out(&k, 0x64, 0xdd);
	assert_false(i8042_a20(&k));
	kbc_out(&k, 0x64, 0xd1);
	kbc_out(&k, 0x60, 0xdf);
	/* Writing bit 0 clear holds the CPU in reset. */
	kbc_out(&k, 0x64, 0xd1);
	assert_int_equal(i8042_io_write(&k, 0x60, 0xde), I8042_RESET);
	assert_int_equal(k.stats.resets, 1);
	/* Bits 4, 5 of the output port read the IRQ1 / IRQ12 outputs. */
	kbc_out(&k, 0x64, 0xd1);
	kbc_out(&k, 0x60, 0x03);
	kbc_out(&k, 0x60, 0xee); /* echo: a keyboard byte, IRQ1 enabled */
	assert_true(i8042_irq1(&k));
	kbc_out(&k, 0x64, 0xd0);
	assert_int_equal(kbc_next(&k), 0xee);
	assert_int_equal(kbc_next(&k), 0x13);
}

static void test_i8042_irq1_follows_ctr_bit0(void **state)
{
	struct i8042 k;

	(void)state;
	i8042_init(&k);
	kbc_out(&k, 0x64, 0x60);
	kbc_out(&k, 0x60, 0x44); /* KBDINT off */
	kbc_out(&k, 0x60, 0xee);
	assert_true(kbc_in(&k, 0x64) & I8042_STR_OBF);
	assert_false(i8042_irq1(&k));
	assert_false(i8042_irq12(&k));
	/* Enabling the interrupt with the byte waiting raises the line. */
	kbc_out(&k, 0x64, 0x60);
	kbc_out(&k, 0x60, 0x45);
	assert_true(i8042_irq1(&k));
	assert_int_equal(kbc_in(&k, 0x60), 0xee);
	assert_false(i8042_irq1(&k));
	/* 0xD2 places a byte as if from the keyboard: IRQ1, not IRQ12. */
	kbc_out(&k, 0x64, 0x60);
	kbc_out(&k, 0x60, 0x47);
	kbc_out(&k, 0x64, 0xd2);
	kbc_out(&k, 0x60, 0x1c);
	assert_true(i8042_irq1(&k));
	assert_false(i8042_irq12(&k));
	assert_false(kbc_in(&k, 0x64) & I8042_STR_AUXDATA);
	assert_int_equal(kbc_in(&k, 0x60), 0x1c);
	/* The queue: IRQ1 for a kbd byte behind an aux byte waits. */
	kbc_out(&k, 0x64, 0xd3);
	kbc_out(&k, 0x60, 0x01);
	kbc_out(&k, 0x64, 0xd2);
	kbc_out(&k, 0x60, 0x02);
	assert_true(i8042_irq12(&k));
	assert_false(i8042_irq1(&k));
	assert_int_equal(kbc_in(&k, 0x60), 0x01);
	assert_true(i8042_irq1(&k));
	assert_false(i8042_irq12(&k));
	assert_int_equal(kbc_in(&k, 0x60), 0x02);
	assert_false(i8042_irq1(&k));
}

static void test_i8042_absent_mouse(void **state)
{
	struct i8042 k;

	(void)state;
	i8042_init(&k);
	/* psmouse: 0xD4 0xF2 (get ID); nothing answers. */
	kbc_out(&k, 0x64, 0xd4);
	kbc_out(&k, 0x60, 0xf2);
	assert_int_equal(kbc_in(&k, 0x64),
			 I8042_STR_OBF | I8042_STR_SYSFLAG | I8042_STR_KEYLOCK |
				 I8042_STR_AUXDATA | I8042_STR_TIMEOUT);
	assert_int_equal(kbc_in(&k, 0x60), 0xfe);
	/* The timeout bit belonged to that byte. */
	assert_int_equal(kbc_in(&k, 0x64), 0x14);
	assert_int_equal(k.stats.aux_timeouts, 1);
	/* It never reached the keyboard. */
	kbc_expect_empty(&k);
}

static void test_i8042_queue_and_edges(void **state)
{
	struct i8042 k;
	unsigned int i;
	u8 v;

	(void)state;
	i8042_init(&k);
	/* Nothing queued: 0x60 repeats the last byte read. */
	assert_int_equal(kbc_cmd_reply(&k, 0xaa), 0x55);
	assert_int_equal(kbc_in(&k, 0x60), 0x55);
	assert_false(kbc_in(&k, 0x64) & I8042_STR_OBF);
	/* More replies than the queue holds: the excess is dropped. */
	for (i = 0; i < I8042_QUEUE_SIZE + 1; i++)
		kbc_out(&k, 0x64, 0x20);
	assert_int_equal(i8042_queued(&k), I8042_QUEUE_SIZE);
	assert_int_equal(k.stats.queue_drops, 1);
	for (i = 0; i < I8042_QUEUE_SIZE; i++)
		assert_int_equal(kbc_next(&k), 0x45);
	kbc_expect_empty(&k);
	/*
	 * A command abandons the one waiting for data: the byte goes to the
	 * keyboard (0x45 is not a keyboard command: resend).
	 */
	kbc_out(&k, 0x64, 0x60);
	kbc_out(&k, 0x64, 0xae);
	kbc_out(&k, 0x60, 0x45);
	assert_int_equal(kbc_next(&k), 0xfe);
	assert_int_equal(kbc_cmd_reply(&k, 0x20), 0x45);
	/* Controller RAM bytes 1-31 read back what was written. */
	kbc_out(&k, 0x64, 0x7f);
	kbc_out(&k, 0x60, 0x9c);
	assert_int_equal(kbc_cmd_reply(&k, 0x3f), 0x9c);
	assert_int_equal(kbc_cmd_reply(&k, 0x20), 0x45);
	/* The status system flag follows command byte bit 2. */
	kbc_out(&k, 0x64, 0x60);
	kbc_out(&k, 0x60, 0x41);
	assert_false(kbc_in(&k, 0x64) & I8042_STR_SYSFLAG);
	/* Unknown command: ignored, counted, nothing queued. */
	kbc_out(&k, 0x64, 0xe0);
	assert_int_equal(k.stats.unknown_cmds, 1);
	kbc_expect_empty(&k);
	/* Another port. */
	assert_int_equal(i8042_io_read(&k, 0x61, &v), -EINVAL);
	assert_int_equal(v, 0xff);
	assert_int_equal(i8042_io_write(&k, 0x65, 0xfe), I8042_NONE);
	assert_int_equal(k.stats.bad_port, 2);
	assert_int_equal(k.stats.resets, 0);
}

/* ------------------------------------------------------------- PCI host */

static u32 pci_in(struct pci_host *h, u16 port, unsigned int size)
{
	u32 v = 0x5a5a5a5a;

	assert_int_equal(pci_host_io_read(h, port, size, &v), 0);
	return v;
}

static void pci_out(struct pci_host *h, u16 port, unsigned int size, u32 val)
{
	assert_int_equal(pci_host_io_write(h, port, size, val), PCI_NONE);
}

static u32 cfg_addr(unsigned int bus, unsigned int dev, unsigned int fn,
		    unsigned int reg)
{
	return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | reg;
}

static void test_pci_host_bridge_ids_every_lane(void **state)
{
	/* Dwords 0x00-0x0c and 0x2c of the 82441FX, from its data sheet. */
	static const struct {
		unsigned int reg;
		u32 value;
	} regs[] = { { 0x00, 0x12378086 }, { 0x04, 0x02800006 },
		     { 0x08, 0x06000002 }, { 0x0c, 0x00000000 },
		     { 0x10, 0x00000000 }, { 0x2c, 0x00000000 },
		     { 0x34, 0x00000000 }, { 0x3c, 0x00000000 } };
	struct pci_host h;
	unsigned int i, lane;

	(void)state;
	memset(&h, 0xa5, sizeof(h));
	pci_host_init(&h);
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		u32 want = regs[i].value;

		pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, regs[i].reg));
		assert_int_equal(pci_in(&h, 0xcfc, 4), want);
		for (lane = 0; lane < 4; lane++)
			assert_int_equal(pci_in(&h, 0xcfc + lane, 1),
					 (want >> (lane * 8)) & 0xff);
		for (lane = 0; lane < 4; lane += 2)
			assert_int_equal(pci_in(&h, 0xcfc + lane, 2),
					 (want >> (lane * 8)) & 0xffff);
		/* A word in the middle lanes stays inside the dword. */
		assert_int_equal(pci_in(&h, 0xcfd, 2), (want >> 8) & 0xffff);
	}
	/* Header type (byte 0x0e): 0, single function. */
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0x0c));
	assert_int_equal(pci_in(&h, 0xcfe, 1), 0x00);
	/* CONFIG_ADDRESS bits 1:0 do not pick the lane: port & 3 does. */
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0) | 2);
	assert_int_equal(pci_in(&h, 0xcfc, 2), 0x8086);
	assert_int_equal(h.stats.config_reads, 8 * 8 + 2);
	assert_int_equal(h.stats.absent_reads, 0);
}

static void test_pci_absent_all_ones(void **state)
{
	static const u32 absent[] = {
		0x80000800, /* 00:01.0 */
		0x80000100, /* 00:00.1 */
		0x80000700, /* 00:00.7 */
		0x8000f800, /* 00:1f.0 */
		0x80010000, /* 01:00.0 */
		0x80ff0000, /* ff:00.0 */
	};
	struct pci_host h;
	unsigned int i;

	(void)state;
	pci_host_init(&h);
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		pci_out(&h, 0xcf8, 4, absent[i]);
		assert_int_equal(pci_in(&h, 0xcfc, 4), 0xffffffffu);
		assert_int_equal(pci_in(&h, 0xcfe, 2), 0xffff);
		assert_int_equal(pci_in(&h, 0xcff, 1), 0xff);
		/* Writes go nowhere: still all-ones. */
		pci_out(&h, 0xcfc, 4, 0);
		assert_int_equal(pci_in(&h, 0xcfc, 4), 0xffffffffu);
	}
	assert_int_equal(h.stats.absent_reads, 6 * 4);
	assert_int_equal(h.stats.config_writes, 6);
	/* The bridge itself was not touched by those writes. */
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0x04));
	assert_int_equal(pci_in(&h, 0xcfc, 4), 0x02800006);
}

static void test_pci_enable_bit_clear(void **state)
{
	struct pci_host h;

	(void)state;
	pci_host_init(&h);
	/* 00:00.0 register 0 without bit 31: not a configuration cycle. */
	pci_out(&h, 0xcf8, 4, 0x00000000);
	assert_int_equal(pci_in(&h, 0xcfc, 4), 0xffffffffu);
	assert_int_equal(pci_in(&h, 0xcfc, 2), 0xffff);
	assert_int_equal(pci_in(&h, 0xcfd, 1), 0xff);
	pci_out(&h, 0xcf8, 4, 0x00000004);
	pci_out(&h, 0xcfc, 2, 0x0000);
	assert_int_equal(h.stats.config_reads, 0);
	assert_int_equal(h.stats.config_writes, 0);
	assert_int_equal(h.stats.undecoded, 4);
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0x04));
	assert_int_equal(pci_in(&h, 0xcfc, 2), 0x0006);
}

static void test_pci_config_address_readback(void **state)
{
	struct pci_host h;

	(void)state;
	pci_host_init(&h);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0);
	pci_out(&h, 0xcf8, 4, 0x80fff8fc);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0x80fff8fc);
	pci_out(&h, 0xcf8, 4, 0x7fffffff);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0x7ffffffc);
	pci_out(&h, 0xcf8, 4, 0xffffffff);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0xfffffffc);
	pci_out(&h, 0xcf8, 4, 0x80000003);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0x80000000);
}

/* Byte and word accesses at 0xcf8-0xcfb are not CONFIG_ADDRESS. */
static void test_pci_narrow_cf8_not_config_address(void **state)
{
	struct pci_host h;

	(void)state;
	pci_host_init(&h);
	/* Linux's pci_check_type1(). */
	pci_out(&h, 0xcfb, 1, 0x01);
	pci_out(&h, 0xcf8, 4, 0x80000000);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0x80000000);
	/* Narrow writes leave it alone ... */
	pci_out(&h, 0xcf8, 1, 0x00);
	pci_out(&h, 0xcfa, 1, 0x00);
	pci_out(&h, 0xcf8, 2, 0x1234);
	pci_out(&h, 0xcfa, 2, 0x1234);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0x80000000);
	/* ... and narrow reads are not it (pci_check_type2() must fail). */
	assert_int_equal(pci_in(&h, 0xcf8, 1), 0xff);
	assert_int_equal(pci_in(&h, 0xcfa, 1), 0xff);
	assert_int_equal(pci_in(&h, 0xcf8, 2), 0xffff);
	assert_int_equal(pci_in(&h, 0xcfb, 1), 0xff);
	/* 0xcf9 as a byte is the reset control register, not address. */
	pci_out(&h, 0xcf9, 1, 0x02);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0x80000000);
	assert_int_equal(pci_in(&h, 0xcf9, 1), 0x02);
}

static void test_pci_reset_control(void **state)
{
	struct pci_host h;
	u8 cf9;

	(void)state;
	pci_host_init(&h);
	assert_int_equal(pci_in(&h, 0xcf9, 1), 0x00);
	/* Linux's "pci" reboot: request hard reset, then do it. */
	cf9 = (u8)(pci_in(&h, 0xcf9, 1) & ~6);
	assert_int_equal(pci_host_io_write(&h, 0xcf9, 1, cf9 | 2), PCI_NONE);
	assert_int_equal(pci_host_io_write(&h, 0xcf9, 1, cf9 | 6), PCI_RESET);
	/* Bit 2 is not kept; bit 1 is. */
	assert_int_equal(pci_in(&h, 0xcf9, 1), 0x02);
	/* A soft reset (bit 1 clear) resets too. */
	assert_int_equal(pci_host_io_write(&h, 0xcf9, 1, 0x04), PCI_RESET);
	assert_int_equal(pci_in(&h, 0xcf9, 1), 0x00);
	/* A dword at 0xcf8 with bit 10 (byte 1 bit 2) set is not 0xcf9. */
	assert_int_equal(pci_host_io_write(&h, 0xcf8, 4, 0x80000400), PCI_NONE);
	/* Nor is a word at 0xcf8 or 0xcfa. */
	assert_int_equal(pci_host_io_write(&h, 0xcf8, 2, 0x0400), PCI_NONE);
	assert_int_equal(pci_in(&h, 0xcf9, 1), 0x00);
}

static void test_pci_command_register(void **state)
{
	struct pci_host h;

	(void)state;
	pci_host_init(&h);
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0x04));
	/* Only PERR# response (6) and SERR# (8) are writable; 1, 2 read 1. */
	pci_out(&h, 0xcfc, 2, 0xffff);
	assert_int_equal(pci_in(&h, 0xcfc, 2), 0x0146);
	pci_out(&h, 0xcfc, 2, 0x0000);
	assert_int_equal(pci_in(&h, 0xcfc, 2), 0x0006);
	/* The high byte alone (0xcfd): SERR#. */
	pci_out(&h, 0xcfd, 1, 0x01);
	assert_int_equal(pci_in(&h, 0xcfc, 2), 0x0106);
	/* The low byte alone leaves the high byte. */
	pci_out(&h, 0xcfc, 1, 0x40);
	assert_int_equal(pci_in(&h, 0xcfc, 2), 0x0146);
	/* Status is read-only, whatever the width. */
	pci_out(&h, 0xcfc, 4, 0xffff0000);
	assert_int_equal(pci_in(&h, 0xcfc, 4), 0x02800006);
	pci_out(&h, 0xcfe, 2, 0xffff);
	assert_int_equal(pci_in(&h, 0xcfe, 2), 0x0280);
	/* IDs, class and header are read-only. */
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0x00));
	pci_out(&h, 0xcfc, 4, 0);
	assert_int_equal(pci_in(&h, 0xcfc, 4), 0x12378086);
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0x08));
	pci_out(&h, 0xcfc, 4, 0);
	assert_int_equal(pci_in(&h, 0xcfc, 4), 0x06000002);
	/* A BAR sizing write: the host bridge has no BARs. */
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0x10));
	pci_out(&h, 0xcfc, 4, 0xffffffff);
	assert_int_equal(pci_in(&h, 0xcfc, 4), 0);
	assert_int_equal(h.stats.config_writes, 9);
}

static void test_pci_bad_access(void **state)
{
	struct pci_host h;
	u32 v = 0;

	(void)state;
	pci_host_init(&h);
	pci_out(&h, 0xcf8, 4, cfg_addr(0, 0, 0, 0));
	assert_int_equal(pci_host_io_read(&h, 0xcfc, 3, &v), -EINVAL);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(pci_host_io_read(&h, 0xcfe, 4, &v), -EINVAL);
	assert_int_equal(pci_host_io_read(&h, 0xcff, 2, &v), -EINVAL);
	assert_int_equal(pci_host_io_read(&h, 0xd00, 1, &v), -EINVAL);
	assert_int_equal(pci_host_io_read(&h, 0xcf7, 1, &v), -EINVAL);
	assert_int_equal(pci_host_io_write(&h, 0xcf8, 8, 0), PCI_NONE);
	assert_int_equal(h.stats.bad_access, 6);
	assert_int_equal(pci_in(&h, 0xcf8, 4), 0x80000000);
	assert_int_equal(h.stats.config_reads, 0);
}

/* --------------------------------------------------------------- fw_cfg */

static void fw_select(struct fw_cfg *f, u16 key)
{
	assert_int_equal(fw_cfg_io_write(f, 0x510, 2, key), 0);
}

static u8 fw_byte(struct fw_cfg *f)
{
	u8 v = 0x5a;

	assert_int_equal(fw_cfg_io_read(f, 0x511, 1, &v), 0);
	return v;
}

/* kvm-unit-tests' fwcfg_get_u(): select, then @bytes LE data reads. */
static u64 fw_get(struct fw_cfg *f, u16 key, unsigned int bytes)
{
	u64 r = 0;
	unsigned int i;

	fw_select(f, key);
	for (i = 0; i < bytes; i++)
		r |= (u64)fw_byte(f) << (i * 8);
	return r;
}

static void test_fw_cfg_signature_and_id(void **state)
{
	struct fw_cfg f;
	char sig[5] = { 0 };
	unsigned int i;

	(void)state;
	memset(&f, 0xa5, sizeof(f));
	fw_cfg_init(&f, 1, 1, 128 << 20);
	fw_select(&f, FW_CFG_SIGNATURE);
	for (i = 0; i < 4; i++)
		sig[i] = (char)fw_byte(&f);
	assert_string_equal(sig, "QEMU");
	/* Traditional interface only: bit 0, no DMA bit. */
	assert_int_equal(fw_get(&f, FW_CFG_ID, 4), 0x00000001);
	/* Power-on selector is 0: the signature reads without a select. */
	fw_cfg_init(&f, 1, 1, 128 << 20);
	assert_int_equal(fw_byte(&f), 'Q');
}

static void test_fw_cfg_cpus_and_ram(void **state)
{
	struct fw_cfg f;

	(void)state;
	fw_cfg_init(&f, 4, 0x0108, 0x123456789ULL);
	assert_int_equal(fw_get(&f, FW_CFG_NB_CPUS, 2), 4);
	assert_int_equal(fw_get(&f, FW_CFG_MAX_CPUS, 2), 0x0108);
	assert_true(fw_get(&f, FW_CFG_RAM_SIZE, 8) == 0x123456789ULL);
	/* Little-endian byte by byte. */
	fw_select(&f, FW_CFG_RAM_SIZE);
	assert_int_equal(fw_byte(&f), 0x89);
	assert_int_equal(fw_byte(&f), 0x67);
	assert_int_equal(fw_byte(&f), 0x45);
	assert_int_equal(fw_byte(&f), 0x23);
	assert_int_equal(fw_byte(&f), 0x01);
	assert_int_equal(fw_byte(&f), 0x00);
	/* A read shorter than the item (fwcfg_get_u8 of NB_CPUS). */
	assert_int_equal(fw_get(&f, FW_CFG_NB_CPUS, 1), 4);
	/* The write-channel bit does not change which item is read. */
	assert_int_equal(fw_get(&f, FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS, 2),
			 4);
	/* An empty file directory: big-endian count 0. */
	assert_int_equal(fw_get(&f, FW_CFG_FILE_DIR, 4), 0);
}

static void test_fw_cfg_unknown_and_past_end(void **state)
{
	static const u16 unknown[] = { 0x0002, 0x0004, 0x0010, 0x0018, 0x001a,
				       0x3fff, 0x8000, 0x8003, 0xffff };
	struct fw_cfg f;
	unsigned int i;

	(void)state;
	fw_cfg_init(&f, 2, 2, 1ULL << 30);
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_true(fw_get(&f, unknown[i], 8) == 0);
	assert_int_equal(f.stats.unknown_reads, 8 * 9);
	/* Past the end of NB_CPUS (2 bytes): zeros, as long as one reads. */
	assert_true(fw_get(&f, FW_CFG_NB_CPUS, 8) == 2);
	fw_select(&f, FW_CFG_SIGNATURE);
	for (i = 0; i < 4; i++)
		fw_byte(&f);
	for (i = 0; i < 100; i++)
		assert_int_equal(fw_byte(&f), 0);
	/* Selecting resets the offset, even the same key. */
	fw_select(&f, FW_CFG_SIGNATURE);
	assert_int_equal(fw_byte(&f), 'Q');
	assert_int_equal(fw_byte(&f), 'E');
	fw_select(&f, FW_CFG_SIGNATURE);
	assert_int_equal(fw_byte(&f), 'Q');
	fw_select(&f, FW_CFG_NB_CPUS);
	assert_int_equal(fw_byte(&f), 2);
	assert_int_equal(f.stats.selects, 9 + 1 + 4);
}

static void test_fw_cfg_port_rules(void **state)
{
	struct fw_cfg f;
	u8 v = 0;

	(void)state;
	fw_cfg_init(&f, 3, 3, 1ULL << 30);
	fw_select(&f, FW_CFG_NB_CPUS);
	/* The selector is write-only, 16-bit; data is byte-wide. */
	assert_int_equal(fw_cfg_io_read(&f, 0x510, 2, &v), -EINVAL);
	assert_int_equal(v, 0xff);
	assert_int_equal(fw_cfg_io_read(&f, 0x511, 2, &v), -EINVAL);
	assert_int_equal(fw_cfg_io_read(&f, 0x514, 1, &v), -EINVAL);
	assert_int_equal(fw_cfg_io_write(&f, 0x510, 1, 0), -EINVAL);
	assert_int_equal(fw_cfg_io_write(&f, 0x510, 4, 0), -EINVAL);
	assert_int_equal(f.stats.bad_access, 5);
	/* None of those moved the selector or the offset. */
	assert_int_equal(fw_byte(&f), 3);
	/* Data writes are ignored: the item does not change. */
	fw_select(&f, FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS);
	assert_int_equal(fw_cfg_io_write(&f, 0x511, 1, 0x77), 0);
	assert_int_equal(f.stats.data_writes, 1);
	assert_int_equal(fw_get(&f, FW_CFG_NB_CPUS, 2), 3);
	/* Only the low 16 bits of the select value count. */
	assert_int_equal(fw_cfg_io_write(&f, 0x510, 2, 0x10000), 0);
	assert_int_equal(fw_byte(&f), 'Q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i8042_reset_state),
		cmocka_unit_test(test_i8042_linux_probe),
		cmocka_unit_test(test_i8042_keyboard_commands),
		cmocka_unit_test(test_i8042_reset_pulse),
		cmocka_unit_test(test_i8042_output_port),
		cmocka_unit_test(test_i8042_irq1_follows_ctr_bit0),
		cmocka_unit_test(test_i8042_absent_mouse),
		cmocka_unit_test(test_i8042_queue_and_edges),
		cmocka_unit_test(test_pci_host_bridge_ids_every_lane),
		cmocka_unit_test(test_pci_absent_all_ones),
		cmocka_unit_test(test_pci_enable_bit_clear),
		cmocka_unit_test(test_pci_config_address_readback),
		cmocka_unit_test(test_pci_narrow_cf8_not_config_address),
		cmocka_unit_test(test_pci_reset_control),
		cmocka_unit_test(test_pci_command_register),
		cmocka_unit_test(test_pci_bad_access),
		cmocka_unit_test(test_fw_cfg_signature_and_id),
		cmocka_unit_test(test_fw_cfg_cpus_and_ram),
		cmocka_unit_test(test_fw_cfg_unknown_and_past_end),
		cmocka_unit_test(test_fw_cfg_port_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
