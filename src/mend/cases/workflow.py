"""The case workflow: named transitions whose guards hold the guiding principles.

A guard returns what is missing, in words a practitioner can act on, keyed by the thing missing
(`Reasons`: lead, parties, signoff, principles...; each party's needs stay together, in party
order); an empty dict means the transition may go ahead. `blockers(case, name)` is what a refused
transition shows, `messages(reasons)` the same as one list in the order they were found.
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

# What stops a transition or a meeting, keyed by the form field or the thing missing.
Reasons = dict[str, list[str]]


def add_reason(reasons: Reasons, key: str, message: str) -> None:
    reasons.setdefault(key, []).append(message)


def merge_reasons(reasons: Reasons, more: Reasons) -> None:
    for key, found in more.items():
        reasons.setdefault(key, []).extend(found)


def messages(reasons: Reasons) -> list[str]:
    """Every reason as one list (keys in the order they were first found)."""
    return [message for found in reasons.values() for message in found]


def party_label(party: m.Party) -> str:
    return f"{party.person} ({party.get_role_display().lower()})"


# ---------------------------------------------------------------- what a case requires


def required_signoffs(case: m.Case) -> list[str]:
    """Sign-offs this case needs before any direct contact between parties."""
    factors = list(case.complexity_factors.all())
    needed: list[str] = [c.SignOffKind.RISK]
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
    return latest is not None and all((latest.considered or {}).get(p) for p in c.Principle.values)


def direct_contact_blockers(case: m.Case, attendees: list[m.Party]) -> Reasons:
    """Why a direct meeting with these attendees may not be scheduled (empty: it may)."""
    reasons: Reasons = {}
    for kind in missing_signoffs(case):
        add_reason(
            reasons,
            "signoff",
            _("%(signoff)s is missing.") % {"signoff": c.SignOffKind(kind).label},
        )
    for party in attendees:
        if current_consent(party, c.ConsentScope.TAKE_PART) is None:
            add_reason(reasons, "parties", _no_consent(party))
        if not had_preparation(party):
            add_reason(
                reasons,
                "parties",
                _("No preparation meeting has been held with %(party)s.")
                % {"party": party_label(party)},
            )
    if not principles_recorded(case):
        add_reason(
            reasons,
            "principles",
            _(
                "The guiding principles checklist (restoration, volunteerism, neutrality, safety, "
                "accessibility, respect) has not been recorded."
            ),
        )
    return reasons


def _no_consent(party: m.Party) -> str:
    return _("%(party)s has not given (or has withdrawn) consent to take part.") % {
        "party": party_label(party)
    }


# ---------------------------------------------------------------- guards


def _has_lead(case: m.Case) -> Reasons:
    if any(a.role == c.AllocationRole.LEAD and a.ended_on is None for a in case.allocations.all()):
        return {}
    return {"lead": [_("Allocate a lead practitioner first.")]}


def _accept_guard(case: m.Case) -> Reasons:
    if case.case_type.enhanced_pathway and not case.harmed_initiated:
        return {
            "harmed_initiated": [
                _(
                    "The domestic or sexual harm pathway can only begin at the request of the "
                    "person harmed. Record that they asked for it."
                )
            ]
        }
    return {}


def _preparation_guard(case: m.Case) -> Reasons:
    reasons = _has_lead(case)
    parties = principal_parties(case)
    if not parties:
        add_reason(reasons, "parties", _("Add the parties to the case."))
    for party in parties:
        if not party.assessments.all():
            add_reason(
                reasons,
                "parties",
                _("%(party)s has not been assessed yet.") % {"party": party_label(party)},
            )
        if current_consent(party, c.ConsentScope.TAKE_PART) is None:
            add_reason(reasons, "parties", _no_consent(party))
    if not [r for r in case.risk_assessments.all() if not r.is_handover]:
        add_reason(reasons, "risk_assessment", _("Record the practitioners' risk assessment."))
    for kind in missing_signoffs(case):
        add_reason(
            reasons,
            "signoff",
            _("%(signoff)s is missing.") % {"signoff": c.SignOffKind(kind).label},
        )
    return reasons


def _process_guard(case: m.Case) -> Reasons:
    processes = [p for p in case.processes.all() if p.ended_on is None]
    if not processes:
        return {"process": [_("Choose a process from the menu of services first.")]}
    reasons: Reasons = {}
    suitable = {
        s.process_kind for s in case.suitability.all() if s.decision == c.Suitability.SUITABLE
    }
    for process in processes:
        if process.kind not in suitable:
            add_reason(
                reasons,
                "suitability",
                _("%(process)s has not been judged suitable.")
                % {"process": c.ProcessKind(process.kind).label},
            )
        attendees = list(process.parties.all())
        if process.kind in c.DIRECT_PROCESSES:
            merge_reasons(reasons, direct_contact_blockers(case, attendees))
        else:
            for party in attendees:
                if current_consent(party, c.ConsentScope.TAKE_PART) is None:
                    add_reason(reasons, "parties", _no_consent(party))
    return reasons


# Paused from one of these, a case resumes without the parties' consent (none was needed yet).
RESUME_WITHOUT_CONSENT = frozenset({c.Status.REFERRED, c.Status.ACCEPTED})


def _resume_guard(case: m.Case) -> Reasons:
    reasons: Reasons = {}
    if case.paused_from in RESUME_WITHOUT_CONSENT:
        return reasons
    for party in principal_parties(case):
        if current_consent(party, c.ConsentScope.TAKE_PART) is None:
            add_reason(reasons, "parties", _no_consent(party))
    return reasons


def _nothing(case: m.Case) -> Reasons:
    return {}


@dataclass(frozen=True)
class Transition:
    name: str
    label: object
    sources: tuple[str, ...]
    target: str | None  # None: back to where the case was paused from
    perm: str
    guard: Callable[[m.Case], Reasons] = _nothing
    needs_reason: bool = False
    extra: dict = field(default_factory=dict)


# Open and not paused: the statuses a case may be paused (or paused by a withdrawal) from.
ACTIVE_STATUSES = tuple(s for s in c.OPEN_STATUSES if s != c.Status.PAUSED)

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
            c.OPEN_STATUSES,
            c.Status.CLOSED,
            Perm.WORK_CASES,
            needs_reason=True,
        ),
        Transition(
            "pause",
            gettext_lazy("Pause the case"),
            ACTIVE_STATUSES,
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


def blockers(case: m.Case, name: str) -> Reasons:
    """Everything that stops `name` now, keyed by what is missing; empty when it may go ahead."""
    transition = TRANSITIONS[name]
    if case.status not in transition.sources:
        return {
            "status": [
                _("A case that is %(status)s cannot do this: %(action)s.")
                % {"status": case.get_status_display().lower(), "action": transition.label}
            ]
        }
    return transition.guard(case)


def available(case: m.Case) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if case.status in t.sources]
