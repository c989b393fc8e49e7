"""Gapless numbers per organisation and key.

`next_number` must run inside the transaction that uses the number: the counter row is locked
(SELECT ... FOR UPDATE) until that transaction ends, so concurrent issuers queue, and a rolled-back
transaction gives its number back. Numbers are therefore unique and without gaps."""

from __future__ import annotations

from django.db import transaction

from mend.training.models import DocumentCounter


def next_number(organisation, key: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number.")
    # Make sure the row exists without racing another creator, then lock it.
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(organisation=organisation, key=key, last=0)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(organisation=organisation, key=key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
