# Shared by scripts/image/*.sh (sourced, not run). For builders without a Docker engine
# and, where no image registry is reachable, air-gapped builders: Podman from Debian,
# configured for hosts whose hybrid cgroups crun refuses and whose ulimits cannot be set.
#
#   PODMAN_CONF   containers.conf written and used (default: var/podman/containers.conf)
#   IMAGE_PREFIX  prefix of every stand-in image tag this project creates
#                 (default: localhost/platform-standin-)
# Nothing here ever pushes an image.

set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PODMAN_CONF=${PODMAN_CONF:-$REPO_ROOT/var/podman/containers.conf}
IMAGE_PREFIX=${IMAGE_PREFIX:-localhost/platform-standin-}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "$(basename "$0")" "$*" >&2; }

# apt-get waits for another apt-get (a parallel build on the same machine) instead of failing.
apt_install() {
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "$@"
}

# Podman, runc (crun refuses cgroup v1 hybrids), debootstrap (stand-in bases), uidmap,
# netavark/aardvark-dns (container names resolve on a network) and iptables, which
# netavark runs to set a network up (without it every container on a network fails to
# start: "netavark: No such file or directory"), catatonit (the pause process of every pod
# `podman kube play` starts: "finding pause binary"), slirp/fuse-overlayfs.
ensure_podman() {
  local missing=()
  for tool in podman runc debootstrap iptables catatonit; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || { log "missing ${missing[*]} and no apt-get: install them"; exit 1; }
    log "installing podman and what it needs here (apt-get)"
    apt_install podman runc debootstrap uidmap netavark aardvark-dns iptables catatonit \
      slirp4netns fuse-overlayfs ca-certificates
  fi
  mkdir -p "$(dirname "$PODMAN_CONF")"
  cat >"$PODMAN_CONF" <<'CONF'
# Written by scripts/image/lib.sh. runc: crun refuses hybrid cgroup v1 hosts.
# default_ulimits = []: the default nofile/nproc ulimits cannot be set on such hosts.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
CONF
  export CONTAINERS_CONF=$PODMAN_CONF
}

pod() { CONTAINERS_CONF=$PODMAN_CONF podman --runtime runc "$@"; }

image_exists() { pod image exists "$1"; }

# The host's CA bundle, handed to builds: package registries are reached through it.
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
build_args() {
  local args=(--pull=never --network host --format docker)
  [ -f "$CA_BUNDLE" ] && args+=(-v "$CA_BUNDLE:$CA_BUNDLE:ro")
  printf '%s\n' "${args[@]}"
}
