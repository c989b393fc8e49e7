"""Organisation-owned rows are only ever read through an organisation scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mend.core.models import Invitation, Membership, Team, hash_token
from mend.core.roles import ROLE_PERMISSIONS, Perm, Role
from mend.core.tenancy import TenancyError, organisation_scope, unscoped

pytestmark = pytest.mark.django_db

ORGANISATION_OWNED = [Team, Membership, Invitation]


@pytest.fixture
def two_organisations(org, other_org, make_member):
    """Each organisation has an administrator, a practitioner, a team and an open invitation."""
    rows = {}
    for organisation in (org, other_org):
        admin = make_member(organisation, Role.ADMINISTRATOR)
        practitioner = make_member(organisation, Role.PRACTITIONER)
        with organisation_scope(organisation):
            team = Team.objects.create(organisation=organisation, name="Victim contact")
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=f"new.{organisation.slug}@example.test",
                role=Role.VOLUNTEER,
                token_hash=hash_token(f"token-{organisation.slug}"),
                invited_by=admin.user,
                expires_at=timezone.now() + timedelta(days=7),
            )
        rows[organisation.slug] = {
            "admin": admin,
            "practitioner": practitioner,
            "team": team,
            "invitation": invitation,
        }
    return rows


@pytest.mark.parametrize("model", ORGANISATION_OWNED, ids=lambda m: m.__name__)
def test_querying_without_a_scope_is_refused(model, two_organisations):
    with pytest.raises(TenancyError, match=model.__name__):
        list(model.objects.all())


@pytest.mark.parametrize("model", ORGANISATION_OWNED, ids=lambda m: m.__name__)
def test_counting_or_fetching_one_without_a_scope_is_refused(model, two_organisations):
    with pytest.raises(TenancyError):
        model.objects.count()
    with pytest.raises(TenancyError):
        model.objects.filter(pk=1).first()


@pytest.mark.parametrize("model", ORGANISATION_OWNED, ids=lambda m: m.__name__)
def test_a_scope_shows_only_that_organisations_rows(model, org, other_org, two_organisations):
    with organisation_scope(org):
        mine = list(model.objects.all())
    with organisation_scope(other_org):
        theirs = list(model.objects.all())
    assert mine and theirs
    assert {row.organisation_id for row in mine} == {org.pk}
    assert {row.organisation_id for row in theirs} == {other_org.pk}


def test_another_organisations_row_cannot_be_fetched_by_id_inside_a_scope(
    org, other_org, two_organisations
):
    their_team = two_organisations["elsewhere"]["team"]
    with organisation_scope(org), pytest.raises(Team.DoesNotExist):
        Team.objects.get(pk=their_team.pk)


def test_the_empty_scope_of_a_person_without_an_organisation_is_refused(two_organisations):
    with organisation_scope(None), pytest.raises(TenancyError):
        list(Membership.objects.all())


@pytest.mark.parametrize("model", ORGANISATION_OWNED, ids=lambda m: m.__name__)
def test_unscoped_deliberately_sees_every_organisation(model, org, other_org, two_organisations):
    with unscoped():
        organisations = set(model.objects.values_list("organisation_id", flat=True))
    assert organisations == {org.pk, other_org.pk}


def test_the_scope_ends_with_its_block(org, two_organisations):
    with organisation_scope(org):
        assert Team.objects.count() == 1
    with pytest.raises(TenancyError):
        Team.objects.count()


ROLES_WITHOUT_VIEW_MEMBERS = [r for r in Role if Perm.VIEW_MEMBERS not in ROLE_PERMISSIONS[r]]
ROLES_WITH_VIEW_MEMBERS = [r for r in Role if Perm.VIEW_MEMBERS in ROLE_PERMISSIONS[r]]


@pytest.mark.parametrize("role", ROLES_WITHOUT_VIEW_MEMBERS, ids=lambda r: r.value)
def test_for_user_is_empty_for_a_role_without_the_permission(role, org, make_member):
    person = make_member(org, role)
    make_member(org, Role.PRACTITIONER)
    with organisation_scope(org):
        assert Membership.objects.count() == 2
        assert list(Membership.objects.for_user(person.user, Perm.VIEW_MEMBERS)) == []
        assert list(Team.objects.for_user(person.user, Perm.MANAGE_TEAMS)) == []


@pytest.mark.parametrize("role", ROLES_WITH_VIEW_MEMBERS, ids=lambda r: r.value)
def test_for_user_gives_the_scoped_rows_to_a_role_with_the_permission(
    role, org, other_org, make_member, two_organisations
):
    person = make_member(org, role, email=f"viewer.{role.value}@example.test")
    with organisation_scope(org):
        visible = list(Membership.objects.for_user(person.user, Perm.VIEW_MEMBERS))
    assert person in visible
    assert {m.organisation_id for m in visible} == {org.pk}
    assert len(visible) == 3  # administrator, practitioner and this person


@pytest.mark.parametrize(
    "role", [r for r in Role if Perm.MANAGE_TEAMS not in ROLE_PERMISSIONS[r]], ids=lambda r: r.value
)
def test_only_team_managers_get_teams_to_change(role, org, make_member, two_organisations):
    person = make_member(org, role, email=f"changer.{role.value}@example.test")
    admin = two_organisations["home"]["admin"]
    with organisation_scope(org):
        assert list(Team.objects.for_user(person.user, Perm.MANAGE_TEAMS)) == []
        assert list(Team.objects.for_user(admin.user, Perm.MANAGE_TEAMS)) == [
            two_organisations["home"]["team"]
        ]


def test_a_member_of_another_organisation_gets_nothing_in_this_one(
    org, other_org, two_organisations
):
    outsider = two_organisations["elsewhere"]["admin"].user
    with organisation_scope(org):
        assert list(Membership.objects.for_user(outsider, Perm.VIEW_MEMBERS)) == []
        assert list(Invitation.objects.for_user(outsider, Perm.MANAGE_MEMBERS)) == []


def test_a_deactivated_member_gets_nothing(org, two_organisations):
    admin = two_organisations["home"]["admin"]
    with organisation_scope(org):
        Membership.objects.filter(pk=admin.pk).update(is_active=False)
        admin.user.__dict__.pop("_mend_memberships", None)
        assert list(Membership.objects.for_user(admin.user, Perm.VIEW_MEMBERS)) == []
