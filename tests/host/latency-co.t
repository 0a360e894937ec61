#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Honest latency on this host, for real: a latency run under eevdf stores
# what was due and missed and the coordinated-omission corrected
# histograms beside the raw ones, with sane values; then the same run with
# the probe frozen (SIGSTOP) for 300 ms mid-run: the periods it slept
# through are counted as missed, the raw p99 hardly notices (one slow
# sample among thousands) and the corrected p99 does.
. "$(dirname "$0")/../lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
if [ -d /sys/kernel/sched_ext ] && [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; then
	skip_all "a sched_ext scheduler is active on this host"
fi
plan 15
DB=$TMP/t.db
D=4 W=0.5 NT=2 IV=1000 WORKERS=2
run() { "$SCXB" run eevdf --workload latency --db "$DB" --no-trace -q --duration $D \
	--warmup-s $W --timer-threads $NT --interval-us $IV --workers $WORKERS "$@"; }
m() { sql "$DB" "SELECT value FROM metrics WHERE run_id=$1 AND name='$2'"; }
# awk as a calculator: check DESC EXPR (variables passed as -v NAME=VALUE)
check() { local d=$1 e=$2; shift 2
	if awk "$@" "BEGIN{exit !($e)}"; then pass "$d"; else fail "$d" "$* : $e"; fi; }

ok "latency run" run
id=$(sql "$DB" "SELECT max(id) FROM runs WHERE status='ok'")
bad=$(sql "$DB" "SELECT group_concat(n) FROM (SELECT 'timer_lat_due' n, 'count' u, 0 b UNION ALL
	SELECT 'timer_lat_missed', 'count', -1 UNION ALL SELECT 'wakeup_lat_due', 'count', 0 UNION ALL
	SELECT 'wakeup_lat_missed', 'count', -1 UNION ALL SELECT 'msg_ticks_missed', 'count', -1 UNION ALL
	SELECT 'requests_skipped', 'count', -1 UNION ALL SELECT 'timer_lat_co_p99', 'us', -1 UNION ALL
	SELECT 'wakeup_lat_co_p99', 'us', -1 UNION ALL SELECT 'request_lat_co_p99', 'us', -1) w
	WHERE NOT EXISTS (SELECT 1 FROM metrics WHERE run_id=${id:-0} AND name=w.n AND unit=w.u
	AND better=w.b AND value >= 0)")
[ -z "$bad" ] && pass "missed/due counts and corrected percentiles stored, units and directions" \
	|| fail "missing or wrong: $bad" "$(sql "$DB" "SELECT name, value, unit, better FROM metrics WHERE run_id=${id:-0} AND (name LIKE '%due' OR name LIKE '%missed' OR name LIKE '%skipped')")"
h=$(sql "$DB" "SELECT count(*) FROM histograms WHERE run_id=${id:-0} AND count > 0 AND
	name IN ('timer_lat_co', 'wakeup_lat_co', 'request_lat_co')")
[ "$h" = 3 ] && pass "corrected histograms stored beside the raw ones" \
	|| fail "$h of 3 corrected histograms" "$(sql "$DB" "SELECT name, count FROM histograms WHERE run_id=${id:-0}")"

# what fell due: every period after the warm-up, per timer thread, less
# the few milliseconds the probe takes to start
win=$(awk -v d=$D -v w=$W -v i=$IV 'BEGIN{print (d - w) * 1e6 / i}')
tdue=$(m $id timer_lat_due) ts=$(m $id timer_lat_samples) tm=$(m $id timer_lat_missed)
echo "# timer: due $tdue (window $NT x $win), samples $ts, missed $tm"
check "timer_lat_due within 3 % of threads x (duration - warm-up) / interval" \
	"due <= n * w + n && due >= 0.97 * n * w" -v due="$tdue" -v n=$NT -v w="$win"
check "timer periods due = sampled + missed" "due == s + mi && mi >= 0" -v due="$tdue" -v s="$ts" -v mi="$tm"
wdue=$(m $id wakeup_lat_due) ws=$(m $id wakeup_lat_samples) wm=$(m $id wakeup_lat_missed)
sk=$(m $id requests_skipped) tk=$(m $id msg_ticks_missed)
echo "# wakeup: due $wdue, samples $ws, missed $wm (skipped $sk, ticks missed $tk)"
check "wakeup_lat_due within 3 % of workers x (duration - warm-up) / interval" \
	"due <= n * w + n && due >= 0.97 * n * w" -v due="$wdue" -v n=$WORKERS -v w="$win"
# a worker woken just before the end has no sample yet: at most one each
check "worker wakeups due = sampled + missed (+ at most one in flight per worker)" \
	"d - s - mi >= 0 && d - s - mi <= n && mi == sk + tk * n" -v d="$wdue" -v s="$ws" -v mi="$wm" \
	-v n=$WORKERS -v sk="$sk" -v tk="$tk"

# corrected against raw: the fill-ins are values >= the interval, so a
# corrected percentile is never below min(raw percentile, interval); a
# fill-in stands for a missed period (each late sample misses one more)
co_ok() { # run-id prefix -> "ok" or what failed
	local id=$1 p=$2 s r c
	for s in p50 p90 p99 p99.9 max; do
		r=$(m $id ${p}_$s) c=$(m $id ${p}_co_$s)
		awk -v r="$r" -v c="$c" -v i=$IV 'BEGIN{exit !(c + 0.001 >= (r < i ? r : i))}' ||
			{ echo "${p}_co_$s $c < min(${p}_$s $r, $IV)"; return; }
	done
	r=$(m $id ${p}_max) c=$(m $id ${p}_co_max)
	[ "$r" = "$c" ] || { echo "max $c != raw max $r"; return; }
	r=$(m $id ${p}_samples) c=$(m $id ${p}_co_samples)
	awk -v r="$r" -v c="$c" 'BEGIN{exit !(c >= r)}' || { echo "co samples $c < $r"; return; }
	echo ok
}
for p in timer_lat wakeup_lat request_lat; do
	r=$(co_ok $id $p)
	[ "$r" = ok ] && pass "$p: corrected percentiles >= min(raw, interval), same max, more samples" \
		|| fail "$p corrected vs raw" "$r"
done
check "timer fill-ins <= missed periods" "c - s <= mi" -v c="$(m $id timer_lat_co_samples)" \
	-v s="$ts" -v mi="$tm"

# the probe frozen for 300 ms after its warm-up: ~300 periods missed
setsid "$SCXB" run eevdf --workload latency --db "$DB" --no-trace -q --duration $D --warmup-s $W \
	--timer-threads 1 --interval-us $IV >"$TMP/stall.out" 2>&1 &
sid=$!
pp=
for _ in $(seq 600); do # scxbench may wait for the benchmark lock first
	pp=$(pgrep -s $sid -x scxb-probe | head -1)
	[ -n "$pp" ] && break
	sleep 0.1
done
if [ -n "$pp" ]; then
	sleep 1.2
	kill -STOP "$pp"
	sleep 0.3
	kill -CONT "$pp"
fi
wait $sid
rc=$?
[ -n "$pp" ] && [ $rc = 0 ] && pass "stalled run ok" || fail "stalled run (probe pid '${pp}', exit $rc)" "$(tail -5 "$TMP/stall.out")"
id=$(sql "$DB" "SELECT max(id) FROM runs WHERE status='ok'")
tm=$(m $id timer_lat_missed) r99=$(m $id timer_lat_p99) c99=$(m $id timer_lat_co_p99)
tmax=$(m $id timer_lat_max) tk=$(m $id msg_ticks_missed)
echo "# stalled: timer missed $tm, max $tmax us, p99 raw $r99 us, corrected $c99 us; msg ticks missed $tk"
check "a 300 ms freeze: >= 280 timer periods and message ticks missed" "tm >= 280 && tk >= 280" \
	-v tm="$tm" -v tk="$tk"
# 3500 samples and ~300 fill-ins spread over 1..300 ms: the top 1 % of
# the corrected histogram is all fill-ins above 200 ms; the raw p99 is
# this host's ordinary scheduling noise
check "corrected p99 >= 100 ms and >= 10x the raw p99" "c >= 100000 && c >= 10 * r" \
	-v c="$c99" -v r="$r99"
r=$(co_ok $id timer_lat)
[ "$r" = ok ] && pass "stalled: corrected >= min(raw, interval), same max" || fail "stalled corrected vs raw" "$r"
