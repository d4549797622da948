"""hashicorp/helm 2.x resources the modules use (helm_release), mirrored from the real
provider's documented schema (registry docs of hashicorp/helm 2.17: provider block
`kubernetes { ... }`, resource `helm_release` with `set` blocks). Only what is below is
known to the offline provider.
"""

PROVIDER = {
    "kubernetes": {
        "host": "string optional",
        "cluster_ca_certificate": "string optional",
        "client_certificate": "string optional",
        "client_key": "string optional sensitive",
        "token": "string optional sensitive",
        "config_path": "string optional",
    },
}

RESOURCES = {
    "helm_release": {
        "name": "string required",
        "chart": "string required",
        "repository": "string optional",
        "version": "string optional computed",
        "namespace": "string optional",
        "create_namespace": "bool optional",
        "values": "list(string) optional",
        "atomic": "bool optional",
        "wait": "bool optional",
        "timeout": "number optional",
        "cleanup_on_fail": "bool optional",
        "max_history": "number optional",
        "set": {"name": "string required", "value": "string required", "type": "string optional"},
        "set_sensitive": {
            "name": "string required",
            "value": "string required sensitive",
            "type": "string optional",
        },
        "status": "string computed",
        "manifest": "string computed",
    },
}
