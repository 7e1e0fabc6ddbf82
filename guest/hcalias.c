// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall buffers follow the private/shared rules the EPT enforces: a
 * buffer is reached only through the side its GPA names, and only while
 * the page is on that side.  The shared alias of a private page must not
 * let print read, or get_info write, the private data; nor may the
 * private GPA of a page converted to shared.  Needs a shared bit that a
 * 32-bit register can name (the case file sets shared_bit = 30).
 */
#include "guest.h"

#define PRIV 0x02000000U /* a private page */
#define PRIV2 0x02001000U /* a private page get_info must not write */
#define SHARED 0x02100000U /* converted to shared */

static const char secret[] = "SECRET-PRIVATE-DATA";

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	struct hc_info info;
	u32 sbit, bad = 0;
	volatile u8 *p2 = (volatile u8 *)(uintptr_t)PRIV2;

	(void)magic;
	(void)mbi;
	hypercall(HC_GET_INFO, (u32)(uintptr_t)&info, 0, 0, 0);
	sbit = (u32)info.shared_bit;
	printf("shared bit %u\n", sbit);
	if (sbit < 27 || sbit > 31) {
		report("shared bit 27..31 (set shared_bit = 30)", 0);
		return 1;
	}
	paging_enable_pae(sbit);
	memcpy((void *)(uintptr_t)PRIV, secret, sizeof(secret));
	for (u32 i = 0; i < 4096; i++)
		p2[i] = 0x5a;
	report("print of a private page through its private GPA works",
	       hypercall(HC_PRINT, PRIV, sizeof(secret) - 1, 0, 0) == 0);
	report("print through the shared alias of a private page is refused",
	       hypercall(HC_PRINT, (1U << sbit) | PRIV, sizeof(secret) - 1, 0,
			 0) == HC_EFAULT);
	report("get_info into the shared alias of a private page is refused",
	       hypercall(HC_GET_INFO, (1U << sbit) | PRIV2, 0, 0, 0) ==
		       HC_EFAULT);
	for (u32 i = 0; i < 4096; i++)
		bad += p2[i] != 0x5a;
	report("the private page is unchanged", bad == 0);
	report("map_gpa to shared",
	       hypercall(HC_MAP_GPA, ((1U << sbit) | SHARED) >> 12, 1, 0, 0) ==
		       0);
	memcpy(shared_ptr(SHARED), "shared text", 11);
	report("print of a shared page through its shared GPA works",
	       hypercall(HC_PRINT, (1U << sbit) | SHARED, 11, 0, 0) == 0);
	report("print of a shared page through its private GPA is refused",
	       hypercall(HC_PRINT, SHARED, 11, 0, 0) == HC_EFAULT);
	report("report via the shared alias of a private page refused",
	       hypercall(HC_REPORT, (1U << sbit) | PRIV, 1, 0, 0) == HC_EFAULT);
	return report_failures();
}
