#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One-time set-up of a Debian 12 machine for scxbench (run as root, from the
# repository root): Debian packages, a private static libbpf >= 1.2 and a
# bpftool that knows .struct_ops.link, and a sched_ext guest kernel for hosts
# whose kernel lacks sched_ext. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang-16 beside bookworm's default clang 14: 14 emits no BTF type tags,
# so schedulers users build with __kptr fields (scx_flatcg, scx_nest) are
# rejected by the verifier. libmd: sha256 of exec: scheduler binaries.
# python3-yaml: the test that parses examples/github-nightly.yml.
# protobuf-compiler, python3-protobuf: the test that decodes a Perfetto
# export with an independent protobuf implementation.
PACKAGES=(
	build-essential clang clang-16 llvm pkg-config make git libmd-dev
	libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
	libtracefs-dev libtraceevent-dev libsqlite3-dev sqlite3
	gnuplot-nox qemu-system-x86 busybox-static cpio zstd xz-utils dpkg-dev
	rt-tests trace-cmd linux-perf libxml2-utils poppler-utils file
	stress-ng rt-app
	chromium python3-yaml protobuf-compiler python3-protobuf
)

if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root (apt-get install, kernel cache)" >&2
	exit 2
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	echo "deps: Debian packages present"
fi

scripts/build-libbpf.sh
scripts/get-qemu.sh
# Hosts without sched_ext (most CI runners) run schedulers in a guest, and
# the BPF build needs a sched_ext kernel's BTF for vmlinux.h. Two kernels,
# so that `--kernels` has a matrix to run (the second costs ~7 s and
# ~190 MB here): sid's is the default (current), trixie-backports' beside.
if [ ! -d /sys/kernel/sched_ext ]; then
	scripts/fetch-kernel.sh --dist sid
	scripts/fetch-kernel.sh --dist trixie-backports
fi
echo "deps: done"
