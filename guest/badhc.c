// SPDX-License-Identifier: GPL-2.0
/* Bad hypercalls get error codes; the hypervisor and this guest go on. */
#include "guest.h"

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	static const char name_ok[] = "a valid report";
	char big[300];

	(void)magic;
	(void)mbi;
	memset(big, 'x', sizeof(big));
	report("unknown number 0 -> ENOSYS",
	       hypercall(0, 0, 0, 0, 0) == HC_ENOSYS);
	report("unknown number 9999 -> ENOSYS",
	       hypercall(9999, 1, 2, 3, 4) == HC_ENOSYS);
	report("print length 300 -> EINVAL",
	       hypercall(HC_PRINT, (u32)(uintptr_t)big, 300, 0, 0) ==
		       HC_EINVAL);
	report("print from non-RAM GPA -> EFAULT",
	       hypercall(HC_PRINT, 0xf0000000, 8, 0, 0) == HC_EFAULT);
	report("report result 7 -> EINVAL",
	       hypercall(HC_REPORT, (u32)(uintptr_t)name_ok, 7, 0, 0) ==
		       HC_EINVAL);
	report("report with unterminated name -> EFAULT",
	       hypercall(HC_REPORT, (u32)(uintptr_t)big, 1, 0, 0) == HC_EFAULT);
	/* The longest name: HC_NAME_MAX - 1 characters, its NUL the last of
	 * HC_NAME_MAX bytes; one more character is refused. */
	big[HC_NAME_MAX - 1] = '\0';
	report("report name of HC_NAME_MAX - 1 characters is accepted",
	       hypercall(HC_REPORT, (u32)(uintptr_t)big, 1, 0, 0) == 0);
	big[HC_NAME_MAX - 1] = 'x';
	big[HC_NAME_MAX] = '\0';
	report("report name of HC_NAME_MAX characters -> EFAULT",
	       hypercall(HC_REPORT, (u32)(uintptr_t)big, 1, 0, 0) == HC_EFAULT);
	big[HC_NAME_MAX] = 'x';
	report("memslot_add slot 0 -> EINVAL",
	       hypercall(HC_MEMSLOT_ADD, 0, 0x40000000, 0x200000, 0) ==
		       HC_EINVAL);
	report("memslot_add misaligned -> EINVAL",
	       hypercall(HC_MEMSLOT_ADD, 2, 0x40001000, 0x200000, 0) ==
		       HC_EINVAL);
	report("memslot_add 0 bytes -> EINVAL",
	       hypercall(HC_MEMSLOT_ADD, 2, 0x40000000, 0, 0) == HC_EINVAL);
	report("memslot_remove unknown slot -> ENOENT",
	       hypercall(HC_MEMSLOT_REMOVE, 5, 0, 0, 0) == HC_ENOENT);
	report("get_info to non-RAM -> EFAULT",
	       hypercall(HC_GET_INFO, 0xfffff000, 0, 0, 0) == HC_EFAULT);
	report("print still works afterwards",
	       hypercall(HC_PRINT, (u32)(uintptr_t)name_ok, 14, 0, 0) == 0);
	return report_failures();
}
