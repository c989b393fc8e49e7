"""Training actions: enquiries.

Enquiries arrive by the public form (or are entered by staff), become an engagement for a client
(found by name, or created) or are closed with a reason."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.changes import check_version, lock
from mend.core.models import Organisation, User
from mend.core.roles import Perm
from mend.core.tenancy import organisation_scope
from mend.training import choices as c
from mend.training import models as m
from mend.training.events import TrainingEvent
from mend.training.sales.actions import add_contact, create_client, create_engagement
from mend.training.sales.queries import client_named, contact_with_email

__all__ = ["close_enquiry", "convert_enquiry", "receive_enquiry"]

ENQUIRY_TEXT = [
    "organisation_name",
    "contact_name",
    "job_title",
    "email",
    "phone",
    "preferred_dates",
    "message",
]


# ---------------------------------------------------------------- enquiries


def _check_enquiry(values: dict[str, Any], organisation: Organisation) -> dict[str, Any]:
    errors = {}
    for field, message in (
        ("organisation_name", _("Enter the name of your organisation.")),
        ("contact_name", _("Enter your name.")),
        ("email", _("Enter an email address so we can reply.")),
    ):
        if not str(values.get(field) or "").strip():
            errors[field] = message
    if values.get("sector") not in c.Sector.values:
        errors["sector"] = _("Choose the kind of organisation.")
    participants = values.get("participants")
    if participants is not None and int(participants) < 1:
        errors["participants"] = _("Enter the number of people, 1 or more.")
    course = values.get("course")
    if course is not None and (course.organisation_id != organisation.pk or not course.is_active):
        errors["course"] = _("Choose one of the courses listed.")
    if errors:
        raise ValidationError(errors)
    cleaned = {k: str(values.get(k) or "").strip() for k in ENQUIRY_TEXT}
    cleaned["email"] = cleaned["email"].lower()
    language = values.get("language") or "en"
    cleaned["language"] = language if language in c.Language.values else "en"
    return {
        **cleaned,
        "sector": values["sector"],
        "participants": participants,
        "course": course,
    }


def receive_enquiry(
    *, organisation: Organisation, actor: User | None = None, **values: Any
) -> m.Enquiry:
    """Record an enquiry. Without an actor it came from the public form: the enquirer is sent an
    acknowledgement in their language (and nobody else is emailed). Staff entering an enquiry
    (an actor) need MANAGE_TRAINING, and nothing is emailed."""
    if actor is not None:
        access.require(actor, Perm.MANAGE_TRAINING, organisation)
    with organisation_scope(organisation):
        cleaned = _check_enquiry(values, organisation)
        with transaction.atomic():
            enquiry = m.Enquiry.objects.create(
                organisation=organisation, from_public_form=actor is None, **cleaned
            )
            audit.record(
                TrainingEvent.ENQUIRY_RECEIVED,
                actor=actor,
                organisation=organisation,
                obj=enquiry,
                changes={
                    "from_public_form": enquiry.from_public_form,
                    "sector": enquiry.sector,
                    "course": enquiry.course_id,
                },
            )
            if actor is None:
                _acknowledge(enquiry)
    return enquiry


def _acknowledge(enquiry: m.Enquiry) -> None:
    language = enquiry.language
    with translation.override(language):
        context: dict[str, Any] = {
            "enquiry": enquiry,
            "organisation": enquiry.organisation.display_name(language),
            "course": m.bilingual(enquiry.course.title, enquiry.course.title_cy, language)
            if enquiry.course
            else "",
        }
        subject = _("We have received your training enquiry") + " – " + context["organisation"]
        body = render_to_string("training/email/enquiry_acknowledgement.txt", context)
    email = enquiry.email
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))


def _open_enquiry(enquiry: m.Enquiry, version: int | None) -> m.Enquiry:
    locked = lock(enquiry)
    check_version(locked, version)
    if locked.status != c.EnquiryStatus.NEW:
        raise ValidationError(_("This enquiry has already been dealt with."))
    return locked


def convert_enquiry(
    *,
    actor: User,
    enquiry: m.Enquiry,
    course: m.Course | None = None,
    title: str = "",
    version: int | None = None,
) -> m.Engagement:
    """Make the enquiry an engagement: the client is found by name (ignoring case) or created,
    the contact found by email address within that client or added; the enquiry is marked
    converted and linked to both."""
    access.require(actor, Perm.MANAGE_TRAINING, enquiry)
    organisation = enquiry.organisation
    course = course or enquiry.course
    if course is None:
        raise ValidationError({"course": _("Choose the course the engagement is for.")})
    with transaction.atomic():
        locked = _open_enquiry(enquiry, version)
        name = locked.organisation_name.strip()
        client = client_named(organisation, name)
        if client is None:
            client = create_client(
                actor=actor,
                organisation=organisation,
                name=name,
                sector=locked.sector,
                email="",
                phone="",
                language=locked.language,
            )
        contact = contact_with_email(client, locked.email)
        if contact is None:
            contact = add_contact(
                actor=actor,
                client=client,
                name=locked.contact_name,
                role=c.ContactRole.BOOKING,
                job_title=locked.job_title,
                email=locked.email,
                phone=locked.phone,
                language=locked.language,
            )
        notes = "\n\n".join(
            part
            for part in (
                locked.message,
                _("Preferred dates: %(dates)s") % {"dates": locked.preferred_dates}
                if locked.preferred_dates
                else "",
            )
            if part
        )
        engagement = create_engagement(
            actor=actor,
            client=client,
            contact=contact,
            course=course,
            title=title,
            participants=locked.participants,
            notes=notes,
            enquiry=locked,
        )
        locked.status = c.EnquiryStatus.CONVERTED
        locked.client = client
        locked.contact = contact
        locked.version += 1
        locked.save(update_fields=["status", "client", "contact", "version"])
        audit.record(
            TrainingEvent.ENQUIRY_CONVERTED,
            actor=actor,
            organisation=organisation,
            obj=locked,
            changes={
                "status": [c.EnquiryStatus.NEW, c.EnquiryStatus.CONVERTED],
                "client": client.pk,
                "engagement": engagement.pk,
            },
        )
    enquiry.status, enquiry.client, enquiry.contact = locked.status, client, contact
    enquiry.version = locked.version
    return engagement


def close_enquiry(
    *, actor: User, enquiry: m.Enquiry, reason: str, version: int | None = None
) -> m.Enquiry:
    access.require(actor, Perm.MANAGE_TRAINING, enquiry)
    organisation = enquiry.organisation
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why the enquiry is closed.")})
    with transaction.atomic():
        locked = _open_enquiry(enquiry, version)
        locked.status = c.EnquiryStatus.CLOSED
        locked.closed_reason = reason[:300]
        locked.version += 1
        locked.save(update_fields=["status", "closed_reason", "version"])
        audit.record(
            TrainingEvent.ENQUIRY_CLOSED,
            actor=actor,
            organisation=organisation,
            obj=locked,
            changes={"status": [c.EnquiryStatus.NEW, c.EnquiryStatus.CLOSED], "reason": reason},
        )
    return locked
