"""Every change of casework state (DESIGN.md rule 1). Import from here: `cases.actions.X`."""

from .assessment import (  # noqa: F401
    record_assessment,
    record_principles,
    record_risk_assessment,
    record_signoff,
    record_suitability,
    update_party,
)
from .communication import *  # noqa: F403 (names listed in communication.__all__)
from .configuration import (  # noqa: F401
    create_complexity_factor,
    update_case_type,
    update_complexity_factor,
    update_question_set,
)
from .consent import give_consent, withdraw_consent  # noqa: F401
from .intake import add_party, create_case, likely_duplicates, next_reference  # noqa: F401
from .meetings import mark_meeting_held  # noqa: F401
from .outcomes import *  # noqa: F403 (names listed in outcomes.__all__)
from .parties import update_party_details, update_person  # noqa: F401
from .referrals import enter_referral, submit_partner_referral, submit_self_referral  # noqa: F401
from .tasks import (  # noqa: F401
    complete_task,
    record_information_offered,
    record_support_referral_made,
)
from .work import (  # noqa: F401
    MeetingRefused,
    cancel_meeting,
    choose_process,
    meeting_invitation,
    record_activity,
    schedule_meeting,
)
from .workflow import TransitionRefused, allocate, end_allocation, transition  # noqa: F401
