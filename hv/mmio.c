// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations and EPT misconfigurations (DESIGN.md §5).
 *
 * EPT violation: hand the GPA to the TDP MMU fault path.  RAM gets mapped;
 * a GPA with no memslot gets an MMIO SPTE (RWX=110b: the next access is a
 * misconfiguration) and, if a device lives there, this first access is
 * emulated at once.
 *
 * EPT misconfiguration: an MMIO SPTE whose generation is current is
 * emulated without taking the fault path; the per-vCPU cache (last MMIO
 * page + generation) skips even the walk.  A stale generation (or an update
 * in progress) takes the fault path, which maps RAM if a memslot appeared
 * or installs a fresh MMIO SPTE.  A misconfiguration on an SPTE that is not
 * an MMIO SPTE is a hypervisor bug: the EPT hierarchy for the GPA is
 * printed, one line per level, and the VM is stopped.
 */
#include "boot_info.h"
#include "hv/vm.h"
#include "hv/vmx_ops.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86.h"

#define FAULT_RETRIES 1000
#define PTE_P BIT_ULL(0)
#define PTE_PS BIT_ULL(7)
#define EFER_LMA BIT_ULL(10)

/* Guest linear -> guest physical through the guest's own paging. */
static bool guest_translate(struct vm *vm, u64 la, u64 *gpa)
{
	u64 cr0 = vmcs_readnat(VMCS_GUEST_CR0),
	    cr4 = vmcs_readnat(VMCS_GUEST_CR4);
	u64 cr3 = vmcs_readnat(VMCS_GUEST_CR3);
	bool lma = vmcs_read64(VMCS_GUEST_EFER) & EFER_LMA;
	int levels, shift;
	u64 table, e = 0;

	if (!(cr0 & X86_CR0_PG)) {
		*gpa = lma ? la : (u32)la;
		return true;
	}
	if (!(cr4 & X86_CR4_PAE)) { /* 32-bit paging */
		u32 *pde = vm_gpa_to_hva(
			vm, (cr3 & 0xfffff000) + ((la >> 22) & 0x3ff) * 4, 4);

		if (!pde || !(*pde & PTE_P))
			return false;
		if ((*pde & PTE_PS) && (cr4 & BIT_ULL(4))) {
			*gpa = (*pde & 0xffc00000) | (la & 0x3fffff);
			return true;
		}
		u32 *pte = vm_gpa_to_hva(
			vm, (*pde & 0xfffff000) + ((la >> 12) & 0x3ff) * 4, 4);

		if (!pte || !(*pte & PTE_P))
			return false;
		*gpa = (*pte & 0xfffff000) | (la & 0xfff);
		return true;
	}
	levels = lma ? 4 : 3;
	table = lma ? cr3 & SPTE_PFN_MASK : cr3 & 0xffffffe0;
	for (int l = levels; l >= 1; l--) {
		u64 *p;

		shift = 12 + 9 * (l - 1);
		p = vm_gpa_to_hva(vm,
				  table + (l == 3 && !lma
						   ? ((la >> 30) & 3)
						   : ((la >> shift) & 511)) *
						  8,
				  8);
		if (!p || !(*p & PTE_P))
			return false;
		e = *p;
		if (l <= 3 && l >= 2 && (e & PTE_PS) && !(l == 3 && !lma)) {
			u64 mask = (1ULL << shift) - 1;

			*gpa = ((e & SPTE_PFN_MASK) & ~mask) | (la & mask);
			return true;
		}
		table = e & SPTE_PFN_MASK;
	}
	*gpa = (e & SPTE_PFN_MASK) | (la & 0xfff);
	return true;
}

/*
 * Fetches up to @max instruction bytes at CS:RIP through the guest's
 * paging, translating once per page; returns how many could be read.
 */
static size_t fetch_insn(void *ctx, u8 *buf, size_t max)
{
	struct vm *vm = ctx;
	u64 la =
		vmcs_readnat(VMCS_GUEST_CS_BASE) + vmcs_readnat(VMCS_GUEST_RIP);
	size_t n = 0;

	while (n < max) {
		u64 gpa, chunk = MIN((u64)(max - n),
				     PAGE_SIZE - ((la + n) & ~PAGE_MASK));
		u8 *p;

		if (!guest_translate(vm, la + n, &gpa))
			break;
		p = vm_gpa_to_hva(vm, gpa, chunk);
		if (!p)
			break;
		memcpy(buf + n, p, chunk);
		n += chunk;
	}
	return n;
}

static enum x86_cpu_mode guest_mode(void)
{
	u32 ar = vmcs_read32(VMCS_GUEST_CS_AR);

