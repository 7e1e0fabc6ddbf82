// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated S-EPT backend (see sept.h for the operations and rules).
 *
 * Each operation: validate its arguments, walk to the entry, check the
 * rules, then (only then) maybe inject contention, then change the entry.
 * So a rule violation is always reported as itself, and a failure of any
 * kind leaves every entry, the ownership table and the epoch as they were.
 */
#include "errno_codes.h"
#include "log.h"
#include "string_util.h"
#include "mmu/sept/sept.h"

static_assert(sizeof(struct sept) <= PAGE_SIZE, "backend state fits a page");

static const char *const sept_error_names[SEPT_ERR_NR] = {
	[SEPT_OK] = "OK",
	[SEPT_ERR_BUSY] = "BUSY",
	[SEPT_ERR_NOMEM] = "NOMEM",
	[SEPT_ERR_BAD_LEVEL] = "BAD_LEVEL",
	[SEPT_ERR_MISALIGNED] = "MISALIGNED",
	[SEPT_ERR_BAD_GFN] = "BAD_GFN",
	[SEPT_ERR_BAD_PERMS] = "BAD_PERMS",
	[SEPT_ERR_PARENT_NOT_LINKED] = "PARENT_NOT_LINKED",
	[SEPT_ERR_SLOT_BUSY] = "SLOT_BUSY",
	[SEPT_ERR_PAGE_NOT_OWNED] = "PAGE_NOT_OWNED",
	[SEPT_ERR_PAGE_ALREADY_MAPPED] = "PAGE_ALREADY_MAPPED",
	[SEPT_ERR_NOT_LEAF] = "NOT_LEAF",
	[SEPT_ERR_ALREADY_BLOCKED] = "ALREADY_BLOCKED",
	[SEPT_ERR_NOT_BLOCKED] = "NOT_BLOCKED",
	[SEPT_ERR_NOT_TRACKED] = "NOT_TRACKED",
	[SEPT_ERR_NOT_TABLE] = "NOT_TABLE",
	[SEPT_ERR_TABLE_NOT_EMPTY] = "TABLE_NOT_EMPTY",
	[SEPT_ERR_RANGE_OVERLAP] = "RANGE_OVERLAP",
	[SEPT_ERR_RANGE_UNKNOWN] = "RANGE_UNKNOWN",
	[SEPT_ERR_RANGE_IN_USE] = "RANGE_IN_USE",
};

static const char *const sept_op_names[SEPT_OP_NR] = {
	[SEPT_OP_LINK] = "link_table",	     [SEPT_OP_SET_LEAF] = "set_leaf",
	[SEPT_OP_BLOCK] = "block",	     [SEPT_OP_UNBLOCK] = "unblock",
	[SEPT_OP_TRACK] = "track",	     [SEPT_OP_REMOVE] = "remove_leaf",
	[SEPT_OP_FREE_TABLE] = "free_table",
};

const char *sept_error_name(enum sept_error err)
{
	return (unsigned int)err < SEPT_ERR_NR ? sept_error_names[err] : "?";
}

const char *sept_op_name(enum sept_op op)
{
	return (unsigned int)op < SEPT_OP_NR ? sept_op_names[op] : "?";
}

/**
 * sept_error_to_errno() - what the MMU makes of a backend result.
 * @err: the result.
 * Return: 0, -EBUSY (contention: retry), -ENOMEM, or -EIO (a broken rule:
 * an MMU bug).
 */
