"""Training actions: clients, contacts, courses, engagements, sessions and the Service Level
Agreement (sent by a one-time link, accepted there; the policy in force is copied on acceptance)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.core import audit
from mend.core.roles import Perm
from mend.core.tenancy import organisation_scope
from mend.training import choices as c
from mend.training import models as m
from mend.training.events import TrainingEvent
from mend.training.kernel import check_version, hash_token, new_token, public_url, require
from mend.training.money.numbering import next_number
from mend.training.money.policy import policy_snapshot

__all__ = [
    "SLA_DAYS",
    "accept_sla",
    "add_contact",
    "add_session",
    "create_client",
    "create_course",
    "create_engagement",
    "find_sla",
    "refresh_status",
    "send_sla",
    "sla_problem",
    "sla_url",
    "update_client",
    "update_contact",
    "update_course",
    "update_session",
    "withdraw_sla",
]

SLA_DAYS = 30
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


def _update(obj, values: dict, fields: list[str], actor, action: str, version: int | None):
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        check_version(locked, version)
        before = audit.snapshot(locked, fields)
        for field in fields:
            if field in values:
                setattr(locked, field, values[field])
        changes = audit.diff(locked, before, fields)
        if changes:
            locked.version += 1
            locked.full_clean()
            locked.save()
            audit.record(
                action, actor=actor, organisation=locked.organisation, obj=locked, changes=changes
            )
    return locked


# ---------------------------------------------------------------- clients and contacts


def _check_client(values: dict) -> None:
    _required(values, {"name": _("Enter the organisation's name.")})
    _choice(values.get("sector", ""), c.Sector, "sector", _("Choose the client's sector."))


def create_client(*, actor, organisation, **values) -> m.Client:
    require(actor, Perm.MANAGE_TRAINING, organisation)
    _check_client(values)
    values["name"] = values["name"].strip()
    with transaction.atomic():
        client = m.Client(organisation=organisation, **values)
        client.full_clean()
        client.save()
        audit.record(
            TrainingEvent.CLIENT_CREATED,
            actor=actor,
            organisation=organisation,
            obj=client,
            changes={"name": [None, client.name], "sector": [None, client.sector]},
        )
    return client


def update_client(*, actor, client: m.Client, version: int | None = None, **values) -> m.Client:
    require(actor, Perm.MANAGE_TRAINING, client.organisation)
    _check_client({**audit.snapshot(client, CLIENT_FIELDS), **values})
    return _update(client, values, CLIENT_FIELDS, actor, TrainingEvent.CLIENT_CHANGED, version)


def _check_contact(values: dict) -> None:
    _required(
        values,
        {"name": _("Enter the contact's name."), "email": _("Enter the contact's email address.")},
    )
    _choice(values.get("role", ""), c.ContactRole, "role", _("Choose the contact's role."))


def add_contact(*, actor, client: m.Client, **values) -> m.ClientContact:
    require(actor, Perm.MANAGE_TRAINING, client.organisation)
    _check_contact(values)
    with transaction.atomic():
        contact = m.ClientContact(organisation=client.organisation, client=client, **values)
        contact.full_clean()
        contact.save()
        audit.record(
            TrainingEvent.CONTACT_ADDED,
            actor=actor,
            organisation=client.organisation,
            obj=contact,
            changes={"client": client.pk, "role": [None, contact.role]},
        )
    return contact


def update_contact(
    *, actor, contact: m.ClientContact, version: int | None = None, **values
) -> m.ClientContact:
    require(actor, Perm.MANAGE_TRAINING, contact.organisation)
    _check_contact({**audit.snapshot(contact, CONTACT_FIELDS), **values})
    return _update(contact, values, CONTACT_FIELDS, actor, TrainingEvent.CONTACT_CHANGED, version)


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


def create_course(*, actor, organisation, **values) -> m.Course:
    require(actor, Perm.MANAGE_TRAINING, organisation)
    _check_course(values, organisation)
    with transaction.atomic():
        course = m.Course(organisation=organisation, **values)
        course.full_clean()
        course.save()
        audit.record(
            TrainingEvent.COURSE_CREATED,
            actor=actor,
            organisation=organisation,
            obj=course,
            changes={"title": [None, course.title], "price": [None, str(course.price)]},
        )
    return course


def update_course(*, actor, course: m.Course, version: int | None = None, **values) -> m.Course:
    require(actor, Perm.MANAGE_TRAINING, course.organisation)
    _check_course(
        {**audit.snapshot(course, COURSE_FIELDS), **values}, course.organisation, course.pk
    )
    return _update(course, values, COURSE_FIELDS, actor, TrainingEvent.COURSE_CHANGED, version)


# ---------------------------------------------------------------- engagements and sessions


def create_engagement(
    *,
    actor,
    client: m.Client,
    course: m.Course,
    contact: m.ClientContact | None = None,
    title: str = "",
    participants: int | None = None,
    notes: str = "",
    enquiry: m.Enquiry | None = None,
) -> m.Engagement:
    organisation = client.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
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


OPEN_FOR_SESSIONS = {
    c.EngagementStatus.ENQUIRY,
    c.EngagementStatus.PROPOSED,
    c.EngagementStatus.SLA_SENT,
    c.EngagementStatus.SIGNED,
    c.EngagementStatus.DELIVERED,
}


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Enter when the session starts and ends.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})


def add_session(
    *,
    actor,
    engagement: m.Engagement,
    starts_at: datetime,
    ends_at: datetime,
    venue: str = "",
    is_online: bool = False,
    value: Decimal | None = None,
    materials: str = "",
) -> m.DeliverySession:
    organisation = engagement.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
    _check_times(starts_at, ends_at)
    if engagement.status not in OPEN_FOR_SESSIONS:
        raise ValidationError(_("Sessions cannot be added to an engagement in this state."))
    if engagement.status in (c.EngagementStatus.SLA_SENT, c.EngagementStatus.SIGNED):
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
    *, actor, session: m.DeliverySession, version: int | None = None, **values
) -> m.DeliverySession:
    """Change venue, materials or (before an agreement is sent) the times and value."""
    require(actor, Perm.MANAGE_TRAINING, session.organisation)
    if session.status != c.SessionStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be changed."))
    fixed = {"starts_at", "ends_at", "value"} & {
        k for k, v in values.items() if v != getattr(session, k)
    }
    if fixed and session.engagement.status in (
        c.EngagementStatus.SLA_SENT,
        c.EngagementStatus.SIGNED,
    ):
        raise ValidationError(
            _(
                "The dates and value are part of the agreement. Use Postpone to move a session, "
                "or withdraw the agreement first."
            )
        )
    _check_times(values.get("starts_at", session.starts_at), values.get("ends_at", session.ends_at))
    fields = ["starts_at", "ends_at", "venue", "is_online", "value", "materials"]
    return _update(session, values, fields, actor, TrainingEvent.SESSION_CHANGED, version)


def refresh_status(engagement: m.Engagement) -> m.Engagement:
    """Derive delivered / invoiced / paid from the sessions and money (called by actions)."""
    from mend.training.money.actions import invoiced_session_ids, outstanding_for_engagement

    if engagement.status in (
        c.EngagementStatus.CANCELLED,
        c.EngagementStatus.ENQUIRY,
        c.EngagementStatus.PROPOSED,
        c.EngagementStatus.SLA_SENT,
    ):
        return engagement
    sessions = list(engagement.sessions.exclude(status=c.SessionStatus.CANCELLED))
    if not sessions:
        return engagement
    status = c.EngagementStatus.SIGNED
    if all(s.status == c.SessionStatus.DELIVERED for s in sessions):
        status = c.EngagementStatus.DELIVERED
        invoiced = set(invoiced_session_ids(engagement).values_list("session", flat=True))
        if all(s.pk in invoiced for s in sessions):
            status = c.EngagementStatus.INVOICED
            if outstanding_for_engagement(engagement) <= 0:
                status = c.EngagementStatus.PAID
    if status != engagement.status:
        old = engagement.status
        m.Engagement.objects.filter(pk=engagement.pk).update(status=status)
        engagement.status = status
        audit.record(
            TrainingEvent.ENGAGEMENT_STATUS,
            organisation=engagement.organisation,
            obj=engagement,
            changes={"status": [old, status]},
        )
    return engagement


# ---------------------------------------------------------------- the Service Level Agreement


def sla_url(token: str) -> str:
    return public_url("training_sla", token)


def sla_terms(engagement: m.Engagement) -> dict:
    """What the client agrees to, fixed when the agreement is sent."""
    sessions = list(engagement.sessions.exclude(status=c.SessionStatus.CANCELLED))
    return {
        "reference": engagement.reference,
        "title": engagement.title,
        "course": engagement.course.title,
        "course_cy": engagement.course.title_cy,
        "participants": engagement.participants,
        "sessions": [
            {
                "id": s.pk,
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "venue": s.venue,
                "is_online": s.is_online,
                "value": str(s.value),
            }
            for s in sessions
        ],
    }


def send_sla(
    *, actor, engagement: m.Engagement, contact: m.ClientContact | None = None
) -> tuple[m.ServiceLevelAgreement, str]:
    """Email the agreement's one-time link to the client contact. Returns the SLA and token."""
    organisation = engagement.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
    contact = contact or engagement.contact
    if contact is None or contact.client_id != engagement.client_id:
        raise ValidationError({"contact": _("Choose the client contact who will sign.")})
    if engagement.status not in (
        c.EngagementStatus.ENQUIRY,
        c.EngagementStatus.PROPOSED,
        c.EngagementStatus.SLA_SENT,
    ):
        raise ValidationError(_("An agreement can only be sent before it is signed."))
    sessions = engagement.sessions.exclude(status=c.SessionStatus.CANCELLED)
    if not sessions.exists():
        raise ValidationError(_("Add the delivery sessions before sending the agreement."))
    token = new_token()
    with transaction.atomic():
        locked = m.Engagement.objects.select_for_update().get(pk=engagement.pk)
        m.ServiceLevelAgreement.objects.filter(engagement=locked, status=c.SlaStatus.SENT).update(
            status=c.SlaStatus.WITHDRAWN
        )
        terms = sla_terms(locked)
        total = sum((Decimal(s["value"]) for s in terms["sessions"]), Decimal("0.00"))
        sla = m.ServiceLevelAgreement.objects.create(
            organisation=organisation,
            engagement=locked,
            contact=contact,
            token_hash=hash_token(token),
            sent_by=actor,
            expires_at=timezone.now() + timedelta(days=SLA_DAYS),
            language=contact.language,
            terms=terms,
            total=total,
        )
        old = locked.status
        locked.status = c.EngagementStatus.SLA_SENT
        locked.version += 1
        locked.save(update_fields=["status", "version"])
        audit.record(
            TrainingEvent.SLA_SENT,
            actor=actor,
            organisation=organisation,
            obj=sla,
            changes={"status": [old, locked.status], "contact": contact.pk, "total": str(total)},
        )
        transaction.on_commit(lambda: _email_sla(sla, token))
    engagement.status = locked.status
    return sla, token


