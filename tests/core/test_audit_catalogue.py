"""Audit action codes: one catalogue per app, every code with an English and a Welsh label, and
the record-history page showing the label in the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from mend.core import actions, audit
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope

pytestmark = pytest.mark.django_db


def all_codes():
    return [(catalogue, member) for catalogue in audit.catalogues() for member in catalogue]


def test_every_app_registers_its_catalogue():
    names = {catalogue.__name__ for catalogue in audit.catalogues()}

    assert {"Action", "CaseEvent", "TrainingEvent"} <= names


def test_no_code_is_in_two_catalogues():
    values = [member.value for _, member in all_codes()]

    assert len(values) == len(set(values))


def test_every_code_has_a_welsh_label():
    untranslated = []
    for catalogue, member in all_codes():
        english = str(member.label)
        with translation.override("cy"):
            welsh = str(catalogue(member.value).label)
        if welsh == english:
            untranslated.append(member.value)

    assert untranslated == []


def test_an_unknown_code_is_shown_as_itself():
    assert audit.label("nothing.like_this") == "nothing.like_this"


def test_record_history_shows_what_happened_in_words_in_the_readers_language(
    client, org, make_member, signed_in
):
    admin = make_member(org, Role.ADMINISTRATOR)
    with organisation_scope(org):
        team = actions.create_team(actor=admin.user, organisation=org, name="Panel")
    signed_in(admin.user, org)
    url = reverse("record_history", args=["core.team", team.pk])

    english = client.get(url).content.decode()
    client.cookies["mend_language"] = "cy"
    welsh = client.get(url).content.decode()

    assert "Team created" in english
    assert "Tîm wedi&#x27;i greu" in welsh or "Tîm wedi'i greu" in welsh
