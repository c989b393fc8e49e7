"""Expectations for training sales: the start page, clients, contacts, courses, enquiries,
engagements, quotes and the Service Level Agreement.

Administrators, managers and office staff run the training business (VIEW_TRAINING and
MANAGE_TRAINING). Trainers reach an engagement's page only for sessions they deliver; the walker's
trainer delivers nothing, so is told the engagement does not exist (404), like everyone else
without the permission on a page about one record. The public enquiry form, its thanks page
(which sends a visitor who has not sent an enquiry back to the form) and the agreement link need
no sign-in.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from tests.url_access import Expect

SALES = frozenset({Role.ADMINISTRATOR, Role.MANAGER, Role.OFFICE})

PAGES = (
    "training_home",
    "training_clients",
    "training_client_new",
    "training_courses",
    "training_course_new",
    "training_enquiries",
    "training_enquiry_new",
    "training_engagements",
    "training_engagement_new",
)
RECORD_PAGES = {
    "training_client": "client",
    "training_client_edit": "client",
    "training_contact_new": "client",
    "training_contact_edit": "contact",
    "training_course_edit": "course",
    "training_enquiry": "enquiry",
    "training_enquiry_convert": "enquiry",
    "training_enquiry_close": "enquiry",
    "training_engagement": "engagement",
    "training_proposal_new": "engagement",
    "training_sla_send": "engagement",
    "training_proposal_pdf": "proposal",
    "training_sla_withdraw": "sla",
}

EXPECTED: dict[str, Expect] = {
    **{name: Expect(SALES) for name in PAGES},
    **{name: Expect(SALES, org_object=True) for name in RECORD_PAGES},
    "training_enquire": Expect(None),
    "training_enquire_thanks": Expect(None, ok=302),
    "training_sla": Expect(None),
}


def objects(organisation, admin_user, slug):
    from tests.training.support import course, engagement_with_sessions, school_client

    with organisation_scope(organisation):
        client, contact = school_client(admin_user, organisation, name=f"School {slug}")
        the_course = course(admin_user, organisation, code=f"course-{slug}")
        enquiry = actions.receive_enquiry(
            organisation=organisation,
            actor=admin_user,
            organisation_name=f"Enquirer {slug}",
            sector="school",
            contact_name="Alex Enquirer",
            email=f"alex@{slug}.example",
            course=the_course,
        )
        day = timezone.localdate() + timedelta(days=40)
        engagement = engagement_with_sessions(admin_user, organisation, [day], client=client)
        proposal = actions.issue_proposal(actor=admin_user, engagement=engagement)
        sla, token = actions.send_sla(actor=admin_user, engagement=engagement)
    return {
        "client": client,
        "contact": contact,
        "course": the_course,
        "enquiry": enquiry,
        "engagement": engagement,
        "proposal": proposal,
        "sla": sla,
        "token": token,
        "slug": organisation.slug,
    }


def urls(for_each) -> dict[str, dict[str, str]]:
    found = {
        name: for_each(lambda o, n=name, key=key: reverse(n, args=[o[key].pk]))
        for name, key in RECORD_PAGES.items()
    }
    for name in ("training_enquire", "training_enquire_thanks"):
        found[name] = for_each(lambda o, n=name: reverse(n, args=[o["slug"]]))
    found["training_sla"] = for_each(lambda o: reverse("training_sla", args=[o["token"]]))
    return found
