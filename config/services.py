"""Which part of the platform this process serves (``SERVICE``).

The same code and image run as one process (``SERVICE=all``) or as one process per
part (``SERVICE=learning``, ``SERVICE=gateway``, ...). A part names the Django apps it
installs, the database aliases it needs and whether it serves the admin. Everything
else in the settings and URLs is derived from the selected parts, so adding a domain
is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One deployable part: its apps, its database aliases, its URL prefix."""

    name: str
    apps: tuple[str, ...]
    aliases: tuple[str, ...]
    api_prefix: str | None = None


DOMAINS = ("identity", "learning", "reputation", "passport", "governance", "marketplace")

#: The alias that holds the users, and so Django's own apps whose tables point at them.
USERS_ALIAS = "identity"

PARTS: dict[str, Part] = {
    "gateway": Part("gateway", apps=("gateway", "legacy_adapter"), aliases=("default",)),
    **{
        name: Part(name, apps=(f"domains.{name}",), aliases=(name,), api_prefix=name)
        for name in DOMAINS
    },
}

SERVICE_CHOICES = ("all", *PARTS)


def selected_parts(service: str) -> tuple[Part, ...]:
    """The parts a process started with ``SERVICE=service`` serves."""
    if service == "all":
        return tuple(PARTS.values())
    return (PARTS[service],)


def serves_admin(parts: tuple[Part, ...]) -> bool:
    """The admin lives with the users: its log and sessions point at them."""
    return any(USERS_ALIAS in part.aliases for part in parts)
