"""Every change of training state (DESIGN.md rule 1). Views, commands and the seeder call these.

One module per area; this package re-exports them all, so callers write
`from mend.training import actions` and `actions.issue_invoice(...)`. A few reads that callers
have long reached through here are re-exported too (they live in each area's queries).
"""

from mend.training.delivery.actions import *  # noqa: F403
from mend.training.delivery.queries import completed_attendees  # noqa: F401
from mend.training.delivery.surveys import *  # noqa: F403
from mend.training.elearning.actions import *  # noqa: F403
from mend.training.elearning.enrolment import *  # noqa: F403
from mend.training.money.actions import *  # noqa: F403
from mend.training.money.policy import *  # noqa: F403
from mend.training.sales.actions import *  # noqa: F403
from mend.training.sales.engagements import *  # noqa: F403
