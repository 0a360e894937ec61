#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: every benchmark, one after the other (never two at once on
# a 2-core machine), each printing its figures side by side with the peer
# tool measured in the same run (each script takes the machine's benchmark
# lock, scripts/bench-lock.sh). BENCH=name runs one (workloads, trace,
# report, guest, vm; virtme-ng only by name).
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
for b in workloads trace report guest vm virtme-ng; do
	[ -n "${BENCH:-}" ] && [ "$BENCH" != "$b" ] && continue
	# virtme-ng's boots take minutes: only when asked for by name
	[ "$b" = virtme-ng ] && [ "${BENCH:-}" != virtme-ng ] && continue
	s=scripts/bench-$b.sh
	if [ ! -x "$s" ]; then
		echo "bench $b: $s missing" >&2
		rc=1
		continue
	fi
	echo "=== bench $b"
	"$s" || rc=1
done
exit $rc
