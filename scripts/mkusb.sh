#!/usr/bin/env bash
# make usb: a GPT disk image with one EFI system partition (FAT32) holding
# EFI/BOOT/BOOTX64.EFI, a tdpvisor.cfg and any extra files, ready to write
# to a USB stick (scripts/usb-write.sh IMAGE /dev/sdX).
#
#   scripts/mkusb.sh OUT.img tdpvisor.efi [CFG]
#
# Environment: CFG (the tdpvisor.cfg to put there; default scripts/usb.cfg;
# an argument wins), ESP_FILES="SRC[:ESP/PATH] ..." (extra files, as for
# make run), USB_SIZE_MB (default 64).  Exit 2 when a file is missing.
set -euo pipefail
out=$1 efi=$2 cfg=${3:-${CFG:-scripts/usb.cfg}}
size_mb=${USB_SIZE_MB:-64}
start=2048 # sectors: the ESP starts at 1 MiB

extras=()
for e in ${ESP_FILES:-}; do extras+=("$e"); done
tmp=$out.tmp
rm -f "$tmp"
truncate -s "${size_mb}M" "$tmp"
sgdisk --clear --new=1:${start}:0 --typecode=1:ef00 \
	--change-name=1:"EFI system partition" "$tmp" >/dev/null
end=$(sgdisk -i 1 "$tmp" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
sectors=$((end - start + 1))
part=$tmp.part
ESP_FAT=32 ESP_BYTES=$((sectors * 512)) scripts/mkesp.sh "$part" "$efi" "$cfg" "${extras[@]}"
dd if="$part" of="$tmp" bs=512 seek=$start conv=notrunc status=none
rm -f "$part"
sgdisk --verify "$tmp" >/dev/null
mv "$tmp" "$out"
echo "usb: wrote $out (${size_mb} MiB, GPT, FAT32 ESP at 1 MiB)"
[ ${#extras[@]} -gt 0 ] && echo "usb: extra files on the ESP: ${extras[*]}"
echo "usb: write it with: sudo scripts/usb-write.sh $out /dev/sdX"
