// SPDX-License-Identifier: GPL-2.0
/*
 * What the console prints: lib/fmt.c conversions, timestamps and whole
 * lines (drivers/console_fmt.c), the 16550 driver against a simulated UART
 * (drivers/uart.c), and the ACPI \_S5 AML scan (drivers/acpi.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "acpi.h"
#include "console.h"
#include "errno_codes.h"
#include "fmt.h"
#include "uart.h"

#define CHECK_FMT(expect, ...)                                      \
	do {                                                        \
		char b_[128], h_[128];                              \
		int n_ = fmt_snprintf(b_, sizeof(b_), __VA_ARGS__); \
		int m_ = snprintf(h_, sizeof(h_), __VA_ARGS__);     \
		assert_string_equal(b_, expect);                    \
		assert_string_equal(b_, h_);                        \
		assert_int_equal(n_, m_);                           \
	} while (0)

static void test_fmt_conversions(void **state)
{
	(void)state;
	CHECK_FMT("42 -7 0", "%d %i %u", 42, -7, 0u);
	CHECK_FMT("ff FF 777", "%x %X %o", 255u, 255u, 0777u);
	CHECK_FMT("[   12] [12   ] [00012]", "[%5d] [%-5d] [%05d]", 12, 12, 12);
	CHECK_FMT("-0012 +5  5", "%05d %+d % d", -12, 5, 5);
	CHECK_FMT("ffffffffffffffff 18446744073709551615", "%llx %llu", ~0ULL,
		  ~0ULL);
	CHECK_FMT("-9223372036854775808", "%lld",
		  (long long)(-0x7fffffffffffffffLL - 1));
	CHECK_FMT("0000000000001234", "%016llx", 0x1234ULL);
	CHECK_FMT("abc|ab|  abc|abc  ", "%s|%.2s|%5s|%-5s", "abc", "abc", "abc",
		  "abc");
	CHECK_FMT("x%y c", "x%%y %c", 'c');
	CHECK_FMT("  007", "%5.3d", 7);
	CHECK_FMT("[ab]", "[%.*s]", 2, "abcdef");
	CHECK_FMT("[    x]", "[%*s]", 5, "x");
	CHECK_FMT("12 34 56", "%zu %hu %hhu", (size_t)12, (unsigned short)34,
		  (unsigned char)56);
	CHECK_FMT("0x1000", "%p", (void *)0x1000);
}

static void test_fmt_truncation(void **state)
{
	const char *volatile null_str = NULL;
	char b[8];

	(void)state;
	fmt_snprintf(b, sizeof(b), "%s", null_str);
	assert_string_equal(b, "(null)");
	memset(b, 'z', sizeof(b));
	assert_int_equal(fmt_snprintf(b, 5, "%s", "abcdefgh"), 8);
	assert_string_equal(b, "abcd");
	assert_int_equal(b[5], 'z');
	assert_int_equal(fmt_snprintf(b, 0, "%d", 12345), 5);
	assert_int_equal(b[0], 'a');
	assert_int_equal(fmt_snprintf(b, 1, "%d", 12345), 5);
	assert_string_equal(b, "");
}

static void test_timestamp(void **state)
{
	char b[32];

	(void)state;
	console_fmt_timestamp(b, sizeof(b), 0, 1000000);
	assert_string_equal(b, "[     0.000000] ");
	console_fmt_timestamp(b, sizeof(b), 1500000000ULL, 1000000);
	assert_string_equal(b, "[     1.500000] ");
	/* 2.1 GHz: 3 s + 1234 us */
	console_fmt_timestamp(b, sizeof(b), 3ULL * 2100000000 + 2591400,
			      2100000);
	assert_string_equal(b, "[     3.001234] ");
	/* Huge tick counts never overflow. */
	console_fmt_timestamp(b, sizeof(b), ~0ULL, 1);
	assert_string_equal(b, "[18446744073709551.615000] ");
	console_fmt_timestamp(b, sizeof(b), 12345, 0);
	assert_string_equal(b, "[     ?.??????] ");
}

static int fmt_line(char *b, size_t size, enum log_level lvl, const char *fmt,
		    ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = console_fmt_line(b, size, 2000000, 1000, lvl, fmt, ap);
	va_end(ap);
	return n;
}

static void test_line(void **state)
{
	char b[64];

	(void)state;
	fmt_line(b, sizeof(b), LOG_INFO, "hello %d", 5);
	assert_string_equal(b, "[     2.000000] hello 5\n");
	fmt_line(b, sizeof(b), LOG_WARN, "w");
	assert_string_equal(b, "[     2.000000] WARN: w\n");
	fmt_line(b, sizeof(b), LOG_ERR, "e");
	assert_string_equal(b, "[     2.000000] ERROR: e\n");
	/* A long line is cut but still ends with a newline. */
	fmt_line(b, 24, LOG_INFO, "%s", "0123456789abcdef");
	assert_int_equal(strlen(b), 23);
	assert_int_equal(b[22], '\n');
}

