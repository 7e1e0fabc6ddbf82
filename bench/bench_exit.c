// SPDX-License-Identifier: GPL-2.0
/*
 * Exit-path benchmark of MMIO SPTEs.  Measures, on the host, the
 * software path from an EPT-misconfig exit to the device dispatch for an
 * MMIO-SPTE hit — the MMU's own entry point, tdp_mmu_handle_misconfig(),
 * with the per-vCPU caches (its MMIO cache, and the decoded-instruction
 * cache: re-fetch and compare the bytes) and without them (its walk to the
 * SPTE and classification, fetch 15 bytes, decode)
 * — against the same run's port-I/O exit path (decode the exit
 * qualification, dispatch the port).  The instruction fetch (paging off
 * here) is a cost of MMIO emulation that port I/O does not pay.  VMCS
 * reads/writes and the VM exit itself are common to both and not measured.
 *
 *   bench_exit time [ITERS]        ns per operation for each path
 *   bench_exit run PATH ITERS      run one path (for callgrind)
 *                                  PATH: mmio_cached mmio_walk pio
 *                                  xapic_eoi x2apic_eoi timer_roundtrip
 *
 * xapic_eoi is an EOI write to the LAPIC page through the MMIO-SPTE path
 * (cache hit, decoded instruction cached) onto the platform's bus;
 * x2apic_eoi the WRMSR of the x2APIC EOI MSR; timer_roundtrip arms the
 * x2APIC timer, lets it fire, takes the interrupt and EOIs it, all in the
 * emulated models.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errno_codes.h"
#include "guest_abi.h"
#include "hv/dev/platform.h"
#include "hv/emul/emul.h"
#include "mmu_fake.h"
#include "bench.h"

#define RAM_PAGES 16384ULL /* 64 MiB */
#define INSN_GPA 0x100000ULL
/* out dx, eax to COM1's scratch register: size 4, port 0x3ff */
#define PIO_QUAL ((u64)(COM1_PORT + 7) << 16 | 3)

struct bench_vcpu {
	struct tdp_mmu *mmu;
	struct tdp_mmu_page *root;
	struct testdev dev;
	struct mmio_bus bus; /* the test device alone */
	struct platform xapic, x2apic; /* LAPIC in each mode */
	struct mmio_bus xapic_bus;
	u64 now; /* the platforms' guest TSC */
	struct x86_gprs g;
	u8 *ram;
	u64 rip;
	struct tdp_mmu_vcpu mv; /* the vCPU's MMU state: the MMIO cache */
	struct mmio_insn_cache insn_cache;
	u64 sink;
};

/* Paging off: linear == physical, one page, as the handler's fetch. */
static size_t fetch(void *ctx, u8 *buf, size_t max)
{
	struct bench_vcpu *v = ctx;

	memcpy(buf, v->ram + v->rip, max);
	return max;
}

/* Full fetch and decode, no cache (the first access at a RIP). */
static int emulate(struct bench_vcpu *v, gpa_t gpa)
{
	struct mmio_emul e;
	u8 bytes[X86_MAX_INSN_LEN];

	fetch(v, bytes, X86_MAX_INSN_LEN);
	if (mmio_emulate(&v->bus, &v->g, bytes, X86_MAX_INSN_LEN, X86_MODE_32,
			 0x2, gpa, &e) != MMIO_EMUL_DONE)
		return -EIO;
	v->sink += e.insn.len;
	return 0;
}

/* Through the decoded-instruction cache (a repeated access). */
static int emulate_cached(struct bench_vcpu *v, const struct mmio_bus *bus,
			  gpa_t gpa)
{
	const struct x86_insn *insn;
	struct mmio_emul e;

	if (mmio_decode_cached(&v->insn_cache, v->rip, X86_MODE_32, fetch, v,
			       &insn) ||
	    mmio_perform(bus, &v->g, insn, 0x2, gpa, &e) != MMIO_EMUL_DONE)
		return -EIO;
	v->sink += insn->len;
	return 0;
}

