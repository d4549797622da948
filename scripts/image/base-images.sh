#!/usr/bin/env bash
# Stand-in base images for AIR-GAPPED BUILDERS ONLY: where no image registry answers,
# `FROM python:3.11-bookworm` cannot be pulled, so this builds an equivalent from Debian's
# own packages (debootstrap: Debian 12 with its Python 3.11) and gives it the tags the
# Dockerfile names. A machine that can pull the official images skips all of this.
# The stand-ins are never pushed anywhere.
#
#   scripts/image/base-images.sh           # reuse existing tags, pull when a registry answers
#   FORCE_STANDIN=1 scripts/image/base-images.sh   # build the stand-in even if it could pull
source "$(dirname "$0")/lib.sh"

ensure_podman

FULL=docker.io/library/python:3.11-bookworm
SLIM=docker.io/library/python:3.11-slim-bookworm

if image_exists "$FULL" && image_exists "$SLIM"; then
  log "base images present: $FULL, $SLIM"
  exit 0
fi

if [ -z "${FORCE_STANDIN:-}" ] && timeout 60 env CONTAINERS_CONF="$PODMAN_CONF" \
    podman pull -q "$FULL" >/dev/null 2>&1 && \
    timeout 60 env CONTAINERS_CONF="$PODMAN_CONF" podman pull -q "$SLIM" >/dev/null 2>&1; then
  log "pulled the official base images"
  exit 0
fi

log "no registry reachable: building the Debian stand-in for $FULL and $SLIM"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
root=$(mktemp -d /tmp/platform-base-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
# Every runtime requirement ships a binary wheel (psycopg[binary], cryptography, argon2),
# so no compiler is needed: one rootfs serves both tags.
debootstrap --variant=minbase \
  --include=python3,python3-venv,ca-certificates \
  bookworm "$root" "$mirror" >/dev/null
ln -sf /usr/bin/python3 "$root/usr/local/bin/python"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | pod import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' - "$FULL" >/dev/null
pod tag "$FULL" "$SLIM"
log "stand-in base images built: $FULL, $SLIM (Debian Python $(chroot "$root" python3 -V 2>&1 | cut -d' ' -f2))"
