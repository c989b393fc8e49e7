"""Expectations for the training dashboard.

The dashboard shows only totals (no client, contact or attendee is named), so it is open to the
roles with VIEW_TRAINING_DASHBOARD: administrators, managers, office and finance staff, and
evaluators. Everyone else is refused (403). It names no record, so there is nothing to find in
another organisation: its URL takes no arguments and the walker requests it as it is.
"""

from __future__ import annotations

from mend.core.roles import Role
from tests.url_access import Expect

SEE_DASHBOARD = frozenset({Role.ADMINISTRATOR, Role.MANAGER, Role.OFFICE, Role.EVALUATOR})

EXPECTED: dict[str, Expect] = {
    "training_dashboard": Expect(SEE_DASHBOARD),
}


def objects(organisation, admin_user, slug):
    return {}


def urls(for_each) -> dict[str, dict[str, str]]:
    return {}
