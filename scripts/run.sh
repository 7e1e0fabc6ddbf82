#!/usr/bin/env bash
# make run: boot tdpvisor with the serial console on this terminal.
#
# Picks QEMU+KVM with nested VMX when /dev/kvm can really run it, else
# Bochs (VMX emulated), else QEMU TCG (no VMX: the diagnosis), and says
# which and why.  RUN_WITH=qemu-kvm|bochs|qemu-tcg forces one; a forced
# choice that cannot work on this machine is refused with the reason.
#
# Environment:
#   CFG=FILE        put FILE on the ESP as tdpvisor.cfg
#   ESP_FILES="SRC[:ESP/PATH] ..."   extra files on the ESP (guest images,
#                   modules); SRC alone lands at the ESP root
#   RUN_WITH=...    force the emulator
#   RUN_TIMEOUT=S   Bochs only: stop after S seconds (default 3600)
#   For the script tests, the KVM probe reads TDPVISOR_KVM_DEV (/dev/kvm),
#   TDPVISOR_CPUINFO (/proc/cpuinfo), TDPVISOR_KVM_NESTED (the kvm_intel
#   nested parameter) and runs TDPVISOR_QEMU (qemu-system-x86_64).
#
# Exit status: the hypervisor's (0 ok, 1 failure, 2 configuration error,
# 3 panic); 2 also for a bad CFG, ESP_FILES or RUN_WITH given here;
# 124 timeout; 125 the emulator itself failed; 126 the forced RUN_WITH
# cannot run on this machine.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
efi=$(realpath -m "${1:-$top/build/tdpvisor.efi}")
img=build/run-esp.img
die() { # status message
	echo "make run: $2" >&2
	exit "$1"
}

cfg=${CFG:--}
if [ "$cfg" != - ]; then
	[ -e "$cfg" ] || die 2 "CFG=$cfg: no such file"
	[ -f "$cfg" ] && [ -r "$cfg" ] || die 2 "CFG=$cfg: not a readable file"
fi
extras=()
for e in ${ESP_FILES:-}; do
	src=${e%%:*}
	[ -f "$src" ] && [ -r "$src" ] || die 2 "ESP_FILES: '$src' is not a readable file"
	dst=${e#*:}
	[ "$dst" = "$e" ] && dst=$(basename "$src")
	extras+=("$(realpath "$src"):$dst")
done
[ "$cfg" != - ] && cfg=$(realpath "$cfg")
# Paths given here are relative to where make run was started; the rest
# is relative to the tree.
cd "$top" || exit 125

kvm_nested_ok() { # sets why= when it returns 1
	local dev=${TDPVISOR_KVM_DEV:-/dev/kvm}
	local cpuinfo=${TDPVISOR_CPUINFO:-/proc/cpuinfo}
	local n=${TDPVISOR_KVM_NESTED:-/sys/module/kvm_intel/parameters/nested}
	local qemu=${TDPVISOR_QEMU:-qemu-system-x86_64} err
	[ -e "$dev" ] || { why="no $dev (KVM is not loaded, or this is not a VM host)"; return 1; }
	[ -r "$dev" ] && [ -w "$dev" ] || { why="$dev is not readable and writable by $(id -un) (add yourself to group kvm)"; return 1; }
	grep -qw vmx "$cpuinfo" || { why="the host CPU has no VT-x (no vmx flag in $cpuinfo)"; return 1; }
	[ -r "$n" ] && grep -qE '^(Y|1)$' "$n" || {
		why="kvm_intel nested is not enabled ($n: $(cat "$n" 2>/dev/null || echo missing); modprobe -r kvm_intel; modprobe kvm_intel nested=1)"
		return 1
	}
	# The module says yes; check that QEMU really accepts +vmx under KVM.
	err=$(mktemp /tmp/tdpvisor-probe.XXXXXX)
	timeout 20 "$qemu" -accel kvm -cpu host,+vmx,enforce -machine none \
		-display none -S -monitor none -serial none -nodefaults </dev/null \
		>/dev/null 2>"$err" &
	local pid=$!
	sleep 2
	if kill -0 $pid 2>/dev/null; then
		kill $pid
		wait $pid 2>/dev/null
		rm -f "$err"
		return 0
	fi
	why="QEMU refused -accel kvm -cpu host,+vmx ($(head -1 "$err" | cut -c1-160))"
	rm -f "$err"
	return 1
}
bochs_ok() {
	command -v bochs-bin >/dev/null || { why="bochs-bin is not installed (apt-get install bochs bochs-sdl bochsbios vgabios)"; return 1; }
	[ -r /usr/share/ovmf/OVMF.fd ] || { why="/usr/share/ovmf/OVMF.fd is missing (apt-get install ovmf)"; return 1; }
}
tcg_ok() {
	command -v qemu-system-x86_64 >/dev/null || { why="qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"; return 1; }
	[ -r /usr/share/OVMF/OVMF_CODE.fd ] || { why="/usr/share/OVMF/OVMF_CODE.fd is missing (apt-get install ovmf)"; return 1; }
}

with=${RUN_WITH:-} why=""
case $with in
"")
	if kvm_nested_ok; then
		reason="/dev/kvm runs nested VMX"
		with=qemu-kvm
	elif kwhy=$why && bochs_ok; then
		reason="KVM nested VMX unavailable ($kwhy); Bochs emulates VMX with EPT (slow)"
		with=bochs
	else
		reason="KVM nested VMX unavailable ($kwhy) and no Bochs ($why); TCG has no VMX"
		with=qemu-tcg
	fi ;;
qemu-kvm) kvm_nested_ok || die 126 "RUN_WITH=qemu-kvm cannot work on this machine: $why" ;;
bochs) bochs_ok || die 126 "RUN_WITH=bochs cannot work on this machine: $why" ;;
qemu-tcg) tcg_ok || die 126 "RUN_WITH=qemu-tcg cannot work on this machine: $why" ;;
*) die 2 "unknown RUN_WITH='$with' (use qemu-kvm, bochs or qemu-tcg)" ;;
esac
[ -n "${RUN_WITH:-}" ] && reason="RUN_WITH=$with"
echo "make run: booting under $with: $reason"
[ ${#extras[@]} -gt 0 ] && echo "make run: ESP extra files: ${extras[*]}"
scripts/mkesp.sh "$img" "$efi" "$cfg" "${extras[@]}" || die 125 "could not build the boot image $img"

case $with in
qemu-kvm) scripts/qemu.sh kvm "$img" ;;
qemu-tcg) scripts/qemu.sh tcg "$img" ;;
bochs)
	log=build/run-serial.log
	echo "make run: Bochs writes COM1 to $log; following it here (Ctrl-C stops)"
	: >"$log"
	tail -n +1 -f "$log" &
	tailpid=$!
	trap 'kill $tailpid 2>/dev/null' EXIT
	scripts/bochs.sh "$img" "$log" "${RUN_TIMEOUT:-3600}" build/run-bochs.log
	rc=$?
	sleep 0.5
	kill $tailpid 2>/dev/null
	exit $rc ;;
esac
