#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 15, capture and replay on this host, against a program whose
# behaviour is known (tests/host/capture_pingpong.c: two threads ping-pong
# over a pipe every 1 ms with 200 us of CPU work each). The capture must
# find the two threads, the 1 ms period, the 200 us bursts and the
# ping-pong edge; the replay must reproduce them within 10 %, measured by
# capturing the replay itself, and report its fidelity metrics.
. "$(dirname "$0")/../lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
[ -d /sys/kernel/tracing/events/sched ] || skip_all "no sched tracepoints"
[ -d /sys/kernel/tracing/events/raw_syscalls ] || skip_all "no raw_syscalls tracepoints"
if [ -d /sys/kernel/sched_ext ] && [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; then
	skip_all "a sched_ext scheduler is active on this host"
fi
plan 22
DB=$TMP/t.db
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
PP=$ROOT/build/tests/capture_pingpong
make -s -C "$ROOT" build/tests/capture_pingpong >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; }
[ -x "$PP" ] && pass "build the ping-pong program" || fail "build the ping-pong program"
# within PCT % of WANT
near() { awk -v v="$1" -v w="$2" -v p="${3:-10}" 'BEGIN { exit !(v >= w * (1 - p / 100) && v <= w * (1 + p / 100)) }'; }
# thread field by comm from a capture's summary in the database
tf() { sql "$DB" "SELECT $3 FROM capture_threads WHERE capture_id=$1 AND comm='$2'"; }

out=$("$SCXB" capture --db "$DB" -o "$TMP/pp.capture" -- "$PP" 2000 2>&1)
rc=$?
[ $rc = 0 ] && [ -s "$TMP/pp.capture" ] && pass "capture of the program: exit 0, file written" \
	|| fail "capture of the program: exit 0, file written" "rc $rc: $out"
