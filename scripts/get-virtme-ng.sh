#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Used by scripts/bench-virtme-ng.sh only: scxbench does not depend on it.
# get-virtme-ng.sh DIR [KERNEL_CACHE_DIR]
#
# Fetch virtme-ng from Debian sid into DIR without touching the system's apt
# setup, and make it runnable on a Debian 12 (bookworm) host:
#   DIR/apt/        private apt state (own sources.list, lists, cache)
#   DIR/root/       virtme-ng .deb unpacked (dpkg-deb -x)
#   DIR/udev/       bookworm's udev .deb unpacked, only if the host has no udevd
#   DIR/kernel/     KERNEL_CACHE_DIR's vmlinuz + lib/modules/<kver> laid out the
#                   way vng expects (<root>/lib/modules/<kver>, depmod run there)
#   DIR/bin/vng     wrapper: PYTHONPATH/PATH set, runs the unpacked vng
#   DIR/bin/udev-ns wrapper: runs a command in a private mount namespace in
#                   which DIR/udev is overlaid on /usr (host unchanged), so the
#                   guest's virtme-init finds udevd and script I/O works
#
# Idempotent: re-running only redoes what is missing or out of date.
# Options (environment):
#   INSTALL_DEPS=1  apt-get install (from the system's bookworm sources) the
#                   host packages vng needs and that are missing
#   MIRROR=URL      Debian mirror (default: the one the system already uses)
#   SUITE=sid       suite to take virtme-ng from
set -eu

DIR=${1:?usage: get-virtme-ng.sh DIR [KERNEL_CACHE_DIR]}
KSRC=${2:-$HOME/.cache/scxbench/kernels/current}
SUITE=${SUITE:-sid}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

say() { echo "get-virtme-ng: $*" >&2; }
die() { say "error: $*"; exit 1; }

# --- host dependencies (virtme-ng's Depends, as bookworm packages) ----------
# busybox-static, file, iproute2, kmod, util-linux-extra, python3-argcomplete,
# python3-requests, python3 (>= 3.10: the code uses "X | None" annotations).
# kbd is also listed by the package but not needed for --exec.
PY=/usr/bin/python3
missing=""
[ -x "$PY" ] || missing="$missing python3"
if [ -x "$PY" ]; then
  "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "$PY is older than 3.10"
  "$PY" -c 'import argcomplete' 2>/dev/null || missing="$missing python3-argcomplete"
  "$PY" -c 'import requests' 2>/dev/null || missing="$missing python3-requests"
fi
for t in depmod:kmod modprobe:kmod busybox:busybox-static file:file ip:iproute2; do
  PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
missing=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')
if [ -n "${missing% }" ]; then
  if [ "${INSTALL_DEPS:-0}" = 1 ]; then
    say "installing from the system's apt sources: $missing"
    apt-get install -y --no-install-recommends $missing
  else
    die "missing host packages: $missing (re-run with INSTALL_DEPS=1, or: apt-get install $missing)"
  fi
fi

