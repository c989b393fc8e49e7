"""Certificates: a verification code per certificate, the PDF and the email that carries it
(issuing one is `delivery.actions.issue_certificate`).

The code is random (not derived from anything personal), shown on the PDF, and checked on the
public page `training_certificate_check`, which confirms the holder, course and date only."""

from __future__ import annotations

import secrets

from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from mend.core.documents import render_pdf
from mend.core.tenancy import organisation_scope
from mend.training import models as m
from mend.training.delivery.queries import certificate_url

# No 0/O or 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw


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


def certificate_filename(certificate: m.Certificate) -> str:
    return f"certificate-{certificate.code}.pdf"


def certificate_attachment(certificate: m.Certificate, verify_url: str) -> HttpResponse:
    """The certificate's PDF, as a file to save."""
    response = HttpResponse(
        certificate_pdf(certificate, verify_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(certificate)}"'
    return response


def email_certificate(certificate: m.Certificate, email: str) -> None:
    """Send the certificate with its PDF (run by the `tasks.email_certificate` task)."""
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
    message.attach(certificate_filename(certificate), pdf, "application/pdf")
    message.send()
