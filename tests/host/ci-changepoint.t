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
plan 12

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
# gated with the primary metric (hackbench_msgs_per_s)
[metric elapsed_s]
gate = yes
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
first= later_new= seen= gated_at=
for i in $(seq 1 10); do
	f=; [ "$i" -ge 6 ] && f=vtime:elapsed_s:1.10
	"$MK" ci.conf inc.db "night$i" 5 "$i" $f 2>/dev/null || fail "mkhistory night$i"
	[ "$i" -ge 6 ] || continue
	gate inc.db "night$i"
	# the night the step starts or the next: the gate against the last 5
	if [ "$i" -le 7 ] && [ "$rc" = 1 ] && [ -z "$gated_at" ] &&
		printf '%s\n' "$out" | grep -q '^REGRESSION vtime / hackbench / elapsed_s: +'; then
		gated_at=$i
	fi
	l=$(printf '%s\n' "$out" | grep '^change point vtime / hackbench / elapsed_s from label night6')
	[ -n "$l" ] || continue
	seen+=" night$i"
	if [ -z "$first" ]; then
		first=$i rc_first=$rc out_first=$out
		rm -rf out-first && cp -r out out-first
		[[ $l == *"new tonight)" ]] && grep -q '^| vtime | hackbench | elapsed\\_s | night6 | .* | new tonight |$' out/summary.md || later_new="night$i not new"
	elif [[ $l == *"new tonight"* ]]; then
		later_new+=" night$i new again"
	fi
done
[ -n "$gated_at" ] && pass "the 10 % step fails night $gated_at (it starts at night 6) against the last 5" ||
	fail "the step was not flagged at night 6 or 7"
[ -n "$first" ] && [ "$first" -le 9 ] && [ "$first" -ge 8 ] && [ -z "$later_new" ] &&
	pass "night $first confirms the step ('new tonight'), later nights do not" ||
	fail "new tonight: first '$first', seen:$seen; $later_new" "$out"
# the confirming night fails (the baseline last:5 holds the step by then)
# with the change point named; the plot marks where the shift began
out=$out_first
printf '%s\n' "$out" | grep -q '^REGRESSION vtime / hackbench / elapsed_s: ' && [ "$rc_first" = 1 ] && grep -q '^| vtime | hackbench | elapsed\\_s .*change point from label night6' out-first/summary.md &&
	pass "night $first: exit 1, the regression row names the change point from night6" ||
	fail "confirming night: rc $rc_first" "$out"
gp=out-first/history/hackbench__elapsed_s.gp
grep -q '^set arrow 100 from 4.5, graph 0 to 4.5, graph 1 nohead dt 3' "$gp" &&
	grep -q '^set label 100 "vtime: +[0-9.]* % from night6"' "$gp" &&
	{ ! command -v gnuplot >/dev/null || grep -q 'from night6' out-first/history/hackbench__elapsed_s.svg; } &&
	pass "the history figure marks the change point before night6, named" ||
	fail "history figure marks" "$(grep -n 'arrow\|label' "$gp")"

# 4. a 1 % drift a night over 20 nights: tonight's gate cannot see it
for i in $(seq 1 20); do
	f=$(awk -v i="$i" 'BEGIN { printf "vtime:elapsed_s:%.6f", 1.01 ^ (i - 1) }')
	"$MK" ci.conf drift.db "night$i" 5 "$((i + 100))" "$f" 2>/dev/null || fail "mkhistory drift night$i"
done
gate drift.db night20
printf '%s\n' "$out" | grep -q '^change point vtime / hackbench / elapsed_s from label .*(worse' &&
	pass "1 % nightly drift over 20 nights: found as a change point" || fail "drift not found" "$out"
# night by night: the night-vs-last-5 gate sees at most a few % (below
# the 5 % minimum effect); the night that confirms a change point beyond
# it fails, by the change point
rm -f drift2.db*; first= gatehit=
for i in $(seq 1 20); do
	f=$(awk -v i="$i" 'BEGIN { printf "vtime:elapsed_s:%.6f", 1.01 ^ (i - 1) }')
	"$MK" ci.conf drift2.db "night$i" 5 "$((i + 100))" "$f" 2>/dev/null
	[ "$i" -ge 6 ] || continue
	gate drift2.db "night$i"
	[ "$rc" = 1 ] || continue
	if printf '%s\n' "$out" | grep -q '^REGRESSION vtime / hackbench / elapsed_s: change point from label night[0-9]*: +[0-9.]* % .*confirmed tonight'; then
		first=$i; break
	fi
	gatehit+=" night$i"
done
[ -n "$first" ] && pass "1 % drift: night $first fails by a change point the gate alone missed${gatehit:+ (gate flagged$gatehit before)}" ||
	fail "drift never failed a night by its change point (gate:$gatehit)" "$out"

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
# every night of one noise history, as a CI would run them: none fails
nf=0
for i in $(seq 5 12); do
	rm -f n1.db*; for j in $(seq 1 "$i"); do "$MK" ci.conf n1.db "night$j" 5 "$((1000 + j))" 2>/dev/null; done
	gate n1.db "night$i"; [ "$rc" = 0 ] || nf=$((nf + 1))
done
[ "$nf" = 0 ] && pass "noise, nights 5..12 gated one by one: none fails" || fail "$nf noise nights failed" "$out"

# 7. the change-point report is deterministic: the same history, the same lines
gate step.db night10; a=$(printf '%s\n' "$out" | grep '^change point')
gate step.db night10; b=$(printf '%s\n' "$out" | grep '^change point')
[ -n "$a" ] && [ "$a" = "$b" ] && pass "same history, same change points" || fail "differ" "$a / $b"
