"""Language preference, proxies, invitation e-mail verification and setting up a new organisation."""

from __future__ import annotations

import re

import pyotp
import pytest
from allauth.account.models import EmailAddress
from axes.utils import reset as reset_axes
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from mend.core.middleware import client_ip
from mend.core.models import Invitation, Membership, Organisation
from mend.core.roles import Role
from mend.core.tenancy import unscoped
from mend.core.tests_support import PASSWORD, sign_in, totp_now

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits(fresh_cache):
    reset_axes()


def sign_in_through_the_forms(client, user, **extra):
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, **extra)
    return client.post(reverse("mfa_authenticate"), {"code": totp_now(user)}, **extra)


# ---------------------------------------------------------------- language


def test_signing_in_switches_to_the_persons_preferred_language(client, org, make_member):
    member = make_member(org, Role.PRACTITIONER)
    member.user.preferred_language = "cy"
    member.user.save()
    response = sign_in_through_the_forms(client, member.user)
    assert response.cookies["mend_language"].value == "cy"
    home = client.get(reverse("home"))
    assert '<html lang="cy"' in home.content.decode()


def test_choosing_a_language_while_signed_in_is_remembered(client, org, make_member):
    member = make_member(org, Role.PRACTITIONER)
    sign_in(client, member.user, org)
    response = client.post(reverse("set_language"), {"language": "cy", "next": "/"})
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.preferred_language == "cy"


def test_choosing_a_language_signed_out_changes_only_the_cookie(client):
    response = client.post(reverse("set_language"), {"language": "cy", "next": "/privacy"})
    assert response.cookies["mend_language"].value == "cy"


# ---------------------------------------------------------------- proxies


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.MEND_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.5"


def test_behind_one_proxy_the_address_it_saw_is_used_and_spoofed_ones_are_not(settings):
    settings.MEND_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"
    )
    assert client_ip(request) == "203.0.113.9"


def test_behind_a_proxy_a_lockout_is_per_client_not_per_proxy(settings, org, make_member):
    settings.MEND_TRUSTED_PROXY_COUNT = 1
    member = make_member(org, Role.PRACTITIONER)
    attacker = Client()
    for _attempt in range(10):
        attacker.post(
            reverse("account_login"),
            {"login": member.user.email, "password": "wrong password"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    locked = attacker.post(
        reverse("account_login"),
        {"login": member.user.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )
    assert locked.status_code == 429

    # The real person, through the same proxy but from their own address, still gets in.
    person = Client()
    response = sign_in_through_the_forms(
        person, member.user, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert response.status_code == 302
    assert person.get(reverse("home")).status_code == 200


# ---------------------------------------------------------------- invitations and e-mail


def _invite(client, org, make_member, email="new.person@example.test"):
    admin = make_member(org, Role.ADMINISTRATOR)
    sign_in(client, admin.user, org)

    response = client.post(reverse("invite"), {"email": email, "role": Role.PRACTITIONER})
    assert response.status_code == 302


def test_an_invited_person_sets_up_two_step_sign_in_first_with_their_address_verified(
    org, make_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(Client(), org, make_member)
    token = re.search(r"/invitation/(\S+)/", mail.outbox[-1].body).group(1)
    newcomer = Client()
    response = newcomer.post(
        reverse("accept_invitation", args=[token]),
        {"full_name": "Nia Newcomer", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    address = EmailAddress.objects.get(email="new.person@example.test")
    assert address.verified and address.primary

    # Until two-step sign-in is set up, every other page leads back to setting it up.
    assert newcomer.get(reverse("account_email"))["Location"] == reverse("mfa_activate_totp")
    page = newcomer.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200  # no password asked again, no "verify your email" refusal
    secret = page.context["form"].secret
    done = newcomer.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    assert newcomer.get(reverse("home")).status_code == 200
    assert newcomer.get(reverse("account_email")).status_code == 200
    address.refresh_from_db()
    assert address.verified and address.primary


# ---------------------------------------------------------------- a new organisation


def test_create_organisation_invites_its_first_administrator(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_organisation",
            name="Gwent Restorative Partnership",
            slug="gwent",
            name_cy="Partneriaeth Adferol Gwent",
            admin_email="lead@gwent.example.test",
        )
    organisation = Organisation.objects.get(slug="gwent")
    assert organisation.name_cy == "Partneriaeth Adferol Gwent"
    with unscoped():
        invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.role == Role.ADMINISTRATOR
    assert invitation.invited_by is None
    assert "first administrator" in mail.outbox[-1].body
    token = re.search(r"/invitation/(\S+)/", mail.outbox[-1].body).group(1)

    Client().post(
        reverse("accept_invitation", args=[token]),
        {"full_name": "Gwen Lead", "password1": PASSWORD, "password2": PASSWORD},
    )
    with unscoped():
        membership = Membership.objects.get(organisation=organisation)
    assert membership.role == Role.ADMINISTRATOR
    assert membership.user.email == "lead@gwent.example.test"


def test_create_organisation_refuses_a_short_name_already_in_use(org):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_organisation", name="Again", slug=org.slug, admin_email="a@b.test")


def test_create_organisation_refuses_a_bad_email_address():
    with pytest.raises(CommandError):
        call_command("create_organisation", name="X", slug="x", admin_email="not-an-address")
    assert not Organisation.objects.filter(slug="x").exists()
