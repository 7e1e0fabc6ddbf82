/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thread harness of the concurrency tests (tests/conc/, ASan and TSan
 * builds).  A test describes its threads as roles: @nr threads running
 * one function, each with its own index.  conc_run() starts them all in
 * order, joins the threads with a fixed amount of work, then raises the
 * stop flag for the threads that run until it, and joins those.  Beside
 * it: the first error any thread reports, a per-thread PRNG, the current
 * direct root of a VM whose roots a control thread invalidates, a fault
 * that retries through it, and the totals the fake CPUs leave.
 *
 * No cmocka here: tests/host/ is linked into the fuzzers and benches too.
 */
#ifndef TESTS_HOST_CONC_H
#define TESTS_HOST_CONC_H

#include "mmu_fake.h"

/* What the threads of a concurrency test share besides the VM itself. */
struct conc_ctl {
	struct tdp_mmu *mmu;
	/* The current direct root (NULL if the test keeps its own); replaced
	 * by conc_get_direct() once invalidated; guarded by root_lock. */
	struct tdp_mmu_page *direct;
	pthread_mutex_t root_lock;
	int stop; /* raised by conc_run() (release); read by conc_stopped() */
	u64 errors; /* errors reported (atomic) */
	u64 retries; /* conc_fault() retries of -EBUSY / -EAGAIN (atomic) */
	u64 cpu_walks, cpu_hits, cpu_mapped; /* fake CPUs, at their end */
	char err[256]; /* the first error, by whoever counted it first */
};

/* A role: @nr threads running @fn(@arg, 0 .. nr - 1). */
struct conc_role {
	void (*fn)(void *arg, int idx);
	void *arg;
	int nr;
	bool until_stop; /* runs until conc_stopped(); else fixed work */
};

void conc_init(struct conc_ctl *ctl, struct tdp_mmu *mmu);
void conc_fini(struct conc_ctl *ctl);

/*
 * conc_run() - run the threads of @roles[0, nr): start them all in order,
 * join those with fixed work, raise ctl->stop, join the rest.
 * Return: 0, or the error of a failed pthread_create() (the threads
 * already started are joined first, as if all had started).
 */
int conc_run(struct conc_ctl *ctl, const struct conc_role *roles, int nr);
/* Whether conc_run() has raised the stop flag (acquire). */
bool conc_stopped(struct conc_ctl *ctl);

/* Count an error; the first one is kept in ctl->err. */
void conc_error(struct conc_ctl *ctl, const char *fmt, ...) __printf(2, 3);

/* xorshift64: one thread's choices, from its own seed. */
u64 conc_rnd(u64 *s);

/*
 * A reference to the current direct root, taken again first if it was
 * invalidated; the caller puts it.  Context: takes ctl->root_lock.
 */
struct tdp_mmu_page *conc_get_direct(struct conc_ctl *ctl);

/*
 * conc_fault() - fault @gpa in for @acc through @root, or (NULL) through
 * the current direct root, taken again whenever a fault returns -EAGAIN
 * on an invalidated one.  -EBUSY and -EAGAIN are retried, each retry
 * counted in ctl->retries; after 1000000 of them the fault is reported
 * as an error ("fault never completes").
 * Return: the last tdp_mmu_page_fault() result.
 */
int conc_fault(struct conc_ctl *ctl, struct tdp_mmu_page *root,
	       struct tdp_mmu_cache *cache, gpa_t gpa, u64 acc,
	       struct tdp_fault *f);

/* Add a fake CPU's totals: @walks walks, @mapped of them translated. */
void conc_cpu_done(struct conc_ctl *ctl, const struct mmu_fake_cpu *cpu,
		   u64 walks, u64 mapped);

#endif /* TESTS_HOST_CONC_H */
