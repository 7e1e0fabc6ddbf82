// SPDX-License-Identifier: GPL-2.0
/*
 * XSETBV and the XSAVE state (SDM Vol. 1 ch. 13, Vol. 2C XSETBV):
 * CPUID.1 shows XSAVE, and OSXSAVE only while CR4.OSXSAVE is set; XSETBV
 * without CR4.OSXSAVE is #UD; XCR0 starts at 1; legal values load and
 * XGETBV reads them back; CPUID.0xd.0 EBX follows XCR0; illegal values
 * (x87 clear, AVX without SSE, XCR1, a component not offered) are #GP and
 * change nothing; XSAVE/XRSTOR round-trip XMM (and YMM with AVX).
 *
 * Isolation: the vector registers must start in their initial state
 * (zero, MXCSR 0x1f80) although this guest leaves them full of a pattern
 * when it ends, so running it twice (`guest = xsave,xsave`) checks that a
 * new VM does not see what the previous guest left.
 */
#include "guest.h"

#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_OSXSAVE (1u << 18)

static u8 area[4096] __attribute__((aligned(64)));
static u8 buf[32 * 8] __attribute__((aligned(32)));

static int xsetbv_fault(u32 ecx, u64 v)
{
	u32 lo = (u32)v, hi = (u32)(v >> 32);

	return TRY_INSN("mov %0, %%ecx; mov %1, %%eax; mov %2, %%edx; xsetbv",
			"m"(ecx), "m"(lo), "m"(hi));
}

static u64 xgetbv0(void)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (u64)hi << 32 | lo;
}

static u32 cpuid_d0_ebx(void)
{
	u32 a, b, c, d;

	cpuid(0xd, 0, &a, &b, &c, &d);
	return b;
}

