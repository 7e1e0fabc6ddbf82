/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compiler helpers and bit macros (Linux style).  Portable: used by the
 * freestanding image and by host tests.
 */
#ifndef TDP_COMPILER_H
#define TDP_COMPILER_H

#include "types.h"

#define __must_check __attribute__((warn_unused_result))
#define __noreturn __attribute__((noreturn))
#ifndef __packed
#define __packed __attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((aligned(x)))
#endif
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __unused __attribute__((unused))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#ifndef static_assert
#define static_assert _Static_assert
#endif

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
/* Bits h..l inclusive, h >= l. */
#define GENMASK_ULL(h, l) (((~0ULL) >> (63 - (h))) & ((~0ULL) << (l)))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#endif /* TDP_COMPILER_H */
