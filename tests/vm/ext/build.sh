#!/bin/bash
# Build the external-scheduler test fixtures (extfifo, extkconfig).
#
#   tests/vm/ext/build.sh OUTDIR [VMLINUX_DIR]
#
# Artefacts in OUTDIR:
#   extfifo.bpf.o     global-FIFO sched_ext scheduler, ops name "extfifo"
#   extkconfig.bpf.o  the same with __kconfig externs, ops name "extkconfig"
#   extpartial.bpf.o  the same with SCX_OPS_SWITCH_PARTIAL (extfifo -p), ops "extpartial"
#   extfifo           loader, dynamic (system libbpf.so.1, libelf, libz, libc)
#   extfifo_static    the same loader, static (private libbpf.a + libelf/libz/libzstd)
# The loaders look for the .bpf.o files next to themselves (or -o PATH).
#
# Inputs (environment):
#   VMLINUX_DIR  directory holding vmlinux.h (or the 2nd argument);
#                default: <repo>/build, the repo being the one holding this script
#   LIBBPF_DIR   private static libbpf (include/, lib/libbpf.a); default <repo>/build/libbpf
#   CLANG        default clang;  CC  default cc
# Rebuilds only what is older than its inputs; prints one line per artefact.
set -eu

die() { echo "ext build: $*" >&2; exit 1; }

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 OUTDIR [VMLINUX_DIR]" >&2
	exit 2
fi
OUT=$1
SRC=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$SRC/../../.." && pwd)
VMLINUX_DIR=${2:-${VMLINUX_DIR:-$REPO/build}}
LIBBPF_DIR=${LIBBPF_DIR:-$REPO/build/libbpf}
CLANG=${CLANG:-clang}
CC=${CC:-cc}
LIBDIR=/usr/lib/x86_64-linux-gnu

command -v "$CLANG" >/dev/null 2>&1 || die "clang not found ('$CLANG'): apt-get install clang, or set CLANG"
command -v "$CC" >/dev/null 2>&1 || die "C compiler not found ('$CC'): set CC"
[ -r "$VMLINUX_DIR/vmlinux.h" ] || die "vmlinux.h not found in '$VMLINUX_DIR' (give VMLINUX_DIR or the 2nd argument)"
[ -r /usr/include/bpf/libbpf.h ] || die "/usr/include/bpf/libbpf.h missing: apt-get install libbpf-dev"
if ! [ -r "$LIBBPF_DIR/lib/libbpf.a" ] || ! [ -r "$LIBBPF_DIR/include/bpf/libbpf.h" ]; then
	die "static libbpf not found in '$LIBBPF_DIR' (lib/libbpf.a, include/bpf/libbpf.h): set LIBBPF_DIR"
fi
for a in libelf.a libz.a libzstd.a; do
	[ -r "$LIBDIR/$a" ] || die "$LIBDIR/$a missing (libelf-dev, zlib1g-dev, libzstd-dev)"
done

mkdir -p "$OUT" || die "cannot create '$OUT'"
OUT=$(cd "$OUT" && pwd)

# fresh TARGET DEP...: TARGET exists and is newer than every DEP
fresh() {
	t=$1; shift
	[ -e "$t" ] || return 1
	for d in "$@"; do
		[ "$t" -nt "$d" ] || return 1
	done
	return 0
}

# step TARGET "DEPS" COMMAND...: run COMMAND (writing "$tmp") unless fresh
step() {
	t=$1 deps=$2; shift 2
	# shellcheck disable=SC2086
	if fresh "$t" $deps "$SRC/build.sh"; then
		echo "up-to-date $t"
		return 0
	fi
	tmp="$t.tmp.$$"
	if ! "$@"; then
		rm -f "$tmp"
		die "failed to build $t"
	fi
	mv -f "$tmp" "$t"
	echo "built $t"
}

BPF_CFLAGS="-target bpf -O2 -g -mcpu=v3 -D__TARGET_ARCH_x86 -fms-extensions -Wno-microsoft-anon-tag -Wall -I$VMLINUX_DIR"
CFLAGS="-O2 -g -Wall -Werror"

bpf_obj() { # NAME
	# shellcheck disable=SC2086
	"$CLANG" $BPF_CFLAGS -I"$SRC" -c "$SRC/$1.bpf.c" -o "$tmp"
}
loader_dyn() {
	# shellcheck disable=SC2086
	"$CC" $CFLAGS -o "$tmp" "$SRC/extfifo_loader.c" -lbpf -lelf -lz
}
loader_static() {
	# shellcheck disable=SC2086
	"$CC" $CFLAGS -static -I"$LIBBPF_DIR/include" -o "$tmp" "$SRC/extfifo_loader.c" \
		"$LIBBPF_DIR/lib/libbpf.a" "$LIBDIR/libelf.a" "$LIBDIR/libz.a" "$LIBDIR/libzstd.a"
}

step "$OUT/extfifo.bpf.o" "$SRC/extfifo.bpf.c $VMLINUX_DIR/vmlinux.h" bpf_obj extfifo
step "$OUT/extkconfig.bpf.o" "$SRC/extkconfig.bpf.c $SRC/extfifo.bpf.c $VMLINUX_DIR/vmlinux.h" bpf_obj extkconfig
step "$OUT/extpartial.bpf.o" "$SRC/extpartial.bpf.c $SRC/extfifo.bpf.c $VMLINUX_DIR/vmlinux.h" bpf_obj extpartial
step "$OUT/extfifo" "$SRC/extfifo_loader.c" loader_dyn
step "$OUT/extfifo_static" "$SRC/extfifo_loader.c $LIBBPF_DIR/lib/libbpf.a" loader_static
