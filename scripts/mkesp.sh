#!/usr/bin/env bash
# Builds a FAT ESP image with no partition table (what Bochs 2.7 + OVMF
# boot; QEMU takes it too) holding EFI/BOOT/BOOTX64.EFI, an optional
# tdpvisor.cfg at the root, and any extra files.
#
#   scripts/mkesp.sh OUT.img tdpvisor.efi [CFG|-] [SRC[:ESP/PATH] ...]
#
# An extra SRC alone lands at the ESP root under its own name; with
# :ESP/PATH it lands there (folders are created).  Environment:
# ESP_SIZE_MB (default 32) or ESP_BYTES, ESP_FAT (16, default, or 32).
# Exit 2 when a file to copy does not exist.
set -euo pipefail
out=$1 efi=$2 cfg=${3:--}
shift 2; [ $# -gt 0 ] && shift
bytes=${ESP_BYTES:-$((${ESP_SIZE_MB:-32} << 20))}
fat=${ESP_FAT:-16}

for f in "$efi" $([ "$cfg" != - ] && echo "$cfg") "${@%%:*}"; do
	[ -f "$f" ] && [ -r "$f" ] || { echo "mkesp: '$f': no such readable file" >&2; exit 2; }
done
tmp=$out.tmp
rm -f "$tmp"
truncate -s "$bytes" "$tmp"
mkfs.fat -F "$fat" -n TDPVISOR "$tmp" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp" ::/EFI ::/EFI/BOOT
mcopy -i "$tmp" "$efi" ::/EFI/BOOT/BOOTX64.EFI
if [ "$cfg" != "-" ] && [ -n "$cfg" ]; then
	mcopy -i "$tmp" "$cfg" ::/tdpvisor.cfg
fi
for extra in "$@"; do
	src=${extra%%:*} dst=${extra#*:}
	[ "$src" = "$extra" ] && dst=$(basename "$src")
	dst=${dst#/}
	dir=$(dirname "$dst") sub=""
	if [ "$dir" != . ]; then
		for part in ${dir//\// }; do
			sub+="/$part"
			mmd -i "$tmp" -D s "::$sub" 2>/dev/null || true
		done
	fi
	mcopy -o -i "$tmp" "$src" "::/$dst"
done
mv "$tmp" "$out"
