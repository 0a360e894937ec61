#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sched_ext side of the trace collectors, in the QEMU guest:
#  - while `vtime` runs the mixed workload, sched_ext shows up in the store:
#    the kernel's SCX event counters (scx_event.* from sysfs deltas and/or
#    scx_trace_event.* from the sched_ext_event tracepoint) and the scx
#    collector's notes naming the ops;
#  - the fail-on-purpose scheduler (simple --fail-after 500) leaves exit
#    kind 1025, its message and its sched_ext_dump lines in the store, and
#    `scxbench show RUN --dump` prints them.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
"$SCXB" vm list 2>/dev/null | awk 'NR > 1 && $0 ~ /yes/' | grep -q . ||
	skip_all "no cached sched_ext kernel (scxbench vm list shows none; run: scxbench vm fetch)"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed"
vm_lock || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 15 min"
plan 12
DB=$TMP/v.db

# 1. vtime under the mixed workload
out=$(timeout 600 "$SCXB" run vtime --workload mixed --duration 3 --vm --db "$DB" 2>&1); rc=$?
echo "$out" | tail -3 | sed 's/^/# /'
[ $rc = 0 ] && pass "vtime/mixed in the VM: exit 0" || fail "vtime/mixed: exit $rc" "$(echo "$out" | tail -10)"
run=$(sql "$DB" "SELECT max(id) FROM runs WHERE scheduler = 'vtime'")
st=$(sql "$DB" "SELECT status || ' ' || trace FROM runs WHERE id = ${run:-0}")
[ "$st" = "ok 1" ] && pass "run $run stored ok, traced" || fail "run ${run:-none}: status/trace '$st'"
ev=$(sql "$DB" "SELECT CAST(value AS INTEGER) FROM metrics WHERE run_id = ${run:-0} AND name = 'trace_events'")
[ "${ev:-0}" -gt 1000 ] && pass "trace recorded in the guest ($ev events)" || fail "trace_events = ${ev:-none}"
nscx=$(sql "$DB" "SELECT count(*) FROM metrics WHERE run_id = ${run:-0} AND (name LIKE 'scx_event.%' OR name LIKE 'scx_trace_event.%')")
sql "$DB" "SELECT name || ' = ' || value FROM metrics WHERE run_id = ${run:-0} AND name LIKE 'scx%'" | head -12 | sed 's/^/# /'
[ "${nscx:-0}" -gt 0 ] && pass "SCX event counters stored ($nscx scx_event.* / scx_trace_event.* metrics)" ||
	fail "no scx_event.* / scx_trace_event.* metrics" "$(sql "$DB" "SELECT collector || ': ' || note FROM collector_notes WHERE run_id = ${run:-0}")"
notes=$(sql "$DB" "SELECT note FROM collector_notes WHERE run_id = ${run:-0} AND collector = 'scx'")
echo "$notes" | sed 's/^/# scx note: /'
echo "$notes" | grep -Eq "state at start: enabled, ops [a-z_]*vtime" && pass "scx collector saw vtime enabled" ||
	fail "scx notes do not show vtime enabled" "$notes"
lost=$(sql "$DB" "SELECT lost_events FROM runs WHERE id = ${run:-0}")
[ "$lost" = 0 ] && pass "no lost events" || fail "lost events: $lost"

# 2. the scheduler that fails on purpose
out=$(timeout 600 "$SCXB" run simple --workload mixed --fail-after 500 --duration 3 --vm --db "$DB" 2>&1); rc=$?
echo "$out" | tail -3 | sed 's/^/# /'
[ $rc = 1 ] && pass "simple --fail-after 500: exit 1 (scheduler failed)" || fail "simple --fail-after: exit $rc, want 1" "$(echo "$out" | tail -10)"
run=$(sql "$DB" "SELECT max(id) FROM runs WHERE scheduler = 'simple'")
row=$(sql "$DB" "SELECT exit_kind || '|' || ifnull(exit_msg, '') FROM runs WHERE id = ${run:-0}")
echo "# run $run exit kind|message: $row"
[ "${row%%|*}" = 1025 ] && pass "exit kind 1025 (SCX_EXIT_ERROR) stored" || fail "exit kind: '${row%%|*}'"
[ -n "${row#*|}" ] && pass "exit message stored" || fail "no exit message"
nd=$(sql "$DB" "SELECT count(*) FROM scx_dump WHERE run_id = ${run:-0}")
[ "${nd:-0}" -ge 10 ] && pass "sched_ext_dump captured ($nd lines)" ||
	fail "scx_dump rows: ${nd:-0}" "$(sql "$DB" "SELECT collector || ': ' || note FROM collector_notes WHERE run_id = ${run:-0}")"
show=$("$SCXB" show "$run" --dump --db "$DB" 2>&1)
echo "$show" | grep -A3 "exit kind" | head -5 | sed 's/^/# /'
echo "$show" | grep -q "exit kind: 1025" && pass "show --dump prints the exit kind" || fail "show --dump: no exit kind" "$(echo "$show" | tail -5)"
first=$(sql "$DB" "SELECT line FROM scx_dump WHERE run_id = ${run:-0} ORDER BY seq LIMIT 1 OFFSET 1")
[ -n "$first" ] && echo "$show" | grep -qF -- "$first" && pass "show --dump prints the dump lines" ||
	fail "show --dump lacks the dump line '$first'"
exit 0
