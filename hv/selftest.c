// SPDX-License-Identifier: GPL-2.0
/*
 * In-firmware MMU self-test: runs on every boot, with
 * or without VMX, against the real page pool.  It maps a RAM memslot at 4K
 * and 2M through the fault path, checks each leaf with a walk, installs an
 * MMIO SPTE for a GPA with no memslot and checks it is not present, zaps,
 * and runs the invariant checker; the pool must get every page back.
 * Nothing here touches VMX: the MMU gets hv_mmu_ops with no VM, so a
 * flush has nothing to do (no EPTP is loaded).
 */
#include "hv/pool.h"
#include "hv/vm.h"
#include "hv/selftest.h"
#include "mmu/tdp_mmu.h"
#include "errno_codes.h"
#include "log.h"
#include "x86.h"

#define ST_SLOT_PAGES 1024 /* 4 MiB */
#define ST_FAKE_PFN 0x40000ULL /* 1 GiB: never dereferenced by the MMU */

#define ST_CHECK(cond, ...)                               \
	do {                                              \
		if (!(cond)) {                            \
			pr_err("selftest: " __VA_ARGS__); \
			goto out;                         \
		}                                         \
	} while (0)

static int run_level(int max_level)
{
	static struct tdp_mmu mmu;
	struct tdp_mmu_config cfg;
	struct tdp_mmu_page *root = NULL;
	struct tdp_mmu_vcpu vcpu;
	struct tdp_mmu_check chk;
	struct tdp_fault f;
	u64 sptes[TDP_ROOT_LEVEL + 1];
	int r, ret = -EIO;

	tdp_mmu_default_config(&cfg);
	cfg.max_level = max_level;
	r = tdp_mmu_init(&mmu, &hv_mmu_ops, NULL, &cfg);
	if (r)
		return r;
	tdp_mmu_vcpu_init(&vcpu, 0);
	r = tdp_memslot_add(&mmu, 0, 0x200, ST_SLOT_PAGES, ST_FAKE_PFN, 0);
	ST_CHECK(!r, "memslot_add: %s", errno_name(r));
	r = tdp_mmu_get_root(&mmu, TDP_ROOT_DIRECT, &root);
	ST_CHECK(!r, "get_root: %s", errno_name(r));
	tdp_mmu_vcpu_set_roots(&vcpu, root, NULL);
	for (gfn_t g = 0x200; g < 0x200 + ST_SLOT_PAGES; g += 0x80) {
		r = tdp_mmu_handle_fault(&mmu, &vcpu, g << PAGE_SHIFT,
					 TDP_ACC_ALL, &f);
		ST_CHECK(!r && f.pfn == ST_FAKE_PFN + (g - 0x200),
			 "fault on gfn 0x%llx: r=%d pfn 0x%llx", g, r, f.pfn);
		ST_CHECK(f.level <= max_level, "level %d > %d", f.level,
			 max_level);
		int l = tdp_mmu_get_walk(&mmu, root, g << PAGE_SHIFT, sptes);

		ST_CHECK(
			is_shadow_present_pte(sptes[l]) &&
				spte_to_pfn(sptes[l]) +
						((g & ((1ULL << (9 * (l - 1))) -
						       1))) ==
					ST_FAKE_PFN + (g - 0x200),
			"walk of gfn 0x%llx: spte 0x%llx level %d", g, sptes[l],
			l);
	}
	r = tdp_mmu_handle_fault(&mmu, &vcpu, 0x80000000ULL, TDP_ACC_ALL, &f);
	ST_CHECK(!r && f.result == TDP_FAULT_MMIO,
		 "no-memslot GPA: r=%d result %d", r, f.result);
	int l = tdp_mmu_get_walk(&mmu, root, 0x80000000ULL, sptes);

	ST_CHECK(is_mmio_spte(sptes[l]) && !is_shadow_present_pte(sptes[l]),
		 "MMIO SPTE 0x%llx looks present or is not MMIO", sptes[l]);
	r = tdp_mmu_check_invariants(&mmu, &chk);
	ST_CHECK(!r && !chk.errors && chk.mmio == 1,
		 "invariants: r=%d errors %d mmio %llu", r, chk.errors,
		 chk.mmio);
	tdp_mmu_zap_all(&mmu);
	r = tdp_mmu_check_invariants(&mmu, &chk);
	ST_CHECK(!r && !chk.errors && !chk.leaves[1] && !chk.leaves[2],
		 "after zap: r=%d errors %d leaves %llu/%llu", r, chk.errors,
		 chk.leaves[1], chk.leaves[2]);
	ret = 0;
out:
	tdp_mmu_vcpu_destroy(&mmu, &vcpu);
	if (root)
		tdp_mmu_put_root(&mmu, root);
	tdp_mmu_destroy(&mmu);
	return ret;
}

int mmu_selftest(void)
{
	u64 before = pool_free_count();
	int r;

	for (int level = 1; level <= 2; level++) {
		r = run_level(level);
		if (r) {
			pr_err("selftest: MMU self-test failed at max level %d",
			       level);
			return r;
		}
	}
	if (pool_free_count() != before) {
		pr_err("selftest: %lld pool pages not returned",
		       (long long)(before - pool_free_count()));
		return -EIO;
	}
	pr_info("selftest: MMU self-test passed (4K and 2M faults, walks, MMIO SPTE, zap, invariants, no page leaked)");
	return 0;
}
