#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Schedulers nobody on this project wrote, run in the guest exactly as on
# the host: tests/vm/ext/ builds a small sched_ext scheduler (extfifo) with
# a dynamically linked loader (Debian's shared libbpf 1.1, libelf, libz,
# libc), a static one, and a variant that needs libbpf's __kconfig. They
# are started by relative path from this directory and through PATH, with
# per-scheduler arguments through compare, with a bad flag; a host-only
# script runs under a loaded scheduler; --json from a VM run equals what
# the host database holds; nothing is left after exit, SIGINT, SIGKILL.
. "$(dirname "$0")/../lib.sh"
[ -d /sys/kernel/sched_ext ] && skip_all "this kernel has sched_ext: the VM path is not taken here"
command -v clang >/dev/null || skip_all "clang not installed (make deps)"
[ -f /usr/lib/x86_64-linux-gnu/libbpf.so.1 ] || skip_all "Debian's shared libbpf (libbpf1) missing"
need_guest
plan 26
export TMPDIR=$TMP/tmpd
mkdir -p "$TMPDIR"
EXT=$TMP/ext
DB=$TMP/e.db

if "$ROOT/tests/vm/ext/build.sh" "$EXT" >"$TMP/build.log" 2>&1 &&
	ldd "$EXT/extfifo" | grep -q 'libbpf.so.1' && ! ldd "$EXT/extfifo_static" >/dev/null 2>&1; then
	pass "fixtures built: extfifo (dynamic, shared libbpf), extfifo_static"
else
	fail "fixtures built" "$(tail -5 "$TMP/build.log")"
fi
cd "$EXT" || exit 1

# 2-10: one comparison in one boot: relative paths, dynamic and static,
# __kconfig, and two argument sets of one binary as two schedulers
"$SCXB" compare "exec:./extfifo -s 5000" exec:./extfifo exec:./extfifo_static "exec:./extfifo -K" \
	--workload cpu --duration 1 --reps 1 --db "$DB" --no-report -q >"$TMP/c.out" 2>"$TMP/c.err"
rc=$?
n=$(sql "$DB" "SELECT count(*) FROM runs WHERE status = 'ok' AND place = 'vm'")
[ $rc = 0 ] && [ "$n" = 4 ] && pass "compare of 4 external schedulers in the guest: 4 ok runs" ||
	fail "compare of 4 external schedulers in the guest" "rc=$rc n=$n $(tail -3 "$TMP/c.err")"
ops=$(sql "$DB" "SELECT group_concat(DISTINCT sched_ops) FROM runs")
[ "$ops" = "extfifo" ] || [ "$ops" = "extfifo,extkconfig" ] || [ "$ops" = "extkconfig,extfifo" ] &&
	pass "ops names from the kernel: $ops" || fail "ops names stored" "$ops"
want=$(sha256sum "$EXT/extfifo" | cut -d' ' -f1)
got=$(sql "$DB" "SELECT sched_sha256 FROM runs WHERE scheduler = 'exec:./extfifo'")
[ -n "$want" ] && [ "$got" = "$want" ] && pass "sha256 of the binary stored" || fail "sha256 stored" "want $want got $got"
want=$(readelf -n "$EXT/extfifo" | sed -n 's/.*Build ID: *//p' | head -1)
got=$(sql "$DB" "SELECT sched_build_id FROM runs WHERE scheduler = 'exec:./extfifo'")
[ -n "$want" ] && [ "$got" = "$want" ] && pass "ELF build id stored ($got)" || fail "build id stored" "want '$want' got '$got'"
got=$(sql "$DB" "SELECT sched_path FROM runs WHERE scheduler = 'exec:./extfifo'")
[ "$got" = "$(readlink -f "$EXT/extfifo")" ] && pass "resolved path stored" || fail "resolved path stored" "$got"
s1=$(sql "$DB" "SELECT text FROM sched_output o JOIN runs r ON r.id = o.run_id WHERE r.scheduler = 'exec:./extfifo -s 5000'")
s2=$(sql "$DB" "SELECT text FROM sched_output o JOIN runs r ON r.id = o.run_id WHERE r.scheduler = 'exec:./extfifo'")
grep -q 'slice_us=5000' <<<"$s1" && grep -q 'slice_us=20000' <<<"$s2" &&
	pass "each scheduler got its own arguments (slice 5000 vs default 20000)" ||
	fail "per-scheduler arguments reach the binary" "$(head -2 <<<"$s1") / $(head -2 <<<"$s2")"
