"""The audit trail: an event log (hash-chained per organisation) and an access log.

Rules: never store secrets or the content of sensitive fields. For an encrypted field the change
record names the field and says it changed; its values are not kept.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.core import context
from mend.core.fields import encrypted_fields
from mend.core.models import AccessLog, AuditChainHead, AuditEvent, Organisation

GENESIS = "0" * 64
REDACTED = "[sensitive: changed]"
NEVER_LOGGED = {"password", "token_hash", "secret", "support_notes"}


class Action(models.TextChoices):
    """Core's audit action codes, each with the label the record-history page shows.

    Every app keeps a catalogue like this one (`<app>/events.py`) and registers it in its
    `AppConfig.ready` with `register_codes`. Never rename a code: old events keep theirs."""

    SIGNED_IN = "auth.signed_in", _("Signed in")
    SIGNED_OUT = "auth.signed_out", _("Signed out")
    SIGN_IN_FAILED = "auth.sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "auth.locked_out", _("Locked out after failed sign-ins")
    PASSWORD_CHANGED = "auth.password_changed", _("Password changed")
    PASSWORD_RESET = "auth.password_reset", _("Password reset")
    MFA_ADDED = "auth.mfa_added", _("Two-step sign-in method added")
    MFA_REMOVED = "auth.mfa_removed", _("Two-step sign-in method removed")
    SESSION_ENDED = "auth.session_ended", _("Session ended")
    ORGANISATION_CREATED = "org.created", _("Organisation created")
    ORGANISATION_SWITCHED = "org.switched", _("Organisation switched")
    TEAM_CREATED = "team.created", _("Team created")
    TEAM_CHANGED = "team.changed", _("Team changed")
    TEAM_DELETED = "team.deleted", _("Team deleted")
    MEMBER_ADDED = "member.added", _("Member added")
    MEMBER_INVITED = "member.invited", _("Member invited")
    INVITATION_REVOKED = "member.invitation_revoked", _("Invitation withdrawn")
    INVITATION_ACCEPTED = "member.invitation_accepted", _("Invitation accepted")
    MEMBER_ROLE_CHANGED = "member.role_changed", _("Role changed")
    MEMBER_TEAMS_CHANGED = "member.teams_changed", _("Teams changed")
    MEMBER_NOTES_CHANGED = "member.notes_changed", _("Support notes changed")
    MEMBER_DEACTIVATED = "member.deactivated", _("Member deactivated")
    MEMBER_REACTIVATED = "member.reactivated", _("Member reactivated")
    LANGUAGE_CHANGED = "user.language_changed", _("Preferred language changed")
    KEYS_ROTATED = "system.keys_rotated", _("Encryption keys rotated")


_CATALOGUES: list[type[models.TextChoices]] = [Action]


def register_codes(catalogue: type[models.TextChoices]) -> None:
    """Add an app's catalogue of action codes (called from its `AppConfig.ready`)."""
    if catalogue not in _CATALOGUES:
        _CATALOGUES.append(catalogue)


# Records whose history the record-history page can show, by their label in audit events.
_AUDITABLE: dict[str, type[models.Model]] = {}


def register_auditable(*models_: type[models.Model]) -> None:
    """Let the record-history page show these models' history (core's own, and apps' from
    their `AppConfig.ready`)."""
    for model in models_:
        _AUDITABLE[model._meta.label_lower] = model


def auditable_model(label: str) -> type[models.Model] | None:
    return _AUDITABLE.get(label)


def catalogues() -> list[type[models.TextChoices]]:
    return list(_CATALOGUES)


def label(code: str) -> str:
    """The words for an action code in the current language (the code itself if unknown)."""
    for catalogue in _CATALOGUES:
        try:
            return str(catalogue(code).label)
        except ValueError:
            continue
    return code


