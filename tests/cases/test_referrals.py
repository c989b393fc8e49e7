"""Referrals: staff entry, the public self-referral, partner-agency referrers, accept or decline."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.referrals.forms import SelfReferralForm
from mend.cases.referrals.public import SELF_REFERRAL_LIMIT
from mend.core.models import AuditEvent, Team
from mend.core.public_forms import started_token
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.pages import error_summary

pytestmark = pytest.mark.django_db

SUMMARY = "Dean broke the window of Sharon's shop on Queen Street."


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, fresh_cache):
    settings.MEDIA_ROOT = tmp_path / "media"


def page_text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def handover(name="risk-assessment.pdf", content=b"%PDF-1.4 referrer's risk assessment"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def case_type(org, code="criminal-justice"):
    with organisation_scope(org):
        return m.CaseType.objects.get(code=code)


def stored_summary(case) -> str:
    """The summary as the database holds it (encrypted, so never the words themselves)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT summary FROM {m.Case._meta.db_table} WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


# ---------------------------------------------------------------- staff entry


def staff_form(org, **overrides):
    with organisation_scope(org):
        factor = m.ComplexityFactor.objects.get(code="hate-crime")
    data = {
        "submission_id": "a1b2c3",
        "case_type": case_type(org).pk,
        "source": c.Source.AGENCY,
        "referring_agency": "Dyfed-Powys Police",
        "referrer_name": "PC Alun Morgan",
        "referrer_role": "Victim liaison officer",
        "referrer_email": "alun.morgan@police.example.test",
        "referrer_phone": "01234 567890",
        "summary": SUMMARY,
        "justice_stage": c.JusticeStage.PRE_SENTENCE,
        "sharing_basis": c.SharingBasis.AGREEMENT,
        "sharing_reference": "ISA-2024-17",
        "incident_date": "2024-03-01",
        "reported_on": "2024-03-02",
        "enhanced_rights": "on",
        "complexity_factors": [factor.pk],
    }
    data.update(overrides)
    return data


def test_staff_entry_creates_the_case_with_an_audit_event(org, make_member, signed_in):
    practitioner = make_member(org, Role.PRACTITIONER)
    client = signed_in(practitioner.user, org)

    response = client.post(reverse("referral_new"), staff_form(org))

    with organisation_scope(org):
        case = m.Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("case_detail", args=[case.pk])
        assert case.status == c.Status.REFERRED
        assert case.source == c.Source.AGENCY
        assert case.referring_agency == "Dyfed-Powys Police"
        assert case.referrer_contact["email"] == "alun.morgan@police.example.test"
        assert case.referrer is None
        assert case.summary == SUMMARY
        assert SUMMARY not in stored_summary(case)
        assert case.sharing_reference == "ISA-2024-17"
        assert str(case.reported_on) == "2024-03-02"
        assert case.enhanced_rights is True
        assert [f.code for f in case.complexity_factors.all()] == ["hate-crime"]
    event = AuditEvent.objects.get(action="case.referred", object_id=str(case.pk))
    assert event.actor == practitioner.user


def test_staff_entry_keeps_the_referrers_risk_assessment(org, make_member, signed_in):
    # Office staff enter referrals but do not work on cases; the handover is still kept.
    office = make_member(org, Role.OFFICE)
    client = signed_in(office.user, org)

    client.post(
        reverse("referral_new"),
        staff_form(org, handover_file=handover(), handover_level=c.RiskLevel.MEDIUM),
    )

    with organisation_scope(org):
        risk = m.RiskAssessment.objects.get()
        assert risk.is_handover and risk.level == c.RiskLevel.MEDIUM
        assert risk.document.read() == b"%PDF-1.4 referrer's risk assessment"


def test_staff_entry_with_errors_keeps_what_was_typed(org, make_member, signed_in):
    practitioner = make_member(org, Role.PRACTITIONER)
    client = signed_in(practitioner.user, org)

    response = client.post(
        reverse("referral_new"),
        staff_form(org, case_type="", referring_agency="", handover_file=handover("risk.exe")),
    )

    assert response.status_code == 200
    errors = error_summary(response)
    assert "Choose the case type." in errors
    assert "Enter the referring agency." in errors
    assert "Choose the risk level from the referrer's assessment." in errors
    html = response.content.decode()
    assert "Dean broke the window of Sharon&#x27;s shop on Queen Street." in html
    assert 'value="PC Alun Morgan"' in html
    assert 'value="2024-03-02"' in html
    with organisation_scope(org):
        assert not m.Case.objects.exists()


