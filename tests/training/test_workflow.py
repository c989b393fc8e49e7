"""The engagement lifecycle declared in training.workflow: the moves it allows and refuses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from mend.training import choices as c
from mend.training import models as m
from mend.training import workflow

S = c.EngagementStatus


def test_every_state_is_declared_once_in_pipeline_order_with_cancelled_last():
    assert list(workflow.STATES) == [*workflow.PIPELINE, S.CANCELLED]
    assert set(workflow.STATES) == set(S.values)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.ENQUIRY, S.PROPOSED),
        (S.PROPOSED, S.SLA_SENT),
        (S.SLA_SENT, S.SLA_SENT),
        (S.SLA_SENT, S.PROPOSED),
        (S.SLA_SENT, S.SIGNED),
        (S.SIGNED, S.DELIVERED),
        (S.INVOICED, S.DELIVERED),
        (S.DELIVERED, S.PAID),
        (S.ENQUIRY, S.CANCELLED),
        (S.INVOICED, S.CANCELLED),
    ],
)
def test_declared_moves_are_allowed(source, target):
    assert workflow.may_move(source, target)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.ENQUIRY, S.SIGNED),
        (S.PROPOSED, S.SIGNED),
        (S.SIGNED, S.SLA_SENT),
        (S.PAID, S.PROPOSED),
        (S.CANCELLED, S.SIGNED),
        (S.CANCELLED, S.CANCELLED),
    ],
)
def test_a_move_that_is_not_declared_is_refused_before_anything_is_saved(source, target):
    assert not workflow.may_move(source, target)
    engagement = m.Engagement(status=source)
    with pytest.raises(ValidationError):
        workflow.move(engagement, target)
    assert engagement.status == source


def test_the_named_sets_agree_with_each_other():
    assert workflow.QUOTABLE < workflow.BEFORE_SIGNING
    assert workflow.INVOICEABLE == workflow.AFTER_SIGNING
    assert workflow.BEFORE_SIGNING.isdisjoint(workflow.AFTER_SIGNING)
    assert S.CANCELLED not in workflow.CANCELLABLE | workflow.OPEN_FOR_SESSIONS
