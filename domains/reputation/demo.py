"""Demo ratings for ``make run``: mentoring and space sessions between demo members."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from common.demo_ids import demo_member_id
from domains.reputation.models import Rating

RATINGS = [
    ("ana@example.com", "bruno@example.com", "mentoring", "demo-mentoring-1", 5, 2),
    ("bruno@example.com", "ana@example.com", "mentoring", "demo-mentoring-1", 4, 2),
    ("ana@example.com", "chidi@example.com", "space", "demo-space-visit-1", 4, 10),
    ("bruno@example.com", "chidi@example.com", "space", "demo-space-visit-2", 5, 45),
]


def load(stdout) -> None:
    now = timezone.now()
    with transaction.atomic(using="reputation"):
        for rater, ratee, context_type, context_id, score, days_ago in RATINGS:
            Rating.objects.get_or_create(
                rater_id=demo_member_id(rater),
                ratee_id=demo_member_id(ratee),
                context_type=context_type,
                context_id=context_id,
                defaults={"score": score, "given_at": now - timedelta(days=days_ago)},
            )
    stdout.write(f"reputation: {len(RATINGS)} ratings (one older than 30 days, so not counted)")
