#!/usr/bin/env bash
# Stand-ins for the service images docker-compose.yml uses, for AIR-GAPPED BUILDERS ONLY
# (the official image is neither present nor pullable; FORCE_STANDIN=1 builds them anyway): PostgreSQL, Redis, Prometheus and Alertmanager from
# Debian packages on the stand-in base (base-images.sh), each with the entrypoint
# behaviour the compose file relies on (scripts/image/standins/*/Containerfile). Prints
# the variables that point compose at them, e.g.
#   eval "$(scripts/image/service-images.sh)"
# Never pushed. Grafana, Jaeger and the OpenTelemetry Collector have no Debian package:
# they cannot be stood in for here (docs/deployment-local.md).
source "$(dirname "$0")/lib.sh"

ensure_podman
"$(dirname "$0")/base-images.sh"
mapfile -t args < <(build_args)
declare -A VARS=([postgres]=POSTGRES_IMAGE [redis]=REDIS_IMAGE [prometheus]=PROMETHEUS_IMAGE
                 [alertmanager]=ALERTMANAGER_IMAGE)
declare -A TAGS=([postgres]=15-bookworm [redis]=7.0-bookworm [prometheus]=2.42-bookworm
                 [alertmanager]=0.25-bookworm)
# The images docker-compose.yml names: used as they are wherever they exist or can be pulled.
declare -A OFFICIAL=([postgres]=docker.io/library/postgres:16-bookworm
                     [redis]=docker.io/library/redis:7-bookworm
                     [prometheus]=docker.io/prom/prometheus:v3.5.0
                     [alertmanager]=docker.io/prom/alertmanager:v0.28.1)
for name in postgres redis prometheus alertmanager; do
  if [ -z "${FORCE_STANDIN:-}" ] && { image_exists "${OFFICIAL[$name]}" || \
      timeout 60 env CONTAINERS_CONF="$PODMAN_CONF" podman pull -q "${OFFICIAL[$name]}" >/dev/null 2>&1; }; then
    log "using ${OFFICIAL[$name]}"
    continue
  fi
  image="${IMAGE_PREFIX}${name}:${TAGS[$name]}"
  if ! image_exists "$image" || [ -n "${REBUILD:-}" ]; then
    log "building $image"
    pod build "${args[@]}" -q -t "$image" "$REPO_ROOT/scripts/image/standins/$name" >/dev/null
  fi
  echo "export ${VARS[$name]}=$image"
done
