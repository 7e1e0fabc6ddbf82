#!/usr/bin/env bash
# make usb: a GPT disk image with one EFI system partition (FAT32) holding
# EFI/BOOT/BOOTX64.EFI and a default tdpvisor.cfg, ready to write to a USB
# stick (scripts/usb-write.sh IMAGE /dev/sdX).
#
#   scripts/mkusb.sh OUT.img tdpvisor.efi [CFG]
set -euo pipefail
out=$1 efi=$2 cfg=${3:-scripts/usb.cfg}
size_mb=${USB_SIZE_MB:-64}
start=2048 # sectors: the ESP starts at 1 MiB

tmp=$out.tmp
rm -f "$tmp"
truncate -s "${size_mb}M" "$tmp"
sgdisk --clear --new=1:${start}:0 --typecode=1:ef00 \
	--change-name=1:"EFI system partition" "$tmp" >/dev/null
end=$(sgdisk -i 1 "$tmp" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
sectors=$((end - start + 1))
part=$tmp.part
truncate -s $((sectors * 512)) "$part"
mkfs.fat -F 32 -n TDPVISOR "$part" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$part" ::/EFI ::/EFI/BOOT
mcopy -i "$part" "$efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$part" "$cfg" ::/tdpvisor.cfg
dd if="$part" of="$tmp" bs=512 seek=$start conv=notrunc status=none
rm -f "$part"
sgdisk --verify "$tmp" >/dev/null
mv "$tmp" "$out"
echo "usb: wrote $out (${size_mb} MiB, GPT, FAT32 ESP at 1 MiB)"
echo "usb: write it with: sudo scripts/usb-write.sh $out /dev/sdX"
