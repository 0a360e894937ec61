#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hostile names through every output. A synthetic comparison (report-gen)
# and a synthetic CI history (mkhistory) get, in every text column that
# comes from the system or the user (scheduler names, task names, labels,
# hostnames, kernels, exit messages, dumps, notes, units, event names, the
# command line), the corpus below: terminal escapes (OSC retitle, CSI,
# C1), CR/LF that would forge a row, markup, Markdown and CSV separators,
# "]]>", backquotes (gnuplot runs `command` in strings), bytes that are not
# UTF-8. Then every output is parsed: show (table, one run, --tasks,
# --dump, --json), the comparison table, errors quoting a name: no raw
# control character, valid UTF-8, no forged line; report.html with an HTML
# parser (no element the report does not write), report.md and summary.md
# (no table row forged), every SVG and junit.xml with an XML parser (and
# the JUnit schema), every JSON, the CSV export; and no backquoted command
# ran.
. "$(dirname "$0")/../host/report-lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"
command -v gnuplot >/dev/null || skip_all "gnuplot not installed"
command -v xmllint >/dev/null || skip_all "xmllint not installed (libxml2-utils)"
plan 11
if ! build_gen || ! make_helpers mkhistory >>"$TMP/build.log" 2>&1; then
	fail "build the generators" "$(tail -5 "$TMP/build.log")"; exit 1
fi
pass "build the generators"
MK=$ROOT/$BUILD/tests/mkhistory
cd "$TMP" || exit 1

cat >hostile.py <<'EOF'
"""The corpus, the database filler and the checks of tests/host/hostile.t."""
import csv, html.parser, io, json, os, re, sqlite3, sys, xml.etree.ElementTree as ET

CORPUS = [
    b'\x1b]0;PWNED\x07', b'\x1b[2J\x1b[31mred', b'a\nFORGED row', b'b\rFORGED cr',
    b'<script>alert(1)</script>', b'&amp;"q"\'s', b'x]]>y', b'|md|`c`*b*_i_[l](u)~',
    b'c,s"v', b'\xff\xfe bad', b'trunc\xe2\x82', b'del\x7fx', b'\x01\x02\x03lo',
    b'`touch PWNED`', b'$(touch PWNED2)', b'\xc2\x9b31mC1', b'\xe2\x80\xae rtl',
    b'%s%n%x', b'tab\there', b'L' * 300, '\U0001f642 \u00fcn\u00ef'.encode(),
]
# scheduler names: no newline (the stored list's separator), no control
# characters (refused on the command line) except ESC, which only a
# database from elsewhere can hold
SCHEDS = [b'<script>s()</script>', b'x]]>y `touch PWNED3`', b'\x1b]0;T\x07|a,b"c\xff']
KEEP = {  # columns with a meaning the code relies on
    'runs': {'uuid', 'sched_kind', 'workload', 'status', 'place', 'boot_id', 'fail_stage',
             'sched_args', 'scheduler'},
    'params': {'name'}, 'metrics': {'name'}, 'histograms': {'name', 'scheme'},
    'sched_output': {'kind'}, 'task_stats': {'role'}, 'collector_notes': {'collector'},
    'comparisons': {'uuid', 'schedulers', 'workload', 'settings', 'place', 'status', 'boot_id'},
    'comparison_results': {'metric', 'scheduler', 'verdict'},
}

UNIFORM = {('runs', c) for c in ('hostname', 'accel', 'guest_kernel', 'kernel_release', 'cpu_model',
                                          'topology', 'topology_detail')}

