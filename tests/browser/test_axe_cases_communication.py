"""axe finds no accessibility violations on the case's messages and letters pages (English, Welsh)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


def build(organisation, actor):
    from mend.cases import actions
    from mend.cases import choices as c
    from mend.cases import models as m
    from mend.core.tenancy import organisation_scope

    with organisation_scope(organisation):
        case = actions.create_case(
            actor=actor,
            organisation=organisation,
            case_type=m.CaseType.objects.get(code="criminal-justice"),
            source=c.Source.INTERNAL,
        )
        sharon = actions.add_party(
            actor=actor,
            case=case,
            role=c.PartyRole.HARMED,
            first_name="Sharon",
            last_name="Jones",
            never_disclose="She has moved to her sister's.",
        )
        dean = actions.add_party(
            actor=actor,
            case=case,
            role=c.PartyRole.RESPONSIBLE,
            first_name="Dean",
            last_name="Walsh",
            never_disclose="His new workplace.",
        )
        draft_message = actions.record_shuttle_message(
            actor=actor, case=case, sender=dean, recipient=sharon, text="He is sorry."
        )
        approved = actions.approve_message(
            actor=actor,
            message=actions.record_shuttle_message(
                actor=actor, case=case, sender=sharon, recipient=dean, text="She heard him."
            ),
        )
        draft = actions.draft_letter(
            actor=actor,
            case=case,
            writer=dean,
            recipient=sharon,
            body="I am sorry.",
            language="en",
            answers={"what_happened": "I broke into her car."},
        )
        screened = actions.screen_letter(
            actor=actor,
            letter=actions.draft_letter(
                actor=actor, case=case, writer=dean, recipient=sharon, body="Sorry.", language="cy"
            ),
            no_contact_details=True,
            no_blame_shifting=True,
            safe_to_send=True,
        )
        delivered = actions.deliver_letter(
            actor=actor,
            letter=actions.record_letter_opt_in(
                actor=actor,
                letter=screened,
                opted_in_on=screened.screened_at.date(),
                writer_may_know_read=True,
            ),
            route=c.DeliveryRoute.PROBATION,
        )
    return {
        "case": case,
        "dean": dean,
        "sharon": sharon,
        "draft_message": draft_message,
        "approved_message": approved,
        "draft": draft,
        "delivered": delivered,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_messages_and_letters_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    from mend.core.roles import Role
    from mend.core.tests_support import make_member

    manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price").user
    o = build(organisation, manager)
    sign_in_as(manager, organisation)
    if language == "cy":
        use_welsh()
    case = o["case"].pk
    builder = (
        reverse("letter_new", args=[case]) + f"?writer={o['dean'].pk}&recipient={o['sharon'].pk}"
    )

    def letter_with_errors():
        page.goto(builder)
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    def approval_with_errors():
        page.goto(reverse("message_approve", args=[o["draft_message"].pk]))
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    assert_accessible(
        page,
        [
            ("communication-tab", reverse("case_communication", args=[case])),
            ("message-new", reverse("message_new", args=[case])),
            ("message-approve", reverse("message_approve", args=[o["draft_message"].pk])),
            ("message-approve-errors", approval_with_errors),
            ("message-delivered", reverse("message_delivered", args=[o["approved_message"].pk])),
            ("letter-choose-people", reverse("letter_new", args=[case])),
            ("letter-builder", builder),
            ("letter-builder-errors", letter_with_errors),
            ("letter-detail", reverse("letter_detail", args=[o["draft"].pk])),
            ("letter-edit", reverse("letter_edit", args=[o["draft"].pk])),
            ("letter-screen", reverse("letter_screen", args=[o["draft"].pk])),
            ("letter-opt-in", reverse("letter_opt_in", args=[o["draft"].pk])),
            ("letter-deliver-refused", reverse("letter_deliver", args=[o["draft"].pk])),
            ("letter-read", reverse("letter_read", args=[o["delivered"].pk])),
            ("letter-delivered-detail", reverse("letter_detail", args=[o["delivered"].pk])),
        ],
        language,
    )
    assert csp_reports.reports == []
