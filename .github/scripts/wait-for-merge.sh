#!/usr/bin/env bash
# Wait until a promotion pull request is merged; print the merge commit's SHA (what Argo
# CD will sync). Fails if it is closed unmerged or the wait times out.
#   wait-for-merge.sh <pull-request-url>
set -euo pipefail

url=$1
deadline=$((SECONDS + ${MERGE_TIMEOUT_SECONDS:-3600}))
while ((SECONDS < deadline)); do
    read -r state commit < <(gh pr view "$url" --json state,mergeCommit \
        --jq '[.state, (.mergeCommit.oid // "-")] | join(" ")')
    case "$state" in
    MERGED)
        echo "$commit"
        exit 0
        ;;
    CLOSED)
        echo "$url was closed without merging" >&2
        exit 1
        ;;
    esac
    sleep 20
done
echo "timed out waiting for $url to merge" >&2
exit 1