args=$(sql "$DB" "SELECT sched_args FROM runs WHERE scheduler = 'exec:./extfifo -s 5000'")
sch=$(sql "$DB" "SELECT replace(schedulers, char(10), '|') FROM comparisons")
[ "$args" = '["-s","5000"]' ] && [ "$sch" = "exec:./extfifo -s 5000|exec:./extfifo|exec:./extfifo_static|exec:./extfifo -K" ] &&
	pass "arguments are part of the identity (comparison of 4 names, args stored)" ||
	fail "arguments in the identity" "args=$args schedulers=$sch"
k=$(sql "$DB" "SELECT text FROM sched_output o JOIN runs r ON r.id = o.run_id WHERE r.scheduler = 'exec:./extfifo -K'")
grep -q 'CONFIG_HZ=[0-9]' <<<"$k" && pass "__kconfig resolves in the guest (/boot/config of the guest kernel)" ||
	fail "__kconfig resolves in the guest" "$(tail -3 <<<"$k")"
# the table names the schedulers with their arguments, on stdout
grep -q 'exec:./extfifo -s 5000' "$TMP/c.out" && ! grep -q 'exec:./extfifo -s 5000' "$TMP/c.err" &&
	pass "the comparison table arrives on stdout" || fail "the comparison table arrives on stdout" "$(head -3 "$TMP/c.out")"
