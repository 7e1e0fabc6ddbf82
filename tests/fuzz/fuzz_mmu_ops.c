// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the fuzz input chooses the configuration and a
 * sequence of MMU operations (tests/host/mmu_opseq.c), each checked
 * against the reference model.  Any divergence, sanitizer report, leak or
 * double free aborts.  See docs/mmu.md for long runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include "mmu_opseq.h"

#define MAX_OPS 2000

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct mmu_opseq s;
	struct opseq_src src;
	int i;

	opseq_src_bytes(&src, data, size);
	if (opseq_init(&s, &src)) {
		fprintf(stderr, "opseq_init failed\n");
		abort();
	}
	for (i = 0; i < MAX_OPS && !src.exhausted; i++)
		if (!opseq_step(&s.run, &src)) {
			fprintf(stderr, "op %d (%s): %s\n", i, s.run.last_op,
				s.run.err);
			abort();
		}
	if (!opseq_check_all(&s.run)) {
		fprintf(stderr, "final check: %s\n", s.run.err);
		abort();
	}
	if (!opseq_fini(&s.run)) {
		fprintf(stderr, "teardown: %s\n", s.run.err);
		abort();
	}
	return 0;
}
