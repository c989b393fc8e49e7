"""Support notes are stored encrypted, keys can be rotated, and encrypted columns cannot be searched."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from mend.core import actions
from mend.core.fields import PREFIX
from mend.core.models import Membership
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope

pytestmark = pytest.mark.django_db

NOTE = "Dyslexic: send written material a day early. Carer for a parent."
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture
def admin(org, make_member):
    return make_member(org, Role.ADMINISTRATOR)


@pytest.fixture
def practitioner(org, make_member):
    return make_member(org, Role.PRACTITIONER)


def stored_notes(membership) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT support_notes FROM core_membership WHERE id = %s", [membership.pk])
        return cursor.fetchone()[0]


def write_notes(org, admin, membership, notes=NOTE):
    with organisation_scope(org):
        return actions.update_support_notes(
            actor=admin.user, membership=membership, notes=notes, version=membership.version
        )


@pytest.fixture(autouse=True)
def _start_under_key_a(settings):
    """Everything the fixtures write (notes, TOTP secrets) starts under KEY_A."""
    settings.MEND_FIELD_KEYS = [KEY_A]


def read_notes(org, membership) -> str:
    with organisation_scope(org):
        return Membership.objects.get(pk=membership.pk).support_notes


def test_support_notes_are_stored_as_ciphertext(org, admin, practitioner):
    write_notes(org, admin, practitioner)
    raw = stored_notes(practitioner)
    assert raw.startswith(PREFIX)
    assert NOTE not in raw
    assert "Dyslexic" not in raw
    assert read_notes(org, practitioner) == NOTE


def test_the_same_note_encrypts_differently_each_time(org, admin, practitioner, make_member):
    other = make_member(org, Role.TRAINER)
    write_notes(org, admin, practitioner)
    write_notes(org, admin, other)
    assert stored_notes(practitioner) != stored_notes(other)


def test_empty_notes_stay_empty(org, practitioner):
    assert stored_notes(practitioner) == ""
    assert read_notes(org, practitioner) == ""


def test_keys_can_be_rotated_without_losing_notes(settings, org, admin, practitioner):
    settings.MEND_FIELD_KEYS = [KEY_A]
    write_notes(org, admin, practitioner)
    written_under_a = stored_notes(practitioner)
    Fernet(KEY_A.encode()).decrypt(written_under_a[len(PREFIX) :].encode())

    # A new key goes at the front; the old one still reads.
    settings.MEND_FIELD_KEYS = [KEY_B, KEY_A]
    assert read_notes(org, practitioner) == NOTE

    call_command("rotate_keys")
    rotated = stored_notes(practitioner)
    assert rotated != written_under_a
    assert rotated.startswith(PREFIX)

    # The old key is dropped: the notes still read, and the old key alone no longer opens them.
    settings.MEND_FIELD_KEYS = [KEY_B]
    assert read_notes(org, practitioner) == NOTE
    with pytest.raises(InvalidToken):
        Fernet(KEY_A.encode()).decrypt(rotated[len(PREFIX) :].encode())


def test_rotation_re_encrypts_totp_secrets_too(settings, practitioner):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=practitioner.user, type="totp")
    under_a = authenticator.data["secret"]
    assert under_a.startswith(PREFIX)
    secret_before = decrypt(under_a)

    settings.MEND_FIELD_KEYS = [KEY_B, KEY_A]
    call_command("rotate_keys")
    settings.MEND_FIELD_KEYS = [KEY_B]
    authenticator.refresh_from_db()
    assert authenticator.data["secret"] != under_a
    assert decrypt(authenticator.data["secret"]) == secret_before


def test_rotation_refuses_to_pretend_when_a_key_is_missing(settings, org, admin, practitioner):
    write_notes(org, admin, practitioner)
    settings.MEND_FIELD_KEYS = [KEY_B]  # KEY_A was dropped too early
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_keys")
    settings.MEND_FIELD_KEYS = [KEY_A]
    assert read_notes(org, practitioner) == NOTE


def test_rotation_leaves_rows_already_under_the_newest_key_alone(
    settings, org, admin, practitioner
):
    settings.MEND_FIELD_KEYS = [KEY_B, KEY_A]
    write_notes(org, admin, practitioner)
    before = stored_notes(practitioner)
    call_command("rotate_keys")
    assert stored_notes(practitioner) == before


def test_rotation_is_recorded_in_the_audit_log(settings, org, admin, practitioner):
    from mend.core.audit import Action
    from mend.core.models import AuditEvent

    settings.MEND_FIELD_KEYS = [KEY_A]
    write_notes(org, admin, practitioner)
    settings.MEND_FIELD_KEYS = [KEY_B, KEY_A]
    call_command("rotate_keys")
    event = AuditEvent.objects.get(action=Action.KEYS_ROTATED)
    # One member's notes, and the TOTP secrets of the two members.
    assert event.changes == {"rows": 3}


def test_notes_under_a_removed_key_fail_loudly_not_silently(settings, org, admin, practitioner):
    settings.MEND_FIELD_KEYS = [KEY_A]
    write_notes(org, admin, practitioner)
    settings.MEND_FIELD_KEYS = [KEY_B]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        read_notes(org, practitioner)


@pytest.mark.parametrize("lookup", ["", "__exact", "__icontains", "__startswith", "__in"])
def test_encrypted_notes_cannot_be_searched(org, practitioner, lookup):
    value = ["x"] if lookup == "__in" else "x"
    with organisation_scope(org), pytest.raises(TypeError, match="cannot be searched"):
        Membership.objects.filter(**{f"support_notes{lookup}": value}).count()


def test_encrypted_notes_can_be_checked_for_null(org, practitioner):
    with organisation_scope(org):
        assert Membership.objects.filter(support_notes__isnull=False).count() == 1
