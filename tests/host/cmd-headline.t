#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 15, the report of a cmd: workload: its headline shows the
# command's result, its elapsed time and the traced wakeup latency of its
# tasks (trace_wakeup_cmd) as the first key figure, the CDF, for a run
# report and for compare's. Read from the real artefacts: the HTML's
# headline section, the figure's .dat (its samples and median against the
# database) and the rendered SVG.
. "$(dirname "$0")/../lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
[ -d /sys/kernel/tracing/events/sched ] || skip_all "no sched tracepoints"
command -v gnuplot >/dev/null || skip_all "gnuplot not installed"
command -v python3 >/dev/null || skip_all "python3 not installed (reads the HTML and SVG)"
if [ -d /sys/kernel/sched_ext ] && [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; then
	skip_all "a sched_ext scheduler is active on this host"
fi
plan 12
DB=$TMP/t.db
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
PP=$ROOT/build/tests/capture_pingpong
make -s -C "$ROOT" build/tests/capture_pingpong >"$TMP/build.log" 2>&1
[ -x "$PP" ] || { fail "build the ping-pong program" "$(tail -3 "$TMP/build.log")"; exit 1; }
metric() { sql "$DB" "SELECT value FROM metrics WHERE run_id=$1 AND name='$2'"; }

# The headline of report.html (section#headline): its table's rows and
# its key figures, in order, one per line: "row LABEL|VALUE", "fig ID".
headline() {
	python3 - "$1" <<'EOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.depth = 0; s.cells = None; s.cell = None; s.out = []
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == 'section' and a.get('id') == 'headline': s.depth = 1; return
        if not s.depth: return
        if tag == 'section': s.depth += 1
        if tag == 'tr': s.cells = []
        if tag == 'td' and s.cells is not None: s.cell = ''
        if tag == 'figure' and a.get('id', '').startswith('fig-'): s.out.append('fig ' + a['id'][4:])
    def handle_endtag(s, tag):
        if not s.depth: return
        if tag == 'section':
            s.depth -= 1
        if tag == 'td' and s.cell is not None: s.cells.append(s.cell.strip()); s.cell = None
        if tag == 'tr' and s.cells: s.out.append('row ' + '|'.join(s.cells)); s.cells = None
    def handle_data(s, d):
        if s.depth and s.cell is not None: s.cell += d
p = P(); p.feed(open(sys.argv[1]).read()); print('\n'.join(p.out))
EOF
}
# "SAMPLES MEDIAN LAST_Y" of the first curve of a CDF .dat (x in us)
cdf_stats() {
	awk '/^# .*: [0-9]+ samples/ && !s { s = $3 } /^$/ { if (n) exit } !/^#/ && NF == 2 {
		n++; if (!m && $2 >= 0.5) m = $1; y = $2 } END { print s, m, y }' "$1"
}

# a run: 300 rounds of ping-pong (about 600 wakeups of its two threads)
out=$("$SCXB" run eevdf --host --db "$DB" -q --workload "cmd:$PP 300" 2>&1)
rc=$?
id=$(sql "$DB" "SELECT max(id) FROM runs")
[ $rc = 0 ] && [ "$(sql "$DB" "SELECT status FROM runs WHERE id=$id")" = ok ] &&
	pass "a cmd: run of the ping-pong program" || fail "a cmd: run of the ping-pong program" "rc $rc: $out"
out=$("$SCXB" report --db "$DB" --runs "$id" --out "$TMP/r1" --format svg 2>&1)
rc=$?
h=$(headline "$TMP/r1/report.html" 2>&1)
echo "$h" | sed 's/^/# /'
[ $rc = 0 ] && echo "$h" | grep -Eq "^row command run time\|[0-9.]+ (ms|s)$" &&
	pass "the headline's table: the command's run time" || fail "the headline's table: the command's run time" "rc $rc: $out $h"
echo "$h" | grep -Eq "^row cmd wakeup latency \(trace\) p99\|[0-9.]+ (us|ms)$" &&
	pass "the headline's table: the cmd tasks' traced wakeup latency p99" ||
	fail "the headline's table: the cmd tasks' traced wakeup latency p99" "$h"
[ "$(echo "$h" | grep -m1 '^fig ')" = "fig cdf_trace_wakeup_cmd" ] &&
	pass "the headline's first key figure is the cmd wakeup-latency CDF" ||
	fail "the headline's first key figure is the cmd wakeup-latency CDF" "$h"
! echo "$h" | grep -q "^fig .*_other" && pass "no other role's figure in the headline" ||
	fail "no other role's figure in the headline" "$h"
