// SPDX-License-Identifier: GPL-2.0
/*
 * VMX capability probe and report.  What tdpvisor requires: CPUID VMX,
 * IA32_FEATURE_CONTROL either unlocked (tdpvisor locks it with VMXON
 * outside SMX enabled) or locked with that bit set, secondary controls
 * with EPT, unrestricted guest and VPID, and an EPT with a 4-level walk
 * and write-back memory type.  PML, #VE, 2M/1G pages and A/D bits are
 * reported and used when present.
 */
#include "hv/cpu.h"
#include "hv/vmx/vmx_caps.h"
#include "errno_codes.h"
#include "log.h"
#include "status.h"
#include "x86.h"

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

static void decode_caps(struct vmx_caps *c)
{
	u32 sec = (u32)(c->procbased2 >> 32);

	if (!((c->procbased >> 32) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		sec = 0;
	c->has_ept = sec & SECONDARY_EXEC_ENABLE_EPT;
	c->has_vpid = sec & SECONDARY_EXEC_ENABLE_VPID;
	c->has_ug = sec & SECONDARY_EXEC_UNRESTRICTED_GUEST;
	c->has_pml = sec & SECONDARY_EXEC_ENABLE_PML;
	c->has_ve = sec & SECONDARY_EXEC_EPT_VIOLATION_VE;
	if (!c->has_ept)
		c->ept_vpid = 0;
	c->ept_walk4 = c->ept_vpid & VMX_EPT_PAGE_WALK_4;
	c->ept_wb = c->ept_vpid & VMX_EPT_MT_WB;
	c->ept_2m = c->ept_vpid & VMX_EPT_2MB_PAGE;
	c->ept_1g = c->ept_vpid & VMX_EPT_1GB_PAGE;
	c->ept_ad = c->ept_vpid & VMX_EPT_AD;
	c->invept_single = c->ept_vpid & VMX_EPT_INVEPT_SINGLE;
}

static const char *first_missing(const struct vmx_caps *c)
{
	if (!c->cpuid_vmx)
		return "VMX (CPUID.1:ECX.VMX[bit 5] = 0)";
	if ((c->feature_control & FEATURE_CONTROL_LOCKED) &&
	    !(c->feature_control & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
		return "VMX enabled in firmware (IA32_FEATURE_CONTROL is locked with VMXON outside SMX disabled)";
	if (!c->has_ept)
		return "EPT (secondary processor-based control bit 1)";
	if (!c->has_ug)
		return "unrestricted guest (secondary control bit 7)";
	if (!c->has_vpid)
		return "VPID (secondary control bit 5)";
	if (!c->ept_walk4 || !c->ept_wb)
		return "a 4-level EPT walk with write-back memory type";
	return NULL;
}

int vmx_caps_probe(struct vmx_caps *c)
{
	u32 a, b, cx, d;
	bool true_ctls;

	*c = (struct vmx_caps){ 0 };
	cpuid_count(1, 0, &a, &b, &cx, &d);
	c->cpuid_vmx = cx & X86_FEATURE_VMX_ECX;
	if (c->cpuid_vmx) {
		c->feature_control = rdmsr(MSR_IA32_FEATURE_CONTROL);
		c->basic = rdmsr(MSR_IA32_VMX_BASIC);
		true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
		c->pinbased = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
					      : MSR_IA32_VMX_PINBASED_CTLS);
		c->procbased = rdmsr(true_ctls
					     ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
					     : MSR_IA32_VMX_PROCBASED_CTLS);
		c->exit_ctls = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS
					       : MSR_IA32_VMX_EXIT_CTLS);
		c->entry_ctls = rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS
						: MSR_IA32_VMX_ENTRY_CTLS);
		c->misc = rdmsr(MSR_IA32_VMX_MISC);
		c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
		c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
		c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
		c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
		if ((c->procbased >> 32) &
		    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) {
			c->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
			c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
		}
		decode_caps(c);
	}
	c->missing = first_missing(c);
	c->usable = !c->missing;
	return c->usable ? 0 : -ENODEV;
}

static void report_no_vmx(const struct vmx_caps *c)
{
	enum platform_kind k = platform_detect();

	pr_err("VMX: not usable: missing %s.", c->missing);
	switch (k) {
	case PLATFORM_QEMU_TCG:
		pr_err("VMX: this is QEMU's TCG emulator, which never offers VMX. Run on a VT-x host with KVM and nested VMX: load kvm_intel with nested=1 (cat /sys/module/kvm_intel/parameters/nested must say Y) and start QEMU with -accel kvm -cpu host,+vmx; or use Bochs (RUN_WITH=bochs make run), which emulates VMX with EPT.");
		break;
	case PLATFORM_KVM:
	case PLATFORM_OTHER_HV:
		pr_err("VMX: this is a virtual machine whose hypervisor does not pass VMX through. On a KVM host: modprobe -r kvm_intel && modprobe kvm_intel nested=1, then start the VM with -cpu host,+vmx (or a CPU model with +vmx).");
		break;
	default:
		pr_err("VMX: on an Intel machine, enable 'Intel Virtualization Technology' (VT-x) in the firmware setup, save, and power-cycle; VT-x is required, and EPT with unrestricted guest (Westmere or later).");
		break;
	}
}

void vmx_caps_report(const struct vmx_caps *c)
{
	pr_info("VMX: CPUID.1:ECX.VMX=%d, MAXPHYADDR %u bits", c->cpuid_vmx,
		cpu_phys_addr_bits());
	if (!c->cpuid_vmx) {
		report_no_vmx(c);
		return;
	}
	pr_info("VMX: IA32_FEATURE_CONTROL=0x%llx (%s, VMXON outside SMX %s)",
		c->feature_control,
		c->feature_control & FEATURE_CONTROL_LOCKED
			? "locked"
			: "unlocked; tdpvisor will lock it",
		c->feature_control & FEATURE_CONTROL_VMXON_OUTSIDE_SMX
			? "enabled"
			: "disabled");
	pr_info("VMX: IA32_VMX_BASIC=0x%016llx (revision 0x%llx, VMCS %llu bytes, true controls %s)",
		c->basic, (c->basic & VMX_BASIC_REVISION_MASK),
		VMX_BASIC_VMCS_SIZE(c->basic),
		yesno(c->basic & VMX_BASIC_TRUE_CTLS));
	pr_info("VMX: PROCBASED_CTLS2=0x%016llx EPT_VPID_CAP=0x%016llx",
		c->procbased2, c->ept_vpid);
	pr_info("VMX: EPT=%s unrestricted-guest=%s VPID=%s PML=%s #VE=%s",
		yesno(c->has_ept), yesno(c->has_ug), yesno(c->has_vpid),
		yesno(c->has_pml), yesno(c->has_ve));
	pr_info("VMX: EPT 4-level=%s WB=%s 2M=%s 1G=%s A/D=%s INVEPT-single=%s",
		yesno(c->ept_walk4), yesno(c->ept_wb), yesno(c->ept_2m),
		yesno(c->ept_1g), yesno(c->ept_ad), yesno(c->invept_single));
	if (c->usable)
		pr_info("VMX: usable (EPT + unrestricted guest + VPID)");
	else
		report_no_vmx(c);
}

/*
 * A control MSR's low half is allowed-0 (bits that must be 1), its high
 * half allowed-1 (bits that may be 1).  Returns the value to program and,
 * in *missing, the wanted bits the CPU refuses.
 */
u64 vmx_adjust_controls(u64 cap, u32 want, u32 *missing)
{
	u32 must = (u32)cap, may = (u32)(cap >> 32);

	*missing = want & ~may;
	return (want & may) | must;
}