def test_a_double_submitted_referral_creates_one_case(org, make_member, signed_in):
    practitioner = make_member(org, Role.PRACTITIONER)
    client = signed_in(practitioner.user, org)

    first = client.post(reverse("referral_new"), staff_form(org))
    second = client.post(reverse("referral_new"), staff_form(org))

    assert first["Location"] == second["Location"]
    with organisation_scope(org):
        assert m.Case.objects.count() == 1


def test_a_partner_referrer_cannot_use_staff_entry(org, make_member, signed_in):
    referrer = make_member(org, Role.PARTNER_REFERRER)
    client = signed_in(referrer.user, org)
    assert client.get(reverse("referral_new")).status_code == 403


# ---------------------------------------------------------------- the public self-referral


def self_form(org, **overrides):
    data = {
        "submission_id": overrides.pop("submission_id", "self-1"),
        "started": started_token(time.time() - 60, salt=SelfReferralForm.STARTED_SALT),
        "first_name": "Sharon",
        "last_name": "Jones",
        "phone": "07700 900001",
        "email": "sharon@example.test",
        "safe_times": "Weekdays after 6pm",
        "preferred_language": "en",
        "accessibility_needs": "Step-free access",
        "role": c.PartyRole.HARMED,
        "case_type": case_type(org).pk,
        "summary": SUMMARY,
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_can_refer_themselves_and_is_given_a_reference(
    org, django_capture_on_commit_callbacks
):
    client = Client()
    url = reverse("self_referral", args=[org.slug])
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, self_form(org))

    assert response.status_code == 302
    assert response["Location"] == reverse("self_referral_sent", args=[org.slug])
    with organisation_scope(org):
        case = m.Case.objects.get()
        party = case.parties.select_related("person").get()
        assert case.source == c.Source.SELF
        assert case.harmed_initiated is True
        assert case.summary == SUMMARY and SUMMARY not in stored_summary(case)
        assert party.role == c.PartyRole.HARMED
        assert party.person.contact == {"phone": "07700 900001", "email": "sharon@example.test"}
        assert party.contact_preferences == {"safe_times": "Weekdays after 6pm"}
        assert party.accessibility_needs == "Step-free access"
        assert not party.consents.exists()
    sent = client.get(response["Location"])
    assert case.reference in page_text(sent)
    assert AuditEvent.objects.filter(action="case.referred", actor=None).exists()
    [email] = mail.outbox
    assert email.to == ["sharon@example.test"]
    assert case.reference in email.subject and case.reference in email.body
    for private in ("Sharon", "Jones", "07700", "Queen Street", "window"):
        assert private not in email.body and private not in email.subject


def test_the_acknowledgement_is_in_welsh_for_someone_who_chose_welsh(
    org, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("self_referral", args=[org.slug]), self_form(org, preferred_language="cy")
        )

    with organisation_scope(org):
        case = m.Case.objects.get()
        assert case.parties.get().person.preferred_language == "cy"
    with translation.override("cy"):
        welsh_date = date_format(case.received_on, "j F Y")
    with translation.override("en"):
        english_date = date_format(case.received_on, "j F Y")
    assert welsh_date != english_date  # month names differ, so the language shows
    [email] = mail.outbox
    assert welsh_date in email.body
    assert case.reference in email.body


def test_no_acknowledgement_is_sent_without_an_email_address(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("self_referral", args=[org.slug]), self_form(org, email="")
        )
    assert response.status_code == 302
    assert mail.outbox == []


def test_someone_responsible_does_not_start_the_enhanced_pathway_as_if_harmed(org):
    Client().post(
        reverse("self_referral", args=[org.slug]),
        self_form(
            org,
            role=c.PartyRole.RESPONSIBLE,
            case_type=case_type(org, "domestic-sexual-harm").pk,
        ),
    )
    with organisation_scope(org):
        case = m.Case.objects.get()
        assert case.harmed_initiated is False
        assert case.parties.get().role == c.PartyRole.RESPONSIBLE


