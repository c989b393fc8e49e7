"""Communication between parties: shuttle messages and letters.

Rules of the field (DOMAIN.md "Letters", "Mutual privacy of parties"):
- A shuttle message is passed on only after a practitioner has approved it (checked that it holds
  nothing identifying or locating the sender beyond what they agreed to share).
- A letter is delivered only after it has been screened AND the recipient has said they want it.
  A screened letter may be held on file until the recipient wants it.
- The recipient decides whether the writer learns that the letter was read.
The audit trail never holds the words of a message or a letter.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.casework.actions import touch_case
from mend.cases.communication.queries import (
    cannot_pass_on,
    cannot_record_read,
    delivery_blockers,
    letter_questions,
)
from mend.cases.events import CaseEvent
from mend.core import access, audit, changes
from mend.core.models import User
from mend.core.roles import Perm

__all__ = [
    "LetterRefused",
    "approve_message",
    "deliver_letter",
    "draft_letter",
    "mark_message_delivered",
    "record_letter_opt_in",
    "record_letter_read",
    "record_shuttle_message",
    "return_letter_to_draft",
    "screen_letter",
    "update_letter",
    "withhold_message",
]

MAX_TEXT = 20_000


class LetterRefused(ValidationError):
    """The letter cannot go (yet); `reasons` says exactly why."""

    def __init__(self, reasons: list[str]):
        super().__init__(reasons)
        self.reasons = reasons


def _two_parties(case: m.Case, sender: m.Party, recipient: m.Party) -> None:
    if sender.case_id != case.pk or recipient.case_id != case.pk:
        raise ValidationError(_("Both people must be part of this case."))
    if sender.pk == recipient.pk:
        raise ValidationError({"recipient": _("Choose someone other than the sender.")})


def _required(text: str, field: str, message: str) -> str:
    """`text` without its outer spaces; refused with `message` on `field` when nothing is left."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _not_future(value: date, field: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _at(on: date) -> datetime:
    """A moment on `on`: now if it is today, otherwise midday (the time is not known)."""
    if on == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(12)))


def _save(
    row: m.ShuttleMessage | m.Letter,
    values: dict[str, Any],
    *,
    actor: User,
    event: str,
    changed: dict[str, Any],
    touch: bool = True,
) -> None:
    """Set `values` on a locked message or letter and save just those (a letter as a new
    version), then record `event` with what `changed` (never the words: those are redacted by
    the caller). `touch` marks the case as changed now."""
    for name, value in values.items():
        setattr(row, name, value)
    fields = list(values)
    if isinstance(row, m.Letter):
        row.version += 1
        fields.append("version")
    row.save(update_fields=fields)
    if touch:
        touch_case(row.case)
    audit.record(event, actor=actor, organisation=row.organisation, obj=row, changes=changed)


# ---------------------------------------------------------------- shuttle mediation


def record_shuttle_message(
    *, actor: User, case: m.Case, sender: m.Party, recipient: m.Party, text: str
) -> m.ShuttleMessage:
    access.require(actor, Perm.WORK_CASES, case)
    _two_parties(case, sender, recipient)
    text = _required(text, "text", _("Enter the message."))
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("The message is too long.")})
    with transaction.atomic():
        message = m.ShuttleMessage.objects.create(
            organisation=case.organisation,
            case=case,
            sender=sender,
            recipient=recipient,
            text=text,
            status=c.MessageStatus.DRAFT,
            recorded_by=actor,
        )
        touch_case(case)
        audit.record(
            CaseEvent.MESSAGE_RECORDED,
            actor=actor,
            organisation=case.organisation,
            obj=message,
            changes={
                "sender": [None, sender.pk],
                "recipient": [None, recipient.pk],
                "text": audit.REDACTED,
            },
        )
    return message


def approve_message(*, actor: User, message: m.ShuttleMessage) -> m.ShuttleMessage:
    """The practitioner has checked the message and it may be passed on."""
    access.require(actor, Perm.WORK_CASES, message)
    with transaction.atomic():
        message = changes.lock(message)
        if message.status != c.MessageStatus.DRAFT:
            raise ValidationError(_("Only a message waiting for approval can be approved."))
        _save(
            message,
            {
                "status": c.MessageStatus.APPROVED,
                "approved_by": actor,
                "approved_at": timezone.now(),
            },
            actor=actor,
            event=CaseEvent.MESSAGE_APPROVED,
            changed={"status": [c.MessageStatus.DRAFT, c.MessageStatus.APPROVED]},
        )
    return message


def withhold_message(*, actor: User, message: m.ShuttleMessage, reason: str) -> m.ShuttleMessage:
    """The message will not be passed on; the reason is kept (encrypted)."""
    access.require(actor, Perm.WORK_CASES, message)
    reason = _required(reason, "reason", _("Say why the message is withheld."))
    with transaction.atomic():
        message = changes.lock(message)
        if message.status not in (c.MessageStatus.DRAFT, c.MessageStatus.APPROVED):
            raise ValidationError(_("A message already passed on cannot be withheld."))
        _save(
            message,
            {"status": c.MessageStatus.WITHHELD, "withheld_reason": reason},
            actor=actor,
            event=CaseEvent.MESSAGE_WITHHELD,
            changed={
                "status": [message.status, c.MessageStatus.WITHHELD],
                "withheld_reason": audit.REDACTED,
            },
        )
    return message


