"""Roles a person can hold in an organisation, and the permissions each role carries.

This module is data only; `core.access` is the one place that applies it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager or supervisor")
    ADVANCED_PRACTITIONER = "advanced_practitioner", _("Advanced practitioner")
    PRACTITIONER = "practitioner", _("Practitioner")
    VOLUNTEER = "volunteer", _("Volunteer")
    TRAINER = "trainer", _("Trainer")
    OFFICE = "office", _("Office and finance")
    PARTNER_REFERRER = "partner_referrer", _("Partner referrer")
    EXTERNAL_COWORKER = "external_coworker", _("External co-worker")
    EVALUATOR = "evaluator", _("Evaluator")


class Perm(models.TextChoices):
    """Organisation-level permissions. Case-level access (allocation, shares) builds on these."""

    VIEW_HOME = "core.view_home", _("See the organisation's home page")
    VIEW_MEMBERS = "core.view_members", _("See the people in the organisation")
    MANAGE_MEMBERS = "core.manage_members", _("Invite people, change roles, deactivate")
    MANAGE_TEAMS = "core.manage_teams", _("Create and change teams")
    VIEW_AUDIT = "core.view_audit", _("See who viewed or changed a record")
    VIEW_SENSITIVE_STAFF_NOTES = "core.view_staff_notes", _("Read and write staff support notes")


ALL_ROLES = tuple(Role)
STAFF_ROLES = tuple(r for r in Role if r not in (Role.EVALUATOR,))

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(Perm),
    Role.MANAGER: frozenset(
        {Perm.VIEW_HOME, Perm.VIEW_MEMBERS, Perm.VIEW_AUDIT, Perm.VIEW_SENSITIVE_STAFF_NOTES}
    ),
    Role.ADVANCED_PRACTITIONER: frozenset({Perm.VIEW_HOME, Perm.VIEW_MEMBERS}),
    Role.PRACTITIONER: frozenset({Perm.VIEW_HOME, Perm.VIEW_MEMBERS}),
    Role.VOLUNTEER: frozenset({Perm.VIEW_HOME}),
    Role.TRAINER: frozenset({Perm.VIEW_HOME, Perm.VIEW_MEMBERS}),
    Role.OFFICE: frozenset({Perm.VIEW_HOME, Perm.VIEW_MEMBERS}),
    Role.PARTNER_REFERRER: frozenset({Perm.VIEW_HOME}),
    Role.EXTERNAL_COWORKER: frozenset({Perm.VIEW_HOME}),
    Role.EVALUATOR: frozenset({Perm.VIEW_HOME}),
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
