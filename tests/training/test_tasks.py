"""Emails that carry PDFs are sent by background tasks. In production the tasks are stored in the
database and run by `manage.py db_worker`: nothing is sent until the worker runs them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from tests.training.support import signed_engagement, soon

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_cancellation_notice_waits_for_the_worker_then_goes_with_its_pdfs(
    org, make_member, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    admin = make_member(org, Role.ADMINISTRATOR, email="alys.admin@example.test").user
    with organisation_scope(org):
        engagement = signed_engagement(admin, org, [soon(20)])
        actions.invoice_engagement(actor=admin, engagement=engagement)
        mail.outbox.clear()  # the agreement's email
        quote = actions.quote_cancellation(actor=admin, engagement=engagement)
        credit_notes, fee = actions.confirm_cancellation(actor=admin, quote=quote)
    assert mail.outbox == []  # queued, not sent in the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    (email,) = mail.outbox
    assert email.to == ["carys.hughes@glanmorfa.example"]
    assert sorted(name for name, _data, _mime in email.attachments) == sorted(
        [f"{fee.number}.pdf", f"{credit_notes[0].number}.pdf"]
    )
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def test_certificates_are_emailed_by_the_worker(org, make_member, settings):
    from mend.training import choices as c
    from mend.training import models as m

    settings.TASKS = DATABASE_TASKS
    admin = make_member(org, Role.ADMINISTRATOR, email="alys.admin@example.test").user
    with organisation_scope(org):
        engagement = signed_engagement(admin, org, [soon(-1)])
        actions.add_attendees(
            actor=admin,
            engagement=engagement,
            text="Efa Jones, efa.jones@glanmorfa.example\nHuw Rees, huw.rees@glanmorfa.example",
        )
        session = engagement.sessions.get()
        present = list(m.Attendee.objects.values_list("pk", flat=True))
        actions.record_attendance(actor=admin, session=session, present_ids=present)
        actions.mark_session_delivered(actor=admin, session=session)
        engagement.refresh_from_db()
        assert engagement.status == c.EngagementStatus.DELIVERED
        mail.outbox.clear()  # the agreement's email
        issued = actions.issue_certificates(actor=admin, engagement=engagement)
    assert len(issued) == 2 and mail.outbox == []
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert sorted(e.to[0] for e in mail.outbox) == [
        "efa.jones@glanmorfa.example",
        "huw.rees@glanmorfa.example",
    ]
    assert all(e.attachments[0][2] == "application/pdf" for e in mail.outbox)