def test_a_form_with_the_hidden_trap_filled_in_is_refused_keeping_the_answers(org):
    response = Client().post(
        reverse("self_referral", args=[org.slug]),
        self_form(org, website="http://spam.example.test"),
    )
    assert response.status_code == 200
    assert "We could not accept this form." in " ".join(error_summary(response))
    assert 'value="07700 900001"' in response.content.decode()
    with organisation_scope(org):
        assert not m.Case.objects.exists()


def test_a_form_sent_within_seconds_of_opening_is_refused_keeping_the_answers(org):
    client = Client()
    url = reverse("self_referral", args=[org.slug])
    response = client.post(
        url, self_form(org, started=started_token(salt=SelfReferralForm.STARTED_SALT))
    )

    assert response.status_code == 200
    assert any("sent very quickly" in e for e in error_summary(response))
    html = response.content.decode()
    assert 'value="Sharon"' in html and "Dean broke the window" in html
    with organisation_scope(org):
        assert not m.Case.objects.exists()


def test_a_forged_start_time_is_refused(org):
    response = Client().post(
        reverse("self_referral", args=[org.slug]), self_form(org, started="1000000000")
    )
    assert any("sent very quickly" in e for e in error_summary(response))
    with organisation_scope(org):
        assert not m.Case.objects.exists()


def test_a_form_opened_before_the_shared_spam_traps_is_still_accepted(org):
    opened_earlier = started_token(time.time() - 60, salt="mend.cases.self-referral.started")
    response = Client().post(
        reverse("self_referral", args=[org.slug]), self_form(org, started=opened_earlier)
    )
    assert response.status_code == 302
    with organisation_scope(org):
        assert m.Case.objects.count() == 1


def test_a_start_time_signed_for_another_public_form_is_refused(org):
    other_form = started_token(time.time() - 60)
    response = Client().post(
        reverse("self_referral", args=[org.slug]), self_form(org, started=other_form)
    )
    assert any("sent very quickly" in e for e in error_summary(response))
    with organisation_scope(org):
        assert not m.Case.objects.exists()


def test_a_self_referral_needs_a_way_to_contact_the_person(org):
    response = Client().post(
        reverse("self_referral", args=[org.slug]), self_form(org, phone="", email="")
    )
    assert "Give a phone number or an email address." in error_summary(response)


