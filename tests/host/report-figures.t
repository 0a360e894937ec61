#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The figures as a paper author reads them, from real gnuplot output (SVG
# text and positions, the .gp scripts): every figure has a title and names
# its axes in words (no stored metric name, "us" not "µs", scaled units);
# keys sit above the data; a log axis starts at a labelled decade; a
# sched_ext counter at 0 is drawn (a "0" in each scheduler's colour at its
# place); a scheduler has one colour, the same in two reports built from
# different databases (other schedulers, another order, another baseline)
# and in the CI history plots.
. "$(dirname "$0")/report-lib.sh"
command -v gnuplot >/dev/null || skip_all "gnuplot not installed"
command -v python3 >/dev/null || skip_all "python3 not installed (reads the SVGs)"
plan 12

if ! build_gen; then
	fail "build the generator" "$(tail -5 "$TMP/build.log")"; exit 1
fi
pass "build the generator"

# two databases: other schedulers, another order, rusty the baseline of the second
A=$TMP/a.db B=$TMP/b.db
gen_db "$A" 16 eevdf,simple,vtime,rusty 0.3 >/dev/null &&
	gen_db "$B" 12 rusty,lavd,eevdf,simple 0.2 >/dev/null &&
	"$SCXB" report -q --db "$A" --out "$TMP/ra" --format svg,png >"$TMP/ra.out" 2>&1 &&
	"$SCXB" report -q --db "$B" --out "$TMP/rb" --format svg,png >"$TMP/rb.out" 2>&1
