// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the small PC devices: hv/dev/uart16550.c, and in
 * the same run hv/dev/i8042.c, hv/dev/pci_host.c and hv/dev/fw_cfg.c.  The
 * input is a sequence of steps (one op byte, then its arguments): register
 * reads and writes of each device and host bytes pushed into the UART.
 * Invariants, checked after every step:
 *   UART: the receiver holds at most 16 bytes (1 in 16450 mode) and reads
 *     back in the order a shadow queue says (overrun rules included); IIR
 *     is one of the data sheet's codes, with bits 7:6 exactly in FIFO mode
 *     and the timeout code only there; the IRQ line is high exactly when
 *     an enabled source is pending, OUT2 is set and loopback is off; no
 *     byte is transmitted while DLAB or loopback is set; LSR always shows
 *     THRE and TEMT, and DR exactly when data is waiting.
 *   i8042: the queue holds at most 16 bytes; IBF and parity never read 1;
 *     OBF exactly when bytes wait; IRQ1/IRQ12 only for a waiting byte of
 *     their port with their command-byte enable; a timeout only on an aux
 *     byte; a reset only from a pulse command or an output-port write with
 *     bit 0 clear.
 *   PCI: values fit the access size; CONFIG_ADDRESS bits 1:0 read 0; a
 *     data read with bit 31 clear or of an absent device is all-ones; the
 *     command register keeps its hard-wired bits; -EINVAL exactly for bad
 *     sizes and ranges; a reset only from a 0xcf9 byte with bit 2.
 *   fw_cfg: -EINVAL exactly for undecoded accesses; the signature bytes
 *     read back at their offsets; past the end reads 0.
 *
 *   make build/fuzz/fuzz_uart16550
 *   build/fuzz/fuzz_uart16550 -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "errno_codes.h"
