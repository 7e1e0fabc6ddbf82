// SPDX-License-Identifier: GPL-2.0
/*
 * Console line formatting (portable, host-tested).  The timestamp is
 * computed by integer division only: ticks / (kHz * 1000) whole seconds,
 * and the remainder scaled to microseconds, so it cannot overflow for any
 * 64-bit tick count.
 */
#include "console.h"
#include "fmt.h"

int console_fmt_timestamp(char *buf, size_t size, u64 ticks, u64 tsc_khz)
{
	u64 hz, sec, usec;

	if (!tsc_khz)
		return fmt_snprintf(buf, size, "[%6s.??????] ", "?");
	hz = tsc_khz * 1000;
	sec = ticks / hz;
	usec = (ticks % hz) * 1000 / tsc_khz;
	return fmt_snprintf(buf, size, "[%6llu.%06llu] ", sec, usec);
}

int console_fmt_line(char *buf, size_t size, u64 ticks, u64 tsc_khz,
		     enum log_level level, const char *fmt, va_list ap)
{
	static const char *const tags[] = { "ERROR: ", "WARN: ", "", "" };
	int n, m;

	n = console_fmt_timestamp(buf, size, ticks, tsc_khz);
	if ((size_t)n >= size)
		n = size ? (int)size - 1 : 0;
	m = fmt_snprintf(buf + n, size - n, "%s",
			 level <= LOG_DEBUG ? tags[level] : "");
	n += m;
	if ((size_t)n >= size)
		n = size ? (int)size - 1 : 0;
	n += fmt_vsnprintf(buf + n, size - n, fmt, ap);
	if ((size_t)n + 2 > size) {
		/* Truncated: still end the line. */
		if (size >= 2) {
			buf[size - 2] = '\n';
			buf[size - 1] = '\0';
		}
		return n + 1;
	}
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}
