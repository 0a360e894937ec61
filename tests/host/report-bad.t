#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input for report/export/compare: a clear message, exit 2 where
# nothing useful can be produced, a partial report that says what is
# missing otherwise.
. "$(dirname "$0")/report-lib.sh"
plan 13
if ! build_gen; then
	fail "build the generator" "$(tail -5 "$TMP/build.log")"; exit 1
fi
pass "build the generator"

# expect RC PATTERN DESC CMD...: exit status RC and PATTERN in stdout+stderr
expect() {
	local want=$1 pat=$2 desc=$3 out rc; shift 3
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" = "$want" ] && grep -qiE "$pat" <<<"$out"; then pass "$desc"
	else fail "$desc" "rc=$rc (want $want): $(head -3 <<<"$out")"; fi
}

expect 2 "no such (file|database)|cannot open|does not exist" "missing database: exit 2" \
	"$SCXB" report --db "$TMP/nope.db" --out "$TMP/o"
gen_db "$TMP/one.db" 0 eevdf >/dev/null   # schema + an empty comparison
"$GEN" "$TMP/empty2.db" 0 >/dev/null && sqlite3 "$TMP/empty2.db" 'DELETE FROM comparisons'
expect 2 "no comparison" "empty database: exit 2, says so" \
	"$SCXB" report --db "$TMP/empty2.db" --out "$TMP/o"
gen_db "$TMP/r.db" 12 eevdf,simple >/dev/null
expect 2 "no comparison with id 99" "unknown comparison id: exit 2" \
	"$SCXB" report --db "$TMP/r.db" --compare 99 --out "$TMP/o"
expect 2 "no run with id 12345" "unknown run id: exit 2" \
	"$SCXB" report --db "$TMP/r.db" --runs 1,12345 --out "$TMP/o"
expect 2 "unknown format" "unknown figure format: exit 2" \
	"$SCXB" report --db "$TMP/r.db" --format gif --out "$TMP/o"
expect 2 "at least two schedulers" "compare with one scheduler: exit 2" \
	"$SCXB" compare eevdf --workload cpu --db "$TMP/c.db"

GEN_ALL_FAILED=1 gen_db "$TMP/failed.db" 6 eevdf,simple >/dev/null
expect 1 "partial" "every run failed: partial report, exit 1" \
	"$SCXB" report --db "$TMP/failed.db" --out "$TMP/of"
grep -q "No comparison table: no successful run" "$TMP/of/report.md" && grep -q "Not drawn" "$TMP/of/report.md" &&
	pass "...and the report says what is missing" || fail "...and the report says what is missing"

gen_db "$TMP/single.db" 6 eevdf >/dev/null
expect 0 "report:" "one scheduler: descriptive report" \
	"$SCXB" report --db "$TMP/single.db" --out "$TMP/os"

GEN_DROP=1 gen_db "$TMP/drop.db" 12 eevdf,simple >/dev/null
"$SCXB" report --db "$TMP/drop.db" --out "$TMP/od" >"$TMP/td" 2>&1
grep -E '^cpu_work_per_s' -A1 "$TMP/td" | grep -qE ' 3 +6/6 ' &&
	pass "metric missing in some runs: n counts only runs that have it" ||
	fail "metric missing in some runs: n counts only runs that have it" "$(grep -A1 cpu_work "$TMP/td")"

PATH=/nonexistent SCXB_GNUPLOT= "$SCXB" report --db "$TMP/r.db" --out "$TMP/ng" >"$TMP/ng.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "gnuplot not found" "$TMP/ng.out" && grep -q "gnuplot not found" "$TMP/ng/report.md" &&
	[ -s "$TMP/ng/cdf_wakeup_lat.gp" ] && [ ! -e "$TMP/ng/cdf_wakeup_lat.png" ] &&
	pass "gnuplot missing: data and scripts, report says so, exit 1" ||
	fail "gnuplot missing: data and scripts, report says so, exit 1" "rc=$rc $(head -3 "$TMP/ng.out")"
# runs of different places (host vs a TCG guest) are never one comparison
gen_db "$TMP/mix.db" 4 eevdf,simple >/dev/null
sqlite3 "$TMP/mix.db" "UPDATE runs SET place = 'vm', accel = 'tcg', guest_kernel = '7.2.13' WHERE id = 2"
expect 2 "different places" "report --runs of a host run and a VM run: refused" \
	"$SCXB" report --db "$TMP/mix.db" --runs 1,2 --out "$TMP/om"
exit 0
