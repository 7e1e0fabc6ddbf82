// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A UART model (register map and choices in uart16550.h), written
 * from the National PC16550D data sheet.  Portable: no clock, no
 * callbacks; the caller prints what comes back as UART16550_OUT_TX.
 */
#include "hv/dev/uart16550.h"
#include "errno_codes.h"
#include "string_util.h"

static bool fifo_mode(const struct uart16550 *u)
{
	return u->fcr & UART16550_FCR_ENABLE;
}

static bool loopback(const struct uart16550 *u)
{
	return u->mcr & UART16550_MCR_LOOP;
}

/* The receiver holds 16 bytes in FIFO mode, one (RBR) in 16450 mode. */
static unsigned int rx_capacity(const struct uart16550 *u)
{
	return fifo_mode(u) ? UART_FIFO_SIZE : 1;
}

/* FCR bits 7:6 select the RCVR trigger level. */
static unsigned int rx_trigger(const struct uart16550 *u)
{
	static const u8 levels[4] = { 1, 4, 8, 14 };

	return levels[u->fcr >> 6];
}

static void rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/*
 * One byte reaches the receiver.  With the FIFO full the byte in the shift
 * register is lost; in 16450 mode it overwrites the unread RBR instead,
 * destroying the older byte.  Both set OE.
 */
static bool rx_receive(struct uart16550 *u, u8 byte)
{
	if (u->rx_count < rx_capacity(u)) {
		u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
		u->rx_count++;
		return true;
	}
	u->lsr_err |= UART16550_LSR_OE;
	u->stats.rx_overruns++;
	if (!fifo_mode(u))
		u->rx[u->rx_head] = byte;
	return false;
}

/*
 * The modem inputs: in loopback mode the outputs are wired back inside the
 * chip (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD); otherwise the terminal's
 * lines.  A change sets the matching delta bit; RI only on its falling
 * edge (TERI).
 */
static void update_msr_lines(struct uart16550 *u)
{
	u8 old = u->msr & 0xf0, lines, changed;

	if (loopback(u)) {
		lines = 0;
		if (u->mcr & UART16550_MCR_RTS)
			lines |= UART16550_MSR_CTS;
		if (u->mcr & UART16550_MCR_DTR)
			lines |= UART16550_MSR_DSR;
		if (u->mcr & UART16550_MCR_OUT1)
			lines |= UART16550_MSR_RI;
		if (u->mcr & UART16550_MCR_OUT2)
			lines |= UART16550_MSR_DCD;
	} else {
		lines = UART16550_MSR_CONNECTED;
	}
	changed = old ^ lines;
	if (changed & UART16550_MSR_CTS)
		u->msr |= UART16550_MSR_DCTS;
	if (changed & UART16550_MSR_DSR)
		u->msr |= UART16550_MSR_DDSR;
	if ((old & UART16550_MSR_RI) && !(lines & UART16550_MSR_RI))
		u->msr |= UART16550_MSR_TERI;
	if (changed & UART16550_MSR_DCD)
		u->msr |= UART16550_MSR_DDCD;
	u->msr = (u->msr & 0x0f) | lines;
}

/* The highest-priority enabled source, as IIR bits 3:0. */
static u8 iir_source(const struct uart16550 *u)
{
	if ((u->ier & UART16550_IER_ELSI) && u->lsr_err)
		return UART16550_IIR_RLS;
	if ((u->ier & UART16550_IER_ERBFI) && u->rx_count) {
		if (!fifo_mode(u) || u->rx_count >= rx_trigger(u))
			return UART16550_IIR_RDA;
		/* Below the trigger level: timed out at once (see header). */
		return UART16550_IIR_TIMEOUT;
	}
	if ((u->ier & UART16550_IER_ETBEI) && u->thre_pending)
		return UART16550_IIR_THRE;
	if ((u->ier & UART16550_IER_EDSSI) && (u->msr & 0x0f))
		return UART16550_IIR_MSR;
	return UART16550_IIR_NONE;
}

/**
 * uart16550_iir() - the value a read of IIR would return, without the
 * read's side effect (clearing a THR-empty interrupt).
 * @u: the UART.
 *
 * Context: any; does not change @u.
 * Return: IIR: one of the UART16550_IIR_* codes, with bits 7:6 set in FIFO
 * mode.
 */
