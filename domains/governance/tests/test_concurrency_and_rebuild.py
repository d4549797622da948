"""Two simultaneous votes by one member count once; the read models rebuild to the same state.

The concurrent test commits for real (threads have connections of their own): the
event store's key on (proposal, version) lets one write in, the other is retried on
the new state and becomes a change of the same member's single vote.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from prometheus_client import REGISTRY

from domains.governance import services
from domains.governance.models import Comment, Proposal, Vote
from domains.governance.projections import ProposalsProjection
from domains.governance.register import register_verify, tree_head
from domains.governance.tests.conftest import register_member
from eventing.projections import projection_rebuild


def voting_proposal(clock, quorum=1):
    author = register_member()
    proposal = services.proposal_create(
        author_id=author, title="T", summary="S", method="majority", quorum=quorum
    )
    services.proposal_transition(proposal_id=proposal.id, actor_id=author, action="discuss")
    deadline = clock.now.replace(year=clock.now.year + 1)
    services.proposal_transition(
        proposal_id=proposal.id, actor_id=author, action="vote", deadline=deadline
    )
    return proposal.id, deadline


@pytest.mark.django_db(databases=["governance"], transaction=True)
def test_two_simultaneous_votes_by_one_member_count_once(governance_app, clock):
    proposal_id, deadline = voting_proposal(clock)
    voter = register_member()
    start = threading.Barrier(2)
    errors = []

    def vote(choice):
        try:
            start.wait()
            services.vote_cast(proposal_id=proposal_id, member_id=voter, choice=choice)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(c,)) for c in ("yes", "no")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    (vote_row,) = Vote.objects.using("governance").filter(proposal_id=proposal_id)
    assert vote_row.casts == 2  # both casts recorded, one vote held
    clock.now = deadline
    decided = services.proposal_close(proposal_id=proposal_id)
    assert decided.outcome in ("adopted", "rejected")
    assert Proposal.objects.using("governance").get(pk=proposal_id).voters == 1


@pytest.mark.django_db(databases=["governance"], transaction=True)
def test_a_vote_that_meets_a_concurrent_write_is_retried_on_the_new_state(
    governance_app, clock, monkeypatch
):
    """The threaded test above may not race at all; here another vote is recorded for
    certain between this vote's read of the proposal and its save."""
    proposal_id, _ = voting_proposal(clock)
    voter, other = register_member(), register_member()
    checks = []

    def eligible_after_another_vote(*, member_id):
        checks.append(member_id)
        if len(checks) == 1:  # the first attempt has read the proposal: write behind it
            services.vote_cast(proposal_id=proposal_id, member_id=other, choice="no")
        return None

    monkeypatch.setattr(services, "voting_refusal", eligible_after_another_vote)
    services.vote_cast(proposal_id=proposal_id, member_id=voter, choice="yes")

    assert checks == [voter, other, voter]  # the first attempt conflicted, the second won
    votes = dict(
        Vote.objects.using("governance")
        .filter(proposal_id=proposal_id)
        .values_list("member_id", "choice")
    )
    assert votes == {voter: "yes", other: "no"}


@pytest.mark.django_db(databases=["governance"])
def test_the_database_holds_one_vote_row_per_member(governance_app, clock):
    from django.db import IntegrityError, transaction

    proposal_id, _ = voting_proposal(clock)
    votes_before = REGISTRY.get_sample_value("governance_votes_cast_total")
    services.vote_cast(proposal_id=proposal_id, member_id=(m := register_member()), choice="yes")
    assert REGISTRY.get_sample_value("governance_votes_cast_total") == votes_before + 1
    with pytest.raises(IntegrityError), transaction.atomic(using="governance"):
        Vote.objects.using("governance").create(
            proposal_id=proposal_id, member_id=m, choice="no", cast_at=clock.now
        )


def snapshot():
    return (
        sorted(Proposal.objects.using("governance").values_list(
            "id", "status", "outcome", "counts", "voters", "voting_deadline", "updated_at"
        )),
        sorted(Vote.objects.using("governance").values_list(
            "proposal_id", "member_id", "choice", "casts"
        )),
        sorted(Comment.objects.using("governance").values_list("proposal_id", "body", "posted_at")),
    )  # fmt: skip


@pytest.mark.django_db(databases=["governance"], transaction=True)
def test_read_models_rebuild_from_the_events_to_the_same_state(governance_app, clock):
    proposal_id, deadline = voting_proposal(clock, quorum=2)
    services.proposal_comment(proposal_id=proposal_id, member_id=register_member(), body="Hi")
    for choice in ("yes", "no", "yes"):
        services.vote_cast(proposal_id=proposal_id, member_id=register_member(), choice=choice)
    clock.now = deadline
    services.proposal_close(proposal_id=proposal_id)
    voting_proposal(clock)  # another, still open
    before, head = snapshot(), tree_head()

    progress = projection_rebuild(projection_class=ProposalsProjection)

    assert progress.applied == governance_app.recorder.max_notification_id()
    assert snapshot() == before
    # The register is recomputed from the same events by verification: same heads.
    assert register_verify() == [] and tree_head() == head


@pytest.mark.django_db(databases=["governance"])
def test_proposals_past_their_deadline_are_closed_by_the_scheduled_command(governance_app, clock):
    import io

    from django.core.management import call_command

    due, deadline = voting_proposal(clock)
    clock.now += timedelta(hours=1)
    open_one, _ = voting_proposal(clock)
    services.vote_cast(proposal_id=due, member_id=register_member(), choice="yes")
    clock.now = deadline  # open_one's deadline is a little later: still open
    out = io.StringIO()
    call_command("governance_close_due", stdout=out)
    assert "1 proposals closed" in out.getvalue()
    statuses = dict(Proposal.objects.using("governance").values_list("id", "status"))
    assert (statuses[due], statuses[open_one]) == ("decided", "voting")
