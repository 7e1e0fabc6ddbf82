// SPDX-License-Identifier: GPL-2.0
/*
 * hv/dev/uart16550.c against the PC16550D data sheet and the register
 * sequences real guests use: the divisor latch (DLAB) never transmits,
 * kvm-unit-tests' and Linux's 8250 set-up, the IIR priority order, the
 * THR-empty interrupt's set/clear rules, the receive FIFO (16 bytes,
 * overrun on the 17th, trigger levels, character timeout, FCR clears),
 * 16450 mode's single RBR, loopback wiring, the IRQ gate on OUT2, LSR and
 * MSR clear-on-read.  Expected values are the data sheet's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/uart16550.h"
#include "errno_codes.h"

static u8 rd(struct uart16550 *u, unsigned int reg)
{
	u8 v = 0x5a;

	assert_int_equal(uart16550_io_read(u, reg, &v), 0);
	return v;
}

/* A write that must not transmit. */
static void wr(struct uart16550 *u, unsigned int reg, u8 val)
{
	u8 tx = 0x5a;

	assert_int_equal(uart16550_io_write(u, reg, val, &tx),
			 UART16550_OUT_NONE);
	assert_int_equal(tx, 0x5a);
}

/* A THR write that must transmit @expect. */
static void wr_tx(struct uart16550 *u, u8 val, u8 expect)
{
	u8 tx = 0;

	assert_int_equal(uart16550_io_write(u, UART16550_THR, val, &tx),
			 UART16550_OUT_TX);
	assert_int_equal(tx, expect);
}

static void test_reset_state(void **state)
{
	struct uart16550 u;

	(void)state;
	memset(&u, 0xa5, sizeof(u));
	uart16550_init(&u);
	assert_int_equal(rd(&u, UART16550_IER), 0x00);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	assert_int_equal(rd(&u, UART16550_LCR), 0x00);
	assert_int_equal(rd(&u, UART16550_MCR), 0x00);
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	/* A connected terminal: DCD, DSR, CTS; no deltas after reset. */
	assert_int_equal(rd(&u, UART16550_MSR), 0xb0);
	assert_int_equal(rd(&u, UART16550_MSR), 0xb0);
	assert_int_equal(rd(&u, UART16550_SCR), 0x00);
	assert_false(uart16550_irq(&u));
	assert_int_equal(uart16550_rx_room(&u), 1); /* 16450 mode */
	assert_int_equal(u.stats.tx_bytes, 0);
	assert_int_equal(u.stats.rx_bytes, 0);
	assert_int_equal(u.stats.rx_overruns, 0);
	assert_int_equal(u.stats.divisor_writes, 0);
	/* The divisor latch is 0 after reset too. */
	wr(&u, UART16550_LCR, 0x80);
	assert_int_equal(rd(&u, UART16550_DLL), 0);
	assert_int_equal(rd(&u, UART16550_DLM), 0);
}

static void test_dlab_divisor_not_transmitted(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_IER, 0x05);
	wr(&u, UART16550_LCR, 0x83);
	wr(&u, UART16550_DLL, 0x0c);
	wr(&u, UART16550_DLM, 0x01);
	assert_int_equal(rd(&u, UART16550_LCR), 0x83);
	assert_int_equal(rd(&u, UART16550_DLL), 0x0c);
	assert_int_equal(rd(&u, UART16550_DLM), 0x01);
	/* Register 2 is still IIR/FCR with DLAB set. */
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	assert_int_equal(u.stats.tx_bytes, 0);
	assert_int_equal(u.stats.divisor_writes, 2);

	wr(&u, UART16550_LCR, 0x03);
	/* IER kept its value under the DLM write; RBR is not the DLL. */
	assert_int_equal(rd(&u, UART16550_IER), 0x05);
	assert_int_equal(rd(&u, UART16550_RBR), 0x00);
	wr_tx(&u, 'x', 'x');
	assert_int_equal(u.stats.tx_bytes, 1);
	/* The divisor survives DLAB going off and on. */
	wr(&u, UART16550_LCR, 0x80);
	assert_int_equal(rd(&u, UART16550_DLL), 0x0c);
	assert_int_equal(rd(&u, UART16550_DLM), 0x01);
	assert_int_equal(u.stats.divisor_writes, 2);
}

