"""Mend speaks Welsh: the pages of the foundation, allauth's pages as Mend overrides them, and the
catalogues behind them (src/mend/locale for Mend's strings, src/mend/locale_vendor for allauth's)."""

from __future__ import annotations

import gettext
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from mend.core.roles import Role
from mend.core.tests_support import PASSWORD

SRC = Path(__file__).resolve().parents[2] / "src" / "mend"
CATALOGUES = [
    SRC / "locale" / "cy" / "LC_MESSAGES" / "django.po",
    SRC / "locale_vendor" / "cy" / "LC_MESSAGES" / "django.po",
]
WELSH_PLURALS = (
    "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 :(n==6) ? 4 : 5;"
)


@pytest.fixture(autouse=True)
def _compiled_catalogues():
    for po in CATALOGUES:
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
            f"{mo} is missing or older than its .po: run `make messages`."
        )


@pytest.fixture
def welsh(client):
    client.cookies["mend_language"] = "cy"
    return client


def main_text(response) -> str:
    """The visible words of the page's <main>, without tags, attribute values or hidden inputs."""
    page = response.content.decode()
    main = re.search(r"<main\b.*?</main>", page, re.S)
    assert main, "the page has no <main>"
    text = re.sub(r"<[^>]+>", " ", main.group(0))
    return " ".join(html.unescape(text).split())


def script_tags(response) -> list[str]:
    return re.findall(r"<script\b[^>]*>", response.content.decode())


def assert_no_runnable_inline_script(response):
    """Under our CSP a <script> must load a file; JSON data blocks are allowed because they never run."""
    for tag in script_tags(response):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def sign_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.django_db
def test_login_page_is_in_welsh_with_no_english_left_in_the_main_content(welsh):
    response = welsh.get(reverse("account_login"))

    assert response.status_code == 200
    assert '<html lang="cy"' in response.content.decode()
    text = main_text(response)
    assert "Mewngofnodi i Mend" in text
    assert "Cyfeiriad e-bost" in text or "E-bost" in text
    assert "Cyfrinair" in text
    assert "Wedi anghofio eich cyfrinair?" in text
    for english in (
        "Sign in",
        "Sign In",
        "Email",
        "Password",
        "Forgot your password",
        "invitation",
        "sign up",
    ):
        assert english not in text, f"English left on the Welsh sign-in page: {english!r}"


@pytest.mark.django_db
def test_login_page_offers_password_reset_but_no_sign_up_or_passkey_login(client):
    response = client.get(reverse("account_login"))

    page = response.content.decode()
    assert reverse("account_reset_password") in page
    assert reverse("account_signup") not in page
    assert "passkey" not in page.lower()
    assert "Mend accounts are created by invitation from your organisation." in main_text(response)
    assert_no_runnable_inline_script(response)


@pytest.mark.django_db
def test_wrong_password_is_explained_in_welsh(welsh, org, make_member):
    member = make_member(org, Role.PRACTITIONER)

    response = welsh.post(
        reverse("account_login"), {"login": member.user.email, "password": "not it"}
    )

    assert response.status_code == 200
    text = main_text(response)
    assert "Mae problem" in text
    assert "Nid yw'r cyfeiriad e-bost a/neu'r cyfrinair a roesoch yn gywir." in text
    assert "not correct" not in text


@pytest.mark.django_db
def test_footer_pages_are_in_welsh(welsh):
    accessibility = welsh.get(reverse("accessibility"))
    privacy = welsh.get(reverse("privacy"))

    assert "Datganiad hygyrchedd" in main_text(accessibility)
    assert "Sut rydym yn profi" in main_text(accessibility)
    assert "Hysbysiad preifatrwydd" in main_text(privacy)
    assert "Eich hawliau" in main_text(privacy)
    assert "Neidio i'r prif gynnwys" in html.unescape(privacy.content.decode())


