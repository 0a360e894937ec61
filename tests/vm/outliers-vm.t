#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --dump-on-outlier in the guest: under simple (one global FIFO) with CPU
# hogs, the probe's wakeups wait behind whole hog slices, far above 5 ms.
# Each of the first K outliers gets a SysRq-D dump taken at that moment
# (after the late task ran, by the RT watcher) whose text names the
# probe's tasks, and a trace window in which the hogs held the CPUs while
# it waited; the dump lines are the outlier's, not the run's exit dump.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
if [ ! -d /sys/kernel/sched_ext ]; then
	need_guest_kernel
fi
exec 9>/tmp/scxb-vm.lock
flock -w 900 9 || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 15 min"
plan 12
K=2
cd "$TMP"
start=$(date +%s)
out=$(timeout 600 "$SCXB" run simple --workload mixed --duration 4 --hogs 2 --db v.db \
	--dump-on-outlier 5ms --outlier-dumps $K 2>&1); rc=$?
echo "# run in the VM: exit $rc in $(( $(date +%s) - start )) s"
[ $rc = 0 ] && pass "simple/mixed with --dump-on-outlier 5ms" || fail "exit $rc" "$(printf '%s\n' "$out" | tail -10)"
id=$(sql v.db "SELECT max(id) FROM runs WHERE status = 'ok' AND scheduler = 'simple'")
seen=$(sql v.db "SELECT outliers_seen FROM runs WHERE id = ${id:-0}")
n=$(sql v.db "SELECT count(*) FROM outliers WHERE run_id = ${id:-0} AND latency_ns > 5000000")
echo "# $seen outliers above 5 ms"
[ "$n" = $K ] && [ "${seen:-0}" -ge $K ] && pass "$K outliers kept of $seen, each above 5 ms" \
	|| fail "$n outliers kept, $seen seen" "$(sql v.db "SELECT * FROM outliers")"
n=$(sql v.db "SELECT count(*) FROM outliers WHERE run_id = ${id:-0} AND dump = 'taken'
	AND dump_start >= ts AND dump_end >= dump_start AND dump_text LIKE '%Debug dump triggered by SysRq-D%'")
[ "$n" = $K ] && pass "each has its SysRq-D dump, taken after the late task ran" \
	|| fail "$n dumps" "$(sql v.db "SELECT seq, dump, dump_error, dump_start - ts, length(dump_text) FROM outliers")"
# the dump's tasks: curr and runnable ones per CPU, by comm[pid]
n=$(sql v.db "SELECT count(*) FROM outliers o WHERE run_id = ${id:-0} AND EXISTS (SELECT 1 FROM task_stats t
	WHERE t.run_id = o.run_id AND t.role = 'probe' AND instr(o.dump_text, t.comm || '[' || t.pid || ']') > 0)")
[ "$n" = $K ] && pass "each dump names a probe task (comm[pid] of a traced probe thread)" \
	|| fail "$n dumps name a probe task" "$(sql v.db "SELECT dump_text FROM outliers LIMIT 1" | grep -E 'curr=| R |\*R ' | head)"
n=$(sql v.db "SELECT count(*) FROM outliers WHERE run_id = ${id:-0} AND dump_text LIKE '%scxb_simple%'")
[ "$n" = $K ] && pass "each dump is of the scheduler under test (scxb_simple)" || fail "$n dumps name scxb_simple"
# a dump holds the rq locks for ms: an outlier due before one ended (and
# posted after it began) may be that dump's doing, and gets no slot
dd=$(sql v.db "SELECT outliers_during_dump FROM runs WHERE id = ${id:-0}")
n=$(sql v.db "SELECT count(*) FROM outliers o WHERE run_id = ${id:-0} AND EXISTS (SELECT 1 FROM outliers p
	WHERE p.run_id = o.run_id AND p.seq < o.seq AND p.dump_start <= o.ts AND o.ts - o.latency_ns < p.dump_end)")
echo "# $dd outliers were due before a dump ended"
[ "$n" = 0 ] && [ -n "$dd" ] && pass "no kept outlier is an earlier dump's own ($dd of those counted, not kept)" \
	|| fail "$n kept outliers due while a dump held the CPUs" "$(sql v.db "SELECT seq, ts - latency_ns, ts, dump_start, dump_end FROM outliers")"
n=$(sql v.db "SELECT count(*) FROM scx_dump WHERE run_id = ${id:-0}")
[ "$n" = 0 ] && pass "the dump lines stay with their outliers (scx_dump: the exit dump only)" \
	|| fail "$n lines in scx_dump"
n=$(sql v.db "SELECT count(*) FROM outliers o WHERE run_id = ${id:-0} AND EXISTS (SELECT 1 FROM outlier_slices s
	WHERE s.run_id = o.run_id AND s.seq = o.seq AND s.comm LIKE 'scxb-hog%'
	AND s.end_ts > o.ts - o.latency_ns AND s.start_ts < o.ts)")
[ "$n" = $K ] && pass "each window shows a hog on a CPU while the late task waited" \
	|| fail "$n windows with a hog" "$(sql v.db "SELECT seq, cpu, comm, start_ts, end_ts FROM outlier_slices LIMIT 30")"
n=$(sql v.db "SELECT count(*) FROM outliers o WHERE run_id = ${id:-0} AND EXISTS (SELECT 1 FROM outlier_slices s
	WHERE s.run_id = o.run_id AND s.seq = o.seq AND s.pid = o.pid AND s.start_ts <= o.ts AND s.end_ts >= o.ts)")
[ "$n" = $K ] && pass "each window holds the late task running when its sample was taken" || fail "$n windows"
s=$("$SCXB" show "$id" --outliers --db v.db 2>&1)
printf '%s\n' "$s" | grep -q '^  | Debug dump triggered by SysRq-D' && printf '%s\n' "$s" | grep -q '<- the late task' \
	&& pass "show --outliers prints the dump and the CPU table" || fail "show" "$(printf '%s\n' "$s" | tail -20)"
"$SCXB" report --db v.db --runs "$id" --out rep >/dev/null 2>&1
[ "$(grep -c '<details><summary>scheduler dump' rep/report.html)" = $K ] && grep -q '^## Outliers' rep/report.md \
	&& pass "the report lists the outliers with their dumps" || fail "report" "$(grep -c details rep/report.html)"
[ "$(sql v.db 'PRAGMA integrity_check')" = ok ] && pass "database integrity ok" || fail "integrity"
