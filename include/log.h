/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging and the three run-time check levels: ASSERT() (debug builds),
 * WARN_ON_ONCE() (always on) and panic() (a broken host invariant).
 *
 * The platform supplies log_vprintf() and panic(): drivers/hw/console.c in the
 * image (timestamped serial lines), tests/host/platform.c on the host.
 */
#ifndef TDP_LOG_H
#define TDP_LOG_H

#include <stdarg.h>
#include "compiler.h"

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

void log_vprintf(enum log_level level, const char *fmt, va_list ap);
void log_printf(enum log_level level, const char *fmt, ...) __printf(2, 3);
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#define pr_err(...) log_printf(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

/* Debug builds only, but always type-checked. */
#undef ASSERT /* GNU-EFI defines its own; ours wins where log.h is seen */
#ifdef TDP_DEBUG
#define ASSERT(cond)                                                         \
	do {                                                                 \
		if (unlikely(!(cond)))                                       \
			panic("ASSERT(%s) failed at %s:%d", #cond, __FILE__, \
			      __LINE__);                                     \
	} while (0)
#else
#define ASSERT(cond) ((void)sizeof(!(cond)))
#endif

/* Always on; returns its condition so it can guard a bail-out. */
#define WARN_ON_ONCE(cond)                                                   \
	({                                                                   \
		static bool __warned;                                        \
		bool __c = !!(cond);                                         \
		if (unlikely(__c) &&                                         \
		    !__atomic_exchange_n(&__warned, true, __ATOMIC_RELAXED)) \
			pr_warn("WARNING: %s at %s:%d", #cond, __FILE__,     \
				__LINE__);                                   \
		__c;                                                         \
	})

#endif /* TDP_LOG_H */