int sept_error_to_errno(enum sept_error err)
{
	switch (err) {
	case SEPT_OK:
		return 0;
	case SEPT_ERR_BUSY:
		return -EBUSY;
	case SEPT_ERR_NOMEM:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

void sept_default_config(struct sept_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->strict = true;
	cfg->seed = 0x5e97u;
}

/* --- locking, counting, injection --- */

static void sept_lock(struct sept *s)
{
	tdp_spin_lock(&s->lock, s->ops->cpu_relax, s->opaque);
}

static void sept_unlock(struct sept *s)
{
	tdp_spin_unlock(&s->lock);
}

static bool sept_inject_busy(struct sept *s, enum sept_op op)
{
	u32 ppm = s->cfg.busy_ppm[op];
	u64 z;

	if (!ppm)
		return false;
	/* splitmix64 */
	z = (s->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z % 1000000 < ppm;
}

/* Account the outcome of @op; log rule violations in strict mode. */
static enum sept_error sept_done(struct sept *s, enum sept_op op,
				 enum sept_error err, gfn_t gfn, int level)
{
	if (err == SEPT_OK) {
		s->stats.ops[op]++;
		return err;
	}
	s->stats.errors[err]++;
	if (err == SEPT_ERR_BUSY) {
		s->stats.busy[op]++;
	} else if (err != SEPT_ERR_NOMEM) {
		s->stats.violations++;
		if (s->cfg.strict)
			pr_err("sept: %s(gfn 0x%llx, level %d): %s",
			       sept_op_name(op), gfn, level,
			       sept_error_name(err));
	}
	return err;
}

static void sept_hook(struct sept *s, int level)
{
	if (s->hook && level >= s->hook_level)
		s->hook(s->hook_arg);
}

static u64 *sept_va(const struct sept *s, hpa_t pa)
{
	return s->ops->pa_to_va(s->opaque, pa);
}

static u64 sept_load(const u64 *e)
{
	return __atomic_load_n(e, __ATOMIC_ACQUIRE);
}

static void sept_store(u64 *e, u64 v)
{
	__atomic_store_n(e, v, __ATOMIC_RELEASE);
}

/* --- lifetime --- */

struct sept *sept_create(const struct tdp_mmu_ops *ops, void *opaque,
			 const struct sept_config *cfg)
{
	struct sept *s = ops->alloc_page(opaque);

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	s->root = ops->alloc_page(opaque);
	if (!s->root) {
		ops->free_page(opaque, s);
		return NULL;
	}
	memset(s->root, 0, PAGE_SIZE);
	s->root_pa = ops->va_to_pa(opaque, s->root);
	s->stats.table_pages = 1;
	s->hook_level = TDP_ROOT_LEVEL + 1;
	sept_set_config(s, cfg);
	return s;
}

static void sept_free_tables(struct sept *s, u64 *pt, int level)
{
	u64 e;
	int i;

	for (i = 0; i < SPTE_ENT_PER_PAGE; i++) {
		e = pt[i];
		if (level > TDP_LEVEL_4K && is_sept_table(e, level))
			sept_free_tables(s, sept_va(s, e & SPTE_PFN_MASK),
					 level - 1);
	}
	s->ops->free_page(s->opaque, pt);
}

static void sept_free_map(struct sept *s, u64 **map)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64 *) && map[i]; i++)
		s->ops->free_page(s->opaque, map[i]);
	s->ops->free_page(s->opaque, map);
}

/**
 * sept_destroy() - free every S-EPT page and the ownership table (the TD
 * is torn down: TDH.MNG.VPFLUSHDONE + reclaim, no rules apply).
 * @s: the backend, or NULL.
 */
void sept_destroy(struct sept *s)
{
	u32 i;

	if (!s)
		return;
	sept_reclaim_tables(s);
	sept_free_tables(s, s->root, TDP_ROOT_LEVEL);
	for (i = 0; i < s->nr_ranges; i++)
		sept_free_map(s, s->ranges[i].map);
	s->ops->free_page(s->opaque, s);
}

void sept_set_config(struct sept *s, const struct sept_config *cfg)
{
	struct sept_config def;

	if (!cfg) {
		sept_default_config(&def);
		cfg = &def;
	}
	sept_lock(s);
	s->cfg = *cfg;
	s->rng = cfg->seed;
	sept_unlock(s);
}

void sept_set_busy(struct sept *s, enum sept_op op, u32 ppm)
{
	sept_lock(s);
	s->cfg.busy_ppm[op] = ppm;
	sept_unlock(s);
}

/* The MMU's hardware-view sync (tdp_hw.c) for changes at >= @level. */
void sept_set_hook(struct sept *s, int level, sept_top_hook hook, void *arg)
{
	sept_lock(s);
	s->hook_level = level;
	s->hook = hook;
	s->hook_arg = arg;
	sept_unlock(s);
}

void sept_get_stats(struct sept *s, struct sept_stats *out)
{
	sept_lock(s);
	*out = s->stats;
	sept_unlock(s);
}

/* --- page ownership --- */

static struct sept_range *sept_range_of(struct sept *s, pfn_t pfn)
{
	u32 i;

	for (i = 0; i < s->nr_ranges; i++)
		if (pfn >= s->ranges[i].base &&
		    pfn - s->ranges[i].base < s->ranges[i].npages)
			return &s->ranges[i];
	return NULL;
}

