/*
 * The memslot-generation protocol of MMIO SPTEs: update in progress, the
 * EPT-misconfiguration check, generation wrap.
 *
 * One GPA X and its last-level SPTE (`spte`): non-present, a RAM leaf, or
 * an MMIO SPTE carrying a generation.  The generation is GEN_BITS wide (19
 * in mmu/spte.h, 2 here so the wrap is reached); IN_PROGRESS stands for
 * TDP_MEMSLOT_GEN_UPDATE_IN_PROGRESS.
 *
 *   arr_slot, arr_gen  the published memslot array (mmu->slots): whether
 *                      a slot covers X, and slots->generation; read
 *                      together by a fault (tdp_memslots_current())
 *   mmu_gen            mmu->generation (tdp_memslot_generation()), what
 *                      the misconfig check compares against
 *   updater            tdp_memslot_create/delete/move/flags ->
 *                      tdp_memslots_publish(), tdp_memslots_commit(),
 *                      tdp_mmu_zap_range_for_memslot(),
 *                      tdp_mmu_zap_all_mmio_locked()
 *   vcpu               the CPU's access to X; an EPT violation runs
 *                      fault() (tdp_mmu_page_fault() -> tdp_fault_locked()
 *                      -> tdp_fault_map() / tdp_fault_mmio()); an EPT
 *                      misconfiguration runs misconfig()
 *                      (vm_handle_ept_misconfig() ->
 *                      tdp_mmu_classify_misconfig() ->
 *                      tdp_mmu_mmio_spte_is_current())
 *
 * The correct update (the main model):
 *   1. mmu_gen = old | IN_PROGRESS;
 *   2. publish the new array, its generation old | IN_PROGRESS;
 *   3. under the write lock: zap what a deleted slot mapped, and on wrap
 *      (new generation == 0) every MMIO SPTE;
 *   4. generation = old + 1, IN_PROGRESS clear (array and mmu_gen).
 * The misconfig check reads the SPTE and the generation and compares them
 * under the MMU read lock; any generation with IN_PROGRESS is stale.
 *
 * Property (assertion at the moment of the compare): an MMIO SPTE is
 * emulated only if X has no memslot in the published array.  Also: no
 * invalid end state.
 *
 * Bug variants (spin -DBUG_...):
 *   BUG_GEN_BEFORE_ZAP  the new generation (flag clear) and the array
 *                       are published first, the wrap zap comes after,
 *                       under the write lock;
 *   BUG_COMPARE_UNLOCKED the SPTE is read under the read lock
 *                       (tdp_mmu_get_walk()), the generation compared
 *                       (tdp_mmu_mmio_spte_is_current()) after the lock
 *                       is dropped;
 *   BUG_NO_IN_PROGRESS  the correct order, but no IN_PROGRESS flag: the
 *                       old generation stays current while the new array
 *                       is already published;
 *   BUG_NO_WRAP_ZAP     no zap of MMIO SPTEs on wrap.
 */

#define GEN_BITS	2
#define GEN_MASK	3
#define IN_PROGRESS	4

#define S_NONE	0	/* SHADOW_NONPRESENT_VALUE */
#define S_RAM	1	/* a RAM leaf */
#define S_MMIO	2	/* S_MMIO + g: make_mmio_spte(gpa, g) */

#define NUPDATES	4
#define NACCESS		2

byte spte = S_NONE;
bool arr_slot = false;
byte arr_gen;
byte mmu_gen;

byte readers = 0;
bool writer = false;

inline read_lock()   { atomic { !writer -> readers++ } }
inline read_unlock() { readers-- }
inline write_lock()  { atomic { !writer && readers == 0 -> writer = true } }
inline write_unlock() { writer = false }

