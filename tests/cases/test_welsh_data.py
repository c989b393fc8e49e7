"""Configuration rows and timeline tasks read in the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope

pytestmark = pytest.mark.django_db


def test_a_welsh_reader_sees_the_case_type_and_timeline_tasks_in_welsh(org, make_member, signed_in):
    manager = make_member(org, Role.MANAGER)
    lead = make_member(org, Role.PRACTITIONER)
    with organisation_scope(org):
        case = actions.create_case(
            actor=manager.user,
            organisation=org,
            source=c.Source.INTERNAL,
            case_type=m.CaseType.objects.get(code="criminal-justice"),
        )
        actions.allocate(actor=manager.user, case=case, membership=lead, role=c.AllocationRole.LEAD)
        actions.transition(actor=manager.user, case=case, name="accept")
    client = signed_in(manager.user, org)
    client.cookies["mend_language"] = "cy"
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Cyfiawnder troseddol" in page
    with translation.override("cy"):
        first_contact = str(c.TimelineStepKind.FIRST_CONTACT.label)
    assert first_contact != "First contact"
    assert first_contact in page
