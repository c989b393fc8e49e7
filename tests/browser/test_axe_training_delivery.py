"""axe finds no accessibility violations on the delivery pages (sessions, trainers, attendees,
registers, certificates, surveys and their results, the engagement page's delivery panel) nor on
the public certificate check and survey pages, in English and Welsh."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


def build(organisation):
    """A delivered engagement (register taken, certificate issued, surveys answered) and a
    signed one still to come, with Alys Morgan allocated as lead trainer."""
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member
    from mend.training import actions
    from mend.training import choices as c
    from mend.training.delivery import evaluation
    from tests.training.support import signed_engagement, soon

    admin = make_member(organisation, Role.ADMINISTRATOR, full_name="Morgan Price")
    alys = make_member(organisation, Role.TRAINER, full_name="Alys Morgan")
    bryn = make_member(
        organisation, Role.TRAINER, email="bryn@example.test", full_name="Bryn Ellis"
    )
    with organisation_scope(organisation):
        actor = admin.user
        actions.set_trainer_level(actor=actor, membership=alys, level=c.TrainerLevel.ADVANCED)
        actions.set_trainer_level(actor=actor, membership=bryn, level=c.TrainerLevel.FOUNDATION)
        done = signed_engagement(actor, organisation, [soon(-2)])
        session = done.sessions.get()
        actions.allocate_trainer(actor=actor, session=session, membership=alys, is_lead=True)
        ann, _ben = actions.add_attendees(
            actor=actor,
            engagement=done,
            text="Ann Jones, ann@example.test\nBen Hill, ben@example.test",
        )
        (_pre_request, pre_token), (_open_request, open_token) = actions.send_evaluations(
            actor=actor, engagement=done, stage="pre"
        )
        actions.answer_evaluation(token=pre_token, answers=dict.fromkeys(evaluation.CODES, 2))
        actions.record_attendance(actor=actor, session=session, present_ids=[ann.pk])
        actions.mark_session_delivered(actor=actor, session=session)
        (certificate,) = actions.issue_certificates(actor=actor, engagement=done)
        coming = signed_engagement(actor, organisation, [soon(5)], client=done.client)
        next_session = coming.sessions.get()
    return {
        "admin": admin,
        "alys": alys,
        "bryn": bryn,
        "done": done,
        "session": session,
        "coming": coming,
        "next_session": next_session,
        "certificate": certificate,
        "answered_token": pre_token,
        "open_token": open_token,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_delivery_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    world = build(organisation)
    sign_in_as(world["admin"].user, organisation)
    if language == "cy":
        use_welsh()
    next_session = world["next_session"]

    def allocation_refused():
        page.goto(reverse("training_session", args=[next_session.pk]))
        # By value: the option's label ("Bryn Ellis (Foundation)") is translated on Welsh pages.
        page.locator("select[name=membership]").select_option(value=str(world["bryn"].pk))
        page.locator("form[action$='/trainers/'] button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    def paste_with_errors():
        page.goto(reverse("training_attendees_paste", args=[world["coming"].pk]))
        page.locator("textarea[name=attendees]").fill("Cai Owen, not-an-email\nDewi, a@b")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    done, coming = world["done"], world["coming"]
    assert_accessible(
        page,
        [
            ("session", reverse("training_session", args=[world["session"].pk])),
            ("session-coming", reverse("training_session", args=[next_session.pk])),
            ("allocation-refused", allocation_refused),
            ("session-new", reverse("training_session_new", args=[coming.pk])),
            ("session-edit", reverse("training_session_edit", args=[next_session.pk])),
            ("postpone-refused", reverse("training_session_postpone", args=[next_session.pk])),
            ("register", reverse("training_session_register", args=[world["session"].pk])),
            ("register-not-yet", reverse("training_session_register", args=[next_session.pk])),
            ("trainers", reverse("training_trainers")),
            ("trainer-level", reverse("training_trainer_level", args=[world["alys"].pk])),
            ("my-sessions", reverse("training_my_sessions")),
            ("attendees", reverse("training_attendees", args=[done.pk])),
            ("attendees-paste", paste_with_errors),
            ("certificates", reverse("training_certificates", args=[done.pk])),
            ("evaluations", reverse("training_evaluations_send", args=[done.pk])),
            ("course-results", reverse("training_course_results", args=[done.course_id])),
            ("trainer-results", reverse("training_trainer_results", args=[world["alys"].pk])),
        ],
        language,
        prefix="delivery-",
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_delivery_panel_of_the_engagement_page_has_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    """Only the panel: the rest of the engagement page is the sales area's (and its test's)."""
    world = build(organisation)
    sign_in_as(world["admin"].user, organisation)
    if language == "cy":
        use_welsh()
    assert_accessible(
        page,
        [
            (
                "engagement-panel",
                reverse("training_engagement", args=[world["done"].pk]),
                "section[aria-labelledby=delivery-panel-heading]",
            )
        ],
        language,
        prefix="delivery-",
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_certificate_and_survey_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, language, use_welsh
):
    world = build(organisation)
    if language == "cy":
        use_welsh()
    code = world["certificate"].code

    def survey_with_errors():
        page.goto(reverse("training_evaluation", args=[world["open_token"]]))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("certificate-check", reverse("training_certificate_check")),
            ("certificate-genuine", reverse("training_certificate", args=[code])),
            ("certificate-not-found", reverse("training_certificate", args=["ZZZZ-ZZZZ-ZZZZ"])),
            ("survey", reverse("training_evaluation", args=[world["open_token"]])),
            ("survey-with-errors", survey_with_errors),
            ("survey-thanks", reverse("training_evaluation", args=[world["answered_token"]])),
            ("survey-invalid", reverse("training_evaluation", args=["not-a-token"])),
        ],
        language,
        prefix="delivery-",
    )
    assert csp_reports.reports == []
