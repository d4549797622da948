"""The admin's sign-in had no lock-out (issue 15, High 3): 20 wrong passwords at
``/admin/login/`` were answered 200 and the right one then signed in, while the API
login for the same account answered 429. Now both share the per-account lock-out and
the per-address limit."""

import pytest
from django.test import Client

from tests.security.conftest import member

pytestmark = pytest.mark.django_db(databases=["default", "identity"])

PASSWORD = "the-right-password-123"
LOGIN = "/api/v1/identity/auth/login"


def admin_login(client: Client, email: str, password: str, ip: str):
    client.get("/admin/login/", REMOTE_ADDR=ip)  # the CSRF cookie, as a browser has it
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password,
         "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        REMOTE_ADDR=ip,
    )  # fmt: skip


def api_login(email: str, password: str, ip: str):
    return Client().post(
        LOGIN, {"email": email, "password": password},
        content_type="application/json", REMOTE_ADDR=ip,
    )  # fmt: skip


def test_twenty_wrong_admin_passwords_then_the_right_one_is_refused(settings):
    settings.RATELIMIT_ROUTE_RATES = {"identity:login": "1000/m"}  # the lock-out alone
    staff = member("admin", password=PASSWORD, is_staff=True, is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    statuses = [
        admin_login(client, staff.email, "guess", ip=f"10.3.0.{n}").status_code for n in range(20)
    ]
    assert statuses[0] == 200  # the form again, with its error
    assert 429 in statuses
    right = admin_login(client, staff.email, PASSWORD, ip="10.4.0.1")
    assert right.status_code == 429
    assert int(right["Retry-After"]) > 60
    assert "_auth_user_id" not in client.session
    # The API login refuses the same account: one lock-out.
    assert api_login(staff.email, PASSWORD, ip="10.4.0.2").status_code == 429


def test_the_api_and_the_admin_share_the_per_account_count(settings):
    settings.LOGIN_LOCKOUT_THRESHOLD = 4
    settings.RATELIMIT_ROUTE_RATES = {"identity:login": "1000/m"}
    staff = member("admin", password=PASSWORD, is_staff=True, is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    for n in range(2):
        assert api_login(staff.email, "guess", ip=f"10.5.0.{n}").status_code == 401
    for n in range(2):
        assert admin_login(client, staff.email, "guess", ip=f"10.6.0.{n}").status_code == 200
    assert api_login(staff.email, PASSWORD, ip="10.5.0.9").status_code == 429
    assert admin_login(client, staff.email, PASSWORD, ip="10.6.0.9").status_code == 429


def test_the_api_and_the_admin_share_the_per_address_limit(settings):
    settings.RATELIMIT_ROUTE_RATES = {"identity:login": "3/m"}
    client = Client(enforce_csrf_checks=True)
    ip = "10.7.0.1"
    assert api_login("nobody@example.org", "x", ip=ip).status_code == 401
    assert admin_login(client, "nobody@example.org", "x", ip=ip).status_code == 200
    assert api_login("nobody@example.org", "x", ip=ip).status_code == 401
    assert admin_login(client, "nobody@example.org", "x", ip=ip).status_code == 429
    assert api_login("nobody@example.org", "x", ip=ip).status_code == 429
    assert admin_login(client, "nobody@example.org", "x", ip="10.7.0.2").status_code == 200


def test_the_right_password_still_signs_in(settings):
    staff = member("admin", password=PASSWORD, is_staff=True, is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    response = admin_login(client, staff.email, PASSWORD, ip="10.8.0.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.id)
