#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The CI gate on a seeded synthetic history in a real database (written
# through the store API by tests/host/mkhistory.c, noise CoV 2-5 % per run,
# 1 % night-to-night drift): an injected 10 % regression is flagged (exit 1),
# a 1 % drift is not (exit 0; its cells same or inconclusive, with the
# rounds to go), a scheduler failure is (exit 1), the first
# night has no baseline (exit 0), JUnit XML validates against tests/junit.xsd,
# bad configs and a corrupt history are refused, merge keeps every run.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
"$SCXB" help ci >/dev/null 2>&1 || skip_all "this build has no 'ci' command (not wired into main.c yet)"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
command -v xmllint >/dev/null || skip_all "xmllint not installed (libxml2-utils)"
plan 32

# the helper, built against the very objects of this build
MK=$TMP/mkhistory
if ! make_helpers mkhistory >"$TMP/cc.log" 2>&1 || ! cp "$ROOT/$BUILD/tests/mkhistory" "$MK"; then
	fail "build tests/host/mkhistory.c" "$(tail -5 "$TMP/cc.log")"
	exit 1
fi

cd "$TMP"
cat > ci.conf <<'CONF'
# synthetic history: two schedulers, one workload
[ci]
db = hist.db
out = out
reps = 5
baseline = last:5
alpha = 0.05
min-effect = 5%
[scheduler simple]
[scheduler vtime]
[workload hackbench]
groups = 2
loops = 500
[metric ctx_switches]
gate = no
# not a primary metric of hackbench (hackbench_msgs_per_s is): gated here
[metric elapsed_s]
gate = yes
CONF
history() { # DB: five earlier nights, seeds 1..5
	for i in 1 2 3 4 5; do "$MK" ci.conf "$1" "night$i" 5 "$i" || return 1; done
}
gate() { # LABEL [ci args]: runs the gate, sets $rc and $out
	local l=$1; shift
	rm -rf out
	out=$("$SCXB" ci ci.conf --label "$l" --gate-only "$@" 2>&1); rc=$?
}

# The Holm family is the primary metrics (hackbench_msgs_per_s) and the
# metrics marked gate = yes (elapsed_s); the others are exploratory.

# 1. first night: stored, "no baseline", exit 0
"$MK" ci.conf first.db night1 5 1
gate night1 --db first.db
[ "$rc" = 0 ] && grep -q 'no baseline\|without a baseline' out/summary.md &&
	grep -q 'scheduler: no earlier night\|no earlier night' out/summary.md &&
	pass "first night: no baseline, exit 0" || fail "first night: rc $rc" "$out"

# 2. a 10 % regression on one metric of one scheduler
history hist.db && "$MK" ci.conf hist.db reg10 5 77 vtime:elapsed_s:1.10
gate reg10
[ "$rc" = 1 ] && pass "10 % regression: exit 1" || fail "10 % regression: exit $rc, want 1" "$out"
printf '%s\n' "$out" | grep -q '^REGRESSION vtime / hackbench / elapsed_s' &&
	pass "the regressed cell is named" || fail "regressed cell not named" "$out"
n=$(printf '%s\n' "$out" | grep -c '^REGRESSION')
[ "$n" = 1 ] && pass "only that cell is flagged" || fail "$n cells flagged, want 1" "$out"
# regressions first in summary.md, with numbers and CIs
sed -n '/^## Regressions/,/^## Improvements/p' out/summary.md | grep -qE '^[|] vtime [|] hackbench [|] elapsed\\_s .*\[.*\].*[*][*][+][0-9.]+ %[*][*] \[[+][0-9.]+, [+][0-9.]+\]' &&
	pass "summary.md: the regression with medians, CIs and delta" ||
	fail "summary.md lacks the regression row" "$(cat out/summary.md)"
head -3 out/summary.md | grep -q 'FAIL' && pass "summary.md headline says FAIL" || fail "headline" "$(head -3 out/summary.md)"
# JUnit: schema, one testcase per scheduler x workload x metric, the failure's message
xmllint --noout --schema "$ROOT/tests/junit.xsd" out/junit.xml 2>"$TMP/xl" &&
	pass "junit.xml validates against tests/junit.xsd" || fail "junit.xml invalid" "$(cat "$TMP/xl")"
