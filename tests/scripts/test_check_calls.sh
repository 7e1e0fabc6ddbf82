#!/usr/bin/env bash
# scripts/check-calls.sh (which make test runs on the image's objects)
# fails, naming the files and the symbols, on small trees built here with
# a call circle (direct, and around three files) and with a file that
# calls up into boot/, and passes on a tree whose calls only go down.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/scripts/lib.sh
here=$PWD
tmp=$(mktemp -d /tmp/tdpvisor-callcheck.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# mk DIR FILE 'C source'...: writes DIR/FILE.c and compiles it to
# DIR/obj/FILE.o, the layout check-calls reads (object path = source path).
mk() {
	local d=$1 f=$2
	shift 2
	mkdir -p "$d/$(dirname "$f")" "$d/obj/$(dirname "$f")"
	printf '%s\n' "$@" >"$d/$f.c"
	gcc -c -O0 -o "$d/obj/$f.o" "$d/$f.c"
}
in_tree() { # DIR CMD...: run CMD from DIR (sources resolve from there)
	local d=$1
	shift
	(cd "$d" && "$@")
}

t=$tmp/pair
mk "$t" hv/a 'void b(void); void a(void) { b(); }'
mk "$t" hv/b 'void a(void); void b(void) { a(); }'
run_fails_with "a two-file circle is found" \
	"call circle of 2 files: hv/a.c hv/b.c" in_tree "$t" "$here/scripts/check-calls.sh" obj
run_fails_with "the circle names the symbol that ties it" \
	"hv/b.c -> hv/a.c (a)" in_tree "$t" "$here/scripts/check-calls.sh" obj

t=$tmp/ring
mk "$t" mmu/x 'void y(void); void x(void) { y(); }'
mk "$t" mmu/y 'void z(void); void y(void) { z(); }'
mk "$t" mmu/z 'void x(void); void z(void) { x(); }'
mk "$t" mmu/leaf 'int leaf_data = 1;'
mk "$t" hv/caller 'extern int leaf_data; void x(void); int caller(void) { x(); return leaf_data; }'
run_fails_with "a circle around three files is found, and only those" \
	"call circle of 3 files: mmu/x.c mmu/y.c mmu/z.c" in_tree "$t" "$here/scripts/check-calls.sh" obj

t=$tmp/up
mk "$t" boot/cfg 'int cfg_name(void) { return 1; }'
mk "$t" hv/main 'int cfg_name(void); int main_(void) { return cfg_name(); }'
run_fails_with "a call up into boot/ is found" \
	"hv/main.c -> boot/cfg.c (cfg_name)" in_tree "$t" "$here/scripts/check-calls.sh" obj

# An object left from a deleted source (an older tree in the same build
# folder) is not linked and must not make a circle.
t=$tmp/stale
mk "$t" mmu/p 'void old(void); void p(void) { old(); }'
mk "$t" mmu/old 'void p(void); void old(void) { p(); }'
run_fails_with "(the circle below, while both sources exist)" \
	"mmu/old.c -> mmu/p.c (p)" in_tree "$t" "$here/scripts/check-calls.sh" obj
rm "$t/mmu/old.c"
run_ok "an object whose source is gone is skipped" in_tree "$t" "$here/scripts/check-calls.sh" obj

t=$tmp/down
mk "$t" boot/entry 'int run(void); int entry(void) { return run(); }'
mk "$t" hv/run 'int leaf(void); int run(void) { return leaf(); }'
mk "$t" lib/leaf 'int leaf(void) { return 0; }'
run_ok "a tree whose calls only go down passes" in_tree "$t" "$here/scripts/check-calls.sh" obj

finish
