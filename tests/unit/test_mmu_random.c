// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded randomized operation sequences against the reference model
 * (tests/host/mmu_opseq.c): >= 100,000 operations in the default run,
 * spread over several configurations derived from the seed, including
 * boundary-seeking operations at the top of the guest-physical width and
 * beyond it (mmu_opseq.h).
 *
 *   MMU_RANDOM_SEED=<n>  reproduce a run (the seed is printed)
 *   MMU_RANDOM_OPS=<n>   total operations (default 100000)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>
#include "mmu_opseq.h"

#define RUNS 8

static void random_sequences(void **state)
{
	const char *env_seed = getenv("MMU_RANDOM_SEED");
	const char *env_ops = getenv("MMU_RANDOM_OPS");
	u64 seed = env_seed ? strtoull(env_seed, NULL, 0) : (u64)time(NULL);
	u64 total = env_ops ? strtoull(env_ops, NULL, 0) : 100000, done = 0;
	struct mmu_opseq *s = calloc(1, sizeof(*s));
	struct opseq_src src;
	int run;

	(void)state;
	printf("mmu random: seed %llu (MMU_RANDOM_SEED=%llu to reproduce), %llu ops\n",
	       seed, seed, total);
	for (run = 0; run < RUNS; run++) {
		u64 i, n = total / RUNS + (run < (int)(total % RUNS));

		opseq_src_rng(&src, seed * 1000003ULL + (u64)run);
		assert_int_equal(opseq_init(s, &src), 0);
		printf("  run %d: max_level %d dirty_mode %d eager_split %d gen 0x%llx yield_every %u\n",
		       run, s->cfg.max_level, s->cfg.dirty_mode,
		       s->cfg.eager_split, s->cfg.initial_generation,
		       s->cfg.yield_every);
		for (i = 0; i < n; i++) {
			if (!opseq_step(s, &src)) {
				fail_msg("seed %llu run %d op %llu (%s): %s",
					 seed, run, i, s->run.last_op,
					 s->run.err);
			}
		}
		if (!opseq_check_all(s))
			fail_msg("seed %llu run %d final check: %s", seed, run,
				 s->run.err);
		done += s->run.nops;
		if (!opseq_fini(s))
			fail_msg("seed %llu run %d teardown: %s", seed, run,
				 s->run.err);
	}
	printf("mmu random: %llu operations checked against the model\n", done);
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
