/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 16550-compatible UART (drivers/uart.c).  The register logic is portable:
 * it reaches the device only through the read/write callbacks, which the
 * image points at port I/O or MMIO (drivers/hw/console.c) and host tests point
 * at a simulated 16550.
 */
#ifndef TDP_UART_H
#define TDP_UART_H

#include "compiler.h"

/* Register indices (multiplied by the stride for MMIO). */
#define UART_THR 0 /* transmit holding (write), DLAB=0 */
#define UART_RBR 0 /* receive buffer (read), DLAB=0 */
#define UART_DLL 0 /* divisor latch low, DLAB=1 */
#define UART_IER 1
#define UART_DLM 1 /* divisor latch high, DLAB=1 */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_FCR_ENABLE_CLEAR 0x07
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_DR 0x01 /* a received byte is waiting */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty (shift register too) */

#define UART_CLOCK_BAUD 115200 /* 1.8432 MHz / 16 */

/* Bounded busy-wait, so a missing or stuck UART cannot hang the boot. */
#define UART_WAIT_LOOPS 1000000

struct uart {
	u64 base; /* I/O port or MMIO physical address */
	u32 stride; /* bytes between registers (MMIO) */
	bool mmio;
	bool dead; /* stopped answering: output is dropped */
	u8 (*read)(struct uart *u, u32 reg);
	void (*write)(struct uart *u, u32 reg, u8 v);
	void *priv; /* for the accessors (host tests) */
};

/**
 * uart_init() - program 8N1 at @baud, FIFOs on, interrupts off.
 * @u:    UART with base and accessors filled in.
 * @baud: a divisor of 115200.
 *
 * Return: 0; -EINVAL for a baud rate that does not divide 115200;
 * -EIO when the scratch register does not hold a value (no UART there).
 */
int __must_check uart_init(struct uart *u, u32 baud);

/* Writes @len bytes, "\n" as "\r\n", waiting for THR-empty before each. */
void uart_write(struct uart *u, const char *s, size_t len);

/* A received byte, or -1 if none is waiting (never waits). */
int uart_getc(struct uart *u);

/* Waits until the transmitter is completely empty (before power-off). */
void uart_drain(struct uart *u);

#endif /* TDP_UART_H */
