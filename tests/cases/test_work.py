"""Work on a case: the activity log, processes from the menu of services, meetings and invitations."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.fields import decrypt_text
from mend.core.models import AccessLog
from mend.core.roles import ROLE_PERMISSIONS, Perm, Role
from tests.builders import CaseWorld
from tests.pages import error_summary

pytestmark = pytest.mark.django_db

SHARON = "Sharon Jones (person harmed)"
DEAN = "Dean Walsh (person responsible)"
PRINCIPLES_MISSING = (
    "The guiding principles checklist (restoration, volunteerism, neutrality, safety, "
    "accessibility, respect) has not been recorded."
)


def local(dt) -> str:
    """How the browser's date-and-time control sends a moment."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


class World(CaseWorld):
    """A criminal-justice case with Sharon (harmed) and Dean (responsible), led by Priya."""

    def __init__(self, org, make_member):
        super().__init__(org, make_member)
        self.manager = self.member(Role.MANAGER, "Morgan Price")
        self.practitioner = self.member(Role.PRACTITIONER, "Priya Shah")
        self.colleague = self.member(Role.PRACTITIONER, "Owen Lloyd")
        self.case = self.open_case(
            lead=self.practitioner,
            sharon={
                "postcode": "CF10 1AA",
                "contact": {"email": "sharon@example.test", "phone": "07700 900001"},
            },
            dean={"postcode": "CF24 9ZZ", "contact": {"email": "dean@example.test"}},
        )

    ready_for_a_direct_meeting = CaseWorld.ready_for_a_meeting

    def meeting(self, *, kind=c.ProcessKind.SHUTTLE, attendees=None, starts_in=timedelta(days=7)):
        starts = timezone.now() + starts_in
        with self.scope():
            return actions.schedule_meeting(
                actor=self.manager.user,
                case=self.case,
                kind=kind,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                venue="Cathays Community Centre, Room 2",
                attendees=attendees or [self.sharon, self.dean],
                facilitators=[self.practitioner],
            )


@pytest.fixture
def world(org, make_member):
    return World(org, make_member)


@pytest.fixture
def as_practitioner(world, signed_in):
    return signed_in(world.practitioner.user, world.org)


def activity_post(world, **overrides):
    data = {
        "kind": c.ActivityKind.CALL,
        "occurred_at": local(timezone.now() - timedelta(hours=2)),
        "duration_minutes": "25",
        "practitioners": [world.practitioner.pk],
        "parties": [world.sharon.pk],
        "belongs_to": str(world.sharon.pk),
        "notes": "Sharon is anxious about meeting Dean near her home.",
        "submission_id": "a" * 32,
    }
    data.update(overrides)
    return data


