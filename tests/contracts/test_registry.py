"""The registry: one class per (type, version), lookups, and every domain module loaded."""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import pytest

from contracts.errors import DuplicateEventType, UnknownEventType
from contracts.events import Event
from contracts.registry import REGISTRY, Registry, load_all


def make_event(type_: str = "demo.thing_happened", version: int = 1) -> type[Event]:
    @dataclass(frozen=True, kw_only=True)
    class ThingHappened(Event):
        TYPE = type_
        VERSION = version

        thing_id: uuid.UUID
        happened_at: datetime

    return ThingHappened


def test_register_get_all_and_latest():
    registry = Registry()
    v1, v2, other = make_event(version=1), make_event(version=2), make_event("demo.other")
    for cls in (v2, other, v1):
        assert registry.register(cls) is cls
    assert registry.get("demo.thing_happened", 1) is v1
    assert registry.latest("demo.thing_happened") is v2
    assert registry.all() == [other, v1, v2]


def test_a_duplicate_type_and_version_is_refused():
    registry = Registry()
    registry.register(make_event())
    with pytest.raises(DuplicateEventType, match=r"demo\.thing_happened v1"):
        registry.register(make_event())


def test_registering_the_same_class_again_is_harmless():
    registry, cls = Registry(), make_event()
    registry.register(cls)
    registry.register(cls)
    assert registry.all() == [cls]


def test_unknown_lookups_raise():
    registry = Registry()
    registry.register(make_event())
    with pytest.raises(UnknownEventType):
        registry.get("demo.thing_happened", 2)
    with pytest.raises(UnknownEventType):
        registry.latest("demo.nothing")


class NotAnEvent:
    TYPE = "demo.thing_happened"
    VERSION = 1


class NotADataclass(Event):
    TYPE = "demo.thing_happened"
    VERSION = 1


@dataclass(kw_only=True)
class NotFrozen(Event):
    TYPE = "demo.thing_happened"
    VERSION = 1


@dataclass(frozen=True, kw_only=True)
class Unsupported(Event):
    TYPE = "demo.thing_happened"
    VERSION = 1

    when: datetime | int


@pytest.mark.parametrize(
    ("cls", "problem"),
    [
        (NotAnEvent, "not an Event"),
        (NotADataclass, "frozen dataclass"),
        (NotFrozen, "frozen dataclass"),
        (make_event("ThingHappened"), "TYPE"),
        (make_event("demo"), "TYPE"),
        (make_event(version=0), "VERSION"),
        (Unsupported, "unsupported field annotation"),
    ],
)
def test_a_class_that_cannot_be_a_contract_is_refused(cls, problem):
    with pytest.raises(TypeError, match=problem):
        Registry().register(cls)


EXPECTED = {
    ("identity.member_registered", 1),
    ("identity.member_registered", 2),
    ("identity.role_granted", 1),
    ("identity.role_revoked", 1),
    ("learning.statement_recorded", 1),
    ("learning.statement_voided", 1),
    ("reputation.rating_recorded", 1),
    ("reputation.changed", 1),
    ("passport.credential_issued", 1),
    ("passport.credential_revoked", 1),
    ("governance.proposal_status_changed", 1),
    ("governance.decision_recorded", 1),
    ("marketplace.booking_confirmed", 1),
    ("marketplace.booking_cancelled", 1),
    ("marketplace.booking_completed", 1),
    ("marketplace.space_listed", 1),
    ("marketplace.space_unlisted", 1),
}


def test_load_all_registers_every_domain_module():
    assert load_all() is REGISTRY
    assert {(cls.TYPE, cls.VERSION) for cls in REGISTRY.all()} == EXPECTED
    assert REGISTRY.latest("identity.member_registered").VERSION == 2


@pytest.mark.parametrize("cls", load_all().all(), ids=lambda cls: f"{cls.TYPE}.v{cls.VERSION}")
def test_each_contract_lives_in_its_domains_version_module(cls):
    domain = cls.TYPE.split(".")[0]
    assert cls.__module__ == f"contracts.{domain}.v{cls.VERSION}"
    assert re.fullmatch(r"[A-Z][A-Za-z]+", cls.__name__)
