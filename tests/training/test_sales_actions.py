"""Sales actions: enquiries received, converted and closed; quotes and their PDF; the agreement
accepted at its link (who, when, from where; the policy copied; only once; not after expiry)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format

from mend.core.models import AuditEvent
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.sales.proposals import policy_terms, proposal_pdf
from tests.training.support import course, engagement_with_sessions, school_client, soon

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(org, make_member):
    return make_member(org, Role.MANAGER).user


@pytest.fixture
def scoped(org):
    with organisation_scope(org):
        yield org


def enquiry_values(**overrides):
    values = {
        "organisation_name": "Ysgol Gynradd Glan Morfa",
        "sector": c.Sector.SCHOOL,
        "contact_name": "Carys Hughes",
        "job_title": "Deputy headteacher",
        "email": "Carys.Hughes@glanmorfa.example",
        "phone": "01970 000000",
        "participants": 25,
        "preferred_dates": "An INSET day in September",
        "message": "Whole-staff introduction to restorative approaches.",
        "language": "en",
    }
    values.update(overrides)
    return values


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------- enquiries


def test_a_public_enquiry_is_recorded_and_only_the_enquirer_is_emailed(
    org, scoped, manager, django_capture_on_commit_callbacks
):
    the_course = course(manager, org)
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = actions.receive_enquiry(organisation=org, **enquiry_values(course=the_course))

    assert enquiry.from_public_form and enquiry.status == c.EnquiryStatus.NEW
    assert enquiry.email == "carys.hughes@glanmorfa.example"
    assert enquiry.course == the_course
    [email] = mail.outbox
    assert email.to == ["carys.hughes@glanmorfa.example"]
    assert "Carys Hughes" in email.body and the_course.title in email.body
    assert AuditEvent.objects.filter(action="training.enquiry_received", actor=None).exists()


def test_the_acknowledgement_is_in_welsh_for_a_welsh_speaking_enquirer(
    org, scoped, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = actions.receive_enquiry(organisation=org, **enquiry_values(language="cy"))
    with translation.override("cy"):
        welsh_date = date_format(enquiry.received_at, "j F Y")
    with translation.override("en"):
        english_date = date_format(enquiry.received_at, "j F Y")
    assert welsh_date != english_date
    [email] = mail.outbox
    assert welsh_date in email.body


def test_an_enquiry_entered_by_staff_emails_nobody(
    org, scoped, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = actions.receive_enquiry(organisation=org, actor=manager, **enquiry_values())
    assert not enquiry.from_public_form
    assert mail.outbox == []


def test_a_trainer_cannot_enter_an_enquiry(org, scoped, make_member):
    trainer = make_member(org, Role.TRAINER).user
    with pytest.raises(PermissionDenied):
        actions.receive_enquiry(organisation=org, actor=trainer, **enquiry_values())


def test_an_enquiry_needs_a_name_an_email_address_and_a_kind_of_organisation(org, scoped):
    with pytest.raises(ValidationError) as refused:
        actions.receive_enquiry(
            organisation=org,
            **enquiry_values(organisation_name=" ", email="", sector="spaceship"),
        )
    assert refused.value.message_dict == {
        "organisation_name": ["Enter the name of your organisation."],
        "email": ["Enter an email address so we can reply."],
        "sector": ["Choose the kind of organisation."],
    }
    assert not m.Enquiry.objects.exists()


def test_converting_an_enquiry_finds_the_existing_client_and_contact_ignoring_case(
    org, scoped, manager
):
    client, contact = school_client(manager, org)
    the_course = course(manager, org)
    enquiry = actions.receive_enquiry(
        organisation=org,
        **enquiry_values(organisation_name="  ysgol gynradd GLAN MORFA ", course=the_course),
    )

    engagement = actions.convert_enquiry(actor=manager, enquiry=enquiry)

    assert engagement.client == client and engagement.contact == contact
    assert engagement.course == the_course and engagement.enquiry == enquiry
    assert engagement.participants == 25
    assert "An INSET day in September" in engagement.notes
    assert m.Client.objects.count() == 1 and m.ClientContact.objects.count() == 1
    enquiry.refresh_from_db()
    assert enquiry.status == c.EnquiryStatus.CONVERTED
    assert (enquiry.client, enquiry.contact) == (client, contact)


def test_converting_an_enquiry_from_a_new_organisation_adds_the_client_and_contact(
    org, scoped, manager
):
    the_course = course(manager, org)
    enquiry = actions.receive_enquiry(
        organisation=org,
        **enquiry_values(
            organisation_name="Ceredigion County Council", sector="local_authority", language="cy"
        ),
    )

    engagement = actions.convert_enquiry(actor=manager, enquiry=enquiry, course=the_course)

    client = engagement.client
    assert client.name == "Ceredigion County Council"
    assert client.sector == c.Sector.LOCAL_AUTHORITY and client.language == "cy"
    contact = engagement.contact
    assert contact.name == "Carys Hughes" and contact.email == "carys.hughes@glanmorfa.example"
    assert contact.language == "cy" and contact.role == c.ContactRole.BOOKING


def test_an_enquiry_without_a_course_cannot_be_converted_until_one_is_chosen(org, scoped, manager):
    enquiry = actions.receive_enquiry(organisation=org, **enquiry_values())
    with pytest.raises(ValidationError) as refused:
        actions.convert_enquiry(actor=manager, enquiry=enquiry)
    assert refused.value.message_dict == {"course": ["Choose the course the engagement is for."]}
    assert not m.Engagement.objects.exists() and not m.Client.objects.exists()


def test_an_enquiry_is_converted_only_once(org, scoped, manager):
    the_course = course(manager, org)
    enquiry = actions.receive_enquiry(organisation=org, **enquiry_values(course=the_course))
    actions.convert_enquiry(actor=manager, enquiry=enquiry)
    with pytest.raises(ValidationError, match="already been dealt with"):
        actions.convert_enquiry(actor=manager, enquiry=m.Enquiry.objects.get(pk=enquiry.pk))
    assert m.Engagement.objects.count() == 1


def test_closing_an_enquiry_needs_a_reason(org, scoped, manager):
    enquiry = actions.receive_enquiry(organisation=org, **enquiry_values())
    with pytest.raises(ValidationError) as refused:
        actions.close_enquiry(actor=manager, enquiry=enquiry, reason="  ")
    assert refused.value.message_dict == {"reason": ["Enter why the enquiry is closed."]}

    closed = actions.close_enquiry(actor=manager, enquiry=enquiry, reason="Chose another provider")
    assert closed.status == c.EnquiryStatus.CLOSED
    assert closed.closed_reason == "Chose another provider"
    with pytest.raises(ValidationError, match="already been dealt with"):
        actions.convert_enquiry(actor=manager, enquiry=closed, course=course(manager, org))


# ---------------------------------------------------------------- quotes


def test_quotes_are_numbered_per_year_without_gaps_and_list_each_session(org, scoped, manager):
    engagement = engagement_with_sessions(
        manager, org, [soon(40), soon(47)], values=["750.00", "600.50"]
    )
    year = timezone.localdate().year

    first = actions.issue_proposal(actor=manager, engagement=engagement, valid_until=soon(30))
    second = actions.issue_proposal(actor=manager, engagement=engagement, valid_until=soon(30))

    assert (first.number, second.number) == (f"Q-{year}-0001", f"Q-{year}-0002")
    assert [line["amount"] for line in first.lines] == ["750.00", "600.50"]
    with translation.override("en"):
        when = date_format(soon(40), "j F Y")
    assert first.lines[0]["description"] == f"Restorative approaches in schools: {when}"
    assert first.subtotal == first.total == Decimal("1350.50")
    assert first.vat_rate is None
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.PROPOSED


def test_a_quote_adds_vat_when_the_organisation_is_registered(org, scoped, manager, make_member):
    admin = make_member(org, Role.ADMINISTRATOR).user
    actions.update_training_settings(
        actor=admin, organisation=org, vat_registered=True, vat_number="GB123456789"
    )
    engagement = engagement_with_sessions(manager, org, [soon(40)], values=["750.00"])

    quote = actions.issue_proposal(actor=manager, engagement=engagement, valid_until=soon(30))

    assert quote.vat_rate == Decimal("20.00")
    assert quote.vat_amount == Decimal("150.00") and quote.total == Decimal("900.00")


def test_a_quote_in_welsh_names_the_course_in_welsh(org, scoped, manager):
    client, _contact = school_client(manager, org, language="cy")
    engagement = engagement_with_sessions(manager, org, [soon(40)], client=client)
    quote = actions.issue_proposal(actor=manager, engagement=engagement, valid_until=soon(30))
    assert quote.language == "cy"
    assert quote.lines[0]["description"].startswith("Dulliau adferol mewn ysgolion: ")


def test_a_quote_needs_sessions_and_a_date_not_in_the_past(org, scoped, manager):
    client, contact = school_client(manager, org)
    engagement = actions.create_engagement(
        actor=manager, client=client, contact=contact, course=course(manager, org)
    )
    with pytest.raises(ValidationError, match="Add the delivery sessions"):
        actions.issue_proposal(actor=manager, engagement=engagement, valid_until=soon(30))
    with pytest.raises(ValidationError) as refused:
        actions.issue_proposal(actor=manager, engagement=engagement, valid_until=soon(-1))
    assert refused.value.message_dict == {
        "valid_until": ["The quote must be valid until today or later."]
    }
    assert not m.Proposal.objects.exists()


def test_no_quote_once_the_agreement_is_sent(org, scoped, manager):
    engagement = engagement_with_sessions(manager, org, [soon(40)])
    actions.send_sla(actor=manager, engagement=engagement)
    with pytest.raises(ValidationError, match="before the agreement is sent"):
        actions.issue_proposal(actor=manager, engagement=engagement, valid_until=soon(30))


def test_the_quote_pdf_reads_back_with_its_number_total_and_client(org, scoped, manager):
    engagement = engagement_with_sessions(
        manager, org, [soon(40), soon(47)], values=["1000.00", "750.00"]
    )
    quote = actions.issue_proposal(
        actor=manager, engagement=engagement, valid_until=soon(30), notes="Includes materials."
    )

    text = pdf_text(proposal_pdf(quote))

    assert quote.number in text
    assert "£1,750.00" in text
    assert "Ysgol Gynradd Glan Morfa" in text
    assert "Includes materials." in text


# ---------------------------------------------------------------- the agreement


def test_accepting_the_agreement_records_who_when_where_and_copies_the_policy(org, scoped, manager):
    engagement = engagement_with_sessions(manager, org, [soon(40)])
    sla, _token = actions.send_sla(actor=manager, engagement=engagement)

    accepted = actions.accept_sla(
        sla=sla,
        name="Carys Hughes",
        job_title="Deputy headteacher",
        ip_address="203.0.113.9",
        user_agent="Firefox",
    )

    assert accepted.status == c.SlaStatus.ACCEPTED
    assert accepted.accepted_name == "Carys Hughes"
    assert accepted.accepted_job_title == "Deputy headteacher"
    assert accepted.accepted_ip == "203.0.113.9"
    assert accepted.accepted_user_agent == "Firefox"
    assert timezone.now() - accepted.accepted_at < timedelta(minutes=1)
    assert [t["percent"] for t in accepted.policy_snapshot["tiers"]] == [
        "10.00",
        "50.00",
        "100.00",
    ]
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.SIGNED


def test_an_agreement_is_accepted_only_once(org, scoped, manager):
    engagement = engagement_with_sessions(manager, org, [soon(40)])
    sla, _token = actions.send_sla(actor=manager, engagement=engagement)
    actions.accept_sla(sla=sla, name="Carys Hughes", ip_address="203.0.113.9")
    with pytest.raises(ValidationError, match="already been accepted"):
        actions.accept_sla(sla=sla, name="Someone Else", ip_address="198.51.100.1")
    sla.refresh_from_db()
    assert sla.accepted_name == "Carys Hughes"


def test_an_expired_agreement_link_cannot_be_accepted(org, scoped, manager):
    engagement = engagement_with_sessions(manager, org, [soon(40)])
    sla, _token = actions.send_sla(actor=manager, engagement=engagement)
    m.ServiceLevelAgreement.objects.filter(pk=sla.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    sla.refresh_from_db()
    with pytest.raises(ValidationError, match="expired"):
        actions.accept_sla(sla=sla, name="Carys Hughes")
    sla.refresh_from_db()
    assert sla.status == c.SlaStatus.SENT and sla.accepted_at is None


def test_the_policy_is_told_in_words(org, scoped):
    with translation.override("en"):
        words = policy_terms(actions.policy_snapshot(org))
    assert words[0] == "10% of the total if you cancel at any time after signing."
    assert words[1] == (
        "50% of a session's value if it is cancelled within 30 days of its delivery date."
    )
    assert words[2] == (
        "100% of a session's value if it is cancelled within 14 days of its delivery date."
    )
    assert any(
        "postpone a session free of charge with at least 14 days' notice" in w for w in words
    )
