#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the QEMU harness.
#
#   tests/run.sh test    KUnit suites + user-space tests, fail on any splat
#   tests/run.sh run     boot with the VMCI device model, load our modules,
#                        show the transcript of a guest program talking to a
#                        host program (tests/demo); VV_VMCI=off: the loopback
#                        demo inside the guest instead
#   tests/run.sh shell   boot, load our modules, interactive guest shell
#   tests/run.sh bench   non-debug kernel, tests/guest/bench.sh
#
# Environment:
#   VV_IMPL=kernel       load the in-kernel vsock modules instead of ours
#                        (tests/guest/kernel-modules.list), to compare
#   VV_KERNEL=bench      shell mode only: boot the non-debug bench kernel
#   VV_BENCH_CLOCK=real  bench kernel: multi-threaded TCG on the host clock
#                        instead of instruction counting (see benchmarks.rst)
#   VV_TIMEOUT=secs      guest time limit (default 1500)
#   QEMU=path            QEMU binary (default qemu-system-x86_64)
#   QEMU_EXTRA="..."     extra QEMU options (e.g. a VMCI device model)
#   VV_CACHE=dir         kernel cache (default ~/.cache/vsock-vmci)
#   VV_OUT=dir           where the guest image and logs go (tests/out/MODE)
#   VV_VMCI="opts"       add the VMCI device model (tests/qemu) with these
#                        -device vmw-vmci options; the QEMU binary is the one
#                        tests/qemu/build.sh builds, the bridge's host side
#                        is tests/qemu/host_peer.py, and the guest runs
#                        tests/guest/vmci-tests.list
#   VV_VMCI=none         no device: our VMCI transport on the host personality
#                        (CID 2, local queue pairs), without the loopback,
#                        running tests/guest/vmci-local-tests.list
#   VV_VMCI_BOOTS=0      make test: skip the VMCI boots (tests/vmci-boots.list);
#                        make bench: skip the boot through the device model
#   VV_ONLY=regex        test mode: run only the user-space tests and KUnit
#                        modules (file name less _kunit.ko) whose names match
#                        this extended regex in full, for working on a few
#
# Host programs named in tests/guest/host-programs.list are copied into the
# guest with the shared libraries ldd reports for them.
set -euo pipefail

mode=${1:-test}
repo=$(cd "$(dirname "$0")/.." && pwd)
tests=$repo/tests
out=${VV_OUT:-$tests/out/$mode}
impl=${VV_IMPL:-ours}
qemu=${QEMU:-qemu-system-x86_64}
vmci=${VV_VMCI-}
# make run: the guest talks to a host program through the device model.
[ "$mode" = run ] && vmci=${VV_VMCI-cid=3}
[ "$vmci" = off ] && vmci=
# make bench's second boot: both ends in the guest, through the device.
bench_vmci=hairpin=on,cid=11
hostlocal=
[ "$vmci" = none ] && { hostlocal=1; vmci=; }

case "$mode" in
test | run) flavour=debug ;;
shell) flavour=${VV_KERNEL:-debug} ;;
bench) flavour=bench ;;
*) echo "run.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac

"$tests/deps.sh"
kdir=$("$tests/kernel.sh" "$flavour")
kver=$(cat "$kdir/include/config/kernel.release")
ksrc=$(readlink -f "$kdir/source")

step() { printf '>>> %s\n' "$*" >&2; }

step "building modules against $kver ($flavour)"
make -s -C "$kdir" M="$repo" -j"$(nproc)" modules >&2

rm -rf "$out"
mkdir -p "$out/root"/{bin,usr/bin,etc/vv,opt/vv/kunit,proc,sys,dev,tmp,root,lib,lib64}
root=$out/root

if [ -f "$tests/user/Makefile" ]; then
	step "building user-space tests"
	make -s -C "$tests/user" OUT="$root/usr/bin" KSRC="$ksrc" >&2
fi
make -s -C "$tests/demo" OUT="$root/usr/bin" >&2
if [[ $mode = bench || $mode = shell ]] && [ -f "$tests/bench/Makefile" ]; then
	step "building benchmarks"
	make -s -C "$tests/bench" OUT="$root/usr/bin" KSRC="$ksrc" >&2
fi

# Guest file system: busybox, init, our modules, in-kernel modules.
cp /bin/busybox "$root/bin/busybox"
install -m 755 "$tests/guest/init" "$root/init"
cp "$tests/guest/lib.sh" "$root/etc/vv/lib.sh"
[ -f "$tests/guest/bench.sh" ] && cp "$tests/guest/bench.sh" "$root/etc/vv/bench.sh"
touch "$root/etc/vv/tests.list" "$root/etc/vv/modules.list"
if [ "$mode" = test ]; then
	list=$tests/guest/tests.list
	# Until our PCI driver lands, ours runs the device-level tests only.
	lists=("$list")
	if [ -n "$vmci" ]; then
		case "$impl,$vmci," in
		kernel,*hairpin=on,*)
			lists=("$tests/guest/vmci-hairpin-tests.list") ;;
		*,hairpin=on,*)
			lists=("$tests/guest/vmci-hairpin-ours-tests.list") ;;
		kernel,*) lists=("$tests/guest/vmci-tests.list") ;;
		*) lists=("$tests/guest/vmci-dev-tests.list"
			  "$tests/guest/vmci-tests.list") ;;
		esac
	fi
	[ -n "$hostlocal" ] && lists=("$tests/guest/vmci-local-tests.list")
	cat "${lists[@]}" >"$root/etc/vv/tests.list"
	if [ -n "${VV_ONLY-}" ]; then
		grep -hE "^($VV_ONLY):" "${lists[@]}" >"$root/etc/vv/tests.list" || true
	fi