def mark_message_delivered(
    *, actor: User, message: m.ShuttleMessage, on: date | None = None
) -> m.ShuttleMessage:
    """Record that the message was passed on. Only an approved message can be."""
    access.require(actor, Perm.WORK_CASES, message)
    on = on or timezone.localdate()
    _not_future(on, "delivered_on")
    with transaction.atomic():
        message = changes.lock(message)
        refusal = cannot_pass_on(message)
        if refusal:
            raise ValidationError(refusal)
        _save(
            message,
            {"status": c.MessageStatus.DELIVERED, "delivered_at": _at(on)},
            actor=actor,
            event=CaseEvent.MESSAGE_DELIVERED,
            changed={"status": [c.MessageStatus.APPROVED, c.MessageStatus.DELIVERED]},
        )
    return message


# ---------------------------------------------------------------- letters


def _clean_letter(
    writer: m.Party, answers: dict | None, body: str, language: str
) -> tuple[dict, str]:
    if language not in ("en", "cy"):
        raise ValidationError({"language": _("Choose English or Welsh.")})
    body = _required(body, "body", _("Write the letter."))
    if len(body) > MAX_TEXT:
        raise ValidationError({"body": _("The letter is too long.")})
    keys = {q["key"] for q in letter_questions(writer)}
    kept = {k: v.strip() for k, v in (answers or {}).items() if k in keys and (v or "").strip()}
    return kept, body


def draft_letter(
    *,
    actor: User,
    case: m.Case,
    writer: m.Party,
    recipient: m.Party,
    body: str,
    language: str,
    answers: dict | None = None,
) -> m.Letter:
    access.require(actor, Perm.WORK_CASES, case)
    _two_parties(case, writer, recipient)
    answers, body = _clean_letter(writer, answers, body, language)
    with transaction.atomic():
        letter = m.Letter.objects.create(  # type: ignore[misc]  # EncryptedJSONField is typed as its text base; it stores a dict
            organisation=case.organisation,
            case=case,
            writer=writer,
            recipient=recipient,
            answers=answers,
            body=body,
            language=language,
            status=c.LetterStatus.DRAFT,
        )
        touch_case(case)
        audit.record(
            CaseEvent.LETTER_DRAFTED,
            actor=actor,
            organisation=case.organisation,
            obj=letter,
            changes={
                "writer": [None, writer.pk],
                "recipient": [None, recipient.pk],
                "language": [None, language],
                "answers": audit.REDACTED,
                "body": audit.REDACTED,
            },
        )
    return letter


def update_letter(
    *,
    actor: User,
    letter: m.Letter,
    body: str,
    language: str,
    answers: dict | None = None,
    version: int | None = None,
) -> m.Letter:
    """Change a draft. A screened letter must be sent back to draft before it is changed."""
    access.require(actor, Perm.WORK_CASES, letter)
    answers, body = _clean_letter(letter.writer, answers, body, language)
    with transaction.atomic():
        letter = changes.lock(letter)
        changes.check_version(letter, version)
        if letter.status != c.LetterStatus.DRAFT:
            raise ValidationError(_("Only a draft letter can be changed."))
        _save(
            letter,
            {"answers": answers, "body": body, "language": language},
            actor=actor,
            event=CaseEvent.LETTER_CHANGED,
            changed={
                "answers": audit.REDACTED,
                "body": audit.REDACTED,
                "language": [letter.language, language],
            },
            touch=False,
        )
    return letter


def screen_letter(
    *,
    actor: User,
    letter: m.Letter,
    no_contact_details: bool,
    no_blame_shifting: bool,
    safe_to_send: bool,
    version: int | None = None,
) -> m.Letter:
    """The practitioner confirms the letter is fit to send; who and when are recorded."""
    access.require(actor, Perm.WORK_CASES, letter)
    missing = []
    if not no_contact_details:
        missing.append(_("Confirm the letter holds no contact details, address or whereabouts."))
    if not no_blame_shifting:
        missing.append(_("Confirm the letter does not shift blame onto the person receiving it."))
    if not safe_to_send:
        missing.append(_("Confirm the letter is safe to send."))
    if missing:
        raise LetterRefused(missing)
    with transaction.atomic():
        letter = changes.lock(letter)
        changes.check_version(letter, version)
        if letter.status != c.LetterStatus.DRAFT:
            raise ValidationError(_("Only a draft letter can be screened."))
        _save(
            letter,
            {
                "status": c.LetterStatus.SCREENED,
                "screened_by": actor,
                "screened_at": timezone.now(),
                "screening_note": "",
            },
            actor=actor,
            event=CaseEvent.LETTER_SCREENED,
            changed={
                "status": [c.LetterStatus.DRAFT, c.LetterStatus.SCREENED],
                "checked": ["no_contact_details", "no_blame_shifting", "safe_to_send"],
            },
        )
    return letter


