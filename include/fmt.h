/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding formatted output (lib/fmt.c).  Supports %d %i %u %x %X %o %s
 * %c %p %%, flags '-' '0' ' ' '+', a width and precision (or '*'), and the
 * length modifiers hh h l ll z t j.
 */
#ifndef TDP_FMT_H
#define TDP_FMT_H

#include <stdarg.h>
#include "compiler.h"

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* TDP_FMT_H */
