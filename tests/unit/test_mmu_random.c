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
#include "random_runs.h"

#define RUNS 8

static int start(struct opseq_run *run, struct opseq_src *src, int n)
{
	struct mmu_opseq *s = container_of(run, struct mmu_opseq, run);
	int r = opseq_init(s, src);

	if (!r)
		printf("  run %d: max_level %d dirty_mode %d eager_split %d gen 0x%llx yield_every %u\n",
		       n, s->cfg.max_level, s->cfg.dirty_mode,
		       s->cfg.eager_split, s->cfg.initial_generation,
		       s->cfg.yield_every);
	return r;
}

static const struct random_driver mmu_random = {
	.runs = RUNS,
	.start = start,
	.step = opseq_step,
	.check_all = opseq_check_all,
	.fini = opseq_fini,
};

static void random_sequences(void **state)
{
	u64 seed = random_env_u64("MMU_RANDOM_SEED", (u64)time(NULL));
	u64 total = random_env_u64("MMU_RANDOM_OPS", 100000), done;
	struct mmu_opseq *s = calloc(1, sizeof(*s));

	(void)state;
	printf("mmu random: seed %llu (MMU_RANDOM_SEED=%llu to reproduce), %llu ops\n",
	       seed, seed, total);
	done = random_runs(&mmu_random, &s->run, seed, total);
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
