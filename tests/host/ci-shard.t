#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ci --shard I/N on the host with eevdf (the host kernel has no sched_ext):
# two nights of three workloads, run as two shards with a database each,
# merged every night and gated with --gate-only, against the same nights
# run unsharded. Each shard holds whole comparisons (round-robin over the
# config's workloads), the merged history gates the same cells to the same
# verdict as the unsharded one, a shard's own numbers are the merged
# gate's (same runs, same seed), and bad --shard values are refused.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ci-lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
need_root
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 10

cd "$TMP"
cat > ci.conf <<'CONF'
[ci]
place = host
reps = 3
duration = 1s
trace = no
seed = 7
baseline = last:5
# real runs on a shared machine: only the comparison of verdicts matters
min-effect = 50%
[scheduler eevdf]
[workload hackbench]
groups = 1
loops = 50
[workload cpu]
hogs = 1
[workload piped]
type = hackbench
groups = 1
loops = 50
pipe = yes
CONF

ci() { "$SCXB" ci ci.conf -q "$@"; }
night() { # LABEL: the night sharded (s1, s2 -> merged hist.db) and unsharded (u.db)
	local l=$1 init= rc
	[ -f hist.db ] || init=--init
	rm -f s1.db s2.db
	if [ -f hist.db ]; then cp hist.db s1.db && cp hist.db s2.db; fi
	ci --label "$l" --shard 1/2 --db s1.db --out out-s1 $init >s1.log 2>&1; rc1=$?
	ci --label "$l" --shard 2/2 --db s2.db --out out-s2 $init >s2.log 2>&1; rc2=$?
	"$SCXB" merge s1.db s2.db -o hist.db >merge.log 2>&1 || return 1
	ci --label "$l" --gate-only --db hist.db --out out-m >m.log 2>&1; rcm=$?
	init=; [ -f u.db ] || init=--init
	ci --label "$l" --db u.db --out out-u $init >u.log 2>&1; rcu=$?
	return 0
}

night n1 || { fail "night n1" "$(cat merge.log)"; exit 1; }
# shard 1 of 2 has workloads 1 and 3 (hackbench, piped), shard 2 the cpu one
w1=$(sql s1.db "select group_concat(workload, ',') from (select workload from comparisons order by id)")
w2=$(sql s2.db "select group_concat(workload, ',') from (select workload from comparisons order by id)")
[ "$w1" = "hackbench,hackbench" ] && [ "$w2" = "cpu" ] &&
	pass "shards hold whole comparisons, dealt round-robin" ||
	fail "shard comparisons: s1 '$w1', s2 '$w2'" "$(cat s1.log s2.log)"
r1=$(sql s1.db "select count(*) from runs") r2=$(sql s2.db "select count(*) from runs")
rm_=$(sql hist.db "select count(*) from runs") ru=$(sql u.db "select count(*) from runs")
[ "$r1" = 6 ] && [ "$r2" = 3 ] && [ "$rm_" = 9 ] && [ "$ru" = 9 ] &&
	pass "runs: 6 + 3 sharded, 9 merged, 9 unsharded" ||
	fail "runs: s1 $r1, s2 $r2, merged $rm_, unsharded $ru"

night n2 || { fail "night n2" "$(cat merge.log)"; exit 1; }
[ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$rcm" = 0 ] && [ "$rcu" = 0 ] &&
	pass "night 2: every ci exits 0" ||
	fail "exit codes: shards $rc1 $rc2, merged $rcm, unsharded $rcu" "$(cat s1.log s2.log m.log u.log)"
grep -q '^ci n2 shard 1/2: PASS: ' s1.log && grep -q '^ci n2: PASS: ' m.log &&
	pass "a shard's verdict line names the shard" || fail "shard verdict line" "$(cat s1.log)"
# the same cells and verdicts, merged vs unsharded
ci_cells out-m/ci.json >m.cells && ci_cells out-u/ci.json >u.cells
n=$(grep -vc '^exit' m.cells)
[ "$n" -gt 6 ] && diff -u u.cells m.cells >cells.diff &&
	pass "merged + --gate-only: the unsharded night's $n cells, states and exit code" ||
	fail "merged vs unsharded cells ($n)" "$(head -20 cells.diff)"
grep -q ' ok True$' m.cells && ! grep -q 'no baseline' m.cells &&
	pass "night 2 has a baseline in the merged history" || fail "no baseline" "$(head m.cells)"
# the shards' own gates saw the very numbers of the merged gate
ci_shard_numbers out-s1/ci.json out-s2/ci.json out-m/ci.json >num.log 2>&1 &&
	pass "each shard's cells have the merged gate's medians, deltas and CIs" ||
	fail "shard vs merged numbers" "$(cat num.log)"
# an empty shard (more shards than workloads) runs nothing and passes
"$SCXB" ci ci.conf --label n2 --shard 4/4 --db s1.db --out out-e >e.log 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q 'shard 4/4: 0 of the config' e.log &&
	pass "an empty shard says so and exits 0" || fail "empty shard: rc $rc" "$(cat e.log)"
# bad values: one line, exit 2
for v in 0/2 3/2 2 1/x 1/17; do
	err=$("$SCXB" ci ci.conf --label x --db s1.db --shard "$v" 2>&1); rc=$?
	[ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
		[[ $err == "scxbench: error: ci: --shard $v: want I/N"* ]] || break
done
[ "$rc" = 2 ] && [[ $err == *"want I/N"* ]] && pass "bad --shard values refused in one line" ||
	fail "--shard $v: rc $rc" "$err"
# the merged history's comparisons are the unsharded night's
cm=$(sql hist.db "select count(*) from comparisons where label = 'n2'")
cu=$(sql u.db "select count(*) from comparisons where label = 'n2'")
[ "$cm" = 3 ] && [ "$cu" = 3 ] && pass "3 comparisons of night 2 merged, as unsharded" ||
	fail "comparisons: merged $cm, unsharded $cu"