u8 uart16550_iir(const struct uart16550 *u)
{
	return iir_source(u) | (fifo_mode(u) ? UART16550_IIR_FIFO : 0);
}

/**
 * uart16550_init() - the state after a master reset.
 * @u: the UART; every field is overwritten.
 *
 * IER, FCR, LCR, MCR and the divisor are 0, LSR reads 0x60 (THR and
 * transmitter empty), IIR 0x01 (nothing pending), MSR 0xB0 (a connected
 * terminal: DCD, DSR, CTS asserted; no deltas).  Counters are zeroed.
 *
 * Context: any.
 */
void uart16550_init(struct uart16550 *u)
{
	memset(u, 0, sizeof(*u));
	u->msr = UART16550_MSR_CONNECTED;
}

static u8 read_rbr(struct uart16550 *u)
{
	if (u->rx_count) {
		u->rbr = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
		u->rx_count--;
	}
	return u->rbr;
}

/**
 * uart16550_io_read() - a guest read of register @reg.
 * @u:   the UART.
 * @reg: port - base, 0-7.
 * @val: the value read.
 *
 * Reads have the data sheet's side effects: RBR pops the receiver, IIR
 * clears a THR-empty interrupt it reports, LSR clears OE, MSR clears the
 * delta bits.
 *
 * Context: any.
 * Return: 0; -EINVAL for @reg above 7 (*val is 0xff, nothing changes).
 */
int uart16550_io_read(struct uart16550 *u, unsigned int reg, u8 *val)
{
	bool dlab = u->lcr & UART16550_LCR_DLAB;
	u8 v;

	switch (reg) {
	case UART16550_RBR:
		*val = dlab ? u->dll : read_rbr(u);
		return 0;
	case UART16550_IER:
		*val = dlab ? u->dlm : u->ier;
		return 0;
	case UART16550_IIR:
		v = uart16550_iir(u);
		if ((v & 0x0f) == UART16550_IIR_THRE)
			u->thre_pending = false;
		*val = v;
		return 0;
	case UART16550_LCR:
		*val = u->lcr;
		return 0;
	case UART16550_MCR:
		*val = u->mcr;
		return 0;
	case UART16550_LSR:
		*val = u->lsr_err | UART16550_LSR_THRE | UART16550_LSR_TEMT |
		       (u->rx_count ? UART16550_LSR_DR : 0);
		u->lsr_err = 0;
		return 0;
	case UART16550_MSR:
		*val = u->msr;
		u->msr &= 0xf0;
		return 0;
	case UART16550_SCR:
		*val = u->scr;
		return 0;
	default:
		u->stats.bad_reg++;
		*val = 0xff;
		return -EINVAL;
	}
}

static enum uart_out write_thr(struct uart16550 *u, u8 val, u8 *tx)
{
	/* Sent at once, so THR is empty again and its interrupt re-arms. */
	u->thre_pending = true;
	if (loopback(u)) {
		u->stats.loopback_bytes++;
		rx_receive(u, val);
		return UART16550_OUT_NONE;
	}
	u->stats.tx_bytes++;
	*tx = val;
	return UART16550_OUT_TX;
}

static void write_ier(struct uart16550 *u, u8 val)
{
	u8 old = u->ier;

	u->ier = val & 0x0f;
	/*
	 * Enabling ETBEI while THR is empty (always, here) raises the
	 * interrupt; disabling it drops the latch, so a later enable raises
	 * it afresh (the sequence Linux uses to test for a THRE bug).
	 */
	if (!(u->ier & UART16550_IER_ETBEI))
		u->thre_pending = false;
	else if (!(old & UART16550_IER_ETBEI))
		u->thre_pending = true;
}

static void write_fcr(struct uart16550 *u, u8 val)
{
	bool was = fifo_mode(u);

	if (!(val & UART16550_FCR_ENABLE)) {
		/* The other bits are not programmed while FCR0 is 0. */
		u->fcr = 0;
		if (was)
			rx_clear(u);
		return;
	}
	u->fcr = val & (UART16550_FCR_ENABLE | 0xc0);
	/* Switching modes empties the FIFOs, as does the RX clear bit. */
	if (!was || (val & UART16550_FCR_CLEAR_RX))
		rx_clear(u);
	/* The TX FIFO is always empty: CLEAR_TX has nothing to do. */
}

