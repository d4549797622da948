"""The migration dashboard in a real headless browser (Debian's chromium through
Selenium and chromium-driver, installed by scripts/install-validators.sh).

Routes in several modes, hourly traffic, a shadow mismatch; an admin opens the page and
sees routes by mode, the share on new code, the mismatch rate and the legacy-usage
report. A screenshot is saved as an artifact (``TEST_ARTIFACTS_DIR``, else the test's tmp dir).
"""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from domains.identity.models import User
from gateway.models import Route, RouteTraffic, ShadowMismatch

pytestmark = [
    pytest.mark.django_db(databases="__all__", transaction=True),
    pytest.mark.skipif(
        not shutil.which("chromedriver"),
        reason="chromium-driver missing: run scripts/install-validators.sh",
    ),
]


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def seed() -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    old = timezone.now() - timedelta(days=30)
    spaces = Route.objects.create(
        method="GET",
        path_pattern="/api/spaces",
        legacy_target="/api/spaces",
        new_target="/api/v1/marketplace/spaces",
        mode="canary",
        canary_percent=25,
        last_legacy_at=timezone.now(),
    )
    proposals = Route.objects.create(
        method="GET",
        path_pattern="/api/proposals",
        legacy_target="/api/proposals",
        mode="new",
        new_target="/api/v1/governance/proposals",
        last_legacy_at=old,
    )
    Route.objects.create(
        method="GET", path_pattern="/api/users/{id}", legacy_target="/api/users/{id}"
    )
    for route, target, n in [
        (spaces, "legacy", 75),
        (spaces, "new", 25),
        (proposals, "new", 100),
        (spaces, "shadow-match", 9),
        (spaces, "shadow-mismatch", 1),
    ]:
        RouteTraffic.objects.create(route=route, hour=now, target=target, count=n)
    ShadowMismatch.objects.create(
        route=spaces,
        path="/api/spaces",
        legacy_status=200,
        new_status=200,
        diff='--- legacy\n+++ new\n-  "seats": 12\n+  "seats": 10',
    )


def test_the_dashboard_shows_migration_progress(browser, live_server, client, tmp_path):
    from selenium.webdriver.common.by import By

    seed()
    admin = User.objects.create_superuser("root@example.com", "a-long-admin-password")
    client.force_login(admin)
    browser.get(f"{live_server.url}/admin/login/")
    browser.add_cookie(
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"}
    )
    browser.get(f"{live_server.url}/admin/gateway/route/dashboard/?days=14")

    page = browser.find_element(By.ID, "gateway-dashboard")
    by_mode = browser.find_element(By.ID, "routes-by-mode").text
    assert "canary 1" in by_mode and "new 1" in by_mode and "legacy 1" in by_mode
    share = browser.find_element(By.ID, "new-share").text
    assert "62.5 % of 200" in share  # 125 of 200 requests this hour on new code
    figures = browser.find_element(By.ID, "route-figures").text
    assert "10.0 % of 10" in figures
    unused = browser.find_element(By.ID, "legacy-unused").text
    assert "GET /api/proposals" in unused and "GET /api/spaces" not in unused
    assert '"seats": 10' in browser.find_element(By.ID, "mismatches").text
    bar = browser.find_element(By.CSS_SELECTOR, "#new-share .gw-bar span")
    assert bar.size["width"] > 0

    # CI uploads TEST_ARTIFACTS_DIR (.github/workflows/platform.yml); locally, tmp_path.
    artifacts = Path(os.environ.get("TEST_ARTIFACTS_DIR") or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    screenshot = artifacts / "gateway-dashboard.png"
    assert page.screenshot(str(screenshot)) or browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000