def fill(path, rename_scheds=True, keep_extra=()):
    """Every free text column of every row gets a corpus string."""
    c = sqlite3.connect(path)
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for t in tables:
        info = list(c.execute('PRAGMA table_info(%s)' % t))
        cols = [r[1] for r in info if r[2].upper() == 'TEXT']
        cols = [x for x in cols if x not in KEEP.get(t, set()) and (t, x) not in keep_extra]
        # WITHOUT ROWID tables are found by their primary key
        key = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] or ['rowid']
        if set(key) & set(cols):
            cols = [x for x in cols if x not in key]
        where = ' AND '.join('%s IS ?' % k for k in key)
        rows = list(c.execute('SELECT %s FROM %s' % (', '.join(key), t)))
        for i, kv in enumerate(rows):
            for j, col in enumerate(cols):
                # the place a run ran in is one for a whole comparison
                v = CORPUS[((0 if (t, col) in UNIFORM else i) + 3 * j) % len(CORPUS)]
                c.execute('UPDATE %s SET %s = CAST(? AS TEXT) WHERE %s' % (t, col, where),
                          (v,) + tuple(kv))
    # hostile exec arguments, as the JSON array they are stored as
    c.execute("UPDATE runs SET sched_args = ?", (json.dumps([x.decode('utf-8', 'replace')
                                                             for x in CORPUS[:6]]),))
    # event names are the kernel's: the scx figure's groups
    for i, (name,) in enumerate(list(c.execute(
            "SELECT DISTINCT name FROM metrics WHERE name LIKE 'scx_event.%'"))):
        new = b'scx_event.' + CORPUS[(4 + 5 * i) % len(CORPUS)]
        c.execute("UPDATE metrics SET name = CAST(? AS TEXT) WHERE name = ?", (new, name))
    if rename_scheds:
        old = [r[0] for r in c.execute("SELECT DISTINCT scheduler FROM runs ORDER BY id")]
        for o, n in zip(old, SCHEDS):
            for t, col in (('runs', 'scheduler'), ('comparison_results', 'scheduler')):
                c.execute('UPDATE %s SET %s = CAST(? AS TEXT) WHERE %s = ?' % (t, col, col), (n, o))
        for cid, lst in list(c.execute('SELECT id, CAST(schedulers AS BLOB) FROM comparisons')):
            parts = re.split(rb'[,\n]', lst)
            parts = [SCHEDS[old.index(p.decode())] if p.decode() in old else p for p in parts]
            c.execute('UPDATE comparisons SET schedulers = CAST(? AS TEXT) WHERE id = ?',
                      (b'\n'.join(parts), cid))
    c.commit()

def terminal(paths):
    """Text for a terminal: valid UTF-8, no C0 but \\n and \\t, no DEL, no
    C1, no line a name forged."""
    bad = []
    for p in paths:
        b = open(p, 'rb').read()
        try:
            s = b.decode('utf-8')
        except UnicodeDecodeError as e:
            bad.append('%s: not UTF-8 at byte %d' % (p, e.start)); continue
        for ch in s:
            o = ord(ch)
            if (o < 0x20 and ch not in '\n\t') or 0x7f <= o < 0xa0:
                bad.append('%s: raw U+%04X' % (p, o)); break
        if re.search(r'^FORGED', s, re.M):
            bad.append('%s: a forged line' % p)
    return bad

def text_file(p, allowed='\n\t'):
    b = open(p, 'rb').read()
    try:
        s = b.decode('utf-8')
    except UnicodeDecodeError as e:
        return ['%s: not UTF-8 at byte %d' % (p, e.start)]
    for ch in s:
        if (ord(ch) < 0x20 and ch not in allowed) or ord(ch) == 0x7f:
            return ['%s: raw U+%04X' % (p, ord(ch))]
    return []

class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for k, v in attrs:
            if k.startswith('on'):
                self.tags.add('on-attribute')

def tags_of(p):
    t = Tags()
    t.feed(open(p, encoding='utf-8', errors='replace').read())
    return t.tags

def html_check(p, ref):
    """Valid UTF-8, and no element (or on* attribute) that the same report
    of a database without hostile names lacks."""
    bad = text_file(p, '\n\t\r')
    extra = tags_of(p) - tags_of(ref)
    if extra:
        bad.append('%s: elements the report does not write: %s' % (p, ','.join(sorted(extra))))
    return bad