def chain_name(organisation: Organisation | None) -> str:
    return f"org:{organisation.pk}" if organisation else "system"


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def diff(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Changed fields of `instance` since `before` (a snapshot), sensitive ones redacted: the
    encrypted fields, the fields never logged, and those the model lists in `AUDIT_REDACTED`
    (details in the clear on the row that must still never enter the unerasable audit chain)."""
    sensitive = (
        {f.name for f in encrypted_fields(type(instance))}
        | NEVER_LOGGED
        | set(getattr(type(instance), "AUDIT_REDACTED", ()))
    )
    changes: dict[str, Any] = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old == new:
            continue
        changes[name] = REDACTED if name in sensitive else [_jsonable(old), _jsonable(new)]
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def event_payload(event: AuditEvent) -> str:
    """The canonical text that an event's hash covers."""
    data = {
        "chain": event.chain,
        "sequence": event.sequence,
        "organisation": event.organisation_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "acting_for": event.acting_for,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "changes": event.changes,
        "created_at": event.created_at.isoformat(),
        "request_id": event.request_id,
        "ip_address": event.ip_address,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(event_payload(event).encode()).hexdigest()


def _object_fields(obj: models.Model | None) -> dict[str, str]:
    if obj is None:
        return {"object_type": "", "object_id": "", "object_label": ""}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_label": str(obj)[:200],
    }


def record(
    action: str,
    *,
    actor: Any = None,
    organisation: Organisation | None = None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    acting_for: str = "",
) -> AuditEvent:
    """Append one event to its organisation's chain (inside the caller's transaction)."""
    ctx = context.current()
    if changes:
        leaked = NEVER_LOGGED & set(changes)
        for name in leaked:
            changes[name] = REDACTED
    chain = chain_name(organisation)
    with transaction.atomic():
        AuditChainHead.objects.get_or_create(chain=chain, defaults={"hash": GENESIS})
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
        event = AuditEvent(
            chain=chain,
            sequence=head.sequence + 1,
            organisation=organisation,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=(actor.email if actor is not None and actor.is_authenticated else ""),
            acting_for=acting_for,
            action=action,
            changes=_jsonable_changes(changes or {}),
            created_at=timezone.now(),
            request_id=ctx.request_id,
            ip_address=ctx.ip_address,
            prev_hash=head.hash,
            **_object_fields(obj),
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def record_for(
    action: str,
    obj: models.Model,
    *,
    actor: Any,
    changes: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
) -> AuditEvent:
    """`record` an event about `obj` in the organisation it belongs to (`organisation` when the
    event belongs to another one): the usual event of an action that changed one row."""
    return record(
        action,
        actor=actor,
        organisation=organisation or getattr(obj, "organisation", None),
        obj=obj,
        changes=changes,
    )


def _jsonable_changes(changes: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so that the stored value hashes the same as the one we hashed.
    jsonable: dict[str, Any] = json.loads(
        json.dumps({k: _jsonable(v) for k, v in changes.items()}, default=str)
    )
    return jsonable


def log_access(
    user: Any, obj: models.Model, organisation: Organisation, kind: str = "view"
) -> None:
    ctx = context.current()
    AccessLog.objects.create(
        organisation=organisation,
        user=user if user.is_authenticated else None,
        kind=kind,
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
        **_object_fields(obj),
    )


def verify_chains() -> list[str]:
    """Recompute every chain; return a description of each problem found (empty: intact)."""
    problems: list[str] = []
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    chains = set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        expected_seq, prev = 1, GENESIS
        for event in AuditEvent.objects.filter(chain=chain).order_by("sequence").iterator():
            if event.sequence != expected_seq:
                problems.append(
                    f"{chain}: events {expected_seq}..{event.sequence - 1} are missing (deleted)"
                    if event.sequence > expected_seq
                    else f"{chain}: event {event.sequence} is out of order"
                )
            if event.prev_hash != prev:
                problems.append(f"{chain}: event {event.sequence} does not link to the one before")
            if compute_hash(event) != event.hash:
                problems.append(f"{chain}: event {event.sequence} was altered after it was written")
            expected_seq, prev = event.sequence + 1, event.hash
        head = heads.get(chain)
        last = expected_seq - 1
        if head is None:
            problems.append(f"{chain}: the chain head is missing")
        elif head.sequence != last or head.hash != prev:
            problems.append(
                f"{chain}: the chain ends at event {last} but its head records event "
                f"{head.sequence} (events after {last} were deleted or the head was edited)"
            )
    return problems
