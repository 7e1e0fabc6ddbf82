// SPDX-License-Identifier: GPL-2.0
/*
 * 16550 UART: line set-up, polled output and polled input.  Portable: the accessors in
 * struct uart do the actual port I/O or MMIO, so host tests run this file
 * against a simulated 16550.
 *
 * Firmware may leave the UART in any state (or not program it at all, as
 * under Bochs), so uart_init() sets 8N1 and the divisor itself.  Every byte
 * waits for THR-empty; the wait is bounded, and a UART that never drains
 * is marked dead rather than hanging the hypervisor.
 */
#include "uart.h"
#include "errno_codes.h"

int uart_init(struct uart *u, u32 baud)
{
	u32 div;

	if (!baud || UART_CLOCK_BAUD % baud)
		return -EINVAL;
	div = UART_CLOCK_BAUD / baud;

	u->dead = false;
	u->write(u, UART_SCR, 0x5a);
	if (u->read(u, UART_SCR) != 0x5a) {
		u->dead = true;
		return -EIO;
	}
	u->write(u, UART_IER, 0x00);
	u->write(u, UART_LCR, UART_LCR_DLAB);
	u->write(u, UART_DLL, (u8)(div & 0xff));
	u->write(u, UART_DLM, (u8)(div >> 8));
	u->write(u, UART_LCR, UART_LCR_8N1);
	u->write(u, UART_FCR, UART_FCR_ENABLE_CLEAR);
	u->write(u, UART_MCR, UART_MCR_DTR_RTS);
	return 0;
}

static bool uart_wait(struct uart *u, u8 mask)
{
	for (u32 i = 0; i < UART_WAIT_LOOPS; i++)
		if (u->read(u, UART_LSR) & mask)
			return true;
	u->dead = true;
	return false;
}

static void uart_putc(struct uart *u, char c)
{
	if (u->dead || !uart_wait(u, UART_LSR_THRE))
		return;
	u->write(u, UART_THR, (u8)c);
}

void uart_write(struct uart *u, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc(u, '\r');
		uart_putc(u, s[i]);
	}
}

void uart_drain(struct uart *u)
{
	if (!u->dead)
		uart_wait(u, UART_LSR_TEMT);
}

int uart_getc(struct uart *u)
{
	if (u->dead || !(u->read(u, UART_LSR) & UART_LSR_DR))
		return -1;
	return u->read(u, UART_RBR);
}
