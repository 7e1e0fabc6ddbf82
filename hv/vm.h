/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor core's functions, grouped by the file that defines them
 * (the structures are in vm_types.h).  Files are listed top-down: each
 * calls only files listed after it, never back up.
 */
#ifndef TDP_HV_VM_H
#define TDP_HV_VM_H

#include "hv/vm_types.h"

/* run.c */
void vm_run(struct vm *vm);

/* vmx/exits.c */
void vm_handle_exit(struct vm *vm, u32 reason);

/* vmx/events.c */
void vcpu_exit_begin(struct vm *vm);
void vcpu_exit_end(struct vm *vm);
void vcpu_note_injection(struct vm *vm);
void vcpu_inject_events(struct vm *vm);
bool vcpu_halt_wait(struct vm *vm);

/* vmx/ept.c */
void vm_handle_ept_violation(struct vm *vm);
void vm_handle_ept_misconfig(struct vm *vm);

/* vmx/emulate.c */
void vcpu_emulate_mmio(struct vm *vm, gpa_t gpa);

/* io.c */
void vm_handle_io(struct vm *vm, u64 qual);
void vm_console_poll(struct vm *vm);

/* hypercall.c */
void vm_handle_vmcall(struct vm *vm);

/* vmx/vcpu.c */
void vcpu_retire(u64 next_rip);
void vcpu_advance_rip(struct vm *vm);
void vcpu_inject_exception(u32 vector, bool has_error, u32 error);
void vcpu_inject_gp(struct vm *vm);
enum x86_cpu_mode vcpu_cpu_mode(void);

/* vm.c */
int __must_check vm_create(struct vm *vm, const char *name,
			   const struct boot_info *bi,
			   const struct vmx_caps *caps, bool private_mem);
unsigned int vm_shared_bit(const struct boot_info *bi);
struct guest_load_params;
int __must_check vm_load(struct vm *vm, const struct guest_load_params *p);
void vm_destroy(struct vm *vm);
void vm_reload_roots(struct vm *vm);
void vm_stop(struct vm *vm, enum vm_outcome why, const char *fmt, ...)
	__printf(3, 4);
const char *vm_outcome_name(enum vm_outcome o);
void vm_print_summary(struct vm *vm);
u64 vm_guest_tsc(const struct vm *vm);
u64 vm_tsc_hz(void);
bool vm_gpa_is_ram(const struct vm *vm, gpa_t gpa, u64 len);
void *vm_gpa_to_hva(const struct vm *vm, gpa_t gpa, u64 len);
void *vm_guest_buffer(struct vm *vm, gpa_t gpa, u64 len);
void vm_warn(struct vm *vm, const char *fmt, ...) __printf(2, 3);
bool vm_console_admit(struct vm *vm, u64 bytes);
void vm_console_flush(struct vm *vm);

/* vmx/vmcs.c */
int __must_check vmcs_setup(struct vm *vm, u32 entry, u32 eax, u32 ebx);
void vmcs_dump(void);

/* mmu_platform.c: pages from the pool, flushes by INVEPT; opaque is the
 * VM, or NULL for an MMU no EPTP points at (the boot self-test). */
extern const struct tdp_mmu_ops hv_mmu_ops;

/* vmx/vmx.c */
int __must_check vmx_enable(const struct vmx_caps *caps);
void vmx_disable(void);

/* vmx/vmx_entry.asm: 0 on VM exit, 1 VMfailInvalid, 2 VMfailValid. */
int vmx_enter(struct vcpu *vcpu);

/* vmx/vmx_names.c */
const char *exit_reason_name(u32 reason);
const char *vmx_insn_error_name(u32 err);

#endif /* TDP_HV_VM_H */
