#!/bin/sh
# SPDX-License-Identifier: MIT
#
# PID 1 of the test VM (busybox sh).  tests/vm/run puts it in the initramfs as
# /init.  It loads the VFIO modules (none on the small kernel, where all is
# built in), binds every edu and e1000e to vfio-pci, runs /test/bin with the
# arguments in /test/args, and powers off.  /test/mode says which device nodes
# the mode needs: legacy /dev/vfio/N, noiommu /dev/vfio/noiommu-N, iommufd
# /dev/iommu and the cdev /dev/vfio/devices/vfioN (published as
# VFIO_<NAME>_CDEV).
#
# Serial ports: ttyS0 is the console (kernel messages and the markers below),
# ttyS1 takes the test binary's stdout, ttyS2 its stderr.  Keeping the
# binary's output off the console means kernel messages never land in the
# middle of its lines.
#
# Markers on the console, read by tests/vm/run:
#   VFIO-VM-SETUP-FAILED <reason>   the VM could not be prepared; no test ran
#   VFIO-VM-TIME ready=<s> done=<s> guest uptime at test start and end
#   VFIO-VM-EXIT <rc>               the binary's exit status; always last

PATH=/bin
export PATH

finish() {
	echo "VFIO-VM-EXIT $1"
	sync
	poweroff -f
	sleep 10 # poweroff -f does not return; if it did, PID 1 exiting panics
}

setup_failed() {
	echo "VFIO-VM-SETUP-FAILED $*"
	finish 125
}

uptime_s() {
	read -r up _ </proc/uptime
	echo "$up"
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev || setup_failed "cannot mount devtmpfs"
mount -t tmpfs tmpfs /tmp

mode=legacy
[ -r /test/mode ] && read -r mode </test/mode
export VFIO_VM_MODE="$mode"

# Module order comes from the kernel's modules.dep (worked out by the runner).
while read -r mod; do
	insmod "/lib/modules/$mod" || setup_failed "insmod $mod failed"
done </etc/vfio-vm/modules
[ -c /dev/vfio/vfio ] || setup_failed "no /dev/vfio/vfio after loading the modules"
if [ "$mode" = iommufd ]; then
	[ -c /dev/iommu ] || setup_failed "no /dev/iommu (iommufd mode)"
fi

bind_vfio() {
	dev=/sys/bus/pci/devices/$1
	if [ -e "$dev/driver" ]; then
		echo "$1" >"$dev/driver/unbind" || setup_failed "cannot unbind $1"
	fi
	echo vfio-pci >"$dev/driver_override" || setup_failed "driver_override of $1"
	echo "$1" >/sys/bus/pci/drivers_probe
	drv=$(readlink "$dev/driver")
	[ "${drv##*/}" = vfio-pci ] || setup_failed "$1 did not bind to vfio-pci (driver: ${drv:-none})"
	grp=$(readlink "$dev/iommu_group")
	grp=${grp##*/}
	[ -n "$grp" ] || setup_failed "$1 has no iommu_group"
	cdev=
	case $mode in
	noiommu)
		[ -c "/dev/vfio/noiommu-$grp" ] || setup_failed "no /dev/vfio/noiommu-$grp for $1"
		;;
	iommufd)
		for c in "$dev"/vfio-dev/vfio*; do
			cdev=/dev/vfio/devices/${c##*/}
		done
		[ -c "$cdev" ] || setup_failed "no device cdev for $1 (${cdev:-no vfio-dev entry})"
		;;
	*)
		[ -c "/dev/vfio/$grp" ] || setup_failed "no /dev/vfio/$grp for $1"
		;;
	esac
}

# Publish VFIO_<NAME>_BDF / VFIO_<NAME>_GROUP for the first device of a kind.
publish() {
	eval "known=\${VFIO_$1_BDF:-}"
	[ -z "$known" ] || return 0
	export "VFIO_$1_BDF=$2" "VFIO_$1_GROUP=$grp"
	[ -z "$cdev" ] || export "VFIO_$1_CDEV=$cdev"
	echo "vfio-vm: $1 $2 group $grp${cdev:+ cdev $cdev}"
}

for dev in /sys/bus/pci/devices/*; do
	bdf=${dev##*/}
	read -r vendor <"$dev/vendor"
	read -r device <"$dev/device"
	case "$vendor:$device" in
	0x1234:0x11e8)
		bind_vfio "$bdf"
		# The edu on the root bus is EDU; the one behind the root port
		# (a bus other than 00, so it has a resettable bus) is EDU2.
		case "$bdf" in
		????:00:*) publish EDU "$bdf" ;;
		*) publish EDU2 "$bdf" ;;
		esac
		;;
	0x8086:0x10d3)
		bind_vfio "$bdf"
		publish E1000E "$bdf"
		;;
	esac
done
for name in EDU EDU2 E1000E; do
	eval "found=\${VFIO_${name}_BDF:-}"
	[ -n "$found" ] || setup_failed "no $name device found"
done

# No line editing or CR insertion on the binary's output ports.
stty -F /dev/ttyS1 raw -echo 2>/dev/null
stty -F /dev/ttyS2 raw -echo 2>/dev/null

[ -x /test/bin ] || setup_failed "no /test/bin in the initramfs"
eval "set -- $(cat /test/args)"
ready=$(uptime_s)
/test/bin "$@" </dev/null >/dev/ttyS1 2>/dev/ttyS2
rc=$?
echo "VFIO-VM-TIME ready=$ready done=$(uptime_s)"
finish "$rc"
