"""Expectations for work on a case: the work tab, activities, processes, meetings, invitations.

The walker's visitors are allocated to nothing, so only roles that see every case (administrators
and managers) reach these pages; everyone else is told the case does not exist (404).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from mend.cases import actions
from mend.cases import choices as c
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import add_party, new_case
from tests.url_access import Expect

SEE_EVERY_CASE = frozenset({Role.ADMINISTRATOR, Role.MANAGER})

EXPECTED: dict[str, Expect] = {
    name: Expect(SEE_EVERY_CASE, org_object=True)
    for name in (
        "case_work",
        "activity_create",
        "process_create",
        "meeting_create",
        "meeting_detail",
        "meeting_invite",
        "meeting_party_invite",
        "meeting_cancel",
        "meeting_held",
    )
}


def objects(organisation, admin_user, slug):
    with organisation_scope(organisation):
        case = new_case(organisation, admin_user)
        party = add_party(admin_user, case, c.PartyRole.HARMED, "Walker", slug.title())
        starts = timezone.now() + timedelta(days=7)
        meeting = actions.schedule_meeting(
            actor=admin_user,
            case=case,
            kind=c.ProcessKind.SHUTTLE,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            venue="Room 1",
            attendees=[party],
        )
    return {"case": case, "party": party, "meeting": meeting}


def urls(for_each) -> dict[str, dict[str, str]]:
    on_case = ["case_work", "activity_create", "process_create", "meeting_create"]
    on_meeting = ["meeting_detail", "meeting_invite", "meeting_cancel", "meeting_held"]
    result = {name: for_each(lambda o, n=name: reverse(n, args=[o["case"].pk])) for name in on_case}
    result.update(
        {
            name: for_each(lambda o, n=name: reverse(n, args=[o["meeting"].pk]))
            for name in on_meeting
        }
    )
    result["meeting_party_invite"] = for_each(
        lambda o: reverse("meeting_party_invite", args=[o["meeting"].pk, o["party"].pk])
    )
    return result
