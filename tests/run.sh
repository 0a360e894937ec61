#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Test runner: tests/run.sh TIER... (unit, host, vm, faults). Runs every TAP
# producer of the tiers, echoes its output, checks the plan, and ends with
# one line CI reads: "N passed, N failed, N skipped".
#   unit: build/tests/unit_tests (C, unprivileged)
#   host: tests/host/*.t (root; real tracefs, workloads, SQLite files)
#   vm:   tests/vm/*.t (boot a sched_ext guest under QEMU)
#   faults: tests/faults/*.t (the fault suite, on this host and in a guest)
# SCXB_BUILD=DIR runs them against another build (make test-asan).
# T=substring[,substring...] limits the files run (the unit tier always runs);
# TEST_TIMEOUT (s) bounds each file.
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0
failed_files=()
timeout_s=${TEST_TIMEOUT:-900}

run_tap() { # name, command...
	local name=$1; shift
	local out rc plan n_ok n_notok n_skip n
	echo "=== $name"
	out=$(mktemp)
	timeout --kill-after=10 "$timeout_s" "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	plan=$(grep -m1 -E '^1\.\.[0-9]+' "$out" | sed 's/^1\.\.//; s/ .*//')
	n_ok=$(grep -cE '^ok [0-9]+' "$out")
	n_notok=$(grep -cE '^not ok [0-9]+' "$out")
	n_skip=$(grep -cE '^ok [0-9]+.*# *SKIP' "$out")
	n=$((n_ok + n_notok))
	pass=$((pass + n_ok - n_skip)); fail=$((fail + n_notok)); skip=$((skip + n_skip))
	if [ -z "$plan" ] || [ "$plan" != "$n" ]; then
		echo "# $name: planned ${plan:-nothing}, ran $n"
		fail=$((fail + 1)); failed_files+=("$name (plan)")
	elif [ "$rc" != 0 ] && [ "$n_notok" = 0 ]; then
		echo "# $name: exit status $rc with no failed test"
		fail=$((fail + 1)); failed_files+=("$name (exit $rc)")
	elif [ "$n_notok" != 0 ]; then
		failed_files+=("$name")
	fi
	rm -f "$out"
}

[ $# -gt 0 ] || set -- unit host vm faults
for tier in "$@"; do
	case $tier in
	unit)
		run_tap unit "${SCXB_BUILD:-build}/tests/unit_tests" ;;
	host|vm|faults)
		for t in tests/$tier/*.t; do
			[ -e "$t" ] || continue
			if [ -n "${T:-}" ]; then
				m=0
				IFS=, read -ra pats <<<"$T"
				for p in "${pats[@]}"; do [[ $t == *"$p"* ]] && m=1; done
				[ $m = 1 ] || continue
			fi
			run_tap "$t" bash "$t"
		done ;;
	*)
		echo "unknown tier $tier (unit, host, vm, faults)" >&2; exit 2 ;;
	esac
done
[ ${#failed_files[@]} -gt 0 ] && printf '# failed: %s\n' "${failed_files[@]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
