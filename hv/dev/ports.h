/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port-I/O map (ports.c): which device answers which port.  Portable.
 */
#ifndef TDP_HV_DEV_PORTS_H
#define TDP_HV_DEV_PORTS_H

#include "types.h"

enum pio_action {
	PIO_NONE,
	PIO_CONSOLE_BYTE, /* @val: a byte for the guest console */
	PIO_EXIT, /* @val: isa-debug-exit status */
	PIO_UNHANDLED, /* absent device: reads all-ones, writes dropped */
};

/**
 * pio_access() - one port access of @size bytes; for reads *val is set.
 * Return: what the caller must do besides completing the access.
 */
enum pio_action pio_access(u16 port, unsigned int size, bool in, u64 *val);

#endif /* TDP_HV_DEV_PORTS_H */
