/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART as the guest sees it at COM1 (uart16550.c).  Portable.
 *
 * The model is driven by port accesses (register 0-7 = port - base) and by
 * bytes the host pushes into the receiver; a byte the guest transmits is
 * handed back to the caller (UART16550_OUT_TX), which prints it.
 *
 * The names carry the chip's number because drivers/uart.c, the host's own
 * console driver, already owns struct uart and uart_init() in the same
 * link.
 *
 * Deterministic choices where the data sheet leaves room (no time base):
 *  - Transmission is instantaneous: THR and the transmitter are empty again
 *    as soon as a byte is written, so LSR THRE and TEMT always read 1.
 *  - The character timeout (IIR 0x0C) is reported as soon as the receive
 *    FIFO holds data below the trigger level, as if four character times
 *    had already passed without a read; reading RBR does not delay it.
 *  - Host input has no line errors: PE, FE, BI and the FIFO error bit
 *    (LSR bits 2, 3, 4, 7) are never set.  OE is.
 *  - The modem inputs are those of a connected terminal: DCD, DSR and CTS
 *    asserted, RI not (MSR 0xB0 after reset).  They never change, so the
 *    delta bits only move in loopback mode.
 *  - LCR bits 6:0 (word length, stop bits, parity, break) are stored and
 *    read back but change nothing: every byte passes with all 8 bits, so
 *    a guest that prints before programming LCR (reset: 5-bit words) is
 *    still legible.
 *  - Writes to LSR and MSR (factory test on real parts) are ignored.
 */
#ifndef TDP_HV_DEV_UART16550_H
#define TDP_HV_DEV_UART16550_H

#include "types.h"

#define UART_FIFO_SIZE 16

/* Register offsets from the base port. */
#define UART16550_RBR 0 /* read, DLAB=0 */
#define UART16550_THR 0 /* write, DLAB=0 */
#define UART16550_DLL 0 /* DLAB=1 */
#define UART16550_IER 1 /* DLAB=0 */
#define UART16550_DLM 1 /* DLAB=1 */
#define UART16550_IIR 2 /* read */
#define UART16550_FCR 2 /* write */
#define UART16550_LCR 3
#define UART16550_MCR 4
#define UART16550_LSR 5
#define UART16550_MSR 6
#define UART16550_SCR 7

#define UART16550_IER_ERBFI 0x01 /* received data available */
#define UART16550_IER_ETBEI 0x02 /* THR empty */
#define UART16550_IER_ELSI 0x04 /* receiver line status */
#define UART16550_IER_EDSSI 0x08 /* modem status */

/* IIR bits 3:0, in priority order; bits 7:6 are set in FIFO mode. */
#define UART16550_IIR_NONE 0x01
#define UART16550_IIR_RLS 0x06
#define UART16550_IIR_RDA 0x04
#define UART16550_IIR_TIMEOUT 0x0c
#define UART16550_IIR_THRE 0x02
#define UART16550_IIR_MSR 0x00
#define UART16550_IIR_FIFO 0xc0

#define UART16550_FCR_ENABLE 0x01
#define UART16550_FCR_CLEAR_RX 0x02
#define UART16550_FCR_CLEAR_TX 0x04

#define UART16550_LCR_DLAB 0x80

#define UART16550_MCR_DTR 0x01
#define UART16550_MCR_RTS 0x02
#define UART16550_MCR_OUT1 0x04
#define UART16550_MCR_OUT2 0x08
#define UART16550_MCR_LOOP 0x10

#define UART16550_LSR_DR 0x01
#define UART16550_LSR_OE 0x02
#define UART16550_LSR_PE 0x04
#define UART16550_LSR_FE 0x08
#define UART16550_LSR_BI 0x10
#define UART16550_LSR_THRE 0x20
#define UART16550_LSR_TEMT 0x40
#define UART16550_LSR_FIFOERR 0x80

#define UART16550_MSR_DCTS 0x01
#define UART16550_MSR_DDSR 0x02
#define UART16550_MSR_TERI 0x04
#define UART16550_MSR_DDCD 0x08
#define UART16550_MSR_CTS 0x10
#define UART16550_MSR_DSR 0x20
#define UART16550_MSR_RI 0x40
#define UART16550_MSR_DCD 0x80

/* The modem inputs of the terminal on the host side. */
#define UART16550_MSR_CONNECTED \
	(UART16550_MSR_DCD | UART16550_MSR_DSR | UART16550_MSR_CTS)

/**
 * struct uart16550_stats - counters the caller may log.
 * @tx_bytes: bytes handed to the host (not in loopback mode).
 * @rx_bytes: host bytes accepted into the receiver.
 * @rx_overruns: receiver overruns (a byte was lost; LSR OE was set).
 * @rx_dropped_loopback: host bytes refused because the receiver listens to
 *                       the transmitter (loopback mode).
 * @loopback_bytes: bytes the guest sent to itself in loopback mode.
 * @divisor_writes: writes to DLL or DLM.
 * @bad_reg: accesses with a register number above 7 (ignored).
 */
struct uart16550_stats {
	u64 tx_bytes;
	u64 rx_bytes;
	u64 rx_overruns;
	u64 rx_dropped_loopback;
	u64 loopback_bytes;
	u64 divisor_writes;
	u64 bad_reg;
};

/**
 * struct uart16550 - the chip's state; every field is private to
 * uart16550.c except @stats.
 */
struct uart16550 {
	u8 rx[UART_FIFO_SIZE]; /* ring; in 16450 mode only one slot is used */
	u8 rx_head;
	u8 rx_count;
	u8 rbr; /* the last byte read, returned again when RX is empty */
	u8 ier;
	u8 lcr;
	u8 mcr;
	u8 lsr_err; /* OE (the only error bit host input can cause) */
	u8 msr; /* bits 7:4 the modem lines as seen, 3:0 the deltas */
	u8 scr;
	u8 dll;
	u8 dlm;
	u8 fcr; /* FCR bit 0 and the trigger bits 7:6 */
	bool thre_pending; /* the THR-empty interrupt's own latch */
	struct uart16550_stats stats;
};

enum uart_out {
	UART16550_OUT_NONE,
	UART16550_OUT_TX, /* *tx holds a byte the guest transmitted */
};

void uart16550_init(struct uart16550 *u);
int uart16550_io_read(struct uart16550 *u, unsigned int reg, u8 *val);
enum uart_out uart16550_io_write(struct uart16550 *u, unsigned int reg, u8 val,
				 u8 *tx);
bool uart16550_rx_push(struct uart16550 *u, u8 byte);
unsigned int uart16550_rx_room(const struct uart16550 *u);
bool uart16550_irq(const struct uart16550 *u);
u8 uart16550_iir(const struct uart16550 *u);
unsigned int uart16550_rx_count(const struct uart16550 *u);

#endif /* TDP_HV_DEV_UART16550_H */
