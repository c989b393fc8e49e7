"""Case references: gapless per organisation and year (`ORG-2026-00042`).

`next_reference` must run inside the transaction that creates the case: the year's counter row is
locked (SELECT ... FOR UPDATE) until that transaction ends, so concurrent referrals queue, and a
rolled-back referral gives its number back."""

from __future__ import annotations

from datetime import date

from mend.cases import models as m
from mend.core.models import Organisation


def next_reference(organisation: Organisation, on: date) -> str:
    """Gapless per organisation and year: the counter row is locked while the number is taken."""
    counter, _created = m.CaseCounter.objects.get_or_create(organisation=organisation, year=on.year)
    counter = m.CaseCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = "".join(ch for ch in organisation.slug.upper() if ch.isalnum())[:6] or "CASE"
    return f"{prefix}-{on.year}-{counter.last:05d}"
