/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host benchmarks share (each bench/NAME.c is its own binary,
 * built with the portable sources and tests/host/).
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <time.h>

/* The monotonic clock, in ns. */
static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#endif /* BENCH_BENCH_H */
