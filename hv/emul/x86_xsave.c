// SPDX-License-Identifier: GPL-2.0
/*
 * XCR0 validation and XSAVE area sizes (see x86_xsave.h).
 */
#include "x86_xsave.h"

const char *x86_xcr0_error(u64 xcr0, u64 supported)
{
	if (!(xcr0 & XFEATURE_X87))
		return "bit 0 (x87) clear";
	if (xcr0 & ~supported)
		return "a component this CPU does not offer";
	if ((xcr0 & XFEATURE_AVX) && !(xcr0 & XFEATURE_SSE))
		return "AVX without SSE";
	if (!(xcr0 & XFEATURE_BNDREGS) != !(xcr0 & XFEATURE_BNDCSR))
		return "only one of the two MPX components";
	if ((xcr0 & XFEATURE_AVX512) &&
	    (xcr0 & XFEATURE_AVX512) != XFEATURE_AVX512)
		return "only part of the AVX-512 components";
	if ((xcr0 & XFEATURE_AVX512) && !(xcr0 & XFEATURE_AVX))
		return "AVX-512 without AVX";
	return NULL;
}

u32 x86_xsave_size(const struct xsave_component comp[XSAVE_NR_COMPONENTS],
		   u64 mask, bool compacted)
{
	u32 size = XSAVE_LEGACY_SIZE + XSAVE_HDR_SIZE;

	for (unsigned int i = 2; i < XSAVE_NR_COMPONENTS; i++) {
		if (!(mask & BIT_ULL(i)))
			continue;
		if (!compacted) {
			u32 end = comp[i].offset + comp[i].size;

			size = end > size ? end : size;
			continue;
		}
		if (comp[i].align64)
			size = (size + 63) & ~63u;
		size += comp[i].size;
	}
	return size;
}
