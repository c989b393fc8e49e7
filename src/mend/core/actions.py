"""Every change of core state: checked, validated, written in one transaction, audited.

Views, commands and the demo seeder call these functions; they never save core models themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.audit import Action
from mend.core.changes import save_and_record, update_fields
from mend.core.middleware import SESSION_ORGANISATION
from mend.core.models import Invitation, Membership, Organisation, Team, hash_token
from mend.core.queries import find_invitation, invitation_problem, invitation_url
from mend.core.roles import Perm, Role
from mend.core.signals import organisation_created
from mend.core.tenancy import organisation_scope

# ---------------------------------------------------------------- organisations


def create_organisation(
    *, name: str, slug: str, name_cy: str = "", actor: Any = None
) -> Organisation:
    """Set up a new organisation (a platform operation, run from a command or the seeder)."""
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, slug=slug, name_cy=name_cy)
        audit.record(
            Action.ORGANISATION_CREATED, actor=actor, organisation=organisation, obj=organisation
        )
        # Other apps install their default configuration (case types, question sets, ...).
        organisation_created.send(sender=Organisation, organisation=organisation)
    return organisation


def add_member(
    *,
    organisation: Organisation,
    user: Any,
    role: str,
    teams: Iterable[Team] = (),
    actor: Any = None,
) -> Membership:
    """Give `user` a role in `organisation` (used by invitation acceptance and the seeder)."""
    if role not in Role.values:
        raise ValidationError(_("Choose a role from the list."))
    with transaction.atomic():
        membership, created = Membership.across_organisations.get_or_create(
            organisation=organisation, user=user, defaults={"role": role}
        )
        if not created:
            membership.role, membership.is_active, membership.deactivated_at = role, True, None
            membership.version += 1
            membership.save()
        if teams:
            membership.teams.add(*teams)
        audit.record(
            Action.INVITATION_ACCEPTED if actor is None else Action.MEMBER_ADDED,
            actor=actor or user,
            organisation=organisation,
            obj=membership,
            changes={"role": [None, role], "teams": [t.pk for t in teams]},
        )
    access.forget_memberships(user)
    return membership


# ---------------------------------------------------------------- teams


def _team_name(name: str, others: QuerySet[Team]) -> str:
    """The name tidied, refused when empty or already used by one of `others`."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter a name for the team.")})
    if others.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("There is already a team with this name.")})
    return name


def create_team(
    *, actor: Any, organisation: Organisation, name: str, description: str = ""
) -> Team:
    access.require(actor, Perm.MANAGE_TEAMS, organisation)
    name = _team_name(name, Team.objects.all())
    with transaction.atomic():
        team = Team.objects.create(organisation=organisation, name=name, description=description)
        audit.record_for(Action.TEAM_CREATED, team, actor=actor, changes={"name": [None, name]})
    return team


def update_team(
    *, actor: Any, team: Team, name: str, description: str, version: int | None
) -> Team:
    access.require(actor, Perm.MANAGE_TEAMS, team)
    name = _team_name(name, Team.objects.exclude(pk=team.pk))
    locked, _changes = update_fields(
        team,
        {"name": name, "description": description},
        actor=actor,
        action=Action.TEAM_CHANGED,
        version=version,
    )
    return locked


def delete_team(*, actor: Any, team: Team) -> None:
    access.require(actor, Perm.MANAGE_TEAMS, team)
    with transaction.atomic():
        members = list(team.memberships.values_list("pk", flat=True))
        audit.record_for(
            Action.TEAM_DELETED,
            team,
            actor=actor,
            changes={"name": [team.name, None], "members": [members, []]},
        )
        team.memberships.clear()
        team.delete()


# ---------------------------------------------------------------- invitations


