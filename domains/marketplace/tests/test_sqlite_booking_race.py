"""The embedded default (SQLite) races too: concurrent holds of the same seat and range
get one booking and ``SlotTaken`` for the rest — no double booking, no "database is
locked", no other error. (PostgreSQL's path is raced in ``test_no_double_booking``;
SQLite has no exclusion constraint, so its service takes the write lock before reading.)

Run in a child process on SQLite files, because this process runs on PostgreSQL.
"""

import json

from tests.processes import clean_environment, run_django

SCRIPT = """
import json, threading
from datetime import UTC, datetime, timedelta
from uuid import uuid4
from django.core.management import call_command
from django.db import connections
from domains.marketplace.models import Booking
from domains.marketplace.services.bookings import booking_hold
from domains.marketplace.services.errors import SlotTaken
from domains.marketplace.tests.conftest import bookable_space, tomorrow_at

call_command("migrate", database="marketplace", verbosity=0)
space = bookable_space(seats=1)
start = tomorrow_at(10)
go = threading.Barrier(8, timeout=60)
outcomes = []

def hold():
    try:
        go.wait()
        booking_hold(space_id=space.pk, member_id=uuid4(), starts_at=start,
                     ends_at=start + timedelta(hours=1), now=datetime.now(UTC))
        outcomes.append("held")
    except SlotTaken:
        outcomes.append("taken")
    except Exception as exc:
        outcomes.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=hold) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"outcomes": sorted(outcomes),
                  "bookings": Booking.objects.using("marketplace").filter(space=space).count()}))
"""


def test_concurrent_holds_on_sqlite_give_one_booking_and_slot_taken_for_the_rest(tmp_path):
    env = clean_environment(SERVICE="marketplace", DATA_DIR=str(tmp_path))
    result = run_django(SCRIPT, env, timeout=240)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["outcomes"] == ["held"] + ["taken"] * 7, outcome
    assert outcome["bookings"] == 1
