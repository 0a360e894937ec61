#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs of the scxbench QEMU guest (harness/vm/guest.c calls
# this for every boot; it takes well under a second). The guest runs the
# host's own files (its / is shared); this only has to get it there:
#
#   /init              scripts/guest-init (busybox sh), or --init PATH
#   /bin/busybox       the host's busybox, which must be static
#   /lib/modules/*.ko  the --module's and what they depend on, decompressed
#                      (busybox insmod cannot read .ko.xz), and
#   /modules.order     the order to insmod them in (dependencies first)
#   extra files        --file SRC:DEST (e.g. /scxb.conf from vm_guest.c)
#   /scxbench          --binary PATH: a static binary to run from the
#                      initramfs itself (the benchmark of the old design)
#
# Usage: scripts/mkinitramfs.sh --out FILE [--init PATH] [--binary PATH]
#          [--modules-dir DIR] [--module NAME]... [--optional-module NAME]...
#          [--file SRC:DEST]... [--gzip]
# An --optional-module that is not in the modules dir is skipped (a kernel
# without a readable config may have it built in).
# The archive is an uncompressed newc cpio unless --gzip: the kernel unpacks
# it faster than gunzip would, and it never leaves this machine.
set -eu

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }

here=$(dirname "$(readlink -f "$0")")
out=
binary=
init=
mdir=
modules=
optional=
files=
gz=0
while [ $# -gt 0 ]; do
	case "$1" in
	--out|--binary|--init|--modules-dir|--module|--optional-module|--file)
		[ $# -ge 2 ] || die "$1 needs a value"
		case "$1" in
		--out) out=$2 ;;
		--binary) binary=$2 ;;
		--init) init=$2 ;;
		--modules-dir) mdir=$2 ;;
		--module) modules="$modules $2" ;;
		--optional-module) optional="$optional $2" ;;
		--file) files="$files
$2" ;;
		esac
		shift 2 ;;
	--gzip) gz=1; shift ;;
	-h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (try --help)" ;;
	esac
done
[ -n "$out" ] || die "--out is required"

for t in cpio find; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found (apt-get install cpio findutils)"
done
bb=$(command -v busybox 2>/dev/null) || die "busybox not found (apt-get install busybox-static)"
bb=$(readlink -f "$bb")
# A dynamic busybox would die in the guest for want of libc: refuse it here.
if command -v file >/dev/null 2>&1 && ! file -L "$bb" | grep -q 'statically linked'; then
	die "$bb is not statically linked (apt-get install busybox-static)"
fi
[ -n "$init" ] || init=$here/guest-init
[ -r "$init" ] || die "$init is missing"

stage=$(mktemp -d "${TMPDIR:-/tmp}/scxb-initrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$stage/bin" "$stage/sbin" "$stage/dev" "$stage/proc" "$stage/sys" \
	"$stage/tmp" "$stage/run" "$stage/lib/modules"
cp "$bb" "$stage/bin/busybox"
cp "$init" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox"
if [ -n "$binary" ]; then
	[ -x "$binary" ] || die "binary '$binary' is not executable"
	cp "$binary" "$stage/scxbench"
fi

# Copy one module and, first, its dependencies (read from the .modinfo
# strings of the .ko: the Debian package ships no modules.dep). A second
# argument "optional": return 1 instead of dying when it is not there.
add_module() {
	# `local` (dash, busybox, bash): the recursion would clobber globals.
	local name alt src dst deps d opt
	name=$1
	opt=${2:-}
	case " $(tr '\n' ' ' < "$stage/modules.order") " in *" $name.ko "*) return 0 ;; esac
	alt=$(echo "$name" | tr '_-' '-_')
	src=$(find "$mdir" \( -name "$name.ko" -o -name "$name.ko.*" -o -name "$alt.ko" \
		-o -name "$alt.ko.*" \) -print 2>/dev/null | head -n1)
	if [ -z "$src" ]; then
		[ -n "$opt" ] && return 1
		die "module '$name' not found under $mdir"
	fi
	dst=$stage/lib/modules/$name.ko
	case "$src" in
	*.ko.xz) xz -dc "$src" > "$dst" ;;
	*.ko.zst) zstd -qdc "$src" > "$dst" ;;
	*.ko.gz) gzip -dc "$src" > "$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
	deps=$(tr '\0' '\n' < "$dst" | sed -n 's/^depends=//p' | head -n1 | tr ',' ' ')
	for d in $deps; do
		add_module "$d"
	done
	echo "$name.ko" >> "$stage/modules.order"
}

: > "$stage/modules.order"
if [ -n "$modules" ]; then
	[ -n "$mdir" ] && [ -d "$mdir" ] || die "--module given but modules dir '$mdir' is missing"
	for m in $modules; do
		add_module "$m"
	done
fi
if [ -n "$optional" ] && [ -n "$mdir" ] && [ -d "$mdir" ]; then
	for m in $optional; do
		add_module "$m" optional || echo "mkinitramfs: $m not in $mdir: assuming it is built in" >&2
	done
fi

printf '%s\n' "$files" | while IFS= read -r spec; do
	[ -n "$spec" ] || continue
	src=${spec%%:*}
	dst=${spec#*:}
	[ -r "$src" ] || die "file '$src' is missing"
	mkdir -p "$stage/$(dirname "$dst")"
	cp "$src" "$stage/$dst"
done

tmp=$out.tmp.$$
(cd "$stage" && find . -print | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$tmp" ||
	{ rm -f "$tmp"; die "cpio failed"; }
if [ "$gz" = 1 ]; then
	gzip -1 < "$tmp" > "$out" || { rm -f "$tmp"; die "gzip failed"; }
	rm -f "$tmp"
else
	mv "$tmp" "$out"
fi
