#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A ci night over kernels = x topologies = (2 x 2): four guest boots, one
# comparison per cell, each cell's runs of one kernel and one topology,
# the cells gated and reported apart. A second night runs one cell only
# (--kernels/--topology override the config): its baseline must be that
# cell's runs of the first night, not the other cells'. 5 boots, one
# round of 0.5 s runs each (~1.5 min here).
. "$(dirname "$0")/../lib.sh"
[ -d /sys/kernel/sched_ext ] && skip_all "this kernel has sched_ext: the matrix needs the VM path"
need_guest
plan 8
export TMPDIR=$TMP/tmpd
mkdir -p "$TMPDIR"
cd "$TMP"

two_kernels
cat > m.conf <<CONF
[ci]
db = hist.db
out = out
reps = 1
duration = 0.5s
trace = no
kernels = $k1, $k2
topologies = 1s2c1t, 2s1c1t
[scheduler simple]
[scheduler llc]
[workload cpu]
hogs = 2
CONF

out=$("$SCXB" ci m.conf --label m1 --init 2>&1); rc=$?
grep -E 'cells|\[cell' <<<"$out" | sed 's/^/# /'
[ $rc = 0 ] && grep -q '2 kernels x 2 topologies = 4 cells (4 guest boots)' <<<"$out" &&
	[ "$(grep -c '\[cell [1-4]/4\]' <<<"$out")" = 4 ] &&
	pass "night 1: 2 kernels x 2 topologies, 4 boots announced and named, exit 0" ||
	fail "night 1: exit $rc" "$(tail -8 <<<"$out")"
n=$(sql hist.db "SELECT count(*) FROM runs WHERE label = 'm1' AND status = 'ok'")
cells=$(sql hist.db "SELECT count(DISTINCT guest_kernel || '/' || topology) FROM runs WHERE label = 'm1'")
[ "$n" = 8 ] && { [ "$cells" = 4 ] || { [ "$cells" = 2 ] && [ ${#rel[@]} = 1 ]; }; } &&
	pass "8 ok runs in $cells (kernel, topology) cells" || fail "runs $n, cells $cells"
mixed=$(sql hist.db "SELECT count(*) FROM (SELECT compare_id FROM runs GROUP BY compare_id
	HAVING count(DISTINCT topology) > 1 OR count(DISTINCT guest_kernel) > 1)")
[ "$(sql hist.db 'SELECT count(*) FROM comparisons')" = 4 ] && [ "$mixed" = 0 ] &&
	pass "4 comparisons, none mixing kernels or topologies" || fail "comparisons" "mixed $mixed"
python3 - <<'PY' 2>"$TMP/py" && pass "ci.json: the cells named by kernel and topology, apart" || fail "ci.json" "$(cat "$TMP/py")"
import json
d = json.load(open('out/ci.json'))
names = sorted({c['workload'] for c in d['cells']})
assert len(names) == 4 and all(n.startswith('cpu [') and n.endswith(('1s2c1t]', '2s1c1t]')) for n in names), names
assert sum(1 for c in d['cells'] if c['metric'] == 'survival') == 8, d['cells']
PY
[ "$(ls -d out/report-cpu_* | wc -l)" = 4 ] && pass "one report per cell" || fail "reports" "$(ls out)"

# night 2: one cell only; its baseline is that cell's first night alone
out=$("$SCXB" ci m.conf --label m2 --kernels "$k2" --topology 2s1c1t 2>&1); rc=$?
[ $rc = 0 ] && ! grep -q '\[cell' <<<"$out" && pass "night 2: one cell, one boot, exit 0" ||
	fail "night 2: exit $rc" "$(tail -8 <<<"$out")"
python3 - "$k2" <<'PY' 2>"$TMP/py" && pass "night 2's baseline: that cell's run per scheduler, never the other cells' 3" || fail "baseline mixed cells" "$(cat "$TMP/py")"
import json, sys
d = json.load(open('out/ci.json'))
cells = [c for c in d['cells'] if c['metric'] == 'cpu_work_per_s']
assert len(cells) == 2, [c['workload'] for c in d['cells']]
for c in cells:
    assert c['workload'].endswith(' 2s1c1t]'), c['workload']
    assert c['n'] == 1 and c['n_base'] == 1 and c['base_nights'] == 1, (c['workload'], c['n'], c['n_base'])
PY
grep -q 'm1' out/summary.md && pass "summary.md names night m1 as the baseline" || fail "summary" "$(grep -i baseline out/summary.md)"
