"""Sales pages that need no sign-in: the public bilingual enquiry form (the organisation by its
short name) and the Service Level Agreement at its one-time link (the token is the credential)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.core.access import PUBLIC, decide
from mend.core.middleware import client_ip
from mend.core.public_forms import RateLimit, public_form_page
from mend.core.queries import organisation_named
from mend.core.submissions import handle_post
from mend.core.tenancy import organisation_scope
from mend.core.web import current_language
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.money.queries import policy_snapshot
from mend.training.sales.forms import AcceptAgreementForm, PublicEnquiryForm, enquiry_values
from mend.training.sales.proposals import policy_terms
from mend.training.sales.queries import find_sla, offered_courses, sla_problem

# Public enquiries accepted from one address in an hour.
ENQUIRY_LIMIT = RateLimit("training-enquiry", limit=5, window=3600)
SESSION_ENQUIRY_SENT = "mend_training_enquiry_sent"


@decide(PUBLIC)
def training_enquire(request: HttpRequest, slug: str) -> HttpResponse:
    """The public training-enquiry form: no sign-in, in English or Welsh."""
    organisation = organisation_named(slug)
    language = current_language()
    with organisation_scope(organisation):
        form = PublicEnquiryForm(
            request.POST if request.method == "POST" else None,
            courses=offered_courses(),
            initial={"language": language},
        )
        context = {
            "organisation": organisation.display_name(language),
            "slug": slug,
            "privacy_url": reverse("privacy"),
        }

        def receive(data: dict) -> m.Enquiry:
            enquiry = actions.receive_enquiry(organisation=organisation, **enquiry_values(data))
            request.session[SESSION_ENQUIRY_SENT] = slug
            return enquiry

        return public_form_page(
            request,
            form,
            receive,
            limit=ENQUIRY_LIMIT,
            too_many=_(
                "We have received several enquiries from your connection in the last hour, "
                "so we cannot take another one just now. Please try again later, or phone us."
            ),
            template="training/sales/enquire.html",
            context=context,
            redirect_to=reverse("training_enquire_thanks", args=[slug]),
        )


@decide(PUBLIC)
def training_enquire_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_named(slug)
    if request.session.get(SESSION_ENQUIRY_SENT) != slug:
        return redirect("training_enquire", slug=slug)
    return render(
        request,
        "training/sales/enquire_thanks.html",
        {"organisation": organisation.display_name(current_language()), "slug": slug},
    )


def _sla_sessions(terms: dict) -> list[dict]:
    sessions = []
    for s in terms.get("sessions", []):
        sessions.append(
            {
                "starts_at": timezone.localtime(datetime.fromisoformat(s["starts_at"])),
                "ends_at": timezone.localtime(datetime.fromisoformat(s["ends_at"])),
                "venue": s.get("venue", ""),
                "is_online": s.get("is_online", False),
                "value": Decimal(s["value"]),
            }
        )
    return sessions


def _agreement_language(request: HttpRequest, sla) -> str:
    """The contact's language, unless this browser chose one with the language switcher."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or sla is None:
        return current_language()
    return sla.language


@decide(PUBLIC)
def training_sla(request: HttpRequest, token: str) -> HttpResponse:
    """The agreement at its one-time link: no sign-in, the token is the credential. Unknown,
    withdrawn and expired links all answer 404 with a page saying what to do."""
    sla = find_sla(token)
    language = _agreement_language(request, sla)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        problem = sla_problem(sla)
        if problem:
            organisation = sla.organisation.display_name(language) if sla else ""
            return render(
                request,
                "training/sales/sla_problem.html",
                {"message": problem, "organisation": organisation},
                status=404,
            )
        assert sla is not None  # sla_problem refuses a missing agreement
        form = AcceptAgreementForm(request.POST or None)
        if request.method == "POST" and sla.status == c.SlaStatus.SENT:
            response = handle_post(
                request,
                form,
                lambda data: actions.accept_sla(
                    sla=sla,
                    ip_address=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    **data,
                ),
                redirect_to=reverse("training_sla", args=[token]),
            )
            if response:
                return response
        accepted = sla.status == c.SlaStatus.ACCEPTED
        with organisation_scope(sla.organisation):
            snapshot = sla.policy_snapshot if accepted else policy_snapshot(sla.organisation)
        terms = sla.terms or {}
        return render(
            request,
            "training/sales/sla.html",
            {
                "sla": sla,
                "form": form,
                "accepted": accepted,
                "organisation": sla.organisation.display_name(language),
                "client": sla.engagement.client.name,
                "course": m.bilingual(
                    terms.get("course", ""), terms.get("course_cy", ""), language
                ),
                "terms": terms,
                "sessions": _sla_sessions(terms),
                "policy": policy_terms(snapshot),
            },
        )
