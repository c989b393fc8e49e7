"""Default training configuration for a new organisation: invoice settings and the cancellation
policy of the seeds (10% after signing, 50% within 30 days, 100% within 14 days). These are only
defaults: administrators edit them."""

from __future__ import annotations

from typing import TypeVar

from mend.training import models as m
from mend.training.money.engine import DEFAULT_POLICY

Row = TypeVar("Row", m.TrainingSettings, m.CancellationPolicy)


def install(organisation) -> None:
    m.TrainingSettings.objects.get_or_create(organisation=organisation)
    policy, created = m.CancellationPolicy.objects.get_or_create(organisation=organisation)
    if created:
        m.CancellationTier.objects.bulk_create(
            m.CancellationTier(
                organisation=organisation,
                policy=policy,
                kind=tier.kind,
                days=tier.days,
                percent=tier.percent,
            )
            for tier in DEFAULT_POLICY.tiers
        )


def _installed(model: type[Row], organisation) -> Row:
    """The organisation's one row of `model`, installing the defaults first when it has none."""
    found = model.objects.filter(organisation=organisation).first()
    if found is None:
        install(organisation)
        found = model.objects.get(organisation=organisation)
    return found


def training_settings(organisation) -> m.TrainingSettings:
    return _installed(m.TrainingSettings, organisation)


def cancellation_policy(organisation) -> m.CancellationPolicy:
    return _installed(m.CancellationPolicy, organisation)
