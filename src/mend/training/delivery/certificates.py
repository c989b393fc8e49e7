"""Certificates: a verification code per certificate, the PDF, and the one way to issue one.

The code is random (not derived from anything personal), shown on the PDF, and checked on the
public page `training_certificate_check`, which confirms the holder, course and date only."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.db import transaction

from mend.core import audit
from mend.core.documents import render_pdf
from mend.training import models as m
from mend.training.events import TrainingEvent

# No 0/O or 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw


def issue_certificate(
    *,
    actor,
    organisation,
    holder_name: str,
    course_title: str,
    course_title_cy: str,
    cpd_hours: Decimal,
    completed_on: date,
    language: str,
    attendee: m.Attendee | None = None,
    enrolment: m.Enrolment | None = None,
) -> m.Certificate:
    """Create a certificate (callers check permission and eligibility first)."""
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


def certificate_pdf(certificate: m.Certificate, verify_url: str) -> bytes:
    context = {
        "certificate": certificate,
        "course": m.bilingual(
            certificate.course_title, certificate.course_title_cy, certificate.language
        ),
        "organisation_name": certificate.organisation.display_name(certificate.language),
        "verify_url": verify_url,
    }
    return render_pdf("training/pdf/certificate.html", context, certificate.language)