static u64 *sept_map_word(const struct sept_range *r, pfn_t pfn, u64 *bit)
{
	u64 off = pfn - r->base;

	*bit = 1ULL << (off % 64);
	return &r->map[off / SEPT_MAP_BITS_PER_PAGE]
		      [(off % SEPT_MAP_BITS_PER_PAGE) / 64];
}

/* Every frame of [pfn, pfn + n) owned (one range) and none mapped? */
static enum sept_error sept_check_frames(struct sept *s, pfn_t pfn, u64 n)
{
	struct sept_range *r = sept_range_of(s, pfn);
	u64 i, bit;

	if (!r || n > r->npages - (pfn - r->base))
		return SEPT_ERR_PAGE_NOT_OWNED;
	for (i = 0; i < n; i++)
		if (*sept_map_word(r, pfn + i, &bit) & bit)
			return SEPT_ERR_PAGE_ALREADY_MAPPED;
	return SEPT_OK;
}

static void sept_mark_frames(struct sept *s, pfn_t pfn, u64 n, bool mapped)
{
	struct sept_range *r = sept_range_of(s, pfn);
	u64 i, bit, *w;

	for (i = 0; i < n; i++) {
		w = sept_map_word(r, pfn + i, &bit);
		*w = mapped ? *w | bit : *w & ~bit;
	}
	if (mapped)
		s->stats.mapped_pages += n;
	else
		s->stats.mapped_pages -= n;
}

/**
 * sept_frame_mapped() - whether an S-EPT leaf maps host frame @pfn.
 * @s: the backend.
 * @pfn: the frame.
 * Return: true if mapped (false also for frames not owned).
 */
bool sept_frame_mapped(struct sept *s, pfn_t pfn)
{
	struct sept_range *r;
	bool mapped = false;
	u64 bit;

	sept_lock(s);
	r = sept_range_of(s, pfn);
	if (r)
		mapped = *sept_map_word(r, pfn, &bit) & bit;
	sept_unlock(s);
	return mapped;
}

/**
 * sept_add_range() - the VM owns host frames [@base, @base + @npages).
 * @s: the backend.
 * @base: first frame.
 * @npages: frames (1 .. SEPT_MAX_RANGE_PAGES).
 * Return: SEPT_OK; SEPT_ERR_BAD_GFN for an empty or too large range;
 * SEPT_ERR_RANGE_OVERLAP if it overlaps an owned range (or all
 * SEPT_MAX_RANGES are used); SEPT_ERR_NOMEM.
 */
enum sept_error sept_add_range(struct sept *s, pfn_t base, u64 npages)
{
	u64 **map, n = (npages + SEPT_MAP_BITS_PER_PAGE - 1) /
		       SEPT_MAP_BITS_PER_PAGE;
	enum sept_error err = SEPT_OK;
	u32 i;

	if (!npages || npages > SEPT_MAX_RANGE_PAGES)
		return SEPT_ERR_BAD_GFN;
	map = s->ops->alloc_page(s->opaque);
	if (!map)
		return SEPT_ERR_NOMEM;
	memset(map, 0, PAGE_SIZE);
	for (i = 0; i < n; i++) {
		map[i] = s->ops->alloc_page(s->opaque);
		if (!map[i]) {
			sept_free_map(s, map);
			return SEPT_ERR_NOMEM;
		}
		memset(map[i], 0, PAGE_SIZE);
	}
	sept_lock(s);
	for (i = 0; i < s->nr_ranges; i++)
		if (base < s->ranges[i].base + s->ranges[i].npages &&
		    s->ranges[i].base < base + npages)
			err = SEPT_ERR_RANGE_OVERLAP;
	if (s->nr_ranges == SEPT_MAX_RANGES)
		err = SEPT_ERR_RANGE_OVERLAP;
	if (!err) {
		s->ranges[s->nr_ranges].base = base;
		s->ranges[s->nr_ranges].npages = npages;
		s->ranges[s->nr_ranges].map = map;
		s->nr_ranges++;
	}
	if (err) {
		s->stats.errors[err]++;
		s->stats.violations++;
	}
	sept_unlock(s);
	if (err)
		sept_free_map(s, map);
	return err;
}