/* lib/x86/io.c's serial_init() and serial_outb(), then "ok\n". */
static void test_kvm_unit_tests_init(void **state)
{
	struct uart16550 u;
	const char *msg = "ok\r\n";
	u8 out[8], lcr, tx;
	unsigned int n = 0, i;

	(void)state;
	uart16550_init(&u);
	lcr = rd(&u, UART16550_LCR);
	wr(&u, UART16550_LCR, lcr | 0x80);
	wr(&u, UART16550_DLL, 0x01);
	wr(&u, UART16550_DLM, 0x00);
	lcr = rd(&u, UART16550_LCR);
	wr(&u, UART16550_LCR, lcr & ~0x80);
	wr(&u, UART16550_IER, 0x00);
	wr(&u, UART16550_LCR, 0x03);
	wr(&u, UART16550_FCR, 0x00);
	wr(&u, UART16550_MCR, 0x03);
	for (i = 0; msg[i]; i++) {
		/* The driver waits for THRE before each byte. */
		assert_true(rd(&u, UART16550_LSR) & 0x20);
		if (uart16550_io_write(&u, UART16550_THR, (u8)msg[i], &tx) ==
		    UART16550_OUT_TX)
			out[n++] = tx;
	}
	assert_int_equal(n, 4);
	assert_memory_equal(out, msg, 4);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01); /* no FIFO bits */
	assert_false(uart16550_irq(&u));
}

/* Linux's 8250: divisor 12 (9600), 8N1, FIFOs on/cleared, DTR RTS OUT2. */
static void test_linux_init_sequence(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_LCR, 0x80);
	wr(&u, UART16550_DLL, 12);
	wr(&u, UART16550_DLM, 0);
	wr(&u, UART16550_LCR, 0x03);
	wr(&u, UART16550_FCR, 0xc7);
	wr(&u, UART16550_MCR, 0x0b);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc1);
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	assert_int_equal(rd(&u, UART16550_MCR), 0x0b);
	assert_int_equal(uart16550_rx_room(&u), 16);
	assert_false(uart16550_irq(&u));
	assert_int_equal(u.stats.tx_bytes, 0);

	/* Receive interrupts on: one byte, trigger 14: character timeout. */
	wr(&u, UART16550_IER, 0x01);
	assert_false(uart16550_irq(&u));
	assert_true(uart16550_rx_push(&u, 'k'));
	assert_true(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_IIR), 0xcc);
	assert_int_equal(rd(&u, UART16550_LSR), 0x61);
	assert_int_equal(rd(&u, UART16550_RBR), 'k');
	assert_int_equal(rd(&u, UART16550_IIR), 0xc1);
	assert_false(uart16550_irq(&u));
	assert_int_equal(u.stats.rx_bytes, 1);
}

/* Linux's autoconfig() must find a 16550A and nothing fancier. */
static void test_linux_autoconfig_sees_16550a(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	/* Scratch register holds a value. */
	wr(&u, UART16550_SCR, 0xa5);
	assert_int_equal(rd(&u, UART16550_SCR), 0xa5);
	wr(&u, UART16550_SCR, 0x5a);
	assert_int_equal(rd(&u, UART16550_SCR), 0x5a);
	/* IER: 4 bits; the XScale UUE bit 6 does not stick. */
	wr(&u, UART16550_IER, 0x00);
	assert_int_equal(rd(&u, UART16550_IER) & 0x0f, 0x00);
	wr(&u, UART16550_IER, 0x0f);
	assert_int_equal(rd(&u, UART16550_IER) & 0x0f, 0x0f);
	wr(&u, UART16550_IER, 0x40);
	assert_int_equal(rd(&u, UART16550_IER), 0x00);
	/* Loopback with RTS and OUT2: MSR shows CTS and DCD. */
	wr(&u, UART16550_MCR, 0x10 | 0x0a);
	assert_int_equal(rd(&u, UART16550_MSR) & 0xf0, 0x90);
	wr(&u, UART16550_MCR, 0x00);
	/* FIFO enabled: IIR bits 7:6 are 11 (16550A, not 16550). */
	wr(&u, UART16550_FCR, 0x01);
	assert_int_equal(rd(&u, UART16550_IIR) >> 6, 3);
	/* No EFR behind LCR 0xBF: register 2 still reads IIR (non-zero). */
	wr(&u, UART16550_LCR, 0xbf);
	assert_int_not_equal(rd(&u, UART16550_IIR), 0);
	wr(&u, UART16550_LCR, 0x00);
	/* No 64-byte FIFO (16750): IIR bit 5 stays 0 after FCR bit 5. */
	wr(&u, UART16550_FCR, 0x21);
	assert_int_equal(rd(&u, UART16550_IIR) & 0x20, 0);
	/* And no NatSemi EXCR1 loop bit reflecting MCR at LCR 0xE0. */
	wr(&u, UART16550_MCR, 0x10);
	wr(&u, UART16550_LCR, 0xe0);
	assert_int_equal(rd(&u, UART16550_IIR) & 0x10, 0);
}

