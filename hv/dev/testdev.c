// SPDX-License-Identifier: GPL-2.0
/*
 * The test MMIO device (register map in guest_abi.h).  It is reached only
 * through the MMIO-SPTE path: TESTDEV_GPA has no memslot, so the first
 * access installs an MMIO SPTE and later ones take EPT-misconfig exits
 * that the emulator performs on it.  Portable.
 */
#include "hv/dev/testdev.h"
#include "guest_abi.h"
#include "errno_codes.h"

bool testdev_contains(gpa_t gpa, u64 len)
{
	return gpa >= TESTDEV_GPA && len <= TESTDEV_SIZE &&
	       gpa - TESTDEV_GPA <= TESTDEV_SIZE - len;
}

static u64 size_mask(u32 size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/**
 * testdev_access() - one read or write of @size bytes at @gpa.
 * Return: 0, or -EINVAL for an access outside the device, one that
 * straddles two registers, or of a size other than 1, 2, 4, 8.
 */
int testdev_access(struct testdev *d, gpa_t gpa, u32 size, bool write, u64 *val)
{
	u64 off, mask = size_mask(size);

	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    !testdev_contains(gpa, size))
		return -EINVAL;
	off = gpa - TESTDEV_GPA;
	if (off >= TESTDEV_WINDOW) {
		if (!write)
			*val = gpa & mask;
		return 0;
	}
	if ((off % 8) + size > 8)
		return -EINVAL; /* straddles two registers */
	if (off < TESTDEV_DOORBELL) {
		unsigned int reg = off / 8, shift = (off % 8) * 8;

		if (write)
			d->regs[reg] = (d->regs[reg] & ~(mask << shift)) |
				       ((*val & mask) << shift);
		else
			*val = (d->regs[reg] >> shift) & mask;
		return 0;
	}
	if (off < TESTDEV_DOORBELL + 8) {
		if (write)
			d->doorbell++;
		else
			*val = (d->doorbell >> ((off % 8) * 8)) & mask;
		return 0;
	}
	if (off >= TESTDEV_ID && off < TESTDEV_ID + 8) {
		if (!write)
			*val = (TESTDEV_ID_VALUE >> ((off - TESTDEV_ID) * 8)) &
			       mask;
		return 0;
	}
	if (!write)
		*val = 0; /* unassigned registers read as zero */
	return 0;
}

static bool bus_contains(void *ctx, gpa_t gpa, u64 len)
{
	(void)ctx;
	return testdev_contains(gpa, len);
}

static int bus_access(void *ctx, gpa_t gpa, u32 size, bool write, u64 *val)
{
	if (!testdev_contains(gpa, size))
		return -ENODEV;
	return testdev_access(ctx, gpa, size, write, val);
}

void testdev_bus(struct testdev *d, struct mmio_bus *bus)
{
	bus->ctx = d;
	bus->contains = bus_contains;
	bus->access = bus_access;
}
