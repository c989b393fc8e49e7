"""The demo organisation: realistic, idempotent, and only ever created by `manage.py seed_demo`."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction

from mend.core import actions
from mend.core.models import Organisation, Team, User
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope

DEMO_PASSWORD = "mend-demo-2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    teams: tuple[str, ...] = ()
    language: str = "en"


ORGANISATION = ("Cwm Restorative Approaches", "Dulliau Adferol Cwm", "cwm-restorative")
SECOND_ORGANISATION = ("Northvale Relational Practice", "", "northvale")
TEAMS = {
    "Criminal justice": "Referrals from police, probation and youth justice",
    "Schools and families": "Restorative approaches in schools and family group conferences",
    "Community": "Neighbour and community disputes",
    "Training": "Bespoke training under Service Level Agreements",
}
PEOPLE = [
    DemoPerson("admin@demo.mend.test", "Julia Evans", Role.ADMINISTRATOR),
    DemoPerson("manager@demo.mend.test", "Rhian Morgan", Role.MANAGER, ("Criminal justice",)),
    DemoPerson(
        "advanced@demo.mend.test",
        "Dafydd Price",
        Role.ADVANCED_PRACTITIONER,
        ("Criminal justice",),
        "cy",
    ),
    DemoPerson(
        "practitioner@demo.mend.test",
        "Sam Hughes",
        Role.PRACTITIONER,
        ("Criminal justice", "Community"),
    ),
    DemoPerson("volunteer@demo.mend.test", "Sharon Davies", Role.VOLUNTEER, ("Community",)),
    DemoPerson(
        "trainer@demo.mend.test", "Owen Jenkins", Role.TRAINER, ("Training", "Schools and families")
    ),
    DemoPerson("office@demo.mend.test", "Carys Williams", Role.OFFICE, ("Training",)),
    DemoPerson(
        "referrer@probation.demo.mend.test",
        "Mike Thomas (Probation Service)",
        Role.PARTNER_REFERRER,
    ),
    DemoPerson(
        "referrer@youthjustice.demo.mend.test",
        "Aled Roberts (Youth Justice Service)",
        Role.PARTNER_REFERRER,
    ),
    DemoPerson("coworker@police.demo.mend.test", "Nia Lewis (Police)", Role.EXTERNAL_COWORKER),
    DemoPerson("evaluator@demo.mend.test", "Dr Helen Parry", Role.EVALUATOR),
]


def totp_secret_for(email: str) -> str:
    """A stable secret per demo login, so that README and printout can publish it."""
    digest = hashlib.sha256(("mend-demo-totp:" + email).encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def _user(person: DemoPerson) -> User:
    User = get_user_model()
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            person.email,
            password=DEMO_PASSWORD,
            full_name=person.full_name,
            preferred_language=person.language,
        )
    actions.mark_email_verified(user)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, totp_secret_for(person.email))
        RecoveryCodes.activate(user)
    return user


@transaction.atomic
def seed() -> list[tuple[DemoPerson, str]]:
    name, name_cy, slug = ORGANISATION
    organisation = Organisation.objects.filter(slug=slug).first() or actions.create_organisation(
        name=name, name_cy=name_cy, slug=slug
    )
    with organisation_scope(organisation):
        teams = {}
        for team_name, description in TEAMS.items():
            teams[team_name] = Team.objects.filter(name=team_name).first() or Team.objects.create(
                organisation=organisation, name=team_name, description=description
            )
        for person in PEOPLE:
            user = _user(person)
            actions.add_member(
                organisation=organisation,
                user=user,
                role=person.role,
                teams=[teams[t] for t in person.teams],
            )
    second_name, second_cy, second_slug = SECOND_ORGANISATION
    second = Organisation.objects.filter(slug=second_slug).first() or actions.create_organisation(
        name=second_name, name_cy=second_cy, slug=second_slug
    )
    # The manager also supervises at a second provider, to show the organisation switcher.
    with organisation_scope(second):
        actions.add_member(organisation=second, user=_user(PEOPLE[1]), role=Role.PRACTITIONER)
    return [(person, totp_secret_for(person.email)) for person in PEOPLE]


# Each app seeds its own demo records after the core seed, in order (registered in the app's
# `AppConfig.ready`). A seeder takes the demo organisation and the command's options and returns
# the lines to print.
_SEEDERS: list[tuple[int, Callable[..., list[str]]]] = []


def register_seeder(seeder: Callable[..., list[str]], order: int = 100) -> None:
    if all(existing is not seeder for _, existing in _SEEDERS):
        _SEEDERS.append((order, seeder))


def seeders() -> list[Callable[..., list[str]]]:
    return [seeder for _, seeder in sorted(_SEEDERS, key=lambda item: item[0])]
