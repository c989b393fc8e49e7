"""Demo casework: several hundred invented cases so that a newcomer sees a living service.

Called by `manage.py seed_demo` after the core demo seed (mend.core.demo). Every name, address,
telephone number and story here is invented; telephone numbers use Ofcom's drama range (07700
900xxx) and email addresses the reserved example.org domain.

How the cases are made, and why:

- Deterministic (`random.Random(rng_seed)`) and idempotent: nothing happens when the organisation
  already has `count` cases or more.
- Cases received this calendar year are driven through the real casework actions
  (`mend.cases.actions`): create_case (by the partner referrer for their referrals, anonymously for
  self-referrals), add_party, allocate, transition, give_consent, withdraw_consent,
  record_assessment, record_risk_assessment (with a handed-over document), record_signoff,
  record_suitability, record_principles, choose_process, schedule_meeting, mark_meeting_held,
  record_activity, record_information_offered, record_support_referral_made. The guards of the
  workflow therefore hold for them, and each leaves its audit trail. Each action acts as the
  member who would really do it (the manager allocates and decides, the lead practitioner works
  the case, the advanced practitioner signs off).
- Actions stamp "today" on what they create. To spread the service over the last 18 months, the
  dates of the rows a case's actions created (received_on, created_at, accepted_on, closed_on,
  StatusChange.at, Allocation.started_on, Task.due_on/done_on, Consent.withdrawn_on,
  RiskAssessment/Assessment.assessed_on, SignOff.at, SuitabilityDecision.at,
  PrinciplesChecklist.at, Process.started_on/ended_on, Meeting.starts_at/ends_at) are moved back
  afterwards with queryset.update(). Audit events are not touched (the hash chain must stay
  intact): they record when the demo was seeded. Held meetings are scheduled in the future (the
  only way the action allows), moved into the past, then marked held with the real action.
  Timeline tasks that were done before today are marked done by update for the same reason
  (seeding speed: one action per task would dominate the run).
- Cases received in earlier years stand for the service's history, imported from its previous
  records. For seeding speed they are written with bulk_create (about one query per table for the
  whole batch instead of a few hundred per case). They have the same shape as a case worked in
  Mend: a reference from `next_reference` for the year received, a StatusChange for each step,
  a lead allocation, parties with people, consents, assessments, risk assessment and sign-offs,
  suitability, process, meetings, activities with notes and timeline tasks. They carry no audit
  events, as records imported from elsewhere would not.
- Referral notifications to referrers are not sent for this invented history (the mail backend
  is swapped for Django's dummy backend while seeding).
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.models import Membership, Team
from mend.core.tenancy import organisation_scope
from mend.core.working_days import add_working_days
from mend.people.models import Person
from mend.people.names import name_key

# ---------------------------------------------------------------- invented people and places

WELSH_FIRST = [
    "Rhys", "Gareth", "Dylan", "Gwion", "Iwan", "Osian", "Ieuan", "Emyr", "Huw", "Llŷr",
    "Tomos", "Cerys", "Ffion", "Gwen", "Seren", "Megan", "Elin", "Lowri", "Catrin", "Siân",
    "Angharad", "Bethan", "Mali", "Efa", "Alaw", "Heledd", "Steffan", "Geraint", "Carwyn", "Eirlys",
]  # fmt: skip
ENGLISH_FIRST = [
    "James", "Oliver", "Jack", "Daniel", "Liam", "Chloe", "Emily", "Sophie", "Jessica", "Lauren",
    "Karen", "Paul", "Mark", "Stephen", "Lisa", "Michelle", "Tracey", "Darren", "Craig", "Kelly",
    "Amy", "Ryan", "Kyle", "Jade", "Zoe", "Ben", "Hannah", "Lee", "Nicola", "Wayne",
]  # fmt: skip
OTHER_LANGUAGE_PEOPLE = [
    ("Piotr", "Nowak", "Polish"),
    ("Agnieszka", "Wiśniewska", "Polish"),
    ("Yusuf", "Hassan", "Arabic"),
    ("Ioana", "Popescu", "Romanian"),
    ("Tigist", "Bekele", "Amharic"),
]
SURNAMES = [
    "Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Hughes", "Lewis", "Morgan",
    "Griffiths", "Edwards", "Owen", "Price", "Jenkins", "Rees", "Powell", "Pritchard", "Bevan",
    "Lloyd", "Phillips", "Howells", "Parry", "Watkins", "Probert", "Llywelyn", "Smith", "Taylor",
    "Brown", "Walker", "Wright", "Green", "Harris", "Clarke", "Baker", "Rowlands", "Meredith",
]  # fmt: skip
# (town, postcode districts)
PLACES = [
    ("Cardiff", ["CF5", "CF11", "CF14", "CF23", "CF24"]),
    ("Penarth", ["CF64"]),
    ("Barry", ["CF62", "CF63"]),
    ("Pontypridd", ["CF37"]),
    ("Caerphilly", ["CF83"]),
    ("Bridgend", ["CF31"]),
    ("Merthyr Tydfil", ["CF47"]),
    ("Aberdare", ["CF44"]),
    ("Swansea", ["SA1", "SA2", "SA5", "SA6"]),
    ("Neath", ["SA10", "SA11"]),
    ("Llanelli", ["SA14", "SA15"]),
    ("Carmarthen", ["SA31"]),
    ("Port Talbot", ["SA12", "SA13"]),
    ("Newport", ["NP10", "NP19", "NP20"]),
    ("Cwmbran", ["NP44"]),
    ("Pontypool", ["NP4"]),
    ("Abergavenny", ["NP7"]),
    ("Chepstow", ["NP16"]),
]
STREETS = [
    "Heol y Parc", "Stryd Fawr", "Ffordd y Brenin", "Maes y Coed", "Clos Cae Mawr", "Heol Bryngwyn",
    "Church Street", "Victoria Road", "Station Terrace", "Bryn Road", "Park View", "Mill Lane",
    "Heol Tŷ Gwyn", "Lôn y Felin", "Commercial Street", "Alexandra Road",
]  # fmt: skip
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

SAFE_TIMES = [
    "Weekday mornings before 12",
    "After 6pm on weekdays",
    "Any time, but not at work",
    "Tuesdays and Thursdays",
    "Afternoons only; not during school pick-up",
]
ACCESSIBILITY = [
    "Uses a wheelchair: ground-floor venue with level access needed.",
    "Dyslexia: prefers a phone call to a letter; read documents through together.",
    "Hard of hearing: face the person and use a quiet room.",
    "Anxiety in groups: short sessions with breaks.",
    "Learning disability: easy-read information and a supporter present.",
]
SAFETY_FLAGS = [
    "Do not call before checking it is safe to talk.",
    "Has a non-molestation order against a family member.",
    "Reports feeling unsafe near the town centre in the evening.",
    "Previous threats made by an associate of the other party.",
]
NEVER_DISCLOSE = [
    "Has moved since the incident: the new address must never be shared.",
    "Health condition disclosed in confidence.",
    "Place of work.",
    "Name of their new school.",
]

AGENCIES = {
    "probation": "Probation Service (Wales)",
    "youth": "Cwm Youth Justice Service",
    "police": "South Wales Police",
    "gwent": "Gwent Police",
    "dyfed": "Dyfed-Powys Police",
    "housing": "Cwm Valleys Homes",
    "children": "Children's Services, Cwm County Council",
    "school": "Ysgol Gyfun Cwm Glas",
    "school2": "Ysgol Gynradd Bryn Hafod",
    "hr": "Cwm County Council (People Services)",
    "isva": "Cwm Sexual Assault Referral Centre",
    "daservice": "Cwm Valleys Domestic Abuse Service",
}
AGENCIES_BY_TYPE = {
    "criminal-justice": ["probation", "probation", "youth", "police", "gwent", "dyfed"],
    "community": ["housing", "housing", "police", "gwent"],
    "school": ["school", "school2"],
    "family-group": ["children"],
    "workplace": ["hr"],
    "domestic-sexual-harm": ["isva", "daservice", "probation"],
}
TEAM_BY_TYPE = {
    "criminal-justice": "Criminal justice",
    "domestic-sexual-harm": "Criminal justice",
    "community": "Community",
    "workplace": "Community",
    "school": "Schools and families",
    "family-group": "Schools and families",
}
SUMMARIES = {
    "criminal-justice": [
        "Burglary at the harmed person's home in {town} while the family were away; sentimental "
        "jewellery taken. The responsible person pleaded guilty.",
        "Assault outside a takeaway in {town} late at night; the harmed person needed stitches.",
        "Theft of a van and tools from a self-employed plumber in {town}; loss of two weeks' work.",
        "Criminal damage to cars on a street in {town}; several residents affected.",
        "Robbery of a mobile phone from a student at a bus stop in {town}.",
        "Shoplifting and threats to a shop worker at a corner shop in {town}.",
    ],
    "community": [
        "Long-running dispute between neighbours in {town} over noise and a shared driveway.",
        "Young people gathering by the community centre in {town}; residents feel intimidated.",
        "Boundary fence and parking dispute between two households in {town}.",
        "Complaints about a dog barking and threats made over the garden wall in {town}.",
    ],
    "school": [
        "Ongoing bullying of a Year 9 pupil, including messages on social media.",
        "A fight at the school gates between two Year 10 pupils; both families upset.",
        "A pupil damaged a teacher's car; the school wants a restorative response.",
        "Online name-calling in a Year 8 class group chat.",
    ],
    "family-group": [
        "Child-to-parent violence: a 15-year-old has pushed and threatened their mother.",
        "A family in {town} wants to plan together after a child protection conference.",
        "Relationship breakdown between a teenager and their grandparents who care for them.",
    ],
    "workplace": [
        "Conflict between two colleagues in a council depot after a grievance.",
        "A team leader and a care worker fell out over rotas; complaints on both sides.",
        "Harassment complaint between office colleagues, resolved informally so far.",
    ],
    "domestic-sexual-harm": [
        "The person harmed asked, through their independent adviser, to communicate with a "
        "former partner who was convicted of controlling behaviour.",
        "The person harmed wants the responsible person to understand the impact of a sexual "
        "assault; victim-initiated, supported by an independent sexual violence adviser.",
    ],
}
HARMED_ANSWERS = {
    "realised": [
        "I was shaking. I could not believe someone had been in our home.",
        "I felt sick and angry, then just numb.",
        "I thought it was my fault for leaving the door open.",
    ],
    "impact": [
        "I don't sleep properly and my children are scared at night.",
        "I have stopped going out after dark.",
        "I lost income and my confidence.",
    ],
    "hardest": [
        "Not knowing why it happened to us.",
        "Feeling unsafe in my own street.",
        "Telling my family.",
    ],
    "make_right": [
        "I want them to know what they did, and to hear that they are sorry.",
        "Some of the money back, and a promise it won't happen again.",
        "I want to ask them why.",
    ],
}
RESPONSIBLE_ANSWERS = {
    "what_happened": [
        "I'd been drinking with mates and we went looking for something to sell.",
        "We got into an argument and I lost my temper.",
        "I needed money and did something stupid.",
    ],
    "thinking_then": [
        "I wasn't thinking about anyone else.",
        "That nobody would get hurt.",
        "Only about getting away.",
    ],
    "thought_since": [
        "I feel ashamed. My mum found out and she was gutted.",
        "I think about it most days.",
        "That I'd hate it if someone did that to my family.",
    ],
    "who_affected": [
        "The family, their kids, my own family too.",
        "The shop worker and the people who saw it.",
        "The neighbours and my partner.",
    ],
    "make_right": [
        "Say sorry properly and pay something back.",
        "Write to them if they want that.",
        "Do something useful for the community.",
    ],
}
NEEDS = [
    "Wants counselling; on a waiting list with the GP.",
    "Money worries since the incident; benefits advice would help.",
    "Needs support with housing after moving.",
    "Would like a supporter present at every meeting.",
    "",
]
HOPES = [
    "To be heard and to get an apology.",
    "To understand why it happened.",
    "To put it behind them and move on.",
    "To make amends and show they have changed.",
]
RISK_NOTES = [
    "No contact between the parties since the incident. Responsible person engaging with "
    "probation.",
    "Some tension between families; meet separately until preparation is complete.",
    "Responsible person has a history of alcohol misuse; currently in treatment.",
    "Harmed person is anxious but keen to proceed with a supporter.",
]
MITIGATION = [
    "Separate arrival and waiting rooms; two facilitators; debrief call the day after.",
    "Meet at the office, not at home; check in by phone before each contact.",
    "Indirect communication first; review risk before any direct contact.",
]
DECLINE_REASONS = [
    "Outside our area: both parties live in Bristol. Referred on to the local service.",
    "The responsible person denies the offence, so the basic facts are not acknowledged.",
    "This referral duplicated a case already open with us.",
    "No person harmed who wishes to take part could be identified.",
]
PAUSE_REASONS = [
    "The person harmed is in hospital; we agreed to wait until they are well.",
    "Awaiting the trial: the police asked us not to proceed before sentence.",
    "The responsible person has been recalled to custody.",
    "School holidays: resume at the start of term.",
    "The person harmed asked for time to think before going further.",
]
CLOSURE_NOTES: dict[str, str] = {
    c.ClosureReason.COMPLETED_DIRECT: "Restorative meeting held; agreement made and followed up.",
    c.ClosureReason.COMPLETED_INDIRECT: "Indirect process completed; both parties satisfied.",
    c.ClosureReason.WITHDRAWN_HARMED: "The person harmed decided not to continue.",
    c.ClosureReason.WITHDRAWN_RESPONSIBLE: "The person responsible withdrew from the process.",
    c.ClosureReason.NOT_SUITABLE: "After assessment no restorative process was judged suitable.",
    c.ClosureReason.UNABLE_TO_CONTACT: "Three attempts by phone and letter with no response.",
    c.ClosureReason.OTHER: "The responsible person moved away; referred to the local service.",
}
ACTIVITY_NOTES: dict[str, list[str]] = {
    c.ActivityKind.CALL: [
        "Introductory call: explained restorative justice and the menu of services. {name} asked "
        "for time to think and a call back next week.",
        "Check-in call. {name} is feeling more settled and wants to carry on.",
        "Call to confirm arrangements; {name} would like their sister to come as a supporter.",
    ],
    c.ActivityKind.VISIT: [
        "Home visit with {name}. Talked through what happened and what they hope for.",
        "Visit at a community centre, as {name} preferred not to meet at home.",
    ],
    c.ActivityKind.LETTER: ["Letter sent to {name} with information about restorative justice."],
    c.ActivityKind.EMAIL: ["Email to {name} confirming the next appointment."],
    c.ActivityKind.PREPARATION: [
        "Preparation meeting with {name}: went through the questions they will be asked, ground "
        "rules, and what happens if they want to stop.",
        "Second preparation session with {name}; practised what they want to say.",
    ],
    c.ActivityKind.ASSESSMENT: [
        "Joint initial assessment with {name}. Went through the restorative questions and "
        "explained the principles.",
    ],
    c.ActivityKind.CASE_DISCUSSION: [
        "Case discussion with the referrer: background, current risk and the information-sharing "
        "basis agreed.",
        "Case discussion in supervision: agreed next steps and a review of risk.",
    ],
}
SUITABLE_REASONS = [
    "Both parties want to meet and preparation is complete.",
    "The person harmed prefers not to meet but would like a letter.",
    "Messages through the practitioner suit both parties.",
]
UNSUITABLE_REASONS = [
    "Face-to-face meeting judged unsuitable: the person harmed is not ready to meet.",
    "Risk to the person harmed of direct contact remains too high.",
    "The responsible person minimises the harm; not yet ready.",
]
PRINCIPLES = {
    c.Principle.RESTORATION: "Focused on repairing the harm the person harmed described.",
    c.Principle.VOLUNTEERISM: "Both consented in writing and know they can stop at any time.",
    c.Principle.NEUTRALITY: "Facilitators have no connection with either party.",
    c.Principle.SAFETY: "Risk assessment signed off; separate arrivals; supporter present.",
    c.Principle.ACCESSIBILITY: "Accessible venue; information in each party's language.",
    c.Principle.RESPECT: "Ground rules agreed with each party in preparation.",
}
SPECIALIST_SERVICES = [AGENCIES["daservice"], AGENCIES["isva"]]
VENUES = [
    "Cwm Restorative Approaches, meeting room 2, Stryd Fawr, Pontypridd",
    "Canolfan Gymunedol Maes y Coed, Cardiff",
    "Swansea Central Library, group room",
    "Newport Civic Centre, room 14",
    "Video meeting (secure link sent separately)",
]

# ---------------------------------------------------------------- the shape of the service

STAGES: list[str] = [
    c.Status.REFERRED,
    c.Status.ACCEPTED,
    c.Status.ASSESSMENT,
    c.Status.PREPARATION,
    c.Status.PROCESS,
    c.Status.OUTCOME,
    c.Status.FOLLOW_UP,
]
ENTER: dict[str, str] = {
    c.Status.ACCEPTED: "accept",
    c.Status.ASSESSMENT: "start_assessment",
    c.Status.PREPARATION: "start_preparation",
    c.Status.PROCESS: "start_process",
    c.Status.OUTCOME: "record_outcome",
    c.Status.FOLLOW_UP: "start_follow_up",
}
TYPE_WEIGHTS = {
    "criminal-justice": 36,
    "community": 20,
    "school": 14,
    "family-group": 10,
    "workplace": 10,
    "domestic-sexual-harm": 10,
}
# About a fifth of the cases are open: some 20 per practitioner, a realistic caseload.
STATUS_WEIGHTS: dict[str, int] = {
    c.Status.CLOSED: 70,
    c.Status.DECLINED: 9,
    c.Status.REFERRED: 3,
    c.Status.ACCEPTED: 2,
    c.Status.ASSESSMENT: 5,
    c.Status.PREPARATION: 3,
    c.Status.PROCESS: 3,
    c.Status.OUTCOME: 1,
    c.Status.FOLLOW_UP: 2,
    c.Status.PAUSED: 2,
}
# Share of this year's closed and declined cases also driven through the actions.
DRIVEN_FINISHED_SHARE = 0.12
# How long ago (in days) a case in this state was received.
AGE: dict[str, tuple[int, int]] = {
    c.Status.REFERRED: (0, 12),
    c.Status.ACCEPTED: (4, 28),
    c.Status.DECLINED: (3, 540),
    c.Status.ASSESSMENT: (12, 70),
    c.Status.PREPARATION: (30, 110),
    c.Status.PROCESS: (45, 150),
    c.Status.OUTCOME: (60, 170),
    c.Status.FOLLOW_UP: (80, 200),
    c.Status.PAUSED: (25, 220),
    c.Status.CLOSED: (35, 540),
}
CLOSURE_WEIGHTS = {
    c.ClosureReason.COMPLETED_DIRECT: 30,
    c.ClosureReason.COMPLETED_INDIRECT: 25,
    c.ClosureReason.WITHDRAWN_HARMED: 12,
    c.ClosureReason.WITHDRAWN_RESPONSIBLE: 10,
    c.ClosureReason.NOT_SUITABLE: 10,
    c.ClosureReason.UNABLE_TO_CONTACT: 8,
    c.ClosureReason.OTHER: 5,
}
# Furthest stage a case closing for this reason reached.
CLOSURE_REACH: dict[str, list[str]] = {
    c.ClosureReason.COMPLETED_DIRECT: [c.Status.FOLLOW_UP],
    c.ClosureReason.COMPLETED_INDIRECT: [c.Status.FOLLOW_UP],
    c.ClosureReason.WITHDRAWN_HARMED: [c.Status.ASSESSMENT, c.Status.PREPARATION, c.Status.PROCESS],
    c.ClosureReason.WITHDRAWN_RESPONSIBLE: [c.Status.ASSESSMENT, c.Status.PREPARATION],
    c.ClosureReason.NOT_SUITABLE: [c.Status.ASSESSMENT, c.Status.PREPARATION],
    c.ClosureReason.UNABLE_TO_CONTACT: [c.Status.ACCEPTED, c.Status.ASSESSMENT],
    c.ClosureReason.OTHER: [c.Status.ACCEPTED, c.Status.ASSESSMENT, c.Status.PREPARATION],
}
PROCESSES = {
    "criminal-justice": [c.ProcessKind.FACE_TO_FACE, c.ProcessKind.VIDEO],
    "community": [c.ProcessKind.FACE_TO_FACE, c.ProcessKind.CIRCLE],
    "school": [c.ProcessKind.CIRCLE, c.ProcessKind.FACE_TO_FACE],
    "family-group": [c.ProcessKind.FAMILY_GROUP],
    "workplace": [c.ProcessKind.FACE_TO_FACE, c.ProcessKind.VIDEO],
    "domestic-sexual-harm": [c.ProcessKind.FACE_TO_FACE],
}
INDIRECT = [c.ProcessKind.LETTER, c.ProcessKind.SHUTTLE]


@dataclass
class Spec:
    """One case to make: its type, where it ends up, and when it came in."""

    type_code: str
    status: str
    received_on: date
    closure: str = ""
    reach: str = c.Status.REFERRED
    withdraw: str = ""  # party role whose consent is withdrawn
    police_coworker: bool = False


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan(count: int, rng: random.Random, today: date) -> list[Spec]:
    """`count` cases; the first ones cover every type, status, closure reason and pause."""
    types = list(TYPE_WEIGHTS)
    wanted: list[tuple[str, str, str]] = []
    for i, status in enumerate(STATUS_WEIGHTS):
        wanted.append((types[i % len(types)], status, ""))
    for i, reason in enumerate(CLOSURE_WEIGHTS):
        wanted.append((types[(i + 3) % len(types)], c.Status.CLOSED, reason))
    wanted.append(("criminal-justice", c.Status.PAUSED, "withdrawal"))
    wanted.append(("community", c.Status.PAUSED, "pause"))
    specs = []
    for index in range(count):
        if index < len(wanted):
            type_code, status, detail = wanted[index]
        else:
            type_code, status, detail = (
                _weighted(rng, TYPE_WEIGHTS),
                _weighted(rng, STATUS_WEIGHTS),
                "",
            )
        low, high = AGE[status]
        spec = Spec(type_code, status, today - timedelta(days=rng.randint(low, high)))
        if status == c.Status.CLOSED:
            spec.closure = detail or _weighted(rng, CLOSURE_WEIGHTS)
            spec.reach = rng.choice(CLOSURE_REACH[spec.closure])
            if spec.closure == c.ClosureReason.WITHDRAWN_HARMED:
                spec.withdraw = c.PartyRole.HARMED
            elif spec.closure == c.ClosureReason.WITHDRAWN_RESPONSIBLE:
                spec.withdraw = c.PartyRole.RESPONSIBLE
        elif status == c.Status.PAUSED:
            spec.reach = rng.choice(
                [c.Status.ACCEPTED, c.Status.ASSESSMENT, c.Status.PREPARATION, c.Status.PROCESS]
            )
            if detail == "withdrawal":
                spec.reach = c.Status.PREPARATION
            if spec.reach != c.Status.ACCEPTED and detail != "pause" and rng.random() < 0.5:
                spec.withdraw = rng.choice([c.PartyRole.HARMED, c.PartyRole.RESPONSIBLE])
            if detail == "withdrawal":
                spec.withdraw = c.PartyRole.RESPONSIBLE
        elif status == c.Status.DECLINED:
            spec.reach = c.Status.REFERRED
        else:
            spec.reach = status
        specs.append(spec)
    # An external professional (the police co-worker) co-works two criminal-justice cases.
    chosen = [
        s
        for s in specs
        if s.type_code == "criminal-justice"
        and s.status in (c.Status.ASSESSMENT, c.Status.PREPARATION, c.Status.PROCESS)
    ][:2]
    for spec in chosen:
        spec.police_coworker = True
    return specs


# ---------------------------------------------------------------- helpers


def _at(day: date, rng: random.Random, earliest: int = 9, latest: int = 17) -> datetime:
    moment = timezone.make_aware(
        datetime.combine(day, time(rng.randint(earliest, latest - 1), rng.choice([0, 15, 30, 45])))
    )
    return min(moment, timezone.now() - timedelta(minutes=1))


def _spread(rng: random.Random, start: date, end: date, n: int) -> list[date]:
    """`n` increasing dates after `start`, no later than `end`."""
    span = max((end - start).days, n)
    picks = sorted(rng.sample(range(1, span + 1), n))
    return [min(start + timedelta(days=p), end) for p in picks]


class Seeder:
    def __init__(self, organisation, rng: random.Random, today: date):
        self.organisation = organisation
        self.rng = rng
        self.today = today
        users = {u.email: u for u in get_user_model().objects.filter(email__endswith="mend.test")}
        self.members = {
            ms.user.email: ms
            for ms in Membership.objects.select_related("user").filter(is_active=True)
        }

        def user(email):
            return users.get(email) if email in self.members else None

        self.manager = user("manager@demo.mend.test")
        self.advanced = user("advanced@demo.mend.test")
        self.practitioner = user("practitioner@demo.mend.test")
        self.volunteer = user("volunteer@demo.mend.test")
        self.police = user("coworker@police.demo.mend.test")
        self.referrers = {
            "probation": user("referrer@probation.demo.mend.test"),
            "youth": user("referrer@youthjustice.demo.mend.test"),
        }
        if self.manager is None:
            raise RuntimeError("Run the core demo seed first: the demo manager is missing.")
        self.leads = [u for u in (self.practitioner, self.advanced, self.manager) if u is not None]
        self.teams = {t.name: t for t in Team.objects.all()}
        self.types = {t.code: t for t in m.CaseType.objects.all()}
        self.factors = {f.code: f for f in m.ComplexityFactor.objects.all()}
        self.questions = {q.party_role: q for q in m.QuestionSet.objects.filter(is_active=True)}
        self.known_people: list[Person] = []

    def membership(self, user) -> Membership:
        return self.members[user.email]

    # ------------------------------------------------------------ referral details

    def referral(self, spec: Spec) -> dict:
        rng = self.rng
        type_code = spec.type_code
        source = rng.choices(
            [c.Source.AGENCY, c.Source.SELF, c.Source.INTERNAL], weights=[70, 20, 10]
        )[0]
        if type_code in ("school", "family-group"):
            source = c.Source.AGENCY
        town, _districts = rng.choice(PLACES)
        details: dict[str, Any] = {
            "source": source,
            "summary": rng.choice(SUMMARIES[type_code]).format(town=town),
            "team": self.teams.get(TEAM_BY_TYPE[type_code]),
            "referrer": None,
            "town": town,
        }
        if source == c.Source.AGENCY:
            key = rng.choice(AGENCIES_BY_TYPE[type_code])
            details["referring_agency"] = AGENCIES[key]
            details["sharing_basis"] = rng.choice(
                [c.SharingBasis.AGREEMENT, c.SharingBasis.AGREEMENT, c.SharingBasis.PUBLIC_TASK]
            )
            details["sharing_reference"] = f"ISA-{rng.randint(2019, 2025)}-{rng.randint(10, 99)}"
            first, last = rng.choice(ENGLISH_FIRST + WELSH_FIRST), rng.choice(SURNAMES)
            details["referrer_contact"] = {
                "name": f"{first} {last}",
                "role": "Case manager",
                "email": f"{first.lower()}.{last.lower()}@example.org",
                "phone": f"07700 900{rng.randint(0, 999):03d}",
            }
            if key in self.referrers and self.referrers[key] is not None and rng.random() < 0.7:
                details["referrer"] = self.referrers[key]
        stage = c.JusticeStage.NONE
        reported_on = None
        if type_code in ("criminal-justice", "domestic-sexual-harm"):
            stage = rng.choice(
                [
                    c.JusticeStage.PRE_CHARGE,
                    c.JusticeStage.PRE_SENTENCE,
                    c.JusticeStage.COMMUNITY,
                    c.JusticeStage.CUSTODY,
                    c.JusticeStage.RELEASED,
                    c.JusticeStage.OUT_OF_COURT,
                ]
            )
            if stage in (c.JusticeStage.PRE_CHARGE, c.JusticeStage.OUT_OF_COURT):
                reported_on = spec.received_on - timedelta(days=rng.randint(0, 4))
            else:
                reported_on = spec.received_on - timedelta(days=rng.randint(20, 200))
        elif type_code == "community" and rng.random() < 0.2:
            stage = c.JusticeStage.OUT_OF_COURT
            reported_on = spec.received_on - timedelta(days=rng.randint(0, 3))
        details["justice_stage"] = stage
        details["reported_on"] = reported_on
        details["incident_date"] = (
            (reported_on or spec.received_on) - timedelta(days=rng.randint(0, 10))
            if type_code != "family-group"
            else None
        )
        details["enhanced_rights"] = type_code == "domestic-sexual-harm" or (
            reported_on is not None and rng.random() < 0.15
        )
        details["harmed_initiated"] = type_code == "domestic-sexual-harm" or source == c.Source.SELF
        factors = []
        if type_code == "domestic-sexual-harm":
            factors.append(self.factors.get(rng.choice(["domestic-abuse", "sexual-harm"])))
        elif type_code == "criminal-justice" and rng.random() < 0.2:
            factors.append(self.factors.get(rng.choice(["hate-crime", "serious-violence"])))
        if (
            type_code in ("school", "family-group")
            or details.get("referring_agency") == AGENCIES["youth"]
        ):
            factors.append(self.factors.get("under-18"))
        details["complexity_factors"] = [f for f in factors if f is not None]
        return details

    def person_details(self, role: str, town: str, under_18: bool, age_base: date) -> dict:
        rng = self.rng
        # A few people are already known from another case (likely duplicates are offered).
        if self.known_people and role == c.PartyRole.RESPONSIBLE and rng.random() < 0.04:
            return {"person": rng.choice(self.known_people)}
        language, other, interpreter = "en", "", False
        roll = rng.random()
        if roll < 0.03:
            first, last, other = rng.choice(OTHER_LANGUAGE_PEOPLE)
            language, interpreter = "other", True
        elif roll < 0.45:
            first, last = rng.choice(WELSH_FIRST), rng.choice(SURNAMES)
            language = "cy" if rng.random() < 0.3 else "en"
        else:
            first, last = rng.choice(ENGLISH_FIRST), rng.choice(SURNAMES)
        years = rng.randint(11, 16) if under_18 else rng.randint(19, 78)
        dob = age_base - timedelta(days=years * 365 + rng.randint(0, 364))
        districts = dict(PLACES)[town]
        postcode = (
            f"{rng.choice(districts)} {rng.randint(1, 9)}"
            f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        )
        return {
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "postcode": postcode,
            "contact": {
                "phone": f"07700 900{rng.randint(0, 999):03d}",
                "email": f"{name_ascii(first)}.{name_ascii(last)}{rng.randint(1, 99)}@example.org",
                "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {town}",
            },
            "preferred_language": language,
            "other_language": other,
            "needs_interpreter": interpreter,
        }

    def party_details(self, role: str, under_18: bool) -> dict:
        rng = self.rng
        return {
            "contact_preferences": {
                "methods": rng.sample(["phone", "letter", "email", "text"], rng.randint(1, 2)),
                "safe_times": rng.choice(SAFE_TIMES),
                "notes": "",
            },
            "accessibility_needs": rng.choice(ACCESSIBILITY) if rng.random() < 0.15 else "",
            "safety_flags": rng.choice(SAFETY_FLAGS)
            if role == c.PartyRole.HARMED and rng.random() < 0.25
            else "",
            "never_disclose": rng.choice(NEVER_DISCLOSE) if rng.random() < 0.15 else "",
            "is_under_18": under_18,
        }

    def cast(self, spec: Spec) -> list[tuple[str, bool, int | None]]:
        """(role, under 18, index of the party supported) for each party of the case."""
        rng = self.rng
        if spec.type_code == "school":
            return [
                (c.PartyRole.HARMED, True, None),
                (c.PartyRole.RESPONSIBLE, True, None),
                (c.PartyRole.PARENT_CARER, False, 0),
                (c.PartyRole.PARENT_CARER, False, 1),
            ]
        if spec.type_code == "family-group":
            return [
                (c.PartyRole.HARMED, False, None),
                (c.PartyRole.RESPONSIBLE, True, None),
                (c.PartyRole.SUPPORTER, False, 1),
                (c.PartyRole.PROFESSIONAL, False, None),
            ]
        cast: list[tuple[str, bool, int | None]] = [
            (c.PartyRole.HARMED, False, None),
            (c.PartyRole.RESPONSIBLE, False, None),
        ]
        if spec.type_code == "community" and rng.random() < 0.4:
            cast.append((c.PartyRole.COMMUNITY, False, None))
        if rng.random() < 0.3:
            cast.append((c.PartyRole.SUPPORTER, False, 0))
        return cast

    def note(self, kind: str, party=None) -> str:
        name = party.person.first_name if party is not None else ""
        return self.rng.choice(ACTIVITY_NOTES[kind]).format(name=name)


def name_ascii(value: str) -> str:
    return name_key(value) or "person"


# ---------------------------------------------------------------- driven through the actions


class CaseDriver:
    """Works one case through the real actions, then moves its dates back into the past."""

    lead: Any  # set in run(): a demo user's membership
    case: m.Case  # set in run()

    def __init__(self, seeder: Seeder, spec: Spec):
        self.s = seeder
        self.rng = seeder.rng
        self.spec = spec
        self.today = seeder.today
        self.status_dates: list[datetime] = []
        self.accepted_on: date | None = None
        self.closed_on: date | None = None
        self.withdrawn: tuple[int, date] | None = None
        self.tasks_done: dict[str, date] = {}

    def act(self, name: str, day: date, **kwargs):
        actor = kwargs.pop("actor", self.lead)
        self.case = actions.transition(actor=actor, case=self.case, name=name, **kwargs)
        self.status_dates.append(_at(day, self.rng))

    def activity(self, kind, day, party=None, actor=None, parties=None, minutes=None):
        actor = actor or self.lead
        actions.record_activity(
            actor=actor,
            case=self.case,
            kind=kind,
            occurred_at=_at(day, self.rng),
            duration_minutes=minutes or self.rng.choice([15, 30, 45, 60, 90]),
            practitioners=[self.s.membership(actor)],
            parties=parties if parties is not None else ([party] if party else []),
            belongs_to=party,
            notes=self.s.note(kind, party),
        )

    def run(self) -> m.Case:
        s, rng, spec = self.s, self.rng, self.spec
        details = s.referral(spec)
        self.details = details
        reach_index = STAGES.index(spec.reach)
        ending = spec.status in (c.Status.CLOSED, c.Status.PAUSED, c.Status.DECLINED)
        steps = reach_index + (1 if ending else 0) + (1 if spec.withdraw else 0)
        latest = self.today
        if ending:
            latest = min(self.today, spec.received_on + timedelta(days=rng.randint(30, 200)))
        dates = _spread(rng, spec.received_on, max(latest, spec.received_on), max(steps, 1))
        self.dates = dates
        referrer = details["referrer"]
        creator = (
            referrer
            if referrer is not None
            else (None if details["source"] == c.Source.SELF else s.manager)
        )
        self.case = actions.create_case(
            actor=creator,
            organisation=s.organisation,
            case_type=s.types[spec.type_code],
            source=details["source"],
            summary=details["summary"],
            referring_agency=details.get("referring_agency", ""),
            referrer_contact=details.get("referrer_contact"),
            justice_stage=details["justice_stage"],
            sharing_basis=details.get("sharing_basis", ""),
            sharing_reference=details.get("sharing_reference", ""),
            incident_date=details["incident_date"],
            reported_on=details["reported_on"],
            enhanced_rights=details["enhanced_rights"],
            harmed_initiated=details["harmed_initiated"],
            complexity_factors=details["complexity_factors"],
            team=details["team"],
        )
        self.status_dates.append(_at(spec.received_on, rng))
        self.lead = s.manager
        self.parties: list[m.Party] = []
        for role, under_18, supports in s.cast(spec):
            person = s.person_details(role, details["town"], under_18, spec.received_on)
            party = actions.add_party(
                actor=s.manager,
                case=self.case,
                role=role,
                supports=self.parties[supports] if supports is not None else None,
                **person,
                **s.party_details(role, under_18),
            )
            self.parties.append(party)
            if role == c.PartyRole.RESPONSIBLE and "person" not in person:
                s.known_people.append(party.person)
        self.principals = [p for p in self.parties if p.role in workflow_principals()]
        if referrer is not None and rng.random() < 0.8:
            actions.record_risk_assessment(
                actor=referrer,
                case=self.case,
                level=rng.choice(list(c.RiskLevel.values)),
                notes=rng.choice(RISK_NOTES),
                handover_file=ContentFile(  # type: ignore[arg-type]  # a ContentFile stands in for an upload
                    b"Risk assessment handover (demo document, invented content).\n",
                    name="risk-assessment-handover.txt",
                ),
            )
        self.clocks(dates)
        if spec.status == c.Status.DECLINED:
            self.act("decline", dates[0], actor=s.manager, reason=rng.choice(DECLINE_REASONS))
        else:
            self.work(dates)
        self.backdate()
        return self.case

    def clocks(self, dates):
        case, rng = self.case, self.rng
        if not case.reported_on or case.justice_stage == c.JusticeStage.NONE:
            return
        days = 1 if case.enhanced_rights else 5
        due = add_working_days(case.reported_on, days, case.bank_holiday_region)
        roll = rng.random()
        if self.spec.status == c.Status.REFERRED and roll < 0.5:
            return  # still due, or overdue
        offered = due - timedelta(days=rng.randint(0, 2)) if roll < 0.85 else due + timedelta(3)
        offered = min(max(offered, case.reported_on), self.today)
        self.case = actions.record_information_offered(actor=self.s.manager, case=case, on=offered)
        if rng.random() < 0.7:
            support_due = add_working_days(case.reported_on, 2, case.bank_holiday_region)
            on = support_due - timedelta(days=rng.randint(0, 1))
            on = min(max(on, case.reported_on), self.today)
            self.case = actions.record_support_referral_made(
                actor=self.s.manager, case=self.case, on=on
            )

    def choose_lead(self):
        s, rng = self.s, self.rng
        sensitive = self.spec.type_code == "domestic-sexual-harm" or any(
            f.needs_advanced_signoff for f in self.details["complexity_factors"]
        )
        if sensitive and s.advanced is not None and rng.random() < 0.8:
            return s.advanced
        return rng.choice(s.leads)

    def work(self, dates):
        s, rng, spec = self.s, self.rng, self.spec
        reach = STAGES.index(spec.reach)
        day = iter(dates)
        if reach >= 1:
            accepted = next(day)
            self.lead = self.choose_lead()
            actions.allocate(
                actor=s.manager,
                case=self.case,
                membership=s.membership(self.lead),
                role=c.AllocationRole.LEAD,
            )
            self.act("accept", accepted, actor=s.manager)
            self.accepted_on = accepted
            if s.volunteer is not None and rng.random() < 0.3:
                actions.allocate(
                    actor=s.manager,
                    case=self.case,
                    membership=s.membership(s.volunteer),
                    role=rng.choice([c.AllocationRole.CO_WORKER, c.AllocationRole.OBSERVER]),
                )
            if spec.police_coworker and s.police is not None:
                actions.allocate(
                    actor=s.manager,
                    case=self.case,
                    membership=s.membership(s.police),
                    role=c.AllocationRole.CO_WORKER,
                )
            if self.case.source == c.Source.AGENCY:
                self.activity(c.ActivityKind.CASE_DISCUSSION, accepted)
            if self.principals and rng.random() < 0.5:
                first = self.principals[0]
                self.activity(c.ActivityKind.CALL, accepted + timedelta(days=1), party=first)
        previous = self.accepted_on
        for stage in STAGES[2 : reach + 1]:
            when = next(day)
            getattr(self, f"enter_{stage}")(previous, when, last=stage == spec.reach)
            previous = when
        if spec.withdraw:
            when = next(day)
            party = next(p for p in self.principals if p.role == spec.withdraw)
            consent = m.Consent.objects.filter(
                party=party, scope=c.ConsentScope.TAKE_PART, withdrawn_on=None
            ).first()
            if consent is not None:
                self.case = m.Case.objects.get(pk=self.case.pk)
                actions.withdraw_consent(actor=self.lead, consent=consent, method="verbal")
                self.withdrawn = (consent.pk, when)
                self.status_dates.append(_at(when, rng))
                self.case = m.Case.objects.get(pk=self.case.pk)
                self.activity(c.ActivityKind.CALL, when, party=party)
        if spec.status == c.Status.PAUSED and self.case.status != c.Status.PAUSED:
            self.act("pause", next(day), reason=rng.choice(PAUSE_REASONS))
        elif spec.status == c.Status.CLOSED:
            self.closed_on = next(day)
            if spec.closure == c.ClosureReason.NOT_SUITABLE:
                self.unsuitable(self.closed_on)
            self.act(
                "close",
                self.closed_on,
                reason=CLOSURE_NOTES[spec.closure],
                closure_reason=spec.closure,
            )

    # stage entries: each does the work that the guard of the step needs, then the step.

    def enter_assessment(self, previous, when, last):
        s, rng = self.s, self.rng
        self.act("start_assessment", when)
        self.tasks_done["timeline:first_contact"] = when
        # Some cases still in assessment have seen only the person harmed so far.
        partial = last and self.spec.status == c.Status.ASSESSMENT and rng.random() < 0.5
        for index, party in enumerate(self.parties):
            if partial and index > 0:
                break
            given = when + timedelta(days=rng.randint(0, 3))
            given = min(given, self.today)
            scopes = [c.ConsentScope.TAKE_PART]
            if party.role in workflow_principals():
                scopes.append(c.ConsentScope.SHARE_WITH_OTHER_PARTY)
                if self.case.source == c.Source.AGENCY and rng.random() < 0.5:
                    scopes.append(c.ConsentScope.SHARE_WITH_REFERRER)
                if rng.random() < 0.5:
                    scopes.append(c.ConsentScope.FEEDBACK)
                if rng.random() < 0.15:
                    scopes.append(c.ConsentScope.CASE_STUDY)
            for scope in scopes:
                actions.give_consent(
                    actor=self.lead,
                    party=party,
                    scope=scope,
                    method=rng.choice(list(c.ConsentMethod.values)),
                    given_on=given,
                )
            if party.role in workflow_principals():
                question_set = s.questions.get(party.role)
                pool = HARMED_ANSWERS if party.role == c.PartyRole.HARMED else RESPONSIBLE_ANSWERS
                if question_set is not None:
                    self.later(
                        actions.record_assessment(
                            actor=self.lead,
                            party=party,
                            question_set=question_set,
                            answers={k: rng.choice(v) for k, v in pool.items()},
                            needs=rng.choice(NEEDS),
                            hopes=rng.choice(HOPES),
                        ),
                        assessed_on=given,
                    )
                self.activity(c.ActivityKind.ASSESSMENT, given, party=party, minutes=90)
        if not partial:
            self.later(
                actions.record_risk_assessment(
                    actor=self.lead,
                    case=self.case,
                    level=rng.choices(list(c.RiskLevel.values), weights=[6, 3, 1])[0],
                    notes=rng.choice(RISK_NOTES),
                    mitigation=rng.choice(MITIGATION),
                ),
                assessed_on=min(when + timedelta(days=4), self.today),
            )

    def signer(self, kind):
        s = self.s
        if kind == c.SignOffKind.MANAGER:
            return s.manager
        if kind == c.SignOffKind.SPECIALIST:
            return self.lead
        if s.advanced is not None and (
            self.lead == s.advanced or self.case.team == s.teams.get("Criminal justice")
        ):
            return s.advanced
        return s.manager

    def enter_preparation(self, previous, when, last):
        from mend.cases.workflow import required_signoffs

        rng = self.rng
        for kind in required_signoffs(self.case):
            self.later(
                actions.record_signoff(
                    actor=self.signer(kind),
                    case=self.case,
                    kind=kind,
                    notes="Reviewed the risk assessment and mitigation plan.",
                    specialist_service=rng.choice(SPECIALIST_SERVICES)
                    if kind == c.SignOffKind.SPECIALIST
                    else "",
                ),
                at=_at(when - timedelta(days=1), rng),
            )
        self.act("start_preparation", when)
        self.tasks_done["timeline:assessment"] = when
        for party in self.principals:
            prep_day = min(when + timedelta(days=rng.randint(1, 10)), self.today)
            coworker = self.coworker() if rng.random() < 0.3 else None
            self.activity(c.ActivityKind.PREPARATION, prep_day, party=party, actor=coworker)

    def coworker(self):
        for allocation in self.case.allocations.filter(ended_on=None).exclude(
            role=c.AllocationRole.LEAD
        ):
            return allocation.membership.user
        return None

    def unsuitable(self, when):
        rng = self.rng
        for kind in (c.ProcessKind.FACE_TO_FACE, c.ProcessKind.LETTER):
            self.later(
                actions.record_suitability(
                    actor=self.lead,
                    case=self.case,
                    process_kind=kind,
                    decision=c.Suitability.NOT_SUITABLE,
                    reason=rng.choice(UNSUITABLE_REASONS),
                ),
                at=_at(when, rng),
            )

    def enter_process(self, previous, when, last):
        rng, spec = self.rng, self.spec
        direct = spec.closure != c.ClosureReason.COMPLETED_INDIRECT and (
            spec.closure == c.ClosureReason.COMPLETED_DIRECT or rng.random() < 0.65
        )
        kind = rng.choice(PROCESSES[spec.type_code]) if direct else rng.choice(INDIRECT)
        if direct and rng.random() < 0.3:
            # Often another process was weighed first and judged unsuitable.
            self.later(
                actions.record_suitability(
                    actor=self.lead,
                    case=self.case,
                    process_kind=c.ProcessKind.LETTER,
                    decision=c.Suitability.NOT_SUITABLE,
                    reason="The person harmed would rather meet than receive a letter.",
                ),
                at=_at(when - timedelta(days=2), rng),
            )
        elif not direct and rng.random() < 0.6:
            self.later(
                actions.record_suitability(
                    actor=self.lead,
                    case=self.case,
                    process_kind=c.ProcessKind.FACE_TO_FACE,
                    decision=c.Suitability.NOT_SUITABLE,
                    reason=rng.choice(UNSUITABLE_REASONS),
                ),
                at=_at(when - timedelta(days=2), rng),
            )
        self.later(
            actions.record_suitability(
                actor=self.lead,
                case=self.case,
                process_kind=kind,
                decision=c.Suitability.SUITABLE,
                reason=rng.choice(SUITABLE_REASONS),
            ),
            at=_at(when - timedelta(days=1), rng),
        )
        process = actions.choose_process(
            actor=self.lead, case=self.case, kind=kind, parties=self.principals
        )
        self.later(process, started_on=when)
        if direct:
            self.later(
                actions.record_principles(actor=self.lead, case=self.case, considered=PRINCIPLES),
                at=_at(when - timedelta(days=1), rng),
            )
        self.act("start_process", when)
        self.tasks_done["timeline:preparation"] = when
        self.process = process
        if direct:
            meeting = actions.schedule_meeting(
                actor=self.lead,
                case=self.case,
                kind=kind,
                starts_at=self.future(when),
                ends_at=self.future(when) + timedelta(hours=2),
                venue=rng.choice(VENUES[:4] if kind != c.ProcessKind.VIDEO else VENUES[4:]),
                attendees=self.principals,
                facilitators=[self.s.membership(self.lead)],
                process=process,
            )
            if not last:
                starts = _at(when + timedelta(days=rng.randint(3, 14)), rng, 10, 15)
                m.Meeting.objects.filter(pk=meeting.pk).update(
                    starts_at=starts, ends_at=starts + timedelta(hours=2)
                )
                actions.mark_meeting_held(actor=self.lead, meeting=meeting)
        else:
            for party in self.principals:
                self.activity(
                    c.ActivityKind.LETTER if kind == c.ProcessKind.LETTER else c.ActivityKind.VISIT,
                    min(when + timedelta(days=rng.randint(1, 12)), self.today),
                    party=party,
                )

    def future(self, when):
        """A planned meeting: a fixed time one to four weeks from today."""
        if not hasattr(self, "_future"):
            self._future = timezone.make_aware(
                datetime.combine(
                    self.today + timedelta(days=self.rng.randint(3, 28)),
                    time(self.rng.choice([10, 11, 14])),
                )
            )
        return self._future

    def enter_outcome(self, previous, when, last):
        self.act("record_outcome", when)
        self.tasks_done["timeline:process"] = when
        m.Process.objects.filter(pk=self.process.pk).update(ended_on=when)
        for party in self.principals:
            self.activity(c.ActivityKind.CALL, when, party=party)

    def enter_follow_up(self, previous, when, last):
        self.act("start_follow_up", when)
        party = self.principals[0] if self.principals else None
        self.activity(c.ActivityKind.CALL, min(when + timedelta(days=14), self.today), party=party)

    # ------------------------------------------------------------ dates into the past

    def later(self, obj, **fields):
        type(obj).objects.filter(pk=obj.pk).update(**fields)
        return obj

    def backdate(self):
        case, spec = self.case, self.spec
        received = spec.received_on
        case_fields = {
            "received_on": received,
            "created_at": self.status_dates[0],
            "updated_at": self.status_dates[-1],
        }
        if self.accepted_on:
            case_fields["accepted_on"] = self.accepted_on
        if spec.status == c.Status.CLOSED:
            case_fields["closed_on"] = self.closed_on
        m.Case.objects.filter(pk=case.pk).update(**case_fields)
        changes = list(m.StatusChange.objects.filter(case=case).order_by("id"))
        for change, at in zip(changes, self.status_dates, strict=False):
            change.at = at
        m.StatusChange.objects.bulk_update(changes, ["at"])
        m.Party.objects.filter(case=case).update(created_at=self.status_dates[0])
        if self.accepted_on:
            m.Allocation.objects.filter(case=case).update(started_on=self.accepted_on)
        if self.withdrawn:
            m.Consent.objects.filter(pk=self.withdrawn[0]).update(withdrawn_on=self.withdrawn[1])
        tasks = list(m.Task.objects.filter(case=case))
        offsets = {
            f"timeline:{step.kind}": step.day_offset
            for step in self.s.types[spec.type_code].steps.all()
        }
        closed_on = self.closed_on
        for task in tasks:
            if task.kind in offsets and self.accepted_on:
                task.due_on = self.accepted_on + timedelta(days=offsets[task.kind])
                done = self.tasks_done.get(task.kind)
                if done is None and task.kind == "timeline:follow_up" and closed_on:
                    done = closed_on
                task.done_on = done or (closed_on if spec.status == c.Status.CLOSED else None)
            elif task.kind == "follow_up" and closed_on:
                task.due_on = closed_on + timedelta(days=28)
                task.done_on = task.due_on if task.due_on < self.today else None
            elif task.kind == "inform_withdrawal" and self.withdrawn:
                task.due_on = self.withdrawn[1]
                task.done_on = self.withdrawn[1] if spec.status == c.Status.CLOSED else None
        m.Task.objects.bulk_update(tasks, ["due_on", "done_on"])


def workflow_principals():
    from mend.cases.workflow import PRINCIPAL_ROLES

    return PRINCIPAL_ROLES


# ---------------------------------------------------------------- history, written in bulk


class History:
    """Closed and declined cases from earlier years, written with bulk_create (see docstring)."""

    def __init__(self, seeder: Seeder):
        self.s = seeder
        self.rng = seeder.rng
        self.rows: dict[type, list] = defaultdict(list)
        self.links: list[tuple] = []  # (through model, field, from row, to rows)
        self.factor_links: list[tuple] = []
        self.factors: dict[int, list] = {}
        self.supports: list[tuple] = []

    def add(self, spec: Spec, reference: str) -> None:
        s, rng = self.s, self.rng
        organisation = s.organisation
        details = s.referral(spec)
        case_type = s.types[spec.type_code]
        reach = STAGES.index(spec.reach)
        ending = 1 + (1 if spec.withdraw else 0)
        end = min(s.today - timedelta(days=1), spec.received_on + timedelta(rng.randint(30, 200)))
        dates = _spread(rng, spec.received_on, max(end, spec.received_on), reach + ending)
        lead_user = rng.choice(s.leads)
        lead = s.membership(lead_user)
        case = m.Case(
            organisation=organisation,
            reference=reference,
            case_type=case_type,
            status=spec.status,
            source=details["source"],
            referrer=details["referrer"],
            referring_agency=details.get("referring_agency", ""),
            referrer_contact=details.get("referrer_contact"),
            summary=details["summary"],
            justice_stage=details["justice_stage"],
            sharing_basis=details.get("sharing_basis", ""),
            sharing_reference=details.get("sharing_reference", ""),
            received_on=spec.received_on,
            incident_date=details["incident_date"],
            reported_on=details["reported_on"],
            enhanced_rights=details["enhanced_rights"],
            harmed_initiated=details["harmed_initiated"],
            team=details["team"],
            created_at=_at(spec.received_on, rng),
            updated_at=_at(dates[-1], rng),
        )
        if case.reported_on:
            due = add_working_days(case.reported_on, 1 if case.enhanced_rights else 5, "WLS")
            case.information_offered_on = due - timedelta(days=rng.randint(0, 2))
            case.support_referred_on = add_working_days(case.reported_on, 1, "WLS")
        self.rows[m.Case].append(case)
        self.factors[id(case)] = details["complexity_factors"]
        for factor in details["complexity_factors"]:
            self.factor_links.append((case, factor))
        changes: list[tuple[str, str, str, str, date]] = [
            ("refer", "", c.Status.REFERRED, "", case.created_at)
        ]
        if spec.status == c.Status.DECLINED:
            case.decision_reason = rng.choice(DECLINE_REASONS)
            changes.append(
                ("decline", c.Status.REFERRED, c.Status.DECLINED, case.decision_reason, dates[0])
            )
            self._changes(case, changes, s.manager)
            self._parties(case, spec, details, consents_on=None)
            return
        day = iter(dates)
        case.accepted_on = next(day)
        changes.append(("accept", c.Status.REFERRED, c.Status.ACCEPTED, "", case.accepted_on))
        self.rows[m.Allocation].append(
            m.Allocation(
                organisation=organisation,
                case=case,
                membership=lead,
                role=c.AllocationRole.LEAD,
                started_on=case.accepted_on,
            )
        )
        stage_dates: dict[str, date] = {c.Status.ACCEPTED: case.accepted_on}
        previous: str = c.Status.ACCEPTED
        for stage in STAGES[2 : reach + 1]:
            stage_dates[stage] = next(day)
            changes.append((ENTER[stage], previous, stage, "", stage_dates[stage]))
            previous = stage
        parties = self._parties(
            case, spec, details, consents_on=stage_dates.get(c.Status.ASSESSMENT)
        )
        principals = [p for p in parties if p.role in workflow_principals()]
        withdrawn_on = None
        if spec.withdraw:
            withdrawn_on = next(day)
            party = next(p for p in principals if p.role == spec.withdraw)
            for consent in self.rows[m.Consent]:
                if consent.party is party and consent.scope == c.ConsentScope.TAKE_PART:
                    consent.withdrawn_on = withdrawn_on
                    consent.withdrawal_method = c.ConsentMethod.VERBAL
                    consent.withdrawn_recorded_by = lead_user
            reason = f"{party.person} ({party.get_role_display().lower()}) withdrew consent."
            changes.append(("pause", previous, c.Status.PAUSED, reason, withdrawn_on))
            previous = c.Status.PAUSED
        case.closed_on = next(day)
        case.closure_reason = spec.closure
        case.closure_notes = CLOSURE_NOTES[spec.closure]
        changes.append(("close", previous, c.Status.CLOSED, case.closure_notes, case.closed_on))
        self._changes(case, changes, lead_user)
        self._work(case, spec, lead, lead_user, parties, principals, stage_dates)
        self._tasks(case, lead, stage_dates)

    def _changes(self, case, changes, by):
        for name, old, new, reason, at in changes:
            if isinstance(at, date) and not isinstance(at, datetime):
                at = _at(at, self.rng)
            self.rows[m.StatusChange].append(
                m.StatusChange(
                    organisation=case.organisation,
                    case=case,
                    transition=name,
                    from_status=old,
                    to_status=new,
                    reason=reason,
                    by=by if name != "refer" else None,
                    at=at,
                )
            )

    def _parties(self, case, spec, details, consents_on):
        s, rng = self.s, self.rng
        parties = []
        for role, under_18, supports in s.cast(spec):
            person_fields = s.person_details(role, details["town"], under_18, spec.received_on)
            person = person_fields.pop("person", None)
            if person is None:
                person = Person(
                    organisation=case.organisation, created_at=case.created_at, **person_fields
                )
                person.derive_keys()  # bulk_create does not call save()
                self.rows[Person].append(person)
            party = m.Party(
                organisation=case.organisation,
                case=case,
                person=person,
                role=role,
                created_at=case.created_at,
                **s.party_details(role, under_18),
            )
            if supports is not None:
                # Set once both parties have ids (one bulk_create cannot link rows to each other).
                self.supports.append((party, parties[supports]))
            parties.append(party)
            self.rows[m.Party].append(party)
            if consents_on is not None:
                scopes = [c.ConsentScope.TAKE_PART, c.ConsentScope.FEEDBACK]
                if role in workflow_principals():
                    scopes.append(c.ConsentScope.SHARE_WITH_OTHER_PARTY)
                for scope in scopes:
                    self.rows[m.Consent].append(
                        m.Consent(
                            organisation=case.organisation,
                            party=party,
                            scope=scope,
                            given_on=consents_on,
                            method=rng.choice(list(c.ConsentMethod.values)),
                            recorded_by=s.manager,
                            created_at=_at(consents_on, rng),
                        )
                    )
        return parties

    def _activity(self, case, kind, day, by, party=None, parties=()):
        activity = m.Activity(
            organisation=case.organisation,
            case=case,
            kind=kind,
            occurred_at=_at(day, self.rng),
            duration_minutes=self.rng.choice([15, 30, 45, 60, 90]),
            belongs_to=party,
            notes=self.s.note(kind, party),
            recorded_by=by.user,
        )
        self.rows[m.Activity].append(activity)
        self.links.append(
            (m.Activity.practitioners.through, "activity", "membership", activity, [by])
        )
        people = list(parties) or ([party] if party else [])
        self.links.append((m.Activity.parties.through, "activity", "party", activity, people))

    def _work(self, case, spec, lead, lead_user, parties, principals, stage_dates):
        s, rng = self.s, self.rng
        organisation = case.organisation
        if case.source == c.Source.AGENCY:
            self._activity(case, c.ActivityKind.CASE_DISCUSSION, case.accepted_on, lead)
        self._activity(case, c.ActivityKind.CALL, case.accepted_on, lead, party=principals[0])
        assessed = stage_dates.get(c.Status.ASSESSMENT)
        if assessed is None:
            return
        for party in principals:
            question_set = s.questions.get(party.role)
            pool = HARMED_ANSWERS if party.role == c.PartyRole.HARMED else RESPONSIBLE_ANSWERS
            if question_set is not None:
                self.rows[m.Assessment].append(
                    m.Assessment(
                        organisation=organisation,
                        party=party,
                        question_set=question_set,
                        answers={k: rng.choice(v) for k, v in pool.items()},
                        needs=rng.choice(NEEDS),
                        hopes=rng.choice(HOPES),
                        assessed_on=assessed,
                        assessed_by=lead_user,
                    )
                )
            self._activity(case, c.ActivityKind.ASSESSMENT, assessed, lead, party=party)
        self.rows[m.RiskAssessment].append(
            m.RiskAssessment(
                organisation=organisation,
                case=case,
                level=rng.choices(list(c.RiskLevel.values), weights=[6, 3, 1])[0],
                notes=rng.choice(RISK_NOTES),
                mitigation=rng.choice(MITIGATION),
                assessed_on=assessed,
                assessed_by=lead_user,
            )
        )
        prepared = stage_dates.get(c.Status.PREPARATION)
        if prepared is None:
            return
        # The same rule as workflow.required_signoffs, on rows not saved yet.
        enhanced = spec.type_code == "domestic-sexual-harm"
        factors = self.factors[id(case)]
        needed = [c.SignOffKind.RISK]
        if (
            enhanced
            or any(f.needs_advanced_signoff for f in factors)
            or any(p.is_under_18 for p in parties)
        ):
            needed.append(c.SignOffKind.ADVANCED)
        if enhanced or any(f.needs_specialist_consultation for f in factors):
            needed.append(c.SignOffKind.SPECIALIST)
        if enhanced or any(f.needs_manager_signoff for f in factors):
            needed.append(c.SignOffKind.MANAGER)
        for kind in needed:
            by = s.manager if kind != c.SignOffKind.SPECIALIST else lead_user
            self.rows[m.SignOff].append(
                m.SignOff(
                    organisation=organisation,
                    case=case,
                    kind=kind,
                    by=s.membership(by),
                    notes="Reviewed the risk assessment and mitigation plan.",
                    specialist_service=rng.choice(SPECIALIST_SERVICES)
                    if kind == c.SignOffKind.SPECIALIST
                    else "",
                    at=_at(prepared - timedelta(days=1), rng),
                )
            )
        for party in principals:
            self._activity(case, c.ActivityKind.PREPARATION, prepared, lead, party=party)
        started = stage_dates.get(c.Status.PROCESS)
        if started is None:
            return
        direct = spec.closure == c.ClosureReason.COMPLETED_DIRECT or (
            spec.closure != c.ClosureReason.COMPLETED_INDIRECT and rng.random() < 0.6
        )
        kind = rng.choice(PROCESSES[spec.type_code]) if direct else rng.choice(INDIRECT)
        self.rows[m.SuitabilityDecision].append(
            m.SuitabilityDecision(
                organisation=organisation,
                case=case,
                process_kind=kind,
                decision=c.Suitability.SUITABLE,
                reason=rng.choice(SUITABLE_REASONS),
                by=lead_user,
                at=_at(started - timedelta(days=1), rng),
            )
        )
        ended = stage_dates.get(c.Status.OUTCOME)
        process = m.Process(
            organisation=organisation, case=case, kind=kind, started_on=started, ended_on=ended
        )
        self.rows[m.Process].append(process)
        self.links.append((m.Process.parties.through, "process", "party", process, principals))
        if direct:
            self.rows[m.PrinciplesChecklist].append(
                m.PrinciplesChecklist(
                    organisation=organisation,
                    case=case,
                    considered=dict(PRINCIPLES),
                    by=lead_user,
                    at=_at(started - timedelta(days=1), rng),
                )
            )
            starts = _at(started + timedelta(days=rng.randint(3, 14)), rng, 10, 15)
            meeting = m.Meeting(
                organisation=organisation,
                case=case,
                process=process,
                kind=kind,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                venue=rng.choice(VENUES[:4] if kind != c.ProcessKind.VIDEO else VENUES[4:]),
                status=c.MeetingStatus.HELD if ended else c.MeetingStatus.CANCELLED,
                cancelled_reason="" if ended else "A party withdrew consent to take part.",
                uid=f"{uuid.UUID(int=rng.getrandbits(128))}@mend",
            )
            self.rows[m.Meeting].append(meeting)
            self.links.append(
                (m.Meeting.attendees.through, "meeting", "party", meeting, principals)
            )
            facilitators = m.Meeting.facilitators.through
            self.links.append((facilitators, "meeting", "membership", meeting, [lead]))
        else:
            for party in principals:
                self._activity(case, c.ActivityKind.LETTER, started, lead, party=party)
        if ended:
            for party in principals:
                self._activity(case, c.ActivityKind.CALL, ended, lead, party=party)

    def _tasks(self, case, lead, stage_dates):
        done_by_step = {
            c.TimelineStepKind.FIRST_CONTACT: stage_dates.get(c.Status.ASSESSMENT),
            c.TimelineStepKind.ASSESSMENT: stage_dates.get(c.Status.PREPARATION),
            c.TimelineStepKind.PREPARATION: stage_dates.get(c.Status.PROCESS),
            c.TimelineStepKind.PROCESS: stage_dates.get(c.Status.OUTCOME),
            c.TimelineStepKind.FOLLOW_UP: case.closed_on,
        }
        for step in self.s.types[case.case_type.code].steps.all():
            self.rows[m.Task].append(
                m.Task(
                    organisation=case.organisation,
                    case=case,
                    kind=f"timeline:{step.kind}",
                    title=str(c.TimelineStepKind(step.kind).label),
                    assignee=lead,
                    due_on=case.accepted_on + timedelta(days=step.day_offset),
                    done_on=done_by_step.get(step.kind) or case.closed_on,
                    created_at=_at(case.accepted_on, self.rng),
                )
            )
        follow_up = case.closed_on + timedelta(days=28)
        self.rows[m.Task].append(
            m.Task(
                organisation=case.organisation,
                case=case,
                kind="follow_up",
                title="Follow-up contact after closure",
                assignee=lead,
                due_on=follow_up,
                done_on=follow_up if follow_up < self.s.today else None,
                created_at=_at(case.closed_on, self.rng),
            )
        )

    def save(self) -> None:
        """Write every row, parents first, fixing up foreign keys once parents have ids."""
        order = [
            Person,
            m.Case,
            m.Party,
            m.StatusChange,
            m.Allocation,
            m.Consent,
            m.Assessment,
            m.RiskAssessment,
            m.SignOff,
            m.SuitabilityDecision,
            m.PrinciplesChecklist,
            m.Process,
            m.Meeting,
            m.Activity,
            m.Task,
        ]
        for model in order:
            rows = self.rows.get(model, [])
            # bulk_create takes each foreign key's id from its parent, saved just before.
            if rows:
                model.objects.bulk_create(rows, batch_size=500)
        for party, supported in self.supports:
            party.supports = supported
        m.Party.objects.bulk_update([p for p, _s in self.supports], ["supports"], batch_size=500)
        through_rows = defaultdict(list)
        for through, left, right, row, targets in self.links:
            for target in targets:
                through_rows[through].append(
                    through(**{f"{left}_id": row.pk, f"{right}_id": target.pk})
                )
        for through, rows in through_rows.items():
            through.objects.bulk_create(rows, batch_size=500)
        factor_through = m.Case.complexity_factors.through
        factor_through.objects.bulk_create(
            [
                factor_through(case_id=case.pk, complexityfactor_id=f.pk)
                for case, f in self.factor_links
            ]
        )


# ---------------------------------------------------------------- entry point


def seed(organisation, count: int = 300, rng_seed: int = 2026) -> int:
    """Give `organisation` at least `count` invented cases; returns how many were added."""
    with organisation_scope(organisation):
        existing = m.Case.objects.count()
        if existing >= count:
            return 0
        rng = random.Random(rng_seed)
        today = timezone.localdate()
        specs = sorted(plan(count - existing, rng, today), key=lambda s: s.received_on)
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            seeder = Seeder(organisation, rng, today)
            history = History(seeder)
            for spec in specs:
                finished = spec.status in (c.Status.CLOSED, c.Status.DECLINED)
                # Action-made cases take this year's references (create_case numbers by today).
                if spec.received_on.year == today.year and (
                    not finished or rng.random() < DRIVEN_FINISHED_SHARE
                ):
                    CaseDriver(seeder, spec).run()
                else:
                    reference = actions.next_reference(organisation, spec.received_on)
                    history.add(spec, reference)
            history.save()
        return len(specs)


def seed_for_command(organisation, options) -> list[str]:
    """`seed_demo`'s casework step: the demo cases (registered in CasesConfig.ready)."""
    return [f"Demo cases added: {seed(organisation, count=options['cases'])}"]
