"""Training actions: delivery. Sessions delivered, trainers (levels and allocation), the client's
attendee list, registers and certificates of completion (the surveys are delivery/surveys.py).

A trainer (DELIVER_TRAINING without VIEW_TRAINING) may act only on the sessions they are
allocated to: `access.require` applies training's row rule (training.access)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.changes import check_version, lock
from mend.core.models import Membership, Organisation, User
from mend.core.roles import Perm
from mend.training import choices as c
from mend.training import models as m
from mend.training import tasks
from mend.training.delivery.attendee_list import check_attendee, parse_attendee_list
from mend.training.delivery.certificates import new_code
from mend.training.delivery.queries import (
    clashing_sessions,
    completed_attendees,
    register_open,
    taken_emails,
    trainer_name,
)
from mend.training.events import TrainingEvent
from mend.training.workflow import refresh_status

__all__ = [
    "add_attendee",
    "add_attendees",
    "allocate_trainer",
    "issue_certificate",
    "issue_certificates",
    "mark_session_delivered",
    "record_attendance",
    "remove_attendee",
    "remove_trainer",
    "set_trainer_level",
]

# ---------------------------------------------------------------- sessions


def mark_session_delivered(*, actor: object, session: m.DeliverySession) -> m.DeliverySession:
    """A scheduled session that has started (today or earlier) was delivered."""
    access.require(actor, Perm.DELIVER_TRAINING, session)
    with transaction.atomic():
        locked = lock(session)
        if locked.status != c.SessionStatus.SCHEDULED:
            raise ValidationError(_("Only a scheduled session can be marked as delivered."))
        if locked.delivery_date > timezone.localdate():
            raise ValidationError(
                _("A session can be marked as delivered on the day it takes place or later.")
            )
        locked.status = c.SessionStatus.DELIVERED
        locked.delivered_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "delivered_at", "version"])
        audit.record_for(
            TrainingEvent.SESSION_DELIVERED,
            locked,
            actor=actor,
            changes={"status": [c.SessionStatus.SCHEDULED, c.SessionStatus.DELIVERED]},
        )
        refresh_status(m.Engagement.objects.get(pk=locked.engagement_id))
    return locked


# ---------------------------------------------------------------- trainers


def set_trainer_level(
    *,
    actor: object,
    membership: Membership,
    level: str,
    notes: str = "",
    version: int | None = None,
) -> m.TrainerProfile:
    """Record (or change) a member's level as a trainer."""
    organisation = membership.organisation
    access.require(actor, Perm.CONFIGURE_TRAINING, organisation)
    if level not in c.TrainerLevel.values:
        raise ValidationError({"level": _("Choose the trainer's level.")})
    if not membership.is_active:
        raise ValidationError(_("This person is no longer an active member."))
    notes = (notes or "").strip()
    with transaction.atomic():
        profile = m.TrainerProfile.objects.select_for_update().filter(membership=membership).first()
        changes: dict[str, object]
        if profile is None:
            profile = m.TrainerProfile.objects.create(
                organisation=organisation, membership=membership, level=level, notes=notes
            )
            changes = {"level": [None, level]}
        else:
            check_version(
                profile,
                version,
                _(
                    "Someone else changed this trainer's level while you were editing it. "
                    "Nothing was saved: review their change and try again."
                ),
            )
            changes = {"level": [profile.level, level]} if profile.level != level else {}
            if profile.notes != notes:
                changes["notes"] = "changed"
            if not changes:
                return profile
            profile.level, profile.notes = level, notes
            profile.version += 1
            profile.save()
        audit.record(
            TrainingEvent.TRAINER_LEVEL,
            actor=actor,
            organisation=organisation,
            obj=profile,
            changes={**changes, "membership": membership.pk},
        )
    return profile


def _when(session: m.DeliverySession) -> dict[str, str]:
    local = timezone.localtime(session.starts_at)
    return {
        "date": formats.date_format(local, "j F Y"),
        "time": local.strftime("%H:%M"),
    }


