#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# K CPU hogs pinned to one CPU for D seconds: the on-CPU time the trace
# derives must match the kernel's own accounting (schedstat) within 2 %,
# and, under the bench lock, D/K within 5 % (other load on the host would
# make that part meaningless: it is reported, then checked).
. "$(dirname "$0")/trace-lib.sh"
D=2 K=2 CPU=$(($(nproc) - 1))
echo 1..$((1 + 2 * K))
if ! build_tools; then
	nok "build driver and helper"; sed 's/^/# /' "$T/build.log"; exit 1
fi
ok "build driver and helper"
# a TCG guest (other tests) keeps both CPUs busy and takes a share from
# the hogs that the trace rightly shows: hold the VM lock too
out=$(flock /tmp/scxb-vm.lock "$ROOT/scripts/bench-lock-run.sh" "$T/trace_driver" "$T/db" -- "$T/trace_helper" hog $D $K $CPU 2>"$T/err")
run=$(echo "$out" | tail -1)
el=$(echo "$out" | awk '/^elapsed/ {print $2}')
echo "$out" | awk '/^tid/ {print $2, $3}' | while read -r name tid; do
	ns=$(sqlite3 "$T/db" "SELECT run_ns FROM task_stats WHERE run_id=$run AND pid=$tid")
	ks=$(echo "$out" | awk -v n="$name" '$1 == "oncpu" && $2 == n {print $3}')
	echo "# $name: trace ${ns:-?} ns, schedstat ${ks:-?} ns, expected share $(awk -v d="$el" -v k=$K 'BEGIN{printf "%.0f", d*1e9/k}') ns"
	check "$name: trace on-CPU within 2 % of schedstat" \
		awk -v a="${ns:-0}" -v b="${ks:-0}" 'BEGIN{exit !(b > 0 && (a-b)/b < 0.02 && (b-a)/b < 0.02)}'
	check "$name: on-CPU within 5 % of duration/$K" \
		awk -v a="${ns:-0}" -v d="$el" -v k=$K 'BEGIN{e=d*1e9/k; exit !((a-e)/e < 0.05 && (e-a)/e < 0.05)}'
done
exit 0
