"""hashicorp/kubernetes 2.x resources the modules use, mirrored from the real provider's
documented schema (registry docs of hashicorp/kubernetes 2.35: provider block arguments,
`kubernetes_namespace_v1` and `kubernetes_secret_v1`, each with a `metadata` block).
Declared by hand; only what is below is known to the offline provider.
"""

METADATA = {
    "name": "string required",
    "namespace": "string optional",
    "labels": "map(string) optional",
    "annotations": "map(string) optional",
    "uid": "string computed",
    "resource_version": "string computed",
}

PROVIDER = {
    "host": "string optional",
    "cluster_ca_certificate": "string optional",
    "client_certificate": "string optional",
    "client_key": "string optional sensitive",
    "token": "string optional sensitive",
    "config_path": "string optional",
}

RESOURCES = {
    "kubernetes_namespace_v1": {
        "wait_for_default_service_account": "bool optional",
        "metadata": {k: v for k, v in METADATA.items() if k != "namespace"},
    },
    "kubernetes_secret_v1": {
        "data": "map(string) optional sensitive",
        "type": "string optional",
        "immutable": "bool optional",
        "wait_for_service_account_token": "bool optional",
        "metadata": METADATA,
    },
}
