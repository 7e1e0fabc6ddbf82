/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX capability discovery and the boot-time report (vmx_caps.c).
 * Bits: SDM Vol. 3, Appendix A "VMX Capability Reporting Facility".
 */
#ifndef TDP_HV_VMX_CAPS_H
#define TDP_HV_VMX_CAPS_H

#include "compiler.h"

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION_MASK GENMASK_ULL(30, 0)
#define VMX_BASIC_VMCS_SIZE(b) (((b) >> 32) & 0x1fff)
#define VMX_BASIC_TRUE_CTLS BIT_ULL(55)
/* Secondary processor-based controls (allowed-1 in the MSR's high half). */
#define SECONDARY_EXEC_ENABLE_EPT BIT(1)
#define SECONDARY_EXEC_ENABLE_VPID BIT(5)
#define SECONDARY_EXEC_UNRESTRICTED_GUEST BIT(7)
#define SECONDARY_EXEC_ENABLE_PML BIT(17)
#define SECONDARY_EXEC_EPT_VIOLATION_VE BIT(18)
#define CPU_BASED_ACTIVATE_SECONDARY_CONTROLS BIT(31)
/* IA32_VMX_EPT_VPID_CAP */
#define VMX_EPT_EXECUTE_ONLY BIT_ULL(0)
#define VMX_EPT_PAGE_WALK_4 BIT_ULL(6)
#define VMX_EPT_MT_WB BIT_ULL(14)
#define VMX_EPT_2MB_PAGE BIT_ULL(16)
#define VMX_EPT_1GB_PAGE BIT_ULL(17)
#define VMX_EPT_INVEPT BIT_ULL(20)
#define VMX_EPT_AD BIT_ULL(21)
#define VMX_EPT_INVEPT_SINGLE BIT_ULL(25)
#define VMX_EPT_INVEPT_ALL BIT_ULL(26)
#define VMX_VPID_INVVPID BIT_ULL(32)

struct vmx_caps {
	bool cpuid_vmx;
	u64 feature_control;
	u64 basic;
	u64 pinbased, procbased, procbased2, exit_ctls, entry_ctls, misc;
	u64 ept_vpid;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool has_ept, has_ug, has_vpid, has_pml, has_ve;
	bool ept_2m, ept_1g, ept_ad, ept_wb, ept_walk4, invept_single;
	bool usable; /* VMX with EPT, unrestricted guest and a 4-level WB walk */
	const char *missing; /* first missing requirement, when !usable */
};

/**
 * vmx_caps_probe() - read CPUID and the VMX capability MSRs.
 * Reads the MSRs only when CPUID.1:ECX.VMX is set (they #GP otherwise).
 * Return: 0 when VMX with EPT + unrestricted guest is usable, else -ENODEV
 * with @caps->missing naming what is absent.
 */
int vmx_caps_probe(struct vmx_caps *caps);

/* Prints the capability report, or the no-VMX diagnosis: what is missing and how
 * to enable it. */
void vmx_caps_report(const struct vmx_caps *caps);

/*
 * Fits @want to a (TRUE_)capability MSR: the low half is allowed-0 (bits
 * that must be 1), the high half allowed-1 (bits that may be 1).  Returns
 * the value to program and, in *missing, the wanted bits the CPU refuses.
 */
u64 vmx_adjust_controls(u64 cap, u32 want, u32 *missing);

#endif /* TDP_HV_VMX_CAPS_H */
