"""goharbor/harbor 3.x resources for the registry's retention and immutability, mirrored
from the real provider's schema as generated into PyPI pulumiverse-harbor 3.10.21
(pulumiverse_harbor/project.py, retention_policy.py, immutable_tag_rule.py, provider.py;
Pulumi's `rules` is Terraform's repeated `rule` block). OVHcloud's Managed Private
Registry is Harbor, and the ovh provider has no retention resource, so retention goes
through Harbor's own API.
"""

PROVIDER = {
    "url": "string optional",
    "username": "string optional",
    "password": "string optional sensitive",
    "insecure": "bool optional",
    "api_version": "number optional",
    "robot_prefix": "string optional",
    "bearer_token": "string optional sensitive",
}

RESOURCES = {
    "harbor_project": {
        "name": "string required",
        "public": "bool optional",
        "vulnerability_scanning": "bool optional",
        "auto_sbom_generation": "bool optional",
        "deployment_security": "string optional",
        "enable_content_trust": "bool optional",
        "enable_content_trust_cosign": "bool optional",
        "force_destroy": "bool optional",
        "storage_quota": "number optional",
        "cve_allowlist": "list(string) optional",
        "registry_id": "number optional",
        "project_id": "number computed",
    },
    "harbor_immutable_tag_rule": {
        "project_id": "string required",
        "disabled": "bool optional",
        "repo_matching": "string optional",
        "repo_excluding": "string optional",
        "tag_matching": "string optional",
        "tag_excluding": "string optional",
    },
    "harbor_retention_policy": {
        "scope": "string required",
        "schedule": "string optional",
        "rule": {
            "disabled": "bool optional",
            "always_retain": "bool optional",
            "most_recently_pulled": "number optional",
            "most_recently_pushed": "number optional",
            "n_days_since_last_pull": "number optional",
            "n_days_since_last_push": "number optional",
            "repo_matching": "string optional",
            "repo_excluding": "string optional",
            "tag_matching": "string optional",
            "tag_excluding": "string optional",
            "untagged_artifacts": "bool optional",
        },
    },
}
