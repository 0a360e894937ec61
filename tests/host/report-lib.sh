# SPDX-License-Identifier: GPL-2.0
# Shared by tests/host/report-*.t and scripts/bench-report.sh: builds the
# synthetic-database generator (tests/host/report-gen.c) against the
# store objects. gen_db DB NRUNS [SCHEDS] [SHIFT] prints the comparison id.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
GEN=$TMP/report-gen

build_gen() {
	# built by the Makefile against this build's objects (make helpers)
	make_helpers report-gen >"$TMP/build.log" 2>&1 &&
	cp "$ROOT/$BUILD/tests/report-gen" "$GEN"
}

gen_db() { "$GEN" "$@"; }
