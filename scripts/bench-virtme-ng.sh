#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Our guest against virtme-ng's on the same kernel and QEMU, interleaved:
# REPS (default 5) boots of each running `true`, wall time from start to
# exit and whether the command's exit code came back. virtme-ng (Debian
# sid) is fetched into build/virtme-ng by scripts/get-virtme-ng.sh, which
# needs kmod and python3-requests (INSTALL_DEPS=1 installs them). Not part
# of `make bench` (each vng boot takes 20-60 s here): BENCH=virtme-ng
# make bench, or run this script.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SCXB=${SCXBENCH:-$ROOT/build/scxbench}
REPS=${REPS:-5}
V=$ROOT/build/virtme-ng
scripts/get-virtme-ng.sh "$V" || { echo "bench-virtme-ng: could not set up virtme-ng"; exit 1; }
Q=$ROOT/build/tools/qemu/usr
export QEMU_MODULE_DIR=$Q/lib/x86_64-linux-gnu/qemu
exec 9>/tmp/scxb-vm.lock
flock 9
. scripts/bench-lock.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scxb-bench-vng-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
vng() { # extra wrapper... -> exit code of the guest command
	"$@" "$V/bin/vng" --run "$V/kernel/current/vmlinuz" --disable-kvm --force-9p --cpus 2 \
		--memory 2G --qemu "$Q/bin/qemu-system-x86_64" \
		--qemu-opts "-L $Q/share/seabios -L $Q/share/qemu" --exec 'exit 7' </dev/null 2>&1 | cat >/dev/null
	return "${PIPESTATUS[0]}"
}
for i in $(seq "$REPS"); do
	for d in scxbench vng vng-udev; do
		t0=$(date +%s.%N)
		case $d in
		scxbench) "$SCXB" vm exec -q -- sh -c 'exit 7' >/dev/null 2>&1 ;;
		vng) timeout 300 bash -c "$(declare -f vng); V=$V Q=$Q vng env" ;;
		vng-udev) timeout 300 bash -c "$(declare -f vng); V=$V Q=$Q vng $V/bin/udev-ns" ;;
		esac
		rc=$?
		t1=$(date +%s.%N)
		echo "$(echo "$t1 - $t0" | bc) $rc" >> "$tmp/$d"
	done
done
echo "guest boot running one command (exit 7), $REPS interleaved boots each, TCG, 2 vCPUs:"
printf '  %-30s %8s %8s %8s  %s\n' design median min max "exit codes seen"
for d in scxbench vng vng-udev; do
	sort -n "$tmp/$d" | awk -v d="$d" '{ v[NR] = $1; c[$2]++ } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		s = ""; for (k in c) s = s k "x" c[k] " "
		printf "  %-30s %8.2f %8.2f %8.2f  %s\n", d, m, v[1], v[NR], s }'
done