fi
cp "$tests/guest/kernel-modules.list" "$tests/guest/kernel-vmci-modules.list" "$root/etc/vv/"
[ -n "$vmci" ] && cp "$tests/guest/kernel-vmci-modules.list" \
	"$root/etc/vv/kernel-modules.list"
mlist=$tests/guest/modules.list
[ -n "$vmci$hostlocal" ] && mlist=$tests/guest/vmci-modules.list
grep -v '^#' "$mlist" | grep . >"$root/etc/vv/modules.list" || true
# make bench loads either set in one boot (tests/guest/bench.sh).
grep -v '^#' "$tests/guest/vmci-modules.list" | grep . >"$root/etc/vv/vmci-modules.list" || true
sort -u "$root/etc/vv/modules.list" "$root/etc/vv/vmci-modules.list" | while read -r m; do
	install -D -m 644 "$repo/$m" "$root/opt/vv/$m"
done
for ko in "$tests"/kunit/*_kunit.ko; do
	[ -e "$ko" ] || continue
	[ -n "${VV_ONLY-}" ] && [ "$mode" = test ] &&
		! basename "$ko" _kunit.ko | grep -qxE "$VV_ONLY" && continue
	cp "$ko" "$root/opt/vv/kunit/"
done
cp -a "$kdir/staging/lib/modules" "$root/lib/"
# The kernel build may have run before kmod was installed.
depmod -b "$root" "$kver"
printf 'VV_MODE=%s\nVV_IMPL=%s\n' "$mode" "$impl" >"$root/etc/vv/env"
if [ -n "$vmci" ]; then
	# What the guest tests expect of this device (tests/clients/py_vmci.py).
	vcid=$(echo ",$vmci," | sed -n 's/.*,cid=\([0-9]*\),.*/\1/p')
	virq=msix
	case ",$vmci," in *,msix=off,*) virq=msi ;; esac
	case ",$vmci," in *,msix=off,*msi=off,*) virq=intx ;; esac
	vnotify=1
	case ",$vmci," in *,notifications=off,*) vnotify=0 ;; esac
	printf 'VV_VMCI=1\nVV_VMCI_CID=%s\nVV_VMCI_IRQ=%s\nVV_VMCI_NOTIFY=%s\n' \
		"${vcid:-3}" "$virq" "$vnotify" >>"$root/etc/vv/env"
	case ",$vmci," in *,hairpin=on,*) echo VV_VMCI_HAIRPIN=1 >>"$root/etc/vv/env" ;; esac
fi
[ -n "$hostlocal" ] && echo VV_VMCI_LOCAL=1 >>"$root/etc/vv/env"

# Dynamically linked host programs (socat, ncat, python3, ...).
if [ -f "$tests/guest/host-programs.list" ]; then
	grep -v '^#' "$tests/guest/host-programs.list" | while read -r p; do
		[ -n "$p" ] || continue
		bin=$(command -v "$p") || { echo "run.sh: host program $p missing" >&2; exit 1; }
		cp -L "$bin" "$root/usr/bin/"
		ldd "$bin" | grep -o '/[^ ]*' | while read -r lib; do
			install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
		done
	done
fi

