#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fault suite across the VM boundary: `scxbench run simple --vm` (a
# built-in sched_ext scheduler in a QEMU guest, a 0.5 s cpu workload), one
# boot per case, each checked as tests/faults/lib.sh says (exit status,
# one line, integrity, earlier runs intact, the run aborted, ok or absent,
# no process of the session, no QEMU, no run dir in $TMPDIR) and:
#   - SIGINT, SIGTERM, SIGKILL of the host's scxbench while the guest
#     boots (and SIGINT as its command starts), at the guest's scheduler
#     start and during its workload (the
#     guest's scxbench waits at that point, SCXB_FAULT=POINT:sh:..., which
#     reaches it through the re-created environment, until the host has
#     been signalled), SIGINT inside the guest's store transaction, and
#     SIGTERM / SIGKILL when the host imports the guest's database;
#   - inside the guest: the scheduler's loader (the guest's scxbench, which
#     loads the built-in) SIGKILLed mid-run, the trace recorder killed;
#   - QEMU SIGKILLed from the host mid-run (the host boots once more).
# About 17 boots; under TCG ~10-20 s each here.
. "$(dirname "$0")/lib.sh"
need_root
[ -x "$SCXB" ] || skip_all "$SCXB not built"
kdir=${XDG_CACHE_HOME:-$HOME/.cache}/scxbench/kernels
ls "$kdir"/*/vmlinuz >/dev/null 2>&1 || skip_all "no cached sched_ext kernel in $kdir (run: scxbench vm fetch)"
[ -d /sys/kernel/sched_ext ] && skip_all "this kernel has sched_ext: the VM path is not taken here"
# (ASan builds link dynamically against libraries the guest has too, but a
# guest's sanitized scxbench is slow under TCG and its reports would be
# written inside the guest: the VM half runs the normal build only)
[ "$BUILD" = build ] || skip_all "the VM fault cases run against build/ only (this is $BUILD)"
vm_lock || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 15 min"
plan 17
RUN=("$SCXB" run simple --vm --workload cpu --duration 0.5 --hogs 1 -q)
GO=$TMP/go

# the earlier runs every case must leave alone: a host run and a guest run
"$SCXB" run eevdf --workload cpu --duration 0.3 --db "$DB" -q --label seed >/dev/null 2>&1 &&
	"${RUN[@]}" --db "$DB" --label seed-vm >/dev/null 2>&1 ||
	{ echo "Bail out! cannot seed $DB"; exit 1; }

# the guest's scxbench stops at POINT until the host test creates $GO
# (the test signals the host's scxbench meanwhile; a signal for the
# guest's scxbench ends the wait)
hold_at() { # POINT
	echo "$1:sh:echo 'scxb-fault: held at $1' >&2; i=0; while [ ! -e $GO ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done"
}
sig_of() { case $1 in int) echo INT ;; term) echo TERM ;; kill) echo KILL ;; esac; }
# the exit status, run and line a signal of the host's scxbench gives
# (DONE: what the run is when the signal lands once it is complete)
want_sig() { # int|term|kill RUN_WHEN_STOPPED
	case $1 in
	int) case_end 130 "$2" 'run: interrupted by Interrupt' ;;
	term) case_end 143 "$2" 'run: interrupted by Terminated' ;;
	kill) case_end 137 absent - vm-next ;;
	esac
}

# a signal while the guest boots (QEMU up, the guest's command not
# started: it has no stderr file in the run dir yet)
for a in int term kill; do
	rm -f "$GO"
	case_begin "SIG${a^^} while the guest boots" vm "SIG${a^^} while the guest boots"
	start "${RUN[@]}" --db "$DB"
	booting=
	for i in $(seq 300); do
		if pgrep -s "$PID" -f qemu-system >/dev/null; then
			sleep 0.3
			d=$(ls -d "$TMPDIR"/scxbench-vm.*/initrd.cpio 2>/dev/null | head -1)
			[ -n "$d" ] && [ ! -e "$(dirname "$d")/stderr" ] && booting=1
			break
		fi
		sleep 0.05
	done
	kill -"$(sig_of $a)" "$PID"
	finish
	[ -n "$booting" ] || C_CHECKS+=("the signal did not land during the boot")
	want_sig $a absent
