#!/usr/bin/env bash
# scripts/usb-write.sh against loop devices (never a real disk): every
# refusal, the prompt on a non-terminal stdin, end of input, and a write
# that lands byte for byte.  Needs root and loop devices.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/scripts/lib.sh
[ "$(id -u)" = 0 ] || { echo "  needs root (loop devices)"; check_result 1 "run as root"; finish; exit; }
tmp=$(mktemp -d /tmp/tdpvisor-usbw.XXXXXX)
loops=()
cleanup() {
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
w=scripts/usb-write.sh

head -c $((3 << 20)) /dev/urandom >"$tmp/image"
truncate -s 8M "$tmp/disk"
sgdisk --clear --new=1:2048:0 "$tmp/disk" >/dev/null
disk=$(losetup -f --show "$tmp/disk") && loops+=("$disk")
partx -a "$disk" 2>/dev/null
truncate -s 1M "$tmp/small"
small=$(losetup -f --show "$tmp/small") && loops+=("$small")
dn=$(basename "$disk")

run_status "usage without arguments" 2 "usage:" $w
run_status "a missing image" 1 "no image '$tmp/nope'" $w "$tmp/nope" "$disk"
run_status "a regular file is not a device" 1 "'$tmp/disk' is not a block device" $w "$tmp/image" "$tmp/disk"
if [ -b "${disk}p1" ]; then
	run_status "a partition is refused, naming the whole device" 1 \
		"'${disk}p1' is a partition; give the whole device ($disk, not ${disk}p1)" \
		env FORCE_NONREMOVABLE=1 $w "$tmp/image" "${disk}p1"
else
	check_result 1 "a partition is refused" "partx made no ${disk}p1"
fi
run_status "a non-removable device is refused" 1 "is not a removable device; refusing" \
	$w "$tmp/image" "$disk"
run_status "a device smaller than the image is refused" 1 "holds 1048576 bytes; the image needs" \
	env FORCE_NONREMOVABLE=1 $w "$tmp/image" "$small"

# Not a terminal: the prompt still shows, with the model (the backing file).
out=$(echo wrong | FORCE_NONREMOVABLE=1 $w "$tmp/image" "$disk" 2>&1)
rc=$?
grep -qF "Type the device name ($dn) to continue:" <<<"$out" &&
	grep -qF "($(echo loop device on "$tmp/disk"), 8 MiB)" <<<"$out" &&
	grep -qF "answer 'wrong' is not '$dn'; nothing written" <<<"$out" && [ $rc = 1 ]
check_result $? "prompt and model shown on a pipe; a wrong answer writes nothing" "exit $rc" "$out"
run_status "end of input is named" 1 "no answer (end of input); nothing written" \
	env FORCE_NONREMOVABLE=1 $w "$tmp/image" "$disk" </dev/null
cmp -s -n $((3 << 20)) "$tmp/image" "$disk"
same=$?
check_result $([ $same != 0 ] && echo 0 || echo 1) "nothing was written by the refusals"

out=$(echo "$dn" | FORCE_NONREMOVABLE=1 $w "$tmp/image" "$disk" 2>&1)
rc=$?
sync
cmp -s -n $((3 << 20)) "$tmp/image" "$disk"
same=$?
check_result $([ $rc = 0 ] && [ $same = 0 ] && echo 0 || echo 1) "the confirmed write lands byte for byte" "exit $rc" "$out"

mkfs.fat "$small" >/dev/null 2>&1
mkdir -p "$tmp/mnt"
if mount "$small" "$tmp/mnt" 2>/dev/null; then
	run_status "a mounted device is refused" 1 "is mounted" env FORCE_NONREMOVABLE=1 $w "$tmp/image" "$small"
	umount "$tmp/mnt"
else
	echo "  (mount not permitted here: the mounted-device refusal is not checked)"
fi
finish
