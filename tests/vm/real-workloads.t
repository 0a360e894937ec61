#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 15 in the guest: a cmd: workload and a replay: of a capture under
# a BPF scheduler, and a comparison of two schedulers on a replay, each in
# one QEMU boot, stored with place vm. The capture is taken here, on the
# host (the guest reads the file through the shared root).
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
need_root
if [ ! -d /sys/kernel/sched_ext ]; then
	need_guest_kernel
fi
command -v stress-ng >/dev/null || skip_all "stress-ng not installed (make deps)"
[ -d /sys/kernel/tracing/events/raw_syscalls ] || skip_all "no raw_syscalls tracepoints (capture)"
exec 9>/tmp/scxb-vm.lock
flock -w 1800 9 || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 30 min"
plan 12
cd "$TMP"
make -s -C "$ROOT" build/tests/capture_pingpong >build.log 2>&1
"$SCXB" capture --db cap.db -o pp.capture -- "$ROOT/build/tests/capture_pingpong" 1000 >cap.out 2>&1
[ -s pp.capture ] && pass "a capture taken on the host" || fail "a capture taken on the host" "$(tail -3 cap.out)"

out=$(timeout 900 "$SCXB" run simple --db v.db --duration 8 \
	--workload "cmd:stress-ng --switch 1 --metrics-brief -t 2" 2>&1); rc=$?
[ $rc = 0 ] && pass "cmd: under simple in the guest: exit 0" || fail "cmd: under simple: exit 0" "rc $rc: $(echo "$out" | tail -5)"
id=$(sql v.db "SELECT max(id) FROM runs WHERE workload='cmd'")
row=$(sql v.db "SELECT place || '|' || status || '|' || sched_kind FROM runs WHERE id=$id")
[ "$row" = "vm|ok|bpf" ] && pass "stored: place vm, ok, a BPF scheduler" || fail "stored: place vm, ok, bpf" "$row"
v=$(sql v.db "SELECT value FROM metrics WHERE run_id=$id AND name='stressng_switch_bogo_ops_per_s'")
awk -v v="$v" 'BEGIN { exit !(v > 0) }' && pass "stress-ng's bogo ops/s parsed ($v)" || fail "stress-ng's bogo ops/s parsed" "'$v'"
n=$(sql v.db "SELECT count(*) FROM task_stats WHERE run_id=$id AND role='cmd'")
[ "$n" -ge 2 ] && pass "the command's $n tasks are role cmd in the guest's trace" || fail "role cmd in the guest" "$n"

out=$(timeout 900 "$SCXB" run vtime --db v.db --duration 10 --workload replay:pp.capture 2>&1); rc=$?
id=$(sql v.db "SELECT max(id) FROM runs WHERE workload='replay'")
row=$(sql v.db "SELECT place || '|' || status FROM runs WHERE id=$id")
[ $rc = 0 ] && [ "$row" = "vm|ok" ] && pass "replay: under vtime in the guest" || fail "replay: under vtime" "rc $rc $row: $(echo "$out" | tail -5)"
k=$(sql v.db "SELECT count(*) FROM metrics WHERE run_id=$id AND name LIKE 'replay_ks_%'")
f=$(sql v.db "SELECT value FROM metrics WHERE run_id=$id AND name='replay_steps_fraction'")
[ "$k" = 3 ] && awk -v f="$f" 'BEGIN { exit !(f > 0.99) }' && pass "fidelity metrics stored, every step replayed" \
	|| fail "fidelity metrics stored, every step replayed" "$k ks, fraction $f"

out=$(timeout 1200 "$SCXB" compare simple vtime --db c.db --reps 2 --duration 10 --seed 3 --out rep \
	--workload replay:pp.capture 2>&1); rc=$?
[ $rc = 0 ] && pass "compare simple vtime on a replay: exit 0" || fail "compare on a replay: exit 0" "rc $rc: $(echo "$out" | tail -8)"
n=$(sql c.db "SELECT count(*) FROM runs WHERE workload='replay' AND status='ok' AND place='vm'")
[ "$n" = 4 ] && pass "4 ok replay runs, place vm" || fail "4 ok replay runs" "$n"
r=$(sql c.db "SELECT count(*) FROM comparison_results WHERE metric='replay_ks_burst'")
[ "$r" = 2 ] && pass "replay_ks_burst in the comparison table for both" || fail "replay_ks_burst in the table" "$r"
ls rep/fidelity_burst.png rep/fidelity_wakeup.png >/dev/null 2>&1 && pass "fidelity figures in the report" \
	|| fail "fidelity figures in the report" "$(ls rep | tr '\n' ' ')"
# the headline names metrics by their labels (metric_info.c)
echo "$out" | grep -q "replay wakeup latency (trace)" && pass "the verdict table has the replay's wakeup p99" \
	|| fail "the verdict table has the replay's wakeup p99" "$(echo "$out" | head -20)"
