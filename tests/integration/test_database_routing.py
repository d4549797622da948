"""One database per domain: a row written through each domain lands in its own
database and no other, checked with raw SQL on every connection."""

import pytest
from django.db import connections
from django.utils import timezone

from common.demo_ids import demo_member_id
from domains.governance.models import Proposal
from domains.identity.models import User
from domains.learning.models import Activity
from domains.marketplace.models import Space
from domains.passport.models import Competency, CompetencyFramework
from domains.reputation.models import Rating
from gateway.models import Route

pytestmark = pytest.mark.django_db(databases="__all__")

ALICE = demo_member_id("alice@example.com")
BOB = demo_member_id("bob@example.com")

ROWS = {
    "identity": lambda: User.objects.create_user("routing@example.com", "pw-123456789"),
    "learning": lambda: Activity.objects.create(iri="https://x.example/routing"),
    "reputation": lambda: Rating.objects.create(
        rater_id=ALICE, ratee_id=BOB, context_type="session", context_id="r1", score=4
    ),
    "passport": lambda: CompetencyFramework.objects.create(name="Routing", version="1"),
    "governance": lambda: Proposal.objects.create(author_id=ALICE, title="Routing", summary="s"),
    "marketplace": lambda: Space.objects.create(
        owner_id=ALICE, name="Routing room", location="Here", capacity=2
    ),
    "default": lambda: Route.objects.create(method="GET", path_pattern="/r", legacy_target="/r"),
}


def _count_by_alias(table: str, pk) -> dict[str, int | None]:
    """Rows with ``pk`` in ``table`` on each alias; None where the table does not exist."""
    counts = {}
    for alias in ROWS:
        connection = connections[alias]
        if table not in connection.introspection.table_names():
            counts[alias] = None
            continue
        quoted = connection.ops.quote_name(table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {quoted} WHERE id = %s", [pk])  # noqa: S608
            counts[alias] = cursor.fetchone()[0]
    return counts


@pytest.mark.parametrize("alias", list(ROWS))
def test_a_row_lands_in_its_domain_database_only(alias):
    row = ROWS[alias]()
    counts = _count_by_alias(row._meta.db_table, row.pk.hex if _is_sqlite(alias) else row.pk)
    assert counts[alias] == 1
    assert all(count is None for other, count in counts.items() if other != alias), counts


def _is_sqlite(alias: str) -> bool:
    return connections[alias].vendor == "sqlite"


def test_djangos_own_tables_live_with_the_users():
    identity_tables = set(connections["identity"].introspection.table_names())
    assert {
        "django_session",
        "django_admin_log",
        "django_content_type",
        "auth_group",
    } <= identity_tables
    for alias in ("default", "learning", "marketplace"):
        assert "django_session" not in connections[alias].introspection.table_names()


def test_a_relation_across_databases_is_refused():
    framework = CompetencyFramework.objects.create(name="Cross", version="1")
    # A framework row read from the wrong database cannot become a competency's parent.
    framework._state.db = "learning"
    competency = Competency(code="C1", name="c")
    competency._state.db = "passport"
    with pytest.raises(ValueError, match="router prevents this relation"):
        competency.framework = framework


def test_relations_within_one_database_work():
    framework = CompetencyFramework.objects.create(name="Same", version="1")
    competency = framework.competencies.create(code="C1", name="Same db")
    assert competency._state.db == "passport"
    assert list(framework.competencies.all()) == [competency]


def test_ratings_refuse_self_rating_in_the_database():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic(using="reputation"):
        Rating.objects.create(
            rater_id=ALICE, ratee_id=ALICE, context_type="s", context_id="1", score=3,
            given_at=timezone.now(),
        )  # fmt: skip
