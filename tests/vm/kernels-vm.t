#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One comparison per kernel: `compare --kernels K1,K2` boots each cached
# kernel once (both of `make deps`: sid and trixie-backports; with only
# one cached, the same image under another path), runs the same rounds in
# each, stores two comparisons whose runs never mix, prints and reports
# them apart, and a report over runs of both kernels is refused. The
# built-ins load on both from one build; an external scheduler that
# refuses one kernel is a sched_failed cell there, not a harness error.
# 2 boots (~1 min here).
. "$(dirname "$0")/../lib.sh"
[ -d /sys/kernel/sched_ext ] && skip_all "this kernel has sched_ext: --kernels needs the VM path"
need_guest
plan 10
export TMPDIR=$TMP/tmpd
mkdir -p "$TMPDIR"
cd "$TMP"

# the kernels: two cached releases, else the current one twice
two_kernels
# an external scheduler that refuses the second kernel (exits before
# sched_ext is enabled), extfifo on the others
EXT=$TMP/ext
if "$ROOT/tests/vm/ext/build.sh" "$EXT" >build.log 2>&1; then
	cat > picky.sh <<EOF
#!/bin/sh
case \$(uname -r) in $k2) echo "picky: not on \$(uname -r)" >&2; exit 3 ;; esac
exec "$EXT/extfifo_static" "\$@"
EOF
	chmod +x picky.sh
	ext=exec:./picky.sh
else
	ext=
	echo "# no external fixture: $(tail -1 build.log)"
fi

out=$("$SCXB" compare simple llc $ext --workload cpu --duration 0.5 --reps 1 --no-trace \
	--kernels "$k1,$k2" --db k.db --out rep 2>&1); rc=$?
grep -E 'cells|\[cell' <<<"$out" | sed 's/^/# /'
want=0; [ -n "$ext" ] && [ $two = yes ] && want=1
[ $rc = $want ] && pass "compare on two kernels: exit $rc (1: a scheduler failed on one)" ||
	fail "compare --kernels exit $rc, want $want" "$(tail -8 <<<"$out")"
grep -q '2 kernels x 1 topology = 2 cells (2 guest boots)' <<<"$out" && grep -q '\[cell 2/2\] kernel ' <<<"$out" &&
	pass "the cost said first, each cell named" || fail "matrix lines" "$out"
nc=$(sql k.db "SELECT count(*) FROM comparisons WHERE status = 'done'")
mixed=$(sql k.db "SELECT count(*) FROM (SELECT compare_id FROM runs GROUP BY compare_id HAVING count(DISTINCT guest_kernel) > 1)")
[ "$nc" = 2 ] && [ "$mixed" = 0 ] && pass "two comparisons, each of one kernel's runs" || fail "comparisons: $nc, mixed $mixed"
if [ $two = yes ]; then
	g=$(sql k.db "SELECT group_concat(k, ' ') FROM (SELECT DISTINCT guest_kernel AS k FROM runs ORDER BY compare_id)")
	[ "$g" = "$k1 $k2" ] && pass "the guests ran $g" || fail "guest kernels: '$g', want '$k1 $k2'"
else
	skip "two releases" "only one kernel cached (scxbench vm fetch --dist trixie-backports)"
fi
nb=$(sql k.db "SELECT count(*) FROM runs WHERE sched_kind = 'bpf' AND status = 'ok' AND sched_ops IN ('scxb_simple', 'scxb_llc')")
[ "$nb" = 4 ] && pass "simple and llc loaded and ran on both kernels (one build)" ||
	fail "built-ins: $nb ok runs" "$(sql k.db 'SELECT guest_kernel, scheduler, status, status_detail FROM runs')"
if [ -n "$ext" ] && [ $two = yes ]; then
	st=$(sql k.db "SELECT guest_kernel || ':' || status || ':' || COALESCE(fail_stage, '-') FROM runs WHERE scheduler = '$ext' ORDER BY compare_id")
	[ "$st" = "$k1:ok:-
$k2:sched_failed:load" ] && pass "the external scheduler: ok on $k1, sched_failed at load on $k2" ||
		fail "external scheduler per kernel" "$st"
else
	skip "external scheduler per kernel" "no fixture or one kernel"
fi
# printed and reported apart
n=$(grep -c '^== comparison [0-9]*: kernel ' <<<"$out")
[ "$n" = 2 ] && pass "two tables, each headed by its kernel" || fail "$n table headers" "$out"
ok=yes
for c in $(sql k.db "SELECT id FROM comparisons"); do
	kern=$(sql k.db "SELECT DISTINCT guest_kernel FROM runs WHERE compare_id = $c")
	kmd=$kern # report.md escapes none of its characters
	f=$(grep -l "^# scxbench comparison $c:" rep/*/report.md 2>/dev/null)
	# its kernel in the headline and the machine table; its runs' rows
	# (| id | scheduler |) and no other comparison's
	mine=$(sql k.db "SELECT count(*) FROM runs WHERE compare_id = $c")
	other=$(sql k.db "SELECT group_concat(id, ' ') FROM runs WHERE compare_id != $c")
	rows=$(grep -cE '^\| [0-9]+ \| [^|]+ \| (ok|sched\\_failed|failed)( |<br>)' "$f" 2>/dev/null)
	stray=0
	for id in $other; do grep -qE "^\| $id \| [^|]+ \| (ok|sched\\\\_failed|failed)( |<br>)" "$f" && stray=1; done
	{ [ -n "$f" ] && grep -qF "Machine: kernel $kmd, topology " "$f" &&
		grep -qF "| kernel | $kmd |" "$f" && [ "$rows" = "$mine" ] && [ $stray = 0 ]; } ||
		{ ok=no; echo "# comparison $c ($kern): ${f:-no report}: $rows run rows of $mine, stray $stray"; }
done
[ $ok = yes ] && [ "$(ls -d rep/*/ | wc -l)" = 2 ] && pass "one report folder per comparison, naming its kernel, holding its runs only" ||
	fail "reports" "$(ls -R rep | head)"
# a report over runs of both kernels is refused
ids=$(sql k.db "SELECT group_concat(id) FROM (SELECT min(id) AS id FROM runs GROUP BY compare_id)")
out=$("$SCXB" report --db k.db --runs "$ids" --out mixrep 2>&1); rc=$?
if [ $two = yes ]; then
	[ $rc = 2 ] && grep -q 'ran in different places' <<<"$out" && [ ! -e mixrep/report.html ] &&
		pass "report --runs over both kernels: refused" || fail "mixed report: rc $rc" "$out"
else
	skip "mixed report refused" "one kernel: the runs are of one machine"
fi
[ "$(sql k.db 'PRAGMA integrity_check')" = ok ] && pass "database integrity ok" || fail "integrity"
