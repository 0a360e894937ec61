#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fault suite on this host (eevdf: this kernel has no sched_ext): one
# case per fault, each checked as tests/faults/lib.sh says (exit status,
# one line, integrity, earlier runs intact, the run aborted or absent,
# nothing left behind). SIGINT, SIGTERM and SIGKILL at every phase of a
# run; the recorder, a workload child killed; disk full for the database,
# the trace files and a report; a database locked, with and without a
# dangling run; the database on a read-only mount (with and without a
# log waiting); a corrupted database; a second scxbench at once; a killed
# and an interrupted comparison; usage errors, decided before anything is
# stored (the database file stays byte-identical).
. "$(dirname "$0")/lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "$SCXB not built"
[ -d /sys/kernel/tracing/instances ] || skip_all "no tracefs at /sys/kernel/tracing"
command -v python3 >/dev/null || skip_all "python3 missing (holds the database lock)"
PHASES="sched-start collector-start workload collector-stop store"
plan 55
RUN=("$SCXB" run eevdf --workload cpu --duration 0.5 --hogs 2 -q)
SMALL=$TMP/small

# the earlier runs every case must leave alone: a traced run and a
# two-round comparison
"$SCXB" run eevdf --workload cpu --duration 0.3 --db "$DB" -q --label seed >/dev/null 2>&1 &&
	"$SCXB" compare eevdf eevdf --workload cpu --duration 0.2 --reps 2 --db "$DB" --no-report -q \
		>/dev/null 2>&1 || { echo "Bail out! cannot seed $DB"; exit 1; }

# 1-15: a signal for scxbench at each phase of a run
for p in $PHASES; do
	for a in int term kill; do
		case_begin "SIG${a^^} at $p" host "SIG${a^^} at $p"
		run_fg env SCXB_FAULT="$p:$a" "${RUN[@]}" --db "$DB"
		# a signal that lands once the workload ended: the run is
		# complete and stored ok, and the command still says it was
		# interrupted
		done_run=aborted; [ $p = store ] && done_run=ok
		case $a in
		int) case_end 130 $done_run 'run: interrupted by Interrupt' ;;
		term) case_end 143 $done_run 'run: interrupted by Terminated' ;;
		kill) case_end 137 aborted - recover ;;
		esac
	done
done

# 16-17: a process of the run killed under it
case_begin "recorder killed" host "kill of the recorder"
run_fg env SCXB_FAULT='workload:sh:pkill -KILL -P $SCXB_FAULT_PID -x scxb-trace' "${RUN[@]}" --db "$DB"
case_end 1 failed:collector 'out:collector tracefs failed during the run \(trace recorder process killed by signal 9\)'
case_begin "workload child killed" host "kill of a workload child"
run_fg env SCXB_FAULT='workload:sh:pkill -KILL -o -P $SCXB_FAULT_PID scxb-hog' "${RUN[@]}" --db "$DB"
case_end 1 failed:workload 'out:workload cpu failed: a hog exited during the run'

