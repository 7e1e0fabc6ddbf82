/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's extended processor state: XCR0 through XSETBV, CPUID leaf
 * 0xd, and a clean x87/SSE/AVX state for every new VM (xsave.c).
 *
 * Decision: XCR0 is not switched on VM entry and exit.  tdpvisor is built
 * with -mgeneral-regs-only and never touches x87, SSE or AVX state, so the
 * hardware XCR0 simply holds the running vCPU's value: XSETBV writes it,
 * XGETBV reads it without an exit, and a new VM starts from the reset
 * value 1 with every component in its initial state, so nothing one guest
 * left in its vector registers is seen by the next (guest isolation).
 */
#ifndef TDP_HV_VMX_XSAVE_H
#define TDP_HV_VMX_XSAVE_H

#include "types.h"

struct vm;

/**
 * xsave_host_init() - at VMX enable: sets CR4.OSXSAVE on the host (XSETBV
 * and XGETBV need it in root mode) and reads which components the CPU
 * has.  Logs what guests may enable.
 */
void xsave_host_init(void);

/* The XCR0 components guests may enable; 0 when the CPU has no XSAVE. */
u64 xsave_guest_mask(void);

/**
 * xsave_reset_vcpu_state() - every x87/SSE/AVX/AVX-512 register to its
 * initial state and XCR0 to 1, for a vCPU about to start (or restart).
 */
void xsave_reset_vcpu_state(struct vm *vm);

/* CPUID.(EAX=0xd, ECX=@sub) as this virtual CPU has it. */
void xsave_cpuid(const struct vm *vm, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d);

/* XSETBV to XCR0 at CPL 0: NULL when @v is loaded, else the rule it
 * breaks (the caller injects #GP and leaves XCR0 as it was). */
const char *xsave_set_xcr0(struct vm *vm, u64 v);

#endif /* TDP_HV_VMX_XSAVE_H */
