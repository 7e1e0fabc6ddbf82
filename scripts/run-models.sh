#!/usr/bin/env bash
# Model-checks the Promela models of the MMU's concurrency protocols
# (mmu/model/*.pml, see docs/models.md) with Spin.  Each model is checked
# as written (must verify: "errors: 0") and once per bug variant
# (spin -DBUG_x: must fail, "errors: N" with N > 0, leaving a trail).
# One PASS/FAIL line per check, then "models: N passed, N failed"; exits
# non-zero on any failure.
#
#   scripts/run-models.sh [BUILD_DIR]     (default build/model)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/model}
pass=0 fail=0

# model  bug variants (each must produce an error)
checks=(
	"mirror_freeze BUG_STATS_EARLY BUG_RESTORE_EARLY BUG_NO_FROZEN_RETRY"
	"memslot_gen BUG_GEN_BEFORE_ZAP BUG_COMPARE_UNLOCKED BUG_NO_IN_PROGRESS BUG_NO_WRAP_ZAP"
	"deferred_free BUG_FREE_BEFORE_FLUSH BUG_FREE_UNDER_READ_LOCK BUG_BUMP_AFTER_FLUSH"
)

count_all() {
	local n=0 c
	for c in "${checks[@]}"; do
		set -- $c
		n=$((n + $#))
	done
	echo $n
}

if ! command -v spin >/dev/null || ! command -v gcc >/dev/null; then
	echo "  FAIL  spin or gcc not installed (scripts/deps.sh)"
	echo "models: 0 passed, $(count_all) failed"
	exit 1
fi

field() { # log sed-expression
	sed -nE "$2" "$1" | head -1
}

check() { # model bug-or-empty
	local model=$1 bug=$2 name dir log def=() want states depth secs errs
	name=$model${bug:+ -D$bug}
	dir=$out/$model${bug:+-$bug}
	log=$dir/pan.out
	rm -rf "$dir" && mkdir -p "$dir"
	cp "mmu/model/$model.pml" "$dir/"
	[ -n "$bug" ] && def=("-D$bug")
	if ! (cd "$dir" && spin "${def[@]}" -a "$model.pml" >spin.out 2>&1 &&
		gcc -O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=1024 -o pan pan.c \
			>gcc.out 2>&1); then
		fail=$((fail + 1))
		printf '  FAIL  %-44s spin -a or gcc failed (%s)\n' "$name" "$dir"
		cat "$dir/spin.out" "$dir/gcc.out" 2>/dev/null | tail -n 10 |
			sed 's/^/        | /'
		return
	fi
	(cd "$dir" && timeout 60 ./pan -m100000 >pan.out 2>&1)
	errs=$(field "$log" 's/.*errors: ([0-9]+).*/\1/p')
	states=$(field "$log" 's/^ *([0-9]+) states, stored.*/\1/p')
	depth=$(field "$log" 's/.*depth reached ([0-9]+).*/\1/p')
	secs=$(field "$log" 's/^pan: elapsed time ([0-9.e+-]+) seconds.*/\1/p')
	want="errors: 0"
	[ -n "$bug" ] && want="an error"
	if [ -z "$errs" ] || [ -n "$bug" -a "$errs" = 0 ] ||
		[ -z "$bug" -a "$errs" != 0 ]; then
		fail=$((fail + 1))
		printf '  FAIL  %-44s wanted %s, got errors: %s (log: %s)\n' \
			"$name" "$want" "${errs:-?}" "$log"
		grep -E '^pan:|violated|invalid end' "$log" | head -n 5 |
			sed 's/^/        | /'
		[ -z "$bug" ] && [ -f "$dir/$model.pml.trail" ] &&
			echo "        | trail: (cd $dir && spin -t -p $model.pml)"
		return
	fi
	pass=$((pass + 1))
	printf '  PASS  %-44s errors %s, %s states, depth %s, %ss\n' \
		"$name" "$errs" "${states:-?}" "${depth:-?}" "${secs:-?}"
	if [ -n "$bug" ]; then
		grep -m1 -E '^pan:[0-9]+: ' "$log" | sed 's/^/        found: /'
	fi
}

t0=$SECONDS
echo "== models (Spin) =="
for c in "${checks[@]}"; do
	set -- $c
	model=$1
	shift
	check "$model" ""
	for bug in "$@"; do
		check "$model" "$bug"
	done
done
echo "models: $pass passed, $fail failed ($((SECONDS - t0))s)"
[ $fail -eq 0 ]
