// SPDX-License-Identifier: GPL-2.0
/*
 * In a private-memory VM, touches a page through its shared alias without
 * converting it first: the TDP MMU refuses the fault on the wrong side and
 * the hypervisor stops this guest with a clear reason (expected failure).
 */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	struct hc_info info;

	(void)magic;
	(void)mbi;
	hypercall(HC_GET_INFO, (u32)(uintptr_t)&info, 0, 0, 0);
	paging_enable_pae((unsigned int)info.shared_bit);
	printf("reading the shared alias of a private page\n");
	(void)*(volatile u32 *)shared_ptr(0x02000000);
	report("shared access to a private page did not stop the guest", 0);
	return 1;
}
