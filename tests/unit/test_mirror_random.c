// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded randomized operation sequences for private memory
 * (tests/host/mirror_opseq.c): >= 100,000 operations in the default run
 * over several configurations (shared bit, largest leaf, yield policy,
 * generation), the S-EPT backend in strict mode with 10% injected -EBUSY
 * on every operation kind; after every step model == mirror/direct ==
 * S-EPT == the CPU's walk of tdp_mmu_hw_eptp() over the touched range,
 * and every 256 steps over everything (tdp_mmu_check_mirror() and
 * tdp_mmu_check_invariants() included).  The generator seeks boundaries:
 * slots that end at, start at and cross the shared bit, and ranges at the
 * shared bit, 1 GiB boundaries, the top of the width and beyond it
 * (mirror_opseq.h).
 *
 *   MIRROR_RANDOM_SEED=<n>  reproduce a run (the seed is printed)
 *   MIRROR_RANDOM_OPS=<n>   total operations (default 100000)
 *   MIRROR_RANDOM_BUSY=<ppm> injected -EBUSY rate (default 100000 = 10%)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>
#include "mirror_opseq.h"
#include "random_runs.h"

#define RUNS 4

static u32 busy; /* MIRROR_RANDOM_BUSY */

static int start(struct opseq_run *run, struct opseq_src *src, int n)
{
	struct mirror_opseq *s = container_of(run, struct mirror_opseq, run);
	int r = mopseq_init(s, src, busy);

	if (!r)
		printf("  run %d: shared_bit %u (hw split level %d) max_level %d gen 0x%llx yield_every %u\n",
		       n, s->cfg.shared_bit, s->mmu.hw_level, s->cfg.max_level,
		       s->cfg.initial_generation, s->cfg.yield_every);
	return r;
}

/* The S-EPT's counts: no violation, and every op kind saw its -EBUSY. */
static void counted(struct opseq_run *run)
{
	struct mirror_opseq *s = container_of(run, struct mirror_opseq, run);
	struct sept_stats st;
	int k;

	tdp_mmu_get_sept_stats(&s->mmu, &st);
	printf("    S-EPT ops:");
	for (k = 0; k < SEPT_OP_NR; k++)
		printf(" %s %llu (busy %llu)", sept_op_name(k), st.ops[k],
		       st.busy[k]);
	printf("\n    zeroed %llu, fault retries %llu, zero checks %llu, CPU walks %llu, violations %llu\n",
	       st.zeroed_pages, s->retries, s->zero_checks, s->hw_walks,
	       st.violations);
	assert_int_equal(st.violations, 0);
	if (busy)
		for (k = 0; k < SEPT_OP_NR; k++)
			if (k != SEPT_OP_UNBLOCK && st.ops[k] > 1000)
				assert_true(st.busy[k] > 0);
}

static const struct random_driver mirror_random = {
	.runs = RUNS,
	.start = start,
	.step = mopseq_step,
	.check_all = mopseq_check_all,
	.counted = counted,
	.fini = mopseq_fini,
};

static void random_sequences(void **state)
{
	u64 seed = random_env_u64("MIRROR_RANDOM_SEED", (u64)time(NULL));
	u64 total = random_env_u64("MIRROR_RANDOM_OPS", 100000), done;
	struct mirror_opseq *s = calloc(1, sizeof(*s));

	(void)state;
	busy = (u32)random_env_u64("MIRROR_RANDOM_BUSY", 100000);
	printf("mirror random: seed %llu (MIRROR_RANDOM_SEED=%llu to reproduce), %llu ops, busy %u ppm\n",
	       seed, seed, total, busy);
	done = random_runs(&mirror_random, &s->run, seed, total);
	printf("mirror random: %llu operations checked\n", done);
	assert_true(done >= total);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
