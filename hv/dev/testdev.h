/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test MMIO device (testdev.c): four 64-bit registers and a doorbell
 * at TESTDEV_GPA, register map in guest_abi.h.  Portable.
 */
#ifndef TDP_HV_DEV_TESTDEV_H
#define TDP_HV_DEV_TESTDEV_H

#include "types.h"
#include "compiler.h"
#include "hv/dev/dev.h"

struct testdev {
	u64 regs[4];
	u64 doorbell;
};

bool testdev_contains(gpa_t gpa, u64 len);
int __must_check testdev_access(struct testdev *d, gpa_t gpa, u32 size,
				bool write, u64 *val);
/* The bus that holds the test device alone (host tests, the exit bench). */
void testdev_bus(struct testdev *d, struct mmio_bus *bus);

#endif /* TDP_HV_DEV_TESTDEV_H */
