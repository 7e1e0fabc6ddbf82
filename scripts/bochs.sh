#!/usr/bin/env bash
# Boots an ESP image under Bochs 2.7 + OVMF with VMX/EPT emulated
# (CPU model corei7_skylake_x; see shared notes/emulators.md).
#
#   scripts/bochs.sh ESP.img SERIAL_LOG [TIMEOUT_S] [BOCHS_LOG]
#
# Environment: BOCHS_CPU (CPU model, default corei7_skylake_x), BOCHS_CPUS
# (count, default 1), BOCHS_MEM (MiB, default 512), BOCHS_IPS, BOCHS_E9_HACK
# (0 leaves out port_e9_hack, as some Bochs set-ups do), BOCHS_SERIAL_SCRIPT
# (a file of wait:/send: steps: COM1 becomes a TCP socket that
# scripts/serial-drive.py drives with pexpect, logging to SERIAL_LOG).
#
# The serial log is the oracle: Bochs exits 1 even after a clean guest
# shutdown, so the status is taken from the hypervisor's last line
# "tdpvisor: exit status N".  Exit: N, 124 on timeout, 125 when no status
# line was printed, 126 when the serial script failed (a wait timed out).
set -uo pipefail
# Debian's python3 (with python3-pexpect), not one a user put first on PATH.
PATH=/usr/bin:/bin:$PATH
img=$1 log=$2 tmo=${3:-300} blog=${4:-${2%.*}.bochs.log}
ovmf=/usr/share/ovmf/OVMF.fd
for f in "$ovmf" /usr/share/vgabios/vgabios.bin; do
	[ -r "$f" ] || { echo "bochs.sh: $f missing (apt-get install ovmf vgabios)" >&2; exit 125; }
done
dir=$(mktemp -d /tmp/tdpvisor-bochs.XXXXXX)
trap 'rm -rf "$dir"' EXIT
: >"$log"
script=${BOCHS_SERIAL_SCRIPT:-}
if [ -n "$script" ]; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	com1="com1: enabled=1, mode=socket-server, dev=127.0.0.1:$port"
else
	com1="com1: enabled=1, mode=file, dev=$(realpath "$log")"
fi
cat >"$dir/bochsrc" <<RC
display_library: sdl2
memory: guest=${BOCHS_MEM:-512}, host=${BOCHS_MEM:-512}
romimage: file=$ovmf, address=0xffe00000
vgaromimage: file=/usr/share/vgabios/vgabios.bin
vga: extension=vbe
pci: enabled=1, chipset=i440fx
cpu: model=${BOCHS_CPU:-corei7_skylake_x}, count=${BOCHS_CPUS:-1}, ips=${BOCHS_IPS:-100000000}, reset_on_triple_fault=0, ignore_bad_msrs=1
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path=$(realpath "$img"), mode=flat
boot: disk
$com1
port_e9_hack: enabled=${BOCHS_E9_HACK:-1}
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
clock: sync=none, time0=local
log: $(realpath -m "$blog")
panic: action=fatal
RC
echo c >"$dir/rc"
if [ -n "$script" ]; then
	SDL_VIDEODRIVER=dummy timeout "$tmo" bochs-bin -q -unlock -f "$dir/bochsrc" \
		-rc "$dir/rc" </dev/null >"$dir/stdout" 2>&1 &
	bpid=$!
	python3 "$(dirname "$0")/serial-drive.py" "127.0.0.1:$port" "$log" "$script" "$tmo"
	drc=$?
	[ $drc -ne 0 ] && kill "$bpid" 2>/dev/null
	wait "$bpid"
	rc=$?
	[ $drc -ne 0 ] && { echo "bochs.sh: the serial script failed (exit $drc)" >&2; exit 126; }
else
	SDL_VIDEODRIVER=dummy timeout "$tmo" bochs-bin -q -unlock -f "$dir/bochsrc" \
		-rc "$dir/rc" </dev/null >"$dir/stdout" 2>&1
	rc=$?
fi
[ $rc -eq 124 ] && exit 124
st=$(sed -n 's/.*tdpvisor: exit status \([0-9]*\).*/\1/p' "$log" | tail -1)
[ -n "$st" ] && exit "$st"
tail -5 "$dir/stdout" >&2
exit 125
