"""Victims' Code clocks, counted in working days (weekends and bank holidays excluded).

Counting rule: the clock starts on the day the crime was reported (day 0). Information about
restorative justice is due by the 5th working day after it (the 1st for victims entitled to
enhanced rights); referral to support services by the 2nd. A clock is met when the date it was
done is on or before the due date, overdue when it is still not done after the due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from mend.cases import choices as c
from mend.cases import models as m
from mend.core.working_days import add_working_days

INFORMATION_DAYS = 5
INFORMATION_DAYS_ENHANCED = 1
SUPPORT_REFERRAL_DAYS = 2


@dataclass(frozen=True)
class Clock:
    kind: str
    due_on: date
    done_on: date | None

    @property
    def label(self) -> str:
        return str(c.ClockKind(self.kind).label)

    def state(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.done_on:
            return "met" if self.done_on <= self.due_on else "late"
        if today > self.due_on:
            return "overdue"
        return "due_today" if today == self.due_on else "due"


def clocks_for(case: m.Case) -> list[Clock]:
    if not case.reported_on or case.justice_stage == c.JusticeStage.NONE:
        return []
    region = case.bank_holiday_region
    information_days = INFORMATION_DAYS_ENHANCED if case.enhanced_rights else INFORMATION_DAYS
    return [
        Clock(
            c.ClockKind.INFORMATION,
            add_working_days(case.reported_on, information_days, region),
            case.information_offered_on,
        ),
        Clock(
            c.ClockKind.SUPPORT_REFERRAL,
            add_working_days(case.reported_on, SUPPORT_REFERRAL_DAYS, region),
            case.support_referred_on,
        ),
    ]
