// SPDX-License-Identifier: GPL-2.0
/*
 * VMCALL hypercalls (the ABI is in include/guest_abi.h).  Decode, then
 * perform: every argument is validated before any side effect; a bad call
 * returns a negative HC_E* code in RAX, is counted and logged with the
 * argument that was wrong (rate-limited per VM: vm_warn()), and never
 * stops the hypervisor.
 *
 * Only the guest kernel may call: a VMCALL from CPL > 0 gets HC_EPERM
 * before its arguments are looked at (as KVM refuses hypercalls from user
 * mode), since every call either reads or writes guest memory by GPA,
 * changes the memory map or ends the VM.  No hypercall is user-safe.
 *
 * Buffers named by GPA are reached through vm_guest_buffer(), which
 * follows the private/shared rules the EPT enforces on the guest.
 */
#include "hv/cpu.h"
#include "hv/pool.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_ops.h"
#include "guest_abi.h"
#include "errno_codes.h"
#include "fmt.h"
#include "string_util.h"
#include "x86.h"

#define HOTPLUG_MAX_BYTES (64ULL << 20)
#define HUGE_2M (2ULL << 20)

struct hc_args {
	u64 nr, a0, a1, a2, a3;
};

static const char *const hc_names[HC_MAX + 1] = {
	[HC_PRINT] = "print",
	[HC_REPORT] = "report",
	[HC_MAP_GPA] = "map_gpa",
	[HC_MEMSLOT_ADD] = "memslot_add",
	[HC_MEMSLOT_REMOVE] = "memslot_remove",
	[HC_SET_MMIO_GEN] = "set_mmio_gen",
	[HC_EXIT] = "exit",
	[HC_GET_INFO] = "get_info",
};

static s64 __printf(3, 4) hc_fail(struct vm *vm, s64 err, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vm->stats.hypercall_errors++;
	vm_warn(vm, "hypercall refused (%lld): %s", (long long)err, msg);
	return err;
}

/* Copies a guest string of at most @max bytes; stops at NUL. */
static bool copy_guest_str(struct vm *vm, u64 gpa, u64 max, char *out,
			   bool need_nul)
{
	u64 n = 0;

	for (; n < max; n++) {
		const char *p = vm_guest_buffer(vm, gpa + n, 1);

		if (!p)
			return false;
		if (!*p)
			break;
		out[n] = (*p >= 0x20 && *p <= 0x7e) ? *p : '?';
	}
	out[n] = '\0';
	return !need_nul || n < max;
}

static s64 hc_print(struct vm *vm, const struct hc_args *a)
{
	char buf[HC_PRINT_MAX + 1];

	if (a->a1 > HC_PRINT_MAX)
		return hc_fail(vm, HC_EINVAL, "print: length %llu > %d", a->a1,
			       HC_PRINT_MAX);
	if (a->a1 && !vm_guest_buffer(vm, a->a0, a->a1))
		return hc_fail(
			vm, HC_EFAULT,
			"print: buffer 0x%llx+%llu is not guest RAM on the side (private/shared) its GPA names",
			a->a0, a->a1);
	copy_guest_str(vm, a->a0, a->a1, buf, false);
	if (vm_console_admit(vm, a->a1 + 1))
		pr_info("[guest %s] %s", vm->name, buf);
	return HC_OK;
}

static s64 hc_report(struct vm *vm, const struct hc_args *a)
{
	char name[HC_NAME_MAX + 1];

	if (a->a1 > 1)
		return hc_fail(
			vm, HC_EINVAL,
			"report: result %llu is not 0 (fail) or 1 (pass)",
			a->a1);
	if (!copy_guest_str(vm, a->a0, HC_NAME_MAX, name, true))
		return hc_fail(
			vm, HC_EFAULT,
			"report: name at 0x%llx is not a NUL-terminated string of at most %d characters in guest RAM on the side its GPA names",
			a->a0, HC_NAME_MAX - 1);
	if (a->a1)
		vm->reports_pass++;
	else
		vm->reports_fail++;
	/* FAIL reports always reach the console; PASS ones count against
	 * the console limit like any other output. */
	if (!a->a1 || vm_console_admit(vm, strlen(name) + 7))
		pr_info("[guest %s] %s: %s", vm->name, a->a1 ? "PASS" : "FAIL",
			name);
	return HC_OK;
}

static struct vm_hotplug *hotplug_find(struct vm *vm, u16 id)
{
	for (int i = 0; i < VM_HOTPLUG_SLOTS; i++)
		if (vm->hotplug[i].slot_id == id)
			return &vm->hotplug[i];
	return NULL;
}

