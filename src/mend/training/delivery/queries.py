"""Delivery reads: trainer clashes and candidates, the engagement page's delivery panel, session
pages, registers, who completed, certificate and survey look-ups, and survey counts.

Read-only: nothing here changes a row (the actions in delivery/actions.py do)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.core import access
from mend.core.models import Membership
from mend.core.roles import Perm, Role
from mend.core.tenancy import OrganisationQuerySet
from mend.training import choices as c
from mend.training import models as m
from mend.training.tokens import hash_token, public_url

RECENT_SESSIONS = 20
UPCOMING_SESSIONS = 50


def engagements() -> QuerySet[m.Engagement]:
    return m.Engagement.objects.select_related("client", "course", "contact")


def sessions() -> OrganisationQuerySet[m.DeliverySession]:
    return m.DeliverySession.objects.select_related("engagement__client", "engagement__course")


def allocations() -> QuerySet[m.SessionTrainer]:
    return m.SessionTrainer.objects.select_related("session", "membership__user")


def members() -> QuerySet[Membership]:
    return Membership.objects.select_related("user")


def trainer_name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


# ---------------------------------------------------------------- trainers


def clashing_sessions(
    membership: Membership,
    starts_at: datetime,
    ends_at: datetime,
    exclude_session_id: int | None = None,
) -> QuerySet:
    """Scheduled sessions `membership` trains that overlap [starts_at, ends_at): a trainer cannot
    be in two scheduled sessions that overlap."""
    found = m.DeliverySession.objects.filter(
        allocations__membership=membership,
        status=c.SessionStatus.SCHEDULED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude_session_id is not None:
        found = found.exclude(pk=exclude_session_id)
    return found.select_related("engagement")


def trainer_candidates() -> list[Membership]:
    """Members who may appear in the trainer list: trainers, and anyone with a level."""
    members = list(
        Membership.objects.filter(is_active=True)
        .filter(Q(role=Role.TRAINER) | Q(trainer_profile__isnull=False))
        .select_related("user", "trainer_profile")
        .order_by("user__full_name", "user__email")
    )
    for member in members:
        profile = getattr(member, "trainer_profile", None)
        level = profile.get_level_display() if profile else _("no level recorded")
        # A display label for the form's choices (not a Membership field).
        cast(Any, member).choice_label = f"{member.user} ({level})"
    return members


def members_without_level() -> list[Membership]:
    """Active members who could be given a trainer level (not trainers, evaluators or partners)."""
    return list(
        Membership.objects.filter(is_active=True, trainer_profile__isnull=True)
        .exclude(role__in=[Role.TRAINER, Role.EVALUATOR, Role.PARTNER_REFERRER])
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def is_trainer(membership: Membership) -> bool:
    return (
        membership.role == Role.TRAINER
        or m.TrainerProfile.objects.filter(membership=membership).exists()
    )


# ---------------------------------------------------------------- sessions


def delivery_panel(request: HttpRequest, engagement: m.Engagement) -> dict:
    """Delivery panel of the engagement page (sessions, trainers, attendees, register).

    A fixed number of queries whatever the engagement's size: the sessions with their trainers
    (two queries) and the attendee and certificate counts (one)."""
    user = request.user
    sees_all = access.has_perm(user, Perm.VIEW_TRAINING)
    scoped = m.DeliverySession.objects.filter(engagement=engagement)
    if not sees_all:
        # A trainer: only the sessions they deliver.
        scoped = m.DeliverySession.objects.for_user(user, Perm.DELIVER_TRAINING).filter(
            engagement=engagement
        )
    sessions = list(
        scoped.prefetch_related(
            Prefetch(
                "allocations",
                queryset=m.SessionTrainer.objects.select_related("membership__user").order_by(
                    "-is_lead", "membership__user__full_name", "pk"
                ),
            )
        ).order_by("starts_at", "pk")
    )
    counts = m.Attendee.objects.filter(engagement=engagement).aggregate(
        attendees=Count("pk", distinct=True),
        certificates=Count("certificate", distinct=True),
    )
    can_manage = access.has_perm(user, Perm.MANAGE_TRAINING)
    open_engagement = engagement.status != c.EngagementStatus.CANCELLED
    return {
        "delivery_sessions": sessions,
        "delivery_attendee_count": counts["attendees"],
        "delivery_certificate_count": counts["certificates"],
        "delivery_can_manage": can_manage,
        "delivery_can_add_session": can_manage and open_engagement,
        "delivery_can_see_results": access.has_perm(user, Perm.VIEW_TRAINING_DASHBOARD),
        "delivery_open": open_engagement,
    }


def session_allocations(session: m.DeliverySession) -> list[m.SessionTrainer]:
    return list(
        session.allocations.select_related(
            "membership__user", "membership__trainer_profile"
        ).order_by("-is_lead", "membership__user__full_name")
    )


def attendees_with_marks(session: m.DeliverySession) -> tuple[list[m.Attendee], dict]:
    """The engagement's attendees, each with `present` (True, False or None when not marked),
    and the marks by attendee id."""
    attendees = list(
        m.Attendee.objects.filter(engagement_id=session.engagement_id).order_by("name", "pk")
    )
    marks = dict(m.Attendance.objects.filter(session=session).values_list("attendee_id", "present"))
    for attendee in attendees:
        attendee.present = marks.get(attendee.pk)
    return attendees, marks


def session_attendees(session: m.DeliverySession) -> list[m.Attendee]:
    return list(
        m.Attendee.objects.filter(engagement_id=session.engagement_id).order_by("name", "pk")
    )


def present_ids(session: m.DeliverySession) -> list[int]:
    return list(
        m.Attendance.objects.filter(session=session, present=True).values_list(
            "attendee_id", flat=True
        )
    )


def my_sessions(user: object, membership: Membership) -> tuple[list, list]:
    """(upcoming, recent) sessions `membership` trains, not cancelled."""
    mine = (
        sessions()
        .for_user(user, Perm.DELIVER_TRAINING)
        .filter(allocations__membership=membership)
        .exclude(status=c.SessionStatus.CANCELLED)
    )
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    upcoming = list(
        mine.filter(starts_at__gte=start_of_today).order_by("starts_at", "pk")[:UPCOMING_SESSIONS]
    )
    recent = list(
        mine.filter(starts_at__lt=start_of_today).order_by("-starts_at", "-pk")[:RECENT_SESSIONS]
    )
    return upcoming, recent


def register_open(session: m.DeliverySession) -> bool:
    """A register can be taken from the day of the session (not for a cancelled one)."""
    return (
        session.status != c.SessionStatus.CANCELLED
        and session.delivery_date <= timezone.localdate()
    )


# ---------------------------------------------------------------- attendees


def taken_emails(engagement: m.Engagement) -> set[str]:
    """The email addresses already on the engagement's attendee list, in lower case."""
    return {
        e.lower()
        for e in m.Attendee.objects.filter(engagement=engagement)
        .exclude(email="")
        .values_list("email", flat=True)
    }


