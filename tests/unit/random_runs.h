/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loop both seeded random tests run (test_mmu_random.c over
 * tests/host/mmu_opseq.c, test_mirror_random.c over mirror_opseq.c):
 * d->runs runs of a driver, @total operations in all, run r seeded with
 * seed * 1000003 + r.  Each run is set up (its configuration printed),
 * stepped, checked over the whole universe and torn down; the first
 * divergence fails the test naming the seed, the run and the operation.
 * Include after <cmocka.h>.
 */
#ifndef TESTS_UNIT_RANDOM_RUNS_H
#define TESTS_UNIT_RANDOM_RUNS_H

#include <stdlib.h>
#include "model.h"

/* A driver as the loop calls it, on the run inside its state. */
struct random_driver {
	int runs;
	/* Set up run @n from @src and print its configuration; 0 or an MMU
	 * error. */
	int (*start)(struct opseq_run *run, struct opseq_src *src, int n);
	bool (*step)(struct opseq_run *run, struct opseq_src *src);
	bool (*check_all)(struct opseq_run *run);
	/* Optional: print and check what a run counted, before teardown. */
	void (*counted)(struct opseq_run *run);
	bool (*fini)(struct opseq_run *run);
};

/* The number in environment variable @name, or @def. */
static inline u64 random_env_u64(const char *name, u64 def)
{
	const char *v = getenv(name);

	return v ? strtoull(v, NULL, 0) : def;
}

/*
 * Run @d on @run (inside the driver's state, which every run reuses);
 * return the operations done, which the caller checks.
 */
static inline u64 random_runs(const struct random_driver *d,
			      struct opseq_run *run, u64 seed, u64 total)
{
	struct opseq_src src;
	u64 done = 0;
	int k;

	for (k = 0; k < d->runs; k++) {
		u64 i, n = total / d->runs + (k < (int)(total % d->runs));

		opseq_src_rng(&src, seed * 1000003ULL + (u64)k);
		assert_int_equal(d->start(run, &src, k), 0);
		for (i = 0; i < n; i++)
			if (!d->step(run, &src))
				fail_msg("seed %llu run %d op %llu (%s): %s",
					 seed, k, i, run->last_op, run->err);
		if (!d->check_all(run))
			fail_msg("seed %llu run %d final check: %s", seed, k,
				 run->err);
		if (d->counted)
			d->counted(run);
		done += run->nops;
		if (!d->fini(run))
			fail_msg("seed %llu run %d teardown: %s", seed, k,
				 run->err);
	}
	return done;
}

#endif /* TESTS_UNIT_RANDOM_RUNS_H */
