#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The scheduler lifecycle on a kernel with sched_ext, through `scxbench
# load`: attach, state and ops name, counters, exit kinds (64 unregistered,
# 1025 scx_bpf_error, 1026 stall), SIGKILL of the loader, the exec: path,
# refusal when busy. TAP. Runs where sched_ext is: tests/vm/sched-lifecycle.t
# boots the QEMU guest and runs it there (busybox sh), or runs it directly
# on a sched_ext host.
#
# Environment: SCXBENCH (default: build/scxbench next to this tree, else
# scxbench in PATH); TMPDIR.
set -u

here=$(cd "$(dirname "$0")" && pwd)
bin=${SCXBENCH:-}
if [ -z "$bin" ]; then
	if [ -x "$here/../../build/scxbench" ]; then
		bin=$here/../../build/scxbench
	else
		bin=$(command -v scxbench 2>/dev/null || true)
	fi
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scxb-sched-test.XXXXXX")
hogs=
cleanup() {
	[ -n "$hogs" ] && kill $hogs 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0
plan=31
echo "1..$plan"
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # check DESC CMD...: ok when CMD succeeds
	d=$1; shift
	if "$@"; then ok "$d"; else nok "$d" "$(tail -n 5 "$tmp/err" 2>/dev/null)"; fi
}
skip_all() {
	while [ $n -lt $plan ]; do n=$((n + 1)); echo "ok $n # SKIP $1"; done
	exit 0
}

[ -d /sys/kernel/sched_ext ] || skip_all "kernel $(uname -r) has no sched_ext (run in the VM tier)"
[ -n "$bin" ] && [ -x "$bin" ] || skip_all "scxbench binary not found (set SCXBENCH)"
[ "$(id -u)" = 0 ] || skip_all "needs root"
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] ||
	skip_all "another sched_ext scheduler is active: $(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)"

state() { cat /sys/kernel/sched_ext/state; }
ops() { cat /sys/kernel/sched_ext/root/ops 2>/dev/null; }
# Wait up to $2 tenths of a second for state $1.
wait_state() {
	i=0
	while [ "$(state)" != "$1" ]; do
		i=$((i + 1))
		[ $i -gt "$2" ] && return 1
		sleep 0.1
	done
}
kind() { sed -n 's/^scx_exit: kind=\([0-9-]*\) .*/\1/p' "$tmp/out"; }
counter() { sed -n "s/^counter $1=\\([0-9]*\\)\$/\\1/p" "$tmp/out"; }
hog() { while :; do :; done; }
# Is a process with exactly this command line alive? (busybox may lack pgrep)
running() {
	for f in /proc/[0-9]*/cmdline; do
		[ "$(tr '\0' ' ' <"$f" 2>/dev/null)" = "$1 " ] && return 0
	done
	return 1
}
start_hogs() { hog & hogs="$hogs $!"; hog & hogs="$hogs $!"; }
stop_hogs() { kill $hogs 2>/dev/null; wait $hogs 2>/dev/null; hogs=; }

start_hogs
for s in simple vtime; do
	# normal attach and unload
	"$bin" load "$s" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	if wait_state enabled 100 && [ "$(ops)" = "scxb_$s" ]; then
		ok "$s: state enabled, root/ops is scxb_$s"
	else
		nok "$s: state enabled, root/ops is scxb_$s" "state $(state), ops '$(ops)'"
	fi
	sleep 1
	kill -INT $pid
	wait $pid
	rc=$?
	check "$s: unloads on SIGINT (rc $rc), state disabled" \
		test "$rc" = 0 -a "$(state)" = disabled
	check "$s: exit kind 64 (unregistered from user space)" grep -q \
		'^scx_exit: kind=64 reason="unregistered from user space"' "$tmp/out"
	e=$(counter sched_enqueue); l=$(counter sched_local_dispatch); sh=$(counter sched_shared_dispatch)
	check "$s: counters non-zero (enqueue ${e:-?}, local ${l:-?}, shared ${sh:-?})" \
		test "${e:-0}" -gt 0 -a $((${l:-0} + ${sh:-0})) -gt 0

	# scx_bpf_error() on purpose
	"$bin" load "$s" --fail-after 50 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "$s --fail-after 50: exits by itself (rc $rc)" test "$rc" = 1
	check "$s --fail-after 50: kind 1025 and the message (kind $(kind))" grep -q \
		'^scx_exit: kind=1025 reason="scx_bpf_error" msg="fail_after_enqueues: failing on purpose after 50 enqueues"' \
		"$tmp/out"

	# the watchdog on purpose
	t0=$(date +%s)
	"$bin" load "$s" --stall --timeout-ms 1000 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t=$(($(date +%s) - t0))
	check "$s --stall --timeout-ms 1000: watchdog kind 1026 after ${t}s (rc $rc, kind $(kind))" \
		test "$rc" = 1 -a "$(kind)" = 1026 -a "$t" -lt 20

	# SIGKILL of the loader: the struct_ops link goes with it
	"$bin" load "$s" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	wait_state enabled 100
	kill -KILL $pid
	wait $pid 2>/dev/null
	check "$s: SIGKILLed loader -> state disabled within 5 s" wait_state disabled 50
