#!/usr/bin/env bash
# scripts/check-deps.sh passes on this tree and fails when a step runs a
# command whose package deps.sh does not install for it.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/scripts/lib.sh
tmp=$(mktemp -d /tmp/tdpvisor-depcheck.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

run_ok "the tree's commands are all covered" scripts/check-deps.sh

# The bug that made this check: the USB-image boot case runs sgdisk, and
# the test list lacked gdisk.
sed 's/^usb=(gdisk)/usb=()/' scripts/deps.sh >"$tmp/deps-nogdisk.sh"
chmod +x "$tmp/deps-nogdisk.sh"
run_fails_with "a test list without gdisk is caught" \
	"'sgdisk' comes from package 'gdisk', which '$tmp/deps-nogdisk.sh test' does not install" \
	scripts/check-deps.sh -s test -d "$tmp/deps-nogdisk.sh"

# A new script that runs a listed tool is fine; once the package leaves
# the list, the same script is caught.
printf '#!/bin/sh\nspin -a model.pml\n' >"$tmp/uses-spin.sh"
run_ok "a listed command is accepted" scripts/check-deps.sh -s test -x "test:$tmp/uses-spin.sh"
sed '/^testing=/s/ spin//' scripts/deps.sh >"$tmp/deps-nospin.sh"
chmod +x "$tmp/deps-nospin.sh"
run_fails_with "an unlisted package is caught" \
	"'spin' comes from package 'spin'" \
	scripts/check-deps.sh -s test -d "$tmp/deps-nospin.sh" -x "test:$tmp/uses-spin.sh"

# A program from outside every package (pip, /usr/local) is caught.
mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/tdpv-handmade-tool"
chmod +x "$tmp/bin/tdpv-handmade-tool"
printf '#!/bin/sh\ntdpv-handmade-tool --go\n' >"$tmp/uses-handmade.sh"
PATH="$tmp/bin:$PATH" run_fails_with "a program outside every package is caught" \
	"'tdpv-handmade-tool' ($tmp/bin/tdpv-handmade-tool) belongs to no Debian package" \
	scripts/check-deps.sh -s test -x "test:$tmp/uses-handmade.sh"
finish
