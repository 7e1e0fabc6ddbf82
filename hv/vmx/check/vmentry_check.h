/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Software VM-entry checks on guest state, and the control-register and
 * EFER transitions that must keep the guest state valid.  Portable: the
 * checker takes a plain struct (filled from the VMCS by the run loop, by hand
 * in host tests) and executes no VMX instruction.
 *
 * The checks are those of SDM Vol. 3 "Checks on the Guest State Area"
 * ("Checks on Guest Control Registers, Debug Registers, and MSRs",
 * "Checks on Guest Segment Registers", "Checks on Guest Descriptor-Table
 * Registers", "Checks on Guest RIP and RFLAGS", "Checks on Guest
 * Non-Register State") for the controls tdpvisor uses: unrestricted
 * guest on, "load IA32_EFER" and "load IA32_PAT" on, no virtual-8086
 * special cases beyond what RFLAGS.VM implies.  Bochs forgives some of
 * them; a real CPU does not, so tdpvisor checks first and names the
 * failed check instead of reading "invalid guest state" back.
 */
#ifndef TDP_HV_VMENTRY_CHECK_H
#define TDP_HV_VMENTRY_CHECK_H

#include "types.h"
#include "compiler.h"
#include "x86_defs.h"

/* The IA32_EFER bits a guest may set: the ones tdpvisor emulates. */
#define VMCHK_EFER_SUPPORTED \
	(X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE)
/* VMX's "segment unusable" access-rights bit (not a descriptor bit). */
#define VMCHK_AR_UNUSABLE BIT(16)

enum vmcheck_seg_idx {
	VMCHK_ES,
	VMCHK_CS,
	VMCHK_SS,
	VMCHK_DS,
	VMCHK_FS,
	VMCHK_GS,
	VMCHK_LDTR,
	VMCHK_TR,
	VMCHK_NR_SEGS,
};

struct vmcheck_seg {
	u16 sel;
	u64 base;
	u32 limit;
	u32 ar; /* VMCS access-rights format, bit 16 = unusable */
};

/* Guest state as VM entry sees it, plus the controls the checks need. */
struct vmcheck_state {
	u64 cr0, cr3, cr4, dr7, efer, pat;
	u64 rip, rflags, sysenter_esp, sysenter_eip;
	struct vmcheck_seg seg[VMCHK_NR_SEGS];
	u64 gdtr_base, idtr_base;
	u32 gdtr_limit, idtr_limit;
	u32 interruptibility, activity;
	u64 pending_dbg, link_pointer;
	bool ia32e_mode_guest; /* VM-entry control "IA-32e mode guest" */
	bool load_debug_controls; /* VM-entry control */
	u32 entry_intr_info; /* VM-entry interruption-information field */
	/* IA32_VMX_CR0/CR4_FIXED0/1; PE and PG are exempt (unrestricted). */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u8 maxphyaddr;
};

/* One enumerator per check; vmcheck_name() gives its text. */
enum vmcheck_result {
	VMCHK_OK = 0,
	VMCHK_CR0_FIXED,
	VMCHK_CR4_FIXED,
	VMCHK_CR0_PG_NO_PE,
	VMCHK_DR7_HIGH,
	VMCHK_IA32E_NO_PG_PAE,
	VMCHK_PCIDE_NO_IA32E,
	VMCHK_CR3_RESERVED,
	VMCHK_SYSENTER_CANONICAL,
	VMCHK_PAT_INVALID,
	VMCHK_EFER_RESERVED,
	VMCHK_EFER_LMA_IA32E,
	VMCHK_EFER_LMA_LME,
	VMCHK_TR_TI,
	VMCHK_LDTR_TI,
	VMCHK_BASE_CANONICAL,
	VMCHK_BASE_HIGH,
	VMCHK_CS_TYPE,
	VMCHK_CS_DPL,
	VMCHK_CS_L_D,
	VMCHK_SS_TYPE,
	VMCHK_SS_DPL,
	VMCHK_DATA_TYPE,
	VMCHK_SEG_S,
	VMCHK_SEG_P,
	VMCHK_SEG_AR_RESERVED,
	VMCHK_SEG_G_LIMIT,
	VMCHK_TR_TYPE,
	VMCHK_TR_UNUSABLE,
	VMCHK_LDTR_TYPE,
	VMCHK_DTR_BASE,
	VMCHK_DTR_LIMIT,
	VMCHK_RIP_HIGH,
	VMCHK_RIP_CANONICAL,
	VMCHK_RFLAGS_RESERVED,
	VMCHK_RFLAGS_VM,
	VMCHK_RFLAGS_IF_INJECT,
	VMCHK_ACTIVITY,
	VMCHK_ACTIVITY_HLT_DPL,
	VMCHK_INTR_RESERVED,
	VMCHK_INTR_STI_MOVSS,
	VMCHK_INTR_STI_IF,
	VMCHK_PENDING_DBG,
	VMCHK_LINK_POINTER,
	VMCHK_NR_RESULTS,
};

/**
 * vmcheck_guest_state() - apply the SDM's VM-entry checks on guest state.
 * @s:   the state and controls.
 * @seg: set to the segment index a segment check failed on (else -1).
 *
 * Context: any; no side effects besides @seg.
 * Return: VMCHK_OK, or the first check that fails (in SDM order).
 */
enum vmcheck_result vmcheck_guest_state(const struct vmcheck_state *s,
					int *seg);

/* Text of a check ("CR0.PG=1 requires CR0.PE=1"); "?" if out of range. */
const char *vmcheck_name(enum vmcheck_result r);
/* "ES", "CS", ... "TR"; "?" if out of range. */
const char *vmcheck_seg_name(int seg);

/*
 * The state an emulated write changes: CR0, CR4, EFER and the
 * "IA-32e mode guest" entry control, with CS.L for the checks that need
 * it.
 */
struct vmcheck_cregs {
	u64 cr0, cr4, efer;
	bool ia32e_mode_guest;
	bool cs_l;
};

/**
 * vmcheck_efer_write() - WRMSR to IA32_EFER as the SDM specifies it.
 * @c:   current state; on success, EFER is updated in it.
 * @val: the value written.
 *
 * Reserved bits (outside VMCHK_EFER_SUPPORTED) raise #GP; LMA is
 * read-only (the written bit is ignored, the current one kept); changing
 * LME while CR0.PG=1 raises #GP ("Initializing IA-32e Mode").
 *
 * Return: 0, or -EINVAL: the guest gets #GP and nothing changes.
 */
int __must_check vmcheck_efer_write(struct vmcheck_cregs *c, u64 val);

/**
 * vmcheck_cr0_write() - MOV to CR0 as the SDM specifies it.
 * @c:   current state; on success CR0, EFER.LMA and the IA-32e control
 *       are updated in it.  @c->cr0 is the guest's view (no host bits).
 * @val: the value written.
 *
 * #GP for bits 63:32, PG without PE, NW without CD, setting PG with
 * EFER.LME=1 and CR4.PAE=0, and clearing PG in 64-bit code (CS.L=1).
 * Setting PG with LME=1 activates IA-32e mode (EFER.LMA and "IA-32e mode
 * guest" set); clearing PG deactivates it.
 *
 * Return: 0, or -EINVAL: the guest gets #GP and nothing changes.
 */
int __must_check vmcheck_cr0_write(struct vmcheck_cregs *c, u64 val);

/**
 * vmcheck_cr4_write() - the IA-32e rules of MOV to CR4.
 * @c:   current state; on success CR4 is updated.
 * @val: the value written (reserved bits are the caller's check).
 *
 * Return: 0, or -EINVAL (#GP) for clearing PAE while EFER.LMA=1.
 */
int __must_check vmcheck_cr4_write(struct vmcheck_cregs *c, u64 val);

#endif /* TDP_HV_VMENTRY_CHECK_H */
