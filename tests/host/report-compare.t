#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real comparison on this host: eevdf against itself (an A/A test) with a
# fixed seed must call no metric better, worse or different, print the
# headline first (the latency workload's primary metrics in words, each
# same or inconclusive with the rounds to go), fit 100 columns, store the
# comparison with its seed, min-effect and four-way verdicts, interleave
# the rounds, export the verdicts (and the corrected percentiles, ordinary
# metrics), and write the report. --until-ci stops adding rounds once the
# primary verdicts are decided, and goes on to --max-reps while they are not.
. "$(dirname "$0")/../lib.sh"
need_root
plan 15
DB=$TMP/c.db OUT=$TMP/rep
"$SCXB" compare eevdf eevdf --workload latency --reps 3 \
	--duration 1s --seed 7 --db "$DB" --out "$OUT" -q >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && pass "compare eevdf eevdf exits 0" || fail "compare eevdf eevdf exits 0" "rc=$rc $(tail -3 "$TMP/err")"
# the headline comes first: the pair, the rounds, the survival
head -1 "$TMP/out" | grep -qx 'eevdf#2 vs eevdf (baseline), 3 rounds, survival 3/3 vs 3/3' &&
	pass "the headline comes first" || fail "the headline comes first" "$(head -3 "$TMP/out")"
# then latency's two primary metrics, in words, A/A: same or inconclusive
n=$(grep -cE '^  probe (wakeup|timer) latency p99 .*  (same \(within 2 %\)|same|inconclusive.*)$' "$TMP/out")
[ "$n" = 2 ] && pass "headline: wakeup and timer p99 in words, same or inconclusive" ||
	fail "headline: primary metrics" "$(head -6 "$TMP/out")"
# with 3 runs each nothing can be significant (smallest exact p 0.1):
# never better, worse or different, starred or not, anywhere
n=$(grep -cE '(better|worse|different)\*?$' "$TMP/out")
[ "$n" = 0 ] && pass "A/A: no metric better, worse or different" ||
	fail "A/A: no metric better, worse or different" "$(grep -E '(better|worse|different)\*?$' "$TMP/out" | head -3)"
# sentences are wrapped at 100 columns, continued with two spaces: joined
sed ':a;N;$!ba;s/\n  / /g' "$TMP/out" | grep -q 'nothing can reach 0.05: add --reps' &&
	! grep -q 'no significant difference' "$TMP/out" &&
	pass "the note says more rounds are needed; no 'no significant difference'" ||
	fail "note" "$(cat "$TMP/out")"
