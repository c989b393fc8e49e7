"""The search: typed into the header's box and sent by keyboard; its results, a refused date and
a referrer's search have no accessibility violations, in English and in Welsh."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, use_welsh, language
):
    from mend.cases import choices as c
    from mend.core.roles import Role
    from mend.core.tests_support import make_member
    from tests.builders import add_party, new_case

    admin = make_member(organisation, Role.ADMINISTRATOR, full_name="Julia Evans")
    case = new_case(organisation, admin.user)
    add_party(
        admin.user,
        case,
        c.PartyRole.HARMED,
        "Ryan",
        "Lloyd",
        date_of_birth=date(1990, 3, 12),
        postcode="CF10 1AA",
    )
    add_party(admin.user, case, c.PartyRole.RESPONSIBLE, "Rhian", "Lloyd")
    sign_in_as(admin.user, organisation)
    if language == "cy":
        use_welsh()

    def from_the_header_by_keyboard():
        page.goto(reverse("home"))
        page.locator("#header-search").focus()
        page.keyboard.type("Rian Loyd")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        page.locator("main table a", has_text="Ryan Lloyd").wait_for()

    assert_accessible(
        page,
        [
            ("search-results", from_the_header_by_keyboard),
            ("search-empty", reverse("case_search")),
            ("search-reference", reverse("case_search") + f"?q={case.reference}"),
            ("search-bad-date", reverse("case_search") + "?q=Ryan+31/02/1990"),
            ("search-nothing", reverse("case_search") + "?q=Zebedee"),
        ],
        language,
    )
    assert csp_reports.reports == []
