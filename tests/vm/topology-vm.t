#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Synthetic CPU topologies in a real guest: a 2s2c2t guest shows its
# kernel 8 CPUs in 2 packages of 2 SMT pairs and 2 LLCs, every run stores
# that view (show, --json), the LLC-aware built-in runs on it and the trace
# counts migrations by distance; a 2n2s1c1t guest has 2 nodes with memory
# and distances; a guest that is not what was asked for is refused before
# any run; a bad spec is refused before any boot. 2 boots (~45 s here).
. "$(dirname "$0")/../lib.sh"
[ -d /sys/kernel/sched_ext ] && skip_all "this kernel has sched_ext: --topology needs the VM path"
need_guest
plan 12
export TMPDIR=$TMP/tmpd
mkdir -p "$TMPDIR"
cd "$TMP"

# 1: a bad spec, before any boot: exit 2 at once, no database, no QEMU
t0=$(date +%s)
out=$("$SCXB" run llc --workload cpu --duration 1 --topology 2s2c --db bad.db 2>&1); rc=$?
[ $rc = 2 ] && [ $(( $(date +%s) - t0 )) -lt 5 ] && [ ! -e bad.db ] && [ -z "$(ls -A "$TMPDIR")" ] &&
	grep -q "topology '2s2c'" <<<"$out" &&
	pass "a bad --topology is refused before any boot" || fail "bad spec" "rc=$rc $out"

# 2-8: 2 sockets x 2 cores x 2 threads, the LLC-aware scheduler, traced
# (--json: the run as the host stored it after the import, same boot)
"$SCXB" run llc --workload mixed --duration 1s --topology 2s2c2t --db t.db --json >j.json 2>err; rc=$?
echo "# $(grep -m1 'vCPUs on' err)"
n=$(sql t.db "SELECT count(*) FROM runs WHERE status = 'ok' AND topology = '2s2c2t' AND ncpus = 8 AND place = 'vm'")
[ $rc = 0 ] && [ "$n" = 1 ] && pass "a 2s2c2t guest: the run is ok, stored with topology 2s2c2t and 8 CPUs" ||
	fail "2s2c2t run" "rc=$rc n=$n $(tail -3 err)"
d=$(sql t.db "SELECT json_extract(topology_detail, '$.packages') || ' ' || json_extract(topology_detail, '$.cores')
	|| ' ' || json_extract(topology_detail, '$.threads_per_core') || ' ' || json_extract(topology_detail, '$.llcs')
	|| ' ' || json_extract(topology_detail, '$.smt_groups') || ' ' || json_extract(topology_detail, '$.llc_groups') FROM runs")
[ "$d" = '2 4 2 2 ["0-1","2-3","4-5","6-7"] ["0-3","4-7"]' ] &&
	pass "the guest's own view: 2 packages, 4 cores, SMT pairs 0-1 2-3 4-5 6-7, LLCs 0-3 4-7" ||
	fail "stored view" "$d"
hc=$(nproc)
[ "$(sql t.db 'SELECT vm_host_cpus FROM runs')" = "$hc" ] && { [ 8 -le "$hc" ] || grep -q "8 vCPUs on $hc host CPUs" err; } &&
	pass "host CPUs recorded ($hc), the oversubscription said in one line" || fail "host cpus" "$(sql t.db 'SELECT vm_host_cpus FROM runs'): $(cat err)"
show=$("$SCXB" show 1 --db t.db 2>&1)
grep -qE '^  topology +2s2c2t$' <<<"$show" && grep -qE '^  smt groups +\["0-1","2-3","4-5","6-7"\]' <<<"$show" &&
	grep -qE "^  vcpu ratio +$(awk -v h="$hc" 'BEGIN { printf "%.2f", 8 / h }') " <<<"$show" &&
	pass "show RUN prints the topology, its groups and the vCPU ratio" || fail "show" "$show"
python3 - <<'PY' 2>"$TMP/py" && pass "run --json of a guest's run carries the topology and its view" || fail "--json" "$(cat "$TMP/py" err)"
import json
r = json.loads(open('j.json').read().splitlines()[0])
assert r['topology'] == '2s2c2t', r['topology']
t = r['topology_detail']
assert t['packages'] == 2 and t['threads_per_core'] == 2 and len(t['cpu']) == 8, t
assert r['ncpus'] == 8 and r['vm_host_cpus'] >= 1, r
PY
m=$(sql t.db "SELECT group_concat(name || '=' || value, ' ') FROM metrics WHERE run_id = 1 AND name GLOB 'trace_migr_*'")
[ "$(wc -w <<<"$m")" = 4 ] && grep -q 'trace_migr_cross_node=0.0' <<<"$m" &&
	! grep -q 'trace_migr_cross_llc=0.0' <<<"$m" && pass "migrations by distance counted: $m" ||
	fail "trace_migr metrics" "$m"
ops=$(sql t.db "SELECT sched_ops || ' ' || exit_kind FROM runs WHERE id = 1")
[ "$ops" = "scxb_llc 64" ] && pass "llc ran with 2 LLC queues and unloaded cleanly" || fail "llc" "$ops"

# 9-12, one boot: a 2n2s1c1t guest (2 nodes of one socket each, memory
# split, distances) runs and prints its run (--json); asked for another
# shape, the same guest refuses before any run (its databases are in the
# guest's own /tmp: looked for there)
out=$("$SCXB" vm exec --topology 2n2s1c1t --vm-mem 1024 -- sh -c "'$SCXB' run eevdf --workload cpu \
	--duration 0.3 --host --topology 2n2s1c1t --no-trace --db /tmp/n.db --json; echo numa-rc=\$?;
	'$SCXB' run eevdf --workload cpu --duration 1 --host --topology 1s4c1t --db /tmp/x.db; echo guest-rc=\$?;
	test -e /tmp/x.db && echo DB-EXISTS || echo NO-DB" 2>"$TMP/vm-err")
# the guest's stdout and stderr reach us as two streams: their lines may
# interleave anywhere, so each is read on its own
err=$(cat "$TMP/vm-err")
grep '^{' <<<"$out" >n.json
python3 - <<'PY' 2>"$TMP/py" && grep -q 'numa-rc=0' <<<"$out" &&
import json
r = json.loads(open('n.json').read().splitlines()[0])
t = r['topology_detail']
assert r['topology'] == '2n2s1c1t' and t['nodes'] == 2, (r['topology'], t)
assert t['node_cpus'] == ['0', '1'] and t['distance'] == [[10, 20], [20, 10]], t
PY
	pass "a 2n2s1c1t guest: 2 nodes, one CPU each, distances 10/20" || fail "numa" "$(cat "$TMP/py") $(tail -4 <<<"$out") $err"
mem=$(python3 -c "import json; print(json.loads(open('n.json').readline())['topology_detail']['node_mem_mb'])" 2>/dev/null)
python3 -c "import sys; m=eval(sys.argv[1]); assert len(m)==2 and all(300 < x <= 512 for x in m), m" "$mem" 2>/dev/null &&
	pass "the memory split between the nodes: $mem MiB" || fail "node memory" "$mem"
grep -q 'guest-rc=2' <<<"$out" &&
	grep -q -- '--topology 1s4c1t: this system has 2 CPUs: 2 packages, .*, 2 nodes (2n2s1c1t), not the 4 CPUs of 1s4c1t' <<<"$err" &&
	pass "a guest of another shape: exit 2 naming what it has" || fail "mismatch" "$out $err"
grep -q 'NO-DB' <<<"$out" && pass "nothing ran, nothing stored" || fail "a database was written" "$out $err"