/* All four sources at once, taken in the data sheet's order. */
static void test_iir_priority(void **state)
{
	struct uart16550 u;
	unsigned int i;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_FCR, 0x01); /* FIFO, trigger 1 */
	/* Loopback drops CTS, DSR, DCD: three deltas (a modem source). */
	wr(&u, UART16550_MCR, 0x10);
	wr(&u, UART16550_IER, 0x0f); /* + THRE pending (ETBEI enabled) */
	/* 17 bytes through the loop: 16 in the FIFO and an overrun. */
	for (i = 0; i < 17; i++)
		wr(&u, UART16550_THR, (u8)('a' + i));
	assert_int_equal(uart16550_rx_count(&u), 16);

	assert_int_equal(rd(&u, UART16550_IIR), 0xc6); /* line status */
	assert_int_equal(rd(&u, UART16550_IIR), 0xc6); /* not cleared by IIR */
	assert_int_equal(rd(&u, UART16550_LSR), 0x63);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc4); /* data available */
	assert_int_equal(rd(&u, UART16550_IIR), 0xc4);
	for (i = 0; i < 16; i++)
		assert_int_equal(rd(&u, UART16550_RBR), 'a' + i);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc2); /* THR empty */
	/* That read cleared THRE; the modem deltas are left. */
	assert_int_equal(rd(&u, UART16550_IIR), 0xc0);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc0);
	assert_int_equal(rd(&u, UART16550_MSR), 0x0b);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc1);
}

static void test_thre_interrupt(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_MCR, 0x08); /* OUT2 */
	assert_false(uart16550_irq(&u));
	/* Setting ETBEI with THR empty raises it. */
	wr(&u, UART16550_IER, 0x02);
	assert_true(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_IIR), 0x02);
	/* Reading IIR with THRE as the source cleared it. */
	assert_false(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	/* A THR write completes at once and raises it again. */
	wr_tx(&u, 'a', 'a');
	assert_true(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	/* Writing THR clears and (sent at once) re-raises: still pending. */
	wr_tx(&u, 'b', 'b');
	assert_int_equal(rd(&u, UART16550_IIR), 0x02);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	/* Linux's THRE test: IER 0 then ETBEI again re-asserts. */
	wr(&u, UART16550_IER, 0x00);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	wr(&u, UART16550_IER, 0x02);
	assert_int_equal(rd(&u, UART16550_IIR), 0x02);
	/* Masked: a THR write with ETBEI off shows nothing. */
	wr(&u, UART16550_IER, 0x00);
	wr_tx(&u, 'c', 'c');
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	assert_false(uart16550_irq(&u));

	/* An IIR read reporting a higher source leaves THRE pending. */
	wr(&u, UART16550_IER, 0x03);
	assert_true(uart16550_rx_push(&u, 'z'));
	assert_int_equal(rd(&u, UART16550_IIR), 0x04);
	assert_int_equal(rd(&u, UART16550_RBR), 'z');
	assert_int_equal(rd(&u, UART16550_IIR), 0x02);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	assert_int_equal(u.stats.tx_bytes, 3);
}

static void test_rx_fifo_fill_and_overrun(void **state)
{
	struct uart16550 u;
	unsigned int i;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_FCR, 0x07);
	assert_int_equal(uart16550_rx_room(&u), 16);
	for (i = 0; i < 16; i++) {
		assert_true(uart16550_rx_push(&u, (u8)(0x30 + i)));
		assert_int_equal(uart16550_rx_room(&u), 15 - i);
	}
	assert_int_equal(rd(&u, UART16550_LSR), 0x61);
	/* The 17th is lost; OE until LSR is read. */
	assert_false(uart16550_rx_push(&u, 0xee));
	assert_int_equal(u.stats.rx_overruns, 1);
	assert_int_equal(u.stats.rx_bytes, 16);
	assert_int_equal(rd(&u, UART16550_LSR), 0x63);
	assert_int_equal(rd(&u, UART16550_LSR), 0x61);
	for (i = 0; i < 16; i++) {
		assert_int_equal(rd(&u, UART16550_LSR) & 0x01, 1);
		assert_int_equal(rd(&u, UART16550_RBR), 0x30 + i);
	}
	/* Empty: DR clear. */
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	assert_int_equal(uart16550_rx_room(&u), 16);
	/* Wraps around the ring: fill again and read back in order. */
	for (i = 0; i < 16; i++)
		assert_true(uart16550_rx_push(&u, (u8)(0x80 + i)));
	for (i = 0; i < 16; i++)
		assert_int_equal(rd(&u, UART16550_RBR), 0x80 + i);
	assert_int_equal(u.stats.rx_overruns, 1);
}

