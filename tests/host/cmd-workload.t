#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 15, the cmd workload on this host: a failing command is a failed
# run with its exit status and stderr tail; a command that outlives
# --duration is killed with everything it started; output parsers
# (--metric rules, stress-ng, perf bench) store numbers with their units;
# its tasks are the trace's role cmd; bad input records nothing.
. "$(dirname "$0")/../lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
if [ -d /sys/kernel/sched_ext ] && [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; then
	skip_all "a sched_ext scheduler is active on this host"
fi
plan 21
DB=$TMP/t.db
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
run() { "$SCXB" run eevdf --db "$DB" -q "$@"; }
last() { sql "$DB" "SELECT max(id) FROM runs"; }
metric() { sql "$DB" "SELECT value FROM metrics WHERE run_id=$1 AND name='$2'"; }

# a failing command
out=$(run --no-trace --workload "cmd:sh -c 'echo boom-on-stderr >&2; exit 3'" 2>&1)
rc=$?
[ $rc = 1 ] && pass "failing command: exit 1" || fail "failing command: exit 1" "rc $rc: $out"
id=$(last)
row=$(sql "$DB" "SELECT status || '|' || fail_stage || '|' || status_detail FROM runs WHERE id=$id")
case $row in
failed\|workload\|*"exit status 3"*boom-on-stderr*) pass "failed at stage workload with its status and stderr" ;;
*) fail "failed at stage workload with its status and stderr" "$row" ;;
esac

# a command that outlives --duration, with a child of its own
marker=scxb-t-$$-$RANDOM
mkdir -p "$TMP/bin" && cp "$(command -v sleep)" "$TMP/bin/$marker"
out=$(run --no-trace --duration 1 --shell --workload "cmd:$TMP/bin/$marker 60 & $TMP/bin/$marker 61" 2>&1)
rc=$?
[ $rc = 0 ] && pass "outliving command: the run is ok" || fail "outliving command: the run is ok" "rc $rc: $out"
id=$(last)
[ "$(metric $id cmd_timed_out)" = 1.0 ] && pass "cmd_timed_out = 1" || fail "cmd_timed_out = 1" "$(metric $id cmd_timed_out)"
el=$(metric $id cmd_elapsed)
awk -v e="$el" 'BEGIN { exit !(e >= 0.9 && e <= 1.5) }' && pass "cmd_elapsed is --duration ($el s)" \
	|| fail "cmd_elapsed is --duration" "$el"
sleep 0.2
left=$(pgrep -f "$marker" | tr '\n' ' ')
[ -z "$left" ] && pass "nothing of it left running" || fail "nothing of it left running" "pids $left"

# one that leaves its process group (setsid) and outlives the command: its
# cgroup holds it (skip where cgroup v2 cannot be written)
cg2=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	[ "$(stat -fc %T "$d" 2>/dev/null)" = cgroup2fs ] && { cg2=$d; break; }
done
if [ -n "$cg2" ]; then
	out=$(run --no-trace --shell --workload "cmd:setsid $TMP/bin/$marker 62 </dev/null >/dev/null 2>&1 & sleep 0.3" 2>&1)
	rc=$?
	sleep 0.2
	left=$(pgrep -f "$marker" | tr '\n' ' ')
	cgs=$(find "$cg2" -maxdepth 6 -type d -name 'scxbench-cmd-*' 2>/dev/null | tr '\n' ' ')
	[ $rc = 0 ] && [ -z "$left" ] && [ -z "$cgs" ] && pass "a setsid'd daemon it left is killed through its cgroup, the cgroup removed" \
		|| fail "a setsid'd daemon it left is killed through its cgroup" "rc $rc, pids '$left', cgroups '$cgs': $out"
	[ -n "$left" ] && kill $left 2>/dev/null
else
	skip "a setsid'd daemon it left is killed through its cgroup" "no cgroup v2 hierarchy here"
fi

# parsers: a --metric rule, stress-ng, perf bench
run --no-trace --workload "cmd:echo the answer is 42 today" --metric 'answer:things:higher=answer is ([0-9]+)' \
	>/dev/null 2>&1
id=$(last)
row=$(sql "$DB" "SELECT value || '|' || unit || '|' || better FROM metrics WHERE run_id=$id AND name='cmd_answer'")
[ "$row" = "42.0|things|1" ] && pass "--metric rule: cmd_answer = 42 things, higher is better" \
	|| fail "--metric rule: cmd_answer = 42 things, higher is better" "$row"
run --no-trace --workload "cmd:echo nothing here" --metric 'x=([0-9]+) widgets' >/dev/null 2>&1
rc=$?
id=$(last)
row=$(sql "$DB" "SELECT status || '|' || status_detail FROM runs WHERE id=$id")
[ $rc = 1 ] && [[ $row == failed*"matched nothing"* ]] && pass "a rule that matches nothing fails the run" \
	|| fail "a rule that matches nothing fails the run" "rc $rc: $row"
