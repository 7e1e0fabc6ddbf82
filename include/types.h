/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Basic types shared by every part of tdpvisor: the image (freestanding) and
 * the host tests (hosted) both include this file.  Only compiler-provided
 * headers are used, so it works in both environments.
 */
#ifndef TDP_TYPES_H
#define TDP_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64; /* so %llx takes it with no cast */
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;

/*
 * Distinct address types.  They are plain integers (so arithmetic stays
 * cheap and readable) but every interface names the one it means.
 */
typedef u64 gpa_t; /* guest-physical address */
typedef u64 gfn_t; /* guest frame number (gpa >> 12) */
typedef u64 hpa_t; /* host-physical address */
typedef u64 hva_t; /* host-virtual address */
typedef u64 pfn_t; /* host frame number (hpa >> 12) */

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define INVALID_GPA (~(gpa_t)0)
#define INVALID_HPA (~(hpa_t)0)

#endif /* TDP_TYPES_H */
