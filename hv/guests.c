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
#include "builtin_guests.h"
#include "fmt.h"
#include "hv/load/guest_load.h"
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

/* The blobs of build/gen/guest_blobs.asm, one pair per built-in guest. */
#define GUEST_BLOB(n, exp, t, p, w) \
	extern const u8 guest_blob_##n##_start[], guest_blob_##n##_end[];
BUILTIN_GUESTS(GUEST_BLOB)

#define GUEST_ROW(n, exp, t, p, w) \
	{ #n, guest_blob_##n##_start, guest_blob_##n##_end, VM_##exp, t, p, w },
static const struct builtin_guest builtins[] = { BUILTIN_GUESTS(GUEST_ROW) };

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

/* How one entry of the `guest` list went; the summary counts each kind. */
enum guest_result { GUEST_PASSED, GUEST_FAILED, GUEST_NOT_RUN };

struct guest_tally {
	int passed, failed, not_run;
};

static void tally(struct guest_tally *t, enum guest_result r)
{
	if (r == GUEST_PASSED)
		t->passed++;
	else if (r == GUEST_FAILED)
		t->failed++;
	else
		t->not_run++;
}

/*
 * Runs one guest image.  A guest whose VM could not be created or whose
 * image was refused never ran: it is reported as NOT RUN with the reason,
 * never with an outcome it did not reach.
 */
static enum guest_result run_one(const struct boot_info *bi,
				 const struct vmx_caps *caps, bool private_mem,
				 const char *name,
				 const struct guest_load_params *lp,
				 enum vm_outcome expect)
{
	static struct vm vm;
	u64 free_before = pool_free_count();
	enum guest_result res = GUEST_NOT_RUN;
	const char *not_run =
		"its VM could not be created (see the error above)";

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
			res = outcome_ok(&vm, expect) ? GUEST_PASSED
						      : GUEST_FAILED;
		} else {
			not_run = "its image was refused (see the error above)";
		}
	}
	vm_destroy(&vm);
	if (pool_free_count() != free_before)
		panic("vm %s: %lld hypervisor pages leaked", name,
		      (long long)(free_before - pool_free_count()));
	if (res == GUEST_NOT_RUN)
		pr_info("=== guest %s: NOT RUN (%s) ===", name, not_run);
	else
		pr_info("=== guest %s: %s (outcome %s%s%s) ===", name,
			res == GUEST_PASSED ? "PASS" : "FAIL",
			vm_outcome_name(vm.outcome),
			vm.stop_reason[0] ? ": " : "", vm.stop_reason);
	return res;
}

/* Every command line the config accepts is one the loader takes. */
_Static_assert(sizeof(((struct tdp_config *)0)->guest_cmdline) <=
		       GUEST_CMDLINE_MAX,
	       "guest_cmdline longer than the loader's limit");

static bool run_named(const struct boot_info *bi, const struct vmx_caps *caps,
		      const char *name, struct guest_tally *t)
{
	const struct builtin_guest *g = find_builtin(name);
	struct guest_load_params lp = { 0 };

	/*
	 * As QEMU's -kernel NAME -append CMDLINE: the guest's command line
	 * is "NAME CMDLINE" (kvm-unit-tests takes the first word as argv[0]),
	 * the module's string its ESP path (QEMU: the -initrd file name).
	 */
	lp.image_name = name;
	lp.cmdline = bi->cfg.guest_cmdline;
	if (bi->guest_module.data) {
		lp.module = bi->guest_module.data;
		lp.module_size = bi->guest_module.size;
		lp.module_name = bi->guest_module.name;
	}
	if (g) {
		lp.image = g->start;
		lp.image_size = (u64)(g->end - g->start);
		tally(t, run_one(bi, caps, g->private_mem, g->name, &lp,
				 g->expect));
		return true;
	}
	for (u32 i = 0; i < BOOT_MAX_IMAGES; i++) {
		const struct boot_blob *b = &bi->guest_images[i];

		if (!b->data || strcmp(b->name, name))
			continue;
		lp.image = b->data;
		lp.image_size = b->size;
		lp.flat_ok = true;
		tally(t, run_one(bi, caps, bi->cfg.private_memory, name, &lp,
				 VM_EXITED));
		return true;
	}
	return false;
}

/*
 * Runs every entry of the `guest` list in order.  The config parser has
 * already refused unknown names and the boot loaded every ESP path, so a
 * name found here in neither is a host bug in that hand-off: it is
 * reported and counted as not run.
 *
 * Return: the number of guests that failed or did not run.
 */
int guests_run_all(const struct boot_info *bi, const struct vmx_caps *caps)
{
	char list[CONFIG_STR_MAX], *p = list;
	struct guest_tally t = { 0 };

	fmt_snprintf(list, sizeof(list), "%s", bi->cfg.guest);
	while (p && *p) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (!strcmp(p, "tests")) {
			for (u32 i = 0; i < ARRAY_SIZE(builtins); i++)
				if (builtins[i].test)
					run_named(bi, caps, builtins[i].name,
						  &t);
		} else if (!run_named(bi, caps, p, &t)) {
			pr_err("guests: '%s' is neither a built-in guest nor a loaded image",
			       p);
			t.not_run++;
		}
		p = comma ? comma + 1 : NULL;
	}
	pr_info("guests: %d passed, %d failed, %d not run", t.passed, t.failed,
		t.not_run);
	return t.failed + t.not_run;
}
