#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A deliberately tiny per-CPU buffer under hackbench loses events: the
# losses must be counted per CPU, stored, and flag the run.
. "$(dirname "$0")/trace-lib.sh"
echo 1..5
if ! build_tools; then
	nok "build driver and helper"; sed 's/^/# /' "$T/build.log"; exit 1
fi
ok "build driver and helper"
if command -v perf >/dev/null && perf bench sched messaging -g 1 -l 1 >/dev/null 2>&1; then
	load="perf bench sched messaging -g 4 -l 500"
else
	load="$T/trace_helper hog 1 2 0"
	echo "# perf bench missing: a weaker load is used"
fi
run=$("$ROOT/scripts/bench-lock-run.sh" "$T/trace_driver" "$T/db" --buffer-kb 4 -- $load 2>"$T/err" | tail -1)
q() { sqlite3 "$T/db" "$1"; }
cpus=$(q "SELECT count(*) FROM trace_cpus WHERE run_id=$run")
check "trace_cpus has one row per CPU ($cpus)" [ "$cpus" = "$(nproc)" ]
lost=$(q "SELECT sum(lost) FROM trace_cpus WHERE run_id=$run")
echo "# per CPU (cpu|events|overrun|dropped|lost): $(q "SELECT group_concat(cpu||'|'||events||'|'||overrun||'|'||dropped||'|'||lost, '  ') FROM trace_cpus WHERE run_id=$run")"
check "lost events counted (${lost:-none})" [ "${lost:-0}" -gt 0 ]
rl=$(q "SELECT lost_events FROM runs WHERE id=$run")
check "run flagged: runs.lost_events = $rl" [ "${rl:-0}" = "$lost" ]
m=$(q "SELECT value FROM metrics WHERE run_id=$run AND name='trace_lost'")
check "metric trace_lost = $m" [ "${m%.0}" = "$lost" ]
exit 0
