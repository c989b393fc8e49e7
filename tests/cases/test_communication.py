"""Communication between parties: shuttle mediation messages and letters (with their PDF)."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from pypdf import PdfReader

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.communication import queries
from mend.core.models import AccessLog, AuditEvent
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import CaseWorld
from tests.pages import error_summary

pytestmark = pytest.mark.django_db

SHARON_PRIVATE = [
    "07700 900001",
    "sharon@example.test",
    "14 Heol y Felin",
    "CF10 1AA",
    "She has moved to her sister's in Pontypridd",
    "Ex-partner must not learn her new area",
]
DEAN_PRIVATE = [
    "07700 900002",
    "dean@example.test",
    "3 Splott Road",
    "CF24 2BB",
    "Works nights at the Tremorfa depot",
    "Previous conviction for carrying a blade",
]
DEAN_LETTER = (
    "I am sorry for what I did to you and your family.\n\n"
    "I think about that night often and I want you to know it was my fault, not yours."
)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    return text + "\n" + metadata


class World(CaseWorld):
    """A criminal-justice case: Sharon (harmed) and Dean (responsible), led by Priya."""

    def __init__(self, org, make_member):
        super().__init__(org, make_member)
        self.manager = self.member(Role.MANAGER, "Morgan Price")
        self.practitioner = self.member(Role.PRACTITIONER, "Priya Shah")
        self.colleague = self.member(Role.PRACTITIONER, "Owen Lloyd")
        self.case = self.open_case(
            lead=self.practitioner,
            sharon={
                "postcode": "CF10 1AA",
                "preferred_language": "cy",
                "contact": {
                    "phone": "07700 900001",
                    "email": "sharon@example.test",
                    "address": "14 Heol y Felin",
                },
                "never_disclose": "She has moved to her sister's in Pontypridd",
                "safety_flags": "Ex-partner must not learn her new area",
            },
            dean={
                "postcode": "CF24 2BB",
                "contact": {
                    "phone": "07700 900002",
                    "email": "dean@example.test",
                    "address": "3 Splott Road",
                },
                "never_disclose": "Works nights at the Tremorfa depot",
                "safety_flags": "Previous conviction for carrying a blade",
            },
        )

    @property
    def priya(self):
        return self.practitioner.user

    def message(self, text="Dean wants Sharon to know he is sorry."):
        with organisation_scope(self.org):
            return actions.record_shuttle_message(
                actor=self.priya, case=self.case, sender=self.dean, recipient=self.sharon, text=text
            )

    def letter(self, language="en", body=DEAN_LETTER, answers=None):
        with organisation_scope(self.org):
            return actions.draft_letter(
                actor=self.priya,
                case=self.case,
                writer=self.dean,
                recipient=self.sharon,
                body=body,
                language=language,
                answers=answers or {"what_happened": "I broke into her car."},
            )

    def screened(self, **kwargs):
        letter = self.letter(**kwargs)
        with organisation_scope(self.org):
            return actions.screen_letter(
                actor=self.priya,
                letter=letter,
                no_contact_details=True,
                no_blame_shifting=True,
                safe_to_send=True,
            )

    def opt_in(self, letter, writer_may_know_read=False):
        with organisation_scope(self.org):
            return actions.record_letter_opt_in(
                actor=self.priya,
                letter=letter,
                opted_in_on=timezone.localdate(),
                writer_may_know_read=writer_may_know_read,
            )

    def deliver(self, letter, route=c.DeliveryRoute.PROBATION, **kwargs):
        with organisation_scope(self.org):
            return actions.deliver_letter(actor=self.priya, letter=letter, route=route, **kwargs)


@pytest.fixture
def world(org, make_member):
    return World(org, make_member)


@pytest.fixture
def priya_client(world, signed_in):
    return signed_in(world.priya, world.org)


# ---------------------------------------------------------------- shuttle mediation


def test_a_message_cannot_be_passed_on_before_it_is_approved(world):
    message = world.message()
    with organisation_scope(world.org), pytest.raises(ValidationError) as refused:
        actions.mark_message_delivered(actor=world.priya, message=message)
    assert "Only an approved message can be passed on" in str(refused.value)

    with organisation_scope(world.org):
        actions.approve_message(actor=world.priya, message=message)
        actions.mark_message_delivered(actor=world.priya, message=message)
        message.refresh_from_db()
    assert message.status == c.MessageStatus.DELIVERED
    assert message.approved_by == world.priya
    assert message.approved_at is not None and message.delivered_at is not None


def test_a_withheld_message_keeps_its_reason_and_is_never_passed_on(world):
    message = world.message()
    with organisation_scope(world.org):
        with pytest.raises(ValidationError):
            actions.withhold_message(actor=world.priya, message=message, reason="  ")
        actions.withhold_message(
            actor=world.priya, message=message, reason="It names the street where he works."
        )
        message.refresh_from_db()
        assert message.status == c.MessageStatus.WITHHELD
        assert message.withheld_reason == "It names the street where he works."
        with pytest.raises(ValidationError):
            actions.mark_message_delivered(actor=world.priya, message=message)
        with pytest.raises(ValidationError):
            actions.approve_message(actor=world.priya, message=message)


def test_a_practitioner_not_on_the_case_cannot_record_or_approve_messages(world):
    message = world.message()
    from django.core.exceptions import PermissionDenied

    with organisation_scope(world.org):
        with pytest.raises(PermissionDenied):
            actions.approve_message(actor=world.colleague.user, message=message)
        with pytest.raises(PermissionDenied):
            actions.record_shuttle_message(
                actor=world.colleague.user,
                case=world.case,
                sender=world.sharon,
                recipient=world.dean,
                text="Hello",
            )


def test_the_audit_trail_never_holds_the_words_of_messages_or_letters(world):
    secret_words = [
        "Dean wants Sharon to know he is sorry.",
        "It names the street where he works.",
        "I broke into her car.",
        "I think about that night often",
        "Please take out the second paragraph.",
    ]
    approved = world.message()
    withheld = world.message(text="Second message, withheld")
    letter = world.letter()
    with organisation_scope(world.org):
        actions.approve_message(actor=world.priya, message=approved)
        actions.mark_message_delivered(actor=world.priya, message=approved)
        actions.withhold_message(
            actor=world.priya, message=withheld, reason="It names the street where he works."
        )
        actions.return_letter_to_draft(
            actor=world.priya, letter=letter, note="Please take out the second paragraph."
        )
        actions.update_letter(
            actor=world.priya,
            letter=letter,
            body=DEAN_LETTER + "\nYours, Dean",
            language="en",
            answers={"what_happened": "I broke into her car."},
        )
        events = list(AuditEvent.objects.filter(organisation=world.org))
    actions_seen = {e.action for e in events}
    assert {
        "case.message_recorded",
        "case.message_approved",
        "case.message_delivered",
        "case.message_withheld",
        "case.letter_drafted",
        "case.letter_returned_to_draft",
        "case.letter_changed",
    } <= actions_seen
    trail = json.dumps([[e.changes, e.object_label] for e in events])
    for words in [*secret_words, "Second message, withheld"]:
        assert words not in trail


def test_message_text_and_letter_answers_are_encrypted_at_rest(world):
    message = world.message()
    letter = world.letter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_shuttlemessage WHERE id = %s", [message.pk])
        (text,) = cursor.fetchone()
        cursor.execute("SELECT answers, body FROM cases_letter WHERE id = %s", [letter.pk])
        answers, body = cursor.fetchone()
    for stored in (text, answers, body):
        assert str(stored).startswith("fernet:")
    assert "sorry" not in text
    assert "broke into" not in str(answers)
    assert "that night" not in body


# ---------------------------------------------------------------- letters


def test_a_letter_is_not_delivered_before_it_is_screened(world):
    letter = world.letter()
    world.opt_in(letter)
    with pytest.raises(actions.LetterRefused) as refused:
        world.deliver(letter)
    assert refused.value.reasons == ["The letter has not been screened by a practitioner."]
    letter.refresh_from_db()
    assert letter.status == c.LetterStatus.DRAFT and letter.delivered_on is None


def test_a_screened_letter_is_not_delivered_unless_the_recipient_asked_for_it(world):
    letter = world.screened()
    with pytest.raises(actions.LetterRefused) as refused:
        world.deliver(letter)
    assert len(refused.value.reasons) == 1
    assert "has not said they want this letter" in refused.value.reasons[0]
    letter.refresh_from_db()
    assert letter.status == c.LetterStatus.SCREENED


def test_a_screened_letter_the_recipient_wants_goes_via_the_probation_service(world):
    letter = world.opt_in(world.screened())
    world.deliver(letter, route=c.DeliveryRoute.PROBATION, route_agency="Cardiff Probation")
    letter.refresh_from_db()
    assert letter.status == c.LetterStatus.DELIVERED
    assert letter.delivered_on == timezone.localdate()
    assert letter.route == c.DeliveryRoute.PROBATION
    assert letter.route_agency == "Cardiff Probation"
    assert letter.screened_by == world.priya and letter.screened_at is not None


def test_delivery_via_another_agency_needs_its_name(world):
    letter = world.opt_in(world.screened())
    with pytest.raises(ValidationError) as refused:
        world.deliver(letter, route=c.DeliveryRoute.OTHER_AGENCY)
    assert "route_agency" in refused.value.error_dict


def test_screening_needs_every_check_and_can_send_the_letter_back_to_draft(world):
    letter = world.letter()
    with organisation_scope(world.org):
        with pytest.raises(actions.LetterRefused) as refused:
            actions.screen_letter(
                actor=world.priya,
                letter=letter,
                no_contact_details=True,
                no_blame_shifting=False,
                safe_to_send=True,
            )
        assert refused.value.reasons == [
            "Confirm the letter does not shift blame onto the person receiving it."
        ]
        screened = world.screened()
        actions.return_letter_to_draft(
            actor=world.priya, letter=screened, note="Take out the line about her car park."
        )
        screened.refresh_from_db()
    assert screened.status == c.LetterStatus.DRAFT
    assert screened.screened_by is None and screened.screened_at is None
    assert screened.screening_note == "Take out the line about her car park."


def test_a_letter_can_be_held_on_file_until_the_recipient_wants_it(world):
    letter = world.screened()
    world.deliver(letter, route=c.DeliveryRoute.HOLD)
    letter.refresh_from_db()
    assert letter.status == c.LetterStatus.HELD
    assert letter.delivered_on is None

    with pytest.raises(actions.LetterRefused):
        world.deliver(letter, route=c.DeliveryRoute.DIRECT)

    world.opt_in(letter)
    world.deliver(letter, route=c.DeliveryRoute.DIRECT)
    letter.refresh_from_db()
    assert letter.status == c.LetterStatus.DELIVERED
    assert letter.route == c.DeliveryRoute.DIRECT


def test_a_draft_letter_cannot_even_be_held_on_file(world):
    letter = world.letter()
    with pytest.raises(actions.LetterRefused):
        world.deliver(letter, route=c.DeliveryRoute.HOLD)


def test_the_writer_is_told_the_letter_was_read_only_if_the_recipient_allows_it(
    world, priya_client
):
    private = world.deliver(world.opt_in(world.screened(), writer_may_know_read=False))
    shared = world.deliver(world.opt_in(world.screened(), writer_may_know_read=True))
    with organisation_scope(world.org):
        for letter in (private, shared):
            actions.record_letter_read(
                actor=world.priya,
                letter=letter,
                read_on=timezone.localdate(),
                writer_may_know_read=letter.writer_may_know_read,
            )
            letter.refresh_from_db()
    assert private.status == shared.status == c.LetterStatus.READ
    assert queries.status_for_writer(private) == c.LetterStatus.DELIVERED
    assert queries.status_for_writer(shared) == c.LetterStatus.READ

    html = priya_client.get(reverse("letter_detail", args=[private.pk])).content.decode()
    told = re.search(r"What the writer may be told</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert told.group(1).strip() == "Delivered"
    html = priya_client.get(reverse("letter_detail", args=[shared.pk])).content.decode()
    told = re.search(r"What the writer may be told</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert told.group(1).strip() == "Read"


def test_a_letter_is_read_only_after_it_was_delivered(world):
    letter = world.opt_in(world.screened())
    with organisation_scope(world.org), pytest.raises(ValidationError):
        actions.record_letter_read(
            actor=world.priya,
            letter=letter,
            read_on=timezone.localdate(),
            writer_may_know_read=True,
        )


def test_a_second_editor_does_not_silently_overwrite_a_draft(world):
    letter = world.letter()
    with organisation_scope(world.org):
        actions.update_letter(
            actor=world.priya, letter=letter, body="First edit", language="en", version=1
        )
        with pytest.raises(ValidationError) as conflict:
            actions.update_letter(
                actor=world.priya, letter=letter, body="Second edit", language="en", version=1
            )
        letter.refresh_from_db()
    assert "Someone else changed this record" in str(conflict.value)
    assert letter.body == "First edit"


# ---------------------------------------------------------------- the PDF


def test_the_letter_pdf_holds_the_letter_and_nothing_private_of_either_party(world, priya_client):
    letter = world.opt_in(world.screened())
    response = priya_client.get(reverse("letter_pdf", args=[letter.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    flat = " ".join(text.split())
    assert "I am sorry for what I did to you and your family." in flat
    assert "it was my fault, not yours." in flat
    assert "Dear Sharon," in flat
    assert world.org.name in flat
    for private in [*SHARON_PRIVATE, *DEAN_PRIVATE, "Jones", "Walsh"]:
        assert private not in flat, f"{private!r} is in the letter"
    # The writer's answers to the restorative questions are prompts; they are not sent.
    assert "I broke into her car." not in flat
    with organisation_scope(world.org):
        exported = AccessLog.objects.filter(kind="export", object_id=str(letter.pk))
        assert exported.filter(user=world.priya, object_type="cases.letter").count() == 1


def test_a_welsh_letter_pdf_is_dated_and_labelled_in_welsh(world, priya_client):
    letter = world.screened(language="cy", body="Mae'n ddrwg gen i am beth wnes i.")
    text = " ".join(
        pdf_text(priya_client.get(reverse("letter_pdf", args=[letter.pk])).content).split()
    )
    today = timezone.localdate()
    with translation.override("cy"):
        welsh_date = dateformat.format(today, "j F Y")
    with translation.override("en"):
        english_month = dateformat.format(today, "F")
    assert welsh_date in text
    assert english_month not in text
    assert "Mae'n ddrwg gen i am beth wnes i." in text


def test_a_draft_letter_cannot_be_printed(world, priya_client):
    letter = world.letter()
    response = priya_client.get(reverse("letter_pdf", args=[letter.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("letter_detail", args=[letter.pk])
    with organisation_scope(world.org):
        assert not AccessLog.objects.filter(kind="export").exists()


# ---------------------------------------------------------------- the pages


def test_a_double_submitted_message_is_recorded_once(world, priya_client):
    url = reverse("message_new", args=[world.case.pk])
    form = priya_client.get(url).content.decode()
    submission_id = re.search(r'name="submission_id" value="([0-9a-f]+)"', form).group(1)
    data = {
        "sender": world.dean.pk,
        "recipient": world.sharon.pk,
        "text": "He would like to say sorry.",
        "submission_id": submission_id,
    }
    first = priya_client.post(url, data)
    second = priya_client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    with organisation_scope(world.org):
        assert m.ShuttleMessage.objects.filter(case=world.case).count() == 1


def test_a_message_to_the_sender_themself_is_refused_and_the_words_kept(world, priya_client):
    url = reverse("message_new", args=[world.case.pk])
    response = priya_client.post(
        url, {"sender": world.dean.pk, "recipient": world.dean.pk, "text": "Keep these words"}
    )
    assert response.status_code == 200
    assert error_summary(response) == ["Choose someone other than the sender."]
    assert "Keep these words" in response.content.decode()


def test_the_approval_page_reminds_the_practitioner_what_the_sender_must_never_disclose(
    world, priya_client
):
    message = world.message()
    response = priya_client.get(reverse("message_approve", args=[message.pk]))
    html = unescape(response.content.decode())
    assert "Dean Walsh's information: never to be disclosed to the other side" in html
    assert "Works nights at the Tremorfa depot" in html
    # Only the sender's: never the recipient's.
    assert "She has moved to her sister's in Pontypridd" not in html
    with organisation_scope(world.org):
        assert AccessLog.objects.filter(
            kind="view", object_type="cases.party", object_id=str(world.dean.pk)
        ).exists()

    refused = priya_client.post(
        reverse("message_approve", args=[message.pk]), {"decision": "approve"}
    )
    assert error_summary(refused) == ["Confirm you have checked the message."]
    approved = priya_client.post(
        reverse("message_approve", args=[message.pk]), {"decision": "approve", "checked": "on"}
    )
    assert approved.status_code == 302
    message.refresh_from_db()
    assert message.status == c.MessageStatus.APPROVED


def test_the_delivery_page_refuses_a_message_not_yet_approved(world, priya_client):
    message = world.message()
    url = reverse("message_delivered", args=[message.pk])
    response = priya_client.post(url, {"delivered_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert error_summary(response) == [
        "Only an approved message can be passed on. Approve it first."
    ]
    message.refresh_from_db()
    assert message.status == c.MessageStatus.DRAFT


def test_the_letter_builder_prompts_with_the_writers_restorative_questions(world, priya_client):
    url = reverse("letter_new", args=[world.case.pk])
    first = priya_client.get(url)
    assert "Who is writing?" in first.content.decode()
    query = f"?writer={world.dean.pk}&recipient={world.sharon.pk}"
    page = unescape(priya_client.get(url + query).content.decode())
    assert "What were you thinking at the time?" in page
    assert "What did you think when you realised what had happened?" not in page
    # Sharon prefers Welsh, so the letter's language starts as Welsh.
    assert re.search(r'value="cy"[^>]*checked', page)

    submission_id = re.search(r'name="submission_id" value="([0-9a-f]+)"', page).group(1)
    data = {
        "answer_thinking_then": "I was not thinking about anyone else.",
        "body": "Dear Sharon, I am sorry.",
        "language": "en",
        "submission_id": submission_id,
    }
    first_post = priya_client.post(url + query, data)
    again = priya_client.post(url + query, data)
    assert first_post.status_code == again.status_code == 302
    with organisation_scope(world.org):
        letter = m.Letter.objects.get(case=world.case)
    assert first_post["Location"] == reverse("letter_detail", args=[letter.pk])
    assert letter.answers == {"thinking_then": "I was not thinking about anyone else."}
    assert letter.writer == world.dean and letter.recipient == world.sharon
    assert letter.status == c.LetterStatus.DRAFT


def test_the_letter_builder_shows_the_questions_in_welsh_to_a_welsh_speaker(world, priya_client):
    from django.conf import settings

    priya_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    query = f"?writer={world.sharon.pk}&recipient={world.dean.pk}"
    page = unescape(
        priya_client.get(reverse("letter_new", args=[world.case.pk]) + query).content.decode()
    )
    assert "Beth fu'r peth anoddaf i chi?" in page


def test_the_delivery_page_says_why_a_letter_cannot_go_yet(world, priya_client):
    letter = world.screened()
    url = reverse("letter_deliver", args=[letter.pk])
    page = priya_client.get(url).content.decode()
    assert "has not said they want this letter" in page
    response = priya_client.post(
        url,
        {
            "route": "probation",
            "route_agency": "",
            "delivered_on": timezone.localdate().isoformat(),
            "version": letter.version,
        },
    )
    assert response.status_code == 200
    assert any("has not said they want this letter" in e for e in error_summary(response))
    letter.refresh_from_db()
    assert letter.status == c.LetterStatus.SCREENED


def test_letter_pages_take_the_letter_from_screening_to_read(world, priya_client):
    letter = world.letter()
    today = timezone.localdate().isoformat()
    screen = priya_client.post(
        reverse("letter_screen", args=[letter.pk]),
        {
            "decision": "screened",
            "no_contact_details": "on",
            "no_blame_shifting": "on",
            "safe_to_send": "on",
            "version": 1,
        },
    )
    assert screen.status_code == 302
    letter.refresh_from_db()
    opt_in = priya_client.post(
        reverse("letter_opt_in", args=[letter.pk]),
        {"opted_in_on": today, "writer_may_know_read": "no", "version": letter.version},
    )
    assert opt_in.status_code == 302
    letter.refresh_from_db()
    deliver = priya_client.post(
        reverse("letter_deliver", args=[letter.pk]),
        {
            "route": "other_agency",
            "route_agency": "Victim Support Cymru",
            "delivered_on": today,
            "version": letter.version,
        },
    )
    assert deliver.status_code == 302
    letter.refresh_from_db()
    read = priya_client.post(
        reverse("letter_read", args=[letter.pk]),
        {"read_on": today, "writer_may_know_read": "no", "version": letter.version},
    )
    assert read.status_code == 302
    letter.refresh_from_db()
    assert letter.status == c.LetterStatus.READ
    assert letter.route_agency == "Victim Support Cymru"
    assert letter.recipient_opted_in_on == timezone.localdate()
    assert letter.screened_by == world.priya
    assert not letter.writer_may_know_read


def test_a_practitioner_not_on_the_case_cannot_open_its_messages_or_letters(world, signed_in):
    message = world.message()
    letter = world.screened()
    client = signed_in(world.colleague.user, world.org)
    for url in [
        reverse("case_communication", args=[world.case.pk]),
        reverse("message_approve", args=[message.pk]),
        reverse("letter_detail", args=[letter.pk]),
        reverse("letter_pdf", args=[letter.pk]),
    ]:
        assert client.get(url).status_code == 404, url


# ---------------------------------------------------------------- query budget


def _grow(world, n):
    for i in range(n):
        message = world.message(text=f"Message {i}")
        letter = world.screened(body=f"Letter {i}")
        with organisation_scope(world.org):
            actions.approve_message(actor=world.priya, message=message)
        world.deliver(world.opt_in(letter))


def test_the_messages_and_letters_tab_runs_a_fixed_number_of_queries(
    world, priya_client, count_queries
):
    url = reverse("case_communication", args=[world.case.pk])
    _grow(world, 1)
    small = count_queries(priya_client, url)
    _grow(world, 12)
    assert count_queries(priya_client, url) == small


@pytest.mark.parametrize("page", ["letter_detail", "letter_screen", "message_approve"])
def test_letter_and_message_pages_run_a_fixed_number_of_queries(
    world, priya_client, page, count_queries
):
    def target():
        if page == "message_approve":
            return world.message()
        return world.letter(answers={"what_happened": "x" * 10})

    first = target()
    small = count_queries(priya_client, reverse(page, args=[first.pk]))
    _grow(world, 8)
    assert count_queries(priya_client, reverse(page, args=[target().pk])) == small


def test_a_letter_can_be_dated_in_the_past_but_not_the_future(world):
    letter = world.opt_in(world.screened())
    with pytest.raises(ValidationError):
        world.deliver(letter, on=timezone.localdate() + timedelta(days=1))
