#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 15, capture inside the guest: `capture --vm --sched simple` of the
# ping-pong program (tests/host/capture_pingpong.c: two threads over a
# pipe every 1 ms, 200 us of CPU work each) is taken in the guest under
# simple, the file lands here, the capture is imported into this
# database after its own captures with simple as its scheduler; then its
# replay in the guest under simple measures fidelity in the same place.
# Two boots, one after the other under the VM lock.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
need_root
if [ ! -d /sys/kernel/sched_ext ]; then
	need_guest_kernel
fi
[ -d /sys/kernel/tracing/events/raw_syscalls ] || skip_all "no raw_syscalls tracepoints (capture)"
command -v python3 >/dev/null || skip_all "python3 not installed (reads the capture file)"
vm_lock || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 15 min"
plan 14
cd "$TMP" || exit 1
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
DB=$TMP/cap.db
PP=$ROOT/build/tests/capture_pingpong
make -s -C "$ROOT" build/tests/capture_pingpong >build.log 2>&1
[ -x "$PP" ] || { fail "build the ping-pong program" "$(tail -3 build.log)"; exit 1; }
# within PCT % of WANT
near() { awk -v v="$1" -v w="$2" -v p="$3" 'BEGIN { exit !(v != "" && v >= w * (1 - p / 100) && v <= w * (1 + p / 100)) }'; }
tf() { sql "$DB" "SELECT $3 FROM capture_threads WHERE capture_id=$1 AND comm='$2'"; }
metric() { sql "$DB" "SELECT value FROM metrics WHERE run_id=$1 AND name='$2'"; }

# a capture of this host first: the guest's must come after it
"$SCXB" capture --host --db "$DB" -q -o host.capture -- "$PP" 100 >host.out 2>&1
hid=$(sql "$DB" "SELECT max(id) FROM captures")

