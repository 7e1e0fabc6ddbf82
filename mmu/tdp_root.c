// SPDX-License-Identifier: GPL-2.0
/*
 * Roots: refcounted top-level tables.  The roots[] array holds one
 * reference to each valid root; a vCPU holds one for the root its EPTP
 * points at.  This file creates roots and answers questions about them;
 * dropping references, invalidation and the teardown at the last
 * reference are in tdp_zap.c, beside the zap a teardown runs (under the
 * write lock, so no walker ever sees a freed root).  With private memory, tdp_root_ranges()
 * says which GFN ranges of a root an operation on a GFN range covers.
 */
#include "mmu/tdp_mmu_internal.h"

/**
 * tdp_mmu_root_hpa() - physical address of a root table, for the EPTP.
 * @root: a root from tdp_mmu_get_root().
 * Return: the root table's host-physical address.
 */
hpa_t tdp_mmu_root_hpa(const struct tdp_mmu_page *root)
{
	return root->pa;
}

/**
 * tdp_mmu_root_eptp() - the EPTP value for a root (WB, 4-level, A/D on).
 * @root: a root from tdp_mmu_get_root().
 * Return: the 64-bit EPTP to write into the VMCS.
 */
u64 tdp_mmu_root_eptp(const struct tdp_mmu_page *root)
{
	return make_eptp(root->pa, root->level);
}

/**
 * tdp_mmu_root_is_valid() - whether a vCPU may keep using a root.
 * @root: a referenced root.
 * Context: any (lockless read).
 * Return: false once the root was invalidated; reload with get_root.
 */
bool tdp_mmu_root_is_valid(const struct tdp_mmu_page *root)
{
	return !__atomic_load_n(&root->root_invalid, __ATOMIC_ACQUIRE);
}

/**
 * tdp_root_ranges() - the GFN ranges of @root that an operation on the
 * (stripped) GFN range [@start, @end) covers.
 * @mmu: the MMU.
 * @root: the root.
 * @start: first GFN.
 * @end: GFN after the last.
 * @r: out: up to two [start, end) pairs.
 *
 * Without private memory: the range itself.  Mirror root: its part below
 * the shared bit.  Direct root: the range as given (so callers that name
 * shared GFNs, or all GFNs, reach them), plus the shared alias of its
 * part below the shared bit: [start + s, MIN(end, s) + s), which for a
 * range ending at or past the shared bit ends at 2 * s (the alias of the
 * last page below the bit is 2 * s - 1).  Every range is first clamped to
 * tdp_gfn_limit(): GFNs beyond the guest-physical width map nothing, and
 * the iterator would wrap them onto low GFNs.
 *
 * Return: the number of ranges (0..2).
 */
int tdp_root_ranges(const struct tdp_mmu *mmu, const struct tdp_mmu_page *root,
		    gfn_t start, gfn_t end, gfn_t r[2][2])
{
	gfn_t s = mmu->shared_gfn;
	int n = 0;

	if (!tdp_gfn_range_clamp(mmu, start, &end))
		return 0;
	if (!s || !tdp_is_mirror(root)) {
		r[n][0] = start;
		r[n++][1] = end;
	}
	if (s && start < s) {
		r[n][0] = tdp_is_mirror(root) ? start : start + s;
		r[n][1] = tdp_is_mirror(root) ? MIN(end, s) : MIN(end, s) + s;
		n++;
	}
	return n;
}

static struct tdp_mmu_page *tdp_find_valid_root(struct tdp_mmu *mmu,
						enum tdp_root_role role)
{
	struct tdp_mmu_page *root;
	u32 i;

	for_each_valid_root (mmu, i, root)
		if (root->role == role) {
			__atomic_fetch_add(&root->root_refcount, 1,
					   __ATOMIC_RELAXED);
			return root;
		}
	return NULL;
}

static int tdp_install_root(struct tdp_mmu *mmu, struct tdp_mmu_page *sp)
{
	u32 i;

	for (i = 0; i < TDP_MAX_ROOTS; i++)
		if (!mmu->roots[i]) {
			mmu->roots[i] = sp;
			return 0;
		}
	return -ENOSPC;
}

/**
 * tdp_mmu_get_root() - a referenced, valid root of the given role,
 * created if there is none.
 * @mmu: the MMU.
 * @role: TDP_ROOT_DIRECT, or TDP_ROOT_MIRROR (private memory only: the
 *        one mirror root of the VM, which is never invalidated).
 * @rootp: set to the root on success.
 *
 * A new direct root becomes the one whose shared entries the hardware
 * view (tdp_mmu_hw_eptp()) takes.
 *
 * Context: takes the read lock, and the write lock to create a root.
 * Return: 0; -EOPNOTSUPP for a mirror root without private memory
 * (cfg.shared_bit == 0) or an unknown role; -ENOMEM if the root table
 * cannot be allocated; -ENOSPC if TDP_MAX_ROOTS roots (valid or invalid but
 * still referenced) exist.
 */
int tdp_mmu_get_root(struct tdp_mmu *mmu, enum tdp_root_role role,
		     struct tdp_mmu_page **rootp)
{
	struct tdp_mmu_page *root;
	int r = 0;

	if (role != TDP_ROOT_DIRECT &&
	    (role != TDP_ROOT_MIRROR || !mmu->shared_gfn))
		return -EOPNOTSUPP;
	tdp_mmu_read_lock(mmu, 0);
	root = tdp_find_valid_root(mmu, role);
	tdp_mmu_read_unlock(mmu, 0);
	if (root)
		goto out;

	tdp_mmu_write_lock(mmu);
	root = tdp_find_valid_root(mmu, role);
	if (!root) {
		root = tdp_sp_alloc(mmu);
		if (!root) {
			r = -ENOMEM;
			goto unlock;
		}
		root->level = TDP_ROOT_LEVEL;
		root->role = role;
		root->state = TDP_SP_LIVE;
		root->root_refcount = 2; /* roots[] and the caller */
		r = tdp_install_root(mmu, root);
		if (r) {
			tdp_sp_free(mmu, root);
			root = NULL;
		} else if (role == TDP_ROOT_DIRECT) {
			tdp_hw_set_direct(mmu, root);
		}
	}
unlock:
	tdp_mmu_write_unlock(mmu);
out:
	*rootp = root;
	return r;
}
