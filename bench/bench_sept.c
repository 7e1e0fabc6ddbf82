// SPDX-License-Identifier: GPL-2.0
/*
 * Private-memory benchmark (make bench): the mirror root + S-EPT backend.
 *
 *   bench_sept [-g GiB] [-o out.tsv] [-q]
 *
 * Rows (one thread, 4K faults, every 4 KiB page of GiB of memory):
 *   shared_populate_4k      shared GPAs: direct root only
 *   private_populate_4k     private GPAs: mirror root, each change frozen
 *                           and propagated (link_table, set_leaf)
 *   private_teardown        zap of the whole private range (block, track +
 *                           TLB flush, remove + zeroing, free_table)
 *   private_populate_busyN  private populate with N% injected -EBUSY on
 *                           every S-EPT op kind (N = 0, 1, 10, 30): fault
 *                           retries per fault, and the write-lock retries
 *                           of the teardown that follows
 * Columns: S-EPT operations of the phase by kind, and per GiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "errno_codes.h"
#include "mmu_fake.h"
#include "bench.h"

#define SHARED_BIT 39
#define SLOT_PFN 0x4000000ULL

struct row {
	char name[40];
	u64 faults;
	double ns; /* per fault (teardown: per page) */
	u64 retries; /* fault -EBUSY returns */
	struct sept_stats d; /* S-EPT counters of the phase */
};

static struct row rows[32];
static int nr_rows;
static u64 gib = 1;
static bool quiet;

struct vm {
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *direct, *mirror;
	struct tdp_mmu_cache cache;
	u64 npages;
};

static void vm_create(struct vm *vm, u32 busy_ppm, u64 npages)
{
	struct tdp_mmu_config cfg;
	int i;

	memset(vm, 0, sizeof(*vm));
	mmu_fake_init(&vm->f);
	vm->f.sched_yield = false;
	tdp_mmu_default_config(&cfg);
	cfg.max_level = TDP_LEVEL_4K; /* private memory is 4K: compare alike */
	cfg.trace_pages = 0;
	cfg.shared_bit = SHARED_BIT;
	cfg.sept.strict = true;
	for (i = 0; i < SEPT_OP_NR; i++)
		cfg.sept.busy_ppm[i] = busy_ppm;
	if (mmu_fake_vm_create_private(&vm->f, &vm->mmu, &cfg, &vm->direct,
				       &vm->mirror))
		abort();
	tdp_mmu_cache_init(&vm->cache, 0);
	vm->npages = npages;
	if (tdp_memslot_add(&vm->mmu, 0, 0, npages, SLOT_PFN, 0))
		abort();
}

static void vm_destroy(struct vm *vm)
{
	struct sept_stats st;

	tdp_mmu_get_sept_stats(&vm->mmu, &st);
	if (st.violations || tdp_mmu_check_mirror(&vm->mmu))
		fprintf(stderr, "bench_sept: mirror check failed\n");
	tdp_mmu_cache_free(&vm->mmu, &vm->cache);
	tdp_mmu_put_root(&vm->mmu, vm->mirror);
	mmu_fake_vm_destroy(&vm->f, &vm->mmu, vm->direct);
	if (mmu_fake_destroy(&vm->f))
		fprintf(stderr, "bench_sept: leaked pages\n");
}

static void sept_diff(struct vm *vm, const struct sept_stats *a,
		      struct sept_stats *d)
{
	struct sept_stats b;
	int i;

	tdp_mmu_get_sept_stats(&vm->mmu, &b);
	memset(d, 0, sizeof(*d));
	for (i = 0; i < SEPT_OP_NR; i++) {
		d->ops[i] = b.ops[i] - a->ops[i];
		d->busy[i] = b.busy[i] - a->busy[i];
	}
	d->zeroed_pages = b.zeroed_pages - a->zeroed_pages;
}

static struct row *populate(struct vm *vm, bool shared, const char *name)
{
	struct row *r = &rows[nr_rows++];
	struct sept_stats a;
	struct tdp_fault f;
	double t0;
	gfn_t g;
	int ret;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	tdp_mmu_get_sept_stats(&vm->mmu, &a);
	t0 = bench_now_ns();
	for (g = 0; g < vm->npages; g++) {
		f.gpa = (g | (shared ? 1ULL << (SHARED_BIT - 12) : 0))
			<< PAGE_SHIFT;
		f.access = TDP_ACC_R | TDP_ACC_W;
		while ((ret = tdp_mmu_page_fault(
				&vm->mmu, shared ? vm->direct : vm->mirror,
				&vm->cache, &f)) == -EBUSY)
			r->retries++;
		if (ret)
			abort();
		r->faults++;
	}
	r->ns = (bench_now_ns() - t0) / (double)r->faults;
	sept_diff(vm, &a, &r->d);
	return r;
}