w=$(python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$TMP/out")
[ "$w" -le 100 ] && pass "every line within 100 columns (widest $w)" || fail "a line of $w columns" "$(cat "$TMP/out")"
[ "$(sql "$DB" "SELECT seed || ' ' || reps || ' ' || status || ' ' || replace(schedulers, char(10), ',') || ' ' || json_extract(settings, '$.min_effect_pct') || ' ' || json_extract(settings, '$.alpha') FROM comparisons")" = "7 3 done eevdf,eevdf 2 0.05" ] &&
	pass "comparison stored with seed, reps, status, min-effect, alpha" || fail "comparison stored" "$(sql "$DB" 'SELECT * FROM comparisons')"
[ "$(sql "$DB" "SELECT COUNT(*) FROM runs WHERE compare_id = 1 AND status = 'ok'")" = 6 ] &&
	[ "$(sql "$DB" "SELECT COUNT(DISTINCT round) FROM runs WHERE compare_id = 1")" = 3 ] &&
	pass "6 runs in 3 rounds" || fail "6 runs in 3 rounds" "$(sql "$DB" 'SELECT id, scheduler, round, status FROM runs')"
# stored verdicts: four-way words only, the primary ones undecided with
# their rounds to go (-1: no practical number) and the min-effect
bad=$(sql "$DB" "SELECT count(*) FROM comparison_results WHERE compare_id = 1 AND
	rtrim(verdict, '*') NOT IN ('baseline', 'same', 'inconclusive', 'n/a')")
prim=$(sql "$DB" "SELECT count(*) FROM comparison_results WHERE scheduler = 'eevdf#2' AND
	metric IN ('wakeup_lat_p99', 'timer_lat_p99') AND min_effect_pct = 2 AND
	((verdict = 'inconclusive' AND more_rounds != 0) OR (verdict = 'same' AND more_rounds IS NULL))")
[ "$bad" = 0 ] && [ "$prim" = 2 ] && [ "$(sql "$DB" "SELECT COUNT(DISTINCT scheduler) FROM comparison_results WHERE compare_id = 1")" = 2 ] &&
	pass "results stored (eevdf and eevdf#2): four-way verdicts, rounds to go, min-effect" ||
	fail "results stored" "$bad bad, $prim primary: $(sql "$DB" "SELECT metric, verdict, more_rounds, min_effect_pct FROM comparison_results WHERE metric LIKE '%lat_p99'")"
# the exports carry the verdicts; the corrected percentiles are ordinary metrics
"$SCXB" export --db "$DB" --format json >"$TMP/e.json" 2>"$TMP/e.err" &&
python3 - "$TMP/e.json" <<'PY' 2>"$TMP/py" && pass "export json: verdicts, min-effect, rounds to go; timer_lat_co_p99 a metric" || fail "export json" "$(cat "$TMP/py" "$TMP/e.err")"
import json, sys
d = json.load(open(sys.argv[1]))
res = {(r['metric'], r['scheduler']): r for r in d['comparisons'][0]['results']}
w = res[('wakeup_lat_p99', 'eevdf#2')]
assert w['verdict'] in ('same', 'inconclusive'), w
assert w['min_effect_pct'] == 2, w
assert (w['more_rounds'] is None) == (w['verdict'] == 'same'), w
assert res[('timer_lat_co_p99', 'eevdf#2')]['verdict'].rstrip('*') in ('same', 'inconclusive', 'n/a'), res[('timer_lat_co_p99', 'eevdf#2')]
assert all('timer_lat_co_p99' in r['metrics'] for r in d['runs'] if r['status'] == 'ok'), 'timer_lat_co_p99 missing from a run'
PY
"$SCXB" export --db "$DB" --format csv --compare 1 >"$TMP/e.csv" 2>>"$TMP/e.err" &&
python3 - "$TMP/e.csv" <<'PY' 2>"$TMP/py" && pass "export csv: verdict, min_effect_pct, more_rounds columns" || fail "export csv" "$(cat "$TMP/py" "$TMP/e.err")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {(r['metric'], r['scheduler']): r for r in rows}
w = by[('timer_lat_p99', 'eevdf#2')]
assert w['verdict'] in ('same', 'inconclusive') and float(w['min_effect_pct']) == 2, w
assert (w['more_rounds'] == '') == (w['verdict'] == 'same'), w
assert by[('timer_lat_co_p99', 'eevdf')]['verdict'] == 'baseline', by[('timer_lat_co_p99', 'eevdf')]
PY
[ -s "$OUT/report.html" ] && grep -q "report: $OUT/report.html" "$TMP/out" &&
	pass "report written and its path printed" || fail "report written and its path printed" "$(tail -2 "$TMP/out")"
# the report regenerates from the database alone with the same table
"$SCXB" report --db "$DB" --out "$TMP/rep2" >"$TMP/out2" 2>&1
diff <(grep -vE '^(comparison|report:)' "$TMP/out") <(grep -vE '^(comparison|report:)' "$TMP/out2") >/dev/null &&
	pass "scxbench report reproduces the table (seeded bootstrap)" ||
	fail "scxbench report reproduces the table" "$(diff <(grep -vE '^(comparison|report:)' "$TMP/out") <(grep -vE '^(comparison|report:)' "$TMP/out2") | head -6)"

# --until-ci: an A/A comparison whose min-effect (50 %) is far above the
# noise is "same" at the first look: it stops at --reps, not --max-reps,
# although its CI target (0.01 %) is not met
DB2=$TMP/u.db
"$SCXB" compare eevdf eevdf --workload cpu --reps 3 --max-reps 6 --until-ci 0.01 \
	--min-effect 50 --duration 1s --seed 5 --db "$DB2" --no-report >"$TMP/u.out" 2>"$TMP/u.err"
[ "$(sql "$DB2" "SELECT reps || ' ' || (SELECT COUNT(*) FROM runs) FROM comparisons")" = "3 6" ] &&
	grep -q 'after 3 round(s): 0 primary verdict(s) undecided' "$TMP/u.err" &&
	grep -qE '^  CPU hog work/s .*  same \(within 50 %\)$' "$TMP/u.out" &&
	pass "--until-ci stops when every primary verdict is decided (same at 3 rounds)" ||
	fail "--until-ci stops when decided" "$(sql "$DB2" 'SELECT reps, status FROM comparisons'; cat "$TMP/u.err"; head -4 "$TMP/u.out")"
# ...and with a min-effect no CI can fit (0.001 %) and 3 runs a side (no p
# can reach alpha), it adds rounds up to --max-reps and says so
DB3=$TMP/u3.db
"$SCXB" compare eevdf eevdf --workload cpu --reps 2 --max-reps 3 --until-ci 0.01 \
	--min-effect 0.001 --duration 1s --seed 5 --db "$DB3" --no-report >"$TMP/u3.out" 2>"$TMP/u3.err"
[ "$(sql "$DB3" "SELECT reps || ' ' || (SELECT COUNT(*) FROM runs) FROM comparisons")" = "3 6" ] &&
	grep -qE 'after 2 round\(s\): [12] primary verdict\(s\) undecided' "$TMP/u3.err" &&
	grep -qE -- '--max-reps 3 reached with [12] primary verdict\(s\) undecided' "$TMP/u3.err" &&
	pass "--until-ci goes on to --max-reps while a primary verdict is undecided" ||
	fail "--until-ci up to --max-reps" "$(sql "$DB3" 'SELECT reps, status FROM comparisons'; cat "$TMP/u3.err"; head -4 "$TMP/u3.out")"
exit 0
