"""A local stand-in for what External Secrets Operator would deliver.

The rehearsal has no OVHcloud Secret Manager: this store holds, per remote key, the properties the
environment's secret store would hold, with values pointing at the rehearsal's own stand-ins.
``secrets_for`` then renders each ExternalSecret exactly as the operator does (``data``:
one property per key; ``dataFrom.extract``: every property of a remote key), so each
pod gets a Secret with the keys its manifest asks for, and a key the manifests name
that the store lacks fails the rehearsal, as a sync would fail.
"""

from __future__ import annotations

import secrets as random

ALIASES = ("default", "identity", "learning", "reputation", "passport", "governance", "marketplace")


def database_name(alias: str) -> str:
    return f"platform_{alias}"


def app_role(alias: str) -> str:
    return f"app_{alias}"


MIGRATE_ROLE = "platform_migrate"


class Store:
    """Remote key -> {property: value}, like a path of the secret store."""

    def __init__(self, pg_host: str, redis_host: str, ca_bundle: str):
        self.passwords = {role: random.token_urlsafe(18) for role in self.roles()}
        # Hex: it is given on valkey-server's command line, where a leading "--" would
        # read as an option.
        self.redis_password = random.token_hex(18)
        ca = "/etc/platform/tls/ca.crt"
        self.data: dict[str, dict[str, str]] = {
            "platform/django": {"secret-key": random.token_urlsafe(48)},
            "platform/metrics": {"token": random.token_urlsafe(32)},
            "platform/redis": {
                "url": f"rediss://:{self.redis_password}@{redis_host}:6379/0"
                f"?ssl_cert_reqs=required&ssl_ca_certs={ca}"
            },
            "platform/smtp": {"username": "platform", "password": random.token_urlsafe(12)},
            "platform/tls": {"ca.crt": ca_bundle},
            "platform/databases/migrate": {
                f"DATABASE_URL_{alias.upper()}": self.url(pg_host, MIGRATE_ROLE, alias)
                for alias in ALIASES
            },
        }
        for alias in ALIASES:
            self.data[f"platform/databases/{alias}"] = {
                "url": self.url(pg_host, app_role(alias), alias)
            }

    @staticmethod
    def roles() -> list[str]:
        return [MIGRATE_ROLE, *(app_role(a) for a in ALIASES)]

    def url(self, host: str, role: str, alias: str) -> str:
        return f"postgres://{role}:{self.passwords[role]}@{host}:5432/{database_name(alias)}"

    def init_sql(self, app_may_create: bool = False) -> str:
        """Roles and databases as the managed service holds them (Terraform's grants:
        terraform/modules/ovh-postgres/sql): the migration role owns every schema, each
        app role connects to its own database only and reads and writes rows (default
        privileges on what the migration role creates). ``app_may_create`` also lets the
        app roles create tables, which production does not: a run with it says so."""
        lines = []
        for role, password in self.passwords.items():
            lines.append(f"CREATE ROLE {role} LOGIN PASSWORD '{password}';")
        for alias in ALIASES:
            db, role = database_name(alias), app_role(alias)
            lines += [
                f"CREATE DATABASE {db} OWNER {MIGRATE_ROLE};",
                f"REVOKE CONNECT ON DATABASE {db} FROM PUBLIC;",
                f"GRANT CONNECT ON DATABASE {db} TO {role}, {MIGRATE_ROLE};",
                f"\\connect {db}",
                f"ALTER SCHEMA public OWNER TO {MIGRATE_ROLE};",
                f"GRANT USAGE{', CREATE' if app_may_create else ''} ON SCHEMA public TO {role};",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {MIGRATE_ROLE} IN SCHEMA public "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {MIGRATE_ROLE} IN SCHEMA public "
                f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role};",
                "\\connect postgres",
            ]
        return "\n".join(lines) + "\n"


def secrets_for(external_secrets: dict[str, dict], store: Store) -> dict[str, dict[str, str]]:
    """Secret name -> data, for every ExternalSecret (KeyError names a missing key)."""
    rendered = {}
    for name, doc in external_secrets.items():
        spec = doc["spec"]
        data: dict[str, str] = {}
        for entry in spec.get("dataFrom", []):
            key = entry["extract"]["key"]
            if key not in store.data:
                raise KeyError(f"ExternalSecret {name}: no remote key {key} in the store")
            data.update(store.data[key])
        for entry in spec.get("data", []):
            ref = entry["remoteRef"]
            try:
                data[entry["secretKey"]] = store.data[ref["key"]][ref["property"]]
            except KeyError:
                raise KeyError(
                    f"ExternalSecret {name}: no property {ref.get('property')} of "
                    f"{ref['key']} in the store"
                ) from None
        rendered[spec.get("target", {}).get("name", name)] = data
    return rendered
