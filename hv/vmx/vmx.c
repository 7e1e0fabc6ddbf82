// SPDX-License-Identifier: GPL-2.0
/*
 * VMX operation on this CPU (SDM Vol. 3, 24.7 "Enabling and Entering VMX
 * Operation"): IA32_FEATURE_CONTROL, the CR0/CR4 fixed bits, the VMXON
 * region; and the checked VMCS accessors every other file uses.
 */
#include "hv/pool.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_ops.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86.h"

static void *vmxon_region;
static bool vmx_on;

u64 vmcs_read_checked(u32 field)
{
	u64 v;
	int r = __vmcs_read(field, &v);

	if (r)
		panic("VMREAD of field 0x%04x failed (%s)", field,
		      r == VMX_FAIL_INVALID ? "no current VMCS"
					    : "unsupported field");
	return v;
}

void vmcs_write_checked(u32 field, u64 val)
{
	int r = __vmcs_write(field, val);

	if (r) {
		u64 err = 0;

		if (r == VMX_FAIL_VALID &&
		    __vmcs_read(VMCS_INSTRUCTION_ERROR, &err))
			err = 0;
		panic("VMWRITE of 0x%llx to field 0x%04x failed: %s", val,
		      field,
		      r == VMX_FAIL_INVALID ? "no current VMCS"
					    : vmx_insn_error_name((u32)err));
	}
}

int vmx_enable(const struct vmx_caps *caps)
{
	u64 fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	u64 cr0, cr4;
	int r;

	if (vmx_on)
		return 0;
	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		wrmsr(MSR_IA32_FEATURE_CONTROL,
		      fc | FEATURE_CONTROL_LOCKED |
			      FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
		pr_info("vmx: IA32_FEATURE_CONTROL locked with VMXON outside SMX enabled (was 0x%llx)",
			fc);
	} else if (!(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		pr_err("vmx: IA32_FEATURE_CONTROL is locked with VMX off; enable VT-x in the firmware setup");
		return -ENODEV;
	}
	cr0 = (read_cr0() | caps->cr0_fixed0) & caps->cr0_fixed1;
	cr4 = (read_cr4() | caps->cr4_fixed0 | X86_CR4_VMXE) & caps->cr4_fixed1;
	write_cr0(cr0);
	write_cr4(cr4);

	vmxon_region = pool_alloc_page();
	if (!vmxon_region)
		return -ENOMEM;
	*(u32 *)vmxon_region = (u32)(caps->basic & VMX_BASIC_REVISION_MASK);
	r = vmxon_pa((u64)(uintptr_t)vmxon_region);
	if (r) {
		pr_err("vmx: VMXON failed (%s)",
		       r == VMX_FAIL_INVALID
			       ? "VMfailInvalid: bad VMXON region or CR0/CR4"
			       : "VMfailValid");
		pool_free_pages(vmxon_region, 1);
		return -EIO;
	}
	vmx_on = true;
	pr_info("vmx: VMXON done (region at 0x%llx, revision 0x%x), CR0=0x%llx CR4=0x%llx",
		(u64)(uintptr_t)vmxon_region, *(u32 *)vmxon_region, cr0, cr4);
	return 0;
}

void vmx_disable(void)
{
	if (!vmx_on)
		return;
	if (vmxoff_checked())
		pr_warn("vmx: VMXOFF failed");
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	vmx_on = false;
}
