"""Delivery: sessions, trainers and their allocation, attendee lists, registers, certificates
(with the public check) and the confidence surveys."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mend.core.models import AuditEvent
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.delivery import evaluation
from tests.pages import error_summary, page_text
from tests.training.support import at, engagement_with_sessions, signed_engagement, soon

pytestmark = pytest.mark.django_db


class World:
    """Cwm's training team: an administrator, an office manager, Alys (advanced trainer), Bryn
    (foundation trainer), Ceri (a trainer with no level yet)."""

    def __init__(self, org, make_member):
        self.org = org
        self.admin = make_member(org, Role.ADMINISTRATOR, email="admin.home@example.test")
        self.office = make_member(org, Role.OFFICE, email="office.home@example.test")
        self.alys = make_member(
            org, Role.TRAINER, email="alys@example.test", full_name="Alys Morgan"
        )
        self.bryn = make_member(
            org, Role.TRAINER, email="bryn@example.test", full_name="Bryn Ellis"
        )
        self.ceri = make_member(org, Role.TRAINER, email="ceri@example.test", full_name="Ceri Rees")
        with organisation_scope(org):
            actions.set_trainer_level(
                actor=self.admin.user, membership=self.alys, level=c.TrainerLevel.ADVANCED
            )
            actions.set_trainer_level(
                actor=self.admin.user, membership=self.bryn, level=c.TrainerLevel.FOUNDATION
            )

    @property
    def actor(self):
        return self.admin.user

    def engagement(self, days, signed=False, **kwargs):
        with organisation_scope(self.org):
            make = signed_engagement if signed else engagement_with_sessions
            return make(self.actor, self.org, days, **kwargs)

    def session(self, engagement):
        with organisation_scope(self.org):
            return engagement.sessions.order_by("starts_at").first()

    def attendees(self, engagement, *people):
        with organisation_scope(self.org):
            return [
                actions.add_attendee(
                    actor=self.actor,
                    engagement=engagement,
                    name=name,
                    email=email,
                    language=language,
                )
                for name, email, language in people
            ]


@pytest.fixture
def world(org, make_member):
    return World(org, make_member)


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---------------------------------------------------------------- trainers and allocation


def test_a_foundation_trainer_cannot_be_allocated(world):
    engagement = world.engagement([soon(40)])
    with organisation_scope(world.org), pytest.raises(ValidationError) as refused:
        actions.allocate_trainer(
            actor=world.actor, session=world.session(engagement), membership=world.bryn
        )
    assert "Only trainers at intermediate or advanced level can be allocated" in _message(
        refused.value
    )
    assert "Bryn Ellis is foundation" in _message(refused.value)


def test_a_member_with_no_trainer_level_cannot_be_allocated(world):
    engagement = world.engagement([soon(40)])
    with organisation_scope(world.org), pytest.raises(ValidationError) as refused:
        actions.allocate_trainer(
            actor=world.actor, session=world.session(engagement), membership=world.ceri
        )
    assert "Only trainers at intermediate or advanced level" in _message(refused.value)
    with organisation_scope(world.org):
        assert not m.SessionTrainer.objects.exists()


def test_a_trainer_already_training_at_that_time_is_refused_with_the_clashing_session(world):
    day = soon(40)
    first = world.engagement([day])
    second = world.engagement([day])
    with organisation_scope(world.org):
        actions.allocate_trainer(
            actor=world.actor, session=world.session(first), membership=world.alys, is_lead=True
        )
        with pytest.raises(ValidationError) as refused:
            actions.allocate_trainer(
                actor=world.actor, session=world.session(second), membership=world.alys
            )
    expected = (
        f"Alys Morgan is already training {first.reference} on {day.day} {day:%B %Y} from 09:30."
    )
    assert expected in _message(refused.value)


def test_a_trainer_free_at_that_time_is_allocated_and_can_be_removed(world):
    day = soon(40)
    morning = world.engagement([day])
    with organisation_scope(world.org):
        actions.allocate_trainer(
            actor=world.actor, session=world.session(morning), membership=world.alys
        )
        afternoon = actions.create_engagement(
            actor=world.actor, client=morning.client, course=morning.course
        )
        later = actions.add_session(
            actor=world.actor,
            engagement=afternoon,
            starts_at=at(day, 15, 30),  # starts as the morning session ends
            ends_at=at(day, 17, 0),
            venue="Library",
        )
        allocation = actions.allocate_trainer(
            actor=world.actor, session=later, membership=world.alys, is_lead=True
        )
        assert allocation.is_lead
        assert set(m.SessionTrainer.objects.values_list("session", flat=True)) == {
            world.session(morning).pk,
            later.pk,
        }
        actions.remove_trainer(actor=world.actor, allocation=allocation)
        assert not m.SessionTrainer.objects.filter(session=later).exists()


def test_the_session_page_shows_why_an_allocation_was_refused(world, signed_in):
    engagement = world.engagement([soon(40)])
    session = world.session(engagement)
    client = signed_in(world.office.user, world.org)
    response = client.post(
        reverse("training_session_allocate", args=[session.pk]),
        {"membership": world.bryn.pk, "role": "support"},
    )
    assert response.status_code == 200
    assert any("intermediate or advanced" in e for e in error_summary(response))
    response = client.post(
        reverse("training_session_allocate", args=[session.pk]),
        {"membership": world.alys.pk, "role": "lead"},
    )
    assert response.status_code == 302
    text = page_text(client.get(reverse("training_session", args=[session.pk])))
    assert "Alys Morgan Lead trainer Advanced" in text


def test_the_administrator_sets_trainer_levels_for_trainers_and_practitioners(
    world, make_member, signed_in
):
    practitioner = make_member(
        world.org, Role.PRACTITIONER, email="dewi@example.test", full_name="Dewi Price"
    )
    client = signed_in(world.admin.user, world.org)
    page = page_text(client.get(reverse("training_trainers")))
    assert "Alys Morgan" in page and "Ceri Rees" in page and "Not recorded" in page
    response = client.post(
        reverse("training_trainers"), {"membership": practitioner.pk, "level": "intermediate"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("training_trainer_level", args=[world.bryn.pk]),
        {"level": "intermediate", "notes": "Observed twice", "version": 1},
    )
    assert response.status_code == 302
    with organisation_scope(world.org):
        levels = dict(m.TrainerProfile.objects.values_list("membership__user__email", "level"))
    assert levels["dewi@example.test"] == "intermediate"
    assert levels["bryn@example.test"] == "intermediate"
    assert "Dewi Price" in page_text(client.get(reverse("training_trainers")))


def test_only_the_administrator_sets_trainer_levels(world):
    with organisation_scope(world.org), pytest.raises(PermissionDenied):
        actions.set_trainer_level(
            actor=world.office.user, membership=world.ceri, level=c.TrainerLevel.ADVANCED
        )


# ---------------------------------------------------------------- sessions


def test_a_session_is_added_and_changed_in_uk_time(world, signed_in):
    engagement = world.engagement([soon(60)])
    client = signed_in(world.office.user, world.org)
    day = soon(70)
    response = client.post(
        reverse("training_session_new", args=[engagement.pk]),
        {
            "day": day.isoformat(),
            "starts": "09:00",
            "ends": "12:30",
            "where": "in_person",
            "venue": "Neuadd y Dref",
            "materials": "Talking piece",
        },
    )
    assert response.status_code == 302
    with organisation_scope(world.org):
        session = engagement.sessions.get(venue="Neuadd y Dref")
    assert session.starts_at == at(day, 9, 0)
    assert session.value == engagement.course.price
    response = client.post(
        reverse("training_session_edit", args=[session.pk]),
        {
            "day": day.isoformat(),
            "starts": "10:00",
            "ends": "13:00",
            "where": "online",
            "venue": "",
            "materials": "Slides",
            "version": session.version,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.is_online, session.materials) == (
        at(day, 10, 0),
        True,
        "Slides",
    )
    text = page_text(client.get(reverse("training_session", args=[session.pk])))
    assert "10:00 to 13:00" in text and "Slides" in text


def test_a_session_must_end_after_it_starts(world, signed_in):
    engagement = world.engagement([soon(60)])
    client = signed_in(world.office.user, world.org)
    response = client.post(
        reverse("training_session_new", args=[engagement.pk]),
        {"day": soon(61).isoformat(), "starts": "14:00", "ends": "09:00", "where": "online"},
    )
    assert error_summary(response) == ["The session must end after it starts."]


def test_the_postpone_page_says_why_before_any_form_when_the_policy_does_not_allow_it(
    world, signed_in
):
    engagement = world.engagement([soon(5)], signed=True)
    session = world.session(engagement)
    client = signed_in(world.office.user, world.org)
    response = client.get(reverse("training_session_postpone", args=[session.pk]))
    text = page_text(response)
    assert "free postponement with at least 14 days' notice" in text
    assert "<form" not in response.content.decode().split("govuk-warning-text")[1]
    response = client.post(
        reverse("training_session_postpone", args=[session.pk]),
        {"day": soon(50).isoformat(), "starts": "09:30", "ends": "15:30"},
    )
    session.refresh_from_db()
    assert session.postponements == 0


def test_a_session_with_enough_notice_is_postponed_without_a_fee(world, signed_in):
    engagement = world.engagement([soon(30)], signed=True)
    session = world.session(engagement)
    client = signed_in(world.office.user, world.org)
    new_day = soon(60)
    response = client.post(
        reverse("training_session_postpone", args=[session.pk]),
        {"day": new_day.isoformat(), "starts": "09:30", "ends": "15:30", "reason": "Inset day"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.postponements) == (at(new_day), 1)


def test_only_a_session_that_has_started_can_be_marked_delivered(world):
    engagement = world.engagement([soon(-1), soon(0), soon(3)], signed=True)
    with organisation_scope(world.org):
        yesterday, today, later = engagement.sessions.order_by("starts_at")
        actions.mark_session_delivered(actor=world.actor, session=yesterday)
        actions.mark_session_delivered(actor=world.actor, session=today)
        with pytest.raises(ValidationError) as refused:
            actions.mark_session_delivered(actor=world.actor, session=later)
        assert "on the day it takes place or later" in _message(refused.value)
        with pytest.raises(ValidationError):
            actions.mark_session_delivered(actor=world.actor, session=yesterday)
        engagement.refresh_from_db()
        assert engagement.status == c.EngagementStatus.SIGNED
        assert AuditEvent.objects.filter(action="training.session_delivered").count() == 2


def test_delivering_the_last_session_makes_the_engagement_delivered(world, signed_in):
    engagement = world.engagement([soon(-1)], signed=True)
    session = world.session(engagement)
    client = signed_in(world.office.user, world.org)
    response = client.post(reverse("training_session_delivered", args=[session.pk]))
    assert response.status_code == 302
    engagement.refresh_from_db()
    session.refresh_from_db()
    assert session.status == c.SessionStatus.DELIVERED
    assert engagement.status == c.EngagementStatus.DELIVERED


# ---------------------------------------------------------------- trainers' own sessions


def test_a_trainer_sees_and_registers_only_the_sessions_they_deliver(world, signed_in):
    mine = world.engagement([soon(0)])
    theirs = world.engagement([soon(0)], client=mine.client)
    (ann,) = world.attendees(mine, ("Ann Jones", "ann@example.test", "en"))
    mine_session = world.session(mine)
    with organisation_scope(world.org):
        actions.allocate_trainer(actor=world.actor, session=mine_session, membership=world.alys)
    client = signed_in(world.alys.user, world.org)
    listing = page_text(client.get(reverse("training_my_sessions")))
    assert mine.reference in listing and theirs.reference not in listing
    other = world.session(theirs)
    assert client.get(reverse("training_session", args=[other.pk])).status_code == 404
    assert client.get(reverse("training_session_register", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("training_session_register", args=[mine_session.pk]), {"present": [ann.pk]}
    )
    assert response.status_code == 302
    with organisation_scope(world.org):
        assert m.Attendance.objects.get(attendee=ann).present is True
        with pytest.raises(PermissionDenied):
            actions.record_attendance(actor=world.bryn.user, session=mine_session, present_ids=[])


def test_the_register_can_only_be_taken_from_the_day_of_the_session(world, signed_in):
    engagement = world.engagement([soon(2)])
    (ann,) = world.attendees(engagement, ("Ann Jones", "", "en"))
    session = world.session(engagement)
    with organisation_scope(world.org), pytest.raises(ValidationError) as refused:
        actions.record_attendance(actor=world.actor, session=session, present_ids=[ann.pk])
    assert "from the day of the session" in _message(refused.value)
    client = signed_in(world.office.user, world.org)
    response = client.get(reverse("training_session_register", args=[session.pk]))
    assert "from the day of the session" in page_text(response)
    assert 'name="present"' not in response.content.decode()


def test_the_register_records_present_and_absent_and_can_be_corrected(world):
    engagement = world.engagement([soon(0)])
    ann, ben = world.attendees(
        engagement, ("Ann Jones", "ann@example.test", "en"), ("Ben Hill", "", "en")
    )
    session = world.session(engagement)
    with organisation_scope(world.org):
        actions.record_attendance(actor=world.actor, session=session, present_ids=[ann.pk])
        assert dict(m.Attendance.objects.values_list("attendee__name", "present")) == {
            "Ann Jones": True,
            "Ben Hill": False,
        }
        actions.record_attendance(
            actor=world.actor, session=session, present_ids=[str(ann.pk), str(ben.pk)]
        )
        assert m.Attendance.objects.filter(present=True).count() == 2
        assert m.Attendance.objects.count() == 2


# ---------------------------------------------------------------- attendees


def test_attendees_are_added_one_at_a_time_without_duplicate_emails(world, signed_in):
    engagement = world.engagement([soon(30)])
    client = signed_in(world.office.user, world.org)
    url = reverse("training_attendees", args=[engagement.pk])
    data = {"name": "Ann Jones", "email": "ann@example.test", "job_title": "Teacher"}
    response = client.post(url, {**data, "language": "cy"})
    assert response.status_code == 302
    response = client.post(url, {**data, "email": "ANN@example.test", "language": "en"})
    assert error_summary(response) == ["Someone with this email address is already on the list."]
    with organisation_scope(world.org):
        assert list(engagement.attendees.values_list("name", "language")) == [("Ann Jones", "cy")]


def test_a_pasted_list_with_a_wrong_line_saves_nobody_and_names_the_lines(world, signed_in):
    engagement = world.engagement([soon(30)])
    world.attendees(engagement, ("Ann Jones", "ann@example.test", "en"))
    client = signed_in(world.office.user, world.org)
    url = reverse("training_attendees_paste", args=[engagement.pk])
    text = "\n".join(
        [
            "Carys Hughes, carys@example.test",
            "Dafydd Evans, not-an-email",
            "",
            "Ann Jones, ann@example.test",
            "Eleri Watkins",
            "Ffion Lloyd, carys@example.test",
        ]
    )
    response = client.post(url, {"attendees": text, "language": "en"})
    assert error_summary(response) == [
        "Line 2: Enter an email address like name@example.com.",
        "Line 4: ann@example.test is already on the attendee list.",
        "Line 6: carys@example.test is also on line 1.",
    ]
    assert "Dafydd Evans, not-an-email" in response.content.decode()
    with organisation_scope(world.org):
        assert engagement.attendees.count() == 1
    good = "Carys Hughes, carys@example.test\nEleri Watkins\n"
    response = client.post(url, {"attendees": good, "language": "cy"})
    assert response.status_code == 302
    with organisation_scope(world.org):
        assert sorted(engagement.attendees.values_list("name", "email", "language")) == [
            ("Ann Jones", "ann@example.test", "en"),
            ("Carys Hughes", "carys@example.test", "cy"),
            ("Eleri Watkins", "", "cy"),
        ]


def test_an_attendee_on_a_register_cannot_be_removed(world, signed_in):
    engagement = world.engagement([soon(0)])
    ann, _ben = world.attendees(engagement, ("Ann Jones", "", "en"), ("Ben Hill", "", "en"))
    with organisation_scope(world.org):
        actions.record_attendance(
            actor=world.actor, session=world.session(engagement), present_ids=[ann.pk]
        )
    # Ben is on the register too (as absent): add Cai, who is on none.
    (cai,) = world.attendees(engagement, ("Cai Owen", "", "en"))
    client = signed_in(world.office.user, world.org)
    client.post(reverse("training_attendee_remove", args=[ann.pk]))
    client.post(reverse("training_attendee_remove", args=[cai.pk]))
    with organisation_scope(world.org):
        assert sorted(engagement.attendees.values_list("name", flat=True)) == [
            "Ann Jones",
            "Ben Hill",
        ]


# ---------------------------------------------------------------- completion and certificates


def delivered_engagement(world, days, attendees, present_by_session):
    """A signed engagement whose sessions (all in the past) are delivered with registers."""
    engagement = world.engagement(days, signed=True)
    people = world.attendees(engagement, *attendees)
    with organisation_scope(world.org):
        sessions = list(engagement.sessions.order_by("starts_at"))
        for session, present in zip(sessions, present_by_session, strict=True):
            actions.record_attendance(
                actor=world.actor,
                session=session,
                present_ids=[people[i].pk for i in present],
            )
            actions.mark_session_delivered(actor=world.actor, session=session)
    return engagement, people


def test_an_attendee_completes_by_being_present_at_every_delivered_session(world):
    engagement, (_ann, _ben) = delivered_engagement(
        world,
        [soon(-3), soon(-2)],
        [("Ann Jones", "", "en"), ("Ben Hill", "", "en")],
        [[0, 1], [0]],
    )
    with organisation_scope(world.org):
        assert [a.name for a in actions.completed_attendees(engagement)] == ["Ann Jones"]


def test_nobody_completes_while_a_session_is_still_scheduled(world):
    engagement = world.engagement([soon(-2), soon(10)], signed=True)
    (ann,) = world.attendees(engagement, ("Ann Jones", "ann@example.test", "en"))
    with organisation_scope(world.org):
        first = engagement.sessions.order_by("starts_at").first()
        actions.record_attendance(actor=world.actor, session=first, present_ids=[ann.pk])
        actions.mark_session_delivered(actor=world.actor, session=first)
        assert actions.completed_attendees(engagement) == []
        with pytest.raises(ValidationError) as refused:
            actions.issue_certificates(actor=world.actor, engagement=engagement)
    assert "every session has been delivered or cancelled" in _message(refused.value)


def test_certificates_are_issued_once_and_emailed_with_a_pdf_in_the_attendees_language(
    world, signed_in, django_capture_on_commit_callbacks
):
    engagement, (_ann, _ben, _cai) = delivered_engagement(
        world,
        [soon(-3), soon(-2)],
        [
            ("Ann Jones", "ann@example.test", "cy"),
            ("Ben Hill", "", "en"),
            ("Cai Owen", "cai@example.test", "en"),
        ],
        [[0, 1, 2], [0, 1]],
    )
    client = signed_in(world.office.user, world.org)
    url = reverse("training_certificates", args=[engagement.pk])
    assert "Issue 2 certificates" in page_text(client.get(url))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"submission_id": "first-press"})
    assert response.status_code == 302
    with organisation_scope(world.org):
        certificates = {cert.holder_name: cert for cert in m.Certificate.objects.all()}
    assert set(certificates) == {"Ann Jones", "Ben Hill"}
    ann_cert = certificates["Ann Jones"]
    assert (ann_cert.language, ann_cert.completed_on, ann_cert.cpd_hours) == (
        "cy",
        soon(-2),
        engagement.course.cpd_hours,
    )
    assert [message.to for message in mail.outbox] == [["ann@example.test"]]
    (_name, content, mimetype) = mail.outbox[0].attachments[0]
    assert mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Ann Jones" in text
    assert "Dulliau adferol mewn ysgolion" in text  # the Welsh course title
    assert ann_cert.code in text
    assert reverse("training_certificate", args=[ann_cert.code]) in mail.outbox[0].body
    # A second press issues nothing more.
    client.post(url, {"submission_id": "another"})
    with organisation_scope(world.org):
        assert m.Certificate.objects.count() == 2
    download = client.get(reverse("training_certificate_download", args=[ann_cert.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"%PDF" in download.content[:10]


def _certificate(world, name="Ann Jones"):
    engagement, _people = delivered_engagement(world, [soon(-2)], [(name, "", "en")], [[0]])
    with organisation_scope(world.org):
        (certificate,) = actions.issue_certificates(actor=world.actor, engagement=engagement)
    return certificate


def test_anyone_can_confirm_a_genuine_certificate_by_its_code(world, client):
    certificate = _certificate(world)
    response = client.get(
        reverse("training_certificate_check"), {"code": certificate.code.lower().replace("-", " ")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("training_certificate", args=[certificate.code])
    text = page_text(client.get(response["Location"]))
    assert "This certificate is genuine" in text
    assert "Ann Jones" in text
    assert "Restorative approaches in schools" in text
    assert f"Completed on {certificate.completed_on.day} " in text
    assert "Home Restorative Service" in text


def test_an_unknown_code_is_not_found_with_the_same_answer_shape(world, client):
    certificate = _certificate(world)
    genuine = client.get(reverse("training_certificate", args=[certificate.code]))
    missing = client.get(reverse("training_certificate", args=["ZZZZ-ZZZZ-ZZZZ"]))
    assert genuine.status_code == missing.status_code == 200
    text = page_text(missing)
    assert "No certificate was found with the code ZZZZ-ZZZZ-ZZZZ" in text
    assert "genuine" not in text and "Ann Jones" not in text


def test_a_revoked_certificate_says_so(world, client):
    certificate = _certificate(world)
    with organisation_scope(world.org):
        m.Certificate.objects.filter(pk=certificate.pk).update(
            revoked_at=timezone.now(), revoked_reason="Issued in error"
        )
    text = page_text(client.get(reverse("training_certificate", args=[certificate.code])))
    assert "was revoked by Home Restorative Service" in text
    assert "This certificate is genuine" not in text


def test_the_check_form_asks_for_a_code(client, db):
    response = client.get(reverse("training_certificate_check"), {"code": ""})
    assert error_summary(response) == ["Enter the verification code from the certificate."]


# ---------------------------------------------------------------- confidence surveys


def _token(message) -> str:
    return re.search(r"/training/evaluation/([\w-]+)/", message.body).group(1)


ALL_FOURS = dict.fromkeys(evaluation.CODES, "4")


def test_survey_links_are_emailed_once_per_stage_in_each_attendees_language(
    world, django_capture_on_commit_callbacks
):
    engagement = world.engagement([soon(10)])
    world.attendees(
        engagement,
        ("Ann Jones", "ann@example.test", "cy"),
        ("Ben Hill", "ben@example.test", "en"),
        ("Cai Owen", "", "en"),
    )
    mail.outbox.clear()
    with organisation_scope(world.org), django_capture_on_commit_callbacks(execute=True):
        sent = actions.send_evaluations(actor=world.actor, engagement=engagement, stage="pre")
        with pytest.raises(ValidationError) as again:
            actions.send_evaluations(actor=world.actor, engagement=engagement, stage="pre")
        with pytest.raises(ValidationError) as too_early:
            actions.send_evaluations(actor=world.actor, engagement=engagement, stage="post")
    assert len(sent) == 2
    assert "already been sent" in _message(again.value)
    assert "once a session has been delivered" in _message(too_early.value)
    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {"ann@example.test", "ben@example.test"}
    assert "Dulliau adferol mewn ysgolion" in by_person["ann@example.test"].body
    assert "Restorative approaches in schools" in by_person["ben@example.test"].body
    token = _token(by_person["ann@example.test"])
    with organisation_scope(world.org):
        stored = m.EvaluationRequest.objects.get(attendee__name="Ann Jones")
        assert token not in stored.token_hash
        assert stored.expires_at - stored.sent_at == timedelta(days=30)


def test_a_survey_is_answered_once_then_thanks(world, client, django_capture_on_commit_callbacks):
    engagement = world.engagement([soon(10)])
    world.attendees(engagement, ("Ben Hill", "ben@example.test", "en"))
    mail.outbox.clear()
    with organisation_scope(world.org), django_capture_on_commit_callbacks(execute=True):
        actions.send_evaluations(actor=world.actor, engagement=engagement, stage="pre")
    url = reverse("training_evaluation", args=[_token(mail.outbox[0])])
    page = page_text(client.get(url))
    assert "I feel confident using restorative questions" in page
    incomplete = client.post(url, {"explain": "2"})
    assert len(error_summary(incomplete)) == len(evaluation.CODES) - 1
    response = client.post(url, {**ALL_FOURS, "explain": "2", "comments": "Useful"})
    assert response.status_code == 302
    thanks = client.get(url)
    assert thanks.status_code == 200
    assert "You have answered this survey. Thank you." in page_text(thanks)
    client.post(url, {**ALL_FOURS, "explain": "5"})
    with organisation_scope(world.org):
        answered = m.EvaluationRequest.objects.get()
    assert answered.answers["explain"] == 2 and answered.answers["apply"] == 4
    assert client.get(reverse("training_evaluation", args=["not-a-token"])).status_code == 404


def test_an_expired_survey_link_is_refused(world, client, django_capture_on_commit_callbacks):
    engagement = world.engagement([soon(10)])
    world.attendees(engagement, ("Ben Hill", "ben@example.test", "en"))
    mail.outbox.clear()
    with organisation_scope(world.org), django_capture_on_commit_callbacks(execute=True):
        actions.send_evaluations(actor=world.actor, engagement=engagement, stage="pre")
        m.EvaluationRequest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("training_evaluation", args=[_token(mail.outbox[0])]))
    assert response.status_code == 410


def _answer(world, engagement, stage, answers_by_email, on_commit):
    mail.outbox.clear()
    with organisation_scope(world.org), on_commit(execute=True):
        actions.send_evaluations(actor=world.actor, engagement=engagement, stage=stage)
    for message in mail.outbox:
        answers = answers_by_email.get(message.to[0])
        if answers is not None:
            actions.answer_evaluation(token=_token(message), answers=answers)


def test_results_average_each_statement_before_and_after_per_course_and_trainer(
    world, signed_in, django_capture_on_commit_callbacks
):
    on_commit = django_capture_on_commit_callbacks
    engagement = world.engagement([soon(-1)], signed=True)
    world.attendees(
        engagement,
        ("Ann Jones", "ann@example.test", "en"),
        ("Ben Hill", "ben@example.test", "en"),
        ("Cai Owen", "cai@example.test", "en"),
    )
    session = world.session(engagement)
    with organisation_scope(world.org):
        actions.allocate_trainer(actor=world.actor, session=session, membership=world.alys)
    low = dict.fromkeys(evaluation.CODES, 2)
    _answer(
        world,
        engagement,
        "pre",
        {"ann@example.test": low, "ben@example.test": {**low, "explain": 3}},
        on_commit,
    )
    with organisation_scope(world.org):
        actions.mark_session_delivered(actor=world.actor, session=session)
    top = dict.fromkeys(evaluation.CODES, 5)
    _answer(world, engagement, "post", {"ann@example.test": top}, on_commit)
    with organisation_scope(world.org):
        result = evaluation.course_results(engagement.course)
        by_trainer = evaluation.trainer_results(world.alys)
        nobody = evaluation.trainer_results(world.bryn)
    assert (result.pre_responses, result.post_responses) == (2, 1)
    explain = result.questions[0]
    assert (str(explain.pre), str(explain.post), str(explain.change)) == ("2.5", "5.0", "2.5")
    assert str(result.questions[1].pre) == "2.0"
    assert by_trainer == result
    assert (nobody.pre_responses, nobody.post_responses) == (0, 0)
    client = signed_in(world.office.user, world.org)
    text = page_text(client.get(reverse("training_course_results", args=[engagement.course.pk])))
    assert "2 answers before the course and 1 after it" in text
    assert "I can explain what restorative practice is 2.5 5.0 +2.5" in text
    text = page_text(client.get(reverse("training_trainer_results", args=[world.alys.pk])))
    assert "Alys Morgan" in text and "2.5 5.0 +2.5" in text
