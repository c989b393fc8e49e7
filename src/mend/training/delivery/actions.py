"""Training actions: delivery. Sessions delivered, trainers (levels and allocation), the client's
attendee list, registers, certificates of completion and the confidence surveys.

A trainer (DELIVER_TRAINING without VIEW_TRAINING) may act only on the sessions they are
allocated to (the same rule as training.access)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.roles import Perm, role_has
from mend.core.tenancy import organisation_scope
from mend.training import choices as c
from mend.training import models as m
from mend.training import tasks
from mend.training.delivery import evaluation
from mend.training.delivery.certificates import certificate_pdf, issue_certificate
from mend.training.delivery.scheduling import clashing_sessions
from mend.training.events import TrainingEvent
from mend.training.kernel import hash_token, new_token, public_url, require
from mend.training.workflow import refresh_status

__all__ = [
    "EVALUATION_DAYS",
    "add_attendee",
    "add_attendees",
    "allocate_trainer",
    "answer_evaluation",
    "certificate_url",
    "completed_attendees",
    "evaluation_problem",
    "evaluation_url",
    "find_evaluation",
    "issue_certificates",
    "mark_session_delivered",
    "parse_attendee_list",
    "record_attendance",
    "register_open",
    "remove_attendee",
    "remove_trainer",
    "send_evaluations",
    "set_trainer_level",
    "trainer_name",
]

EVALUATION_DAYS = 30


def _require_on_session(actor, perm: str, session: m.DeliverySession) -> None:
    """`perm` in the session's organisation; a trainer only on a session they are allocated to."""
    require(actor, perm, session.organisation)
    membership = access.memberships(actor).get(session.organisation_id)
    if role_has(membership.role, Perm.VIEW_TRAINING):
        return
    if not m.SessionTrainer.objects.filter(session=session, membership=membership).exists():
        raise PermissionDenied(_("Only the trainers allocated to this session can do this."))


def trainer_name(membership) -> str:
    return membership.user.full_name or membership.user.email


# ---------------------------------------------------------------- sessions


def mark_session_delivered(*, actor, session: m.DeliverySession) -> m.DeliverySession:
    """A scheduled session that has started (today or earlier) was delivered."""
    _require_on_session(actor, Perm.DELIVER_TRAINING, session)
    with transaction.atomic():
        locked = m.DeliverySession.objects.select_for_update().get(pk=session.pk)
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
        audit.record(
            TrainingEvent.SESSION_DELIVERED,
            actor=actor,
            organisation=locked.organisation,
            obj=locked,
            changes={"status": [c.SessionStatus.SCHEDULED, c.SessionStatus.DELIVERED]},
        )
        refresh_status(m.Engagement.objects.get(pk=locked.engagement_id))
    return locked


# ---------------------------------------------------------------- trainers


def set_trainer_level(
    *, actor, membership, level: str, notes: str = "", version: int | None = None
) -> m.TrainerProfile:
    """Record (or change) a member's level as a trainer."""
    organisation = membership.organisation
    require(actor, Perm.CONFIGURE_TRAINING, organisation)
    if level not in c.TrainerLevel.values:
        raise ValidationError({"level": _("Choose the trainer's level.")})
    if not membership.is_active:
        raise ValidationError(_("This person is no longer an active member."))
    notes = (notes or "").strip()
    with transaction.atomic():
        profile = m.TrainerProfile.objects.select_for_update().filter(membership=membership).first()
        if profile is None:
            profile = m.TrainerProfile.objects.create(
                organisation=organisation, membership=membership, level=level, notes=notes
            )
            changes = {"level": [None, level]}
        else:
            if version is not None and profile.version != version:
                raise ValidationError(
                    _(
                        "Someone else changed this trainer's level while you were editing it. "
                        "Nothing was saved: review their change and try again."
                    )
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
    *, actor, session: m.DeliverySession, membership, is_lead: bool = False
) -> m.SessionTrainer:
    """Put a trainer on a session: intermediate or advanced level, and free at that time."""
    organisation = session.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
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
        locked = m.DeliverySession.objects.select_for_update().get(pk=session.pk)
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


