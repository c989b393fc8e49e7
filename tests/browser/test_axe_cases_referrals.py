"""axe finds no accessibility violations on the referral pages (public self-referral, staff entry,
referrals waiting, accept or decline, partner referrers' pages), in English and in Welsh; and a
person can refer themselves in the browser and is given a reference."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def organisation(transactional_db, settings, tmp_path):
    from mend.core.tests_support import make_organisation

    settings.MEDIA_ROOT = tmp_path / "media"
    return make_organisation("Cwm Restorative Approaches", "cwm")


def _referral(organisation, referrer):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from mend.cases import actions
    from mend.cases import choices as c
    from mend.cases import models as m
    from mend.core.tenancy import organisation_scope

    with organisation_scope(organisation):
        return actions.submit_partner_referral(
            actor=referrer,
            organisation=organisation,
            case_type=m.CaseType.objects.get(code="criminal-justice"),
            referring_agency="Probation Service, Cardiff",
            summary="A shed was broken into and tools were taken.",
            justice_stage=c.JusticeStage.PRE_CHARGE,
            reported_on=timezone.localdate() - timezone.timedelta(days=3),
            sharing_basis=c.SharingBasis.AGREEMENT,
            handover_file=SimpleUploadedFile(
                "risk.pdf", b"%PDF-1.4", content_type="application/pdf"
            ),
            handover_level=c.RiskLevel.MEDIUM,
            people={
                c.PartyRole.HARMED: {"first_name": "Sharon", "phone": "07700 900001"},
                c.PartyRole.RESPONSIBLE: {"first_name": "Dean", "last_name": "Walsh"},
            },
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_referral_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, use_welsh, language
):
    if language == "cy":
        use_welsh()
    form = reverse("self_referral", args=[organisation.slug])

    def with_errors():
        page.goto(form)
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    def sent():
        page.goto(form)
        page.locator("#id_first_name").fill("Sharon")
        page.locator("#id_phone").fill("07700 900001")
        page.locator("#id_safe_times").fill("Weekdays after 6pm")
        page.locator("#id_role_0").check()
        page.locator("#id_case_type_0").check()
        page.locator("#id_summary").fill("Someone broke my shop window.")
        page.wait_for_timeout(3200)  # a person takes longer than the spam check's 3 seconds
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-panel--confirmation").wait_for()

    assert_accessible(
        page,
        [
            ("self-referral", form),
            ("self-referral-with-errors", with_errors),
            ("self-referral-sent", sent),
        ],
        language,
    )
    assert csp_reports.reports == []
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("CWM-")


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_referral_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, use_welsh, language
):
    from mend.core.roles import Role
    from mend.core.tests_support import make_member

    manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    referrer = make_member(organisation, Role.PARTNER_REFERRER, full_name="Rhian Probert")
    case = _referral(organisation, referrer.user)
    sign_in_as(manager.user, organisation)
    if language == "cy":
        use_welsh()

    def new_with_errors():
        page.goto(reverse("referral_new"))
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    def decline_without_reason():
        page.goto(reverse("referral_decide", args=[case.pk]))
        page.locator("main form button.govuk-button--warning").click()
        page.locator(".govuk-error-summary").wait_for()

    assert_accessible(
        page,
        [
            ("referral-new", reverse("referral_new")),
            ("referral-new-with-errors", new_with_errors),
            ("referrals-waiting", reverse("referral_queue")),
            ("referral-decide", reverse("referral_decide", args=[case.pk])),
            ("referral-decline-without-reason", decline_without_reason),
        ],
        language,
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_partner_referrer_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, use_welsh, language
):
    from mend.cases import actions
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    referrer = make_member(organisation, Role.PARTNER_REFERRER, full_name="Rhian Probert")
    declined = _referral(organisation, referrer.user)
    _referral(organisation, referrer.user)
    with organisation_scope(organisation):
        actions.transition(
            actor=manager.user, case=declined, name="decline", reason="Outside our area"
        )
    sign_in_as(referrer.user, organisation)
    if language == "cy":
        use_welsh()

    def submit_with_errors():
        page.goto(reverse("referral_submit"))
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    assert_accessible(
        page,
        [
            ("referral-submit", reverse("referral_submit")),
            ("referral-submit-with-errors", submit_with_errors),
            ("referrals-mine", reverse("referral_mine")),
            ("referral-status-declined", reverse("referral_status", args=[declined.pk])),
        ],
        language,
    )
    assert csp_reports.reports == []