def _email_sla(sla: m.ServiceLevelAgreement, token: str) -> None:
    with translation.override(sla.language):
        context = {
            "sla": sla,
            "organisation": sla.organisation.display_name(sla.language),
            "contact": sla.contact,
            "url": sla_url(token),
        }
        subject = _("Service Level Agreement from %(organisation)s: %(reference)s") % {
            "organisation": context["organisation"],
            "reference": sla.terms.get("reference", ""),
        }
        body = render_to_string("training/email/sla.txt", context)
    send_mail(subject, body, None, [sla.contact.email])


def find_sla(token: str) -> m.ServiceLevelAgreement | None:
    """The agreement for a link, from any organisation (the token itself is the credential)."""
    if not token or len(token) > 100:
        return None
    return (
        m.ServiceLevelAgreement.across_organisations.select_related(
            "organisation", "engagement", "contact", "engagement__client"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def sla_problem(sla: m.ServiceLevelAgreement | None) -> str | None:
    if sla is None:
        return _("This link is not valid. Check that you copied the whole link.")
    if sla.status == c.SlaStatus.WITHDRAWN:
        return _("This agreement has been replaced or withdrawn. Ask us for the current one.")
    if sla.status == c.SlaStatus.SENT and sla.expires_at < timezone.now():
        return _("This link has expired. Ask us to send the agreement again.")
    return None


def accept_sla(
    *,
    sla: m.ServiceLevelAgreement,
    name: str,
    job_title: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    agree: bool = True,
) -> m.ServiceLevelAgreement:
    """The client contact accepts the agreement at its link: who, when and from where are kept,
    and the cancellation policy in force now is copied onto the agreement."""
    if not agree:
        raise ValidationError({"agree": _("Confirm that you agree to the terms.")})
    if not name.strip():
        raise ValidationError({"name": _("Enter your full name.")})
    problem = sla_problem(sla)
    if problem:
        raise ValidationError(problem)
    # Reached from a public link: work in the agreement's organisation.
    with organisation_scope(sla.organisation), transaction.atomic():
        locked = m.ServiceLevelAgreement.across_organisations.select_for_update().get(pk=sla.pk)
        if locked.status == c.SlaStatus.ACCEPTED:
            raise ValidationError(_("This agreement has already been accepted. Thank you."))
        if locked.status != c.SlaStatus.SENT:
            raise ValidationError(_("This agreement has been replaced or withdrawn."))
        now = timezone.now()
        locked.status = c.SlaStatus.ACCEPTED
        locked.accepted_at = now
        locked.accepted_name = name.strip()[:200]
        locked.accepted_job_title = job_title.strip()[:120]
        locked.accepted_ip = ip_address
        locked.accepted_user_agent = (user_agent or "")[:300]
        locked.policy_snapshot = policy_snapshot(locked.organisation)
        locked.save()
        engagement = m.Engagement.objects.select_for_update().get(pk=locked.engagement_id)
        engagement.status = c.EngagementStatus.SIGNED
        engagement.signed_at = now
        engagement.version += 1
        engagement.save(update_fields=["status", "signed_at", "version"])
        audit.record(
            TrainingEvent.SLA_ACCEPTED,
            organisation=locked.organisation,
            obj=locked,
            acting_for=f"client contact {locked.contact_id}",
            changes={
                "status": [c.SlaStatus.SENT, c.SlaStatus.ACCEPTED],
                "accepted_ip": ip_address,
                "policy_version": locked.policy_snapshot.get("version"),
            },
        )
    return locked


def withdraw_sla(*, actor, sla: m.ServiceLevelAgreement) -> m.ServiceLevelAgreement:
    require(actor, Perm.MANAGE_TRAINING, sla.organisation)
    if sla.status != c.SlaStatus.SENT:
        raise ValidationError(
            _("Only an agreement that is waiting to be accepted can be withdrawn.")
        )
    with transaction.atomic():
        sla.status = c.SlaStatus.WITHDRAWN
        sla.save(update_fields=["status"])
        engagement = sla.engagement
        if engagement.status == c.EngagementStatus.SLA_SENT:
            engagement.status = c.EngagementStatus.PROPOSED
            engagement.version += 1
            engagement.save(update_fields=["status", "version"])
        audit.record(
            TrainingEvent.SLA_WITHDRAWN, actor=actor, organisation=sla.organisation, obj=sla
        )
    return sla