def remove_trainer(*, actor, allocation: m.SessionTrainer) -> None:
    session = allocation.session
    require(actor, Perm.MANAGE_TRAINING, session.organisation)
    if session.status != c.SessionStatus.SCHEDULED:
        raise ValidationError(_("Trainers can only be changed on a scheduled session."))
    with transaction.atomic():
        membership_id = allocation.membership_id
        allocation.delete()
        audit.record(
            TrainingEvent.TRAINER_REMOVED,
            actor=actor,
            organisation=session.organisation,
            obj=session,
            changes={"membership": membership_id},
        )


# ---------------------------------------------------------------- attendees


def _check_attendee(name: str, email: str) -> dict:
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter the attendee's full name.")
    elif len(name.strip()) > 200:
        errors["name"] = _("The name must be 200 characters or fewer.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter an email address like name@example.com.")
    return errors


def _open_for_attendees(engagement: m.Engagement) -> None:
    if engagement.status == c.EngagementStatus.CANCELLED:
        raise ValidationError(_("The engagement is cancelled: its attendee list cannot change."))


def _taken_emails(engagement: m.Engagement) -> set[str]:
    return {
        e.lower()
        for e in m.Attendee.objects.filter(engagement=engagement)
        .exclude(email="")
        .values_list("email", flat=True)
    }


def add_attendee(
    *,
    actor,
    engagement: m.Engagement,
    name: str,
    email: str = "",
    job_title: str = "",
    language: str = "en",
) -> m.Attendee:
    organisation = engagement.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
    _open_for_attendees(engagement)
    name, email, job_title = name.strip(), (email or "").strip(), (job_title or "").strip()
    errors = _check_attendee(name, email)
    if language not in c.Language.values:
        errors["language"] = _("Choose the attendee's preferred language.")
    if not errors and email and email.lower() in _taken_emails(engagement):
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


def remove_attendee(*, actor, attendee: m.Attendee) -> None:
    organisation = attendee.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
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


def parse_attendee_list(engagement: m.Engagement, text: str) -> list[dict]:
    """One attendee per line, `Name, email` (the email may be left out). Raises ValidationError
    listing every wrong line by its number; blank lines are skipped."""
    errors: list[str] = []
    found: list[dict] = []
    taken = _taken_emails(engagement)
    seen: dict[str, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in re.split(r"[,\t]", line)]
        parts = [p for p in parts if p] if len(parts) > 2 else parts
        if len(parts) > 2:
            errors.append(
                _("Line %(number)s: write the name, a comma, then the email address.")
                % {"number": number}
            )
            continue
        name = parts[0]
        email = parts[1] if len(parts) == 2 else ""
        problems = _check_attendee(name, email)
        for problem in problems.values():
            errors.append(
                _("Line %(number)s: %(problem)s") % {"number": number, "problem": problem}
            )
        if problems:
            continue
        key = email.lower()
        if key and key in taken:
            errors.append(
                _("Line %(number)s: %(email)s is already on the attendee list.")
                % {"number": number, "email": email}
            )
            continue
        if key and key in seen:
            errors.append(
                _("Line %(number)s: %(email)s is also on line %(first)s.")
                % {"number": number, "email": email, "first": seen[key]}
            )
            continue
        if key:
            seen[key] = number
        found.append({"name": name, "email": email})
    if errors:
        raise ValidationError({"attendees": errors})
    if not found:
        raise ValidationError({"attendees": _("Enter at least one attendee, one per line.")})
    return found


def add_attendees(
    *, actor, engagement: m.Engagement, text: str, language: str = "en"
) -> list[m.Attendee]:
    """Add a pasted list; nothing is saved if any line is wrong."""
    organisation = engagement.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
    _open_for_attendees(engagement)
    if language not in c.Language.values:
        raise ValidationError({"language": _("Choose the attendees' preferred language.")})
    rows = parse_attendee_list(engagement, text)
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