def invite_member(
    *,
    actor: Any,
    organisation: Organisation,
    email: str,
    role: str,
    teams: Iterable[Team] = (),
    language: str = "en",
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the invitation and the one-time token."""
    access.require(actor, Perm.MANAGE_MEMBERS, organisation)
    return _create_invitation(
        actor=actor,
        organisation=organisation,
        email=email,
        role=role,
        teams=teams,
        language=language,
    )


def invite_first_administrator(
    *, organisation: Organisation, email: str, language: str = "en"
) -> tuple[Invitation, str]:
    """Bootstrap a new organisation: invite its first administrator (platform operators only)."""
    return _create_invitation(
        actor=None,
        organisation=organisation,
        email=email,
        role=Role.ADMINISTRATOR,
        teams=(),
        language=language,
    )


def _create_invitation(
    *,
    actor: Any,
    organisation: Organisation,
    email: str,
    role: str,
    teams: Iterable[Team],
    language: str,
) -> tuple[Invitation, str]:
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    token = Invitation.new_token()
    with transaction.atomic():
        Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.MEND_INVITATION_DAYS),
        )
        invitation.teams.set(teams)
        audit.record_for(
            Action.MEMBER_INVITED,
            invitation,
            actor=actor,
            changes={"role": [None, role], "email": [None, email]},
        )
        transaction.on_commit(lambda: _send_invitation(invitation, token, language))
    return invitation, token


def _send_invitation(invitation: Invitation, token: str, language: str) -> None:
    with translation.override(language):
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "url": invitation_url(token),
            "inviter": invitation.invited_by,
        }
        subject = _("You are invited to join %(organisation)s on Mend") % {
            "organisation": invitation.organisation.display_name(language)
        }
        body = render_to_string("core/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def revoke_invitation(*, actor: Any, invitation: Invitation) -> None:
    access.require(actor, Perm.MANAGE_MEMBERS, invitation)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation is no longer open."))
    save_and_record(
        invitation, {"revoked_at": timezone.now()}, actor=actor, action=Action.INVITATION_REVOKED
    )


def accept_invitation(
    *, token: str, user: Any = None, full_name: str = "", password: str = ""
) -> Membership:
    """Accept an invitation as the signed-in `user`, or create the account it is addressed to."""
    with transaction.atomic():
        invitation = find_invitation(token)
        if invitation is not None:
            invitation = Invitation.across_organisations.select_for_update().get(pk=invitation.pk)
        problem = invitation_problem(invitation)
        if problem or invitation is None:
            raise ValidationError(problem or "")
        User = get_user_model()
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(
                    _(
                        "An account with this email address already exists. Sign in first, then "
                        "open the invitation link again."
                    )
                )
            try:
                user = User.objects.create_user(
                    invitation.email, password=password, full_name=full_name.strip()
                )
            except IntegrityError as exc:
                raise ValidationError(
                    _("An account with this email address already exists.")
                ) from exc
        elif user.email.lower() != invitation.email.lower():
            raise ValidationError(
                _(
                    "This invitation was sent to a different email address from the one you are "
                    "signed in with."
                )
            )
        # The invitee has no scope yet (or another organisation's): read in the inviting one.
        with organisation_scope(invitation.organisation):
            teams = list(invitation.teams.all())
            membership = add_member(
                organisation=invitation.organisation, user=user, role=invitation.role, teams=teams
            )
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        mark_email_verified(user)
    return membership


# ---------------------------------------------------------------- members


def change_role(
    *, actor: Any, membership: Membership, role: str, version: int | None
) -> Membership:
    access.require(actor, access.ObjectAction.CHANGE_ROLE, membership)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    locked, _changes = update_fields(
        membership, {"role": role}, actor=actor, action=Action.MEMBER_ROLE_CHANGED, version=version
    )
    return locked


def set_member_teams(*, actor: Any, membership: Membership, teams: Iterable[Team]) -> None:
    access.require(actor, Perm.MANAGE_MEMBERS, membership)
    with transaction.atomic():
        old = sorted(membership.teams.values_list("pk", flat=True))
        new = sorted(t.pk for t in teams)
        if old != new:
            membership.teams.set(teams)
            audit.record_for(
                Action.MEMBER_TEAMS_CHANGED, membership, actor=actor, changes={"teams": [old, new]}
            )


def update_support_notes(
    *, actor: Any, membership: Membership, notes: str, version: int | None
) -> Membership:
    access.require(actor, Perm.VIEW_SENSITIVE_STAFF_NOTES, membership)
    # The notes are never logged: the event says only that they changed.
    locked, _changes = update_fields(
        membership,
        {"support_notes": notes},
        actor=actor,
        action=Action.MEMBER_NOTES_CHANGED,
        version=version,
    )
    return locked


def mark_email_verified(user: Any) -> None:
    """The invitation link (or the demo seed) proves the mailbox: record it as verified."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def end_all_sessions(user: Any) -> int:
    """Sign `user` out everywhere at once."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


def deactivate_member(*, actor: Any, membership: Membership) -> Membership:
    access.require(actor, access.ObjectAction.DEACTIVATE_MEMBER, membership)
    if not membership.is_active:
        raise ValidationError(_("This person is already deactivated."))
    with transaction.atomic():
        ended = end_all_sessions(membership.user)
        return save_and_record(
            membership,
            {"is_active": False, "deactivated_at": timezone.now()},
            actor=actor,
            action=Action.MEMBER_DEACTIVATED,
            changes={"is_active": [True, False], "sessions_ended": ended},
        )


def reactivate_member(*, actor: Any, membership: Membership) -> Membership:
    access.require(actor, Perm.MANAGE_MEMBERS, membership)
    if membership.is_active:
        raise ValidationError(_("This person is already active."))
    return save_and_record(
        membership,
        {"is_active": True, "deactivated_at": None},
        actor=actor,
        action=Action.MEMBER_REACTIVATED,
        changes={"is_active": [False, True]},
    )


def set_preferred_language(*, user: Any, language: str) -> None:
    if user.preferred_language != language:
        old = user.preferred_language
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit.record(
            Action.LANGUAGE_CHANGED, actor=user, changes={"preferred_language": [old, language]}
        )


def switch_organisation(*, request: HttpRequest, organisation_id: int) -> Organisation:
    membership = access.memberships(request.user).get(organisation_id)
    if membership is None:
        raise ValidationError(_("You are not a member of that organisation."))
    request.session[SESSION_ORGANISATION] = organisation_id
    audit.record(
        Action.ORGANISATION_SWITCHED, actor=request.user, organisation=membership.organisation
    )
    return membership.organisation
