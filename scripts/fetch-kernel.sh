#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fetch a current Debian kernel with sched_ext (CONFIG_SCHED_CLASS_EXT=y)
# into the scxbench cache, for the QEMU guest on hosts without sched_ext:
#
#   $CACHE/kernels/<kver>/vmlinuz      the bzImage
#   $CACHE/kernels/<kver>/config       its .config
#   $CACHE/kernels/<kver>/modules/     lib/modules/<kver>/ of the modules
#                                      package, .ko.xz as shipped
#   $CACHE/kernels/<kver>/btf.vmlinux  the ELF inside vmlinuz (BTF for vmlinux.h)
#   $CACHE/kernels/<kver>/source       where it came from: dist=, package=,
#                                      version=, mirror=, fetched= lines
#   $CACHE/kernels/current -> <kver>   the default kernel (--kernel picks others)
#
# Several kernels live side by side (one per release). `current` is set
# by the first fetch, and moves when a kernel of current's own dist is
# fetched (a refresh: sid's newest replaces sid's older one as default);
# fetching another dist adds a kernel without changing the default.
#
# CACHE is ${XDG_CACHE_HOME:-$HOME/.cache}/scxbench. apt runs with a private
# sources list, lists and archive folder under $CACHE/apt: the system's apt
# configuration and state are never touched. Versions are resolved with
# apt-cache at fetch time because sid drops old kernels as new ones land.
#
# Usage: scripts/fetch-kernel.sh [--dist sid|trixie-backports|...] [--update]
#   --dist    the Debian suite to take linux-image-amd64 from (default sid;
#             --suite is the same)
#   --update  re-resolve even when a complete kernel of that dist is
#             cached (default: skip)
# Environment: SCXB_DEBIAN_MIRROR (default: the system's Debian mirror, else
# http://deb.debian.org/debian).
set -eu

suite=sid
update=0
while [ $# -gt 0 ]; do
	case "$1" in
	--suite|--dist) [ $# -ge 2 ] || { echo "fetch-kernel: $1 needs a value" >&2; exit 2; }
		suite=$2; shift 2 ;;
	--suite=*|--dist=*) suite=${1#--*=}; shift ;;
	--update) update=1; shift ;;
	-h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "fetch-kernel: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done

cache=${XDG_CACHE_HOME:-$HOME/.cache}/scxbench
kdir=$cache/kernels

step() { echo "fetch-kernel: $*"; }
die() { echo "fetch-kernel: error: $*" >&2; exit 1; }

complete() {
	[ -f "$1/.complete" ] && [ -s "$1/vmlinuz" ] && [ -s "$1/config" ] &&
		[ -s "$1/btf.vmlinux" ] && [ -d "$1/modules/kernel" ]
}

case $suite in
''|*[!a-z0-9.-]*) echo "fetch-kernel: --dist '$suite': not a Debian suite name" >&2; exit 2 ;;
esac

# the dist a cached kernel came from ("" when it has no source record:
# fetched before there was one, which was always sid's default)
dist_of() {
	sed -n 's/^dist=//p' "$1/source" 2>/dev/null | head -n1
}

if [ "$update" = 0 ]; then
	for d in "$kdir"/*/; do
		d=${d%/}
		[ -L "$d" ] && continue
		complete "$d" || continue
		have=$(dist_of "$d")
		if [ "$have" = "$suite" ] || { [ -z "$have" ] && [ "$suite" = sid ]; }; then
			step "cached kernel ${d##*/} from $suite is complete, nothing to do (--update re-checks)"
			exit 0
		fi
	done
fi

for t in apt-get apt-cache dpkg-deb zstd grep; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found (install apt, dpkg, zstd)"
done

mirror=${SCXB_DEBIAN_MIRROR:-}
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
	mirror=$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
		/etc/apt/sources.list.d/debian.sources | head -n1)
