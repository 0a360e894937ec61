#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real comparison on this host: eevdf against itself (an A/A test) with a
# fixed seed must call no metric significantly different, store the
# comparison with its seed, interleave the rounds, and write the report.
. "$(dirname "$0")/../lib.sh"
need_root
plan 7
DB=$TMP/c.db OUT=$TMP/rep
"$SCXB" compare eevdf eevdf --workload latency --reps 3 \
	--duration 1s --seed 7 --db "$DB" --out "$OUT" -q >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && pass "compare eevdf eevdf exits 0" || fail "compare eevdf eevdf exits 0" "rc=$rc $(tail -3 "$TMP/err")"
n=$(grep -cE ' (better|worse|different)$' "$TMP/out")
[ "$n" = 0 ] && grep -q 'no significant difference' "$TMP/out" &&
	pass "A/A: no metric significantly different" ||
	fail "A/A: no metric significantly different" "$(grep -E ' (better|worse)$' "$TMP/out" | head -3)"
[ "$(sql "$DB" "SELECT seed || ' ' || reps || ' ' || status || ' ' || replace(schedulers, char(10), ',') FROM comparisons")" = "7 3 done eevdf,eevdf" ] &&
	pass "comparison stored with seed, reps, status" || fail "comparison stored" "$(sql "$DB" 'SELECT * FROM comparisons')"
[ "$(sql "$DB" "SELECT COUNT(*) FROM runs WHERE compare_id = 1 AND status = 'ok'")" = 6 ] &&
	[ "$(sql "$DB" "SELECT COUNT(DISTINCT round) FROM runs WHERE compare_id = 1")" = 3 ] &&
	pass "6 runs in 3 rounds" || fail "6 runs in 3 rounds" "$(sql "$DB" 'SELECT id, scheduler, round, status FROM runs')"
[ "$(sql "$DB" "SELECT COUNT(DISTINCT scheduler) FROM comparison_results WHERE compare_id = 1")" = 2 ] &&
	pass "results table stored (eevdf and eevdf#2)" || fail "results table stored"
[ -s "$OUT/report.html" ] && grep -q "report: $OUT/report.html" "$TMP/out" &&
	pass "report written and its path printed" || fail "report written and its path printed" "$(tail -2 "$TMP/out")"
# the report regenerates from the database alone with the same table
"$SCXB" report --db "$DB" --out "$TMP/rep2" >"$TMP/out2" 2>&1
diff <(grep -E '^ ' "$TMP/out" | head -40) <(grep -E '^ ' "$TMP/out2" | head -40) >/dev/null &&
	pass "scxbench report reproduces the table (seeded bootstrap)" ||
	fail "scxbench report reproduces the table" "$(diff <(grep -E '^ ' "$TMP/out") <(grep -E '^ ' "$TMP/out2") | head -4)"
exit 0