def register_open(session: m.DeliverySession) -> bool:
    """A register can be taken from the day of the session (not for a cancelled one)."""
    return (
        session.status != c.SessionStatus.CANCELLED
        and session.delivery_date <= timezone.localdate()
    )


def record_attendance(*, actor, session: m.DeliverySession, present_ids) -> list[m.Attendance]:
    """Who was present at a session (everyone else on the list was absent)."""
    _require_on_session(actor, Perm.DELIVER_TRAINING, session)
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
        audit.record(
            TrainingEvent.REGISTER_TAKEN,
            actor=actor,
            organisation=session.organisation,
            obj=session,
            changes={"present": len(present), "absent": len(known - present), "changed": changed},
        )
    return rows


# ---------------------------------------------------------------- certificates


def completed_attendees(engagement: m.Engagement) -> list[m.Attendee]:
    """Attendees present at every delivered session, once no session is still scheduled."""
    counts = m.DeliverySession.objects.filter(engagement=engagement).aggregate(
        delivered=Count("pk", filter=Q(status=c.SessionStatus.DELIVERED)),
        scheduled=Count("pk", filter=Q(status=c.SessionStatus.SCHEDULED)),
    )
    if counts["scheduled"] or not counts["delivered"]:
        return []
    return list(
        m.Attendee.objects.filter(engagement=engagement)
        .annotate(
            attended=Count(
                "attendance",
                filter=Q(
                    attendance__present=True,
                    attendance__session__status=c.SessionStatus.DELIVERED,
                ),
            )
        )
        .filter(attended=counts["delivered"])
        .order_by("name", "pk")
    )


def certificate_url(code: str) -> str:
    return public_url("training_certificate", code)


def issue_certificates(*, actor, engagement: m.Engagement) -> list[m.Certificate]:
    """A certificate for each attendee who completed and has none yet, emailed with its PDF."""
    organisation = engagement.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
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
        m.Engagement.objects.select_for_update().get(pk=engagement.pk)
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
                    lambda cert=certificate, to=attendee.email: tasks.email_certificate.enqueue(
                        cert.pk, to
                    )
                )
    return issued


def _email_certificate(certificate: m.Certificate, email: str) -> None:
    language = certificate.language
    organisation_name = certificate.organisation.display_name(language)
    url = certificate_url(certificate.code)
    with organisation_scope(certificate.organisation), translation.override(language):
        context = {
            "certificate": certificate,
            "course": m.bilingual(certificate.course_title, certificate.course_title_cy, language),
            "organisation_name": organisation_name,
            "url": url,
        }
        subject = _("Your certificate from %(organisation)s") % {"organisation": organisation_name}
        body = render_to_string("training/email/certificate.txt", context)
        pdf = certificate_pdf(certificate, url)
    message = EmailMessage(subject, body, None, [email])
    message.attach(f"certificate-{certificate.code}.pdf", pdf, "application/pdf")
    message.send()


# ---------------------------------------------------------------- confidence surveys


def evaluation_url(token: str) -> str:
    return public_url("training_evaluation", token)


