"""Good default configuration for a new organisation; every row is editable afterwards."""

from __future__ import annotations

from mend.cases import choices as c
from mend.cases.models import CaseType, ComplexityFactor, QuestionSet, TimelineStep

S = c.TimelineStepKind
# code: (name, name in Welsh, description, enhanced pathway, {step: day offset})
CASE_TYPES = {
    "criminal-justice": (
        "Criminal justice",
        "Cyfiawnder troseddol",
        "A person harmed by a crime and the person responsible.",
        False,
        {S.FIRST_CONTACT: 2, S.ASSESSMENT: 14, S.PREPARATION: 35, S.PROCESS: 60, S.FOLLOW_UP: 90},
    ),
    "community": (
        "Community or neighbour dispute",
        "Anghydfod cymunedol neu rhwng cymdogion",
        "Neighbours, groups or a community in conflict.",
        False,
        {S.FIRST_CONTACT: 3, S.ASSESSMENT: 14, S.PREPARATION: 28, S.PROCESS: 42, S.FOLLOW_UP: 70},
    ),
    "school": (
        "School",
        "Ysgol",
        "Harm or conflict among pupils, staff and families.",
        False,
        {S.FIRST_CONTACT: 1, S.ASSESSMENT: 5, S.PREPARATION: 10, S.PROCESS: 15, S.FOLLOW_UP: 30},
    ),
    "family-group": (
        "Family group conference",
        "Cynhadledd grŵp teulu",
        "A family plans together, with the child's voice heard.",
        False,
        {S.FIRST_CONTACT: 2, S.ASSESSMENT: 10, S.PREPARATION: 21, S.PROCESS: 28, S.FOLLOW_UP: 56},
    ),
    "workplace": (
        "Workplace",
        "Gweithle",
        "Conflict or harm between colleagues.",
        False,
        {S.FIRST_CONTACT: 3, S.ASSESSMENT: 10, S.PREPARATION: 21, S.PROCESS: 30, S.FOLLOW_UP: 60},
    ),
    "domestic-sexual-harm": (
        "Domestic or sexual harm (enhanced pathway)",
        "Niwed domestig neu rywiol (llwybr uwch)",
        "Victim-initiated only, with specialist consultation, an advanced practitioner and "
        "manager sign-off; may pause or stop at any point.",
        True,
        {S.FIRST_CONTACT: 2, S.ASSESSMENT: 21, S.PREPARATION: 56, S.PROCESS: 90, S.FOLLOW_UP: 120},
    ),
}

# code: (name, name in Welsh, advanced sign-off, manager sign-off, specialist consultation)
COMPLEXITY_FACTORS = {
    "domestic-abuse": ("Domestic abuse", "Cam-drin domestig", True, True, True),
    "sexual-harm": ("Sexual violence or abuse", "Trais neu gam-drin rhywiol", True, True, True),
    "hate-crime": ("Hate crime", "Trosedd casineb", True, False, False),
    "serious-violence": ("Serious violence", "Trais difrifol", True, False, False),
    "under-18": ("A party under 18", "Parti dan 18 oed", True, False, False),
    "stalking-trafficking": (
        "Stalking, trafficking or child sexual exploitation",
        "Stelcian, masnachu pobl neu gamfanteisio'n rhywiol ar blant",
        True,
        True,
        True,
    ),
}

RESPONSIBLE_QUESTIONS = [
    ("what_happened", "What happened?", "Beth ddigwyddodd?"),
    (
        "thinking_then",
        "What were you thinking at the time?",
        "Beth oeddech chi'n ei feddwl ar y pryd?",
    ),
    (
        "thought_since",
        "What have you thought about since?",
        "Beth ydych chi wedi meddwl amdano ers hynny?",
    ),
    (
        "who_affected",
        "Who has been affected by what you did, and how?",
        "Pwy sydd wedi cael eu heffeithio gan yr hyn a wnaethoch, a sut?",
    ),
    (
        "make_right",
        "What do you think you need to do to make things right?",
        "Beth ydych chi'n meddwl sydd angen i chi ei wneud i wneud pethau'n iawn?",
    ),
    (
        "not_again",
        "How can we make sure this doesn't happen again?",
        "Sut allwn ni sicrhau nad yw hyn yn digwydd eto?",
    ),
]
HARMED_QUESTIONS = [
    (
        "realised",
        "What did you think when you realised what had happened?",
        "Beth oeddech chi'n ei feddwl pan sylweddoloch chi beth oedd wedi digwydd?",
    ),
    (
        "impact",
        "What impact has it had on you and others?",
        "Pa effaith mae wedi'i chael arnoch chi ac ar eraill?",
    ),
    ("hardest", "What has been the hardest thing for you?", "Beth fu'r peth anoddaf i chi?"),
    (
        "make_right",
        "What do you think needs to happen to make things right?",
        "Beth ydych chi'n meddwl sydd angen digwydd i wneud pethau'n iawn?",
    ),
    (
        "not_again",
        "How can we make sure this doesn't happen again?",
        "Sut allwn ni sicrhau nad yw hyn yn digwydd eto?",
    ),
]


# code: (name, for whom, questions)
QUESTION_SETS = {
    "restorative-responsible": (
        "Restorative questions: person responsible",
        c.PartyRole.RESPONSIBLE,
        RESPONSIBLE_QUESTIONS,
    ),
    "restorative-harmed": (
        "Restorative questions: person harmed",
        c.PartyRole.HARMED,
        HARMED_QUESTIONS,
    ),
}


def _questions(rows):
    return [{"key": key, "en": en, "cy": cy} for key, en, cy in rows]


def install(organisation) -> None:
    """Create any default that is missing; never changes what an administrator has edited."""
    for code, (name, name_cy, description, enhanced, steps) in CASE_TYPES.items():
        case_type, created = CaseType.objects.get_or_create(
            organisation=organisation,
            code=code,
            defaults={
                "name": name,
                "name_cy": name_cy,
                "description": description,
                "enhanced_pathway": enhanced,
            },
        )
        if created:
            TimelineStep.objects.bulk_create(
                TimelineStep(
                    organisation=organisation, case_type=case_type, kind=kind, day_offset=days
                )
                for kind, days in steps.items()
            )
    for code, (name, name_cy, advanced, manager, specialist) in COMPLEXITY_FACTORS.items():
        ComplexityFactor.objects.get_or_create(
            organisation=organisation,
            code=code,
            defaults={
                "name": name,
                "name_cy": name_cy,
                "needs_advanced_signoff": advanced,
                "needs_manager_signoff": manager,
                "needs_specialist_consultation": specialist,
            },
        )
    for code, (name, party_role, questions) in QUESTION_SETS.items():
        QuestionSet.objects.get_or_create(
            organisation=organisation,
            code=code,
            defaults={"name": name, "party_role": party_role, "questions": _questions(questions)},
        )
