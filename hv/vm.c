// SPDX-License-Identifier: GPL-2.0
/*
 * The VM object: create (RAM, memslots, TDP MMU, guest image, VMCS), the
 * guest-memory accessors, stop and warn, the console, the summary, and
 * destroy.  The run loop is in run.c.  The
 * TDP MMU reaches the machine through hv_mmu_ops (mmu_platform.c): the page
 * pool and INVEPT.
 */
#include "boot_info.h"
#include "console.h"
#include "fmt.h"
#include "hv/cpu.h"
#include "hv/load/guest_load.h"
#include "hv/pool.h"
#include "hv/vm.h"
#include "hv/vmx/check/vmentry_check.h"
#include "hv/vmx/vmx_caps.h"
#include "hv/vmx/vmx_ops.h"
#include "hv/vmx/spec_ctrl.h"
#include "hv/vmx/xsave.h"
#include "errno_codes.h"
#include "string_util.h"
#include "x86.h"

static u16 next_vpid = 1;

bool vm_gpa_is_ram(const struct vm *vm, gpa_t gpa, u64 len)
{
	return vm_gpa_to_hva(vm, gpa, len) != NULL;
}

/* Guest RAM at GPA 0 or a hot-added slot; NULL if [gpa, gpa+len) is not. */
void *vm_gpa_to_hva(const struct vm *vm, gpa_t gpa, u64 len)
{
	gpa &= ~vm->shared_mask; /* both aliases name the same RAM */
	if (gpa < vm->ram_size && len <= vm->ram_size - gpa)
		return vm->ram + gpa;
	for (int i = 0; i < VM_HOTPLUG_SLOTS; i++) {
		const struct vm_hotplug *h = &vm->hotplug[i];
		const struct tdp_memslot *s;

		if (!h->slot_id)
			continue;
		s = tdp_memslot_find_id(tdp_memslots_current(&vm->mmu),
					h->slot_id);
		if (!s)
			continue;
		u64 base = s->base_gfn << PAGE_SHIFT;

		if (gpa >= base && len <= h->size &&
		    gpa - base <= h->size - len)
			return (u8 *)h->mem + (gpa - base);
	}
	return NULL;
}

/**
 * vm_guest_buffer() - host pointer for a buffer a hypercall names by GPA.
 * @vm:  the VM.
 * @gpa: guest-physical address, shared bit included.
 * @len: bytes.
 *
 * The hypervisor follows the rules the EPT enforces on the guest: in a VM
 * with private memory a buffer is reached only through the side its GPA
 * names (shared bit set: shared, clear: private), and only where every
 * page of it is currently on that side.  The shared alias of a private
 * page, or the private GPA of a shared page, names no memory the guest
 * could touch, so it names none for a hypercall either.
 *
 * Context: the vCPU's run loop; takes the MMU read lock per page.
 * Return: the pointer, or NULL if [@gpa, @gpa + @len) is not guest RAM,
 * crosses the shared bit, or has a page on the other side.
 */
void *vm_guest_buffer(struct vm *vm, gpa_t gpa, u64 len)
{
	void *p = vm_gpa_to_hva(vm, gpa, len);
	bool want_private = !(gpa & vm->shared_mask);
	gpa_t start = gpa & ~vm->shared_mask;

	if (!p || !vm->private_mem || !len)
		return p;
	if (((gpa + len - 1) & vm->shared_mask) != (gpa & vm->shared_mask))
		return NULL;
	for (gfn_t gfn = start >> PAGE_SHIFT;
	     gfn <= (start + len - 1) >> PAGE_SHIFT; gfn++)
		if (tdp_mmu_gfn_is_private(&vm->mmu, gfn) != want_private)
			return NULL;
	return p;
}

/**
 * vm_warn() - a per-VM warning, rate-limited.
 * @vm:  the VM the warning is about ("vm NAME: " is prepended).
 * @fmt: printf format.
 *
 * The first VM_WARN_BURST warnings of a VM are printed; the next one
 * says that further warnings are suppressed, and the rest are only
 * counted (the summary prints the count), so a guest cannot flood the
 * host console with them.
 *
 * Context: the vCPU's run loop.
 */
