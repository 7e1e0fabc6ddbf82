#!/usr/bin/env bash
# System tests: boot build/tdpvisor.efi under QEMU TCG + OVMF and Bochs +
# OVMF and judge each run by its serial log.
#
# Each tests/sys/*.case file is one boot:
#   emulator: qemu-tcg | bochs        (required)
#   image:    usb                     boot the `make usb` GPT image instead
#                                     of a bare FAT16 ESP (cfg/file ignored)
#   status:   N                       expected exit status (required)
#   timeout:  SECONDS                 default 90 (qemu) / 300 (bochs)
#   env:      NAME=VALUE              environment for the emulator script
#   cfg:      LINE                    a line of tdpvisor.cfg (repeatable;
#                                     no cfg lines: no file on the ESP)
#   file:     SRC[:ESP/PATH]          extra file on the ESP (repeatable)
#   expect:   REGEX                   must match a log line (grep -E)
#   expect-count: N REGEX             must match exactly N lines
#   forbid:   REGEX                   must match no log line
#   bochs-log-count: N REGEX          lines of bochs.log matching REGEX
#   bochs-log-min: N REGEX            at least N lines of bochs.log
#   wait:     REGEX                   (bochs) COM1 is driven live over a
#   send:     TEXT                    socket: the wait:/send: lines run in
#                                     order (scripts/serial-drive.py; TEXT
#                                     takes \r, \n, \xNN escapes)
#
#   scripts/sys-tests.sh [CASE-NAME-GLOB]   (SYS_JOBS=2 runs in parallel)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/systest
mkdir -p "$out"
pattern=${1:-*}
jobs=${SYS_JOBS:-2}

run_case() {
	local case=$1 name emu status tmo rc log esp cfg res
	name=$(basename "$case" .case)
	log=$out/$name.log esp=$out/$name.img cfg=$out/$name.cfg res=$out/$name.result
	emu=$(sed -n 's/^emulator: *//p' "$case")
	status=$(sed -n 's/^status: *//p' "$case")
	tmo=$(sed -n 's/^timeout: *//p' "$case")
	[ -z "$tmo" ] && { [ "$emu" = bochs ] && tmo=300 || tmo=90; }
	local files=()
	while IFS= read -r f; do files+=("$f"); done < <(sed -n 's/^file: *//p' "$case")
	if grep -q '^cfg:' "$case"; then
		sed -n 's/^cfg: \{0,1\}//p' "$case" >"$cfg"
	else
		cfg=-
	fi
	if grep -q '^image: *usb' "$case"; then
		scripts/mkusb.sh "$esp" build/tdpvisor.efi >/dev/null
	else
		scripts/mkesp.sh "$esp" build/tdpvisor.efi "$cfg" "${files[@]}"
	fi || { echo "FAIL $name: could not build the boot image" >"$res"; return; }
	local t0=$SECONDS
	local envs=()
	while IFS= read -r e; do envs+=("$e"); done < <(sed -n 's/^env: *//p' "$case")
	if grep -Eq '^(wait|send):' "$case"; then
		grep -E '^(wait|send): ' "$case" >"$out/$name.serial"
		envs+=("BOCHS_SERIAL_SCRIPT=$out/$name.serial")
	fi
	case $emu in
	qemu-tcg) env "${envs[@]}" scripts/qemu.sh tcg "$esp" "$log" "$tmo" ;;
	bochs) env "${envs[@]}" scripts/bochs.sh "$esp" "$log" "$tmo" "$out/$name.bochs.log" ;;
	*) echo "FAIL $name: unknown emulator '$emu'" >"$res"; return ;;
	esac
	rc=$?
	local secs=$((SECONDS - t0)) why=()
	# Strip the firmware's terminal escapes and CRs before matching.
	sed -e 's/\x1b\[[0-9;=?]*[A-Za-z]//g' -e 's/\r//g' "$log" >"$log.txt"
	[ "$rc" = 124 ] && why+=("timed out after ${tmo}s")
	[ "$rc" != "$status" ] && why+=("exit status $rc, expected $status")
	while IFS= read -r re; do
		grep -Eq -- "$re" "$log.txt" || why+=("missing: $re")
	done < <(sed -n 's/^expect: *//p' "$case")
	while IFS= read -r re; do
		grep -Eq -- "$re" "$log.txt" && why+=("forbidden: $re")
	done < <(sed -n 's/^forbid: *//p' "$case")
	while read -r n re; do
		local c
		c=$(grep -Ec -- "$re" "$log.txt")
		[ "$c" = "$n" ] || why+=("count $c, expected $n: $re")
	done < <(sed -n 's/^expect-count: *//p' "$case")
	while read -r n re; do
		local c
		c=$(grep -Ec -- "$re" "$out/$name.bochs.log" 2>/dev/null)
		[ "$c" = "$n" ] || why+=("bochs.log count $c, expected $n: $re")
	done < <(sed -n 's/^bochs-log-count: *//p' "$case")
	while read -r n re; do
		local c
		c=$(grep -Ec -- "$re" "$out/$name.bochs.log" 2>/dev/null)
		[ "$c" -ge "$n" ] || why+=("bochs.log count $c, expected >= $n: $re")
	done < <(sed -n 's/^bochs-log-min: *//p' "$case")
	if [ ${#why[@]} -eq 0 ]; then
		echo "PASS $name ($emu, ${secs}s)" >"$res"
	else
		{ echo "FAIL $name ($emu, ${secs}s; log: $log.txt)"
		  printf '      - %s\n' "${why[@]}"; } >"$res"
	fi
}
export -f run_case
export out

cases=()
for c in tests/sys/$pattern.case; do [ -f "$c" ] && cases+=("$c"); done
[ ${#cases[@]} -eq 0 ] && { echo "sys-tests: no case matches '$pattern'"; exit 1; }
rm -f "$out"/*.result
echo "== system tests (${#cases[@]} boots, $jobs at a time) =="
printf '%s\n' "${cases[@]}" | xargs -P "$jobs" -I{} bash -c 'run_case "$1"; cat "$out/$(basename "$1" .case).result"' _ {}
pass=$(cat "$out"/*.result | grep -c '^PASS')
fail=$(cat "$out"/*.result | grep -c '^FAIL')
echo "system tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
