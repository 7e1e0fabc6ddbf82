#!/usr/bin/env bash
# Runs the script tests (tests/scripts/test_*.sh): the dependency check,
# make run's choices and refusals, the boot-image builders and the USB
# writer (against loop devices, never a real disk).  Each file prints its
# checks; this prints one PASS/FAIL per file and "N passed, N failed".
#
#   scripts/run-script-tests.sh [NAME-GLOB]
set -uo pipefail
cd "$(dirname "$0")/.."
logdir=build/script-tests
mkdir -p "$logdir"
pass=0 fail=0
echo "== script tests =="
for t in tests/scripts/test_${1:-*}.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh) t0=$SECONDS
	if bash "$t" >"$logdir/$name.log" 2>&1; then
		pass=$((pass + 1))
		printf '  PASS  %-32s %4ss\n' "$name" $((SECONDS - t0))
	else
		fail=$((fail + 1))
		printf '  FAIL  %-32s %4ss  (log: %s)\n' "$name" $((SECONDS - t0)) "$logdir/$name.log"
		grep -A3 FAIL "$logdir/$name.log" | sed 's/^/        /'
	fi
done
echo "script tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