def return_letter_to_draft(
    *, actor: User, letter: m.Letter, note: str, version: int | None = None
) -> m.Letter:
    """Screening found something to change: back to draft, with a note for the writer's work."""
    access.require(actor, Perm.WORK_CASES, letter)
    note = _required(note, "note", _("Say what needs to change."))
    with transaction.atomic():
        letter = changes.lock(letter)
        changes.check_version(letter, version)
        if letter.status not in (c.LetterStatus.DRAFT, c.LetterStatus.SCREENED):
            raise ValidationError(_("A letter already held or delivered cannot go back to draft."))
        _save(
            letter,
            {
                "status": c.LetterStatus.DRAFT,
                "screened_by": None,
                "screened_at": None,
                "screening_note": note,
            },
            actor=actor,
            event=CaseEvent.LETTER_RETURNED_TO_DRAFT,
            changed={
                "status": [letter.status, c.LetterStatus.DRAFT],
                "screening_note": audit.REDACTED,
            },
            touch=False,
        )
    return letter


def record_letter_opt_in(
    *,
    actor: User,
    letter: m.Letter,
    opted_in_on: date,
    writer_may_know_read: bool,
    version: int | None = None,
) -> m.Letter:
    """The recipient has said they want the letter, and whether the writer may learn it was read."""
    access.require(actor, Perm.WORK_CASES, letter)
    _not_future(opted_in_on, "opted_in_on")
    with transaction.atomic():
        letter = changes.lock(letter)
        changes.check_version(letter, version)
        if letter.status in (c.LetterStatus.READ, c.LetterStatus.WITHDRAWN):
            raise ValidationError(_("This letter can no longer be changed."))
        _save(
            letter,
            {"recipient_opted_in_on": opted_in_on, "writer_may_know_read": writer_may_know_read},
            actor=actor,
            event=CaseEvent.LETTER_OPT_IN,
            changed={
                "recipient_opted_in_on": [letter.recipient_opted_in_on, opted_in_on],
                "writer_may_know_read": [letter.writer_may_know_read, writer_may_know_read],
            },
            touch=False,
        )
    return letter


def deliver_letter(
    *,
    actor: User,
    letter: m.Letter,
    route: str,
    route_agency: str = "",
    on: date | None = None,
    version: int | None = None,
) -> m.Letter:
    """Send the letter by `route`, or hold it on file (route HOLD: status held, not delivered).

    Refused (LetterRefused, with every reason) unless screened and, for a delivery, the recipient
    has opted in."""
    access.require(actor, Perm.WORK_CASES, letter)
    if route not in c.DeliveryRoute.values:
        raise ValidationError({"route": _("Choose how the letter will reach them.")})
    route_agency = (route_agency or "").strip()
    if route == c.DeliveryRoute.OTHER_AGENCY and not route_agency:
        raise ValidationError({"route_agency": _("Enter the name of the agency.")})
    if route not in (c.DeliveryRoute.OTHER_AGENCY, c.DeliveryRoute.PROBATION):
        route_agency = ""
    on = on or timezone.localdate()
    _not_future(on, "delivered_on")
    with transaction.atomic():
        letter = changes.lock(letter)
        changes.check_version(letter, version)
        reasons = delivery_blockers(letter, route)
        if reasons:
            raise LetterRefused(reasons)
        hold = route == c.DeliveryRoute.HOLD
        status = c.LetterStatus.HELD if hold else c.LetterStatus.DELIVERED
        _save(
            letter,
            {
                "route": route,
                "route_agency": route_agency,
                "status": status,
                "delivered_on": letter.delivered_on if hold else on,
            },
            actor=actor,
            event=CaseEvent.LETTER_HELD if hold else CaseEvent.LETTER_DELIVERED,
            changed={"status": [letter.status, status], "route": [None, route]},
        )
    return letter


def record_letter_read(
    *,
    actor: User,
    letter: m.Letter,
    read_on: date,
    writer_may_know_read: bool,
    version: int | None = None,
) -> m.Letter:
    access.require(actor, Perm.WORK_CASES, letter)
    _not_future(read_on, "read_on")
    with transaction.atomic():
        letter = changes.lock(letter)
        changes.check_version(letter, version)
        refusal = cannot_record_read(letter)
        if refusal:
            raise ValidationError(refusal)
        if letter.delivered_on and read_on < letter.delivered_on:
            raise ValidationError(
                {"read_on": _("A letter cannot be read before it was delivered.")}
            )
        _save(
            letter,
            {
                "status": c.LetterStatus.READ,
                "read_on": read_on,
                "writer_may_know_read": writer_may_know_read,
            },
            actor=actor,
            event=CaseEvent.LETTER_READ,
            changed={
                "status": [c.LetterStatus.DELIVERED, c.LetterStatus.READ],
                "writer_may_know_read": writer_may_know_read,
            },
            touch=False,
        )
    return letter