# one headline per scheduler against the baseline, names with their
# arguments; one run each decides nothing (n/a); 100 columns
w=$(python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$TMP/c.out")
[ "$(grep -c ' vs exec:./extfifo -s 5000 (baseline), 1 round, survival 1/1 vs 1/1$' "$TMP/c.out")" = 3 ] &&
	grep -qE '^  CPU hog work/s .*  n/a' "$TMP/c.out" && [ "$w" -le 100 ] &&
	pass "3 headlines against the baseline, n/a at one run, within 100 columns (widest $w)" ||
	fail "headlines of 4 exec: schedulers" "widest $w: $(head -12 "$TMP/c.out")"

# 11-14: by PATH lookup, --json on stdout equals the host database
PATH=$EXT:$PATH "$SCXB" run exec:extfifo --workload cpu --duration 1 --db "$DB" --json \
	>"$TMP/j.out" 2>"$TMP/j.err"
rc=$?
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/j.out" 2>/dev/null)
[ $rc = 0 ] && [ -n "$id" ] && pass "run exec:extfifo through PATH: --json parses from stdout alone" ||
	fail "run exec:extfifo through PATH" "rc=$rc $(head -c 300 "$TMP/j.out") $(tail -2 "$TMP/j.err")"
"$SCXB" show "$id" --json --db "$DB" >"$TMP/show.json" 2>&1
python3 - "$TMP/j.out" "$TMP/show.json" <<'PY' && pass "--json of the VM run equals show --json of the host database" || fail "--json equals show --json" "$(head -c 300 "$TMP/j.out")"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a == b, (a.keys(), b.keys())
assert a["place"] == "vm" and a["accel"] in ("tcg", "kvm") and a["guest_kernel"], a
PY
got=$(sql "$DB" "SELECT sched_path || ' ' || cmdline FROM runs WHERE id = $id")
[ "$got" = "$(readlink -f "$EXT/extfifo") scxbench run exec:extfifo --workload cpu --duration 1 --db $DB --json" ] &&
	pass "resolved through PATH, stored command as typed" || fail "PATH resolution and stored command" "$got"
prev=$(sql "$DB" "SELECT max(id) FROM runs WHERE id < $id")
[ "$id" = $((prev + 1)) ] && pass "the VM run's id follows the host database's ($id)" || fail "ids follow the host's" "id=$id prev=$prev"

# 15-18: a bad flag is a scheduler failure at load, with its exit status
"$SCXB" run exec:./extfifo --workload cpu --duration 1 --db "$DB" --reps 2 -- -Z >"$TMP/b.out" 2>"$TMP/b.err"
rc=$?
row=$(sql "$DB" "SELECT status || '|' || fail_stage || '|' || sched_exit_status FROM runs ORDER BY id DESC LIMIT 1")
[ $rc = 1 ] && [ "$row" = "sched_failed|load|2" ] && pass "bad flag: sched_failed, stage load, exit status 2, exit code 1" ||
	fail "bad flag: sched_failed at load" "rc=$rc row=$row"
grep -q "invalid option -- 'Z'" "$TMP/b.err" && [ "$(grep -c 'error:' "$TMP/b.err")" = 1 ] &&
	pass "bad flag: one error line quoting the scheduler's telling line" || fail "bad flag: the telling line" "$(cat "$TMP/b.err")"
n=$(sql "$DB" "SELECT count(*) FROM runs WHERE scheduler = 'exec:./extfifo -Z'")
[ "$n" = 1 ] && pass "bad flag: not repeated (1 run stored of --reps 2)" || fail "bad flag: not repeated" "$n runs"
grep -q 'sched_failed' "$TMP/b.out" && pass "bad flag: the run's summary on stdout" || fail "bad flag: summary on stdout" "$(cat "$TMP/b.out")"

# 19-21: a host-only script from this directory, under a loaded scheduler
cat > hostonly.sh <<'SH'
#!/bin/sh
echo "hostonly: $(pwd) ops=$(cat /sys/kernel/sched_ext/root/ops) policy=$(sed -n 's/^ext.enabled *: *//p' /proc/self/sched)"
echo "hostonly-stderr" >&2
exit 3
SH
chmod +x hostonly.sh
"$SCXB" load exec:./extfifo -- -s 3000 -- ./hostonly.sh >"$TMP/l.out" 2>"$TMP/l.err"
rc=$?
[ $rc = 3 ] && grep -q "^hostonly: $EXT ops=extfifo policy=1" "$TMP/l.out" &&
	pass "load --vm: a host-only script in the cwd runs under the scheduler, its exit code back" ||
	fail "load: host-only script under the scheduler" "rc=$rc $(cat "$TMP/l.out") $(tail -2 "$TMP/l.err")"
grep -q '^hostonly-stderr$' "$TMP/l.err" && ! grep -q hostonly-stderr "$TMP/l.out" &&
	pass "load: stdout and stderr each on their own stream" || fail "load: streams" "$(cat "$TMP/l.err")"

left=$(ls -A "$TMPDIR")
[ -z "$left" ] && [ -z "$(pgrep -f "qemu-system-x86_64.*$TMPDIR" || true)" ] &&
	pass "after normal exits: no QEMU, no temp dir" || fail "after normal exits: nothing left" "$left"

# 23-24: SIGINT mid-run: the guest stores the run aborted, the host imports it
before=$(sql "$DB" "SELECT count(*) FROM runs")
"$SCXB" run exec:./extfifo --workload cpu --duration 60 --db "$DB" >"$TMP/i.out" 2>"$TMP/i.err" &
pid=$!
for i in $(seq 100); do pgrep -P $pid -f qemu-system-x86_64 >/dev/null && break; sleep 0.2; done
sleep 15 # boot, load the scheduler, start the workload
kill -INT $pid
wait $pid; rc=$?
st=$(sql "$DB" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")
after=$(sql "$DB" "SELECT count(*) FROM runs")
[ $rc = 130 ] && [ "$st" = aborted ] && [ "$after" = $((before + 1)) ] &&
	pass "SIGINT of a VM run: exit 130, the run stored aborted" ||
	fail "SIGINT of a VM run" "rc=$rc status=$st runs $before -> $after: $(tail -3 "$TMP/i.err")"
left=$(ls -A "$TMPDIR")
[ -z "$left" ] && [ -z "$(pgrep -f "qemu-system-x86_64.*$TMPDIR" || true)" ] &&
	pass "SIGINT: no QEMU, no temp dir" || fail "SIGINT: nothing left" "$left"

# 25-26: SIGKILL of scxbench: QEMU dies with it, the next boot sweeps
"$SCXB" run exec:./extfifo --workload cpu --duration 60 --db "$DB" >/dev/null 2>&1 &
pid=$!
q=
for i in $(seq 100); do q=$(pgrep -P $pid -f qemu-system-x86_64 || true); [ -n "$q" ] && break; sleep 0.2; done
sleep 8
kill -KILL $pid
wait $pid 2>/dev/null
gone=no
for i in $(seq 30); do if [ -n "$q" ] && ! pid_running "$q"; then gone=yes; break; fi; sleep 0.1; done
[ $gone = yes ] && pass "SIGKILL: QEMU $q gone" || fail "SIGKILL: QEMU gone" "qemu '$q'"
"$SCXB" vm boot-test -q >/dev/null 2>&1
left=$(ls -A "$TMPDIR")
[ -z "$left" ] && pass "SIGKILL: the next boot removed the killed run's dirs" || fail "SIGKILL: dirs swept" "$left"
