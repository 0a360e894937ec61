#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The shape of the tree, checked from its #include lines (README:
# Architecture). Each folder is a layer; a file may include headers of its
# own folder and of lower layers only:
#
#   0  harness/lib  bpf (shared headers)      log, util, json, escape, hist,
#                                             results, owner, run status, names
#   1  harness/store  harness/stats  workloads
#   2  collectors  harness/sched  harness/vm
#   3  harness/core                           plan, place, runner, compare
#   4  reports
#   5  harness/ci
#   6  harness/cli                            main, one file per command
#
# Also: every quoted include is written from the repo root (a reader sees
# where each header lives), except generated ones (version.h, *.skel.h,
# skels.h, scx_exit_kinds.h, scx_ops_flags.h in the build folder);
# and no source file passes 800 lines unless its header comment says why
# (a line containing "long file:"). Prints one line per violation; exit 1
# when there is any.
cd "$(dirname "$0")/.." || exit 2

layer_of() {
	case $1 in
	harness/lib/* | bpf/*) echo 0 ;;
	harness/store/* | harness/stats/* | workloads/*) echo 1 ;;
	collectors/* | harness/sched/* | harness/vm/*) echo 2 ;;
	harness/core/*) echo 3 ;;
	reports/*) echo 4 ;;
	harness/ci/*) echo 5 ;;
	harness/cli/*) echo 6 ;;
	*) echo -1 ;;
	esac
}

bad=0
files=$(git ls-files 'harness/*.[ch]' 'workloads/*.[ch]' 'collectors/*.[ch]' 'reports/*.[ch]' 2>/dev/null)
[ -n "$files" ] || files=$(find harness workloads collectors reports -name '*.[ch]')
for f in $files; do
	fl=$(layer_of "$f")
	if [ "$fl" = -1 ]; then
		echo "$f: not in a layer (harness/ holds only the layer folders)"
		bad=1
		continue
	fi
	while IFS= read -r line; do
		n=${line%%:*}
		h=$(sed -E 's/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]+"([^"]+)".*/\1/' <<<"$line")
		case $h in
		version.h | *.skel.h | skels.h | scx_exit_kinds.h | scx_ops_flags.h) continue ;;
		esac
		if [ ! -f "$h" ]; then
			echo "$f:$n: #include \"$h\" is not a path from the repo root"
			bad=1
			continue
		fi
		hl=$(layer_of "$h")
		if [ "$(dirname "$h")" != "$(dirname "$f")" ] && { [ "$hl" = -1 ] || [ "$hl" -ge "$fl" ]; }; then
			echo "$f:$n: includes $h: layer $hl is not below layer $fl ($(dirname "$f"))"
			bad=1
		fi
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$f")
	lines=$(wc -l < "$f")
	if [ "$lines" -gt 800 ] && ! head -40 "$f" | grep -q 'long file:'; then
		echo "$f: $lines lines, and its header does not say why (\"long file: ...\")"
		bad=1
	fi
done
exit $bad
