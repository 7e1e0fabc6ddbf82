// SPDX-License-Identifier: GPL-2.0
/*
 * The port-I/O map.  COM1 (0x3f8-0x3ff) is output only: a write to THR is
 * a console byte, the line set-up registers accept and ignore writes, and
 * LSR always reads transmitter-empty, so a polling driver never waits.
 * isa-debug-exit (0xf4): a write ends the guest with the value as status.
 * Any other port is an absent device: reads return all-ones, writes are
 * dropped, and the caller counts them.
 */
#include "hv/dev/ports.h"
#include "guest_abi.h"

#define COM1_LSR (COM1_PORT + 5)
#define COM1_LAST (COM1_PORT + 7)

enum pio_action pio_access(u16 port, unsigned int size, bool in, u64 *val)
{
	u64 mask = size == 4 ? 0xffffffffULL : size == 2 ? 0xffff : 0xff;

	if (in) {
		if (port == COM1_LSR) {
			*val = 0x60; /* THR empty, transmitter empty */
			return PIO_NONE;
		}
		if (port >= COM1_PORT && port <= COM1_LAST) {
			*val = 0;
			return PIO_NONE;
		}
		*val = mask;
		return PIO_UNHANDLED;
	}
	*val &= mask;
	if (port == COM1_PORT)
		return PIO_CONSOLE_BYTE;
	if (port > COM1_PORT && port <= COM1_LAST)
		return PIO_NONE; /* line set-up: accepted and ignored */
	if (port == DEBUG_EXIT_PORT)
		return PIO_EXIT;
	return PIO_UNHANDLED;
}