static s64 hc_memslot_add(struct vm *vm, const struct hc_args *a)
{
	struct vm_hotplug *h;
	void *mem;
	int r;

	if (a->a0 < HC_SLOT_FIRST || a->a0 > HC_SLOT_LAST)
		return hc_fail(vm, HC_EINVAL,
			       "memslot_add: slot id %llu not in %d..%d", a->a0,
			       HC_SLOT_FIRST, HC_SLOT_LAST);
	if ((a->a1 | a->a2) & (HUGE_2M - 1) || !a->a2 ||
	    a->a2 > HOTPLUG_MAX_BYTES)
		return hc_fail(
			vm, HC_EINVAL,
			"memslot_add: GPA 0x%llx / size 0x%llx must be 2 MiB-aligned, size 2 MiB..64 MiB",
			a->a1, a->a2);
	if (a->a1 + a->a2 > (vm->shared_mask ? vm->shared_mask : 1ULL << 39) ||
	    a->a1 + a->a2 < a->a1)
		return hc_fail(
			vm, HC_EINVAL,
			"memslot_add: range 0x%llx+0x%llx beyond the 512 GiB guest-physical limit",
			a->a1, a->a2);
	if (hotplug_find(vm, (u16)a->a0))
		return hc_fail(vm, HC_EBUSY, "memslot_add: slot %llu in use",
			       a->a0);
	/* Every argument is checked before the pool is touched. */
	r = tdp_memslot_check_add(&vm->mmu, (u16)a->a0, a->a1 >> PAGE_SHIFT,
				  a->a2 >> PAGE_SHIFT, 0);
	if (r)
		return hc_fail(
			vm, r == -EEXIST ? HC_EBUSY : HC_EINVAL,
			"memslot_add: slot %llu at 0x%llx+0x%llx: %s (overlaps guest RAM or another slot?)",
			a->a0, a->a1, a->a2, errno_name(r));
	h = hotplug_find(vm, 0);
	mem = h ? pool_alloc_pages(a->a2 >> PAGE_SHIFT, HUGE_2M) : NULL;
	if (!mem)
		return hc_fail(
			vm, HC_ENOMEM,
			"memslot_add: no 0x%llx bytes left in the hypervisor pool (raise hv_mem)",
			a->a2);
	r = tdp_memslot_add(&vm->mmu, (u16)a->a0, a->a1 >> PAGE_SHIFT,
			    a->a2 >> PAGE_SHIFT,
			    (u64)(uintptr_t)mem >> PAGE_SHIFT, 0);
	if (r) {
		pool_free_pages(mem, a->a2 >> PAGE_SHIFT);
		return hc_fail(
			vm, r == -EEXIST ? HC_EBUSY : HC_EINVAL,
			"memslot_add: slot %llu at 0x%llx+0x%llx: %s (overlaps guest RAM or another slot?)",
			a->a0, a->a1, a->a2, errno_name(r));
	}
	*h = (struct vm_hotplug){ (u16)a->a0, mem, a->a2 };
	pr_info("vm %s: memslot %llu added: GPA 0x%llx-0x%llx, generation now %llu",
		vm->name, a->a0, a->a1, (a->a1 + a->a2 - 1),
		tdp_memslot_generation(&vm->mmu));
	return HC_OK;
}

static s64 hc_memslot_remove(struct vm *vm, const struct hc_args *a)
{
	struct vm_hotplug *h;
	int r;

	if (a->a0 < HC_SLOT_FIRST || a->a0 > HC_SLOT_LAST ||
	    !(h = hotplug_find(vm, (u16)a->a0)))
		return hc_fail(vm, HC_ENOENT,
			       "memslot_remove: no hot-added slot %llu", a->a0);
	r = tdp_memslot_delete(&vm->mmu, h->slot_id);
	if (r)
		return hc_fail(vm, HC_EINVAL, "memslot_remove: slot %u: %s",
			       h->slot_id, errno_name(r));
	pool_free_pages(h->mem, h->size >> PAGE_SHIFT);
	pr_info("vm %s: memslot %u removed, generation now %llu", vm->name,
		h->slot_id, tdp_memslot_generation(&vm->mmu));
	*h = (struct vm_hotplug){ 0 };
	return HC_OK;
}

/* MapGPA: RBX = GFN whose shared bit names the target side, RCX = pages. */
static s64 hc_map_gpa(struct vm *vm, const struct hc_args *a)
{
	u64 shared_gfn = vm->shared_mask >> PAGE_SHIFT;
	gfn_t gfn = a->a0 & ~shared_gfn;
	bool to_private = !(a->a0 & shared_gfn);
	int r;

	if (!vm->private_mem)
		return hc_fail(
			vm, HC_EOPNOTSUPP,
			"map_gpa: this VM has no private memory (private_memory = no)");
	if (!a->a1 || a->a1 > (1ULL << 30) || gfn + a->a1 < gfn ||
	    a->a0 >= (shared_gfn << 1))
		return hc_fail(
			vm, HC_EINVAL,
			"map_gpa: GFN 0x%llx + %llu pages is empty, wraps or is beyond the GPA width",
			a->a0, a->a1);
	r = tdp_mmu_convert(&vm->mmu, gfn, a->a1, to_private);
	if (r == -EINVAL)
		return hc_fail(
			vm, HC_EINVAL,
			"map_gpa: GFN 0x%llx + %llu pages is not inside guest memory",
			gfn, a->a1);
	if (r)
		return hc_fail(vm, r == -ENOMEM ? HC_ENOMEM : HC_EINVAL,
			       "map_gpa: conversion failed: %s", errno_name(r));
	vm->stats.conversions++;
	vm->stats.converted_pages += a->a1;
	pr_debug("vm %s: map_gpa: GFN 0x%llx + %llu pages now %s", vm->name,
		 gfn, a->a1, to_private ? "private" : "shared");
	return HC_OK;
}

