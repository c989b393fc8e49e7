"""Communication, read side: letter questions, what blocks a delivery, what a writer may be
told, and the lists of messages and letters on the case's tab."""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m


def parties(case: m.Case) -> QuerySet:
    return m.Party.objects.filter(case=case).select_related("person").order_by("role", "id")


def default_letter_language(recipient: m.Party) -> str:
    return "cy" if recipient.person.preferred_language == "cy" else "en"


def shuttle_messages(case: m.Case) -> list[m.ShuttleMessage]:
    return list(
        m.ShuttleMessage.objects.filter(case=case)
        .select_related("sender__person", "recipient__person")
        .order_by("recorded_at", "id")
    )


def letters(case: m.Case) -> list[m.Letter]:
    """The case's letters, each with `writer_status` (what its writer may be told)."""
    rows = list(
        m.Letter.objects.filter(case=case)
        .select_related("writer__person", "recipient__person")
        .order_by("id")
    )
    for letter in rows:
        letter.writer_status = status_for_writer_display(letter)  # type: ignore[attr-defined]  # set for the template
    return rows


def messages_with_people() -> QuerySet:
    """Shuttle messages with their case and both parties' people (fixed queries)."""
    return m.ShuttleMessage.objects.select_related(
        "case__case_type", "sender__person", "recipient__person"
    )


def letters_with_people() -> QuerySet:
    """Letters with their case and both parties' people (fixed queries)."""
    return m.Letter.objects.select_related("case__case_type", "writer__person", "recipient__person")


def letter_questions(writer: m.Party) -> list[dict]:
    """The restorative questions that guide a letter by this writer (none for other roles)."""
    codes: dict[str, str] = {
        c.PartyRole.RESPONSIBLE: "restorative-responsible",
        c.PartyRole.HARMED: "restorative-harmed",
    }
    code = codes.get(writer.role)
    if code is None:
        return []
    question_set = m.QuestionSet.objects.filter(code=code, is_active=True).first()
    return list(question_set.questions) if question_set else []


def delivery_blockers(letter: m.Letter, route: str) -> list[str]:
    """Why this letter cannot go by `route` now (empty: it can)."""
    reasons = []
    if letter.status in (c.LetterStatus.DELIVERED, c.LetterStatus.READ):
        return [_("This letter has already been delivered.")]
    if letter.status == c.LetterStatus.WITHDRAWN:
        return [_("This letter was withdrawn.")]
    if letter.status == c.LetterStatus.DRAFT or letter.screened_at is None:
        reasons.append(_("The letter has not been screened by a practitioner."))
    if route == c.DeliveryRoute.HOLD:
        if letter.status == c.LetterStatus.HELD:
            reasons.append(_("This letter is already held on file."))
        return reasons
    if letter.recipient_opted_in_on is None:
        reasons.append(
            _(
                "The person receiving it has not said they want this letter. Record their "
                "choice first, or hold the letter on file until they want it."
            )
        )
    return reasons


def cannot_pass_on(message: m.ShuttleMessage) -> str | None:
    """Why the message cannot be passed on now (None: it can)."""
    if message.status == c.MessageStatus.APPROVED:
        return None
    if message.status == c.MessageStatus.DRAFT:
        return _("Only an approved message can be passed on. Approve it first.")
    return _("This message cannot be passed on.")


def cannot_record_read(letter: m.Letter) -> str | None:
    """Why the letter cannot be recorded as read now (None: it can)."""
    if letter.status != c.LetterStatus.DELIVERED:
        return _("Only a delivered letter can be recorded as read.")
    return None


def status_for_writer(letter: m.Letter) -> str:
    """What the writer may be told about their letter: "read" only if the recipient allowed it."""
    if letter.status == c.LetterStatus.READ and not letter.writer_may_know_read:
        return c.LetterStatus.DELIVERED
    return letter.status


def status_for_writer_display(letter: m.Letter) -> str:
    return cast(str, c.LetterStatus(status_for_writer(letter)).label)
