// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch (KVM vmx.c style): a designated-initializer table indexed
 * by basic exit reason, bounds-checked; a reason without a handler goes to
 * unexpected_exit(), which dumps the VMCS and stops that VM.  Guest
 * misbehaviour never stops the hypervisor: the guest gets a fault it would
 * get on hardware (#GP for an MSR outside the allow-list) or that guest
 * alone is stopped with a logged reason.
 */
#include "console.h"
#include "hv/cpu.h"
#include "hv/vm.h"
#include "hv/vmx/check/vmentry_check.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_ops.h"
#include "hv/vmx/spec_ctrl.h"
#include "hv/vmx/xsave.h"
#include "hv/emul/x86_xsave.h"
#include "guest_abi.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86.h"

static u64 *gpr(struct vm *vm, unsigned int i)
{
	return &vm->vcpu.regs.regs[i];
}

/* An instruction tdpvisor does not offer (nested VMX, GETSEC):
 * #UD, as on a CPU without the feature (CPUID hides it). */
static void handle_ud(struct vm *vm)
{
	vcpu_inject_exception(6, false, 0);
	vm->stats.ud_injected++;
}

/*
 * XSETBV (SDM Vol. 2C): #UD without CR4.OSXSAVE, #GP(0) at CPL > 0, for
 * an XCR other than 0, or for an XCR0 value the rules refuse.  Hardware
 * checks the first two before the exit; they are checked here too.
 */
static void handle_xsetbv(struct vm *vm)
{
	u32 idx = (u32)*gpr(vm, X86_GPR_RCX);
	u64 v = (u32)*gpr(vm, X86_GPR_RAX) | (u64)(u32)*gpr(vm, X86_GPR_RDX)
						     << 32;
	unsigned int cpl = (vmcs_read32(VMCS_GUEST_SS_AR) >> 5) & 3;
	const char *why;

	if (!xsave_guest_mask() ||
	    !(vmcs_readnat(VMCS_GUEST_CR4) & X86_CR4_OSXSAVE)) {
		handle_ud(vm);
		return;
	}
	why = cpl   ? "CPL > 0"
	      : idx ? "an XCR other than XCR0"
		    : xsave_set_xcr0(vm, v);
	if (why) {
		vm->stats.xsetbv_refused++;
		vm_warn(vm,
			"XSETBV of 0x%llx to XCR%u at RIP 0x%llx refused (%s): #GP",
			v, idx, vmcs_readnat(VMCS_GUEST_RIP), why);
		vcpu_inject_exception(13, true, 0);
		return;
	}
	vm->stats.xsetbv++;
	vcpu_advance_rip(vm);
}

/* INVD: nothing is cached that the guest could lose; retire it. */
static void handle_invd(struct vm *vm)
{
	vcpu_advance_rip(vm);
}

/* CPUID.1: what tdpvisor does not offer or emulate is hidden. */
#define CPUID1_ECX_HIDE                                                     \
	(BIT(3) /* MONITOR */ | BIT(4) /* DS-CPL */ | X86_FEATURE_VMX_ECX | \
	 BIT(6) /* SMX */ | BIT(7) /* EST */ | BIT(8) /* TM2 */ |           \
	 BIT(15) /* PDCM */ | X86_FEATURE_XSAVE_ECX | X86_FEATURE_OSXSAVE_ECX)
#define CPUID1_ECX_SHOW                                              \
	(X86_FEATURE_X2APIC_ECX | BIT(24) /* TSC-deadline timer */ | \
	 X86_FEATURE_HYPERVISOR_ECX)
#define CPUID1_EDX_HIDE                                            \
	(BIT(7) /* MCE */ | BIT(14) /* MCA */ | BIT(21) /* DS */ | \
	 BIT(22) /* ACPI thermal */ | BIT(28) /* HTT: one CPU */ | \
	 BIT(29) /* TM */ | BIT(31) /* PBE */)
/* CPUID.1:ECX features whose registers need XCR0.AVX. */
#define CPUID1_ECX_AVX \
	(BIT(12) /* FMA */ | BIT(28) /* AVX */ | BIT(29) /* F16C */)
/* CPUID.7.0: MPX, PKU and AMX are never offered (their state is not
 * managed); nor is IA32_CORE_CAPABILITIES.  The speculation-control bits
 * are as the CPU has them (spec_ctrl.h). */
#define CPUID7_EBX_HIDE (BIT(14) /* MPX */)
#define CPUID7_ECX_HIDE (BIT(3) /* PKU */ | BIT(4) /* OSPKE */)
#define CPUID7_EDX_HIDE                                    \
	(BIT(22) /* AMX-BF16 */ | BIT(24) /* AMX-TILE */ | \
	 BIT(25) /* AMX-INT8 */ | BIT(30) /* CORE_CAPABILITIES */)
/* CPUID.7.0 features that need XCR0.AVX, and those that need AVX-512. */
#define CPUID7_EBX_AVX (BIT(5) /* AVX2 */)
#define CPUID7_ECX_AVX (BIT(9) /* VAES */ | BIT(10) /* VPCLMULQDQ */)
#define CPUID7_EBX_AVX512                                          \
	(BIT(16) /* F */ | BIT(17) /* DQ */ | BIT(21) /* IFMA */ | \
	 BIT(26) /* PF */ | BIT(27) /* ER */ | BIT(28) /* CD */ |  \
	 BIT(30) /* BW */ | BIT(31) /* VL */)
#define CPUID7_ECX_AVX512                                              \
	(BIT(1) /* VBMI */ | BIT(6) /* VBMI2 */ | BIT(11) /* VNNI */ | \
	 BIT(12) /* BITALG */ | BIT(14) /* VPOPCNTDQ */)
#define CPUID7_EDX_AVX512                            \
	(BIT(2) /* 4VNNIW */ | BIT(3) /* 4FMAPS */ | \
	 BIT(8) /* VP2INTERSECT */ | BIT(23) /* FP16 */)
#define CPUID_MAX_BASIC 0x16 /* at least: leaves 0x15/0x16 give the clocks */
#define CPUID_HV_MAX 0x40000010

/*
 * CPUID reports only what tdpvisor emulates or passes through correctly:
 * a LAPIC with x2APIC and the TSC-deadline timer, XSAVE with the x87,
 * SSE, AVX and AVX-512 components the CPU has (XSETBV validated, see
 * xsave.h), and the vector instructions only where XCR0 can enable them;
 * no nested VMX, no MONITOR/MWAIT, no machine-check or performance
 * monitoring, one CPU.  The clocks agree with the platform: leaf 0x15
 * gives the TSC as a ratio of the 25 MHz crystal that also drives the
 * LAPIC timer, leaf 0x16 the TSC in MHz, and the hypervisor leaf
 * 0x40000010 (as VMware and KVM define it) the TSC and LAPIC timer in kHz.
 */
static void handle_cpuid(struct vm *vm)
{
	u32 leaf = (u32)*gpr(vm, X86_GPR_RAX), sub = (u32)*gpr(vm, X86_GPR_RCX);
	u32 a, b, c, d, host_max;
	u64 xmask = xsave_guest_mask();
	u64 khz = vm_tsc_hz() / 1000,
	    timer_khz = vm->plat.cfg.lapic_timer_hz / 1000;

	cpuid_count(0, 0, &host_max, &b, &c, &d);
	cpuid_count(leaf, sub, &a, &b, &c, &d);
	if (leaf > host_max && leaf <= CPUID_MAX_BASIC)
		a = b = c = d = 0;
	switch (leaf) {
	case 0:
		a = MAX(a, CPUID_MAX_BASIC);
		break;
	case 1:
		c = (c & ~CPUID1_ECX_HIDE) | CPUID1_ECX_SHOW;
		if (xmask)
			c |= X86_FEATURE_XSAVE_ECX;
		if (vmcs_readnat(VMCS_GUEST_CR4) & X86_CR4_OSXSAVE)
			c |= X86_FEATURE_OSXSAVE_ECX;
		if (!(xmask & XFEATURE_AVX))
			c &= ~CPUID1_ECX_AVX;
		/* The SDM: a LAPIC disabled in IA32_APIC_BASE clears APIC. */
		d &= ~(CPUID1_EDX_HIDE | X86_FEATURE_APIC_EDX);
		if (lapic_mode(&vm->plat.lapic) != LAPIC_DISABLED)
			d |= X86_FEATURE_APIC_EDX;
		/* Initial APIC ID 0, one logical processor. */
		b = (b & 0xffff) | (1u << 16);
		break;
	case 6:
		a = BIT(2); /* ARAT: the LAPIC timer runs in every C-state */
		b = c = d = 0;
		break;
	case 7:
		if (sub) { /* subleaf 0 reports no others */
			a = b = c = d = 0;
			break;
		}
		a = 0;
		b &= ~CPUID7_EBX_HIDE;
		c &= ~CPUID7_ECX_HIDE;
		d = spec_cpuid7_edx(d & ~CPUID7_EDX_HIDE);
		if (!(xmask & XFEATURE_AVX)) {
			b &= ~CPUID7_EBX_AVX;
			c &= ~CPUID7_ECX_AVX;
		}
		if (!(xmask & XFEATURE_AVX512)) {
			b &= ~CPUID7_EBX_AVX512;
			c &= ~CPUID7_ECX_AVX512;
			d &= ~CPUID7_EDX_AVX512;
		}
		break;
	case 0xa: /* no performance monitoring */
		a = b = c = d = 0;
		break;
	case 0xd:
		xsave_cpuid(vm, sub, &a, &b, &c, &d);
		break;
	case 0xb: /* x2APIC topology: one thread, one core */
		a = 0;
		b = sub < 2 ? 1 : 0;
		c = sub < 2 ? ((sub + 1) << 8 | sub) : sub;
		d = vm->plat.lapic.hw_id;
		break;
	case 0x15:
		if (timer_khz == khz) {
			a = b = 1;
		} else {
			a = (u32)(VM_CRYSTAL_HZ / 1000);
			b = (u32)khz;
		}
		c = (u32)vm->plat.cfg.lapic_timer_hz;
		d = 0;
		break;
	case 0x16:
		a = b = (u32)(khz / 1000);
		c = (u32)(timer_khz / 1000);
		d = 0;
		break;
	case 0x40000000:
		a = CPUID_HV_MAX;
		memcpy(&b, "TDPV", 4);
		memcpy(&c, "TDPV", 4);
		memcpy(&d, "TDPV", 4);
		break;
	case 0x40000010:
		a = (u32)khz;
		b = (u32)timer_khz;
		c = d = 0;
		break;
	default:
		if (leaf > 0x40000000 && leaf <= 0x4fffffff)
			a = b = c = d = 0;
		break;
	}
	*gpr(vm, X86_GPR_RAX) = a;
	*gpr(vm, X86_GPR_RBX) = b;
	*gpr(vm, X86_GPR_RCX) = c;
	*gpr(vm, X86_GPR_RDX) = d;
	vcpu_advance_rip(vm);
}

/*
 * HLT: retire it and sleep (vm_run() waits in vcpu_halt_wait() before the
 * next entry, so the interrupt that wakes the vCPU is delivered with RIP
 * after the HLT, as on hardware).
 */
static void handle_hlt(struct vm *vm)
{
	vcpu_advance_rip(vm);
	vm->vcpu.halted = true;
}

/* The guest can take the event now: vm_run() injects it before entry. */
static void handle_window(struct vm *vm)
{
	(void)vm;
}

static bool is_canonical(u64 v)
{
	return (u64)((s64)(v << 16) >> 16) == v;
}

static bool pat_valid(u64 pat)
{
	for (int i = 0; i < 8; i++) {
		u8 t = (u8)(pat >> (i * 8));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

#define MSR_IA32_TSC 0x10
#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff
#define MSR_IA32_TSC_ADJUST 0x3b
#define MSR_PLATFORM_INFO 0xce
#define MSR_IA32_MTRR_PHYS_FIRST 0x200 /* base/mask pairs 0x200-0x20f */
#define MSR_IA32_MTRR_PHYS_LAST 0x20f
#define MTRR_VCNT 8

/* The fixed-range MTRRs, in the order vm->mtrr_fixed keeps them. */
static const u32 mtrr_fixed_msrs[11] = { 0x250, 0x258, 0x259, 0x268,
					 0x269, 0x26a, 0x26b, 0x26c,
					 0x26d, 0x26e, 0x26f };

static int mtrr_fixed_index(u32 msr)
{
	for (int i = 0; i < 11; i++)
		if (mtrr_fixed_msrs[i] == msr)
			return i;
	return -1;
}

/* SDM "MTRR Types": UC 0, WC 1, WT 4, WP 5, WB 6. */
static bool mtrr_type_valid(u64 t)
{
	return t == 0 || t == 1 || (t >= 4 && t <= 6);
}

/* Each byte of a fixed-range MTRR is a type. */
static bool mtrr_fixed_valid(u64 v)
{
	for (int i = 0; i < 8; i++)
		if (!mtrr_type_valid((v >> (8 * i)) & 0xff))
			return false;
	return true;
}

/* PHYSBASEn (even) and PHYSMASKn (odd): reserved bits above MAXPHYADDR,
 * bits 11:8 of the base, 10:0 of the mask. */
static bool mtrr_var_valid(u32 msr, u64 v)
{
	u64 rsvd = ~GENMASK_ULL(cpu_phys_addr_bits() - 1, 0);

	if (msr & 1)
		return !(v & (rsvd | GENMASK_ULL(10, 0)));
	return !(v & (rsvd | GENMASK_ULL(11, 8))) && mtrr_type_valid(v & 0xff);
}

/* The guest TSC moves by writing IA32_TSC or IA32_TSC_ADJUST, through the
 * VMCS TSC offset (SDM "IA32_TSC_ADJUST": both change by the same delta). */
static bool tsc_shift(struct vm *vm, s64 delta)
{
	if (!vm->tsc_offsetting)
		return delta == 0;
	vm->tsc_offset += delta;
	vm->tsc_adjust += (u64)delta;
	vmcs_write64(VMCS_TSC_OFFSET, (u64)vm->tsc_offset);
	return true;
}

/* CR0, CR4 (guest views), EFER and the IA-32e entry control, from the VMCS. */
static struct vmcheck_cregs read_cregs(void)
{
	struct vmcheck_cregs c = {
		.cr0 = (vmcs_readnat(VMCS_GUEST_CR0) & ~X86_CR0_NE) |
		       (vmcs_readnat(VMCS_CR0_READ_SHADOW) & X86_CR0_NE),
		.cr4 = vmcs_readnat(VMCS_GUEST_CR4) & ~X86_CR4_VMXE,
		.efer = vmcs_read64(VMCS_GUEST_EFER),
		.ia32e_mode_guest = vmcs_read32(VMCS_ENTRY_CTLS) &
				    VM_ENTRY_IA32E_MODE,
		.cs_l = vmcs_read32(VMCS_GUEST_CS_AR) & X86_AR_L,
	};

	return c;
}

static void write_cregs(struct vm *vm, const struct vmcheck_cregs *c)
{
	u32 entry = vmcs_read32(VMCS_ENTRY_CTLS);

	vmcs_writenat(VMCS_GUEST_CR0, c->cr0 | X86_CR0_NE);
	vmcs_writenat(VMCS_CR0_READ_SHADOW, c->cr0);
	vmcs_writenat(VMCS_GUEST_CR4, c->cr4 | X86_CR4_VMXE);
	vmcs_writenat(VMCS_CR4_READ_SHADOW, c->cr4);
	vmcs_write64(VMCS_GUEST_EFER, c->efer);
	if (c->ia32e_mode_guest)
		entry |= VM_ENTRY_IA32E_MODE;
	else
		entry &= ~VM_ENTRY_IA32E_MODE;
	vmcs_write32(VMCS_ENTRY_CTLS, entry);
	vm->guest_state_changed = true;
}

/*
 * PAE paging (CR0.PG, CR4.PAE, EFER.LMA=0) entered by an emulated write:
 * with EPT, VM entry takes the PDPTEs from the VMCS, so load them from
 * CR3 as MOV to CR0/CR4 does (SDM "PDPTE Registers").  Returns false if
 * a present PDPTE has reserved bits set or CR3 is not RAM: #GP.
 */
static bool load_pdptes(struct vm *vm, const struct vmcheck_cregs *c)
{
	u64 rsvd = BIT_ULL(1) | BIT_ULL(2) | GENMASK_ULL(8, 5) |
		   ~GENMASK_ULL(cpu_phys_addr_bits() - 1, 0);
	u64 pdpte[4];
	const u64 *p;

	if (!(c->cr0 & X86_CR0_PG) || !(c->cr4 & X86_CR4_PAE) ||
	    (c->efer & X86_EFER_LMA))
		return true;
	p = vm_gpa_to_hva(vm, vmcs_readnat(VMCS_GUEST_CR3) & 0xffffffe0ULL,
			  sizeof(pdpte));
	if (!p)
		return false;
	memcpy(pdpte, p, sizeof(pdpte));
	for (int i = 0; i < 4; i++)
		if ((pdpte[i] & 1) && (pdpte[i] & rsvd))
			return false;
	vmcs_write64(VMCS_GUEST_PDPTE0, pdpte[0]);
	vmcs_write64(VMCS_GUEST_PDPTE1, pdpte[1]);
	vmcs_write64(VMCS_GUEST_PDPTE2, pdpte[2]);
	vmcs_write64(VMCS_GUEST_PDPTE3, pdpte[3]);
	return true;
}

/* The RDMSR allow-list: returns false for anything else (#GP). */
static bool msr_read(struct vm *vm, u32 msr, u64 *v)
{
	int r = platform_msr_read(&vm->plat, msr, v);
	int fixed = mtrr_fixed_index(msr);

	if (r == -ENOENT)
		r = spec_msr_read(vm, msr, v);
	if (r != -ENOENT)
		return r == 0;
	if (fixed >= 0) {
		*v = vm->mtrr_fixed[fixed];
		return true;
	}
	if (msr >= MSR_IA32_MTRR_PHYS_FIRST && msr <= MSR_IA32_MTRR_PHYS_LAST) {
		*v = vm->mtrr_var[msr - MSR_IA32_MTRR_PHYS_FIRST];
		return true;
	}
	switch (msr) {
	case MSR_IA32_EFER:
		*v = vmcs_read64(VMCS_GUEST_EFER);
		return true;
	case MSR_IA32_PAT:
		*v = vmcs_read64(VMCS_GUEST_PAT);
		return true;
	case MSR_IA32_SYSENTER_CS:
		*v = vmcs_read32(VMCS_GUEST_SYSENTER_CS);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		*v = vmcs_readnat(VMCS_GUEST_SYSENTER_ESP);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		*v = vmcs_readnat(VMCS_GUEST_SYSENTER_EIP);
		return true;
	case MSR_FS_BASE:
		*v = vmcs_readnat(VMCS_GUEST_FS_BASE);
		return true;
	case MSR_GS_BASE:
		*v = vmcs_readnat(VMCS_GUEST_GS_BASE);
		return true;
	case MSR_KERNEL_GS_BASE:
		*v = vm->vcpu.kernel_gs_base;
		return true;
	case MSR_IA32_TSC:
		*v = vm_guest_tsc(vm);
		return true;
	case MSR_IA32_TSC_ADJUST:
		*v = vm->tsc_adjust;
		return true;
	case MSR_IA32_PLATFORM_ID:
	case MSR_IA32_BIOS_SIGN_ID:
		*v = 0;
		return true;
	case MSR_IA32_MTRRCAP:
		/* VCNT variable ranges, fixed ranges, write-combining. */
		*v = MTRR_VCNT | BIT_ULL(8) | BIT_ULL(10);
		return true;
	case MSR_IA32_MTRR_DEF_TYPE:
		*v = vm->mtrr_def_type;
		return true;
	case MSR_IA32_MISC_ENABLE:
		*v = vm->misc_enable;
		return true;
	case MSR_PLATFORM_INFO:
		/* Maximum non-turbo ratio (bits 15:8) of a 100 MHz bus. */
		*v = ((vm_tsc_hz() / 100000000) & 0xff) << 8;
		return true;
	case MSR_IA32_FEATURE_CONTROL:
		*v = 1; /* locked, VMX off: no nested VMX */
		return true;
	}
	return false;
}

/* The WRMSR allow-list, with the checks hardware makes (#GP if not met). */
static bool msr_write(struct vm *vm, u32 msr, u64 v)
{
	int r = platform_msr_write(&vm->plat, msr, v);
	int fixed = mtrr_fixed_index(msr);

	if (r == -ENOENT)
		r = spec_msr_write(vm, msr, v);
	if (r != -ENOENT)
		return r == 0;
	if (fixed >= 0) {
		if (!mtrr_fixed_valid(v))
			return false;
		vm->mtrr_fixed[fixed] = v;
		return true;
	}
	if (msr >= MSR_IA32_MTRR_PHYS_FIRST && msr <= MSR_IA32_MTRR_PHYS_LAST) {
		if (!mtrr_var_valid(msr, v))
			return false;
		vm->mtrr_var[msr - MSR_IA32_MTRR_PHYS_FIRST] = v;
		return true;
	}
	switch (msr) {
	case MSR_IA32_TSC:
		return tsc_shift(vm, (s64)(v - vm_guest_tsc(vm)));
	case MSR_IA32_TSC_ADJUST:
		return tsc_shift(vm, (s64)(v - vm->tsc_adjust));
	case MSR_IA32_MTRR_DEF_TYPE:
		/* Type (7:0), FE (10), E (11); the rest reserved. */
		if ((v & ~(0xffULL | BIT_ULL(10) | BIT_ULL(11))) ||
		    !mtrr_type_valid(v & 0xff))
			return false;
		vm->mtrr_def_type = v;
		return true;
	case MSR_IA32_MISC_ENABLE:
		/* Only fast strings may change; the rest reads as it was. */
		if ((v ^ vm->misc_enable) & ~BIT_ULL(0))
			return false;
		vm->misc_enable = v;
		return true;
	case MSR_IA32_EFER: {
		/* SDM: reserved bits and LME changes under paging #GP; LMA is
		 * read-only. */
		struct vmcheck_cregs c = read_cregs();

		if (vmcheck_efer_write(&c, v))
			return false;
		write_cregs(vm, &c);
		return true;
	}
	case MSR_IA32_PAT:
		if (!pat_valid(v))
			return false;
		vmcs_write64(VMCS_GUEST_PAT, v);
		return true;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(VMCS_GUEST_SYSENTER_CS, v);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writenat(VMCS_GUEST_SYSENTER_ESP, v);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writenat(VMCS_GUEST_SYSENTER_EIP, v);
		return true;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		if (!is_canonical(v))
			return false;
		if (msr == MSR_FS_BASE)
			vmcs_writenat(VMCS_GUEST_FS_BASE, v);
		else if (msr == MSR_GS_BASE)
			vmcs_writenat(VMCS_GUEST_GS_BASE, v);
		else
			vm->vcpu.kernel_gs_base = v;
		return true;
	case MSR_IA32_BIOS_SIGN_ID:
		return true; /* microcode update trigger: ignored */
	}
	return false;
}

static void handle_msr(struct vm *vm, bool write)
{
	u32 msr = (u32)*gpr(vm, X86_GPR_RCX);
	u64 v;

	if (write) {
		v = ((*gpr(vm, X86_GPR_RDX) & 0xffffffffULL) << 32) |
		    (*gpr(vm, X86_GPR_RAX) & 0xffffffffULL);
		if (!msr_write(vm, msr, v)) {
			vm->stats.msr_refused++;
			vm_warn(vm,
				"WRMSR 0x%x <- 0x%llx at RIP 0x%llx refused: #GP",
				msr, v, vmcs_readnat(VMCS_GUEST_RIP));
			vcpu_inject_gp(vm);
			return;
		}
	} else {
		if (!msr_read(vm, msr, &v)) {
			vm->stats.msr_refused++;
			vm_warn(vm, "RDMSR 0x%x at RIP 0x%llx refused: #GP",
				msr, vmcs_readnat(VMCS_GUEST_RIP));
			vcpu_inject_gp(vm);
			return;
		}
		*gpr(vm, X86_GPR_RAX) = (u32)v;
		*gpr(vm, X86_GPR_RDX) = v >> 32;
	}
	vcpu_advance_rip(vm);
}

static void handle_rdmsr(struct vm *vm)
{
	handle_msr(vm, false);
}

static void handle_wrmsr(struct vm *vm)
{
	handle_msr(vm, true);
}

/*
 * MOV to and from CR8 (64-bit mode only): CR8 is the virtual LAPIC's TPR
 * bits 7:4 (SDM "Task Priority Register" and "CR8"), in every LAPIC mode;
 * bits 63:4 of a write are reserved (#GP).  Without these exits the
 * guest's CR8 would be the real CPU's TPR, which the host keeps at 15.
 */
static void cr8_access(struct vm *vm, bool write, unsigned int reg, u64 v)
{
	if (write) {
		if (v & ~0xfULL) {
			vcpu_inject_exception(13, true, 0);
			return;
		}
		lapic_set_tpr(&vm->plat.lapic, (u8)(v << 4));
	} else {
		v = lapic_get_tpr(&vm->plat.lapic) >> 4;
		if (reg == X86_GPR_RSP)
			vmcs_writenat(VMCS_GUEST_RSP, v);
		else
			*gpr(vm, reg) = v;
	}
	vm->plat.stats.cr8_accesses++;
	vcpu_advance_rip(vm);
}

/* MOV to CR0/CR4 that touches a host-owned bit (CR0.NE, CR4.VMXE), and
 * MOV to or from CR8. */
static void handle_cr_access(struct vm *vm)
{
	u64 q = vmcs_readnat(VMCS_EXIT_QUALIFICATION);
	unsigned int cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	u64 v = reg == X86_GPR_RSP ? vmcs_readnat(VMCS_GUEST_RSP)
				   : *gpr(vm, reg);
	struct vmcheck_cregs c;

	if (cr == 8 && type <= 1) {
		cr8_access(vm, type == 0, reg, v);
		return;
	}
	if (type != 0 || (cr != 0 && cr != 4)) {
		vm_stop(vm, VM_HV_ERROR,
			"unexpected control-register exit (qualification 0x%llx)",
			q);
		return;
	}
	c = read_cregs();
	if (cr == 0) {
		/* SDM "MOV—Move to/from Control Registers" and "Initializing
		 * IA-32e Mode": the #GP cases, and PG with EFER.LME switching
		 * IA-32e mode on or off (EFER.LMA, the IA-32e entry control). */
		if (vmcheck_cr0_write(&c, v)) {
			vcpu_inject_gp(vm);
			return;
		}
	} else {
		/* No nested VMX; reserved bits #GP as on hardware, and so does
		 * clearing PAE in IA-32e mode. */
		if ((v & X86_CR4_VMXE) ||
		    ((v | X86_CR4_VMXE) & ~vm->caps->cr4_fixed1) ||
		    vmcheck_cr4_write(&c, v)) {
			vcpu_inject_gp(vm);
			return;
		}
	}
	if (!load_pdptes(vm, &c)) {
		vcpu_inject_gp(vm);
		return;
	}
	write_cregs(vm, &c);
	vcpu_advance_rip(vm);
}

static void handle_vmcall(struct vm *vm)
{
	vm_handle_vmcall(vm);
}

static void handle_io(struct vm *vm)
{
	vm_handle_io(vm, vmcs_readnat(VMCS_EXIT_QUALIFICATION));
}

static void handle_triple_fault(struct vm *vm)
{
	vm_stop(vm, VM_TRIPLE_FAULT,
		"triple fault at RIP 0x%llx (CR0=0x%llx, IDTR limit %u)",
		vmcs_readnat(VMCS_GUEST_RIP), vmcs_readnat(VMCS_GUEST_CR0),
		vmcs_read32(VMCS_GUEST_IDTR_LIMIT));
}

static void unexpected_exit(struct vm *vm);

/*
 * External interrupts are held off (hv/main.c: TPR 15, PICs masked); one
 * that still arrives stays pending and would exit again at once, so a long
 * run of them stops the guest instead of livelocking it.
 */
#define INTERRUPT_STORM 100000

static void handle_external_interrupt(struct vm *vm)
{
	if (vm->stats.exits[EXIT_REASON_EXTERNAL_INTERRUPT] > INTERRUPT_STORM &&
	    vm->stats.exits[EXIT_REASON_EXTERNAL_INTERRUPT] >
		    64 * (vm->stats.hypercalls + vm->stats.ept_faults + 1))
		vm_stop(vm, VM_HV_ERROR,
			"external-interrupt storm: %llu exits (a host interrupt source tdpvisor cannot mask)",
			vm->stats.exits[EXIT_REASON_EXTERNAL_INTERRUPT]);
}

/* Exception or NMI: only NMIs exit (the exception bitmap is 0); an NMI is
 * not forwarded to the guest, so it is counted and dropped. */
static void handle_exception_nmi(struct vm *vm)
{
	u32 info = vmcs_read32(VMCS_EXIT_INTR_INFO);

	if (((info >> 8) & 7) != 2) { /* type 2: NMI */
		unexpected_exit(vm);
		return;
	}
	vm->stats.nmis++;
}

/* A device deadline or the run limit: vm_run() advances the platform. */
static void handle_preemption_timer(struct vm *vm)
{
	if (vm->run_limit_tsc && rdtsc() >= vm->run_limit_tsc)
		vm_stop(vm, VM_TIMEOUT,
			"run-time limit of %llu ms reached (RIP 0x%llx)",
			vm->run_limit_ms, vmcs_readnat(VMCS_GUEST_RIP));
}

static void handle_failed_entry(struct vm *vm)
{
	u32 reason = vmcs_read32(VMCS_EXIT_REASON) & 0xffff;

	vmcs_dump();
	vm_stop(vm, VM_ENTRY_FAILED,
		"VM entry failed: %s (exit reason %u, qualification %llu)",
		exit_reason_name(reason), reason,
		vmcs_readnat(VMCS_EXIT_QUALIFICATION));
}

static void unexpected_exit(struct vm *vm)
{
	u32 reason = vmcs_read32(VMCS_EXIT_REASON) & 0xffff;

	vmcs_dump();
	vm_stop(vm, VM_GUEST_ERROR,
		"unexpected VM exit: reason %u (%s) at RIP 0x%llx", reason,
		exit_reason_name(reason), vmcs_readnat(VMCS_GUEST_RIP));
}

typedef void (*exit_handler_t)(struct vm *vm);

static const exit_handler_t exit_handlers[EXIT_REASON_MAX] = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INTERRUPT_WINDOW] = handle_window,
	[EXIT_REASON_NMI_WINDOW] = handle_window,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_MSR_READ] = handle_rdmsr,
	[EXIT_REASON_MSR_WRITE] = handle_wrmsr,
	[EXIT_REASON_INVALID_STATE] = handle_failed_entry,
	[EXIT_REASON_MSR_LOAD_FAIL] = handle_failed_entry,
	[EXIT_REASON_MCE_DURING_ENTRY] = handle_failed_entry,
	[EXIT_REASON_EPT_VIOLATION] = vm_handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = vm_handle_ept_misconfig,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_INVD] = handle_invd,
	[EXIT_REASON_GETSEC] = handle_ud,
	[EXIT_REASON_VMCLEAR] = handle_ud,
	[EXIT_REASON_VMLAUNCH] = handle_ud,
	[EXIT_REASON_VMPTRLD] = handle_ud,
	[EXIT_REASON_VMPTRST] = handle_ud,
	[EXIT_REASON_VMREAD] = handle_ud,
	[EXIT_REASON_VMRESUME] = handle_ud,
	[EXIT_REASON_VMWRITE] = handle_ud,
	[EXIT_REASON_VMXOFF] = handle_ud,
	[EXIT_REASON_VMXON] = handle_ud,
	[EXIT_REASON_INVEPT] = handle_ud,
	[EXIT_REASON_INVVPID] = handle_ud,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
};

void vm_handle_exit(struct vm *vm, u32 reason)
{
	u32 basic = reason & 0xffff;

	vm->stats.exits[basic < EXIT_REASON_MAX ? basic : EXIT_REASON_MAX]++;
	vcpu_exit_begin(vm);
	platform_advance(&vm->plat, vm_guest_tsc(vm));
	if (basic < EXIT_REASON_MAX && exit_handlers[basic])
		exit_handlers[basic](vm);
	else
		unexpected_exit(vm);
	vcpu_note_injection(vm);
	vcpu_exit_end(vm);
}
