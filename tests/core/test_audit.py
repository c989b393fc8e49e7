"""The audit trail: who did what to which record, from where, and proof that nobody edited it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from mend.core import actions, audit
from mend.core.audit import Action
from mend.core.models import AccessLog, AuditChainHead, AuditEvent, Membership, Team
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Needs time off every Thursday for hospital appointments (confidential)"
ADDRESS = "203.0.113.9"


@pytest.fixture
def admin(org, make_member):
    return make_member(org, Role.ADMINISTRATOR)


@pytest.fixture
def manager(org, make_member):
    return make_member(org, Role.MANAGER)


@pytest.fixture
def practitioner(org, make_member):
    return make_member(org, Role.PRACTITIONER)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("chain", "sequence"))


# ---------------------------------------------------------------- what an event records


def test_changing_a_role_through_the_page_records_who_what_where_and_which_request(
    client, org, admin, practitioner
):
    from mend.core.tests_support import sign_in

    sign_in(client, admin.user, org)
    response = client.post(
        reverse("member_role", args=[practitioner.pk]),
        {"role": Role.ADVANCED_PRACTITIONER, "version": practitioner.version},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302

    [event] = events(Action.MEMBER_ROLE_CHANGED)
    assert event.actor == admin.user
    assert event.actor_label == admin.user.email
    assert event.organisation == org
    assert event.object_type == "core.membership"
    assert event.object_id == str(practitioner.pk)
    assert event.changes == {"role": [Role.PRACTITIONER, Role.ADVANCED_PRACTITIONER]}
    assert event.request_id == response["X-Request-ID"]
    assert event.ip_address == ADDRESS
    assert event.chain == f"org:{org.pk}"


def test_editing_a_team_records_each_changed_field_with_old_and_new_values(org, admin):
    with organisation_scope(org):
        team = actions.create_team(actor=admin.user, organisation=org, name="North")
        actions.update_team(
            actor=admin.user, team=team, name="North East", description="Tyne", version=1
        )
    [event] = events(Action.TEAM_CHANGED)
    assert event.changes == {"name": ["North", "North East"], "description": ["", "Tyne"]}
    assert event.request_id == ""  # done outside a request
    assert event.ip_address is None


def test_events_outside_a_request_have_no_request_id_or_address(org, admin):
    with organisation_scope(org):
        actions.create_team(actor=admin.user, organisation=org, name="South")
    [event] = events(Action.TEAM_CREATED)
    assert (event.request_id, event.ip_address) == ("", None)
    assert event.actor == admin.user


def test_support_notes_are_recorded_as_changed_without_their_content(
    client, org, manager, practitioner
):
    from mend.core.tests_support import sign_in

    sign_in(client, manager.user, org)
    response = client.post(
        reverse("member_notes", args=[practitioner.pk]),
        {"support_notes": SECRET_NOTE, "version": practitioner.version},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    client.get(reverse("member_detail", args=[practitioner.pk]))

    [event] = events(Action.MEMBER_NOTES_CHANGED)
    assert event.changes == {"support_notes": audit.REDACTED}
    assert event.actor == manager.user
    with organisation_scope(org):
        assert Membership.objects.get(pk=practitioner.pk).support_notes == SECRET_NOTE

    assert AccessLog.objects.exists()
    for table in (AuditEvent._meta.db_table, AccessLog._meta.db_table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")
            dumped = repr(cursor.fetchall())
        assert "Thursday" not in dumped, f"note text found in {table}"


def test_a_caller_cannot_put_a_sensitive_value_into_an_event(org, admin):
    event = audit.record(
        Action.MEMBER_NOTES_CHANGED,
        actor=admin.user,
        organisation=org,
        changes={"support_notes": ["old", SECRET_NOTE], "password": "hunter2hunter2"},
    )
    event.refresh_from_db()
    assert event.changes == {"support_notes": audit.REDACTED, "password": audit.REDACTED}


def test_each_organisation_has_its_own_chain(org, other_org, make_member):
    make_member(org, Role.ADMINISTRATOR)
    make_member(other_org, Role.ADMINISTRATOR)
    chains = set(AuditEvent.objects.values_list("chain", flat=True))
    assert {f"org:{org.pk}", f"org:{other_org.pk}"} <= chains
    for chain in chains:
        sequences = list(
            AuditEvent.objects.filter(chain=chain)
            .order_by("sequence")
            .values_list("sequence", flat=True)
        )
        assert sequences == list(range(1, len(sequences) + 1))


# ---------------------------------------------------------------- tamper evidence


@pytest.fixture
def chain_of_five(org, admin):
    """An organisation's chain with several events (joining, then four team changes)."""
    with organisation_scope(org):
        team = actions.create_team(actor=admin.user, organisation=org, name="One")
        for version, name in enumerate(["Two", "Three", "Four"], start=1):
            team = actions.update_team(
                actor=admin.user, team=team, name=name, description="", version=version
            )
    chain = f"org:{org.pk}"
    assert AuditEvent.objects.filter(chain=chain).count() >= 5
    return chain


