"""Outcomes, read side: the Outcomes tab's data, balances, survey look-ups, case-study consents."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.workflow import PRINCIPAL_ROLES, current_consent, party_label
from mend.core.models import hash_token

PartyRow = TypeVar("PartyRow", m.SupportReferral, m.FeedbackRequest)

# ---------------------------------------------------------------- the tab


def balance(item: m.AgreementItem) -> Decimal:
    """What is still owed on a restitution item."""
    return item.amount - item.paid()  # type: ignore[operator]  # a restitution item always has an amount


def with_balance(item: m.AgreementItem) -> m.AgreementItem:
    """Set `paid_so_far` and `balance` on a restitution item (its payments prefetched)."""
    if item.amount is not None:
        item.paid_so_far = item.paid()  # type: ignore[attr-defined]  # set for the template
        item.balance = item.amount - item.paid_so_far  # type: ignore[attr-defined]  # set for the template
    return item


def outcome_parties(case: m.Case) -> list[m.Party]:
    """The case's parties with their support, consents and answered surveys."""
    parties = list(
        m.Party.objects.filter(case=case)  # type: ignore[type-var]  # stubs cannot type Prefetches of different models in one call
        .select_related("person")
        .prefetch_related(
            "consents",
            Prefetch("support_referrals", queryset=m.SupportReferral.objects.order_by("id")),
            Prefetch("feedback_requests", queryset=m.FeedbackRequest.objects.order_by("-sent_at")),
        )
    )
    for party in parties:
        party.feedback_consent = current_consent(party, c.ConsentScope.FEEDBACK) is not None  # type: ignore[attr-defined]  # set for the template
        party.case_study_consent = current_consent(party, c.ConsentScope.CASE_STUDY) is not None  # type: ignore[attr-defined]  # set for the template
        party.answered = [f for f in party.feedback_requests.all() if f.answered_at]  # type: ignore[attr-defined]  # set for the template
    return parties


def agreements(case: m.Case) -> list[m.Agreement]:
    """The case's agreements with their items, each restitution with its balance."""
    rows = list(
        m.Agreement.objects.filter(case=case)
        .select_related("meeting")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=m.AgreementItem.objects.select_related(
                    "responsible__person", "serves__person"
                ).prefetch_related("payments"),
            )
        )
    )
    for agreement in rows:
        for item in agreement.items.all():
            with_balance(item)
    return rows


def agreement_items() -> QuerySet[m.AgreementItem]:
    """Agreement items with what their pages show (people, agreement, payments)."""
    return m.AgreementItem.objects.select_related(
        "responsible__person", "serves__person", "agreement__case__case_type"
    ).prefetch_related("payments")


def parties() -> QuerySet[m.Party]:
    """Parties with their person and case, for the pages about one party."""
    return m.Party.objects.select_related("person", "case__case_type")


def with_party(model: type[PartyRow]) -> QuerySet[PartyRow]:
    """A party's support referrals or survey requests, with the party's person and case."""
    return model.objects.select_related("party__person", "party__case__case_type")


# ---------------------------------------------------------------- feedback


def party_language(party: m.Party) -> str:
    language = party.person.preferred_language
    return language if language in dict(settings.LANGUAGES) else "en"


def feedback_url(token: str) -> str:
    return settings.MEND_BASE_URL.rstrip("/") + reverse("feedback_survey", args=[token])


def find_feedback_request(token: str) -> m.FeedbackRequest | None:
    """The request for a survey token, from any organisation (the token is the credential)."""
    if not token or len(token) > 100:
        return None
    return (
        m.FeedbackRequest.across_organisations.select_related("organisation", "party__person")
        .filter(token_hash=hash_token(token))
        .first()
    )


def feedback_problem(request: m.FeedbackRequest | None) -> tuple[int, str] | None:
    """(HTTP status, message) when the survey cannot be answered, else None."""
    if request is None:
        return 404, _(
            "This survey link is not valid. Check that you copied the whole link, or ask the "
            "person who sent it for a new one."
        )
    if request.answered_at:
        return 200, _("This survey has already been answered. Thank you for your feedback.")
    if timezone.now() >= request.expires_at:
        return 410, _(
            "This survey link has expired. If you would still like to give feedback, ask the "
            "person who sent it for a new link."
        )
    return None


# ---------------------------------------------------------------- case studies


def case_studies() -> QuerySet[m.CaseStudy]:
    return m.CaseStudy.objects.select_related("case__case_type")


def missing_case_study_consents(case: m.Case) -> list[str]:
    parties = m.Party.objects.filter(case=case, role__in=PRINCIPAL_ROLES).select_related("person")
    return [
        _("%(party)s has not consented to an anonymised case study.") % {"party": party_label(p)}
        for p in parties.prefetch_related("consents")
        if current_consent(p, c.ConsentScope.CASE_STUDY) is None
    ]


def published_stories(organisation) -> list[m.CaseStudy]:
    return list(
        m.CaseStudy.across_organisations.filter(
            organisation=organisation, published_at__isnull=False
        ).order_by("-published_at", "-id")
    )


def published_story(organisation, pk: int) -> m.CaseStudy | None:
    return m.CaseStudy.across_organisations.filter(
        organisation=organisation, published_at__isnull=False, pk=pk
    ).first()
