// SPDX-License-Identifier: GPL-2.0
/*
 * Software VM-entry checks on guest state and the CR0/CR4/EFER
 * transitions (see vmentry_check.h).  Portable.
 */
#include "hv/vmx/check/vmentry_check.h"
#include "errno_codes.h"

static const char *const check_names[VMCHK_NR_RESULTS] = {
	[VMCHK_OK] = "ok",
	[VMCHK_CR0_FIXED] =
		"CR0 must respect IA32_VMX_CR0_FIXED0/1 (PE and PG exempt: unrestricted guest)",
	[VMCHK_CR4_FIXED] = "CR4 must respect IA32_VMX_CR4_FIXED0/1",
	[VMCHK_CR0_PG_NO_PE] = "CR0.PG=1 requires CR0.PE=1",
	[VMCHK_DR7_HIGH] = "DR7 bits 63:32 must be 0 (load debug controls)",
	[VMCHK_IA32E_NO_PG_PAE] =
		"IA-32e mode guest requires CR0.PG=1 and CR4.PAE=1",
	[VMCHK_PCIDE_NO_IA32E] = "CR4.PCIDE=1 requires IA-32e mode guest",
	[VMCHK_CR3_RESERVED] = "CR3 bits beyond MAXPHYADDR must be 0",
	[VMCHK_SYSENTER_CANONICAL] = "SYSENTER_ESP/EIP must be canonical",
	[VMCHK_PAT_INVALID] = "IA32_PAT entries must be valid memory types",
	[VMCHK_EFER_RESERVED] = "IA32_EFER reserved bits must be 0",
	[VMCHK_EFER_LMA_IA32E] =
		"IA32_EFER.LMA must equal the IA-32e mode guest control",
	[VMCHK_EFER_LMA_LME] =
		"with CR0.PG=1, IA32_EFER.LMA must equal IA32_EFER.LME",
	[VMCHK_TR_TI] = "TR selector TI flag must be 0",
	[VMCHK_LDTR_TI] = "usable LDTR selector TI flag must be 0",
	[VMCHK_BASE_CANONICAL] = "TR/FS/GS/LDTR base must be canonical",
	[VMCHK_BASE_HIGH] = "CS/SS/DS/ES base bits 63:32 must be 0",
	[VMCHK_CS_TYPE] = "CS type must be 3 (unrestricted), 9, 11, 13 or 15",
	[VMCHK_CS_DPL] = "CS DPL must match its type and SS.DPL",
	[VMCHK_CS_L_D] = "IA-32e mode with CS.L=1 requires CS.D=0",
	[VMCHK_SS_TYPE] =
		"usable SS must be a read/write data segment (type 3 or 7)",
	[VMCHK_SS_DPL] = "SS.DPL must be 0 with CS type 3 or CR0.PE=0",
	[VMCHK_DATA_TYPE] =
		"usable DS/ES/FS/GS must be accessed, and readable if code",
	[VMCHK_SEG_S] = "segment S flag wrong (code/data 1, TR/LDTR 0)",
	[VMCHK_SEG_P] = "usable segment must be present",
	[VMCHK_SEG_AR_RESERVED] =
		"segment access-rights reserved bits must be 0",
	[VMCHK_SEG_G_LIMIT] = "segment limit and G flag disagree",
	[VMCHK_TR_TYPE] =
		"TR type must be 11 (busy 64/32-bit TSS; 3 outside IA-32e)",
	[VMCHK_TR_UNUSABLE] = "TR must be usable",
	[VMCHK_LDTR_TYPE] = "usable LDTR must be type 2",
	[VMCHK_DTR_BASE] = "GDTR/IDTR base must be canonical",
	[VMCHK_DTR_LIMIT] = "GDTR/IDTR limit bits 31:16 must be 0",
	[VMCHK_RIP_HIGH] = "RIP bits 63:32 must be 0 outside 64-bit code",
	[VMCHK_RIP_CANONICAL] = "RIP must be canonical in 64-bit code",
	[VMCHK_RFLAGS_RESERVED] =
		"RFLAGS reserved bits must be 0, bit 1 must be 1",
	[VMCHK_RFLAGS_VM] =
		"RFLAGS.VM must be 0 in IA-32e mode or with CR0.PE=0",
	[VMCHK_RFLAGS_IF_INJECT] =
		"injecting an external interrupt requires RFLAGS.IF=1",
	[VMCHK_ACTIVITY] = "activity state must be 0-3",
	[VMCHK_ACTIVITY_HLT_DPL] = "HLT activity state requires SS.DPL=0",
	[VMCHK_INTR_RESERVED] = "interruptibility reserved bits must be 0",
	[VMCHK_INTR_STI_MOVSS] =
		"blocking by STI and by MOV SS must not both be set",
	[VMCHK_INTR_STI_IF] = "blocking by STI requires RFLAGS.IF=1",
	[VMCHK_PENDING_DBG] =
		"pending debug exceptions reserved bits must be 0",
	[VMCHK_LINK_POINTER] = "VMCS link pointer must be all ones",
};

