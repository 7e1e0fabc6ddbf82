/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instructions with their flags checked (SDM Vol. 3, 31.2 "Conventions"):
 * CF=1 is VMfailInvalid, ZF=1 is VMfailValid (the reason is in the
 * VM-instruction error field).  VMCS accessors are width-checked at compile
 * time against the field encoding (bits 14:13), like KVM's vmx_ops.h.
 */
#ifndef TDP_HV_VMX_OPS_H
#define TDP_HV_VMX_OPS_H

#include "hv/vmx/vmcs_defs.h"
#include "log.h"

/* 0: success, -1: VMfailInvalid, -2: VMfailValid */
#define VMX_FAIL_INVALID (-1)
#define VMX_FAIL_VALID (-2)

static inline int vmx_flags_result(u8 cf, u8 zf)
{
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : 0;
}

#define VMX_INSN_PA(insn)                                  \
	static inline int __must_check insn##_pa(u64 pa)   \
	{                                                  \
		u8 cf, zf;                                 \
		asm volatile(#insn " %2; setc %0; setz %1" \
			     : "=qm"(cf), "=qm"(zf)        \
			     : "m"(pa)                     \
			     : "cc", "memory");            \
		return vmx_flags_result(cf, zf);           \
	}
VMX_INSN_PA(vmxon)
VMX_INSN_PA(vmclear)
VMX_INSN_PA(vmptrld)

static inline int __must_check vmxoff_checked(void)
{
	u8 cf, zf;

	asm volatile("vmxoff; setc %0; setz %1"
		     : "=qm"(cf), "=qm"(zf)
		     :
		     : "cc", "memory");
	return vmx_flags_result(cf, zf);
}

static inline int __must_check __vmcs_read(u32 field, u64 *val)
{
	u8 cf, zf;

	asm volatile("vmread %3, %0; setc %1; setz %2"
		     : "=rm"(*val), "=qm"(cf), "=qm"(zf)
		     : "r"((u64)field)
		     : "cc");
	return vmx_flags_result(cf, zf);
}

static inline int __must_check __vmcs_write(u32 field, u64 val)
{
	u8 cf, zf;

	asm volatile("vmwrite %2, %3; setc %0; setz %1"
		     : "=qm"(cf), "=qm"(zf)
		     : "rm"(val), "r"((u64)field)
		     : "cc", "memory");
	return vmx_flags_result(cf, zf);
}

/* Reading a field the CPU does not have is a host bug: panic. */
u64 vmcs_read_checked(u32 field);
void vmcs_write_checked(u32 field, u64 val);

#define VMCS_CHECK_WIDTH(f, w) \
	static_assert(VMCS_FIELD_WIDTH(f) == (w), "VMCS field width: " #f)

#define vmcs_read16(f)                              \
	({                                          \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); \
		(u16) vmcs_read_checked(f);         \
	})
#define vmcs_read32(f)                              \
	({                                          \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); \
		(u32) vmcs_read_checked(f);         \
	})
#define vmcs_read64(f)                              \
	({                                          \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); \
		vmcs_read_checked(f);               \
	})
#define vmcs_readnat(f)                                  \
	({                                               \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); \
		vmcs_read_checked(f);                    \
	})
#define vmcs_write16(f, v)                          \
	do {                                        \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); \
		vmcs_write_checked(f, (u16)(v));    \
	} while (0)
#define vmcs_write32(f, v)                          \
	do {                                        \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); \
		vmcs_write_checked(f, (u32)(v));    \
	} while (0)
#define vmcs_write64(f, v)                          \
	do {                                        \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); \
		vmcs_write_checked(f, (u64)(v));    \
	} while (0)
#define vmcs_writenat(f, v)                              \
	do {                                             \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); \
		vmcs_write_checked(f, (u64)(v));         \
	} while (0)

static inline int __must_check invept_single(u64 eptp)
{
	struct {
		u64 eptp, reserved;
	} desc = { eptp, 0 };
	u8 cf, zf;

	asm volatile("invept %2, %3; setc %0; setz %1"
		     : "=qm"(cf), "=qm"(zf)
		     : "m"(desc), "r"(1ULL)
		     : "cc", "memory");
	return vmx_flags_result(cf, zf);
}

static inline int __must_check invept_all(void)
{
	struct {
		u64 eptp, reserved;
	} desc = { 0, 0 };
	u8 cf, zf;

	asm volatile("invept %2, %3; setc %0; setz %1"
		     : "=qm"(cf), "=qm"(zf)
		     : "m"(desc), "r"(2ULL)
		     : "cc", "memory");
	return vmx_flags_result(cf, zf);
}

#endif /* TDP_HV_VMX_OPS_H */
