"""axe finds no accessibility violations on the outcomes pages (the case's Outcomes tab, support,
agreements, payments, feedback, case studies) nor on the public survey and case-study pages, in
English and Welsh."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible
from tests.builders import CaseWorld

pytestmark = pytest.mark.browser


def build_case(organisation):
    """A case with support, an agreement with a part-paid restitution, feedback and a story."""
    from mend.cases import actions
    from mend.cases import choices as c
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    world = CaseWorld(organisation, make_member)
    manager = world.manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    case = world.open_case()
    sharon, dean = world.sharon, world.dean
    for party in (sharon, dean):
        for scope in (c.ConsentScope.FEEDBACK, c.ConsentScope.CASE_STUDY):
            world.consent(party, scope)
    with organisation_scope(organisation):
        actor = manager.user
        referral = actions.add_support_referral(
            actor=actor, party=sharon, service="counselling", provider="Cwm Counselling"
        )
        agreement = actions.create_agreement(actor=actor, case=case)
        item = actions.add_agreement_item(
            actor=actor,
            agreement=agreement,
            kind=c.AgreementItemKind.RESTITUTION,
            responsible=dean,
            serves=sharon,
            description="Pay for the window",
            amount="120.00",
        )
        actions.record_payment(actor=actor, item=item, amount="20.00")
        _answered, answered_token, _ = actions.send_feedback_request(actor=actor, party=dean)
        actions.answer_feedback(
            token=answered_token,
            satisfaction=4,
            felt_safe=True,
            felt_heard=True,
            would_recommend=True,
            comments="It helped.",
            may_quote_anonymously=True,
        )
        feedback, token, _ = actions.send_feedback_request(actor=actor, party=sharon)
        study = actions.draft_case_study(actor=actor, case=case)
        actions.approve_case_study(actor=actor, study=study)
        actions.publish_case_study(actor=actor, study=study)
    return {
        "manager": manager,
        "case": case,
        "sharon": sharon,
        "referral": referral,
        "agreement": agreement,
        "item": item,
        "feedback": feedback,
        "token": token,
        "answered_token": answered_token,
        "study": study,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_outcomes_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    world = build_case(organisation)
    sign_in_as(world["manager"].user, organisation)
    if language == "cy":
        use_welsh()

    def payment_with_errors():
        page.goto(reverse("payment_new", args=[world["item"].pk]))
        page.locator("input[name=amount]").fill("500")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("tab", reverse("case_outcomes", args=[world["case"].pk])),
            ("support-new", reverse("support_referral_new", args=[world["sharon"].pk])),
            ("support-edit", reverse("support_referral_edit", args=[world["referral"].pk])),
            ("agreement-new", reverse("agreement_new", args=[world["case"].pk])),
            ("item-new", reverse("agreement_item_new", args=[world["agreement"].pk])),
            ("payment-new", reverse("payment_new", args=[world["item"].pk])),
            ("payment-with-errors", payment_with_errors),
            ("item-status", reverse("agreement_item_status", args=[world["item"].pk])),
            ("feedback-send", reverse("feedback_send", args=[world["sharon"].pk])),
            ("feedback-link", reverse("feedback_link", args=[world["feedback"].pk])),
            ("case-study-new", reverse("case_study_new", args=[world["case"].pk])),
            ("case-study-edit", reverse("case_study_edit", args=[world["study"].pk])),
        ],
        language,
        prefix="outcomes-",
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_survey_and_case_study_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, language, use_welsh
):
    world = build_case(organisation)
    if language == "cy":
        use_welsh()
    slug = organisation.slug

    def survey_with_errors():
        page.goto(reverse("feedback_survey", args=[world["token"]]))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("survey", reverse("feedback_survey", args=[world["token"]])),
            ("survey-with-errors", survey_with_errors),
            ("survey-answered", reverse("feedback_survey", args=[world["answered_token"]])),
            ("survey-invalid", reverse("feedback_survey", args=["not-a-token"])),
            ("stories", reverse("case_stories", args=[slug])),
            ("story", reverse("case_story", args=[slug, world["study"].pk])),
        ],
        language,
        prefix="outcomes-",
    )
    assert csp_reports.reports == []
