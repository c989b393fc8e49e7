"""Sales reads: the lines a quote would have, the terms an agreement fixes, an agreement by its
link, the client and contact an enquiry matches, and the courses offered."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mend.training import choices as c
from mend.training import models as m
from mend.training.money import engine
from mend.training.tokens import hash_token


def offered_courses() -> QuerySet:
    """The active courses, as offered on the enquiry forms."""
    return m.Course.objects.filter(is_active=True).order_by("title", "pk")


def engagements_with_parties() -> QuerySet:
    """Engagements with the client, contact and course their quote, agreement and cancellation
    pages show."""
    return m.Engagement.objects.select_related("client", "contact", "course")


def client_named(organisation, name: str) -> m.Client | None:
    """The client with this name (ignoring case), active ones first."""
    return (
        m.Client.objects.filter(organisation=organisation, name__iexact=name.strip())
        .order_by("-is_active", "pk")
        .first()
    )


def contact_with_email(client: m.Client, email: str) -> m.ClientContact | None:
    """The client's contact with this email address (ignoring case), active ones first."""
    return (
        m.ClientContact.objects.filter(client=client, email__iexact=email)
        .order_by("-is_active", "pk")
        .first()
    )


def proposal_lines(engagement: m.Engagement, language: str) -> list[dict]:
    """One line per session that is not cancelled: the course and the date, at its value."""
    course = m.bilingual(engagement.course.title, engagement.course.title_cy, language)
    sessions = engagement.sessions.exclude(status=c.SessionStatus.CANCELLED).order_by(
        "starts_at", "pk"
    )
    lines = []
    with translation.override(language):
        for session in sessions:
            when = date_format(timezone.localtime(session.starts_at).date(), "j F Y")
            amount = engine.money(session.value)
            lines.append(
                {
                    "description": f"{course}: {when}",
                    "quantity": "1",
                    "unit_price": str(amount),
                    "amount": str(amount),
                    "session": session.pk,
                }
            )
    return lines


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
