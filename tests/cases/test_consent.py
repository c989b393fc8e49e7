"""Consent per party and scope: given and withdrawn, and what a withdrawal sets going at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.roles import Role
from tests.cases.test_parties import World
from tests.pages import error_summary, page_text

pytestmark = pytest.mark.django_db

TAKE_PART = c.ConsentScope.TAKE_PART


@pytest.fixture
def world(org, make_member):
    world = World(org, make_member)
    world.advanced = world.member(Role.ADVANCED_PRACTITIONER, "Ava Rees")
    return world


@pytest.fixture
def lead(world, signed_in):
    return signed_in(world.lead.user, world.org)


def consent(world, party, scope=TAKE_PART):
    return world.consent(party, scope)


def meetings_planned(world):
    """A face-to-face meeting of Sharon and Dean, and a shuttle session with Dean alone.

    Set up as a practitioner would: risk assessed and signed off, both consented to take part,
    a preparation meeting held with each, and the principles checklist recorded.
    """
    world.ready_for_a_meeting(prepared_days_ago=2)
    actor = world.manager.user
    with world.scope():
        soon = timezone.now() + timedelta(days=7)
        together = actions.schedule_meeting(
            actor=actor,
            case=world.case,
            kind=c.ProcessKind.FACE_TO_FACE,
            starts_at=soon,
            ends_at=soon + timedelta(hours=2),
            venue="Community centre, Cathays",
            attendees=[world.sharon, world.dean],
        )
        dean_alone = actions.schedule_meeting(
            actor=actor,
            case=world.case,
            kind=c.ProcessKind.SHUTTLE,
            starts_at=soon + timedelta(days=1),
            ends_at=soon + timedelta(days=1, hours=1),
            venue="Probation office",
            attendees=[world.dean],
        )
    return together, dean_alone


def current_take_part(world, party):
    with world.scope():
        return m.Consent.objects.get(party=party, scope=TAKE_PART, withdrawn_on=None)


# ---------------------------------------------------------------- giving consent


def test_consent_is_recorded_with_its_date_method_and_who_recorded_it(world, lead):
    response = lead.post(
        reverse("consent_give", args=[world.sharon.pk]),
        {"scope": TAKE_PART, "method": c.ConsentMethod.VERBAL, "given_on": "2025-06-02"},
    )

    assert response.status_code == 302
    with world.scope():
        given = m.Consent.objects.get(party=world.sharon)
    assert (given.scope, given.method, given.given_on.isoformat(), given.recorded_by) == (
        TAKE_PART,
        c.ConsentMethod.VERBAL,
        "2025-06-02",
        world.lead.user,
    )


def test_the_same_current_consent_cannot_be_given_twice(world, lead):
    consent(world, world.sharon)

    response = lead.post(
        reverse("consent_give", args=[world.sharon.pk]),
        {"scope": TAKE_PART, "method": c.ConsentMethod.WRITTEN},
    )

    assert error_summary(response) == ["This consent is already recorded and current."]
    with world.scope():
        assert m.Consent.objects.filter(party=world.sharon).count() == 1


def test_consent_cannot_be_dated_in_the_future(world, lead):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = lead.post(
        reverse("consent_give", args=[world.sharon.pk]),
        {"scope": TAKE_PART, "method": c.ConsentMethod.WRITTEN, "given_on": tomorrow},
    )

    assert error_summary(response) == ["Consent cannot be dated in the future."]


def test_a_double_submitted_consent_is_recorded_once(world, lead):
    data = {"scope": c.ConsentScope.FEEDBACK, "method": "online", "submission_id": "b" * 32}
    first = lead.post(reverse("consent_give", args=[world.dean.pk]), data)
    second = lead.post(reverse("consent_give", args=[world.dean.pk]), data)

    assert first.status_code == second.status_code == 302
    with world.scope():
        assert m.Consent.objects.filter(party=world.dean).count() == 1


def test_consent_can_be_given_again_after_it_was_withdrawn(world, lead):
    given = consent(world, world.sharon, c.ConsentScope.FEEDBACK)
    with world.scope():
        actions.withdraw_consent(actor=world.lead.user, consent=given, method="verbal")

    response = lead.post(
        reverse("consent_give", args=[world.sharon.pk]),
        {"scope": c.ConsentScope.FEEDBACK, "method": "written"},
    )

    assert response.status_code == 302
    with world.scope():
        assert m.Consent.objects.filter(party=world.sharon).count() == 2


# ---------------------------------------------------------------- withdrawing consent


def test_the_withdrawal_page_explains_what_will_happen(world, lead):
    meetings_planned(world)

    page = page_text(
        lead.get(reverse("consent_withdraw", args=[current_take_part(world, world.sharon).pk]))
    )

    assert "Withdraw Sharon Jones's consent" in page
    assert "the planned meeting with them will be cancelled" in page
    assert "Community centre, Cathays" in page
    assert "Probation office" not in page
    assert "the case will pause" in page
    assert "the practitioner working with the other side (Dean Walsh (person responsible))" in page


def test_withdrawal_cancels_planned_meetings_with_that_party_and_no_others(world, lead):
    together, dean_alone = meetings_planned(world)

    response = lead.post(
        reverse("consent_withdraw", args=[current_take_part(world, world.sharon).pk]),
        {"method": c.ConsentMethod.VERBAL},
    )

    assert response["Location"] == reverse("case_parties", args=[world.case.pk])
    with world.scope():
        together.refresh_from_db()
        dean_alone.refresh_from_db()
    assert together.status == c.MeetingStatus.CANCELLED
    assert (
        together.cancelled_reason == "Sharon Jones (person harmed) withdrew consent to take part."
    )
    assert dean_alone.status == c.MeetingStatus.PLANNED


def test_withdrawal_pauses_the_case_and_the_case_shows_why(world, lead):
    consent(world, world.sharon)

    lead.post(
        reverse("consent_withdraw", args=[current_take_part(world, world.sharon).pk]),
        {"method": c.ConsentMethod.WRITTEN},
    )

    with world.scope():
        world.case.refresh_from_db()
    assert world.case.status == c.Status.PAUSED
    page = page_text(lead.get(reverse("case_parties", args=[world.case.pk])))
    assert (
        "Paused (was: Referred). Sharon Jones (person harmed) withdrew consent to take part."
        in (page)
    )
    assert "Sharon Jones (person harmed) withdrew consent to take part on" in page
    assert "To take part: Withdrawn" in page


def test_withdrawal_tasks_the_other_sides_practitioner_to_tell_them_safely(world, lead):
    consent(world, world.sharon)

    response = lead.post(
        reverse("consent_withdraw", args=[current_take_part(world, world.sharon).pk]),
        {"method": c.ConsentMethod.WRITTEN},
        follow=True,
    )

    with world.scope():
        tasks = list(m.Task.objects.filter(case=world.case, kind="inform_withdrawal"))
    assert [(t.party, t.assignee) for t in tasks] == [(world.dean, world.lead)]
    page = page_text(response)
    assert "The case is paused. A task was created to tell the other side safely." in page
    assert "Tell Dean Walsh (person responsible) safely that the process has stopped" in page
    assert "for Priya Shah" in page


def test_withdrawing_consent_for_feedback_does_not_stop_the_process(world, lead):
    together, _dean_alone = meetings_planned(world)
    feedback = consent(world, world.sharon, c.ConsentScope.FEEDBACK)

    confirm = page_text(lead.get(reverse("consent_withdraw", args=[feedback.pk])))
    lead.post(reverse("consent_withdraw", args=[feedback.pk]), {"method": "written"})

    assert "The case carries on." in confirm
    with world.scope():
        world.case.refresh_from_db()
        together.refresh_from_db()
        feedback.refresh_from_db()
    assert feedback.withdrawn_on == timezone.localdate()
    assert world.case.status == c.Status.REFERRED
    assert together.status == c.MeetingStatus.PLANNED


def test_the_withdrawal_needs_to_say_how_it_was_made(world, lead):
    given = consent(world, world.sharon)

    response = lead.post(reverse("consent_withdraw", args=[given.pk]), {})

    assert error_summary(response) == ["Choose how the withdrawal was made."]
    given.refresh_from_db()
    assert given.withdrawn_on is None


def test_a_withdrawal_submitted_twice_is_recorded_once(world, lead):
    given = consent(world, world.sharon)
    url = reverse("consent_withdraw", args=[given.pk])

    lead.post(url, {"method": "written"})
    again = lead.post(url, {"method": "written"})

    assert again["Location"] == reverse("party_detail", args=[world.sharon.pk])
    with world.scope():
        assert m.StatusChange.objects.filter(case=world.case, transition="pause").count() == 1
        assert m.Task.objects.filter(case=world.case, kind="inform_withdrawal").count() == 1


def test_consent_pages_of_a_case_out_of_reach_are_not_found(world, make_member, signed_in):
    given = consent(world, world.sharon)
    outsider = make_member(world.org, Role.PRACTITIONER, email="outsider.home@example.test")
    client = signed_in(outsider.user, world.org)

    assert client.get(reverse("consent_give", args=[world.sharon.pk])).status_code == 404
    assert (
        client.post(reverse("consent_withdraw", args=[given.pk]), {"method": "written"}).status_code
        == 404
    )
    given.refresh_from_db()
    assert given.withdrawn_on is None


def test_the_practitioner_who_works_with_the_other_side_is_the_one_asked_to_tell_them(
    world, make_member
):
    """Dean's contact has been with the co-worker, so the co-worker tells Dean, not the lead."""
    coworker = make_member(world.org, Role.EXTERNAL_COWORKER, email="nia.home@example.test")
    with world.scope():
        actions.allocate(
            actor=world.manager.user,
            case=world.case,
            membership=coworker,
            role=c.AllocationRole.CO_WORKER,
        )
        actions.record_activity(
            actor=world.lead.user,
            case=world.case,
            kind=c.ActivityKind.CALL,
            occurred_at=timezone.now() - timedelta(hours=2),
            practitioners=[coworker],
            parties=[world.dean],
            belongs_to=world.dean,
        )
        actions.record_activity(
            actor=world.lead.user,
            case=world.case,
            kind=c.ActivityKind.CALL,
            occurred_at=timezone.now() - timedelta(hours=1),
            practitioners=[world.lead],
            parties=[world.sharon],
            belongs_to=world.sharon,
        )
        take_part = consent(world, world.sharon)
        actions.withdraw_consent(
            actor=world.lead.user, consent=take_part, method=c.ConsentMethod.WRITTEN
        )
        task = m.Task.objects.get(case=world.case, kind="inform_withdrawal")
    assert (task.party, task.assignee) == (world.dean, coworker)