void vm_warn(struct vm *vm, const char *fmt, ...)
{
	char msg[240];
	va_list ap;

	if (vm->warns_printed >= VM_WARN_BURST) {
		vm->warns_suppressed++;
		return;
	}
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_warn("vm %s: %s", vm->name, msg);
	if (++vm->warns_printed == VM_WARN_BURST)
		pr_warn("vm %s: %u warnings printed; further ones are suppressed and counted in the summary",
			vm->name, VM_WARN_BURST);
}

/**
 * vm_console_admit() - may @bytes more bytes of guest console output be
 * printed?
 * @vm:    the VM.
 * @bytes: bytes about to be printed (COM1 line or print hypercall text).
 *
 * Each VM may print con_limit bytes (the console_limit key; 0 = no
 * limit).  The first refusal prints one line saying so; refused bytes
 * are counted in con_dropped for the summary.
 *
 * Context: the vCPU's run loop.
 * Return: true if the output may be printed (and is counted).
 */
bool vm_console_admit(struct vm *vm, u64 bytes)
{
	if (!vm->con_limit || vm->con_bytes + bytes <= vm->con_limit) {
		vm->con_bytes += bytes;
		return true;
	}
	vm->con_dropped += bytes;
	if (!vm->con_limit_said) {
		vm->con_limit_said = true;
		pr_warn("vm %s: console output limit of %llu bytes reached; further output from this guest is dropped and counted in the summary",
			vm->name, vm->con_limit);
	}
	return false;
}

void vm_stop(struct vm *vm, enum vm_outcome why, const char *fmt, ...)
{
	va_list ap;

	if (vm->outcome != VM_RUNNING)
		return;
	vm->outcome = why;
	va_start(ap, fmt);
	fmt_vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
}

const char *vm_outcome_name(enum vm_outcome o)
{
	static const char *const names[] = {
		[VM_RUNNING] = "running",
		[VM_EXITED] = "exited",
		[VM_HALTED] = "halted",
		[VM_TRIPLE_FAULT] = "triple fault",
		[VM_ENTRY_FAILED] = "VM entry failed",
		[VM_TIMEOUT] = "run-time limit",
		[VM_GUEST_ERROR] = "guest error",
		[VM_HV_ERROR] = "hypervisor error",
		[VM_STOPPED] = "stopped from the console",
		[VM_RESET] = "reset requested",
		[VM_POWEROFF] = "powered off",
	};

	return o < ARRAY_SIZE(names) ? names[o] : "?";
}

static void zero_ram(u8 *p, u64 bytes)
{
	u64 n = bytes / 8;

	asm volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(0ULL) : "memory");
}

/*
 * The shared bit of private-memory VMs: tdpvisor.cfg's shared_bit, or the
 * CPU's MAXPHYADDR - 1 (TDX uses GPA width - 1).  It must be below
 * MAXPHYADDR so the CPU accepts it in EPT and guest page tables.
 */
unsigned int vm_shared_bit(const struct boot_info *bi)
{
	unsigned int maxphy = cpu_phys_addr_bits();

	if (bi->cfg.shared_bit)
		return bi->cfg.shared_bit;
	return MIN(maxphy, 48u) - 1;
}

/*
 * Refreshes the EPTP from the MMU's hardware view.  Private-memory VMs run
 * without EPT accessed/dirty flags: the CPU would set them in the S-EPT
 * and in the hardware view's copied top-level entries, which then no
 * longer equal their sources (TDX's secure EPT is not A/D-tracked either);
 * aging and D-bit dirty logging are for direct-only VMs.
 */
static void load_eptp(struct vm *vm, bool write_vmcs)
{
	vm->eptp = tdp_mmu_hw_eptp(&vm->mmu);
	if (!vm->caps->ept_ad || vm->private_mem)
		vm->eptp &= ~EPTP_AD_ENABLE;
	if (write_vmcs)
		vmcs_write64(VMCS_EPT_POINTER, vm->eptp);
}

