#!/usr/bin/env bash
# Checks for the Debian packages a step needs and, as root, installs the
# missing ones with apt-get.  Without root it names them and stops.
#
#   scripts/deps.sh build|run|usb|test|bench|all
#   scripts/deps.sh --list STEP     print the step's packages, one a line
#
# Every external command that the Makefile, scripts/ or tests/ run for a
# step must come from a package of that step's list, or from Debian's base
# system (packages marked Essential or of Priority "required", which every
# Debian installation has).  scripts/check-deps.sh enforces this in
# `make test`.
set -euo pipefail

# acpica-tools: iasl compiles the guest DSDT (hv/load/dsdt.asl).
build=(gcc make binutils gnu-efi nasm acpica-tools)
image=(mtools dosfstools)
# python3: bochs.sh picks a free port for a socket-driven COM1.
emul=(qemu-system-x86 ovmf bochs bochsbios bochs-sdl vgabios python3-minimal)
usb=(gdisk)
# make test: host tests (cmocka), fuzzers (clang), formatting, model
# checking (spin), serial-console driving (python3-pexpect); the USB-image boot case needs usb's gdisk too.
# pexpect drives the serial console of the interactive cases.
testing=(libcmocka-dev clang clang-format spin python3-pexpect)
# make bench: instruction counts (valgrind), tables (column), and the
# baseline build of BASELINE=REV (git).
bench=(valgrind bsdextrautils git)

step_packages() {
	case $1 in
	build) echo "${build[@]}" ;;
	run) echo "${build[@]}" "${image[@]}" "${emul[@]}" ;;
	usb) echo "${build[@]}" "${image[@]}" "${usb[@]}" ;;
	test) echo "${build[@]}" "${image[@]}" "${emul[@]}" "${usb[@]}" "${testing[@]}" ;;
	bench) echo "${build[@]}" "${bench[@]}" ;;
	all) echo "${build[@]}" "${image[@]}" "${emul[@]}" "${usb[@]}" "${testing[@]}" "${bench[@]}" ;;
	*) echo "deps.sh: unknown step '$1' (use build, run, usb, test, bench or all)" >&2; return 2 ;;
	esac
}

if [ "${1:-}" = --list ]; then
	pk=$(step_packages "${2:-all}") || exit 2
	printf '%s\n' $pk | sort -u
	exit 0
fi
pk=$(step_packages "${1:-all}") || exit 2
read -r -a want <<<"$(printf '%s\n' $pk | sort -u | tr '\n' ' ')"

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