echo "$out" | sed 's/^/# /'
cid=$(sql "$DB" "SELECT max(id) FROM captures")
n=$(sql "$DB" "SELECT count(*) FROM capture_threads WHERE capture_id=$cid")
a=$(tf $cid pp-a idx)
b=$(tf $cid pp-b idx)
[ "$n" = 2 ] && [ -n "$a" ] && [ -n "$b" ] && pass "two threads, pp-a and pp-b" || fail "two threads, pp-a and pp-b" "$n: $a $b"
per=$(tf $cid pp-a period_us)
near "$per" 1000 && pass "pp-a's period is 1 ms ($per us)" || fail "pp-a's period is 1 ms" "'$per'"
bb=$(tf $cid pp-b burst_p50_us)
near "$bb" 200 15 && pass "pp-b's bursts are 200 us ($bb us)" || fail "pp-b's bursts are 200 us" "'$bb'"
# pp-a's bursts are 200 us after its timer, short after pp-b's answer
ab=$(python3 -c "
import json; c = json.load(open('$TMP/pp.capture')); t = [x for x in c['threads'] if x['comm'] == 'pp-a'][0]
runs, cur, out = [], 0, []
for s in t['steps']:
    if s[0] == 'r': cur += s[1]
    elif s[0] != 'w': out.append(cur); cur = 0
big = sorted(v for v in out if v > 100); print(big[len(big) // 2] if big else 0)" 2>&1)
# a burst holds the write() that wakes the peer too, and on this 2-CPU
# machine its cost varies with what else runs: +25 % for it (a burst
# taken for a sleep, or two merged, is off by 50 % or more)
near "$ab" 200 25 && pass "pp-a's timer bursts are 200 us ($ab us)" || fail "pp-a's timer bursts are 200 us" "'$ab'"
e=$(sql "$DB" "SELECT count FROM capture_edges WHERE capture_id=$cid AND waker=$a AND wakee=$b AND via='pipe'")
near "${e:-0}" 2000 && pass "the ping-pong edge pp-a -> pp-b through a pipe ($e wakeups)" \
	|| fail "the ping-pong edge pp-a -> pp-b through a pipe" "'$e'"
ok "the capture file parses as JSON" python3 -c "import json; json.load(open('$TMP/pp.capture'))"

# replay it, traced: fidelity metrics
out=$("$SCXB" run eevdf --db "$DB" -q --workload "replay:$TMP/pp.capture" 2>&1)
rc=$?
rid=$(sql "$DB" "SELECT max(id) FROM runs")
st=$(sql "$DB" "SELECT status FROM runs WHERE id=$rid")
[ $rc = 0 ] && [ "$st" = ok ] && pass "replay run ok" || fail "replay run ok" "rc $rc $st: $out"
sql "$DB" "SELECT '# ' || name || ' = ' || value FROM metrics WHERE run_id=$rid AND (name LIKE 'replay_ks%' OR name LIKE 'replay_median%')"
r=$(sql "$DB" "SELECT value FROM metrics WHERE run_id=$rid AND name='replay_median_ratio_burst'")
near "$r" 1 && pass "replayed bursts: median within 10 % of the captured ($r)" \
	|| fail "replayed bursts: median within 10 % of the captured" "'$r'"
k=$(sql "$DB" "SELECT count(*) FROM metrics WHERE run_id=$rid AND name IN
	('replay_ks_burst','replay_ks_sleep','replay_ks_wakeup') AND value >= 0 AND value <= 1")
[ "$k" = 3 ] && pass "KS distances of bursts, sleeps and wakeup latency stored" || fail "KS distances stored" "$k"

# capture the replay itself: the same threads, period, bursts and edge
out=$("$SCXB" capture --db "$DB" -o "$TMP/rp.capture" -- "$SCXB" run eevdf --no-trace -q --db "$TMP/inner.db" \
	--workload "replay:$TMP/pp.capture" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
c2=$(sql "$DB" "SELECT max(id) FROM captures")
ra=$(tf $c2 scxb-rp-$a idx)
rb=$(tf $c2 scxb-rp-$b idx)
[ $rc = 0 ] && [ -n "$ra" ] && [ -n "$rb" ] && pass "capture of the replay: its two threads" \
	|| fail "capture of the replay: its two threads" "rc $rc"
per2=$(tf $c2 scxb-rp-$a period_us)
near "$per2" "$per" && pass "replayed period within 10 % ($per2 vs $per us)" || fail "replayed period within 10 %" "'$per2' vs '$per'"
bb2=$(tf $c2 scxb-rp-$b burst_p50_us)
near "$bb2" "$bb" && pass "replayed bursts within 10 % ($bb2 vs $bb us)" || fail "replayed bursts within 10 %" "'$bb2' vs '$bb'"
e2=$(sql "$DB" "SELECT sum(count) FROM capture_edges WHERE capture_id=$c2 AND waker=$ra AND wakee=$rb")
near "${e2:-0}" "$e" && pass "replayed ping-pong edge within 10 % ($e2 vs $e wakeups)" \
	|| fail "replayed ping-pong edge within 10 %" "'$e2' vs '$e'"
# a running process by --pid, for a duration; bad input stores nothing
"$PP" 600000 & # until killed: capture may first wait for the benchmark lock
ppid=$!
sleep 0.3
out=$("$SCXB" capture --db "$DB" -o "$TMP/pid.capture" --pid $ppid --duration 1 2>&1)
rc=$?
kill $ppid 2>/dev/null
wait $ppid 2>/dev/null
c3=$(sql "$DB" "SELECT max(id) FROM captures")
per3=$(tf $c3 pp-a period_us)
[ $rc = 0 ] && [ "$(sql "$DB" "SELECT target FROM captures WHERE id=$c3")" = "pid $ppid" ] && near "$per3" 1000 \
	&& pass "--pid: the running program's threads and period ($per3 us)" || fail "--pid capture" "rc $rc per '$per3': $out"
# threads by name: --comm pp-b takes pp-b alone
"$PP" 600000 & # until killed: capture may first wait for the benchmark lock
ppid=$!
sleep 0.3
out=$("$SCXB" capture --db "$DB" -o "$TMP/comm.capture" --comm pp-b --duration 1 2>&1)
rc=$?
kill $ppid 2>/dev/null
wait $ppid 2>/dev/null
c4=$(sql "$DB" "SELECT max(id) FROM captures")
row=$(sql "$DB" "SELECT group_concat(comm) FROM capture_threads WHERE capture_id=$c4")
bb4=$(tf $c4 pp-b burst_p50_us)
[ $rc = 0 ] && [ "$(sql "$DB" "SELECT target FROM captures WHERE id=$c4")" = "comm pp-b" ] && [ "$row" = pp-b ] \
	&& near "$bb4" 200 15 && pass "--comm pp-b: that thread alone, its 200 us bursts ($bb4 us)" \
	|| fail "--comm capture" "rc $rc threads '$row' bursts '$bb4': $out"
n0=$(sql "$DB" "SELECT count(*) FROM captures")
o1=$("$SCXB" capture --db "$DB" --pid $ppid 2>&1); r1=$?
o2=$("$SCXB" capture --db "$DB" -o "$TMP/x.capture" --pid 999999999 2>&1); r2=$?
o3=$("$SCXB" capture --db "$DB" -o "$TMP/x.capture" -- no-such-program-$$ 2>&1); r3=$?
n1=$(sql "$DB" "SELECT count(*) FROM captures")
[ $r1 = 2 ] && [ $r2 = 2 ] && [ $r3 = 2 ] && [ "$n0" = "$n1" ] && [ ! -e "$TMP/x.capture" ] \
	&& [ "$(printf '%s\n%s\n%s\n' "$o1" "$o2" "$o3" | wc -l)" = 3 ] \
	&& pass "bad capture input: exit 2, one line each, nothing stored or written" \
	|| fail "bad capture input: exit 2, one line each, nothing stored" "$r1 $r2 $r3 $n0/$n1: $o1 | $o2 | $o3"
out=$("$SCXB" run eevdf --db "$DB" --no-trace --workload "replay:$TMP/build.log" 2>&1)
rc=$?
[ $rc = 2 ] && [ "$(echo "$out" | wc -l)" = 1 ] && pass "replay of a file that is no capture: exit 2, one line" \
	|| fail "replay of a file that is no capture: exit 2, one line" "rc $rc: $out"

# the rt-app approximation: rt-app must take it and run it
"$SCXB" export --rt-app "$TMP/pp.capture" >"$TMP/pp.json" 2>"$TMP/err"
rc=$?
n=$(python3 -c "import json; print(len(json.load(open('$TMP/pp.json'))['tasks']))" 2>&1)
[ $rc = 0 ] && [ "$n" = 2 ] && pass "export --rt-app: JSON with two tasks" || fail "export --rt-app: JSON with two tasks" "rc $rc: $n $(cat "$TMP/err")"
if command -v rt-app >/dev/null; then
	sed -i 's/"duration": [0-9]*/"duration": 1/' "$TMP/pp.json"
	(cd "$TMP" && timeout 60 rt-app pp.json >"$TMP/rtapp.out" 2>&1)
	rc=$?
	[ $rc = 0 ] && pass "rt-app runs the exported JSON" || fail "rt-app runs the exported JSON" "rc $rc: $(tail -3 "$TMP/rtapp.out")"
else
	skip "rt-app runs the exported JSON" "rt-app not installed (make deps)"
fi
left=$(ls /sys/kernel/tracing/instances 2>/dev/null | grep "^scxbench-"; ls "$TMPDIR"; pgrep -f capture_pingpong)
[ -z "$left" ] && pass "nothing left (instances, temp files, processes)" || fail "nothing left" "$left"
