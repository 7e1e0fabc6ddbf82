// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations and EPT misconfigurations.
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
 *
 * Emulation performs the access where its operand really is: the
 * operand's linear address is walked through the guest's page tables
 * (gwalk_translate(), portable), an access crossing a page boundary is
 * split there as the CPU splits it (RAM part to RAM, device part to the
 * device), and a walk that would read a paging structure from MMIO, or
 * that disagrees with the exit, stops the guest by name.
 */
#include "boot_info.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86.h"

#define FAULT_RETRIES 1000

static void *map_ram(void *ctx, gpa_t gpa, u64 len)
{
	return vm_gpa_to_hva(ctx, gpa, len);
}

static struct gwalk_regs guest_paging(void)
{
	struct gwalk_regs r = {
		.cr0 = vmcs_readnat(VMCS_GUEST_CR0),
		.cr3 = vmcs_readnat(VMCS_GUEST_CR3),
		.cr4 = vmcs_readnat(VMCS_GUEST_CR4),
		.lma = vmcs_read64(VMCS_GUEST_EFER) & X86_EFER_LMA,
	};

	return r;
}

/* Guest linear -> guest physical through the guest's own paging. */
static int guest_translate(struct vm *vm, u64 la, u64 *gpa, gpa_t *bad)
{
	struct gwalk_regs r = guest_paging();

	return gwalk_translate_mapped(&r, la, map_ram, vm, gpa, bad);
}

/* The decoder's byte source: the code at CS:RIP, as the CPU fetches it. */
static size_t fetch_insn(void *ctx, u8 *buf, size_t max)
{
	struct gwalk_regs r = guest_paging();
	u64 la =
		vmcs_readnat(VMCS_GUEST_CS_BASE) + vmcs_readnat(VMCS_GUEST_RIP);

	return gwalk_fetch(&r, la, map_ram, ctx, buf, max);
}

static u64 seg_base(unsigned int seg)
{
	switch (seg) {
	case X86_SEG_ES:
		return vmcs_readnat(VMCS_GUEST_ES_BASE);
	case X86_SEG_CS:
		return vmcs_readnat(VMCS_GUEST_CS_BASE);
	case X86_SEG_SS:
		return vmcs_readnat(VMCS_GUEST_SS_BASE);
	case X86_SEG_FS:
		return vmcs_readnat(VMCS_GUEST_FS_BASE);
	case X86_SEG_GS:
		return vmcs_readnat(VMCS_GUEST_GS_BASE);
	}
	return vmcs_readnat(VMCS_GUEST_DS_BASE);
}

/*
 * Where the access really goes: the operand's linear address, walked
 * through the guest's page tables page by page, split at a page boundary
 * as the CPU splits it.  Each part is RAM (on the side its GPA names) or
 * the device.  Stops the VM, naming why, when the walk itself would read
 * MMIO, when the walk disagrees with the exit (the exit GPA is not the
 * operand: a paging-structure access reached MMIO), or when a part hits
 * neither RAM nor a device.  Returns the number of parts, 0 if stopped.
 */
static unsigned int access_spans(struct vm *vm, const struct x86_insn *insn,
				 u64 rip, gpa_t exit_gpa, struct mmio_span *sp)
{
	u64 la = mmio_insn_ea(insn, &vm->vcpu.regs, rip + insn->len);
	u32 size = insn->size, first;
	unsigned int n;
	bool hit = false;

	if (insn->mode != X86_MODE_64 || insn->seg == X86_SEG_FS ||
	    insn->seg == X86_SEG_GS)
		la += seg_base(insn->seg);
	if (insn->mode != X86_MODE_64)
		la = (u32)la;
	first = (u32)MIN((u64)size, PAGE_SIZE - (la & ~PAGE_MASK));
	n = first < size ? 2 : 1;
	for (unsigned int i = 0; i < n; i++) {
		u64 part = i ? la + first : la;
		gpa_t gpa, bad = 0;
		int r = guest_translate(vm, part, &gpa, &bad);

		if (r == -EIO) {
			vm_stop(vm, VM_GUEST_ERROR,
				"guest page walk for linear 0x%llx (RIP 0x%llx) reads a paging-structure entry at GPA 0x%llx, which is not RAM (page tables in MMIO are not emulated)",
				part, rip, bad);
			return 0;
		}
		if (r) {
			vm_stop(vm, VM_GUEST_ERROR,
				"guest page walk for linear 0x%llx (RIP 0x%llx) finds no present mapping, but the CPU reached GPA 0x%llx",
				part, rip, exit_gpa);
			return 0;
		}
		sp[i].gpa = gpa;
		sp[i].len = i ? size - first : first;
		sp[i].ram = vm_guest_buffer(vm, gpa, sp[i].len);
		hit |= (gpa & PAGE_MASK) == (exit_gpa & PAGE_MASK);
		if (!sp[i].ram) {
			sp[i].gpa = gpa & ~vm->shared_mask;
			if (!testdev_contains(sp[i].gpa, sp[i].len)) {
				vm_stop(vm, VM_GUEST_ERROR,
					"%u-byte access at linear 0x%llx (RIP 0x%llx): its part at GPA 0x%llx hits neither RAM nor a device",
					size, la, rip, gpa);
				return 0;
			}
		}
	}
	if (!hit) {
		vm_stop(vm, VM_GUEST_ERROR,
			"MMIO exit at GPA 0x%llx is not the operand of the instruction at RIP 0x%llx (GPA 0x%llx): a guest paging-structure access reached MMIO",
			exit_gpa, rip, sp[0].gpa);
		return 0;
	}
	return n;
}

