#!/usr/bin/env bash
# make bench: the TDP MMU benchmark (bench/bench_mmu.c), the exit paths
# (bench/bench_exit.c) and private memory (bench/bench_sept.c).
#
#   scripts/bench.sh BUILD_DIR
#
#   MMU_BENCH_GIB=N      guest memory to populate (default 1)
#   MMU_BENCH_CG_GIB=N   size for the callgrind instruction-count run
#                        (default: MMU_BENCH_GIB)
#   MMU_BENCH_NO_CG=1    skip the callgrind run
#   BASELINE=REV         also build and run the benches of git revision REV
#                        (e.g. BASELINE=HEAD~3), then print every figure of
#                        this tree as a ratio to REV's, measured in this run
#
# Runs the benchmark natively for times (ns/op), then once under
# valgrind --tool=callgrind with per-phase client-request dumps for
# instructions per operation, and merges both into one table on stdout and
# BUILD_DIR/bench/mmu.tsv (machine-readable, tab-separated).
set -euo pipefail
build=${1:-build}
if [ -n "${BASELINE:-}" ]; then
	here=$(cd "$(dirname "$0")/.." && pwd)
	base=$build/baseline
	rev=$(git -C "$here" rev-parse --short "$BASELINE^{commit}") ||
		{ echo "bench.sh: BASELINE=$BASELINE: not a git revision of $here" >&2; exit 2; }
	echo "== baseline $BASELINE ($rev): building its benches in $base =="
	rm -rf "$base"
	mkdir -p "$base/src" "$base/build"
	git -C "$here" archive "$rev" | tar -x -C "$base/src"
	# The dependency step of this run already installed what benches
	# need; older trees also wait on per-step stamps, so mark them done.
	touch "$base/build/.deps-build" "$base/build/.deps-test" "$base/build/.deps-bench"
	bb=$(cd "$base/build" && pwd)
	bins=$(cd "$base/src" && ls bench/bench_*.c | sed 's|bench/\(.*\)\.c|'"$bb"'/host/bench/bbin/\1|')
	make -s -C "$base/src" BUILD="$bb" $bins >"$base/build.log" 2>&1 ||
		{ echo "bench.sh: the baseline's benches did not build (see $base/build.log)" >&2; exit 1; }
	BASELINE= "$0" "$base/build" | sed 's/^/  [baseline] /'
	BASELINE= "$0" "$build"
	echo
	echo "== this tree against baseline $rev, same run (ratio = this / baseline; lower is better) =="
	for t in mmu exit sept; do
		[ -f "$build/bench/$t.tsv" ] && [ -f "$base/build/bench/$t.tsv" ] || continue
		awk -F'\t' -v t="$t" '
			FNR == 1 { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; next }
			NR == FNR { for (i = 1; i <= NF; i++) b[$1, i] = $i; rows[$1] = 1; next }
			($1 in rows) {
				ni = col[FILENAME, "instr_per_op"]; nn = col[FILENAME, "ns_per_op"]
				bi = b[$1, col[ARGV[1], "instr_per_op"]] + 0
				bn = b[$1, col[ARGV[1], "ns_per_op"]] + 0
				ri = (ni && bi > 0 && $ni != "-") ? sprintf("%.3f", $ni / bi) : "-"
				rn = (nn && bn > 0) ? sprintf("%.3f", $nn / bn) : "-"
				printf "  %-5s %-28s instr %8s -> %8s  x%-6s   ns %8s -> %8s  x%s\n", t, $1, \
					ni ? b[$1, col[ARGV[1], "instr_per_op"]] : "-", ni ? $ni : "-", ri, \
					nn ? b[$1, col[ARGV[1], "ns_per_op"]] : "-", nn ? $nn : "-", rn
				if (ri != "-") { n++; if (ri > 1.02) worse++; else if (ri < 0.98) better++ }
			}
			END { printf "  %s: %d rows with instruction counts: %d more than 2%% worse, %d more than 2%% better\n", t, n, worse, better }
		' "$base/build/bench/$t.tsv" "$build/bench/$t.tsv"
	done
	exit 0
fi
bin=$build/host/bench/bbin/bench_mmu
out=$build/bench
gib=${MMU_BENCH_GIB:-1}
cg_gib=${MMU_BENCH_CG_GIB:-$gib}
mkdir -p "$out"
[ -x "$bin" ] || { echo "bench.sh: $bin not built" >&2; exit 1; }

echo "== MMU bench: ${gib} GiB, $(nproc) CPUs, $(uname -m) =="
"$bin" -q -g "$gib" -o "$out/mmu-times.tsv"

declare -A instr
if [ "${MMU_BENCH_NO_CG:-0}" = 0 ] && command -v valgrind >/dev/null; then
	rm -f "$out"/callgrind.out.*
	valgrind --tool=callgrind \
		--callgrind-out-file="$out/callgrind.out.%p" \
		"$bin" -q -g "$cg_gib" >/dev/null 2>"$out/callgrind.log" ||
		{ echo "bench.sh: callgrind run failed (see $out/callgrind.log)" >&2; }
	for f in "$out"/callgrind.out.*; do
		[ -f "$f" ] || continue
		name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
		ir=$(sed -n 's/^summary: //p; s/^totals: //p' "$f" | head -1 | awk '{print $1}')
		[ -n "$name" ] && [ -n "$ir" ] && instr[$name]=$ir
	done
	rm -f "$out"/callgrind.out.*
else
	echo "(callgrind skipped: instructions not measured)"
fi

