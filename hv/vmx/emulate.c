// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO emulation for the vCPU: the VMX side of hv/emul/.  It reads the
 * guest's registers and paging state from the VMCS and lets the portable
 * emulator do the rest: the instruction is fetched through the guest's
 * page tables (gwalk_fetch()), decoded (cached per RIP), and performed
 * where its operand really is.  The operand's linear address is walked
 * through the guest's page tables, an access crossing a page boundary is
 * split there as the CPU splits it (RAM part to RAM, device part to the
 * device), and a walk that would read a paging structure from MMIO, or
 * that disagrees with the exit, stops the guest by name.
 */
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "errno_codes.h"
#include "x86.h"

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
			if (!vm->mmio_bus.contains(vm->mmio_bus.ctx, sp[i].gpa,
						   sp[i].len)) {
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

/**
 * vcpu_emulate_mmio() - perform the guest instruction whose access reached
 * the device at @gpa: fetch and decode it at CS:RIP, find where each part
 * of its operand goes, perform it (RAM parts on RAM, device parts on the
 * device), and retire it; a REP string instruction stays at RIP until its
 * count runs out.  Stops the VM, naming why, when it cannot.
 */
void vcpu_emulate_mmio(struct vm *vm, gpa_t gpa)
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
	switch (mmio_perform_spans(&vm->mmio_bus, g, insn,
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
			"MMIO %u-byte access at GPA 0x%llx refused by the device (%s)",
			insn->size, gpa, errno_name(e.err));
		return;
	}
	vmcs_writenat(VMCS_GUEST_RSP, g->regs[X86_GPR_RSP]);
	vm->stats.mmio_emulated++;
}
