"""Every change of training state (DESIGN.md rule 1). Views, commands and the seeder call these.

One module per area (some areas split theirs by responsibility); this module re-exports them all,
so callers write `from mend.training import actions` and `actions.issue_invoice(...)`. A few
reads the callers have always found here (balances, the policy in force, the lifecycle refresh)
are re-exported from their queries modules too.
"""

from mend.training.delivery.actions import *  # noqa: F403
from mend.training.delivery.queries import completed_attendees  # noqa: F401
from mend.training.delivery.surveys import *  # noqa: F403
from mend.training.elearning.actions import *  # noqa: F403
from mend.training.elearning.enrolment import *  # noqa: F403
from mend.training.money.actions import *  # noqa: F403
from mend.training.money.cancellation import *  # noqa: F403
from mend.training.money.policy import *  # noqa: F403
from mend.training.money.queries import (  # noqa: F401
    cancellation_sessions,
    invoiced_session_ids,
    outstanding,
    outstanding_for_engagement,
    policy_from_row,
    policy_snapshot,
    postponement_problem,
    signed_policy,
    uninvoiced_sessions,
)
from mend.training.sales.actions import *  # noqa: F403
from mend.training.sales.agreements import *  # noqa: F403
from mend.training.sales.enquiries import *  # noqa: F403
from mend.training.sales.queries import find_sla, proposal_lines, sla_problem  # noqa: F401
from mend.training.workflow import refresh_status  # noqa: F401