ntc=$(xmllint --xpath 'count(//testcase)' out/junit.xml)
[ "$ntc" = 10 ] && pass "junit.xml: 10 testcases (2 scheds x (4 metrics + survival))" || fail "junit testcases: $ntc"
msg=$(xmllint --xpath 'string(//testcase[@classname="scxbench.hackbench.vtime"][@name="elapsed_s"]/failure/@message)' out/junit.xml)
[[ $msg == *"delta +"*"%"*"p(Holm)"* ]] && pass "junit failure message has the numbers" || fail "failure message: $msg"
[ "$(xmllint --xpath 'count(//failure)' out/junit.xml)" = 1 ] && pass "junit: exactly one failure" || fail "junit failures"
python3 -c "import json,sys; d=json.load(open('out/ci.json')); assert d['exit_code']==1; assert any(c['state']=='REGRESSION' and c['metric']=='elapsed_s' for c in d['cells'])" 2>"$TMP/py" &&
	pass "ci.json parses and records the regression" || fail "ci.json" "$(cat "$TMP/py")"
ls out/history/hackbench__elapsed_s.gp out/history/hackbench__elapsed_s.dat >/dev/null 2>&1 &&
	pass "history figure data and script written" || fail "history figure missing" "$(ls -R out)"
if command -v gnuplot >/dev/null; then
	grep -q '<svg' out/history/hackbench__elapsed_s.svg 2>/dev/null && pass "history figure rendered (svg)" ||
		fail "history svg not rendered"
else
	skip "history svg" "gnuplot not installed"
fi
[ -s out/report-hackbench/report.html ] && pass "HTML report written" || fail "no report-hackbench/report.html" "$(ls -R out)"

# 3. a 1 % drift (within the noise): not flagged
rm -f hist.db*; history hist.db && "$MK" ci.conf hist.db drift1 5 78 vtime:elapsed_s:1.01 simple:wakeup_p99_us:1.01
gate drift1
[ "$rc" = 0 ] && pass "1 % drift: exit 0" || fail "1 % drift: exit $rc, want 0" "$out"
# four-way: a drift inside the noise is "same" (no note) or "inconclusive"
# (a note with the rounds to go), never a decided change; at least one
# cell is undecided at these sizes and says so in summary.md
python3 -c "
import json, sys
cells = [c for c in json.load(open('out/ci.json'))['cells'] if not c['survival']]
bad = [c for c in cells if c['state'] != 'ok' or (c['note'] and not c['note'].startswith('inconclusive: neither'))]
assert not bad, bad
assert any(c['note'].startswith('inconclusive') for c in cells), 'no undecided cell'
" 2>"$TMP/py" && grep -q 'inconclusive: neither a significant change nor within +-5.0 %; \\~[0-9]* more round' out/summary.md &&
	pass "1 % drift: every cell same or inconclusive (with the rounds to go), none decided" ||
	fail "1 % drift: cells" "$(cat "$TMP/py"; sed -n '/^## Other/,$p' out/summary.md)"

# 4. a scheduler that stalls in one of five runs: exit 1, whatever its numbers
rm -f hist.db*; history hist.db && "$MK" ci.conf hist.db stall 5 79 fail:simple
gate stall
[ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q '^SCHEDULER FAILED simple / hackbench: 4/5' &&
	pass "scheduler failure: exit 1, named" || fail "scheduler failure: exit $rc" "$out"
grep -q 'runnable task stall' out/summary.md && pass "summary.md gives the failure's reason" || fail "no reason" "$(cat out/summary.md)"

# 5. bad config: every error with file:line, nothing run, exit 2
cat > bad.conf <<'CONF'
[ci]
alpha = 2
colour = blue
[scheduler simple]
args = --x
[workload hackbench]
groups = many
CONF
# one line: the first three errors and the count of the rest; -v lists all
err=$("$SCXB" ci bad.conf --label x 2>&1); rc=$?
errv=$("$SCXB" ci bad.conf --label x -v 2>&1)
[ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err == *"bad.conf:2:"*alpha* ]] &&
	[[ $err == *"bad.conf:3:"*colour* ]] && [[ $err == *"bad.conf:5:"* ]] &&
	[[ $err == *"and 1 more (-v lists them)"* ]] && [[ $err == *"nothing was run"* ]] &&
	[[ $errv == *"bad.conf:7:"* ]] &&
	pass "bad config: every error with file:line, exit 2" || fail "bad config: rc $rc" "$err"

