"""The cancellation fee engine: pure functions, no database.

Rules (docs/decisions/0012-training-cancellation.md):
- A policy is a set of tiers: "after signing" (applies to any cancellation once the SLA is signed)
  and "within N days of delivery" (applies when days_before <= N).
- days_before = the session's delivery date minus the cancellation date, both calendar dates in
  Europe/London. Cancelling on or after the delivery date (days_before <= 0) applies the most
  severe tier of the policy.
- Each session is charged at the most severe tier that applies to its own date.
- Money is Decimal; each line is rounded to the penny, half up, once.
- An optional fixed minimum (preparation and resources already produced) raises the total fee to
  at least that amount, never above the value cancelled.
- Before the SLA is signed there is no policy in force, so no fee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.utils import timezone
from django.utils.translation import gettext as _

PENNY = Decimal("0.01")
HUNDRED = Decimal("100")
AFTER_SIGNING = "after_signing"
WITHIN_DAYS = "within_days"


def money(value) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def percent_of(value: Decimal, percent: Decimal) -> Decimal:
    """`percent`% of `value`, rounded once to the penny, half up."""
    return (Decimal(value) * Decimal(percent) / HUNDRED).quantize(PENNY, rounding=ROUND_HALF_UP)


def with_vat(subtotal: Decimal, vat_rate: Decimal | None) -> dict[str, Decimal | None]:
    """A quote's or an invoice's totals: the subtotal, the VAT rate (None when no VAT is
    charged), the VAT on the subtotal and the total."""
    vat_amount = percent_of(subtotal, vat_rate) if vat_rate is not None else Decimal("0.00")
    return {
        "subtotal": subtotal,
        "vat_rate": vat_rate,
        "vat_amount": vat_amount,
        "total": subtotal + vat_amount,
    }


def local_date(moment: datetime | date) -> date:
    """The calendar date in Europe/London of an aware datetime (a date is returned unchanged)."""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date()
    return moment


def days_before(delivery: datetime | date, cancelled_on: date) -> int:
    """Calendar days from the cancellation date to the delivery date (Europe/London)."""
    return (local_date(delivery) - cancelled_on).days


@dataclass(frozen=True)
class Tier:
    kind: str
    percent: Decimal
    days: int | None = None

    def as_json(self) -> dict:
        return {"kind": self.kind, "days": self.days, "percent": str(self.percent)}

    @classmethod
    def from_json(cls, data: dict) -> Tier:
        return cls(kind=data["kind"], days=data.get("days"), percent=Decimal(data["percent"]))


@dataclass(frozen=True)
class Policy:
    tiers: tuple[Tier, ...]
    minimum_fee: Decimal = Decimal("0.00")
    version: int = 1

    def ordered(self) -> tuple[Tier, ...]:
        """After signing first, then 'within N days' from the most days to the fewest."""
        return tuple(
            sorted(
                self.tiers,
                key=lambda t: (t.kind != AFTER_SIGNING, -(t.days if t.days is not None else 10**6)),
            )
        )

    def as_json(self) -> dict:
        return {
            "tiers": [t.as_json() for t in self.ordered()],
            "minimum_fee": str(self.minimum_fee),
            "version": self.version,
        }

    @classmethod
    def from_json(cls, data: dict) -> Policy:
        return cls(
            tiers=tuple(Tier.from_json(t) for t in data.get("tiers", [])),
            minimum_fee=Decimal(data.get("minimum_fee", "0")),
            version=int(data.get("version", 1)),
        )


DEFAULT_POLICY = Policy(
    tiers=(
        Tier(AFTER_SIGNING, Decimal("10.00")),
        Tier(WITHIN_DAYS, Decimal("50.00"), 30),
        Tier(WITHIN_DAYS, Decimal("100.00"), 14),
    )
)


@dataclass(frozen=True)
class TierCheck:
    tier: Tier
    applies: bool
    reason: str  # a code; `explain()` gives the sentence in the reader's language
    chosen: bool = False

    def as_json(self) -> dict:
        return {
            **self.tier.as_json(),
            "applies": self.applies,
            "reason": self.reason,
            "chosen": self.chosen,
        }


@dataclass(frozen=True)
class SessionToCancel:
    session_id: int | None
    delivery: datetime | date
    value: Decimal
    label: str = ""


@dataclass(frozen=True)
class Line:
    session_id: int | None
    label: str
    delivery_date: date
    value: Decimal
    days_before: int
    checks: tuple[TierCheck, ...]
    percent: Decimal
    fee: Decimal

    def as_json(self) -> dict:
        return {
            "session_id": self.session_id,
            "label": self.label,
            "delivery_date": self.delivery_date.isoformat(),
            "value": str(self.value),
            "days_before": self.days_before,
            "checks": [ch.as_json() for ch in self.checks],
            "percent": str(self.percent),
            "fee": str(self.fee),
        }


@dataclass(frozen=True)
class Quote:
    cancelled_on: date
    signed: bool
    lines: tuple[Line, ...]
    minimum_fee: Decimal
    minimum_top_up: Decimal
    cancelled_value: Decimal
    total: Decimal
    policy: Policy | None = None

    def as_json(self) -> dict:
        return {
            "cancelled_on": self.cancelled_on.isoformat(),
            "signed": self.signed,
            "lines": [line.as_json() for line in self.lines],
            "minimum_fee": str(self.minimum_fee),
            "minimum_top_up": str(self.minimum_top_up),
            "cancelled_value": str(self.cancelled_value),
            "total": str(self.total),
        }


def check_tiers(policy: Policy, days: int) -> tuple[TierCheck, ...]:
    """Every tier of `policy` checked for a session `days` days away; the most severe applicable
    tier is marked chosen (ties: the first in policy order)."""
    on_or_after = days <= 0
    checks = []
    for tier in policy.ordered():
        if on_or_after:
            applies, reason = True, "on_or_after_delivery"
        elif tier.kind == AFTER_SIGNING:
            applies, reason = True, "after_signing"
        elif days <= cast(int, tier.days):  # a within-days tier always has its days
            applies, reason = True, "within"
        else:
            applies, reason = False, "not_within"
        checks.append(TierCheck(tier, applies, reason))
    applicable = [ch for ch in checks if ch.applies]
    if not applicable:
        return tuple(checks)
    winner = max(applicable, key=lambda ch: ch.tier.percent)
    return tuple(TierCheck(ch.tier, ch.applies, ch.reason, chosen=ch is winner) for ch in checks)


def quote(policy: Policy | None, sessions: list[SessionToCancel], cancelled_on: date) -> Quote:
    """The fee for cancelling `sessions` on `cancelled_on` under `policy` (None: not signed)."""
    lines = []
    checks: tuple[TierCheck, ...]
    for s in sessions:
        value = money(s.value)
        days = days_before(s.delivery, cancelled_on)
        if policy is None:
            checks, percent = (), Decimal("0.00")
        else:
            checks = check_tiers(policy, days)
            chosen = [ch for ch in checks if ch.chosen]
            percent = chosen[0].tier.percent if chosen else Decimal("0.00")
        lines.append(
            Line(
                session_id=s.session_id,
                label=s.label,
                delivery_date=local_date(s.delivery),
                value=value,
                days_before=days,
                checks=checks,
                percent=Decimal(percent),
                fee=percent_of(value, percent),
            )
        )
    cancelled_value = sum((line.value for line in lines), Decimal("0.00"))
    fees = sum((line.fee for line in lines), Decimal("0.00"))
    minimum = money(policy.minimum_fee) if policy is not None else Decimal("0.00")
    top_up = Decimal("0.00")
    if policy is not None and lines and fees < minimum:
        top_up = min(minimum, cancelled_value) - fees
        top_up = max(top_up, Decimal("0.00"))
    return Quote(
        cancelled_on=cancelled_on,
        signed=policy is not None,
        lines=tuple(lines),
        minimum_fee=minimum,
        minimum_top_up=top_up,
        cancelled_value=cancelled_value,
        total=fees + top_up,
        policy=policy,
    )


def percent_label(percent) -> str:
    """A stored percentage as people write it: "50.00" -> "50", "12.50" -> "12.5"."""
    return f"{Decimal(str(percent)).normalize():f}"


def explain(check: dict, days: int) -> str:
    """The sentence for one tier check (from the stored JSON), in the active language."""
    percent = percent_label(check["percent"])
    if check["kind"] == AFTER_SIGNING:
        name = _("After signing: %(percent)s%%") % {"percent": percent}
    else:
        name = _("Within %(days)s days of delivery: %(percent)s%%") % {
            "days": check["days"],
            "percent": percent,
        }
    reasons = {
        "after_signing": _("Applies: the agreement was signed before this cancellation."),
        "within": _("Applies: %(days_before)s days before delivery is within %(days)s days.")
        % {"days_before": days, "days": check.get("days")},
        "not_within": _(
            "Does not apply: %(days_before)s days before delivery is more than %(days)s days."
        )
        % {"days_before": days, "days": check.get("days")},
        "on_or_after_delivery": _(
            "Applies: cancelled on or after the delivery date, so every tier applies and the "
            "most severe is charged."
        ),
    }
    return f"{name}. {reasons.get(check['reason'], '')}"
