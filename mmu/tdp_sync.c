// SPDX-License-Identifier: GPL-2.0
/*
 * MMU locks (see tdp_sync.h for the protocol).
 */
#include "mmu/tdp_sync.h"

static inline void tdp_relax(void (*relax)(void *), void *opaque)
{
	if (relax)
		relax(opaque);
	else
		__builtin_ia32_pause();
}

void tdp_rwlock_init(struct tdp_rwlock *l, void (*relax)(void *), void *opaque)
{
	int i;

	l->writer = 0;
	l->waiters = 0;
	l->relax = relax;
	l->opaque = opaque;
	for (i = 0; i < TDP_RWLOCK_SHARDS; i++)
		l->shard[i].readers = 0;
}

void tdp_read_lock(struct tdp_rwlock *l, unsigned int shard)
{
	u32 *cnt = &l->shard[shard % TDP_RWLOCK_SHARDS].readers;

	for (;;) {
		__atomic_fetch_add(cnt, 1, __ATOMIC_SEQ_CST);
		if (likely(!__atomic_load_n(&l->writer, __ATOMIC_SEQ_CST)))
			return;
		__atomic_fetch_sub(cnt, 1, __ATOMIC_RELEASE);
		__atomic_fetch_add(&l->waiters, 1, __ATOMIC_RELAXED);
		while (__atomic_load_n(&l->writer, __ATOMIC_ACQUIRE))
			tdp_relax(l->relax, l->opaque);
		__atomic_fetch_sub(&l->waiters, 1, __ATOMIC_RELAXED);
	}
}

void tdp_read_unlock(struct tdp_rwlock *l, unsigned int shard)
{
	__atomic_fetch_sub(&l->shard[shard % TDP_RWLOCK_SHARDS].readers, 1,
			   __ATOMIC_RELEASE);
}

void tdp_write_lock(struct tdp_rwlock *l)
{
	u32 zero = 0;
	int i;

	__atomic_fetch_add(&l->waiters, 1, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&l->writer, &zero, 1, false,
					    __ATOMIC_SEQ_CST,
					    __ATOMIC_RELAXED)) {
		zero = 0;
		tdp_relax(l->relax, l->opaque);
	}
	for (i = 0; i < TDP_RWLOCK_SHARDS; i++)
		while (__atomic_load_n(&l->shard[i].readers, __ATOMIC_SEQ_CST))
			tdp_relax(l->relax, l->opaque);
	__atomic_fetch_sub(&l->waiters, 1, __ATOMIC_RELAXED);
}

void tdp_write_unlock(struct tdp_rwlock *l)
{
	__atomic_store_n(&l->writer, 0, __ATOMIC_RELEASE);
}

bool tdp_rwlock_contended(struct tdp_rwlock *l)
{
	return __atomic_load_n(&l->waiters, __ATOMIC_RELAXED) != 0;
}

void tdp_spin_lock(struct tdp_spinlock *s, void (*relax)(void *), void *opaque)
{
	for (;;) {
		if (!__atomic_exchange_n(&s->locked, 1, __ATOMIC_ACQUIRE))
			return;
		while (__atomic_load_n(&s->locked, __ATOMIC_RELAXED))
			tdp_relax(relax, opaque);
	}
}

void tdp_spin_unlock(struct tdp_spinlock *s)
{
	__atomic_store_n(&s->locked, 0, __ATOMIC_RELEASE);
}