def meeting_post(world, **overrides):
    starts = timezone.now() + timedelta(days=10)
    data = {
        "kind": c.ProcessKind.FACE_TO_FACE,
        "starts_at": local(starts),
        "ends_at": local(starts + timedelta(hours=2)),
        "venue": "Cathays Community Centre, Room 2",
        "attendees": [world.sharon.pk, world.dean.pk],
        "facilitators": [world.practitioner.pk],
        "submission_id": "m" * 32,
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- activities


def test_recording_an_activity_keeps_its_notes_encrypted_at_rest(world, as_practitioner):
    response = as_practitioner.post(
        reverse("activity_create", args=[world.case.pk]), activity_post(world)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("case_work", args=[world.case.pk])
    with world.scope():
        activity = m.Activity.objects.get(case=world.case)
        assert activity.kind == c.ActivityKind.CALL
        assert activity.duration_minutes == 25
        assert activity.belongs_to == world.sharon
        assert list(activity.parties.all()) == [world.sharon]
        assert list(activity.practitioners.all()) == [world.practitioner]
        assert activity.notes == "Sharon is anxious about meeting Dean near her home."
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT notes FROM {m.Activity._meta.db_table} WHERE id = %s", [activity.pk]
        )
        (stored,) = cursor.fetchone()
    assert "anxious" not in stored
    assert decrypt_text(stored) == "Sharon is anxious about meeting Dean near her home."


def test_the_activity_log_says_whose_information_the_notes_are_and_logs_the_viewing(
    world, as_practitioner
):
    as_practitioner.post(reverse("activity_create", args=[world.case.pk]), activity_post(world))
    with world.scope():
        activity = m.Activity.objects.get(case=world.case)

    page = as_practitioner.get(reverse("case_work", args=[world.case.pk])).content.decode()

    assert "Notes belong to: Sharon Jones" in page
    assert "Sharon is anxious about meeting Dean near her home." in page
    assert "Phone call" in page and "25 minutes" in page and "Priya Shah" in page
    with world.scope():
        views = AccessLog.objects.filter(
            object_type="cases.activity", object_id=str(activity.pk), user=world.practitioner.user
        )
        assert views.count() == 1


def test_general_notes_are_labelled_as_about_the_case_as_a_whole(world, as_practitioner):
    as_practitioner.post(
        reverse("activity_create", args=[world.case.pk]),
        activity_post(world, kind=c.ActivityKind.CASE_DISCUSSION, belongs_to="case", parties=[]),
    )

    page = as_practitioner.get(reverse("case_work", args=[world.case.pk])).content.decode()

    assert "Notes belong to: the case as a whole" in page
    assert "Notes belong to: Sharon Jones" not in page


def test_notes_are_not_saved_until_it_is_said_whose_information_they_are(world, as_practitioner):
    response = as_practitioner.post(
        reverse("activity_create", args=[world.case.pk]),
        activity_post(world, belongs_to="", notes="Dean's mother is unwell."),
    )

    assert error_summary(response) == ["Choose whose information the notes hold."]
    assert "Dean&#x27;s mother is unwell." in response.content.decode()
    with world.scope():
        assert not m.Activity.objects.filter(case=world.case).exists()
    # Without notes there is nothing to attribute.
    response = as_practitioner.post(
        reverse("activity_create", args=[world.case.pk]),
        activity_post(world, belongs_to="", notes=""),
    )
    assert response.status_code == 302


def test_someone_who_cannot_record_work_sees_the_label_but_not_the_notes(
    world, make_member, signed_in, monkeypatch
):
    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.VOLUNTEER, frozenset({Perm.VIEW_HOME, Perm.VIEW_CASES})
    )
    volunteer = make_member(world.org, Role.VOLUNTEER, full_name="Val Evans")
    with world.scope():
        m.Allocation.objects.create(
            organisation=world.org,
            case=world.case,
            membership=volunteer,
            role=c.AllocationRole.OBSERVER,
        )
        actions.record_activity(
            actor=world.manager.user,
            case=world.case,
            kind=c.ActivityKind.VISIT,
            occurred_at=timezone.now() - timedelta(hours=1),
            belongs_to=world.dean,
            notes="Dean spoke about his drinking.",
        )
    client = signed_in(volunteer.user, world.org)

    page = client.get(reverse("case_work", args=[world.case.pk])).content.decode()

    assert "Notes belong to: Dean Walsh" in page
    assert "drinking" not in page
    assert "Record an activity" not in page
    with world.scope():
        assert not AccessLog.objects.filter(object_type="cases.activity").exists()


def test_an_activity_in_the_future_is_refused_and_the_form_keeps_what_was_typed(
    world, as_practitioner
):
    tomorrow = local(timezone.now() + timedelta(days=1))
    response = as_practitioner.post(
        reverse("activity_create", args=[world.case.pk]),
        activity_post(world, occurred_at=tomorrow, notes="Typed before the mistake."),
    )

    assert response.status_code == 200
    assert error_summary(response) == ["An activity cannot be recorded in the future."]
    page = response.content.decode()
    assert f'value="{tomorrow}"' in page
    assert "Typed before the mistake." in page
    with world.scope():
        assert not m.Activity.objects.filter(case=world.case).exists()


