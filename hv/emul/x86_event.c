// SPDX-License-Identifier: GPL-2.0
/*
 * Exception classes and the double-fault rule (see x86_event.h).
 */
#include "hv/emul/x86_event.h"

enum exc_class { EXC_BENIGN, EXC_CONTRIBUTORY, EXC_PAGE_FAULT, EXC_DF };

static enum exc_class exc_class(int vector)
{
	switch (vector) {
	case 0: /* #DE */
	case 10: /* #TS */
	case 11: /* #NP */
	case 12: /* #SS */
	case 13: /* #GP */
		return EXC_CONTRIBUTORY;
	case 14:
		return EXC_PAGE_FAULT;
	case 8:
		return EXC_DF;
	}
	return EXC_BENIGN; /* incl. -1: interrupts, NMI, INT n */
}

enum x86_event_merge x86_merge_exceptions(int first, u8 second)
{
	enum exc_class a = exc_class(first), b = exc_class(second);

	if (b == EXC_BENIGN || a == EXC_BENIGN)
		return X86_MERGE_SERIAL;
	if (a == EXC_DF)
		return X86_MERGE_SHUTDOWN; /* contributory or #PF during #DF */
	if (a == EXC_CONTRIBUTORY && b == EXC_PAGE_FAULT)
		return X86_MERGE_SERIAL;
	if (b == EXC_DF)
		return X86_MERGE_SERIAL; /* #DF is only raised by the CPU */
	return X86_MERGE_DF;
}
