#!/usr/bin/env bash
# The file-level call graph of the hypervisor image, from its objects.
#
#   scripts/check-calls.sh [OBJDIR]        (default build/img)
#   scripts/check-calls.sh --edges [OBJDIR]   print "from to symbol" lines
#
# Each object under OBJDIR stands for its source (build/img/hv/vm.o is
# hv/vm.c).  An edge A -> B means A's object refers to a global symbol
# (function or data) that B's object defines; `nm` reads both sides, so
# the graph is exactly what the linker resolves, inline functions and
# macros included.  Symbols from outside the tree (gnu-efi) make no edge.
#
# Fails, naming the files and the symbols that tie them, when
#   - files call into each other, directly or around a circle (a strongly
#     connected component of more than one file), or
#   - a file outside boot/ refers to a symbol defined in boot/ (only the
#     boot layer may call down; nothing reaches up into it).
# Prints "calls: N passed, N failed" (two checks).
set -euo pipefail

mode=check
if [ "${1:-}" = --edges ]; then mode=edges; shift; fi
objdir=${1:-build/img}
[ -d "$objdir" ] || { echo "check-calls: $objdir: no such directory (build first)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "file symbol" for every defined global, and for every undefined one.
find "$objdir" -name '*.o' | sort | while read -r o; do
	src=${o#"$objdir"/}
	src=${src%.o}
	# The source is NAME.c or NAME.asm; generated objects (gen/) keep
	# their path.  An object whose source is gone is a leftover of an
	# older tree in the same build folder: it is not linked, so skip it.
	if [ -e "$src.c" ]; then
		src=$src.c
	elif [ -e "$src.asm" ]; then
		src=$src.asm
	elif [ "${src#gen/}" = "$src" ]; then
		echo "$o" >>"$tmp/stale"
		continue
	fi
	nm --defined-only -g "$o" | awk -v f="$src" 'NF == 3 { print f, $3 }' >>"$tmp/def"
	nm -u "$o" | awk -v f="$src" '{ print f, $NF }' >>"$tmp/use"
done
touch "$tmp/def" "$tmp/use" "$tmp/stale"
[ -s "$tmp/stale" ] && [ "$mode" = check ] &&
	echo "check-calls: skipped $(wc -l <"$tmp/stale") object(s) whose source is gone (left from an older tree), e.g. $(head -1 "$tmp/stale")"

awk 'NR == FNR { def[$2] = $1; next }
	($2 in def) && def[$2] != $1 { print $1, def[$2], $2 }' \
	"$tmp/def" "$tmp/use" | sort -u >"$tmp/edges"

if [ "$mode" = edges ]; then
	cat "$tmp/edges"
	exit 0
fi

fail=0 pass=0

# Tarjan's strongly connected components over the file graph.
awk '
function visit(v,   i, u) {
	idx[v] = low[v] = ++counter
	stack[++sp] = v
	onstack[v] = 1
	for (i = 1; i <= deg[v]; i++) {
		u = adj[v, i]
		if (!(u in idx)) {
			visit(u)
			if (low[u] < low[v]) low[v] = low[u]
		} else if (onstack[u] && idx[u] < low[v]) {
			low[v] = idx[u]
		}
	}
	if (low[v] == idx[v]) {
		n = 0
		do {
			u = stack[sp--]
			onstack[u] = 0
			comp[++n] = u
		} while (u != v)
		if (n > 1) {
			line = ""
			for (i = n; i >= 1; i--) { line = line " " comp[i]; incomp[comp[i]] = ncomp + 1 }
			circles[++ncomp] = line
		}
	}
}
{
	if (!(($1, $2) in seen)) { seen[$1, $2] = 1; adj[$1, ++deg[$1]] = $2 }
	nodes[$1] = nodes[$2] = 1
	if (($1, $2) in sym) sym[$1, $2] = sym[$1, $2] "," $3
	else sym[$1, $2] = $3
}
END {
	for (v in nodes) if (!(v in idx)) visit(v)
	for (k = 1; k <= ncomp; k++) {
		print "check-calls: call circle of " split(circles[k], m, " ") " files:" circles[k]
		for (edge in seen) {
			split(edge, e, SUBSEP)
			if (incomp[e[1]] == k && incomp[e[2]] == k)
				print "check-calls:   " e[1] " -> " e[2] " (" sym[e[1], e[2]] ")"
		}
	}
	exit ncomp > 0
}' "$tmp/edges" && pass=$((pass + 1)) || fail=$((fail + 1))

up=$(awk '$1 !~ /^boot\// && $2 ~ /^boot\//' "$tmp/edges")
if [ -n "$up" ]; then
	echo "check-calls: files outside boot/ call up into boot/:"
	echo "$up" | sed 's/^\([^ ]*\) \([^ ]*\) \(.*\)/check-calls:   \1 -> \2 (\3)/'
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi

[ $fail -eq 0 ] && echo "check-calls: $(wc -l <"$tmp/edges") references between $(cut -d' ' -f1,2 "$tmp/edges" | tr ' ' '\n' | sort -u | wc -l) files, no circle, nothing calls up into boot/"
echo "calls: $pass passed, $fail failed"
[ $fail -eq 0 ]
