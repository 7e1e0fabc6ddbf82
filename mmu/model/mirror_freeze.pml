/*
 * Freeze/restore of a mirror SPTE against the S-EPT backend.
 *
 * One private GFN, one mirror leaf SPTE (`spte`) and its S-EPT entry
 * (`sept`).  Three faulting vCPUs (walker) try to map the GFN under the
 * MMU read lock; one zapper removes the mapping under the write lock.
 *
 *   walker           tdp_fault_map() -> tdp_map_target_level() ->
 *                    tdp_mmu_set_spte_atomic(): cmpxchg old -> FROZEN_SPTE,
 *                    tdp_mirror_change() -> __tdp_handle_changed_spte() ->
 *                    tdp_mirror_commit() -> tdp_set_external_spte() ->
 *                    sept_set_leaf(); then the page stats; then the store
 *                    of the new value (or the old one on failure).
 *   zapper           tdp_mmu_set_spte() (write lock): exchange to
 *                    FROZEN_SPTE, tdp_ext_remove_leaf(): sept_block(),
 *                    sept_track(), flush, sept_remove_leaf(), each retried
 *                    while busy (tdp_sept_call(), TDP_SEPT_WRITE_RETRIES),
 *                    sept_unblock() on failure; stats; store.
 *   sept_busy        the backend's seeded -EBUSY (SEPT_ERR_BUSY): any S-EPT
 *                    call may fail with no side effect.
 *
 * Properties (assertions):
 *   P1  no walker wins the compare-exchange over FROZEN_SPTE (the check of
 *       is_frozen_spte() in tdp_mmu_set_spte_atomic() / tdp_fault_map());
 *   P2  while the SPTE is not frozen, the mirror and the S-EPT agree (the
 *       backend changes only while the SPTE is frozen) -- monitor;
 *   P3  the page stats change only after the S-EPT op committed;
 *   P4  no lost update: sept_set_leaf() is never called on a mapped entry
 *       (the TDX-module rule sept.c enforces), sept_remove_leaf() only on
 *       a blocked one;
 *   P5  at quiescence: not frozen, mirror == S-EPT, stats == leaves;
 *   no invalid end state (no deadlock): every process ends, the retries
 *   are bounded (WALKER_TRIES, ZAP_RETRIES).
 *
 * Bug variants (spin -DBUG_...):
 *   BUG_STATS_EARLY     stats before the S-EPT op, never undone on failure
 *                       (the mirror-SPTE-removal bug: accounting in
 *                       __tdp_handle_changed_spte() before
 *                       set_external_spte());
 *   BUG_RESTORE_EARLY   the new value is stored before the S-EPT op (the
 *                       freeze is lifted before the commit), the old one
 *                       put back if the op fails;
 *   BUG_NO_FROZEN_RETRY the walker does not treat FROZEN_SPTE as "retry"
 *                       and compare-exchanges it like any non-present
 *                       value.
 */

#define NONE	0	/* SHADOW_NONPRESENT_VALUE */
#define LEAF	1	/* a present private leaf */
#define FROZEN	2	/* FROZEN_SPTE */

#define S_NONE		0	/* S-EPT entry free */
#define S_MAPPED	1
#define S_BLOCKED	2	/* sept_block() done, not yet removed */

#define NWALKERS	3
#define WALKER_TRIES	2	/* faults per vCPU before it gives up */
#define ZAPS		2
#define ZAP_RETRIES	2	/* TDP_SEPT_WRITE_RETRIES, scaled down */

byte spte = NONE;
byte sept = S_NONE;
byte stats = 0;		/* pages[TDP_LEVEL_4K] */

/* The MMU rwlock (tdp_rwlock): readers count, one writer. */
byte readers = 0;
bool writer = false;

inline read_lock()   { atomic { !writer -> readers++ } }
inline read_unlock() { readers-- }
inline write_lock()  { atomic { !writer && readers == 0 -> writer = true } }
inline write_unlock() { writer = false }

