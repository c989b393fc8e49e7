"""A person can switch the service to Welsh with the language switcher on the sign-in page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import screenshot

pytestmark = pytest.mark.browser


def test_choosing_cymraeg_shows_the_sign_in_page_in_welsh(page, csp_reports, transactional_db):
    page.goto(reverse("account_login"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in to Mend"

    page.get_by_label("Language").select_option(label="Cymraeg")
    with page.expect_navigation():
        page.get_by_role("button", name="Change language").click()

    assert page.url.endswith(reverse("account_login"))
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("h1").inner_text() == "Mewngofnodi i Mend"
    assert page.get_by_role("button", name="Newid iaith").is_visible()
    assert page.get_by_label("Iaith").input_value() == "cy"
    screenshot(page, "cy-sign-in-after-switching")
    assert csp_reports.reports == []
