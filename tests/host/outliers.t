#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --dump-on-outlier and compare --overhead-check on this host, for real.
# Under eevdf there is no sched_ext state to dump: with a threshold low
# enough to fire on every sample, each run keeps exactly K outliers (the
# rate limit) with their trace windows and no dump, counts every sample
# above the threshold, and says so once; a threshold no sample reaches
# keeps none; --no-trace keeps the outliers without dump or window. An
# --overhead-check comparison stores a traced and an untraced run of each
# scheduler per round and keeps the untraced ones out of the verdicts.
. "$(dirname "$0")/../lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
if [ -d /sys/kernel/sched_ext ] && [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; then
	skip_all "a sched_ext scheduler is active on this host"
fi
plan 30
DB=$TMP/o.db
K=3 WMS=2
q() { sql "$DB" "$1"; }

out=$("$SCXB" run eevdf --workload latency --db "$DB" --duration 2 --reps 2 --warmup-s 0.2 \
	--dump-on-outlier 1us --outlier-dumps $K --outlier-window-ms $WMS 2>&1); rc=$?
[ $rc = 0 ] && pass "two latency runs with --dump-on-outlier 1us" || fail "exit $rc" "$out"
n=$(printf '%s\n' "$out" | grep -c 'has no sched_ext state to dump')
[ "$n" = 1 ] && pass "eevdf: the skipped dump is said once for two runs" || fail "said $n times" "$out"
ids=$(q "SELECT group_concat(id, ' ') FROM runs WHERE status = 'ok'")
set -- $ids
[ $# = 2 ] && pass "both runs ok" || fail "ok runs: '$ids'"
bad=
for id in $ids; do
	s=$(q "SELECT outlier_us || ' ' || outlier_dumps || ' ' || outlier_window_ms FROM runs WHERE id = $id")
	[ "$s" = "1.0 $K 2.0" ] || bad="$bad run $id settings '$s';"
done
[ -z "$bad" ] && pass "threshold, K and window stored with each run" || fail "$bad"
bad=
for id in $ids; do
	seen=$(q "SELECT outliers_seen FROM runs WHERE id = $id")
	samples=$(q "SELECT sum(value) FROM metrics WHERE run_id = $id AND name IN
		('timer_lat_samples', 'wakeup_lat_samples')")
	[ "$seen" = "${samples%.0}" ] || bad="$bad run $id: seen $seen, samples $samples;"
done
[ -z "$bad" ] && pass "above 1 us: every timer and wakeup sample is counted as an outlier" || fail "$bad"
bad=
for id in $ids; do
	r=$(q "SELECT count(*) || ' ' || min(seq) || ' ' || max(seq) FROM outliers WHERE run_id = $id")
	[ "$r" = "$K 0 $((K - 1))" ] || bad="$bad run $id: '$r';"
done
[ -z "$bad" ] && pass "rate limit: exactly the first $K outliers of each run kept" || fail "$bad"
n=$(q "SELECT count(*) FROM outliers WHERE dump != 'no_sched_ext' OR dump_text IS NOT NULL
	OR dump_start IS NOT NULL")
[ "$n" = 0 ] && pass "no dump under eevdf (dump = no_sched_ext)" || fail "$n outliers with a dump" \
	"$(q 'SELECT seq, dump, dump_start FROM outliers')"
n=$(q "SELECT count(*) FROM outliers WHERE comm NOT LIKE 'scxb-probe-%' OR kind NOT IN ('timer', 'wakeup')
	OR latency_ns <= 1000 OR pid <= 0")
[ "$n" = 0 ] && pass "each outlier names a probe thread, its kind and a latency above 1 us" \
	|| fail "$n odd outliers" "$(q 'SELECT * FROM outliers')"
n=$(q "SELECT count(*) FROM outliers WHERE window_end IS NOT ts
	OR window_start IS NOT ts - latency_ns - $WMS * 1000000")
[ "$n" = 0 ] && pass "window: from $WMS ms before the wakeup was due until it ran" \
	|| fail "$n windows off" "$(q 'SELECT ts, latency_ns, window_start, window_end FROM outliers')"
n=$(q "SELECT count(*) FROM outliers o WHERE NOT EXISTS (SELECT 1 FROM outlier_slices s
	WHERE s.run_id = o.run_id AND s.seq = o.seq AND s.pid = o.pid AND s.comm = o.comm
	AND s.start_ts <= o.ts AND s.end_ts >= o.ts)")
[ "$n" = 0 ] && pass "every window holds the late task on a CPU at the moment it ran" \
	|| fail "$n outliers without their own slice" \
	"$(q "SELECT o.run_id, o.seq, o.pid, o.comm, o.ts, o.latency_ns, o.window_start, s.cpu,
		s.start_ts, s.end_ts, s.comm FROM outliers o LEFT JOIN outlier_slices s ON s.run_id = o.run_id
		AND s.seq = o.seq AND s.pid = o.pid WHERE NOT EXISTS (SELECT 1 FROM outlier_slices x
		WHERE x.run_id = o.run_id AND x.seq = o.seq AND x.pid = o.pid AND x.comm = o.comm
		AND x.start_ts <= o.ts AND x.end_ts >= o.ts) LIMIT 20")"
ncpu=$(nproc)
n=$(q "SELECT count(*) FROM outlier_slices s JOIN outliers o USING (run_id, seq)
	WHERE s.end_ts <= o.window_start OR s.start_ts >= o.window_end OR s.end_ts < s.start_ts
	OR s.cpu < 0 OR s.cpu >= $ncpu")
t=$(q "SELECT count(*) FROM outlier_slices")
[ "$n" = 0 ] && [ "$t" -gt "$((2 * K))" ] && pass "$t slices, each on a CPU of this host and inside its window" \
	|| fail "$n of $t slices outside their window or CPU"
n=$(q "SELECT count(*) FROM scx_dump")
[ "$n" = 0 ] && pass "no sched_ext_dump lines stored" || fail "$n dump lines"
set -- $ids
s=$("$SCXB" show "$1" --outliers --db "$DB" 2>&1)
printf '%s\n' "$s" | grep -q "^outlier $((K - 1)):" && ! printf '%s\n' "$s" | grep -q "^outlier $K:" &&
	printf '%s\n' "$s" | grep -q 'nothing to dump' && printf '%s\n' "$s" | grep -q '<- the late task' &&
	printf '%s\n' "$s" | grep -Eq "^  cpu [0-9]+: " \
	&& pass "show --outliers: $K outliers, no dump, the CPU table marking the late task" \
	|| fail "show --outliers" "$(printf '%s\n' "$s" | sed -n '/^outliers of/,$p' | head -20)"

# a threshold no sample reaches: counted, nothing kept
"$SCXB" run eevdf --workload latency --db "$DB" --duration 1 --warmup-s 0.2 -q \
	--dump-on-outlier 5s >/dev/null 2>&1
id=$(q "SELECT max(id) FROM runs")
r=$(q "SELECT outlier_us || ' ' || outliers_seen || ' ' || (SELECT count(*) FROM outliers WHERE run_id = $id)
	FROM runs WHERE id = $id AND status = 'ok'")
[ "$r" = "5000000.0 0 0" ] && pass "above 5 s: none seen, none kept" || fail "run $id: '$r'"

# --no-trace: kept without dump or window, said once
out=$("$SCXB" run eevdf --workload mixed --db "$DB" --duration 1 --probe-warmup-s 0.2 --no-trace \
	--dump-on-outlier 1us --outlier-dumps 2 2>&1)
id=$(q "SELECT max(id) FROM runs")
r=$(q "SELECT count(*) || ' ' || sum(dump = 'no_trace') || ' ' || sum(window_end IS NULL)
	|| ' ' || (SELECT count(*) FROM outlier_slices WHERE run_id = $id) FROM outliers WHERE run_id = $id")
[ "$r" = "2 2 2 0" ] && printf '%s\n' "$out" | grep -q 'without a trace' \
	&& pass "--no-trace (mixed): 2 outliers kept, no dump, no window, said" || fail "run $id: '$r'" "$out"

# bad usage: one line, exit 2, nothing run
bad_usage() { # DESC ARGS...
	local d=$1 before after o rc; shift
	before=$(q "SELECT count(*) FROM runs")
	o=$("$SCXB" run eevdf --db "$DB" --duration 1 "$@" 2>&1); rc=$?
	after=$(q "SELECT count(*) FROM runs")
	[ $rc = 2 ] && [ "$before" = "$after" ] && [ "$(printf '%s\n' "$o" | wc -l)" = 1 ] \
		&& pass "$d: exit 2, one line" || fail "$d: exit $rc" "$o"
}
bad_usage "--dump-on-outlier on a workload without the probe" --workload hackbench --dump-on-outlier 500
bad_usage "--outlier-dumps without --dump-on-outlier" --workload latency --outlier-dumps 2
bad_usage "--dump-on-outlier 0" --workload latency --dump-on-outlier 0
bad_usage "--outlier-dumps 101" --workload latency --dump-on-outlier 1ms --outlier-dumps 101

# --overhead-check: untraced rounds stored beside the traced ones, kept out of the verdicts
C=$TMP/c.db
out=$("$SCXB" compare eevdf eevdf --workload latency --db "$C" --reps 2 --duration 1 --warmup-s 0.2 \
	--seed 3 --overhead-check --out "$TMP/rep" 2>&1); rc=$?
[ $rc = 0 ] && pass "compare eevdf eevdf --overhead-check" || fail "exit $rc" "$(printf '%s\n' "$out" | tail -5)"
r=$(sql "$C" "SELECT group_concat(x, ' ') FROM (SELECT round || ':' || sum(trace) || '/' || count(*) x
	FROM runs WHERE status = 'ok' AND compare_id = 1 GROUP BY round ORDER BY round)")
[ "$r" = "0:2/4 1:2/4" ] && pass "each round: every scheduler once traced, once untraced" || fail "rounds '$r'"
n=$(sql "$C" "SELECT count(*) FROM runs r WHERE trace = 0 AND EXISTS (SELECT 1 FROM metrics m
	WHERE m.run_id = r.id AND m.name = 'trace_events')")
u=$(sql "$C" "SELECT count(*) FROM runs r WHERE trace = 1 AND EXISTS (SELECT 1 FROM metrics m
	WHERE m.run_id = r.id AND m.name = 'trace_events')")
[ "$n" = 0 ] && [ "$u" = 4 ] && pass "the untraced rounds ran without the tracer" || fail "traced-looking: $n untraced, $u traced"
r=$(sql "$C" "SELECT group_concat(n, ' ') FROM comparison_results WHERE metric IN ('wakeup_lat_p99', 'timer_lat_p99')")
[ "$r" = "2 2 2 2" ] && pass "the verdict table counts 2 runs per scheduler, the traced ones" || fail "n: '$r'"
# two runs per slot: each median is their mean, so the medians add up to
# the traced runs' values, and not to the untraced ones'
d=$(sql "$C" "SELECT abs((SELECT 2 * sum(median) FROM comparison_results WHERE metric = 'wakeup_lat_p99')
	- (SELECT sum(m.value) FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.trace = 1
	AND m.name = 'wakeup_lat_p99')) < 1e-6")
[ "$d" = 1 ] && pass "wakeup_lat_p99 medians made of the traced runs only" \
	|| fail "medians vs traced values" "$(sql "$C" "SELECT r.trace, m.value FROM metrics m JOIN runs r ON r.id = m.run_id WHERE m.name = 'wakeup_lat_p99'")"
printf '%s\n' "$out" | grep -q '^tracing overhead (--overhead-check)' &&
	[ "$(printf '%s\n' "$out" | sed -n '/^tracing overhead/,$p' | grep -cE ' 2/2 ')" = 4 ] &&
	[ "$(sql "$C" "SELECT settings LIKE '%\"overhead_check\":true%' FROM comparisons")" = 1 ] \
	&& pass "overhead table printed after the verdicts: 2 metrics x 2 schedulers, 2/2 runs" \
	|| fail "overhead table" "$(printf '%s\n' "$out" | sed -n '/^tracing overhead/,$p')"
grep -q '^## Tracing overhead' "$TMP/rep/report.md" && grep -q '<h2>Tracing overhead</h2>' "$TMP/rep/report.html" \
	&& pass "the report has the tracing-overhead section" || fail "no overhead section" "$(grep '^## ' "$TMP/rep/report.md")"
o=$("$SCXB" report --db "$C" --compare 1 --out "$TMP/rep2" 2>&1)
[ "$(printf '%s\n' "$o" | sed -n '/^tracing overhead/,$p' | grep -cE ' 2/2 ')" = 4 ] \
	&& pass "scxbench report prints it after the table too (compare's VM path)" || fail "report" "$o"
o=$("$SCXB" compare eevdf eevdf --workload latency --db "$C" --no-trace --overhead-check 2>&1); rc=$?
[ $rc = 2 ] && pass "--overhead-check with --no-trace refused" || fail "exit $rc" "$o"

# ci: for the workloads with the probe, the others untouched
cat > "$TMP/n.conf" <<CONF
[ci]
db = $TMP/h.db
out = $TMP/ci-out
place = host
reps = 1
duration = 1s
[scheduler eevdf]
[workload latency]
warmup-s = 0.2
[workload hackbench]
groups = 1
loops = 100
CONF
o=$("$SCXB" ci "$TMP/n.conf" --label a --init -q --dump-on-outlier 1us --outlier-dumps 2 2>&1); rc=$?
r=$(sql "$TMP/h.db" "SELECT group_concat(workload || ':' || ifnull(outlier_dumps, '-') || ':'
	|| (SELECT count(*) FROM outliers o WHERE o.run_id = r.id), ' ') FROM runs r")
[ $rc = 0 ] && [ "$r" = "latency:2:2 hackbench:-:0" ] && pass "ci --dump-on-outlier: the latency cell keeps 2, hackbench none" \
	|| fail "ci exit $rc, runs '$r'" "$o"
sed -i '/^\[workload latency\]/,/^warmup-s/d' "$TMP/n.conf"
o=$("$SCXB" ci "$TMP/n.conf" --label b -q --dump-on-outlier 1us 2>&1); rc=$?
[ $rc = 2 ] && printf '%s\n' "$o" | grep -q 'has none' && pass "ci --dump-on-outlier without a probe workload refused" \
	|| fail "exit $rc" "$o"
