"""axe finds no accessibility violations on the assessment and risk pages and casework settings,
in English and in Welsh; each page is screenshotted into test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def a_sensitive_case(organisation, manager):
    """A domestic-abuse case with a handover, a risk assessment, a sign-off and an assessment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mend.cases import actions
    from mend.cases import choices as c
    from mend.cases import models as m
    from mend.core.tenancy import organisation_scope

    with organisation_scope(organisation):
        case = actions.create_case(
            actor=manager,
            organisation=organisation,
            case_type=m.CaseType.objects.get(code="criminal-justice"),
            source=c.Source.AGENCY,
            referring_agency="Probation Service Wales",
            complexity_factors=[m.ComplexityFactor.objects.get(code="domestic-abuse")],
        )
        sharon = actions.add_party(
            actor=manager,
            case=case,
            role=c.PartyRole.HARMED,
            first_name="Sharon",
            last_name="Jones",
            is_under_18=True,
        )
        dean = actions.add_party(
            actor=manager,
            case=case,
            role=c.PartyRole.RESPONSIBLE,
            first_name="Dean",
            last_name="Walsh",
        )
        actions.record_risk_assessment(
            actor=manager,
            case=case,
            level=c.RiskLevel.HIGH,
            notes="Handed over by probation.",
            handover_file=SimpleUploadedFile("probation-risk.pdf", b"%PDF-1.4 risk"),
        )
        actions.record_risk_assessment(
            actor=manager,
            case=case,
            level=c.RiskLevel.MEDIUM,
            party=dean,
            notes="Dean has been drinking heavily.",
            mitigation="Meet at the office with two facilitators.",
        )
        actions.record_signoff(actor=manager, case=case, kind=c.SignOffKind.RISK)
        actions.record_assessment(
            actor=manager,
            party=sharon,
            question_set=m.QuestionSet.objects.get(code="restorative-harmed"),
            answers={"hardest": "Going out alone."},
            needs="Counselling",
        )
        actions.record_suitability(
            actor=manager,
            case=case,
            process_kind=c.ProcessKind.FACE_TO_FACE,
            decision=c.Suitability.NOT_SUITABLE,
            reason="Sharon does not want to meet.",
        )
    return case, sharon


@pytest.mark.parametrize("language", LANGUAGES)
def test_assessment_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, use_welsh, language
):
    from mend.cases import models as m
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    admin = make_member(organisation, Role.ADMINISTRATOR, full_name="Alys Evans").user
    case, sharon = a_sensitive_case(organisation, admin)
    with organisation_scope(organisation):
        case_type = m.CaseType.objects.get(code="criminal-justice")
        question_set = m.QuestionSet.objects.get(code="restorative-harmed")
        factor = m.ComplexityFactor.objects.get(code="domestic-abuse")
    sign_in_as(admin, organisation)
    if language == "cy":
        use_welsh()

    def principles_with_errors():
        page.goto(reverse("case_principles", args=[case.pk]))
        page.locator("textarea[name=restoration]").fill("Repairing the harm done.")
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    assert_accessible(
        page,
        [
            ("tab", reverse("case_assessment", args=[case.pk])),
            ("risk-form", reverse("case_risk_new", args=[case.pk])),
            ("signoff-advanced", reverse("case_signoff", args=[case.pk, "advanced"])),
            ("signoff-specialist", reverse("case_signoff", args=[case.pk, "specialist"])),
            ("party-assessment", reverse("party_assess", args=[sharon.pk])),
            ("suitability", reverse("case_suitability", args=[case.pk])),
            ("principles", reverse("case_principles", args=[case.pk])),
            ("principles-with-errors", principles_with_errors),
            ("settings-case-types", reverse("case_type_list")),
            ("settings-case-type", reverse("case_type_edit", args=[case_type.pk])),
            ("settings-question-sets", reverse("question_set_list")),
            ("settings-question-set", reverse("question_set_edit", args=[question_set.pk])),
            ("settings-factors", reverse("complexity_factor_list")),
            ("settings-factor-new", reverse("complexity_factor_create")),
            ("settings-factor", reverse("complexity_factor_edit", args=[factor.pk])),
        ],
        language,
        prefix="assessment-",
    )
    assert csp_reports.reports == []


def test_a_refused_signoff_page_has_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as
):
    from mend.cases import actions
    from mend.cases import choices as c
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    admin = make_member(organisation, Role.ADMINISTRATOR).user
    practitioner = make_member(organisation, Role.PRACTITIONER, full_name="Priya Shah")
    case, _sharon = a_sensitive_case(organisation, admin)
    with organisation_scope(organisation):
        actions.allocate(
            actor=admin, case=case, membership=practitioner, role=c.AllocationRole.LEAD
        )
    sign_in_as(practitioner.user, organisation)

    def refused():
        response = page.goto(reverse("case_signoff", args=[case.pk, "advanced"]))
        assert response.status == 403

    assert_accessible(page, [("signoff-refused", refused)], "en", prefix="assessment-")
    assert "Only an advanced practitioner" in page.locator("main").inner_text()
    assert csp_reports.reports == []
