#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM layer itself, for real: boot the cached sched_ext kernel under QEMU,
# run this very binary inside, move its database out, propagate its exit
# code, and tear down on SIGINT, on the hard timeout and on SIGKILL (no
# QEMU, no temp dir left). About 9 boots of ~5 s each under TCG.
. "$(dirname "$0")/../lib.sh"
"$SCXB" vm --help >/dev/null 2>&1 || skip_all "this build has no 'vm' command"
need_guest
plan 14
export TMPDIR=$TMP/tmpd
mkdir -p "$TMPDIR"
cd "$TMP"

# 1-2: boot-test
t0=$(date +%s.%N)
out=$("$SCXB" vm boot-test 2>&1); rc=$?
t1=$(date +%s.%N)
if [ $rc -eq 0 ] && grep -Eq '^guest kernel [^ ]+, accel (tcg|kvm), sched_ext present' <<<"$out"; then
	pass "boot-test boots, reports kernel and accelerator"
	echo "# boot-test: $(grep '^guest kernel' <<<"$out") (wall $(echo "$t1 - $t0" | bc) s)"
else
	fail "boot-test boots, reports kernel and accelerator" "rc=$rc: $out"
fi
if grep -q 'probe: kernel .*, sched_ext disabled, ' <<<"$out" &&
	grep -q 'probe: /sys/kernel/sched_ext:.*state' <<<"$out"; then
	pass "guest sees /sys/kernel/sched_ext, state disabled"
else
	fail "guest sees /sys/kernel/sched_ext, state disabled" "$out"
fi

# 3: --vm-cpus reaches the guest
out=$("$SCXB" vm boot-test --vm-cpus 1 --vm-mem 512 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q 'sched_ext disabled, 1 CPUs' <<<"$out"; then pass "--vm-cpus 1 --vm-mem 512: guest has 1 CPU"
else fail "--vm-cpus 1 --vm-mem 512: guest has 1 CPU" "rc=$rc: $out"; fi

# 4: the same binary runs inside
out=$("$SCXB" vm run -- version 2>&1); rc=$?
want=$("$SCXB" version 2>&1 | head -n1)
if [ $rc -eq 0 ] && grep -qF "$want" <<<"$out"; then pass "vm run -- version prints '$want' from the guest"
else fail "vm run -- version prints '$want' from the guest" "rc=$rc: $out"; fi

# 5: the guest's exit code and stderr come back
out=$("$SCXB" vm run -- no-such-command 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -q "unknown command 'no-such-command'" <<<"$out"; then
	pass "guest exit code 2 and its error line reach the host"
else
	fail "guest exit code 2 and its error line reach the host" "rc=$rc: $out"
fi

# 6-7: a real run's database moves out intact
out=$("$SCXB" vm run --db "$TMP/g.db" -- run eevdf --workload cpu --duration 1 --no-trace 2>&1); rc=$?
if [ $rc -eq 0 ] && [ -s "$TMP/g.db" ] && [ "$(sql "$TMP/g.db" 'PRAGMA integrity_check')" = ok ]; then
	pass "guest database copied out, integrity ok ($(stat -c %s "$TMP/g.db") bytes)"
else
	fail "guest database copied out, integrity ok" "rc=$rc: $(tail -5 <<<"$out")"
fi
n=$(sql "$TMP/g.db" "select count(*) from runs where status = 'ok'" 2>&1)
[ "$n" = 1 ] && pass "the guest database holds the 1 ok run" || fail "the guest database holds the 1 ok run" "$n"

# guest processes to wait for: QEMU, child of the given scxbench pid
qemu_of() { pgrep -P "$1" -f qemu-system-x86_64 || true; }
wait_qemu_up() { # PID: until its QEMU exists and the guest had time to start
	local i q
	for i in $(seq 100); do
		q=$(qemu_of "$1")
		[ -n "$q" ] && break
		sleep 0.2
	done
	sleep 8
	echo "$q"
}

# 8-10: SIGINT mid-run
"$SCXB" vm run -- run eevdf --workload cpu --duration 60 --no-trace >"$TMP/int.out" 2>&1 &
pid=$!
q=$(wait_qemu_up $pid)
kill -INT $pid
wait $pid; rc=$?
if [ -n "$q" ] && [ $rc -ne 0 ] && grep -q 'interrupted' "$TMP/int.out"; then pass "SIGINT: non-zero exit, says interrupted"
else fail "SIGINT: non-zero exit, says interrupted" "qemu=$q rc=$rc: $(tail -3 "$TMP/int.out")"; fi
if [ -n "$q" ] && ! pid_running "$q"; then pass "SIGINT: QEMU $q is gone"
else fail "SIGINT: QEMU is gone" "qemu pid '$q'"; fi
left=$(ls -A "$TMPDIR")
[ -z "$left" ] && pass "SIGINT: temp dir removed" || fail "SIGINT: temp dir removed" "$left"

# 11-12: hard timeout
out=$("$SCXB" vm run --timeout 15s -- run eevdf --workload cpu --duration 60 --no-trace 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q 'did not finish within 15 s' <<<"$out"; then pass "hard timeout: killed with a clear line"
else fail "hard timeout: killed with a clear line" "rc=$rc: $(tail -3 <<<"$out")"; fi
left=$(ls -A "$TMPDIR")
if [ -z "$left" ] && [ -z "$(pgrep -f "qemu-system-x86_64.*$TMPDIR" || true)" ]; then
	pass "hard timeout: no QEMU, no temp dir left"
else
	fail "hard timeout: no QEMU, no temp dir left" "$left"
fi

# 13-14: SIGKILL of scxbench takes QEMU down (PR_SET_PDEATHSIG)
"$SCXB" vm run -- run eevdf --workload cpu --duration 60 --no-trace >"$TMP/kill.out" 2>&1 &
pid=$!
q=$(wait_qemu_up $pid)
kill -KILL $pid
wait $pid 2>/dev/null
gone=no
for i in $(seq 20); do
	if [ -n "$q" ] && ! pid_running "$q"; then gone=yes; break; fi
	sleep 0.1
done
[ $gone = yes ] && pass "SIGKILL: QEMU $q gone within 2 s" || fail "SIGKILL: QEMU gone within 2 s" "qemu pid '$q'"
# a SIGKILLed process cannot clean up: the next boot removes its temp dir
n=$(ls -A "$TMPDIR" | wc -l)
out=$("$SCXB" vm boot-test 2>&1); rc=$?
left=$(ls -A "$TMPDIR")
if [ "$n" = 1 ] && [ $rc -eq 0 ] && [ -z "$left" ]; then
	pass "SIGKILL: the killed run's temp dir is removed by the next boot"
else
	fail "SIGKILL: the killed run's temp dir is removed by the next boot" "before=$n rc=$rc left=$left"
fi
