# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the TAP shell tests (source it: . "$(dirname "$0")/../lib.sh").
#   plan N             print the plan
#   ok COND_CMD DESC   run a command; ok/not ok by its status
#   pass DESC / fail DESC [DIAG]
#   skip DESC REASON   a skipped test (prints the reason)
#   skip_all REASON    plan 0 with a reason, exit 0
# $SCXB is the binary, $TMP a scratch dir removed at exit.
#   make_helpers NAME...  build tests/host/NAME.c against the build under
#                         test, into $ROOT/$BUILD/tests/NAME
# SCXB_BUILD names the build under test (default build; make test-asan:
# build-asan, with SCXB_MAKE_VARS=SANITIZE=1 for make).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${SCXB_BUILD:-build}
SCXB=${SCXB:-$ROOT/$BUILD/scxbench}
TMP=$(mktemp -d /tmp/scxb-test-XXXXXX)
# KEEP_TMP=1 keeps the scratch dir (and says where) to look into a failure
trap 'if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $TMP" >&2; else rm -rf "$TMP"; fi' EXIT
__n=0

plan() { echo "1..$1"; }
pass() { __n=$((__n + 1)); echo "ok $__n - $1"; }
fail() { __n=$((__n + 1)); echo "not ok $__n - $1"; [ -n "${2:-}" ] && echo "# $2" | sed '2,$s/^/# /'; return 0; }
skip() { __n=$((__n + 1)); echo "ok $__n # SKIP $1: $2"; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
ok() { # ok DESC CMD...
	local desc=$1; shift
	local out
	if out=$("$@" 2>&1); then pass "$desc"; else fail "$desc" "$(printf '%s' "$out" | tail -5)"; fi
}
# sql DB QUERY: one value
sql() { sqlite3 -batch -noheader "$1" "$2"; }
# pid_running PID: the process exists and is not a zombie. A killed child
# whose parent died is reparented to PID 1; where PID 1 does not reap (some
# CI containers) it stays a zombie, which kill -0 still reports as alive.
pid_running() {
	local st
	st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
make_helpers() {
	local t=() h
	for h; do t+=("$BUILD/tests/$h"); done
	# shellcheck disable=SC2086 # SCXB_MAKE_VARS: VAR=VALUE words
	make -s -C "$ROOT" ${SCXB_MAKE_VARS:-} "${t[@]}"
}
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
# owned_dirs DIR PREFIX PID: the folders DIR/PREFIX* whose owner record
# (harness/owner.h: an "owner" file, "pid=N boot=... start=...") names PID
owned_dirs() {
	local d
	for d in "$1/$2"*; do
		[ -f "$d/owner" ] && grep -q "^pid=$3 " "$d/owner" && echo "$d"
	done
	return 0
}
# vm_lock: hold /tmp/scxb-vm.lock (one guest at a time on this machine)
# for the whole test. When whoever started us holds it already (`flock
# /tmp/scxb-vm.lock make test-vm` hands the locked descriptor down), that
# descriptor is used: opening the file again would wait for our own parent
# until the timeout. 0 when held, 1 after 15 minutes of waiting. At exit
# the test says how long it took once it held the lock (its own cost,
# without the wait for another test's guest).
vm_lock() {
	local fd t0=$SECONDS
	for fd in /proc/$$/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = /tmp/scxb-vm.lock ] || continue
		flock -n "${fd##*/}" 2>/dev/null && { vm_lock_held "$t0"; return 0; }
	done
	exec 9>/tmp/scxb-vm.lock
	flock -w 900 9 || return 1
	vm_lock_held "$t0"
}
vm_lock_held() {
	__vm_t=$SECONDS
	[ $((SECONDS - $1)) -gt 0 ] && echo "# waited $((SECONDS - $1)) s for the VM lock"
	trap 'echo "# $((SECONDS - __vm_t)) s with the VM lock"; rm -rf "$TMP"' EXIT
}
# need_guest: what every VM test needs, else skip_all with the reason: a
# build, a cached sched_ext kernel (sets $kdir), qemu, and the VM lock
# (held until the test exits: one guest at a time on this machine)
need_guest() {
	[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
	need_guest_kernel
	vm_lock || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 15 min"
}
# need_guest_kernel: a cached sched_ext kernel (sets $kdir) and qemu, else
# skip_all (tests that run on a sched_ext host directly call it only
# where the host has none)
need_guest_kernel() {
	kdir=${XDG_CACHE_HOME:-$HOME/.cache}/scxbench/kernels
	ls "$kdir"/*/vmlinuz >/dev/null 2>&1 || skip_all "no cached sched_ext kernel in $kdir (run: scxbench vm fetch)"
	command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed"
}
# two_kernels: k1, k2 = the two newest cached releases; with only one
# cached, k2 is its image again under another path ($TMP/other: cells of
# one release apart by path only) and two=no
two_kernels() {
	local rel
	mapfile -t rel < <(for d in "$kdir"/*/; do d=${d%/}; [ -L "$d" ] || [ ! -s "$d/vmlinuz" ] || basename "$d"; done | sort -Vr)
	k1=${rel[0]} two=yes
	if [ ${#rel[@]} -ge 2 ]; then
		k2=${rel[1]}
	else
		mkdir -p "$TMP/other" && cp "$kdir/$k1/vmlinuz" "$kdir/$k1/config" "$TMP/other/" &&
			ln -s "$kdir/$k1/modules" "$TMP/other/modules"
		k2=$TMP/other/vmlinuz two=no
		echo "# only $k1 is cached: its image again as $k2"
	fi
}
