#!/usr/bin/env bash
# Writes a tdpvisor USB image to a whole device, refusing anything that
# looks like the wrong disk: not a block device, a partition, mounted,
# not removable (override with FORCE_NONREMOVABLE=1 for a USB-attached
# SSD), or smaller than the image.  Asks for confirmation first.
#
#   sudo scripts/usb-write.sh build/tdpvisor-usb.img /dev/sdX
set -euo pipefail
img=${1:-} dev=${2:-}
die() { echo "usb-write: $*" >&2; exit 1; }
[ -n "$img" ] && [ -n "$dev" ] || die "usage: $0 IMAGE /dev/sdX"
[ -f "$img" ] || die "no image '$img' (run 'make usb' first)"
[ -b "$dev" ] || die "'$dev' is not a block device"
name=$(basename "$(readlink -f "$dev")")
sys=/sys/class/block/$name
[ -e "$sys/partition" ] && die "'$dev' is a partition; give the whole device (e.g. /dev/sdb, not /dev/sdb1)"
if lsblk -nro MOUNTPOINT "$dev" 2>/dev/null | grep -q .; then
	die "'$dev' (or one of its partitions) is mounted: $(lsblk -nro NAME,MOUNTPOINT "$dev" | awk '$2!=""' | tr '\n' ' ')"
fi
if [ "$(cat "$sys/removable" 2>/dev/null || echo 0)" != 1 ] && [ "${FORCE_NONREMOVABLE:-0}" != 1 ]; then
	die "'$dev' is not a removable device; refusing (FORCE_NONREMOVABLE=1 overrides)"
fi
dev_bytes=$(( $(cat "$sys/size") * 512 ))
img_bytes=$(stat -c %s "$img")
[ "$dev_bytes" -ge "$img_bytes" ] || die "'$dev' holds $dev_bytes bytes; the image needs $img_bytes"
model=$(cat "$sys/device/model" 2>/dev/null | xargs || true)
echo "About to overwrite $dev ($model, $((dev_bytes >> 20)) MiB) with $img."
echo "Everything on $dev will be lost."
read -r -p "Type the device name ($name) to continue: " answer
[ "$answer" = "$name" ] || die "not confirmed; nothing written"
dd if="$img" of="$dev" bs=4M conv=fsync status=progress
sync
echo "usb-write: done; boot the box from $dev (UEFI mode, Secure Boot off)"