def md_check(p):
    """Every row of a table has its header's number of cells."""
    bad = text_file(p)
    cells = None
    for n, line in enumerate(open(p, encoding='utf-8', errors='replace'), 1):
        if not line.startswith('|'):
            cells = None; continue
        k = len(re.findall(r'(?<!\\)\|', line))
        if cells is None:
            cells = k
        elif k != cells:
            bad.append('%s:%d: %d cells, the header has %d' % (p, n, k, cells))
    if re.search(r'^FORGED', open(p, encoding='utf-8', errors='replace').read(), re.M):
        bad.append('%s: a forged line' % p)
    return bad

def xml_check(p):
    try:
        root = ET.parse(p).getroot()
    except ET.ParseError as e:
        return ['%s: %s' % (p, e)]
    if any(el.tag.endswith('script') for el in root.iter()):
        return ['%s: a <script> element' % p]
    return []

def json_check(p, lines=False):
    try:
        s = open(p, encoding='utf-8').read()
        for doc in (s.splitlines() if lines else [s]):
            json.loads(doc, strict=True)  # strict: no raw control character
    except (ValueError, UnicodeDecodeError) as e:
        return ['%s: %s' % (p, e)]
    return []

def csv_check(p):
    try:
        rows = list(csv.reader(open(p, encoding='utf-8', newline='')))
    except (ValueError, UnicodeDecodeError, csv.Error) as e:
        return ['%s: %s' % (p, e)]
    bad = ['%s: row %d has %d fields, the header %d' % (p, i, len(r), len(rows[0]))
           for i, r in enumerate(rows) if len(r) != len(rows[0])]
    return bad + [x for x in text_file(p, '\n\r') if 'raw' in x]

if __name__ == '__main__':
    what, args = sys.argv[1], sys.argv[2:]
    if what == 'fill':
        fill(args[0], rename_scheds=args[1] == 'yes',
             keep_extra={tuple(a.split('.')) for a in args[2:]})
        sys.exit(0)
    check = {'terminal': lambda: terminal(args), 'md': lambda: sum(map(md_check, args), []),
             'xml': lambda: sum(map(xml_check, args), []),
             'json': lambda: sum((json_check(a) for a in args), []),
             'jsonl': lambda: sum((json_check(a, True) for a in args), []),
             'csv': lambda: sum(map(csv_check, args), []),
             'text': lambda: sum(map(text_file, args), []),
             'html': lambda: sum((html_check(a, args[0]) for a in args[1:]), [])}[what]
    bad = check()
    print('\n'.join(bad[:8]))
    sys.exit(1 if bad else 0)
EOF
verdict() { # DESC CHECK FILES...
	local desc=$1 out; shift
	if out=$(python3 hostile.py "$@" 2>&1); then pass "$desc"; else fail "$desc" "$out"; fi
}

# the comparison: every text column hostile
cid=$(gen_db c.db 18 base,alt,third 0.3) && cp c.db clean.db && python3 hostile.py fill c.db yes ||
	{ fail "hostile database"; exit 1; }
# the reference: the same report without hostile names
"$SCXB" report --db clean.db --compare "$cid" --out ref --format png,svg >/dev/null 2>&1
ids=$(sql c.db 'SELECT id FROM runs ORDER BY id')
T=term; mkdir -p $T
"$SCXB" show --db c.db >$T/show 2>&1
for i in $ids; do
	"$SCXB" show "$i" --db c.db >$T/run$i 2>&1
	"$SCXB" show "$i" --tasks --db c.db >$T/tasks$i 2>&1
	"$SCXB" show "$i" --dump --db c.db >$T/dump$i 2>&1
	"$SCXB" show "$i" --json --db c.db >json$i 2>>$T/json-err
