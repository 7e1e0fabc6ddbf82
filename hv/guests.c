// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in guests and the sequence runner.  Each built-in guest checks one
 * behaviour and reports PASS/FAIL through the ABI; the table says how it is
 * expected to end, so the guests that fail on purpose (a triple fault, an
 * access outside every memslot) count as passing when they stop exactly
 * that way — and the run goes on with the next guest.
 *
 * The images are the ELF32 multiboot kernels built from guest/NAME.c, linked
 * into this image by build/gen/guest_blobs.asm.
 */
#include "boot_info.h"
#include "fmt.h"
#include "hv/guest_load.h"
#include "hv/guests.h"
#include "hv/pool.h"
#include "hv/vm.h"
#include "log.h"
#include "string_util.h"

struct builtin_guest {
	const char *name;
	const u8 *start, *end;
	enum vm_outcome expect; /* VM_EXITED means exit status 0 */
	bool test; /* part of "tests" */
	bool private_mem; /* runs with private memory (mirror root, S-EPT) */
	const char *what;
};

#define BLOB(n) extern const u8 guest_blob_##n##_start[], guest_blob_##n##_end[]
/* GUEST: an ordinary VM; PGUEST: a VM with private memory. */
#define GUEST_ROW(n, exp, t, p, w)                                             \
	{                                                                      \
#n, guest_blob_##n##_start, guest_blob_##n##_end, exp, t, p, w \
	}
#define GUEST(n, exp, t, w) GUEST_ROW(n, exp, t, false, w)
#define PGUEST(n, exp, t, w) GUEST_ROW(n, exp, t, true, w)

BLOB(demo);
BLOB(cpuid);
BLOB(hlt);
BLOB(io);
BLOB(msr);
BLOB(memtest);
BLOB(memslot);
BLOB(badhc);
BLOB(oob);
BLOB(triplefault);
BLOB(mmio);
BLOB(mmiobad);
BLOB(mmioslot);
BLOB(spin);
BLOB(convert);
BLOB(privwrong);
BLOB(insn);
BLOB(hcuser);
BLOB(flood);
BLOB(hcalias);
BLOB(efer);
BLOB(longmode);
BLOB(straddle);
BLOB(ptmmio);

static const struct builtin_guest builtins[] = {
	PGUEST(demo, VM_EXITED, false, "the `make run` demo"),
	GUEST(cpuid, VM_EXITED, true, "CPUID exits and the filtered leaves"),
	GUEST(hlt, VM_HALTED, true, "HLT exits; ends with HLT, IF=0"),
	GUEST(io, VM_EXITED, true, "port I/O: COM1, absent ports, debug-exit"),
	GUEST(msr, VM_EXITED, true, "RDMSR/WRMSR allow-list and #GP"),
	GUEST(insn, VM_EXITED, true, "VMX insns/XSETBV #UD, INVD, CR #GP"),
	GUEST(memtest, VM_EXITED, true,
	      "demand faulting, data read back, 2M leaves"),
	GUEST(memslot, VM_EXITED, true,
	      "memslot add/remove hypercalls and refault"),
	GUEST(badhc, VM_EXITED, true, "bad hypercalls get errors, not a crash"),
	GUEST(oob, VM_GUEST_ERROR, true,
	      "access outside every memslot stops it"),
	GUEST(triplefault, VM_TRIPLE_FAULT, true,
	      "a triple fault stops only it"),
	GUEST(mmio, VM_EXITED, true,
	      "test device through MMIO SPTEs, many forms"),
	GUEST(mmiobad, VM_GUEST_ERROR, true,
	      "unsupported MMIO instruction stops it"),
	GUEST(mmioslot, VM_EXITED, true,
	      "memslot over an MMIO GPA; generation"),
	GUEST(spin, VM_TIMEOUT, false, "spins: the run-time limit stops it"),
	PGUEST(convert, VM_EXITED, true,
	       "private/shared conversion through the mirror root and S-EPT"),
	PGUEST(privwrong, VM_GUEST_ERROR, true,
	       "shared access to a private page stops it"),
	GUEST(hcuser, VM_EXITED, false, "hypercalls from CPL 3 get EPERM"),
	GUEST(flood, VM_EXITED, false,
	      "console flood: warnings rate-limited, output capped"),
	PGUEST(hcalias, VM_EXITED, false,
	       "hypercall buffers obey the private/shared side (shared_bit "
	       "30)"),
	GUEST(efer, VM_EXITED, false, "WRMSR EFER: LMA read-only, LME #GP"),
	GUEST(longmode, VM_EXITED, false,
	      "Linux-style entry to IA-32e mode by MOV CR0"),
	GUEST(straddle, VM_EXITED, false,
	      "an access straddling RAM and MMIO is split"),
	GUEST(ptmmio, VM_GUEST_ERROR, false,
	      "a guest page table in MMIO stops it by name"),
};

