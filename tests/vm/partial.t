#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --partial in the QEMU guest: tests/vm/partial-guest.sh (TAP) runs there
# through `scxbench vm exec`, beside a busy loop that is not the workload,
# with the extfifo fixtures (tests/vm/ext/build.sh, built here: their -p
# is the exec: scheduler's own partial flag). On a sched_ext host the
# script runs here directly.
. "$(dirname "$0")/../lib.sh"
guest=$ROOT/tests/vm/partial-guest.sh
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
EXT=$TMP/ext
"$ROOT/tests/vm/ext/build.sh" "$EXT" >"$TMP/build.log" 2>&1 || EXT=
if [ -d /sys/kernel/sched_ext ]; then
	echo "# this kernel has sched_ext: running on the host"
	SCXBENCH=$SCXB exec bash "$guest" "$EXT"
fi
"$SCXB" vm list 2>/dev/null | awk 'NR > 1 && $0 ~ /yes/' | grep -q . ||
	skip_all "no cached sched_ext kernel (scxbench vm list shows none; run: scxbench vm fetch)"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed"
exec 9>/tmp/scxb-vm.lock
flock -w 900 9 || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 15 min"
[ -n "$EXT" ] || echo "# fixtures not built (the exec: part is skipped): $(tail -1 "$TMP/build.log")"
SCXBENCH=$SCXB timeout 900 "$SCXB" vm exec -- bash "$guest" "$EXT"
rc=$?
[ $rc = 0 ] || echo "# vm exec: exit $rc"
exit $rc
