/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor console: timestamped, levelled lines on the serial port
 * (and on UEFI ConOut until ExitBootServices).
 *
 * Line format:  "[    12.345678] message"  (seconds since boot, from the
 * calibrated TSC); warnings and errors carry "WARN: " / "ERROR: ".
 * console_fmt.c holds the portable formatting, console.c the image side.
 */
#ifndef TDP_CONSOLE_H
#define TDP_CONSOLE_H

#include "compiler.h"
#include "log.h"

struct uart;

/**
 * console_fmt_timestamp() - "[ssss.uuuuuu] " for @ticks at @tsc_khz.
 * With @tsc_khz == 0 (not calibrated yet) prints "[     ?.??????] ".
 * Return: characters the full output needs (snprintf semantics).
 */
int console_fmt_timestamp(char *buf, size_t size, u64 ticks, u64 tsc_khz);

/* Formats one whole console line (timestamp, level tag, text, "\n"). */
int console_fmt_line(char *buf, size_t size, u64 ticks, u64 tsc_khz,
		     enum log_level level, const char *fmt, va_list ap);

/* Image side (drivers/hw/console.c). */
void console_attach_uart(struct uart *u);
void console_set_efi_sink(void (*sink)(const char *line));
void console_set_level(enum log_level level);
void console_set_tsc(u64 tsc_base, u64 tsc_khz);
u64 console_tsc_khz(void);
u64 console_uptime_us(void);
void console_write_raw(const char *s, size_t len);
void console_drain(void);
/* A byte typed on the serial console, or -1 if none (never waits). */
int console_read_byte(void);

#endif /* TDP_CONSOLE_H */