/**
 * sept_remove_range() - the VM gives back an owned range.
 * @s: the backend.
 * @base: first frame (as added).
 * @npages: frames (as added).
 * Return: SEPT_OK; SEPT_ERR_RANGE_UNKNOWN if no range was added with
 * exactly these bounds; SEPT_ERR_RANGE_IN_USE if a leaf still maps one.
 */
enum sept_error sept_remove_range(struct sept *s, pfn_t base, u64 npages)
{
	enum sept_error err = SEPT_ERR_RANGE_UNKNOWN;
	u64 **map = NULL, w;
	u32 i, j;

	sept_lock(s);
	for (i = 0; i < s->nr_ranges; i++) {
		struct sept_range *r = &s->ranges[i];

		if (r->base != base || r->npages != npages)
			continue;
		err = SEPT_OK;
		for (w = 0; w < (npages + 63) / 64; w++)
			if (r->map[w * 64 / SEPT_MAP_BITS_PER_PAGE]
				  [(w * 64 % SEPT_MAP_BITS_PER_PAGE) / 64])
				err = SEPT_ERR_RANGE_IN_USE;
		if (err)
			break;
		map = r->map;
		for (j = i; j + 1 < s->nr_ranges; j++)
			s->ranges[j] = s->ranges[j + 1];
		s->nr_ranges--;
		break;
	}
	if (err) {
		s->stats.errors[err]++;
		s->stats.violations++;
		if (s->cfg.strict)
			pr_err("sept: remove_range(pfn 0x%llx, %llu): %s", base,
			       npages, sept_error_name(err));
	}
	sept_unlock(s);
	if (map)
		sept_free_map(s, map);
	return err;
}

/* --- walking --- */

static bool sept_gfn_ok(gfn_t gfn)
{
	return gfn < TDP_MAX_GFN;
}

/* The entry at @level for @gfn, or NULL if a table above is missing. */
static u64 *sept_entry(const struct sept *s, gfn_t gfn, int level)
{
	u64 *pt = s->root, e;
	int l;

	for (l = TDP_ROOT_LEVEL; l > level; l--) {
		e = sept_load(&pt[tdp_spte_index(gfn, l)]);
		if (!is_sept_table(e, l))
			return NULL;
		pt = sept_va(s, e & SPTE_PFN_MASK);
	}
	return &pt[tdp_spte_index(gfn, level)];
}

u64 sept_read_entry(const struct sept *s, gfn_t gfn, int level)
{
	u64 *e = sept_entry(s, gfn, level);

	return e ? sept_load(e) : 0;
}

u64 *sept_table_on_path(const struct sept *s, gfn_t gfn, int level)
{
	u64 *e = level < TDP_ROOT_LEVEL ? sept_entry(s, gfn, level + 1) : NULL;
	u64 v;

	if (level == TDP_ROOT_LEVEL)
		return s->root;
	if (!e)
		return NULL;
	v = sept_load(e);
	return is_sept_table(v, level + 1) ? sept_va(s, v & SPTE_PFN_MASK)
					   : NULL;
}

static enum sept_error sept_check_addr(gfn_t gfn, int level, int lo, int hi)
{
	if (level < lo || level > hi)
		return SEPT_ERR_BAD_LEVEL;
	if (!sept_gfn_ok(gfn))
		return SEPT_ERR_BAD_GFN;
	if (gfn & (tdp_pages_per_level(level) - 1))
		return SEPT_ERR_MISALIGNED;
	return SEPT_OK;
}

/* --- operations --- */

/**
 * sept_link_table() - TDH.MEM.SEPT.ADD: link a new, empty table below the
 * entry at @level that covers @gfn.
 * @s: the backend.
 * @gfn: first GFN the entry maps (aligned to @level).
 * @level: level of the entry, 2..4.
 * Context: any; takes the backend lock.
 * Return: SEPT_OK; SEPT_ERR_BAD_LEVEL / MISALIGNED / BAD_GFN;
 * SEPT_ERR_PARENT_NOT_LINKED (no table holds the entry);
 * SEPT_ERR_SLOT_BUSY (the entry is not empty); SEPT_ERR_BUSY (injected);
 * SEPT_ERR_NOMEM.
 */
enum sept_error sept_link_table(struct sept *s, gfn_t gfn, int level)
{
	enum sept_error err =
		sept_check_addr(gfn, level, TDP_LEVEL_2M, TDP_ROOT_LEVEL);
	u64 *e = NULL, *pt;

