#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report.html as a browser shows it: headless Chromium (Debian's chromium,
# installed by scripts/deps.sh) renders the report of a synthetic 4-scheduler
# comparison whose probe task is named "<b>x</b>".
#   --dump-dom: every <img> carries a data: URI that decodes to a valid PNG
#     (the figure file, byte for byte); the task name is text, not markup.
#   --screenshot: every figure is on screen pixel for pixel, each scheduler's
#     palette colour (reports/gnuplot.c) covers real area in the figures,
#     the page has no horizontal scrollbar.
# Chromium runs with a fresh profile and HOME under $TMP; the test fails if
# one of its processes or files outlives it.
. "$(dirname "$0")/report-lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
SCHEDS=eevdf,simple,vtime,rusty
[ -x "$CHROMIUM" ] || skip_all "$CHROMIUM not installed (Debian package chromium, see scripts/deps.sh)"
command -v gnuplot >/dev/null || skip_all "gnuplot not installed: report.html would have no figures"
command -v python3 >/dev/null || skip_all "python3 not installed (decodes the screenshot)"
plan 10

# The PNG decoder and the checks: python3 standard library only.
cat >"$TMP/check.py" <<'EOF'
import base64, collections, html.parser, os, re, struct, sys, zlib

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

def palette(src):
    m = re.search(r'colors\[\]\s*=\s*\{(.*?)\};', open(src).read(), re.S)
    return [bytes.fromhex(c) for c in re.findall(r'"#([0-9A-Fa-f]{6})"', m.group(1))]

def shade_of(px, col):
    """True if px is col drawn at 60-100 % opacity on white (bars use a
    partly transparent fill, lines are solid)."""
    span = [255 - c for c in col]
    k = max(range(3), key=lambda i: span[i])
    if span[k] < 40:
        return False
    a = (255 - px[k]) / span[k]
    return 0.6 <= a <= 1.02 and all(abs(255 - a * span[i] - px[i]) <= 4 for i in range(3))

def locate(rows, fig_rows, used):
    """(x, y) where fig_rows appear pixel for pixel in rows, or None."""
    h = len(fig_rows)
    k = max(range(h), key=lambda i: len(set(fig_rows[i])))  # the busiest row
    key = fig_rows[k]
    for y in range(k, len(rows) - (h - k) + 1):
        x = rows[y].find(key)
        while x >= 0:
            if x % 3 == 0 and (y - k) not in used and \
               all(rows[y - k + i][x:x + len(key)] == fig_rows[i] for i in range(h)):
                return x // 3, y - k
            x = rows[y].find(key, x + 1)
    return None