/* Test knob: jump the memslot generation (MMIO SPTEs are zapped). */
static s64 hc_set_mmio_gen(struct vm *vm, const struct hc_args *a)
{
	int r;

	if (a->a0 >= (1ULL << 19))
		return hc_fail(
			vm, HC_EINVAL,
			"set_mmio_gen: %llu is not a 19-bit generation (0..524287)",
			a->a0);
	r = tdp_memslots_set_generation(&vm->mmu, a->a0);
	if (r)
		return hc_fail(vm, HC_ENOMEM, "set_mmio_gen: %s",
			       errno_name(r));
	pr_info("vm %s: memslot generation set to %llu by the guest; MMIO SPTEs zapped",
		vm->name, a->a0);
	return HC_OK;
}

static s64 hc_get_info(struct vm *vm, const struct hc_args *a)
{
	struct hc_info info = { 0 };
	void *p = vm_guest_buffer(vm, a->a0, sizeof(info));

	if (!p)
		return hc_fail(
			vm, HC_EFAULT,
			"get_info: 0x%llx+%zu is not guest RAM on the side (private/shared) its GPA names",
			a->a0, sizeof(info));
	info.ram_size = vm->ram_size;
	info.mmio_gen = tdp_memslots_mmio_gen(tdp_memslot_generation(&vm->mmu));
	info.gpa_width = cpu_phys_addr_bits();
	if (vm->private_mem)
		info.shared_bit = __builtin_ctzll(vm->shared_mask);
	memcpy(p, &info, sizeof(info));
	return HC_OK;
}

static s64 hc_exit(struct vm *vm, const struct hc_args *a)
{
	vm_console_flush(vm);
	vm->exit_status = a->a0;
	vm_stop(vm, VM_EXITED, "hypercall exit: status %llu", a->a0);
	return HC_OK;
}

static s64 hc_dispatch(struct vm *vm, const struct hc_args *a)
{
	switch (a->nr) {
	case HC_PRINT:
		return hc_print(vm, a);
	case HC_REPORT:
		return hc_report(vm, a);
	case HC_MEMSLOT_ADD:
		return hc_memslot_add(vm, a);
	case HC_MEMSLOT_REMOVE:
		return hc_memslot_remove(vm, a);
	case HC_GET_INFO:
		return hc_get_info(vm, a);
	case HC_EXIT:
		return hc_exit(vm, a);
	case HC_MAP_GPA:
		return hc_map_gpa(vm, a);
	case HC_SET_MMIO_GEN:
		return hc_set_mmio_gen(vm, a);
	}
	return hc_fail(vm, HC_ENOSYS, "unknown hypercall number %llu", a->nr);
}

/*
 * The current privilege level: SS.DPL in protected mode (SDM "Current
 * Privilege Level"; VM entry keeps SS.DPL equal to it), 3 in virtual-8086
 * mode, 0 in real mode.
 */
static unsigned int guest_cpl(void)
{
	if (!(vmcs_readnat(VMCS_GUEST_CR0) & X86_CR0_PE))
		return 0;
	if (vmcs_readnat(VMCS_GUEST_RFLAGS) & X86_RFLAGS_VM)
		return 3;
	return X86_AR_DPL(vmcs_read32(VMCS_GUEST_SS_AR));
}

void vm_handle_vmcall(struct vm *vm)
{
	u64 *r = vm->vcpu.regs.regs;
	/* 64-bit code (EFER.LMA and CS.L): full registers; else 32 bits. */
	bool long_mode = vcpu_cpu_mode() == X86_MODE_64;
	u64 m = long_mode ? ~0ULL : 0xffffffffULL;
	struct hc_args a = { r[X86_GPR_RAX] & m, r[X86_GPR_RBX] & m,
			     r[X86_GPR_RCX] & m, r[X86_GPR_RDX] & m,
			     r[X86_GPR_RSI] & m };
	unsigned int cpl = guest_cpl();
	s64 ret;

	vm->stats.hypercalls++;
	pr_debug("vm %s: hypercall %llu (%s)", vm->name, a.nr,
		 a.nr <= HC_MAX && hc_names[a.nr] ? hc_names[a.nr] : "?");
	vcpu_advance_rip(vm);
	if (cpl > 0)
		ret = hc_fail(
			vm, HC_EPERM,
			"hypercall %llu from CPL %u (only CPL 0 may call)",
			a.nr, cpl);
	else
		ret = hc_dispatch(vm, &a);
	r[X86_GPR_RAX] = (u64)ret & m;
}
