"""Quotes as PDF, and the cancellation policy told in words (the agreement page and the quote).

A quote is rendered from its issued row only (the lines and totals as they were issued), in the
language it was issued in."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mend.core.documents import render_pdf
from mend.training import models as m
from mend.training.defaults import training_settings
from mend.training.money import engine


def _percent(value) -> str:
    text = str(Decimal(str(value)).normalize())
    return text if "E" not in text else str(Decimal(str(value)).quantize(Decimal("1")))


def _pounds(value) -> str:
    return f"£{engine.money(value):,.2f}"


def policy_terms(snapshot: dict | None) -> list[str]:
    """The cancellation policy in sentences, in the active language, most lenient tier first:
    e.g. "10% of the total if you cancel at any time after signing the agreement"."""
    if not snapshot:
        return []
    policy = engine.Policy.from_json(snapshot)
    sentences = []
    for tier in policy.ordered():
        if tier.kind == engine.AFTER_SIGNING:
            sentences.append(
                _("%(percent)s%% of the total if you cancel at any time after signing.")
                % {"percent": _percent(tier.percent)}
            )
        else:
            sentences.append(
                _(
                    "%(percent)s%% of a session's value if it is cancelled within %(days)s days "
                    "of its delivery date."
                )
                % {"percent": _percent(tier.percent), "days": tier.days}
            )
    if policy.tiers:
        sentences.append(
            _(
                "Each session is charged at the highest percentage that applies to its own date. "
                "Cancelling on or after the delivery date is charged at the highest percentage."
            )
        )
    if policy.minimum_fee > 0:
        sentences.append(
            _(
                "At least %(amount)s for preparation and resources already produced, but never "
                "more than the value cancelled."
            )
            % {"amount": _pounds(policy.minimum_fee)}
        )
    days = snapshot.get("free_postponement_days")
    times = snapshot.get("free_postponements")
    if days is not None and times:
        sentences.append(
            ngettext(
                "You can postpone a session free of charge with at least %(days)s days' notice, "
                "up to %(times)s time for each session.",
                "You can postpone a session free of charge with at least %(days)s days' notice, "
                "up to %(times)s times for each session.",
                times,
            )
            % {"days": days, "times": times}
        )
    return sentences


def proposal_context(proposal: m.Proposal) -> dict:
    engagement = proposal.engagement
    settings_row = training_settings(proposal.organisation)
    return {
        "proposal": proposal,
        "engagement": engagement,
        "client": engagement.client,
        "contact": engagement.contact,
        "lines": [
            {
                "description": line["description"],
                "quantity": Decimal(line.get("quantity", "1")),
                "unit_price": Decimal(line["unit_price"]),
                "amount": Decimal(line["amount"]),
            }
            for line in proposal.lines
        ],
        "organisation_name": proposal.organisation.display_name(proposal.language),
        "vat_number": settings_row.vat_number if proposal.vat_rate is not None else "",
    }


def proposal_pdf(proposal: m.Proposal) -> bytes:
    """The quote as issued, as PDF bytes, in the quote's language."""
    return render_pdf("training/pdf/proposal.html", proposal_context(proposal), proposal.language)


def proposal_filename(proposal: m.Proposal) -> str:
    return f"{proposal.number}.pdf"
