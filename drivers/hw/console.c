// SPDX-License-Identifier: GPL-2.0
/*
 * The console (image side): log_vprintf() and panic().  Lines go to the
 * attached UART and, until ExitBootServices, to an EFI sink (ConOut).
 * Before a UART is attached, lines are kept in a small early buffer and
 * replayed on attach, so nothing printed during early boot is lost.
 *
 * Single CPU for now: a spinlock keeps lines whole once APs exist.
 */
#include "console.h"
#include "fmt.h"
#include "string_util.h"
#include "uart.h"
#include "x86.h"

#define LINE_SIZE 512
#define EARLY_SIZE 4096

static struct uart *console_uart;
static void (*efi_sink)(const char *line);
static enum log_level console_level = LOG_INFO;
static u64 tsc_base, tsc_khz;
static char early_buf[EARLY_SIZE];
static size_t early_len;
static u32 console_lock;

static void lock(void)
{
	while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void unlock(void)
{
	__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

void console_set_tsc(u64 base, u64 khz)
{
	tsc_base = base;
	tsc_khz = khz;
}

u64 console_tsc_khz(void)
{
	return tsc_khz;
}

u64 console_uptime_us(void)
{
	u64 t = rdtsc() - tsc_base;

	if (!tsc_khz)
		return 0;
	return t / tsc_khz * 1000 + (t % tsc_khz) * 1000 / tsc_khz;
}

void console_set_level(enum log_level level)
{
	console_level = level;
}

void console_set_efi_sink(void (*sink)(const char *line))
{
	efi_sink = sink;
}

void console_write_raw(const char *s, size_t len)
{
	if (console_uart) {
		uart_write(console_uart, s, len);
		return;
	}
	len = MIN(len, EARLY_SIZE - early_len);
	memcpy(early_buf + early_len, s, len);
	early_len += len;
}

void console_attach_uart(struct uart *u)
{
	lock();
	console_uart = u;
	if (early_len)
		uart_write(u, early_buf, early_len);
	early_len = 0;
	unlock();
}

int console_read_byte(void)
{
	return console_uart ? uart_getc(console_uart) : -1;
}

void console_drain(void)
{
	if (console_uart)
		uart_drain(console_uart);
}

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	char line[LINE_SIZE];
	int n;

	if (level > console_level)
		return;
	n = console_fmt_line(line, sizeof(line), rdtsc() - tsc_base, tsc_khz,
			     level, fmt, ap);
	if (n >= LINE_SIZE)
		n = LINE_SIZE - 1;
	lock();
	console_write_raw(line, (size_t)n);
	if (efi_sink)
		efi_sink(line);
	unlock();
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}