done

# exec: with scxbench's own standalone loader as the external binary
"$bin" load "exec:$bin" -- load simple >"$tmp/out" 2>"$tmp/err" &
pid=$!
if wait_state enabled 100 && [ "$(ops)" = scxb_simple ]; then
	ok "exec: enabled with ops scxb_simple"
else
	nok "exec: enabled with ops scxb_simple" "state $(state), ops '$(ops)'"
fi
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
check "exec: SIGINT stops it (rc $rc), kind 64 from its output" \
	test "$rc" = 0 -a "$(kind)" = 64 -a "$(state)" = disabled

"$bin" load "exec:$bin" -- load simple --fail-after 50 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "exec: a failing scheduler is seen (rc $rc, kind $(kind))" test "$rc" = 1 -a "$(kind)" = 1025

"$bin" load exec:/nonexistent/scx_nothing >"$tmp/out" 2>"$tmp/err"
rc=$?
check "exec: missing binary: one clear line, rc 2" \
	sh -c "test $rc = 2 && grep -q 'no such file' '$tmp/err' && test \"\$(wc -l < '$tmp/err')\" = 1"

"$bin" load exec:true >"$tmp/out" 2>"$tmp/err"
rc=$?
check "exec: a binary that exits at once: rc $rc, 'exited before sched_ext was enabled'" \
	sh -c "test $rc = 2 && grep -q 'exited before sched_ext was enabled' '$tmp/err'"
"$bin" load exec:sleep --start-timeout 1 -- 3141 >"$tmp/out" 2>"$tmp/err"
rc=$?
left=no
running "sleep 3141" && left=yes
check "exec: a binary that never enables sched_ext: rc $rc, 'did not enable sched_ext', not left running ($left)" \
	sh -c "test $rc = 2 && grep -q 'did not enable sched_ext within 1.0 s' '$tmp/err' && test $left = no"
stop_hogs

# through the runner: a scheduler that fails during a run makes that run
# sched_failed with its exit info, and the harness goes on with the next
db=$tmp/r.db
"$bin" run simple --workload mixed --duration 2 --reps 2 --fail-after 300 --no-trace -q \
	--db "$db" >"$tmp/out" 2>"$tmp/err"
rc=$?
nf=$(grep -c ' sched_failed' "$tmp/out")
check "run simple --fail-after --reps 2: rc $rc, both runs stored sched_failed ($nf)" \
	test "$rc" = 1 -a "$nf" = 2
check "run: exit kind 1025 and the message stored" sh -c \
	"'$bin' show 2 --json --db '$db' | grep -q '\"exit_kind\":1025.*failing on purpose'"
"$bin" run vtime --workload cpu --duration 5 --stall --timeout-ms 1000 --no-trace -q \
	--db "$db" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "run vtime --stall: rc $rc, sched_failed with kind 1026" sh -c \
	"test $rc = 1 && '$bin' show 3 --json --db '$db' | grep -q '\"status\":\"sched_failed\".*\"exit_kind\":1026'"

# SIGKILL of scxbench mid-run: the scheduler goes with it, the database
# stays sound and the dangling run is marked aborted at the next start
"$bin" run simple --workload cpu --duration 60 --no-trace -q --db "$db" >/dev/null 2>&1 &
pid=$!
wait_state enabled 100
sleep 1
kill -KILL $pid
wait $pid 2>/dev/null
check "SIGKILLed scxbench run -> sched_ext disabled within 5 s" wait_state disabled 50
killall -KILL scxb-hog-0 scxb-hog-1 2>/dev/null
"$bin" run eevdf --workload cpu --duration 0.5 --no-trace -q --db "$db" >/dev/null 2>"$tmp/err"
check "the killed run is marked aborted at the next start" sh -c \
	"'$bin' show 4 --json --db '$db' | grep -q '\"status\":\"aborted\"'"
check "the database passes PRAGMA integrity_check" sh -c "'$bin' show --check --db '$db' | grep -q 'integrity ok'"

# busy: a second scheduler (or eevdf) is refused, naming the active ops.
# The active one stands for a scheduler scxbench did not start (its own
# benchmark lock file): one scxbench started would make the next wait.
SCXB_BENCH_LOCK=$tmp/other.lock "$bin" load simple >/dev/null 2>&1 &
pid=$!
wait_state enabled 100
"$bin" load vtime >"$tmp/out" 2>"$tmp/err"
rc=$?
check "busy: vtime refused while scxb_simple is active (rc $rc)" \
	sh -c "test $rc = 2 && grep -q \"another sched_ext scheduler is active: 'scxb_simple'\" '$tmp/err'"
"$bin" load eevdf >"$tmp/out" 2>"$tmp/err"
rc=$?
check "busy: eevdf refused too (rc $rc)" test "$rc" = 2
kill -INT $pid
wait $pid
check "busy: state disabled at the end" wait_state disabled 50
