/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What becomes of an exception raised while another event is being
 * delivered (x86_event.c; SDM Vol. 3A "Interrupt 8—Double Fault Exception
 * (#DF)", the table of benign, contributory and page-fault classes).
 * Portable.
 */
#ifndef TDP_HV_EMUL_X86_EVENT_H
#define TDP_HV_EMUL_X86_EVENT_H

#include "types.h"

enum x86_event_merge {
	X86_MERGE_SERIAL, /* deliver the second exception; the first is lost */
	X86_MERGE_DF, /* deliver #DF (error code 0) instead */
	X86_MERGE_SHUTDOWN, /* a fault while delivering #DF: triple fault */
};

/**
 * x86_merge_exceptions() - the second exception @second was raised while
 * delivering the event @first.
 * @first: the vector being delivered, or -1 for an event that is not an
 *         exception (an external interrupt, an NMI, a software INT n):
 *         those are benign.
 * @second: the exception vector raised during its delivery.
 *
 * Context: any.
 * Return: what the processor does.
 */
enum x86_event_merge x86_merge_exceptions(int first, u8 second);

#endif /* TDP_HV_EMUL_X86_EVENT_H */
