#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The BPF toolchain scxbench needs beyond Debian 12's packages:
#   - libbpf >= 1.2 for link-based struct_ops (SEC(".struct_ops.link"): the
#     scheduler detaches when scxbench dies, even by SIGKILL). bookworm has
#     1.1.2, so Debian 13's libbpf source package is built statically into
#     $OUT/libbpf (include/bpf/libbpf.h, lib/libbpf.a), which the Makefile
#     picks up.
#   - a bpftool whose skeletons know .struct_ops.link maps: bookworm-backports'
#     bpftool 7.5, unpacked into $OUT/tools/bpftool (preferred by the Makefile).
#
# apt runs with a private sources list, lists and cache under $OUT/.apt: the
# system's apt configuration and state are not touched. Idempotent: returns
# at once when both are already in place.
#
# Usage: scripts/build-libbpf.sh [OUT]   (OUT defaults to build)
# Environment: SCXB_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -eu

out=${1:-build}
mkdir -p "$out"
out=$(cd "$out" && pwd)
mirror=${SCXB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
libbpf_min=1.2

step() { echo "build-libbpf: $*"; }
die() { echo "build-libbpf: error: $*" >&2; exit 1; }

libbpf_version() {
	h=$out/libbpf/include/bpf/libbpf_version.h
	[ -f "$h" ] && [ -f "$out/libbpf/lib/libbpf.a" ] || return 1
	maj=$(sed -n 's/^#define LIBBPF_MAJOR_VERSION \([0-9]*\)/\1/p' "$h")
	min=$(sed -n 's/^#define LIBBPF_MINOR_VERSION \([0-9]*\)/\1/p' "$h")
	[ -n "$maj" ] && [ -n "$min" ] && echo "$maj.$min"
}

libbpf_ok() {
	v=$(libbpf_version) || return 1
	[ "$(printf '%s\n%s\n' "$libbpf_min" "$v" | sort -V | head -n1)" = "$libbpf_min" ]
}

# bpftool >= 7.3 generates skeletons with struct_ops link support.
bpftool_ok() {
	[ -x "$out/tools/bpftool" ] || return 1
	v=$("$out/tools/bpftool" version 2>/dev/null | sed -n 's/^.*bpftool v\([0-9.]*\).*$/\1/p' | head -n1)
	[ -n "$v" ] && [ "$(printf '7.3\n%s\n' "$v" | sort -V | head -n1)" = 7.3 ]
}

if libbpf_ok && bpftool_ok; then
	step "libbpf $(libbpf_version) in $out/libbpf and $("$out/tools/bpftool" version | head -n1) in $out/tools: nothing to do"
	exit 0
fi

for t in apt-get dpkg-source dpkg-deb make cc; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found (install apt, dpkg-dev, make, gcc)"
done

apt=$out/.apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed=
[ -r "$keyring" ] && signed="[signed-by=$keyring] "
{
	echo "deb-src ${signed}$mirror trixie main"
	echo "deb ${signed}$mirror bookworm-backports main"
} >"$apt/sources.list"
set -- -o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent \
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
	-o APT::Get::List-Cleanup=1

step "updating the private package lists (trixie sources, bookworm-backports)"
apt-get -q "$@" update >"$apt/update.log" 2>&1 ||
	die "apt-get update failed (see $apt/update.log)"

work=$apt/work
trap 'rm -rf "$work"' EXIT INT TERM

if ! libbpf_ok; then
	rm -rf "$work" && mkdir -p "$work"
	step "downloading the libbpf source package (trixie)"
	(cd "$work" && apt-get -q "$@" source --download-only libbpf >download.log 2>&1) ||
		die "apt-get source libbpf failed: $(tail -n1 "$work/download.log")"
	dsc=$(ls "$work"/libbpf_*.dsc 2>/dev/null | head -n1)
	[ -n "$dsc" ] || die "no libbpf .dsc downloaded"
	# The .dsc's checksums were verified by apt against the signed index.
	dpkg-source --no-check -x "$dsc" "$work/src" >"$work/extract.log" 2>&1 ||
		die "dpkg-source -x failed: $(tail -n1 "$work/extract.log")"
	step "building static libbpf ($(basename "$dsc" .dsc))"
	rm -rf "$out/libbpf"
	make -s -C "$work/src/src" -j"$(nproc)" BUILD_STATIC_ONLY=1 \
		OBJDIR="$work/obj" DESTDIR="$out/libbpf" PREFIX= \
		LIBDIR=/lib INCLUDEDIR=/include \
		install install_uapi_headers >"$work/build.log" 2>&1 ||
		die "libbpf build failed: $(tail -n3 "$work/build.log")"
	libbpf_ok || die "libbpf installed into $out/libbpf but its version is below $libbpf_min"
	step "libbpf $(libbpf_version) installed into $out/libbpf"
fi

if ! bpftool_ok; then
	rm -rf "$work" && mkdir -p "$work"
	step "downloading bpftool (bookworm-backports)"
	(cd "$work" && apt-get -q "$@" download bpftool/bookworm-backports >download.log 2>&1) ||
		die "apt-get download bpftool failed: $(tail -n1 "$work/download.log")"
	dpkg-deb -x "$work"/bpftool_*.deb "$work/root" || die "cannot extract the bpftool package"
	bin=
	for b in "$work/root/usr/sbin/bpftool" "$work/root/usr/bin/bpftool"; do
		[ -x "$b" ] && { bin=$b; break; }
	done
	[ -n "$bin" ] || die "no bpftool binary in the package"
	mkdir -p "$out/tools"
	cp "$bin" "$out/tools/bpftool.tmp"
	mv "$out/tools/bpftool.tmp" "$out/tools/bpftool"
	bpftool_ok || die "$out/tools/bpftool does not run: $("$out/tools/bpftool" version 2>&1 | head -n1)"
	step "$("$out/tools/bpftool" version | head -n1) installed into $out/tools"
fi
