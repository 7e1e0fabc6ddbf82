#!/usr/bin/env bash
# make run: boot tdpvisor with the serial console on this terminal.
#
# Picks QEMU+KVM with nested VMX when /dev/kvm can really run it, else
# Bochs (VMX emulated), else QEMU TCG (no VMX: the diagnosis), and says
# which and why.  RUN_WITH=qemu-kvm|bochs|qemu-tcg forces one.  CFG=FILE
# puts FILE on the ESP as tdpvisor.cfg.  Exits with the hypervisor's status.
set -uo pipefail
efi=${1:-build/tdpvisor.efi}
img=build/run-esp.img
cfg=${CFG:--}
[ -f scripts/default.cfg ] && [ "$cfg" = - ] && cfg=scripts/default.cfg

kvm_nested_ok() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || { why="no usable /dev/kvm"; return 1; }
	grep -qw vmx /proc/cpuinfo || { why="the host CPU has no VT-x (vmx flag)"; return 1; }
	local n=/sys/module/kvm_intel/parameters/nested
	[ -r "$n" ] && grep -qE '^(Y|1)$' "$n" || { why="kvm_intel nested=0 (modprobe -r kvm_intel; modprobe kvm_intel nested=1)"; return 1; }
	# The module says yes; check that QEMU really accepts +vmx under KVM.
	timeout 20 qemu-system-x86_64 -accel kvm -cpu host,+vmx,enforce -machine none \
		-display none -S -monitor none -serial none -nodefaults </dev/null \
		>/dev/null 2>&1 &
	local pid=$!
	sleep 2
	if kill -0 $pid 2>/dev/null; then kill $pid; wait $pid 2>/dev/null; return 0; fi
	why="QEMU refused -accel kvm -cpu host,+vmx"
	return 1
}

with=${RUN_WITH:-}
if [ -z "$with" ]; then
	why=""
	if kvm_nested_ok; then
		with=qemu-kvm reason="/dev/kvm runs nested VMX"
	elif command -v bochs-bin >/dev/null && [ -r /usr/share/ovmf/OVMF.fd ]; then
		with=bochs reason="KVM nested VMX unavailable ($why); Bochs emulates VMX with EPT (slow)"
	else
		with=qemu-tcg reason="KVM nested VMX unavailable ($why) and no Bochs; TCG has no VMX"
	fi
else
	reason="RUN_WITH=$with"
fi
echo "make run: booting under $with: $reason"
scripts/mkesp.sh "$img" "$efi" "$cfg" || exit 125

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
*) echo "make run: unknown RUN_WITH='$with' (use qemu-kvm, bochs or qemu-tcg)" >&2; exit 2 ;;
esac