def test_too_many_self_referrals_from_one_address_are_refused_with_a_clear_message(org):
    client = Client()
    url = reverse("self_referral", args=[org.slug])
    for i in range(SELF_REFERRAL_LIMIT.limit):
        response = client.post(url, self_form(org, submission_id=f"s{i}"), REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 302

    refused = client.post(url, self_form(org, submission_id="one-more"), REMOTE_ADDR="192.0.2.7")

    assert refused.status_code == 429
    assert any("try again later" in e for e in error_summary(refused))
    assert 'value="Sharon"' in refused.content.decode()
    elsewhere = Client().post(url, self_form(org, submission_id="x"), REMOTE_ADDR="192.0.2.8")
    assert elsewhere.status_code == 302
    with organisation_scope(org):
        assert m.Case.objects.count() == SELF_REFERRAL_LIMIT.limit + 1


def _use_up(limit, address):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    while limit.take(request):
        pass


def test_self_referrals_are_counted_per_address(org):
    url = reverse("self_referral", args=[org.slug])
    Client().post(url, self_form(org), REMOTE_ADDR="192.0.2.7")
    assert SELF_REFERRAL_LIMIT.used("192.0.2.7") == 1
    assert SELF_REFERRAL_LIMIT.bucket("192.0.2.7") == "mend:self-referral:192.0.2.7"
    _use_up(SELF_REFERRAL_LIMIT, "192.0.2.9")
    assert SELF_REFERRAL_LIMIT.used("192.0.2.9") == SELF_REFERRAL_LIMIT.limit
    refused = Client().post(url, self_form(org, submission_id="x"), REMOTE_ADDR="192.0.2.9")
    assert refused.status_code == 429


def test_the_too_many_message_is_about_referrals_and_is_in_welsh_too(org):
    _use_up(SELF_REFERRAL_LIMIT, "192.0.2.7")
    url = reverse("self_referral", args=[org.slug])
    english = Client().post(url, self_form(org), REMOTE_ADDR="192.0.2.7")
    assert any(
        "several referrals" in e and "If you need help now, please phone us." in e
        for e in error_summary(english)
    )
    welsh_client = Client()
    welsh_client.cookies["mend_language"] = "cy"
    welsh = welsh_client.post(url, self_form(org), REMOTE_ADDR="192.0.2.7")
    assert welsh.status_code == 429
    assert any("Rydym wedi cael sawl atgyfeiriad" in e for e in error_summary(welsh))


def test_a_double_submitted_self_referral_creates_one_case(org):
    client = Client()
    url = reverse("self_referral", args=[org.slug])
    first = client.post(url, self_form(org))
    second = client.post(url, self_form(org))
    assert first["Location"] == second["Location"]
    with organisation_scope(org):
        assert m.Case.objects.count() == 1


def test_an_unknown_organisation_has_no_self_referral_form():
    assert Client().get(reverse("self_referral", args=["nowhere"])).status_code == 404


def test_the_confirmation_page_without_a_referral_goes_back_to_the_form(org):
    response = Client().get(reverse("self_referral_sent", args=[org.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("self_referral", args=[org.slug])


def test_the_self_referral_form_offers_the_organisations_case_types_in_welsh(org, other_org):
    client = Client()
    client.cookies["mend_language"] = "cy"
    response = client.get(reverse("self_referral", args=[org.slug]))
    assert '<html lang="cy"' in response.content.decode()
    assert "Cyfiawnder troseddol" in response.content.decode()


# ---------------------------------------------------------------- partner-agency referrers


def partner_form(org, **overrides):
    data = {
        "submission_id": "p1",
        "case_type": case_type(org).pk,
        "referring_agency": "Probation Service, Cardiff",
        "referrer_role": "Probation officer",
        "referrer_phone": "029 2000 0000",
        "summary": SUMMARY,
        "justice_stage": c.JusticeStage.COMMUNITY,
        "sharing_basis": c.SharingBasis.AGREEMENT,
        "sharing_reference": "ISA-9",
        "handover_file": handover(),
        "handover_level": c.RiskLevel.HIGH,
        "harmed_first_name": "Sharon",
        "harmed_last_name": "Jones",
        "harmed_phone": "07700 900001",
        "harmed_safe_times": "Mornings",
        "responsible_first_name": "Dean",
        "responsible_last_name": "Walsh",
        "responsible_email": "dean@example.test",
    }
    data.update(overrides)
    return data


def partner_referral(org, referrer, summary=SUMMARY):
    with organisation_scope(org):
        return actions.submit_partner_referral(
            actor=referrer.user,
            organisation=org,
            case_type=m.CaseType.objects.get(code="criminal-justice"),
            referring_agency="Probation Service",
            summary=summary,
            sharing_basis=c.SharingBasis.AGREEMENT,
            handover_file=handover(),
            handover_level=c.RiskLevel.LOW,
            people={c.PartyRole.HARMED: {"first_name": "Sharon", "phone": "07700 900001"}},
        )


def test_a_partner_referrer_submits_a_referral_with_their_risk_assessment(
    org, make_member, signed_in
):
    referrer = make_member(org, Role.PARTNER_REFERRER, full_name="Rhian Probert")
    client = signed_in(referrer.user, org)

    response = client.post(reverse("referral_submit"), partner_form(org))

    with organisation_scope(org):
        case = m.Case.objects.get()
        assert response["Location"] == reverse("referral_status", args=[case.pk])
        assert case.referrer == referrer.user
        assert case.source == c.Source.AGENCY
        assert case.sharing_basis == c.SharingBasis.AGREEMENT
        assert case.referrer_contact["name"] == "Rhian Probert"
        risk = m.RiskAssessment.objects.get(case=case)
        assert risk.is_handover and risk.level == c.RiskLevel.HIGH
        assert risk.document.read() == b"%PDF-1.4 referrer's risk assessment"
        parties = {p.role: p for p in case.parties.select_related("person")}
        assert set(parties) == {c.PartyRole.HARMED, c.PartyRole.RESPONSIBLE}
        assert parties[c.PartyRole.HARMED].person.contact == {"phone": "07700 900001"}
        assert parties[c.PartyRole.HARMED].contact_preferences == {"safe_times": "Mornings"}
        assert parties[c.PartyRole.RESPONSIBLE].person.contact == {"email": "dean@example.test"}
    assert AuditEvent.objects.filter(action="case.partner_referral", actor=referrer.user).exists()


def test_a_partner_referral_needs_the_sharing_basis_and_the_risk_assessment(
    org, make_member, signed_in
):
    referrer = make_member(org, Role.PARTNER_REFERRER)
    client = signed_in(referrer.user, org)
    data = partner_form(org, sharing_basis="", handover_level="")
    del data["handover_file"]

    response = client.post(reverse("referral_submit"), data)

    assert response.status_code == 200
    assert len(error_summary(response)) == 3
    assert "Probation Service, Cardiff" in response.content.decode()
    with organisation_scope(org):
        assert not m.Case.objects.exists()


def test_a_partner_referral_names_at_least_one_person(org, make_member, signed_in):
    referrer = make_member(org, Role.PARTNER_REFERRER)
    client = signed_in(referrer.user, org)
    response = client.post(
        reverse("referral_submit"),
        partner_form(
            org,
            harmed_first_name="",
            harmed_last_name="",
            harmed_phone="",
            harmed_safe_times="",
            responsible_first_name="",
            responsible_last_name="",
            responsible_email="",
        ),
    )
    assert (
        "Give the first name of the person harmed, the person responsible, or both."
        in error_summary(response)
    )


def test_a_partner_referrer_sees_only_their_own_referrals(org, make_member, signed_in):
    mine = make_member(org, Role.PARTNER_REFERRER, email="rhian@example.test")
    theirs = make_member(org, Role.PARTNER_REFERRER, email="gareth@example.test")
    own = partner_referral(org, mine)
    other = partner_referral(org, theirs)
    client = signed_in(mine.user, org)

    listing = page_text(client.get(reverse("referral_mine")))

    assert own.reference in listing and other.reference not in listing
    assert client.get(reverse("referral_status", args=[own.pk])).status_code == 200
    assert client.get(reverse("referral_status", args=[other.pk])).status_code == 404


def test_a_partner_referrer_cannot_open_case_pages_or_decide(org, make_member, signed_in):
    referrer = make_member(org, Role.PARTNER_REFERRER)
    case = partner_referral(org, referrer)
    client = signed_in(referrer.user, org)
    assert client.get(reverse("referral_decide", args=[case.pk])).status_code == 404
    assert client.get(reverse("referral_queue")).status_code == 403


def test_the_referrers_status_page_never_shows_what_practitioners_add(org, make_member, signed_in):
    referrer = make_member(org, Role.PARTNER_REFERRER)
    manager = make_member(org, Role.MANAGER)
    case = partner_referral(org, referrer)
    with organisation_scope(org):
        actions.add_party(
            actor=manager.user,
            case=case,
            role=c.PartyRole.RESPONSIBLE,
            first_name="Dean",
            last_name="Walsh",
            contact={"phone": "07700 900999", "address": "1 Hidden Lane"},
            safety_flags="Lives near the harmed person",
        )
        sharon = case.parties.get(role=c.PartyRole.HARMED)
        actions.update_party(
            actor=manager.user,
            party=sharon,
            version=None,
            safety_flags="Fears retaliation",
            contact_preferences={"safe_times": "Only on Tuesdays at noon"},
        )
        actions.transition(actor=manager.user, case=case, name="accept")
        actions.transition(
            actor=manager.user, case=case, name="pause", reason="Sharon is in hospital"
        )
    client = signed_in(referrer.user, org)

    text = page_text(client.get(reverse("referral_status", args=[case.pk])))

    assert "Sharon" in text and "07700 900001" in text  # what the referrer told us
    assert SUMMARY in text
    for private in ("Walsh", "07700 900999", "Hidden Lane", "retaliation", "Tuesdays", "hospital"):
        assert private not in text
    assert "Paused" in text and "Accepted" in text


def test_the_referrers_pages_run_a_fixed_number_of_queries(
    org, make_member, signed_in, count_queries
):
    referrer = make_member(org, Role.PARTNER_REFERRER)
    first = partner_referral(org, referrer)
    client = signed_in(referrer.user, org)

    list_few, detail_few = (
        count_queries(client, reverse("referral_mine")),
        count_queries(client, reverse("referral_status", args=[first.pk])),
    )
    manager = make_member(org, Role.MANAGER)
    for _ in range(5):
        partner_referral(org, referrer)
    with organisation_scope(org):
        actions.transition(actor=manager.user, case=first, name="accept")
        actions.transition(actor=manager.user, case=first, name="pause", reason="Waiting")
    assert count_queries(client, reverse("referral_mine")) == list_few
    assert count_queries(client, reverse("referral_status", args=[first.pk])) == detail_few


# ---------------------------------------------------------------- accept or decline


def test_a_manager_declines_a_referral_with_a_reason_and_the_referrer_is_told(
    org, make_member, signed_in, django_capture_on_commit_callbacks
):
    referrer = make_member(org, Role.PARTNER_REFERRER, email="rhian@probation.example.test")
    manager = make_member(org, Role.MANAGER)
    case = partner_referral(org, referrer)
    client = signed_in(manager.user, org)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referral_decide", args=[case.pk]),
            {"decision": "decline", "reason": "Outside our area", "version": case.version},
        )

    assert response.status_code == 302
    with organisation_scope(org):
        case.refresh_from_db()
    assert case.status == c.Status.DECLINED and case.decision_reason == "Outside our area"
    [email] = mail.outbox
    assert email.to == ["rhian@probation.example.test"]
    assert case.reference in email.subject and "Outside our area" in email.body
    for private in ("Sharon", "07700", "Queen Street"):
        assert private not in email.body and private not in email.subject
    status = page_text(
        signed_in(referrer.user, org).get(reverse("referral_status", args=[case.pk]))
    )
    assert "Outside our area" in status


def test_accepting_a_referral_tells_the_referrer_and_opens_the_case(
    org, make_member, signed_in, django_capture_on_commit_callbacks
):
    manager = make_member(org, Role.MANAGER)
    client = signed_in(manager.user, org)
    client.post(reverse("referral_new"), staff_form(org))
    with organisation_scope(org):
        case = m.Case.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("referral_decide", args=[case.pk]), {"decision": "accept"})

    assert response["Location"] == reverse("case_detail", args=[case.pk])
    with organisation_scope(org):
        case.refresh_from_db()
    assert case.status == c.Status.ACCEPTED
    [email] = mail.outbox
    assert email.to == ["alun.morgan@police.example.test"]
    assert "Dean" not in email.body and "Sharon" not in email.body


def test_an_administrator_who_enters_a_referral_is_not_told_as_if_they_referred(
    org, make_member, signed_in, django_capture_on_commit_callbacks
):
    admin = make_member(org, Role.ADMINISTRATOR)
    client = signed_in(admin.user, org)
    client.post(reverse("referral_new"), staff_form(org))
    with organisation_scope(org):
        case = m.Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referral_decide", args=[case.pk]), {"decision": "decline", "reason": "Full"}
        )
    assert [e.to for e in mail.outbox] == [["alun.morgan@police.example.test"]]


def test_declining_without_a_reason_is_refused(
    org, make_member, signed_in, django_capture_on_commit_callbacks
):
    referrer = make_member(org, Role.PARTNER_REFERRER)
    manager = make_member(org, Role.MANAGER)
    case = partner_referral(org, referrer)
    client = signed_in(manager.user, org)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referral_decide", args=[case.pk]), {"decision": "decline", "reason": "  "}
        )

    assert response.status_code == 200
    assert "Enter why the referral is declined." in error_summary(response)
    with organisation_scope(org):
        case.refresh_from_db()
    assert case.status == c.Status.REFERRED
    assert mail.outbox == []