def cmd_screen(shot, dom_path, palette_src, scheds, out_ok):
    scheds = scheds.split(',')
    pal = palette(palette_src)
    W, H, rows = png_decode(open(shot, 'rb').read())
    print('# screenshot %dx%d' % (W, H))
    results = []
    # 1. the page ends inside the window and has no horizontal scrollbar:
    # the last rows are plain page background
    white = b'\xff' * (3 * W)
    last = max([y for y in range(H) if rows[y] != white] or [0])
    results.append(('page fits the window, no horizontal scrollbar',
                    H - last > 50, 'last non-blank row %d of %d (page taller than the window,'
                    ' or a scrollbar at the bottom)' % (last, H)))
    # 2. every figure on screen at natural size, pixel for pixel
    figs = figure_pngs(parse_dom(dom_path))
    where, used, missing = {}, set(), []
    for name, data in figs.items():
        w, h, frows = png_decode(data)
        pos = locate(rows, frows, used)
        if pos:
            where[name] = (pos, w, h)
            used.add(pos[1])
            print('# %s: on screen at x=%d y=%d, %dx%d' % (name, pos[0], pos[1], w, h))
        else:
            missing.append(name)
    results.append(('all %d figures on screen pixel for pixel' % len(figs), not missing,
                    'not found (missing, cropped or scaled): %s' % ' '.join(missing)))
    # 3. the scheduler colours: count each distinct screen colour once
    cnt = collections.Counter()
    for r in rows:
        cnt.update(zip(r[0::3], r[1::3], r[2::3]))
    def area(counter, col):
        return sum(n for px, n in counter.items() if shade_of(px, col))
    diag, good = [], True
    for s, name in enumerate(scheds):
        n = area(cnt, pal[s])
        diag.append('%s #%s: %d px' % (name, pal[s].hex(), n))
        good = good and n >= 5000
    # in the figures drawn per scheduler, each scheduler's colour has real
    # area, and the colours of schedulers that are not in the comparison
    # are absent (one colour per scheduler, the same everywhere)
    for name, ((x, y), w, h) in sorted(where.items()):
        gp = open('%s/%s.gp' % (out_ok, name)).read()
        titles = re.findall(r'lc rgb "#([0-9A-Fa-f]{6})" title "([^"]*)"', gp)
        if not any(t in scheds for _, t in titles):
            print('# %s: colours are not schedulers (titles %s), skipped' %
                  (name, ','.join(sorted({t for _, t in titles}))))
            continue
        for c, t in titles:
            if t in scheds and bytes.fromhex(c) != pal[scheds.index(t)]:
                good = False
                diag.append('%s: %s drawn in #%s, palette says #%s' % (name, t, c, pal[scheds.index(t)].hex()))
        fc = collections.Counter()
        for r in rows[y:y + h]:
            seg = r[3 * x:3 * (x + w)]
            fc.update(zip(seg[0::3], seg[1::3], seg[2::3]))
        seen = {t: area(fc, pal[s]) for s, t in enumerate(scheds)}
        extra = {pal[i].hex(): area(fc, pal[i]) for i in range(len(scheds), len(pal))
                 if len(set(pal[i])) > 1 and pal[i] not in pal[:len(scheds)]}  # greys: text, axes
        shown = [t for t in scheds if seen[t] >= 300]
        print('# %s: %s; other palette colours %s' % (name, ', '.join('%s %d px' % kv for kv in seen.items()),
                                                       ', '.join('#%s %d px' % kv for kv in extra.items())))
        want_all = name in ('cdf_wakeup_lat', 'pctl_wakeup_lat')
        if (want_all and len(shown) != len(scheds)) or len(shown) < 2 or max(extra.values() or [0]) > 50:
            good = False
            diag.append('%s: schedulers with area %s, other palette colours %s' % (name, shown, extra))
    results.append(('each scheduler\'s palette colour covers real area in the figures', good,
                    '; '.join(diag)))
    print('# ' + '; '.join(diag[:len(scheds)]))
    for desc, ok, why in results:
        print('%s\t%s\t%s' % ('ok' if ok else 'not ok', desc, '' if ok else why))

if __name__ == '__main__':
    try:
        r = globals()['cmd_' + sys.argv[1]](*sys.argv[2:])
    except (ValueError, OSError, zlib.error) as e:
        print('# error: %s' % e)
        sys.exit(1)
EOF

# Chromium gets its own profile, HOME and XDG dirs: it writes crash-report
# and dconf state there instead of into root's home.
CH_HOME=$TMP/chromium-home
mkdir -p "$CH_HOME"
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
cid=$(gen_db "$DB" 20 "$SCHEDS" 0.3)
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

# The page is ~9000 px tall: a 3000 px window would show the table and one
# figure, so the window is as tall as Chromium draws (16384 px at most)
# and the check asserts that the page ended inside it.
chromium --virtual-time-budget=2000 --window-size=1200,16000 --screenshot="$TMP/shot.png" \
	"$URL" >"$TMP/shot.out" 2>"$TMP/shot.err"
rc=$?
if [ $rc = 0 ] && [ -s "$TMP/shot.png" ]; then
	python3 "$TMP/check.py" screen "$TMP/shot.png" "$TMP/dom.html" "$ROOT/reports/gnuplot.c" \
		"$SCHEDS" "$OUT" >"$TMP/screen" 2>&1
	grep '^#' "$TMP/screen"
	while IFS=$'\t' read -r st desc why; do
		case $st in
		ok) pass "screenshot: $desc" ;;
		"not ok") fail "screenshot: $desc" "$why" ;;
		esac
	done < <(grep -E '^(ok|not ok)'$'\t' "$TMP/screen")
	n=$(grep -cE '^(ok|not ok)'$'\t' "$TMP/screen")
	[ "$n" = 3 ] || for i in $(seq $((3 - n))); do fail "screenshot check" "$(tail -3 "$TMP/screen")"; done
else
	for i in 1 2 3; do fail "chromium --screenshot" "rc=$rc $(grep -v dbus "$TMP/shot.err" | tail -3)"; done
fi
[ -n "${KEEP_SHOT:-}" ] && cp "$TMP/shot.png" "$KEEP_SHOT"

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
