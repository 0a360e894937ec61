#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input: one line on stderr naming the problem, non-zero exit, the
# existing database untouched.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "build/scxbench not built"
plan 35
DB=$TMP/keep.db
"$SCXB" run eevdf --workload cpu --duration 0.3 --db "$DB" --no-trace -q >/dev/null 2>&1
[ -s "$DB" ] || { echo "Bail out! could not create the database the checks compare against"; exit 1; }
sum0=$(sha256sum "$DB" | cut -d' ' -f1)

expect_err() { # DESC PATTERN CMD...
	local desc=$1 pat=$2; shift 2
	local err rc
	err=$("$@" 2>&1 >/dev/null); rc=$?
	if [ $rc = 0 ]; then fail "$desc" "exit 0"; return; fi
	if [ "$(printf '%s\n' "$err" | wc -l)" != 1 ]; then fail "$desc" "not one line: $err"; return; fi
	if ! printf '%s' "$err" | grep -qi -- "$pat"; then fail "$desc" "no '$pat' in: $err"; return; fi
	pass "$desc"
}
expect_err "unknown subcommand" "unknown command 'frobnicate'" "$SCXB" frobnicate
expect_err "unknown scheduler" "nosuchsched" "$SCXB" run nosuchsched --workload cpu --db "$DB"
expect_err "unknown workload" "unknown workload 'nope'" "$SCXB" run eevdf --workload nope --db "$DB"
expect_err "non-numeric parameter" "hogs abc" "$SCXB" run eevdf --workload cpu --hogs abc --db "$DB"
expect_err "negative parameter" "hogs -3" "$SCXB" run eevdf --workload cpu --hogs -3 --db "$DB"
expect_err "absurd parameter" "out of range" "$SCXB" run eevdf --workload cpu --hogs 99999999 --db "$DB"
expect_err "absurd duration" "duration" "$SCXB" run eevdf --workload cpu --duration 1e12 --db "$DB"
expect_err "unknown workload parameter" "no parameter --bogus" "$SCXB" run eevdf --workload cpu --bogus 1 --db "$DB"
expect_err "unwritable path" "nonexistent-dir" "$SCXB" run eevdf --workload cpu --duration 0.2 --db /nonexistent-dir/x.db
echo "not a database" > "$TMP/junk.db"
expect_err "not an SQLite file" "not an SQLite database" "$SCXB" run eevdf --workload cpu --duration 0.2 --db "$TMP/junk.db"
[ "$(cat "$TMP/junk.db")" = "not a database" ] && pass "junk file untouched" || fail "junk file untouched"
sqlite3 "$TMP/new.db" "CREATE TABLE x(y); PRAGMA user_version=999;"
expect_err "newer schema" "newer" "$SCXB" run eevdf --workload cpu --duration 0.2 --db "$TMP/new.db"
expect_err "negative --min-effect" "min-effect -3" "$SCXB" compare eevdf simple --workload cpu --min-effect -3 --db "$DB"
# every command names a bad option and a missing value the same way
for c in show report export merge ci load capture "vm run"; do
	expect_err "$c --bogus: named, one line" "error: ${c%% *}: unknown option '--bogus' (see: scxbench help ${c%% *})" \
		"$SCXB" $c --bogus
done
for c in show report export ci capture "vm run"; do
	expect_err "$c --db without a value" "error: ${c%% *}: --db needs a value" "$SCXB" $c --db
done
# capture's scheduler and place: refused before anything runs or boots
expect_err "capture --sched unknown" "capture: unknown scheduler 'nosuch'" \
	"$SCXB" capture --sched nosuch -o "$TMP/x.capture" --db "$DB" -- true
if [ -d /sys/kernel/sched_ext ]; then
	skip "capture --host --sched simple without sched_ext" "this kernel has sched_ext"
else
	expect_err "capture --host --sched simple without sched_ext" "capture: --host: this kernel has no sched_ext" \
		"$SCXB" capture --host --sched simple -o "$TMP/x.capture" --db "$DB" -- true
fi
expect_err "capture --vm --pid: a host task" "capture: --pid names a task of this host" \
	"$SCXB" capture --vm --pid $$ -o "$TMP/x.capture" --db "$DB"
[ ! -e "$TMP/x.capture" ] && pass "no capture file from the refused captures" || fail "no capture file from the refused captures"
expect_err "a short option unknown" "show: unknown option '-z'" "$SCXB" show -z
expect_err "show of an unknown run" "no run 4242" "$SCXB" show 4242 --db "$DB"
[ "$(sha256sum "$DB" | cut -d' ' -f1)" = "$sum0" ] && pass "existing database untouched by the bad commands" \
	|| fail "existing database untouched by the bad commands"
"$SCXB" --version | grep -qE '^scxbench [0-9.]+ \(git [0-9a-f]+' && pass "--version shows version and git sha" \
	|| fail "--version shows version and git sha"
