// SPDX-License-Identifier: GPL-2.0
/*
 * The memslot data structure (see memslot.h): lookups in the current
 * array, the lockless generation, the dirty and attribute bitmaps, and the
 * first array at init.  Updates, which publish new arrays, are in
 * memslot_update.c.
 */
#include "mmu/tdp_mmu_internal.h"

const struct tdp_memslots *tdp_memslots_current(const struct tdp_mmu *mmu)
{
	return __atomic_load_n(&mmu->slots, __ATOMIC_ACQUIRE);
}

/**
 * tdp_memslot_generation() - the current memslot generation.
 * @mmu: the MMU.
 * Context: any (lockless).
 * Return: the generation; bit 63 set while an update is in progress.
 */
u64 tdp_memslot_generation(const struct tdp_mmu *mmu)
{
	return __atomic_load_n(&mmu->generation, __ATOMIC_ACQUIRE);
}

/**
 * tdp_memslot_lookup() - the memslot containing @gfn.
 * @slots: a memslot array (tdp_memslots_current()).
 * @gfn: the GFN.
 * Context: MMU lock held (read suffices), which keeps @slots alive.
 * Return: the slot, or NULL if no slot covers @gfn.
 */
const struct tdp_memslot *tdp_memslot_lookup(const struct tdp_memslots *slots,
					     gfn_t gfn)
{
	u32 lo = 0, hi = slots->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (gfn < slots->slots[mid].base_gfn)
			hi = mid;
		else if (gfn >= tdp_memslot_end(&slots->slots[mid]))
			lo = mid + 1;
		else
			return &slots->slots[mid];
	}
	return NULL;
}

/**
 * tdp_memslot_find_id() - the memslot with a given id.
 * @slots: a memslot array.
 * @id: the slot id.
 * Return: the slot or NULL.
 */
const struct tdp_memslot *tdp_memslot_find_id(const struct tdp_memslots *slots,
					      u16 id)
{
	u32 i;

	for (i = 0; i < slots->nr; i++)
		if (slots->slots[i].id == id)
			return &slots->slots[i];
	return NULL;
}

void tdp_memslot_mark_dirty(const struct tdp_memslot *slot, gfn_t gfn)
{
	u64 off = gfn - slot->base_gfn;
	u64 *word = &slot->dirty_dir[off / TDP_DIRTY_BITS_PER_PAGE]
				    [(off % TDP_DIRTY_BITS_PER_PAGE) / 64];

	__atomic_fetch_or(word, 1ULL << (off % 64), __ATOMIC_RELAXED);
}

bool tdp_memslot_test_and_clear_dirty_word(const struct tdp_memslot *slot,
					   u64 word, u64 *out)
{
	u64 per_page = TDP_DIRTY_BITS_PER_PAGE / 64;

	*out = __atomic_exchange_n(
		&slot->dirty_dir[word / per_page][word % per_page], 0,
		__ATOMIC_RELAXED);
	return *out != 0;
}

int tdp_memslots_init(struct tdp_mmu *mmu, u64 initial_generation)
{
	struct tdp_memslots *s = tdp_aux_page_alloc(mmu);

	if (!s)
		return -ENOMEM;
	s->generation = initial_generation &
			~TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS;
	mmu->generation = s->generation;
	__atomic_store_n(&mmu->slots, s, __ATOMIC_RELEASE);
	return 0;
}

void tdp_free_dirty_dir(struct tdp_mmu *mmu, u64 **dir)
{
	unsigned int i;

	if (!dir)
		return;
	for (i = 0; i < PAGE_SIZE / sizeof(u64 *) && dir[i]; i++)
		tdp_aux_page_free(mmu, dir[i]);
	tdp_aux_page_free(mmu, dir);
}

void tdp_memslots_destroy(struct tdp_mmu *mmu)
{
	struct tdp_memslots *s = mmu->slots;
	u32 i;

	for (i = 0; i < s->nr; i++) {
		tdp_free_dirty_dir(mmu, s->slots[i].dirty_dir);
		tdp_free_dirty_dir(mmu, s->slots[i].attr_dir);
	}
	tdp_aux_page_free(mmu, s);
	mmu->slots = NULL;
}

u64 **tdp_alloc_dirty_dir(struct tdp_mmu *mmu, u64 npages)
{
	u64 **dir = tdp_aux_page_alloc(mmu);
	u64 i, n = (npages + TDP_DIRTY_BITS_PER_PAGE - 1) /
		   TDP_DIRTY_BITS_PER_PAGE;

	if (!dir)
		return NULL;
	for (i = 0; i < n; i++) {
		dir[i] = tdp_aux_page_alloc(mmu);
		if (!dir[i]) {
			tdp_free_dirty_dir(mmu, dir);
			return NULL;
		}
	}
	return dir;
}
