#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One benchmark per machine: a second scxbench that would run workloads
# waits for the first and says for whom, or fails at once with --no-wait;
# read-only commands never wait; a SIGKILLed holder frees the lock.
. "$(dirname "$0")/../lib.sh"
need_root
plan 7
export SCXB_BENCH_LOCK=$TMP/bench.lock
DB=$TMP/l.db

"$SCXB" run eevdf --workload cpu --duration 2.5 --no-trace --db "$DB" -q >/dev/null 2>&1 &
holder=$!
sleep 0.7
t0=$(date +%s.%N)
"$SCXB" run eevdf --workload cpu --duration 0.3 --no-trace --db "$TMP/b.db" >"$TMP/w.out" 2>"$TMP/w.err"
rc=$?
t1=$(date +%s.%N)
waited=$(echo "$t1 - $t0 > 1.2" | bc)
[ $rc = 0 ] && [ "$waited" = 1 ] && pass "a second run waits for the first, then runs" ||
	fail "a second run waits" "rc=$rc waited=$waited $(cat "$TMP/w.err")"
grep -q "another benchmark is running on this machine (pid $holder: scxbench run eevdf" "$TMP/w.err" &&
	[ "$(wc -l < "$TMP/w.err")" = 1 ] && pass "it says once whom it waits for" ||
	fail "it names the holder" "$(cat "$TMP/w.err")"
wait $holder

"$SCXB" run eevdf --workload cpu --duration 3 --no-trace --db "$DB" -q >/dev/null 2>&1 &
holder=$!
sleep 0.7
"$SCXB" run eevdf --workload cpu --duration 0.3 --no-trace --db "$TMP/b.db" --no-wait >"$TMP/n.out" 2>"$TMP/n.err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$TMP/n.err")" = 1 ] && grep -q "pid $holder" "$TMP/n.err" &&
	pass "--no-wait: exit 2, one line naming the holder" || fail "--no-wait" "rc=$rc $(cat "$TMP/n.err")"
n=$(sql "$TMP/b.db" "SELECT count(*) FROM runs")
[ "$n" = 1 ] && pass "--no-wait stored nothing" || fail "--no-wait stored nothing" "$n runs"
t0=$(date +%s.%N)
"$SCXB" show --db "$DB" >/dev/null 2>&1
"$SCXB" compare eevdf eevdf --workload cpu --no-wait --db "$DB" --help >/dev/null 2>&1
t1=$(date +%s.%N)
[ "$(echo "$t1 - $t0 < 1" | bc)" = 1 ] && pass "show (read-only) does not wait" || fail "show does not wait"
kill -KILL $holder
wait $holder 2>/dev/null
t0=$(date +%s.%N)
"$SCXB" run eevdf --workload cpu --duration 0.3 --no-trace --db "$TMP/b.db" --no-wait -q >/dev/null 2>&1
rc=$?
t1=$(date +%s.%N)
[ $rc = 0 ] && [ "$(echo "$t1 - $t0 < 2" | bc)" = 1 ] && pass "a SIGKILLed holder frees the lock" ||
	fail "a SIGKILLed holder frees the lock" "rc=$rc"
pkill -KILL '^scxb-hog' 2>/dev/null
"$SCXB" run eevdf --workload cpu --duration 5 --no-trace --db "$TMP/b.db" -q >/dev/null 2>&1 &
holder=$!
sleep 0.7
"$SCXB" run eevdf --workload cpu --duration 0.3 --no-trace --db "$TMP/b.db" >/dev/null 2>"$TMP/i.err" &
waiter=$!
sleep 0.7
kill -INT $waiter
wait $waiter
rc=$?
kill -INT $holder
wait $holder
[ $rc = 130 ] && grep -q "interrupted while waiting for the benchmark lock" "$TMP/i.err" &&
	pass "SIGINT while waiting: exit 130, says so" || fail "SIGINT while waiting" "rc=$rc $(cat "$TMP/i.err")"
