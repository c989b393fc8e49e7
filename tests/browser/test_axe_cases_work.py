"""axe finds no accessibility violations on the pages for work on a case, in English and Welsh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible
from tests.builders import CaseWorld

pytestmark = pytest.mark.browser


def build_case(organisation):
    """A case with two parties, an activity with notes, a chosen process and two meetings."""
    from django.utils import timezone

    from mend.cases import actions
    from mend.cases import choices as c
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member

    world = CaseWorld(organisation, make_member)
    manager = world.manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    case = world.open_case(lead=manager)
    sharon, dean = world.sharon, world.dean
    with organisation_scope(organisation):
        actor = manager.user
        actions.record_activity(
            actor=actor,
            case=case,
            kind=c.ActivityKind.PREPARATION,
            occurred_at=timezone.now() - timedelta(days=2),
            duration_minutes=60,
            practitioners=[manager],
            parties=[sharon],
            belongs_to=sharon,
            notes="Sharon would like a supporter with her.",
        )
        actions.choose_process(
            actor=actor, case=case, kind=c.ProcessKind.SHUTTLE, parties=[sharon, dean]
        )
        starts = timezone.now() + timedelta(days=5)
        meeting = actions.schedule_meeting(
            actor=actor,
            case=case,
            kind=c.ProcessKind.SHUTTLE,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            venue="Cathays Community Centre",
            attendees=[sharon],
            facilitators=[manager],
        )
        cancelled = actions.schedule_meeting(
            actor=actor,
            case=case,
            kind=c.ProcessKind.SHUTTLE,
            starts_at=starts + timedelta(days=1),
            ends_at=starts + timedelta(days=1, hours=1),
            venue="Cathays Community Centre",
            attendees=[dean],
        )
        actions.cancel_meeting(actor=actor, meeting=cancelled, reason="Dean is unwell.")
    return manager, case, meeting


@pytest.mark.parametrize("language", LANGUAGES)
def test_work_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, use_welsh, language
):
    manager, case, meeting = build_case(organisation)
    sign_in_as(manager.user, organisation)
    if language == "cy":
        use_welsh()

    def submit_empty(url):
        def visit():
            page.goto(url)
            page.locator("main form button[type=submit]").click()
            page.locator(".govuk-error-summary").wait_for()

        return visit

    def direct_meeting_refused():
        page.goto(reverse("meeting_create", args=[case.pk]))
        page.locator("input[name=kind][value=face_to_face]").check()
        page.locator("input[name=starts_at]").fill("2099-01-01T10:00")
        page.locator("input[name=ends_at]").fill("2099-01-01T12:00")
        page.locator("input[name=venue]").fill("The Old Library")
        page.locator("input[name=attendees]").first.check()
        page.locator("main form button[type=submit]").click()
        page.locator(".govuk-error-summary").wait_for()

    pages = [
        ("work-tab", reverse("case_work", args=[case.pk])),
        ("activity-form", reverse("activity_create", args=[case.pk])),
        ("activity-form-errors", submit_empty(reverse("activity_create", args=[case.pk]))),
        ("process-form", reverse("process_create", args=[case.pk])),
        ("meeting-form", reverse("meeting_create", args=[case.pk])),
        ("meeting-refused", direct_meeting_refused),
        ("meeting", reverse("meeting_detail", args=[meeting.pk])),
        ("meeting-cancel", reverse("meeting_cancel", args=[meeting.pk])),
        ("meeting-cancel-errors", submit_empty(reverse("meeting_cancel", args=[meeting.pk]))),
        ("meeting-held", reverse("meeting_held", args=[meeting.pk])),
    ]
    assert_accessible(page, pages, language, prefix="cases-work-")
    assert csp_reports.reports == []
