#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scxbench report on a synthetic comparison (real SQLite file filled
# through the store API): every figure in every format is a valid file,
# report.html is self-contained and escapes what came from the system,
# export gives parseable CSV/JSON, identical data is "no significant
# difference" and a real shift is found.
. "$(dirname "$0")/report-lib.sh"
plan 16
if ! build_gen; then
	fail "build the generator" "$(tail -5 "$TMP/build.log")"; exit 1
fi
pass "build the generator"
command -v gnuplot >/dev/null || { for i in $(seq 15); do skip "report files" "gnuplot not installed"; done; exit 0; }

DB=$TMP/r.db OUT=$TMP/out
cid=$(gen_db "$DB" 30 eevdf,simple,vtime 0.3)
"$SCXB" report --db "$DB" --compare "$cid" --out "$OUT" --format png,svg,pdf >"$TMP/table" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && pass "report exits 0" || fail "report exits 0" "rc=$rc $(cat "$TMP/err")"

n_png=$(ls "$OUT"/*.png 2>/dev/null | wc -l)
[ "$n_png" -ge 6 ] && pass "$n_png PNG figures" || fail "at least 6 PNG figures" "got $n_png"
bad=0; for f in "$OUT"/*.png; do
	[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { bad=1; echo "# bad PNG header: $f"; }
done
[ $bad = 0 ] && pass "PNG headers valid" || fail "PNG headers valid"
bad=0; for f in "$OUT"/*.svg; do xmllint --noout "$f" 2>>"$TMP/xml" || bad=1; done
[ $bad = 0 ] && pass "SVG parse as XML" || fail "SVG parse as XML" "$(head -3 "$TMP/xml")"
if command -v pdftoppm >/dev/null; then
	bad=0; for f in "$OUT"/*.pdf; do pdftoppm -r 30 -png -singlefile "$f" "$TMP/pdf" 2>>"$TMP/pdf.err" && [ -s "$TMP/pdf.png" ] || bad=1; done
	[ $bad = 0 ] && pass "PDF render with pdftoppm" || fail "PDF render with pdftoppm" "$(head -3 "$TMP/pdf.err")"
else
	skip "PDF render" "pdftoppm not installed (poppler-utils)"
fi
bad=0; for f in "$OUT"/*.png; do b=${f%.png}; [ -s "$b.dat" ] && [ -s "$b.gp" ] || { bad=1; echo "# no .dat/.gp for $f"; }; done
[ $bad = 0 ] && pass "every figure has its .dat and .gp" || fail "every figure has its .dat and .gp"
# the .gp scripts re-render by hand, as the report says
(cd "$OUT" && gnuplot -e "fmt='svg'" cdf_wakeup_lat.gp) 2>"$TMP/gp.err" && xmllint --noout "$OUT/cdf_wakeup_lat.svg" &&
	pass "a .gp script re-renders on its own" || fail "a .gp script re-renders on its own" "$(cat "$TMP/gp.err")"

H=$OUT/report.html
n_img=$(grep -o 'data:image/png;base64,' "$H" | wc -l)
[ "$n_img" = "$n_png" ] && pass "report.html embeds all $n_png figures" || fail "report.html embeds all figures" "$n_img of $n_png"
grep -q '&lt;b&gt;x&lt;/b&gt;' "$H" && ! grep -q '<b>x</b>' "$H" &&
	pass "task <b>x</b> escaped in report.html" || fail "task <b>x</b> escaped in report.html"
! grep -q '<script' "$H" && grep -q '&lt;script&gt;alert(1)' "$H" &&
	pass "scheduler message with <script> escaped" || fail "scheduler message with <script> escaped"
grep -q '&lt;b&gt;x&lt;/b&gt;' "$OUT/report.md" && ! grep -q '<b>x</b>' "$OUT/report.md" &&
	pass "task escaped in report.md" || fail "task escaped in report.md"
grep -q 'LOST EVENTS' "$OUT/report.md" && grep -q 'scheduler dump' "$H" && grep -q 'exit kind 1025' "$OUT/report.md" &&
	pass "lost events and scheduler failure with dump reported" || fail "lost events and scheduler failure with dump reported"
grep -q 'wakeup_lat_p99 (us)' "$TMP/table" && grep -E '^ +vtime .*worse$' "$TMP/table" | grep -q . &&
	pass "table finds the 30 % latency shift (worse)" || fail "table finds the shift" "$(head -5 "$TMP/table")"

"$SCXB" export --db "$DB" --format json >"$TMP/e.json" && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['runs'])==30 and d['comparisons']" "$TMP/e.json" &&
	"$SCXB" export --db "$DB" --format csv | python3 -c "import csv,sys; r=list(csv.reader(sys.stdin)); assert len(r)>100 and r[0][0]=='run_id', r[0]" &&
	pass "export json/csv parse" || fail "export json/csv parse"

DB0=$TMP/same.db
cid0=$(gen_db "$DB0" 20 eevdf,eevdf2 0)
"$SCXB" report -q --db "$DB0" --out "$TMP/o0" >/dev/null 2>&1
"$SCXB" report --db "$DB0" --out "$TMP/o0" >"$TMP/t0" 2>&1
if grep -qE ' (better|worse)$' "$TMP/t0"; then fail "identical distributions: no verdict better/worse" "$(grep -E ' (better|worse)$' "$TMP/t0" | head -3)"
else pass "identical distributions: no significant difference"; fi
exit 0
