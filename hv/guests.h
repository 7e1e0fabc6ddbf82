/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the configured guests one after another (hv/guests.c).  The
 * `guest` key is a comma-separated list of built-in guest names, "tests"
 * (every built-in test guest), or ESP paths loaded by boot/.
 */
#ifndef TDP_HV_GUESTS_H
#define TDP_HV_GUESTS_H

#include "compiler.h"

struct boot_info;
struct vmx_caps;

/* Runs every guest; returns the number that did not end as expected. */
int guests_run_all(const struct boot_info *bi, const struct vmx_caps *caps);

#endif /* TDP_HV_GUESTS_H */
