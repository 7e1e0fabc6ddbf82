// SPDX-License-Identifier: GPL-2.0
/*
 * hv/vmx/check/vmentry_check.c: the software VM-entry checks on guest state, and
 * the EFER/CR0/CR4 transitions that must keep that state valid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "hv/vmx/check/vmentry_check.h"

/* The state vmcs_setup() gives a multiboot guest, with Bochs' fixed bits. */
static struct vmcheck_state good(void)
{
	struct vmcheck_state s = { 0 };

	s.cr0 = X86_CR0_PE | BIT_ULL(4) | X86_CR0_NE;
	s.cr4 = BIT_ULL(13);
	s.dr7 = 0x400;
	s.pat = 0x0007040600070406ULL;
	s.rip = 0x100000;
	s.rflags = 2;
	for (int i = VMCHK_ES; i <= VMCHK_GS; i++)
		s.seg[i] = (struct vmcheck_seg){ 0x10, 0, 0xffffffff, 0xc093 };
	s.seg[VMCHK_CS] = (struct vmcheck_seg){ 0x08, 0, 0xffffffff, 0xc09b };
	s.seg[VMCHK_LDTR] = (struct vmcheck_seg){ 0, 0, 0, VMCHK_AR_UNUSABLE };
	s.seg[VMCHK_TR] = (struct vmcheck_seg){ 0, 0, 0xff, 0x8b };
	s.link_pointer = ~0ULL;
	s.load_debug_controls = true;
	s.cr0_fixed0 = 0x80000021;
	s.cr0_fixed1 = 0xffffffff;
	s.cr4_fixed0 = 0x2000;
	s.cr4_fixed1 = 0x3727ff;
	s.maxphyaddr = 40;
	return s;
}

static void expect(const struct vmcheck_state *s, enum vmcheck_result want,
		   int want_seg)
{
	int seg;
	enum vmcheck_result r = vmcheck_guest_state(s, &seg);

	if (r != want)
		print_error("got '%s', want '%s'\n", vmcheck_name(r),
			    vmcheck_name(want));
	assert_int_equal(r, want);
	if (want_seg != -2)
		assert_int_equal(seg, want_seg);
}

static void test_good_state(void **state)
{
	struct vmcheck_state s = good();

	(void)state;
	expect(&s, VMCHK_OK, -1);
	/* 64-bit: PG, PAE, LME|LMA, IA-32e, CS.L, busy TSS */
	s.cr0 |= X86_CR0_PG;
	s.cr4 |= X86_CR4_PAE;
	s.efer = X86_EFER_LME | X86_EFER_LMA;
	s.ia32e_mode_guest = true;
	s.seg[VMCHK_CS].ar = 0xa09b;
	s.rip = 0xffffffff80001000ULL;
	expect(&s, VMCHK_OK, -1);
}

/* The EFER/CR0 states a guest's WRMSR or MOV CR0 left before those were
 * emulated: each caught by name. */
static void test_efer_cr0_states(void **state)
{
	struct vmcheck_state s = good();

	(void)state;
	s.efer = X86_EFER_LMA; /* WRMSR EFER.LMA taken as is */
	expect(&s, VMCHK_EFER_LMA_IA32E, -1);
	s = good();
	s.cr0 |= X86_CR0_PG;
	s.cr4 |= X86_CR4_PAE;
	s.efer = X86_EFER_LME; /* MOV CR0.PG without setting LMA */
	expect(&s, VMCHK_EFER_LMA_LME, -1);
	s.efer |= X86_EFER_LMA; /* LMA but no IA-32e control */
	expect(&s, VMCHK_EFER_LMA_IA32E, -1);
	s = good();
	s.ia32e_mode_guest = true; /* IA-32e without paging */
	expect(&s, VMCHK_IA32E_NO_PG_PAE, -1);
	s = good();
	s.efer = BIT_ULL(3);
	expect(&s, VMCHK_EFER_RESERVED, -1);
}