/* tdp_fault_locked(): the caller holds the read lock. */
inline fault()
{
	atomic { ls = arr_slot; lg = arr_gen };
	if
	:: ls ->	/* tdp_fault_map(): the cmpxchg to the RAM leaf */
		spte = S_RAM
	:: !ls && (lg & IN_PROGRESS) ->
		skip	/* tdp_fault_mmio(): MMIO, nothing cached */
	:: !ls && !(lg & IN_PROGRESS) ->
		/* tdp_fault_mmio(): install make_mmio_spte(gpa, gen) */
		atomic {
			if
			:: spte == S_MMIO + (lg & GEN_MASK) -> skip
			:: spte == S_RAM -> skip	/* warned: RAM without slot */
			:: else -> spte = S_MMIO + (lg & GEN_MASK)
			fi
		}
	fi
}

/* The generation check of tdp_mmu_mmio_spte_is_current(). */
#define gen_current(s, g) \
	(!((g) & IN_PROGRESS) && ((g) & GEN_MASK) == (s) - S_MMIO)

proctype vcpu()
{
	byte n = 0, s, ls, lg;
	bool stale;

	do
	:: n < NACCESS ->
		n++;
		s = spte;	/* the CPU walks the EPT */
		if
		:: s == S_RAM -> skip
		:: s == S_NONE ->	/* EPT violation */
			read_lock(); fault(); read_unlock()
		:: s >= S_MMIO ->	/* EPT misconfiguration */
			read_lock();
			s = spte;	/* tdp_mmu_get_walk() */
#ifdef BUG_COMPARE_UNLOCKED
			read_unlock();
#endif
			atomic {
				stale = !(s >= S_MMIO && gen_current(s, mmu_gen));
				/* emulate_mmio(): X must have no memslot */
				assert(stale || !arr_slot)
			}
#ifndef BUG_COMPARE_UNLOCKED
			read_unlock();
#endif
			if
			:: stale -> read_lock(); fault(); read_unlock()
			:: else -> skip
			fi
		fi;
		/* dead locals reset: fewer distinct states */
		s = 0; ls = 0; lg = 0; stale = false
	:: else -> break
	od
}

/* Under the write lock: the zaps of one update. */
inline zap(newslot, new)
{
	write_lock();
	if	/* tdp_mmu_zap_range_for_memslot() */
	:: !newslot && spte == S_RAM -> spte = S_NONE
	:: else -> skip
	fi;
#ifndef BUG_NO_WRAP_ZAP
	if	/* tdp_mmu_zap_all_mmio_locked() */
	:: new == 0 && spte >= S_MMIO -> spte = S_NONE
	:: else -> skip
	fi;
#endif
	write_unlock()
}

proctype updater()
{
	byte u = 0, old, new;
	bool newslot;

	do
	:: u < NUPDATES ->
		u++;
		if
		:: newslot = !arr_slot	/* X's slot created or deleted */
		:: newslot = arr_slot	/* another slot changes */
		fi;
		old = mmu_gen & GEN_MASK;
		new = (old + 1) & GEN_MASK;
#if defined(BUG_GEN_BEFORE_ZAP)
		mmu_gen = new;
		atomic { arr_slot = newslot; arr_gen = new };
		zap(newslot, new);
#elif defined(BUG_NO_IN_PROGRESS)
		atomic { arr_slot = newslot; arr_gen = old };
		zap(newslot, new);
		atomic { arr_gen = new; mmu_gen = new };
#else
		mmu_gen = old | IN_PROGRESS;
		atomic { arr_slot = newslot; arr_gen = old | IN_PROGRESS };
		zap(newslot, new);
		atomic { arr_gen = new; mmu_gen = new };
#endif
	:: else -> break
	od
}

init
{
	atomic {
		/* cfg.initial_generation: any start, so wraps come early */
		if
		:: mmu_gen = 0
		:: mmu_gen = 1
		:: mmu_gen = 2
		:: mmu_gen = 3
		fi;
		arr_gen = mmu_gen;
		run updater();
		run vcpu();
		run vcpu()
	}
}
