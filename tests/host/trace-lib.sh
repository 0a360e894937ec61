# SPDX-License-Identifier: GPL-2.0
# Shared set-up for the trace-*.t tests (sourced, not run): builds the
# collector test driver and the controlled workloads into $T, and gives
# SKIP/TAP helpers. Needs root and tracefs; skips the whole file otherwise.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/scxb-trace-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
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

build_tools() {
	local O=$ROOT/build/obj objs
	objs="$O/harness/log.o $O/harness/util.o $O/harness/results.o $O/harness/store.o
	      $O/harness/store_schema.o $O/harness/store_trace.o $O/harness/store_import.o
	      $O/workloads/hist.o $O/collectors/registry.o $O/collectors/tracefs_record.o
	      $O/collectors/tracefs_parse.o $O/collectors/scx.o $O/collectors/system.o"
	make -s -C "$ROOT" ${objs//$ROOT\//} >"$T/build.log" 2>&1 &&
	cc -O2 -g -std=gnu11 -D_GNU_SOURCE -I"$ROOT/harness" -I"$ROOT/workloads" \
		-I"$ROOT/collectors" -o "$T/trace_driver" "$ROOT/tests/host/trace_driver.c" \
		$objs -ltracefs -ltraceevent -lsqlite3 -lpthread -lm >>"$T/build.log" 2>&1 &&
	cc -O2 -Wall -o "$T/trace_helper" "$ROOT/tests/host/trace_helper.c" -lpthread \
		>>"$T/build.log" 2>&1
}

# live (not zombie) trace recorder processes: the collector's readers
live_recorders() { pgrep -x -r R,S,D scxb-trace | tr '\n' ' ' | sed 's/ $//'; }
our_instances() { ls /sys/kernel/tracing/instances 2>/dev/null | grep -c '^scxbench-'; }
