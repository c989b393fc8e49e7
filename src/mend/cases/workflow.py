"""The case workflow: named transitions whose guards hold the guiding principles.

A guard returns the list of what is missing, in words a practitioner can act on; an empty list
means the transition may go ahead. `blockers(case, name)` is what a refused transition shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mend.cases import choices as c
from mend.cases import models as m
from mend.core.roles import Perm

PRINCIPAL_ROLES = (c.PartyRole.HARMED, c.PartyRole.RESPONSIBLE)


def party_label(party: m.Party) -> str:
    return f"{party.person} ({party.get_role_display().lower()})"


# ---------------------------------------------------------------- what a case requires


def required_signoffs(case: m.Case) -> list[str]:
    """Sign-offs this case needs before any direct contact between parties."""
    factors = list(case.complexity_factors.all())
    needed = [c.SignOffKind.RISK]
    sensitive = (
        case.case_type.enhanced_pathway
        or any(f.needs_advanced_signoff for f in factors)
        or any(p.is_under_18 for p in case.parties.all())
    )
    if sensitive:
        needed.append(c.SignOffKind.ADVANCED)
    if case.case_type.enhanced_pathway or any(f.needs_specialist_consultation for f in factors):
        needed.append(c.SignOffKind.SPECIALIST)
    if case.case_type.enhanced_pathway or any(f.needs_manager_signoff for f in factors):
        needed.append(c.SignOffKind.MANAGER)
    return needed


def missing_signoffs(case: m.Case) -> list[str]:
    have = {s.kind for s in case.signoffs.all() if s.revoked_at is None}
    return [k for k in required_signoffs(case) if k not in have]


def current_consent(party: m.Party, scope: str) -> m.Consent | None:
    for consent in party.consents.all():
        if consent.scope == scope and consent.withdrawn_on is None:
            return consent
    return None


def principal_parties(case: m.Case) -> list[m.Party]:
    return [p for p in case.parties.all() if p.role in PRINCIPAL_ROLES]


def had_preparation(party: m.Party) -> bool:
    now = timezone.now()
    return any(
        a.kind == c.ActivityKind.PREPARATION and a.occurred_at <= now
        for a in party.activities.all()
    )


def principles_recorded(case: m.Case) -> bool:
    latest = case.principles.all().order_by("-at").first()
    return bool(latest) and all((latest.considered or {}).get(p) for p in c.Principle.values)


def direct_contact_blockers(case: m.Case, attendees: list[m.Party]) -> list[str]:
    """Why a direct meeting with these attendees may not be scheduled (empty: it may)."""
    reasons = []
    for kind in missing_signoffs(case):
        reasons.append(_("%(signoff)s is missing.") % {"signoff": c.SignOffKind(kind).label})
    for party in attendees:
        if current_consent(party, c.ConsentScope.TAKE_PART) is None:
            reasons.append(
                _("%(party)s has not given (or has withdrawn) consent to take part.")
                % {"party": party_label(party)}
            )
        if not had_preparation(party):
            reasons.append(
                _("No preparation meeting has been held with %(party)s.")
                % {"party": party_label(party)}
            )
    if not principles_recorded(case):
        reasons.append(
            _(
                "The guiding principles checklist (restoration, volunteerism, neutrality, safety, "
                "accessibility, respect) has not been recorded."
            )
        )
    return reasons


# ---------------------------------------------------------------- guards


def _has_lead(case: m.Case) -> list[str]:
    if any(a.role == c.AllocationRole.LEAD and a.ended_on is None for a in case.allocations.all()):
        return []
    return [_("Allocate a lead practitioner first.")]


def _accept_guard(case: m.Case) -> list[str]:
    if case.case_type.enhanced_pathway and not case.harmed_initiated:
        return [
            _(
                "The domestic or sexual harm pathway can only begin at the request of the person "
                "harmed. Record that they asked for it."
            )
        ]
    return []


def _preparation_guard(case: m.Case) -> list[str]:
    reasons = _has_lead(case)
    parties = principal_parties(case)
    if not parties:
        reasons.append(_("Add the parties to the case."))
    for party in parties:
        if not party.assessments.all():
            reasons.append(
                _("%(party)s has not been assessed yet.") % {"party": party_label(party)}
            )
        if current_consent(party, c.ConsentScope.TAKE_PART) is None:
            reasons.append(
                _("%(party)s has not given (or has withdrawn) consent to take part.")
                % {"party": party_label(party)}
            )
    if not [r for r in case.risk_assessments.all() if not r.is_handover]:
        reasons.append(_("Record the practitioners' risk assessment."))
    for kind in missing_signoffs(case):
        reasons.append(_("%(signoff)s is missing.") % {"signoff": c.SignOffKind(kind).label})
    return reasons


def _process_guard(case: m.Case) -> list[str]:
    processes = [p for p in case.processes.all() if p.ended_on is None]
    if not processes:
        return [_("Choose a process from the menu of services first.")]
    reasons = []
    suitable = {
        s.process_kind for s in case.suitability.all() if s.decision == c.Suitability.SUITABLE
    }
    for process in processes:
        if process.kind not in suitable:
            reasons.append(
                _("%(process)s has not been judged suitable.")
                % {"process": c.ProcessKind(process.kind).label}
            )
        attendees = list(process.parties.all())
        if process.kind in c.DIRECT_PROCESSES:
            reasons.extend(direct_contact_blockers(case, attendees))
        else:
            for party in attendees:
                if current_consent(party, c.ConsentScope.TAKE_PART) is None:
                    reasons.append(
                        _("%(party)s has not given (or has withdrawn) consent to take part.")
                        % {"party": party_label(party)}
                    )
    return reasons


def _resume_guard(case: m.Case) -> list[str]:
    reasons = []
    for party in principal_parties(case):
        if current_consent(party, c.ConsentScope.TAKE_PART) is None and case.paused_from not in (
            c.Status.REFERRED,
            c.Status.ACCEPTED,
        ):
            reasons.append(
                _("%(party)s has not given (or has withdrawn) consent to take part.")
                % {"party": party_label(party)}
            )
    return reasons


def _nothing(case: m.Case) -> list[str]:
    return []


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: tuple[str, ...]
    target: str | None  # None: back to where the case was paused from
    perm: str
    guard: Callable[[m.Case], list[str]] = _nothing
    needs_reason: bool = False
    extra: dict = field(default_factory=dict)


_OPEN_ACTIVE = tuple(s for s in c.OPEN_STATUSES if s != c.Status.PAUSED)

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "accept",
            gettext_lazy("Accept the referral"),
            (c.Status.REFERRED,),
            c.Status.ACCEPTED,
            Perm.ALLOCATE_CASES,
            _accept_guard,
        ),
        Transition(
            "decline",
            gettext_lazy("Decline the referral"),
            (c.Status.REFERRED,),
            c.Status.DECLINED,
            Perm.ALLOCATE_CASES,
            needs_reason=True,
        ),
        Transition(
            "start_assessment",
            gettext_lazy("Start assessment"),
            (c.Status.ACCEPTED,),
            c.Status.ASSESSMENT,
            Perm.WORK_CASES,
            _has_lead,
        ),
        Transition(
            "start_preparation",
            gettext_lazy("Start preparation"),
            (c.Status.ASSESSMENT,),
            c.Status.PREPARATION,
            Perm.WORK_CASES,
            _preparation_guard,
        ),
        Transition(
            "start_process",
            gettext_lazy("Start the restorative process"),
            (c.Status.PREPARATION,),
            c.Status.PROCESS,
            Perm.WORK_CASES,
            _process_guard,
        ),
        Transition(
            "record_outcome",
            gettext_lazy("Record the outcome"),
            (c.Status.PROCESS,),
            c.Status.OUTCOME,
            Perm.WORK_CASES,
        ),
        Transition(
            "start_follow_up",
            gettext_lazy("Start follow-up"),
            (c.Status.OUTCOME,),
            c.Status.FOLLOW_UP,
            Perm.WORK_CASES,
        ),
        Transition(
            "close",
            gettext_lazy("Close the case"),
            (*_OPEN_ACTIVE, c.Status.PAUSED),
            c.Status.CLOSED,
            Perm.WORK_CASES,
            needs_reason=True,
        ),
        Transition(
            "pause",
            gettext_lazy("Pause the case"),
            _OPEN_ACTIVE,
            c.Status.PAUSED,
            Perm.WORK_CASES,
            needs_reason=True,
        ),
        Transition(
            "resume",
            gettext_lazy("Resume the case"),
            (c.Status.PAUSED,),
            None,
            Perm.WORK_CASES,
            _resume_guard,
        ),
    ]
}


def blockers(case: m.Case, name: str) -> list[str]:
    """Everything that stops `name` now; empty when it may go ahead."""
    transition = TRANSITIONS[name]
    if case.status not in transition.sources:
        return [
            _("A case that is %(status)s cannot do this: %(action)s.")
            % {"status": case.get_status_display().lower(), "action": transition.label}
        ]
    return transition.guard(case)


def available(case: m.Case) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if case.status in t.sources]
