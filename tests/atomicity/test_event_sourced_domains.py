"""Governance, passport and reputation: the events of a change and the read models,
register and reputations that follow them are one transaction. The read models used
to catch up in later transactions, and a failure there was logged and swallowed (a
proposal created could be answered 404); now a failure at any step leaves nothing."""

from uuid import uuid4

import pytest

from domains.governance import services as governance
from domains.governance.application import GovernanceApplication
from domains.governance.models import Proposal as ProposalRow
from domains.governance.models import RegisterEntry
from domains.governance.tests.conftest import register_member
from domains.passport import services as passport
from domains.passport.application import PassportApplication
from domains.passport.models import CredentialRecord, StatusSlot
from domains.passport.tests.conftest import (
    COMPLETED,
    COURSE,
    actor,
    record,
    web_api,  # noqa: F401 - a fixture
)
from domains.reputation import services as reputation
from domains.reputation.application import ReputationApplication
from domains.reputation.models import MemberReputation, Rating
from eventing.eventstore import get_application
from eventing.projections import projection_catch_up


class Crash(Exception):
    """Stands for the process dying at this point (nothing after it runs)."""


def crash(*args, **kwargs):
    raise Crash


def crash_on(projection_name: str):
    """``projection_catch_up`` that dies when it reaches ``projection_name``."""

    def catch_up(*, projection, **kwargs):
        if projection.name == projection_name:
            raise Crash
        return projection_catch_up(projection=projection, **kwargs)

    return catch_up


def notifications(application_class) -> int:
    return get_application(application_class).recorder.max_notification_id() or 0


@pytest.mark.django_db(databases=["governance"])
@pytest.mark.parametrize("dies_at", ["governance.proposals", "governance.register"])
def test_a_proposal_interrupted_at_any_step_is_neither_recorded_nor_listed(monkeypatch, dies_at):
    author = register_member()
    before = notifications(GovernanceApplication)
    entries = RegisterEntry.objects.using("governance").count()
    monkeypatch.setattr(governance, "projection_catch_up", crash_on(dies_at))
    with pytest.raises(Crash):
        governance.proposal_create(
            author_id=author, title="T", summary="S", method="majority", quorum=1
        )
    assert notifications(GovernanceApplication) == before
    assert not ProposalRow.objects.using("governance").filter(author_id=author).exists()
    assert RegisterEntry.objects.using("governance").count() == entries


@pytest.mark.django_db(databases=["governance"])
def test_a_created_proposal_is_listed_when_the_call_returns():
    author = register_member()
    proposal = governance.proposal_create(
        author_id=author, title="T", summary="S", method="majority", quorum=1
    )
    assert ProposalRow.objects.using("governance").filter(id=proposal.id).exists()


@pytest.mark.django_db(databases=["reputation"])
@pytest.mark.parametrize(
    "between",
    [
        # after the append, at the read model
        ("projection_catch_up", crash),
        # after the append and the read model, at the reputations
        ("reputation_refresh", crash),
    ],
    ids=["at-read-model", "at-reputation"],
)
def test_a_rating_interrupted_at_any_step_leaves_nothing(monkeypatch, between):
    name, replacement = between
    ratee = uuid4()
    before = notifications(ReputationApplication)
    monkeypatch.setattr(reputation, name, replacement)
    with pytest.raises(Crash):
        reputation.rating_give(
            rater_id=uuid4(), ratee_id=ratee, context_type="session", context_id="1", score=5
        )
    assert notifications(ReputationApplication) == before
    assert not Rating.objects.using("reputation").filter(ratee_id=ratee).exists()
    assert not MemberReputation.objects.using("reputation").filter(member_id=ratee).exists()


@pytest.mark.django_db(databases=["passport"])
def test_a_credential_interrupted_at_its_read_model_leaves_no_event_slot_or_row(
    web_api,  # noqa: F811
    monkeypatch,
):
    ifi, holder = actor(f"{uuid4().hex[:8]}@example.com")
    record(ifi, COMPLETED, COURSE)
    before = notifications(PassportApplication)
    slots = StatusSlot.objects.using("passport").count()
    monkeypatch.setattr(passport, "projection_catch_up", crash)
    with pytest.raises(Crash):
        passport.credential_issue(member_id=holder, kind="competency", competency_id=web_api.pk)
    assert notifications(PassportApplication) == before
    assert StatusSlot.objects.using("passport").count() == slots
    assert not CredentialRecord.objects.using("passport").filter(member_id=holder).exists()


@pytest.mark.django_db(databases=["passport"])
def test_a_revocation_interrupted_at_its_read_model_leaves_the_credential_valid(
    web_api,  # noqa: F811
    monkeypatch,
):
    ifi, holder = actor(f"{uuid4().hex[:8]}@example.com")
    record(ifi, COMPLETED, COURSE)
    issuer = uuid4()
    issued = passport.credential_issue(
        member_id=holder, kind="competency", competency_id=web_api.pk, issued_by=issuer
    )
    monkeypatch.setattr(passport, "projection_catch_up", crash)
    with pytest.raises(Crash):
        passport.credential_revoke(credential_id=issued.id, reason="mistake", by=issuer)
    assert get_application(PassportApplication).repository.get(issued.id).revoked_at is None
    assert CredentialRecord.objects.using("passport").get(pk=issued.id).revoked_at is None
