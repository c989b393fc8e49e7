"""Every change of casework state (DESIGN.md rule 1), gathered from the areas.

Each area keeps its actions in `cases/<area>/actions.py`; this module lists them all so that
commands, the seeder, tests and other apps have one place to import from: `cases.actions.X`.
"""

# ruff: noqa: F401, F403
from mend.cases.assessment.actions import (
    record_assessment,
    record_principles,
    record_risk_assessment,
    record_signoff,
    record_suitability,
    update_party,
)
from mend.cases.casework.actions import (
    TransitionRefused,
    allocate,
    complete_task,
    end_allocation,
    record_information_offered,
    record_support_referral_made,
    touch_case,
    transition,
)
from mend.cases.communication.actions import *
from mend.cases.configuration.actions import (
    create_complexity_factor,
    update_case_type,
    update_complexity_factor,
    update_question_set,
)
from mend.cases.outcomes.actions import *
from mend.cases.outcomes.publishing import *
from mend.cases.parties.actions import (
    give_consent,
    update_party_details,
    update_person,
    withdraw_consent,
)
from mend.cases.referrals.actions import (
    add_party,
    create_case,
    enter_referral,
    submit_partner_referral,
    submit_self_referral,
)
from mend.cases.referrals.numbering import next_reference
from mend.cases.referrals.queries import likely_duplicates
from mend.cases.work.actions import (
    MeetingRefused,
    cancel_meeting,
    choose_process,
    mark_meeting_held,
    record_activity,
    schedule_meeting,
)
from mend.cases.work.queries import meeting_invitation
