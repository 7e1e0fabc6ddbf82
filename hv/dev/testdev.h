/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test MMIO device (testdev.c): four 64-bit registers and a doorbell
 * at TESTDEV_GPA, register map in guest_abi.h.  Portable.
 */
#ifndef TDP_HV_DEV_TESTDEV_H
#define TDP_HV_DEV_TESTDEV_H

#include "types.h"
#include "compiler.h"

struct testdev {
	u64 regs[4];
	u64 doorbell;
};

bool testdev_contains(gpa_t gpa, u64 len);
int __must_check testdev_access(struct testdev *d, gpa_t gpa, u32 size,
				bool write, u64 *val);

#endif /* TDP_HV_DEV_TESTDEV_H */
