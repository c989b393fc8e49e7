"""Building blocks for training tests: a client with a contact, a course, and engagements in
each state, made through the actions (never by saving models directly)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from mend.training import actions
from mend.training import choices as c

LONDON = ZoneInfo("Europe/London")
_COURSE_NUMBERS = itertools.count(1)


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    """An aware Europe/London datetime on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def school_client(actor, organisation, name="Ysgol Gynradd Glan Morfa", language="en"):
    client = actions.create_client(
        actor=actor,
        organisation=organisation,
        name=name,
        sector=c.Sector.SCHOOL,
        address="1 Heol y Môr\nAberystwyth\nSY23 1AA",
        language=language,
    )
    contact = actions.add_contact(
        actor=actor,
        client=client,
        name="Carys Hughes",
        role=c.ContactRole.BOOKING,
        job_title="Deputy headteacher",
        email="carys.hughes@glanmorfa.example",
        language=language,
    )
    return client, contact


def course(actor, organisation, code="ra-schools", price="750.00", **extra):
    values = {
        "code": code,
        "title": "Restorative approaches in schools",
        "title_cy": "Dulliau adferol mewn ysgolion",
        "audience": c.Audience.SCHOOL_STAFF,
        "format": c.CourseFormat.IN_PERSON,
        "duration_hours": Decimal("6"),
        "cpd_hours": Decimal("6"),
        "rjc_approved": True,
        "price": Decimal(price),
    }
    values.update(extra)
    return actions.create_course(actor=actor, organisation=organisation, **values)


def engagement_with_sessions(actor, organisation, days: list[date], values=None, client=None):
    """An engagement (status enquiry) with one session on each day."""
    if client is None:
        client, contact = school_client(actor, organisation)
    else:
        contact = client.contacts.first()
    the_course = course(actor, organisation, code=f"course-{next(_COURSE_NUMBERS)}")
    engagement = actions.create_engagement(
        actor=actor, client=client, contact=contact, course=the_course, participants=20
    )
    values = values or [the_course.price] * len(days)
    for day, value in zip(days, values, strict=True):
        actions.add_session(
            actor=actor,
            engagement=engagement,
            starts_at=at(day),
            ends_at=at(day, 15, 30),
            venue="School hall",
            value=Decimal(value),
        )
    return engagement


def signed_engagement(actor, organisation, days: list[date], values=None, client=None):
    """An engagement whose agreement the client has accepted (policy copied)."""
    engagement = engagement_with_sessions(actor, organisation, days, values, client)
    sla, _token = actions.send_sla(actor=actor, engagement=engagement)
    actions.accept_sla(sla=sla, name="Carys Hughes", ip_address="203.0.113.9", user_agent="test")
    engagement.refresh_from_db()
    return engagement


def soon(days: int) -> date:
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)