# 18-21: disk full: the database's file system, the trace files', a report's
mkdir -p "$SMALL"
mount -t tmpfs -o size=1m tmpfs "$SMALL" || { echo "Bail out! cannot mount a tmpfs"; exit 1; }
trap 'umount "$SMALL" 2>/dev/null; umount "$TMPDIR" 2>/dev/null; rm -rf "$TMP"' EXIT
cp "$DB" "$SMALL/f.db"
free_kb() { df -k --output=avail "$1" | tail -1; }
fill_to() { # DIR KB: leave about KB free
	local n=$(( $(free_kb "$1") - $2 ))
	[ "$n" -gt 0 ] && dd if=/dev/zero of="$1/filler" bs=1k count=$n status=none 2>/dev/null
	return 0
}
# room to open the database (its -shm), not to store the run; then the
# user frees space and runs again
fill_to "$SMALL" 100
case_begin "disk full (database)" host "disk full: database" "$SMALL/f.db"
run_fg "${RUN[@]}" --db "$SMALL/f.db"
rm -f "$SMALL/filler"
case_end 2 'failed:store|absent|aborted' 'f.db: (cannot record the run|could not store run [0-9]+): database or disk is full' recover
case_begin "disk full (no room at all)" host "disk full: database, 0 bytes free" "$SMALL/f.db"
fill_to "$SMALL" 0
run_fg "${RUN[@]}" --db "$SMALL/f.db"
rm -f "$SMALL/filler"
case_end 2 absent 'f.db: cannot read it: disk I/O error \(No space left on device\)'
rm -f "$SMALL"/f.db*
mount -t tmpfs -o size=4k tmpfs "$TMPDIR"
case_begin "disk full (trace files)" host "disk full: TMPDIR"
run_fg "${RUN[@]}" --db "$DB"
# (which reader meets the full disk first, or the start, depends on timing)
case_end 1 failed:collector 'out:collector tracefs failed .*No space left on device'
umount "$TMPDIR"
make_helpers report-gen >/dev/null 2>&1
"$ROOT/$BUILD/tests/report-gen" "$TMP/rep.db" 12 eevdf,simple >/dev/null 2>&1 || true
fill_to "$SMALL" 100
case_begin "disk full (report)" host "disk full: report --out" "$TMP/rep.db"
run_fg "$SCXB" report --db "$TMP/rep.db" --out "$SMALL/report" --format png,svg
check "a partial report folder is left: $(ls -A "$SMALL" | tr '\n' ' ')" test "$(ls -A "$SMALL")" = filler
case_end 2 unchanged 'report: .*No space left on device'
rm -f "$SMALL/filler"

# 22-25: the database on a read-only mount: written to, refused in one
# line; read (show, report), it is read as it stands; a log (-wal) that
# waits there cannot be read without its -shm: refused in one line
RO=$TMP/ro
mkdir -p "$RO"
mount -t tmpfs -o size=4m tmpfs "$RO" || { echo "Bail out! cannot mount a tmpfs"; exit 1; }
trap 'umount "$SMALL" "$RO" 2>/dev/null; umount "$TMPDIR" 2>/dev/null; rm -rf "$TMP"' EXIT
cp "$DB" "$RO/f.db"
mount -o remount,ro "$RO"
case_begin "read-only database: run" host "read-only mount: run" "$RO/f.db"
run_fg "${RUN[@]}" --db "$RO/f.db"
case_end 2 unchanged 'f.db: its folder is not writable \(Read-only file system\).*to write it'
case_begin "read-only database: show" host "read-only mount: show" "$RO/f.db"
run_fg "$SCXB" show --db "$RO/f.db"
check "show does not list the seed run" grep -q seed "$OUT"
case_end 0 unchanged -
case_begin "read-only database: report" host "read-only mount: report" "$RO/f.db"
run_fg "$SCXB" report --db "$RO/f.db" --out "$TMP/ro-report" --format svg -q
check "no report.md written" test -s "$TMP/ro-report/report.md"
case_end 0 unchanged -
rm -rf "$TMP/ro-report"
umount "$RO"
mount -t tmpfs -o size=4m tmpfs "$RO"
cp "$DB" "$TMP/wal.db"
# a committed change left in the log, not yet in the database file
python3 -c '
import sqlite3, os, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("UPDATE runs SET label = ? WHERE id = (SELECT min(id) FROM runs)", ("in the log",))
os._exit(0)' "$TMP/wal.db"
cp "$TMP/wal.db" "$TMP/wal.db-wal" "$RO/"
mv "$RO/wal.db" "$RO/f.db"; mv "$RO/wal.db-wal" "$RO/f.db-wal"
mount -o remount,ro "$RO"
case_begin "read-only database with its log" host "read-only mount, log waiting: show" "$RO/f.db"
check "the log is empty" test -s "$RO/f.db-wal"
run_fg "$SCXB" show --db "$RO/f.db"
case_end 2 unchanged 'f.db: its folder is not writable \(Read-only file system\).*to read its log'
umount "$RO"
rm -f "$TMP"/wal.db*