	sept_lock(s);
	if (!err && !(e = sept_entry(s, gfn, level)))
		err = SEPT_ERR_PARENT_NOT_LINKED;
	if (!err && sept_load(e))
		err = SEPT_ERR_SLOT_BUSY;
	if (!err && sept_inject_busy(s, SEPT_OP_LINK))
		err = SEPT_ERR_BUSY;
	if (!err) {
		pt = s->ops->alloc_page(s->opaque);
		if (!pt) {
			err = SEPT_ERR_NOMEM;
		} else {
			memset(pt, 0, PAGE_SIZE);
			sept_store(e, make_sept_table(
					      s->ops->va_to_pa(s->opaque, pt)));
			s->stats.table_pages++;
			sept_hook(s, level);
		}
	}
	err = sept_done(s, SEPT_OP_LINK, err, gfn, level);
	sept_unlock(s);
	return err;
}

/**
 * sept_set_leaf() - TDH.MEM.PAGE.AUG: map host frames at @pfn (4K, or 2M
 * at level 2) for private @gfn.
 * @s: the backend.
 * @gfn: first GFN (aligned to @level).
 * @level: 1 (4K) or 2 (2M).
 * @pfn: first host frame (aligned to @level).
 * @access: XWR (R required; W requires R).
 * Context: any; takes the backend lock.
 * Return: SEPT_OK; SEPT_ERR_BAD_LEVEL / MISALIGNED / BAD_GFN / BAD_PERMS;
 * SEPT_ERR_PARENT_NOT_LINKED; SEPT_ERR_SLOT_BUSY; SEPT_ERR_PAGE_NOT_OWNED
 * (a frame outside the owned ranges); SEPT_ERR_PAGE_ALREADY_MAPPED (a
 * frame mapped by another leaf); SEPT_ERR_BUSY (injected).
 */
enum sept_error sept_set_leaf(struct sept *s, gfn_t gfn, int level, pfn_t pfn,
			      u64 access)
{
	enum sept_error err =
		sept_check_addr(gfn, level, TDP_LEVEL_4K, TDP_LEVEL_2M);
	u64 n = tdp_pages_per_level(level), *e = NULL;

	if (!err && (pfn & (n - 1)))
		err = SEPT_ERR_MISALIGNED;
	if (!err && (!(access & TDP_ACC_R) || (access & ~TDP_ACC_ALL)))
		err = SEPT_ERR_BAD_PERMS;
	sept_lock(s);
	if (!err && !(e = sept_entry(s, gfn, level)))
		err = SEPT_ERR_PARENT_NOT_LINKED;
	if (!err && sept_load(e))
		err = SEPT_ERR_SLOT_BUSY;
	if (!err)
		err = sept_check_frames(s, pfn, n);
	if (!err && sept_inject_busy(s, SEPT_OP_SET_LEAF))
		err = SEPT_ERR_BUSY;
	if (!err) {
		sept_mark_frames(s, pfn, n, true);
		sept_store(e, make_sept_leaf(pfn, level, access));
		sept_hook(s, level);
	}
	err = sept_done(s, SEPT_OP_SET_LEAF, err, gfn, level);
	sept_unlock(s);
	return err;
}

/* The leaf entry at @level for @gfn, or an error (lock held). */
static enum sept_error sept_leaf_entry(struct sept *s, gfn_t gfn, int level,
				       u64 **ep)
{
	enum sept_error err =
		sept_check_addr(gfn, level, TDP_LEVEL_4K, TDP_LEVEL_2M);
	u64 v;

	if (err)
		return err;
	*ep = sept_entry(s, gfn, level);
	if (!*ep)
		return SEPT_ERR_PARENT_NOT_LINKED;
	v = sept_load(*ep);
	if (!is_sept_blocked(v) && !is_sept_leaf(v, level))
		return SEPT_ERR_NOT_LEAF;
	return SEPT_OK;
}

/**
 * sept_block() - TDH.MEM.RANGE.BLOCK: make a leaf non-present for the CPU
 * (new walks fault) while keeping it; removal needs a track after this.
 * @s: the backend.  @gfn, @level: the leaf.
 * Context: any; takes the backend lock.
 * Return: SEPT_OK; SEPT_ERR_BAD_LEVEL / MISALIGNED / BAD_GFN;
 * SEPT_ERR_PARENT_NOT_LINKED; SEPT_ERR_NOT_LEAF (empty or a table);
 * SEPT_ERR_ALREADY_BLOCKED; SEPT_ERR_BUSY (injected).
 */
