"""Assessment, read side: which sign-offs a case needs and why, who may give them, the
Assessment tab's data and the question set for a party."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases import workflow
from mend.core import access
from mend.core.roles import Perm, Role
from mend.core.web import current_language

SIGNOFF_ROLES: dict[str, tuple[Perm, ...]] = {
    c.SignOffKind.RISK: (Perm.SIGN_OFF_ADVANCED, Perm.SIGN_OFF_MANAGER),
    c.SignOffKind.ADVANCED: (Perm.SIGN_OFF_ADVANCED,),
    c.SignOffKind.MANAGER: (Perm.SIGN_OFF_MANAGER,),
    c.SignOffKind.SPECIALIST: (Perm.WORK_CASES,),
}
ADVANCED_ROLES = (Role.ADVANCED_PRACTITIONER, Role.MANAGER, Role.ADMINISTRATOR)


def signoff_reasons(case: m.Case) -> dict[str, list[str]]:
    """Why each required sign-off is required (kinds as in workflow.required_signoffs)."""
    factors = list(case.complexity_factors.all())
    parties = list(case.parties.all())
    enhanced = (
        [
            _("%(type)s follows the enhanced pathway.")
            % {"type": case.case_type.display_name(current_language())}
        ]
        if case.case_type.enhanced_pathway
        else []
    )

    def factor_reasons(flag: str) -> list[str]:
        return [
            _("Complexity factor: %(factor)s.")
            % {"factor": (f.name_cy if current_language() == "cy" and f.name_cy else f.name)}
            for f in factors
            if getattr(f, flag)
        ]

    under_18 = [
        _("%(person)s is under 18.") % {"person": p.person} for p in parties if p.is_under_18
    ]
    reasons: dict[str, list[str]] = {
        c.SignOffKind.RISK: [
            _("Every case needs its risk assessment signed off before any direct contact.")
        ],
        c.SignOffKind.ADVANCED: enhanced + factor_reasons("needs_advanced_signoff") + under_18,
        c.SignOffKind.SPECIALIST: enhanced + factor_reasons("needs_specialist_consultation"),
        c.SignOffKind.MANAGER: enhanced + factor_reasons("needs_manager_signoff"),
    }
    return {kind: reasons[kind] for kind in workflow.required_signoffs(case)}


def who_may_give(kind: str) -> str:
    texts: dict[str, str] = {
        c.SignOffKind.RISK: _(
            "An advanced practitioner, a manager or an administrator gives the risk sign-off."
        ),
        c.SignOffKind.ADVANCED: _(
            "Only an advanced practitioner, a manager or an administrator can give the advanced "
            "practitioner sign-off."
        ),
        c.SignOffKind.MANAGER: _("Only a manager or an administrator can give manager sign-off."),
        c.SignOffKind.SPECIALIST: _(
            "Any practitioner on the case records the specialist service they consulted."
        ),
    }
    return texts[kind]


def can_give(user, case: m.Case, kind: str) -> bool:
    """Whether the user's role may give this sign-off (the action checks it again)."""
    if not any(access.has_perm(user, p, case.organisation) for p in SIGNOFF_ROLES[kind]):
        return False
    if kind == c.SignOffKind.ADVANCED:
        return access.role_in(user, case.organisation) in ADVANCED_ROLES
    return True


def case_for_tab(case: m.Case) -> m.Case:
    prefetch_related_objects(
        [case],
        "case_type",
        "complexity_factors",
        Prefetch(
            "parties",
            queryset=m.Party.objects.select_related("person").prefetch_related(
                Prefetch(
                    "assessments",
                    queryset=m.Assessment.objects.select_related("question_set", "assessed_by"),
                )
            ),
        ),
        Prefetch(
            "risk_assessments",
            queryset=m.RiskAssessment.objects.select_related("party__person", "assessed_by"),
        ),
        Prefetch("signoffs", queryset=m.SignOff.objects.select_related("by__user")),
        Prefetch("suitability", queryset=m.SuitabilityDecision.objects.select_related("by")),
    )
    return case


def question_set_for(party: m.Party) -> m.QuestionSet | None:
    sets = list(m.QuestionSet.objects.filter(is_active=True).order_by("name", "id"))
    for wanted in (party.role, ""):
        for question_set in sets:
            if question_set.party_role == wanted:
                return question_set
    return sets[0] if sets else None


def in_language(question_set: m.QuestionSet, language: str) -> dict[str, str]:
    return {
        q["key"]: ((q.get("cy") if language == "cy" else "") or q.get("en", ""))
        for q in question_set.questions
    }
