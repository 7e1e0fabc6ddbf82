#!/usr/bin/env bash
# make run's front end (scripts/run.sh): a forced RUN_WITH is still
# diagnosed, bad CFG/ESP_FILES/RUN_WITH are named before anything boots,
# and the README's worked example (a multiboot kernel of the user's own,
# put on the ESP with ESP_FILES) boots under Bochs and exits 0.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/scripts/lib.sh
tmp=$(mktemp -d /tmp/tdpvisor-run.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
r=scripts/run.sh

# The KVM probe, each reason in turn, through its test inputs.
printf 'flags\t: fpu vme\n' >"$tmp/cpuinfo-novmx"
printf 'flags\t: fpu vmx ept\n' >"$tmp/cpuinfo-vmx"
echo N >"$tmp/nested-N"
echo Y >"$tmp/nested-Y"
run_status "forced qemu-kvm without /dev/kvm" 126 \
	"RUN_WITH=qemu-kvm cannot work on this machine: no $tmp/none" \
	env RUN_WITH=qemu-kvm TDPVISOR_KVM_DEV="$tmp/none" $r
touch "$tmp/kvm"
run_status "forced qemu-kvm without the vmx flag" 126 \
	"the host CPU has no VT-x (no vmx flag in $tmp/cpuinfo-novmx)" \
	env RUN_WITH=qemu-kvm TDPVISOR_KVM_DEV="$tmp/kvm" TDPVISOR_CPUINFO="$tmp/cpuinfo-novmx" $r
run_status "forced qemu-kvm with nested=N" 126 "kvm_intel nested is not enabled ($tmp/nested-N: N;" \
	env RUN_WITH=qemu-kvm TDPVISOR_KVM_DEV="$tmp/kvm" TDPVISOR_CPUINFO="$tmp/cpuinfo-vmx" \
	TDPVISOR_KVM_NESTED="$tmp/nested-N" $r
printf '#!/bin/sh\necho "qemu: CPU feature vmx not found" >&2\nexit 1\n' >"$tmp/qemu"
chmod +x "$tmp/qemu"
run_status "forced qemu-kvm when QEMU refuses +vmx" 126 \
	"QEMU refused -accel kvm -cpu host,+vmx (qemu: CPU feature vmx not found)" \
	env RUN_WITH=qemu-kvm TDPVISOR_KVM_DEV="$tmp/kvm" TDPVISOR_CPUINFO="$tmp/cpuinfo-vmx" \
	TDPVISOR_KVM_NESTED="$tmp/nested-Y" TDPVISOR_QEMU="$tmp/qemu" $r
run_status "an unknown RUN_WITH" 2 "unknown RUN_WITH='vbox' (use qemu-kvm, bochs or qemu-tcg)" \
	env RUN_WITH=vbox $r
run_status "a missing CFG is named before booting" 2 "CFG=$tmp/missing.cfg: no such file" \
	env CFG="$tmp/missing.cfg" $r
out=$(CFG="$tmp/missing.cfg" $r 2>&1)
grep -q "booting under" <<<"$out"
check_result $([ $? != 0 ] && echo 0 || echo 1) "nothing is announced for a missing CFG" "$out"
run_status "a missing ESP_FILES entry is named" 2 "ESP_FILES: '$tmp/k.elf' is not a readable file" \
	env ESP_FILES="$tmp/k.elf:guests/k.elf" $r

# The README's worked example, taken from the README itself: the source,
# the config and the two build commands.
sed -n '/^<!-- example: hello.asm -->/,/^```$/p' README.md | sed '1,2d;$d' >"$tmp/hello.asm"
sed -n '/^<!-- example: hello.cfg -->/,/^```$/p' README.md | sed '1,2d;$d' >"$tmp/hello.cfg"
if [ -s "$tmp/hello.asm" ] && [ -s "$tmp/hello.cfg" ] &&
	(cd "$tmp" && eval "$(grep -E '^(nasm|ld) .*hello' "$OLDPWD/README.md")") && [ -f "$tmp/hello.elf" ]; then
	out=$(cd "$tmp" && RUN_WITH=bochs RUN_TIMEOUT=300 CFG=hello.cfg ESP_FILES="hello.elf:guests/hello.elf" \
		"$OLDPWD/$r" 2>&1)
	rc=$?
	grep -q '\[guest .*hello.elf\] hello from my own kernel' <<<"$out" &&
		grep -q '=== guest .*hello.elf: PASS' <<<"$out" && [ $rc = 0 ]
	check_result $? "the README's own multiboot kernel boots from the ESP (Bochs)" "exit $rc" \
		"$(grep -E 'guest|ERROR|exit status' <<<"$out" | tail -8)"
else
	check_result 1 "the README's example builds" "$(ls -l "$tmp")"
fi
finish
