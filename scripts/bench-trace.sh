#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Trace collector benchmark (run by `make bench`), side by side with the
# peer tools on the same events:
#  1. overhead on hackbench, pipe and socket, the same size for everyone
#     (4 groups x 20 senders x 20 receivers x 2000 loops = 3.2 M messages):
#       ours:      build/scxbench run eevdf --workload hackbench --groups 4
#                  --fds 20 --loops 2000 [--pipe 1]  (the real CLI, all
#                  collectors) vs the same with --no-trace;
#       peers:     `perf bench sched messaging [-p] -g 4 -l 2000` untraced vs
#                  under `trace-cmd record -d --no-filter` and `perf sched
#                  record`; and trace-cmd record around our --no-trace run
#                  (tc-ours: the same workload binary as ours), and our
#                  collectors around perf bench (ours-perf: the runner's
#                  collector code through tests/host/trace_driver.c);
#     REPS interleaved repetitions (order shuffled in every round), min /
#     median / max of the elapsed time each benchmark reports itself, and
#     the overhead of each tracer's median over its own untraced median,
#     with a seeded bootstrap 95 % CI (scripts/bootstrap-overhead.awk):
#     single runs spread +-10 % here, so 20 reps still leave +-5 %;
#  2. ingest: events parsed into per-task metrics and stored per second,
#     without and with --keep-events, vs `trace-cmd report` and
#     `perf sched timehist` on recordings of the same workload.
# Usage: scripts/bench-trace.sh [REPS]   (default 15, at least 5: single runs spread +-15 %). Needs root.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${1:-15}
[ "$REPS" -ge 5 ] 2>/dev/null || { echo "bench-trace: REPS must be >= 5"; exit 2; }
T=$(mktemp -d /tmp/scxb-bench-trace.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" = 0 ] || { echo "bench-trace: needs root, skipped"; exit 0; }
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing ||
	{ echo "bench-trace: no tracefs, skipped"; exit 0; }
command -v perf >/dev/null || { echo "bench-trace: perf (linux-perf) missing, skipped"; exit 0; }
HAVE_TC=1; command -v trace-cmd >/dev/null || { HAVE_TC=0; echo "# trace-cmd missing: its column is skipped"; }
SCXB=$ROOT/build/scxbench
make -s -C "$ROOT" build/scxbench >/dev/null || { echo "bench-trace: build failed"; exit 1; }

make -s -C "$ROOT" build/tests/trace_driver && cp "$ROOT/build/tests/trace_driver" "$T/drv" ||
	{ echo "bench-trace: build failed"; exit 1; }

EV="sched_switch sched_waking sched_wakeup sched_wakeup_new sched_migrate_task sched_process_fork sched_process_exit"
TC_EV=""; for e in $EV; do TC_EV="$TC_EV -e sched:$e"; done
[ -d /sys/kernel/tracing/events/sched_ext ] && TC_EV="$TC_EV -e sched_ext"

elapsed() { awk '/Total time/ {print $3}'; }
# our hackbench, same size as the peers' messaging run
HB_ARGS="--groups 4 --fds 20 --loops 2000 --duration 120"
ours() { # extra flags -> prints seconds; the run's lost events go to $T/lost
	"$SCXB" run eevdf --workload hackbench $HB_ARGS "$@" --db "$T/ours.db" --json -q 2>>"$T/ours.err" |
		tee -a "$T/ours.json" | grep -o '"hackbench_elapsed":[0-9][0-9.e+-]*' | head -1 | cut -d: -f2
}
run_tool() { # tool pipe|socket -> prints seconds
	local pf="" op=""
	[ "$2" = pipe ] && { pf="-p"; op="--pipe 1"; }
	local hb="perf bench sched messaging $pf -g 4 -l 2000"
	case $1 in
	none)      ours $op --no-trace ;;
	ours)      ours $op ;;
	perf-none) $hb 2>/dev/null | elapsed ;;
	tracecmd)  (cd "$T" && trace-cmd record -d --no-filter -o "$T/tc.dat" $TC_EV $hb 2>/dev/null) | elapsed ;;
	tc-ours)   (cd "$T" && trace-cmd record -d --no-filter -o "$T/tco.dat" $TC_EV \
			"$SCXB" run eevdf --workload hackbench $HB_ARGS $op --no-trace --db "$T/tco.db" --json -q 2>/dev/null) |
			grep -o '"hackbench_elapsed":[0-9][0-9.e+-]*' | head -1 | cut -d: -f2 ;;
	perfsched) (cd "$T" && perf sched record -o "$T/ps.data" $hb 2>/dev/null) | elapsed ;;
	ours-perf) "$T/drv" "$T/drv.db" -- $hb 2>/dev/null | elapsed ;;
	esac
}
stats() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.3f %.3f %.3f %d\n", a[1], (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[NR], NR}'; }
base_of() { case $1 in none|ours|tc-ours) echo none ;; *) echo perf-none ;; esac; }