enum sept_error sept_block(struct sept *s, gfn_t gfn, int level)
{
	enum sept_error err;
	u64 *e = NULL;

	sept_lock(s);
	err = sept_leaf_entry(s, gfn, level, &e);
	if (!err && is_sept_blocked(sept_load(e)))
		err = SEPT_ERR_ALREADY_BLOCKED;
	if (!err && sept_inject_busy(s, SEPT_OP_BLOCK))
		err = SEPT_ERR_BUSY;
	if (!err) {
		sept_store(e, make_sept_blocked(sept_load(e), s->epoch));
		sept_hook(s, level);
	}
	err = sept_done(s, SEPT_OP_BLOCK, err, gfn, level);
	sept_unlock(s);
	return err;
}

/**
 * sept_unblock() - TDH.MEM.RANGE.UNBLOCK: undo a block (the MMU's rollback
 * when a later step of a removal failed).  Never injected busy.
 * @s: the backend.  @gfn, @level: the leaf.
 * Return: SEPT_OK; SEPT_ERR_BAD_LEVEL / MISALIGNED / BAD_GFN;
 * SEPT_ERR_PARENT_NOT_LINKED; SEPT_ERR_NOT_LEAF; SEPT_ERR_NOT_BLOCKED.
 */
enum sept_error sept_unblock(struct sept *s, gfn_t gfn, int level)
{
	enum sept_error err;
	u64 *e = NULL;

	sept_lock(s);
	err = sept_leaf_entry(s, gfn, level, &e);
	if (!err && !is_sept_blocked(sept_load(e)))
		err = SEPT_ERR_NOT_BLOCKED;
	if (!err) {
		sept_store(e, make_sept_unblocked(sept_load(e)));
		sept_hook(s, level);
	}
	err = sept_done(s, SEPT_OP_UNBLOCK, err, gfn, level);
	sept_unlock(s);
	return err;
}

/**
 * sept_track() - TDH.MEM.TRACK: advance the TLB epoch.  The host must
 * then make every vCPU leave the old epoch (a TLB flush / kick) before
 * removing what it blocked.
 * @s: the backend.
 * Return: SEPT_OK or SEPT_ERR_BUSY (injected).
 */
enum sept_error sept_track(struct sept *s)
{
	enum sept_error err = SEPT_OK;

	sept_lock(s);
	if (sept_inject_busy(s, SEPT_OP_TRACK))
		err = SEPT_ERR_BUSY;
	else
		s->epoch++;
	err = sept_done(s, SEPT_OP_TRACK, err, 0, 0);
	sept_unlock(s);
	return err;
}

static void sept_zero_frames(struct sept *s, pfn_t pfn, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++) {
		if (s->cfg.clear_guest_page)
			s->cfg.clear_guest_page(s->opaque, pfn + i);
		else
			memset(sept_va(s, (pfn + i) << PAGE_SHIFT), 0,
			       PAGE_SIZE);
	}
	s->stats.zeroed_pages += n;
}

/**
 * sept_remove_leaf() - TDH.MEM.PAGE.REMOVE: remove a blocked leaf whose
 * block was followed by a track; the frames are zeroed and become
 * unmapped.
 * @s: the backend.  @gfn, @level: the leaf.
 * Context: any; takes the backend lock.
 * Return: SEPT_OK; SEPT_ERR_BAD_LEVEL / MISALIGNED / BAD_GFN;
 * SEPT_ERR_PARENT_NOT_LINKED; SEPT_ERR_NOT_LEAF; SEPT_ERR_NOT_BLOCKED;
 * SEPT_ERR_NOT_TRACKED (no track since the block); SEPT_ERR_BUSY.
 */
enum sept_error sept_remove_leaf(struct sept *s, gfn_t gfn, int level)
{
	enum sept_error err;
	u64 *e = NULL, v = 0, mask = (1ULL << SEPT_ENTRY_EPOCH_BITS) - 1;

