#!/usr/bin/env bash
# Point an environment's overlay at an image tag and push the commit to main; Argo CD
# (auto-sync) rolls it out. Prints the new commit's SHA on stdout for a later rollback.
#   promote-image.sh <env> <image-tag>
set -euo pipefail

env_name=$1
tag=$2
overlay="deploy/k8s/overlays/${env_name}/kustomization.yaml"

[[ "$tag" =~ ^[0-9a-f]{40}$ ]] || {
    echo "image tag must be a full commit SHA: $tag" >&2
    exit 1
}
# The overlay holds one image entry; its newTag line is the only one.
sed -i -E "s/^(    newTag: ).*/\1${tag}/" "$overlay"
if git diff --quiet -- "$overlay"; then
    echo "${env_name} already runs ${tag}" >&2
    git rev-parse HEAD
    exit 0
fi

git config user.name "platform-promotion[bot]"
git config user.email "platform-promotion@users.noreply.github.com"
git commit --quiet -m "Promote ${tag:0:12} to ${env_name}" -- "$overlay"
# Other promotions or merges may land meanwhile: rebase and retry.
for attempt in 1 2 3 4 5; do
    if git push --quiet origin HEAD:main; then
        git rev-parse HEAD
        exit 0
    fi
    echo "push rejected (attempt ${attempt}), rebasing" >&2
    git pull --quiet --rebase origin main
done
exit 1
