#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input to the VM place, host side: every case must fail with one clear
# line and a non-zero exit, before or without leaving a QEMU behind. Only
# the truncated-download case boots nothing either: the checks run first.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
"$SCXB" vm --help >/dev/null 2>&1 || skip_all "this build has no 'vm' command"
plan 18
export TMPDIR=$TMP/tmpd
mkdir -p "$TMPDIR"

# A fake cache with a file that passes the bzImage header checks: the
# config decides sched_ext before any boot.
mkcache() { # DIR CONFIG-LINE
	local k=$1/scxbench/kernels/9.9.9-test
	mkdir -p "$k"
	python3 - "$k/vmlinuz" <<'PY'
import sys
b = bytearray(2 << 20)
b[0x1f1] = 4                                   # setup_sects
b[0x1f4:0x1f8] = ((len(b) - 5 * 512) // 16).to_bytes(4, "little")
b[0x1fe:0x200] = b"\x55\xaa"
b[0x202:0x206] = b"HdrS"
open(sys.argv[1], "wb").write(b)
PY
	echo "$2" > "$k/config"
	ln -sfn 9.9.9-test "$1/scxbench/kernels/current"
}

# 1-3: no cached kernel at all
out=$(XDG_CACHE_HOME=$TMP/empty "$SCXB" vm boot-test 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q 'scxbench vm fetch' <<<"$out" && [ "$(wc -l <<<"$out")" = 1 ]; then
	pass "no cached kernel: boot-test fails, one line naming 'scxbench vm fetch'"
else
	fail "no cached kernel: boot-test fails, one line naming 'scxbench vm fetch'" "rc=$rc: $out"
fi
out=$(XDG_CACHE_HOME=$TMP/empty "$SCXB" vm list 2>&1)
if grep -q 'scxbench vm fetch' <<<"$out"; then pass "vm list with an empty cache says what to run"
else fail "vm list with an empty cache says what to run" "$out"; fi
if [ -d /sys/kernel/sched_ext ]; then
	skip "run simple without a cached kernel" "this host has sched_ext: no VM needed"
else
	out=$(cd "$TMP" && XDG_CACHE_HOME=$TMP/empty "$SCXB" run simple --workload cpu --duration 1 --db "$TMP/x.db" 2>&1); rc=$?
	if [ $rc -ne 0 ] && grep -q 'scxbench vm fetch' <<<"$out"; then
		pass "run simple without sched_ext nor a cached kernel names 'scxbench vm fetch'"
	else
		fail "run simple without sched_ext nor a cached kernel names 'scxbench vm fetch'" "rc=$rc: $out"
	fi
fi

# 4-6: images that are not a usable bzImage
head -c 3000000 /dev/urandom > "$TMP/random.img"
out=$("$SCXB" vm boot-test --kernel "$TMP/random.img" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q 'not an x86 bzImage' <<<"$out"; then pass "random bytes as kernel: not an x86 bzImage"
else fail "random bytes as kernel: not an x86 bzImage" "rc=$rc: $out"; fi
real=$(readlink -f "${XDG_CACHE_HOME:-$HOME/.cache}/scxbench/kernels/current/vmlinuz" 2>/dev/null)
if [ -f "$real" ]; then
	head -c 3000000 "$real" > "$TMP/trunc.img"
	out=$("$SCXB" vm boot-test --kernel "$TMP/trunc.img" 2>&1); rc=$?
	if [ $rc -ne 0 ] && grep -q 'is truncated' <<<"$out"; then pass "a truncated real kernel is named truncated"
	else fail "a truncated real kernel is named truncated" "rc=$rc: $out"; fi
else
	skip "truncated kernel" "no cached kernel to cut (scxbench vm fetch)"
fi
out=$("$SCXB" vm boot-test --kernel "$TMP/does-not-exist" 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q 'does-not-exist: No such file' <<<"$out"; then pass "missing --kernel file is named"
else fail "missing --kernel file is named" "rc=$rc: $out"; fi

# 7: a kernel whose config lacks sched_ext
mkcache "$TMP/noscx" "# CONFIG_SCHED_CLASS_EXT is not set"
out=$(XDG_CACHE_HOME=$TMP/noscx "$SCXB" vm boot-test 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q 'has no sched_ext' <<<"$out"; then pass "kernel without CONFIG_SCHED_CLASS_EXT refused before boot"
else fail "kernel without CONFIG_SCHED_CLASS_EXT refused before boot" "rc=$rc: $out"; fi

# 8: QEMU missing (PATH without it; the binary itself needs no PATH; a
# copy of it, away from the private QEMU that make deps puts in build/tools)
mkcache "$TMP/scx" "CONFIG_SCHED_CLASS_EXT=y"
mkdir -p "$TMP/lone" && cp "$SCXB" "$TMP/lone/scxbench"
out=$(XDG_CACHE_HOME=$TMP/scx PATH=/nonexistent SCXB_QEMU= "$TMP/lone/scxbench" vm boot-test 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q 'qemu-system-x86_64 not found' <<<"$out"; then pass "QEMU missing from PATH: named"
else fail "QEMU missing from PATH: named" "rc=$rc: $out"; fi

# 9: vm list marks sched_ext and the current kernel (no source record,
# no BTF: '-', no, and the event counters unknown)
out=$(XDG_CACHE_HOME=$TMP/scx "$SCXB" vm list 2>&1)
if grep -Eq '^9\.9\.9-test +- +yes +no +\? +2\.0 MiB +[0-9]+ MiB +\*' <<<"$out"; then pass "vm list: release, source, sched_ext yes, BTF, size, current"
else fail "vm list: release, source, sched_ext yes, BTF, size, current" "$out"; fi

# 10-12: bad usage exits 2
"$SCXB" vm boot-test --vm-cpus 0 >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && pass "--vm-cpus 0 is bad usage (2)" || fail "--vm-cpus 0 is bad usage (2)" "rc=$rc"
"$SCXB" vm boot-test --vm-mem lots >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && pass "--vm-mem lots is bad usage (2)" || fail "--vm-mem lots is bad usage (2)" "rc=$rc"
"$SCXB" vm frobnicate >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && pass "unknown vm subcommand is bad usage (2)" || fail "unknown vm subcommand is bad usage (2)" "rc=$rc"

# 13-17: kernels and topologies named wrong are refused before the
# benchmark lock, a boot or a database (exit 2, one line)
printf 'dist=sid\nversion=9.9.9-1\n' > "$TMP/scx/scxbench/kernels/9.9.9-test/source"
mkdir -p "$TMP/scx/scxbench/kernels/9.9.10-test"
out=$(XDG_CACHE_HOME=$TMP/scx "$SCXB" vm list 2>&1)
grep -Eq '^9\.9\.9-test +sid 9\.9\.9-1 +yes' <<<"$out" && grep -Eq '^9\.9\.10-test +- +unknown' <<<"$out" &&
	[ "$(grep -n 9.9.10 <<<"$out" | cut -d: -f1)" -lt "$(grep -n 9.9.9-test <<<"$out" | cut -d: -f1)" ] &&
	pass "vm list: the source record shown, newest release first" || fail "vm list with a source record" "$out"
out=$(cd "$TMP" && XDG_CACHE_HOME=$TMP/scx "$SCXB" run eevdf --workload cpu --duration 1 --kernel 9.9 --db "$TMP/k.db" --no-wait 2>&1); rc=$?
[ $rc = 2 ] && grep -q '2 cached kernels start so' <<<"$out" && [ ! -e "$TMP/k.db" ] &&
	pass "--kernel 9.9: ambiguous prefix refused, nothing stored" || fail "--kernel ambiguous" "rc=$rc: $out"
out=$(cd "$TMP" && XDG_CACHE_HOME=$TMP/scx "$SCXB" compare eevdf eevdf --workload cpu --duration 1 --kernels 9.9.9-test,nope --db "$TMP/k.db" --no-wait 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'nope: neither a file nor a cached kernel (cached: 9.9.10-test, 9.9.9-test' <<<"$out" && [ ! -e "$TMP/k.db" ] &&
	pass "--kernels with an unknown name: refused naming what is cached" || fail "--kernels unknown" "rc=$rc: $out"
bad=0
for spec in 2s2c 2x2c2t 3n2s1c1t 1s2l2c1t 65s1c1t 1s2c1t,2s; do
	out=$(cd "$TMP" && "$SCXB" run eevdf --workload cpu --duration 1 --topology "$spec" --db "$TMP/t.db" --no-wait 2>&1); rc=$?
	{ [ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q -- "--topology" <<<"$out"; } || { bad=1; echo "# $spec: rc=$rc $out"; }
done
[ $bad = 0 ] && [ ! -e "$TMP/t.db" ] && [ -z "$(pgrep -f "qemu-system-x86_64.*$TMPDIR" || true)" ] &&
	pass "bad topologies refused before any boot, one line each" || fail "bad topologies"
out=$(cd "$TMP" && "$SCXB" run eevdf --workload cpu --duration 1 --host --topology 4s4c2t --db "$TMP/t.db" --no-wait 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'this system has .* not the 32 CPUs of 4s4c2t' <<<"$out" && [ ! -e "$TMP/t.db" ] &&
	pass "--host --topology: this host's shape is checked, another refused" || fail "--host --topology" "rc=$rc: $out"

# 18: nothing left behind by any of the above (vm.c makes its temp dirs in $TMPDIR)
left=$(ls -A "$TMPDIR")
[ -z "$left" ] && pass "no temp dir left behind" || fail "no temp dir left behind" "$left"
