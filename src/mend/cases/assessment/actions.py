"""Assessment and risk: handover, joint assessment per party, risk, sign-offs, suitability."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.assessment.queries import ADVANCED_ROLES, SIGNOFF_ROLES
from mend.cases.events import CaseEvent
from mend.core import access, audit, changes
from mend.core.models import User
from mend.core.roles import Perm
from mend.core.tenancy import OrganisationOwned

MAX_HANDOVER_BYTES = 10 * 1024 * 1024
HANDOVER_TYPES = {".pdf", ".doc", ".docx", ".odt", ".txt", ".rtf"}

R = TypeVar("R", bound=OrganisationOwned)


def _add(
    model: type[R],
    event: str,
    *,
    actor: User,
    against: m.Case | m.Party,
    changes: dict[str, Any] | None = None,
    **fields: Any,
) -> R:
    """A new row, and its audit event recorded against the case or party it belongs to, in one
    transaction."""
    with transaction.atomic():
        row = model.objects.create(organisation=against.organisation, **fields)
        audit.record(
            event, actor=actor, organisation=against.organisation, obj=against, changes=changes
        )
    return row


def handover_errors(handover_file: UploadedFile) -> list[str]:
    """What is wrong with an uploaded risk assessment (empty: nothing)."""
    name = handover_file.name or ""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in HANDOVER_TYPES:
        return [_("Upload the risk assessment as a PDF, Word, OpenDocument, RTF or text file.")]
    if handover_file.size > MAX_HANDOVER_BYTES:  # type: ignore[operator]  # an upload has a size
        return [_("The file must be smaller than 10 MB.")]
    return []


def record_risk_assessment(
    *,
    actor: User,
    case: m.Case,
    level: str,
    notes: str = "",
    mitigation: str = "",
    party: m.Party | None = None,
    handover_file: UploadedFile | None = None,
) -> m.RiskAssessment:
    """A practitioner's risk assessment, or (with a file) the referrer's handover."""
    # The partner who referred the case may hand over their own risk assessment; everyone else
    # needs to be working on the case.
    perm = Perm.WORK_CASES
    if handover_file is not None and case.referrer_id == getattr(actor, "pk", None):
        perm = Perm.REFER
    access.require(actor, perm, case)
    if level not in c.RiskLevel.values:
        raise ValidationError({"level": _("Choose a risk level.")})
    if party is not None and party.case_id != case.pk:
        raise ValidationError(_("That person is not part of this case."))
    if handover_file is not None:
        problems = handover_errors(handover_file)
        if problems:
            raise ValidationError({"handover_file": problems})
    return _add(
        m.RiskAssessment,
        CaseEvent.RISK_ASSESSED,
        actor=actor,
        against=case,
        changes={
            "level": [None, level],
            "handover": handover_file is not None,
            "notes": audit.REDACTED if notes else None,
        },
        case=case,
        party=party,
        level=level,
        notes=notes,
        mitigation=mitigation,
        assessed_by=actor,
        is_handover=handover_file is not None,
        document=handover_file,
        document_name=(handover_file.name if handover_file else ""),
    )


def record_assessment(
    *,
    actor: User,
    party: m.Party,
    question_set: m.QuestionSet,
    answers: dict,
    needs: str = "",
    hopes: str = "",
) -> m.Assessment:
    access.require(actor, Perm.WORK_CASES, party)
    keys = {q["key"] for q in question_set.questions}
    unknown = set(answers) - keys
    if unknown:
        raise ValidationError(_("Some answers do not belong to this question set."))
    if not any((v or "").strip() for v in answers.values()) and not needs and not hopes:
        raise ValidationError(_("Record at least one answer, need or hope."))
    return _add(
        m.Assessment,
        CaseEvent.PARTY_ASSESSED,
        actor=actor,
        against=party,
        changes={"answers": audit.REDACTED},
        party=party,
        question_set=question_set,
        answers={k: v for k, v in answers.items() if (v or "").strip()},
        needs=needs,
        hopes=hopes,
        assessed_by=actor,
    )


def record_signoff(
    *, actor: User, case: m.Case, kind: str, notes: str = "", specialist_service: str = ""
) -> m.SignOff:
    access.require(actor, Perm.WORK_CASES, case)
    if kind not in c.SignOffKind.values:
        raise ValidationError(_("Unknown sign-off."))
    membership = access.memberships(actor).get(case.organisation_id)
    assert membership is not None  # require() above let only a member of the case's organisation on
    if not any(access.has_perm(actor, p, case.organisation) for p in SIGNOFF_ROLES[kind]):
        raise PermissionDenied(_("Your role cannot give this sign-off."))
    if kind == c.SignOffKind.ADVANCED and membership.role not in ADVANCED_ROLES:
        raise PermissionDenied(_("Only an advanced practitioner can give this sign-off."))
    if kind == c.SignOffKind.SPECIALIST and not specialist_service.strip():
        raise ValidationError({"specialist_service": _("Name the specialist service consulted.")})
    if kind in (c.SignOffKind.RISK, c.SignOffKind.ADVANCED) and not [
        r for r in case.risk_assessments.all() if not r.is_handover
    ]:
        raise ValidationError(_("Record the practitioners' risk assessment before signing it off."))
    return _add(
        m.SignOff,
        CaseEvent.SIGNED_OFF,
        actor=actor,
        against=case,
        changes={"signoff": [None, kind]},
        case=case,
        kind=kind,
        by=membership,
        notes=notes,
        specialist_service=specialist_service.strip(),
    )


def record_suitability(
    *, actor: User, case: m.Case, process_kind: str, decision: str, reason: str
) -> m.SuitabilityDecision:
    access.require(actor, Perm.WORK_CASES, case)
    if process_kind not in c.ProcessKind.values or decision not in c.Suitability.values:
        raise ValidationError(_("Choose the process and the decision."))
    if not reason.strip():
        raise ValidationError({"reason": _("Explain the decision.")})
    return _add(
        m.SuitabilityDecision,
        CaseEvent.SUITABILITY,
        actor=actor,
        against=case,
        changes={process_kind: [None, decision]},
        case=case,
        process_kind=process_kind,
        decision=decision,
        reason=reason.strip(),
        by=actor,
    )


def record_principles(
    *, actor: User, case: m.Case, considered: dict[str, str]
) -> m.PrinciplesChecklist:
    access.require(actor, Perm.WORK_CASES, case)
    missing = [
        c.Principle(p).label for p in c.Principle.values if not (considered.get(p) or "").strip()
    ]
    if missing:
        raise ValidationError(
            _("Say how each principle is upheld. Missing: %(names)s.")
            % {"names": ", ".join(str(x) for x in missing)}
        )
    return _add(
        m.PrinciplesChecklist,
        CaseEvent.PRINCIPLES_RECORDED,
        actor=actor,
        against=case,
        case=case,
        by=actor,
        at=timezone.now(),
        considered={p: considered[p].strip() for p in c.Principle.values},
    )


def update_party(*, actor: User, party: m.Party, version: int | None, **fields: object) -> m.Party:
    """Change a party's own details (contact preferences, needs, safety, never-disclose)."""
    access.require(actor, Perm.WORK_CASES, party)
    allowed = {
        "contact_preferences",
        "accessibility_needs",
        "safety_flags",
        "never_disclose",
        "is_under_18",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Those details cannot be changed here."))
    locked, _changes = changes.update_fields(
        party, fields, actor=actor, action=CaseEvent.PARTY_CHANGED, version=version
    )
    return locked
