#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `scxbench export RUN... --format perfetto` on real runs of this host:
# two short mixed runs kept with --keep-events become one trace, which is
# decoded by an independent protobuf implementation (protoc --decode_raw,
# and python3-protobuf with Perfetto's own field numbers in
# tests/host/perfetto/trace_min.proto) and checked against the database by
# tests/host/perfetto_check.py: event counts per run and type, per-CPU
# order and fields, thread names, counter values, run slices, outliers. Then runs
# that overlap in time (as from two boots) are laid out one after the
# other, and bad requests are refused.
. "$(dirname "$0")/../lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
command -v protoc >/dev/null || skip_all "protoc missing (make deps: protobuf-compiler)"
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import google.protobuf' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || skip_all "no python3 with google.protobuf (make deps: python3-protobuf)"
if [ -d /sys/kernel/sched_ext ] && [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; then
	skip_all "a sched_ext scheduler is active on this host"
fi
NCHECK=19 # lines perfetto_check.py prints
plan $((8 + 2 * NCHECK))
DB=$TMP/p.db
OUT=$TMP/runs.pftrace
protoc -I"$ROOT/tests/host/perfetto" --python_out="$TMP" "$ROOT/tests/host/perfetto/trace_min.proto" ||
	fail "protoc compiles trace_min.proto"

ok "two mixed runs with --keep-events and --dump-on-outlier" "$SCXB" run eevdf --workload mixed \
	--duration 1 --reps 2 --keep-events --dump-on-outlier 1us --outlier-dumps 2 --db "$DB" -q
"$SCXB" export 1 2 --format perfetto -o "$OUT" --db "$DB" >"$TMP/e.out" 2>&1
rc=$?
[ $rc = 0 ] && [ -s "$OUT" ] && pass "export 1 2 --format perfetto -o FILE: exit 0 ($(stat -c %s "$OUT") bytes)" ||
	fail "export: exit $rc" "$(cat "$TMP/e.out")"
protoc --decode_raw <"$OUT" >"$TMP/raw.txt" 2>&1 && grep -q '^1 {' "$TMP/raw.txt" &&
	pass "protoc --decode_raw reads it as a protobuf message" || fail "protoc --decode_raw" "$(head -3 "$TMP/raw.txt")"
"$PY" "$ROOT/tests/host/perfetto_check.py" "$OUT" "$DB" "$TMP" 1 2 >"$TMP/c1" 2>&1
while IFS= read -r line; do
	case $line in
	PASS*) pass "${line#PASS }" ;;
	FAIL*) fail "${line#FAIL }" ;;
	*) echo "# $line" ;;
	esac
done <"$TMP/c1"
[ "$(grep -c '^PASS\|^FAIL' "$TMP/c1")" = $NCHECK ] || fail "perfetto_check.py ran every check" "$(tail -3 "$TMP/c1")"

# runs from two boots overlap in time: the second goes after the first
cp "$DB" "$TMP/o.db"
sqlite3 "$TMP/o.db" "UPDATE events SET ts = ts - (SELECT max(ts) FROM events WHERE run_id = 1)
	+ (SELECT min(ts) FROM events WHERE run_id = 1) + 1000 WHERE run_id = 2"
"$SCXB" export 2 1 --format perfetto --db "$TMP/o.db" >"$TMP/o.pftrace" 2>"$TMP/o.err"
rc=$?
[ $rc = 0 ] && pass "export to a pipe, runs overlapping in time" || fail "overlapping runs: exit $rc" "$(cat "$TMP/o.err")"
"$PY" "$ROOT/tests/host/perfetto_check.py" "$TMP/o.pftrace" "$TMP/o.db" "$TMP" 2 1 >"$TMP/c2" 2>&1
while IFS= read -r line; do
	case $line in
	PASS*) pass "overlapping: ${line#PASS }" ;;
	FAIL*) fail "overlapping: ${line#FAIL }" ;;
	*) echo "# $line" ;;
	esac
done <"$TMP/c2"
[ "$(grep -c '^PASS\|^FAIL' "$TMP/c2")" = $NCHECK ] || fail "perfetto_check.py ran every check (overlapping)" "$(tail -3 "$TMP/c2")"

# refusals
"$SCXB" run eevdf --workload cpu --duration 0.5 --db "$DB" -q >/dev/null 2>&1
out=$("$SCXB" export 3 --format perfetto -o "$TMP/x.pftrace" --db "$DB" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "no kept events" && [ ! -e "$TMP/x.pftrace" ] &&
	pass "a run without kept events: exit 2, says so, no file left" || fail "run without events: exit $rc" "$out"
out=$("$SCXB" export --format perfetto --table runs -o "$TMP/y" --db "$DB" 2>&1); rc=$?
[ $rc = 2 ] && pass "--table with perfetto: exit 2" || fail "--table with perfetto: exit $rc" "$out"
"$SCXB" export --format perfetto --db "$DB" >"$TMP/all.pftrace" 2>"$TMP/all.err"
rc=$?
n=$(protoc --decode_raw <"$TMP/all.pftrace" | grep -c '"run [0-9]*: ')
[ $rc = 0 ] && [ "$n" -ge 2 ] && pass "no RUN: every run that kept its events (runs 1 and 2, not 3)" ||
	fail "export of every run: exit $rc, $n run tracks" "$(cat "$TMP/all.err")"
out=$("$SCXB" export 1 --format csv --table runs --db "$DB" 2>&1)
[ "$(echo "$out" | wc -l)" = 2 ] && echo "$out" | tail -1 | grep -q '^1,eevdf,mixed' &&
	pass "RUN ids select runs for csv too" || fail "export 1 --format csv --table runs" "$out"