# Merge: instructions per op = Ir of the phase / ops of that phase in the
# callgrind run (ops scale with the size, so use the same size's op count).
cg_scale=$(awk -v a="$gib" -v b="$cg_gib" 'BEGIN { print a / b }')
floor_ir=${instr[floor_cmpxchg]:-}
{
	printf 'name\tops\tns_per_op\tx_cmpxchg_floor_ns\tinstr_per_op\tx_cmpxchg_floor_instr\tretries\ttlb_flushes\tpt_bytes_per_gib\tx_theory\n'
	tail -n +2 "$out/mmu-times.tsv" | while IFS=$'\t' read -r name ops ns xf retries fl ptb xt; do
		ipo=-
		xi=-
		if [ -n "${instr[$name]:-}" ]; then
			ipo=$(awk -v ir="${instr[$name]}" -v ops="$ops" -v s="$cg_scale" \
				'BEGIN { printf "%.1f", ir / (ops / s) }')
			if [ -n "$floor_ir" ]; then
				xi=$(awk -v a="$ipo" -v f="$floor_ir" 'BEGIN { printf "%.2f", a / (f / 10000000) }')
			fi
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$ops" "$ns" \
			"$xf" "$ipo" "$xi" "$retries" "$fl" "$ptb" "$xt"
	done
} >"$out/mmu.tsv"
column -t -s $'\t' "$out/mmu.tsv"

# Targets (reported, not enforced).
awk -F'\t' '
	$1 == "populate_4k_1t" { p1 = $3; x1 = $4; pt = $10 }
	$1 == "populate_4k_2t_part" { p2 = $3 }
	END {
		printf "\ntargets:\n"
		printf "  4K populate, 1 thread: %.2fx the cmpxchg floor per fault (target <= 10x)\n", x1
		printf "  1 -> 2 threads, partitioned 4K: %.2fx throughput (target >= 1.8x)\n", p1 / p2
		printf "  4K page-table memory: %.4fx theoretical (target <= 1.05x)\n", pt
	}' "$out/mmu.tsv"
echo "machine-readable: $out/mmu.tsv"

# --- Exit paths (bench/bench_exit.c): MMIO-SPTE hit vs port I/O ---------
ebin=$build/host/bench/bbin/bench_exit
if [ -x "$ebin" ]; then
	echo
	echo "== exit paths: EPT-misconfig MMIO-SPTE hit (with / without the per-vCPU cache) vs port I/O =="
	"$ebin" time "${EXIT_BENCH_ITERS:-5000000}" >"$out/exit-times.tsv"
	declare -A eir
	if command -v valgrind >/dev/null; then
		for p in pio mmio_cached mmio_walk xapic_eoi x2apic_eoi timer_roundtrip; do
			valgrind --tool=callgrind --callgrind-out-file="$out/cg.exit.$p" \
				--toggle-collect="bench_path_$p" "$ebin" run "$p" 100000 \
				>/dev/null 2>"$out/callgrind-exit.log" || true
			ir=$(sed -n 's/^summary: //p; s/^totals: //p' "$out/cg.exit.$p" | head -1 | awk '{print $1}')
			eir[$p]=$(awk -v ir="${ir:-0}" 'BEGIN { printf "%.1f", ir / 100000 }')
			rm -f "$out/cg.exit.$p"
		done
	fi
	{
		printf 'path\tns_per_op\tx_pio_ns\tinstr_per_op\tx_pio_instr\n'
		tail -n +2 "$out/exit-times.tsv" | while IFS=$'\t' read -r p ns x; do
			i=${eir[$p]:--}
			xi=$(awk -v a="$i" -v b="${eir[pio]:-0}" 'BEGIN { if (b > 0 && a != "-") printf "%.2f", a / b; else print "-" }')
			printf '%s\t%s\t%s\t%s\t%s\n' "$p" "$ns" "$x" "$i" "$xi"
		done
	} >"$out/exit.tsv"
	column -t -s $'\t' "$out/exit.tsv"
	awk -F'\t' '$1 == "mmio_cached" { printf "\ntarget: MMIO-SPTE hit (cached) %.2fx the port-I/O path in instructions, %.2fx in ns (target <= 1.1x)\n", $5, $3 }
		$1 == "xapic_eoi" { xi = $4; xn = $2 } $1 == "x2apic_eoi" { yi = $4; yn = $2 }
		$1 == "timer_roundtrip" { ti = $4 }
		END { if (yi > 0) printf "target: xAPIC EOI (MMIO, cached) %.2fx the x2APIC EOI WRMSR in instructions, %.2fx in ns (target <= 2x)\ntimer round trip (arm, fire, inject, EOI): %s instructions\n", xi / yi, xn / yn, ti }' "$out/exit.tsv"
	echo "machine-readable: $out/exit.tsv"
fi

# --- Private memory (bench/bench_sept.c): mirror root + S-EPT backend -------
sbin=$build/host/bench/bbin/bench_sept
if [ -x "$sbin" ]; then
	echo
	echo "== private memory: S-EPT populate / teardown (${gib} GiB, 4K), retry rate vs injected -EBUSY =="
	"$sbin" -q -g "$gib" -o "$out/sept.tsv"
	column -t -s $'\t' "$out/sept.tsv"
	awk -F'\t' '
		$1 == "shared_populate_4k" { s = $3 }
		$1 == "private_populate_4k" { p = $3; pops = $12 }
		$1 == "private_teardown" { tops = $12 }
		END {
			printf "\nprivate vs shared 4K populate: %.2fx ns per fault; S-EPT ops per GiB: populate %d, teardown %d\n", p / s, pops, tops
		}' "$out/sept.tsv"
	echo "machine-readable: $out/sept.tsv"
fi
