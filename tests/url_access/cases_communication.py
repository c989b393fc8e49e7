"""Expectations for the case's messages and letters (shuttle mediation, letters, letter PDF).

The walker's visitors are allocated to nothing: only roles that see every case (administrator,
manager) reach these pages; everyone else gets 404, as for a case they cannot see.
"""

from __future__ import annotations

from django.urls import reverse

from mend.cases import actions
from mend.cases import choices as c
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from tests.builders import add_party, new_case
from tests.url_access import Expect

SEE_ALL_CASES = frozenset({Role.ADMINISTRATOR, Role.MANAGER})

_CASE_PAGES = ["case_communication", "message_new", "letter_new"]
_MESSAGE_PAGES = {"message_approve": "draft_message", "message_delivered": "approved_message"}
_LETTER_PAGES = {
    "letter_detail": "draft_letter",
    "letter_edit": "draft_letter",
    "letter_screen": "draft_letter",
    "letter_opt_in": "draft_letter",
    "letter_deliver": "screened_letter",
    "letter_read": "screened_letter",
    "letter_pdf": "screened_letter",
}

EXPECTED: dict[str, Expect] = {
    name: Expect(SEE_ALL_CASES, org_object=True)
    for name in [*_CASE_PAGES, *_MESSAGE_PAGES, *_LETTER_PAGES]
}


def objects(organisation, admin_user, slug):
    with organisation_scope(organisation):
        case = new_case(organisation, admin_user)
        harmed = add_party(admin_user, case, c.PartyRole.HARMED, "Sharon")
        responsible = add_party(admin_user, case, c.PartyRole.RESPONSIBLE, "Dean")

        def message():
            return actions.record_shuttle_message(
                actor=admin_user, case=case, sender=responsible, recipient=harmed, text="Sorry."
            )

        def letter():
            return actions.draft_letter(
                actor=admin_user,
                case=case,
                writer=responsible,
                recipient=harmed,
                body="I am sorry.",
                language="en",
            )

        approved = actions.approve_message(actor=admin_user, message=message())
        screened = actions.screen_letter(
            actor=admin_user,
            letter=letter(),
            no_contact_details=True,
            no_blame_shifting=True,
            safe_to_send=True,
        )
        return {
            "case": case,
            "draft_message": message(),
            "approved_message": approved,
            "draft_letter": letter(),
            "screened_letter": screened,
        }


def urls(for_each) -> dict[str, dict[str, str]]:
    found = {
        name: for_each(lambda o, n=name: reverse(n, args=[o["case"].pk])) for name in _CASE_PAGES
    }
    for name, key in {**_MESSAGE_PAGES, **_LETTER_PAGES}.items():
        found[name] = for_each(lambda o, n=name, k=key: reverse(n, args=[o[k].pk]))
    return found