done
"$SCXB" show --json --db c.db >json-all 2>>$T/json-err
"$SCXB" report --db c.db --compare "$cid" --out rep --format png,svg >$T/report 2>&1; rc=$?
"$SCXB" export --db c.db --format csv >e.csv 2>$T/export-err
"$SCXB" export --db c.db --format json >e.json 2>>$T/export-err
# names the user types come back in errors
"$SCXB" show "$(printf '\x1b]0;T\x07\nFORGED')" --db c.db >$T/err1 2>&1
"$SCXB" run "$(printf 'exec:x\x1b[2J')" --workload cpu --db c.db >$T/err2 2>&1
"$SCXB" report --db "$(printf 'no\x1b]0;T\x07.db')" >$T/err3 2>&1
"$SCXB" compare eevdf "$(printf 'a\x9bb')" --workload cpu --db c.db >$T/err4 2>&1
[ "$rc" = 0 ] && [ -s rep/report.html ] && pass "report of the hostile comparison exits 0" ||
	fail "report of the hostile comparison" "rc $rc: $(tail -3 $T/report)"
verdict "terminal: show, show RUN, --tasks, --dump, the table, errors: no raw control character" \
	terminal $T/*
verdict "report.html: valid UTF-8, only the elements of the same report without hostile names" \
	html ref/report.html rep/report.html
verdict "report.md: no forged table row or line" md rep/report.md
verdict "every SVG figure is well-formed XML ($(ls rep/*.svg | wc -l))" xml rep/*.svg
verdict "figure data and scripts: UTF-8, no control character" text rep/*.dat rep/*.gp
verdict "show --json and export json parse (strict)" json json-all e.json $(for i in $ids; do echo json$i; done)
verdict "export csv: every row has the header's fields" csv e.csv

# a CI history: hostile night labels, hostnames, messages
cat >ci.conf <<'CONF'
[ci]
db = hist.db
out = out
reps = 4
baseline = last:3
[scheduler simple]
[scheduler vtime]
[workload hackbench]
groups = 2
CONF
"$MK" ci.conf ref.db n1 4 1 >/dev/null && "$MK" ci.conf ref.db n2 4 9 vtime:elapsed_s:1.2 fail:simple &&
	(sed 's/^db = .*/db = ref.db/; s/^out = .*/out = ref-out/' ci.conf >ref.conf &&
	 "$SCXB" ci ref.conf --gate-only --label n2 >/dev/null 2>&1)
ok=1
for i in 1 2 3; do "$MK" ci.conf hist.db "$(printf 'n%d]]>\x1b]0;T\x07<b>`touch PWNED4`|' $i)" 4 $i >/dev/null || ok=0; done
tonight=$(printf 'tonight]]>\x1b[2J<i>`touch PWNED5`')
"$MK" ci.conf hist.db "$tonight" 4 9 vtime:elapsed_s:1.2 fail:simple >/dev/null || ok=0
python3 hostile.py fill hist.db no runs.label comparisons.label || ok=0
"$SCXB" ci ci.conf --gate-only --label "$tonight" >$T/ci 2>&1; rc=$?
[ $ok = 1 ] && [ "$rc" = 1 ] && [ -s out/junit.xml ] &&
	verdict "ci outputs: summary.md rows, junit.xml (schema), ci.json, history SVGs, report" \
		xml out/junit.xml out/history/*.svg out/report-*/*.svg ||
	fail "ci on the hostile history" "ok $ok rc $rc: $(tail -3 $T/ci)"
bad=$(python3 hostile.py md out/summary.md; python3 hostile.py json out/ci.json;
	python3 hostile.py terminal $T/ci; python3 hostile.py html ref-out/report-*/report.html out/report-*/report.html;
	xmllint --noout --schema "$ROOT/tests/junit.xsd" out/junit.xml 2>&1 | grep -v validates)
pwned=$(find "$TMP" "$ROOT" -maxdepth 3 -name 'PWNED*' 2>/dev/null)
[ -z "$bad" ] && [ -z "$pwned" ] && pass "ci text outputs parse; no backquoted command ran anywhere" ||
	fail "ci text outputs / backquotes" "$bad $pwned"
