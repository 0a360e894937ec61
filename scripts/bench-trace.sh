#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Trace collector benchmark (run by `make bench`), side by side with the
# peer tools on the same events:
#  1. overhead on hackbench (`perf bench sched messaging -g 4 -l 2000`, pipe
#     and socket): untraced vs our collectors (tests/host/trace_driver, the
#     same code the runner uses) vs `trace-cmd record -d --no-filter` vs
#     `perf sched record`; REPS interleaved repetitions in shuffled order,
#     min/median/max of the elapsed time the benchmark reports;
#  2. ingest: events parsed into per-task metrics and stored per second,
#     without and with --keep-events, vs `trace-cmd report` and
#     `perf sched timehist` on recordings of the same workload.
# Usage: scripts/bench-trace.sh [REPS]   (default 7). Needs root.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${1:-7}
T=$(mktemp -d /tmp/scxb-bench-trace.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" = 0 ] || { echo "bench-trace: needs root, skipped"; exit 0; }
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing ||
	{ echo "bench-trace: no tracefs, skipped"; exit 0; }
command -v perf >/dev/null || { echo "bench-trace: perf (linux-perf) missing, skipped"; exit 0; }
HAVE_TC=1; command -v trace-cmd >/dev/null || { HAVE_TC=0; echo "# trace-cmd missing: its column is skipped"; }

O=$ROOT/build/obj
objs="$O/harness/log.o $O/harness/util.o $O/harness/results.o $O/harness/store.o
      $O/harness/store_schema.o $O/harness/store_trace.o $O/harness/store_import.o
      $O/workloads/hist.o $O/collectors/registry.o $O/collectors/tracefs_record.o
      $O/collectors/tracefs_parse.o $O/collectors/scx.o $O/collectors/system.o"
make -s -C "$ROOT" ${objs//$ROOT\//} &&
cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$ROOT/harness" -I"$ROOT/workloads" -I"$ROOT/collectors" \
	-o "$T/drv" "$ROOT/tests/host/trace_driver.c" $objs -ltracefs -ltraceevent -lsqlite3 \
	-lpthread -lm || { echo "bench-trace: build failed"; exit 1; }

EV="sched_switch sched_waking sched_wakeup sched_wakeup_new sched_migrate_task sched_process_fork sched_process_exit"
TC_EV=""; for e in $EV; do TC_EV="$TC_EV -e sched:$e"; done
[ -d /sys/kernel/tracing/events/sched_ext ] && TC_EV="$TC_EV -e sched_ext"

elapsed() { awk '/Total time/ {print $3}'; }
run_tool() { # tool variant-flag -> prints seconds
	local hb="perf bench sched messaging $2 -g 4 -l 2000"
	case $1 in
	none)     $hb 2>/dev/null | elapsed ;;
	ours)     "$T/drv" "$T/db" -- $hb 2>/dev/null | elapsed ;;
	tracecmd) (cd "$T" && trace-cmd record -d --no-filter -o "$T/tc.dat" $TC_EV $hb 2>/dev/null) | elapsed ;;
	perfsched) (cd "$T" && perf sched record -o "$T/ps.data" $hb 2>/dev/null) | elapsed ;;
	esac
}
stats() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.3f %.3f %.3f", a[1], (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[NR]}'; }

tools="none ours perfsched"; [ $HAVE_TC = 1 ] && tools="none ours tracecmd perfsched"
exec 9>/tmp/scxb-bench.lock
flock 9
echo "== collector overhead: perf bench sched messaging -g 4 -l 2000, $REPS interleaved reps =="
for variant in pipe socket; do
	flag=""; [ $variant = pipe ] && flag="-p"
	for r in $(seq "$REPS"); do
		for tool in $(echo $tools | tr ' ' '\n' | shuf); do
			s=$(run_tool $tool "$flag")
			[ -n "$s" ] && echo "$s" >>"$T/$variant.$tool"
		done
	done
	base=$(stats <"$T/$variant.none" | awk '{print $2}')
	printf "%-7s %-10s %8s %8s %8s %9s\n" "$variant" tool min median max "overhead"
	for tool in $tools; do
		read -r mn md mx < <(stats <"$T/$variant.$tool")
		printf "%-7s %-10s %8s %8s %8s %8.1f%%\n" "" $tool "$mn" "$md" "$mx" \
			"$(awk -v a="$md" -v b="$base" 'BEGIN{print (a-b)/b*100}')"
	done
done
lost=$(sqlite3 "$T/db" "SELECT sum(lost_events), count(*) FROM runs")
echo "our runs: lost events total|runs = $lost"

echo "== ingest (one core), same workload: messaging -p -g 4 -l 2000 =="
hb="perf bench sched messaging -p -g 4 -l 2000"
"$T/drv" "$T/rec.db" --keep-raw -- $hb >/dev/null 2>"$T/rec.err"
raw=$(sed -n 's/^raw files kept in //p' "$T/rec.err")
for c in 0 1 2 3 4 5 6 7; do [ -f "$raw/cpu$c.raw" ] || continue
	for i in $(seq 10); do cat "$raw/cpu$c.raw"; done >"$T/cpu$c.raw"; done
rm -rf "$raw"
for mode in "" --keep-events; do
	rm -f "$T/ing.db"
	read -r _ ev secs < <(taskset -c 0 "$T/drv" "$T/ing.db" --reparse "$T" $mode)
	printf "ours %-14s %10d events %7.3f s %6.2f M events/s\n" "${mode:-(metrics)}" "$ev" "$secs" \
		"$(awk -v e="$ev" -v s="$secs" 'BEGIN{print e/s/1e6}')"
done
if [ $HAVE_TC = 1 ]; then
	(cd "$T" && trace-cmd record -d --no-filter -o "$T/tc.dat" $TC_EV $hb >/dev/null 2>&1)
	s0=$(date +%s.%N); ev=$(taskset -c 0 trace-cmd report -i "$T/tc.dat" 2>/dev/null | wc -l); s1=$(date +%s.%N)
	awk -v e="$ev" -v a="$s0" -v b="$s1" 'BEGIN{printf "trace-cmd report     %10d events %7.3f s %6.2f M events/s\n", e, b-a, e/(b-a)/1e6}'
fi
(cd "$T" && perf sched record -o "$T/ps.data" $hb >/dev/null 2>&1)
ev=$(perf script -i "$T/ps.data" -F event 2>/dev/null | wc -l)
s0=$(date +%s.%N); taskset -c 0 perf sched timehist -i "$T/ps.data" >/dev/null 2>&1; s1=$(date +%s.%N)
awk -v e="$ev" -v a="$s0" -v b="$s1" 'BEGIN{printf "perf sched timehist  %10d events %7.3f s %6.2f M events/s\n", e, b-a, e/(b-a)/1e6}'
