/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Locks for the MMU, built only on gcc __atomic builtins so that they work
 * freestanding and are understood by ThreadSanitizer.
 *
 * struct tdp_rwlock is a sharded ("big-reader") rwlock: a reader bumps the
 * counter of its own shard (its own cache line: a vCPU's faults do not
 * bounce a shared line), then checks the writer flag; a writer sets the
 * flag and waits for every shard to drain.  Both sides use sequentially
 * consistent operations, so either the writer sees the reader's count or
 * the reader sees the writer's flag (and backs off).  Writers are
 * preferred: a reader that sees the flag drops its count and waits.
 */
#ifndef TDP_MMU_SYNC_H
#define TDP_MMU_SYNC_H

#include "types.h"
#include "compiler.h"

#define TDP_RWLOCK_SHARDS 8
#define TDP_CACHELINE 64

struct tdp_rwlock_shard {
	u32 readers;
} __aligned(TDP_CACHELINE);

struct tdp_rwlock {
	u32 writer; /* 1 while a writer holds or is acquiring the lock */
	u32 waiters; /* threads spinning for the lock (contention hint) */
	void (*relax)(void *opaque);
	void *opaque;
	struct tdp_rwlock_shard shard[TDP_RWLOCK_SHARDS];
};

void tdp_rwlock_init(struct tdp_rwlock *l, void (*relax)(void *), void *opaque);
void tdp_read_lock(struct tdp_rwlock *l, unsigned int shard);
void tdp_read_unlock(struct tdp_rwlock *l, unsigned int shard);
void tdp_write_lock(struct tdp_rwlock *l);
void tdp_write_unlock(struct tdp_rwlock *l);
bool tdp_rwlock_contended(struct tdp_rwlock *l);

/* A plain test-and-test-and-set spinlock for short, rare sections. */
struct tdp_spinlock {
	u32 locked;
};

void tdp_spin_lock(struct tdp_spinlock *s, void (*relax)(void *), void *opaque);
void tdp_spin_unlock(struct tdp_spinlock *s);

#endif /* TDP_MMU_SYNC_H */
