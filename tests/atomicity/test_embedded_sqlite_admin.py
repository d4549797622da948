"""On the embedded default (SQLite files, ``make run``), granting a role from the admin
answers at once. The admin wraps the user's save in ``transaction.atomic(using=
"identity")``; the event store had a connection of its own, which waited 20 s for the
admin's write lock and failed with "database is locked" (a 500). It now appends on the
admin's own connection.

Run in a child process: settings are read once per process, and this one runs on
PostgreSQL.
"""

import json

from tests.processes import clean_environment, run_django

SCRIPT = """
import json, time
from types import SimpleNamespace
from django.contrib import admin
from django.core.management import call_command
from django.db import router, transaction
from django.test import RequestFactory
from domains.identity.models import Role, RoleAssignment, User
from domains.identity.selectors import role_history

call_command("migrate", database="identity", verbosity=0)
root = User.objects.create_superuser("root@example.org", "pw-0123456789")
dana = User.objects.create_user("dana@example.org", None)
request = RequestFactory().post("/admin/")
request.user = root
model_admin = admin.site._registry[User]
form = SimpleNamespace(instance=dana, save_m2m=lambda: None, cleaned_data={
    "granted_roles": list(Role.objects.filter(name__in=["mentor", "moderator"]))})
began = time.monotonic()
error = None
try:
    # As ModelAdmin.changeform_view does: the user's save and its roles, one transaction.
    with transaction.atomic(using=router.db_for_write(User)):
        dana.display_name = "Dana"
        dana.save()
        model_admin.save_related(request, form, [], True)
except Exception as exc:
    error = repr(exc)
print(json.dumps({
    "error": error, "seconds": time.monotonic() - began,
    "roles": sorted(RoleAssignment.objects.filter(user=dana).values_list("role_id", flat=True)),
    "history": [h["role"] for h in role_history(user=dana)],
}))
"""


def test_granting_roles_in_the_admin_on_sqlite_neither_waits_nor_fails(tmp_path):
    env = clean_environment(SERVICE="identity", DATA_DIR=str(tmp_path))
    result = run_django(SCRIPT, env, timeout=180)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # Before: OperationalError('database is locked') after the 20 s busy timeout.
    assert outcome["error"] is None, outcome
    assert outcome["roles"] == ["mentor", "moderator"]
    assert outcome["history"] == ["mentor", "moderator"]