int bench_path_mmio_cached(struct bench_vcpu *v, gpa_t gpa);
int bench_path_mmio_walk(struct bench_vcpu *v, gpa_t gpa);
int bench_path_pio(struct bench_vcpu *v, u64 qual);
int bench_path_xapic_eoi(struct bench_vcpu *v, gpa_t gpa);
int bench_path_x2apic_eoi(struct bench_vcpu *v, u64 msr);
int bench_path_timer_roundtrip(struct bench_vcpu *v);

#define X2APIC_EOI 0x80b
#define X2APIC_LVT_TIMER 0x832
#define X2APIC_TMICT 0x838
#define TIMER_VECTOR 0x40

/* The hypervisor's misconfiguration exit: the MMIO cache must hit, then
 * the cached instruction is performed on @bus. */
static inline int misconfig_hit(struct bench_vcpu *v,
				const struct mmio_bus *bus, gpa_t gpa)
{
	u64 hits = v->mv.mmio_fast_hits;
	struct tdp_fault f;

	if (tdp_mmu_handle_misconfig(v->mmu, &v->mv, gpa, NULL, &f) !=
		    TDP_MISCONFIG_EMULATE ||
	    v->mv.mmio_fast_hits == hits)
		return -EAGAIN;
	return emulate_cached(v, bus, gpa);
}

/* An EOI write to the LAPIC page, on the platform's bus. */
__attribute__((noinline)) int bench_path_xapic_eoi(struct bench_vcpu *v,
						   gpa_t gpa)
{
	return misconfig_hit(v, &v->xapic_bus, gpa);
}

/* The WRMSR exit: ECX, EDX:EAX, the platform's MSR map. */
__attribute__((noinline)) int bench_path_x2apic_eoi(struct bench_vcpu *v,
						    u64 msr)
{
	u64 val = (v->g.regs[X86_GPR_RDX] << 32) |
		  (v->g.regs[X86_GPR_RAX] & 0xffffffffULL);

	v->g.regs[X86_GPR_RCX] = msr;
	return platform_msr_write(&v->x2apic, (u32)v->g.regs[X86_GPR_RCX], val);
}

/* Arm a one-tick timer, let it fire, take the interrupt, EOI it. */
__attribute__((noinline)) int bench_path_timer_roundtrip(struct bench_vcpu *v)
{
	struct platform *p = &v->x2apic;

	if (platform_msr_write(p, X2APIC_TMICT, 1))
		return -EIO;
	v->now += 1000;
	platform_advance(p, v->now);
	if (platform_pending(p) != PLATFORM_EV_INTR ||
	    platform_ack_intr(p) != TIMER_VECTOR)
		return -EIO;
	return platform_msr_write(p, X2APIC_EOI, 0);
}

__attribute__((noinline)) int bench_path_mmio_cached(struct bench_vcpu *v,
						     gpa_t gpa)
{
	return misconfig_hit(v, &v->bus, gpa);
}

__attribute__((noinline)) int bench_path_mmio_walk(struct bench_vcpu *v,
						   gpa_t gpa)
{
	struct tdp_fault f;

	v->mv.mmio_gpa = INVALID_GPA; /* a cache miss: walk and classify */
	if (tdp_mmu_handle_misconfig(v->mmu, &v->mv, gpa, NULL, &f) !=
	    TDP_MISCONFIG_EMULATE)
		return -EAGAIN;
	return emulate(v, gpa);
}