static void test_each_check(void **state)
{
	struct vmcheck_state s;

	(void)state;
#define CASE(mod, want, seg)           \
	do {                           \
		s = good();            \
		mod;                   \
		expect(&s, want, seg); \
	} while (0)
	CASE(s.cr0 &= ~X86_CR0_NE, VMCHK_CR0_FIXED, -1);
	CASE(s.cr0 &= ~X86_CR0_PE, VMCHK_OK, -1); /* unrestricted */
	CASE(s.cr4 &= ~BIT_ULL(13), VMCHK_CR4_FIXED, -1);
	CASE(s.cr0 = (s.cr0 | X86_CR0_PG) & ~X86_CR0_PE, VMCHK_CR0_PG_NO_PE,
	     -1);
	CASE(s.dr7 = 1ULL << 40, VMCHK_DR7_HIGH, -1);
	CASE(s.cr3 = 1ULL << 45, VMCHK_CR3_RESERVED, -1);
	CASE(s.sysenter_eip = 1ULL << 60, VMCHK_SYSENTER_CANONICAL, -1);
	CASE(s.pat = 2, VMCHK_PAT_INVALID, -1);
	CASE(s.seg[VMCHK_TR].sel = 4, VMCHK_TR_TI, VMCHK_TR);
	CASE(s.seg[VMCHK_FS].base = 1ULL << 50, VMCHK_BASE_CANONICAL, VMCHK_FS);
	CASE(s.seg[VMCHK_DS].base = 1ULL << 33, VMCHK_BASE_HIGH, VMCHK_DS);
	CASE(s.seg[VMCHK_CS].ar = 0xc091, VMCHK_CS_TYPE, VMCHK_CS);
	CASE(s.seg[VMCHK_CS].ar |= 3 << 5, VMCHK_CS_DPL, VMCHK_CS);
	CASE(s.seg[VMCHK_CS].ar &= ~BIT(7), VMCHK_SEG_P, VMCHK_CS);
	CASE(s.seg[VMCHK_CS].ar |= BIT(8), VMCHK_SEG_AR_RESERVED, VMCHK_CS);
	CASE(s.seg[VMCHK_CS].limit = 0xffff0, VMCHK_SEG_G_LIMIT, VMCHK_CS);
	CASE(s.seg[VMCHK_SS].ar = 0xc091, VMCHK_SS_TYPE, VMCHK_SS);
	CASE(s.seg[VMCHK_DS].ar = 0xc092, VMCHK_DATA_TYPE, VMCHK_DS);
	CASE(s.seg[VMCHK_ES].ar &= ~BIT(4), VMCHK_SEG_S, VMCHK_ES);
	CASE(s.seg[VMCHK_TR].ar = 0x89, VMCHK_TR_TYPE, VMCHK_TR);
	CASE(s.seg[VMCHK_TR].ar |= VMCHK_AR_UNUSABLE, VMCHK_TR_UNUSABLE,
	     VMCHK_TR);
	CASE(s.seg[VMCHK_LDTR].ar = 0x83, VMCHK_LDTR_TYPE, VMCHK_LDTR);
	CASE(s.idtr_limit = 0x10000, VMCHK_DTR_LIMIT, -1);
	CASE(s.gdtr_base = 1ULL << 50, VMCHK_DTR_BASE, -1);
	CASE(s.rip = 1ULL << 32, VMCHK_RIP_HIGH, -1);
	CASE(s.rflags = 0, VMCHK_RFLAGS_RESERVED, -1);
	CASE(s.rflags |= BIT_ULL(15), VMCHK_RFLAGS_RESERVED, -1);
	CASE(s.rflags |= BIT_ULL(17);
	     s.cr0 &= ~X86_CR0_PE, VMCHK_RFLAGS_VM, -1);
	CASE(s.entry_intr_info = BIT(31) | 32, VMCHK_RFLAGS_IF_INJECT, -1);
	CASE(s.activity = 4, VMCHK_ACTIVITY, -1);
	CASE(s.interruptibility = 3, VMCHK_INTR_STI_MOVSS, -1);
	CASE(s.interruptibility = 1, VMCHK_INTR_STI_IF, -1);
	CASE(s.interruptibility = 1 << 8, VMCHK_INTR_RESERVED, -1);
	CASE(s.pending_dbg = 1ULL << 40, VMCHK_PENDING_DBG, -1);
	CASE(s.link_pointer = 0, VMCHK_LINK_POINTER, -1);
#undef CASE
	for (int r = 0; r < VMCHK_NR_RESULTS; r++)
		assert_string_not_equal(vmcheck_name(r), "?");
}

