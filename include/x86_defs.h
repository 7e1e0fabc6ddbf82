/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 architectural constants: MSR numbers and the bits of the control
 * registers, RFLAGS, IA32_EFER, segment access rights, paging-structure
 * entries and CPUID feature words.  Each is named here once and used by
 * name everywhere, in the image and in portable code alike (this header
 * has no instruction in it).  VMX's own encodings are in
 * hv/vmx/vmcs_defs.h; EPT entry bits are in mmu/spte.h.
 */
#ifndef TDP_X86_DEFS_H
#define TDP_X86_DEFS_H

#include "compiler.h"

/* MSRs (SDM Vol. 4, "Model-Specific Registers"). */
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define FEATURE_CONTROL_LOCKED BIT_ULL(0)
#define FEATURE_CONTROL_VMXON_IN_SMX BIT_ULL(1)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX BIT_ULL(2)
#define MSR_IA32_VMX_BASIC 0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS 0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x00000482
#define MSR_IA32_VMX_EXIT_CTLS 0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS 0x00000484
#define MSR_IA32_VMX_MISC 0x00000485
#define MSR_IA32_VMX_CR0_FIXED0 0x00000486
#define MSR_IA32_VMX_CR0_FIXED1 0x00000487
#define MSR_IA32_VMX_CR4_FIXED0 0x00000488
#define MSR_IA32_VMX_CR4_FIXED1 0x00000489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x00000490
#define MSR_IA32_EFER 0xc0000080
#define MSR_IA32_PAT 0x00000277
#define MSR_IA32_SYSENTER_CS 0x00000174
#define MSR_IA32_SYSENTER_ESP 0x00000175
#define MSR_IA32_SYSENTER_EIP 0x00000176
#define MSR_IA32_DEBUGCTL 0x000001d9
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/*
 * Architectural bits, named once (SDM Vol. 3A "Control Registers",
 * "EFLAGS Register", "IA32_EFER MSR", "Segment Descriptors"; Vol. 2A
 * CPUID).  Every file uses these names, never the bit numbers.
 */
#define X86_CR0_PE BIT_ULL(0) /* protection enable */
#define X86_CR0_ET BIT_ULL(4) /* extension type: reads as 1 */
#define X86_CR0_NE BIT_ULL(5) /* numeric error */
#define X86_CR0_WP BIT_ULL(16) /* write protect */
#define X86_CR0_NW BIT_ULL(29) /* not write-through */
#define X86_CR0_CD BIT_ULL(30) /* cache disable */
#define X86_CR0_PG BIT_ULL(31) /* paging */

#define X86_CR4_PSE BIT_ULL(4) /* 4 MiB pages in 32-bit paging */
#define X86_CR4_PAE BIT_ULL(5)
#define X86_CR4_PGE BIT_ULL(7)
#define X86_CR4_VMXE BIT_ULL(13)
#define X86_CR4_OSXSAVE BIT_ULL(18)
#define X86_CR4_PCIDE BIT_ULL(17)

#define X86_EFER_SCE BIT_ULL(0) /* SYSCALL enable */
#define X86_EFER_LME BIT_ULL(8) /* long mode enable */
#define X86_EFER_LMA BIT_ULL(10) /* long mode active */
#define X86_EFER_NXE BIT_ULL(11) /* execute-disable enable */

#define X86_RFLAGS_FIXED BIT_ULL(1) /* reads as 1 */
#define X86_RFLAGS_IF BIT_ULL(9)
#define X86_RFLAGS_DF BIT_ULL(10)
#define X86_RFLAGS_VM BIT_ULL(17) /* virtual-8086 mode */

/*
 * Segment access rights as VMX stores them (descriptor bits 47:40 in 7:0,
 * 55:52 in 15:12).
 */
#define X86_AR_TYPE(ar) ((ar)&15)
#define X86_AR_S BIT(4) /* code/data, not system */
#define X86_AR_DPL(ar) (((ar) >> 5) & 3)
#define X86_AR_P BIT(7) /* present */
#define X86_AR_L BIT(13) /* 64-bit code segment */
#define X86_AR_DB BIT(14) /* default operation size 32 bits */
#define X86_AR_G BIT(15) /* limit in 4 KiB units */

/* Paging-structure entry bits shared by every paging mode. */
#define X86_PTE_P BIT_ULL(0) /* present */
#define X86_PTE_PS BIT_ULL(7) /* page size: this entry maps a page */

/* CPUID.1 feature bits. */
#define X86_FEATURE_VMX_ECX BIT(5)
#define X86_FEATURE_X2APIC_ECX BIT(21)
#define X86_FEATURE_XSAVE_ECX BIT(26)
#define X86_FEATURE_OSXSAVE_ECX BIT(27)
#define X86_FEATURE_HYPERVISOR_ECX BIT(31)
#define X86_FEATURE_APIC_EDX BIT(9)

#endif /* TDP_X86_DEFS_H */