const char *vmcheck_name(enum vmcheck_result r)
{
	return (unsigned int)r < VMCHK_NR_RESULTS && check_names[r]
		       ? check_names[r]
		       : "?";
}

const char *vmcheck_seg_name(int seg)
{
	static const char *const n[VMCHK_NR_SEGS] = {
		"ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR"
	};

	return seg >= 0 && seg < VMCHK_NR_SEGS ? n[seg] : "?";
}

static bool is_canonical(u64 v)
{
	return (u64)((s64)(v << 16) >> 16) == v;
}

#define AR_TYPE(ar) X86_AR_TYPE(ar)
#define AR_S(ar) (!!((ar)&X86_AR_S))
#define AR_DPL(ar) X86_AR_DPL(ar)
#define AR_P(ar) (!!((ar)&X86_AR_P))
#define AR_L(ar) (!!((ar)&X86_AR_L))
#define AR_DB(ar) (!!((ar)&X86_AR_DB))
#define AR_G(ar) (((ar) >> 15) & 1)
#define AR_RESERVED ((u32)(GENMASK_ULL(11, 8) | GENMASK_ULL(31, 17)))

static bool g_limit_ok(const struct vmcheck_seg *s)
{
	if ((s->limit & 0xfff) != 0xfff && AR_G(s->ar))
		return false;
	if ((s->limit & 0xfff00000) && !AR_G(s->ar))
		return false;
	return true;
}

static enum vmcheck_result check_cregs(const struct vmcheck_state *s)
{
	u64 f0 = s->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);
	u64 rsvd_cr3 = s->maxphyaddr < 64 ? ~0ULL << s->maxphyaddr : 0;
	bool lma = s->efer & X86_EFER_LMA;

	if ((s->cr0 & f0) != f0 || (s->cr0 & ~s->cr0_fixed1))
		return VMCHK_CR0_FIXED;
	if ((s->cr4 & s->cr4_fixed0) != s->cr4_fixed0 ||
	    (s->cr4 & ~s->cr4_fixed1))
		return VMCHK_CR4_FIXED;
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return VMCHK_CR0_PG_NO_PE;
	if (s->load_debug_controls && (s->dr7 >> 32))
		return VMCHK_DR7_HIGH;
	if (s->ia32e_mode_guest &&
	    (!(s->cr0 & X86_CR0_PG) || !(s->cr4 & X86_CR4_PAE)))
		return VMCHK_IA32E_NO_PG_PAE;
	if (!s->ia32e_mode_guest && (s->cr4 & X86_CR4_PCIDE))
		return VMCHK_PCIDE_NO_IA32E;
	if (s->cr3 & rsvd_cr3)
		return VMCHK_CR3_RESERVED;
	if (!is_canonical(s->sysenter_esp) || !is_canonical(s->sysenter_eip))
		return VMCHK_SYSENTER_CANONICAL;
	for (int i = 0; i < 8; i++) {
		u8 t = (u8)(s->pat >> (i * 8));

		if (t == 2 || t == 3 || t > 7)
			return VMCHK_PAT_INVALID;
	}
	if (s->efer & ~VMCHK_EFER_SUPPORTED)
		return VMCHK_EFER_RESERVED;
	if (lma != s->ia32e_mode_guest)
		return VMCHK_EFER_LMA_IA32E;
	if ((s->cr0 & X86_CR0_PG) && lma != !!(s->efer & X86_EFER_LME))
		return VMCHK_EFER_LMA_LME;
	return VMCHK_OK;
}

/* Checks common to usable code and data segments. */
static enum vmcheck_result check_code_data(const struct vmcheck_seg *g)
{
	if (!AR_S(g->ar))
		return VMCHK_SEG_S;
	if (!AR_P(g->ar))
		return VMCHK_SEG_P;
	if (g->ar & AR_RESERVED)
		return VMCHK_SEG_AR_RESERVED;
	if (!g_limit_ok(g))
		return VMCHK_SEG_G_LIMIT;
	return VMCHK_OK;
}

