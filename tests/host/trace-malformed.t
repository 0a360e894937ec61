#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Malformed raw pages: a real recording (kept with --keep-raw) is corrupted
# on purpose and parsed again (trace_driver --reparse). Every bad page must
# be rejected with a message and counted as lost, the parse must not crash,
# and the run must still be stored (status ok, flagged as having lost
# events). Then random garbage over random pages, many times: never a crash.
. "$(dirname "$0")/trace-lib.sh"
FUZZ=25
echo 1..12
if ! build_tools; then
	nok "build driver and helper"; sed 's/^/# /' "$T/build.log"; exit 1
fi
ok "build driver and helper"
q() { sqlite3 "$T/db" "$1"; }
PS=$(getconf PAGESIZE)

# a recording with events on both CPUs and enough pages to corrupt
"$T/trace_driver" "$T/db" --keep-raw -- "$T/trace_helper" pingpong 3000 0 >"$T/out" 2>"$T/err"
raw=$(sed -n 's/^raw files kept in //p' "$T/err")
pages=$(( $(stat -c %s "$raw/cpu0.raw" 2>/dev/null || echo 0) / PS ))
if [ -z "$raw" ] || [ "$pages" -lt 8 ]; then
	nok "recording with >= 8 pages on cpu0 (got ${pages:-0})"; sed 's/^/# /' "$T/err"; exit 1
fi
ok "recording kept: $pages pages on cpu0"
mkdir "$T/good" "$T/bad"
cp "$raw"/cpu*.raw "$T/good/"; cp "$raw"/cpu*.raw "$T/bad/"; rm -rf "$raw"

read -r good_run good_ev _ < <("$T/trace_driver" "$T/db" --reparse "$T/good" 2>"$T/good.err")
check "control: intact copy parses with no loss ($good_ev events)" \
	[ "$(q "SELECT lost_events FROM runs WHERE id=$good_run")" = 0 ]

# poke BYTES (printf escapes) at OFFSET of FILE
poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
f=$T/bad/cpu0.raw
# page 1: commit (bytes 8..15) says the page holds 2 GB
poke "$f" $((1 * PS + 8)) '\x00\x00\x00\x7f\x00\x00\x00\x00'
# page 3: first event is type_len 0 (length word follows) with a length far
# past the page end
poke "$f" $((3 * PS + 16)) '\x00\x00\x00\x00\x00\x00\x01\x00'
# page 5: first event is a 4-byte data event (type_len 1): shorter than any
# event's common header
poke "$f" $((5 * PS + 16)) '\x01\x00\x00\x00'
# cpu1: a torn last page
truncate -s $(( $(stat -c %s "$T/bad/cpu1.raw") - PS / 2 )) "$T/bad/cpu1.raw"

"$T/trace_driver" "$T/db" --reparse "$T/bad" >"$T/bad.out" 2>"$T/bad.err"
rc=$?
sed 's/^/# /' "$T/bad.err" | head -8
check "corrupted copy: no crash, exit 0 (rc=$rc)" [ $rc = 0 ]
read -r bad_run bad_ev _ <"$T/bad.out"
check "bad header rejected with a message" grep -q "cpu0 page 1: malformed header" "$T/bad.err"
check "event past the page end rejected with a message" \
	grep -q "cpu0 page 3: event runs past the page end" "$T/bad.err"
check "too-short event rejected with a message" grep -q "cpu0 page 5: malformed event" "$T/bad.err"
check "torn last page rejected with a message" grep -q "cpu1: .* trailing bytes .* rejected" "$T/bad.err"
st=$(q "SELECT status FROM runs WHERE id=${bad_run:-0}")
check "run still stored, status ok (got '${st:-none}')" [ "$st" = ok ]
lost0=$(q "SELECT lost FROM trace_cpus WHERE run_id=${bad_run:-0} AND cpu=0")
lost1=$(q "SELECT lost FROM trace_cpus WHERE run_id=${bad_run:-0} AND cpu=1")
rl=$(q "SELECT lost_events FROM runs WHERE id=${bad_run:-0}")
bp=$(q "SELECT value FROM metrics WHERE run_id=${bad_run:-0} AND name='trace_bad_pages'")
echo "# lost cpu0=$lost0 cpu1=$lost1 runs.lost_events=$rl trace_bad_pages=$bp; events $good_ev -> $bad_ev"
check "counted as lost: cpu0 >= 3, cpu1 >= 1, run flagged" \
	[ "${lost0:-0}" -ge 3 ] && [ "${lost1:-0}" -ge 1 ] && [ "${rl:-0}" = $((lost0 + lost1)) ]
note=$(q "SELECT note FROM collector_notes WHERE run_id=${bad_run:-0} AND note LIKE '%malformed%'")
check "collector note says so ('$note')" [ -n "$note" ]

# fuzz: random bytes over 1-4 random pages (headers included) of a fresh
# copy; any exit by signal (crash, abort) fails
crashes=0
for i in $(seq $FUZZ); do
	rm -rf "$T/fz"; cp -r "$T/good" "$T/fz"
	for k in $(seq $((RANDOM % 4 + 1))); do
		c=$((RANDOM % 2)); p=$((RANDOM % pages)); len=$((RANDOM % PS + 1))
		[ -f "$T/fz/cpu$c.raw" ] || continue
		head -c $len /dev/urandom | dd of="$T/fz/cpu$c.raw" bs=1 seek=$((p * PS + RANDOM % PS)) \
			conv=notrunc status=none
	done
	"$T/trace_driver" "$T/db" --reparse "$T/fz" >/dev/null 2>"$T/fz.err"
	rc=$?
	if [ $rc -ge 128 ] || [ $rc = 1 ]; then
		crashes=$((crashes + 1)); echo "# fuzz $i: rc=$rc"; tail -3 "$T/fz.err" | sed 's/^/#   /'
	fi
done
check "fuzz: $FUZZ randomly corrupted copies, none crashed or failed ($crashes)" [ $crashes = 0 ]
exit 0
