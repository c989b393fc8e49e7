"""Issue 4's training business, end to end in the browser.

A school asks about training on the public form; office staff turn the enquiry into an
engagement, add a session, issue a quote (PDF) and send the Service Level Agreement; the school's
contact accepts it at its link without signing in. The session is delivered: attendees are
pasted in, the register is taken, certificates are issued to those present and one is checked on
the public page. A second engagement for the same school is then cancelled 20 days before its
session: the quote shows every tier of the signed policy, the 30-day tier is charged, and the
fee invoice (PDF) is emailed to the contact. Every step goes through the real pages.
"""

from __future__ import annotations

import io
import re
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.support import no_errors, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_cache")]

SCHOOL = "Ysgol Gynradd Glan Morfa"
CONTACT = "Carys Hughes"
CONTACT_EMAIL = "carys.hughes@glanmorfa.example"
CONTACT_JOB = "Deputy headteacher"
COURSE_TITLE = "Restorative approaches in schools"
COURSE_PRICE = Decimal("750.00")
ATTENDEES = [
    ("Dafydd Jones", "dafydd.jones@glanmorfa.example"),
    ("Eleri Morgan", "eleri.morgan@glanmorfa.example"),
    ("Gareth Owen", "gareth.owen@glanmorfa.example"),
]
PRESENT = ["Dafydd Jones", "Eleri Morgan"]
ABSENT = "Gareth Owen"


@pytest.fixture
def organisation(transactional_db, settings, tmp_path, live_server):
    from mend.core.tests_support import make_organisation

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEND_BASE_URL = live_server.url  # links made for people point at this server
    return make_organisation("Cwm Restorative Approaches", "cwm")


@pytest.fixture
def office(organisation):
    from mend.core.roles import Role
    from mend.core.tests_support import make_member

    return make_member(organisation, Role.OFFICE, full_name="Olwen Price")


@pytest.fixture
def offered_course(organisation, office):
    from mend.core.tenancy import organisation_scope
    from tests.training.support import course

    with organisation_scope(organisation):
        return course(office.user, organisation, price=str(COURSE_PRICE))


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(body)).pages)
    return " ".join(text.split())


def _fetch_pdf(context, href: str) -> str:
    response = context.request.get(href)
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    return _pdf_text(response.body())