done

# a signal as the guest's command starts (its stderr file appears): the
# guest's scxbench, maybe before its handlers are in place, gets it; the
# host says so when it could not
rm -f "$GO"
case_begin "SIGINT as the guest's command starts" vm "SIGINT as the guest's cmd starts"
start "${RUN[@]}" --db "$DB"
started=
for i in $(seq 1200); do
	if ls "$TMPDIR"/scxbench-vm.*/stderr >/dev/null 2>&1; then started=1; break; fi
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.05
done
kill -INT "$PID"
finish
[ -n "$started" ] || C_CHECKS+=("the guest's command never started")
want_sig int 'absent|aborted'

# a signal for the host's scxbench while the guest's is held at a
# point of its run
for p in sched-start workload; do
	for a in int term kill; do
		rm -f "$GO"
		case_begin "SIG${a^^} at the guest's $p" vm "SIG${a^^} at guest $p"
		start env SCXB_FAULT="$(hold_at $p)" "${RUN[@]}" --db "$DB"
		wait_err "scxb-fault: held at $p" || C_CHECKS+=("the guest never reached $p")
		kill -"$(sig_of $a)" "$PID"
		finish
		touch "$GO"
		want_sig $a aborted
	done
done
# inside the guest's transaction: the run is complete, stored ok, and the
# command says it was interrupted
rm -f "$GO"
case_begin "SIGINT at the guest's store" vm "SIGINT at guest store"
start env SCXB_FAULT="$(hold_at store)" "${RUN[@]}" --db "$DB"
wait_err "scxb-fault: held at store" || C_CHECKS+=("the guest never reached store")
kill -INT "$PID"
finish
want_sig int ok

# the host importing the guest's database
case_begin "SIGTERM at the import" vm "SIGTERM at host import"
run_fg env SCXB_FAULT=import:term "${RUN[@]}" --db "$DB"
want_sig term ok
case_begin "SIGKILL at the import" vm "SIGKILL at host import"
run_fg env SCXB_FAULT=import:kill "${RUN[@]}" --db "$DB"
want_sig kill absent

# processes inside the guest killed: the scheduler's loader (the
# guest's scxbench loads the built-in; its struct_ops link dies with it)
# and the trace recorder
case_begin "the scheduler's loader killed" vm "kill of the guest's loader"
run_fg env SCXB_FAULT=workload:kill "${RUN[@]}" --db "$DB"
case_end 2 'aborted|absent' "run: the guest's scxbench was killed by signal 9"
case_begin "the guest's recorder killed" vm "kill of the guest's recorder"
run_fg env SCXB_FAULT='workload:sh:pkill -KILL -P $SCXB_FAULT_PID -x scxb-trace' "${RUN[@]}" --db "$DB"
case_end 1 failed:collector 'out:collector tracefs failed during the run \(trace recorder process killed by signal 9\)'

# QEMU killed from the host mid-run: nothing came home, so the host
# boots once more (saying so) and the second boot's run is stored
rm -f "$GO"
case_begin "QEMU killed" vm "kill of QEMU (host) mid-run"
start env SCXB_FAULT="$(hold_at workload)" "${RUN[@]}" --db "$DB"
if wait_err "scxb-fault: held at workload"; then
	pkill -KILL -s "$PID" -f qemu-system || C_CHECKS+=("no QEMU to kill")
else
	C_CHECKS+=("the guest never reached the workload")
fi
touch "$GO"
finish
grep -q 'warning: the guest failed (the guest died before its command ended.*); booting it once more' "$ERR" ||
	C_CHECKS+=("no word of the second boot")
case_end 0 ok -

# the database after all of it
n=$(sql "$DB" "SELECT count(*) FROM runs WHERE status = 'running'")
if [ "$(sql "$DB" 'PRAGMA integrity_check')" = ok ] && [ "$n" = 0 ] && tmp_clean; then
	pass "the database is sound, no run left running, nothing left in TMPDIR"
else
	fail "the database is sound, no run left running, nothing left in TMPDIR" \
		"integrity $(sql "$DB" 'PRAGMA integrity_check' | head -1), $n running, TMPDIR: $(ls -A "$TMPDIR")"
fi
faults_table
