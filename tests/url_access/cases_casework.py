"""Expectations for the casework pages: case list, overview, transitions, allocation, caseload,
the Victims' Code dashboard and tasks.

The walker signs in a member of each role who is allocated to nothing, so a page about one case
answers 200 only to the roles that see every case (administrators and managers); everyone else
gets 404, as they would for a case that does not exist.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import new_case
from tests.url_access import Expect

SEE_CASES = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.MANAGER,
        Role.ADVANCED_PRACTITIONER,
        Role.PRACTITIONER,
        Role.VOLUNTEER,
        Role.EXTERNAL_COWORKER,
    }
)
SEE_ALL_CASES = frozenset({Role.ADMINISTRATOR, Role.MANAGER})

EXPECTED: dict[str, Expect] = {
    "case_list": Expect(SEE_CASES),
    "casework_dashboard": Expect(SEE_CASES),
    "caseload": Expect(SEE_ALL_CASES),
    "case_detail": Expect(SEE_ALL_CASES, org_object=True),
    "case_transition": Expect(SEE_ALL_CASES, org_object=True),
    "case_allocate": Expect(SEE_ALL_CASES, org_object=True),
    "case_clock_done": Expect(SEE_ALL_CASES, ok=302, method="post", org_object=True),
    "task_done": Expect(SEE_ALL_CASES, ok=302, method="post", org_object=True),
}

POSTS = {
    "case_clock_done": {"information-on": timezone.localdate().isoformat()},
}


def objects(organisation, admin_user, slug):
    with organisation_scope(organisation):
        case = new_case(
            organisation,
            admin_user,
            summary=f"Something happened ({slug}).",
            justice_stage=c.JusticeStage.PRE_CHARGE,
            reported_on=timezone.localdate(),
        )
        case = actions.transition(actor=admin_user, case=case, name="accept")
        task = m.Task.objects.filter(case=case).first()
    return {"case": case, "task": task}


def urls(for_each) -> dict[str, dict[str, str]]:
    return {
        "case_detail": for_each(lambda o: reverse("case_detail", args=[o["case"].pk])),
        "case_transition": for_each(
            lambda o: reverse("case_transition", args=[o["case"].pk, "pause"])
        ),
        "case_allocate": for_each(lambda o: reverse("case_allocate", args=[o["case"].pk])),
        "case_clock_done": for_each(
            lambda o: reverse("case_clock_done", args=[o["case"].pk, "information"])
        ),
        "task_done": for_each(lambda o: reverse("task_done", args=[o["task"].pk])),
    }
