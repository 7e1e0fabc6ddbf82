#!/usr/bin/env bash
# make test: formatting, the call graph (no call circle, nothing calls up
# into boot/), script tests (the dependency check among them),
# host tests (unit, property, concurrency under ASan/UBSan and
# TSan, short fuzz runs), Spin model checking (mmu/model/), then the
# system tests under QEMU TCG and Bochs.
# Prints "N passed, N failed" per runner and a total.
set -uo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
rc=0
echo "== format =="
if make -s format-check; then echo "format: 1 passed, 0 failed"; else echo "format: 0 passed, 1 failed (run make format)"; rc=1; fi | tee build/format.out
echo "== call graph =="
scripts/check-calls.sh build/img | tee build/calls.out || rc=1
scripts/run-script-tests.sh | tee build/script-tests.out || rc=1
scripts/run-host-tests.sh build/host build/fuzz | tee build/host-tests.out || rc=1
scripts/run-models.sh | tee build/models.out || rc=1
scripts/sys-tests.sh | tee build/sys-tests.out || rc=1
p=0 f=0
for o in build/format.out build/calls.out build/script-tests.out build/host-tests.out build/models.out \
	build/sys-tests.out; do
	l=$(grep -E '^[a-z ]+: [0-9]+ passed, [0-9]+ failed' "$o" | tail -1)
	[ -z "$l" ] && { f=$((f + 1)); continue; }
	p=$((p + $(echo "$l" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
	f=$((f + $(echo "$l" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
done
echo "== make test: $p passed, $f failed ($((SECONDS - t0))s) =="
[ $rc -eq 0 ] && [ $f -eq 0 ]
