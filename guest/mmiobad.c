// SPDX-License-Identifier: GPL-2.0
/*
 * An instruction the MMIO emulator does not support (ADD to memory) on the
 * test device: the hypervisor must stop this guest with a clear error that
 * names the instruction bytes, and keep running (an expected failure).
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	printf("adding 1 to a device register with ADD r/m32, imm8\n");
	asm volatile("addl $1, %0"
		     : "+m"(*(volatile u32 *)(uintptr_t)TESTDEV_GPA));
	report("unsupported MMIO instruction did not stop the guest", 0);
	return 1;
}
