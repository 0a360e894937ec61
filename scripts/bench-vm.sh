#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark of issue 3: `mixed` under simple (global FIFO) vs vtime, 5
# interleaved repetitions each in one guest boot (or on this host if its
# kernel has sched_ext): the probe's p99 wakeup latency and the batch
# parts' throughput side by side. REPS, DURATION override.
set -uo pipefail
cd "$(dirname "$0")/.."
SCXB=${SCXBENCH:-build/scxbench}
REPS=${REPS:-5}
DURATION=${DURATION:-5s}
tmp=$(mktemp -d /tmp/scxb-bench-vm-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
exec 9>/tmp/scxb-vm.lock
flock 9
. scripts/bench-lock.sh
start=$(date +%s)
"$SCXB" compare simple vtime --workload mixed --reps "$REPS" --duration "$DURATION" \
	--db "$tmp/b.db" --out "$tmp/rep" -q || echo "compare exited $?"
echo "elapsed: $(( $(date +%s) - start )) s (one boot, $((2 * REPS)) runs)"
printf '\n%-22s %-8s %12s %12s %12s\n' metric sched min median max
# min/max over the ok runs, the median as the comparison computed it
sqlite3 -separator ' ' "$tmp/b.db" "
	SELECT m.name, r.scheduler, min(m.value),
	       (SELECT c.median FROM comparison_results c WHERE c.metric = m.name AND c.scheduler = r.scheduler),
	       max(m.value)
	FROM metrics m JOIN runs r ON r.id = m.run_id
	WHERE r.status = 'ok' AND m.name IN ('wakeup_lat_p99', 'timer_lat_p99', 'requests_per_s',
	      'hackbench_msgs_per_s', 'cpu_work_per_s')
	GROUP BY m.name, r.scheduler ORDER BY m.name, r.scheduler" |
while read -r n s lo med hi; do
	printf '%-22s %-8s %12.1f %12.1f %12.1f\n' "$n" "$s" "$lo" "$med" "$hi"
done
printf '\nratio vtime/simple of the medians:\n'
sqlite3 -separator ' ' "$tmp/b.db" "SELECT metric, round(r2.median / r1.median, 3), r2.verdict
	FROM comparison_results r1 JOIN comparison_results r2 USING (compare_id, metric)
	WHERE r1.scheduler = 'simple' AND r2.scheduler = 'vtime' AND metric IN ('wakeup_lat_p99',
	'timer_lat_p99','requests_per_s','hackbench_msgs_per_s','cpu_work_per_s')" |
	while read -r n r v; do printf '  %-22s %8s  %s\n' "$n" "$r" "$v"; done
