"""Casework configuration as data: case types and their timelines, question sets, complexity factors.

Only people who may configure casework (organisation administrators) change these. Every change is
audited, and a change made while someone else was editing the same row is refused: every row
carries a version, and an edit sends back the version the editor started from. A change of
timeline affects cases accepted from then on: existing cases keep their tasks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.events import CaseEvent
from mend.core import access, audit
from mend.core.changes import check_version, lock, update_fields
from mend.core.models import Organisation, User
from mend.core.roles import Perm

KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,40}$")

# ---------------------------------------------------------------- case types


def update_case_type(
    *,
    actor: User,
    case_type: m.CaseType,
    version: int | None,
    name: str,
    name_cy: str = "",
    description: str = "",
    enhanced_pathway: bool = False,
    is_active: bool = True,
    offsets: dict[str, int] | None = None,
) -> m.CaseType:
    """Change a case type and its expected timeline (days after acceptance per step)."""
    access.require(actor, Perm.CONFIGURE_CASEWORK, case_type)
    if not name.strip():
        raise ValidationError({"name": _("Enter a name.")})
    offsets = dict(offsets or {})
    unknown = set(offsets) - set(c.TimelineStepKind.values)
    if unknown:
        raise ValidationError(_("Unknown timeline step."))
    if any(days is None or days < 0 for days in offsets.values()):
        raise ValidationError(_("Days after acceptance must be 0 or more."))
    ordered = [offsets[k] for k in c.TimelineStepKind.values if k in offsets]
    if ordered != sorted(ordered):
        raise ValidationError(
            _("The steps must come in order: each one on or after the step before it.")
        )
    with transaction.atomic():
        locked = lock(case_type)
        check_version(locked, version)
        step_changes: dict[str, Any] = {}
        steps = {s.kind: s for s in locked.steps.all()}
        for kind, days in offsets.items():
            step = steps.get(kind)
            if step is None:
                m.TimelineStep.objects.create(
                    organisation=locked.organisation, case_type=locked, kind=kind, day_offset=days
                )
                step_changes[f"step:{kind}"] = [None, days]
            elif step.day_offset != days:
                step_changes[f"step:{kind}"] = [step.day_offset, days]
                step.day_offset = days
                step.save(update_fields=["day_offset"])
        locked, _changes = update_fields(
            locked,
            {
                "name": name.strip(),
                "name_cy": name_cy.strip(),
                "description": description.strip(),
                "enhanced_pathway": bool(enhanced_pathway),
                "is_active": bool(is_active),
            },
            actor=actor,
            action=CaseEvent.CASE_TYPE_CHANGED,
            version=version,
            extra_changes=step_changes,
        )
    return locked


# ---------------------------------------------------------------- question sets


def parse_questions(text: str) -> list[dict[str, str]]:
    """Lines of `key | English | Welsh` as the stored list of questions (Welsh may be empty)."""
    questions: list[dict[str, str]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (2, 3):
            errors.append(
                _("Line %(n)s: write the key, the English and the Welsh, separated by |.")
                % {"n": number}
            )
            continue
        key, en = parts[0], parts[1]
        cy = parts[2] if len(parts) == 3 else ""
        if not KEY_PATTERN.match(key):
            errors.append(
                _("Line %(n)s: the key may use only lower-case letters, digits and _ (at most 40).")
                % {"n": number}
            )
            continue
        if key in seen:
            errors.append(
                _("Line %(n)s: the key %(key)s is used twice.") % {"n": number, "key": key}
            )
            continue
        if not en:
            errors.append(_("Line %(n)s: write the question in English.") % {"n": number})
            continue
        seen.add(key)
        questions.append({"key": key, "en": en, "cy": cy})
    if errors:
        raise ValidationError({"questions": errors})
    if not questions:
        raise ValidationError({"questions": _("Write at least one question.")})
    return questions


def _question_keys(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[list[str]]:
    """A question set's change as the audit event records it: the keys, not the wording."""
    return [[q["key"] for q in old], [q["key"] for q in new]]


def update_question_set(
    *,
    actor: User,
    question_set: m.QuestionSet,
    version: int | None,
    name: str,
    party_role: str,
    is_active: bool,
    questions: list[dict[str, str]],
) -> m.QuestionSet:
    """Change a question set; the audit event names the question keys, not their wording."""
    access.require(actor, Perm.CONFIGURE_CASEWORK, question_set)
    if not name.strip():
        raise ValidationError({"name": _("Enter a name.")})
    if party_role and party_role not in c.PartyRole.values:
        raise ValidationError({"party_role": _("Choose a part in the case.")})
    if not questions:
        raise ValidationError({"questions": _("Write at least one question.")})
    locked, _changes = update_fields(
        question_set,
        {
            "name": name.strip(),
            "party_role": party_role,
            "is_active": bool(is_active),
            "questions": questions,
        },
        actor=actor,
        action=CaseEvent.QUESTION_SET_CHANGED,
        version=version,
        describe={"questions": _question_keys},
    )
    return locked


# ---------------------------------------------------------------- complexity factors


def _factor_values(name: str, name_cy: str, signoffs: Iterable[str]) -> dict[str, Any]:
    chosen = set(signoffs or ())
    unknown = chosen - {c.SignOffKind.ADVANCED, c.SignOffKind.MANAGER, c.SignOffKind.SPECIALIST}
    if unknown:
        raise ValidationError({"signoffs": _("Unknown sign-off.")})
    if not name.strip():
        raise ValidationError({"name": _("Enter a name.")})
    return {
        "name": name.strip(),
        "name_cy": name_cy.strip(),
        "needs_advanced_signoff": c.SignOffKind.ADVANCED in chosen,
        "needs_manager_signoff": c.SignOffKind.MANAGER in chosen,
        "needs_specialist_consultation": c.SignOffKind.SPECIALIST in chosen,
    }


def create_complexity_factor(
    *,
    actor: User,
    organisation: Organisation,
    code: str,
    name: str,
    name_cy: str = "",
    signoffs: Iterable[str] = (),
) -> m.ComplexityFactor:
    """A new complexity factor; `signoffs` are the kinds it requires (advanced, manager,
    specialist)."""
    access.require(actor, Perm.CONFIGURE_CASEWORK, organisation)
    code = (code or "").strip().lower()
    if not re.match(r"^[a-z0-9-]{1,40}$", code):
        raise ValidationError(
            {"code": _("Use only lower-case letters, digits and hyphens (at most 40).")}
        )
    values = _factor_values(name, name_cy, signoffs)
    with transaction.atomic():
        if m.ComplexityFactor.objects.filter(organisation=organisation, code=code).exists():
            raise ValidationError({"code": _("Another complexity factor already uses this code.")})
        factor = m.ComplexityFactor.objects.create(organisation=organisation, code=code, **values)
        audit.record(
            CaseEvent.COMPLEXITY_FACTOR_ADDED,
            actor=actor,
            organisation=organisation,
            obj=factor,
            changes={k: [None, v] for k, v in {"code": code, **values}.items()},
        )
    return factor


def update_complexity_factor(
    *,
    actor: User,
    factor: m.ComplexityFactor,
    version: int | None,
    name: str,
    name_cy: str = "",
    signoffs: Iterable[str] = (),
) -> m.ComplexityFactor:
    """Change a factor. Cases that already have it need the new sign-offs from now on."""
    access.require(actor, Perm.CONFIGURE_CASEWORK, factor)
    values = _factor_values(name, name_cy, signoffs)
    locked, _changes = update_fields(
        factor, values, actor=actor, action=CaseEvent.COMPLEXITY_FACTOR_CHANGED, version=version
    )
    return locked
