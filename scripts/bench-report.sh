#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Report generation benchmark: a comparison of 100 runs with latency
# histograms (20 000 samples each), probe task rows and kept events, built
# through the store API; time `scxbench report` for all figures in one
# format (target < 5 s), for each format. With --docs, copy the CDF and
# percentile figures to docs/ for the README.
set -u
. "$(dirname "$0")/../tests/host/report-lib.sh"
docs=0; [ "${1:-}" = --docs ] && docs=1
. "$ROOT/scripts/bench-lock.sh"
build_gen || { cat "$TMP/build.log"; exit 2; }
gen_db "$TMP/bench.db" 100 eevdf,simple,vtime 0.3 >/dev/null || exit 2
echo "database: 100 runs, $(du -h "$TMP/bench.db" | cut -f1), $(sqlite3 "$TMP/bench.db" 'SELECT COUNT(*) FROM histograms') histograms"
worst=0
for fmt in png svg pdf; do
	s=$(bash -c 't0=$(date +%s.%N); "$0" report -q --db "$1" --out "$2" --format "$3" || exit 2
		t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" "BEGIN{printf \"%.2f\", b-a}"' \
		"$SCXB" "$TMP/bench.db" "$TMP/$fmt" $fmt) || exit 2
	echo "report --format $fmt: $s s, $(ls "$TMP/$fmt"/*.$fmt | wc -l) figures (target < 5 s)"
	awk -v s="$s" -v w="$worst" 'BEGIN{exit !(s > w)}' && worst=$s
done
if [ $docs = 1 ]; then
	mkdir -p "$ROOT/docs"
	cp "$TMP/png/cdf_wakeup_lat.png" "$ROOT/docs/report-cdf.png"
	cp "$TMP/png/pctl_wakeup_lat.png" "$ROOT/docs/report-percentiles.png"
	echo "docs/report-cdf.png, docs/report-percentiles.png written"
fi
awk -v w="$worst" 'BEGIN{exit !(w < 5)}' && echo "PASS: slowest format $worst s < 5 s" ||
	{ echo "FAIL: slowest format $worst s >= 5 s"; exit 1; }
