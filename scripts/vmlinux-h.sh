#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Generate the vmlinux.h the BPF schedulers compile against. It must come
# from a kernel with sched_ext (struct sched_ext_ops, scx_* types): the
# running kernel's BTF when it has sched_ext, else the BTF of the cached
# Debian kernel (scripts/fetch-kernel.sh, run here if nothing is cached).
# CO-RE relocates the objects onto whichever sched_ext kernel loads them.
#
# Usage: scripts/vmlinux-h.sh OUT
# Environment: BPFTOOL (default: build/tools/bpftool, else bpftool in PATH).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
dest=$1
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "vmlinux-h: error: $*" >&2; exit 1; }

bpftool=${BPFTOOL:-}
if [ -z "$bpftool" ]; then
	if [ -x "$here/../build/tools/bpftool" ]; then
		bpftool=$here/../build/tools/bpftool
	else
		bpftool=$(command -v bpftool 2>/dev/null) ||
			die "bpftool not found (apt-get install bpftool, or scripts/build-libbpf.sh)"
	fi
fi

cache=${XDG_CACHE_HOME:-$HOME/.cache}/scxbench
if [ -d /sys/kernel/sched_ext ] && [ -r /sys/kernel/btf/vmlinux ]; then
	btf=/sys/kernel/btf/vmlinux
	echo "vmlinux-h: from the running kernel's BTF ($(uname -r), has sched_ext)"
else
	btf=$cache/kernels/current/btf.vmlinux
	if [ ! -s "$btf" ]; then
		echo "vmlinux-h: the running kernel has no sched_ext and no kernel is cached: fetching one"
		"$here/fetch-kernel.sh" ||
			die "no sched_ext BTF: the running kernel lacks sched_ext and scripts/fetch-kernel.sh failed"
	fi
	[ -s "$btf" ] || die "no sched_ext BTF: $btf missing after scripts/fetch-kernel.sh"
	echo "vmlinux-h: from the cached kernel's BTF ($(readlink "$cache/kernels/current"))"
fi

tmp=$dest.tmp.$$
trap 'rm -f "$tmp"' EXIT INT TERM
"$bpftool" btf dump file "$btf" format c >"$tmp" ||
	die "bpftool btf dump of $btf failed"
grep -q 'struct sched_ext_ops {' "$tmp" ||
	die "$btf has no struct sched_ext_ops: not a sched_ext kernel"
mv "$tmp" "$dest"
trap - EXIT INT TERM
