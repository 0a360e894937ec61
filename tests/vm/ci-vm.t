#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real, short `scxbench ci` night in the QEMU guest: two schedulers
# (simple, vtime), one short workload, 3 rounds. The guest runs the matrix
# from the config's text, the host imports its database, gates (first
# night: no baseline, exit 0) and writes every output file.
. "$(dirname "$0")/../lib.sh"
"$SCXB" help ci >/dev/null 2>&1 || skip_all "this build has no 'ci' command (not wired into main.c yet)"
# hold the VM lock for the whole test (fd 9, released at exit); a VM
# that another test keeps for 15 minutes is a reason to skip, not to hang
need_guest
plan 9

cd "$TMP"
cat > vm.conf <<'CONF'
[ci]
db = hist.db
out = out
place = vm
reps = 3
duration = 10s
trace = no
[scheduler simple]
[scheduler vtime]
[workload hackbench]
groups = 1
fds = 4
loops = 100
pipe = yes
CONF
start=$(date +%s)
out=$(timeout 240 "$SCXB" ci vm.conf --label vmtest1 --init 2>&1); rc=$?
echo "# ci in the VM: exit $rc in $(( $(date +%s) - start )) s"
[ "$rc" = 0 ] && pass "first night in the VM: exit 0 (no baseline)" || fail "ci in VM: exit $rc" "$(printf '%s\n' "$out" | tail -15)"
for f in summary.md junit.xml ci.json report-hackbench/report.html; do
	[ -s "out/$f" ] && pass "out/$f written" || fail "out/$f missing" "$(ls -R out 2>&1 | head -20)"
done
ls out/history/*.gp >/dev/null 2>&1 && pass "history figures written" || fail "no history figures"
n=$(sql hist.db "SELECT count(*) FROM runs WHERE label = 'vmtest1' AND place = 'vm' AND status = 'ok'")
[ "$n" = 6 ] && pass "6 ok runs stored with place vm" || fail "$n ok vm runs, want 6" "$(sql hist.db 'SELECT scheduler, status, status_detail FROM runs')"
xmllint --noout --schema "$ROOT/tests/junit.xsd" out/junit.xml 2>/dev/null &&
	pass "junit.xml validates" || fail "junit.xml invalid"
grep -q 'no earlier night' out/summary.md && pass "summary says there was no earlier night" || fail "summary" "$(head -8 out/summary.md)"