/* Decode the faulting instruction, perform it on the device, retire it. */
static void emulate_mmio(struct vm *vm, gpa_t gpa)
{
	u64 rip = vmcs_readnat(VMCS_GUEST_RIP);
	struct x86_gprs *g = &vm->vcpu.regs;
	const struct x86_insn *insn;
	struct mmio_span sp[2];
	struct mmio_emul e;
	unsigned int n;
	char msg[240];
	int r;

	r = mmio_decode_cached(&vm->vcpu.insn_cache, rip, vcpu_cpu_mode(),
			       fetch_insn, vm, &insn);
	if (r) {
		x86_insn_describe_error(insn, r, msg, sizeof(msg));
		vm_stop(vm, VM_GUEST_ERROR,
			"cannot emulate MMIO access to GPA 0x%llx at RIP 0x%llx: %s",
			gpa, rip, msg);
		return;
	}
	g->regs[X86_GPR_RSP] = vmcs_readnat(VMCS_GUEST_RSP);
	n = access_spans(vm, insn, rip, gpa, sp);
	if (!n)
		return;
	/* Devices decode the GPA without the shared bit (access_spans()). */
	switch (mmio_perform_spans(&vm->testdev, g, insn,
				   vmcs_readnat(VMCS_GUEST_RFLAGS), sp, n,
				   &e)) {
	case MMIO_EMUL_DONE:
		vcpu_retire(rip + insn->len);
		break;
	case MMIO_EMUL_REPEAT:
		break; /* REP: re-execute for the next element */
	case MMIO_EMUL_DECODE_ERROR:
		return; /* not returned by mmio_perform() */
	case MMIO_EMUL_NO_DEVICE:
		vm_stop(vm, VM_GUEST_ERROR,
			"%u-byte MMIO %s at GPA 0x%llx (RIP 0x%llx) hits no device",
			insn->size,
			insn->kind == X86_INSN_READ ? "read" : "write", gpa,
			rip);
		return;
	case MMIO_EMUL_DEVICE_ERROR:
		vm_stop(vm, VM_GUEST_ERROR,
			"MMIO %u-byte access at GPA 0x%llx refused by the test device (%s)",
			insn->size, gpa, errno_name(e.err));
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
			"%s access to GPA 0x%llx, but the page is %s: convert it with map_gpa first",
			private_gpa ? "private" : "shared", gpa,
			private_gpa ? "shared" : "private");
		return false;
	}
	if (r == -ENOMEM) {
		vm_stop(vm, VM_HV_ERROR,
			"hypervisor pool exhausted while mapping GPA 0x%llx (raise hv_mem)",
			gpa);
		return false;
	}
	if (r) {
		vm_stop(vm, VM_HV_ERROR,
			"TDP MMU fault on GPA 0x%llx failed: %s", gpa,
			errno_name(r));
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
		pr_info("vm %s: test knob: EPT leaf for GPA 0x%llx given a reserved memory type",
			vm->name, gpa);
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
				"private %s of GPA 0x%llx at RIP 0x%llx: no memslot, and private GPAs have no MMIO (use the shared alias 0x%llx for devices)",
				access_str(q), gpa,
				vmcs_readnat(VMCS_GUEST_RIP),
				(gpa | vm->shared_mask));
			return;
		}
		if (testdev_contains(gpa & ~vm->shared_mask, 1)) {
			emulate_mmio(vm, gpa);
			return;
		}
		vm_stop(vm, VM_GUEST_ERROR,
			"guest %s of GPA 0x%llx at RIP 0x%llx is outside every memslot and device",
			access_str(q), gpa, vmcs_readnat(VMCS_GUEST_RIP));
		return;
	case TDP_FAULT_RO_WRITE:
		vm_stop(vm, VM_GUEST_ERROR,
			"guest write to read-only GPA 0x%llx", gpa);
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
		pr_err("vm %s: EPT misconfiguration on GPA 0x%llx whose SPTE 0x%llx is not an MMIO SPTE: hypervisor bug",
		       vm->name, gpa, spte);
		tdp_mmu_dump_walk(&vm->mmu, vm->root, gpa);
		vm_stop(vm, VM_HV_ERROR,
			"EPT misconfiguration on a non-MMIO SPTE at GPA 0x%llx",
			gpa);
		return;
	}
}
