"""axe finds no accessibility violations on the people, party and consent pages, English and Welsh.

The add-a-person pages are reached the way a practitioner reaches them, by filling in and
submitting each step in the browser (no JavaScript is needed for any step).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible
from tests.builders import CaseWorld

pytestmark = pytest.mark.browser


def build_case(organisation):
    """A case with Sharon (harmed, consented), Dean (responsible) and Sharon's mother."""
    from mend.cases import actions
    from mend.cases import choices as c
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    world = CaseWorld(organisation, make_member)
    manager = world.manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    case = world.open_case(
        lead=manager,
        sharon={
            "date_of_birth": date(1980, 2, 14),
            "postcode": "CF10 1AA",
            "contact": {"phone": "07700 900001", "email": "sharon@example.test"},
            "contact_preferences": {"methods": ["phone"], "safe_times": "After 6pm", "notes": ""},
            "safety_flags": "Ex-partner must not learn her address.",
            "preferred_language": "cy",
        },
        dean={"preferred_language": "other", "other_language": "Polish", "needs_interpreter": True},
    )
    sharon = world.sharon
    world.add_party(case, c.PartyRole.SUPPORTER, "Carol", "Jones", supports=sharon)
    consent = world.consent(sharon)
    feedback = world.consent(sharon, c.ConsentScope.FEEDBACK, c.ConsentMethod.VERBAL)
    with organisation_scope(organisation):
        actions.withdraw_consent(
            actor=manager.user, consent=feedback, method=c.ConsentMethod.WRITTEN
        )
    return manager, case, sharon, consent


@pytest.mark.parametrize("language", LANGUAGES)
def test_people_and_consent_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, use_welsh, language
):
    manager, case, sharon, consent = build_case(organisation)
    sign_in_as(manager.user, organisation)
    if language == "cy":
        use_welsh()

    def find_step(first, last, dob=""):
        page.goto(reverse("party_add", args=[case.pk]))
        page.locator("input[name=first_name]").fill(first)
        page.locator("input[name=last_name]").fill(last)
        if dob:
            page.locator("input[name=date_of_birth]").fill(dob)
        page.locator("input[name=role][value=community]").check()
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()

    def find_with_errors():
        page.goto(reverse("party_add", args=[case.pk]))
        page.locator("main form button[type=submit]").last.click()
        page.locator(".govuk-error-summary").wait_for()

    def choose_step():
        find_step("sharon", "JONES", "1980-02-14")
        page.locator("input[name=match][value=new]").wait_for()

    def choose_with_errors():
        choose_step()
        page.locator("main form button[type=submit]").last.click()
        page.locator(".govuk-error-summary").wait_for()

    def details_step():
        find_step("Alys", "Pritchard")
        page.locator("input[name=phone]").wait_for()

    def details_with_errors():
        details_step()
        page.locator("input[name=preferred_language][value=other]").check()
        page.locator("main form button[type=submit]").last.click()
        page.locator(".govuk-error-summary").wait_for()

    def withdraw_with_errors():
        page.goto(reverse("consent_withdraw", args=[consent.pk]))
        page.locator("main form button[type=submit]").last.click()
        page.locator(".govuk-error-summary").wait_for()

    pages = [
        ("people", reverse("case_parties", args=[case.pk])),
        ("add-person", reverse("party_add", args=[case.pk])),
        ("add-person-with-errors", find_with_errors),
        ("add-person-duplicates", choose_step),
        ("add-person-duplicates-with-errors", choose_with_errors),
        ("add-person-details", details_step),
        ("add-person-details-with-errors", details_with_errors),
        ("party", reverse("party_detail", args=[sharon.pk])),
        ("party-edit", reverse("party_edit", args=[sharon.pk])),
        ("consent-give", reverse("consent_give", args=[sharon.pk])),
        ("consent-withdraw", reverse("consent_withdraw", args=[consent.pk])),
        ("consent-withdraw-with-errors", withdraw_with_errors),
    ]
    assert_accessible(page, pages, language, prefix="cases-parties-")
    assert csp_reports.reports == []


def test_a_person_is_added_in_the_browser_choosing_the_existing_record(
    page, organisation, sign_in_as
):
    """The whole add, step by step in Chromium: the likely duplicate is offered and chosen."""
    from mend.cases import models as m
    from mend.core.tenancy import organisation_scope

    manager, _case, sharon, _consent = build_case(organisation)
    sign_in_as(manager.user, organisation)
    with organisation_scope(organisation):
        from mend.cases import actions
        from mend.cases import choices as c

        other = actions.create_case(
            actor=manager.user,
            organisation=organisation,
            case_type=m.CaseType.objects.get(code="community"),
            source=c.Source.INTERNAL,
        )

    page.goto(reverse("party_add", args=[other.pk]))
    page.locator("input[name=first_name]").fill("Siân")
    page.locator("input[name=last_name]").fill("jones")
    page.locator("input[name=date_of_birth]").fill("1980-02-14")
    page.locator("input[name=role][value=harmed]").check()
    page.locator("main form button[type=submit]").last.click()
    page.get_by_text("same last name, same date of birth").wait_for()
    page.locator(f"input[name=match][value='{sharon.person_id}']").check()
    page.locator("main form button[type=submit]").last.click()
    page.locator("textarea[name=accessibility_needs]").fill("Hearing loop")
    page.locator("main form button[type=submit]").last.click()
    page.get_by_text("Sharon Jones's information – private to Sharon Jones").wait_for()

    with organisation_scope(organisation):
        party = m.Party.objects.get(case=other)
    assert party.person_id == sharon.person_id
    assert party.accessibility_needs == "Hearing loop"
