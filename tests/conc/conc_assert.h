/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks every concurrency test ends with, as cmocka assertions: they
 * live here, beside the tests, because the harness in tests/host/conc.c
 * is linked into the fuzzers and benches too, which have no cmocka.
 * Include after <cmocka.h>.
 */
#ifndef TESTS_CONC_CONC_ASSERT_H
#define TESTS_CONC_CONC_ASSERT_H

#include "conc.h"

/* No thread reported an error (else the count and the first one). */
static inline void conc_assert_no_errors(const struct conc_ctl *ctl)
{
	if (ctl->errors)
		fail_msg("%llu errors, first: %s", ctl->errors, ctl->err);
}

/*
 * Tear the VM down: no page was freed while a fake CPU could read it, no
 * double or bad free before or after the teardown, no page leaked.
 * @mirror: the mirror root to put first, or NULL.
 */
static inline void conc_assert_teardown(struct conc_ctl *ctl,
					struct mmu_fake *fake,
					struct tdp_mmu_page *mirror)
{
	assert_int_equal(mmu_fake_walked_frees(fake), 0);
	assert_int_equal(fake->double_frees, 0);
	assert_int_equal(fake->bad_frees, 0);
	if (mirror)
		tdp_mmu_put_root(ctl->mmu, mirror);
	mmu_fake_vm_destroy(fake, ctl->mmu, ctl->direct);
	assert_int_equal(fake->double_frees, 0);
	assert_int_equal(fake->bad_frees, 0);
	assert_int_equal(mmu_fake_destroy(fake), 0);
	conc_fini(ctl);
}

#endif /* TESTS_CONC_CONC_ASSERT_H */
