"""Ten wrong passwords lock an account from that address, and the person is told so clearly."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.browser.support import screenshot

pytestmark = pytest.mark.browser

LOCKED_HEADING = "Sign-in is locked for this account from this device"


def test_eleventh_sign_in_after_ten_wrong_passwords_shows_the_locked_out_page(
    page, csp_reports, transactional_db
):
    from mend.core.roles import Role
    from mend.core.tests_support import PASSWORD, make_member, make_organisation

    organisation = make_organisation("Cwm Restorative Approaches", "cwm")
    email = make_member(organisation, Role.PRACTITIONER).user.email

    def attempt(password: str):
        page.goto(reverse("account_login"))
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation() as navigation:
            page.locator("input[name=password]").press("Enter")
        return navigation.value

    for number in range(9):
        response = attempt(f"wrong password {number}")
        assert response.status == 200, f"attempt {number + 1} should only be refused"
        assert page.locator(".govuk-error-summary").is_visible()
    attempt("wrong password 10")

    response = attempt(PASSWORD)  # even the right password is refused now

    assert response.status == 429
    assert page.locator("h1").inner_text() == LOCKED_HEADING
    assert page.get_by_role("link", name=re.compile("Reset your password")).is_visible()
    assert page.url.endswith(reverse("account_login"))
    screenshot(page, "en-locked-out-after-ten-failures")
    assert csp_reports.reports == []
