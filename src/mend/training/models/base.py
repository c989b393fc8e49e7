"""What every training model module shares: field presets, the bilingual label, immutability.

The training business: clients, courses, engagements under a Service Level Agreement, delivery,
money (invoices, credit notes, payments, cancellation fees), certificates, evaluation, e-learning.
Money is `Decimal` to the penny. Issued documents (proposals, SLAs once accepted, cancellation
quotes, invoices and credit notes) are immutable: `ImmutableOnceIssued` refuses to save an issued
row again, and every change of state is an action in `training.actions`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language


class _MoneyPreset(TypedDict):
    max_digits: int
    decimal_places: int


class _PercentPreset(_MoneyPreset):
    validators: Sequence[Callable[[Any], None]]


MEMBERSHIP = "core.Membership"
MONEY: _MoneyPreset = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")
PERCENT: _PercentPreset = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}


def bilingual(english: str, welsh: str, language: str | None = None) -> str:
    language = language or get_language() or "en"
    return welsh if language == "cy" and welsh else english


class ImmutableError(RuntimeError):
    """An issued document was about to be changed in place."""


class ImmutableOnceIssued(models.Model):
    """Saving an existing row again raises, unless the action names the fields it may set
    (`save(update_fields=...)` with fields listed in `MUTABLE_FIELDS`, such as a confirmation)."""

    MUTABLE_FIELDS: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            fields = set(kwargs.get("update_fields") or ())
            if not fields or not fields <= self.MUTABLE_FIELDS:
                raise ImmutableError(
                    f"{type(self).__name__} {self.pk} is issued and cannot change."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{type(self).__name__} {self.pk} is issued and cannot be deleted.")


class IssuedTotals(models.Model):
    """A quote's or an invoice's totals, as `money.engine.with_vat` works them out: VAT is
    charged at `vat_rate` (None: not charged) on the subtotal."""

    subtotal = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    vat_amount = models.DecimalField(default=ZERO, **MONEY)
    total = models.DecimalField(**MONEY)

    class Meta:
        abstract = True
