# SPDX-License-Identifier: GPL-2.0
# The fault suite's cases (tests/faults/*.t): one scxbench command with one
# fault, then every promise the README makes about it, checked. Faults are
# injected at named points by the hook of harness/lib/fault.h
# (SCXB_FAULT=POINT:ACTION), or from outside (a full disk, a held lock).
#
# A case:
#   case_begin NAME PLACE FAULT      snapshot the database
#   start CMD...                     the command in its own session, in
#                                    the background ($PID; stdout/stderr
#                                    in $OUT/$ERR); or: run_fg CMD...
#   finish                           wait for it ($RC)
#   case_end WANT_RC WANT_RUN WANT_LINE [recover]
#     WANT_RUN   what the interrupted run is once the dust settled:
#                ok, aborted, failed, failed:STAGE, sched_failed:STAGE,
#                absent (no new run), unchanged (the database file
#                byte-identical), or several joined by |
#     WANT_LINE  an extended regex the one "scxbench: error:" line
#                matches, or - for none (SIGKILL: nothing can be said),
#                or out:REGEX: no error line, the run's summary on stdout
#                says it (a run that failed is a result, not an error)
#     recover    after a SIGKILL: a short traced run (label
#                fault-recovery) does what the next start does: marks
#                the dangling run aborted, removes the dead run's work dir
#                and tracefs instance
#     vm-next    after a SIGKILL of a VM run (tests/faults/vm.t): what is
#                left in $TMPDIR must be the run dirs whose owner record
#                names the dead scxbench, and the next case's VM run (its
#                start sweeps them) must leave $TMPDIR empty; the next
#                case checks that (a vm-next case is never the last)
# and case_end prints one TAP line: ok when the exit status, the line and
# the run are as documented, PRAGMA integrity_check is ok, every earlier
# run is byte-identical in a dump, no sched_ext scheduler is loaded, no
# tracefs instance, process of the session, QEMU or temp dir is left.
# faults_table prints the cases and outcomes, and the counts.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# scxbench's temp dirs go here, so that any left behind are ours
export TMPDIR=$TMP/tmpdir
mkdir -p "$TMPDIR"
DB=${DB:-$TMP/f.db}
CASE_DIR=$TMP/cases
mkdir -p "$CASE_DIR"
ROWS=()
declare -A OUTCOMES=()
NCASES=0 NBAD=0 FAULTS_T0=$SECONDS
RECOVER_CMD=("$SCXB" run eevdf --workload cpu --duration 0.1 --hogs 1 -q --label fault-recovery)

# a dump of every table, one row per line, sorted (the rows the earlier
# runs own must all be there after the case, unchanged)
db_dump() {
	sqlite3 -batch "$1" .dump 2>/dev/null | grep -v -e '^INSERT INTO sqlite_sequence' \
		-e '^DELETE FROM sqlite_sequence' | LC_ALL=C sort
}

case_begin() { # NAME PLACE FAULT [DB]
	C_NAME=$1 C_PLACE=$2 C_FAULT=$3 C_DB=${4:-$DB}
	NCASES=$((NCASES + 1))
	C=$CASE_DIR/$NCASES
	mkdir -p "$C"
	OUT=$C/out ERR=$C/err
	: >"$OUT"; : >"$ERR"
	C_MAXID=0
	if [ -f "$C_DB" ]; then
		# (the sqlite3 shell cannot read every database scxbench can: one
		# on a read-only mount with its log; such a case wants "unchanged")
		C_MAXID=$(sql "$C_DB" "SELECT coalesce(max(id), 0) FROM runs" 2>/dev/null)
		db_dump "$C_DB" >"$C/before"
	else
		: >"$C/before"
	fi
	C_SHA=$( [ -f "$C_DB" ] && sha256sum <"$C_DB")
	C_CHECKS=()
	PID=
}

# the command in a session of its own: what is left of it is found by
# session id (util-linux setsid execs in place when we are not a group
# leader, so $! is scxbench itself and the session id)
start() {
	setsid "$@" >"$OUT" 2>"$ERR" &
	PID=$!
}

run_fg() {
	start "$@"
	finish
}

finish() {
	# (bash's "Killed" line for a job SIGKILLed on purpose: not ours to show)
	wait "$PID" 2>/dev/null
	RC=$?
}

# a check of the current case: NAME COND...
check() {
	local what=$1; shift
	if ! "$@" >/dev/null 2>&1; then C_CHECKS+=("$what"); fi
}

session_procs() { # the live processes of session $1 (zombies aside)
	local p
	for p in $(pgrep -s "$1" 2>/dev/null); do pid_running "$p" && echo "$p"; done
}

no_strays() {
	local i
	for i in $(seq 30); do
		[ -z "$(session_procs "$PID")" ] && return 0
		sleep 0.1
	done
	return 1
}

