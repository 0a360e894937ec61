#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report.html as a browser shows it: headless Chromium (Debian's chromium,
# installed by scripts/deps.sh) renders the report of a synthetic 4-scheduler
# comparison whose probe task is named "<b>x</b>" and whose second scheduler
# starved the probe (the sample-count warning).
#   --dump-dom: every <img> carries a data: URI that decodes to a valid PNG
#     (the figure file, byte for byte); the task name is text, not markup.
#   the DevTools protocol (--remote-debugging-pipe) in a 1280x800 window:
#     no horizontal overflow; the headline (verdict table, warnings) and the
#     key figures inside the first viewport; the family sections present as
#     <details>; every <img> loaded; with every section opened still no
#     horizontal overflow and no table wider than its box; in the first
#     screen's pixels, each scheduler's colour (from its figure scripts)
#     covers real area.
# Chromium runs with a fresh profile and HOME under $TMP; the test fails if
# one of its processes or files outlives it. KEEP_SHOT=DIR keeps the
# screenshots (first.png: the first screen, open.png: every section open).
. "$(dirname "$0")/report-lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
SCHEDS=eevdf,simple,vtime,rusty
[ -x "$CHROMIUM" ] || skip_all "$CHROMIUM not installed (Debian package chromium, see scripts/deps.sh)"
command -v gnuplot >/dev/null || skip_all "gnuplot not installed: report.html would have no figures"
command -v python3 >/dev/null || skip_all "python3 not installed (decodes the screenshot)"
plan 13

# The PNG decoder and the checks: python3 standard library only.
cat >"$TMP/check.py" <<'EOF'
import base64, collections, html.parser, json, os, re, select, struct, subprocess, sys, tempfile, time, zlib