# 6. history database: missing needs --init, corrupt stays untouched
err=$("$SCXB" ci ci.conf --label x --db missing.db --gate-only 2>&1); rc=$?
[ "$rc" = 2 ] && [ ! -e missing.db ] && [[ $err == *--init* ]] &&
	pass "missing history: refused without --init, nothing created" || fail "missing db: rc $rc" "$err"
head -c 4096 /dev/urandom > corrupt.db; sum=$(md5sum < corrupt.db)
err=$("$SCXB" ci ci.conf --label x --db corrupt.db --gate-only --init 2>&1); rc=$?
[ "$rc" = 2 ] && [ "$(md5sum < corrupt.db)" = "$sum" ] &&
	pass "corrupt history: exit 2, file untouched" || fail "corrupt db: rc $rc" "$err"

# --gate-only of a label the history does not hold: one line, exit 2, no outputs
rm -rf out; sum=$(md5sum < hist.db)
err=$("$SCXB" ci ci.conf --label nosuch --gate-only 2>&1); rc=$?
[ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [ ! -e out ] && [ "$(md5sum < hist.db)" = "$sum" ] &&
	[[ $err == "scxbench: error: ci: --gate-only: no night labelled 'nosuch' in hist.db"* ]] &&
	pass "--gate-only of an unknown label: one line, exit 2, nothing written" || fail "nosuch: rc $rc" "$err"

# 7. merge: two machines' histories, every run keeps its host
rm -f a.db* b.db*; "$MK" ci.conf a.db n1 3 1 && "$MK" ci.conf b.db n2 3 2
sqlite3 b.db "UPDATE runs SET hostname = 'other-host', kernel_release = '9.9.9'"
"$SCXB" merge a.db b.db -o all.db >/dev/null 2>&1; rc=$?
na=$(sql a.db 'SELECT count(*) FROM runs'); nb=$(sql b.db 'SELECT count(*) FROM runs')
nall=$(sql all.db 'SELECT count(*) FROM runs'); nother=$(sql all.db "SELECT count(*) FROM runs WHERE hostname = 'other-host' AND kernel_release = '9.9.9'")
[ "$rc" = 0 ] && [ "$nall" = $((na + nb)) ] && [ "$nother" = "$nb" ] &&
	pass "merge: $nall runs, hosts and kernels kept" || fail "merge: rc $rc, $nall runs (want $((na + nb))), other-host $nother"
"$SCXB" merge a.db b.db -o all.db >/dev/null 2>&1
[ "$(sql all.db 'SELECT count(*) FROM runs')" = "$nall" ] && pass "merge again: no duplicates" || fail "merge duplicated runs"
# the gate on the merged history only takes the baseline from the same host
"$MK" ci.conf all.db n3 3 3 >/dev/null
gate n3 --db all.db
grep -qF '(n1)' out/summary.md && ! grep -q 'n2' out/summary.md &&
	pass "merged history: baseline only from the same host" || fail "baseline mixed hosts: rc $rc" "$(grep -i baseline out/summary.md)"

# 8. a kernels x topologies night: tonight's cells are gated apart, each
# against its own earlier nights (a made-up 2s1c1t machine through
# SCXB_TOPO_SYSFS beside this host's own view, under one label)
topo=$TMP/topo-2s1c1t
mkdir -p "$topo/devices/system/cpu/cpu0/topology" "$topo/devices/system/cpu/cpu1/topology"
echo 0-1 > "$topo/devices/system/cpu/online"
echo 0 > "$topo/devices/system/cpu/cpu0/topology/physical_package_id"
echo 1 > "$topo/devices/system/cpu/cpu1/topology/physical_package_id"
echo 0 > "$topo/devices/system/cpu/cpu0/topology/core_id"
echo 0 > "$topo/devices/system/cpu/cpu1/topology/core_id"
rm -f cells.db*
for i in 1 2 3; do
	"$MK" ci.conf cells.db "c$i" 5 "$i" && SCXB_TOPO_SYSFS=$topo "$MK" ci.conf cells.db "c$i" 5 "$((i + 10))"
done
# tonight only the 2s1c1t cell's vtime is 10 % slower
"$MK" ci.conf cells.db c4 5 40 && SCXB_TOPO_SYSFS=$topo "$MK" ci.conf cells.db c4 5 41 vtime:elapsed_s:1.10
mine=$(sql cells.db "SELECT topology FROM runs WHERE topology != '2s1c1t' LIMIT 1")
gate c4 --db cells.db
n=$(printf '%s\n' "$out" | grep -c '^REGRESSION')
if [ "$rc" = 1 ] && [ "$n" = 1 ] && printf '%s\n' "$out" | grep -q '^REGRESSION vtime / hackbench \[.* 2s1c1t\] / elapsed_s' &&
	python3 - "$mine" <<'PY' 2>"$TMP/py"
import json, sys
d = json.load(open('out/ci.json'))
mine = sys.argv[1]
cells = [c for c in d['cells'] if c['metric'] == 'elapsed_s']
names = sorted(c['workload'] for c in cells)
# one cell per scheduler x topology, each with 3 nights x 5 runs of its own machine
assert len(cells) == 4, names
assert sum(1 for c in cells if c['workload'].endswith(' 2s1c1t]')) == 2, names
assert sum(1 for c in cells if c['workload'].endswith(' ' + mine + ']')) == 2, names
assert all(c['n_base'] == 15 and c['n'] == 5 and c['base_nights'] == 3 for c in cells), [(c['workload'], c['n_base'], c['n']) for c in cells]
PY
then
	pass "a topologies night: cells gated apart, baselines only from their own topology ($(ls -d out/report-* | wc -l) reports)"
else
	fail "topology cells: rc $rc, $n regressions" "$(printf '%s\n' "$out" | tail -5; cat "$TMP/py")"
fi

# 9. the Holm family: primary metrics and gate = yes only. A 28 % drop of
# the primary metric on night 2 (5 vs 5 runs) is flagged; the same drop of
# an exploratory metric is reported and never fails
rm -f two.db*; "$MK" ci.conf two.db night1 5 1 && "$MK" ci.conf two.db night2 5 2 vtime:hackbench_msgs_per_s:0.72
gate night2 --db two.db
[ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q '^REGRESSION vtime / hackbench / hackbench_msgs_per_s: -2[0-9.]* %' &&
	python3 -c "
import json; d = json.load(open('out/ci.json'))
assert d['holm_family'] == 4, d['holm_family']
g = sorted(c['metric'] for c in d['cells'] if c['gated'] and not c['survival'])
assert g == ['elapsed_s', 'elapsed_s', 'hackbench_msgs_per_s', 'hackbench_msgs_per_s'], g
" 2>"$TMP/py" && pass "28 % drop of the primary metric on night 2 (5 vs 5): flagged; Holm over 4 gated cells" ||
	fail "28 % drop at night 2: rc $rc" "$out$(cat "$TMP/py")"
rm -f two.db*; "$MK" ci.conf two.db night1 5 1 && "$MK" ci.conf two.db night2 5 2 vtime:wakeup_p99_us:1.39
gate night2 --db two.db
st=$(python3 -c "
import json; d = json.load(open('out/ci.json'))
print([c['state'] for c in d['cells'] if c['scheduler'] == 'vtime' and c['metric'] == 'wakeup_p99_us'][0])")
[ "$rc" = 0 ] && [ "$st" = "changed (exploratory)" ] &&
	grep -q '^- vtime / hackbench / wakeup\\_p99\\_us: +[0-9.]* % .*worse (exploratory' out/summary.md &&
	pass "the same shift of an exploratory metric: reported as exploratory, exit 0" ||
	fail "exploratory metric: rc $rc, state '$st'" "$out$(sed -n '/^## Other/,$p' out/summary.md)"

# 10. the minimum detectable effect: every tested gated cell states one,
# and the summary says when the config cannot detect its min-effect and
# what would (here 3 runs a night, baseline last:1, min-effect 2 %)
cat > weak.conf <<'CONF'
[ci]
out = out
reps = 3
baseline = last:1
min-effect = 2%
[scheduler simple]
[scheduler vtime]
[workload hackbench]
CONF
rm -f weak.db*; "$MK" weak.conf weak.db w1 3 1 && "$MK" weak.conf weak.db w2 3 2
rm -rf out; out=$("$SCXB" ci weak.conf --label w2 --db weak.db --gate-only 2>&1); rc=$?
line=$(printf '%s\n' "$out" | grep '^power: ')
reps=$(printf '%s' "$line" | sed -n 's/.*cannot detect their minimum effect: reps = \([0-9]*\) (baseline last:1).*/\1/p')
[ "$rc" = 0 ] && [ -n "$reps" ] && [ "$reps" -gt 3 ] && [[ $line == *"would"* ]] &&
	grep -q '^\*\*Power:\*\* .*cannot detect their minimum effect: reps = '"$reps" out/summary.md &&
	pass "3 vs 3 runs cannot detect 2 %: stdout and summary.md say so and that reps = $reps would" ||
	fail "weak config power: rc $rc, '$line'" "$out"
python3 -c "
import json; d = json.load(open('out/ci.json'))
g = [c for c in d['cells'] if c['gated'] and not c['survival']]
assert g and all(c['mde_pct'] is None or c['mde_pct'] > 2 for c in g), [(c['metric'], c['mde_pct']) for c in g]
" 2>"$TMP/py" && pass "ci.json: each gated cell's minimum detectable effect, all above 2 %" ||
	fail "mde in ci.json" "$(cat "$TMP/py")"
# the advice holds: with that many runs a night the same spread detects 2 %
sed -i "s/^reps = 3/reps = $reps/" weak.conf
rm -f weak.db*; "$MK" weak.conf weak.db w1 "$reps" 1 && "$MK" weak.conf weak.db w2 "$reps" 2
rm -rf out; out=$("$SCXB" ci weak.conf --label w2 --db weak.db --gate-only 2>&1)
python3 -c "
import json; d = json.load(open('out/ci.json'))
g = [c['mde_pct'] for c in d['cells'] if c['gated'] and not c['survival']]
# new runs, a new spread: within a quarter of the 2 % asked
assert len(g) == 2 and max(g) < 2.5, g
print(' '.join('%.2f' % v for v in sorted(g)))" >"$TMP/py" 2>&1 &&
	pass "the advice holds: at reps = $reps the gated cells detect $(cat "$TMP/py") %" ||
	fail "advice: reps = $reps" "$(cat "$TMP/py"; printf '%s\n' "$out" | grep '^power')"
# the default history (5 nights x 5 runs, run CoV 3 % and 1 % drift on
# the primary metric): each cell's detectable effect is stated, the
# least sensitive one named, and it agrees with ci.json
rm -f hist.db*; history hist.db && "$MK" ci.conf hist.db ok6 5 80
gate ok6
line=$(printf '%s\n' "$out" | grep '^power: ')
python3 - "$line" <<'PY' 2>"$TMP/py" && pass "5 nights x 5 runs: the power line names each cell's detectable effect ($line)" || fail "power line: '$line'" "$out$(cat "$TMP/py")"
import json, re, statistics, sys
line = sys.argv[1]
m = re.match(r"power: 4 gated cell\(s\) could detect >= ([0-9.]+) % \(median, 80 % power, Holm over 4\);"
             r" least sensitive (\S+) / hackbench / (\S+): detect >= ([0-9.]+) %", line)
assert m, line
d = json.load(open("out/ci.json"))
g = [c for c in d["cells"] if c["gated"] and not c["survival"]]
mde = sorted(c["mde_pct"] for c in g)
assert abs(statistics.median(mde) - float(m.group(1))) < 0.06, (mde, line)
w = max(g, key=lambda c: c["mde_pct"])
assert (w["scheduler"], w["metric"]) == (m.group(2), m.group(3)) and abs(w["mde_pct"] - float(m.group(4))) < 0.06
# 3 % run noise at 25 vs 5 runs and alpha 0.05/4: a few %, not 0.5 and not 30
assert 2 < mde[0] and mde[-1] < 12, mde
blind = sum(c["mde_pct"] > c["min_effect_pct"] for c in g)
assert (blind == 0) == ("every one detects" in line), (blind, line)
PY
