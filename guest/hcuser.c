// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls from CPL 3 are refused with HC_EPERM: a user process in the
 * guest must not add memslots, print, or end the VM.  The ring-3 part
 * only makes hypercalls and stores their results; the checks run back at
 * CPL 0.
 */
#include "guest.h"

static const char msg[] = "printed from ring 3";
static volatile long r_print, r_info, r_add, r_exit, r_bad;
static struct hc_info info;

static void user_part(void)
{
	r_print =
		hypercall(HC_PRINT, (u32)(uintptr_t)msg, sizeof(msg) - 1, 0, 0);
	r_info = hypercall(HC_GET_INFO, (u32)(uintptr_t)&info, 0, 0, 0);
	r_add = hypercall(HC_MEMSLOT_ADD, 1, 0x40000000, 0x200000, 0);
	r_bad = hypercall(9999, 0, 0, 0, 0);
	r_exit = hypercall(HC_EXIT, 77, 0, 0, 0);
	user_return();
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	idt_init();
	report("print from CPL 0 works",
	       hypercall(HC_PRINT, (u32)(uintptr_t)msg, 5, 0, 0) == 0);
	run_user(user_part);
	printf("back at CPL 0: print %d get_info %d memslot_add %d unknown %d exit %d\n",
	       (int)r_print, (int)r_info, (int)r_add, (int)r_bad, (int)r_exit);
	report("exit from CPL 3 refused with EPERM", r_exit == HC_EPERM);
	report("memslot_add from CPL 3 refused with EPERM", r_add == HC_EPERM);
	report("print from CPL 3 refused with EPERM", r_print == HC_EPERM);
	report("get_info from CPL 3 refused with EPERM", r_info == HC_EPERM);
	report("unknown number from CPL 3 refused with EPERM",
	       r_bad == HC_EPERM);
	report("memslot 1 was not added (remove finds nothing)",
	       hypercall(HC_MEMSLOT_REMOVE, 1, 0, 0, 0) == HC_ENOENT);
	return report_failures();
}
