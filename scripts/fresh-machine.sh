#!/usr/bin/env bash
# Runs a command of this repository on a fresh machine, timed: how `cargo xtask bench`'s and
# `cargo xtask test`'s fresh-machine times in BENCHMARKS.md and the README were measured.
#
#   sudo scripts/fresh-machine.sh [DIR] [COMMAND]     (defaults: /tmp/imagecapture-fresh, and
#                                                      `cargo xtask bench`)
#
# The fresh machine is a chroot in DIR: a new Debian 12 (debootstrap, minbase, with gcc and git,
# as on a new machine of this project's kind), this machine's node and npm copied in, its Rust
# toolchain (~/.rustup) mounted in with an empty CARGO_HOME, and a clean clone of this
# repository's HEAD. Everything else (Debian's packages, crates.io and npm downloads, every
# build) the command does itself. The host's CA certificates go in too, for machines whose
# registries sit behind a TLS proxy. DIR is made anew each run and its mounts undone at the end.
#
# Needs root, debootstrap (`apt-get install debootstrap`) and network access to Debian's
# mirror, crates.io and npm.
set -euo pipefail
root=${1:-/tmp/imagecapture-fresh}
command=${2:-cargo xtask bench}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}

unmount() {
  for m in root/.rustup dev/shm dev sys proc; do
    umount -R "$root/$m" 2>/dev/null || true
  done
}
trap unmount EXIT
unmount
rm -rf "$root"
debootstrap --variant=minbase --include=gcc,libc6-dev,git,ca-certificates,procps,xz-utils,make \
  bookworm "$root" http://deb.debian.org/debian >"$root.debootstrap.log" 2>&1

mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o size=4g tmpfs "$root/dev/shm"
# A machine has these two; debootstrap writes neither (without /etc/hosts `localhost` goes to DNS,
# and chromedriver then cannot reach the browser it started).
cp /etc/resolv.conf /etc/hosts "$root/etc/"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  rm -f "$root/etc/apt/sources.list"
  cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
fi
cp /usr/local/share/ca-certificates/* "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
chroot "$root" update-ca-certificates >/dev/null
for f in /etc/npmrc "$HOME/.npmrc"; do [ -f "$f" ] && cp "$f" "$root$f"; done

node=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
cp "$node" "$root/usr/bin/node"
mkdir -p "$root/usr/lib/node_modules"
cp -a "$npm_dir" "$root/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"

mkdir -p "$root/root/.rustup" "$root/root/.cargo/bin"
mount --bind "$rustup_home" "$root/root/.rustup"
for tool in cargo rustc rustup rustdoc cargo-clippy cargo-fmt clippy-driver rustfmt; do
  cp "$(command -v rustup)" "$root/root/.cargo/bin/$tool"
done
git clone -q "$repo" "$root/root/imagecapture"

chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
  PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  bash -c "cd /root/imagecapture && start=\$(date +%s) && $command; status=\$?; \
    echo \"fresh-machine.sh: '$command' took \$(( \$(date +%s) - start )) s (exit \$status)\"; exit \$status"