static const struct builtin_guest *find_builtin(const char *name)
{
	for (u32 i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}

static bool outcome_ok(const struct vm *vm, enum vm_outcome expect)
{
	if (vm->reports_fail)
		return false;
	if (expect == VM_EXITED)
		return vm->outcome == VM_EXITED && vm->exit_status == 0;
	return vm->outcome == expect;
}

/* Runs one guest image; returns true if it ended as expected. */
static bool run_one(const struct boot_info *bi, const struct vmx_caps *caps,
		    bool private_mem, const char *name,
		    const struct guest_load_params *lp, enum vm_outcome expect)
{
	static struct vm vm;
	u64 free_before = pool_free_count();
	bool ok = false;

	pr_info("=== guest %s: start (expect: %s%s) ===", name,
		vm_outcome_name(expect),
		expect == VM_EXITED ? " with status 0" : "");
	if (vm_create(&vm, name, bi, caps, private_mem) == 0) {
		static bool bad_spte_used;

		vm.test_vmentry_fail = bi->cfg.test_vmentry_fail;
		/* One broken SPTE per boot: the first guest gets it. */
		if (!bad_spte_used)
			vm.test_bad_spte_gpa = bi->cfg.test_bad_spte_gpa;
		bad_spte_used = true;
		if (vm_load(&vm, lp) == 0) {
			vm_run(&vm);
			vm_print_summary(&vm);
			ok = outcome_ok(&vm, expect);
		} else {
			vm_stop(&vm, VM_GUEST_ERROR,
				"image could not be loaded");
		}
	}
	vm_destroy(&vm);
	if (pool_free_count() != free_before)
		panic("vm %s: %lld hypervisor pages leaked", name,
		      (long long)(free_before - pool_free_count()));
	pr_info("=== guest %s: %s (outcome %s%s%s) ===", name,
		ok ? "PASS" : "FAIL", vm_outcome_name(vm.outcome),
		vm.stop_reason[0] ? ": " : "", vm.stop_reason);
	return ok;
}

static bool run_named(const struct boot_info *bi, const struct vmx_caps *caps,
		      const char *name, int *failed, int *ran)
{
	const struct builtin_guest *g = find_builtin(name);
	struct guest_load_params lp = { 0 };

	lp.cmdline = bi->cfg.guest_cmdline;
	if (bi->guest_module.data) {
		lp.module = bi->guest_module.data;
		lp.module_size = bi->guest_module.size;
		lp.module_name = bi->guest_module.name;
	}
	if (g) {
		lp.image = g->start;
		lp.image_size = (u64)(g->end - g->start);
		(*ran)++;
		*failed += !run_one(bi, caps, g->private_mem, g->name, &lp,
				    g->expect);
		return true;
	}
	for (u32 i = 0; i < BOOT_MAX_IMAGES; i++) {
		const struct boot_blob *b = &bi->guest_images[i];

		if (!b->data || strcmp(b->name, name))
			continue;
		lp.image = b->data;
		lp.image_size = b->size;
		lp.flat_ok = true;
		(*ran)++;
		*failed += !run_one(bi, caps, bi->cfg.private_memory, name, &lp,
				    VM_EXITED);
		return true;
	}
	return false;
}

int guests_run_all(const struct boot_info *bi, const struct vmx_caps *caps)
{
	char list[CONFIG_STR_MAX], *p = list;
	int failed = 0, ran = 0;

	fmt_snprintf(list, sizeof(list), "%s", bi->cfg.guest);
	while (p && *p) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (!strcmp(p, "tests")) {
			for (u32 i = 0; i < ARRAY_SIZE(builtins); i++)
				if (builtins[i].test)
					run_named(bi, caps, builtins[i].name,
						  &failed, &ran);
		} else if (!run_named(bi, caps, p, &failed, &ran)) {
			pr_err("guests: '%s' is neither a built-in guest nor a "
			       "loaded image; built-ins:",
			       p);
			for (u32 i = 0; i < ARRAY_SIZE(builtins); i++)
				pr_err("  %-12s %s", builtins[i].name,
				       builtins[i].what);
			failed++;
		}
		p = comma ? comma + 1 : NULL;
	}
	pr_info("guests: %d passed, %d failed",
		ran - failed < 0 ? 0 : ran - failed, failed);
	return failed;
}
