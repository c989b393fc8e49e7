"""Every change of training state (DESIGN.md rule 1). Views, commands and the seeder call these.

One module per area; this package re-exports them all, so callers write
`from mend.training import actions` and `actions.issue_invoice(...)`.
"""

from .delivery import *  # noqa: F403
from .elearning import *  # noqa: F403
from .engagements import *  # noqa: F403
from .money import *  # noqa: F403
from .policy import *  # noqa: F403
from .sales import *  # noqa: F403
