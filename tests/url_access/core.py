"""Expectations for the foundation's own URLs (core)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from mend.core.models import Invitation, Team, hash_token
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.core.tests_support import make_member
from tests.url_access import EVERY_ROLE, Expect

SEE_PEOPLE = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.MANAGER,
        Role.ADVANCED_PRACTITIONER,
        Role.PRACTITIONER,
        Role.TRAINER,
        Role.OFFICE,
    }
)
ADMINISTRATOR_ONLY = frozenset({Role.ADMINISTRATOR})
ADMINISTRATOR_AND_MANAGER = frozenset({Role.ADMINISTRATOR, Role.MANAGER})


EXPECTED: dict[str, Expect] = {
    "home": Expect(EVERY_ROLE),
    "healthz": Expect(None),
    "accessibility": Expect(None),
    "privacy": Expect(None),
    "set_language": Expect(None, ok=302, method="post"),
    "switch_organisation": Expect(EVERY_ROLE, ok=302, method="post"),
    # The token is the credential and names its own organisation, so anyone may open it.
    "accept_invitation": Expect(None),
    "member_list": Expect(SEE_PEOPLE),
    "invite": Expect(ADMINISTRATOR_ONLY),
    "member_detail": Expect(SEE_PEOPLE, org_object=True),
    "member_role": Expect(ADMINISTRATOR_ONLY, org_object=True),
    "member_teams": Expect(ADMINISTRATOR_ONLY, org_object=True),
    "member_notes": Expect(ADMINISTRATOR_AND_MANAGER, org_object=True),
    "member_deactivate": Expect(ADMINISTRATOR_ONLY, org_object=True),
    "invitation_revoke": Expect(ADMINISTRATOR_ONLY, ok=302, method="post", org_object=True),
    "team_list": Expect(SEE_PEOPLE),
    "team_create": Expect(ADMINISTRATOR_ONLY),
    "team_edit": Expect(ADMINISTRATOR_ONLY, org_object=True),
    "team_delete": Expect(ADMINISTRATOR_ONLY, org_object=True),
    "record_history": Expect(ADMINISTRATOR_AND_MANAGER, org_object=True),
}


POSTS = {
    "set_language": {"language": "en", "next": "/"},
}


def objects(organisation, admin_user, slug):
    target = make_member(organisation, Role.PRACTITIONER, email=f"target.{slug}@example.test")
    with organisation_scope(organisation):
        team = Team.objects.create(organisation=organisation, name=f"Team {slug}")
        token = f"token-for-{slug}-" + "x" * 20
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=f"invitee.{slug}@example.test",
            role=Role.VOLUNTEER,
            token_hash=hash_token(token),
            invited_by=admin_user,
            expires_at=timezone.now() + timedelta(days=7),
        )
    return {"membership": target, "team": team, "invitation": invitation, "token": token}


def urls(for_each) -> dict[str, dict[str, str]]:
    member = ["member_detail", "member_role", "member_teams", "member_notes", "member_deactivate"]
    urls: dict[str, dict[str, str]] = {
        name: for_each(lambda o, n=name: reverse(n, args=[o["membership"].pk])) for name in member
    }
    urls["team_edit"] = for_each(lambda o: reverse("team_edit", args=[o["team"].pk]))
    urls["team_delete"] = for_each(lambda o: reverse("team_delete", args=[o["team"].pk]))
    urls["invitation_revoke"] = for_each(
        lambda o: reverse("invitation_revoke", args=[o["invitation"].pk])
    )
    urls["record_history"] = for_each(
        lambda o: reverse("record_history", args=["core.membership", o["membership"].pk])
    )
    urls["accept_invitation"] = for_each(lambda o: reverse("accept_invitation", args=[o["token"]]))
    return urls
