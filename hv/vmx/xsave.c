// SPDX-License-Identifier: GPL-2.0
/*
 * XSETBV, CPUID leaf 0xd and the initial extended state of a vCPU (see
 * xsave.h for why XCR0 is not switched on entry and exit).
 */
#include "console.h"
#include "hv/emul/x86_xsave.h"
#include "hv/vm.h"
#include "hv/vmx/xsave.h"
#include "string_util.h"
#include "x86.h"

#define CPUID_D1_EAX_OFFER                             \
	(BIT(0) /* XSAVEOPT */ | BIT(1) /* XSAVEC */ | \
	 BIT(2) /* XGETBV ECX=1 */)

static u64 guest_mask; /* XCR0 components offered; 0: no XSAVE */
static u32 d1_eax; /* CPUID.0xd.1 EAX bits offered */
static struct xsave_component comps[XSAVE_NR_COMPONENTS];
/* An XSAVE area with XSTATE_BV = 0 (every component initial) and
 * MXCSR at its reset value; XRSTOR of it clears a vCPU's state. */
static u8 init_area[4096] __attribute__((aligned(64)));

static inline void xsetbv(u32 idx, u64 v)
{
	asm volatile("xsetbv" ::"c"(idx), "a"((u32)v), "d"((u32)(v >> 32)));
}

void xsave_host_init(void)
{
	u32 a, b, c, d;

	cpuid_count(1, 0, &a, &b, &c, &d);
	memset(init_area, 0, sizeof(init_area));
	*(u16 *)&init_area[0] = 0x37f; /* FCW */
	*(u32 *)&init_area[24] = 0x1f80; /* MXCSR */
	if (!(c & X86_FEATURE_XSAVE_ECX)) {
		pr_info("xsave: the CPU has no XSAVE; guests get x87/SSE only and no XSETBV");
		return;
	}
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	cpuid_count(0xd, 0, &a, &b, &c, &d);
	guest_mask = (((u64)d << 32) | a) & XFEATURE_GUEST_MASK;
	/* Offer AVX-512 only whole, AVX only with SSE (CPUID must never
	 * report a component set that XSETBV would refuse). */
	if ((guest_mask & XFEATURE_AVX512) != XFEATURE_AVX512 ||
	    !(guest_mask & XFEATURE_AVX))
		guest_mask &= ~XFEATURE_AVX512;
	if (!(guest_mask & XFEATURE_SSE))
		guest_mask &= ~XFEATURE_AVX;
	for (unsigned int i = 2; i < XSAVE_NR_COMPONENTS; i++) {
		if (!(guest_mask & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		comps[i] = (struct xsave_component){ a, b, c & BIT(1) };
	}
	cpuid_count(0xd, 1, &a, &b, &c, &d);
	d1_eax = a & CPUID_D1_EAX_OFFER;
	pr_info("xsave: guests may enable XCR0 components 0x%llx (standard area %u bytes)",
		guest_mask, x86_xsave_size(comps, guest_mask, false));
}

u64 xsave_guest_mask(void)
{
	return guest_mask;
}

void xsave_reset_vcpu_state(struct vm *vm)
{
	vm->vcpu.xcr0 = XFEATURE_X87;
	if (!guest_mask) {
		asm volatile(
			"fninit; fxrstor %0" ::"m"(*(u8(*)[512])init_area));
		return;
	}
	xsetbv(0, guest_mask);
	asm volatile("xrstor %0" ::"m"(*(u8(*)[sizeof(init_area)])init_area),
		     "a"((u32)guest_mask), "d"((u32)(guest_mask >> 32)));
	xsetbv(0, XFEATURE_X87);
}

void xsave_cpuid(const struct vm *vm, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	*a = *b = *c = *d = 0;
	if (!guest_mask)
		return;
	switch (sub) {
	case 0:
		*a = (u32)guest_mask;
		*d = (u32)(guest_mask >> 32);
		*b = x86_xsave_size(comps, vm->vcpu.xcr0, false);
		*c = x86_xsave_size(comps, guest_mask, false);
		break;
	case 1:
		*a = d1_eax;
		/* IA32_XSS is 0 (XSAVES hidden): the compacted size of
		 * XCR0's components, as XSAVEC writes them. */
		if (d1_eax & BIT(1))
			*b = x86_xsave_size(comps, vm->vcpu.xcr0, true);
		break;
	default:
		if (sub < XSAVE_NR_COMPONENTS && (guest_mask & BIT_ULL(sub))) {
			*a = comps[sub].size;
			*b = comps[sub].offset;
			*c = comps[sub].align64 ? BIT(1) : 0;
		}
		break;
	}
}

const char *xsave_set_xcr0(struct vm *vm, u64 v)
{
	const char *why = x86_xcr0_error(v, guest_mask);

	if (why)
		return why;
	vm->vcpu.xcr0 = v;
	xsetbv(0, v);
	return NULL;
}
