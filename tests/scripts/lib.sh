# Helpers for the script tests (tests/scripts/test_*.sh): each check prints
# one "  ok|FAIL  what" line; finish() prints "N passed, N failed" for the
# file and exits non-zero if any check failed.
checks_pass=0 checks_fail=0

check_result() { # ok(0/1) what [detail...]
	local ok=$1 what=$2
	shift 2
	if [ "$ok" = 0 ]; then
		checks_pass=$((checks_pass + 1))
		echo "  ok    $what"
	else
		checks_fail=$((checks_fail + 1))
		echo "  FAIL  $what"
		[ $# -gt 0 ] && printf '        | %s\n' "$@"
	fi
}

# run_ok WHAT CMD...: CMD must exit 0.
run_ok() {
	local what=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	check_result $([ $rc = 0 ] && echo 0 || echo 1) "$what" \
		"exit $rc from: $*" "$(tail -5 <<<"$out")"
}

# run_fails_with WHAT TEXT CMD...: CMD must exit non-zero and print TEXT
# (a fixed string) on stdout or stderr.
run_fails_with() {
	local what=$1 text=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc != 0 ] && grep -qF -- "$text" <<<"$out"; then
		check_result 0 "$what"
	else
		check_result 1 "$what" "exit $rc from: $*" "wanted: $text" \
			"$(tail -5 <<<"$out")"
	fi
}

# run_status WHAT STATUS TEXT CMD...: CMD must exit STATUS and print TEXT.
run_status() {
	local what=$1 want=$2 text=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = "$want" ] && grep -qF -- "$text" <<<"$out"; then
		check_result 0 "$what"
	else
		check_result 1 "$what" "exit $rc (wanted $want) from: $*" \
			"wanted: $text" "$(tail -5 <<<"$out")"
	fi
}

finish() {
	echo "  $checks_pass passed, $checks_fail failed"
	[ "$checks_fail" = 0 ]
}