static struct vmcheck_cregs cregs(void)
{
	return (struct vmcheck_cregs){ .cr0 = X86_CR0_PE | BIT_ULL(4) };
}

static void test_efer_write(void **state)
{
	struct vmcheck_cregs c = cregs();

	(void)state;
	assert_int_equal(vmcheck_efer_write(&c, BIT_ULL(3)), -EINVAL);
	assert_int_equal(vmcheck_efer_write(&c, X86_EFER_LMA), 0);
	assert_int_equal(c.efer, 0); /* LMA read-only */
	assert_int_equal(vmcheck_efer_write(&c, X86_EFER_LME), 0);
	assert_int_equal(c.efer, X86_EFER_LME);
	c.cr0 |= X86_CR0_PG;
	assert_int_equal(vmcheck_efer_write(&c, 0), -EINVAL);
	assert_int_equal(c.efer, X86_EFER_LME);
	assert_int_equal(vmcheck_efer_write(&c, X86_EFER_LME | X86_EFER_NXE),
			 0);
	assert_int_equal(c.efer, X86_EFER_LME | X86_EFER_NXE);
}

/* Linux's way into IA-32e mode, then out, with the #GP cases. */
static void test_cr0_long_mode(void **state)
{
	struct vmcheck_cregs c = cregs();
	u64 pg = X86_CR0_PE | X86_CR0_NE | X86_CR0_PG;
	struct vmcheck_state s;
	int seg;

	(void)state;
	assert_int_equal(vmcheck_cr0_write(&c, 1ULL << 32), -EINVAL);
	assert_int_equal(vmcheck_cr0_write(&c, X86_CR0_PG), -EINVAL);
	assert_int_equal(vmcheck_cr0_write(&c, X86_CR0_PE | X86_CR0_NW),
			 -EINVAL);
	c.efer = X86_EFER_LME;
	assert_int_equal(vmcheck_cr0_write(&c, pg), -EINVAL); /* no PAE */
	assert_false(c.cr0 & X86_CR0_PG);
	assert_int_equal(vmcheck_cr4_write(&c, X86_CR4_PAE), 0);
	assert_int_equal(vmcheck_cr0_write(&c, pg), 0);
	assert_true(c.efer & X86_EFER_LMA);
	assert_true(c.ia32e_mode_guest);
	/* the resulting state passes the checker */
	s = good();
	s.cr0 = c.cr0;
	s.cr4 = c.cr4 | BIT_ULL(13);
	s.efer = c.efer;
	s.ia32e_mode_guest = c.ia32e_mode_guest;
	assert_int_equal(vmcheck_guest_state(&s, &seg), VMCHK_OK);
	assert_int_equal(vmcheck_cr4_write(&c, 0), -EINVAL); /* PAE in LMA */
	c.cs_l = true;
	assert_int_equal(vmcheck_cr0_write(&c, X86_CR0_PE), -EINVAL);
	c.cs_l = false;
	assert_int_equal(vmcheck_cr0_write(&c, X86_CR0_PE), 0);
	assert_int_equal(c.efer, X86_EFER_LME);
	assert_false(c.ia32e_mode_guest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_state),
		cmocka_unit_test(test_efer_cr0_states),
		cmocka_unit_test(test_each_check),
		cmocka_unit_test(test_efer_write),
		cmocka_unit_test(test_cr0_long_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
