#!/usr/bin/env bash
# Propose an image tag for an environment's overlay as a pull request; nothing is pushed
# to main. The pull request is set to merge itself (auto-merge) once the branch
# protection's required checks pass on it; Argo CD then syncs main. Prints the pull
# request's URL on stdout.
#   promote-image.sh <env> <image-tag> [verb]     (verb: "Promote" or "Roll back to")
# Needs GH_TOKEN: a token whose pushes and pull requests trigger workflows (a GitHub App
# or fine-grained token, secret PROMOTION_TOKEN; GITHUB_TOKEN's would not run the checks).
set -euo pipefail

env_name=$1
tag=$2
verb=${3:-Promote}
overlay="deploy/k8s/overlays/${env_name}/kustomization.yaml"
branch="promote/${env_name}/${tag:0:12}"

[[ "$env_name" =~ ^(dev|staging|production)$ ]] || {
    echo "unknown environment: $env_name" >&2
    exit 1
}
[[ "$tag" =~ ^[0-9a-f]{40}$ ]] || {
    echo "image tag must be a full commit SHA: $tag" >&2
    exit 1
}
# The overlay holds one image entry; its newTag line is the only one.
sed -i -E "s/^(    newTag: ).*/\1${tag}/" "$overlay"
if git diff --quiet -- "$overlay"; then
    echo "${env_name} already runs ${tag}" >&2
    exit 0
fi

git config user.name "platform-promotion[bot]"
git config user.email "platform-promotion@users.noreply.github.com"
git checkout --quiet -B "$branch"
title="${verb} ${tag:0:12} in ${env_name}"
[[ "$verb" == Promote ]] && title="Promote ${tag:0:12} to ${env_name}"
git commit --quiet -m "$title" -- "$overlay"
git push --quiet --force origin "HEAD:refs/heads/${branch}"

body="Image \`platform/app:${tag}\` (signed, SBOM and provenance attached) to \`${overlay}\`. Opened by the promote workflow; merges itself when the required checks pass."
url=$(gh pr list --head "$branch" --state open --json url --jq '.[0].url // empty')
if [[ -z "$url" ]]; then
    url=$(gh pr create --base main --head "$branch" --title "$title" --body "$body" \
        --label promotion --label "env:${env_name}")
fi
gh pr merge "$url" --auto --squash --delete-branch >&2
echo "$url"
