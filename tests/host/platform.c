// SPDX-License-Identifier: GPL-2.0
/*
 * Host platform for tests: the log and panic functions that the image gets
 * from drivers/console.c.  Log lines go to stderr, filtered by the
 * TDP_LOG_LEVEL environment variable (0=err .. 3=debug, default 1=warn) so
 * that test output stays readable.  panic() aborts, which sanitizers and
 * cmocka report with a stack trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include "log.h"

static int host_log_level = -1;

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "ERR", "WARN", "INFO", "DEBUG" };

	if (host_log_level < 0) {
		const char *env = getenv("TDP_LOG_LEVEL");

		host_log_level = env ? atoi(env) : LOG_WARN;
	}
	if ((int)level > host_log_level)
		return;
	fprintf(stderr, "[%s] ", names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "PANIC: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
