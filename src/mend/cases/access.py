"""Which cases a person may see or work on (registered with core.access as row rules).

- VIEW_ALL_CASES (managers, administrators): every case of the organisation.
- Practitioners: cases they are allocated to, and their teams' cases.
- Volunteers and external co-workers: only cases they are allocated to (an external professional
  co-working to gain experience sees that case and nothing else).
- Partner referrers (REFER): the cases they referred, through the referral status pages only.
Rows that belong to a case (parties, activities, ...) follow their case.
"""

from __future__ import annotations

from django.db.models import Q

from mend.cases import models as m
from mend.core import access
from mend.core.context import once_per_request
from mend.core.roles import Perm, Role, role_has
from mend.core.tenancy import current_organisation

ALLOCATED_ONLY = {Role.VOLUNTEER, Role.EXTERNAL_COWORKER}


def _membership(user):
    organisation = current_organisation()
    if organisation is None:
        return None
    return access.memberships(user).get(organisation.pk)


def _allocated_and_teams(membership) -> tuple[list[int], list[int]]:
    """The cases `membership` is allocated to now, and its teams (none for the roles that see
    only their allocations): read once per request."""

    def read() -> tuple[list[int], list[int]]:
        allocated = m.Allocation.objects.filter(membership=membership, ended_on=None)
        teams = [] if membership.role in ALLOCATED_ONLY else membership.teams.all()
        return (
            list(allocated.values_list("case_id", flat=True)),
            [team.pk for team in teams],
        )

    return once_per_request(("cases.allocated_and_teams", membership.pk), read)


def visible_cases(user, action: str) -> Q | None:
    """The condition on a case that `user` may `action` it, or None meaning 'all cases'.

    One shape for every role, on literal ids: `id IN (the cases allocated now) OR team_id IN
    (the member's teams)`, or `referrer_id = user`. PostgreSQL answers it from the primary key,
    team and referrer indexes, and plans it knowing how many ids there are, whatever the size of
    the organisation (a subquery here made it filter every case of the organisation)."""
    membership = _membership(user)
    if membership is None or not role_has(membership.role, action):
        return Q(pk__in=[])
    if action == Perm.REFER:
        return Q(referrer=user)
    if role_has(membership.role, Perm.VIEW_ALL_CASES):
        return None
    allocated, teams = _allocated_and_teams(membership)
    return Q(pk__in=allocated) | Q(team__in=teams)


@access.row_rule(m.Case)
def _cases(queryset, user, action):
    visible = visible_cases(user, action)
    return queryset if visible is None else queryset.filter(visible)


def _by_case(path: str):
    def rule(queryset, user, action):
        visible = visible_cases(user, action)
        if visible is None:
            return queryset
        return queryset.filter(**{f"{path}__in": m.Case.objects.filter(visible).values("pk")})

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