fi
mirror=${mirror:-http://deb.debian.org/debian}

apt=$cache/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$kdir"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed=
[ -r "$keyring" ] && signed="[signed-by=$keyring] "
echo "deb ${signed}$mirror $suite main" > "$apt/sources.list"
set -- -o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent \
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
	-o APT::Get::List-Cleanup=1

step "updating the private package lists for $suite from $mirror"
apt-get -q "$@" update >"$apt/update.log" 2>&1 ||
	die "apt-get update failed for '$suite' (see $apt/update.log)"

# linux-image-amd64 -> linux-image-<kver> -> linux-{binary,base,modules}-<kver>
image=$(apt-cache "$@" depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
[ -n "$image" ] || die "cannot resolve linux-image-amd64 in '$suite'"
kver=${image#linux-image-}
deps=$(apt-cache "$@" depends "$image" 2>/dev/null |
	sed -n "s/^ *Depends: \(linux-\(binary\|base\|modules\)-$kver\)\$/\1/p" | sort -u)
pkgver=$(apt-cache "$@" show "$image" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
step "resolved $image $pkgver (kernel $kver)"

write_source() { # DIR
	printf 'dist=%s\npackage=%s\nversion=%s\nmirror=%s\nfetched=%s\n' "$suite" "$image" \
		"$pkgver" "$mirror" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$1/source.tmp" &&
		mv "$1/source.tmp" "$1/source"
}

dest=$kdir/$kver
if complete "$dest"; then
	step "kernel $kver is already cached"
	[ -s "$dest/source" ] || write_source "$dest"
else
	work=$kdir/.$kver.tmp.$$
	trap 'rm -rf "$work"' EXIT INT TERM
	rm -rf "$work"
	mkdir -p "$work/debs" "$work/root"
	# linux-binary/base split is sid's layout; older layouts ship
	# everything in linux-image-<kver> itself.
	[ -n "$deps" ] || deps=$image
	for p in $deps; do
		step "downloading $p"
		(cd "$work/debs" && apt-get -q "$@" download "$p" >"$work/download.log" 2>&1) ||
			die "apt-get download $p failed: $(tail -n1 "$work/download.log")"
	done
	for d in "$work"/debs/*.deb; do
		dpkg-deb -x "$d" "$work/root" || die "cannot extract $d"
	done

	mods=
	for m in "$work/root/usr/lib/modules/$kver" "$work/root/lib/modules/$kver"; do
		[ -d "$m" ] && { mods=$m; break; }
	done
	[ -n "$mods" ] || die "no modules directory for $kver in the packages"
	img=
	for f in "$mods/vmlinuz" "$work/root/boot/vmlinuz-$kver"; do
		[ -s "$f" ] && { img=$f; break; }
	done
	[ -n "$img" ] || die "no vmlinuz for $kver in the packages"
	cfg=
	for f in "$mods/config" "$work/root/boot/config-$kver"; do
		[ -s "$f" ] && { cfg=$f; break; }
	done
	[ -n "$cfg" ] || die "no config for $kver in the packages"
	grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$cfg" ||
		die "kernel $kver has no CONFIG_SCHED_CLASS_EXT=y"
	grep -qx 'CONFIG_DEBUG_INFO_BTF=y' "$cfg" ||
		die "kernel $kver has no CONFIG_DEBUG_INFO_BTF=y"
	step "config of $kver has CONFIG_SCHED_CLASS_EXT=y"

	out=$work/kernel
	mkdir -p "$out"
	mv "$img" "$out/vmlinuz"
	mv "$cfg" "$out/config"
	rm -f "$mods/vmlinuz" "$mods/config" "$mods/System.map"
	mv "$mods" "$out/modules"
	[ -d "$out/modules/kernel" ] || die "the modules package of $kver has no kernel/ tree"

	# The bzImage payload is a zstd frame; the first frame that
	# decompresses to a multi-MB ELF is vmlinux (with its .BTF section).
	step "extracting vmlinux (BTF) from vmlinuz"
	found=0
	for off in $(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$out/vmlinuz" | cut -d: -f1); do
		tail -c +"$((off + 1))" "$out/vmlinuz" | zstd -dcq 2>/dev/null >"$work/vmlinux" || true
		sz=$(wc -c <"$work/vmlinux")
		if [ "$sz" -gt 4000000 ] &&
		   [ "$(head -c4 "$work/vmlinux" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
			found=1
			break
		fi
	done
	[ "$found" = 1 ] || die "no zstd-compressed vmlinux ELF found in $kver's vmlinuz"
	mv "$work/vmlinux" "$out/btf.vmlinux"
	if command -v bpftool >/dev/null 2>&1; then
		bpftool btf dump file "$out/btf.vmlinux" 2>/dev/null | grep -q "STRUCT 'sched_ext_ops'" ||
			die "the vmlinux of $kver has no sched_ext_ops in its BTF"
	fi
	write_source "$out"
	touch "$out/.complete"

	rm -rf "$dest"
	mv "$out" "$dest"
	rm -rf "$work"
	trap - EXIT INT TERM
	step "cached $kver in $dest"
fi

# current: set when missing (or not complete), moved on a refresh of its
# own dist; another dist's kernel is added beside it
cur=
[ -L "$kdir/current" ] && complete "$kdir/current" && cur=$(readlink "$kdir/current")
cur_dist=
[ -n "$cur" ] && cur_dist=$(dist_of "$kdir/$cur")
[ -n "$cur" ] && [ -z "$cur_dist" ] && cur_dist=sid
if [ -z "$cur" ] || { [ "$cur_dist" = "$suite" ] && [ "$cur" != "$kver" ]; }; then
	ln -sfn "$kver" "$kdir/current.tmp"
	mv -T "$kdir/current.tmp" "$kdir/current"
	step "current -> $kver ($kdir/current/vmlinuz)"
elif [ "$cur" = "$kver" ]; then
	step "current is $kver ($kdir/current/vmlinuz)"
else
	step "current stays $cur ($cur_dist); --kernel $kver boots this one"
fi