def send_evaluations(
    *, actor, engagement: m.Engagement, stage: str
) -> list[tuple[m.EvaluationRequest, str]]:
    """Email a one-time survey link to each attendee with an email address who has not been sent
    this stage's survey. Returns the requests made, each with its token (only its hash is kept)."""
    organisation = engagement.organisation
    require(actor, Perm.MANAGE_TRAINING, organisation)
    if stage not in c.SurveyStage.values:
        raise ValidationError({"stage": _("Choose which survey to send.")})
    if engagement.status == c.EngagementStatus.CANCELLED:
        raise ValidationError(_("The engagement is cancelled."))
    if (
        stage == c.SurveyStage.POST
        and not engagement.sessions.filter(status=c.SessionStatus.DELIVERED).exists()
    ):
        raise ValidationError(
            {"stage": _("Send the after-course survey once a session has been delivered.")}
        )
    attendees = list(
        m.Attendee.objects.filter(engagement=engagement)
        .exclude(email="")
        .exclude(evaluations__stage=stage)
    )
    if not attendees:
        raise ValidationError(
            _("Everyone on the list with an email address has already been sent this survey.")
        )
    now = timezone.now()
    made = []
    with transaction.atomic():
        for attendee in attendees:
            token = new_token()
            request = m.EvaluationRequest.objects.create(
                organisation=organisation,
                attendee=attendee,
                stage=stage,
                token_hash=hash_token(token),
                sent_at=now,
                expires_at=now + timedelta(days=EVALUATION_DAYS),
            )
            made.append((request, token))
            transaction.on_commit(lambda r=request, a=attendee, t=token: _email_evaluation(r, a, t))
        audit.record(
            TrainingEvent.EVALUATIONS_SENT,
            actor=actor,
            organisation=organisation,
            obj=engagement,
            changes={"stage": stage, "count": len(made)},
        )
    return made


def _email_evaluation(request: m.EvaluationRequest, attendee: m.Attendee, token: str) -> None:
    language = attendee.language
    organisation_name = request.organisation.display_name(language)
    with translation.override(language):
        context = {
            "name": attendee.name,
            "organisation_name": organisation_name,
            "course": attendee.engagement.course.label,
            "stage": request.stage,
            "url": evaluation_url(token),
            "expires_at": request.expires_at,
        }
        if request.stage == c.SurveyStage.PRE:
            subject = _("Before your training with %(organisation)s: a short survey")
        else:
            subject = _("After your training with %(organisation)s: a short survey")
        subject = subject % {"organisation": organisation_name}
        body = render_to_string("training/email/evaluation.txt", context)
    send_mail(subject, body, None, [attendee.email])


def find_evaluation(token: str) -> m.EvaluationRequest | None:
    """The survey for a link, from any organisation (the token is the credential)."""
    if not token or len(token) > 100:
        return None
    return (
        m.EvaluationRequest.across_organisations.select_related(
            "organisation", "attendee__engagement__course"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def evaluation_problem(request: m.EvaluationRequest | None) -> tuple[int, str] | None:
    """(HTTP status, message) when the survey cannot be answered, else None."""
    if request is None:
        return 404, _(
            "This survey link is not valid. Check that you copied the whole link, or ask the "
            "trainer for a new one."
        )
    if request.answered_at:
        return 200, _("You have answered this survey. Thank you.")
    if timezone.now() >= request.expires_at:
        return 410, _("This survey link has expired. Thank you for your interest.")
    return None


def answer_evaluation(*, token: str, answers: dict, comments: str = "") -> m.EvaluationRequest:
    """Store an attendee's answers, once. No signed-in actor: the token is the credential."""
    cleaned = evaluation.clean_answers(answers)
    missing = {
        code: _("Choose a number from 1 to 5.") for code in evaluation.CODES if code not in cleaned
    }
    if missing:
        raise ValidationError(missing)
    found = find_evaluation(token)
    if found is None:
        raise ValidationError(evaluation_problem(None)[1])
    with organisation_scope(found.organisation), transaction.atomic():
        request = m.EvaluationRequest.across_organisations.select_for_update().get(pk=found.pk)
        problem = evaluation_problem(request)
        if problem:
            raise ValidationError(problem[1])
        request.answers = cleaned
        request.comments = (comments or "").strip()[:5000]
        request.answered_at = timezone.now()
        request.save(update_fields=["answers", "comments", "answered_at"])
        audit.record(
            TrainingEvent.EVALUATION_ANSWERED,
            organisation=found.organisation,
            obj=request,
            changes={"stage": request.stage, "comments": audit.REDACTED if comments else None},
            acting_for=f"attendee:{request.attendee_id}",
        )
    return request
