#!/bin/bash
# build-box.sh: an offline Debian 12 libvirt box for pglab's VMs, with PostgreSQL 15, pgpool-II,
# sshd and python3-psycopg preinstalled (classrooms without internet, and the VM test here).
#   sudo provision/build-box.sh [OUT_DIR]      # -> OUT_DIR/pglab-debian12.box (~2 min, ~250 MB)
#   vagrant box add --name pglab/debian12 OUT_DIR/pglab-debian12.box && export PGLAB_BOX=pglab/debian12
set -euo pipefail
out=$(realpath -m "${1:-build/box}")
mirror=${PGLAB_MIRROR:-http://deb.debian.org/debian}
size_gb=${PGLAB_BOX_SIZE_GB:-4}
work=$(mktemp -d /var/tmp/pglab-box.XXXXXX)
loop=""
log() { echo "$(date '+%F %T') build-box: $*" >&2; }
cleanup() {
  if mountpoint -q "$work/mnt"; then umount -R "$work/mnt"; fi
  if [ -n "$loop" ]; then losetup -d "$loop"; fi
  rm -rf "$work"
}
trap cleanup EXIT
for tool in debootstrap extlinux sfdisk qemu-img losetup; do
  command -v "$tool" >/dev/null || { log "missing $tool: apt-get install debootstrap extlinux syslinux-common fdisk qemu-utils"; exit 1; }
done
vagrant_key=$(find /usr/share/rubygems-integration /usr/share/vagrant /usr/lib/ruby -name vagrant.pub -path '*keys*' 2>/dev/null | head -1 || true)
[ -n "$vagrant_key" ] || { log "vagrant's insecure public key not found: apt-get install vagrant"; exit 1; }

log "debootstrap bookworm from $mirror"
debootstrap --variant=minbase --include=linux-image-amd64,systemd-sysv,openssh-server,sudo,ifupdown,isc-dhcp-client,iproute2,postgresql-15,postgresql-client-15,pgpool2,python3,python3-psycopg,procps,less \
  bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

log "configuring the image: vagrant user, network, fstab, boot loader config"
root=$work/rootfs
echo "pglab-box" > "$root/etc/hostname"
printf '/dev/vda1 / ext4 errors=remount-ro 0 1\n' > "$root/etc/fstab"
printf 'auto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n' > "$root/etc/network/interfaces"
chroot "$root" useradd -m -s /bin/bash vagrant
install -d -m 700 -o 1000 -g 1000 "$root/home/vagrant/.ssh"
install -m 600 -o 1000 -g 1000 "$vagrant_key" "$root/home/vagrant/.ssh/authorized_keys"
echo "vagrant ALL=(ALL) NOPASSWD: ALL" > "$root/etc/sudoers.d/vagrant"
chmod 440 "$root/etc/sudoers.d/vagrant"
echo "UseDNS no" > "$root/etc/ssh/sshd_config.d/vagrant.conf"
install -d "$root/boot/extlinux"
cat > "$root/boot/extlinux/extlinux.conf" <<CONF
DEFAULT debian
TIMEOUT 1
LABEL debian
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND root=/dev/vda1 ro net.ifnames=0 console=ttyS0 quiet
CONF
chroot "$root" apt-get clean

log "writing a ${size_gb} GiB disk with one bootable partition"
truncate -s "${size_gb}G" "$work/disk.raw"
echo 'start=2048, type=83, bootable' | sfdisk -q "$work/disk.raw"
loop=$(losetup --find --show --offset $((2048 * 512)) "$work/disk.raw")
mkfs.ext4 -q -L root "$loop"
mkdir "$work/mnt"
mount "$loop" "$work/mnt"
cp -a "$root/." "$work/mnt/"
extlinux --install "$work/mnt/boot/extlinux" 2>/dev/null
umount "$work/mnt"
losetup -d "$loop"
loop=""
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$work/disk.raw" bs=440 count=1 conv=notrunc status=none

log "packing the box"
mkdir -p "$out"
qemu-img convert -O qcow2 "$work/disk.raw" "$work/box.img"
printf '{"provider":"libvirt","format":"qcow2","virtual_size":%s}\n' "$size_gb" > "$work/metadata.json"
tar -C "$work" -czf "$out/pglab-debian12.box" box.img metadata.json
log "done: $out/pglab-debian12.box ($(du -h "$out/pglab-debian12.box" | cut -f1))"
