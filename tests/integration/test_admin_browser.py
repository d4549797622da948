"""The admin in a real headless browser (chromium, as the dashboard test): grant a
role, change a degradation flag, change a route with a reason — then see each change
on its History page. Runs on the suite's PostgreSQL (the embedded SQLite run's role
grant is helper h17's fix)."""

from __future__ import annotations

import shutil

import pytest

from domains.identity.models import User
from gateway.models import GatewayState, Route
from tests.gateway.test_dashboard_browser import browser  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.django_db(databases="__all__", transaction=True),
    pytest.mark.skipif(
        not shutil.which("chromedriver"),
        reason="chromium-driver missing: run scripts/install-validators.sh",
    ),
]


def _signed_in(browser, live_server, client) -> None:  # noqa: F811
    admin = User.objects.create_superuser("root@example.com", "a-long-admin-password")
    client.force_login(admin)
    browser.get(f"{live_server.url}/admin/login/")
    browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value,
                        "path": "/"})  # fmt: skip


def _save(browser) -> None:  # noqa: F811
    """Save the form and wait for the admin's redirect to the list (with its message)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    form_url = browser.current_url
    browser.find_element(By.NAME, "_save").click()
    WebDriverWait(browser, 30).until(ec.url_changes(form_url))
    assert "errornote" not in browser.page_source, browser.page_source[-3000:]


def test_grant_flag_and_route_changes_each_show_in_history(browser, live_server, client):  # noqa: F811
    from selenium.webdriver.common.by import By

    _signed_in(browser, live_server, client)
    member = User.objects.create_user("ana@example.com", "a-long-pass-phrase-1")
    GatewayState.objects.get_or_create(pk=1)
    route = Route.objects.create(
        method="GET", path_pattern="/api/spaces/{id}", legacy_target="/api/spaces/{id}",
        new_target="/api/v1/marketplace/spaces/{id}", translator="spaces.detail",
    )  # fmt: skip

    # A role, granted in Identity → Users.
    browser.get(f"{live_server.url}/admin/identity/user/{member.pk}/change/")
    browser.find_element(By.CSS_SELECTOR, "input[name='granted_roles'][value='mentor']").click()
    _save(browser)
    assert set(member.role_assignments.values_list("role_id", flat=True)) == {"mentor"}
    browser.get(f"{live_server.url}/admin/identity/user/{member.pk}/history/")
    assert "Changed granted_roles" in browser.find_element(By.ID, "change-history").text

    # A degradation flag, in Gateway → Gateway states.
    browser.get(f"{live_server.url}/admin/gateway/gatewaystate/1/change/")
    browser.find_element(By.NAME, "degraded_search_ranking").click()
    browser.find_element(By.NAME, "reason").send_keys("load spike at 9:00")
    _save(browser)
    assert GatewayState.objects.get(pk=1).degraded["search_ranking"] is True
    browser.get(f"{live_server.url}/admin/gateway/gatewaystate/1/history/")
    history = browser.find_element(By.ID, "change-history").text
    assert "load spike at 9:00" in history and "root@example.com" in history

    # A route, with a reason, in Gateway → Routes.
    browser.get(f"{live_server.url}/admin/gateway/route/{route.pk}/change/")
    browser.find_element(By.NAME, "cohort_header").send_keys("X-Canary: yes")
    browser.find_element(By.NAME, "reason").send_keys("testers first")
    _save(browser)
    route.refresh_from_db()
    assert route.cohort_header == "X-Canary: yes"
    browser.get(f"{live_server.url}/admin/gateway/route/{route.pk}/history/")
    history = browser.find_element(By.ID, "change-history").text
    assert "testers first" in history and "cohort_header" in history