def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def test_school_enquiry_to_certificates_and_a_cancellation_fee(
    browser, live_server, context, page, sign_in_as, organisation, office, offered_course
):
    from django.core import mail

    from mend.core import public_forms
    from mend.core.tenancy import organisation_scope
    from mend.training import models as m
    from tests.training.support import signed_engagement, soon

    # 1. The school sends the public enquiry form, without signing in.
    anonymous = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        school = anonymous.new_page()
        school.goto(reverse("training_enquire", args=[organisation.slug]))
        shown_at = time.monotonic()
        school.get_by_label("Organisation name").fill(SCHOOL)
        school.get_by_label("Kind of organisation").select_option(label="School or college")
        school.get_by_label("Your name").fill(CONTACT)
        school.get_by_label("Job title").fill(CONTACT_JOB)
        school.get_by_label("Email address").fill(CONTACT_EMAIL)
        school.get_by_label("English", exact=True).check()
        school.get_by_label("Course", exact=True).select_option(label=COURSE_TITLE)
        school.get_by_label("Number of people").fill("3")
        school.get_by_label("Preferred dates").fill("An INSET day this term")
        school.get_by_label("What are you looking for?").fill("Training for our pastoral team.")
        # People take a few seconds over a form; a quicker one is refused as a likely program.
        waited = time.monotonic() - shown_at
        school.wait_for_timeout(max(0, public_forms.MINIMUM_SECONDS + 0.3 - waited) * 1000)
        submit(school, "Send enquiry")
        no_errors(school)
        expect(school.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
        expect(school.get_by_role("main")).to_contain_text(
            "Thank you for contacting Cwm Restorative Approaches"
        )
        screenshot(school, "training-e2e-1-enquiry-sent")
    finally:
        anonymous.close()
    assert [message.to for message in mail.outbox] == [[CONTACT_EMAIL]]  # the acknowledgement

    # 2. Office staff turn the enquiry into an engagement, add yesterday's session and quote.
    sign_in_as(office.user, organisation)
    page.goto(reverse("training_enquiries"))
    enquiries = page.get_by_role("table")
    expect(enquiries).to_contain_text(SCHOOL)
    expect(enquiries).to_contain_text(COURSE_TITLE)
    expect(enquiries).to_contain_text("New")
    page.get_by_role("link", name=re.compile(SCHOOL)).click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("from the public form")
    expect(main).to_contain_text(CONTACT_EMAIL)
    page.get_by_role("link", name="Make it an engagement").click()
    expect(page.get_by_label("Course", exact=True).locator("option:checked")).to_have_text(
        COURSE_TITLE
    )
    submit(page, "Create engagement")
    no_errors(page)
    engagement_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    expect(page.get_by_role("main")).to_contain_text(f"{SCHOOL} (School or college)")

    yesterday = soon(-1)
    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Date", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Starts at").fill("09:30")
    page.get_by_label("Ends at").fill("15:30")
    page.get_by_label("In person, at a venue").check()
    page.get_by_label("Venue", exact=True).fill("School hall")
    submit(page, "Add session")
    no_errors(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Session on {yesterday.day} {yesterday:%B %Y}"
    )

    page.goto(engagement_url)
    page.get_by_role("link", name="Issue a quote").click()
    expect(page.get_by_role("main")).to_contain_text(_pounds(COURSE_PRICE))
    submit(page, "Issue quote")
    no_errors(page)
    with organisation_scope(organisation):
        proposal = m.Proposal.objects.get()
    assert proposal.total == COURSE_PRICE
    expect(page.locator(".govuk-notification-banner")).to_contain_text(proposal.number)
    expect(page.get_by_role("main")).to_contain_text("Quote sent")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(re.escape(proposal.number))).click()
    text = _pdf_text(download_info.value.path().read_bytes())
    assert proposal.number in text
    assert SCHOOL in text
    assert _pounds(proposal.total) in text

    # 3. Staff send the agreement; the contact accepts it at its link, without signing in.
    page.get_by_role("link", name="Send the agreement").click()
    expect(page.get_by_label(CONTACT, exact=True)).to_be_checked()
    submit(page, "Send agreement")
    no_errors(page)
    expect(page.get_by_role("main")).to_contain_text("Agreement sent")
    (invitation,) = [
        message
        for message in mail.outbox
        if CONTACT_EMAIL in message.to and "/training/agreement/" in message.body
    ]
    sla_link = re.search(r"http\S+/training/agreement/\S+", invitation.body).group(0)
    assert sla_link.startswith(live_server.url)

    client_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        agreement = client_context.new_page()
        agreement.goto(sla_link)
        main = agreement.get_by_role("main")
        expect(main).to_contain_text(SCHOOL)
        expect(main).to_contain_text(_pounds(COURSE_PRICE))
        policy = agreement.locator("h2:has-text('Cancellation policy') + p + ul")
        expect(policy).to_contain_text("10% of the total if you cancel at any time after signing.")
        expect(policy).to_contain_text(
            "50% of a session's value if it is cancelled within 30 days of its delivery date."
        )
        expect(policy).to_contain_text(
            "100% of a session's value if it is cancelled within 14 days of its delivery date."
        )
        agreement.get_by_label("Your full name").fill(CONTACT)
        agreement.get_by_label("Your job title").fill(CONTACT_JOB)
        agreement.get_by_label(
            "I agree to this Service Level Agreement, including the cancellation policy"
        ).check()
        screenshot(agreement, "training-e2e-3-agreement")
        submit(agreement, "Accept agreement")
        no_errors(agreement)
        expect(agreement.locator(".govuk-panel")).to_contain_text("Agreement accepted")
        expect(agreement.locator(".govuk-panel")).to_contain_text(f"Accepted by {CONTACT}")
    finally:
        client_context.close()

    page.goto(engagement_url)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Agreement signed")
    sla_status = page.locator(".govuk-summary-list__row:has(dt:text-is('Status'))").first
    expect(sla_status).to_contain_text("Accepted")
    accepted = page.locator(".govuk-summary-list__row:has(dt:text-is('Accepted'))")
    expect(accepted).to_contain_text(f"By {CONTACT} on")
    expect(accepted).to_contain_text(CONTACT_JOB)

    # 4. Delivery: attendees, the register (one absent), delivered, certificates.
    page.get_by_role("link", name="Attendees", exact=True).click()
    page.get_by_role("link", name="Paste a list of attendees").click()
    page.get_by_label("Attendees", exact=True).fill(
        "\n".join(f"{name}, {email}" for name, email in ATTENDEES)
    )
    submit(page, "Add these attendees")
    no_errors(page)
    attendee_list = page.get_by_role("table")
    for name, email in ATTENDEES:
        expect(attendee_list).to_contain_text(name)
        expect(attendee_list).to_contain_text(email)

    page.goto(engagement_url)
    page.get_by_role("link", name=re.compile(r"^View the session on")).click()
    page.get_by_role("link", name="Take the register").click()
    for name in PRESENT:
        page.get_by_label(name, exact=True).check()
    expect(page.get_by_label(ABSENT, exact=True)).not_to_be_checked()
    submit(page, "Save the register")
    no_errors(page)
    expect(page.get_by_role("main")).to_contain_text("2 of 3 attendees present.")
    submit(page, "Mark as delivered")
    no_errors(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Session marked as delivered."
    )
    screenshot(page, "training-e2e-4-session-delivered")

    page.goto(engagement_url)
    page.get_by_role("link", name="Issue certificates").click()
    submit(page, "Issue 2 certificates")
    no_errors(page)
    certificates = page.get_by_role("table")
    for name in PRESENT:
        expect(certificates.get_by_role("row", name=re.compile(name))).to_contain_text("Download")
    absent_row = certificates.get_by_role("row", name=re.compile(ABSENT))
    expect(absent_row).to_contain_text("No")
    expect(absent_row.get_by_role("link")).to_have_count(0)
    screenshot(page, "training-e2e-4-certificates")
    emailed = {address for message in mail.outbox for address in message.to}
    present_emails = {email for name, email in ATTENDEES if name in PRESENT}
    assert present_emails <= emailed
    assert dict(ATTENDEES)[ABSENT] not in emailed
    with organisation_scope(organisation):
        certificate = m.Certificate.objects.get(holder_name=PRESENT[0])
        assert m.Certificate.objects.count() == 2
    link = certificates.get_by_role("link", name=re.compile(re.escape(certificate.code)))
    expect(link).to_contain_text(f"Download {certificate.code}")
    text = _fetch_pdf(context, link.get_attribute("href"))
    assert PRESENT[0] in text
    assert COURSE_TITLE in text
    assert certificate.code in text

    checker_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        checker = checker_context.new_page()
        checker.goto(reverse("training_certificate_check"))
        checker.get_by_label("Verification code").fill(certificate.code.lower())
        submit(checker, "Check the certificate")
        expect(checker.locator(".govuk-panel")).to_contain_text("This certificate is genuine")
        main = checker.get_by_role("main")
        expect(main).to_contain_text(PRESENT[0])
        expect(main).to_contain_text(COURSE_TITLE)
        expect(main).to_contain_text("Cwm Restorative Approaches")
    finally:
        checker_context.close()

    # 5. A second, signed engagement for the same school is cancelled 20 days before its session.
    with organisation_scope(organisation):
        client = m.Client.objects.get(name=SCHOOL)
        second = signed_engagement(office.user, organisation, [soon(20)], client=client)
    fee = COURSE_PRICE / 2
    page.goto(reverse("training_engagement", args=[second.pk]))
    page.get_by_role("link", name="Cancel sessions").click()
    page.get_by_label("Reason for cancelling").fill("The school's inspection moved.")
    submit(page, "Work out the fee")
    no_errors(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancellation quote")
    tiers = page.locator(".govuk-summary-list__row", has_text="Tiers checked").locator("li")
    expect(tiers).to_have_count(3)
    after_signing = tiers.filter(has_text="After signing: 10%.")
    expect(after_signing).to_contain_text("Applies, less severe")
    expect(after_signing).to_contain_text(
        "Applies: the agreement was signed before this cancellation."
    )
    thirty_days = tiers.filter(has_text="Within 30 days of delivery: 50%.")
    expect(thirty_days).to_contain_text("Charged")
    expect(thirty_days).to_contain_text("Applies: 20 days before delivery is within 30 days.")
    fourteen_days = tiers.filter(has_text="Within 14 days of delivery: 100%.")
    expect(fourteen_days).to_contain_text("Does not apply")
    expect(fourteen_days).to_contain_text(
        "Does not apply: 20 days before delivery is more than 14 days."
    )
    expect(page.get_by_role("main")).to_contain_text(f"{_pounds(fee)} (50%)")
    expect(page.get_by_role("main")).to_contain_text(f"{CONTACT} ({CONTACT_EMAIL}) is emailed")
    screenshot(page, "training-e2e-5-cancellation-quote")
    submit(page, "Confirm cancellation")
    no_errors(page)

    with organisation_scope(organisation):
        fee_invoice = m.Invoice.objects.get(engagement=second, cancellation__isnull=False)
    assert fee_invoice.total == fee
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Fee invoice {fee_invoice.number} issued for {_pounds(fee)}."
    )
    expect(page.get_by_role("main")).to_contain_text("Cancelled")
    page.get_by_role("link", name=fee_invoice.number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {fee_invoice.number}")
    line = page.get_by_role("table").get_by_role("row").nth(1)
    expect(line).to_contain_text("50% within 30 days of delivery")
    expect(line).to_contain_text(_pounds(fee))
    screenshot(page, "training-e2e-5-fee-invoice")
    pdf_link = page.get_by_role("link", name=re.compile("Download PDF"))
    text = _fetch_pdf(context, pdf_link.get_attribute("href"))
    assert fee_invoice.number in text
    assert "50%" in text
    assert "30 days" in text
    assert _pounds(fee) in text

    (told,) = [
        message for message in mail.outbox if message.subject.startswith("Cancellation confirmed")
    ]
    assert told.to == [CONTACT_EMAIL]
    assert second.reference in told.subject
    (attachment,) = told.attachments
    assert attachment[0] == f"{fee_invoice.number}.pdf"
    assert attachment[2] == "application/pdf"
    assert fee_invoice.number in _pdf_text(attachment[1])