def allocate_trainer(
    *,
    actor: object,
    session: m.DeliverySession,
    membership: Membership,
    is_lead: bool = False,
) -> m.SessionTrainer:
    """Put a trainer on a session: intermediate or advanced level, and free at that time."""
    access.require(actor, Perm.MANAGE_TRAINING, session)
    organisation = session.organisation
    if membership.organisation_id != organisation.pk or not membership.is_active:
        raise ValidationError({"membership": _("Choose an active member of this organisation.")})
    if session.status != c.SessionStatus.SCHEDULED:
        raise ValidationError(_("Trainers can only be allocated to a scheduled session."))
    profile = m.TrainerProfile.objects.filter(membership=membership).first()
    if profile is None or not profile.can_be_allocated:
        raise ValidationError(
            {
                "membership": _(
                    "Only trainers at intermediate or advanced level can be allocated. "
                    "%(name)s is %(level)s."
                )
                % {
                    "name": trainer_name(membership),
                    "level": profile.get_level_display().lower()
                    if profile
                    else _("not recorded as a trainer"),
                }
            }
        )
    with transaction.atomic():
        locked = lock(session)
        if m.SessionTrainer.objects.filter(session=locked, membership=membership).exists():
            raise ValidationError(
                {
                    "membership": _("%(name)s is already training this session.")
                    % {"name": trainer_name(membership)}
                }
            )
        clash = clashing_sessions(membership, locked.starts_at, locked.ends_at, locked.pk).first()
        if clash is not None:
            raise ValidationError(
                {
                    "membership": _(
                        "%(name)s is already training %(reference)s on %(date)s from %(time)s."
                    )
                    % {
                        "name": trainer_name(membership),
                        "reference": clash.engagement.reference,
                        **_when(clash),
                    }
                }
            )
        if is_lead:
            m.SessionTrainer.objects.filter(session=locked, is_lead=True).update(is_lead=False)
        allocation = m.SessionTrainer.objects.create(
            organisation=organisation, session=locked, membership=membership, is_lead=is_lead
        )
        audit.record(
            TrainingEvent.TRAINER_ALLOCATED,
            actor=actor,
            organisation=organisation,
            obj=locked,
            changes={"membership": membership.pk, "is_lead": is_lead},
        )
    return allocation


def remove_trainer(*, actor: object, allocation: m.SessionTrainer) -> None:
    session = allocation.session
    access.require(actor, Perm.MANAGE_TRAINING, session)
    if session.status != c.SessionStatus.SCHEDULED:
        raise ValidationError(_("Trainers can only be changed on a scheduled session."))
    with transaction.atomic():
        membership_id = allocation.membership_id
        allocation.delete()
        audit.record_for(
            TrainingEvent.TRAINER_REMOVED,
            session,
            actor=actor,
            changes={"membership": membership_id},
        )


# ---------------------------------------------------------------- attendees


def _open_for_attendees(engagement: m.Engagement) -> None:
    if engagement.status == c.EngagementStatus.CANCELLED:
        raise ValidationError(_("The engagement is cancelled: its attendee list cannot change."))


def add_attendee(
    *,
    actor: object,
    engagement: m.Engagement,
    name: str,
    email: str = "",
    job_title: str = "",
    language: str = "en",
) -> m.Attendee:
    access.require(actor, Perm.MANAGE_TRAINING, engagement)
    organisation = engagement.organisation
    _open_for_attendees(engagement)
    name, email, job_title = name.strip(), (email or "").strip(), (job_title or "").strip()
    errors = check_attendee(name, email)
    if language not in c.Language.values:
        errors["language"] = _("Choose the attendee's preferred language.")
    if not errors and email and email.lower() in taken_emails(engagement):
        errors["email"] = _("Someone with this email address is already on the list.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        attendee = m.Attendee.objects.create(
            organisation=organisation,
            engagement=engagement,
            name=name,
            email=email,
            job_title=job_title[:120],
            language=language,
        )
        audit.record(
            TrainingEvent.ATTENDEE_ADDED,
            actor=actor,
            organisation=organisation,
            obj=attendee,
            changes={"engagement": engagement.pk},
        )
    return attendee


def remove_attendee(*, actor: object, attendee: m.Attendee) -> None:
    access.require(actor, Perm.MANAGE_TRAINING, attendee)
    organisation = attendee.organisation
    if m.Attendance.objects.filter(attendee=attendee).exists():
        raise ValidationError(
            _("%(name)s is on a register already, so they cannot be removed.")
            % {"name": attendee.name}
        )
    if m.Certificate.objects.filter(attendee=attendee).exists():
        raise ValidationError(
            _("%(name)s has a certificate, so they cannot be removed.") % {"name": attendee.name}
        )
    with transaction.atomic():
        engagement_id = attendee.engagement_id
        attendee.delete()
        audit.record(
            TrainingEvent.ATTENDEE_REMOVED,
            actor=actor,
            organisation=organisation,
            obj=m.Engagement.objects.get(pk=engagement_id),
            changes={"engagement": engagement_id},
        )


def add_attendees(
    *, actor: object, engagement: m.Engagement, text: str, language: str = "en"
) -> list[m.Attendee]:
    """Add a pasted list; nothing is saved if any line is wrong."""
    access.require(actor, Perm.MANAGE_TRAINING, engagement)
    organisation = engagement.organisation
    _open_for_attendees(engagement)
    if language not in c.Language.values:
        raise ValidationError({"language": _("Choose the attendees' preferred language.")})
    rows = parse_attendee_list(text, taken_emails(engagement))
    with transaction.atomic():
        created = m.Attendee.objects.bulk_create(
            [
                m.Attendee(
                    organisation=organisation,
                    engagement=engagement,
                    name=row["name"],
                    email=row["email"],
                    language=language,
                )
                for row in rows
            ]
        )
        audit.record(
            TrainingEvent.ATTENDEES_ADDED,
            actor=actor,
            organisation=organisation,
            obj=engagement,
            changes={"count": len(created)},
        )
    return created


