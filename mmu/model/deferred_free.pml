/*
 * Deferred free of an unlinked page-table page against walkers and TLB
 * flushes.
 *
 * One table page P, linked from one parent SPTE (`linked`).  Its life:
 * LIVE (linked), DEFERRED (unlinked and queued), FREED.
 *
 *   walker    a software walker under the MMU read lock: a fault or a
 *             zap in tdp_iter (for_each_tdp_pte), which reads the parent
 *             SPTE, then follows the pointer into P
 *   cpu       the CPU in guest mode walking the EPT without any lock; its
 *             paging-structure cache (`psc`) keeps P's address from a walk
 *             while P was linked until an INVEPT, so it can read P after
 *             the unlink
 *   zapper    an unlink of P: under the read lock, as huge-page recovery
 *             and tdp_handle_removed_pt() with ctx->shared do, or under
 *             the write lock (tdp_mmu_zap_*, then the drain of
 *             tdp_mmu_write_unlock() in the same critical section); then
 *             tdp_sp_defer_free(), which records mmu->flush_seq in
 *             sp->flush_seq
 *   flusher   tdp_mmu_flush_tlb() under the read lock (from
 *             tdp_mmu_iter_cond_resched(), tdp_ext_remove_leaf(), ...):
 *             bump flush_seq, then INVEPT (`psc` cleared)
 *   drainer   tdp_mmu_drain_deferred(), run by tdp_mmu_write_lock() and
 *             tdp_mmu_write_unlock(): under the write lock (no walker is
 *             inside the tables), flush if a queued page's flush_seq is
 *             the current one (no flush since its unlink), then free
 *
 * Property (assertions): no walker and no cached paging-structure entry
 * reads P once it is FREED.  Also: no invalid end state.
 *
 * Bug variants (spin -DBUG_...):
 *   BUG_FREE_BEFORE_FLUSH   the drain frees without the flush check;
 *   BUG_FREE_UNDER_READ_LOCK the drain runs under the read lock, so a
 *                           walker can still be inside P;
 *   BUG_BUMP_AFTER_FLUSH    tdp_mmu_flush_tlb() bumps flush_seq after the
 *                           INVEPT instead of before, so a page unlinked
 *                           between the two looks flushed.
 */

#define LIVE		0
#define DEFERRED	1
#define FREED		2

#define NWALKERS	2
#define CPU_WALKS	3
#define NFLUSHES	1
#define NDRAINS		2

bool linked = true;
byte pstate = LIVE;
bool psc = false;
byte flush_seq = 0;	/* mmu->flush_seq */
byte sp_seq = 0;	/* sp->flush_seq */

byte readers = 0;
bool writer = false;

inline read_lock()   { atomic { !writer -> readers++ } }
inline read_unlock() { readers-- }
inline write_lock()  { atomic { !writer && readers == 0 -> writer = true } }
inline write_unlock() { writer = false }

/* tdp_mmu_flush_tlb(); ops->flush_tlb is the INVEPT. */
inline flush_tlb()
{
#ifdef BUG_BUMP_AFTER_FLUSH
	psc = false;
	flush_seq++;
#else
	flush_seq++;
	psc = false;
#endif
}

/* tdp_mmu_drain_deferred(): the caller holds the write lock. */
inline drain()
{
	seq = flush_seq;
	if
	:: pstate == DEFERRED ->
#ifndef BUG_FREE_BEFORE_FLUSH
		if
		:: sp_seq == seq -> flush_tlb()
		:: else -> skip
		fi;
#endif
		pstate = FREED	/* tdp_sp_free() */
	:: else -> skip
	fi
}

proctype walker()
{
	bool p;

	read_lock();
	p = linked;	/* the parent SPTE */
	if
	:: p -> assert(pstate == LIVE || pstate == DEFERRED)	/* reads P */
	:: else -> skip
	fi;
	read_unlock()
}

proctype cpu()
{
	byte n = 0;

	do
	:: n < CPU_WALKS ->
		n++;
		atomic {
			if
			:: psc -> assert(pstate != FREED)	/* cached entry */
			:: !psc && linked ->
				psc = true;	/* walked from the root, cached */
				assert(pstate != FREED)
			:: else -> skip
			fi
		}
	:: else -> break
	od
}

inline unlink_defer()
{
	if
	:: linked ->
		linked = false;	/* cmpxchg of the parent SPTE */
		sp_seq = flush_seq;	/* tdp_sp_defer_free() */
		pstate = DEFERRED
	:: else -> skip
	fi
}

proctype zapper()
{
	byte seq;

	if
	:: read_lock(); unlink_defer(); read_unlock()
	:: write_lock(); unlink_defer(); drain(); write_unlock()
	fi
}

proctype flusher()
{
	byte n = 0;

	do
	:: n < NFLUSHES -> n++; read_lock(); flush_tlb(); read_unlock()
	:: else -> break
	od
}

proctype drainer()
{
	byte n = 0, seq;

	do
	:: n < NDRAINS ->
		n++;
#ifdef BUG_FREE_UNDER_READ_LOCK
		read_lock(); drain(); read_unlock();
#else
		write_lock(); drain(); write_unlock();
#endif
		seq = 0
	:: else -> break
	od
}

init
{
	atomic {
		run walker();
		run walker();
		run cpu();
		run zapper();
		run flusher();
		run drainer()
	}
}