# Client tests (tests/clients) in /usr/share/vv-clients; for the python
# ones, python3 -> python3.11 and the part of its standard library they
# import (tests/clients/pyfiles.py lists it); for ncat, the OpenSSL legacy
# provider it loads at start (else it complains on stderr).
if [ "$mode" = test ] && [ -d "$tests/clients" ]; then
	mkdir -p "$root/usr/share/vv-clients"
	cp "$tests"/clients/*.sh "$tests"/clients/*.py "$root/usr/share/vv-clients/"
	ln -sf python3.11 "$root/usr/bin/python3"
	{ /usr/bin/python3.11 -I -S "$tests/clients/pyfiles.py" "$tests"/clients/py_*.py
	  ls /usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so 2>/dev/null || true; } |
		while read -r f; do
			mkdir -p "$root${f%/*}"
			cp -L --preserve=timestamps "$f" "$root$f"
		done
fi

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initramfs.cpio.gz"

append="console=ttyS0 panic=-1"
# ACPI's _PRT walk for the device's INTx pin takes half a minute under
# KASAN and TCG (a soft lockup); the BIOS's PIRQ table answers at once.
[ -n "$vmci" ] && append+=" acpi=noirq"
qargs=(-machine pc -cpu max -smp 2 -m 2G -display none -no-reboot
       -kernel "$kdir/arch/x86/boot/bzImage" -initrd "$out/initramfs.cpio.gz")
# shellcheck disable=SC2206
qextra=(${QEMU_EXTRA:-})
peer_pid=
if [ -n "$vmci" ]; then
	step "building the VMCI device model"
	qemu=$("$tests/qemu/build.sh")
	uds=$out/vsock.sock
	if [ "$mode" = run ]; then
		python3 -u "$tests/demo/vv_demo_host.py" "$uds" >"$out/host.log" 2>&1 &
	else
		python3 "$tests/qemu/host_peer.py" "$uds" "$out/host_peer.log" \
			"$out/monitor.sock" &
	fi
	peer_pid=$!
	qextra+=(-L /usr/share/qemu -L /usr/share/seabios -nic none
		 -monitor "unix:$out/monitor.sock,server=on,wait=off"
		 -device "vmw-vmci,id=vmci0,uds=$uds,silent-port=5005,$vmci"
		 -d guest_errors -D "$out/qemu.log")
fi
stop_peer() { [ -z "$peer_pid" ] || kill "$peer_pid" 2>/dev/null || true; }
trap stop_peer EXIT
# Guest time counted in instructions: figures a shared host cannot skew.
if [ "$flavour" = bench ] && [ "${VV_BENCH_CLOCK:-icount}" = icount ]; then
	qargs+=(-accel "tcg,thread=single" -icount "shift=3,sleep=off")
fi

case "$mode" in
shell)
	"$qemu" "${qargs[@]}" "${qextra[@]}" -append "$append quiet" \
		-serial mon:stdio -serial null
	exit
	;;
run)
	step "booting the guest${vmci:+ with -device vmw-vmci,$vmci}"
	timeout "${VV_TIMEOUT:-600}" "$qemu" "${qargs[@]}" "${qextra[@]}" \
		-append "$append quiet" -serial stdio -serial null </dev/null |
		sed -un -e 's/\r$//' -e '/^--- /,$p' | tee "$out/transcript.log"
	grep -qx 'demo ok' "$out/transcript.log" || exit 1
	[ -n "$vmci" ] || exit 0
	# The host program's half, which must have had its answer too.
	wait "$peer_pid" || true
	{ echo "--- the host program (CID 2): tests/demo/vv_demo_host.py"
	  cat "$out/host.log"; } | tee -a "$out/transcript.log"
	grep -q '^  host: received "hello host' "$out/host.log"
	exit
	;;
esac

step "booting the guest ($impl modules), log: $out/console.log"
rc=0
timeout "${VV_TIMEOUT:-1500}" "$qemu" "${qargs[@]}" "${qextra[@]}" -append "$append" \
	-serial "file:$out/console.log" -serial "file:$out/results.log" </dev/null || rc=$?
[ $rc -eq 124 ] && echo "run.sh: guest timed out after ${VV_TIMEOUT:-1500}s" >&2

if [ "$mode" = bench ]; then
	tr -d '\r' <"$out/results.log"
	# Then the same through the device model, unless this was that boot.
	if [ -z "$vmci" ] && [ "${VV_VMCI_BOOTS:-1}" != 0 ]; then
		echo
		VV_VMCI=$bench_vmci VV_OUT=$out-vmci "$0" bench || rc=1
	fi
	exit $rc
fi
known=()
[ "$impl" = kernel ] && known=(--known "$tests/known-kernel-splats.txt")
src=0
python3 "$tests/summary.py" "$out/results.log" "$out/console.log" --qemu-rc=$rc \
	"${known[@]}" | tee "$out/summary.log" || src=$?
[ -n "$vmci" ] && [ -s "$out/qemu.log" ] && echo "(device model log: $out/qemu.log)"

# make test: then one boot per line of tests/vmci-boots.list.
if [ -n "$vmci$hostlocal" ] || [ "$mode" != test ] ||
   [ "${VV_VMCI_BOOTS:-1}" = 0 ]; then
	exit $src
fi
total=$(tail -n 1 "$out/summary.log")
while read -r name who opts; do
	case "$name" in ''|'#'*) continue ;; esac
	who=${who%:}
	[ "$who" = all ] || [ "$who" = "$impl" ] || continue
	if [ "$opts" = none ]; then
		echo "=== VMCI boot $name: no device, host personality"
	else
		echo "=== VMCI boot $name: -device vmw-vmci,$opts"
	fi
	brc=0
	VV_VMCI=$opts VV_OUT=$out-vmci-$name "$0" test || brc=$?
	[ $brc -eq 0 ] || src=1
	total="$total; $name: $(tail -n 1 "$out-vmci-$name/summary.log" 2>/dev/null ||
		echo 'no summary')"
done <"$tests/vmci-boots.list"
echo "=== all boots: $total"
python3 - "$total" <<'PY'
import re, sys
t = [0, 0, 0]
for part in sys.argv[1].split(";"):
    for i, k in enumerate(("passed", "failed", "skipped")):
        m = re.search(rf"(\d+) {k}", part)
        t[i] += int(m[1]) if m else 0
    if "no summary" in part:
        t[1] += 1
print(f"{t[0]} passed, {t[1]} failed" + (f", {t[2]} skipped" if t[2] else ""))
PY
exit $src
