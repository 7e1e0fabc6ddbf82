// SPDX-License-Identifier: GPL-2.0
/*
 * Speculation-control CPUID bits and MSRs, as the CPU has them (see
 * spec_ctrl.h).
 */
#include "errno_codes.h"
#include "hv/vm.h"
#include "hv/vmx/spec_ctrl.h"
#include "x86.h"

#define MSR_IA32_SPEC_CTRL 0x48
#define MSR_IA32_PRED_CMD 0x49
#define MSR_IA32_ARCH_CAPABILITIES 0x10a
#define MSR_IA32_FLUSH_CMD 0x10b

#define C7_IBRS BIT(26) /* IBRS and IBPB */
#define C7_STIBP BIT(27)
#define C7_L1D_FLUSH BIT(28)
#define C7_ARCH_CAP BIT(29)
#define C7_SSBD BIT(31)
#define C7_PASSED (C7_IBRS | C7_STIBP | C7_L1D_FLUSH | C7_ARCH_CAP | C7_SSBD)

/*
 * IA32_ARCH_CAPABILITIES bits passed on: those that only say how the CPU
 * behaves (RDCL_NO, IBRS_ALL, RSBA, SKIP_L1DFL_VMENTRY, SSB_NO, MDS_NO,
 * IF_PSCHANGE_MC_NO, TAA_NO, SBDR_SSDP_NO, FBSDP_NO, PSDP_NO, FB_CLEAR,
 * RRSBA, BHI_NO, PBRSB_NO, GDS_NO, RFDS_NO, RFDS_CLEAR).  Bits that
 * announce a further MSR (TSX_CTRL, MCU_CONTROL, MISC_PACKAGE_CTLS,
 * ENERGY_FILTERING_CTL, DOITM, FB_CLEAR_CTRL, XAPIC_DISABLE,
 * OVERCLOCKING_STATUS, GDS_CTRL) are cleared: tdpvisor does not offer
 * those MSRs.
 */
#define ARCH_CAP_PASSED                                                        \
	(GENMASK_ULL(6, 0) | BIT_ULL(8) | GENMASK_ULL(15, 13) | BIT_ULL(17) |  \
	 BIT_ULL(19) | BIT_ULL(20) | BIT_ULL(24) | BIT_ULL(27) | BIT_ULL(29) | \
	 BIT_ULL(30))

static u32 host_c7edx(void)
{
	static u32 edx;
	static bool read;
	u32 a, b, c, max;

	if (!read) {
		cpuid_count(0, 0, &max, &b, &c, &edx);
		edx = 0;
		if (max >= 7)
			cpuid_count(7, 0, &a, &b, &c, &edx);
		read = true;
	}
	return edx;
}

u32 spec_cpuid7_edx(u32 edx)
{
	return (edx & ~C7_PASSED) | (host_c7edx() & C7_PASSED);
}

/* The IA32_SPEC_CTRL bits this CPU has: IBRS (0), STIBP (1), SSBD (2). */
static u64 spec_ctrl_bits(void)
{
	u32 d = host_c7edx();

	return (d & C7_IBRS ? BIT_ULL(0) : 0) |
	       (d & C7_STIBP ? BIT_ULL(1) : 0) | (d & C7_SSBD ? BIT_ULL(2) : 0);
}

int spec_msr_read(struct vm *vm, u32 msr, u64 *v)
{
	switch (msr) {
	case MSR_IA32_SPEC_CTRL:
		if (!spec_ctrl_bits())
			return -EINVAL;
		*v = vm->spec_ctrl;
		return 0;
	case MSR_IA32_ARCH_CAPABILITIES:
		if (!(host_c7edx() & C7_ARCH_CAP))
			return -EINVAL;
		*v = rdmsr(MSR_IA32_ARCH_CAPABILITIES) & ARCH_CAP_PASSED;
		return 0;
	case MSR_IA32_PRED_CMD:
	case MSR_IA32_FLUSH_CMD:
		return -EINVAL; /* write-only */
	}
	return -ENOENT;
}

int spec_msr_write(struct vm *vm, u32 msr, u64 v)
{
	switch (msr) {
	case MSR_IA32_SPEC_CTRL:
		if (!spec_ctrl_bits() || (v & ~spec_ctrl_bits()))
			return -EINVAL;
		wrmsr(MSR_IA32_SPEC_CTRL, v);
		vm->spec_ctrl = v;
		return 0;
	case MSR_IA32_PRED_CMD: /* bit 0: IBPB */
		if (!(host_c7edx() & C7_IBRS) || (v & ~BIT_ULL(0)))
			return -EINVAL;
		if (v)
			wrmsr(MSR_IA32_PRED_CMD, v);
		return 0;
	case MSR_IA32_FLUSH_CMD: /* bit 0: L1D_FLUSH */
		if (!(host_c7edx() & C7_L1D_FLUSH) || (v & ~BIT_ULL(0)))
			return -EINVAL;
		if (v)
			wrmsr(MSR_IA32_FLUSH_CMD, v);
		return 0;
	case MSR_IA32_ARCH_CAPABILITIES:
		return -EINVAL; /* read-only */
	}
	return -ENOENT;
}

void spec_reset_vcpu(struct vm *vm)
{
	vm->spec_ctrl = 0;
	if (spec_ctrl_bits())
		wrmsr(MSR_IA32_SPEC_CTRL, 0);
}
