# SPDX-License-Identifier: GPL-2.0
# Shared set-up for the trace-*.t tests (sourced, not run): builds the
# collector test driver and the controlled workloads into $T, and gives
# SKIP/TAP helpers. Needs root and tracefs; skips the whole file otherwise.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/scxb-trace-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
# what the driver and scxbench leave after a SIGKILL goes with $T
mkdir -p "$T/tmp" && export TMPDIR=$T/tmp
n=0
ok()   { n=$((n + 1)); echo "ok $n - $*"; }
nok()  { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

[ "$(id -u)" = 0 ] || skip_all "needs root (tracefs)"
if [ ! -d /sys/kernel/tracing/events ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
		skip_all "tracefs not mounted and cannot be mounted"
fi
[ -d /sys/kernel/tracing/events/sched ] || skip_all "kernel has no sched tracepoints"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI missing"

# the build under test (tests/lib.sh, which this file does not source)
BUILD=${SCXB_BUILD:-build}
SCXB=${SCXB:-$ROOT/$BUILD/scxbench}
build_tools() {
	# built by the Makefile against this build's objects (make helpers)
	# shellcheck disable=SC2086 # SCXB_MAKE_VARS: VAR=VALUE words
	make -s -C "$ROOT" ${SCXB_MAKE_VARS:-} "$BUILD/tests/trace_driver" "$BUILD/tests/trace_helper" \
		>"$T/build.log" 2>&1 &&
	cp "$ROOT/$BUILD/tests/trace_driver" "$ROOT/$BUILD/tests/trace_helper" "$T/"
}

# live (not zombie) trace recorder processes: the collector's readers
live_recorders() { pgrep -x -r R,S,D scxb-trace | tr '\n' ' ' | sed 's/ $//'; }
our_instances() { ls /sys/kernel/tracing/instances 2>/dev/null | grep -c '^scxbench-'; }