static int create_mmu(struct vm *vm)
{
	struct tdp_mmu_config cfg;
	unsigned int bit = vm_shared_bit(vm->bi);
	int r;

	tdp_mmu_default_config(&cfg);
	cfg.initial_generation = vm->bi->cfg.mmio_gen_start;
	if (vm->private_mem) {
		if (bit >= cpu_phys_addr_bits()) {
			pr_err("vm %s: shared_bit %u is not below the CPU's MAXPHYADDR (%u)",
			       vm->name, bit, cpu_phys_addr_bits());
			return -EINVAL;
		}
		cfg.shared_bit = (u8)bit;
		vm->shared_mask = 1ULL << bit;
		cfg.sept.strict = true;
		for (int op = 0; op < SEPT_OP_NR; op++)
			cfg.sept.busy_ppm[op] =
				vm->bi->cfg.sept_busy_percent * 10000;
	}
	if (!vm->caps->ept_1g)
		cfg.max_level = MIN(cfg.max_level, 2);
	if (!vm->caps->ept_2m)
		cfg.max_level = 1;
	r = tdp_mmu_init(&vm->mmu, &hv_mmu_ops, vm, &cfg);
	if (r)
		return r;
	r = tdp_memslot_add(&vm->mmu, 0, 0, vm->ram_size >> PAGE_SHIFT,
			    (u64)(uintptr_t)vm->ram >> PAGE_SHIFT, 0);
	if (!r)
		r = tdp_mmu_get_root(&vm->mmu, TDP_ROOT_DIRECT, &vm->root);
	if (!r && vm->private_mem)
		r = tdp_mmu_get_root(&vm->mmu, TDP_ROOT_MIRROR, &vm->mirror);
	if (r)
		return r;
	load_eptp(vm, false);
	if (vm->private_mem)
		pr_info("vm %s: private memory: shared bit %u; private GPAs map through the mirror root and the S-EPT, shared ones (bit set) through the direct root",
			vm->name, bit);
	tdp_mmu_vcpu_init(&vm->vcpu.mmu, 0);
	tdp_mmu_vcpu_set_roots(&vm->vcpu.mmu, vm->root, vm->mirror);
	return 0;
}

