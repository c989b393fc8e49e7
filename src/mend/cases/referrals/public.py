"""The public self-referral (no sign-in): the organisation is named by its short name in the
address; the person gets an acknowledgement with their reference and nothing else."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mend.cases import models as m
from mend.cases.referrals import actions
from mend.cases.referrals.forms import SelfReferralForm
from mend.core.access import PUBLIC, decide
from mend.core.models import Organisation
from mend.core.public_forms import RateLimit, public_form_page
from mend.core.queries import organisation_named
from mend.core.tenancy import organisation_scope
from mend.core.web import current_language
from mend.people.models import Language

# Public self-referrals accepted from one address in an hour.
SELF_REFERRAL_LIMIT = RateLimit("self-referral", limit=5, window=3600)
SESSION_SENT = "mend_self_referral_sent"


def _acknowledge(case: m.Case, organisation: Organisation, email: str, language: str) -> None:
    """A short acknowledgement in the person's language: the reference and nothing else."""
    with translation.override(language):
        context = {
            "reference": case.reference,
            "organisation": organisation.display_name(language),
            "received_on": case.received_on,
        }
        subject = _("We have received your referral: %(ref)s") % {"ref": case.reference}
        body = render_to_string("cases/referrals/email/acknowledgement.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))


@decide(PUBLIC)
def self_referral(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_named(slug)
    language = current_language()
    with organisation_scope(organisation):
        case_types = m.CaseType.objects.filter(is_active=True)
        context = {
            "organisation": organisation.display_name(language),
            "slug": slug,
            "privacy_url": reverse("privacy"),
        }
        form = SelfReferralForm(
            request.POST if request.method == "POST" else None,
            case_types=case_types,
            language=language,
        )
        return public_form_page(
            request,
            form,
            lambda data: _refer(request, organisation, slug, form.referral(data)),
            limit=SELF_REFERRAL_LIMIT,
            too_many=_(
                "We have received several referrals from your connection in the last hour, "
                "so we cannot take another one just now. Please try again later. If you "
                "need help now, please phone us."
            ),
            template="cases/referrals/self.html",
            context=context,
            redirect_to=reverse("self_referral_sent", args=[slug]),
        )


def _refer(request: HttpRequest, organisation: Organisation, slug: str, answers: dict) -> m.Case:
    """Record the self-referral and queue its acknowledgement, and keep its reference for the
    page that confirms it (the address's limit counted it before it was saved)."""
    with transaction.atomic():
        case, _party = actions.submit_self_referral(organisation=organisation, **answers)
        if answers["email"]:
            preferred = answers["preferred_language"]
            language = (
                preferred if preferred in (Language.ENGLISH, Language.WELSH) else current_language()
            )
            _acknowledge(case, organisation, answers["email"], language)
    request.session[SESSION_SENT] = {"slug": slug, "reference": case.reference}
    return case


@decide(PUBLIC)
def self_referral_sent(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_named(slug)
    sent = request.session.get(SESSION_SENT) or {}
    if sent.get("slug") != slug:
        return redirect("self_referral", slug=slug)
    return render(
        request,
        "cases/referrals/self_sent.html",
        {
            "organisation": organisation.display_name(current_language()),
            "reference": sent["reference"],
            "slug": slug,
        },
    )