def attendee_list(engagement: m.Engagement) -> list[m.Attendee]:
    """The attendee list, each with `marks` (how many registers they are on)."""
    return list(
        m.Attendee.objects.filter(engagement=engagement)
        .annotate(marks=Count("attendance"))
        .order_by("name", "pk")
    )


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


def certificate_list(engagement: m.Engagement) -> list[m.Attendee]:
    """The attendee list, each with `completed` and `cert` (their certificate or None)."""
    completed = {a.pk for a in completed_attendees(engagement)}
    listed = list(
        m.Attendee.objects.filter(engagement=engagement)
        .select_related("certificate")
        .order_by("name", "pk")
    )
    for attendee in listed:
        attendee.completed = attendee.pk in completed
        attendee.cert = getattr(attendee, "certificate", None)
    return listed


def certificate_url(code: str) -> str:
    return public_url("training_certificate", code)


def find_certificate(code: str) -> m.Certificate | None:
    """The certificate with this code, from any organisation (the code is the credential)."""
    return (
        m.Certificate.across_organisations.select_related("organisation").filter(code=code).first()
    )


# ---------------------------------------------------------------- confidence surveys


def evaluation_url(token: str) -> str:
    return public_url("training_evaluation", token)


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


def survey_counts(engagement: m.Engagement) -> dict[str, int]:
    """Attendees, those without an email, and surveys sent and answered at each stage."""
    return m.Attendee.objects.filter(engagement=engagement).aggregate(
        total=Count("pk", distinct=True),
        without_email=Count("pk", filter=Q(email=""), distinct=True),
        pre_sent=Count("evaluations", filter=Q(evaluations__stage=c.SurveyStage.PRE)),
        pre_answered=Count(
            "evaluations",
            filter=Q(evaluations__stage=c.SurveyStage.PRE, evaluations__answered_at__isnull=False),
        ),
        post_sent=Count("evaluations", filter=Q(evaluations__stage=c.SurveyStage.POST)),
        post_answered=Count(
            "evaluations",
            filter=Q(evaluations__stage=c.SurveyStage.POST, evaluations__answered_at__isnull=False),
        ),
    )
