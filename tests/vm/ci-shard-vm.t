#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real two-shard CI night in the QEMU guest (docs/ci.md "Shards"): two
# schedulers (simple, vtime) x two workloads; night n1 unsharded is the
# history; night n2 runs as shards 1/2 and 2/2 (a guest boot and a
# database each, as two CI jobs would), merged and gated with
# --gate-only, and again unsharded. The merged gate holds the same cells
# with the same states and exit code as the unsharded night, each shard's
# own gate has the merged gate's numbers, and every night's runs are
# stored with place vm.
# (A shard is a whole comparison, i.e. a workload, so that rounds stay
# interleaved: one workload would leave the second shard empty.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ci-lib.sh"
command -v python3 >/dev/null || skip_all "python3 missing (reads ci.json)"
need_guest
plan 6

cd "$TMP"
cat > vm.conf <<'CONF'
[ci]
place = vm
reps = 2
duration = 5s
trace = no
seed = 7
baseline = last:5
# real runs under TCG on a shared machine: only the verdicts' agreement matters
min-effect = 50%
[scheduler simple]
[scheduler vtime]
[workload hackbench]
groups = 1
fds = 4
loops = 100
pipe = yes
[workload cpu]
hogs = 1
duration = 1s
CONF
ci() { timeout 300 "$SCXB" ci vm.conf -q "$@"; }
start=$(date +%s)
ci --label n1 --db u.db --out out-u1 --init >u1.log 2>&1 || { fail "night n1 (unsharded)" "$(tail -5 u1.log)"; exit 1; }
cp u.db s1.db && cp u.db s2.db
ci --label n2 --shard 1/2 --db s1.db --out out-s1 >s1.log 2>&1; rc1=$?
ci --label n2 --shard 2/2 --db s2.db --out out-s2 >s2.log 2>&1; rc2=$?
"$SCXB" merge s1.db s2.db -o m.db >merge.log 2>&1; rcmerge=$?
ci --label n2 --gate-only --db m.db --out out-m >m.log 2>&1; rcm=$?
ci --label n2 --db u.db --out out-u >u.log 2>&1; rcu=$?
echo "# 4 guest nights and a merge in $(( $(date +%s) - start )) s"

[ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$rcmerge" = 0 ] && [ "$rcm" = 0 ] && [ "$rcu" = 0 ] &&
	pass "shards, merge, merged gate and unsharded night: exit 0" ||
	fail "exit codes: shards $rc1 $rc2, merge $rcmerge, merged gate $rcm, unsharded $rcu" \
		"$(tail -3 s1.log s2.log merge.log m.log u.log)"
w1=$(sql s1.db "select group_concat(workload, ',') from comparisons where label = 'n2'")
w2=$(sql s2.db "select group_concat(workload, ',') from comparisons where label = 'n2'")
n1=$(sql s1.db "select count(*) from runs where label = 'n2' and place = 'vm' and status = 'ok'")
n2=$(sql s2.db "select count(*) from runs where label = 'n2' and place = 'vm' and status = 'ok'")
nm=$(sql m.db "select count(*) from runs where label = 'n2' and place = 'vm' and status = 'ok'")
nu=$(sql u.db "select count(*) from runs where label = 'n2' and place = 'vm' and status = 'ok'")
[ "$w1" = hackbench ] && [ "$w2" = cpu ] && [ "$n1" = 4 ] && [ "$n2" = 4 ] && [ "$nm" = 8 ] && [ "$nu" = 8 ] &&
	pass "each shard ran its workload in the guest (4 + 4 ok vm runs; merged 8, unsharded 8)" ||
	fail "shards: '$w1' '$w2', ok vm runs $n1 + $n2, merged $nm, unsharded $nu" \
		"$(sql s1.db 'select scheduler, workload, status, status_detail from runs')"
[ "$(sql m.db "select count(*) from runs where label = 'n1'")" = 8 ] &&
	pass "the merged history holds night n1 once (8 runs)" || fail "n1 runs in m.db: $(sql m.db "select count(*) from runs where label = 'n1'")"
ci_cells out-m/ci.json >m.cells 2>&1 && ci_cells out-u/ci.json >u.cells 2>&1
ng=$(grep -c ' True$' m.cells)
[ "$ng" -ge 4 ] && ! grep -q 'no baseline' m.cells && diff -u u.cells m.cells >cells.diff &&
	pass "merged + --gate-only: the unsharded night's $(grep -vc '^exit' m.cells) cells ($ng gated), states and exit code" ||
	fail "merged vs unsharded ($ng gated)" "$(head -20 cells.diff; head -5 m.cells)"
ci_shard_numbers out-s1/ci.json out-s2/ci.json out-m/ci.json >num.log 2>&1 &&
	pass "each shard's own gate has the merged gate's numbers" || fail "shard vs merged" "$(cat num.log)"
! grep -qi 'starting a new history' s1.log s2.log u.log m.log &&
	grep -q '^power: ' m.log && grep -q '^ci n2: PASS' m.log &&
	pass "no 'new history' message on a later night; the merged gate prints its power line and PASS" ||
	fail "messages" "$(cat m.log; grep -i 'new history' ./*.log)"