#include "hv/dev/uart16550.h"
#include "hv/dev/i8042.h"
#include "hv/dev/pci_host.h"
#include "hv/dev/fw_cfg.h"

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t next(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

/* ------------------------------------------------------------------ UART */

/* What the receiver must hold, kept independently of the model. */
struct shadow {
	uint8_t q[UART_FIFO_SIZE];
	unsigned int n;
};

static bool u_fifo(const struct uart16550 *u)
{
	return u->fcr & UART16550_FCR_ENABLE;
}

static bool u_loop(const struct uart16550 *u)
{
	return u->mcr & UART16550_MCR_LOOP;
}

static void shadow_receive(struct shadow *s, const struct uart16550 *u,
			   uint8_t byte)
{
	unsigned int cap = u_fifo(u) ? UART_FIFO_SIZE : 1;

	if (s->n < cap)
		s->q[s->n++] = byte;
	else if (!u_fifo(u))
		s->q[0] = byte; /* 16450 overrun replaces RBR */
}

static bool iir_code_ok(uint8_t iir, bool fifo)
{
	uint8_t low = iir & 0x0f;

	if ((iir & 0x30) || ((iir & 0xc0) != (fifo ? 0xc0 : 0)))
		return false;
	if (low == UART16550_IIR_TIMEOUT)
		return fifo;
	return low == UART16550_IIR_NONE || low == UART16550_IIR_RLS ||
	       low == UART16550_IIR_RDA || low == UART16550_IIR_THRE ||
	       low == UART16550_IIR_MSR;
}

static void uart_check(const struct uart16550 *u, const struct shadow *s)
{
	unsigned int cap = u_fifo(u) ? UART_FIFO_SIZE : 1;
	uint8_t iir = uart16550_iir(u);
	bool pending = (iir & 0x0f) != UART16550_IIR_NONE;

	CHECK(uart16550_rx_count(u) <= cap);
	CHECK(uart16550_rx_count(u) == s->n);
	CHECK(uart16550_rx_room(u) ==
	      (u_loop(u) ? 0 : cap - uart16550_rx_count(u)));
	CHECK(iir_code_ok(iir, u_fifo(u)));
	CHECK(uart16550_irq(u) ==
	      (pending && (u->mcr & UART16550_MCR_OUT2) && !u_loop(u)));
	/* Each reported source is enabled and really there. */
	switch (iir & 0x0f) {
	case UART16550_IIR_RLS:
		CHECK((u->ier & UART16550_IER_ELSI) && u->lsr_err);
		break;
	case UART16550_IIR_RDA:
	case UART16550_IIR_TIMEOUT:
		CHECK((u->ier & UART16550_IER_ERBFI) && s->n);
		break;
	case UART16550_IIR_THRE:
		CHECK(u->ier & UART16550_IER_ETBEI);
		break;
	case UART16550_IIR_MSR:
		CHECK((u->ier & UART16550_IER_EDSSI) && (u->msr & 0x0f));
		break;
	}
	CHECK(!(u->ier & 0xf0) && !(u->mcr & 0xe0));
}

static void uart_step(struct uart16550 *u, struct shadow *s, uint8_t op,
		      struct input *in)
{
	unsigned int reg = next(in) & 0x0f; /* 8-15: bad register */
	uint8_t val = next(in), v = 0, tx = 0;
	bool dlab = u->lcr & UART16550_LCR_DLAB, loop = u_loop(u);
	bool was_fifo = u_fifo(u);
	unsigned int before = s->n, i;
	u64 tx_before = u->stats.tx_bytes;
	enum uart_out out;
	int ret;

	if (reg >= 8 && (val & 1))
		reg &= 7; /* mostly valid registers */
	switch (op % 3) {
	case 0:
		ret = uart16550_io_read(u, reg, &v);
		CHECK(ret == (reg < 8 ? 0 : -EINVAL));
		if (reg == UART16550_RBR && !dlab && before) {
			CHECK(v == s->q[0]);
			for (i = 1; i < s->n; i++)
				s->q[i - 1] = s->q[i];
			s->n--;
		}
		if (reg == UART16550_LSR) {
			CHECK((v & 0x60) == 0x60);
			CHECK(!!(v & UART16550_LSR_DR) == !!before);
			CHECK(!(v & 0x9c)); /* no PE, FE, BI, FIFO error */
		}
		if (reg == UART16550_IIR)
			CHECK(iir_code_ok(v, was_fifo));
		break;
	case 1:
		out = uart16550_io_write(u, reg, val, &tx);
		if (out == UART16550_OUT_TX) {
			CHECK(reg == UART16550_THR && !dlab && !loop);
			CHECK(tx == val);
			CHECK(u->stats.tx_bytes == tx_before + 1);
		} else {
			CHECK(out == UART16550_OUT_NONE);
			CHECK(u->stats.tx_bytes == tx_before);
			CHECK(!(reg == UART16550_THR && !dlab && !loop));
		}
		if (reg == UART16550_THR && !dlab && loop)
			shadow_receive(s, u, val);
		if (reg == UART16550_FCR &&
		    (was_fifo != !!(val & UART16550_FCR_ENABLE) ||
		     ((val & UART16550_FCR_ENABLE) &&
		      (val & UART16550_FCR_CLEAR_RX))))
			s->n = 0;
		break;
	default:
		if (uart16550_rx_push(u, val)) {
			CHECK(!loop && before < (was_fifo ? 16u : 1u));
		} else {
			CHECK(loop || before == (was_fifo ? 16u : 1u));
		}
		if (!loop)
			shadow_receive(s, u, val);
		break;
	}
	uart_check(u, s);
}

/* ----------------------------------------------------------------- i8042 */

static void kbc_check(const struct i8042 *k)
{
	uint8_t st = i8042_status(k);

	CHECK(i8042_queued(k) <= I8042_QUEUE_SIZE);
	CHECK(!(st & (I8042_STR_IBF | I8042_STR_PARITY)));
	CHECK(!!(st & I8042_STR_OBF) == !!i8042_queued(k));
	CHECK(st & I8042_STR_KEYLOCK);
	if (st & I8042_STR_TIMEOUT)
		CHECK(st & I8042_STR_AUXDATA);
	if (i8042_irq1(k))
		CHECK((st & I8042_STR_OBF) && !(st & I8042_STR_AUXDATA) &&
		      (k->ram[0] & I8042_CTR_KBDINT));
	if (i8042_irq12(k))
		CHECK((st & I8042_STR_OBF) && (st & I8042_STR_AUXDATA) &&
		      (k->ram[0] & I8042_CTR_AUXINT));
	CHECK(!(i8042_irq1(k) && i8042_irq12(k)));
}

static void kbc_step(struct i8042 *k, uint8_t op, struct input *in)
{
	static const u16 ports[4] = { 0x60, 0x64, 0x60, 0x61 };
	uint8_t sel = next(in), val = next(in), v = 0;
	u16 port = ports[sel & 3];
	uint8_t pending = k->pending_cmd;
	enum i8042_action act;
	int ret;

	/* Bias toward real commands so deep states are reached. */
	if ((sel & 0x0c) == 0x04 && port == 0x64)
		val = (uint8_t)(0xa7 + (val % 0x59));
	if (op & 1) {
		act = i8042_io_write(k, port, val);
		if (act == I8042_RESET)
			CHECK((port == 0x64 && val >= 0xf0 && !(val & 1)) ||
			      (port == 0x60 && pending == 0xd1 && !(val & 1)));
		else
			CHECK(act == I8042_NONE);
	} else {
		ret = i8042_io_read(k, port, &v);
		CHECK(ret == (port == 0x61 ? -EINVAL : 0));
	}
	kbc_check(k);
}

/* ------------------------------------------------------------------- PCI */

static u32 mask_of(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static bool pci_ok(u16 port, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && port >= 0xcf8 &&
	       port + size <= 0xd00;
}

static void pci_step(struct pci_host *h, uint8_t op, struct input *in)
{
	static const unsigned int sizes[4] = { 1, 2, 4, 3 };
	uint8_t a = next(in);
	u16 port = (u16)(0xcf6 + (a % 12));
	unsigned int size = sizes[(a >> 4) & 3];
	u32 val = next(in) | (u32)next(in) << 8 | (u32)next(in) << 16 |
		  (u32)next(in) << 24,
	    v = 0;
	u32 addr = h->config_address;
	enum pci_action act;
	int ret;

	/* Mostly enabled addresses near the host bridge. */
	if ((a & 0xc0) == 0x40 && port == 0xcf8 && size == 4)
		val = (val & 0x000301fc) | 0x80000000u;
	if (op & 1) {
		act = pci_host_io_write(h, port, size, val);
		if (act == PCI_RESET)
			CHECK(port == 0xcf9 && size == 1 && (val & 4));
		else
			CHECK(act == PCI_NONE &&
			      !(port == 0xcf9 && size == 1 && (val & 4)));
	} else {
		ret = pci_host_io_read(h, port, size, &v);
		CHECK(ret == (pci_ok(port, size) ? 0 : -EINVAL));
		if (!ret)
			CHECK(v <= mask_of(size));
		if (!ret && port >= 0xcfc) {
			bool bridge = (addr & 0x80000000u) &&
				      !(addr & 0x00ffff00u);

			if (!bridge)
				CHECK(v == mask_of(size));
		}
		if (!ret && port == 0xcf8 && size == 4)
			CHECK(v == addr && !(v & 3));
	}
	CHECK(!(h->config_address & 3));
	CHECK((h->command & ~I440FX_COMMAND_WMASK) == I440FX_COMMAND_INIT);
	CHECK(!(h->reset_control & ~0x0a));
}

/* ---------------------------------------------------------------- fw_cfg */

static void fw_step(struct fw_cfg *f, uint8_t op, struct input *in)
{
	static const u16 keys[8] = { 0x0000, 0x0001, 0x0003, 0x0005,
				     0x000f, 0x0019, 0x4000, 0x8000 };
	uint8_t a = next(in), b = next(in), v = 0;
	u16 port = (a & 1) ? 0x511 : 0x510;
	unsigned int size = 1u << ((a >> 1) & 3); /* 1, 2, 4, 8 */
	u16 sel = f->selector;
	u32 off = f->offset;
	int ret;

	if (a & 0x40)
		port = (u16)(0x50e + (b & 7));
	if (op & 1) {
		u32 key = (a & 0x80) ? keys[b & 7] : (u32)(b | a << 8);

		ret = fw_cfg_io_write(f, port, size, key);
		CHECK(ret == (((port == 0x510 && size == 2) ||
			       (port == 0x511 && size == 1))
				      ? 0
				      : -EINVAL));
		if (!ret && port == 0x510)
			CHECK(f->offset == 0 && f->selector == (u16)key);
	} else {
		ret = fw_cfg_io_read(f, port, size, &v);
		CHECK(ret == ((port == 0x511 && size == 1) ? 0 : -EINVAL));
		if (!ret && (sel & 0xbfff) == 0 && off < 4)
			CHECK(v == (uint8_t) "QEMU"[off]);
		if (!ret && off >= 8)
			CHECK(v == 0);
	}
	CHECK(f->offset <= 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct uart16550 u;
	struct shadow s = { { 0 }, 0 };
	struct i8042 k;
	struct pci_host h;
	struct fw_cfg f;

	uart16550_init(&u);
	i8042_init(&k);
	pci_host_init(&h);
	fw_cfg_init(&f, 2, 4, 256ULL << 20);
	uart_check(&u, &s);
	while (in.left) {
		uint8_t op = next(&in);

		/* Half the steps drive the UART, the rest the other three. */
		switch (op >> 5) {
		case 0:
		case 1:
		case 2:
		case 3:
			uart_step(&u, &s, op, &in);
			break;
		case 4:
		case 5:
			kbc_step(&k, op, &in);
			break;
		case 6:
			pci_step(&h, op, &in);
			break;
		default:
			fw_step(&f, op, &in);
			break;
		}
	}
	return 0;
}