def test_a_refused_acceptance_says_what_is_missing(org, make_member, signed_in):
    manager = make_member(org, Role.MANAGER)
    with organisation_scope(org):
        case = actions.create_case(
            actor=manager.user,
            organisation=org,
            case_type=m.CaseType.objects.get(code="domestic-sexual-harm"),
            source=c.Source.INTERNAL,
        )
    client = signed_in(manager.user, org)

    response = client.post(reverse("referral_decide", args=[case.pk]), {"decision": "accept"})

    assert response.status_code == 200
    assert any("at the request of the person harmed" in e for e in error_summary(response))
    with organisation_scope(org):
        case.refresh_from_db()
    assert case.status == c.Status.REFERRED


def test_a_decision_made_on_a_stale_page_changes_nothing(org, make_member, signed_in):
    manager = make_member(org, Role.MANAGER)
    referrer = make_member(org, Role.PARTNER_REFERRER)
    case = partner_referral(org, referrer)
    stale = case.version
    with organisation_scope(org):
        actions.transition(actor=manager.user, case=case, name="decline", reason="Full")
    client = signed_in(manager.user, org)
    response = client.post(
        reverse("referral_decide", args=[case.pk]), {"decision": "accept", "version": stale}
    )
    assert response.status_code == 200
    assert any("Someone else changed this case" in e for e in error_summary(response))
    with organisation_scope(org):
        case.refresh_from_db()
    assert case.status == c.Status.DECLINED


