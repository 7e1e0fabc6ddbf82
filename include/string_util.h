/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding memory and string helpers (lib/libc/string.c).  The image has no
 * libc; the compiler may also emit calls to memcpy/memset/memmove/memcmp.
 * On the host these names are libc's.
 */
#ifndef TDP_STRING_UTIL_H
#define TDP_STRING_UTIL_H

#include "types.h"

#ifdef TDP_HOSTED
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

#endif /* TDP_STRING_UTIL_H */
