"""Members copied from the legacy system during the transition (``LEGACY_SYNC_SINKS["users"]``).

The sink receives records already in the new API's shape (``id``, ``email``,
``display_name``, ``bio``, ``date_joined``) keyed by stable ids; the legacy adapter
translated them, identity never sees a legacy shape. A new member is created through
``user_register`` (so ``identity.member_registered`` is announced and other domains
learn of them) with **no usable password**: they sign in after a password reset.

An address is one member (``normalize_email``). A legacy user whose address belongs to
a *different* member is **skipped** and reported (``problems``), never half-written:
each record is written in its own savepoint, so the rest of the page is copied and the
unique index, not a prior read, has the last word on a concurrent sign-up.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from common.sync_sinks import Skip, upsert_each
from domains.identity.domain.accounts import normalize_email
from domains.identity.models import User
from domains.identity.services.accounts import ALIAS, profile_update, user_register


class UserSink:
    def upsert(self, records: list[dict]) -> dict:
        stored = self.get_many([r["id"] for r in records])
        return upsert_each(records, stored=stored, write=_write)

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        users = User.objects.using(ALIAS).filter(pk__in=ids)
        return {str(u.pk): {"id": str(u.pk), **_stored(u)} for u in users}


def _write(record: dict, before: dict | None) -> bool:
    values = _values(record)
    if before is not None and {name: before[name] for name in values} == values:
        return False  # the same once the address is normalised
    if _taken(values["email"], by_other_than=record["id"]) or not _saved(record, values):
        raise Skip(f"user {record['id']}: e-mail {values['email']} belongs to another member")
    return True


def _values(record: dict) -> dict:
    return {
        "email": normalize_email(record["email"]),
        "display_name": record["display_name"],
        "bio": record["bio"],
        "date_joined": record["date_joined"],
    }


def _stored(user: User) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "bio": user.bio,
        "date_joined": user.date_joined.isoformat(),
    }


def _taken(email: str, *, by_other_than: str) -> bool:
    return User.objects.using(ALIAS).filter(email=email).exclude(pk=by_other_than).exists()


def _saved(record: dict, values: dict) -> bool:
    """Create or update in a savepoint; False when the unique address index refused it
    (a member who signed up with that address since ``_taken`` looked)."""
    try:
        with transaction.atomic(using=ALIAS):
            user = User.objects.using(ALIAS).filter(pk=record["id"]).first()
            if user is None:
                user_register(id=record["id"], password=None, **values)
            else:
                _update(user, values)
    except IntegrityError:
        return False
    return True


def _update(user: User, values: dict) -> None:
    """The profile through ``profile_update``; the address and join date as legacy says."""
    changes = {"display_name": values["display_name"], "bio": values["bio"]}
    profile_update(user=user, changes=changes)
    user.email = values["email"]
    user.date_joined = datetime.fromisoformat(values["date_joined"])
    user.save(using=ALIAS, update_fields=["email", "date_joined"])
