# SPDX-License-Identifier: GPL-2.0
# Shared by tests/host/report-*.t and scripts/bench-report.sh: builds the
# synthetic-database generator (tests/host/report-gen.c) against the
# store objects. gen_db DB NRUNS [SCHEDS] [SHIFT] prints the comparison id.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
GEN=$TMP/report-gen

build_gen() {
	local O=$ROOT/build/obj objs
	objs="$O/harness/log.o $O/harness/util.o $O/harness/results.o $O/harness/store.o
	      $O/harness/store_schema.o $O/harness/store_trace.o $O/harness/store_import.o
	      $O/harness/store_query.o $O/harness/store_compare.o $O/harness/stats.o
	      $O/workloads/hist.o"
	make -s -C "$ROOT" ${objs//$ROOT\//} >"$TMP/build.log" 2>&1 &&
	cc -O2 -g -std=gnu11 -D_GNU_SOURCE -I"$ROOT/harness" -I"$ROOT/workloads" \
		-I"$ROOT/collectors" -o "$GEN" "$ROOT/tests/host/report-gen.c" \
		$objs -lsqlite3 -lm >>"$TMP/build.log" 2>&1
}

gen_db() { "$GEN" "$@"; }