static int same(const u8 *x, const u8 *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

static int all_zero(const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int guest_main(u32 magic, struct multiboot_info *mbi)
{
	u32 a, b, c, d, cr4, mxcsr, avx_size = 0, avx_off = 0;
	u64 offered;
	int avx;

	(void)magic;
	(void)mbi;
	idt_init();
	cpuid(1, 0, &a, &b, &c, &d);
	report("CPUID.1 reports XSAVE", c & (1u << 26));
	report("CPUID.1 OSXSAVE clear while CR4.OSXSAVE is clear",
	       !(c & (1u << 27)));
	report("XSETBV without CR4.OSXSAVE raises #UD",
	       xsetbv_fault(0, 1) && last_fault_vector() == 6);

	/* The initial vector state, read before anything is written. */
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE;
	asm volatile("mov %0, %%cr4" ::"r"(cr4));
	asm volatile("movdqu %%xmm0, 0(%0); movdqu %%xmm1, 16(%0);"
		     "movdqu %%xmm2, 32(%0); movdqu %%xmm3, 48(%0);"
		     "movdqu %%xmm4, 64(%0); movdqu %%xmm5, 80(%0);"
		     "movdqu %%xmm6, 96(%0); movdqu %%xmm7, 112(%0);"
		     "stmxcsr 128(%0)" ::"r"(buf)
		     : "memory");
	memcpy(&mxcsr, buf + 128, 4);
	printf("MXCSR at start 0x%x\n", mxcsr);
	report("XMM0-7 start zeroed (nothing left by an earlier guest)",
	       all_zero(buf, 128));
	report("MXCSR starts at its reset value 0x1f80", mxcsr == 0x1f80);

	cpuid(1, 0, &a, &b, &c, &d);
	report("CPUID.1 OSXSAVE set with CR4.OSXSAVE", c & (1u << 27));
	report("XCR0 starts at 1 (x87)", xgetbv0() == 1);
	cpuid(0xd, 0, &a, &b, &c, &d);
	offered = (u64)d << 32 | a;
	printf("CPUID.0xd.0: offered 0x%x:%x, size now %u, max %u\n", d, a, b,
	       c);
	report("CPUID.0xd.0 offers x87 and SSE", (offered & 3) == 3);
	report("CPUID.0xd.0 EBX is 576 with XCR0 = 1", b == 576);
	avx = (offered & 4) != 0;
	if (avx)
		cpuid(0xd, 2, &avx_size, &avx_off, &c, &d);

	report("XSETBV 0x3 (x87|SSE) loads", !xsetbv_fault(0, 3));
	report("XGETBV reads back 0x3", xgetbv0() == 3);

	report("XSETBV 0 (x87 clear) raises #GP",
	       xsetbv_fault(0, 0) && last_fault_vector() == 13);
	report("XSETBV 0x2 (x87 clear) raises #GP", xsetbv_fault(0, 2));
	report("XSETBV 0x5 (AVX without SSE) raises #GP", xsetbv_fault(0, 5));
	report("XSETBV to XCR1 raises #GP", xsetbv_fault(1, 3));
	report("XSETBV of bit 63 raises #GP",
	       xsetbv_fault(0, 3 | (1ULL << 63)));
	for (int i = 2; i < 63; i++)
		if (!(offered & (1ULL << i))) {
			printf("component %d is not offered\n", i);
			report("XSETBV of a component not offered raises #GP",
			       xsetbv_fault(0, 3 | (1ULL << i)));
			break;
		}
	report("XCR0 unchanged by the refused writes", xgetbv0() == 3);

	/* XSAVE/XRSTOR round trip of XMM1. */
	for (int i = 0; i < 16; i++)
		buf[i] = (u8)(0x11 * i + 1);
	memset(area, 0, sizeof(area));
	asm volatile("movdqu (%0), %%xmm1; xsave (%1)" ::"r"(buf), "r"(area),
		     "a"(3), "d"(0)
		     : "memory");
	asm volatile(
		"pxor %%xmm1, %%xmm1; xrstor (%0); movdqu %%xmm1, 16(%1)" ::"r"(
			area),
		"r"(buf), "a"(3), "d"(0)
		: "memory");
	report("XSAVE then XRSTOR restores XMM1", same(buf, buf + 16, 16));
	report("XSAVE wrote XMM1 at offset 176 of the legacy area",
	       same(area + 176, buf, 16));

	if (avx) {
		report("XSETBV 0x7 (x87|SSE|AVX) loads", !xsetbv_fault(0, 7));
		report("CPUID.0xd.0 EBX follows XCR0 (AVX area end)",
		       cpuid_d0_ebx() == avx_off + avx_size);
		for (int i = 0; i < 32; i++)
			buf[i] = (u8)(0x5a ^ i);
		asm volatile("vmovdqu (%0), %%ymm2; xsave (%1);"
			     "vpxor %%ymm2, %%ymm2, %%ymm2; xrstor (%1);"
			     "vmovdqu %%ymm2, 32(%0)" ::"r"(buf),
			     "r"(area), "a"(7), "d"(0)
			     : "memory");
		report("XSAVE then XRSTOR restores YMM2 (both halves)",
		       same(buf, buf + 32, 32));
	} else {
		printf("AVX not offered by this CPU: YMM checks skipped\n");
	}

	/* Leave every XMM register dirty for the next guest to not see. */
	memset(buf, 0xa5, 16);
	mxcsr = 0x7f80; /* round toward zero */
	memcpy(buf + 16, &mxcsr, 4);
	asm volatile("movdqu (%0), %%xmm0; movdqa %%xmm0, %%xmm1;"
		     "movdqa %%xmm0, %%xmm2; movdqa %%xmm0, %%xmm3;"
		     "movdqa %%xmm0, %%xmm4; movdqa %%xmm0, %%xmm5;"
		     "movdqa %%xmm0, %%xmm6; movdqa %%xmm0, %%xmm7;"
		     "ldmxcsr 16(%0)" ::"r"(buf)
		     : "memory");
	return report_failures();
}