static struct row *teardown(struct vm *vm, const char *name)
{
	struct row *r = &rows[nr_rows++];
	struct tdp_mmu_stats st0, st1;
	struct sept_stats a;
	double t0;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	tdp_mmu_get_sept_stats(&vm->mmu, &a);
	tdp_mmu_get_stats(&vm->mmu, &st0);
	t0 = bench_now_ns();
	tdp_mmu_zap_gfn_range(&vm->mmu, 0, vm->npages);
	tdp_mmu_reclaim(&vm->mmu);
	r->faults = vm->npages;
	r->ns = (bench_now_ns() - t0) / (double)vm->npages;
	sept_diff(vm, &a, &r->d);
	tdp_mmu_get_stats(&vm->mmu, &st1);
	if (st1.pages[1])
		fprintf(stderr, "bench_sept: %lld private pages left\n",
			(long long)st1.pages[1]);
	/* Write-lock retries are the injected busy the zap absorbed. */
	for (int i = 0; i < SEPT_OP_NR; i++)
		r->retries += r->d.busy[i];
	return r;
}

static void bench_populate(void)
{
	struct vm vm;

	vm_create(&vm, 0, gib << 18);
	if (tdp_mmu_convert(&vm.mmu, 0, vm.npages, false))
		abort();
	populate(&vm, true, "shared_populate_4k");
	vm_destroy(&vm);

	vm_create(&vm, 0, gib << 18);
	populate(&vm, false, "private_populate_4k");
	teardown(&vm, "private_teardown");
	vm_destroy(&vm);
}

static void bench_busy(void)
{
	static const struct {
		u32 ppm;
		const char *pop, *zap;
	} rates[] = {
		{ 0, "private_populate_busy0", "private_teardown_busy0" },
		{ 10000, "private_populate_busy1", "private_teardown_busy1" },
		{ 100000, "private_populate_busy10",
		  "private_teardown_busy10" },
		{ 300000, "private_populate_busy30",
		  "private_teardown_busy30" },
	};
	unsigned int i;
	struct vm vm;

	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		/* 256 MiB each: the rate, not the size, is the variable. */
		vm_create(&vm, rates[i].ppm, 1ULL << 16);
		populate(&vm, false, rates[i].pop);
		teardown(&vm, rates[i].zap);
		vm_destroy(&vm);
	}
}

static void print_rows(FILE *out)
{
	int i, k;

	fprintf(out,
		"name\tops\tns_per_op\tretries_per_op\tlink_table\tset_leaf\tblock\ttrack\tremove_leaf\tfree_table\tzeroed\tsept_ops_per_gib\n");
	for (i = 0; i < nr_rows; i++) {
		struct row *r = &rows[i];
		u64 total = 0;

		for (k = 0; k < SEPT_OP_NR; k++)
			total += r->d.ops[k];
		fprintf(out,
			"%s\t%llu\t%.1f\t%.4f\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%.0f\n",
			r->name, r->faults, r->ns,
			(double)r->retries / (double)r->faults,
			r->d.ops[SEPT_OP_LINK], r->d.ops[SEPT_OP_SET_LEAF],
			r->d.ops[SEPT_OP_BLOCK], r->d.ops[SEPT_OP_TRACK],
			r->d.ops[SEPT_OP_REMOVE], r->d.ops[SEPT_OP_FREE_TABLE],
			r->d.zeroed_pages,
			(double)total * 262144.0 / (double)r->faults);
	}
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	FILE *out;
	int c;

	while ((c = getopt(argc, argv, "g:o:q")) != -1) {
		switch (c) {
		case 'g':
			gib = strtoull(optarg, NULL, 0);
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-g GiB] [-o out.tsv] [-q]\n",
				argv[0]);
			return 2;
		}
	}
	if (!gib || gib > 16) {
		fprintf(stderr, "bench_sept: -g 1..16\n");
		return 2;
	}
	bench_populate();
	bench_busy();
	if (!quiet)
		print_rows(stdout);
	if (out_path) {
		out = fopen(out_path, "w");
		if (!out) {
			perror(out_path);
			return 1;
		}
		print_rows(out);
		fclose(out);
	}
	return 0;
}
