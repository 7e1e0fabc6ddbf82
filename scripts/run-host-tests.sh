#!/usr/bin/env bash
# Runs every host test binary (ASan+UBSan unit tests, ASan and TSan
# concurrency tests) and, when built, each libFuzzer harness for a short
# smoke run.  Prints "N passed, N failed"; exits non-zero on any failure.
#
#   scripts/run-host-tests.sh BUILD/host [FUZZ_DIR]
set -uo pipefail
host=${1:-build/host} fuzzdir=${2:-build/fuzz}
fuzz_secs=${FUZZ_SECONDS:-10}
logdir=$host/logs
mkdir -p "$logdir"
pass=0 fail=0 failed=()

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

run_one() { # name log cmd...
	local name=$1 log=$2
	shift 2
	local t0=$SECONDS
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		printf '  PASS  %-40s %4ss\n' "$name" $((SECONDS - t0))
	else
		fail=$((fail + 1))
		failed+=("$name")
		printf '  FAIL  %-40s %4ss  (log: %s)\n' "$name" $((SECONDS - t0)) "$log"
		tail -n 25 "$log" | sed 's/^/        | /'
	fi
}

echo "== host tests =="
for kind in asan/bin asan/cbin tsan/cbin; do
	for t in "$host/$kind"/test_*; do
		[ -x "$t" ] || continue
		name="${kind%%/*}:$(basename "$t")"
		run_one "$name" "$logdir/${name//[:\/]/_}.log" "$t"
	done
done
if [ "$fuzz_secs" != 0 ]; then
	for f in "$fuzzdir"/fuzz_*; do
		[ -x "$f" ] || continue
		name="fuzz:$(basename "$f") (${fuzz_secs}s)"
		corpus=tests/fuzz/corpus/$(basename "$f")
		args=(-max_total_time="$fuzz_secs" -seed=1 -print_final_stats=1
			-artifact_prefix="$logdir/")
		[ -d "$corpus" ] && args+=("$corpus")
		run_one "$name" "$logdir/$(basename "$f").log" "$f" "${args[@]}"
	done
fi
echo "host tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { printf 'failed: %s\n' "${failed[*]}"; exit 1; }
