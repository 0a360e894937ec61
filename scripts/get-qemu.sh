#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A private QEMU 10 (Debian bookworm-backports, built for bookworm) in
# build/tools/qemu, preferred by scxbench over the system's QEMU 7.2: 7.2's
# multi-threaded TCG now and then executes a stale translation of kernel
# text that sched_ext has just patched ("Oops: int3" in __schedule or
# try_to_wake_up, about one boot in three of a 10-run comparison here).
# Extracted, not installed: the system's apt configuration and packages are
# left alone. Idempotent; on any failure scxbench falls back to the system
# QEMU, and this script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
dest=$OUT/tools/qemu
apt_dir=$OUT/.apt-qemu
mirror=${SCXB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
say() { echo "get-qemu: $*"; }

if [ -x "$dest/usr/bin/qemu-system-x86_64" ] && "$dest/usr/bin/qemu-system-x86_64" --version >/dev/null 2>&1; then
	say "$("$dest/usr/bin/qemu-system-x86_64" --version | head -1) already in $dest"
	exit 0
fi
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/dl"
cat > "$apt_dir/sources.list" <<SRC
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $mirror bookworm-backports main
SRC
A=(-o Dir::Etc::sourcelist="$PWD/$apt_dir/sources.list" -o Dir::Etc::sourceparts=/nonexistent
   -o Dir::State::Lists="$PWD/$apt_dir/lists" -o Dir::Cache="$PWD/$apt_dir/cache"
   -o Debug::NoLocking=1)
fail() { say "$*; scxbench will use the system's QEMU"; rm -rf "$dest.tmp"; exit 0; }
say "updating the private package lists (bookworm, bookworm-backports)"
apt-get "${A[@]}" update -q >/dev/null 2>&1 || fail "apt-get update failed"
say "downloading QEMU from bookworm-backports"
(cd "$apt_dir/dl" && rm -f ./*.deb &&
 apt-get "${A[@]}" download -t bookworm-backports qemu-system-x86 qemu-system-common \
	qemu-system-data seabios >/dev/null 2>&1) || fail "download failed"
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
for d in "$apt_dir"/dl/*.deb; do
	dpkg-deb -x "$d" "$dest.tmp" || fail "cannot unpack $d"
done
q=$dest.tmp/usr/bin/qemu-system-x86_64
if ldd "$q" | grep -q "not found"; then
	fail "QEMU 10 needs libraries this system lacks: $(ldd "$q" | grep 'not found' | tr -s ' \n' ' ')"
fi
"$q" --version >/dev/null 2>&1 || fail "the extracted QEMU does not run"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
say "$("$dest/usr/bin/qemu-system-x86_64" --version | head -1) installed into $dest"
