/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TDP_HV_SELFTEST_H
#define TDP_HV_SELFTEST_H

/* In-firmware MMU self-test; 0 on success, negative errno on failure. */
int mmu_selftest(void);

#endif /* TDP_HV_SELFTEST_H */
