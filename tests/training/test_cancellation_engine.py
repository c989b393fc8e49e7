"""The cancellation fee engine at every boundary (pure: no database).

The seeds' policy, which is the default: 10% of the total after signing, 50% within 30 days of the
delivery date, 100% within 14 days. days_before = delivery date - cancellation date, in calendar
days, Europe/London; a "within N days" tier applies when days_before <= N; on or after the delivery
date the most severe tier applies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mend.training.money.engine import (
    AFTER_SIGNING,
    DEFAULT_POLICY,
    WITHIN_DAYS,
    Policy,
    SessionToCancel,
    Tier,
    days_before,
    explain,
    percent_of,
    quote,
)

LONDON = ZoneInfo("Europe/London")
DELIVERY = datetime(2027, 6, 15, 9, 30, tzinfo=LONDON)


def one_session(value="1000.00", delivery=DELIVERY):
    return [SessionToCancel(session_id=1, delivery=delivery, value=Decimal(value))]


@pytest.mark.parametrize(
    ("days", "percent", "fee"),
    [
        (200, "10.00", "100.00"),  # the day the SLA is signed, long before delivery
        (31, "10.00", "100.00"),  # one day outside the 30-day tier
        (30, "50.00", "500.00"),  # exactly 30 days: within 30 days
        (15, "50.00", "500.00"),  # one day outside the 14-day tier
        (14, "100.00", "1000.00"),  # exactly 14 days
        (1, "100.00", "1000.00"),
        (0, "100.00", "1000.00"),  # on the delivery date
        (-3, "100.00", "1000.00"),  # after delivery
    ],
)
def test_each_boundary_of_the_default_policy(days, percent, fee):
    cancelled_on = DELIVERY.date() - timedelta(days=days)
    result = quote(DEFAULT_POLICY, one_session(), cancelled_on)
    (line,) = result.lines
    assert line.days_before == days
    assert line.percent == Decimal(percent)
    assert line.fee == Decimal(fee)
    assert result.total == Decimal(fee)


def test_cancelling_on_the_signing_day_charges_the_after_signing_tier():
    signed_on = date(2027, 1, 10)
    result = quote(DEFAULT_POLICY, one_session("2400.00"), signed_on)
    assert result.total == Decimal("240.00")
    chosen = [ch for ch in result.lines[0].checks if ch.chosen]
    assert [ch.tier.kind for ch in chosen] == [AFTER_SIGNING]


def test_every_tier_is_listed_with_whether_and_why_it_applied():
    result = quote(DEFAULT_POLICY, one_session(), DELIVERY.date() - timedelta(days=20))
    checks = result.lines[0].checks
    assert [(ch.tier.kind, ch.tier.days, ch.applies, ch.reason, ch.chosen) for ch in checks] == [
        (AFTER_SIGNING, None, True, "after_signing", False),
        (WITHIN_DAYS, 30, True, "within", True),
        (WITHIN_DAYS, 14, False, "not_within", False),
    ]
    stored = result.as_json()["lines"][0]["checks"]
    assert "20 days before delivery is within 30 days" in explain(stored[1], 20)
    assert "20 days before delivery is more than 14 days" in explain(stored[2], 20)


def test_on_or_after_delivery_the_most_severe_tier_applies_even_if_no_tier_is_within_zero_days():
    policy = Policy(tiers=(Tier(AFTER_SIGNING, Decimal("10")), Tier(WITHIN_DAYS, Decimal("40"), 7)))
    after = quote(policy, one_session(), DELIVERY.date() + timedelta(days=2))
    assert after.lines[0].percent == Decimal("40")
    assert all(ch.applies and ch.reason == "on_or_after_delivery" for ch in after.lines[0].checks)


def test_the_most_severe_applicable_tier_wins_whatever_the_order_the_tiers_were_entered():
    # An unusual policy: the longer window is the more severe one.
    policy = Policy(
        tiers=(
            Tier(WITHIN_DAYS, Decimal("25"), 7),
            Tier(WITHIN_DAYS, Decimal("60"), 21),
            Tier(AFTER_SIGNING, Decimal("5")),
        )
    )
    result = quote(policy, one_session(), DELIVERY.date() - timedelta(days=5))
    assert result.lines[0].percent == Decimal("60")


def test_not_signed_means_no_policy_and_no_fee():
    result = quote(None, one_session(), DELIVERY.date() - timedelta(days=3))
    assert not result.signed
    assert result.total == Decimal("0.00")
    assert result.lines[0].checks == ()


def test_each_session_is_charged_at_the_tier_for_its_own_date():
    sessions = [
        SessionToCancel(1, datetime(2027, 3, 10, 9, 30, tzinfo=LONDON), Decimal("600.00")),
        SessionToCancel(2, datetime(2027, 3, 25, 9, 30, tzinfo=LONDON), Decimal("600.00")),
        SessionToCancel(3, datetime(2027, 5, 1, 9, 30, tzinfo=LONDON), Decimal("600.00")),
    ]
    result = quote(DEFAULT_POLICY, sessions, date(2027, 3, 1))
    assert [line.days_before for line in result.lines] == [9, 24, 61]
    assert [line.fee for line in result.lines] == [
        Decimal("600.00"),
        Decimal("300.00"),
        Decimal("60.00"),
    ]
    assert result.cancelled_value == Decimal("1800.00")
    assert result.total == Decimal("960.00")


@pytest.mark.parametrize(
    ("value", "percent", "fee"),
    [
        ("333.33", "10", "33.33"),  # 33.333 rounds down
        ("0.05", "50", "0.03"),  # 0.025 rounds half up
        ("0.15", "10", "0.02"),  # 0.015 rounds half up
        ("1234.55", "12.5", "154.32"),  # 154.31875
        ("999.99", "33.33", "333.30"),  # 333.296667
    ],
)
def test_money_rounds_to_the_penny_half_up(value, percent, fee):
    assert percent_of(Decimal(value), Decimal(percent)) == Decimal(fee)


def test_rounding_happens_once_per_line_not_on_the_total():
    # Three lines of 0.05 at 50%: each 0.025 -> 0.03, so 0.09 (rounding the total once would give
    # 0.08).
    policy = Policy(tiers=(Tier(AFTER_SIGNING, Decimal("50")),))
    sessions = [SessionToCancel(i, DELIVERY, Decimal("0.05")) for i in range(3)]
    result = quote(policy, sessions, DELIVERY.date() - timedelta(days=100))
    assert result.total == Decimal("0.09")


def test_a_minimum_fee_tops_up_a_small_fee_but_never_exceeds_the_value_cancelled():
    policy = Policy(tiers=DEFAULT_POLICY.tiers, minimum_fee=Decimal("150.00"))
    far = DELIVERY.date() - timedelta(days=90)
    topped = quote(policy, one_session("750.00"), far)
    assert (topped.lines[0].fee, topped.minimum_top_up, topped.total) == (
        Decimal("75.00"),
        Decimal("75.00"),
        Decimal("150.00"),
    )
    capped = quote(policy, one_session("100.00"), far)
    assert capped.total == Decimal("100.00")
    above = quote(policy, one_session("750.00"), DELIVERY.date() - timedelta(days=10))
    assert (above.minimum_top_up, above.total) == (Decimal("0.00"), Decimal("750.00"))


# ---------------------------------------------------------------- dates in Europe/London


def test_days_are_counted_between_london_dates_across_the_autumn_clock_change():
    # 00:30 on Sunday 25 October 2026 is still British Summer Time (the clocks go back at 02:00):
    # in UTC it is 23:30 on the 24th. The delivery date is the 25th.
    delivery = datetime(2026, 10, 25, 0, 30, tzinfo=LONDON)
    as_utc = delivery.astimezone(UTC)
    assert as_utc.date() == date(2026, 10, 24)
    assert days_before(delivery, date(2026, 9, 24)) == 31
    assert days_before(as_utc, date(2026, 9, 24)) == 31  # the same moment, given in UTC
    result = quote(DEFAULT_POLICY, one_session("500.00", as_utc), date(2026, 9, 24))
    assert result.lines[0].percent == Decimal("10.00")  # 31 days: not yet within 30


def test_days_are_counted_in_calendar_days_across_the_spring_clock_change():
    # The clocks go forward at 01:00 on Sunday 28 March 2027: that day has 23 hours, but it is
    # still one calendar day.
    delivery = datetime(2027, 4, 11, 9, 30, tzinfo=LONDON)  # BST
    assert days_before(delivery, date(2027, 3, 12)) == 30  # counted from GMT into BST
    assert days_before(delivery, date(2027, 3, 28)) == 14
    assert quote(
        DEFAULT_POLICY, one_session(delivery=delivery), date(2027, 3, 12)
    ).total == Decimal("500.00")
    assert quote(
        DEFAULT_POLICY, one_session(delivery=delivery), date(2027, 3, 28)
    ).total == Decimal("1000.00")


# ---------------------------------------------------------------- properties

tiers_strategy = st.lists(
    st.builds(
        Tier,
        kind=st.just(WITHIN_DAYS),
        percent=st.decimals(min_value=0, max_value=100, places=2),
        days=st.integers(min_value=1, max_value=120),
    ),
    max_size=4,
    unique_by=lambda t: t.days,
)
policy_strategy = st.builds(
    lambda within, after, minimum: Policy(
        tiers=tuple(within) + ((Tier(AFTER_SIGNING, after),) if after is not None else ()),
        minimum_fee=minimum,
    ),
    tiers_strategy,
    st.none() | st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=500, places=2),
)
sessions_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=200),  # delivery: days after 1 January 2027
        st.decimals(min_value=0, max_value=10000, places=2),
    ),
    min_size=1,
    max_size=5,
)


def _sessions(raw):
    start = date(2027, 1, 1)
    return [
        SessionToCancel(i, datetime.combine(start + timedelta(days=d), DELIVERY.timetz()), value)
        for i, (d, value) in enumerate(raw)
    ]


@settings(max_examples=300, deadline=None)
@given(policy=policy_strategy, raw=sessions_strategy, offset=st.integers(-30, 250))
def test_the_fee_never_exceeds_the_value_cancelled(policy, raw, offset):
    cancelled_on = date(2027, 1, 1) + timedelta(days=offset)
    result = quote(policy, _sessions(raw), cancelled_on)
    assert Decimal("0") <= result.total <= result.cancelled_value
    for line in result.lines:
        assert Decimal("0") <= line.fee <= line.value


@settings(max_examples=300, deadline=None)
@given(policy=policy_strategy, raw=sessions_strategy, offset=st.integers(-30, 250))
def test_the_fee_never_decreases_as_delivery_approaches(policy, raw, offset):
    sessions = _sessions(raw)
    earlier = date(2027, 1, 1) + timedelta(days=offset)
    later = earlier + timedelta(days=1)
    assert quote(policy, sessions, later).total >= quote(policy, sessions, earlier).total
