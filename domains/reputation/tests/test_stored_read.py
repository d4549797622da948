"""The current reputation read serves the stored aggregate while it holds, and the
same figures as computing from every rating; once a rating ages out (or arrives
unfollowed) it computes instead."""

import json
from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domains.reputation.domain.ratings import RATING_LIFETIME
from domains.reputation.models import Rating
from domains.reputation.selectors import reputation_compute, reputation_current
from domains.reputation.services import rating_give
from domains.reputation.tests.conftest import client_with
from tests.processes import clean_environment, run_django

pytestmark = pytest.mark.django_db(databases=["reputation"])


def _figures(reputation) -> tuple:
    return (
        reputation.score, reputation.raw_total, reputation.ratings_counted,
        reputation.ratings_discounted,
    )  # fmt: skip


def test_the_stored_aggregate_answers_with_the_computed_figures(ledger_app):
    ratee, rater = uuid4(), uuid4()
    # Yesterday noon and the hours before it: one day, whatever time the test runs at
    # (hours back from now crossed midnight when it ran just after it).
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    for n, score in enumerate([5, 4, 5, 2, 5]):  # the fourth of one rater a day is capped
        rating_give(rater_id=rater, ratee_id=ratee, context_type="session",
                    context_id=str(n), score=score, given_at=noon - timedelta(hours=n))  # fmt: skip
    later = timezone.now()
    with CaptureQueriesContext(connections["reputation"]) as queries:
        current = reputation_current(member_id=ratee, now=later)
    assert current.stored
    assert len(queries.captured_queries) == 1  # the aggregate with its two EXISTS
    assert _figures(current) == _figures(reputation_compute(member_id=ratee, now=later))
    assert current.ratings_discounted == 2  # the daily cap on the fourth and fifth

    body = client_with("rating.read").get(f"/api/v1/reputation/members/{ratee}/reputation").json()
    assert (body["score"], body["raw_total"], body["ratings_counted"]) == _figures(current)[:3]


def test_a_rating_ageing_out_or_not_followed_yet_is_computed(ledger_app):
    ratee, now = uuid4(), timezone.now()
    oldest = now - RATING_LIFETIME + timedelta(minutes=5)
    rating_give(rater_id=uuid4(), ratee_id=ratee, context_type="s", context_id="old", score=5,
                given_at=oldest)  # fmt: skip
    rating_give(rater_id=uuid4(), ratee_id=ratee, context_type="s", context_id="new", score=4)
    assert reputation_current(member_id=ratee, now=timezone.now()).stored

    aged = now + timedelta(minutes=10)  # the first rating no longer counts
    current = reputation_current(member_id=ratee, now=aged)
    assert not current.stored
    assert _figures(current) == _figures(reputation_compute(member_id=ratee, now=aged))
    assert current.ratings_counted == 1

    # A rating in the read model that the write path has not followed yet.
    Rating.objects.create(rater_id=uuid4(), ratee_id=ratee, context_type="s", context_id="x",
                          score=5, given_at=timezone.now())  # fmt: skip
    fresh = reputation_current(member_id=ratee, now=timezone.now())
    assert not fresh.stored and fresh.ratings_counted == 3


EMBEDDED = """
import json, uuid
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
from domains.reputation.domain.ratings import RATING_LIFETIME
from domains.reputation.selectors import reputation_compute, reputation_current
from domains.reputation.services import rating_give

call_command("migrate", database="reputation", verbosity=0)
ratee, now = uuid.uuid4(), timezone.now()
rating_give(rater_id=uuid.uuid4(), ratee_id=ratee, context_type="s", context_id="old", score=5,
            given_at=now - RATING_LIFETIME + timedelta(minutes=5))
rating_give(rater_id=uuid.uuid4(), ratee_id=ratee, context_type="s", context_id="new", score=4)
held = reputation_current(member_id=ratee, now=timezone.now())
aged = reputation_current(member_id=ratee, now=now + timedelta(minutes=10))
computed = reputation_compute(member_id=ratee, now=now + timedelta(minutes=10))
print(json.dumps({"held": held.stored, "held_counted": held.ratings_counted,
                  "aged": aged.stored, "aged_counted": aged.ratings_counted,
                  "computed_counted": computed.ratings_counted}))
"""


def test_the_stored_read_holds_and_lapses_alike_on_the_embedded_sqlite(tmp_path):
    """The one query reads timestamps back as text on SQLite: the same answers there."""
    env = clean_environment(SERVICE="reputation", DATA_DIR=str(tmp_path))
    result = run_django(EMBEDDED, env, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "held": True, "held_counted": 2, "aged": False, "aged_counted": 1, "computed_counted": 1,
    }  # fmt: skip
