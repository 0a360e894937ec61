#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# No tracefs instance outlives a run: after a normal run, after SIGINT and
# after SIGTERM mid-run. A SIGKILLed run leaves its instance behind (nothing
# can run then); the next run must remove it. With the real CLI too, when
# build/scxbench can run.
. "$(dirname "$0")/trace-lib.sh"
echo 1..14
if ! build_tools; then
	nok "build driver and helper"; sed 's/^/# /' "$T/build.log"; exit 1
fi
ok "build driver and helper"
before=$(our_instances)
[ "$before" = 0 ] || echo "# $before stale scxbench instance(s) before the test"

"$T/trace_driver" "$T/db" -- "$T/trace_helper" pingpong 100 0 >/dev/null 2>&1
check "normal run: no scxbench instance left" [ "$(our_instances)" = 0 ]

for sig in INT TERM; do
	"$T/trace_driver" "$T/db" -- sleep 30 >/dev/null 2>"$T/err.$sig" &
	pid=$!
	for _ in $(seq 50); do [ "$(our_instances)" != 0 ] && break; sleep 0.1; done
	seen=$(our_instances)
	kill -$sig $pid
	wait $pid
	check "SIG$sig: instance existed during the run ($seen) and is gone after" \
		[ "$seen" = 1 -a "$(our_instances)" = 0 ]
done
check "no trace recorder process left after the normal, SIGINT and SIGTERM runs" [ -z "$(live_recorders)" ]
status=$(sqlite3 "$T/db" "SELECT group_concat(status) FROM runs ORDER BY id")
check "runs stored as ok, aborted, aborted (got $status)" [ "$status" = "ok,aborted,aborted" ]

"$T/trace_driver" "$T/db" -- sleep 30 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do [ "$(our_instances)" != 0 ] && break; sleep 0.1; done
kill -KILL $pid; wait $pid 2>/dev/null
check "SIGKILL: the instance is left behind (expected)" [ "$(our_instances)" = 1 ]
# the recorder dies with the runner (PR_SET_PDEATHSIG)
for _ in $(seq 20); do [ -z "$(live_recorders)" ] && break; sleep 0.1; done
check "SIGKILL: the trace recorder died with the runner" [ -z "$(live_recorders)" ]
"$T/trace_driver" "$T/db" -- true >/dev/null 2>"$T/err.next"
check "next run removed the stale instance" [ "$(our_instances)" = 0 ]
grep -q "removed stale tracefs instance" "$T/err.next"; rc=$?
check "and said so" [ $rc = 0 ]

BIN=$SCXB
if [ -x "$BIN" ] && "$BIN" run --help >/dev/null 2>&1; then
	"$BIN" run eevdf --workload hackbench --duration 1 --db "$T/cli.db" >/dev/null 2>&1; rc=$?
	traced=$(sqlite3 "$T/cli.db" "SELECT count(*) FROM runs r JOIN metrics m ON m.run_id = r.id
		WHERE r.trace = 1 AND m.name = 'trace_events' AND m.value > 0" 2>/dev/null)
	check "scxbench run (traced, exit $rc, traced runs ${traced:-0}): no instance left" \
		[ $rc = 0 -a "${traced:-0}" = 1 -a "$(our_instances)" = 0 ]
	# a recorder that dies mid-run: the run is not 'ok' and says why
	"$BIN" run eevdf --workload cpu --duration 4 --db "$T/kill.db" >/dev/null 2>"$T/kill.err" &
	pid=$!
	for _ in $(seq 50); do [ -n "$(live_recorders)" ] && break; sleep 0.1; done
	rec=$(live_recorders)
	[ -n "$rec" ] && kill -KILL $rec
	wait $pid; rc=$?
	row=$(sqlite3 "$T/kill.db" "SELECT status || '|' || status_detail FROM runs")
	check "recorder killed mid-run (pid ${rec:-none}): exit $rc, run '$row'" \
		[ -n "$rec" -a $rc != 0 -a "${row%%|*}" = failed ]
	check "and its detail names the recorder's death" eval '[[ "$row" == *"recorder process killed by signal 9"* ]]'
	check "no instance left after it" [ "$(our_instances)" = 0 ]
else
	for _ in 1 2 3 4; do n=$((n + 1)); echo "ok $n # SKIP build/scxbench run not available yet"; done
fi
exit 0