# ---------------------------------------------------------------- registers


def record_attendance(
    *, actor: User, session: m.DeliverySession, present_ids: Iterable[int | str]
) -> list[m.Attendance]:
    """Who was present at a session (everyone else on the list was absent)."""
    access.require(actor, Perm.DELIVER_TRAINING, session)
    if session.status == c.SessionStatus.CANCELLED:
        raise ValidationError(_("This session was cancelled: there is no register to take."))
    if not register_open(session):
        raise ValidationError(_("The register can be taken from the day of the session."))
    attendees = list(m.Attendee.objects.filter(engagement_id=session.engagement_id))
    known = {a.pk for a in attendees}
    present = {int(pk) for pk in present_ids}
    if present - known:
        raise ValidationError(_("Only people on this engagement's attendee list can be marked."))
    if not attendees:
        raise ValidationError(_("Add the attendees before taking the register."))
    now = timezone.now()
    with transaction.atomic():
        existing = {
            a.attendee_id: a
            for a in m.Attendance.objects.select_for_update().filter(session=session)
        }
        rows, changed = [], 0
        for attendee in attendees:
            is_present = attendee.pk in present
            row = existing.get(attendee.pk)
            if row is None:
                row = m.Attendance.objects.create(
                    organisation=session.organisation,
                    session=session,
                    attendee=attendee,
                    present=is_present,
                    recorded_at=now,
                    recorded_by=actor,
                )
                changed += 1
            elif row.present != is_present:
                row.present, row.recorded_at, row.recorded_by = is_present, now, actor
                row.save(update_fields=["present", "recorded_at", "recorded_by"])
                changed += 1
            rows.append(row)
        audit.record_for(
            TrainingEvent.REGISTER_TAKEN,
            session,
            actor=actor,
            changes={"present": len(present), "absent": len(known - present), "changed": changed},
        )
    return rows


# ---------------------------------------------------------------- certificates


def issue_certificate(
    *,
    actor: object,
    organisation: Organisation,
    holder_name: str,
    course_title: str,
    course_title_cy: str,
    cpd_hours: Decimal,
    completed_on: date,
    language: str,
    attendee: m.Attendee | None = None,
    enrolment: m.Enrolment | None = None,
) -> m.Certificate:
    """Create one certificate: the shared last step of `issue_certificates` and of e-learning's
    `submit_quiz`, which check who may ask and whether the holder completed, inside their own
    transaction. No permission of its own: a learner passing a quiz holds none."""
    with transaction.atomic():
        certificate = m.Certificate.objects.create(
            organisation=organisation,
            code=new_code(),
            holder_name=holder_name,
            course_title=course_title,
            course_title_cy=course_title_cy,
            cpd_hours=cpd_hours,
            completed_on=completed_on,
            language=language if language in ("en", "cy") else "en",
            attendee=attendee,
            enrolment=enrolment,
        )
        audit.record(
            TrainingEvent.CERTIFICATE_ISSUED,
            actor=actor,
            organisation=organisation,
            obj=certificate,
            changes={
                "attendee": attendee.pk if attendee else None,
                "enrolment": enrolment.pk if enrolment else None,
            },
        )
    return certificate


def issue_certificates(*, actor: object, engagement: m.Engagement) -> list[m.Certificate]:
    """A certificate for each attendee who completed and has none yet, emailed with its PDF."""
    access.require(actor, Perm.MANAGE_TRAINING, engagement)
    organisation = engagement.organisation
    if engagement.sessions.filter(status=c.SessionStatus.SCHEDULED).exists():
        raise ValidationError(
            _("Certificates can be issued once every session has been delivered or cancelled.")
        )
    last = (
        engagement.sessions.filter(status=c.SessionStatus.DELIVERED).order_by("-starts_at").first()
    )
    if last is None:
        raise ValidationError(_("No session of this engagement has been delivered."))
    course = engagement.course
    issued = []
    with transaction.atomic():
        lock(engagement)
        for attendee in completed_attendees(engagement):
            if m.Certificate.objects.filter(attendee=attendee).exists():
                continue
            certificate = issue_certificate(
                actor=actor,
                organisation=organisation,
                holder_name=attendee.name,
                course_title=course.title,
                course_title_cy=course.title_cy,
                cpd_hours=course.cpd_hours,
                completed_on=last.delivery_date,
                language=attendee.language,
                attendee=attendee,
            )
            issued.append(certificate)
            if attendee.email:
                transaction.on_commit(
                    partial(tasks.email_certificate.enqueue, certificate.pk, attendee.email)
                )
    return issued
