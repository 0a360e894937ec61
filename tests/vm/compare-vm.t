#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 3 + 5 in the guest: `scxbench compare simple vtime --workload mixed`
# on a host without sched_ext runs the whole comparison in one QEMU boot,
# imports it, prints the headline (the primary metrics' verdicts in words)
# and the compact table, and writes the report. On mixed, FIFO (simple)
# starves the probe next to the hogs: the verdicts must say so, every
# verdict must agree with its delta and CI (better/worse with the sign and
# a significant Holm p, same with a CI inside +-min-effect, inconclusive
# with the rounds to go), and every line must fit 100 columns.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
if [ ! -d /sys/kernel/sched_ext ]; then
	need_guest_kernel
fi
vm_lock || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 15 min"
plan 14

cd "$TMP"
start=$(date +%s)
timeout 600 "$SCXB" compare simple vtime --workload mixed --reps 5 --duration 3s \
	--seed 11 --db c.db --out rep >stdout.txt 2>stderr.txt; rc=$?
out=$(cat stderr.txt stdout.txt)
echo "# compare in the VM: exit $rc in $(( $(date +%s) - start )) s"
sed -n '1,/^$/p' stdout.txt | sed 's/^/# /'
[ "$rc" = 0 ] && pass "compare exits 0" || fail "compare exit $rc" "$(printf '%s\n' "$out" | tail -15)"
printf '%s\n' "$out" | grep -q 'running in a QEMU guest\|--vm' && pass "says it runs in the guest" \
	|| { [ -d /sys/kernel/sched_ext ] && skip "VM notice" "this host has sched_ext" || fail "no VM notice"; }
n=$(sql c.db "SELECT count(*) FROM runs WHERE status = 'ok' AND place = 'vm' AND sched_kind = 'bpf'")
[ "$n" = 10 ] && pass "10 ok runs stored, place vm" || fail "$n ok vm runs, want 10" "$(sql c.db 'SELECT scheduler, status, status_detail FROM runs')"
k=$(sql c.db "SELECT count(*) FROM runs WHERE exit_kind = 64 AND sched_ops LIKE 'scxb_%'")
[ "$k" = 10 ] && pass "every run unloaded cleanly (exit kind 64, ops recorded)" || fail "exit kind 64 in $k of 10 runs"
c=$(sql c.db "SELECT count(*) FROM comparisons WHERE status = 'done' AND replace(schedulers, char(10), ',') = 'simple,vtime' AND place = 'vm'")
[ "$c" = 1 ] && pass "comparison stored as done, place vm" || fail "comparison row" "$(sql c.db 'SELECT * FROM comparisons')"
v=$(sql c.db "SELECT verdict FROM comparison_results WHERE scheduler = 'vtime' AND metric = 'wakeup_lat_p99'")
[ "$v" = better ] && pass "vtime's probe p99 wakeup latency: better than FIFO" \
	|| fail "vtime wakeup_lat_p99 verdict '$v'" "$(sql c.db "SELECT metric, median, delta_pct, p_holm, verdict FROM comparison_results WHERE metric LIKE 'wakeup_lat_p99'")"
# verdicts follow the data: better/worse agree with the delta and the direction
bad=$(sql c.db "SELECT count(*) FROM comparison_results WHERE
	(verdict LIKE 'better%' AND delta_pct * better <= 0) OR (verdict LIKE 'worse%' AND delta_pct * better >= 0)")
[ "$bad" = 0 ] && pass "every better/worse verdict agrees with its delta and direction" \
	|| fail "$bad verdicts contradict their delta"
nsig=$(sql c.db "SELECT count(*) FROM comparison_results WHERE (verdict = 'better' OR verdict = 'worse') AND NOT p_holm < 0.05")
[ "$nsig" = 0 ] && pass "no primary verdict without a significant Holm p" || fail "$nsig verdicts with p_holm >= 0.05"
# same: the CI inside +-min-effect; inconclusive: neither, with rounds to go
bad=$(sql c.db "SELECT count(*) FROM comparison_results WHERE
	(rtrim(verdict, '*') = 'same' AND NOT (delta_lo >= -min_effect_pct AND delta_hi <= min_effect_pct))
	OR (rtrim(verdict, '*') = 'inconclusive' AND (more_rounds IS NULL OR (delta_lo >= -min_effect_pct AND delta_hi <= min_effect_pct)))
	OR rtrim(verdict, '*') NOT IN ('baseline', 'better', 'worse', 'same', 'inconclusive', 'different', 'n/a')")
[ "$bad" = 0 ] && pass "same and inconclusive agree with the CI and min-effect; four-way words only" \
	|| fail "$bad verdicts disagree" "$(sql c.db "SELECT metric, delta_lo, delta_hi, min_effect_pct, more_rounds, verdict FROM comparison_results WHERE rtrim(verdict, '*') IN ('same', 'inconclusive') LIMIT 8")"
# the terminal: the headline first, the probe's p99 in words, 100 columns
head -1 stdout.txt | grep -qx 'vtime vs simple (baseline), 5 rounds, survival 5/5 vs 5/5' &&
	grep -qE '^  (probe wakeup latency|wakeup) p99 .* -[0-9]+ % \[-[0-9.]+, -[0-9.]+\] +better$' stdout.txt &&
	grep -qE '^  (hackbench messages/s|CPU hog work/s|hackbench msg/s|hog work/s) ' stdout.txt &&
	pass "headline: vtime vs simple, the probe's wakeup p99 better in words" \
	|| fail "headline" "$(head -8 stdout.txt)"
w=$(python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' stdout.txt)
[ "$w" -le 100 ] && grep -q '^other metrics that differ' stdout.txt && grep -q '^probe latency$' stdout.txt &&
	pass "compact table by family; every line within 100 columns (widest $w)" || fail "table: widest $w" "$(cat stdout.txt)"
[ -s rep/report.html ] && pass "report.html written on the host" || fail "no report" "$(ls rep 2>&1)"
ls rep/*cdf*.png >/dev/null 2>&1 && head -c 8 rep/*cdf*.png | od -An -c | grep -q 'P   N   G' \
	&& pass "CDF figure is a PNG" || fail "CDF figure" "$(ls rep)"
[ "$(sql c.db 'PRAGMA integrity_check')" = ok ] && pass "database integrity ok" || fail "integrity"
