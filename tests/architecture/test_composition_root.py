"""The composition root chooses the delivery mode and the database strategies once, at
start-up; business code only uses what was installed."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

from config.composition import compose
from contracts.identity.v1 import MemberRegistered
from domains.governance import register_writes
from domains.learning import dialects
from domains.marketplace.services import seats
from eventing import delivery
from eventing.models import OutboxMessage
from eventing.outbox import outbox_publish

REPO = Path(__file__).resolve().parents[2]


def test_the_process_is_composed_at_start_up_for_its_configuration(settings):
    expected = delivery.RelayDelivery if settings.REDIS_URL else delivery.InProcessDelivery
    assert isinstance(delivery.installed(), expected)
    # PostgreSQL here; the SQLite strategies run in each domain's SQLite tests.
    assert isinstance(seats.installed(), seats.ExclusionConstraintSeats)
    assert isinstance(register_writes.installed(), register_writes.OneStatementWrites)
    assert isinstance(dialects.installed(), dialects.PostgreSQLDialect)


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_without_redis_an_outbox_write_is_delivered_in_process_when_it_commits(settings):
    settings.REDIS_URL = ""
    compose()
    try:
        with transaction.atomic(using="identity"):
            outbox_publish(
                alias="identity", producer="identity",
                event=MemberRegistered(member_id=uuid.uuid4(), display_name="m",
                                       joined_at=datetime.now(UTC)),
            )  # fmt: skip
            rows = OutboxMessage.objects.using("identity")
            assert rows.filter(published_at__isnull=True).count() == 1  # not before commit
        assert rows.filter(published_at__isnull=True).count() == 0
    finally:
        settings.REDIS_URL = "redis://127.0.0.1:6379/0"  # any: only set or not matters
        compose()
    assert isinstance(delivery.installed(), delivery.RelayDelivery)


def test_business_code_has_no_delivery_or_booking_mode_branch():
    """The branches the ports replaced stay out of the modules that use them."""
    for module, words in {
        "eventing/outbox.py": ("REDIS_URL", "inprocess"),
        "domains/marketplace/services/bookings.py": (".vendor", "connections["),
    }.items():
        source = (REPO / module).read_text().lower()
        assert not [w for w in words if w.lower() in source], module


@pytest.mark.parametrize(
    ("alias", "refusal"),
    [
        ("marketplace", "The marketplace domain cannot prevent double bookings on 'mysql'"),
        ("governance", "The governance domain cannot write the decision register on 'mysql'"),
        ("learning", "The learning domain cannot store xAPI statements on 'mysql'"),
    ],
)
def test_a_domain_on_a_database_it_has_no_strategy_for_is_refused_at_start_up(
    monkeypatch, alias, refusal
):
    monkeypatch.setattr(connections[alias], "vendor", "mysql")
    with pytest.raises(ImproperlyConfigured, match=refusal):
        compose()
    monkeypatch.undo()
    compose()  # this process's own strategies again
    assert isinstance(dialects.installed(), dialects.PostgreSQLDialect)
