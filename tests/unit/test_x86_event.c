// SPDX-License-Identifier: GPL-2.0
/*
 * The double-fault rule, checked against the SDM's table ("Conditions for
 * Generating a Double Fault") written out here row by row: every vector
 * pair 0-31 (and a non-exception first event) is classified by the table
 * below, not by the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/emul/x86_event.h"

/* SDM: contributory = #DE, #TS, #NP, #SS, #GP; page faults = #PF. */
static const char sdm_class[32] = {
	[0] = 'C',  [10] = 'C', [11] = 'C', [12] = 'C',
	[13] = 'C', [14] = 'P', [8] = 'D',
};

static char cls(int v)
{
	return v < 0 || !sdm_class[v] ? 'B' : sdm_class[v];
}

/* The table: rows first event, columns second exception. */
static enum x86_event_merge expect(int first, int second)
{
	char a = cls(first), b = cls(second);

	if (a == 'D')
		return b == 'C' || b == 'P' ? X86_MERGE_SHUTDOWN
					    : X86_MERGE_SERIAL;
	if (a == 'C' && b == 'C')
		return X86_MERGE_DF;
	if (a == 'P' && (b == 'C' || b == 'P'))
		return X86_MERGE_DF;
	return X86_MERGE_SERIAL;
}

static void test_every_pair(void **state)
{
	(void)state;
	for (int a = -1; a < 32; a++)
		for (int b = 0; b < 32; b++) {
			if (b == 8)
				continue; /* #DF is raised only by the CPU */
			if (x86_merge_exceptions(a, (u8)b) != expect(a, b))
				fail_msg("first %d second %d: got %d want %d",
					 a, b, x86_merge_exceptions(a, (u8)b),
					 expect(a, b));
		}
}

static void test_named_cases(void **state)
{
	(void)state;
	/* #GP while delivering #NP: #DF.  #PF while delivering #GP: serial. */
	assert_int_equal(x86_merge_exceptions(11, 13), X86_MERGE_DF);
	assert_int_equal(x86_merge_exceptions(13, 14), X86_MERGE_SERIAL);
	assert_int_equal(x86_merge_exceptions(14, 14), X86_MERGE_DF);
	assert_int_equal(x86_merge_exceptions(8, 13), X86_MERGE_SHUTDOWN);
	assert_int_equal(x86_merge_exceptions(8, 14), X86_MERGE_SHUTDOWN);
	assert_int_equal(x86_merge_exceptions(8, 3), X86_MERGE_SERIAL);
	/* An external interrupt or NMI whose delivery faults: serial. */
	assert_int_equal(x86_merge_exceptions(-1, 13), X86_MERGE_SERIAL);
	assert_int_equal(x86_merge_exceptions(2, 14), X86_MERGE_SERIAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_named_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
