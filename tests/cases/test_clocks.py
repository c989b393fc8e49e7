"""Victims' Code clocks in working days: weekends and England & Wales bank holidays skipped.

Counting rule (cases/clocks.py): the day the crime was reported is day 0; information about
restorative justice is due by working day 5 (1 with enhanced rights), referral to support by
working day 2. The expected dates below were counted by hand on a calendar.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.casework.clocks import clocks_for
from mend.core.roles import Role
from mend.core.tests_support import make_member
from tests.cases.test_casework import new_case, page_text


def reported(on: date, *, enhanced=False, region="WLS", **done) -> m.Case:
    return m.Case(
        reported_on=on,
        justice_stage=c.JusticeStage.PRE_CHARGE,
        enhanced_rights=enhanced,
        bank_holiday_region=region,
        **done,
    )


def due_dates(case: m.Case) -> dict[str, date]:
    return {clock.kind: clock.due_on for clock in clocks_for(case)}


@pytest.mark.parametrize("region", ["ENG", "WLS"])
def test_christmas_and_new_year_are_skipped(region):
    # Thu 24 Dec 2026. Fri 25 Christmas, Sat 26, Sun 27, Mon 28 Boxing Day (substitute),
    # Tue 29 = 1, Wed 30 = 2, Thu 31 = 3, Fri 1 Jan New Year's Day, Mon 4 = 4, Tue 5 = 5.
    dates = due_dates(reported(date(2026, 12, 24), region=region))
    assert dates == {
        c.ClockKind.INFORMATION: date(2027, 1, 5),
        c.ClockKind.SUPPORT_REFERRAL: date(2026, 12, 30),
    }


def test_enhanced_rights_information_is_due_the_next_working_day_after_christmas():
    dates = due_dates(reported(date(2026, 12, 24), enhanced=True))
    assert dates[c.ClockKind.INFORMATION] == date(2026, 12, 29)


def test_easter_2026_is_skipped():
    # Thu 2 Apr 2026. Fri 3 Good Friday, Sat 4, Sun 5, Mon 6 Easter Monday,
    # Tue 7 = 1, Wed 8 = 2, Thu 9 = 3, Fri 10 = 4, Mon 13 = 5.
    dates = due_dates(reported(date(2026, 4, 2)))
    assert dates == {
        c.ClockKind.INFORMATION: date(2026, 4, 13),
        c.ClockKind.SUPPORT_REFERRAL: date(2026, 4, 8),
    }
    assert due_dates(reported(date(2026, 4, 2), enhanced=True))[c.ClockKind.INFORMATION] == date(
        2026, 4, 7
    )


def test_the_day_before_good_friday_counts_as_a_working_day():
    # Wed 1 Apr 2026: Thu 2 = 1, then Good Friday to Easter Monday, Tue 7 = 2.
    dates = due_dates(reported(date(2026, 4, 1), enhanced=True))
    assert dates[c.ClockKind.INFORMATION] == date(2026, 4, 2)
    assert dates[c.ClockKind.SUPPORT_REFERRAL] == date(2026, 4, 7)


def test_a_report_on_a_friday_before_the_summer_bank_holiday():
    # Fri 28 Aug 2026. Sat, Sun, Mon 31 Aug (Summer bank holiday), Tue 1 Sep = 1, Wed 2 = 2.
    dates = due_dates(reported(date(2026, 8, 28)))
    assert dates[c.ClockKind.SUPPORT_REFERRAL] == date(2026, 9, 2)
    assert dates[c.ClockKind.INFORMATION] == date(2026, 9, 7)


def test_a_report_on_a_weekend_starts_counting_on_monday():
    # Sat 7 Mar 2026: Mon 9 = 1, Tue 10 = 2.
    dates = due_dates(reported(date(2026, 3, 7), enhanced=True))
    assert dates == {
        c.ClockKind.INFORMATION: date(2026, 3, 9),
        c.ClockKind.SUPPORT_REFERRAL: date(2026, 3, 10),
    }


def test_no_clocks_without_a_reported_crime():
    assert clocks_for(m.Case(reported_on=None, justice_stage=c.JusticeStage.PRE_CHARGE)) == []
    assert clocks_for(m.Case(reported_on=date(2026, 3, 2), justice_stage=c.JusticeStage.NONE)) == []


def _support_clock(**done):
    # Mon 2 Mar 2026: support referral due Wed 4 Mar.
    case = reported(date(2026, 3, 2), **done)
    return next(k for k in clocks_for(case) if k.kind == c.ClockKind.SUPPORT_REFERRAL)


def test_a_clock_done_on_or_before_its_due_date_is_met():
    assert _support_clock(support_referred_on=date(2026, 3, 4)).state(date(2026, 3, 20)) == "met"
    assert _support_clock(support_referred_on=date(2026, 3, 3)).state(date(2026, 3, 20)) == "met"


def test_a_clock_done_after_its_due_date_is_late():
    assert _support_clock(support_referred_on=date(2026, 3, 5)).state(date(2026, 3, 20)) == "late"


def test_a_clock_not_done_is_due_then_due_today_then_overdue():
    clock = _support_clock()
    assert clock.due_on == date(2026, 3, 4)
    assert clock.state(date(2026, 3, 3)) == "due"
    assert clock.state(date(2026, 3, 4)) == "due_today"
    assert clock.state(date(2026, 3, 5)) == "overdue"


@pytest.mark.django_db
def test_the_dashboard_lists_overdue_and_due_clocks_of_open_cases_only(org, signed_in):
    admin = make_member(org, Role.ADMINISTRATOR)
    today = timezone.localdate()
    late = new_case(
        org,
        admin.user,
        justice_stage=c.JusticeStage.PRE_CHARGE,
        reported_on=today - timedelta(days=30),
    )
    fresh = new_case(org, admin.user, justice_stage=c.JusticeStage.PRE_CHARGE, reported_on=today)
    not_crime = new_case(org, admin.user, reported_on=today - timedelta(days=30))

    response = signed_in(admin.user, org).get(reverse("casework_dashboard"))

    text = page_text(response)
    overdue_part, due_part = text.split("Due, not yet overdue")
    assert late.reference in overdue_part and late.reference not in due_part
    assert fresh.reference in due_part and fresh.reference not in overdue_part
    assert not_crime.reference not in text
    assert "Overdue (2)" in text  # both of the late case's clocks
