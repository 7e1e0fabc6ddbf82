/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The speculation-control interface, offered to guests as the CPU has it
 * (spec_ctrl.c): CPUID.(7,0):EDX bits 26-29 and 31 are passed through, and
 * with them IA32_SPEC_CTRL (0x48), IA32_PRED_CMD (0x49), IA32_FLUSH_CMD
 * (0x10b) and IA32_ARCH_CAPABILITIES (0x10a).  On a CPU without a feature
 * its bit is clear and its MSR raises #GP, as on that CPU.
 *
 * IA32_SPEC_CTRL is not switched on entry and exit: the guest's value is
 * loaded into the hardware MSR when it writes it and stays there while the
 * vCPU runs (tdpvisor's own code needs no particular value); each new VM
 * starts from 0.
 */
#ifndef TDP_HV_VMX_SPEC_CTRL_H
#define TDP_HV_VMX_SPEC_CTRL_H

#include "types.h"

struct vm;

/* CPUID.(7,0):EDX as the guest sees its speculation-control bits. */
u32 spec_cpuid7_edx(u32 edx);

/* RDMSR/WRMSR of the MSRs above: 0, -EINVAL (#GP), or -ENOENT when @msr
 * is none of them. */
int spec_msr_read(struct vm *vm, u32 msr, u64 *v);
int spec_msr_write(struct vm *vm, u32 msr, u64 v);

/* A new vCPU: IA32_SPEC_CTRL back to 0. */
void spec_reset_vcpu(struct vm *vm);

#endif /* TDP_HV_VMX_SPEC_CTRL_H */
