"""axe finds no accessibility violations on the casework pages (case list, overview, transition
with a refusal, allocation, caseload, Victims' Code dashboard), in English and in Welsh."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
def test_casework_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, use_welsh, language
):
    from django.utils import timezone

    from mend.cases import actions
    from mend.cases import choices as c
    from mend.cases import models as m
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    admin = make_member(organisation, Role.ADMINISTRATOR, full_name="Julia Evans")
    lead = make_member(organisation, Role.PRACTITIONER, full_name="Sam Hughes")
    make_member(organisation, Role.EXTERNAL_COWORKER, full_name="Evan Probation")
    with organisation_scope(organisation):
        case = actions.create_case(
            actor=admin.user,
            organisation=organisation,
            case_type=m.CaseType.objects.get(code="criminal-justice"),
            source=c.Source.AGENCY,
            referring_agency="Dyfed-Powys Police",
            summary="A shed was broken into and tools were taken.",
            justice_stage=c.JusticeStage.PRE_CHARGE,
            reported_on=timezone.localdate() - timezone.timedelta(days=10),
            complexity_factors=list(m.ComplexityFactor.objects.filter(code="hate-crime")),
        )
        case = actions.transition(actor=admin.user, case=case, name="accept")
        actions.allocate(actor=admin.user, case=case, membership=lead, role=c.AllocationRole.LEAD)
        m.Task.objects.filter(case=case).update(assignee=admin)
    sign_in_as(admin.user, organisation)
    if language == "cy":
        use_welsh()

    def refused_transition():
        page.goto(reverse("case_transition", args=[case.pk, "close"]))
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    assert_accessible(
        page,
        [
            ("case-list", reverse("case_list")),
            ("case-overview", reverse("case_detail", args=[case.pk])),
            ("transition", reverse("case_transition", args=[case.pk, "start_assessment"])),
            ("transition-refused", refused_transition),
            ("allocate", reverse("case_allocate", args=[case.pk])),
            ("caseload", reverse("caseload")),
            ("casework-dashboard", reverse("casework_dashboard")),
            ("home-with-casework", reverse("home")),
        ],
        language,
    )
    assert csp_reports.reports == []