rc=$?
n=$(ls "$TMP"/ra/*.svg "$TMP"/rb/*.svg 2>/dev/null | wc -l)
[ $rc = 0 ] && [ "$n" -ge 16 ] && pass "two reports from two databases: $n SVG figures" ||
	fail "two reports from two databases" "rc=$rc, $n SVG; $(tail -3 "$TMP/ra.out" "$TMP/rb.out")"

# the CI history plots of the same schedulers (tests/host/mkhistory.c)
make -s -C "$ROOT" build/tests/mkhistory >"$TMP/mk.log" 2>&1 && cp "$ROOT/build/tests/mkhistory" "$TMP/mkhistory"
mkdir -p "$TMP/ci" && (
	cd "$TMP/ci" || exit 1
	printf '[ci]\ndb = hist.db\nout = out\nreps = 5\nbaseline = last:3\n[scheduler simple]\n[scheduler vtime]\n[workload hackbench]\n' >ci.conf
	for i in 1 2 3 4; do "$TMP/mkhistory" ci.conf hist.db "night$i" 5 "$i" >/dev/null 2>&1 || exit 1; done
	"$SCXB" ci ci.conf --label night4 --gate-only >ci.out 2>&1
	ls out/history/*.gp >/dev/null 2>&1
) && pass "CI history plots of simple and vtime" || fail "CI history plots" "$(tail -3 "$TMP/ci/ci.out" "$TMP/mk.log" 2>/dev/null)"

cat >"$TMP/figs.py" <<'EOF'
import os, re, sqlite3, sys

def svg_texts(path):
    """[(x, y, fill, text)] of an SVG from gnuplot: each <text> sits in a
    <g transform="translate(x,y)" ... fill=...>."""
    out = []
    for m in re.finditer(r'<g transform="translate\(([-0-9.]+),([-0-9.]+)\)[^>]*?fill="([^"]*)"[^>]*>\s*'
                         r'<text[^>]*>(.*?)</text>', open(path).read(), re.S):
        t = re.sub(r'<[^>]+>', '', m.group(4)).replace('&lt;', '<').replace('&gt;', '>').replace('&amp;', '&')
        if t.strip():
            out.append((float(m.group(1)), float(m.group(2)), m.group(3), t.strip()))
    return out

def gp_title(gp):
    m = re.search(r'^set label 1000 "([^"]*)"', gp, re.M) or re.search(r'multiplot .*title "([^"]*)"', gp)
    return m.group(1) if m else ''

def rgb(hexcol):
    return 'rgb(%d,%d,%d)' % tuple(int(hexcol[i:i + 2], 16) for i in (0, 2, 4))

def colours(d):
    """{title: {colour}} from the scripts of folder d (lc rgb ... title)."""
    col = {}
    for f in sorted(os.listdir(d)):
        if f.endswith('.gp'):
            for c, t in re.findall(r'lc rgb "#([0-9A-Fa-f]{6})"(?:(?!lc rgb)[^\n])*? title "([^"]*)"',
                                   open(os.path.join(d, f)).read()):
                col.setdefault(t, set()).add(c.lower())
    return col

def stored_names(db):
    c = sqlite3.connect(db)
    return {r[0] for r in c.execute('SELECT DISTINCT name FROM metrics UNION SELECT DISTINCT name FROM histograms')}

def figures(d):
    return sorted(f[:-4] for f in os.listdir(d) if f.endswith('.svg'))

def cmd_titles(*pairs):
    bad, n = [], 0
    for d in pairs:
        for name in figures(d):
            gp = open('%s/%s.gp' % (d, name)).read()
            t = gp_title(gp)
            texts = [x[3] for x in svg_texts('%s/%s.svg' % (d, name))]
            n += 1
            if len(t) < 10 or t not in texts:
                bad.append('%s/%s: title %r %s' % (os.path.basename(d), name, t,
                           'not drawn' if t else 'missing'))
    if bad:
        raise SystemExit('; '.join(bad))
    print('# %d figures, each with its title drawn' % n)

def cmd_words(*args):
    """no stored metric or histogram name in any figure's text, no µ, the
    axis units scaled"""
    bad = []
    for d, db in zip(args[0::2], args[1::2]):
        names = stored_names(db)
        for name in figures(d):
            gp = open('%s/%s.gp' % (d, name)).read()
            for t in (x[3] for x in svg_texts('%s/%s.svg' % (d, name))):
                hit = [m for m in names if m in t]
                if hit or 'µ' in t:
                    bad.append('%s: %r shows %s' % (name, t, hit or 'µ'))
            for lab in re.findall(r'^set [xy]label "([^"]*)"', gp, re.M):
                if re.search(r'\b[a-z]+_[a-z0-9_.]+\b', lab):
                    bad.append('%s: axis label %r has an identifier' % (name, lab))
    ra = args[0]
    want = {'tput_hackbench_msgs_per_s': r'ylabel "hackbench messages/s \(k msg/s\)"',
            'cdf_wakeup_lat': r'xlabel "probe wakeup latency \(us, log scale\)"',
            'pctl_wakeup_lat': r'ylabel "probe wakeup latency\\n\(us, log scale\)"'}
    for name, pat in want.items():
        if not re.search(pat, open('%s/%s.gp' % (ra, name)).read()):
            bad.append('%s: no %s' % (name, pat))
    if bad:
        raise SystemExit('; '.join(bad[:6]))
    print('# axis labels in words, units us / k msg/s')

def cmd_keys(d, scheds):
    """the key above the plot: every scheduler's key text is higher than
    the top y tick label (the top of the data area)"""
    bad = []
    for name in ('cdf_wakeup_lat', 'pctl_wakeup_lat', 'scx_events'):
        tx = svg_texts('%s/%s.svg' % (d, name))
        ticks = [y for x, y, f, t in tx if re.fullmatch(r'[0-9.]+k?', t) and x < 120]
        keys = [(t, y) for x, y, f, t in tx if t in scheds.split(',')]
        if not ticks or not keys or any(y >= min(ticks) - 3 for t, y in keys):
            bad.append('%s: key at %s, top tick at %s' % (name, keys, min(ticks) if ticks else None))
    if bad:
        raise SystemExit('; '.join(bad))
    print('# keys above the data in the CDF, the percentiles and the counters')

def cmd_logaxis(d):
    """a log axis starts at a power of ten that is labelled"""
    bad = []
    for name in ('pctl_wakeup_lat', 'pctl_wakeup_lat_co'):
        gp = open('%s/%s.gp' % (d, name)).read()
        m = re.search(r'set logscale y 10\nset format y "%g"\nset yrange \[([0-9.e+-]+):\*\]', gp)
        lo = float(m.group(1)) if m else None
        texts = [t for x, y, f, t in svg_texts('%s/%s.svg' % (d, name))]
        if lo is None or abs(lo - 10 ** round(__import__('math').log10(lo))) > 1e-9 * lo or \
           ('%g' % lo) not in texts:
            bad.append('%s: yrange from %s, tick texts %s' % (name, lo, texts[:12]))
    if bad:
        raise SystemExit('; '.join(bad))
    print('# log axes start at a labelled decade')

def cmd_zero(d, scheds):
    """the counter that is 0 for every sched_ext scheduler is drawn: a "0"
    in each one's colour inside its group"""
    dat = [l for l in open('%s/scx_events.dat' % d) if not l.startswith('#')]
    zero = [i for i, l in enumerate(dat) if 'keep last' in l.split('\t')[0]]
    if not zero:
        raise SystemExit('no "keep last" counter in scx_events.dat')
    vals = dat[zero[0]].rstrip('\n').split('\t')
    col = colours(d)
    tx = svg_texts('%s/scx_events.svg' % d)
    ticks = sorted((x, t) for x, y, f, t in tx if y > 400 and f == 'black' and not re.fullmatch(r'[0-9.k]+', t))
    gx = [x for x, t in ticks if t in ('keep last', 'dispatch keep last')]
    groups = sorted({round(x) for x, t in ticks})
    if not gx:
        raise SystemExit('the group label of the zero counter is not drawn: %s' % ticks)
    half = (groups[1] - groups[0]) / 2 if len(groups) > 1 else 100
    found = []
    for s in scheds.split(','):
        c = rgb(next(iter(col[s])))
        if not any(t == '0' and f.replace(' ', '') == c and abs(x - gx[0]) < half for x, y, f, t in tx):
            raise SystemExit('%s (%s): no 0 drawn at the zero counter (x %.0f): %s' %
                             (s, c, gx[0], [(x, f, t) for x, y, f, t in tx if t == '0']))
        found.append(s)
    print('# keep last = %s in the data; drawn as 0 for %s' % (vals[1::3], ', '.join(found)))

def cmd_colours(ra, rb, hist, common):
    a, b, h = colours(ra), colours(rb), colours(hist)
    bad = []
    for s in common.split(','):
        if len(a.get(s, ())) != 1 or a.get(s) != b.get(s):
            bad.append('%s: %s in one report, %s in the other' % (s, a.get(s), b.get(s)))
    for s in ('simple', 'vtime'):
        if s in h and h[s] != a.get(s):
            bad.append('%s: %s in the history plots, %s in the report' % (s, h[s], a.get(s)))
    if 'simple' not in h or 'vtime' not in h:
        bad.append('history plots without simple and vtime: %s' % sorted(h))
    for d, cols in (('a', a), ('b', b)):
        scheds = [s for s in cols if len(cols[s]) == 1 and s in ('eevdf', 'simple', 'vtime', 'rusty', 'lavd')]
        used = [next(iter(cols[s])) for s in scheds]
        if len(set(used)) != len(used):
            bad.append('report %s: two schedulers share a colour: %s' % (d, dict(zip(scheds, used))))
    if bad:
        raise SystemExit('; '.join(bad))
    print('# %s' % '; '.join('%s #%s' % (s, next(iter(a[s]))) for s in common.split(',')))

if __name__ == '__main__':
    globals()['cmd_' + sys.argv[1]](*sys.argv[2:])
EOF
check() { # check DESC ARGS...
	local desc=$1 out; shift
	if out=$(python3 "$TMP/figs.py" "$@" 2>&1); then
		pass "$desc"; printf '%s\n' "$out" | grep '^#'
	else
		fail "$desc" "$(printf '%s' "$out" | tail -3)"
	fi
}
check "every figure has a title, drawn" titles "$TMP/ra" "$TMP/rb"
check "axes in words: no stored metric name, no µ, scaled units" words "$TMP/ra" "$A" "$TMP/rb" "$B"
check "keys above the data" keys "$TMP/ra" eevdf,simple,vtime,rusty
check "log axes start at a labelled power of ten" logaxis "$TMP/ra"
check "a counter at 0 is drawn, in each scheduler's colour" zero "$TMP/ra" simple,vtime,rusty
check "a scheduler's colour is the same in both reports and the CI history" \
	colours "$TMP/ra" "$TMP/rb" "$TMP/ci/out/history" eevdf,simple,rusty
# the CDF draws the corrected twin dashed in the scheduler's colour
grep -qE "dt 2 lc rgb \"$(python3 -c "import re;print(re.search(r'lc rgb \"(#[0-9A-Fa-f]{6})\"[^\n]*title \"simple\"', open('$TMP/ra/cdf_wakeup_lat.gp').read()).group(1))")\" notitle" \
	"$TMP/ra/cdf_wakeup_lat.gp" 2>/dev/null && grep -q 'title "CO-corrected"' "$TMP/ra/cdf_wakeup_lat.gp" &&
	pass "CDF: the CO-corrected curve dashed in the scheduler's colour" ||
	fail "CDF: the CO-corrected curve dashed in the scheduler's colour" "$(grep plot -A9 "$TMP/ra/cdf_wakeup_lat.gp" | head -10)"
# the per-task figure says what it sums over
grep -q 'summed over' "$TMP/ra/tasks_probe.gp" && grep -q 'sum over those tasks of one run' "$TMP/ra/report.md" &&
	pass "the per-task figure says what it sums over" || fail "the per-task figure says what it sums over"
# the PDF at 150 dpi: renders, the size of a paper column figure
if command -v pdftoppm >/dev/null; then
	pdftoppm -r 150 -png -singlefile "$TMP/ra/pctl_wakeup_lat.pdf" "$TMP/p150" 2>"$TMP/pdf.err"
	"$SCXB" report -q --db "$A" --out "$TMP/rp" --format pdf >/dev/null 2>&1
	pdftoppm -r 150 -png -singlefile "$TMP/rp/pctl_wakeup_lat.pdf" "$TMP/p150" 2>"$TMP/pdf.err"
	wh=$(python3 -c "import struct;d=open('$TMP/p150.png','rb').read();print('%dx%d'%struct.unpack('>II',d[16:24]))" 2>/dev/null)
	[ "$wh" = 750x480 ] && pass "PDF at 150 dpi is 750x480, as the PNG" || fail "PDF at 150 dpi" "$wh $(cat "$TMP/pdf.err")"
else
	skip "PDF at 150 dpi" "pdftoppm not installed (poppler-utils)"
fi
exit 0
