"""Which cases a person may see or work on (registered with core.access as row rules).

- VIEW_ALL_CASES (managers, administrators): every case of the organisation.
- Practitioners: cases they are allocated to, and their teams' cases.
- Volunteers and external co-workers: only cases they are allocated to (an external professional
  co-working to gain experience sees that case and nothing else).
- Partner referrers (REFER): the cases they referred, through the referral status pages only.
Rows that belong to a case (parties, activities, ...) follow their case.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mend.cases import models as m
from mend.core import access
from mend.core.roles import Perm, Role, role_has
from mend.core.tenancy import current_organisation

ALLOCATED_ONLY = {Role.VOLUNTEER, Role.EXTERNAL_COWORKER}


def _membership(user):
    organisation = current_organisation()
    if organisation is None:
        return None
    return access.memberships(user).get(organisation.pk)


def visible_case_ids(user, action: str) -> QuerySet | None:
    """A subquery of case ids `user` may `action`, or None meaning 'all cases'."""
    membership = _membership(user)
    if membership is None or not role_has(membership.role, action):
        return m.Case.objects.none().values("pk")
    if action == Perm.REFER:
        return m.Case.objects.filter(referrer=user).values("pk")
    if role_has(membership.role, Perm.VIEW_ALL_CASES):
        return None
    allocated = Q(
        pk__in=m.Allocation.objects.filter(membership=membership, ended_on=None).values("case")
    )
    if membership.role not in ALLOCATED_ONLY:
        allocated |= Q(team__in=membership.teams.values("pk"))
    return m.Case.objects.filter(allocated).values("pk")


@access.row_rule(m.Case)
def _cases(queryset, user, action):
    ids = visible_case_ids(user, action)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def _by_case(path: str):
    def rule(queryset, user, action):
        ids = visible_case_ids(user, action)
        return queryset if ids is None else queryset.filter(**{f"{path}__in": ids})

    return rule


for _model, _path in [
    (m.Party, "case"),
    (m.Allocation, "case"),
    (m.StatusChange, "case"),
    (m.RiskAssessment, "case"),
    (m.SignOff, "case"),
    (m.SuitabilityDecision, "case"),
    (m.PrinciplesChecklist, "case"),
    (m.Activity, "case"),
    (m.Process, "case"),
    (m.Meeting, "case"),
    (m.Task, "case"),
    (m.ShuttleMessage, "case"),
    (m.Letter, "case"),
    (m.Agreement, "case"),
    (m.CaseStudy, "case"),
    (m.Consent, "party__case"),
    (m.Assessment, "party__case"),
    (m.SupportReferral, "party__case"),
    (m.FeedbackRequest, "party__case"),
    (m.AgreementItem, "agreement__case"),
    (m.Payment, "item__agreement__case"),
]:
    access.row_rule(_model)(_by_case(_path))


def can_on_case(user, action: str, case: m.Case) -> bool:
    ids = visible_case_ids(user, action)
    return ids is None or m.Case.objects.filter(pk=case.pk, pk__in=ids).exists()