static void test_trigger_levels(void **state)
{
	static const struct {
		u8 fcr;
		unsigned int level;
	} cases[] = { { 0x01, 1 }, { 0x41, 4 }, { 0x81, 8 }, { 0xc1, 14 } };
	struct uart16550 u;
	unsigned int c, i;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uart16550_init(&u);
		wr(&u, UART16550_FCR, cases[c].fcr);
		wr(&u, UART16550_IER, 0x01);
		for (i = 0; i < cases[c].level - 1; i++) {
			assert_true(uart16550_rx_push(&u, (u8)i));
			/* Below the trigger: character timeout. */
			assert_int_equal(rd(&u, UART16550_IIR), 0xcc);
		}
		assert_true(uart16550_rx_push(&u, 0x77));
		assert_int_equal(rd(&u, UART16550_IIR), 0xc4);
		/* Above the trigger: still data available. */
		assert_true(uart16550_rx_push(&u, 0x78));
		assert_int_equal(rd(&u, UART16550_IIR), 0xc4);
		/* Read down to one below the trigger: timeout again. */
		rd(&u, UART16550_RBR);
		rd(&u, UART16550_RBR);
		if (cases[c].level > 1)
			assert_int_equal(rd(&u, UART16550_IIR), 0xcc);
		else
			assert_int_equal(rd(&u, UART16550_IIR), 0xc1);
	}
}

static void test_fifo_clear_via_fcr(void **state)
{
	struct uart16550 u;
	unsigned int i;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_FCR, 0x81); /* FIFO, trigger 8 */
	wr(&u, UART16550_IER, 0x01);
	for (i = 0; i < 5; i++)
		assert_true(uart16550_rx_push(&u, (u8)i));
	/* Clearing TX leaves the receiver alone. */
	wr(&u, UART16550_FCR, 0x85);
	assert_int_equal(uart16550_rx_count(&u), 5);
	/* Clearing RX empties it; the FIFO stays on, trigger unchanged. */
	wr(&u, UART16550_FCR, 0x83);
	assert_int_equal(uart16550_rx_count(&u), 0);
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc1);
	for (i = 0; i < 8; i++)
		assert_true(uart16550_rx_push(&u, (u8)i));
	assert_int_equal(rd(&u, UART16550_IIR), 0xc4);
	/* Turning the FIFO off empties it too; IIR loses bits 7:6. */
	wr(&u, UART16550_FCR, 0x00);
	assert_int_equal(uart16550_rx_count(&u), 0);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	assert_int_equal(uart16550_rx_room(&u), 1);
	/* So does turning it on with a byte in RBR. */
	assert_true(uart16550_rx_push(&u, 'q'));
	wr(&u, UART16550_FCR, 0x01);
	assert_int_equal(uart16550_rx_count(&u), 0);
	/* A write with FCR0 clear turns the FIFO off whatever else it has. */
	wr(&u, UART16550_FCR, 0xc6);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	assert_int_equal(uart16550_rx_room(&u), 1);
}

static void test_non_fifo_single_rbr(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_IER, 0x05); /* data + line status */
	wr(&u, UART16550_MCR, 0x08);
	assert_int_equal(uart16550_rx_room(&u), 1);
	assert_true(uart16550_rx_push(&u, 'a'));
	assert_int_equal(uart16550_rx_room(&u), 0);
	/* No character timeout in 16450 mode: plain data available. */
	assert_int_equal(rd(&u, UART16550_IIR), 0x04);
	assert_true(uart16550_irq(&u));
	/* A second byte overruns RBR: the unread 'a' is destroyed. */
	assert_false(uart16550_rx_push(&u, 'b'));
	assert_int_equal(rd(&u, UART16550_IIR), 0x06);
	assert_int_equal(rd(&u, UART16550_LSR), 0x63);
	assert_int_equal(rd(&u, UART16550_IIR), 0x04);
	assert_int_equal(rd(&u, UART16550_RBR), 'b');
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	assert_false(uart16550_irq(&u));
	/* RBR empty: a read returns the last byte again, DR stays clear. */
	assert_int_equal(rd(&u, UART16550_RBR), 'b');
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
	assert_int_equal(u.stats.rx_overruns, 1);
	assert_int_equal(u.stats.rx_bytes, 1);
}