static enum vmcheck_result check_segs(const struct vmcheck_state *s, int *seg)
{
	const struct vmcheck_seg *cs = &s->seg[VMCHK_CS],
				 *ss = &s->seg[VMCHK_SS],
				 *tr = &s->seg[VMCHK_TR],
				 *ldtr = &s->seg[VMCHK_LDTR];
	bool ldtr_usable = !(ldtr->ar & VMCHK_AR_UNUSABLE);
	u32 cs_type = AR_TYPE(cs->ar);
	enum vmcheck_result r;

	*seg = VMCHK_TR;
	if (tr->sel & 4)
		return VMCHK_TR_TI;
	*seg = VMCHK_LDTR;
	if (ldtr_usable && (ldtr->sel & 4))
		return VMCHK_LDTR_TI;
	for (int i = 0; i < VMCHK_NR_SEGS; i++) {
		const struct vmcheck_seg *g = &s->seg[i];
		bool usable = !(g->ar & VMCHK_AR_UNUSABLE);

		*seg = i;
		if ((i == VMCHK_TR || i == VMCHK_FS || i == VMCHK_GS ||
		     (i == VMCHK_LDTR && usable)) &&
		    !is_canonical(g->base))
			return VMCHK_BASE_CANONICAL;
		if ((i == VMCHK_CS ||
		     ((i == VMCHK_SS || i == VMCHK_DS || i == VMCHK_ES) &&
		      usable)) &&
		    (g->base >> 32))
			return VMCHK_BASE_HIGH;
	}
	*seg = VMCHK_CS;
	if (cs_type != 3 && cs_type != 9 && cs_type != 11 && cs_type != 13 &&
	    cs_type != 15)
		return VMCHK_CS_TYPE;
	r = check_code_data(cs);
	if (r)
		return r;
	if ((cs_type == 3 && AR_DPL(cs->ar) != 0) ||
	    ((cs_type == 9 || cs_type == 11) &&
	     AR_DPL(cs->ar) != AR_DPL(ss->ar)) ||
	    ((cs_type == 13 || cs_type == 15) &&
	     AR_DPL(cs->ar) > AR_DPL(ss->ar)))
		return VMCHK_CS_DPL;
	if (s->ia32e_mode_guest && AR_L(cs->ar) && AR_DB(cs->ar))
		return VMCHK_CS_L_D;
	*seg = VMCHK_SS;
	if (!(ss->ar & VMCHK_AR_UNUSABLE)) {
		if (AR_TYPE(ss->ar) != 3 && AR_TYPE(ss->ar) != 7)
			return VMCHK_SS_TYPE;
		r = check_code_data(ss);
		if (r)
			return r;
	}
	if ((cs_type == 3 || !(s->cr0 & X86_CR0_PE)) && AR_DPL(ss->ar))
		return VMCHK_SS_DPL;
	for (int i = VMCHK_ES; i <= VMCHK_GS; i++) {
		const struct vmcheck_seg *g = &s->seg[i];

		if (i == VMCHK_CS || i == VMCHK_SS ||
		    (g->ar & VMCHK_AR_UNUSABLE))
			continue;
		*seg = i;
		if (!(g->ar & 1) || ((g->ar & 8) && !(g->ar & 2)))
			return VMCHK_DATA_TYPE;
		r = check_code_data(g);
		if (r)
			return r;
	}
	*seg = VMCHK_TR;
	if (tr->ar & VMCHK_AR_UNUSABLE)
		return VMCHK_TR_UNUSABLE;
	if (AR_TYPE(tr->ar) != 11 &&
	    (s->ia32e_mode_guest || AR_TYPE(tr->ar) != 3))
		return VMCHK_TR_TYPE;
	if (AR_S(tr->ar))
		return VMCHK_SEG_S;
	if (!AR_P(tr->ar))
		return VMCHK_SEG_P;
	if (tr->ar & AR_RESERVED)
		return VMCHK_SEG_AR_RESERVED;
	if (!g_limit_ok(tr))
		return VMCHK_SEG_G_LIMIT;
	*seg = VMCHK_LDTR;
	if (ldtr_usable) {
		if (AR_TYPE(ldtr->ar) != 2)
			return VMCHK_LDTR_TYPE;
		if (AR_S(ldtr->ar))
			return VMCHK_SEG_S;
		if (!AR_P(ldtr->ar))
			return VMCHK_SEG_P;
		if (ldtr->ar & AR_RESERVED)
			return VMCHK_SEG_AR_RESERVED;
		if (!g_limit_ok(ldtr))
			return VMCHK_SEG_G_LIMIT;
	}
	*seg = -1;
	return VMCHK_OK;
}

#define RFLAGS_RESERVED \
	(GENMASK_ULL(63, 22) | BIT_ULL(15) | BIT_ULL(5) | BIT_ULL(3))
