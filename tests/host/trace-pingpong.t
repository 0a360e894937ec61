#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two processes ping-pong a byte through pipes exactly N times (on one CPU,
# each write only after the peer sleeps): the trace must show exactly N
# wakeups and N + 1 voluntary switch-outs (N blocking reads + exit) for each.
. "$(dirname "$0")/trace-lib.sh"
N=2000
echo 1..7
if ! build_tools; then
	nok "build driver and helper"; sed 's/^/# /' "$T/build.log"; exit 1
fi
ok "build driver and helper"
out=$("$T/trace_driver" "$T/db" -- "$T/trace_helper" pingpong $N 0 2>"$T/err")
rc=$?
check "driver run exit 0 (rc=$rc)" [ $rc = 0 ]
run=$(echo "$out" | tail -1)
pa=$(echo "$out" | awk '/^pid scxb-pp-a/ {print $3}')
pb=$(echo "$out" | awk '/^pid scxb-pp-b/ {print $3}')
q() { sqlite3 "$T/db" "$1"; }
for p in "a $pa" "b $pb"; do
	set -- $p
	row=$(q "SELECT wakeups, switches_vol, switches_invol FROM task_stats WHERE run_id=$run AND pid=$2")
	echo "# scxb-pp-$1 pid $2: wakeups|vol|invol = $row"
	IFS='|' read -r wk vol inv <<<"$row"
	check "scxb-pp-$1: exactly $N wakeups (got ${wk:-none})" [ "${wk:-x}" = $N ]
	check "scxb-pp-$1: exactly $((N + 1)) voluntary switches (got ${vol:-none})" [ "${vol:-x}" = $((N + 1)) ]
done
lost=$(q "SELECT lost_events FROM runs WHERE id=$run")
check "no lost events (runs.lost_events=$lost)" [ "$lost" = 0 ]
exit 0
