/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XSAVE feature set's rules, as tdpvisor offers it to guests
 * (x86_xsave.c; SDM Vol. 1 ch. 13 "Managing State Using the XSAVE Feature
 * Set" and the XSETBV instruction page).  Portable: the host build tests
 * them; hv/vmx/xsave.c feeds them the CPU's CPUID leaf 0xd.
 */
#ifndef TDP_HV_EMUL_X86_XSAVE_H
#define TDP_HV_EMUL_X86_XSAVE_H

#include "compiler.h"
#include "types.h"

#define XFEATURE_X87 BIT_ULL(0)
#define XFEATURE_SSE BIT_ULL(1)
#define XFEATURE_AVX BIT_ULL(2)
#define XFEATURE_BNDREGS BIT_ULL(3)
#define XFEATURE_BNDCSR BIT_ULL(4)
#define XFEATURE_OPMASK BIT_ULL(5)
#define XFEATURE_ZMM_HI256 BIT_ULL(6)
#define XFEATURE_HI16_ZMM BIT_ULL(7)
#define XFEATURE_AVX512 \
	(XFEATURE_OPMASK | XFEATURE_ZMM_HI256 | XFEATURE_HI16_ZMM)
/*
 * The user state components that tdpvisor lets a guest enable: x87, SSE,
 * AVX and AVX-512.  Left out: MPX (deprecated; its BNDCFGU state would
 * need switching), PKRU (guest CR4.PKE is not managed) and AMX (needs
 * XFD).  Supervisor components (IA32_XSS) are never offered: XSAVES is
 * hidden.
 */
#define XFEATURE_GUEST_MASK \
	(XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX | XFEATURE_AVX512)

#define XSAVE_LEGACY_SIZE 512 /* the FXSAVE image */
#define XSAVE_HDR_SIZE 64
#define XSAVE_NR_COMPONENTS 64

/* One state component as CPUID.(EAX=0xd, ECX=i) describes it. */
struct xsave_component {
	u32 size; /* EAX */
	u32 offset; /* EBX: in the standard (non-compacted) format */
	bool align64; /* ECX bit 1: 64-byte aligned in the compacted format */
};

/**
 * x86_xcr0_error() - why XSETBV of @xcr0 to XCR0 must raise #GP(0).
 * @xcr0: the value EDX:EAX would write.
 * @supported: the components this virtual CPU offers (CPUID.0xd.0
 *             EDX:EAX).
 *
 * Context: any.
 * Return: NULL if the value is legal, else a short phrase that names the
 * rule it breaks (for the log line).
 */
const char *x86_xcr0_error(u64 xcr0, u64 supported);

/**
 * x86_xsave_size() - bytes of an XSAVE area that holds the components of
 * @mask: the standard format (CPUID.0xd.0 EBX/ECX) when @compacted is
 * false, the compacted format of XSAVEC (CPUID.0xd.1 EBX) when true.
 * @comp: the table of components, indexed by component number; entries
 *        2..63 are read for the bits set in @mask.
 *
 * Context: any.
 * Return: the size, at least the legacy area plus the header (576).
 */
u32 x86_xsave_size(const struct xsave_component comp[XSAVE_NR_COMPONENTS],
		   u64 mask, bool compacted);

#endif /* TDP_HV_EMUL_X86_XSAVE_H */