/* An S-EPT call: either busy (no side effect) or the operation. */
#define sept_busy_or(op, r) \
	if \
	:: r = 1 \
	:: op; r = 0 \
	fi

inline sept_set_leaf(r) {
	sept_busy_or(assert(sept == S_NONE); sept = S_MAPPED, r)
}

/*
 * A faulting vCPU: each try is one tdp_mmu_page_fault() under the read
 * lock; -EBUSY (lost cmpxchg, frozen, S-EPT busy) ends the try.
 */
proctype walker()
{
	byte tries = 0, old, r;

	do
	:: tries < WALKER_TRIES ->
		tries++;
		read_lock();
		old = spte;	/* tdp_iter reads the SPTE */
		if
		:: old == LEAF ->	/* spurious: someone mapped it */
			read_unlock();
			break
#ifndef BUG_NO_FROZEN_RETRY
		:: old == FROZEN ->	/* -EBUSY, retry */
			read_unlock()
#endif
		:: else ->
			/* tdp_try_cmpxchg(sptep, &old, FROZEN_SPTE) */
			atomic {
				if
				:: spte == old ->
					assert(old != FROZEN);	/* P1 */
					spte = FROZEN;
					r = 0
				:: else -> r = 1
				fi
			}
			if
			:: r == 0 ->
#ifdef BUG_RESTORE_EARLY
				spte = LEAF;
#endif
#ifdef BUG_STATS_EARLY
				stats++;
#endif
				sept_set_leaf(r);
				if
				:: r == 0 ->
#ifndef BUG_STATS_EARLY
					/* P3: after the commit */
					assert(sept == S_MAPPED);
					stats++;
#endif
					spte = LEAF
				:: else ->
					spte = old	/* restore */
				fi
			:: else -> skip	/* lost the cmpxchg: -EBUSY */
			fi;
			read_unlock();
			if
			:: r == 0 -> break
			:: else -> skip
			fi
		fi
	:: else -> break
	od
}

/* One S-EPT step under the write lock, retried while busy. */
#define sept_call_retry(op, r) \
	n = 0; \
	do \
	:: sept_busy_or(op, r); \
	   if \
	   :: r == 0 -> break \
	   :: else -> n++; if :: n >= ZAP_RETRIES -> break :: else -> skip fi \
	   fi \
	od

proctype zapper()
{
	byte z = 0, old, r, n;

	do
	:: z < ZAPS ->
		z++;
		write_lock();
		old = spte;
		/* a write-lock holder never meets a frozen SPTE */
		assert(old != FROZEN);
		if
		:: old == LEAF ->
			spte = FROZEN;	/* __atomic_exchange_n() */
			sept_call_retry(assert(sept == S_MAPPED);
					sept = S_BLOCKED, r);
			if
			:: r == 0 ->
				/* sept_track() and the TLB flush: no state */
				sept_call_retry(assert(sept == S_BLOCKED);
						sept = S_NONE, r);
				if
				:: r != 0 -> sept = S_MAPPED	/* sept_unblock() */
				:: else -> skip
				fi
			:: else -> skip
			fi;
			if
			:: r == 0 ->
				assert(sept == S_NONE);	/* P3 */
				stats--;
				spte = NONE
			:: else ->
				spte = old
			fi
		:: else -> skip
		fi;
		write_unlock()
	:: else -> break
	od
}

/* P2: the backend is changed only while the mirror SPTE is frozen. */
proctype monitor()
{
	atomic {
		spte != FROZEN ->
		assert((spte == LEAF && sept == S_MAPPED) ||
		       (spte == NONE && sept == S_NONE))
	}
}

init
{
	atomic {
		run walker();
		run walker();
		run walker();
		run zapper();
		run monitor()	/* last: a process ends only after those created after it */
	}
	/* P5: quiescence, every other process has ended. */
	_nr_pr == 1 ->
	assert(spte != FROZEN);
	assert((spte == LEAF && sept == S_MAPPED && stats == 1) ||
	       (spte == NONE && sept == S_NONE && stats == 0))
}
