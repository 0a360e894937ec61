#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest's own cost, two designs side by side in one run, interleaved:
#   shared  what scxbench boots: the host's / over 9p under a tmpfs
#           overlay (scripts/guest-init, `scxbench vm exec`)
#   initrd  the design before it: a busybox initramfs holding a static
#           scxbench and nothing else of the host
# Per boot: wall time from QEMU start to power-off for a command that does
# nothing, and the guest's uptime when the command started (boot to
# ready); inside one guest: starting a dynamically linked binary
# (sqlite3 --version; the initramfs can only start a static one) and
# reading 100 MiB (a host file through the share vs a file in the
# initramfs's RAM). REPS (default 7) boots of each design.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SCXB=${SCXBENCH:-$ROOT/build/scxbench}
REPS=${REPS:-7}
kernel=${SCXB_KERNEL:-${XDG_CACHE_HOME:-$HOME/.cache}/scxbench/kernels/current/vmlinuz}
[ -s "$kernel" ] || { echo "bench-guest: no cached kernel ($kernel): run scxbench vm fetch"; exit 0; }
kernel=$(readlink -f "$kernel")
qemu=$ROOT/build/tools/qemu/usr/bin/qemu-system-x86_64
qemu_l=(-L "$ROOT/build/tools/qemu/usr/share/seabios" -L "$ROOT/build/tools/qemu/usr/share/qemu")
[ -x "$qemu" ] || { qemu=qemu-system-x86_64; qemu_l=(); }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/scxb-bench-guest-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
exec 9>/tmp/scxb-vm.lock
flock 9
. scripts/bench-lock.sh

# --- the old design: static scxbench + busybox, our own init ---
cat > "$tmp/old-init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
echo "BENCH ready $(cut -d' ' -f1 /proc/uptime)"
if grep -q bench=cost /proc/cmdline; then
	# busybox date has no %N: /proc/uptime, 10 ms steps
	ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
	up() { cut -d' ' -f1 /proc/uptime; }
	t0=$(up); /scxbench version >/dev/null; t1=$(up)
	echo "BENCH start_ms $(ms "$t0" "$t1")"
	t0=$(up); for i in 1 2 3 4 5 6 7 8 9 10; do /scxbench version >/dev/null; done; t1=$(up)
	echo "BENCH start_warm_ms $(( $(ms "$t0" "$t1") / 10 ))"
	dd if=/dev/urandom of=/tmp/big bs=1M count=100 2>/dev/null
	t0=$(up); dd if=/tmp/big of=/dev/null bs=1M 2>/dev/null; t1=$(up)
	echo "BENCH read100_ms $(ms "$t0" "$t1")"
fi
poweroff -f
INIT
if ldd "$SCXB" >/dev/null 2>&1; then
	echo "bench-guest: $SCXB is not static: the initramfs design needs a static binary (STATIC=1)"
	exit 0
fi
sh scripts/mkinitramfs.sh --out "$tmp/old.cpio" --init "$tmp/old-init" --binary "$SCXB" ||
	{ echo "bench-guest: building the initramfs failed"; exit 1; }

old_boot() { # extra kernel args -> output on stdout
	timeout 300 "$qemu" "${qemu_l[@]}" -accel tcg,thread=multi -cpu max -smp 2 -m 2G -nodefaults \
		-no-user-config -display none -serial stdio -no-reboot -kernel "$kernel" \
		-initrd "$tmp/old.cpio" -append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init $1" \
		</dev/null 2>&1 | tr -d '\r'
}

# --- the shared-root design: what scxbench runs ---
head -c $((100 << 20)) /dev/urandom > "$tmp/big100M"
cat > "$tmp/cost.sh" <<SH
#!/bin/sh
ms() { awk -v a="\$1" -v b="\$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
up() { cut -d' ' -f1 /proc/uptime; }
t0=\$(up); sqlite3 --version >/dev/null; t1=\$(up)
echo "BENCH start_ms \$(ms "\$t0" "\$t1")"
t0=\$(up); for i in 1 2 3 4 5 6 7 8 9 10; do sqlite3 --version >/dev/null; done; t1=\$(up)
echo "BENCH start_warm_ms \$(( \$(ms "\$t0" "\$t1") / 10 ))"
t0=\$(up); dd if=$tmp/big100M of=/dev/null bs=1M 2>/dev/null; t1=\$(up)
echo "BENCH read100_ms \$(ms "\$t0" "\$t1")"
SH
chmod +x "$tmp/cost.sh"

: > "$tmp/old.t"; : > "$tmp/new.t"; : > "$tmp/old.ready"; : > "$tmp/new.ready"
for i in $(seq "$REPS"); do
	t0=$(date +%s.%N)
	out=$(old_boot "")
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc >> "$tmp/old.t"
	sed -n 's/^BENCH ready //p' <<<"$out" >> "$tmp/old.ready"
	t0=$(date +%s.%N)
	out=$("$SCXB" vm exec -q -- sh -c 'echo "BENCH ready $(cut -d" " -f1 /proc/uptime)"' 2>&1)
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc >> "$tmp/new.t"
	sed -n 's/^BENCH ready //p' <<<"$out" >> "$tmp/new.ready"
done
old_cost=$(old_boot bench=cost)
new_cost=$("$SCXB" vm exec -q -- "$tmp/cost.sh" 2>&1)

stats() { # file -> "median min max"
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'
}
val() { sed -n "s/^BENCH $2 //p" <<<"$1" | head -1; }
echo "guest boot, $REPS interleaved boots of each design (TCG, 2 vCPUs, 2 GiB):"
printf '  %-46s %22s %22s\n' "" "initramfs (old)" "shared root (scxbench)"
read -r om omin omax < <(stats "$tmp/old.t")
read -r nm nmin nmax < <(stats "$tmp/new.t")
printf '  %-46s %8s [%5s, %5s] %8s [%5s, %5s]\n' "QEMU start to power-off, s (median [min, max])" \
	"$om" "$omin" "$omax" "$nm" "$nmin" "$nmax"
read -r om omin omax < <(stats "$tmp/old.ready")
read -r nm nmin nmax < <(stats "$tmp/new.ready")
printf '  %-46s %8s [%5s, %5s] %8s [%5s, %5s]\n' "guest uptime at the command, s" \
	"$om" "$omin" "$omax" "$nm" "$nmin" "$nmax"
printf '  %-46s %22s %22s\n' "start a binary, first time, ms" \
	"$(val "$old_cost" start_ms) (static)" "$(val "$new_cost" start_ms) (dynamic)"
printf '  %-46s %22s %22s\n' "start it again, ms (mean of 10)" \
	"$(val "$old_cost" start_warm_ms)" "$(val "$new_cost" start_warm_ms)"
printf '  %-46s %22s %22s\n' "read 100 MiB, ms" "$(val "$old_cost" read100_ms) (RAM)" \
	"$(val "$new_cost" read100_ms) (host file)"
