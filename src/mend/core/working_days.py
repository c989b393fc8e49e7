"""Working days for statutory clocks (Victims' Code): weekends and bank holidays excluded.

England and Wales share most bank holidays; `region` picks the calendar ("ENG" or "WLS").
Counting rule: the day of the event is day 0; the deadline is the Nth working day after it,
inclusive. A deadline is met when the thing is done on or before that date.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

REGIONS = ("ENG", "WLS")


@lru_cache(maxsize=64)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    if region not in REGIONS:
        raise ValueError(f"Unknown bank-holiday region {region!r}; use one of {REGIONS}.")
    return frozenset(holidays.UK(subdiv=region, years=year).keys())


def is_working_day(day: date, region: str = "ENG") -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(region, day.year)


def add_working_days(start: date, days: int, region: str = "ENG") -> date:
    """The date `days` working days after `start` (start itself is never counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, region):
            remaining -= 1
    return current