static void test_loopback(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_FCR, 0x01);
	wr(&u, UART16550_MCR, 0x1f); /* loop + all four outputs */
	assert_int_equal(rd(&u, UART16550_MSR) & 0xf0, 0xf0);
	/* TX goes to RX, not to the host. */
	wr(&u, UART16550_THR, 0x42);
	assert_int_equal(u.stats.tx_bytes, 0);
	assert_int_equal(u.stats.loopback_bytes, 1);
	assert_int_equal(rd(&u, UART16550_LSR), 0x61);
	assert_int_equal(rd(&u, UART16550_RBR), 0x42);
	/* The receiver ignores the outside world. */
	assert_int_equal(uart16550_rx_room(&u), 0);
	assert_false(uart16550_rx_push(&u, 0x43));
	assert_int_equal(rd(&u, UART16550_LSR), 0x60); /* no DR, no OE */
	assert_int_equal(u.stats.rx_dropped_loopback, 1);
	/* Each output maps to its input: RTS-CTS, DTR-DSR, OUT1-RI, OUT2-DCD */
	wr(&u, UART16550_MCR, 0x12);
	assert_int_equal(rd(&u, UART16550_MSR) & 0xf0, 0x10);
	wr(&u, UART16550_MCR, 0x11);
	assert_int_equal(rd(&u, UART16550_MSR) & 0xf0, 0x20);
	wr(&u, UART16550_MCR, 0x14);
	assert_int_equal(rd(&u, UART16550_MSR) & 0xf0, 0x40);
	wr(&u, UART16550_MCR, 0x18);
	assert_int_equal(rd(&u, UART16550_MSR) & 0xf0, 0x80);
	/* Pending interrupt, OUT2 set, but the pin is held off in loop. */
	wr(&u, UART16550_IER, 0x02);
	assert_int_equal(rd(&u, UART16550_IIR) & 0x0f, 0x02);
	wr(&u, UART16550_IER, 0x00);
	wr(&u, UART16550_IER, 0x02);
	assert_false(uart16550_irq(&u));
	/* Leaving loopback: terminal lines back, host input accepted. */
	wr(&u, UART16550_MCR, 0x0b);
	assert_int_equal(rd(&u, UART16550_MSR) & 0xf0, 0xb0);
	assert_true(uart16550_irq(&u));
	assert_true(uart16550_rx_push(&u, 0x44));
	wr_tx(&u, 0x45, 0x45);
	assert_int_equal(rd(&u, UART16550_RBR), 0x44);
}

static void test_irq_needs_out2(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_IER, 0x01);
	assert_true(uart16550_rx_push(&u, 1));
	assert_int_equal(rd(&u, UART16550_IIR), 0x04);
	assert_false(uart16550_irq(&u)); /* MCR 0 */
	wr(&u, UART16550_MCR, 0x07); /* DTR RTS OUT1, no OUT2 */
	assert_false(uart16550_irq(&u));
	wr(&u, UART16550_MCR, 0x08);
	assert_true(uart16550_irq(&u));
	/* Masked source: nothing to signal even with OUT2. */
	wr(&u, UART16550_IER, 0x00);
	assert_false(uart16550_irq(&u));
	wr(&u, UART16550_IER, 0x01);
	assert_true(uart16550_irq(&u));
	rd(&u, UART16550_RBR);
	assert_false(uart16550_irq(&u));
}

static void test_lsr_oe_and_line_status_irq(void **state)
{
	struct uart16550 u;
	unsigned int i;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_FCR, 0x01);
	wr(&u, UART16550_MCR, 0x08);
	wr(&u, UART16550_IER, 0x04); /* line status only */
	for (i = 0; i < 16; i++)
		assert_true(uart16550_rx_push(&u, (u8)i));
	assert_false(uart16550_irq(&u)); /* data alone is not enabled */
	assert_false(uart16550_rx_push(&u, 0xff));
	assert_true(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_IIR), 0xc6);
	/* IIR and RBR reads do not clear OE; LSR does. */
	rd(&u, UART16550_RBR);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc6);
	assert_int_equal(rd(&u, UART16550_LSR), 0x63);
	assert_false(uart16550_irq(&u));
	assert_int_equal(rd(&u, UART16550_LSR), 0x61);
	assert_int_equal(rd(&u, UART16550_IIR), 0xc1);
	/* No line errors from host input: PE, FE, BI, bit 7 never set. */
	assert_int_equal(rd(&u, UART16550_LSR) & 0x9c, 0);
}

