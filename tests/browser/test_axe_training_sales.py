"""axe finds no accessibility violations on the training sales pages (start page, clients,
contacts, courses, enquiries, engagements, quotes, sending and withdrawing the agreement) nor on
the public enquiry form and the agreement page, in English and Welsh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


def build_sales(organisation):
    """A client with a contact, a course, a new enquiry, an engagement with a quote and a sent
    agreement, and a second engagement whose agreement was accepted."""
    from django.utils import timezone

    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member
    from mend.training import actions
    from tests.training.support import course, engagement_with_sessions, school_client

    manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    actor = manager.user
    day = timezone.localdate() + timedelta(days=40)
    with organisation_scope(organisation):
        client, contact = school_client(actor, organisation)
        the_course = course(actor, organisation, code="ra-schools-axe")
        enquiry = actions.receive_enquiry(
            organisation=organisation,
            actor=actor,
            organisation_name="Ceredigion County Council",
            sector="local_authority",
            contact_name="Huw Jones",
            email="huw@ceredigion.example",
            course=the_course,
            participants=30,
            message="Training for the youth service.",
        )
        engagement = engagement_with_sessions(
            actor, organisation, [day, day + timedelta(days=7)], client=client
        )
        proposal = actions.issue_proposal(actor=actor, engagement=engagement)
        sla, token = actions.send_sla(actor=actor, engagement=engagement)
        signed = engagement_with_sessions(actor, organisation, [day + timedelta(days=14)])
        signed_sla, signed_token = actions.send_sla(actor=actor, engagement=signed)
        actions.accept_sla(
            sla=signed_sla, name="Carys Hughes", ip_address="203.0.113.9", user_agent="axe"
        )
    return {
        "manager": manager,
        "client": client,
        "contact": contact,
        "course": the_course,
        "enquiry": enquiry,
        "engagement": engagement,
        "signed": signed,
        "proposal": proposal,
        "sla": sla,
        "token": token,
        "signed_token": signed_token,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_sales_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    world = build_sales(organisation)
    sign_in_as(world["manager"].user, organisation)
    if language == "cy":
        use_welsh()

    def client_with_errors():
        page.goto(reverse("training_client_new"))
        page.locator("input[name=name]").fill("Ysgol Bro Teifi")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("home", reverse("training_home")),
            ("clients", reverse("training_clients")),
            ("client", reverse("training_client", args=[world["client"].pk])),
            ("client-new", reverse("training_client_new")),
            ("client-with-errors", client_with_errors),
            ("client-edit", reverse("training_client_edit", args=[world["client"].pk])),
            ("contact-new", reverse("training_contact_new", args=[world["client"].pk])),
            ("contact-edit", reverse("training_contact_edit", args=[world["contact"].pk])),
            ("courses", reverse("training_courses")),
            ("course-new", reverse("training_course_new")),
            ("course-edit", reverse("training_course_edit", args=[world["course"].pk])),
            ("enquiries", reverse("training_enquiries")),
            ("enquiry", reverse("training_enquiry", args=[world["enquiry"].pk])),
            ("enquiry-new", reverse("training_enquiry_new")),
            ("enquiry-convert", reverse("training_enquiry_convert", args=[world["enquiry"].pk])),
            ("enquiry-close", reverse("training_enquiry_close", args=[world["enquiry"].pk])),
            ("engagements", reverse("training_engagements")),
            ("engagement-new", reverse("training_engagement_new")),
            ("engagement", reverse("training_engagement", args=[world["engagement"].pk])),
            ("engagement-signed", reverse("training_engagement", args=[world["signed"].pk])),
            ("proposal-new", reverse("training_proposal_new", args=[world["engagement"].pk])),
            ("sla-send", reverse("training_sla_send", args=[world["engagement"].pk])),
            ("sla-withdraw", reverse("training_sla_withdraw", args=[world["sla"].pk])),
        ],
        language,
        prefix="training-sales-",
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_enquiry_form_and_agreement_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, language, use_welsh
):
    world = build_sales(organisation)
    if language == "cy":
        use_welsh()
    slug = organisation.slug

    def enquiry_with_errors():
        page.goto(reverse("training_enquire", args=[slug]))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    def agreement_with_errors():
        page.goto(reverse("training_sla", args=[world["token"]]))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("enquire", reverse("training_enquire", args=[slug])),
            ("enquire-with-errors", enquiry_with_errors),
            ("agreement", reverse("training_sla", args=[world["token"]])),
            ("agreement-with-errors", agreement_with_errors),
            ("agreement-accepted", reverse("training_sla", args=[world["signed_token"]])),
            ("agreement-invalid", reverse("training_sla", args=["not-a-token"])),
        ],
        language,
        prefix="training-sales-",
    )
    assert csp_reports.reports == []