@pytest.mark.django_db
def test_two_step_sign_in_page_is_in_welsh_and_runs_no_inline_script(welsh, org, make_member):
    member = make_member(org, Role.PRACTITIONER)

    response = sign_in_with_password(welsh, member.user)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = welsh.get(reverse("mfa_authenticate"))

    text = main_text(response)
    assert "Rhowch eich cod mewngofnodi" in text
    assert "Cod" in text
    assert "Defnyddio allwedd ddiogelwch" in text
    for english in ("Two-Factor", "Sign In", "Code", "Cancel", "security key"):
        assert english not in text, f"English left on the Welsh two-step page: {english!r}"
    assert_no_runnable_inline_script(response)


@pytest.mark.django_db
def test_wrong_authenticator_code_is_explained_in_welsh(welsh, org, make_member):
    member = make_member(org, Role.PRACTITIONER)
    sign_in_with_password(welsh, member.user)

    response = welsh.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert "Cod anghywir." in main_text(response)


@pytest.mark.django_db
def test_authenticator_setup_asks_to_confirm_it_is_you_then_shows_the_secret_as_text(
    welsh, org, make_member, signed_in
):
    member = make_member(org, Role.PRACTITIONER, mfa=False)
    signed_in(member.user, org)

    response = welsh.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = welsh.get(response["Location"])
    assert "Cadarnhewch mai chi sydd yno" in main_text(response)
    response = welsh.post(
        response.request["PATH_INFO"] + "?next=" + reverse("mfa_activate_totp"),
        {"password": PASSWORD},
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    response = welsh.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    secret = response.context["form"].secret
    text = main_text(response)
    assert "Trefnu ap dilysu" in text
    assert secret in text
    assert 'alt="Cod QR i ychwanegu Mend at eich ap dilysu"' in response.content.decode()
    assert "Set up" not in text and "Activate" not in text
    assert_no_runnable_inline_script(response)


@pytest.mark.django_db
def test_signed_in_account_pages_are_in_welsh(welsh, org, make_member, signed_in):
    member = make_member(org, Role.PRACTITIONER)
    signed_in(member.user, org)

    pages = {
        "mfa_index": "Mewngofnodi dau gam",
        "usersessions_list": "Eich sesiynau",
        "account_logout": "Ydych chi'n siŵr eich bod am allgofnodi o Mend?",
    }
    for url_name, welsh_heading in pages.items():
        response = welsh.get(reverse(url_name))
        assert response.status_code == 200, url_name
        assert welsh_heading in main_text(response), url_name
        assert_no_runnable_inline_script(response)


@pytest.mark.django_db
def test_sign_up_is_closed_and_says_accounts_come_by_invitation(client):
    response = client.get(reverse("account_signup"))

    assert "Mend accounts are created by invitation from your organisation." in main_text(response)


@pytest.mark.django_db
def test_password_reset_email_is_in_the_language_of_the_request(welsh, org, make_member):
    member = make_member(org, Role.PRACTITIONER)

    response = welsh.post(reverse("account_reset_password"), {"email": member.user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Ailosod eich cyfrinair" in message.subject
    assert "Gofynnodd rhywun am ailosod y cyfrinair" in message.body
    assert "/accounts/password/reset/key/" in message.body


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_offers_no_sign_up(client):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "there is no Mend account with this address" in body
    assert "/accounts/signup" not in body


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=["mend", "vendor"])
def test_welsh_catalogue_is_complete(catalogue):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext (msgfmt) is needed: make system-deps-gettext"

    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.\s*", result.stderr), result.stderr
    with catalogue.with_suffix(".mo").open("rb") as compiled:
        header = gettext.GNUTranslations(compiled).info()
    assert header["plural-forms"] == WELSH_PLURALS


@pytest.mark.django_db
def test_the_organisations_welsh_name_is_in_the_header_and_the_page_title(
    welsh, org, make_member, signed_in
):
    org.name_cy = "Gwasanaeth Adferol Cartref"
    org.save(update_fields=["name_cy"])
    member = make_member(org, Role.PRACTITIONER)
    signed_in(member.user, org)

    page = welsh.get(reverse("home")).content.decode()

    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Gwasanaeth Adferol Cartref" in title
    assert org.name not in title
    assert '<span class="mend-header__org">Gwasanaeth Adferol Cartref</span>' in page