def test_a_double_submitted_activity_form_creates_one_record(world, as_practitioner):
    url = reverse("activity_create", args=[world.case.pk])
    first = as_practitioner.post(url, activity_post(world))
    second = as_practitioner.post(url, activity_post(world))

    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    with world.scope():
        assert m.Activity.objects.filter(case=world.case).count() == 1
    # A fresh form is a fresh submission.
    as_practitioner.post(url, activity_post(world, submission_id="b" * 32))
    with world.scope():
        assert m.Activity.objects.filter(case=world.case).count() == 2


def test_only_the_case_team_and_the_recorder_are_offered_as_practitioners(world, as_practitioner):
    page = as_practitioner.get(reverse("activity_create", args=[world.case.pk])).content.decode()

    assert "Priya Shah" in page
    assert "Owen Lloyd" not in page  # in the organisation, not on this case


def test_a_practitioner_not_on_the_case_cannot_see_its_work(world, signed_in):
    client = signed_in(world.colleague.user, world.org)

    assert client.get(reverse("case_work", args=[world.case.pk])).status_code == 404
    assert client.get(reverse("activity_create", args=[world.case.pk])).status_code == 404


def _record_activities(world, count: int) -> None:
    now = timezone.now() - timedelta(days=1)
    with world.scope():
        for i in range(count):
            actions.record_activity(
                actor=world.manager.user,
                case=world.case,
                kind=c.ActivityKind.CALL,
                # Pairs share a moment, so the page boundary must break ties by id.
                occurred_at=now - timedelta(minutes=i // 2),
                duration_minutes=10,
                practitioners=[world.practitioner, world.manager],
                parties=[world.sharon, world.dean],
                belongs_to=world.sharon if i % 2 else None,
                notes=f"note number {i}",
            )


def test_the_work_tab_runs_the_same_queries_for_3_or_60_activities(
    org, make_member, signed_in, other_org, count_queries
):
    small, large = World(org, make_member), World(other_org, make_member)
    _record_activities(small, 3)
    _record_activities(large, 60)
    for w in (small, large):
        w.meeting()
        with w.scope():
            actions.choose_process(
                actor=w.manager.user,
                case=w.case,
                kind=c.ProcessKind.SHUTTLE,
                parties=[w.sharon, w.dean],
            )
    client = signed_in(small.practitioner.user, org)
    few = count_queries(client, reverse("case_work", args=[small.case.pk]))
    client = signed_in(large.practitioner.user, other_org)
    many = count_queries(client, reverse("case_work", args=[large.case.pk]))

    assert few == many


def test_the_activity_log_pages_newest_first_without_losing_or_repeating_any(
    world, as_practitioner
):
    _record_activities(world, 60)
    url = reverse("case_work", args=[world.case.pk])

    first = as_practitioner.get(url).content.decode()
    older = re.search(r'href="(\?before=[^"#]+)#activity-log" rel="next"', first)
    assert older, "no link to older activities"
    second = as_practitioner.get(url + unescape(older.group(1))).content.decode()

    shown = [int(n) for page in (first, second) for n in re.findall(r"note number (\d+)", page)]
    # Newest first; of two recorded for the same moment, the one recorded later comes first.
    assert shown == [n for pair in range(30) for n in (2 * pair + 1, 2 * pair)]
    assert 'rel="next"' not in second


# ---------------------------------------------------------------- processes


def test_choosing_a_process_from_the_menu_of_services(world, as_practitioner):
    response = as_practitioner.post(
        reverse("process_create", args=[world.case.pk]),
        {
            "kind": c.ProcessKind.LETTER,
            "parties": [world.sharon.pk, world.dean.pk],
            "submission_id": "p" * 32,
        },
    )

    assert response.status_code == 302
    with world.scope():
        process = m.Process.objects.get(case=world.case)
        assert process.kind == c.ProcessKind.LETTER
        assert set(process.parties.all()) == {world.sharon, world.dean}
    page = as_practitioner.get(reverse("case_work", args=[world.case.pk])).content.decode()
    assert "Written correspondence" in page


def test_a_process_needs_someone_to_take_part(world, as_practitioner):
    response = as_practitioner.post(
        reverse("process_create", args=[world.case.pk]),
        {"kind": c.ProcessKind.CIRCLE, "submission_id": "p" * 32},
    )

    assert response.status_code == 200
    assert error_summary(response) == ["Choose who takes part."]
    assert 'value="circle" checked' in response.content.decode()
    with world.scope():
        assert not m.Process.objects.filter(case=world.case).exists()


# ---------------------------------------------------------------- meetings: the guards


@pytest.mark.parametrize(
    ("skip", "reason"),
    [
        ("signoff", "Risk sign-off is missing."),
        ("consent", f"{SHARON} has not given (or has withdrawn) consent to take part."),
        ("preparation", f"No preparation meeting has been held with {DEAN}."),
        ("principles", PRINCIPLES_MISSING),
    ],
)
def test_a_direct_meeting_is_refused_saying_exactly_what_is_missing(
    world, as_practitioner, skip, reason
):
    world.ready_for_a_direct_meeting(skip=skip)
    data = meeting_post(world, venue="The Old Library, Cardiff")

    response = as_practitioner.post(reverse("meeting_create", args=[world.case.pk]), data)

    assert response.status_code == 200
    assert error_summary(response) == [reason]
    page = response.content.decode()
    assert 'value="The Old Library, Cardiff"' in page
    assert f'value="{data["starts_at"]}"' in page
    with world.scope():
        assert not m.Meeting.objects.filter(case=world.case).exists()


def test_a_direct_meeting_with_nothing_in_place_lists_every_reason(world, as_practitioner):
    response = as_practitioner.post(
        reverse("meeting_create", args=[world.case.pk]), meeting_post(world)
    )

    assert error_summary(response) == [
        "Risk sign-off is missing.",
        f"{SHARON} has not given (or has withdrawn) consent to take part.",
        f"No preparation meeting has been held with {SHARON}.",
        f"{DEAN} has not given (or has withdrawn) consent to take part.",
        f"No preparation meeting has been held with {DEAN}.",
        PRINCIPLES_MISSING,
    ]


def test_a_direct_meeting_is_scheduled_when_every_guard_holds(world, as_practitioner):
    world.ready_for_a_direct_meeting()

    response = as_practitioner.post(
        reverse("meeting_create", args=[world.case.pk]), meeting_post(world)
    )

    assert response.status_code == 302
    with world.scope():
        meeting = m.Meeting.objects.get(case=world.case)
        assert meeting.status == c.MeetingStatus.PLANNED
        assert set(meeting.attendees.all()) == {world.sharon, world.dean}
        assert list(meeting.facilitators.all()) == [world.practitioner]
    assert response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    page = as_practitioner.get(response["Location"]).content.decode()
    assert "Cathays Community Centre, Room 2" in page
    assert "Invitation for Sharon Jones" in page and "Invitation for Dean Walsh" in page


def test_an_indirect_meeting_needs_no_direct_contact_guards(world, as_practitioner):
    response = as_practitioner.post(
        reverse("meeting_create", args=[world.case.pk]),
        meeting_post(world, kind=c.ProcessKind.SHUTTLE, attendees=[world.sharon.pk]),
    )

    assert response.status_code == 302
    with world.scope():
        assert m.Meeting.objects.filter(case=world.case, kind=c.ProcessKind.SHUTTLE).exists()


# ---------------------------------------------------------------- invitations


def parse(response) -> tuple[Calendar, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_staff_invitation_carries_time_place_uid_and_case_reference(world, as_practitioner):
    meeting = world.meeting()

    calendar, event = parse(as_practitioner.get(reverse("meeting_invite", args=[meeting.pk])))

    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == meeting.ends_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "Cathays Community Centre, Room 2"
    assert str(event["UID"]) == meeting.uid
    assert world.case.reference in str(event["DESCRIPTION"])


def test_a_partys_invitation_names_no_other_party_and_not_the_case(world, as_practitioner):
    meeting = world.meeting()

    response = as_practitioner.get(
        reverse("meeting_party_invite", args=[meeting.pk, world.sharon.pk])
    )

    _calendar, event = parse(response)
    assert str(event["UID"]) == meeting.uid
    assert str(event["LOCATION"]) == "Cathays Community Centre, Room 2"
    text = response.content.decode()
    for secret in ("Dean", "Walsh", "dean@example.test", "CF24", world.case.reference):
        assert secret not in text
    assert world.case.reference not in response["Content-Disposition"]


def test_there_is_no_invitation_for_someone_not_attending(world, as_practitioner):
    meeting = world.meeting(attendees=[world.sharon])

    response = as_practitioner.get(
        reverse("meeting_party_invite", args=[meeting.pk, world.dean.pk])
    )

    assert response.status_code == 404


def test_cancelling_a_meeting_cancels_it_in_calendars(world, as_practitioner):
    meeting = world.meeting()

    response = as_practitioner.post(
        reverse("meeting_cancel", args=[meeting.pk]), {"reason": "Sharon is unwell."}
    )

    assert response.status_code == 302
    with world.scope():
        meeting.refresh_from_db()
    assert meeting.status == c.MeetingStatus.CANCELLED
    assert meeting.cancelled_reason == "Sharon is unwell."
    for url in (
        reverse("meeting_invite", args=[meeting.pk]),
        reverse("meeting_party_invite", args=[meeting.pk, world.dean.pk]),
    ):
        calendar, event = parse(as_practitioner.get(url))
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1
        assert str(event["UID"]) == meeting.uid
    work = as_practitioner.get(reverse("case_work", args=[world.case.pk])).content.decode()
    assert "Cancelled" in work and "Sharon is unwell." in work


def test_a_meeting_is_not_cancelled_without_a_reason(world, as_practitioner):
    meeting = world.meeting()

    response = as_practitioner.post(reverse("meeting_cancel", args=[meeting.pk]), {"reason": ""})

    assert response.status_code == 200
    assert error_summary(response) == ["Give the reason the meeting is cancelled."]
    with world.scope():
        meeting.refresh_from_db()
    assert meeting.status == c.MeetingStatus.PLANNED


# ---------------------------------------------------------------- held


def test_a_meeting_that_has_not_started_cannot_be_marked_held(world, as_practitioner):
    meeting = world.meeting()

    response = as_practitioner.post(reverse("meeting_held", args=[meeting.pk]))

    assert error_summary(response) == ["A meeting cannot be marked as held before it starts."]
    with world.scope():
        meeting.refresh_from_db()
    assert meeting.status == c.MeetingStatus.PLANNED


def test_a_meeting_that_took_place_is_marked_held(world, as_practitioner):
    meeting = world.meeting(starts_in=timedelta(minutes=1))
    with world.scope():  # time passes: the meeting has started
        m.Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - timedelta(hours=1)
        )

    response = as_practitioner.post(reverse("meeting_held", args=[meeting.pk]))

    assert response.status_code == 302
    with world.scope():
        meeting.refresh_from_db()
    assert meeting.status == c.MeetingStatus.HELD
    page = as_practitioner.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Cancel the meeting" not in page


def test_a_cancelled_meeting_cannot_be_marked_held(world):
    meeting = world.meeting()
    with world.scope():
        actions.cancel_meeting(actor=world.manager.user, meeting=meeting, reason="Withdrawn.")
        m.Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - timedelta(hours=1)
        )
        with pytest.raises(Exception, match="Only a planned meeting"):
            actions.mark_meeting_held(actor=world.manager.user, meeting=meeting)


def test_the_meeting_page_runs_the_same_queries_for_one_or_many_attendees(
    world, as_practitioner, make_member, count_queries
):
    with world.scope():
        supporters = [
            actions.add_party(
                actor=world.manager.user,
                case=world.case,
                role=c.PartyRole.SUPPORTER,
                first_name=f"Supporter{i}",
                last_name="Hughes",
            )
            for i in range(5)
        ]
    one = world.meeting(attendees=[world.sharon])
    many = world.meeting(attendees=[world.sharon, world.dean, *supporters])

    counts = [
        count_queries(as_practitioner, reverse("meeting_detail", args=[meeting.pk]), warm=False)
        for meeting in (one, one, many)
    ]

    assert counts[1] == counts[2]