/* Sakamoto's day of the week, 1 = Sunday as the RTC counts. */
static u8 weekday(u16 y, u8 m, u8 d)
{
	static const u8 t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y--;
	return (u8)((y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7 + 1);
}

/*
 * The VM's PC platform.  The guest TSC runs at the host's rate; the LAPIC
 * timer's input clock is a 25 MHz crystal (CPUID leaf 0x15 says so), or
 * the TSC itself on a host whose TSC is slower than that.  The RTC starts
 * at the firmware's time, or 2000-01-01 00:00:00 if it had none.
 */
static void create_platform(struct vm *vm)
{
	struct platform_config c = {
		.tsc_hz = vm_tsc_hz(),
		.ram_size = vm->ram_size,
		.nr_cpus = 1,
		.maxphyaddr = cpu_phys_addr_bits(),
	};

	const struct boot_time *t = &vm->bi->time;

	c.lapic_timer_hz = MIN(c.tsc_hz, VM_CRYSTAL_HZ);
	c.time = (struct rtc_time){ .year = 2000, .mon = 1, .mday = 1 };
	if (t->valid)
		c.time = (struct rtc_time){ .year = t->year,
					    .mon = t->month,
					    .mday = t->day,
					    .hour = t->hour,
					    .min = t->minute,
					    .sec = t->second };
	c.time.wday = weekday(c.time.year, c.time.mon, c.time.mday);
	platform_init(&vm->plat, &c, vm_guest_tsc(vm));
	platform_mmio_bus(&vm->plat, &vm->mmio_bus);
}

/**
 * vm_create() - a fresh VM for one guest run.
 * Return: 0; -ENOMEM (pool exhausted); -ENODEV/-EIO (VMX set-up).
 */
int vm_create(struct vm *vm, const char *name, const struct boot_info *bi,
	      const struct vmx_caps *caps, bool private_mem)
{
	int r;

	memset(vm, 0, sizeof(*vm));
	fmt_snprintf(vm->name, sizeof(vm->name), "%s", name);
	vm->bi = bi;
	vm->caps = caps;
	vm->ram = (u8 *)(uintptr_t)bi->guest_ram_base;
	vm->ram_size = bi->guest_ram_size;
	vm->vpid = next_vpid++;
	if (!next_vpid)
		next_vpid = 1;
	vm->run_limit_ms = bi->cfg.run_limit_ms;
	vm->con_limit = bi->cfg.console_limit;
	vm->vmentry_check = bi->cfg.vmentry_check;
	vm->private_mem = private_mem;
	/* As firmware leaves them: MTRRs on with WB as the default type;
	 * fast strings on, BTS and PEBS unavailable (no DS area). */
	vm->mtrr_def_type = 0x806;
	vm->misc_enable = BIT_ULL(0) | BIT_ULL(11) | BIT_ULL(12);
	zero_ram(vm->ram, vm->ram_size);
	xsave_reset_vcpu_state(vm);
	spec_reset_vcpu(vm);
	create_platform(vm);
	r = create_mmu(vm);
	if (r) {
		pr_err("vm %s: TDP MMU set-up failed: %s", name, errno_name(r));
		return r;
	}
	return 0;
}

/* The guest TSC's frequency: the host's, as calibrated at boot. */
u64 vm_tsc_hz(void)
{
	return console_tsc_khz() * 1000;
}

/* The guest TSC: the host's, plus what the guest wrote to IA32_TSC. */
u64 vm_guest_tsc(const struct vm *vm)
{
	return rdtsc() + (u64)vm->tsc_offset;
}

/* Loads the image and fills the VMCS; the VM is ready for vm_run(). */
int vm_load(struct vm *vm, const struct guest_load_params *p)
{
	struct guest_load_result res;
	struct guest_load_params lp = *p;
	int r;

	lp.ram = vm->ram;
	lp.ram_size = vm->ram_size;
	r = guest_load(&lp, &res);
	if (r) {
		pr_err("vm %s: guest image rejected: %s", vm->name, res.error);
		return r;
	}
	pr_info("vm %s: %s image, %llu KiB at 0x%llx-0x%llx, entry 0x%x",
		vm->name, guest_image_kind_name(res.kind),
		(p->image_size >> 10), res.load_start, res.load_end, res.entry);
	return vmcs_setup(vm, res.entry, res.eax, res.ebx);
}

/* A root was invalidated (e.g. zap of all roots): take fresh ones. */
void vm_reload_roots(struct vm *vm)
{
	struct tdp_mmu_page **slot[2] = { &vm->root, &vm->mirror };
	enum tdp_root_role role[2] = { TDP_ROOT_DIRECT, TDP_ROOT_MIRROR };

	for (int i = 0; i < 2; i++) {
		struct tdp_mmu_page *root;

		if (!*slot[i] || tdp_mmu_root_is_valid(*slot[i]))
			continue;
		if (tdp_mmu_get_root(&vm->mmu, role[i], &root)) {
			vm_stop(vm, VM_HV_ERROR,
				"no memory for a new EPT root");
			return;
		}
		tdp_mmu_put_root(&vm->mmu, *slot[i]);
		*slot[i] = root;
	}
	tdp_mmu_vcpu_set_roots(&vm->vcpu.mmu, vm->root, vm->mirror);
	load_eptp(vm, true);
}

static void print_exits(struct vm *vm)
{
	char line[200];
	size_t n = 0;

	for (u32 i = 0; i <= EXIT_REASON_MAX; i++) {
		if (!vm->stats.exits[i])
			continue;
		n += (size_t)fmt_snprintf(
			line + n, sizeof(line) - n, "%s%s(%u)=%llu",
			n ? " " : "",
			i < EXIT_REASON_MAX ? exit_reason_name(i) : "unknown",
			i, vm->stats.exits[i]);
		if (n > 120) {
			pr_info("  exits: %s", line);
			n = 0;
		}
	}
	if (n)
		pr_info("  exits: %s", line);
}

/* The interrupt summary: what was injected, how, and the devices. */
static void print_events(struct vm *vm)
{
	const struct vm_stats *st = &vm->stats;
	const struct platform_stats *ps = &vm->plat.stats;
	char cls[160], exc[160];
	size_t n = 0, m = 0;

	cls[0] = exc[0] = '\0';
	for (int i = 0; i < 16; i++)
		if (st->intr_injected[i])
			n += (size_t)fmt_snprintf(cls + n, sizeof(cls) - n,
						  " 0x%x0-0x%xf=%llu", i, i,
						  st->intr_injected[i]);
	for (int i = 0; i < 32; i++)
		if (st->exc_injected[i])
			m += (size_t)fmt_snprintf(exc + m, sizeof(exc) - m,
						  " %d=%llu", i,
						  st->exc_injected[i]);
	pr_info("  events: interrupts by vector class:%s; nmi=%llu; exceptions by vector:%s; re-injected=%llu; window exits interrupt=%llu nmi=%llu; hlt sleeps=%llu wake-ups=%llu",
		n ? cls : " none", st->nmi_injected, m ? exc : " none",
		st->reinjected, st->exits[EXIT_REASON_INTERRUPT_WINDOW],
		st->exits[EXIT_REASON_NMI_WINDOW], st->hlt_sleeps,
		st->hlt_wakeups);
	pr_info("  platform: lapic mmio (EPT misconfig)=%llu x2apic msr=%llu cr8=%llu ioapic mmio=%llu; timer fires lapic=%llu pit=%llu (coalesced %llu) rtc irqs=%llu; com1 rx=%llu dropped=%llu; ipis=%llu; msrs refused=%llu; xsetbv=%llu refused=%llu",
		ps->lapic_mmio, ps->x2apic_msr, ps->cr8_accesses,
		ps->ioapic_mmio, ps->lapic_timer_fires, ps->pit_ticks,
		ps->pit_ticks_coalesced, ps->rtc_irqs, ps->uart_rx,
		ps->uart_rx_dropped, ps->ipis, st->msr_refused, st->xsetbv,
		st->xsetbv_refused);
}

static void print_sept_summary(struct vm *vm)
{
	struct sept_stats s;
	u64 busy = 0;

	tdp_mmu_get_sept_stats(&vm->mmu, &s);
	for (int op = 0; op < SEPT_OP_NR; op++)
		busy += s.busy[op];
	pr_info("  private: faults private=%llu shared=%llu wrong-side=%llu; map_gpa calls=%llu pages=%llu",
		vm->stats.private_faults, vm->stats.shared_faults,
		vm->stats.wrong_side_faults, vm->stats.conversions,
		vm->stats.converted_pages);
	pr_info("  s-ept ops: link=%llu set_leaf=%llu block=%llu track=%llu remove=%llu free_table=%llu; injected busy=%llu, rule violations=%llu, zeroed pages=%llu, mapped now=%llu",
		s.ops[SEPT_OP_LINK], s.ops[SEPT_OP_SET_LEAF],
		s.ops[SEPT_OP_BLOCK], s.ops[SEPT_OP_TRACK],
		s.ops[SEPT_OP_REMOVE], s.ops[SEPT_OP_FREE_TABLE], busy,
		s.violations, s.zeroed_pages, s.mapped_pages);
	if (s.violations)
		panic("vm %s: the MMU broke %llu S-EPT rules", vm->name,
		      s.violations);
	if (tdp_mmu_check_mirror(&vm->mmu))
		panic("vm %s: mirror root and S-EPT disagree", vm->name);
	pr_info("  mirror == S-EPT: ok");
}

void vm_print_summary(struct vm *vm)
{
	struct tdp_mmu_stats st;
	struct tdp_mmu_check chk;
	int r;

	tdp_mmu_get_stats(&vm->mmu, &st);
	pr_info("vm %s: summary: outcome %s (%s)", vm->name,
		vm_outcome_name(vm->outcome), vm->stop_reason);
	print_exits(vm);
	print_events(vm);
	pr_info("  ept: faults=%llu retries=%llu pages_4k=%lld pages_2m=%lld pages_1g=%lld tlb_flushes=%llu",
		vm->stats.ept_faults, vm->stats.ept_retries,
		(long long)st.pages[1], (long long)st.pages[2],
		(long long)st.pages[3], vm->mmu.tlb_flushes);
	pr_info("  mmio: spte_installed=%llu emulated=%llu fast_hits=%llu walks=%llu decode_cache_hits=%llu generation=%llu (MMIO SPTE generation %llu)",
		vm->stats.mmio_installed, vm->stats.mmio_emulated,
		vm->vcpu.mmu.mmio_fast_hits, vm->vcpu.mmu.mmio_walks,
		vm->vcpu.insn_cache.hits,
		(tdp_memslot_generation(&vm->mmu) &
		 ~TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS),
		tdp_memslots_mmio_gen(tdp_memslot_generation(&vm->mmu)));
	pr_info("  hypercalls=%llu errors=%llu reports: %u pass, %u fail; #GP injected=%llu #UD injected=%llu unhandled ports=%llu",
		vm->stats.hypercalls, vm->stats.hypercall_errors,
		vm->reports_pass, vm->reports_fail, vm->stats.msr_gp_injected,
		vm->stats.ud_injected, vm->stats.io_unhandled);
	pr_info("  console: printed=%llu bytes dropped=%llu (limit %llu, 0 = none); warnings printed=%u suppressed=%llu",
		vm->con_bytes, vm->con_dropped, vm->con_limit,
		vm->warns_printed, vm->warns_suppressed);
	if (vm->private_mem)
		print_sept_summary(vm);
	r = tdp_mmu_check_invariants(&vm->mmu, &chk);
	if ((r || chk.errors) && vm->outcome == VM_HV_ERROR) {
		/* This VM already stopped for a hypervisor bug (e.g. an EPT
		 * misconfiguration on a non-MMIO SPTE): report, don't panic,
		 * so the run goes on with the next guest. */
		pr_err("  mmu invariants: %d errors (this VM stopped for the hypervisor error above)",
		       chk.errors);
		return;
	}
	if (r || chk.errors)
		panic("vm %s: TDP MMU invariants broken (%d errors)", vm->name,
		      chk.errors);
	pr_info("  mmu invariants: ok (%llu tables, %llu MMIO SPTEs)",
		chk.tables, chk.mmio);
}

void vm_destroy(struct vm *vm)
{
	for (int i = 0; i < VM_HOTPLUG_SLOTS; i++)
		if (vm->hotplug[i].slot_id)
			pool_free_pages(vm->hotplug[i].mem,
					vm->hotplug[i].size >> PAGE_SHIFT);
	tdp_mmu_vcpu_destroy(&vm->mmu, &vm->vcpu.mmu);
	if (vm->mirror)
		tdp_mmu_put_root(&vm->mmu, vm->mirror);
	if (vm->root)
		tdp_mmu_put_root(&vm->mmu, vm->root);
	tdp_mmu_destroy(&vm->mmu);
	if (vm->vcpu.vmcs) {
		if (vmclear_pa((u64)(uintptr_t)vm->vcpu.vmcs))
			pr_warn("vm %s: VMCLEAR at teardown failed", vm->name);
		pool_free_pages(vm->vcpu.vmcs, 1);
	}
}

void vm_console_flush(struct vm *vm)
{
	if (!vm->con_len)
		return;
	vm->con_line[vm->con_len] = '\0';
	if (vm_console_admit(vm, vm->con_len + 1))
		pr_info("[guest %s] %s", vm->name, vm->con_line);
	vm->con_len = 0;
}
