// SPDX-License-Identifier: GPL-2.0
/*
 * TDP MMU benchmark (make bench -> scripts/bench.sh).
 *
 *   bench_mmu [-g GiB] [-o out.tsv] [-q]
 *
 * Populates GiB of guest memory at 4K, 2M and 1G from 1 thread, 2 threads
 * on partitioned halves and 2 threads on the same (overlapping) range;
 * zaps it; enables dirty logging and clears the dirty log.  Measures, in
 * the same run, the floor: one 8-byte SPTE store and one uncontended
 * compare-exchange.  Each phase is bracketed by callgrind client requests
 * (zero the counters, dump them), so under valgrind --tool=callgrind every
 * phase's instruction count lands in its own dump (scripts/bench.sh).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(x) ((void)(x))
#define RUNNING_ON_VALGRIND 0
#endif
#include "errno_codes.h"
#include "mmu_fake.h"
#include "bench.h"

#define SLOT_PFN 0x4000000ULL /* 1G-aligned host pfn */
#define FLOOR_OPS 10000000ULL

struct result {
	char name[48];
	u64 ops;
	double ns; /* wall ns per op (for threads: wall / total ops) */
	u64 retries; /* -EBUSY returns + lost cmpxchg */
	u64 flushes;
	u64 pt_bytes;
	double theory; /* theoretical page-table bytes for the range */
};

static struct result results[64];
static int nr_results;
static u64 gib = 1;
static bool quiet;

/* Under callgrind: counters zeroed at a phase's start, dumped at its end. */
static void phase_begin(void)
{
	CALLGRIND_ZERO_STATS;
}

static void phase_end(const char *name)
{
	CALLGRIND_DUMP_STATS_AT(name);
}

