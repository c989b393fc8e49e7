"""Outcomes: support packages, agreements with restitution payments, feedback surveys."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.outcomes import queries
from mend.core.models import AuditEvent
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope, unscoped
from tests.builders import CaseWorld
from tests.pages import error_summary, page_text

pytestmark = pytest.mark.django_db


def survey_token(message) -> str:
    return re.search(r"/cases/feedback/([\w-]+)/", message.body).group(1)


class World(CaseWorld):
    """A criminal-justice case: Sharon Jones (harmed, Welsh-speaking) and Dean Walsh (responsible)."""

    def __init__(self, org, make_member):
        super().__init__(org, make_member)
        self.manager = self.member(Role.MANAGER, email="morgan.home@example.test")
        self.practitioner = self.member(Role.PRACTITIONER, email="priya.home@example.test")
        self.case = self.open_case(
            lead=self.practitioner,
            sharon={
                "postcode": "CF10 1AA",
                "preferred_language": "cy",
                "contact": {"email": "sharon@example.test", "address": "4 Heol y Bont, Caerdydd"},
            },
            dean={"contact": {"phone": "07700 900002", "address": "9 Dock Street, Newport"}},
        )

    def restitution(self, amount="100.00"):
        with organisation_scope(self.org):
            agreement = actions.create_agreement(actor=self.manager.user, case=self.case)
            return actions.add_agreement_item(
                actor=self.manager.user,
                agreement=agreement,
                kind=c.AgreementItemKind.RESTITUTION,
                responsible=self.dean,
                serves=self.sharon,
                description="Pay for the broken window",
                amount=amount,
                due_on=timezone.localdate() + timedelta(days=60),
            )


@pytest.fixture
def world(org, make_member):
    return World(org, make_member)


# ---------------------------------------------------------------- support packages


def test_a_support_referral_goes_from_suggested_to_completed_with_its_outcome_encrypted(
    world, signed_in
):
    client = signed_in(world.practitioner.user, world.org)
    response = client.post(
        reverse("support_referral_new", args=[world.sharon.pk]),
        {"service": "counselling", "provider": "Cwm Counselling", "status": "suggested"},
    )
    assert response.status_code == 302
    with organisation_scope(world.org):
        referral = m.SupportReferral.objects.get(party=world.sharon)
    assert (referral.service, referral.status, referral.referred_on) == (
        "counselling",
        "suggested",
        None,
    )
    edit = reverse("support_referral_edit", args=[referral.pk])
    form = client.get(edit).context["form"]
    response = client.post(
        edit,
        {
            "provider": "Cwm Counselling",
            "status": "completed",
            "referred_on": "",
            "outcome": "Six sessions attended",
            "version": form.initial["version"],
        },
    )
    assert response.status_code == 302
    with organisation_scope(world.org):
        referral.refresh_from_db()
        raw = m.SupportReferral.objects.filter(pk=referral.pk).values_list("outcome", flat=True)
        events = list(
            AuditEvent.objects.filter(action__startswith="case.support_referral").order_by("id")
        )
    assert referral.status == "completed"
    assert referral.referred_on == timezone.localdate()
    assert referral.outcome == "Six sessions attended"
    with connection.cursor() as cursor:
        cursor.execute("select outcome from cases_supportreferral where id = %s", [referral.pk])
        stored = cursor.fetchone()[0]
    assert "Six sessions" not in stored and list(raw) == ["Six sessions attended"]
    assert [e.action for e in events] == [
        "case.support_referral_added",
        "case.support_referral_updated",
    ]
    assert "Six sessions" not in str(events[1].changes)
    tab = client.get(reverse("case_outcomes", args=[world.case.pk]))
    assert "Sharon Jones's support (person harmed)" in page_text(tab)
    assert "Six sessions attended" in page_text(tab)


def test_other_support_needs_a_provider(world, signed_in):
    client = signed_in(world.practitioner.user, world.org)
    response = client.post(
        reverse("support_referral_new", args=[world.dean.pk]),
        {"service": "other", "provider": "", "status": "referred"},
    )
    assert response.status_code == 200
    assert error_summary(response) == ["Enter who provides this support."]


def test_a_second_editor_of_a_support_referral_is_told_of_the_conflict(world):
    with organisation_scope(world.org):
        referral = actions.add_support_referral(
            actor=world.manager.user, party=world.dean, service="housing", status="referred"
        )
        seen = referral.version
        actions.update_support_referral(
            actor=world.manager.user,
            referral=referral,
            status="engaged",
            outcome="First",
            version=seen,
        )
        with pytest.raises(ValidationError, match="Someone else changed this record"):
            actions.update_support_referral(
                actor=world.practitioner.user,
                referral=referral,
                status="declined",
                outcome="Second",
                version=seen,
            )
        referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("engaged", "First")


# ---------------------------------------------------------------- agreements and restitution


def test_restitution_payments_are_tracked_against_the_amount_exactly(world):
    item = world.restitution("100.00")
    with organisation_scope(world.org):
        for amount in ("33.33", "33.33", Decimal("33.33")):
            actions.record_payment(actor=world.manager.user, item=item, amount=amount)
        item = m.AgreementItem.objects.prefetch_related("payments").get(pk=item.pk)
        assert item.paid() == Decimal("99.99")
        assert item.amount - item.paid() == Decimal("0.01")
        assert item.status == c.AgreementItemStatus.OPEN
        actions.record_payment(actor=world.manager.user, item=item, amount="0.01")
        item = m.AgreementItem.objects.prefetch_related("payments").get(pk=item.pk)
    assert item.paid() == Decimal("100.00")
    assert item.status == c.AgreementItemStatus.COMPLETED


def test_an_overpayment_is_refused_with_the_balance(world, signed_in):
    item = world.restitution("50.00")
    with organisation_scope(world.org):
        actions.record_payment(actor=world.manager.user, item=item, amount="20.10")
    client = signed_in(world.practitioner.user, world.org)
    response = client.post(
        reverse("payment_new", args=[item.pk]),
        {"amount": "29.91", "paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "This is more than is still owed. The balance is £29.90: enter £29.90 or less."
    ]
    assert response.context["form"]["amount"].value() == "29.91"
    with organisation_scope(world.org):
        assert m.Payment.objects.filter(item=item).count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Enter an amount greater than £0."),
        ("-5", "Enter an amount greater than £0."),
        ("10.005", "Enter an amount in pounds and pence, such as 12.50."),
        ("ten", "Enter an amount in pounds, such as 12.50."),
    ],
)
def test_payment_amounts_must_be_pounds_and_pence_above_zero(world, amount, message):
    item = world.restitution("50.00")
    with organisation_scope(world.org), pytest.raises(ValidationError) as refused:
        actions.record_payment(actor=world.manager.user, item=item, amount=amount)
    assert refused.value.message_dict == {"amount": [message]}


def test_a_double_submitted_payment_is_recorded_once(world, signed_in):
    item = world.restitution("50.00")
    client = signed_in(world.practitioner.user, world.org)
    url = reverse("payment_new", args=[item.pk])
    token = client.get(url).context["form"].initial["submission_id"]
    data = {"amount": "10.00", "paid_on": timezone.localdate().isoformat(), "submission_id": token}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    with organisation_scope(world.org):
        assert m.Payment.objects.filter(item=item).count() == 1


def test_agreement_items_are_made_by_a_responsible_party_for_a_harmed_one(world):
    with organisation_scope(world.org):
        agreement = actions.create_agreement(actor=world.manager.user, case=world.case)
        with pytest.raises(ValidationError) as refused:
            actions.add_agreement_item(
                actor=world.manager.user,
                agreement=agreement,
                kind=c.AgreementItemKind.APOLOGY,
                responsible=world.sharon,
                serves=world.dean,
                description="An apology",
            )
        assert refused.value.message_dict == {
            "responsible": ["Choose a person responsible in this case."],
            "serves": ["Choose a person harmed in this case."],
        }
        with pytest.raises(ValidationError) as refused:
            actions.add_agreement_item(
                actor=world.manager.user,
                agreement=agreement,
                kind=c.AgreementItemKind.RESTITUTION,
                responsible=world.dean,
                description="Pay",
            )
        assert refused.value.message_dict == {"amount": ["Enter the amount to be paid."]}


def test_several_agreements_and_item_completion_are_shown_on_the_outcomes_tab(world, signed_in):
    item = world.restitution("80.00")
    with organisation_scope(world.org):
        actions.record_payment(actor=world.manager.user, item=item, amount="30.00")
        later = actions.create_agreement(actor=world.manager.user, case=world.case)
        apology = actions.add_agreement_item(
            actor=world.manager.user,
            agreement=later,
            kind=c.AgreementItemKind.APOLOGY,
            responsible=world.dean,
            serves=world.sharon,
            description="A letter of apology",
        )
        with pytest.raises(ValidationError, match="£50.00 is still owed"):  # noqa: RUF043
            actions.set_item_status(actor=world.manager.user, item=item, status="completed")
    client = signed_in(world.practitioner.user, world.org)
    response = client.post(
        reverse("agreement_item_status", args=[apology.pk]), {"status": "completed"}
    )
    assert response.status_code == 302
    text = page_text(client.get(reverse("case_outcomes", args=[world.case.pk])))
    assert text.count("Agreement of") == 2
    assert "£80.00 agreed, £30.00 paid, £50.00 still owed" in text
    assert "A letter of apology" in text
    with organisation_scope(world.org):
        apology.refresh_from_db()
    assert apology.status == "completed" and apology.completed_on == timezone.localdate()


def test_the_outcomes_tab_runs_a_fixed_number_of_queries(world, signed_in, count_queries):
    client = signed_in(world.manager.user, world.org)
    url = reverse("case_outcomes", args=[world.case.pk])
    world.consent(world.sharon, c.ConsentScope.FEEDBACK)
    world.consent(world.dean, c.ConsentScope.FEEDBACK)

    def add_one_of_each(party):
        with organisation_scope(world.org):
            item = world.restitution("90.00")
            actions.record_payment(actor=world.manager.user, item=item, amount="10.00")
            actions.record_payment(actor=world.manager.user, item=item, amount="10.00")
            actions.add_support_referral(actor=world.manager.user, party=party, service="gp")
            actions.send_feedback_request(actor=world.manager.user, party=party)
            actions.draft_case_study(actor=world.manager.user, case=world.case)
            actions.add_party(
                actor=world.manager.user, case=world.case, role="supporter", first_name="Extra"
            )

    add_one_of_each(world.sharon)
    small = count_queries(client, url)
    for _ in range(4):
        add_one_of_each(world.dean)
    assert count_queries(client, url) == small


# ---------------------------------------------------------------- feedback


def test_feedback_is_refused_without_consent(world, signed_in):
    client = signed_in(world.practitioner.user, world.org)
    url = reverse("feedback_send", args=[world.dean.pk])
    assert "has not consented to be asked for feedback" in page_text(client.get(url))
    response = client.post(url, {})
    assert error_summary(response) == [
        "Dean Walsh (person responsible) has not consented to be asked for feedback. Record "
        "their consent first."
    ]
    with organisation_scope(world.org):
        assert not m.FeedbackRequest.objects.exists()


def test_the_survey_email_goes_to_the_party_in_their_language(
    world, signed_in, django_capture_on_commit_callbacks
):
    world.org.name_cy = "Gwasanaeth Adferol Cartref"
    world.org.save()
    world.consent(world.sharon, c.ConsentScope.FEEDBACK)
    client = signed_in(world.practitioner.user, world.org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feedback_send", args=[world.sharon.pk]), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("case_outcomes", args=[world.case.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sharon@example.test"]
    # Welsh: the organisation's Welsh name and a Welsh month in the expiry date.
    assert "Gwasanaeth Adferol Cartref" in message.subject
    welsh_months = ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf"]
    welsh_months += ["Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"]
    assert any(month in message.body for month in welsh_months)
    # Nothing of the other party.
    for detail in ("Dean", "Walsh", "07700 900002", "Dock Street"):
        assert detail not in message.body
    token = survey_token(message)
    with organisation_scope(world.org):
        stored = m.FeedbackRequest.objects.get(party=world.sharon)
    assert token not in stored.token_hash
    assert stored.expires_at - stored.sent_at == timedelta(days=30)


def test_without_an_email_address_the_link_is_shown_once_to_the_practitioner(world, signed_in):
    world.consent(world.dean, c.ConsentScope.FEEDBACK)
    client = signed_in(world.practitioner.user, world.org)
    response = client.post(reverse("feedback_send", args=[world.dean.pk]), {})
    assert response.status_code == 302 and "/link/" in response["Location"]
    first = page_text(client.get(response["Location"]))
    token = re.search(r"/cases/feedback/([\w-]+)/", first).group(1)
    assert client.get(f"/cases/feedback/{token}/").status_code == 200
    second = page_text(client.get(response["Location"]))
    assert token not in second and "already been shown" in second
    assert mail.outbox == []


def test_the_survey_is_answered_once_and_its_answers_are_stored(
    world, client, django_capture_on_commit_callbacks
):
    world.consent(world.sharon, c.ConsentScope.FEEDBACK)
    with organisation_scope(world.org), django_capture_on_commit_callbacks(execute=True):
        actions.send_feedback_request(actor=world.manager.user, party=world.sharon)
    url = f"/cases/feedback/{survey_token(mail.outbox[0])}/"
    page = client.get(url)
    assert page.status_code == 200
    # Sharon prefers Welsh and has not chosen a language in this browser.
    assert '<html lang="cy"' in page.content.decode()
    incomplete = client.post(url, {"satisfaction": "4"})
    # ... and the errors speak Welsh too ("Say whether you felt safe.").
    assert "Dywedwch a oeddech chi'n teimlo'n ddiogel." in error_summary(incomplete)
    response = client.post(
        url,
        {
            "satisfaction": "4",
            "felt_safe": "yes",
            "felt_heard": "yes",
            "would_recommend": "no",
            "comments": "Dean listened to me.",
            "may_quote_anonymously": "on",
        },
    )
    assert response.status_code == 302
    with organisation_scope(world.org):
        answered = m.FeedbackRequest.objects.get(party=world.sharon)
    assert answered.answered_at is not None
    assert (answered.satisfaction, answered.felt_safe, answered.felt_heard) == (4, True, True)
    assert answered.would_recommend is False and answered.may_quote_anonymously is True
    assert answered.comments == "Dean listened to me."
    with connection.cursor() as cursor:
        cursor.execute("select comments from cases_feedbackrequest where id = %s", [answered.pk])
        assert "listened" not in cursor.fetchone()[0]
    again = client.get(url)
    assert again.status_code == 200
    assert "wedi'i ateb yn barod" in page_text(again)  # "already been answered"
    second = client.post(
        url,
        {"satisfaction": "1", "felt_safe": "no", "felt_heard": "no", "would_recommend": "no"},
    )
    assert "wedi'i ateb yn barod" in page_text(second)
    with organisation_scope(world.org):
        assert m.FeedbackRequest.objects.get(party=world.sharon).satisfaction == 4


def test_an_expired_survey_link_says_so(world, client):
    world.consent(world.dean, c.ConsentScope.FEEDBACK)
    with organisation_scope(world.org):
        request, token, _emailed = actions.send_feedback_request(
            actor=world.manager.user, party=world.dean
        )
    with unscoped():
        m.FeedbackRequest.objects.filter(pk=request.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    response = client.get(f"/cases/feedback/{token}/")
    assert response.status_code == 410
    assert "This survey link has expired" in page_text(response)


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 150, "%20"])
def test_an_invalid_survey_link_is_not_found_never_an_error(db, client, token):
    response = client.get(f"/cases/feedback/{token}/")
    assert response.status_code == 404
    assert "This survey link is not valid" in page_text(response)
    assert client.post(f"/cases/feedback/{token}/", {"satisfaction": "5"}).status_code == 404


def test_a_new_survey_link_replaces_the_unanswered_one(world):
    world.consent(world.dean, c.ConsentScope.FEEDBACK)
    with organisation_scope(world.org):
        _first, old, _ = actions.send_feedback_request(actor=world.manager.user, party=world.dean)
        _second, new, _ = actions.send_feedback_request(actor=world.manager.user, party=world.dean)
    assert queries.feedback_problem(queries.find_feedback_request(old))[0] == 410
    assert queries.feedback_problem(queries.find_feedback_request(new)) is None
