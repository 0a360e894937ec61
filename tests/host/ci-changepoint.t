#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Change points across nights in `scxbench ci` (docs/ci.md), on seeded
# synthetic histories in a real database (tests/host/mkhistory.c: run CoV
# 2-5 %, 1 % night-to-night noise): a 10 % step at night 6 of 10 is named
# from label night6 with its size, a 1 % nightly drift over 20 nights is
# found, pure noise over 12 nights (several seeds) has no change point
# beyond the minimum effect; summary.md and stdout say the same.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
plan 7

MK=$TMP/mkhistory
if ! make -s -C "$ROOT" build/tests/mkhistory >"$TMP/cc.log" 2>&1 || ! cp "$ROOT/build/tests/mkhistory" "$MK"; then
	fail "build tests/host/mkhistory.c" "$(tail -5 "$TMP/cc.log")"
	exit 1
fi
cd "$TMP"
cat > ci.conf <<'CONF'
[ci]
out = out
reps = 5
baseline = last:5
min-effect = 5%
[scheduler simple]
[scheduler vtime]
[workload hackbench]
groups = 2
loops = 500
CONF
gate() { # DB LABEL
	rm -rf out
	out=$("$SCXB" ci ci.conf --db "$1" --label "$2" --gate-only 2>&1); rc=$?
}

# 1-2. a 10 % step (elapsed_s, lower is better) from night 6 of 10
for i in $(seq 1 10); do
	f=; [ "$i" -ge 6 ] && f=vtime:elapsed_s:1.10
	"$MK" ci.conf step.db "night$i" 5 "$i" $f 2>/dev/null || fail "mkhistory night$i"
done
gate step.db night10
line=$(printf '%s\n' "$out" | grep '^change point vtime / hackbench / elapsed_s')
[[ $line == *"from label night6: +"*"(worse)" ]] &&
	pass "10 % step: a change point from label night6, worse" || fail "step: '$line'" "$out"
row=$(grep '^| vtime | hackbench | elapsed\\_s | night6 |' out/summary.md)
size=$(printf '%s' "$row" | sed -n 's/.*[*][*]+\([0-9.]*\) %[*][*] \[+\([0-9.]*\), +\([0-9.]*\)\].*/\1 \2 \3/p')
read -r s lo hi <<<"$size"
[ -n "$s" ] && awk -v s="$s" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(s > 7 && s < 13 && lo < 10 && hi > 10) }' &&
	pass "summary.md: size $s % [$lo, $hi] around 10 %, 5 nights before and after" ||
	fail "summary.md row: '$row'" "$(sed -n '/Change points/,$p' out/summary.md)"

# 3. the night that confirms it, night by night as a CI would run: the
# first night that finds the step says "new tonight", later ones do not;
# with 5 nights before, 3 after are the fewest that can reach p < 0.05
first= later_new= seen=
for i in $(seq 1 10); do
	f=; [ "$i" -ge 6 ] && f=vtime:elapsed_s:1.10
	"$MK" ci.conf inc.db "night$i" 5 "$i" $f 2>/dev/null || fail "mkhistory night$i"
	[ "$i" -ge 7 ] || continue
	gate inc.db "night$i"
	l=$(printf '%s\n' "$out" | grep '^change point vtime / hackbench / elapsed_s from label night6')
	[ -n "$l" ] || continue
	seen+=" night$i"
	if [ -z "$first" ]; then
		first=$i
		[[ $l == *"new tonight)" ]] && grep -q '^| vtime | hackbench | elapsed\\_s | night6 | .* | new tonight |$' out/summary.md || later_new="night$i not new"
	elif [[ $l == *"new tonight"* ]]; then
		later_new+=" night$i new again"
	fi
done
[ -n "$first" ] && [ "$first" -le 9 ] && [ "$first" -ge 8 ] && [ -z "$later_new" ] &&
	pass "night $first confirms the step ('new tonight'), later nights do not" ||
	fail "new tonight: first '$first', seen:$seen; $later_new" "$out"

# 4. a 1 % drift a night over 20 nights: tonight's gate cannot see it
for i in $(seq 1 20); do
	f=$(awk -v i="$i" 'BEGIN { printf "vtime:elapsed_s:%.6f", 1.01 ^ (i - 1) }')
	"$MK" ci.conf drift.db "night$i" 5 "$((i + 100))" "$f" 2>/dev/null || fail "mkhistory drift night$i"
done
gate drift.db night20
printf '%s\n' "$out" | grep -q '^change point vtime / hackbench / elapsed_s from label .*(worse' &&
	pass "1 % nightly drift over 20 nights: found as a change point" || fail "drift not found" "$out"
printf '%s\n' "$out" | grep -q '^REGRESSION vtime / hackbench / elapsed_s' &&
	echo "# (tonight's gate flagged the drift too)"

# 5-6. pure noise: no change point beyond the 5 % minimum effect
bad=0 any=0
for seed in 1 2 3 4 5; do
	for i in $(seq 1 12); do
		"$MK" ci.conf "noise$seed.db" "night$i" 5 "$((seed * 1000 + i))" 2>/dev/null
	done
	gate "noise$seed.db" night12
	any=$((any + $(printf '%s\n' "$out" | grep -c '^change point')))
	sed -n '/^## Change points/,$p' out/summary.md | grep -q '^| .*[*][*][+-][0-9.]* %[*][*]' && bad=$((bad + 1))
done
[ "$bad" = 0 ] && pass "pure noise, 5 seeds x 12 nights: no change point beyond 5 % ($any smaller ones)" ||
	fail "$bad noise histories have a change point beyond 5 %"
[ "$rc" = 0 ] && grep -q '^## Change points across nights' out/summary.md &&
	pass "noise: the night passes and summary.md has the section" || fail "noise night: rc $rc" "$out"

# 7. the change-point report is deterministic: the same history, the same lines
gate step.db night10; a=$(printf '%s\n' "$out" | grep '^change point')
gate step.db night10; b=$(printf '%s\n' "$out" | grep '^change point')
[ -n "$a" ] && [ "$a" = "$b" ] && pass "same history, same change points" || fail "differ" "$a / $b"
