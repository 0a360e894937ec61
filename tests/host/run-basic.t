#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 2 on this host, for real with short durations: every workload runs
# under eevdf and what is stored is consistent; --json parses; SIGINT and
# SIGKILL mid-run leave an aborted run and a sound database.
. "$(dirname "$0")/../lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
if [ -d /sys/kernel/sched_ext ] && [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; then
	skip_all "a sched_ext scheduler is active on this host"
fi
plan 17
DB=$TMP/t.db
run() { "$SCXB" run eevdf --db "$DB" --no-trace -q "$@"; }

G=2 F=4 L=50
ok "hackbench runs" run --workload hackbench --groups $G --fds $F --loops $L --duration 60
id=$(sql "$DB" "SELECT max(id) FROM runs")
msgs=$(sql "$DB" "SELECT value FROM metrics WHERE run_id=$id AND name='hackbench_messages'")
[ "${msgs%.*}" = $((G * F * F * L)) ] && pass "hackbench delivered exactly G*F*F*L messages" \
	|| fail "hackbench delivered exactly G*F*F*L messages" "got $msgs, want $((G * F * F * L))"
st=$(sql "$DB" "SELECT status FROM runs WHERE id=$id")
[ "$st" = ok ] && pass "hackbench run stored ok" || fail "hackbench run stored ok" "status $st"

ok "latency probe runs" run --workload latency --duration 2
id=$(sql "$DB" "SELECT max(id) FROM runs")
n=$(sql "$DB" "SELECT count(*) FROM metrics WHERE run_id=$id AND name LIKE '%lat_samples' AND value > 0")
[ "$n" -ge 1 ] && pass "latency sample count > 0" || fail "latency sample count > 0"
bad=$(sql "$DB" "SELECT count(*) FROM (SELECT substr(name,1,instr(name,'_p50')-1) AS p FROM metrics
	WHERE run_id=$id AND name LIKE '%_p50') q WHERE
	(SELECT value FROM metrics WHERE run_id=$id AND name=q.p||'_p50') >
	(SELECT value FROM metrics WHERE run_id=$id AND name=q.p||'_p90') OR
	(SELECT value FROM metrics WHERE run_id=$id AND name=q.p||'_p90') >
	(SELECT value FROM metrics WHERE run_id=$id AND name=q.p||'_p99') OR
	(SELECT value FROM metrics WHERE run_id=$id AND name=q.p||'_p99') >
	(SELECT value FROM metrics WHERE run_id=$id AND name=q.p||'_p99.9') OR
	(SELECT value FROM metrics WHERE run_id=$id AND name=q.p||'_p99.9') >
	(SELECT value FROM metrics WHERE run_id=$id AND name=q.p||'_max')")
[ "$bad" = 0 ] && pass "latency percentiles monotone" || fail "latency percentiles monotone" "$bad non-monotone"
h=$(sql "$DB" "SELECT count(*) FROM histograms WHERE run_id=$id AND count > 0")
[ "$h" -ge 1 ] && pass "latency histograms stored" || fail "latency histograms stored"

ok "cpu hogs run" run --workload cpu --duration 2
id=$(sql "$DB" "SELECT max(id) FROM runs")
mn=$(sql "$DB" "SELECT value > 0 FROM metrics WHERE run_id=$id AND name='cpu_minmax_ratio'")
[ "$mn" = 1 ] && pass "every CPU hog made progress" || fail "every CPU hog made progress"

out=$("$SCXB" run eevdf --workload mixed --duration 3 --db "$DB" --no-trace --json -q 2>&1)
if printf '%s\n' "$out" | python3 -c 'import json,sys; o=json.loads(sys.stdin.readline()); assert o["status"]=="ok" and o["workload"]=="mixed" and len(o["metrics"])>3, o' 2>&1; then
	pass "mixed --json output parses and is complete"
else
	fail "mixed --json output parses and is complete" "$out"
fi

# SIGINT mid-run: stored as aborted, database sound, no stray workload
# (in its own session, so that strays are told from other scxbench users)
setsid "$SCXB" run eevdf --workload mixed --duration 30 --db "$DB" --no-trace -q >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
rc=$?
[ $rc != 0 ] && pass "SIGINT run exits non-zero" || fail "SIGINT run exits non-zero"
st=$(sql "$DB" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")
[ "$st" = aborted ] && pass "SIGINT run stored as aborted" || fail "SIGINT run stored as aborted" "status $st"
[ "$(sql "$DB" 'PRAGMA integrity_check')" = ok ] && pass "integrity_check ok after SIGINT" \
	|| fail "integrity_check ok after SIGINT"
sleep 0.5
strays=$(pgrep -s $pid | wc -l)
[ "$strays" = 0 ] && pass "no stray workload processes" || fail "no stray workload processes" "$(pgrep -a -s $pid)"

# SIGKILL mid-run: the next start marks the dangling run aborted
"$SCXB" run eevdf --workload cpu --duration 30 --db "$DB" --no-trace -q >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -KILL $pid
wait $pid 2>/dev/null
sleep 0.5
pkill -KILL -f 'scxb-hog' 2>/dev/null
"$SCXB" show --db "$DB" >/dev/null 2>&1 # read-only: must not recover
run --workload cpu --duration 0.5 >/dev/null 2>&1
st=$(sql "$DB" "SELECT status FROM runs ORDER BY id DESC LIMIT 1 OFFSET 1")
[ "$st" = aborted ] && pass "SIGKILLed run marked aborted at next start" || fail "SIGKILLed run marked aborted at next start" "status $st"

# SIGKILL of a traced run: its work dir and tracefs instance stay behind
# (nothing can run after SIGKILL); the next run removes both
"$SCXB" run eevdf --workload cpu --duration 30 --db "$DB" -q >/dev/null 2>&1 &
pid=$!
# until its work dir exists (a loaded machine may take a while to get there)
for i in $(seq 100); do [ -n "$(owned_dirs /tmp scxbench-run- $pid)" ] && break; sleep 0.1; done
sleep 0.5
kill -KILL $pid
wait $pid 2>/dev/null
sleep 0.5
pkill -KILL '^scxb-hog' 2>/dev/null
left=$(owned_dirs /tmp scxbench-run- $pid | wc -l)
run --workload cpu --duration 0.5 >/dev/null 2>&1
"$SCXB" run eevdf --workload cpu --duration 0.5 --db "$DB" -q >/dev/null 2>&1
gone=$(owned_dirs /tmp scxbench-run- $pid | wc -l)
[ "$left" = 1 ] && [ "$gone" = 0 ] && pass "a SIGKILLed run's work dir is removed by the next run" \
	|| fail "a SIGKILLed run's work dir is removed by the next run" "left $left, after $gone"
inst=$(ls /sys/kernel/tracing/instances 2>/dev/null | grep -c "^scxbench-$pid-")
[ "$inst" = 0 ] && pass "its tracefs instance is removed too" || fail "its tracefs instance is removed too"
