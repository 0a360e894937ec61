# SPDX-License-Identifier: GPL-2.0
# Sourced by the benchmark scripts and the timing-sensitive tests: take the
# machine's benchmark lock (the one every scxbench that runs workloads
# takes, harness/lib/bench_lock.h) on fd 8 for the whole script, so that
# neither scxbench nor the peer tools timed beside it share the machine
# with another benchmark; the scxbench started from here is told that the
# lock is held for it. Waits, saying so, when another benchmark runs.
if [ -n "${SCXB_BENCH_LOCK:-}" ]; then
	bench_lock=$SCXB_BENCH_LOCK
elif [ -w /run ]; then
	bench_lock=/run/scxbench.lock
elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then
	bench_lock=$XDG_RUNTIME_DIR/scxbench.lock
else
	bench_lock=${TMPDIR:-/tmp}/scxbench.lock
fi
if [ "${SCXB_BENCH_LOCK_HELD:-}" != "$bench_lock" ]; then
	exec 8>>"$bench_lock"
	if ! flock -n 8; then
		echo "# another benchmark is running on this machine ($(tail -1 "$bench_lock" 2>/dev/null)): waiting" >&2
		flock 8
	fi
	export SCXB_BENCH_LOCK_HELD=$bench_lock
fi