# the figure's data is this run's cmd histogram: its samples and median
read -r n med top < <(cdf_stats "$TMP/r1/cdf_trace_wakeup_cmd.dat")
want_n=$(metric "$id" trace_wakeup_cmd_samples)
want_med=$(metric "$id" trace_wakeup_cmd_p50)
echo "# cdf: $n samples, median $med us, top $top; stored: $want_n samples, p50 $want_med us"
[ -n "$n" ] && awk -v a="$n" -v b="$want_n" 'BEGIN { exit !(a == b && a >= 300) }' &&
	pass "the CDF holds the run's $n cmd wakeups" || fail "the CDF holds the run's cmd wakeups" "'$n' vs '$want_n'"
# one bucket of the log-linear histogram (< 0.4 %) either side
awk -v m="$med" -v w="$want_med" -v t="$top" 'BEGIN { exit !(m > 0 && m >= w * 0.99 && m <= w * 1.01 && t == 1) }' &&
	pass "its median is the stored p50 and it reaches 1" || fail "its median is the stored p50 and it reaches 1" "$med vs $want_med, top $top"
svg=$TMP/r1/cdf_trace_wakeup_cmd.svg
python3 - "$svg" >"$TMP/svg.out" 2>&1 <<'EOF'
import sys, xml.etree.ElementTree as E
t = ' '.join(x.strip() for x in E.parse(sys.argv[1]).getroot().itertext() if x.strip())
assert 'Cmd wakeup latency (trace) CDF per scheduler' in t, t
assert 'eevdf' in t, t
EOF
[ $? = 0 ] && pass "the rendered SVG: its title and the scheduler's curve" || fail "the rendered SVG" "$(cat "$TMP/svg.out")"
# the markdown headline (before the first section) shows the same figure
md=$(awk '/^## /{exit} {print}' "$TMP/r1/report.md")
echo "$md" | grep -q "](cdf_trace_wakeup_cmd.svg)" && echo "$md" | grep -q "^| command run time |" &&
	pass "report.md's headline: the run time and the CDF" || fail "report.md's headline" "$md"

# compare's report (eevdf against itself, an A/A test): two rounds, the
# cmd CDF first again, each scheduler's curve merging its runs' wakeups
out=$("$SCXB" compare eevdf eevdf --host --db "$DB" -q --reps 2 --seed 1 --out "$TMP/r2" --format svg \
	--workload "cmd:$PP 300" 2>&1)
rc=$?
cid=$(sql "$DB" "SELECT coalesce(max(id), 0) FROM comparisons")
h=$(headline "$TMP/r2/report.html" 2>&1)
echo "$h" | sed 's/^/# /'
[ $rc = 0 ] && [ "$(echo "$h" | grep -m1 '^fig ')" = "fig cdf_trace_wakeup_cmd" ] &&
	echo "$h" | grep -q "^row command run time|" &&
	pass "compare's headline: the run time and the cmd CDF first" || fail "compare's headline" "rc $rc: $(echo "$out" | tail -3) $h"
n=$(awk '/^# .*: [0-9]+ samples/ { s += $3 } END { print s + 0 }' "$TMP/r2/cdf_trace_wakeup_cmd.dat" 2>/dev/null)
c=$(grep -c '^# .*: [0-9]* samples' "$TMP/r2/cdf_trace_wakeup_cmd.dat" 2>/dev/null)
want_n=$(sql "$DB" "SELECT sum(m.value) FROM metrics m JOIN runs r ON r.id = m.run_id
	WHERE r.compare_id=$cid AND r.status='ok' AND m.name='trace_wakeup_cmd_samples'")
awk -v a="$n" -v b="$want_n" -v c="$c" 'BEGIN { exit !(a == b && a >= 1200 && c == 2) }' &&
	pass "two curves holding the four runs' $n cmd wakeups" || fail "two curves holding the four runs' cmd wakeups" "'$n' in $c curves vs '$want_n'"
# without the trace there is no cmd CDF: the headline says the run time only
"$SCXB" run eevdf --host --db "$DB" -q --no-trace --workload "cmd:$PP 50" >/dev/null 2>&1
id=$(sql "$DB" "SELECT max(id) FROM runs")
"$SCXB" report --db "$DB" --runs "$id" --out "$TMP/r3" --format svg >/dev/null 2>&1
h=$(headline "$TMP/r3/report.html" 2>&1)
echo "$h" | grep -q "^row command run time|" && ! echo "$h" | grep -q "cdf_trace_wakeup_cmd" &&
	pass "untraced: the run time, no cmd CDF" || fail "untraced: the run time, no cmd CDF" "$h"
