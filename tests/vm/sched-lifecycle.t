#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# simple and vtime (and exec:) for real on a sched_ext kernel: runs
# tests/vm/sched-lifecycle-guest.sh directly when this kernel has sched_ext,
# else inside a QEMU guest (TCG) booted with the cached Debian kernel and a
# throwaway busybox initramfs holding build/scxbench and the script. The
# guest's TAP lines are this test's output.
. "$(dirname "$0")/../lib.sh"
guest=$ROOT/tests/vm/sched-lifecycle-guest.sh

[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
"$SCXB" load --help >/dev/null 2>&1 || skip_all "this build has no 'load' command"
if [ -d /sys/kernel/sched_ext ]; then
	echo "# this kernel has sched_ext: running on the host"
	SCXBENCH=$SCXB exec sh "$guest"
fi

kernel=${SCXB_KERNEL:-${XDG_CACHE_HOME:-$HOME/.cache}/scxbench/kernels/current/vmlinuz}
[ -s "$kernel" ] || skip_all "no cached sched_ext kernel ($kernel; run scripts/fetch-kernel.sh)"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || skip_all "no static busybox (apt-get install busybox-static)"
! ldd "$SCXB" >/dev/null 2>&1 || skip_all "$SCXB is not static (build with STATIC=1)"

root=$TMP/root
mkdir -p "$root"/{bin,proc,sys,dev,tmp}
cp "$busybox" "$root/bin/busybox"
cp "$SCXB" "$root/bin/scxbench"
cp "$guest" "$root/guest.sh"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
# keep kernel messages (sched_ext prints on every ejection) off the console
dmesg -n 1
# straight to the console: a guest that hangs still shows how far it got
echo SCXB-TAP-BEGIN
SCXBENCH=/bin/scxbench TMPDIR=/tmp sh /guest.sh 2>&1
echo SCXB-TAP-END
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$TMP/initrd.gz"

# the QEMU scxbench itself prefers (scripts/get-qemu.sh), else the system's;
# -nodefaults -display none: no ui/audio modules (the system's are another
# build's, a private QEMU aborts on them)
qemu=qemu-system-x86_64 qemu_l=()
if [ -x "$ROOT/build/tools/qemu/usr/bin/qemu-system-x86_64" ]; then
	qemu=$ROOT/build/tools/qemu/usr/bin/qemu-system-x86_64
	qemu_l=(-L "$ROOT/build/tools/qemu/usr/share/seabios" -L "$ROOT/build/tools/qemu/usr/share/qemu")
fi
exec 9>/tmp/scxb-vm.lock
flock -w 900 9 || skip_all "the VM lock /tmp/scxb-vm.lock stayed busy for 15 min"
start=$(date +%s)
# Under TCG a kernel now and then oopses in early boot (seen: int3 in
# sched_clock_cpu while text is being patched, 7.3.4): one more boot then,
# said in a diagnostic line, never when the guest got as far as init.
for attempt in 1 2; do
	timeout --kill-after=5 400 "$qemu" "${qemu_l[@]}" -accel tcg,thread=multi -cpu max \
		-smp 2 -m 2G -nodefaults -display none -serial stdio -no-reboot -kernel "$kernel" -initrd "$TMP/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" </dev/null >"$TMP/console" 2>&1
	rc=$?
	tr -d '\r' < "$TMP/console" | sed -n '/SCXB-TAP-BEGIN$/,/^SCXB-TAP-END$/p' |
		sed '1d;$d' > "$TMP/tap"
	grep -q 'SCXB-TAP-BEGIN' "$TMP/console" && break
	grep -q 'Kernel panic' "$TMP/console" || break
	echo "# boot $attempt: the guest kernel panicked before init: $(grep -m1 -aE 'Oops|BUG' "$TMP/console" | tr -d '\r')"
done
if grep -qE '^1\.\.[0-9]+' "$TMP/tap"; then
	cat "$TMP/tap"
	echo "# guest $(basename "$(dirname "$(readlink -f "$kernel")")"), qemu exit $rc, $(( $(date +%s) - start )) s"
else
	plan 1
	fail "the guest ran the scheduler tests (qemu exit $rc)" "$(tr -d '\r' < "$TMP/console" | tail -20)"
fi