def test_a_practitioner_cannot_decide_on_referrals(org, make_member, signed_in):
    practitioner = make_member(org, Role.PRACTITIONER)
    referrer = make_member(org, Role.PARTNER_REFERRER)
    case = partner_referral(org, referrer)
    client = signed_in(practitioner.user, org)
    assert client.get(reverse("referral_decide", args=[case.pk])).status_code == 404
    assert client.get(reverse("referral_queue")).status_code == 403


# ---------------------------------------------------------------- referrals waiting


def test_referrals_waiting_are_listed_oldest_first_with_their_clocks(org, make_member, signed_in):
    manager = make_member(org, Role.MANAGER)
    with organisation_scope(org):
        kind = m.CaseType.objects.get(code="criminal-justice")
        team = Team.objects.create(organisation=org, name="West")

        def referral(received, **kwargs):
            case = actions.create_case(
                actor=manager.user, organisation=org, case_type=kind, source="internal", **kwargs
            )
            m.Case.objects.filter(pk=case.pk).update(received_on=received)
            return case

        today = timezone.localdate()
        newer = referral(today, team=team)
        older = referral(
            today - timezone.timedelta(days=10),
            justice_stage=c.JusticeStage.PRE_CHARGE,
            reported_on=today - timezone.timedelta(days=10),
        )
        accepted = referral(today)
        actions.transition(actor=manager.user, case=accepted, name="accept")
    client = signed_in(manager.user, org)

    response = client.get(reverse("referral_queue"))

    text = page_text(response)
    assert text.index(older.reference) < text.index(newer.reference)
    assert accepted.reference not in text
    assert "Information about restorative justice offered" in text and "Overdue" in text
    assert "West" in text


def test_referrals_waiting_run_a_fixed_number_of_queries(
    org, make_member, signed_in, count_queries
):
    manager = make_member(org, Role.MANAGER)
    referrer = make_member(org, Role.PARTNER_REFERRER)
    partner_referral(org, referrer)
    client = signed_in(manager.user, org)
    url = reverse("referral_queue")

    few = count_queries(client, url)
    for _ in range(6):
        partner_referral(org, referrer)
    assert count_queries(client, url) == few


def test_the_decision_page_runs_a_fixed_number_of_queries(
    org, make_member, signed_in, count_queries
):
    manager = make_member(org, Role.MANAGER)
    referrer = make_member(org, Role.PARTNER_REFERRER)
    case = partner_referral(org, referrer)
    client = signed_in(manager.user, org)
    url = reverse("referral_decide", args=[case.pk])

    few = count_queries(client, url)
    with organisation_scope(org):
        for name in ("Ann", "Ben", "Cai"):
            actions.add_party(
                actor=manager.user, case=case, role=c.PartyRole.SUPPORTER, first_name=name
            )
        for code in ("hate-crime", "serious-violence"):
            case.complexity_factors.add(m.ComplexityFactor.objects.get(code=code))
    assert count_queries(client, url) == few