	return x86_decode_cpu_mode(vmcs_readnat(VMCS_GUEST_CR0) & X86_CR0_PE,
				   vmcs_readnat(VMCS_GUEST_RFLAGS) &
					   BIT_ULL(17),
				   vmcs_read64(VMCS_GUEST_EFER) & EFER_LMA,
				   ar & BIT(13), ar & BIT(14));
}

static void set_rip(u64 rip)
{
	u32 intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	vmcs_writenat(VMCS_GUEST_RIP, rip);
	if (intr & 3)
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr & ~3u);
}

/* Decode the faulting instruction, perform it on the device, retire it. */
static void emulate_mmio(struct vm *vm, gpa_t gpa)
{
	u64 rip = vmcs_readnat(VMCS_GUEST_RIP);
	struct x86_gprs *g = &vm->vcpu.regs;
	const struct x86_insn *insn;
	struct mmio_emul e;
	char msg[240];
	int r;

	r = mmio_decode_cached(&vm->vcpu.insn_cache, rip, guest_mode(),
			       fetch_insn, vm, &insn);
	if (r) {
		x86_insn_describe_error(insn, r, msg, sizeof(msg));
		vm_stop(vm, VM_GUEST_ERROR,
			"cannot emulate MMIO access to GPA "
			"0x%llx at RIP 0x%llx: %s",
			(unsigned long long)gpa, (unsigned long long)rip, msg);
		return;
	}
	g->regs[X86_GPR_RSP] = vmcs_readnat(VMCS_GUEST_RSP);
	/* Devices decode the GPA without the shared bit. */
	switch (mmio_perform(&vm->testdev, g, insn,
			     vmcs_readnat(VMCS_GUEST_RFLAGS),
			     gpa & ~vm->shared_mask, &e)) {
	case MMIO_EMUL_DONE:
		set_rip(rip + insn->len);
		break;
	case MMIO_EMUL_REPEAT:
		break; /* REP: re-execute for the next element */
	case MMIO_EMUL_DECODE_ERROR:
		return; /* not returned by mmio_perform() */
	case MMIO_EMUL_NO_DEVICE:
		vm_stop(vm, VM_GUEST_ERROR,
			"%u-byte MMIO %s at GPA 0x%llx (RIP "
			"0x%llx) hits no device",
			insn->size,
			insn->kind == X86_INSN_READ ? "read" : "write",
			(unsigned long long)gpa, (unsigned long long)rip);
		return;
	case MMIO_EMUL_DEVICE_ERROR:
		vm_stop(vm, VM_GUEST_ERROR,
			"MMIO %u-byte access at GPA 0x%llx "
			"refused by the test device (%s)",
			insn->size, (unsigned long long)gpa, errno_name(e.err));
		return;
	}
	vmcs_writenat(VMCS_GUEST_RSP, g->regs[X86_GPR_RSP]);
	vm->stats.mmio_emulated++;
}

/* Runs the TDP MMU fault path for @gpa; returns false if the VM stopped. */
static bool mmu_fault(struct vm *vm, gpa_t gpa, u64 access, struct tdp_fault *f)
{
	/* Private GPAs (shared bit clear) fault into the mirror root. */
	bool private_gpa = vm->private_mem && !(gpa & vm->shared_mask);
	struct tdp_mmu_page *root = private_gpa ? vm->mirror : vm->root;
	int r = 0;

	for (int i = 0; i < FAULT_RETRIES; i++) {
		*f = (struct tdp_fault){ .gpa = gpa, .access = access };
		r = tdp_mmu_cache_topup(&vm->mmu, &vm->vcpu.mmu_cache,
					TDP_MMU_CACHE_CAP);
		if (!r)
			r = tdp_mmu_page_fault(&vm->mmu, root,
					       &vm->vcpu.mmu_cache, f);
		if (r != -EBUSY && r != -EAGAIN)
			break;
		vm->stats.ept_retries++;
	}
	if (vm->private_mem && private_gpa)
		vm->stats.private_faults++;
	else if (vm->private_mem)
		vm->stats.shared_faults++;
	if (r == -EPERM) {
		vm->stats.wrong_side_faults++;
		vm_stop(vm, VM_GUEST_ERROR,
			"%s access to GPA 0x%llx, but the page is %s: convert "
			"it "
			"with map_gpa first",
			private_gpa ? "private" : "shared",
			(unsigned long long)gpa,
			private_gpa ? "shared" : "private");
		return false;
	}
	if (r == -ENOMEM) {
		vm_stop(vm, VM_HV_ERROR,
			"hypervisor pool exhausted while "
			"mapping GPA 0x%llx (raise hv_mem)",
			(unsigned long long)gpa);
		return false;
	}
	if (r) {
		vm_stop(vm, VM_HV_ERROR,
			"TDP MMU fault on GPA 0x%llx failed: %s",
			(unsigned long long)gpa, errno_name(r));
		return false;
	}
	if (f->mmio_cached)
		vm->stats.mmio_installed++;
	return true;
}