# 26-28: another process holds the database's write lock
hold_lock() { # DB SECONDS: in the background; returns once it holds the lock
	rm -f "$TMP/locked"
	python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")' "$1" "$2" "$TMP/locked" &
	LOCKER=$!
	for _ in $(seq 100); do [ -e "$TMP/locked" ] && return 0; sleep 0.05; done
	return 1
}
case_begin "database locked" host "database locked (8 s)"
hold_lock "$DB" 8
run_fg "${RUN[@]}" --db "$DB"
wait $LOCKER
case_end 2 absent 'f.db: cannot record the run: another process held its write lock for over 5 s'
case_begin "database locked, dangling run" host "database locked + dangling run"
{ env SCXB_FAULT=workload:kill "${RUN[@]}" --db "$DB" >/dev/null 2>&1; } 2>/dev/null
hold_lock "$DB" 8
t0=$(date +%s.%N)
run_fg "${RUN[@]}" --db "$DB"
waited=$(echo "$(date +%s.%N) - $t0" | bc)
wait $LOCKER
check "it gave up after ${waited}s, not after waiting for the lock" test "$(echo "$waited > 4" | bc)" = 1
case_end 2 aborted 'another process holds its write lock \(waited 5 s to mark dangling runs aborted\)' recover
case_begin "database locked briefly" host "database locked (2 s)"
hold_lock "$DB" 2
run_fg "${RUN[@]}" --db "$DB"
wait $LOCKER
case_end 0 ok -

# 29: a corrupted database: refused, not touched
cp "$DB" "$TMP/bad.db"
# a b-tree page of the runs table overwritten (the header and schema page kept)
pgsz=$(sql "$DB" 'PRAGMA page_size')
root=$(sql "$DB" "SELECT rootpage FROM sqlite_master WHERE name = 'metrics'")
dd if=/dev/urandom of="$TMP/bad.db" bs="$pgsz" seek=$((root - 1)) count=1 conv=notrunc status=none
case_begin "corrupted database" host "corrupted database" "$TMP/bad.db"
run_fg "${RUN[@]}" --db "$TMP/bad.db"
case_end 2 unchanged "bad.db.*(damaged|malformed|corrupt).*show --check"

# 30-32: a second scxbench at once (a private benchmark lock: this one
# is started twice on purpose)
export SCXB_BENCH_LOCK=$TMP/bench.lock
first() { # start the first benchmark; it waits in its workload for $1 s
	: >"$TMP/first.err"
	setsid env SCXB_FAULT="workload:sh:echo scxb-fault: at workload >&2; sleep $1" "${RUN[@]}" \
		--db "$DB" >"$TMP/first.out" 2>"$TMP/first.err" &
	FIRST=$!
	for _ in $(seq 200); do grep -q '^scxb-fault: at' "$TMP/first.err" && return 0; sleep 0.05; done
	return 1
}
case_begin "second scxbench, --no-wait" host "second scxbench (--no-wait)"
first 30
run_fg "${RUN[@]}" --db "$DB" --no-wait
kill -INT $FIRST; wait $FIRST; frc=$?
check "the first did not exit 130 ($frc)" test $frc = 130
case_end 2 aborted 'run: another benchmark is running on this machine.*pid [0-9]+'

case_begin "second scxbench, interrupted waiting" host "second scxbench: SIGINT waiting"
first 30
start "${RUN[@]/-q/-v}" --db "$DB"
for _ in $(seq 100); do grep -q 'waiting' "$ERR" && break; sleep 0.05; done
check "the second did not say it waits for the first" grep -q "running on this machine (pid $FIRST: .*waiting" "$ERR"
kill -INT $PID
finish
kill -INT $FIRST; wait $FIRST
case_end 130 aborted 'run: interrupted while waiting for the benchmark lock'
case_begin "second scxbench, waits its turn" host "second scxbench: waits"
first 2
run_fg "${RUN[@]}" --db "$DB"
wait $FIRST; frc=$?
check "the first did not exit 0 ($frc)" test $frc = 0
case_end 0 'ok,ok' -
unset SCXB_BENCH_LOCK

