"""Documents generated for parties (PDF with WeasyPrint).

A document meant for a party is built only from what is approved for them: for a letter, the
screened body, the organisation's name, a date and the recipient's first name. Never from the
other party's rows (contact details, address, safety, risk, never-disclose notes). See
docs/decisions/0010-letters.md.
"""

from __future__ import annotations

from django.utils import timezone

from mend.cases import models as m
from mend.core.documents import NoFetching, render_pdf  # noqa: F401 - re-exported


def letter_date(letter: m.Letter):
    if letter.delivered_on:
        return letter.delivered_on
    if letter.screened_at:
        return timezone.localtime(letter.screened_at).date()
    return timezone.localdate()


def letter_pdf(letter: m.Letter) -> bytes:
    """The letter as the recipient will hold it, in the letter's language."""
    language = letter.language if letter.language in ("en", "cy") else "en"
    context = {
        "organisation_name": letter.organisation.name,
        "recipient_first_name": letter.recipient.person.first_name,
        "body": letter.body,
        "date": letter_date(letter),
        # A discreet reference in the footer, so staff can match a returned or held letter to
        # its record; it names no one (see docs/decisions/0010-letters.md).
        "reference": f"{letter.case.reference}/L{letter.pk}",
    }
    return render_pdf("cases/communication/letter_pdf.html", context, language)


def letter_filename(letter: m.Letter) -> str:
    return f"letter-{letter.case.reference}-{letter.pk}.pdf"
