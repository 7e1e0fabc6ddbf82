#!/usr/bin/env bash
# Builds a FAT16 ESP image with no partition table (what Bochs 2.7 + OVMF
# boot; QEMU takes it too) holding EFI/BOOT/BOOTX64.EFI, an optional
# tdpvisor.cfg at the root, and any extra files.
#
#   scripts/mkesp.sh OUT.img tdpvisor.efi [CFG|-] [extra-file[:ESP/path] ...]
set -euo pipefail
out=$1 efi=$2 cfg=${3:--}
shift 2; [ $# -gt 0 ] && shift
size_mb=${ESP_SIZE_MB:-32}

tmp=$out.tmp
rm -f "$tmp"
truncate -s "${size_mb}M" "$tmp"
mkfs.fat -F 16 -n TDPVISOR "$tmp" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp" ::/EFI ::/EFI/BOOT
mcopy -i "$tmp" "$efi" ::/EFI/BOOT/BOOTX64.EFI
if [ "$cfg" != "-" ] && [ -n "$cfg" ]; then
	mcopy -i "$tmp" "$cfg" ::/tdpvisor.cfg
fi
for extra in "$@"; do
	src=${extra%%:*} dst=${extra#*:}
	[ "$src" = "$extra" ] && dst=$(basename "$src")
	dir=$(dirname "$dst")
	[ "$dir" != "." ] && mmd -i "$tmp" -D s "::/$dir" 2>/dev/null || true
	mcopy -o -i "$tmp" "$src" "::/$dst"
done
mv "$tmp" "$out"