/* The port-I/O exit: the qualification decoded, the platform's port map. */
__attribute__((noinline)) int bench_path_pio(struct bench_vcpu *v, u64 qual)
{
	unsigned int size = (qual & 7) + 1;
	u16 port = (u16)(qual >> 16);
	u64 mask = size == 4 ? 0xffffffffULL : size == 2 ? 0xffff : 0xff;
	u64 val = v->g.regs[X86_GPR_RAX] & mask;
	bool in = qual & 8;
	u8 byte;

	if (qual & 0x30)
		return -EOPNOTSUPP;
	if (platform_pio(&v->xapic, port, size, in, &val, &byte) ==
	    PLATFORM_IO_UNHANDLED)
		v->sink++;
	if (in)
		v->g.regs[X86_GPR_RAX] =
			size == 4 ? val
				  : (v->g.regs[X86_GPR_RAX] & ~mask) | val;
	return 0;
}

static int op_mmio_cached(struct bench_vcpu *v)
{
	return bench_path_mmio_cached(v, TESTDEV_GPA + TESTDEV_REG0);
}

static int op_mmio_walk(struct bench_vcpu *v)
{
	return bench_path_mmio_walk(v, TESTDEV_GPA + TESTDEV_REG0);
}

static int op_pio(struct bench_vcpu *v)
{
	return bench_path_pio(v, PIO_QUAL);
}

static int op_xapic_eoi(struct bench_vcpu *v)
{
	/* mov [edi], eax with EDI at the EOI register. */
	v->g.regs[X86_GPR_RDI] = LAPIC_DEFAULT_BASE + 0xb0;
	v->g.regs[X86_GPR_RAX] = 0;
	return bench_path_xapic_eoi(v, LAPIC_DEFAULT_BASE + 0xb0);
}

static int op_x2apic_eoi(struct bench_vcpu *v)
{
	v->g.regs[X86_GPR_RAX] = 0;
	v->g.regs[X86_GPR_RDX] = 0;
	return bench_path_x2apic_eoi(v, X2APIC_EOI);
}

static int op_timer_roundtrip(struct bench_vcpu *v)
{
	return bench_path_timer_roundtrip(v);
}

static int run(struct bench_vcpu *v, const char *path, long iters)
{
	int (*op)(struct bench_vcpu *) =
		!strcmp(path, "mmio_cached")	   ? op_mmio_cached
		: !strcmp(path, "mmio_walk")	   ? op_mmio_walk
		: !strcmp(path, "pio")		   ? op_pio
		: !strcmp(path, "xapic_eoi")	   ? op_xapic_eoi
		: !strcmp(path, "x2apic_eoi")	   ? op_x2apic_eoi
		: !strcmp(path, "timer_roundtrip") ? op_timer_roundtrip
						   : NULL;
	int r = 0;

	if (!op)
		return -EINVAL;
	for (long i = 0; i < iters && !r; i++) {
		v->g.regs[X86_GPR_RAX] = (u64)i;
		r = op(v);
	}
	v->g.regs[X86_GPR_RDI] = TESTDEV_GPA;
	return r;
}