# 33-34: comparisons
CMP=("$SCXB" compare eevdf eevdf --workload cpu --duration 0.3 --reps 2 --no-report -q)
case_begin "compare SIGKILLed" host "compare: SIGKILL at workload"
run_fg env SCXB_FAULT=workload:kill "${CMP[@]}" --db "$DB"
"${RECOVER_CMD[@]}" --db "$DB" >/dev/null 2>&1
check "the comparison is not aborted" test "$(sql "$DB" 'SELECT status FROM comparisons ORDER BY id DESC LIMIT 1')" = aborted
case_end 137 aborted -
case_begin "compare interrupted" host "compare: SIGINT at workload"
run_fg env SCXB_FAULT=workload:int "${CMP[@]}" --db "$DB"
check "the comparison is not aborted" test "$(sql "$DB" 'SELECT status FROM comparisons ORDER BY id DESC LIMIT 1')" = aborted
case_end 130 aborted 'compare: interrupted'

# 35-55: usage errors: one line, exit 2, the database file untouched
usage() { # FAULT REGEX CMD...
	local what=$1 re=$2; shift 2
	case_begin "usage: $what" host "usage: $what"
	run_fg "$@"
	case_end 2 unchanged "$re"
}
S=$SCXB
usage "run simple --host" "no sched_ext" $S run simple --host --workload cpu --db "$DB"
usage "compare simple vtime --host" "no sched_ext" $S compare simple vtime --host --workload cpu --db "$DB"
usage "run unknown scheduler" "unknown scheduler" $S run bogus --workload cpu --db "$DB"
usage "compare unknown scheduler" "unknown scheduler" $S compare eevdf bogus --workload cpu --db "$DB"
usage "compare one scheduler" "compare" $S compare eevdf --workload cpu --db "$DB"
usage "run without --workload" "workload" $S run eevdf --db "$DB"
usage "run eevdf --fail-after" "not eevdf" $S run eevdf --workload cpu --fail-after 5 --db "$DB"
usage "run eevdf --timeout-ms" "not eevdf" $S run eevdf --workload cpu --timeout-ms 500 --db "$DB"
usage "run eevdf -- ARGS" "takes no arguments" $S run eevdf --workload cpu --db "$DB" -- -x
usage "--reps 0x10" "--reps 0x10" $S run eevdf --workload cpu --reps 0x10 --db "$DB"
usage "--duration 0x10" "--duration 0x10" $S run eevdf --workload cpu --duration 0x10 --db "$DB"
usage "--hogs 1e3" "--hogs 1e3" $S run eevdf --workload cpu --hogs 1e3 --db "$DB"
usage "--unit out of range" "out of range" $S run eevdf --workload cpu --unit 0 --db "$DB"
usage "--enable-timeout 0x5" "--enable-timeout 0x5" $S compare eevdf eevdf --workload cpu --enable-timeout 0x5 --db "$DB"
usage "--until-ci 0x5" "--until-ci 0x5" $S compare eevdf eevdf --workload cpu --until-ci 0x5 --db "$DB"
usage "--host with --vm" "exclude each other" $S run eevdf --workload cpu --host --vm --db "$DB"
usage "--vm-cpus 0" "--vm-cpus" $S run simple --workload cpu --vm-cpus 0 --db "$DB"
usage "run --db in a missing dir" "no-such-dir" $S run eevdf --workload cpu --db "$TMP/no-such-dir/x.db"
usage "ci bad config" "nothing was run" $S ci /etc/hostname --db "$DB"
usage "load unknown scheduler" "unknown scheduler" $S load bogus -- true
usage "merge into an input" "is the output itself" $S merge "$DB" -o "$DB"

faults_table
