"""Training actions: the cancellation policy and invoice settings (organisation configuration)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.changes import check_version, lock
from mend.core.models import Organisation, User
from mend.core.roles import Perm
from mend.training import choices as c
from mend.training import models as m
from mend.training.defaults import cancellation_policy, training_settings
from mend.training.events import TrainingEvent
from mend.training.money.queries import policy_snapshot

__all__ = [
    "SETTINGS_FIELDS",
    "update_cancellation_policy",
    "update_training_settings",
]

SETTINGS_FIELDS = [
    "invoice_prefix",
    "credit_note_prefix",
    "vat_registered",
    "vat_number",
    "vat_rate",
    "payment_terms_days",
    "payment_details",
]


def _clean_tiers(tiers: list[dict]) -> list[dict]:
    """Validate the tiers an administrator entered; errors name the row (1-based)."""
    cleaned, seen_days, after_signing = [], set(), 0
    for number, tier in enumerate(tiers, start=1):
        kind = tier.get("kind")
        if kind not in c.TierKind.values:
            raise ValidationError(_("Tier %(n)s: choose the kind of tier.") % {"n": number})
        try:
            percent = Decimal(str(tier.get("percent", "")).strip())
        except InvalidOperation as exc:
            raise ValidationError(
                _("Tier %(n)s: enter the percentage as a number, like 50.") % {"n": number}
            ) from exc
        if not Decimal("0") <= percent <= Decimal("100"):
            raise ValidationError(
                _("Tier %(n)s: the percentage must be between 0 and 100.") % {"n": number}
            )
        if percent != percent.quantize(Decimal("0.01")):
            raise ValidationError(_("Tier %(n)s: use at most two decimal places.") % {"n": number})
        days = None
        if kind == c.TierKind.AFTER_SIGNING:
            after_signing += 1
        else:
            try:
                days = int(str(tier.get("days", "")).strip())
            except ValueError as exc:
                raise ValidationError(
                    _("Tier %(n)s: enter the number of days as a whole number.") % {"n": number}
                ) from exc
            if days < 1:
                raise ValidationError(
                    _("Tier %(n)s: the number of days must be 1 or more.") % {"n": number}
                )
            if days in seen_days:
                raise ValidationError(
                    _("Tier %(n)s: another tier already uses %(days)s days.")
                    % {"n": number, "days": days}
                )
            seen_days.add(days)
        cleaned.append({"kind": kind, "days": days, "percent": percent})
    if after_signing > 1:
        raise ValidationError(_("There can be only one 'after signing' tier."))
    return cleaned


def update_cancellation_policy(
    *,
    actor: User,
    organisation: Organisation,
    tiers: list[dict],
    minimum_fee: Decimal | str | None,
    free_postponement_days: int,
    free_postponements: int,
    version: int | None = None,
) -> m.CancellationPolicy:
    """Replace the tiers and settings. Agreements already signed keep the copy they were signed
    with; only agreements signed from now on use the new policy."""
    access.require(actor, Perm.CONFIGURE_TRAINING, organisation)
    cleaned = _clean_tiers(tiers)
    try:
        minimum = Decimal(str(minimum_fee or "0"))
    except InvalidOperation as exc:
        raise ValidationError({"minimum_fee": _("Enter the minimum fee as an amount.")}) from exc
    if minimum < 0 or minimum != minimum.quantize(Decimal("0.01")):
        raise ValidationError(
            {"minimum_fee": _("Enter an amount of 0 or more, in pounds and pence.")}
        )
    if free_postponement_days is None or int(free_postponement_days) < 0:
        raise ValidationError(
            {"free_postponement_days": _("Enter the number of days' notice, 0 or more.")}
        )
    if free_postponements is None or int(free_postponements) < 0:
        raise ValidationError({"free_postponements": _("Enter a number, 0 or more.")})
    policy = cancellation_policy(organisation)
    with transaction.atomic():
        locked = lock(policy)
        check_version(locked, version)
        before = policy_snapshot(organisation)
        locked.tiers.all().delete()
        m.CancellationTier.objects.bulk_create(
            m.CancellationTier(organisation=organisation, policy=locked, **tier) for tier in cleaned
        )
        locked.minimum_fee = minimum
        locked.free_postponement_days = int(free_postponement_days)
        locked.free_postponements = int(free_postponements)
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        after = policy_snapshot(organisation)
        audit.record(
            TrainingEvent.POLICY_CHANGED,
            actor=actor,
            organisation=organisation,
            obj=locked,
            changes={
                "tiers": [before["tiers"], after["tiers"]],
                "minimum_fee": [before["minimum_fee"], after["minimum_fee"]],
                "version": [before["version"], after["version"]],
            },
        )
    return locked


def update_training_settings(
    *, actor: User, organisation: Organisation, version: int | None = None, **values: object
) -> m.TrainingSettings:
    access.require(actor, Perm.CONFIGURE_TRAINING, organisation)
    for field in ("invoice_prefix", "credit_note_prefix"):
        if field in values:
            value = str(values[field]).strip().upper()
            if not value or not value.replace("-", "").isalnum():
                raise ValidationError(
                    {field: _("Use letters, numbers and hyphens only, like INV.")}
                )
            values[field] = value
    prefixes = {
        values.get("invoice_prefix"),
        values.get("credit_note_prefix"),
    } - {None}
    if len(prefixes) == 1 and "invoice_prefix" in values and "credit_note_prefix" in values:
        raise ValidationError(
            {"credit_note_prefix": _("Credit notes need a different prefix from invoices.")}
        )
    if values.get("vat_registered") and not str(values.get("vat_number", "")).strip():
        raise ValidationError({"vat_number": _("Enter the VAT number to charge VAT.")})
    row = training_settings(organisation)
    with transaction.atomic():
        locked = lock(row)
        check_version(locked, version)
        before = audit.snapshot(locked, SETTINGS_FIELDS)
        for field in SETTINGS_FIELDS:
            if field in values:
                setattr(locked, field, values[field])
        changes = audit.diff(locked, before, SETTINGS_FIELDS)
        if changes:
            locked.full_clean()
            locked.version += 1
            locked.save()
            audit.record(
                TrainingEvent.SETTINGS_CHANGED,
                actor=actor,
                organisation=organisation,
                obj=locked,
                changes=changes,
            )
    return locked
