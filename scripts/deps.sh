#!/usr/bin/env bash
# Checks for the Debian packages a step needs and, as root, installs the
# missing ones with apt-get.  Without root it names them and stops.
#
#   scripts/deps.sh build|test|run|all
set -euo pipefail

build=(gcc make binutils gnu-efi nasm)
image=(mtools dosfstools)
emul=(qemu-system-x86 ovmf bochs bochsbios bochs-sdl vgabios)
testing=(libcmocka-dev clang clang-format valgrind bsdextrautils)
usb=(gdisk)

case "${1:-all}" in
build) want=("${build[@]}") ;;
test) want=("${build[@]}" "${image[@]}" "${emul[@]}" "${testing[@]}") ;;
run) want=("${build[@]}" "${image[@]}" "${emul[@]}") ;;
all) want=("${build[@]}" "${image[@]}" "${emul[@]}" "${testing[@]}" "${usb[@]}") ;;
usb) want=("${build[@]}" "${image[@]}" "${usb[@]}") ;;
*) echo "usage: $0 build|test|run|usb|all" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "tdpvisor: missing Debian packages: ${missing[*]}" >&2
	echo "tdpvisor: install them with:" >&2
	echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
echo "tdpvisor: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi
