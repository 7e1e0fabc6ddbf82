// SPDX-License-Identifier: GPL-2.0
/*
 * Spins forever without exiting: the VMX preemption timer enforces the
 * per-guest run-time limit (run_limit_ms) and stops only this guest (an
 * expected failure).  The test run sets run_limit_ms low.
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	volatile u32 n = 0;

	(void)magic;
	(void)mbi;
	printf("spinning until the run-time limit stops this guest\n");
	for (;;)
		n++;
	return 0;
}
