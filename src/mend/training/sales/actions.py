"""Training actions: clients, contacts, courses, engagements and their delivery sessions.

Enquiries are in `sales.enquiries`, quotes and the Service Level Agreement in `sales.agreements`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.changes import create, update_fields
from mend.core.models import Organisation, User
from mend.core.roles import Perm
from mend.training import choices as c
from mend.training import models as m
from mend.training import workflow
from mend.training.events import TrainingEvent
from mend.training.money.numbering import next_number

__all__ = [
    "add_contact",
    "add_session",
    "create_client",
    "create_course",
    "create_engagement",
    "update_client",
    "update_contact",
    "update_course",
    "update_session",
]

M = TypeVar("M", bound=models.Model)
CLIENT_FIELDS = ["name", "sector", "address", "email", "phone", "language", "notes", "is_active"]
CONTACT_FIELDS = ["name", "role", "job_title", "email", "phone", "language", "is_active"]
COURSE_FIELDS = [
    "code",
    "title",
    "title_cy",
    "summary",
    "summary_cy",
    "audience",
    "format",
    "duration_hours",
    "cpd_hours",
    "rjc_approved",
    "price",
    "is_active",
]


def _required(values: dict, names: dict[str, str]) -> None:
    errors = {
        field: message
        for field, message in names.items()
        if values.get(field) in (None, "")
        or (isinstance(values.get(field), str) and not values[field].strip())
    }
    if errors:
        raise ValidationError(errors)


def _choice(value: str, choices, field: str, message: str) -> None:
    if value not in choices.values:
        raise ValidationError({field: message})


def _edit(
    obj: M,
    values: dict[str, Any],
    fields: list[str],
    *,
    actor: User,
    action: str,
    version: int | None,
    check: Callable[[dict[str, Any]], None] | None = None,
) -> M:
    """Validate the edited row as a whole (`check` on its current values with the new ones
    over them, then `full_clean`), then save it with `update_fields`."""
    if check is not None:
        check({**audit.snapshot(obj, fields), **values})
    values = {name: value for name, value in values.items() if name in fields}
    candidate = copy.copy(obj)
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    locked, _changes = update_fields(obj, values, actor=actor, action=action, version=version)
    return locked


# ---------------------------------------------------------------- clients and contacts


def _check_client(values: dict) -> None:
    _required(values, {"name": _("Enter the organisation's name.")})
    _choice(values.get("sector", ""), c.Sector, "sector", _("Choose the client's sector."))


def create_client(*, actor: User, organisation: Organisation, **values: Any) -> m.Client:
    access.require(actor, Perm.MANAGE_TRAINING, organisation)
    _check_client(values)
    values["name"] = values["name"].strip()
    return create(
        m.Client(organisation=organisation, **values),
        actor=actor,
        action=TrainingEvent.CLIENT_CREATED,
        changes=lambda client: {"name": [None, client.name], "sector": [None, client.sector]},
    )


def update_client(
    *, actor: User, client: m.Client, version: int | None = None, **values: Any
) -> m.Client:
    access.require(actor, Perm.MANAGE_TRAINING, client)
    return _edit(
        client,
        values,
        CLIENT_FIELDS,
        actor=actor,
        action=TrainingEvent.CLIENT_CHANGED,
        version=version,
        check=_check_client,
    )


def _check_contact(values: dict) -> None:
    _required(
        values,
        {"name": _("Enter the contact's name."), "email": _("Enter the contact's email address.")},
    )
    _choice(values.get("role", ""), c.ContactRole, "role", _("Choose the contact's role."))


def add_contact(*, actor: User, client: m.Client, **values: Any) -> m.ClientContact:
    access.require(actor, Perm.MANAGE_TRAINING, client)
    _check_contact(values)
    return create(
        m.ClientContact(organisation=client.organisation, client=client, **values),
        actor=actor,
        action=TrainingEvent.CONTACT_ADDED,
        changes=lambda contact: {"client": client.pk, "role": [None, contact.role]},
    )


def update_contact(
    *, actor: User, contact: m.ClientContact, version: int | None = None, **values: Any
) -> m.ClientContact:
    access.require(actor, Perm.MANAGE_TRAINING, contact)
    return _edit(
        contact,
        values,
        CONTACT_FIELDS,
        actor=actor,
        action=TrainingEvent.CONTACT_CHANGED,
        version=version,
        check=_check_contact,
    )


# ---------------------------------------------------------------- courses


def _check_course(values: dict, organisation, exclude_pk=None) -> None:
    _required(
        values,
        {
            "code": _("Enter a short code for the course."),
            "title": _("Enter the course title."),
            "duration_hours": _("Enter how long the course is, in hours."),
            "cpd_hours": _("Enter the CPD hours the course gives."),
            "price": _("Enter the price per session."),
        },
    )
    _choice(values.get("audience", ""), c.Audience, "audience", _("Choose who the course is for."))
    _choice(values.get("format", ""), c.CourseFormat, "format", _("Choose how it is delivered."))
    for field in ("duration_hours", "cpd_hours", "price"):
        if Decimal(values[field]) < 0:
            raise ValidationError({field: _("Enter a number that is 0 or more.")})
    clash = m.Course.objects.filter(organisation=organisation, code=values["code"])
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"code": _("Another course already has this code.")})


def create_course(*, actor: User, organisation: Organisation, **values: Any) -> m.Course:
    access.require(actor, Perm.MANAGE_TRAINING, organisation)
    _check_course(values, organisation)
    return create(
        m.Course(organisation=organisation, **values),
        actor=actor,
        action=TrainingEvent.COURSE_CREATED,
        changes=lambda course: {"title": [None, course.title], "price": [None, str(course.price)]},
    )


def update_course(
    *, actor: User, course: m.Course, version: int | None = None, **values: Any
) -> m.Course:
    access.require(actor, Perm.MANAGE_TRAINING, course)
    return _edit(
        course,
        values,
        COURSE_FIELDS,
        actor=actor,
        action=TrainingEvent.COURSE_CHANGED,
        version=version,
        check=lambda edited: _check_course(edited, course.organisation, course.pk),
    )


# ---------------------------------------------------------------- engagements and sessions


def create_engagement(
    *,
    actor: User,
    client: m.Client,
    course: m.Course,
    contact: m.ClientContact | None = None,
    title: str = "",
    participants: int | None = None,
    notes: str = "",
    enquiry: m.Enquiry | None = None,
) -> m.Engagement:
    organisation = client.organisation
    access.require(actor, Perm.MANAGE_TRAINING, organisation)
    if contact is not None and contact.client_id != client.pk:
        raise ValidationError({"contact": _("Choose a contact who works for this client.")})
    with transaction.atomic():
        year = timezone.localdate().year
        number = next_number(organisation, f"ENG-{year}")
        engagement = m.Engagement.objects.create(
            organisation=organisation,
            reference=f"ENG-{year}-{number:04d}",
            client=client,
            contact=contact,
            course=course,
            enquiry=enquiry,
            title=(title or course.title).strip(),
            participants=participants,
            notes=notes,
        )
        audit.record(
            TrainingEvent.ENGAGEMENT_CREATED,
            actor=actor,
            organisation=organisation,
            obj=engagement,
            changes={"client": client.pk, "course": course.pk},
        )
    return engagement


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Enter when the session starts and ends.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})


def add_session(
    *,
    actor: User,
    engagement: m.Engagement,
    starts_at: datetime,
    ends_at: datetime,
    venue: str = "",
    is_online: bool = False,
    value: Decimal | None = None,
    materials: str = "",
) -> m.DeliverySession:
    organisation = engagement.organisation
    access.require(actor, Perm.MANAGE_TRAINING, engagement)
    _check_times(starts_at, ends_at)
    if engagement.status not in workflow.OPEN_FOR_SESSIONS:
        raise ValidationError(_("Sessions cannot be added to an engagement in this state."))
    if engagement.status in workflow.TERMS_FIXED:
        raise ValidationError(
            _(
                "The agreement has been sent or signed for the current sessions. Withdraw it "
                "and send a new one, or record the extra session as a new engagement."
            )
        )
    if not venue.strip() and not is_online:
        raise ValidationError({"venue": _("Enter the venue, or say the session is online.")})
    value = engagement.course.price if value is None else Decimal(value)
    if value < 0:
        raise ValidationError({"value": _("Enter a value that is 0 or more.")})
    with transaction.atomic():
        session = m.DeliverySession.objects.create(
            organisation=organisation,
            engagement=engagement,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue.strip(),
            is_online=is_online,
            value=value,
            materials=materials,
        )
        audit.record(
            TrainingEvent.SESSION_ADDED,
            actor=actor,
            organisation=organisation,
            obj=session,
            changes={"starts_at": [None, starts_at], "value": [None, str(value)]},
        )
    return session


def update_session(
    *, actor: User, session: m.DeliverySession, version: int | None = None, **values: Any
) -> m.DeliverySession:
    """Change venue, materials or (before an agreement is sent) the times and value."""
    access.require(actor, Perm.MANAGE_TRAINING, session)
    if session.status != c.SessionStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be changed."))
    fixed = {"starts_at", "ends_at", "value"} & {
        k for k, v in values.items() if v != getattr(session, k)
    }
    if fixed and session.engagement.status in workflow.TERMS_FIXED:
        raise ValidationError(
            _(
                "The dates and value are part of the agreement. Use Postpone to move a session, "
                "or withdraw the agreement first."
            )
        )
    _check_times(values.get("starts_at", session.starts_at), values.get("ends_at", session.ends_at))
    fields = ["starts_at", "ends_at", "venue", "is_online", "value", "materials"]
    return _edit(
        session,
        values,
        fields,
        actor=actor,
        action=TrainingEvent.SESSION_CHANGED,
        version=version,
    )