	sept_lock(s);
	err = sept_leaf_entry(s, gfn, level, &e);
	if (!err) {
		v = sept_load(e);
		if (!is_sept_blocked(v))
			err = SEPT_ERR_NOT_BLOCKED;
		else if (sept_blocked_epoch(v) == (s->epoch & mask))
			err = SEPT_ERR_NOT_TRACKED;
	}
	if (!err && sept_inject_busy(s, SEPT_OP_REMOVE))
		err = SEPT_ERR_BUSY;
	if (!err) {
		sept_store(e, 0);
		sept_hook(s, level);
		sept_zero_frames(s, spte_to_pfn(v), tdp_pages_per_level(level));
		sept_mark_frames(s, spte_to_pfn(v), tdp_pages_per_level(level),
				 false);
	}
	err = sept_done(s, SEPT_OP_REMOVE, err, gfn, level);
	sept_unlock(s);
	return err;
}

static bool sept_table_empty(const u64 *pt)
{
	int i;

	for (i = 0; i < SPTE_ENT_PER_PAGE; i++)
		if (sept_load(&pt[i]))
			return false;
	return true;
}

static void **sept_unlinked_next(const struct sept *s, const void *pt)
{
	return s->ops->page_private(s->opaque, s->ops->va_to_pa(s->opaque, pt));
}

/**
 * sept_free_table() - TDH.MEM.SEPT.REMOVE: unlink the empty table below
 * the entry at @level covering @gfn.
 * @s: the backend.
 * @gfn: first GFN the entry maps.
 * @level: level of the entry, 2..4.
 *
 * The page is not freed here: a CPU that walked the table may hold the
 * entry above it in its paging-structure cache and read the page until
 * the next TLB flush (INVEPT), at any level, not only at the levels the
 * hardware view copies.  It waits, zeroed, on the unlinked list for
 * sept_reclaim_tables(), which the MMU calls after such a flush.
 *
 * Context: any; takes the backend lock.
 * Return: SEPT_OK; SEPT_ERR_BAD_LEVEL / MISALIGNED / BAD_GFN;
 * SEPT_ERR_PARENT_NOT_LINKED; SEPT_ERR_NOT_TABLE; SEPT_ERR_TABLE_NOT_EMPTY;
 * SEPT_ERR_BUSY (injected).
 */
enum sept_error sept_free_table(struct sept *s, gfn_t gfn, int level)
{
	enum sept_error err =
		sept_check_addr(gfn, level, TDP_LEVEL_2M, TDP_ROOT_LEVEL);
	u64 *e = NULL, *pt = NULL, v;

	sept_lock(s);
	if (!err && !(e = sept_entry(s, gfn, level)))
		err = SEPT_ERR_PARENT_NOT_LINKED;
	if (!err) {
		v = sept_load(e);
		if (!is_sept_table(v, level))
			err = SEPT_ERR_NOT_TABLE;
		else if (!sept_table_empty(pt = sept_va(s, v & SPTE_PFN_MASK)))
			err = SEPT_ERR_TABLE_NOT_EMPTY;
	}
	if (!err && sept_inject_busy(s, SEPT_OP_FREE_TABLE))
		err = SEPT_ERR_BUSY;
	if (!err) {
		sept_store(e, 0);
		/* The hardware view drops its copy before the page goes. */
		sept_hook(s, level);
		*sept_unlinked_next(s, pt) = s->unlinked;
		s->unlinked = pt;
		s->stats.table_pages--;
		s->stats.unlinked_tables++;
	}
	err = sept_done(s, SEPT_OP_FREE_TABLE, err, gfn, level);
	sept_unlock(s);
	return err;
}

/**
 * sept_has_unlinked_tables() - whether sept_free_table() left pages that
 * wait for a TLB flush.
 * @s: the backend.
 * Context: any; takes the backend lock.
 */
bool sept_has_unlinked_tables(struct sept *s)
{
	bool r;

	sept_lock(s);
	r = s->unlinked != NULL;
	sept_unlock(s);
	return r;
}

/**
 * sept_reclaim_tables() - free every table page sept_free_table() has
 * unlinked so far.
 * @s: the backend.
 * Context: a TLB flush of every CPU that could walk this S-EPT has
 * completed since the last successful sept_free_table() (or the TD is
 * being torn down); takes the backend lock.
 */
void sept_reclaim_tables(struct sept *s)
{
	void *pt, *next;

	sept_lock(s);
	for (pt = s->unlinked; pt; pt = next) {
		next = *sept_unlinked_next(s, pt);
		*sept_unlinked_next(s, pt) = NULL;
		s->ops->free_page(s->opaque, pt);
		s->stats.unlinked_tables--;
	}
	s->unlinked = NULL;
	sept_unlock(s);
}