#define INTR_STI BIT(0)
#define INTR_MOVSS BIT(1)
#define INTR_INFO_VALID BIT(31)
#define INTR_TYPE_EXT 0

static enum vmcheck_result check_rest(const struct vmcheck_state *s)
{
	bool code64 = s->ia32e_mode_guest && AR_L(s->seg[VMCHK_CS].ar);

	if (!is_canonical(s->gdtr_base) || !is_canonical(s->idtr_base))
		return VMCHK_DTR_BASE;
	if ((s->gdtr_limit | s->idtr_limit) >> 16)
		return VMCHK_DTR_LIMIT;
	if (!code64 && (s->rip >> 32))
		return VMCHK_RIP_HIGH;
	if (code64 && !is_canonical(s->rip))
		return VMCHK_RIP_CANONICAL;
	if ((s->rflags & RFLAGS_RESERVED) || !(s->rflags & X86_RFLAGS_FIXED))
		return VMCHK_RFLAGS_RESERVED;
	if ((s->rflags & X86_RFLAGS_VM) &&
	    (s->ia32e_mode_guest || !(s->cr0 & X86_CR0_PE)))
		return VMCHK_RFLAGS_VM;
	if ((s->entry_intr_info & INTR_INFO_VALID) &&
	    ((s->entry_intr_info >> 8) & 7) == INTR_TYPE_EXT &&
	    !(s->rflags & X86_RFLAGS_IF))
		return VMCHK_RFLAGS_IF_INJECT;
	if (s->activity > 3)
		return VMCHK_ACTIVITY;
	if (s->activity == 1 && AR_DPL(s->seg[VMCHK_SS].ar))
		return VMCHK_ACTIVITY_HLT_DPL;
	if (s->interruptibility & (u32)GENMASK_ULL(31, 5))
		return VMCHK_INTR_RESERVED;
	if ((s->interruptibility & (INTR_STI | INTR_MOVSS)) ==
	    (INTR_STI | INTR_MOVSS))
		return VMCHK_INTR_STI_MOVSS;
	if ((s->interruptibility & INTR_STI) && !(s->rflags & X86_RFLAGS_IF))
		return VMCHK_INTR_STI_IF;
	if (s->pending_dbg &
	    ~(GENMASK_ULL(3, 0) | BIT_ULL(12) | BIT_ULL(14) | BIT_ULL(16)))
		return VMCHK_PENDING_DBG;
	if (s->link_pointer != ~0ULL)
		return VMCHK_LINK_POINTER;
	return VMCHK_OK;
}

enum vmcheck_result vmcheck_guest_state(const struct vmcheck_state *s, int *seg)
{
	enum vmcheck_result r;

	*seg = -1;
	r = check_cregs(s);
	if (r)
		return r;
	r = check_segs(s, seg);
	if (r)
		return r;
	return check_rest(s);
}

int vmcheck_efer_write(struct vmcheck_cregs *c, u64 val)
{
	if (val & ~VMCHK_EFER_SUPPORTED)
		return -EINVAL;
	/* LMA is read-only: keep the current value. */
	val = (val & ~X86_EFER_LMA) | (c->efer & X86_EFER_LMA);
	if ((c->cr0 & X86_CR0_PG) && ((val ^ c->efer) & X86_EFER_LME))
		return -EINVAL;
	c->efer = val;
	return 0;
}

int vmcheck_cr0_write(struct vmcheck_cregs *c, u64 val)
{
	bool pg_on = (val & X86_CR0_PG) && !(c->cr0 & X86_CR0_PG);
	bool pg_off = !(val & X86_CR0_PG) && (c->cr0 & X86_CR0_PG);

	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return -EINVAL;
	if (pg_on && (c->efer & X86_EFER_LME) && !(c->cr4 & X86_CR4_PAE))
		return -EINVAL;
	if (pg_off && (c->efer & X86_EFER_LMA) && c->cs_l)
		return -EINVAL;
	if (pg_on && (c->efer & X86_EFER_LME)) {
		c->efer |= X86_EFER_LMA;
		c->ia32e_mode_guest = true;
	}
	if (pg_off) {
		c->efer &= ~X86_EFER_LMA;
		c->ia32e_mode_guest = false;
	}
	c->cr0 = val;
	return 0;
}

int vmcheck_cr4_write(struct vmcheck_cregs *c, u64 val)
{
	if ((c->efer & X86_EFER_LMA) && !(val & X86_CR4_PAE))
		return -EINVAL;
	c->cr4 = val;
	return 0;
}