out=$(timeout 900 "$SCXB" capture --vm --sched simple --db "$DB" -o pp.capture -- "$PP" 2000 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
cid=$(sql "$DB" "SELECT max(id) FROM captures")
[ $rc = 0 ] && [ -s pp.capture ] && pass "capture --vm --sched simple: exit 0, the file here" ||
	fail "capture --vm --sched simple: exit 0, the file here" "rc $rc"
[ -n "$hid" ] && [ "$cid" = $((hid + 1)) ] && echo "$out" | grep -q "^capture $cid: .* scheduler simple -> pp.capture" &&
	pass "imported as capture $cid, after this database's $hid, and printed with that id" ||
	fail "imported after this database's capture" "host $hid, guest $cid"
row=$(sql "$DB" "SELECT scheduler || '|' || kernel_release || '|' || file FROM captures WHERE id=$cid")
case $row in
"simple|$(uname -r)|"*) fail "the scheduler and the guest's kernel recorded" "$row (this host's kernel)" ;;
simple\|*\|pp.capture) pass "recorded: scheduler simple, the guest's kernel, the file ($row)" ;;
*) fail "the scheduler and the guest's kernel recorded" "$row" ;;
esac
python3 - "$DB" "$cid" >cmp.out 2>&1 <<'EOF'
import json, sqlite3, sys
body = sqlite3.connect(sys.argv[1]).execute("SELECT body FROM captures WHERE id=?", (int(sys.argv[2]),)).fetchone()[0]
f = open('pp.capture').read()
assert f == body, "the file differs from the stored body"
c = json.loads(f)
assert c['format'] == 'scxbench-capture' and c['scheduler'] == 'simple', (c['format'], c['scheduler'])
EOF
[ $? = 0 ] && pass "the file is the stored capture, scheduler simple inside" || fail "the file is the stored capture" "$(cat cmp.out)"
n=$(sql "$DB" "SELECT count(*) FROM capture_threads WHERE capture_id=$cid")
a=$(tf "$cid" pp-a idx)
b=$(tf "$cid" pp-b idx)
[ "$n" = 2 ] && [ -n "$a" ] && [ -n "$b" ] && pass "two threads, pp-a and pp-b" || fail "two threads, pp-a and pp-b" "$n: '$a' '$b'"
# The period. In the guest, under TCG on a 2-CPU host that other work
# shares, rounds run late now and then (the guest's clock follows the
# host's; a preempted vCPU stalls it for ms); pp-a's absolute timer then
# returns at once until it has caught up, so intervals between its timer
# wakeups are whole periods or more, never much less: the lowest decile
# is the period (measured: 982 and 978 us, while only 26-63 % of the
# intervals lay within 10 % of 1 ms, too few for the capture's own
# periodicity rule, which wants nine in ten).
read -r p10 per nint < <(python3 - <<'EOF'
import json
t = [t for t in json.load(open('pp.capture'))['threads'] if t['comm'] == 'pp-a'][0]
at = [s[-1] for s in t['steps'] if s[0] in 'sp']
iv = sorted(b - a for a, b in zip(at, at[1:]))
print(iv[len(iv) // 10] if len(iv) >= 20 else 0, t['period_us'], len(iv))
EOF
)
echo "# pp-a: $nint intervals between timer wakeups, lowest decile $p10 us; period found: $per us"
near "$p10" 1000 10 && { [ "$per" = 0 ] || [ "$per" = 0.0 ] || near "$per" 1000 10; } &&
	pass "pp-a's timer period is 1 ms ($p10 us)" || fail "pp-a's timer period is 1 ms" "lowest decile '$p10', period '$per', $nint intervals"
# every round crosses the pipe once each way (measured in the guest:
# 1877-1999 of 2000; the trace lost a few under a loaded host)
e=$(sql "$DB" "SELECT count FROM capture_edges WHERE capture_id=$cid AND waker=$a AND wakee=$b AND via='pipe'")
near "${e:-0}" 2000 15 && pass "the ping-pong edge pp-a -> pp-b through a pipe ($e wakeups)" ||
	fail "the ping-pong edge pp-a -> pp-b through a pipe" "'$e'"
left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
[ "$left" = 0 ] && ! ls pp.capture.tmp* >/dev/null 2>&1 && pass "nothing left behind (work dirs, temporary files)" ||
	fail "nothing left behind" "$(ls "$TMPDIR" pp.capture.tmp* 2>&1)"

# The replay in the guest under the scheduler it was captured on. The
# bounds come from 7 replays of such a guest capture (2000 rounds, 2.50 s)
# in the TCG guest: 6 (2 each under eevdf, simple, vtime) gave burst
# medians 1.15-1.20x the captured (KS 0.47-0.56; the replay's futex
# wait and wake cost tens of us there), sleeps 0.89-1.02x (KS 0.27-0.49),
# every step in 2.58-2.74 s. The seventh, while another session's tests
# kept this 2-CPU host at load 3.6, ran its bursts 9.5x long and timed out
# at 10 s: a failure here on a loaded host says so in the load line.
echo "# host load: $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(timeout 900 "$SCXB" run simple --vm --db "$DB" -q --duration 20 --workload replay:pp.capture 2>&1); rc=$?
rid=$(sql "$DB" "SELECT max(id) FROM runs WHERE workload='replay'")
row=$(sql "$DB" "SELECT place || '|' || status || '|' || scheduler FROM runs WHERE id=$rid")
[ $rc = 0 ] && [ "$row" = "vm|ok|simple" ] && pass "replay under simple in the guest" ||
	fail "replay under simple in the guest" "rc $rc $row: $(echo "$out" | tail -5)"
sql "$DB" "SELECT '# ' || name || ' = ' || round(value, 3) FROM metrics WHERE run_id=$rid AND
	(name LIKE 'replay_ks_%' OR name LIKE 'replay_median_ratio_%' OR name IN ('replay_steps_fraction', 'replay_elapsed', 'replay_capture_duration'))"
k=$(sql "$DB" "SELECT count(*) FROM metrics WHERE run_id=$rid AND (name LIKE 'replay_ks_%' OR
	name LIKE 'replay_median_ratio_%') AND value >= 0")
[ "$k" = 6 ] && pass "fidelity stored: KS and ratio of medians of bursts, sleeps, wakeup latency" ||
	fail "fidelity stored" "$k of 6"
f=$(metric "$rid" replay_steps_fraction)
el=$(metric "$rid" replay_elapsed)
cd_=$(metric "$rid" replay_capture_duration)
# 7 replays on a quiet host took under 1.5x the captured time; at a host
# load of 12 (other work on this 2-core machine) 1.50x: the bound is 2x,
# what the replay itself must hold (every step, none given up) is exact
awk -v f="$f" -v e="$el" -v c="$cd_" 'BEGIN { exit !(f > 0.99 && e < c * 2) }' &&
	pass "every step replayed, in $el s (captured $cd_ s)" || fail "every step replayed in time" "fraction '$f', $el s vs $cd_ s"
r=$(metric "$rid" replay_median_ratio_burst)
kb=$(metric "$rid" replay_ks_burst)
awk -v r="$r" -v k="$kb" 'BEGIN { exit !(r >= 0.8 && r <= 1.6 && k <= 0.75) }' &&
	pass "bursts: median ratio $r, KS $kb" || fail "bursts within bounds" "ratio '$r', KS '$kb'"
r=$(metric "$rid" replay_median_ratio_sleep)
ks=$(metric "$rid" replay_ks_sleep)
awk -v r="$r" -v k="$ks" 'BEGIN { exit !(r >= 0.7 && r <= 1.3 && k <= 0.7) }' &&
	pass "sleeps: median ratio $r, KS $ks" || fail "sleeps within bounds" "ratio '$r', KS '$ks'"
c=$(sql "$DB" "SELECT count(*) FROM runs WHERE workload='replay'")
[ "$c" = 1 ] && pass "one replay run stored" || fail "one replay run stored" "$c"
