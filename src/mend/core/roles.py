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
    # Casework. Which cases: all of the organisation's (VIEW_ALL_CASES) or only those the person
    # is allocated to, their team's, or (referrers) those they referred; see cases.access.
    VIEW_CASES = "cases.view", _("See cases")
    VIEW_ALL_CASES = "cases.view_all", _("See every case in the organisation")
    WORK_CASES = "cases.work", _("Record work on cases")
    CREATE_CASES = "cases.create", _("Enter referrals")
    ALLOCATE_CASES = "cases.allocate", _("Accept, decline and allocate cases")
    SIGN_OFF_ADVANCED = "cases.sign_off_advanced", _("Sign off sensitive and complex cases")
    SIGN_OFF_MANAGER = "cases.sign_off_manager", _("Give manager sign-off")
    REFER = "cases.refer", _("Refer cases and follow their status")
    CONFIGURE_CASEWORK = "cases.configure", _("Edit case types and question sets")
    PUBLISH_CASE_STUDIES = "cases.publish", _("Approve and publish case studies")
    # Training business (see training.access for which sessions a trainer sees).
    VIEW_TRAINING = "training.view", _("See training clients, engagements and sessions")
    MANAGE_TRAINING = "training.manage", _("Handle enquiries, clients, courses and engagements")
    DELIVER_TRAINING = "training.deliver", _("Deliver training sessions and keep registers")
    TRAINING_FINANCE = "training.finance", _("Issue invoices and credit notes, record payments")
    CONFIGURE_TRAINING = (
        "training.configure",
        _("Edit the cancellation policy and invoice settings"),
    )
    AUTHOR_ELEARNING = "training.author", _("Write e-learning modules and enrol learners")
    VIEW_TRAINING_DASHBOARD = "training.dashboard", _("See the training dashboards")


ALL_ROLES = tuple(Role)
STAFF_ROLES = tuple(r for r in Role if r not in (Role.EVALUATOR,))

_PRACTICE = {Perm.VIEW_HOME, Perm.VIEW_MEMBERS, Perm.VIEW_CASES, Perm.WORK_CASES, Perm.CREATE_CASES}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(Perm),
    Role.MANAGER: frozenset(
        _PRACTICE
        | {
            Perm.VIEW_AUDIT,
            Perm.VIEW_SENSITIVE_STAFF_NOTES,
            Perm.VIEW_ALL_CASES,
            Perm.ALLOCATE_CASES,
            Perm.SIGN_OFF_ADVANCED,
            Perm.SIGN_OFF_MANAGER,
            Perm.PUBLISH_CASE_STUDIES,
            Perm.VIEW_TRAINING,
            Perm.MANAGE_TRAINING,
            Perm.DELIVER_TRAINING,
            Perm.TRAINING_FINANCE,
            Perm.AUTHOR_ELEARNING,
            Perm.VIEW_TRAINING_DASHBOARD,
        }
    ),
    Role.ADVANCED_PRACTITIONER: frozenset(_PRACTICE | {Perm.SIGN_OFF_ADVANCED}),
    Role.PRACTITIONER: frozenset(_PRACTICE),
    Role.VOLUNTEER: frozenset({Perm.VIEW_HOME, Perm.VIEW_CASES, Perm.WORK_CASES}),
    # Trainers see the sessions they deliver (training.access), not the whole business.
    Role.TRAINER: frozenset(
        {Perm.VIEW_HOME, Perm.VIEW_MEMBERS, Perm.DELIVER_TRAINING, Perm.AUTHOR_ELEARNING}
    ),
    Role.OFFICE: frozenset(
        {
            Perm.VIEW_HOME,
            Perm.VIEW_MEMBERS,
            Perm.CREATE_CASES,
            Perm.VIEW_TRAINING,
            Perm.MANAGE_TRAINING,
            Perm.DELIVER_TRAINING,
            Perm.TRAINING_FINANCE,
            Perm.VIEW_TRAINING_DASHBOARD,
        }
    ),
    Role.PARTNER_REFERRER: frozenset({Perm.VIEW_HOME, Perm.REFER}),
    # An external professional co-working a case sees only the cases they are allocated to.
    Role.EXTERNAL_COWORKER: frozenset({Perm.VIEW_HOME, Perm.VIEW_CASES, Perm.WORK_CASES}),
    Role.EVALUATOR: frozenset({Perm.VIEW_HOME, Perm.VIEW_TRAINING_DASHBOARD}),
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
