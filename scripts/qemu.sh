#!/usr/bin/env bash
# Boots an ESP image under QEMU + OVMF (q35).
#
#   scripts/qemu.sh tcg|kvm ESP.img [SERIAL_LOG] [TIMEOUT_S]
#
# With SERIAL_LOG the serial console goes to that file, else to the
# terminal.  isa-debug-exit on port 0xf4 carries the hypervisor's status:
# QEMU exits with 2*status+1, which this script turns back into status
# (0 = ok).  Other exits: 124 timeout, 125 QEMU itself failed.
set -uo pipefail
accel=$1 img=$2 log=${3:-} tmo=${4:-0}
code=/usr/share/OVMF/OVMF_CODE.fd
vars_src=/usr/share/OVMF/OVMF_VARS.fd
[ -r "$code" ] || { echo "qemu.sh: $code missing (apt-get install ovmf)" >&2; exit 125; }

vars=$(mktemp /tmp/tdpvisor-vars.XXXXXX)
trap 'rm -f "$vars"' EXIT
cp "$vars_src" "$vars"

args=(-machine q35 -m "${QEMU_MEM:-512}" -smp 1 -no-reboot
	-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
	-drive "if=pflash,format=raw,unit=1,file=$vars"
	-drive "format=raw,file=$img,if=ide"
	-display none -vga none -net none)
# QEMU_DEBUG_EXIT=0 leaves isa-debug-exit out: tdpvisor then powers off
# through ACPI S5 and QEMU exits 0 (no status travels back).
[ "${QEMU_DEBUG_EXIT:-1}" = 0 ] ||
	args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ "$accel" = kvm ]; then
	args+=(-accel kvm -cpu host,+vmx)
else
	args+=(-accel tcg -cpu max)
fi
if [ -n "$log" ]; then
	args+=(-serial "file:$log" -monitor none)
else
	args+=(-serial mon:stdio)
fi

if [ "$tmo" != 0 ]; then
	timeout --foreground "$tmo" qemu-system-x86_64 "${args[@]}" </dev/null
else
	qemu-system-x86_64 "${args[@]}"
fi
rc=$?
case $rc in
124) exit 124 ;;
0) exit 0 ;; # powered off via ACPI without isa-debug-exit: no status
*) if [ $((rc & 1)) -eq 1 ]; then exit $(((rc - 1) / 2)); fi; exit 125 ;;
esac
