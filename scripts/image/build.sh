#!/usr/bin/env bash
# `make image`: build the project's real Dockerfile with Podman (no Docker engine needed).
#
#   scripts/image/build.sh                      # tag localhost/platform:local
#   PLATFORM_IMAGE=localhost/x:y scripts/image/build.sh
#   NO_CACHE=1 scripts/image/build.sh          # rebuild every layer (a cold build's time)
#
# Installs podman/runc/debootstrap with apt-get when missing, writes the containers.conf
# this kind of host needs (lib.sh), makes sure the base images exist (pulled, or built
# from Debian by base-images.sh where no registry answers: for air-gapped builders), then
# builds in the docker format so the Dockerfile's HEALTHCHECK is kept (the OCI format
# drops it). The image is never pushed.
source "$(dirname "$0")/lib.sh"

PLATFORM_IMAGE=${PLATFORM_IMAGE:-localhost/platform:local}
ensure_podman
"$(dirname "$0")/base-images.sh"
started=$(date +%s)
mapfile -t args < <(build_args)
[ -n "${NO_CACHE:-}" ] && args+=(--no-cache)
log "building $PLATFORM_IMAGE from $REPO_ROOT/Dockerfile"
pod build "${args[@]}" -t "$PLATFORM_IMAGE" "$REPO_ROOT"
# The image must keep what the manifests and compose rely on.
healthcheck=$(pod image inspect --format '{{json .HealthCheck}}' "$PLATFORM_IMAGE")
user=$(pod image inspect --format '{{.User}}' "$PLATFORM_IMAGE")
case "$healthcheck" in *"/health"*) ;; *) log "HEALTHCHECK lost: $healthcheck"; exit 1 ;; esac
[ "$user" = "10001:10001" ] || { log "image user is '$user', expected 10001:10001"; exit 1; }
log "built $PLATFORM_IMAGE in $(( $(date +%s) - started )) s (user $user, HEALTHCHECK kept)"
# No layer may carry a secret: every file of every layer, with the suite's own scanner
# (tools/secret_scan.py: detect-secrets and this environment's secret values).
scratch=$(mktemp -d) && trap 'rm -rf "$scratch"' EXIT
pod save --format docker-archive -o "$scratch/image.tar" "$PLATFORM_IMAGE"
"${SCAN_PYTHON:-$REPO_ROOT/.venv/bin/python}" "$REPO_ROOT/tools/secret_scan.py" image "$scratch/image.tar" \
  || { log "a secret value is in $PLATFORM_IMAGE's layers (above)"; exit 1; }
