"""Every change of casework state (DESIGN.md rule 1). Import from here: `cases.actions.X`."""

from .assessment import (  # noqa: F401
    record_assessment,
    record_principles,
    record_risk_assessment,
    record_signoff,
    record_suitability,
    update_party,
)
from .consent import give_consent, withdraw_consent  # noqa: F401
from .intake import add_party, create_case, likely_duplicates, next_reference  # noqa: F401
from .work import (  # noqa: F401
    MeetingRefused,
    cancel_meeting,
    choose_process,
    meeting_invitation,
    record_activity,
    schedule_meeting,
)
from .workflow import TransitionRefused, allocate, end_allocation, transition  # noqa: F401