run_state() { # what became of the case's run(s): "absent" or status[:stage]...
	local s
	s=$(sql "$C_DB" "SELECT group_concat(status || coalesce(':' || fail_stage, ''), ',') FROM
		(SELECT status, fail_stage FROM runs WHERE id > $C_MAXID AND coalesce(label, '') != 'fault-recovery'
		 ORDER BY id)" 2>/dev/null)
	echo "${s:-absent}"
}

state_matches() { # GOT WANT(a|b|...): GOT is one of them; "failed" matches failed:ANY
	local got=$1 w
	IFS='|' read -ra ws <<<"$2"
	for w in "${ws[@]}"; do
		[ "$got" = "$w" ] && return 0
		[[ $w != *:* ]] && [[ $got == "$w":* ]] && return 0
	done
	return 1
}

earlier_intact() {
	[ -f "$C_DB" ] || return 0
	db_dump "$C_DB" >"$C/after"
	[ -z "$(LC_ALL=C comm -23 "$C/before" "$C/after")" ]
}

tmp_clean() { # TMPDIR holds nothing
	[ -z "$(ls -A "$TMPDIR")" ]
}

no_instance() {
	[ -d /sys/kernel/tracing/instances ] || return 0
	! ls /sys/kernel/tracing/instances | grep -q "^scxbench-$PID-"
}

# no QEMU of ours: every boot's command line names its run dir in $TMPDIR
no_qemu() {
	local i
	for i in $(seq 30); do
		! pgrep -f "qemu-system.*$TMPDIR/" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# wait_err REGEX [S]: wait (up to S seconds, default 120) for a line of the
# case's stderr matching REGEX while the command runs; 1 when it never came
wait_err() {
	local i
	for i in $(seq $((${2:-120} * 10))); do
		grep -Eq -- "$1" "$ERR" && return 0
		kill -0 "$PID" 2>/dev/null || { grep -Eq -- "$1" "$ERR"; return; }
		sleep 0.1
	done
	return 1
}

no_scx_loaded() {
	[ ! -d /sys/kernel/sched_ext ] || [ "$(cat /sys/kernel/sched_ext/state)" = disabled ]
}

case_end() { # WANT_RC WANT_RUN WANT_LINE [recover]
	local want_rc=$1 want_run=$2 want_line=$3 mode=${4:-} lines got nerr d
	[ "$RC" = "$want_rc" ] || C_CHECKS+=("exit $RC, not $want_rc")
	# at most one line that says what happened
	lines=$(grep '^scxbench: error: ' "$ERR")
	nerr=$(grep -c '^scxbench: error: ' "$ERR")
	if [ "$want_line" = - ] || [[ $want_line == out:* ]]; then
		[ "$nerr" = 0 ] || C_CHECKS+=("$nerr error line(s), want none")
		[[ $want_line != out:* ]] || grep -Eq -- "${want_line#out:}" "$OUT" ||
			C_CHECKS+=("stdout does not say /${want_line#out:}/")
	elif [ "$nerr" != 1 ]; then
		C_CHECKS+=("$nerr error lines, want 1")
	elif ! grep -Eq -- "$want_line" <<<"$lines"; then
		C_CHECKS+=("line does not match /$want_line/")
	fi
	if [ "$mode" = recover ]; then
		"${RECOVER_CMD[@]}" --db "$C_DB" >"$C/recover" 2>&1 ||
			C_CHECKS+=("the recovery run failed: $(tail -1 "$C/recover")")
	fi
	if [ -f "$C_DB" ] && [ -n "$C_SHA" ] && [ "$want_run" = unchanged ]; then
		[ "$(sha256sum <"$C_DB")" = "$C_SHA" ] || C_CHECKS+=("the database file changed")
		got=unchanged
	elif [ -f "$C_DB" ]; then
		check "integrity_check not ok" test "$(sql "$C_DB" 'PRAGMA integrity_check' 2>&1)" = ok
		check "an earlier run changed" earlier_intact
		got=$(run_state)
		state_matches "$got" "$want_run" || C_CHECKS+=("run $got, not $want_run")
	else
		got=absent
		[ "$want_run" = absent ] || C_CHECKS+=("no database, want $want_run")
	fi
	check "a sched_ext scheduler is loaded" no_scx_loaded
	check "processes of the session left: $(session_procs "$PID" | tr '\n' ' ')" no_strays
	check "a tracefs instance is left" no_instance
	check "a QEMU is left: $(pgrep -af "qemu-system.*$TMPDIR/" | cut -c1-60)" no_qemu
	if [ "$mode" = vm-next ]; then
		# the dead scxbench's run dirs may stay until the next start
		for d in "$TMPDIR"/*; do
			[ -e "$d" ] || continue
			[ -n "$(owned_dirs "$TMPDIR" "$(basename "$d")" "$PID")" ] ||
				C_CHECKS+=("left in TMPDIR, not the dead run's: ${d##*/}")
		done
	else
		check "temp dirs left: $(ls -A "$TMPDIR" | tr '\n' ' ')" tmp_clean
	fi
	ROWS+=("$(printf '%-6s %-34s %-4s %-22s %s' "$C_PLACE" "$C_FAULT" "$RC" "$got" \
		"$([ ${#C_CHECKS[@]} = 0 ] && echo 'as documented' || echo FAILED)")")
	OUTCOMES[${got%%:*}]=$((${OUTCOMES[${got%%:*}]:-0} + 1))
	if [ ${#C_CHECKS[@]} = 0 ]; then
		pass "$C_PLACE $C_NAME: exit $RC, run $got"
	else
		NBAD=$((NBAD + 1))
		fail "$C_PLACE $C_NAME: exit $RC, run $got" "$(printf '%s\n' "${C_CHECKS[@]}";
			echo "stdout:"; tail -3 "$OUT"; echo "stderr:"; tail -8 "$ERR")"
	fi
}

faults_table() {
	local k
	echo "# place  fault                              exit run                    outcome"
	printf '# %s\n' "${ROWS[@]}"
	printf '# %d cases, %d as documented, in %d s; runs:' "$NCASES" "$((NCASES - NBAD))" \
		"$((SECONDS - FAULTS_T0))"
	for k in $(printf '%s\n' "${!OUTCOMES[@]}" | sort); do printf ' %s %d' "$k" "${OUTCOMES[$k]}"; done
	echo
}