# --- private apt dir for sid -------------------------------------------------
if [ -z "${MIRROR:-}" ]; then
  MIRROR=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/*[[:space:]]*$/\1/p' \
             /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$MIRROR" ] || MIRROR=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\/debian\)\/\?[[:space:]].*/\2/p' \
             /etc/apt/sources.list 2>/dev/null | head -1)
  [ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
fi
A=$DIR/apt
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$DIR/debs"
echo "deb $MIRROR $SUITE main" > "$A/sources.list.new"
if ! cmp -s "$A/sources.list.new" "$A/sources.list" 2>/dev/null; then
  mv "$A/sources.list.new" "$A/sources.list"; rm -f "$A/lists/"*Packages* 2>/dev/null || true
else
  rm -f "$A/sources.list.new"
fi
APT="-o Dir::Etc::sourcelist=$A/sources.list -o Dir::Etc::sourceparts=/nonexistent
     -o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache"
# refresh the lists when missing or older than a day (sid moves)
if [ -z "$(find "$A/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
  say "apt-get update ($MIRROR $SUITE)"
  apt-get $APT -q update >&2
fi
VER=$(apt-cache $APT policy virtme-ng | sed -n 's/^[[:space:]]*Candidate:[[:space:]]*//p')
[ -n "$VER" ] && [ "$VER" != "(none)" ] || die "virtme-ng not found in $SUITE"

# --- download + unpack virtme-ng (apt verifies the hash against the signed index)
if [ "$(cat "$DIR/root/.virtme-ng-version" 2>/dev/null)" != "$VER" ]; then
  say "downloading virtme-ng $VER"
  (cd "$DIR/debs" && rm -f virtme-ng_*.deb && apt-get $APT -q download "virtme-ng=$VER" >&2)
  rm -rf "$DIR/root.new"; mkdir -p "$DIR/root.new"
  dpkg-deb -x "$DIR/debs/"virtme-ng_*.deb "$DIR/root.new"
  echo "$VER" > "$DIR/root.new/.virtme-ng-version"
  rm -rf "$DIR/root"; mv "$DIR/root.new" "$DIR/root"
fi
PYDIR=$DIR/root/usr/lib/python3/dist-packages
[ -f "$PYDIR/virtme_ng/run.py" ] || die "unexpected package layout"
if [ -x "$DIR/root/usr/lib/python3/dist-packages/virtme/guest/bin/virtme-ng-init" ]; then
  say "package ships the Rust virtme-ng-init"
else
  say "package ships no Rust virtme-ng-init: guest uses the bash virtme-init"
fi

# --- udev for the guest (vng's --exec I/O needs /dev/virtio-ports/* links) ---
if [ ! -x /usr/lib/systemd/systemd-udevd ] && [ ! -x /lib/systemd/systemd-udevd ] \
   && ! command -v udevd >/dev/null 2>&1; then
  if [ ! -x "$DIR/udev/bin/udevadm" ]; then
    say "host has no udevd: unpacking bookworm's udev (not installed) into $DIR/udev"
    (cd "$DIR/debs" && rm -f udev_*.deb && apt-get -q download udev >&2)
    rm -rf "$DIR/udev"; dpkg-deb -x "$DIR/debs/"udev_*.deb "$DIR/udev"
  fi
fi
mkdir -p "$DIR/bin"
cat > "$DIR/bin/udev-ns" <<EOF
#!/bin/sh
# run "\$@" in a private mount namespace where $DIR/udev overlays /usr (host unchanged)
U=$DIR/udev
if [ ! -x "\$U/bin/udevadm" ]; then exec "\$@"; fi
exec unshare -m --propagation private sh -c '
U=\$0
mount -t overlay -o lowerdir=\$U/lib/systemd:/usr/lib/systemd none /usr/lib/systemd &&
mount -t overlay -o lowerdir=\$U/bin:/usr/bin none /usr/bin &&
mount -t overlay -o lowerdir=\$U/lib/udev:/usr/lib/udev none /usr/lib/udev || exit 125
exec "\$@"' "\$U" "\$@"
EOF
chmod +x "$DIR/bin/udev-ns"

cat > "$DIR/bin/vng" <<EOF
#!/bin/sh
# unpacked virtme-ng $VER (vng calls virtme-run through PATH)
export PYTHONPATH=$PYDIR\${PYTHONPATH:+:\$PYTHONPATH}
export PATH=$DIR/root/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec $PY $DIR/root/usr/bin/vng "\$@"
EOF
chmod +x "$DIR/bin/vng"

# --- kernel laid out as <root>/lib/modules/<kver> with a modules.dep ---------
if [ -f "$KSRC/vmlinuz" ]; then
  # kernel version string from the bzImage header (offset at 0x20e, +0x200)
  off=$(od -An -tu2 -j $((0x20e)) -N2 "$KSRC/vmlinuz" | tr -d ' ')
  KVER=$(dd if="$KSRC/vmlinuz" bs=1 skip=$((off + 0x200)) count=128 2>/dev/null | tr '\0' '\n' | head -1 | cut -d' ' -f1)
  [ -n "$KVER" ] || die "cannot read the kernel version of $KSRC/vmlinuz"
  K=$DIR/kernel/$KVER
  if [ ! -f "$K/lib/modules/$KVER/modules.dep" ] || [ "$KSRC/vmlinuz" -nt "$K/vmlinuz" ]; then
    say "laying out kernel $KVER in $K"
    rm -rf "$K"; mkdir -p "$K/lib/modules"
    cp "$KSRC/vmlinuz" "$K/vmlinuz"
    [ -f "$KSRC/config" ] && cp "$KSRC/config" "$K/config"
    # a copy, not links: depmod writes into this tree, the cache stays untouched
    cp -a "$KSRC/modules" "$K/lib/modules/$KVER"
    PATH=/usr/sbin:/sbin:$PATH depmod -a -b "$K" "$KVER"
  fi
  ln -sfn "$KVER" "$DIR/kernel/current"
  say "kernel: $DIR/kernel/current/vmlinuz ($KVER)"
else
  say "no $KSRC/vmlinuz: kernel layout skipped"
fi

say "virtme-ng $VER ready: $DIR/bin/vng --version -> $("$DIR/bin/vng" --version 2>&1)"
cat >&2 <<EOF
example (TCG, 9p; firmware dirs only needed for a relocated QEMU):
  $DIR/bin/udev-ns $DIR/bin/vng --run $DIR/kernel/current/vmlinuz --disable-kvm --force-9p \\
     --cpus 2 --memory 2G --qemu QEMU --qemu-opts '-L FWDIR1 -L FWDIR2' --exec 'uname -r' </dev/null 2>&1 | cat
EOF
