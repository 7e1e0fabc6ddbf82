#!/usr/bin/env bash
# Checks that every external command a step runs comes from a Debian
# package that scripts/deps.sh installs for that step, or from Debian's base
# system (Essential or Priority "required" packages: coreutils, sed, grep,
# findutils, util-linux, mawk, dpkg, apt, ...).
#
#   scripts/check-deps.sh [-d DEPS.sh] [-s STEP] [-x STEP:FILE ...] [-v]
#
# What a step runs: the commands `make -n -B TARGET` prints for the step's
# make target, plus every script those commands name (scripts/NAME.sh,
# followed transitively), plus, for `test`, the script tests under
# tests/scripts/.  Each word of that text that names a program on PATH is
# mapped to its package with dpkg -S; a word that names no program is not a
# command.  Words that are programs but are never run as one (a word of a
# message, a bochsrc keyword) are listed in not_commands below, each with
# its reason.  A program found outside every package (pip, /usr/local) is an
# error too: a fresh Debian machine would not have it.
#
# -d uses another deps.sh (the self-test checks that a list without gdisk
# fails), -s checks one step only, -x adds FILE to STEP's text.  Exit 0 when every command is
# covered, 1 otherwise, with one line per missing package.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
deps=scripts/deps.sh verbose=0 extra=()
steps=(build run usb test bench)
while getopts 'd:s:x:v' o; do
	case $o in
	d) deps=$OPTARG ;;
	s) steps=("$OPTARG") ;;
	x) extra+=("$OPTARG") ;;
	v) verbose=1 ;;
	*) echo "usage: $0 [-d DEPS.sh] [-s STEP] [-x STEP:FILE] [-v]" >&2; exit 2 ;;
	esac
done

# Programs that appear as words but are not run as commands here.
declare -A not_commands=(
	[modprobe]="only named in a hint that run.sh prints"
	[write]="a word of usb-write.sh's and mkusb.sh's messages"
	[file]="QEMU's '-serial file:PATH' and 'mode=file' in a bochsrc"
	[sudo]="only named in hints printed to the user"
	[tee]="only in the README's hint, not run"
)

declare -A step_target=([build]=all [run]=run [usb]=usb [test]=test [bench]=bench)
for s in "${steps[@]}"; do
	[ -n "${step_target[$s]:-}" ] || { echo "check-deps: unknown step '$s'" >&2; exit 2; }
done

# Comment-stripped text of a file: whole-line comments and " # ..." tails.
strip() { sed -e 's/^[[:space:]]*#.*$//' -e 's/[[:space:]]#[^"'\'']*$//' "$1"; }