/* A simulated 16550: registers, DLAB, a transmit FIFO, a busy counter. */
struct sim_uart {
	u8 reg[8];
	u8 dll, dlm;
	char out[256];
	size_t out_len;
	int busy_reads; /* LSR reads that report "busy" before each byte */
	int busy_left;
	bool absent;
	bool stuck;
};

static u8 sim_read(struct uart *u, u32 reg)
{
	struct sim_uart *s = u->priv;

	if (s->absent)
		return 0xff;
	if (reg == UART_LSR) {
		if (s->stuck || s->busy_left > 0) {
			s->busy_left--;
			return 0;
		}
		return UART_LSR_THRE | UART_LSR_TEMT;
	}
	return s->reg[reg];
}

static void sim_write(struct uart *u, u32 reg, u8 v)
{
	struct sim_uart *s = u->priv;

	if (s->absent)
		return;
	if (s->reg[UART_LCR] & UART_LCR_DLAB && reg <= 1) {
		*(reg ? &s->dlm : &s->dll) = v;
		return;
	}
	if (reg == UART_THR) {
		/* Writing while busy would lose the byte on real hardware. */
		assert_true(s->busy_left <= 0);
		s->out[s->out_len++] = (char)v;
		s->busy_left = s->busy_reads;
		return;
	}
	s->reg[reg] = v;
}

static void sim_setup(struct uart *u, struct sim_uart *s)
{
	memset(s, 0, sizeof(*s));
	memset(u, 0, sizeof(*u));
	u->read = sim_read;
	u->write = sim_write;
	u->priv = s;
}

static void test_uart_init_and_write(void **state)
{
	struct sim_uart s;
	struct uart u;

	(void)state;
	sim_setup(&u, &s);
	s.busy_reads = 3;
	assert_int_equal(uart_init(&u, 38400), 0);
	assert_int_equal(s.dll, 3);
	assert_int_equal(s.dlm, 0);
	assert_int_equal(s.reg[UART_LCR], UART_LCR_8N1);
	assert_int_equal(s.reg[UART_IER], 0);
	assert_int_equal(s.reg[UART_FCR], UART_FCR_ENABLE_CLEAR);
	uart_write(&u, "a\nb", 3);
	assert_int_equal(s.out_len, 4);
	assert_memory_equal(s.out, "a\r\nb", 4);
	uart_drain(&u);
	assert_false(u.dead);
	assert_int_equal(uart_init(&u, 9600), 0);
	assert_int_equal(s.dll, 12);
	assert_int_equal(uart_init(&u, 110), -EINVAL);
	assert_int_equal(uart_init(&u, 0), -EINVAL);
}

static void test_uart_absent_and_stuck(void **state)
{
	struct sim_uart s;
	struct uart u;

	(void)state;
	sim_setup(&u, &s);
	s.absent = true;
	assert_int_equal(uart_init(&u, 115200), -EIO);
	assert_true(u.dead);
	uart_write(&u, "lost", 4); /* returns at once, no hang */

	sim_setup(&u, &s);
	assert_int_equal(uart_init(&u, 115200), 0);
	s.stuck = true;
	uart_write(&u, "xy", 2); /* bounded wait, then the UART is dead */
	assert_true(u.dead);
	assert_int_equal(s.out_len, 0);
}

static void test_acpi_s5(void **state)
{
	/* Name(_S5_, Package(4) {0x05, 0x05, 0, 0}) as iasl emits it. */
	static const u8 aml_byte[] = { 0x10, 0x08, 0x08, '_',  'S',  '5',
				       '_',  0x12, 0x0a, 0x04, 0x0a, 0x05,
				       0x0a, 0x05, 0x00, 0x00 };
	/* Package {Zero, One} and a decoy "_S5_" not followed by a package. */
	static const u8 aml_ops[] = { '_',  'S',  '5',	'_',  0x99, 0x08,
				      '_',  'S',  '5',	'_',  0x12, 0x06,
				      0x04, 0x00, 0x01, 0x00, 0x00 };
	static const u8 aml_trunc[] = { '_', 'S', '5', '_', 0x12, 0x06, 0x04 };
	u16 a = 99, b = 99;

	(void)state;
	assert_true(acpi_aml_find_s5(aml_byte, sizeof(aml_byte), &a, &b));
	assert_int_equal(a, 5);
	assert_int_equal(b, 5);
	assert_true(acpi_aml_find_s5(aml_ops, sizeof(aml_ops), &a, &b));
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_false(acpi_aml_find_s5(aml_trunc, sizeof(aml_trunc), &a, &b));
	assert_false(acpi_aml_find_s5(aml_byte, 6, &a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_conversions),
		cmocka_unit_test(test_fmt_truncation),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_uart_init_and_write),
		cmocka_unit_test(test_uart_absent_and_stuck),
		cmocka_unit_test(test_acpi_s5),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
