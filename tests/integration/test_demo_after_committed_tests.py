"""A test that commits leaves no event-store rows behind for the next one.

Django's flush after a committed (transactional) test empties the models' tables, not
the event stores'. The demo's members have fixed ids, so a later ``load_demo`` found
Bruno's "mentor" grant in the role audit with no assignment row, and refused it
(``RoleChangeRefused``); the loader used to swallow that. The harness (root
``conftest.py``) now empties the stores after such a test. The two tests run in file
order on one worker (``--dist loadfile``).
"""

import io

import pytest

from common.demo_ids import demo_member_id
from domains.identity import demo
from domains.identity.audit import IdentityAudit
from domains.identity.domain.roles import MemberRoles
from domains.identity.models import RoleAssignment
from eventing.eventstore import get_application

BRUNO = demo_member_id("bruno@example.com")


def _bruno_audit_events() -> list:
    app = get_application(IdentityAudit)
    return list(app.events.recorder.select_events(MemberRoles.create_id(BRUNO)))


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_committed_demo_load_records_bruno_s_grant():
    demo.load(io.StringIO())
    assert RoleAssignment.objects.filter(user_id=BRUNO, role_id="mentor").exists()
    assert _bruno_audit_events()  # committed: Django's flush will not remove it


@pytest.mark.django_db(databases="__all__")
def test_the_next_test_starts_with_empty_event_stores_and_the_demo_loads_again():
    assert _bruno_audit_events() == []
    demo.load(io.StringIO())  # would raise RoleChangeRefused with the stale audit
    assert RoleAssignment.objects.filter(user_id=BRUNO, role_id="mentor").exists()
    demo.load(io.StringIO())  # and again: idempotent by its own checks
    assert RoleAssignment.objects.filter(user_id=BRUNO, role_id="mentor").count() == 1
