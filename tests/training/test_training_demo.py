"""The demo seed gives a newcomer a living training business: clients in every sector, the
catalogue, engagements in every state with invoices, payments and cancellations, and an e-learning
module that a newcomer can sign up for and pass."""

from __future__ import annotations

import pytest

from mend.core import audit
from mend.core import demo as core_demo
from mend.core.models import Organisation
from mend.core.tenancy import organisation_scope, unscoped
from mend.training import actions
from mend.training import choices as c
from mend.training import demo as training_demo
from mend.training import models as m
from tests.training.elearning_support import answers, finish_lessons


@pytest.fixture
def seeded(db):
    core_demo.seed()
    organisation = Organisation.objects.get(slug=core_demo.ORGANISATION[2])
    result = training_demo.seed(organisation)
    return organisation, result


def test_the_demo_has_every_engagement_state_money_and_an_intact_audit_chain(seeded):
    organisation, result = seeded
    assert result["created"] is True
    with organisation_scope(organisation):
        assert set(m.Client.objects.values_list("sector", flat=True)) == set(c.Sector.values)
        assert m.Course.objects.count() == len(training_demo.COURSES)
        assert set(m.Engagement.objects.values_list("status", flat=True)) == set(
            c.EngagementStatus.values
        )
        assert m.Invoice.objects.filter(kind=c.InvoiceKind.CREDIT_NOTE).exists()
        assert m.Invoice.objects.filter(cancellation__isnull=False, kind="invoice").exists()
        assert m.Payment.objects.exists()
        assert m.Certificate.objects.exists()
        assert m.Enquiry.objects.filter(status=c.EnquiryStatus.NEW).count() == len(
            training_demo.ENQUIRIES
        )
        sequences = sorted(
            m.Invoice.objects.filter(prefix="INV").values_list("sequence", flat=True)
        )
        assert sequences == list(range(1, len(sequences) + 1))
    with unscoped():
        assert audit.verify_chains() == []
    # Seeding again adds nothing.
    assert training_demo.seed(organisation) == {"created": False}


def test_a_newcomer_can_sign_up_and_pass_the_demo_module(seeded):
    organisation, _result = seeded
    with organisation_scope(organisation):
        module = m.Module.objects.get(is_published=True, open_to_public=True)
        user = actions.sign_up_learner(
            organisation=organisation,
            full_name="Nia Newcomer",
            email="nia.newcomer@example.test",
            password="a long enough passphrase 42",
            language="cy",
        )
        enrolment = actions.enrol_self(user=user, module=module)
        enrolment = finish_lessons(user, enrolment)
        attempt = actions.submit_quiz(
            user=user, enrolment=enrolment, answers=answers(module, right=5)
        )
        assert attempt.passed and attempt.score == 100
        assert m.Certificate.objects.filter(enrolment=enrolment).exists()