if command -v stress-ng >/dev/null; then
	run --workload "cmd:stress-ng --switch 1 --metrics-brief -t 2" >/dev/null 2>&1
	id=$(last)
	v=$(metric $id stressng_switch_bogo_ops_per_s)
	awk -v v="$v" 'BEGIN { exit !(v > 100) }' && pass "stress-ng: stressng_switch_bogo_ops_per_s = $v" \
		|| fail "stress-ng: stressng_switch_bogo_ops_per_s" "'$v'"
	n=$(sql "$DB" "SELECT count(*) FROM task_stats WHERE run_id=$id AND role='cmd' AND comm LIKE 'stress-ng%'")
	[ "$n" -ge 3 ] && pass "stress-ng's $n tasks are the trace role cmd" || fail "stress-ng's tasks are role cmd" "$n"
	w=$(metric $id trace_wakeup_cmd_samples)
	vol=$(metric $id cmd_switches_vol)
	awk -v w="$w" -v v="$vol" 'BEGIN { exit !(w > 1000 && v > 1000) }' \
		&& pass "trace wakeups ($w) and rusage switches ($vol) of the cmd" \
		|| fail "trace wakeups and rusage switches of the cmd" "$w $vol"
	n=$(sql "$DB" "SELECT count(*) FROM antagonists WHERE run_id=$id")
	[ "$n" -ge 1 ] && pass "antagonists of the cmd's tasks stored ($n)" || fail "antagonists of the cmd's tasks stored" "$n"
else
	for d in stress-ng-metric stress-ng-role trace-rusage antagonists; do skip "$d" "stress-ng not installed (make deps)"; done
fi
if command -v perf >/dev/null && perf bench sched pipe -l 1000 >/dev/null 2>&1; then
	run --no-trace --workload "cmd:perf bench sched pipe -l 20000" >/dev/null 2>&1
	id=$(last)
	v=$(metric $id perf_ops_per_s)
	t=$(metric $id perf_total_s)
	awk -v v="$v" -v t="$t" 'BEGIN { exit !(v > 1000 && t > 0) }' && pass "perf bench: perf_ops_per_s $v, perf_total_s $t" \
		|| fail "perf bench: perf_ops_per_s and perf_total_s" "'$v' '$t'"
else
	skip "perf bench parser" "perf bench sched pipe does not run here"
fi

# bad input: one line, exit 2, nothing recorded
before=$(sql "$DB" "SELECT count(*) FROM runs")
for bad in "cmd:no-such-command-$$ --x" "cmd:" "cmd:echo 'unbalanced"; do
	out=$("$SCXB" run eevdf --db "$DB" --no-trace --workload "$bad" 2>&1)
	rc=$?
	[ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && pass "bad input '$bad': exit 2, one line" \
		|| fail "bad input '$bad': exit 2, one line" "rc $rc: $out"
done
out=$("$SCXB" run eevdf --db "$DB" --no-trace --workload "cmd:true" --metric 'nameonly' 2>&1)
rc=$?
after=$(sql "$DB" "SELECT count(*) FROM runs")
[ $rc = 2 ] && [ "$before" = "$after" ] && pass "a bad --metric rule: exit 2, nothing recorded" \
	|| fail "a bad --metric rule: exit 2, nothing recorded" "rc $rc, runs $before -> $after: $out"
# a ci night on this host with two [workload] sections given by cmd =
cat >"$TMP/h.conf" <<CONF
[ci]
db = $TMP/hist.db
out = $TMP/ci-out
place = host
reps = 2
duration = 5s
trace = no
[scheduler eevdf]
[workload echo]
cmd = echo the answer is 42
metric = answer:things:higher=answer is ([0-9]+)
[workload fails]
cmd = sh -c 'exit 4'
CONF
out=$("$SCXB" ci "$TMP/h.conf" --label n1 --init 2>&1)
rc=$?
n=$(sql "$TMP/hist.db" "SELECT count(*) FROM runs r JOIN metrics m ON m.run_id = r.id
	WHERE r.workload = 'cmd' AND r.status = 'ok' AND m.name = 'cmd_answer' AND m.value = 42")
f=$(sql "$TMP/hist.db" "SELECT count(*) FROM runs WHERE workload = 'cmd' AND status = 'failed' AND fail_stage = 'workload'")
[ "$n" = 2 ] && [ "$f" = 2 ] && pass "ci with cmd = sections: the rule's number stored twice, the failing command's runs failed" \
	|| fail "ci with cmd = sections" "rc $rc, $n answers, $f failed: $(echo "$out" | tail -5)"
[ -s "$TMP/ci-out/report-echo/report.html" ] && grep -q 'echo' "$TMP/ci-out/summary.md" \
	&& pass "ci outputs: the cmd workload's report and summary" || fail "ci outputs for a cmd workload" "$(ls "$TMP/ci-out")"
left=$(ls /sys/kernel/tracing/instances 2>/dev/null | grep "^scxbench-$$-" ; ls "$TMPDIR")
[ -z "$left" ] && pass "no tracefs instance or temp file left" || fail "no tracefs instance or temp file left" "$left"