static void test_msr_delta(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	wr(&u, UART16550_MCR, 0x08);
	wr(&u, UART16550_IER, 0x08); /* modem status */
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	/* Loopback with all outputs off: CTS, DSR, DCD drop. */
	wr(&u, UART16550_MCR, 0x10);
	assert_int_equal(rd(&u, UART16550_IIR), 0x00);
	assert_int_equal(rd(&u, UART16550_MSR), 0x0b);
	assert_int_equal(rd(&u, UART16550_MSR), 0x00); /* deltas cleared */
	assert_int_equal(rd(&u, UART16550_IIR), 0x01);
	/* DTR -> DSR: DDSR only. */
	wr(&u, UART16550_MCR, 0x11);
	assert_int_equal(rd(&u, UART16550_MSR), 0x22);
	/* OUT1 -> RI rising: no TERI; falling: TERI. */
	wr(&u, UART16550_MCR, 0x15);
	assert_int_equal(rd(&u, UART16550_MSR), 0x60);
	wr(&u, UART16550_MCR, 0x11);
	assert_int_equal(rd(&u, UART16550_MSR), 0x24);
	/* Writing the same MCR again changes nothing. */
	wr(&u, UART16550_MCR, 0x11);
	assert_int_equal(rd(&u, UART16550_MSR), 0x20);
	/* Deltas accumulate until read: RTS up then down is still DCTS. */
	wr(&u, UART16550_MCR, 0x13);
	wr(&u, UART16550_MCR, 0x11);
	assert_int_equal(rd(&u, UART16550_MSR), 0x21);
	/* MSR writes are ignored. */
	wr(&u, UART16550_MSR, 0xff);
	assert_int_equal(rd(&u, UART16550_MSR), 0x20);
}

static void test_line_control_and_reserved_bits(void **state)
{
	struct uart16550 u;

	(void)state;
	uart16550_init(&u);
	/* LCR is read back; framing does not alter the byte (documented). */
	wr(&u, UART16550_LCR, 0x5e);
	assert_int_equal(rd(&u, UART16550_LCR), 0x5e);
	wr_tx(&u, 0xff, 0xff);
	wr(&u, UART16550_LCR, 0x00);
	wr_tx(&u, 0xa5, 0xa5);
	/* MCR bits 7:5, IER bits 7:4 read 0; LSR writes ignored. */
	wr(&u, UART16550_MCR, 0xe3);
	assert_int_equal(rd(&u, UART16550_MCR), 0x03);
	wr(&u, UART16550_IER, 0xf0);
	assert_int_equal(rd(&u, UART16550_IER), 0x00);
	wr(&u, UART16550_LSR, 0x1f);
	assert_int_equal(rd(&u, UART16550_LSR), 0x60);
}

static void test_bad_register(void **state)
{
	struct uart16550 u;
	u8 v = 0, tx = 0x11;

	(void)state;
	uart16550_init(&u);
	assert_int_equal(uart16550_io_read(&u, 8, &v), -EINVAL);
	assert_int_equal(v, 0xff);
	assert_int_equal(uart16550_io_write(&u, 8, 'x', &tx),
			 UART16550_OUT_NONE);
	assert_int_equal(tx, 0x11);
	assert_int_equal(u.stats.bad_reg, 2);
	assert_int_equal(u.stats.tx_bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_dlab_divisor_not_transmitted),
		cmocka_unit_test(test_kvm_unit_tests_init),
		cmocka_unit_test(test_linux_init_sequence),
		cmocka_unit_test(test_linux_autoconfig_sees_16550a),
		cmocka_unit_test(test_iir_priority),
		cmocka_unit_test(test_thre_interrupt),
		cmocka_unit_test(test_rx_fifo_fill_and_overrun),
		cmocka_unit_test(test_trigger_levels),
		cmocka_unit_test(test_fifo_clear_via_fcr),
		cmocka_unit_test(test_non_fifo_single_rbr),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_irq_needs_out2),
		cmocka_unit_test(test_lsr_oe_and_line_status_irq),
		cmocka_unit_test(test_msr_delta),
		cmocka_unit_test(test_line_control_and_reserved_bits),
		cmocka_unit_test(test_bad_register),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
