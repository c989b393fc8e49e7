"""The sections of a case page. Each is a URL name taking the case's pk."""

from django.utils.translation import gettext_lazy as _

CASE_TABS = [
    ("case_detail", _("Overview")),
    ("case_parties", _("People")),
    ("case_assessment", _("Assessment and risk")),
    ("case_work", _("Work and meetings")),
    ("case_communication", _("Messages and letters")),
    ("case_outcomes", _("Outcomes")),
]


def tab_context(case, active: str) -> dict:
    return {"case": case, "case_tabs": CASE_TABS, "active_tab": active}