# The text a step runs, with every script it names, transitively.
step_text() {
	local step=$1 tgt=${step_target[$1]} queue=() seen=" " f text
	# The guest-blob loop lists guest names (one is "spin"), not commands.
	text=$(make -n -B --no-print-directory "$tgt" 2>/dev/null |
		sed -e :a -e '/\\$/N; s/\\\n//; ta' | grep -v guest_blob_)
	[ -n "$text" ] || { echo "check-deps: 'make -n -B $tgt' printed nothing" >&2; return 1; }
	# The Makefile's $(shell ...) calls run whatever the target.
	text+=$'\n'"$(grep -oE '\$\(shell [^)]*\)' Makefile)"
	[ "$step" = test ] && queue+=(tests/scripts/*.sh)
	for x in "${extra[@]}"; do
		[ "${x%%:*}" = "$step" ] && queue+=("${x#*:}")
	done
	queue+=($(grep -oE '(tests/)?scripts/[A-Za-z0-9_.-]+\.sh' <<<"$text" | sort -u))
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]} queue=("${queue[@]:1}")
		case $seen in *" $f "*) continue ;; esac
		# deps.sh names packages, not commands; it runs only dpkg-query
		# and apt-get (base system).
		[ "$f" = scripts/deps.sh ] && continue
		seen+="$f "
		[ -f "$f" ] || { echo "check-deps: $step: $f is named but does not exist" >&2; return 1; }
		text+=$'\n'"$(strip "$f")"
		# A script that runs "make [-s] TARGET" runs that target's recipes.
		for t in $(strip "$f" | grep -oE '(^|[;&|(!]|then|do|if)[[:space:]]*make( -[A-Za-z]+)* [a-z][a-z-]*' |
			awk '{print $NF}' | sort -u); do
			text+=$'\n'"$(make -n -B --no-print-directory "$t" 2>/dev/null)"
		done
		queue+=($(strip "$f" | grep -oE '(tests/)?scripts/[A-Za-z0-9_.-]+\.sh' | sort -u))
	done
	printf '%s\n' "$text"
}

fail=0 checked=0

# Shell functions defined in the scripts: words, not programs.
funcs=" $(grep -hoE '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*\(\)' scripts/*.sh tests/scripts/*.sh 2>/dev/null |
	tr -d ' \t()' | sort -u | tr '\n' ' ') "

# Pass 1: per step, the words that name programs on PATH.
declare -A step_words path_of
for step in "${steps[@]}"; do
	text=$(step_text "$step") || { fail=1; continue; }
	# Variable assignments and loop variables are names, not commands.
	text=$(sed -E -e 's/(^|[^A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*=/\1/g' \
		-e 's/for [A-Za-z_][A-Za-z0-9_]* in/for in/g' <<<"$text")
	words=""
	for w in $(grep -oE '(^|[^A-Za-z0-9_$.{/%\\-])[A-Za-z_][A-Za-z0-9_.+-]*' <<<"$text" |
		sed -E 's/^[^A-Za-z_]//' | sort -u); do
		case $funcs in *" $w "*) continue ;; esac
		[ -n "${not_commands[$w]:-}" ] && continue
		case $(type -t "$w" 2>/dev/null) in builtin | keyword) continue ;; esac
		if [ -z "${path_of[$w]+x}" ]; then
			# Debian's directories first, as bochs.sh does for python3:
			# a pyenv or /usr/local program earlier on PATH still fails
			# when Debian has none.
			path_of[$w]=$(PATH=/usr/bin:/bin:$PATH type -P "$w" 2>/dev/null)
		fi
		[ -n "${path_of[$w]}" ] && words+="$w "
	done
	step_words[$step]=$words
done

# Pass 2: one dpkg-query for every candidate path of every program: the
# path itself, its symlink target, each with and without /usr (merged /usr).
declare -A cands owner base_cache
all=()
for w in "${!path_of[@]}"; do
	p=${path_of[$w]}
	[ -n "$p" ] || continue
	r=$(readlink -f "$p")
	c="$p $r"
	for x in "$p" "$r"; do
		case $x in /usr/*) c+=" ${x#/usr}" ;; *) c+=" /usr$x" ;; esac
	done
	cands[$w]=$c
	all+=($c)
done
while IFS= read -r line; do
	case $line in diversion*) continue ;; esac
	pk=${line%%: *} pth=${line#*: }
	[ -z "${owner[$pth]:-}" ] && owner[$pth]=${pk%%:*}
done < <([ ${#all[@]} -gt 0 ] && dpkg-query -S "${all[@]}" 2>/dev/null)

is_base() { # Essential or Priority required
	case $(dpkg-query -W -f='${Essential} ${Priority}' "$1" 2>/dev/null) in
	yes* | *required) return 0 ;;
	esac
	return 1
}

for step in "${steps[@]}"; do
	list=" $("$deps" --list "$step" | tr '\n' ' ') "
	[ "$list" = "  " ] && { echo "check-deps: $deps --list $step printed nothing"; fail=1; continue; }
	for w in ${step_words[$step]:-}; do
		pkg=""
		for c in ${cands[$w]}; do
			[ -n "${owner[$c]:-}" ] && { pkg=${owner[$c]}; break; }
		done
		checked=$((checked + 1))
		if [ -z "$pkg" ]; then
			echo "check-deps: $step: '$w' (${path_of[$w]}) belongs to no Debian package; a fresh machine lacks it"
			fail=1
			continue
		fi
		case $list in *" $pkg "*) [ $verbose = 1 ] && echo "  $step: $w <- $pkg (listed)"; continue ;; esac
		if [ -z "${base_cache[$pkg]+x}" ]; then
			is_base "$pkg" && base_cache[$pkg]=1 || base_cache[$pkg]=0
		fi
		if [ "${base_cache[$pkg]}" = 1 ]; then
			[ $verbose = 1 ] && echo "  $step: $w <- $pkg (base system)"
			continue
		fi
		echo "check-deps: $step: '$w' comes from package '$pkg', which '$deps $step' does not install"
		fail=1
	done
done
echo "check-deps: $checked command uses checked over ${#steps[@]} steps"
exit $fail