static const char *access_str(u64 q)
{
	return q & EPT_VIOL_FETCH   ? "fetch"
	       : q & EPT_VIOL_WRITE ? "write"
				    : "read";
}

/* test_bad_spte_gpa: corrupt the leaf once the guest's fault mapped it. */
static void maybe_break_leaf(struct vm *vm, gpa_t gpa)
{
	gpa_t bad = vm->test_bad_spte_gpa;

	if (!bad || (gpa & PAGE_MASK) != (bad & PAGE_MASK) ||
	    (vm->private_mem && !(gpa & vm->shared_mask)))
		return;
	if (!tdp_mmu_test_break_leaf(&vm->mmu, vm->root, gpa))
		pr_info("vm %s: test knob: EPT leaf for GPA 0x%llx given a "
			"reserved memory type",
			vm->name, (unsigned long long)gpa);
}

void vm_handle_ept_violation(struct vm *vm)
{
	gpa_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	u64 q = vmcs_readnat(VMCS_EXIT_QUALIFICATION);
	u64 access = q & (TDP_ACC_R | TDP_ACC_W | TDP_ACC_X);
	struct tdp_fault f;

	vm->stats.ept_faults++;
	if (access & TDP_ACC_W)
		access |= TDP_ACC_R;
	if (!mmu_fault(vm, gpa, access, &f))
		return;
	switch (f.result) {
	case TDP_FAULT_MAPPED:
		maybe_break_leaf(vm, gpa);
		return;
	case TDP_FAULT_FIXED:
	case TDP_FAULT_SPURIOUS:
		return;
	case TDP_FAULT_MMIO:
		if (vm->private_mem && !(gpa & vm->shared_mask)) {
			vm_stop(vm, VM_GUEST_ERROR,
				"private %s of GPA 0x%llx at RIP 0x%llx: no "
				"memslot, and private GPAs have no MMIO (use "
				"the shared alias 0x%llx for devices)",
				access_str(q), (unsigned long long)gpa,
				(unsigned long long)vmcs_readnat(
					VMCS_GUEST_RIP),
				(unsigned long long)(gpa | vm->shared_mask));
			return;
		}
		if (testdev_contains(gpa & ~vm->shared_mask, 1)) {
			emulate_mmio(vm, gpa);
			return;
		}
		vm_stop(vm, VM_GUEST_ERROR,
			"guest %s of GPA 0x%llx at RIP 0x%llx "
			"is outside every memslot and device",
			access_str(q), (unsigned long long)gpa,
			(unsigned long long)vmcs_readnat(VMCS_GUEST_RIP));
		return;
	case TDP_FAULT_RO_WRITE:
		vm_stop(vm, VM_GUEST_ERROR,
			"guest write to read-only GPA 0x%llx",
			(unsigned long long)gpa);
		return;
	}
}

void vm_handle_ept_misconfig(struct vm *vm)
{
	gpa_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	u64 gen = tdp_memslot_generation(&vm->mmu), spte = 0;
	struct vcpu *v = &vm->vcpu;
	struct tdp_fault f;

	if ((gpa & PAGE_MASK) == v->mmio_gpa_cache &&
	    gen == v->mmio_gen_cache &&
	    !(gen & TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS)) {
		vm->stats.mmio_fast_hits++;
		emulate_mmio(vm, gpa);
		return;
	}
	vm->stats.mmio_walks++;
	switch (tdp_mmu_classify_misconfig(&vm->mmu, vm->root, gpa, &spte)) {
	case TDP_MISCONFIG_MMIO:
		v->mmio_gpa_cache = gpa & PAGE_MASK;
		v->mmio_gen_cache = gen;
		emulate_mmio(vm, gpa);
		return;
	case TDP_MISCONFIG_STALE:
		/* Maps RAM if a memslot appeared, else a fresh MMIO SPTE; the
		 * guest re-executes the access either way. */
		v->mmio_gpa_cache = INVALID_GPA;
		mmu_fault(vm, gpa, TDP_ACC_R, &f);
		return;
	case TDP_MISCONFIG_BUG:
		pr_err("vm %s: EPT misconfiguration on GPA 0x%llx whose SPTE "
		       "0x%llx is not an MMIO SPTE: hypervisor bug",
		       vm->name, (unsigned long long)gpa,
		       (unsigned long long)spte);
		tdp_mmu_dump_walk(&vm->mmu, vm->root, gpa);
		vm_stop(vm, VM_HV_ERROR,
			"EPT misconfiguration on a non-MMIO "
			"SPTE at GPA 0x%llx",
			(unsigned long long)gpa);
		return;
	}
}
