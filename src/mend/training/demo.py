"""The demo organisation's training business: clients in every sector, the course catalogue,
engagements in every state (with invoices, payments and cancellations), and an e-learning module
a newcomer can take. Built through the actions, from the past forward; idempotent."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from mend.core.models import Membership
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m

COURSES = [
    # code, title, Welsh title, audience, format, hours, CPD, RJC, price per session
    (
        "rj-conferencing",
        "Restorative conferencing practitioner",
        "Ymarferydd cynadledda adferol",
        c.Audience.PRACTITIONERS,
        c.CourseFormat.IN_PERSON,
        "7",
        "21",
        True,
        "950.00",
    ),
    (
        "ra-schools",
        "Restorative approaches in schools",
        "Dulliau adferol mewn ysgolion",
        c.Audience.SCHOOL_STAFF,
        c.CourseFormat.IN_PERSON,
        "6",
        "6",
        True,
        "750.00",
    ),
    (
        "relational-leaders",
        "Relational practice for leaders",
        "Ymarfer perthynol i arweinwyr",
        c.Audience.LEADERS,
        c.CourseFormat.ONLINE,
        "3",
        "3",
        False,
        "480.00",
    ),
    (
        "parents-carers",
        "Restorative approaches for parents and carers",
        "Dulliau adferol i rieni a gofalwyr",
        c.Audience.PARENTS_CARERS,
        c.CourseFormat.IN_PERSON,
        "2.5",
        "2.5",
        False,
        "320.00",
    ),
    (
        "criminal-justice",
        "Restorative practice in criminal-justice settings",
        "Ymarfer adferol mewn lleoliadau cyfiawnder troseddol",
        c.Audience.CRIMINAL_JUSTICE,
        c.CourseFormat.IN_PERSON,
        "7",
        "7",
        True,
        "1100.00",
    ),
]

CLIENTS = [
    # name, sector, language, contact name, job title, email
    ("Ysgol Gynradd Glan Morfa", c.Sector.SCHOOL, "cy", "Carys Hughes", "Deputy headteacher"),
    ("Ysgol Uwchradd Bro Taf", c.Sector.SCHOOL, "cy", "Gethin Rowlands", "Head of wellbeing"),
    ("St Teilo's Primary School", c.Sector.SCHOOL, "en", "Hannah Price", "Headteacher"),
    ("Riverside High School", c.Sector.SCHOOL, "en", "Marcus Bell", "Assistant head"),
    (
        "Cwm Valley County Council",
        c.Sector.LOCAL_AUTHORITY,
        "en",
        "Ruth Jenkins",
        "Children's services manager",
    ),
    (
        "Cyngor Sir Ceredigion (demo)",
        c.Sector.LOCAL_AUTHORITY,
        "cy",
        "Elin Puw",
        "Rheolwr hyfforddiant",
    ),
    ("Bro Morgannwg NHS Trust (demo)", c.Sector.HEALTH, "en", "Dr Amir Khan", "Clinical lead"),
    (
        "South Wales Probation Delivery Unit (demo)",
        c.Sector.CRIMINAL_JUSTICE,
        "en",
        "Lisa Morgan",
        "Learning lead",
    ),
    (
        "Youth Justice Service (demo)",
        c.Sector.CRIMINAL_JUSTICE,
        "en",
        "Owain Thomas",
        "Team manager",
    ),
    (
        "Cwm Housing Association",
        c.Sector.THIRD_SECTOR,
        "en",
        "Joanne Lewis",
        "Tenancy services manager",
    ),
    ("Families First Cymru (demo)", c.Sector.THIRD_SECTOR, "cy", "Siân Evans", "Cydlynydd"),
    ("Harbour Logistics Ltd", c.Sector.BUSINESS, "en", "Tom Reed", "HR business partner"),
]

# Engagements: (client index, course code, sessions' offsets in days from today, target state)
PLAN = [
    (0, "ra-schools", [-330, -323], "paid"),
    (2, "ra-schools", [-300], "paid"),
    (4, "rj-conferencing", [-280, -279, -278], "paid"),
    (6, "relational-leaders", [-250], "paid"),
    (7, "criminal-justice", [-220], "paid"),
    (9, "parents-carers", [-200, -193], "paid"),
    (1, "ra-schools", [-170], "paid"),
    (3, "ra-schools", [-150, -143], "invoiced"),
    (8, "criminal-justice", [-120], "paid"),
    (5, "relational-leaders", [-100], "invoiced"),
    (10, "parents-carers", [-80, -73], "paid"),
    (11, "relational-leaders", [-60], "invoiced"),
    (0, "parents-carers", [-30], "delivered"),
    (2, "relational-leaders", [-12], "delivered"),
    (6, "criminal-justice", [-5], "invoiced"),
    (4, "ra-schools", [10], "cancelled_whole"),
    (7, "rj-conferencing", [20, 21, 22], "signed"),
    (3, "ra-schools", [35], "signed"),
    (9, "criminal-justice", [50], "signed"),
    (1, "parents-carers", [18], "cancelled_partial"),
    (8, "relational-leaders", [60], "sla_sent"),
    (5, "ra-schools", [75], "sla_sent"),
    (10, "ra-schools", [90], "proposed"),
    (11, "criminal-justice", [100], "enquiry"),
    (2, "parents-carers", [120], "enquiry"),
]

ENQUIRIES = [
    ("Ysgol Gymraeg Aberystwyth", c.Sector.SCHOOL, "Mari Lloyd", "mari.lloyd@ysgol.example", "cy"),
    (
        "Penrhos Community Centre",
        c.Sector.THIRD_SECTOR,
        "Dave Collins",
        "dave@penrhos.example",
        "en",
    ),
    ("Vale Care Homes", c.Sector.HEALTH, "Priya Shah", "priya.shah@valecare.example", "en"),
]


ELEARNING_LESSONS = [
    (
        "What restorative practice is",
        "Beth yw ymarfer adferol",
        "<p>Restorative practice brings together the people affected by harm or conflict, "
        "so that they can talk about what happened, who was affected and what needs to happen "
        "to put things right.</p><p>It rests on principles: taking part is <strong>voluntary"
        "</strong>, the process is <strong>safe</strong>, practitioners are "
        "<strong>impartial</strong>, and everyone is treated with respect.</p>",
        "<p>Mae ymarfer adferol yn dod â'r bobl y mae niwed neu wrthdaro wedi effeithio arnynt "
        "at ei gilydd, er mwyn iddynt siarad am yr hyn a ddigwyddodd, pwy a effeithiwyd a beth "
        "sydd angen digwydd i unioni pethau.</p><p>Mae'n seiliedig ar egwyddorion: mae cymryd "
        "rhan yn <strong>wirfoddol</strong>, mae'r broses yn <strong>ddiogel</strong>, mae "
        "ymarferwyr yn <strong>ddiduedd</strong>, a chaiff pawb eu trin â pharch.</p>",
    ),
    (
        "The restorative questions",
        "Y cwestiynau adferol",
        "<p>To the person responsible:</p><ul><li>What happened?</li><li>What were you "
        "thinking at the time?</li><li>Who has been affected, and how?</li><li>What do you "
        "need to do to make things right?</li></ul><p>To the person harmed:</p><ul><li>What "
        "did you think when you realised what had happened?</li><li>What has been the hardest "
        "thing for you?</li><li>What do you need to happen to make things right?</li></ul>",
        "<p>I'r person sy'n gyfrifol:</p><ul><li>Beth ddigwyddodd?</li><li>Beth oeddech chi'n "
        "ei feddwl ar y pryd?</li><li>Pwy sydd wedi'u heffeithio, a sut?</li><li>Beth sydd "
        "angen i chi ei wneud i unioni pethau?</li></ul><p>I'r person a niweidiwyd:</p><ul>"
        "<li>Beth oeddech chi'n ei feddwl pan sylweddoloch chi beth oedd wedi digwydd?</li>"
        "<li>Beth fu'r peth anoddaf i chi?</li><li>Beth sydd angen digwydd i unioni pethau?"
        "</li></ul>",
    ),
    (
        "Preparing a restorative meeting",
        "Paratoi cyfarfod adferol",
        "<p>No one meets face to face until each person has been prepared separately, has "
        "agreed to take part, and the risks have been assessed and signed off.</p><p>Where a "
        "meeting is not right, shuttle mediation or a letter can still help.</p>",
        "<p>Nid oes neb yn cyfarfod wyneb yn wyneb nes bod pob person wedi'i baratoi ar wahân, "
        "wedi cytuno i gymryd rhan, a bod y risgiau wedi'u hasesu a'u cymeradwyo.</p><p>Pan nad "
        "yw cyfarfod yn addas, gall cyfryngu gwennol neu lythyr helpu o hyd.</p>",
    ),
]

ELEARNING_QUESTIONS = [
    (
        "Is taking part in a restorative process voluntary?",
        "A yw cymryd rhan mewn proses adferol yn wirfoddol?",
        [
            ("Yes, for everyone taking part", "Ydy, i bawb sy'n cymryd rhan", True),
            ("Only for the person harmed", "Dim ond i'r person a niweidiwyd", False),
            ("No, a court can order it", "Nac ydy, gall llys ei orchymyn", False),
        ],
    ),
    (
        "Which is a restorative question for the person responsible?",
        "Pa un sy'n gwestiwn adferol i'r person sy'n gyfrifol?",
        [
            ("Who has been affected, and how?", "Pwy sydd wedi'u heffeithio, a sut?", True),
            ("Why did you do it?", "Pam wnaethoch chi hynny?", False),
            ("Do you admit it?", "Ydych chi'n ei gyfaddef?", False),
        ],
    ),
    (
        "When can a face-to-face meeting take place?",
        "Pryd all cyfarfod wyneb yn wyneb ddigwydd?",
        [
            (
                "After each person is prepared, consents, and risk is signed off",
                "Ar ôl paratoi pob person, cael caniatâd, a chymeradwyo'r risg",
                True,
            ),
            ("As soon as both people are available", "Cyn gynted ag y bydd y ddau ar gael", False),
            ("Only after a court case", "Dim ond ar ôl achos llys", False),
        ],
    ),
    (
        "What should a practitioner be?",
        "Beth ddylai ymarferydd fod?",
        [
            ("Impartial", "Diduedd", True),
            ("On the side of the person harmed", "Ar ochr y person a niweidiwyd", False),
            ("A judge of who is right", "Barnwr pwy sy'n iawn", False),
        ],
    ),
    (
        "If a meeting is not right, what else can help?",
        "Os nad yw cyfarfod yn addas, beth arall all helpu?",
        [
            ("Shuttle mediation or a letter", "Cyfryngu gwennol neu lythyr", True),
            ("Nothing", "Dim byd", False),
            ("A public apology online", "Ymddiheuriad cyhoeddus ar-lein", False),
        ],
    ),
]


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _backdate_invoice(invoice: m.Invoice, day: date, terms: int) -> None:
    """Demo only (ADR 0012): give an invoice the issue date it would have had."""
    m.Invoice.objects.filter(pk=invoice.pk).update(
        issue_date=day, issued_at=_at(day, 10), due_date=day + timedelta(days=terms)
    )


class TrainingSeeder:
    def __init__(self, organisation, today: date | None = None, rng: random.Random | None = None):
        self.organisation = organisation
        self.today = today or timezone.localdate()
        self.rng = rng or random.Random(4)
        users = {u.email: u for u in get_user_model().objects.filter(email__endswith="mend.test")}
        self.admin = users["admin@demo.mend.test"]
        self.office = users.get("office@demo.mend.test", self.admin)
        self.trainer_user = users.get("trainer@demo.mend.test")
        self.memberships = {
            ms.user.email: ms
            for ms in Membership.objects.select_related("user").filter(is_active=True)
        }

    def run(self) -> dict:
        if m.Course.objects.exists():
            return {"created": False}
        courses = self.courses()
        clients = self.clients()
        self.enquiries(courses)
        counts: dict[str, int] = {}
        for client_index, code, offsets, state in PLAN:
            self.engagement(clients[client_index], courses[code], offsets, state)
            counts[state] = counts.get(state, 0) + 1
        self.elearning()
        return {"created": True, **counts}

    # ------------------------------------------------------------ catalogue and clients

    def courses(self) -> dict[str, m.Course]:
        found = {}
        for code, title, title_cy, audience, fmt, hours, cpd, rjc, price in COURSES:
            found[code] = actions.create_course(
                actor=self.admin,
                organisation=self.organisation,
                code=code,
                title=title,
                title_cy=title_cy,
                summary=f"{title}: practical, interactive training grounded in restorative principles.",
                audience=audience,
                format=fmt,
                duration_hours=Decimal(hours),
                cpd_hours=Decimal(cpd),
                rjc_approved=rjc,
                price=Decimal(price),
            )
        return found

    def clients(self) -> list[m.Client]:
        found = []
        for name, sector, language, contact, job_title in CLIENTS:
            client = actions.create_client(
                actor=self.office,
                organisation=self.organisation,
                name=name,
                sector=sector,
                language=language,
                address=f"{name}\nCwm\nCF99 1AA",
                email="office@" + name.lower().split()[0].replace("'", "") + ".example",
            )
            local = _ascii(contact.lower().replace("dr ", "")).replace(" ", ".")
            actions.add_contact(
                actor=self.office,
                client=client,
                name=contact,
                role=c.ContactRole.BOOKING,
                job_title=job_title,
                email=f"{local}@{client.email.split('@')[1]}",
                language=language,
            )
            found.append(client)
        return found

    def enquiries(self, courses) -> None:
        for name, sector, contact, email, language in ENQUIRIES:
            self.receive_enquiry(name, sector, contact, email, language, courses["ra-schools"])

    # ------------------------------------------------------------ hooks filled per area

    def receive_enquiry(self, name, sector, contact, email, language, course) -> None:
        actions.receive_enquiry(
            organisation=self.organisation,
            actor=self.office,
            organisation_name=name,
            sector=sector,
            contact_name=contact,
            email=email,
            course=course,
            participants=self.rng.choice([10, 15, 25]),
            preferred_dates="Spring term, a Monday or Tuesday",
            message="We would like whole-staff training in restorative approaches.",
            language=language,
        )

    def engagement(self, client, course, offsets, state) -> m.Engagement:
        contact = client.contacts.first()
        engagement = actions.create_engagement(
            actor=self.office,
            client=client,
            contact=contact,
            course=course,
            participants=self.rng.choice([12, 16, 20, 24]),
        )
        for offset in offsets:
            day = self.today + timedelta(days=offset)
            actions.add_session(
                actor=self.office,
                engagement=engagement,
                starts_at=_at(day, 9, 30),
                ends_at=_at(day, 15, 30),
                venue=f"{client.name}, main hall" if course.format != c.CourseFormat.ONLINE else "",
                is_online=course.format == c.CourseFormat.ONLINE,
            )
        if state == "enquiry":
            return engagement
        self.propose(engagement)
        if state == "proposed":
            return engagement
        sla, _token = actions.send_sla(actor=self.office, engagement=engagement)
        if state == "sla_sent":
            return engagement
        contact = engagement.contact
        assert contact is not None  # every demo client has a contact, given to its engagements
        actions.accept_sla(
            sla=sla,
            name=contact.name,
            job_title=contact.job_title,
            ip_address="203.0.113.20",
            user_agent="Demo seed",
        )
        engagement.refresh_from_db()
        self.allocate(engagement)
        if state == "signed":
            return engagement
        if state == "cancelled_partial":
            first = engagement.sessions.first()
            quote = actions.quote_cancellation(
                actor=self.office,
                engagement=engagement,
                sessions=[cast(m.DeliverySession, first)],  # the demo engagement has sessions
                reason="Staff training day moved",
            )
            actions.confirm_cancellation(actor=self.office, quote=quote)
            return engagement
        if state == "cancelled_whole":
            # Invoiced in advance, then cancelled: the invoice is credited and a fee charged.
            actions.invoice_engagement(actor=self.office, engagement=engagement)
            quote = actions.quote_cancellation(
                actor=self.office, engagement=engagement, reason="School closed for building work"
            )
            actions.confirm_cancellation(actor=self.office, quote=quote)
            return engagement
        self.deliver(engagement)
        if state == "delivered":
            return engagement
        last_day = self.today + timedelta(days=offsets[-1])
        invoice = actions.invoice_engagement(actor=self.office, engagement=engagement)
        terms = 30
        _backdate_invoice(invoice, last_day + timedelta(days=1), terms)
        if state == "paid":
            received = min(last_day + timedelta(days=self.rng.randint(10, 40)), self.today)
            actions.record_payment(
                actor=self.office,
                invoice=invoice,
                amount=invoice.total,
                received_on=received,
                method=c.PaymentMethod.BANK_TRANSFER,
                reference=f"BACS {invoice.number}",
            )
        return engagement

    def propose(self, engagement) -> None:
        actions.issue_proposal(actor=self.office, engagement=engagement)

    _trainers: list[Membership]

    def trainers(self) -> list[Membership]:
        """The demo trainer (advanced) and advanced practitioner (intermediate) can be allocated;
        the practitioner is at foundation level, so cannot (yet)."""
        if hasattr(self, "_trainers"):
            return self._trainers
        levels = {
            "trainer@demo.mend.test": c.TrainerLevel.ADVANCED,
            "advanced@demo.mend.test": c.TrainerLevel.INTERMEDIATE,
            "practitioner@demo.mend.test": c.TrainerLevel.FOUNDATION,
        }
        found = []
        for email, level in levels.items():
            membership = self.memberships.get(email)
            if membership is None:
                continue
            actions.set_trainer_level(actor=self.admin, membership=membership, level=level)
            if level != c.TrainerLevel.FOUNDATION:
                found.append(membership)
        self._trainers = found
        return found

    def allocate(self, engagement) -> None:
        trainers = self.trainers()
        for session in engagement.sessions.all():
            for position, membership in enumerate(trainers):
                try:
                    actions.allocate_trainer(
                        actor=self.admin,
                        session=session,
                        membership=membership,
                        is_lead=position == 0,
                    )
                except ValidationError:
                    continue  # a clash with another demo session: leave this trainer off

    def deliver(self, engagement) -> None:
        """Attendees, registers, delivered sessions, certificates and evaluations."""
        first_names = [
            "Alys",
            "Bethan",
            "Cai",
            "Dylan",
            "Efa",
            "Ffion",
            "Gareth",
            "Huw",
            "Iolo",
            "Jac",
            "Lowri",
            "Macsen",
            "Nia",
            "Osian",
            "Rhys",
            "Seren",
            "Tomos",
            "Wyn",
        ]
        last_names = ["Ellis", "Griffiths", "Jones", "Lloyd", "Morgan", "Owen", "Parry", "Rees"]
        domain = engagement.client.email.split("@")[1]
        lines = []
        for i in range(min(engagement.participants or 12, 12)):
            name = f"{self.rng.choice(first_names)} {self.rng.choice(last_names)}"
            lines.append(f"{name}, {_ascii(name.lower()).replace(' ', '.')}{i}@{domain}")
        actions.add_attendees(
            actor=self.office,
            engagement=engagement,
            text="\n".join(lines),
            language=engagement.language,
        )
        attendees = list(engagement.attendees.all())
        actions.send_evaluations(actor=self.office, engagement=engagement, stage=c.SurveyStage.PRE)
        for session in engagement.sessions.all():
            present = [a.pk for a in attendees if self.rng.random() > 0.1]
            actions.record_attendance(actor=self.admin, session=session, present_ids=present)
            actions.mark_session_delivered(actor=self.admin, session=session)
        engagement.refresh_from_db()
        actions.issue_certificates(actor=self.office, engagement=engagement)
        pairs = actions.send_evaluations(
            actor=self.office, engagement=engagement, stage=c.SurveyStage.POST
        )
        self.answer(engagement, pairs)

    def answer(self, engagement, post_pairs) -> None:
        """Most attendees answer: confidence rises after the course."""
        from mend.training.delivery import evaluation

        pre = m.EvaluationRequest.objects.filter(
            attendee__engagement=engagement, stage=c.SurveyStage.PRE
        )
        # Pre-course tokens are not kept (only hashes are): answer them by writing the rows the
        # survey would have written. Post-course ones go through the action with their tokens.
        for request in pre:
            if self.rng.random() < 0.8:
                m.EvaluationRequest.objects.filter(pk=request.pk).update(
                    answers={code: self.rng.randint(1, 3) for code in evaluation.CODES},
                    answered_at=timezone.now(),
                )
        for _request, token in post_pairs:
            if self.rng.random() < 0.7:
                actions.answer_evaluation(
                    token=token,
                    answers={code: self.rng.randint(3, 5) for code in evaluation.CODES},
                    comments="",
                )

    def elearning(self) -> None:
        """'Introduction to restorative practice': a free module a newcomer can sign up for at
        /learn/<slug>/ and complete (three lessons, a five-question quiz, 80% to pass)."""
        module = actions.create_module(
            actor=self.admin,
            organisation=self.organisation,
            title="Introduction to restorative practice",
            title_cy="Cyflwyniad i ymarfer adferol",
            summary="What restorative practice is, the restorative questions, and how a "
            "restorative meeting is prepared. About 90 minutes.",
            summary_cy="Beth yw ymarfer adferol, y cwestiynau adferol, a sut mae paratoi "
            "cyfarfod adferol. Tua 90 munud.",
            cpd_hours=Decimal("1.5"),
            pass_mark=80,
            open_to_public=True,
        )
        for title, title_cy, body, body_cy in ELEARNING_LESSONS:
            actions.add_lesson(
                actor=self.admin,
                module=module,
                title=title,
                title_cy=title_cy,
                body=body,
                body_cy=body_cy,
            )
        for text, text_cy, in_order in ELEARNING_QUESTIONS:
            choices = list(in_order)
            self.rng.shuffle(choices)
            actions.add_question(
                actor=self.admin, module=module, text=text, text_cy=text_cy, choices=choices
            )
        actions.update_module(actor=self.admin, module=module, is_published=True)


def seed(organisation) -> dict:
    from django.db import transaction

    from mend.core.tenancy import organisation_scope

    with organisation_scope(organisation), transaction.atomic():
        return TrainingSeeder(organisation).run()


def seed_for_command(organisation, options) -> list[str]:
    """`seed_demo`'s training step (registered in TrainingConfig.ready)."""
    training = seed(organisation)
    if not training.pop("created"):
        return []
    summary = ", ".join(f"{state} {n}" for state, n in sorted(training.items()))
    return [f"Demo training engagements added: {summary}"]
