#!/usr/bin/env bash
# Smoke check of a deployed environment: liveness, readiness (every critical dependency),
# and the API schema served through the gateway. Retries briefly so a rollout
# that is still settling is not called broken.
#   smoke.sh <base-url>
set -euo pipefail

base=$1
check() {
    local path=$1 expected=$2 code
    for _ in 1 2 3 4 5 6; do
        code=$(curl --silent --output /dev/null --write-out '%{http_code}' --max-time 10 "${base}${path}" || true)
        if [[ "$code" == "$expected" ]]; then
            echo "ok   ${path} ${code}"
            return 0
        fi
        sleep 10
    done
    echo "FAIL ${path}: ${code}, expected ${expected}" >&2
    return 1
}

check /health 200
check /ready 200
check /api/schema/ 200
