"""Sales pages: the start page, clients, courses, enquiries (staff and the public form),
engagements, quotes and the agreement page at its link."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mend.core.public_forms import started_token
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.sales.forms import PublicEnquiryForm
from mend.training.sales.public import ENQUIRY_LIMIT
from mend.training.sales.views import existing_links
from tests.pages import error_summary, page_text
from tests.training.support import (
    at,
    course,
    engagement_with_sessions,
    school_client,
    soon,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def manager(org, make_member):
    return make_member(org, Role.MANAGER, full_name="Morgan Price").user


@pytest.fixture
def staff(manager, org, signed_in):
    return signed_in(manager, org)


# ---------------------------------------------------------------- start page


def test_the_start_page_counts_new_enquiries_and_links_the_sales_pages(org, manager, staff):
    with organisation_scope(org):
        for name in ("One School", "Two School"):
            actions.receive_enquiry(
                organisation=org,
                organisation_name=name,
                sector=c.Sector.SCHOOL,
                contact_name="Alex",
                email="alex@example.test",
            )
    response = staff.get(reverse("training_home"))
    text = page_text(response)
    assert "2 new" in text
    html = response.content.decode()
    for name in ("training_enquiries", "training_clients", "training_courses"):
        assert reverse(name) in html


def test_the_start_page_links_only_pages_that_exist_and_the_person_may_use(org, make_member, rf):
    request = rf.get("/")
    request.user = make_member(org, Role.OFFICE).user
    pages = [
        ("training_clients", "Clients", "training.view"),
        ("training_no_such_page", "Missing", "training.view"),
        ("training_courses", "Configure", "training.configure"),
    ]
    with organisation_scope(org):
        links = existing_links(request, pages)
    assert links == [{"url": reverse("training_clients"), "label": "Clients"}]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.MANAGER, Role.OFFICE])
def test_every_page_the_start_page_links_opens_for_that_person(org, make_member, client, role):
    from mend.core.tests_support import sign_in
    from mend.training.sales.views import OTHER_PAGES

    sign_in(client, make_member(org, role).user, org)
    html = client.get(reverse("training_home")).content.decode()
    linked = [name for name, _label, _perm in OTHER_PAGES if f'href="{reverse(name)}"' in html]
    assert linked
    for name in linked:
        assert client.get(reverse(name)).status_code == 200, name


def test_a_trainer_has_no_training_start_page(org, make_member, signed_in):
    client = signed_in(make_member(org, Role.TRAINER).user, org)
    assert client.get(reverse("training_home")).status_code == 403


# ---------------------------------------------------------------- clients and contacts


def test_clients_are_filtered_by_sector_and_name(org, manager, staff):
    with organisation_scope(org):
        school_client(manager, org, name="Ysgol Glan Morfa")
        actions.create_client(
            actor=manager, organisation=org, name="Ceredigion Council", sector="local_authority"
        )
    url = reverse("training_clients")
    assert "Ceredigion Council" in page_text(staff.get(url))
    by_sector = page_text(staff.get(url, {"sector": "school"}))
    assert "Ysgol Glan Morfa" in by_sector and "Ceredigion Council" not in by_sector
    by_name = page_text(staff.get(url, {"q": "council"}))
    assert "Ceredigion Council" in by_name and "Ysgol Glan Morfa" not in by_name


def test_the_client_list_runs_a_fixed_number_of_queries(org, manager, staff, count_queries):
    url = reverse("training_clients")
    with organisation_scope(org):
        school_client(manager, org, name="Client 0")
    few = count_queries(staff, url)
    with organisation_scope(org):
        for i in range(1, 8):
            client, _ = school_client(manager, org, name=f"Client {i}")
            engagement_with_sessions(manager, org, [soon(30 + i)], client=client)
    assert count_queries(staff, url) == few


def test_adding_a_client_keeps_the_answers_when_something_is_missing(org, staff):
    response = staff.post(
        reverse("training_client_new"),
        {"submission_id": "c1", "name": "Ysgol Glan Morfa", "sector": "", "language": "en"},
    )
    assert response.status_code == 200
    assert "Choose the client's sector." in error_summary(response)
    assert 'value="Ysgol Glan Morfa"' in response.content.decode()


def test_a_double_submitted_client_is_added_once(org, staff):
    data = {"submission_id": "c2", "name": "Ysgol Glan Morfa", "sector": "school", "language": "cy"}
    first = staff.post(reverse("training_client_new"), data)
    second = staff.post(reverse("training_client_new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    with organisation_scope(org):
        client = m.Client.objects.get()
    assert client.language == "cy"
    assert first["Location"] == reverse("training_client", args=[client.pk])


def test_editing_a_client_someone_else_changed_is_refused(org, manager, staff):
    with organisation_scope(org):
        client, _ = school_client(manager, org)
        actions.update_client(actor=manager, client=client, phone="01970 111111")
    response = staff.post(
        reverse("training_client_edit", args=[client.pk]),
        {"name": "New name", "sector": "school", "language": "en", "version": 1},
    )
    assert response.status_code == 200
    assert any("Someone else changed this record" in e for e in error_summary(response))
    with organisation_scope(org):
        assert m.Client.objects.get().name == "Ysgol Gynradd Glan Morfa"


def test_the_client_page_shows_contacts_engagements_and_enquiries(org, manager, staff):
    with organisation_scope(org):
        client, contact = school_client(manager, org)
        enquiry = actions.receive_enquiry(
            organisation=org,
            organisation_name=client.name,
            sector=c.Sector.SCHOOL,
            contact_name="Carys Hughes",
            email=contact.email,
            course=course(manager, org, code="enq"),
        )
        engagement = actions.convert_enquiry(actor=manager, enquiry=enquiry)
    text = page_text(staff.get(reverse("training_client", args=[client.pk])))
    assert "Carys Hughes" in text and "Deputy headteacher" in text
    assert engagement.reference in text
    assert "Became an engagement" in text


def test_contacts_are_added_and_changed(org, manager, staff):
    with organisation_scope(org):
        client, contact = school_client(manager, org)
    added = staff.post(
        reverse("training_contact_new", args=[client.pk]),
        {
            "submission_id": "k1",
            "name": "Huw Jones",
            "role": "finance",
            "email": "huw@glanmorfa.example",
            "language": "cy",
        },
    )
    assert added.status_code == 302
    changed = staff.post(
        reverse("training_contact_edit", args=[contact.pk]),
        {
            "name": "Carys Hughes",
            "role": "senior_leader",
            "email": contact.email,
            "language": "en",
            "is_active": "on",
            "version": contact.version,
        },
    )
    assert changed.status_code == 302
    with organisation_scope(org):
        assert client.contacts.get(name="Huw Jones").language == "cy"
        assert client.contacts.get(pk=contact.pk).role == "senior_leader"


# ---------------------------------------------------------------- courses


def test_the_catalogue_lists_courses_with_their_details_in_welsh_for_welsh_readers(
    org, manager, staff
):
    with organisation_scope(org):
        course(manager, org, price="1250.00")
    english = page_text(staff.get(reverse("training_courses")))
    assert "Restorative approaches in schools" in english
    assert "£1,250.00" in english and "RJC approved" in english
    staff.cookies["mend_language"] = "cy"
    welsh = page_text(staff.get(reverse("training_courses")))
    assert "Dulliau adferol mewn ysgolion" in welsh


def test_a_course_is_added_with_its_welsh_title_and_a_clash_of_codes_is_refused(org, staff):
    data = {
        "submission_id": "k1",
        "code": "rp-leaders",
        "title": "Relational practice for leaders",
        "title_cy": "Ymarfer perthynol i arweinwyr",
        "audience": "leaders",
        "format": "online",
        "duration_hours": "3",
        "cpd_hours": "3",
        "price": "450",
    }
    assert staff.post(reverse("training_course_new"), data).status_code == 302
    again = staff.post(reverse("training_course_new"), {**data, "submission_id": "k2"})
    assert "Another course already has this code." in error_summary(again)
    with organisation_scope(org):
        saved = m.Course.objects.get()
    assert saved.title_cy == "Ymarfer perthynol i arweinwyr" and not saved.rjc_approved


def test_a_course_is_changed(org, manager, staff):
    with organisation_scope(org):
        the_course = course(manager, org)
    data = {
        "code": the_course.code,
        "title": the_course.title,
        "title_cy": the_course.title_cy,
        "summary_cy": "Crynodeb",
        "audience": the_course.audience,
        "format": the_course.format,
        "duration_hours": "6",
        "cpd_hours": "6",
        "price": "800.00",
        "rjc_approved": "on",
        "is_active": "on",
        "version": the_course.version,
    }
    assert (
        staff.post(reverse("training_course_edit", args=[the_course.pk]), data).status_code == 302
    )
    with organisation_scope(org):
        the_course.refresh_from_db()
    assert str(the_course.price) == "800.00" and the_course.summary_cy == "Crynodeb"


# ---------------------------------------------------------------- enquiries (staff)


def staff_enquiry(org, **extra):
    with organisation_scope(org):
        return actions.receive_enquiry(
            organisation=org,
            organisation_name="Ysgol Glan Morfa",
            sector=c.Sector.SCHOOL,
            contact_name="Carys Hughes",
            email="carys@glanmorfa.example",
            **extra,
        )


def test_enquiries_are_filtered_by_status(org, manager, staff):
    open_one = staff_enquiry(org)
    closed = staff_enquiry(org, phone="1")
    with organisation_scope(org):
        m.Enquiry.objects.filter(pk=closed.pk).update(organisation_name="Closed School")
        closed.refresh_from_db()
        actions.close_enquiry(actor=manager, enquiry=closed, reason="No budget")
    new_only = page_text(staff.get(reverse("training_enquiries"), {"status": "new"}))
    assert open_one.organisation_name in new_only and "Closed School" not in new_only
    assert "Closed School" in page_text(staff.get(reverse("training_enquiries")))


def test_the_enquiry_list_runs_a_fixed_number_of_queries(org, manager, staff, count_queries):
    with organisation_scope(org):
        the_course = course(manager, org)
    staff_enquiry(org, course=the_course)
    url = reverse("training_enquiries")
    few = count_queries(staff, url)
    for i in range(8):
        staff_enquiry(org, course=the_course, phone=str(i))
    assert count_queries(staff, url) == few


def test_staff_record_an_enquiry_once_however_often_they_press_the_button(org, staff):
    data = {
        "submission_id": "e1",
        "organisation_name": "Ysgol Glan Morfa",
        "sector": "school",
        "contact_name": "Carys Hughes",
        "email": "carys@glanmorfa.example",
        "language": "en",
    }
    first = staff.post(reverse("training_enquiry_new"), data)
    second = staff.post(reverse("training_enquiry_new"), data)
    assert first["Location"] == second["Location"]
    with organisation_scope(org):
        assert m.Enquiry.objects.count() == 1
    assert mail.outbox == []


def test_an_enquiry_is_converted_from_its_page(org, manager, staff):
    with organisation_scope(org):
        the_course = course(manager, org)
    enquiry = staff_enquiry(org)
    page = staff.get(reverse("training_enquiry", args=[enquiry.pk]))
    assert reverse("training_enquiry_convert", args=[enquiry.pk]) in page.content.decode()
    url = reverse("training_enquiry_convert", args=[enquiry.pk])
    missing = staff.post(url, {"course": "", "version": enquiry.version})
    assert "Choose the course the engagement is for." in error_summary(missing)

    response = staff.post(url, {"course": the_course.pk, "version": enquiry.version})

    with organisation_scope(org):
        engagement = m.Engagement.objects.get()
    assert response["Location"] == reverse("training_engagement", args=[engagement.pk])
    assert engagement.client.name == "Ysgol Glan Morfa"
    again = staff.get(url)
    assert again.status_code == 302


def test_an_enquiry_is_closed_with_a_reason(org, staff):
    enquiry = staff_enquiry(org)
    url = reverse("training_enquiry_close", args=[enquiry.pk])
    missing = staff.post(url, {"reason": "", "version": enquiry.version})
    assert "Enter why the enquiry is closed." in error_summary(missing)
    staff.post(url, {"reason": "Date did not suit", "version": enquiry.version})
    page = page_text(staff.get(reverse("training_enquiry", args=[enquiry.pk])))
    assert "Date did not suit" in page and "Closed" in page


# ---------------------------------------------------------------- the public enquiry form


def public_form(**overrides):
    data = {
        "submission_id": overrides.pop("submission_id", "p1"),
        "started": started_token(time.time() - 60, salt=PublicEnquiryForm.STARTED_SALT),
        "organisation_name": "Ysgol Glan Morfa",
        "sector": "school",
        "contact_name": "Carys Hughes",
        "job_title": "Deputy head",
        "email": "carys@glanmorfa.example",
        "phone": "",
        "course": "",
        "participants": "25",
        "preferred_dates": "September",
        "message": "An introduction for all staff.",
        "language": "cy",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_can_send_a_training_enquiry_and_is_thanked_and_acknowledged(
    org, manager, django_capture_on_commit_callbacks
):
    with organisation_scope(org):
        the_course = course(manager, org)
    client = Client()
    url = reverse("training_enquire", args=[org.slug])
    assert the_course.title in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, public_form(course=the_course.pk))

    assert response.status_code == 302
    assert response["Location"] == reverse("training_enquire_thanks", args=[org.slug])
    assert client.get(response["Location"]).status_code == 200
    with organisation_scope(org):
        enquiry = m.Enquiry.objects.get()
    assert enquiry.from_public_form and enquiry.language == "cy"
    assert enquiry.course == the_course and enquiry.participants == 25
    [email] = mail.outbox
    assert email.to == ["carys@glanmorfa.example"]


def test_the_public_form_is_in_welsh_for_a_welsh_reader(org, manager):
    with organisation_scope(org):
        course(manager, org)
    client = Client()
    client.cookies["mend_language"] = "cy"
    html = client.get(reverse("training_enquire", args=[org.slug])).content.decode()
    assert '<html lang="cy"' in html
    assert "Dulliau adferol mewn ysgolion" in html


def test_a_double_submitted_public_enquiry_creates_one_enquiry(org):
    client = Client()
    url = reverse("training_enquire", args=[org.slug])
    first = client.post(url, public_form())
    second = client.post(url, public_form())
    assert first["Location"] == second["Location"]
    with organisation_scope(org):
        assert m.Enquiry.objects.count() == 1


def test_a_public_enquiry_keeps_the_answers_when_something_is_missing(org):
    response = Client().post(reverse("training_enquire", args=[org.slug]), public_form(email=""))
    assert response.status_code == 200
    assert "Enter an email address so we can reply." in error_summary(response)
    assert 'value="Ysgol Glan Morfa"' in response.content.decode()


def test_a_public_enquiry_with_the_hidden_trap_filled_in_is_refused(org):
    response = Client().post(
        reverse("training_enquire", args=[org.slug]), public_form(website="http://spam.test")
    )
    assert response.status_code == 200
    assert any("We could not accept this form." in e for e in error_summary(response))
    assert 'value="Ysgol Glan Morfa"' in response.content.decode()
    with organisation_scope(org):
        assert not m.Enquiry.objects.exists()


def test_a_public_enquiry_sent_within_seconds_is_refused(org):
    response = Client().post(
        reverse("training_enquire", args=[org.slug]),
        public_form(started=started_token(salt=PublicEnquiryForm.STARTED_SALT)),
    )
    assert any("sent very quickly" in e for e in error_summary(response))
    with organisation_scope(org):
        assert not m.Enquiry.objects.exists()


def test_too_many_public_enquiries_from_one_address_are_refused(org):
    client = Client()
    url = reverse("training_enquire", args=[org.slug])
    for i in range(ENQUIRY_LIMIT.limit):
        sent = client.post(url, public_form(submission_id=f"s{i}"), REMOTE_ADDR="192.0.2.7")
        assert sent.status_code == 302

    refused = client.post(url, public_form(submission_id="more"), REMOTE_ADDR="192.0.2.7")

    assert refused.status_code == 429
    assert any("try again later" in e for e in error_summary(refused))
    elsewhere = Client().post(url, public_form(submission_id="x"), REMOTE_ADDR="192.0.2.8")
    assert elsewhere.status_code == 302
    with organisation_scope(org):
        assert m.Enquiry.objects.count() == ENQUIRY_LIMIT.limit + 1


def test_an_unknown_organisation_has_no_enquiry_form_and_thanks_needs_an_enquiry(org):
    assert Client().get(reverse("training_enquire", args=["nowhere"])).status_code == 404
    thanks = Client().get(reverse("training_enquire_thanks", args=[org.slug]))
    assert thanks["Location"] == reverse("training_enquire", args=[org.slug])


# ---------------------------------------------------------------- engagements


def test_engagements_are_listed_with_status_next_session_and_value(org, manager, staff):
    with organisation_scope(org):
        engagement = engagement_with_sessions(
            manager, org, [soon(20), soon(27)], values=["750.00", "500.00"]
        )
    text = page_text(staff.get(reverse("training_engagements")))
    assert engagement.reference in text and "Ysgol Gynradd Glan Morfa" in text
    assert "£1,250.00" in text and "Enquiry" in text
    assert engagement.reference not in page_text(
        staff.get(reverse("training_engagements"), {"status": "signed"})
    )


def test_the_engagement_list_runs_a_fixed_number_of_queries(org, manager, staff, count_queries):
    url = reverse("training_engagements")
    with organisation_scope(org):
        engagement_with_sessions(manager, org, [soon(20)])
    few = count_queries(staff, url)
    with organisation_scope(org):
        for i in range(6):
            engagement_with_sessions(manager, org, [soon(30 + i), soon(40 + i)])
    assert count_queries(staff, url) == few


def test_an_engagement_is_started_for_a_client_and_a_contact_of_another_client_is_refused(
    org, manager, staff
):
    with organisation_scope(org):
        client, contact = school_client(manager, org)
        _other, stranger = school_client(manager, org, name="Other School")
        m.ClientContact.objects.filter(pk=stranger.pk).update(name="Stranger")
        the_course = course(manager, org)
    url = reverse("training_engagement_new")
    data = {
        "submission_id": "g1",
        "client": client.pk,
        "contact": stranger.pk,
        "course": the_course.pk,
        "participants": "20",
    }
    refused = staff.post(url, data)
    assert "Choose a contact who works for this client." in error_summary(refused)
    done = staff.post(url, {**data, "contact": contact.pk})
    with organisation_scope(org):
        engagement = m.Engagement.objects.get()
    assert done["Location"] == reverse("training_engagement", args=[engagement.pk])
    assert engagement.title == the_course.title and engagement.contact == contact


def test_the_engagement_page_runs_a_fixed_number_of_queries(org, manager, staff, count_queries):
    with organisation_scope(org):
        small = engagement_with_sessions(manager, org, [soon(20)])
        actions.issue_proposal(actor=manager, engagement=small, valid_until=soon(10))
        actions.send_sla(actor=manager, engagement=small)
        large = engagement_with_sessions(manager, org, [soon(30 + i) for i in range(10)])
        for _ in range(3):
            actions.issue_proposal(actor=manager, engagement=large, valid_until=soon(10))
        for _ in range(3):
            actions.send_sla(actor=manager, engagement=large)
    assert count_queries(staff, reverse("training_engagement", args=[small.pk])) == count_queries(
        staff, reverse("training_engagement", args=[large.pk])
    )


def test_the_engagement_page_shows_who_accepted_the_agreement_and_from_where(org, manager, staff):
    with organisation_scope(org):
        engagement = engagement_with_sessions(manager, org, [soon(40)])
        sla, _token = actions.send_sla(actor=manager, engagement=engagement)
        actions.accept_sla(sla=sla, name="Carys Hughes", ip_address="203.0.113.9")
    text = page_text(staff.get(reverse("training_engagement", args=[engagement.pk])))
    assert "Agreement signed" in text
    assert "By Carys Hughes on" in text
    assert "203.0.113.9" in text
    assert "Version 1, copied when it was signed" in text


def test_a_trainer_not_delivering_the_engagement_cannot_see_it(
    org, manager, make_member, signed_in
):
    with organisation_scope(org):
        engagement = engagement_with_sessions(manager, org, [soon(40)])
    trainer = signed_in(make_member(org, Role.TRAINER).user, org)
    assert trainer.get(reverse("training_engagement", args=[engagement.pk])).status_code == 404


def test_a_trainer_delivering_a_session_sees_the_engagement_without_sales_details(
    org, manager, make_member, signed_in
):
    trainer = make_member(org, Role.TRAINER)
    with organisation_scope(org):
        engagement = engagement_with_sessions(manager, org, [soon(40)])
        m.SessionTrainer.objects.create(
            organisation=org, session=engagement.sessions.get(), membership=trainer
        )
    client = signed_in(trainer.user, org)
    response = client.get(reverse("training_engagement", args=[engagement.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert engagement.title in text
    assert "Quotes" not in text and "£" not in text


# ---------------------------------------------------------------- quotes


def test_a_quote_is_issued_from_the_engagement_and_downloaded_as_pdf(org, manager, staff):
    with organisation_scope(org):
        engagement = engagement_with_sessions(manager, org, [soon(40)])
    url = reverse("training_proposal_new", args=[engagement.pk])
    page = page_text(staff.get(url))
    assert "Restorative approaches in schools:" in page
    past = staff.post(url, {"submission_id": "q1", "valid_until": soon(-2).isoformat()})
    assert "The quote must be valid until today or later." in error_summary(past)

    done = staff.post(url, {"submission_id": "q2", "valid_until": soon(30).isoformat()})
    again = staff.post(url, {"submission_id": "q2", "valid_until": soon(30).isoformat()})

    assert done["Location"] == again["Location"]
    with organisation_scope(org):
        proposal = m.Proposal.objects.get()
    pdf = staff.get(reverse("training_proposal_pdf", args=[proposal.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert proposal.number in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")


# ---------------------------------------------------------------- the agreement


def test_staff_send_the_agreement_to_a_contact_they_choose(
    org, manager, staff, django_capture_on_commit_callbacks
):
    with organisation_scope(org):
        engagement = engagement_with_sessions(manager, org, [soon(40)])
        other = actions.add_contact(
            actor=manager,
            client=engagement.client,
            name="Huw Jones",
            role="senior_leader",
            email="huw@glanmorfa.example",
        )
    url = reverse("training_sla_send", args=[engagement.pk])
    assert "Huw Jones" in page_text(staff.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"submission_id": "s1", "contact": other.pk})
    assert response["Location"] == reverse("training_engagement", args=[engagement.pk])
    [email] = mail.outbox
    assert email.to == ["huw@glanmorfa.example"]
    with organisation_scope(org):
        sla = m.ServiceLevelAgreement.objects.get()
    assert sla.contact == other


def test_staff_withdraw_an_agreement_and_its_link_stops_working(org, manager, staff):
    with organisation_scope(org):
        engagement = engagement_with_sessions(manager, org, [soon(40)])
        sla, token = actions.send_sla(actor=manager, engagement=engagement)
    response = staff.post(reverse("training_sla_withdraw", args=[sla.pk]))
    assert response.status_code == 302
    page = Client().get(reverse("training_sla", args=[token]))
    assert page.status_code == 404
    assert "replaced or withdrawn" in page_text(page)


def sent_agreement(org, manager, language="en"):
    with organisation_scope(org):
        client, _contact = school_client(manager, org, language=language)
        engagement = engagement_with_sessions(
            manager, org, [soon(40), soon(47)], values=["750.00", "500.00"], client=client
        )
        sla, token = actions.send_sla(actor=manager, engagement=engagement)
    return engagement, sla, token


def test_the_agreement_page_shows_sessions_total_and_the_policy_in_words(org, manager):
    _engagement, _sla, token = sent_agreement(org, manager)
    response = Client().get(reverse("training_sla", args=[token]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Home Restorative Service" in text and "Ysgol Gynradd Glan Morfa" in text
    assert "£1,250.00" in text and "£750.00" in text
    assert "10% of the total if you cancel at any time after signing." in text
    assert (
        "50% of a session's value if it is cancelled within 30 days of its delivery date." in text
    )


def test_the_client_accepts_the_agreement_at_its_link(org, manager):
    _engagement, sla, token = sent_agreement(org, manager)
    url = reverse("training_sla", args=[token])
    browser = Client(HTTP_USER_AGENT="Firefox/140")
    unticked = browser.post(url, {"name": "Carys Hughes", "job_title": "Deputy head"})
    assert "Confirm that you agree to the terms." in error_summary(unticked)
    assert 'value="Carys Hughes"' in unticked.content.decode()

    response = browser.post(
        url,
        {"name": "Carys Hughes", "job_title": "Deputy head", "agree": "on"},
        REMOTE_ADDR="203.0.113.50",
    )

    assert response["Location"] == url
    sla.refresh_from_db()
    assert sla.status == c.SlaStatus.ACCEPTED and sla.accepted_name == "Carys Hughes"
    assert sla.accepted_ip == "203.0.113.50" and sla.accepted_user_agent == "Firefox/140"
    assert sla.policy_snapshot["version"] == 1
    later = page_text(Client().get(url))
    assert "Accepted by Carys Hughes on" in later
    assert "Accept agreement" not in later


def test_an_agreement_link_that_is_unknown_or_expired_says_what_to_do(org, manager):
    _engagement, sla, token = sent_agreement(org, manager)
    unknown = Client().get(reverse("training_sla", args=["not-a-real-token"]))
    assert unknown.status_code == 404
    assert "This link is not valid." in page_text(unknown)
    with organisation_scope(org):
        m.ServiceLevelAgreement.objects.filter(pk=sla.pk).update(
            expires_at=timezone.now() - timedelta(hours=1)
        )
    expired = Client().get(reverse("training_sla", args=[token]))
    assert expired.status_code == 404
    assert "This link has expired." in page_text(expired)
    posted = Client().post(
        reverse("training_sla", args=[token]), {"name": "Carys Hughes", "agree": "on"}
    )
    assert posted.status_code == 404
    sla.refresh_from_db()
    assert sla.status == c.SlaStatus.SENT


def test_the_agreement_page_is_in_the_contacts_language_unless_the_reader_chose_one(org, manager):
    _engagement, _sla, token = sent_agreement(org, manager, language="cy")
    url = reverse("training_sla", args=[token])
    welsh = Client().get(url).content.decode()
    assert '<html lang="cy"' in welsh
    assert "Dulliau adferol mewn ysgolion" in welsh
    chooser = Client()
    chooser.cookies["mend_language"] = "en"
    assert '<html lang="en"' in chooser.get(url).content.decode()


def test_session_times_on_the_agreement_are_london_times(org, manager):
    _engagement, _sla, token = sent_agreement(org, manager)
    text = page_text(Client().get(reverse("training_sla", args=[token])))
    assert f"{at(soon(40)):%H:%M}" == "09:30"
    assert "09:30–15:30" in text
