"""A demo practitioner signs in with password and authenticator app, using only the keyboard."""

from __future__ import annotations

import pyotp
import pytest
from django.urls import reverse

from tests.browser.support import screenshot

pytestmark = pytest.mark.browser


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_skip_link_is_the_first_thing_the_keyboard_reaches(page, transactional_db):
    page.goto(reverse("account_login"))

    page.keyboard.press("Tab")

    assert focused_text(page) == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")


def test_demo_practitioner_signs_in_with_password_and_authenticator_code(
    page, csp_reports, transactional_db
):
    from mend.core import demo

    demo.seed()
    email = "practitioner@demo.mend.test"
    page.goto(reverse("account_login"))
    screenshot(page, "en-sign-in-journey-1-password")

    page.locator("input[name=login]").focus()
    page.keyboard.type(email)
    page.locator("input[name=password]").focus()
    page.keyboard.type(demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(reverse("mfa_authenticate"))
    screenshot(page, "en-sign-in-journey-2-authenticator-code")
    page.locator("input[name=code]").focus()
    page.keyboard.type(pyotp.TOTP(demo.totp_secret_for(email)).now())
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(reverse("home"))
    assert page.locator("h1").inner_text().startswith("Welcome")
    assert page.locator(".mend-header__org").inner_text() == demo.ORGANISATION[0]
    screenshot(page, "en-sign-in-journey-3-home")
    assert csp_reports.reports == []
