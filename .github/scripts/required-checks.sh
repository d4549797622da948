#!/usr/bin/env bash
# Decide whether a commit of main may be promoted: every workflow run of its push
# finished, none failed, and the whole suite (platform) is among them. Reads the JSON of
# `gh api repos/<repo>/actions/runs?head_sha=<sha>&event=push` on stdin; prints
# ready=true or ready=false (for $GITHUB_OUTPUT) and the reason on stderr.
#   gh api ... | required-checks.sh
set -euo pipefail

jq -r '
  [.workflow_runs[] | select(.name != "promote")] as $runs
  | ($runs | map(select(.status != "completed")) | map(.name)) as $pending
  | ($runs | map(select(.status == "completed" and (.conclusion != "success" and .conclusion != "skipped"))) | map(.name)) as $failed
  | ($runs | map(select(.name == "platform" and .conclusion == "success")) | length > 0) as $suite
  | if ($failed | length) > 0 then "ready=false failed: \($failed | join(", "))"
    elif ($pending | length) > 0 then "ready=false still running: \($pending | join(", "))"
    elif ($suite | not) then "ready=false the whole suite (platform) has not succeeded"
    else "ready=true all \($runs | length) workflow runs succeeded" end
' | {
    read -r verdict reason
    echo "$verdict"
    echo "$reason" >&2
}