/**
 * uart16550_io_write() - a guest write of @val to register @reg.
 * @u:   the UART.
 * @reg: port - base, 0-7.
 * @val: the byte written.
 * @tx:  set to the byte transmitted when UART16550_OUT_TX is returned.
 *
 * With LCR.DLAB set, registers 0 and 1 are the divisor latch and nothing
 * is transmitted.  In loopback mode a THR write goes to the receiver.
 *
 * Context: any.
 * Return: UART16550_OUT_TX when the guest transmitted *@tx, else
 * UART16550_OUT_NONE (also for @reg above 7, which is ignored and counted).
 */
enum uart_out uart16550_io_write(struct uart16550 *u, unsigned int reg, u8 val,
				 u8 *tx)
{
	bool dlab = u->lcr & UART16550_LCR_DLAB;

	switch (reg) {
	case UART16550_THR:
		if (!dlab)
			return write_thr(u, val, tx);
		u->dll = val;
		u->stats.divisor_writes++;
		break;
	case UART16550_IER:
		if (!dlab) {
			write_ier(u, val);
			break;
		}
		u->dlm = val;
		u->stats.divisor_writes++;
		break;
	case UART16550_FCR:
		write_fcr(u, val);
		break;
	case UART16550_LCR:
		u->lcr = val;
		break;
	case UART16550_MCR:
		/* Bits 7:5 are 0 on the 16550A. */
		u->mcr = val & 0x1f;
		update_msr_lines(u);
		break;
	case UART16550_LSR:
	case UART16550_MSR:
		break; /* factory test on real parts; ignored */
	case UART16550_SCR:
		u->scr = val;
		break;
	default:
		u->stats.bad_reg++;
		break;
	}
	return UART16550_OUT_NONE;
}

/**
 * uart16550_rx_push() - a byte typed on the host console arrives.
 * @u:    the UART.
 * @byte: the byte.
 *
 * As on the chip: with the receiver full (16 bytes in FIFO mode, an unread
 * RBR in 16450 mode) LSR.OE is set and a byte is lost: the new one in FIFO
 * mode, the old RBR in 16450 mode.  In loopback mode the receiver listens
 * to the transmitter only and the byte is dropped (no OE).  Callers that
 * must not lose input push only while uart16550_rx_room() is non-zero.
 *
 * Context: any.
 * Return: true if no byte was lost.
 */
bool uart16550_rx_push(struct uart16550 *u, u8 byte)
{
	if (loopback(u)) {
		u->stats.rx_dropped_loopback++;
		return false;
	}
	if (!rx_receive(u, byte))
		return false;
	u->stats.rx_bytes++;
	return true;
}

/**
 * uart16550_rx_room() - how many bytes uart16550_rx_push() can take now
 * without an overrun.
 * @u: the UART.
 *
 * Context: any.
 * Return: free receiver slots; 0 in loopback mode.
 */
unsigned int uart16550_rx_room(const struct uart16550 *u)
{
	if (loopback(u))
		return 0;
	return rx_capacity(u) - u->rx_count;
}

/**
 * uart16550_rx_count() - bytes waiting in the receiver.
 * @u: the UART.
 *
 * Context: any.
 * Return: 0-16 in FIFO mode, 0-1 in 16450 mode.
 */
unsigned int uart16550_rx_count(const struct uart16550 *u)
{
	return u->rx_count;
}

/**
 * uart16550_irq() - the level of the PC's IRQ4 line from this UART.
 * @u: the UART.
 *
 * The PC drives the IRQ line through a buffer enabled by the OUT2 pin, so
 * the line is high only when an enabled source is pending and MCR.OUT2 is
 * set.  In loopback mode the chip holds OUT2's pin inactive (the bit only
 * feeds DCD), so the line stays low there, while IIR still reports.
 *
 * Context: any.
 * Return: the line's level.
 */
bool uart16550_irq(const struct uart16550 *u)
{
	return (u->mcr & (UART16550_MCR_OUT2 | UART16550_MCR_LOOP)) ==
		       UART16550_MCR_OUT2 &&
	       iir_source(u) != UART16550_IIR_NONE;
}
