#!/usr/bin/env bash
# Wait until Argo CD has synced an Application to a Git revision (or a later commit of
# main that contains it) and found it healthy. Run inside a full clone of the repository.
#   wait-for-sync.sh <application> <git-sha>
# Needs ARGOCD_SERVER and ARGOCD_AUTH_TOKEN (a read-only project token) in the environment.
set -euo pipefail

app=$1
revision=$2
deadline=$((SECONDS + ${SYNC_TIMEOUT_SECONDS:-900}))

while ((SECONDS < deadline)); do
    status=$(curl --fail --silent --show-error \
        -H "Authorization: Bearer ${ARGOCD_AUTH_TOKEN}" \
        "https://${ARGOCD_SERVER}/api/v1/applications/${app}" |
        jq -r '[.status.sync.revision, .status.sync.status, .status.health.status] | join(" ")')
    echo "${app}: ${status}"
    read -r synced sync health <<<"$status"
    contains=false
    if [[ "$synced" == "$revision" ]]; then
        contains=true
    elif git fetch --quiet origin main && git merge-base --is-ancestor "$revision" "$synced" 2>/dev/null; then
        # Someone merged after the promotion commit: Argo CD synced that, ours included.
        contains=true
    fi
    if [[ "$contains" == true && "$sync" == "Synced" && "$health" == "Healthy" ]]; then
        exit 0
    fi
    if [[ "$contains" == true && "$health" == "Degraded" ]]; then
        echo "${app} is degraded at ${revision}" >&2
        exit 1
    fi
    sleep 15
done
echo "timed out waiting for ${app} at ${revision}" >&2
exit 1