static int setup(struct mmu_fake *f, struct tdp_mmu *mmu, struct bench_vcpu *v)
{
	struct tdp_mmu_config cfg;
	struct tdp_fault fault = { .gpa = TESTDEV_GPA, .access = TDP_ACC_R };
	int r;

	memset(v, 0, sizeof(*v));
	mmu_fake_init(f);
	tdp_mmu_default_config(&cfg);
	r = mmu_fake_vm_create(f, mmu, &cfg, &v->root);
	if (!r)
		r = tdp_memslot_add(mmu, 0, 0, RAM_PAGES, 0x100000, 0);
	if (r)
		return r;
	v->mmu = mmu;
	testdev_bus(&v->dev, &v->bus);
	v->ram = calloc(1, 2 * 1024 * 1024);
	if (!v->ram)
		return -ENOMEM;
	/* mov [edi], eax: the guest's MMIO store */
	memcpy(v->ram + INSN_GPA, "\x89\x07", 2);
	v->rip = INSN_GPA;
	v->g.regs[X86_GPR_RDI] = TESTDEV_GPA;
	tdp_mmu_vcpu_init(&v->mv, 0);
	tdp_mmu_vcpu_set_roots(&v->mv, v->root, NULL);
	r = tdp_mmu_handle_fault(mmu, &v->mv, TESTDEV_GPA,
				 TDP_ACC_W | TDP_ACC_R, &fault);
	if (r || fault.result != TDP_FAULT_MMIO)
		return r ? r : -EIO;
	/* The platforms: one LAPIC in xAPIC mode (its page has an MMIO
	 * SPTE), one in x2APIC mode with its timer aimed at a vector. */
	{
		struct platform_config pc = { .tsc_hz = 2000000000ULL,
					      .lapic_timer_hz = 25000000ULL,
					      .ram_size = RAM_PAGES << 12,
					      .nr_cpus = 1,
					      .maxphyaddr = 39 };
		struct tdp_fault lf = { .gpa = LAPIC_DEFAULT_BASE,
					.access = TDP_ACC_R };

		platform_init(&v->xapic, &pc, 0);
		platform_init(&v->x2apic, &pc, 0);
		platform_mmio_bus(&v->xapic, &v->xapic_bus);
		if (platform_msr_write(&v->x2apic, 0x1b,
				       LAPIC_DEFAULT_BASE | (3u << 10) |
					       (1u << 8)) ||
		    platform_msr_write(&v->x2apic, 0x80f, 0x1ff) ||
		    platform_msr_write(&v->x2apic, X2APIC_LVT_TIMER,
				       TIMER_VECTOR) ||
		    platform_msr_write(&v->x2apic, 0x83e, 0xb))
			return -EIO;
		r = tdp_mmu_handle_fault(mmu, &v->mv, LAPIC_DEFAULT_BASE,
					 TDP_ACC_R, &lf);
		if (r || lf.result != TDP_FAULT_MMIO)
			return r ? r : -EIO;
	}
	/* The first misconfiguration walks and fills the MMIO cache. */
	if (tdp_mmu_handle_misconfig(mmu, &v->mv, TESTDEV_GPA, NULL, &fault) !=
	    TDP_MISCONFIG_EMULATE)
		return -EIO;
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const paths[] = { "pio",	   "mmio_cached",
					     "mmio_walk",  "xapic_eoi",
					     "x2apic_eoi", "timer_roundtrip" };
	enum { NPATHS = sizeof(paths) / sizeof(paths[0]) };
	static struct mmu_fake f;
	static struct tdp_mmu mmu;
	struct bench_vcpu v;
	long iters = argc > 2 ? atol(argv[2]) : 2000000;
	double ns[NPATHS];
	int r = setup(&f, &mmu, &v);

	if (r) {
		fprintf(stderr, "bench_exit: set-up failed: %d\n", r);
		return 1;
	}
	if (argc > 3 && !strcmp(argv[1], "run")) {
		run(&v, argv[2], 1); /* fills the MMIO cache for the path */
		r = run(&v, argv[2], atol(argv[3]));
		printf("%s: %ld iterations, result %d\n", argv[2],
		       atol(argv[3]), r);
		return r ? 1 : 0;
	}
	for (int i = 0; i < NPATHS; i++) {
		double t0;

		run(&v, paths[i], iters / 10); /* warm up */
		t0 = bench_now_ns();
		r = run(&v, paths[i], iters);
		ns[i] = (bench_now_ns() - t0) / iters;
		if (r) {
			fprintf(stderr, "bench_exit: path %s failed: %d\n",
				paths[i], r);
			return 1;
		}
	}
	printf("path\tns_per_op\tratio_vs_pio\n");
	for (int i = 0; i < NPATHS; i++)
		printf("%s\t%.1f\t%.2f\n", paths[i], ns[i], ns[i] / ns[0]);
	tdp_mmu_vcpu_destroy(&mmu, &v.mv);
	mmu_fake_vm_destroy(&f, &mmu, v.root);
	mmu_fake_destroy(&f);
	free(v.ram);
	return 0;
}
