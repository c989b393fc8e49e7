"""Mutual privacy of parties (DOMAIN.md): the privacy sweep.

A full case is played through the real actions, with every private detail of each party written
as a distinctive marker. Then every document and message Mend generates for one party (meeting
invitation, letter PDF, feedback email and survey page), for the referrer (emails) and for the
public (the anonymised case study) is searched for the other party's details. None may appear.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.communication.documents import letter_pdf
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import CaseWorld

pytestmark = pytest.mark.django_db

PRIVATE = {
    "harmed": {
        "first_name": "Sharon",
        "last_name": "Quillfeather",
        "postcode": "CF24 3QZ",
        "contact": {
            "phone": "07700 900111",
            "email": "sharon.quill@example.org",
            "address": "12 Heol Wennol Llanrumney",
        },
        "safety_flags": "SAFETY-HARMED epilepsy medication",
        "never_disclose": "NEVER-HARMED moved to a refuge",
        "accessibility_needs": "ACCESS-HARMED wheelchair user",
        "answer": "ANSWER-HARMED I could not sleep for months",
        "risk": "RISK-HARMED fear of retaliation",
        "notes": "NOTES-HARMED preparation went well",
    },
    "responsible": {
        "first_name": "Mike",
        "last_name": "Brackenridge",
        "postcode": "SA1 8ZX",
        "contact": {
            "phone": "07700 900222",
            "email": "mike.bracken@example.org",
            "address": "4 Stryd Fawr Treforys",
        },
        "safety_flags": "SAFETY-RESPONSIBLE alcohol dependency",
        "never_disclose": "NEVER-RESPONSIBLE new partner's name",
        "accessibility_needs": "ACCESS-RESPONSIBLE dyslexia",
        "answer": "ANSWER-RESPONSIBLE I was drunk and angry",
        "risk": "RISK-RESPONSIBLE previous violence",
        "notes": "NOTES-RESPONSIBLE nervous about meeting",
    },
}


def markers(role: str, *, with_names: bool = False) -> list[str]:
    """Every private detail of one party (names only when asked: a letter may name its writer)."""
    p = PRIVATE[role]
    found = [
        p["postcode"],
        p["postcode"].replace(" ", ""),
        p["contact"]["phone"],
        p["contact"]["email"],
        p["contact"]["address"],
        p["safety_flags"],
        p["never_disclose"],
        p["accessibility_needs"],
        p["answer"],
        p["risk"],
        p["notes"],
    ]
    if with_names:
        found += [p["first_name"], p["last_name"]]
    return found


def assert_clean(text: str, role: str, what: str, *, with_names: bool = False) -> None:
    leaked = [marker for marker in markers(role, with_names=with_names) if marker in text]
    assert not leaked, f"{what} shows the {role} party's private details: {leaked}"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


class PrivacyWorld(CaseWorld):
    """A manager and the practitioner who leads the case."""

    def __init__(self, org, make_member):
        super().__init__(org, make_member)
        self.manager = self.member(Role.MANAGER)
        self.lead = self.member(Role.PRACTITIONER)


@pytest.fixture
def full_case(org, make_member, django_capture_on_commit_callbacks):
    world = PrivacyWorld(org, make_member)
    manager, lead = world.manager.user, world.lead
    with organisation_scope(org), django_capture_on_commit_callbacks(execute=True):
        case = world.open_case(
            lead=lead,
            parties=False,
            source=c.Source.AGENCY,
            referring_agency="Probation Service",
            referrer_contact={"name": "Pat Referrer", "email": "pat.referrer@probation.example"},
            summary="Burglary at the harmed person's home.",
            justice_stage=c.JusticeStage.COMMUNITY,
            reported_on=timezone.localdate(),
        )
        case = actions.transition(actor=manager, case=case, name="accept")
        case = actions.transition(actor=lead.user, case=case, name="start_assessment")
        parties = {}
        for role in ("harmed", "responsible"):
            p = PRIVATE[role]
            party = actions.add_party(
                actor=lead.user,
                case=case,
                role=role,
                first_name=p["first_name"],
                last_name=p["last_name"],
                postcode=p["postcode"],
                contact=p["contact"],
                safety_flags=p["safety_flags"],
                never_disclose=p["never_disclose"],
                accessibility_needs=p["accessibility_needs"],
            )
            for scope in c.ConsentScope.values:
                actions.give_consent(
                    actor=lead.user, party=party, scope=scope, method=c.ConsentMethod.WRITTEN
                )
            question_set = m.QuestionSet.objects.get(party_role=role)
            actions.record_assessment(
                actor=lead.user,
                party=party,
                question_set=question_set,
                answers={question_set.questions[1]["key"]: p["answer"]},
            )
            actions.record_risk_assessment(
                actor=lead.user, case=case, party=party, level=c.RiskLevel.MEDIUM, notes=p["risk"]
            )
            actions.record_activity(
                actor=lead.user,
                case=case,
                kind=c.ActivityKind.PREPARATION,
                occurred_at=timezone.now() - timedelta(hours=1),
                parties=[party],
                belongs_to=party,
                notes=p["notes"],
            )
            parties[role] = party
        actions.record_signoff(actor=manager, case=case, kind=c.SignOffKind.RISK)
        case = actions.transition(actor=lead.user, case=case, name="start_preparation")
        actions.record_principles(
            actor=lead.user, case=case, considered=dict.fromkeys(c.Principle.values, "Considered.")
        )
        both = [parties["harmed"], parties["responsible"]]
        meeting = actions.schedule_meeting(
            actor=lead.user,
            case=case,
            kind=c.ProcessKind.FACE_TO_FACE,
            starts_at=timezone.now() + timedelta(days=7),
            ends_at=timezone.now() + timedelta(days=7, hours=2),
            venue="Community hall",
            attendees=both,
        )
        letter = actions.draft_letter(
            actor=lead.user,
            case=case,
            writer=parties["responsible"],
            recipient=parties["harmed"],
            language="en",
            body="I am truly sorry for the harm I caused to you and your family.",
        )
        letter = actions.screen_letter(
            actor=lead.user,
            letter=letter,
            no_contact_details=True,
            no_blame_shifting=True,
            safe_to_send=True,
        )
        letter = actions.record_letter_opt_in(
            actor=lead.user,
            letter=letter,
            opted_in_on=timezone.localdate(),
            writer_may_know_read=False,
        )
        letter = actions.deliver_letter(
            actor=lead.user, letter=letter, route=c.DeliveryRoute.PROBATION
        )
        tokens = {
            role: actions.send_feedback_request(actor=lead.user, party=party)[1]
            for role, party in parties.items()
        }
        study = actions.draft_case_study(actor=lead.user, case=case)
        case = actions.transition(
            actor=lead.user,
            case=case,
            name="close",
            reason="Letter delivered; both satisfied.",
            closure_reason=c.ClosureReason.COMPLETED_INDIRECT,
        )
    return {
        "case": case,
        "parties": parties,
        "meeting": meeting,
        "letter": letter,
        "tokens": tokens,
        "study": study,
    }


OTHER = {"harmed": "responsible", "responsible": "harmed"}


def test_meeting_invitations_name_nothing_private_of_the_other_party(full_case):
    for role, party in full_case["parties"].items():
        ics = actions.meeting_invitation(full_case["meeting"], for_party=party).decode()
        assert "Community hall" in ics
        assert_clean(ics, OTHER[role], f"{role}'s meeting invitation", with_names=True)


def test_the_letter_pdf_for_the_harmed_person_holds_only_the_letter(full_case):
    with organisation_scope(full_case["case"].organisation):
        text = pdf_text(letter_pdf(full_case["letter"]))
    assert "truly sorry" in text
    assert_clean(text, "responsible", "the letter PDF sent to the harmed person")
    assert_clean(text, "harmed", "the letter PDF (recipient's own private details)")


def test_feedback_emails_and_survey_pages_show_only_their_own_party(full_case):
    for role in full_case["parties"]:
        email = PRIVATE[role]["contact"]["email"]
        sent = [msg for msg in mail.outbox if email in msg.to]
        assert sent, f"no feedback email was sent to the {role} party"
        for msg in sent:
            assert_clean(
                msg.subject + msg.body, OTHER[role], f"{role}'s feedback email", with_names=True
            )
        page = Client().get(reverse("feedback_survey", args=[full_case["tokens"][role]]))
        assert page.status_code == 200
        assert_clean(page.content.decode(), OTHER[role], f"{role}'s survey page", with_names=True)


def test_the_referrer_hears_decisions_without_anyone_s_details(full_case):
    sent = [msg for msg in mail.outbox if "pat.referrer@probation.example" in msg.to]
    assert len(sent) >= 2  # accepted, closed
    for msg in sent:
        for role in PRIVATE:
            assert_clean(msg.subject + msg.body, role, "an email to the referrer", with_names=True)


def test_the_anonymised_case_study_names_and_locates_no_one(full_case):
    study = full_case["study"]
    text = study.title + "\n" + study.narrative
    for role in PRIVATE:
        assert_clean(text, role, "the case study draft", with_names=True)
    assert "*" in text
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b", text)
