"""The engagement lifecycle, declared once: its states, the named sets of states the code asks
about, and the moves allowed between states.

Every change of an engagement's status goes through `move`, which refuses a move that is not
declared in MOVES. `refresh_status` derives delivered / invoiced / paid from the sessions and the
money, and moves through `move` too.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mend.core import audit
from mend.training import choices as c
from mend.training import models as m
from mend.training.events import TrainingEvent
from mend.training.money.queries import invoiced_session_ids, outstanding_for_engagement

S = c.EngagementStatus

# ---------------------------------------------------------------- states

# Every state, in the order the pipeline reaches them (cancelled last).
STATES: tuple[c.EngagementStatus, ...] = tuple(S)
# The pipeline an engagement goes through when nothing is cancelled.
PIPELINE: tuple[str, ...] = (
    S.ENQUIRY,
    S.PROPOSED,
    S.SLA_SENT,
    S.SIGNED,
    S.DELIVERED,
    S.INVOICED,
    S.PAID,
)

# ---------------------------------------------------------------- named sets of states

# A quote may be issued.
QUOTABLE: frozenset[str] = frozenset({S.ENQUIRY, S.PROPOSED})
# Not signed yet: the agreement may be (re)sent; nothing may be invoiced.
BEFORE_SIGNING: frozenset[str] = frozenset({S.ENQUIRY, S.PROPOSED, S.SLA_SENT})
# The agreement has been sent or signed: the sessions' dates and value are part of it.
TERMS_FIXED: frozenset[str] = frozenset({S.SLA_SENT, S.SIGNED})
# Signed, whatever has happened since: the sessions and the money decide which of these it is.
AFTER_SIGNING: frozenset[str] = frozenset({S.SIGNED, S.DELIVERED, S.INVOICED, S.PAID})
# Sessions may be added (before the work is invoiced, and not cancelled).
OPEN_FOR_SESSIONS: frozenset[str] = frozenset(
    {S.ENQUIRY, S.PROPOSED, S.SLA_SENT, S.SIGNED, S.DELIVERED}
)
# The engagement's sessions may be invoiced.
INVOICEABLE: frozenset[str] = AFTER_SIGNING
FINISHED: frozenset[str] = frozenset({S.CANCELLED})
# Anything not finished may be cancelled.
CANCELLABLE: frozenset[str] = frozenset[str](STATES) - FINISHED

# ---------------------------------------------------------------- moves

MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        # a quote is issued
        (S.ENQUIRY, S.PROPOSED),
        # the agreement is sent (again: a new one replaces the one waiting)
        *((source, S.SLA_SENT) for source in BEFORE_SIGNING),
        # the agreement is withdrawn
        (S.SLA_SENT, S.PROPOSED),
        # the client signs
        (S.SLA_SENT, S.SIGNED),
        # sessions delivered, invoiced, paid (and back when an invoice is credited)
        *((source, target) for source in AFTER_SIGNING for target in AFTER_SIGNING),
        # every remaining session is cancelled
        *((source, S.CANCELLED) for source in CANCELLABLE),
    }
)


def may_move(source: str, target: str) -> bool:
    return (source, target) in MOVES


def move(engagement: m.Engagement, target: str, *, bump_version: bool = True, **fields: Any) -> str:
    """Set the engagement's status to `target` (and `fields`, e.g. signed_at) and save those
    columns, refusing a move MOVES does not declare. Returns the status it moved from. The
    caller holds the row (locked) and records the audit event of its action."""
    source = engagement.status
    if not may_move(source, target):
        raise ValidationError(
            _("An engagement that is %(source)s cannot become %(target)s.")
            % {"source": S(source).label.lower(), "target": S(target).label.lower()}
        )
    engagement.status = target
    for name, value in fields.items():
        setattr(engagement, name, value)
    update = ["status", *fields]
    if bump_version:
        engagement.version += 1
        update.append("version")
    engagement.save(update_fields=update)
    return source


def refresh_status(engagement: m.Engagement) -> m.Engagement:
    """Derive delivered / invoiced / paid from the sessions and money (called by actions)."""
    if engagement.status not in AFTER_SIGNING:
        return engagement
    sessions = list(engagement.sessions.exclude(status=c.SessionStatus.CANCELLED))
    if not sessions:
        return engagement
    status = S.SIGNED
    if all(s.status == c.SessionStatus.DELIVERED for s in sessions):
        status = S.DELIVERED
        invoiced = set(invoiced_session_ids(engagement).values_list("session", flat=True))
        if all(s.pk in invoiced for s in sessions):
            status = S.INVOICED
            if outstanding_for_engagement(engagement) <= 0:
                status = S.PAID
    if status != engagement.status:
        old = move(engagement, status, bump_version=False)
        audit.record(
            TrainingEvent.ENGAGEMENT_STATUS,
            organisation=engagement.organisation,
            obj=engagement,
            changes={"status": [old, status]},
        )
    return engagement
