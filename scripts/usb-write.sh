#!/usr/bin/env bash
# Writes a tdpvisor USB image to a whole device, refusing anything that
# looks like the wrong disk: not a block device, a partition, mounted,
# not removable (override with FORCE_NONREMOVABLE=1 for a USB-attached
# SSD), or smaller than the image.  Asks for the device name first, on
# the terminal or on standard input (so a script can answer).
#
#   sudo scripts/usb-write.sh build/tdpvisor-usb.img /dev/sdX
#
# Exit: 0 written; 1 refused or not confirmed (nothing written); 2 usage.
set -euo pipefail
img=${1:-} dev=${2:-}
die() { echo "usb-write: $*" >&2; exit 1; }
[ -n "$img" ] && [ -n "$dev" ] || { echo "usage: $0 IMAGE /dev/sdX" >&2; exit 2; }
[ -f "$img" ] || die "no image '$img' (run 'make usb' first)"
[ -b "$dev" ] || die "'$dev' is not a block device"
name=$(basename "$(readlink -f "$dev")")
sys=/sys/class/block/$name
[ -d "$sys" ] || die "'$dev' ($name) has no $sys; cannot check what it is"
if [ -e "$sys/partition" ]; then
	whole=$(basename "$(readlink -f "$sys/..")")
	die "'$dev' is a partition; give the whole device (/dev/$whole, not $dev)"
fi
if lsblk -nro MOUNTPOINT "$dev" 2>/dev/null | grep -q .; then
	die "'$dev' (or one of its partitions) is mounted: $(lsblk -nro NAME,MOUNTPOINT "$dev" | awk '$2!=""' | tr '\n' ' ')"
fi
if [ "$(cat "$sys/removable" 2>/dev/null || echo 0)" != 1 ] && [ "${FORCE_NONREMOVABLE:-0}" != 1 ]; then
	die "'$dev' is not a removable device; refusing (FORCE_NONREMOVABLE=1 overrides)"
fi
dev_bytes=$(($(cat "$sys/size") * 512))
img_bytes=$(stat -c %s "$img")
[ "$dev_bytes" -ge "$img_bytes" ] || die "'$dev' holds $dev_bytes bytes; the image needs $img_bytes"

# What the device is: its vendor and model, else what a loop device
# is backed by, else say it is unknown.
what=$(cat "$sys/device/vendor" "$sys/device/model" 2>/dev/null | xargs || true)
[ -z "$what" ] && [ -r "$sys/loop/backing_file" ] && what="loop device on $(cat "$sys/loop/backing_file")"
[ -z "$what" ] && what="model unknown"
echo "About to overwrite $dev ($what, $((dev_bytes >> 20)) MiB) with $img."
echo "Everything on $dev will be lost."
printf 'Type the device name (%s) to continue: ' "$name" >&2
if ! read -r answer; then
	echo >&2
	die "no answer (end of input); nothing written"
fi
[ "$answer" = "$name" ] || die "answer '$answer' is not '$name'; nothing written"
dd if="$img" of="$dev" bs=4M conv=fsync status=none
sync
echo "usb-write: wrote $img_bytes bytes to $dev; boot the box from it (UEFI mode, Secure Boot off)"