def verify_fails(capsys) -> str:
    with pytest.raises(SystemExit) as exited:
        call_command("audit_verify")
    assert exited.value.code == 1
    return capsys.readouterr().err


def test_an_intact_log_verifies(chain_of_five, capsys):
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "every chain intact" in out


def test_an_edited_event_is_reported(chain_of_five, capsys):
    target = AuditEvent.objects.filter(chain=chain_of_five, action=Action.TEAM_CHANGED).first()
    AuditEvent.objects.filter(pk=target.pk).update(changes={"name": ["One", "Innocent"]})
    err = verify_fails(capsys)
    assert f"event {target.sequence} was altered after it was written" in err


def test_a_deleted_event_in_the_middle_is_reported(chain_of_five, capsys):
    middle = AuditEvent.objects.filter(chain=chain_of_five).order_by("sequence")[2]
    middle.delete()
    err = verify_fails(capsys)
    assert f"events {middle.sequence}..{middle.sequence} are missing (deleted)" in err
    assert f"event {middle.sequence + 1} does not link to the one before" in err


def test_a_deleted_last_event_is_reported(chain_of_five, capsys):
    last = AuditEvent.objects.filter(chain=chain_of_five).order_by("-sequence").first()
    last.delete()
    err = verify_fails(capsys)
    assert f"the chain ends at event {last.sequence - 1}" in err
    assert "deleted or the head was edited" in err


def test_a_forged_event_is_reported_even_with_a_correct_hash(chain_of_five, org, capsys):
    head = AuditChainHead.objects.get(chain=chain_of_five)
    forged = AuditEvent(
        chain=chain_of_five,
        sequence=head.sequence + 1,
        organisation=org,
        action=Action.MEMBER_ROLE_CHANGED,
        changes={"role": ["practitioner", "administrator"]},
        created_at=AuditEvent.objects.get(chain=chain_of_five, sequence=head.sequence).created_at,
        prev_hash=head.hash,
    )
    forged.hash = audit.compute_hash(forged)
    forged.save(force_insert=True)
    err = verify_fails(capsys)
    assert f"the chain ends at event {head.sequence + 1} but its head records event" in err


def test_a_forged_event_with_a_made_up_hash_is_reported(chain_of_five, org, capsys):
    head = AuditChainHead.objects.get(chain=chain_of_five)
    AuditEvent.objects.create(
        chain=chain_of_five,
        sequence=head.sequence + 1,
        organisation=org,
        action=Action.MEMBER_DEACTIVATED,
        created_at=AuditEvent.objects.get(chain=chain_of_five, sequence=1).created_at,
        prev_hash="f" * 64,
        hash="e" * 64,
    )
    err = verify_fails(capsys)
    assert f"event {head.sequence + 1} does not link to the one before" in err
    assert f"event {head.sequence + 1} was altered after it was written" in err


# ---------------------------------------------------------------- the access log


def test_a_manager_reading_support_notes_is_logged_and_shown_in_the_record_history(
    client, org, admin, manager, practitioner
):
    from mend.core.tests_support import sign_in

    with organisation_scope(org):
        actions.update_support_notes(
            actor=admin.user, membership=practitioner, notes=SECRET_NOTE, version=1
        )
        actions.change_role(actor=admin.user, membership=practitioner, role=Role.TRAINER, version=2)
    sign_in(client, manager.user, org)

    response = client.get(reverse("member_detail", args=[practitioner.pk]), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    assert SECRET_NOTE in response.content.decode()
    [log] = AccessLog.objects.all()
    assert (log.user, log.kind, log.organisation) == (manager.user, AccessLog.Kind.VIEW, org)
    assert (log.object_type, log.object_id) == ("core.membership", str(practitioner.pk))
    assert log.request_id == response["X-Request-ID"]
    assert log.ip_address == ADDRESS

    history = client.get(reverse("record_history", args=["core.membership", practitioner.pk]))
    assert history.status_code == 200
    page = history.content.decode()
    assert manager.user.email in page  # who viewed
    assert Action.MEMBER_NOTES_CHANGED in page
    assert Action.MEMBER_ROLE_CHANGED in page
    assert "support_notes" in page
    assert SECRET_NOTE not in page


def test_a_person_who_cannot_read_support_notes_leaves_no_access_log(
    client, org, practitioner, make_member
):
    from mend.core.tests_support import sign_in

    colleague = make_member(org, Role.PRACTITIONER, email="colleague@example.test")
    sign_in(client, colleague.user, org)
    response = client.get(reverse("member_detail", args=[practitioner.pk]))
    assert response.status_code == 200
    assert not AccessLog.objects.exists()


def test_team_history_lists_its_changes(client, org, admin):
    from mend.core.tests_support import sign_in

    with organisation_scope(org):
        team = actions.create_team(actor=admin.user, organisation=org, name="West")
        assert Team.objects.count() == 1
    sign_in(client, admin.user, org)
    page = client.get(reverse("record_history", args=["core.team", team.pk])).content.decode()
    assert Action.TEAM_CREATED in page
