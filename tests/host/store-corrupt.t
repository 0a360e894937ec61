#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A damaged database is never read as if sound: on a real database (a
# generated comparison and a few real runs) whose pages are overwritten
# with garbage, every command that reads or adds to it exits 2 with one
# line naming the file and the way out (show --check), prints no data,
# writes no report folder and leaves the file byte-identical. Damage met
# only while a report's figures are drawn leaves no half report and keeps
# the older report; a folder that is not a report's is never replaced.
. "$(dirname "$0")/report-lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
if [ -d /sys/kernel/sched_ext ] && [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; then
	skip_all "a sched_ext scheduler is active on this host"
fi
plan 21
if ! build_gen; then
	fail "build the generator" "$(tail -5 "$TMP/build.log")"; exit 1
fi
pass "build the generator"

DB=$TMP/bench.db
cid=$(gen_db "$DB" 12 eevdf,simple)
for i in 1 2 3; do
	"$SCXB" run eevdf --workload cpu --duration 0.3 --no-trace -q --db "$DB" >/dev/null 2>&1 || break
done
[ "$(sql "$DB" "SELECT count(*) FROM runs WHERE workload = 'cpu' AND status = 'ok'")" = 3 ] &&
	[ "$(sql "$DB" "PRAGMA integrity_check")" = ok ] &&
	pass "a sound database: a comparison and 3 real runs" ||
	fail "a sound database: a comparison and 3 real runs" "$(sql "$DB" "SELECT id, status FROM runs")"
sql "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
PS=$(sql "$DB" "PRAGMA page_size")
KEEP=$(sql "$DB" "SELECT max(id) FROM runs")

# garbage_page DB PAGE: every byte 0xff (no valid b-tree page type)
garbage_page() {
	head -c "$PS" /dev/zero | tr '\0' '\377' |
		dd of="$1" bs="$PS" seek=$(($2 - 1)) conv=notrunc status=none
}
# the root pages of runs and metrics, and an interior page of histograms
root() { sql "$DB" "SELECT rootpage FROM sqlite_master WHERE name = '$1'"; }
pages="$(root runs) $(root metrics)"
inner=$(sql "$DB" "SELECT pageno FROM dbstat WHERE name = 'histograms' AND pagetype = 'internal' LIMIT 1" 2>/dev/null)
pages="$pages ${inner:-$(root histograms)}"
cp "$DB" "$TMP/sound.db"
for p in $pages; do garbage_page "$DB" "$p"; done
cp "$DB" "$TMP/before.db"
chk=$(sql "$DB" "PRAGMA integrity_check" 2>&1)
[ "$chk" != ok ] && grep -q "Page $(root runs)" <<<"$chk" &&
	pass "pages $pages overwritten: integrity_check calls the file malformed" ||
	fail "pages $pages overwritten: integrity_check calls the file malformed" "$chk"

# refused DESC [--data] CMD...: exit 2, exactly one stderr line naming the
# file and show --check, no stdout (--data: a command that prints data;
# the others print nothing either), the file unchanged
refused() {
	local desc=$1 rc nl; shift
	"$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
	nl=$(wc -l <"$TMP/err")
	if [ "$rc" = 2 ] && [ "$nl" = 1 ] && grep -qF "$DB is corrupt (" "$TMP/err" &&
		grep -q "run scxbench show --check --db $DB\$" "$TMP/err" && [ ! -s "$TMP/out" ] &&
		cmp -s "$DB" "$TMP/before.db"; then
		pass "$desc"
	else
		fail "$desc" "rc=$rc, $nl stderr line(s): $(head -3 "$TMP/err"); stdout $(wc -c <"$TMP/out") bytes; $(cmp "$DB" "$TMP/before.db" 2>&1)"
	fi
}

refused "show: refused, nothing shown" "$SCXB" show --db "$DB"
refused "show RUN: refused" "$SCXB" show "$KEEP" --db "$DB"
refused "show RUN --json: refused" "$SCXB" show "$KEEP" --json --db "$DB"
refused "show RUN --dump --tasks: refused" "$SCXB" show "$KEEP" --dump --tasks --db "$DB"
refused "report: refused" "$SCXB" report --db "$DB" --out "$TMP/rep"
refused "report --runs: refused" "$SCXB" report --db "$DB" --runs 1,2 --out "$TMP/rep"
refused "export --format csv: refused" "$SCXB" export --format csv --db "$DB"
refused "export --format json: refused" "$SCXB" export --format json --db "$DB"
refused "export --compare: refused" "$SCXB" export --compare "$cid" --db "$DB"
refused "run: refused before running" \
	"$SCXB" run eevdf --workload cpu --duration 0.3 --no-trace --db "$DB"
grep -q "nothing was run" "$TMP/err" && grep -q "quick_check" "$TMP/err" &&
	pass "...says the open's quick_check found it and nothing was run" ||
	fail "...says the open's quick_check found it and nothing was run" "$(cat "$TMP/err")"
refused "compare: refused before running" \
	"$SCXB" compare eevdf eevdf --host --workload cpu --duration 0.3 --no-trace --reps 1 \
	--db "$DB" --out "$TMP/crep"
[ ! -e "$TMP/rep" ] && [ ! -e "$TMP/crep" ] && ! ls -a "$TMP" | grep -q '\.tmp-' &&
	pass "no report folder written, none left aside" ||
	fail "no report folder written, none left aside" "$(ls -a "$TMP")"

"$SCXB" show --check --db "$DB" >"$TMP/out" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "integrity Page" "$TMP/out" && cmp -s "$DB" "$TMP/before.db" &&
	pass "show --check, the way out, names the damage (exit 1)" ||
	fail "show --check, the way out, names the damage (exit 1)" "rc=$rc $(cat "$TMP/out")"

# damage only in the histograms: runs and metrics read fine, the report
# meets it while drawing the CDFs
H=$TMP/hist.db
cp "$TMP/sound.db" "$H"
"$SCXB" report -q --db "$H" --out "$TMP/old" >/dev/null 2>&1
ls "$TMP/old" | sort >"$TMP/old.list"
garbage_page "$H" "${inner:-$(root histograms)}"
cp "$H" "$TMP/hbefore.db"
"$SCXB" report --db "$H" --out "$TMP/old" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -qF "$H is corrupt (" "$TMP/err" &&
	[ ! -s "$TMP/out" ] && cmp -s "$H" "$TMP/hbefore.db" &&
	pass "damage met while drawing the figures: one line, no table" ||
	fail "damage met while drawing the figures: one line, no table" "rc=$rc $(head -3 "$TMP/err")"
ls "$TMP/old" | sort | cmp -s - "$TMP/old.list" && [ -s "$TMP/old/report.html" ] &&
	! ls -a "$TMP" | grep -q '\.tmp-' &&
	pass "...the older report is kept whole, no half report, no temporary folder" ||
	fail "...the older report is kept whole, no half report, no temporary folder" "$(ls -a "$TMP" "$TMP/old" | head)"

# a folder that is not a report's is neither written into nor replaced
mkdir "$TMP/mine" && echo keep >"$TMP/mine/notes.txt"
"$SCXB" report -q --db "$TMP/sound.db" --out "$TMP/mine" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "notes.txt" "$TMP/err" && [ "$(ls "$TMP/mine")" = notes.txt ] &&
	pass "report into a folder holding other files: refused, the folder untouched" ||
	fail "report into a folder holding other files: refused, the folder untouched" "rc=$rc $(cat "$TMP/err"); $(ls "$TMP/mine")"
"$SCXB" report -q --db "$TMP/sound.db" --out "$TMP/old" >/dev/null 2>&1; rc=$?
[ $rc -le 1 ] && [ -s "$TMP/old/report.html" ] && ! ls -a "$TMP" | grep -q '\.tmp-' &&
	pass "report over an older report replaces it" ||
	fail "report over an older report replaces it" "rc=$rc $(ls -a "$TMP")"
exit 0
