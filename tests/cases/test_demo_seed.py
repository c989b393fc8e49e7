"""The demo seed gives a newcomer a living service: every case type, stage and closure reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mend.cases import choices as c
from mend.cases import demo as cases_demo
from mend.cases import models as m
from mend.cases import workflow
from mend.core import audit
from mend.core import demo as core_demo
from mend.core.models import AuditEvent, Organisation
from mend.core.tenancy import organisation_scope, unscoped


@pytest.fixture
def demo_organisation(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # handed-over risk assessments are uploaded files
    core_demo.seed()
    return Organisation.objects.get(slug=core_demo.ORGANISATION[2])


@pytest.fixture
def seeded(demo_organisation):
    added = cases_demo.seed(demo_organisation, count=80)
    return demo_organisation, added


def test_demo_seed_covers_every_type_status_and_closure_reason_with_intact_audit(seeded):
    organisation, added = seeded
    assert added == 80
    with organisation_scope(organisation):
        cases = m.Case.objects.all()
        assert cases.count() >= 80
        assert set(cases.values_list("case_type__code", flat=True)) == set(
            m.CaseType.objects.values_list("code", flat=True)
        )
        assert set(cases.values_list("status", flat=True)) == set(c.Status.values)
        closed = cases.filter(status=c.Status.CLOSED)
        assert set(closed.values_list("closure_reason", flat=True)) == set(c.ClosureReason.values)
        assert not cases.filter(status=c.Status.PAUSED, pause_reason="").exists()
        assert not cases.filter(status=c.Status.DECLINED, decision_reason="").exists()
    # Seeding through the actions left an intact audit trail.
    with unscoped():
        assert audit.verify_chains() == []
        assert AuditEvent.objects.filter(organisation=organisation, action="case.referred").exists()


def test_demo_cases_have_referrers_parties_allocations_clocks_and_planned_meetings(seeded):
    organisation, _added = seeded
    today = timezone.localdate()
    with organisation_scope(organisation):
        cases = m.Case.objects.all()
        sources = set(cases.values_list("source", flat=True))
        assert {c.Source.AGENCY, c.Source.SELF} <= sources
        referrers = set(cases.exclude(referrer=None).values_list("referrer__email", flat=True))
        assert referrers & {
            "referrer@probation.demo.mend.test",
            "referrer@youthjustice.demo.mend.test",
        }
        allocated = set(
            m.Allocation.objects.filter(ended_on=None).values_list(
                "membership__user__email", "role"
            )
        )
        assert ("coworker@police.demo.mend.test", c.AllocationRole.CO_WORKER) in allocated
        assert {email for email, role in allocated if role == c.AllocationRole.LEAD} <= {
            "practitioner@demo.mend.test",
            "advanced@demo.mend.test",
            "manager@demo.mend.test",
        }
        assert m.Party.objects.filter(person__preferred_language="cy").exists()
        assert m.Meeting.objects.filter(
            status=c.MeetingStatus.PLANNED, starts_at__gt=timezone.now()
        ).exists()
        assert m.Task.objects.filter(done_on=None, case__status__in=c.OPEN_STATUSES).exists()
        assert any(activity.notes for activity in m.Activity.objects.all())
        # Received across the last 18 months, never in the future.
        oldest = cases.order_by("received_on").first().received_on
        assert today - timedelta(days=560) <= oldest < today - timedelta(days=300)
        assert not cases.filter(received_on__gt=today).exists()
        # Victims' Code clocks in every state a dashboard shows.
        from mend.cases.casework.clocks import clocks_for

        states = {clock.state(today) for case in cases for clock in clocks_for(case)}
        assert "met" in states
        assert states & {"due", "due_today", "overdue"}


def test_every_demo_case_is_consistent_with_its_history_and_guards(seeded):
    organisation, _added = seeded
    with organisation_scope(organisation):
        for case in m.Case.objects.prefetch_related("status_changes"):
            changes = list(case.status_changes.all())
            assert changes[0].transition == "refer"
            assert changes[-1].to_status == case.status, case.reference
            assert [ch.at for ch in changes] == sorted(ch.at for ch in changes), case.reference
            assert case.reference.split("-")[1] == str(case.received_on.year)
            if case.status in (c.Status.PROCESS, c.Status.OUTCOME, c.Status.FOLLOW_UP):
                # Guards held: risk signed off at the required level before the process.
                assert workflow.missing_signoffs(case) == [], case.reference
            if case.status == c.Status.CLOSED:
                assert case.closed_on and case.closed_on >= case.received_on


def test_seeding_again_adds_nothing(demo_organisation):
    assert cases_demo.seed(demo_organisation, count=30) == 30
    with organisation_scope(demo_organisation):
        before = (m.Case.objects.count(), m.Party.objects.count(), m.StatusChange.objects.count())
    assert cases_demo.seed(demo_organisation, count=30) == 0
    with organisation_scope(demo_organisation):
        after = (m.Case.objects.count(), m.Party.objects.count(), m.StatusChange.objects.count())
    assert after == before


def test_seeding_is_deterministic(demo_organisation):
    cases_demo.seed(demo_organisation, count=30, rng_seed=7)
    with organisation_scope(demo_organisation):
        first = list(
            m.Case.objects.order_by("reference").values_list("reference", "status", "received_on")
        )
    # The seed realises its plan exactly: the same seed gives the same cases.
    rng = cases_demo.random.Random(7)
    specs = cases_demo.plan(30, rng, timezone.localdate())
    assert sorted((s.status, s.received_on) for s in specs) == sorted(
        (status, received) for _ref, status, received in first
    )