def png_decode(data):
    """(width, height, rows of RGB bytes) of a PNG; ValueError if invalid."""
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('bad signature')
    pos, ihdr, idat, plte, end = 8, None, [], b'', False
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError('truncated chunk at %d' % pos)
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc = data[pos + 8 + n:pos + 12 + n]
        if len(body) != n or len(crc) != 4 or struct.unpack('>I', crc)[0] != zlib.crc32(typ + body):
            raise ValueError('bad CRC in %r' % typ)
        pos += 12 + n
        if typ == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif typ == b'PLTE':
            plte = body
        elif typ == b'IDAT':
            idat.append(body)
        elif typ == b'IEND':
            end = True
            break
    if not ihdr or not idat or not end:
        raise ValueError('missing IHDR, IDAT or IEND')
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or interlace or ctype not in (0, 2, 3, 4, 6):
        raise ValueError('unsupported: depth %d colour type %d interlace %d' % (depth, ctype, interlace))
    bpp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(b''.join(idat))
    stride = w * bpp
    if len(raw) != h * (stride + 1):
        raise ValueError('image data holds %d bytes, %dx%d needs %d' % (len(raw), w, h, h * (stride + 1)))
    rows, prev, zero = [], bytes(stride), bytes(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if ft == 0 or (ft == 2 and line == zero):
            cur = line if ft == 0 else prev
        elif ft == 1:
            cur = bytearray(line)
            for i in range(bpp, stride):
                cur[i] = (cur[i] + cur[i - bpp]) & 255
        elif ft == 2:
            cur = bytes([(a + b) & 255 for a, b in zip(line, prev)])
        elif ft == 3:
            cur = bytearray(line)
            for i in range(stride):
                cur[i] = (cur[i] + (((cur[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 255
        elif ft == 4:
            cur = bytearray(line)
            for i in range(stride):
                if i >= bpp:
                    a, c = cur[i - bpp], prev[i - bpp]
                else:
                    a = c = 0
                b = prev[i]
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        else:
            raise ValueError('bad filter type %d in row %d' % (ft, y))
        cur = bytes(cur)
        rows.append(cur)
        prev = cur
    if ctype == 2:
        return w, h, rows
    out = []  # to RGB, alpha composited on white as the page background
    for r in rows:
        if ctype == 0:
            out.append(bytes(v for v in r for _ in range(3)))
        elif ctype == 3:
            out.append(b''.join(plte[3 * v:3 * v + 3] for v in r))
        else:
            px = []
            for i in range(0, len(r), bpp):
                al = r[i + bpp - 1]
                for v in (r[i:i + 3] if ctype == 6 else r[i:i + 1] * 3):
                    px.append((v * al + 255 * (255 - al) + 127) // 255)
            out.append(bytes(px))
    return w, h, out

class Dom(html.parser.HTMLParser):
    """imgs (alt, src) in order, figure ids, <b>/<script> texts, all text."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.imgs, self.figs, self.b, self.scripts, self.text = [], [], [], [], []
        self.open_b = self.open_script = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'img':
            self.imgs.append((self.figs[-1] if self.figs else None, a.get('src') or ''))
        elif tag == 'figure':
            self.figs.append((a.get('id') or '')[len('fig-'):])
        elif tag == 'b':
            self.open_b = ''
        elif tag == 'script':
            self.open_script = ''

    def handle_endtag(self, tag):
        if tag == 'b' and self.open_b is not None:
            self.b.append(self.open_b)
            self.open_b = None
        elif tag == 'script' and self.open_script is not None:
            self.scripts.append(self.open_script)
            self.open_script = None

    def handle_data(self, data):
        self.text.append(data)
        if self.open_b is not None:
            self.open_b += data
        if self.open_script is not None:
            self.open_script += data

def parse_dom(path):
    d = Dom()
    d.feed(open(path, encoding='utf-8').read())
    return d

def figure_pngs(dom):
    """{figure name: PNG bytes} of the data: URIs; ValueError on a bad one."""
    figs = {}
    for name, src in dom.imgs:
        m = re.fullmatch(r'data:image/png;base64,([A-Za-z0-9+/=\s]+)', src)
        if not m:
            raise ValueError('figure %s: src is not a base64 PNG data: URI: %.60s' % (name, src))
        figs[name] = base64.b64decode(m.group(1), validate=False)
    return figs

def cmd_imgs(dom_path, outdir):
    dom = parse_dom(dom_path)
    figs = figure_pngs(dom)
    files = sorted(f[:-4] for f in os.listdir(outdir) if f.endswith('.png'))
    if len(dom.imgs) != len(files) or sorted(figs) != files or len(files) < 6:
        raise ValueError('%d <img> for figures %s; the report has %s' %
                         (len(dom.imgs), ' '.join(sorted(figs)), ' '.join(files)))
    for name, data in figs.items():
        w, h, _ = png_decode(data)
        if data != open('%s/%s.png' % (outdir, name), 'rb').read():
            raise ValueError('figure %s: embedded PNG differs from %s.png' % (name, name))
        print('# %s: valid %dx%d PNG, %d bytes' % (name, w, h, len(data)))

def cmd_escaped(dom_path, name):
    raw = open(dom_path, encoding='utf-8').read()
    dom = parse_dom(dom_path)
    esc = name.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    n_text = sum(t.count(name) for t in dom.text)
    inner = re.sub(r'<[^>]*>', '', name)
    if esc not in raw or name in raw:
        raise ValueError('dumped DOM: %r %s, %r %s' % (esc, 'found' if esc in raw else 'missing',
                                                      name, 'present as markup' if name in raw else 'absent'))
    if not n_text:
        raise ValueError('no text node holds %r' % name)
    if inner in dom.b:
        raise ValueError('a <b> element with text %r exists' % inner)
    print('# %r is text %d times, no <b>%s</b> element' % (name, n_text, inner))

def cmd_noscript(dom_path, needle):
    dom = parse_dom(dom_path)
    if dom.scripts:
        raise ValueError('%d <script> elements in the DOM: %r' % (len(dom.scripts), dom.scripts[:2]))
    if not any(needle in t for t in dom.text):
        raise ValueError('%r not shown as text' % needle)

def shade_of(px, col):
    """True if px is col drawn at 60-100 % opacity on white (bars use a
    partly transparent fill, lines are solid)."""
    span = [255 - c for c in col]
    k = max(range(3), key=lambda i: span[i])
    if span[k] < 40:
        return False
    a = (255 - px[k]) / span[k]
    return 0.6 <= a <= 1.02 and all(abs(255 - a * span[i] - px[i]) <= 4 for i in range(3))

class CDP:
    """Chromium's DevTools protocol over --remote-debugging-pipe: JSON
    messages separated by NUL, Chromium reads fd 3 and writes fd 4."""
    def __init__(self, argv):
        r_in, self.w = os.pipe()
        self.r, w_out = os.pipe()
        def child():
            # through fds above 4: r_in or w_out may be 3 or 4 already
            a, b = os.dup2(os.dup(r_in), 100), os.dup2(os.dup(w_out), 101)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.p = subprocess.Popen(argv + ['--remote-debugging-pipe'], preexec_fn=child,
                                  close_fds=False, stdout=subprocess.DEVNULL,
                                  stderr=open(os.environ.get('CDP_ERR', os.devnull), 'w'))
        os.close(r_in)
        os.close(w_out)
        self.buf, self.id, self.events = b'', 0, []

    def _pump(self, end):
        while b'\0' not in self.buf:
            rl, _, _ = select.select([self.r], [], [], max(0.05, end - time.time()))
            if not rl:
                raise ValueError('chromium did not answer in time')
            d = os.read(self.r, 1 << 20)
            if not d:
                raise ValueError('chromium closed its pipe')
            self.buf += d
        m, self.buf = self.buf.split(b'\0', 1)
        return json.loads(m)

    def call(self, method, params=None, session=None, timeout=60):
        self.id += 1
        msg = {'id': self.id, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = session
        os.write(self.w, json.dumps(msg).encode() + b'\0')
        end = time.time() + timeout
        while True:
            m = self._pump(end)
            if m.get('id') == self.id:
                if 'error' in m:
                    raise ValueError('%s: %s' % (method, m['error']))
                return m.get('result', {})
            self.events.append(m)

    def wait_event(self, method, timeout=60):
        end = time.time() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get('method') == method:
                    return self.events.pop(i)
            self.events.append(self._pump(end))

    def close(self):
        try:
            self.call('Browser.close', timeout=10)
        except (ValueError, OSError):
            pass
        try:
            self.p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()

LAYOUT_JS = r"""JSON.stringify((() => {
  const de = document.documentElement, box = e => {
    if (!e) return null;
    const b = e.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  };
  return {
    w: innerWidth, h: innerHeight, sw: de.scrollWidth, cw: de.clientWidth,
    verdicts: box(document.getElementById('verdicts')),
    key: box(document.getElementById('key-figures')),
    keyimgs: document.querySelectorAll('#key-figures img').length,
    warns: [...document.querySelectorAll('#headline .warn')].map(e => [e.textContent.slice(0, 60), box(e)]),
    details: [...document.querySelectorAll('details.sec')].map(d => d.id),
    imgs: [...document.images].map(i => [i.closest('figure') ? i.closest('figure').id : '', i.complete, i.naturalWidth, i.naturalHeight]),
    wide: [...document.querySelectorAll('.tw')].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => [e.id || e.querySelector('caption, td') && (e.querySelector('caption, td').textContent.slice(0, 40)), e.scrollWidth, e.clientWidth])
  };
})())"""

def cmd_layout(chromium, url, outdir, scheds, keep):
    """The report at 1280x800 through the DevTools protocol; ok/not ok
    lines on stdout."""
    scheds = scheds.split(',')
    ud = tempfile.mkdtemp(dir=os.environ['CH_HOME'])
    env_argv = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                '--no-first-run', '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--user-data-dir=' + ud, '--window-size=1280,800', 'about:blank']
    c = CDP(env_argv)
    results = []
    try:
        page = [t for t in c.call('Target.getTargets')['targetInfos'] if t['type'] == 'page'][0]
        s = c.call('Target.attachToTarget', {'targetId': page['targetId'], 'flatten': True})['sessionId']
        c.call('Page.enable', session=s)
        c.call('Emulation.setDeviceMetricsOverride', {'width': 1280, 'height': 800,
               'deviceScaleFactor': 1, 'mobile': False}, session=s)
        c.call('Page.navigate', {'url': url}, session=s)
        c.wait_event('Page.loadEventFired')
        def ev(js):
            return c.call('Runtime.evaluate', {'expression': js, 'returnByValue': True},
                          session=s)['result']['value']
        L = json.loads(ev(LAYOUT_JS))
        print('# window %dx%d, page %d px wide in %d; verdicts %s, key figures %s' %
              (L['w'], L['h'], L['sw'], L['cw'], L['verdicts'], L['key']))
        results.append(('1280x800: no horizontal overflow', L['w'] == 1280 and L['sw'] <= L['cw'],
                        'page %d px wide in a %d px window (%d px client)' % (L['sw'], L['w'], L['cw'])))
        inside = lambda b: b is not None and b[0] >= 0 and b[1] >= 0 and b[2] <= L['cw'] and b[3] <= L['h']
        starve = [w for w in L['warns'] if 'samples' in w[0]]
        results.append(('the headline (verdict table, warnings) and the %d key figures in the first'
                        ' viewport' % L['keyimgs'],
                        inside(L['verdicts']) and inside(L['key']) and L['keyimgs'] == 3 and
                        starve and all(inside(w[1]) for w in L['warns']),
                        'verdicts %s, key figures %s (%d images), warnings %s' %
                        (L['verdicts'], L['key'], L['keyimgs'], L['warns'])))
        want = ['latency', 'throughput', 'fairness', 'scx-events', 'trace', 'system', 'harness',
                'tasks', 'runs', 'failures']
        results.append(('family and metadata sections are <details>: %s' % ' '.join(L['details']),
                        all(w in L['details'] for w in want),
                        'missing: %s' % ' '.join(w for w in want if w not in L['details'])))
        pngs = sorted(f[:-4] for f in os.listdir(outdir) if f.endswith('.png'))
        bad = [i for i in L['imgs'] if not i[1] or i[2] != 750 or i[3] != 480]
        results.append(('every <img> loaded (%d, 750x480, one per PNG file)' % len(L['imgs']),
                        not bad and len(L['imgs']) == len(pngs) and len(pngs) >= 8,
                        'not loaded or wrong size: %s; %d images for %d PNG files' %
                        (bad, len(L['imgs']), len(pngs))))
        first = base64.b64decode(c.call('Page.captureScreenshot', {'format': 'png'}, session=s)['data'])
        # every section opened: still nothing wider than the window
        ev("document.querySelectorAll('details').forEach(d => d.open = true); 1")
        L2 = json.loads(ev(LAYOUT_JS))
        results.append(('every section open: no horizontal overflow, no table wider than its box',
                        L2['sw'] <= L2['cw'] and not L2['wide'],
                        'page %d px in %d; tables scrolling in their box: %s' % (L2['sw'], L2['cw'], L2['wide'])))
        if keep:
            H = int(ev('document.documentElement.scrollHeight'))
            full = c.call('Page.captureScreenshot', {'format': 'png', 'captureBeyondViewport': True,
                          'clip': {'x': 0, 'y': 0, 'width': 1280, 'height': H, 'scale': 1}}, session=s)
            open(os.path.join(keep, 'open.png'), 'wb').write(base64.b64decode(full['data']))
            open(os.path.join(keep, 'first.png'), 'wb').write(first)
    finally:
        c.close()
    # the first screen's pixels: each scheduler's colour, as its figure
    # scripts draw it, covers real area in the key figures
    W, H, rows = png_decode(first)
    colours = {}
    for gp in os.listdir(outdir):
        if gp.endswith('.gp'):
            for col, t in re.findall(r'lc rgb "#([0-9A-Fa-f]{6})"(?:(?!lc rgb)[^\n])*? title "([^"]*)"',
                                     open(os.path.join(outdir, gp)).read()):
                colours.setdefault(t, set()).add(col.lower())
    cnt = collections.Counter()
    for r in rows:
        cnt.update(zip(r[0::3], r[1::3], r[2::3]))
    diag, good = [], True
    for name in scheds:
        cs = colours.get(name, set())
        if len(cs) != 1:
            good = False
            diag.append('%s drawn in %s across the figures' % (name, sorted(cs) or 'no colour'))
            continue
        col = bytes.fromhex(next(iter(cs)))
        n = sum(k for px, k in cnt.items() if shade_of(px, col))
        diag.append('%s #%s: %d px' % (name, col.hex(), n))
        good = good and n >= 400
    print('# first screen %dx%d: %s' % (W, H, '; '.join(diag)))
    results.append(('first screen: each scheduler in one colour across the figures, with real area',
                    good and (W, H) == (1280, 800), '; '.join(diag)))
    for desc, ok, why in results:
        print('%s\t%s\t%s' % ('ok' if ok else 'not ok', desc, '' if ok else why))

if __name__ == '__main__':
    try:
        r = globals()['cmd_' + sys.argv[1]](*sys.argv[2:])
    except (ValueError, OSError, zlib.error, KeyError, IndexError) as e:
        print('# error: %s' % e)
        sys.exit(1)
EOF

# Chromium gets its own profile, HOME and XDG dirs: it writes crash-report
# and dconf state there instead of into root's home.
CH_HOME=$TMP/chromium-home
mkdir -p "$CH_HOME"
export CH_HOME
chromium() { # chromium ARGS...: a fresh profile each time
	local ud
	ud=$(mktemp -d "$CH_HOME/profile-XXXXXX")
	HOME=$CH_HOME XDG_CONFIG_HOME=$CH_HOME/.config XDG_CACHE_HOME=$CH_HOME/.cache \
		timeout -k 5 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$ud" "$@"
}
# what Chromium could leave outside $TMP
leftovers() {
	ls -d "$HOME/.config/chromium" "$HOME/.cache/chromium" "$HOME/.cache/dconf" "$HOME/.pki" \
		/tmp/.org.chromium.* /dev/shm/.org.chromium.* 2>/dev/null
}
leftovers >"$TMP/left.before"

if ! build_gen; then
	fail "build the generator" "$(tail -5 "$TMP/build.log")"; exit 1
fi
pass "build the generator"

DB=$TMP/r.db OUT=$TMP/out
cid=$(GEN_STARVE=1 gen_db "$DB" 20 "$SCHEDS" 0.3)
"$SCXB" report -q --db "$DB" --compare "$cid" --out "$OUT" --format png >"$TMP/table" 2>"$TMP/err"
rc=$?
n_png=$(ls "$OUT"/*.png 2>/dev/null | wc -l)
[ $rc = 0 ] && [ "$n_png" -ge 6 ] && [ -s "$OUT/report.html" ] &&
	pass "report --format png: report.html and $n_png figures" ||
	fail "report --format png" "rc=$rc, $n_png PNG; $(tail -3 "$TMP/err")"

URL=file://$OUT/report.html
chromium --virtual-time-budget=2000 --dump-dom "$URL" >"$TMP/dom.html" 2>"$TMP/dom.err"
rc=$?
[ $rc = 0 ] && grep -q '</html>' "$TMP/dom.html" &&
	pass "chromium --dump-dom renders report.html ($(wc -c <"$TMP/dom.html") bytes)" ||
	fail "chromium --dump-dom renders report.html" "rc=$rc $(grep -v dbus "$TMP/dom.err" | tail -3)"

check() { # check DESC ARGS...: a check.py check, its diagnostics as TAP comments
	local desc=$1 out; shift
	if out=$(python3 "$TMP/check.py" "$@" 2>&1); then
		pass "$desc"; printf '%s\n' "$out" | grep '^#'
	else
		fail "$desc" "$(printf '%s' "$out" | sed 's/^# //' | tail -5)"
	fi
}
check "every <img> has a data: URI that decodes to a valid PNG (the figure file)" \
	imgs "$TMP/dom.html" "$OUT"
check "task <b>x</b> is text in the rendered DOM, no <b> element made of it" \
	escaped "$TMP/dom.html" '<b>x</b>'
check "scheduler message <script>alert(1)</script> is text, no <script> element" \
	noscript "$TMP/dom.html" '<script>alert(1)</script>'

# The layout at 1280x800 through the DevTools protocol (check.py layout):
# five checks of the page, one of the first screen's pixels.
NLAYOUT=6
HOME=$CH_HOME XDG_CONFIG_HOME=$CH_HOME/.config XDG_CACHE_HOME=$CH_HOME/.cache CDP_ERR=$TMP/cdp.err \
	timeout -k 5 180 python3 "$TMP/check.py" layout "$CHROMIUM" "$URL" "$OUT" "$SCHEDS" \
	"${KEEP_SHOT:-}" >"$TMP/layout" 2>&1
grep '^#' "$TMP/layout"
while IFS=$'\t' read -r st desc why; do
	case $st in
	ok) pass "$desc" ;;
	"not ok") fail "$desc" "$why" ;;
	esac
done < <(grep -E '^(ok|not ok)'$'\t' "$TMP/layout")
n=$(grep -cE '^(ok|not ok)'$'\t' "$TMP/layout")
[ "$n" = $NLAYOUT ] || for i in $(seq $((NLAYOUT - n))); do
	fail "layout check" "$(grep -v '^#' "$TMP/layout" | tail -3)"; done

# Nothing left behind: Chromium's processes are gone (its crash handler
# detaches, give it a moment), and it wrote nothing outside $TMP.
for i in $(seq 50); do
	pids=$(pgrep -f -- "$CH_HOME") || break
	sleep 0.2
done
left=$(leftovers | grep -vxFf "$TMP/left.before")
if [ -z "$pids" ] && [ -z "$left" ]; then
	pass "no Chromium process or file left behind"
else
	fail "no Chromium process or file left behind" "processes: $pids; files: $left"
	[ -n "$pids" ] && kill $pids 2>/dev/null # ours: they run with our profile dir
fi
exit 0