static struct result *new_result(const char *name)
{
	struct result *r = &results[nr_results++];

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

/* --- floor --- */

static u64 floor_table[512] __attribute__((aligned(4096)));

static void bench_floor(void)
{
	struct result *r;
	double t0;
	u64 i, old;

	r = new_result("floor_spte_store");
	phase_begin();
	t0 = bench_now_ns();
	for (i = 0; i < FLOOR_OPS; i++)
		__atomic_store_n(&floor_table[i & 511], i, __ATOMIC_RELAXED);
	r->ns = (bench_now_ns() - t0) / FLOOR_OPS;
	phase_end(r->name);
	r->ops = FLOOR_OPS;

	r = new_result("floor_cmpxchg");
	phase_begin();
	t0 = bench_now_ns();
	for (i = 0; i < FLOOR_OPS; i++) {
		old = floor_table[i & 511];
		__atomic_compare_exchange_n(&floor_table[i & 511], &old,
					    old + 1, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_RELAXED);
	}
	r->ns = (bench_now_ns() - t0) / FLOOR_OPS;
	phase_end(r->name);
	r->ops = FLOOR_OPS;
}

/* --- populate --- */

struct vm {
	struct mmu_fake f;
	struct tdp_mmu mmu;
	struct tdp_mmu_page *root;
	u64 npages;
};

struct worker {
	struct vm *vm;
	gfn_t start, end;
	u64 step;
	unsigned int shard;
	u64 faults, busy;
	pthread_barrier_t *bar;
};

static void vm_create(struct vm *vm, int max_level)
{
	struct tdp_mmu_config cfg;

	memset(vm, 0, sizeof(*vm));
	mmu_fake_init(&vm->f);
	vm->f.sched_yield = false;
	tdp_mmu_default_config(&cfg);
	cfg.max_level = max_level;
	cfg.trace_pages = 0; /* the trace ring is a debug aid: off here */
	if (mmu_fake_vm_create(&vm->f, &vm->mmu, &cfg, &vm->root))
		abort();
	vm->npages = gib << 18;
	if (tdp_memslot_add(&vm->mmu, 0, 0x40000, vm->npages, SLOT_PFN, 0))
		abort();
}

static void vm_destroy(struct vm *vm)
{
	mmu_fake_vm_destroy(&vm->f, &vm->mmu, vm->root);
	if (mmu_fake_destroy(&vm->f))
		fprintf(stderr, "bench: leaked pages\n");
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct tdp_mmu_cache cache;
	struct tdp_fault f;
	gfn_t g;
	int r;

	tdp_mmu_cache_init(&cache, w->shard);
	if (w->bar)
		pthread_barrier_wait(w->bar);
	for (g = w->start; g < w->end; g += w->step) {
		f.gpa = g << PAGE_SHIFT;
		f.access = TDP_ACC_R | TDP_ACC_W;
		while ((r = tdp_mmu_page_fault(&w->vm->mmu, w->vm->root, &cache,
					       &f)) == -EBUSY)
			w->busy++;
		if (r)
			abort();
		w->faults++;
	}
	tdp_mmu_cache_free(&w->vm->mmu, &cache);
	return NULL;
}

static const double theory_per_gib[] = { 0, 2101256.0, 4104.0, 8.0 };

static void do_zap(struct vm *vm)
{
	tdp_mmu_zap_gfn_range(&vm->mmu, 0x40000, 0x40000 + vm->npages);
	tdp_mmu_reclaim(&vm->mmu);
}

static double populate_once(struct vm *vm, struct worker *w, int threads,
			    bool overlap, u64 step, const char *name)
{
	u64 half = vm->npages / 2;
	pthread_barrier_t bar;
	pthread_t th[2];
	double t0;
	int i;

	pthread_barrier_init(&bar, NULL, (unsigned int)threads + 1);
	for (i = 0; i < threads; i++) {
		w[i] = (struct worker){ .vm = vm,
					.step = step,
					.shard = (unsigned int)i + 1,
					.bar = &bar };
		w[i].start = 0x40000 + (overlap || threads == 1 ? 0 : i * half);
		w[i].end = w[i].start +
			   (overlap || threads == 1 ? vm->npages : half);
		if (threads > 1 && !overlap &&
		    half < step) /* 1G, 1 GiB: split 1 */
			w[i].end = w[i].start + (i ? 0 : vm->npages);
		pthread_create(&th[i], NULL, worker_main, &w[i]);
	}
	phase_begin();
	t0 = bench_now_ns();
	pthread_barrier_wait(&bar);
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	t0 = bench_now_ns() - t0;
	CALLGRIND_DUMP_STATS_AT(name);
	pthread_barrier_destroy(&bar);
	return t0;
}

/* Best of REPS runs (the host is shared and noisy); zapped in between. */
#define REPS 3

static void bench_populate(struct vm *vm, int level, int threads, bool overlap,
			   const char *name)
{
	struct worker w[2];
	struct tdp_mmu_stats st;
	struct result *r = new_result(name);
	u64 step = tdp_pages_per_level(level);
	double t, best = 0;
	int i, rep, reps = RUNNING_ON_VALGRIND ? 1 : REPS;

	for (rep = 0; rep < reps; rep++) {
		if (rep)
			do_zap(vm);
		t = populate_once(vm, w, threads, overlap, step, name);
		if (!rep || t < best)
			best = t;
	}
	for (i = 0; i < threads; i++) {
		r->ops += w[i].faults;
		r->retries += w[i].busy;
	}
	tdp_mmu_get_stats(&vm->mmu, &st);
	r->retries += st.cmpxchg_failed;
	r->ns = best / (double)r->ops;
	r->pt_bytes = (u64)vm->mmu.nr_tables * PAGE_SIZE;
	r->theory = theory_per_gib[level] * (double)gib;
	r->flushes = vm->mmu.tlb_flushes;
}

static void bench_timed(struct vm *vm, const char *name, u64 ops,
			void (*fn)(struct vm *vm))
{
	struct result *r = new_result(name);
	u64 fl = vm->mmu.tlb_flushes;
	double t0;

	phase_begin();
	t0 = bench_now_ns();
	fn(vm);
	r->ns = (bench_now_ns() - t0) / (double)ops;
	phase_end(name);
	r->ops = ops;
	r->flushes = vm->mmu.tlb_flushes - fl;
}

static void do_dirty_on(struct vm *vm)
{
	if (tdp_memslot_set_flags(&vm->mmu, 0, TDP_MEMSLOT_LOG_DIRTY))
		abort();
}

static u64 *dirty_bitmap;

static void do_dirty_clear(struct vm *vm)
{
	if (tdp_mmu_get_dirty_log(&vm->mmu, 0, dirty_bitmap, vm->npages / 64))
		abort();
}

static void do_dirty_off(struct vm *vm)
{
	if (tdp_memslot_set_flags(&vm->mmu, 0, 0))
		abort();
}

static void dirty_all(struct vm *vm)
{
	struct worker w = { .vm = vm,
			    .start = 0x40000,
			    .end = 0x40000 + vm->npages,
			    .step = 1 };

	worker_main(&w);
}

static void bench_level(int level)
{
	static const char *const sz[] = { "", "4k", "2m", "1g" };
	u64 pages_per = tdp_pages_per_level(level);
	char name[48];
	struct vm vm;

	vm_create(&vm, level);
	snprintf(name, sizeof(name), "populate_%s_1t", sz[level]);
	bench_populate(&vm, level, 1, false, name);
	snprintf(name, sizeof(name), "zap_%s", sz[level]);
	bench_timed(&vm, name, vm.npages / pages_per, do_zap);
	snprintf(name, sizeof(name), "populate_%s_2t_part", sz[level]);
	bench_populate(&vm, level, 2, false, name);
	do_zap(&vm);
	snprintf(name, sizeof(name), "populate_%s_2t_overlap", sz[level]);
	bench_populate(&vm, level, 2, true, name);
	snprintf(name, sizeof(name), "dirty_enable_%s", sz[level]);
	bench_timed(&vm, name, vm.npages / pages_per, do_dirty_on);
	dirty_all(&vm);
	snprintf(name, sizeof(name), "dirty_clear_%s", sz[level]);
	bench_timed(&vm, name, vm.npages, do_dirty_clear);
	snprintf(name, sizeof(name), "dirty_disable_%s", sz[level]);
	bench_timed(&vm, name, vm.npages / pages_per, do_dirty_off);
	vm_destroy(&vm);
}

static void print_results(FILE *out)
{
	double cmpxchg = 0;
	int i;

	for (i = 0; i < nr_results; i++)
		if (!strcmp(results[i].name, "floor_cmpxchg"))
			cmpxchg = results[i].ns;
	fprintf(out,
		"name\tops\tns_per_op\tx_cmpxchg_floor\tretries\ttlb_flushes\tpt_bytes_per_gib\tx_theory\n");
	for (i = 0; i < nr_results; i++) {
		struct result *r = &results[i];

		fprintf(out, "%s\t%llu\t%.2f\t%.2f\t%llu\t%llu\t%.0f\t%.4f\n",
			r->name, r->ops, r->ns, cmpxchg ? r->ns / cmpxchg : 0,
			r->retries, r->flushes,
			(double)r->pt_bytes / (double)gib,
			r->theory ? (double)r->pt_bytes / r->theory : 0);
	}
}

int main(int argc, char **argv)
{
	const char *out = NULL, *env = getenv("MMU_BENCH_GIB");
	int opt, l;
	FILE *f;

	if (env)
		gib = strtoull(env, NULL, 0);
	while ((opt = getopt(argc, argv, "g:o:q")) != -1) {
		if (opt == 'g')
			gib = strtoull(optarg, NULL, 0);
		else if (opt == 'o')
			out = optarg;
		else if (opt == 'q')
			quiet = true;
	}
	if (!gib)
		gib = 1;
	dirty_bitmap = calloc((gib << 18) / 64, 8);
	bench_floor();
	for (l = TDP_LEVEL_4K; l <= TDP_LEVEL_1G; l++)
		bench_level(l);
	if (!quiet)
		print_results(stdout);
	if (out) {
		f = fopen(out, "w");
		if (!f)
			return 1;
		print_results(f);
		fclose(f);
	}
	free(dirty_bitmap);
	return 0;
}