tools="none ours perf-none ours-perf perfsched"
[ $HAVE_TC = 1 ] && tools="none ours tc-ours perf-none ours-perf tracecmd perfsched"
. "$ROOT/scripts/bench-lock.sh"
echo "== collector overhead: hackbench 4 groups x 20 fds x 2000 loops, $REPS interleaved reps =="
echo "   none = scxbench --no-trace, ours = scxbench (all collectors); perf-none = perf bench"
echo "   messaging untraced, the baseline of tracecmd and perfsched; tc-ours = trace-cmd"
echo "   record around scxbench --no-trace (baseline: none); ours-perf = our collectors"
echo "   around perf bench messaging (baseline: perf-none)"
for variant in pipe socket; do
	for r in $(seq "$REPS"); do
		for tool in $(echo $tools | tr ' ' '\n' | shuf); do
			s=$(run_tool $tool $variant)
			[ -n "$s" ] && echo "$s" >>"$T/$variant.$tool"
		done
	done
	printf "%-7s %-10s %8s %8s %8s %4s %9s  %s\n" "$variant" tool min median max n "overhead" "95% CI"
	for tool in $tools; do
		read -r mn md mx nn < <(stats <"$T/$variant.$tool" 2>/dev/null) || { echo "        $tool: no samples"; continue; }
		read -r _ bmd _ _ < <(stats <"$T/$variant.$(base_of $tool)")
		ci=""
		[ "$tool" != "$(base_of $tool)" ] &&
			ci=$( (sed 's/^/A /' "$T/$variant.$(base_of $tool)"; sed 's/^/B /' "$T/$variant.$tool") |
				awk -f "$ROOT/scripts/bootstrap-overhead.awk" | awk '{printf "[%s, %s] %%", $1, $2}')
		printf "%-7s %-10s %8s %8s %8s %4s %8.1f%%  %s\n" "" $tool "$mn" "$md" "$mx" "$nn" \
			"$(awk -v a="$md" -v b="$bmd" 'BEGIN{print (a-b)/b*100}')" "$ci"
	done
done
echo "our traced runs: $(sqlite3 "$T/ours.db" "SELECT count(*) || ' runs, ' || sum(lost_events) || ' lost events, statuses: ' || group_concat(DISTINCT status) FROM runs WHERE trace = 1")"

# ~10 M events: a single real recording (not copies glued together, whose
# timestamps would run backwards at every seam)
LOOPS=${INGEST_LOOPS:-90000}
echo "== ingest (one core), same workload: messaging -p -g 4 -l $LOOPS =="
hb="perf bench sched messaging -p -g 4 -l $LOOPS"
# a big buffer: this recording is only the ingest input, and a lost
# event would make the volumes of the tools differ
"$T/drv" "$T/rec.db" --buffer-kb 16384 --keep-raw -- $hb >/dev/null 2>"$T/rec.err"
raw=$(sed -n 's/^raw files kept in //p' "$T/rec.err")
echo "recording: $(sqlite3 "$T/rec.db" "SELECT lost_events FROM runs") lost events"
for mode in "" --keep-events; do
	rm -f "$T/ing.db" "$T/ing.db-wal" "$T/ing.db-shm"
	read -r _ ev secs < <(taskset -c 0 /usr/bin/time -o "$T/rss" -f %M "$T/drv" "$T/ing.db" --reparse "$raw" $mode)
	printf "ours %-14s %10d events %7.3f s %6.2f M events/s  max RSS %d MiB\n" "${mode:-(metrics)}" \
		"$ev" "$secs" "$(awk -v e="$ev" -v s="$secs" 'BEGIN{print e/s/1e6}')" $(( $(tail -1 "$T/rss") / 1024 ))
done
rm -rf "$raw"
if [ $HAVE_TC = 1 ]; then
	(cd "$T" && trace-cmd record -d --no-filter -o "$T/tc.dat" $TC_EV $hb >/dev/null 2>&1)
	s0=$(date +%s.%N); ev=$(taskset -c 0 trace-cmd report -i "$T/tc.dat" 2>/dev/null | wc -l); s1=$(date +%s.%N)
	awk -v e="$ev" -v a="$s0" -v b="$s1" 'BEGIN{printf "trace-cmd report     %10d events %7.3f s %6.2f M events/s\n", e, b-a, e/(b-a)/1e6}'
fi
(cd "$T" && perf sched record -o "$T/ps.data" $hb >/dev/null 2>&1)
ev=$(perf script -i "$T/ps.data" -F event 2>/dev/null | wc -l)
s0=$(date +%s.%N); taskset -c 0 perf sched timehist -i "$T/ps.data" >/dev/null 2>&1; s1=$(date +%s.%N)
awk -v e="$ev" -v a="$s0" -v b="$s1" 'BEGIN{printf "perf sched timehist  %10d events %7.3f s %6.2f M events/s\n", e, b-a, e/(b-a)/1e6}'
