"""The links in identity's mails open working pages, in a real headless browser.

A member signs up (verification mail) and asks for a reset (reset mail); the link each
mail holds is opened in headless chromium as it is, the member confirms or types a new
password, and the account changes accordingly. Also: a tampered link says so, a GET
alone (a mail scanner's preview) verifies nothing.
"""

from __future__ import annotations

import re
import shutil

import pytest
from django.core import mail

from domains.identity.models import User
from domains.identity.services.accounts import password_reset_request, user_signup
from tests.gateway.test_dashboard_browser import browser  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.django_db(databases="__all__", transaction=True),
    pytest.mark.skipif(
        not shutil.which("chromedriver"),
        reason="chromium-driver missing: run scripts/install-validators.sh",
    ),
]


def _result(browser, expected: str) -> str:  # noqa: F811
    """The page's ``#result`` once it says ``expected`` (the form's POST is a navigation
    the click does not wait for)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.ID, "result"), expected))
    return browser.find_element(By.ID, "result").text


def _link(message) -> str:
    return re.search(r"(http://\S+)", message.body).group(1)


def test_the_verification_link_confirms_the_address(browser, live_server, settings):  # noqa: F811
    from selenium.webdriver.common.by import By

    settings.IDENTITY_FRONTEND_URL = live_server.url
    user = user_signup(email="new@example.com", password="a-long-pass-phrase-42",
                       display_name="New", locale=None)  # fmt: skip
    link = _link(mail.outbox[-1])
    assert link.startswith(f"{live_server.url}/verify-email?token=")

    browser.get(link)
    user.refresh_from_db()
    assert user.email_verified_at is None  # opening the link alone changes nothing
    browser.find_element(By.ID, "confirm").click()
    assert "Confirmed" in _result(browser, "Confirmed")
    user.refresh_from_db()
    assert user.email_verified_at is not None

    browser.get(link.replace("token=", "token=x"))
    browser.find_element(By.ID, "confirm").click()
    assert "invalid or expired" in _result(browser, "invalid or expired")


def test_the_reset_link_sets_a_new_password(browser, live_server, settings):  # noqa: F811
    from selenium.webdriver.common.by import By

    settings.IDENTITY_FRONTEND_URL = live_server.url
    user = User.objects.create_user("legacy@example.com", None)  # a legacy import: no password
    password_reset_request(email="legacy@example.com")
    link = _link(mail.outbox[-1])
    assert link.startswith(f"{live_server.url}/reset-password?uid=")

    browser.get(link)
    browser.find_element(By.NAME, "new_password").send_keys("short")
    browser.find_element(By.NAME, "repeat").send_keys("short")
    browser.find_element(By.ID, "save").click()
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    errors = WebDriverWait(browser, 30).until(
        ec.presence_of_element_located((By.ID, "password-errors"))
    )
    assert errors.text  # the password rules apply
    browser.find_element(By.NAME, "new_password").send_keys("a-brand-new-pass-phrase-7")
    browser.find_element(By.NAME, "repeat").send_keys("a-brand-new-pass-phrase-7")
    browser.find_element(By.ID, "save").click()
    assert "Done" in _result(browser, "Done")
    user.refresh_from_db()
    assert user.check_password("a-brand-new-pass-phrase-7")

    browser.get(link)  # the token is spent once the password changed
    browser.find_element(By.NAME, "new_password").send_keys("another-pass-phrase-99")
    browser.find_element(By.NAME, "repeat").send_keys("another-pass-phrase-99")
    browser.find_element(By.ID, "save").click()
    assert "invalid or expired" in _result(browser, "invalid or expired")
