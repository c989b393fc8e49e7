"""People and parties: likely duplicates offered (never forced), a party's private page, editing."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.models import AccessLog
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.people.models import Person
from tests.builders import CaseWorld
from tests.pages import error_summary, page_text

pytestmark = pytest.mark.django_db

CONFLICT = "Someone else changed this record while you were editing it."


def field_value(response, name: str) -> str | None:
    html = response.content.decode()
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    if found:
        return unescape(found.group(1))
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(found.group(1)).strip() if found else None


class World(CaseWorld):
    """A criminal-justice case led by Priya, with Sharon (harmed) and Dean (responsible)."""

    def __init__(self, org, make_member):
        super().__init__(org, make_member)
        self.manager = self.member(Role.MANAGER, "Morgan Price")
        self.lead = self.member(Role.PRACTITIONER, "Priya Shah")
        self.case = self.open_case(
            lead=self.lead,
            sharon={
                "date_of_birth": date(1980, 2, 14),
                "postcode": "CF10 1AA",
                "contact": {"email": "sharon@example.test", "phone": "07700 900001"},
                "safety_flags": "Ex-partner must not learn her new address.",
            },
            dean={"date_of_birth": date(1995, 7, 1), "postcode": "CF24 9ZZ"},
        )

    def new_case(self):
        return self.open_case(lead=self.lead, parties=False)

    add = CaseWorld.add_party


@pytest.fixture
def world(org, make_member):
    return World(org, make_member)


@pytest.fixture
def lead(world, signed_in):
    return signed_in(world.lead.user, world.org)


def find(case, **typed):
    data = {
        "step": "find",
        "first_name": "",
        "last_name": "",
        "date_of_birth": "",
        "postcode": "",
        "role": c.PartyRole.HARMED,
    }
    data.update(typed)
    return data


# ---------------------------------------------------------------- likely duplicates


def test_someone_known_with_the_same_last_name_and_birthday_is_offered_with_the_reasons(
    world, lead
):
    """Accents, apostrophes and capitals do not hide a match: 'sian oneill' is Siân O'Neill."""
    with world.scope():
        other = world.new_case()
        world.add(other, c.PartyRole.HARMED, "Siân", "O'Neill", date(1990, 5, 1), "SA1 1AA")

    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        find(world.case, first_name="sian", last_name="oneill", date_of_birth="1990-05-01"),
    )

    page = page_text(response)
    assert "Is this someone we already know?" in page
    assert "This is the same person: Siân O'Neill" in page
    assert "same last name, same date of birth" in page
    assert "None of these: add a new person" in page


def test_the_same_birthday_and_postcode_are_offered_even_under_another_last_name(world, lead):
    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        find(
            world.case,
            first_name="Sharon",
            last_name="Evans",
            date_of_birth="1980-02-14",
            postcode="cf101aa",
        ),
    )

    page = page_text(response)
    assert "This is the same person: Sharon Jones" in page
    assert "same date of birth, same postcode" in page


def test_a_volunteer_on_the_case_is_never_shown_people_from_other_cases(
    world, make_member, signed_in
):
    volunteer = make_member(world.org, Role.VOLUNTEER, email="vol.home@example.test")
    with world.scope():
        actions.allocate(
            actor=world.manager.user,
            case=world.case,
            membership=volunteer,
            role=c.AllocationRole.OBSERVER,
        )
        other = world.new_case()
        world.add(other, c.PartyRole.HARMED, "Siân", "O'Neill", date(1990, 5, 1), "SA1 1AA")
    client = signed_in(volunteer.user, world.org)
    response = client.post(
        reverse("party_add", args=[world.case.pk]),
        find(world.case, first_name="Sian", last_name="ONeill", date_of_birth="1990-05-01"),
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "Siân O'Neill" not in page
    assert "SA1 1AA" not in page


def test_nobody_similar_means_no_question_about_duplicates(world, lead):
    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        find(world.case, first_name="Alys", last_name="Pritchard", date_of_birth="2001-01-01"),
    )

    page = page_text(response)
    assert "Is this someone we already know?" not in page
    assert "Their details" in page
    assert "Add to the case" in page


def test_the_first_step_keeps_what_was_typed_when_the_name_is_missing(world, lead):
    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        find(world.case, last_name="Pritchard", postcode="LL57 2DG"),
    )

    assert error_summary(response) == ["Enter the person's first name."]
    assert field_value(response, "last_name") == "Pritchard"
    assert field_value(response, "postcode") == "LL57 2DG"


def test_the_person_must_choose_a_candidate_or_a_new_person(world, lead):
    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        {**find(world.case, first_name="Sharon", last_name="Jones"), "step": "choose"},
    )

    assert error_summary(response) == ["Choose the person this is, or add a new person."]


def details(**extra):
    return {
        "phone": "",
        "email": "",
        "address": "",
        "preferred_language": "en",
        "other_language": "",
        "safe_times": "",
        "contact_notes": "",
        "accessibility_needs": "",
        "safety_flags": "",
        "never_disclose": "",
        **extra,
    }


def test_a_new_person_can_be_added_even_when_someone_similar_is_known(world, lead):
    """Offered, never forced: 'None of these' makes a second Sharon Jones."""
    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        {
            **find(
                world.case,
                first_name="Sharon",
                last_name="Jones",
                date_of_birth="1980-02-14",
                role=c.PartyRole.SUPPORTER,
            ),
            "step": "add",
            "match": "new",
            "supports": str(world.sharon.pk),
            **details(phone="07700 900777"),
        },
    )

    with world.scope():
        assert Person.objects.filter(last_name="Jones", first_name="Sharon").count() == 2
        party = m.Party.objects.get(case=world.case, role=c.PartyRole.SUPPORTER)
    assert party.person_id != world.sharon.person_id
    assert party.person.contact == {"phone": "07700 900777"}
    assert party.supports == world.sharon
    assert response.status_code == 302
    assert response["Location"] == reverse("party_detail", args=[party.pk])


def test_choosing_someone_already_known_links_the_same_person_to_the_new_party(world, lead):
    with world.scope():
        other = world.new_case()
    response = lead.post(
        reverse("party_add", args=[other.pk]),
        {
            **find(other, first_name="Sharon", last_name="Jones", date_of_birth="1980-02-14"),
            "step": "add",
            "match": str(world.sharon.person_id),
            **details(accessibility_needs="Step-free access"),
        },
    )

    assert response.status_code == 302
    with world.scope():
        party = m.Party.objects.get(case=other)
        assert Person.objects.filter(last_name="Jones").count() == 1
    assert party.person_id == world.sharon.person_id
    assert party.accessibility_needs == "Step-free access"
    # Their record keeps the contact details it had.
    assert party.person.contact == {"email": "sharon@example.test", "phone": "07700 900001"}


def test_a_person_cannot_be_linked_who_was_not_offered(world, lead):
    """The chosen record must be one of the likely duplicates, not any id typed into the form."""
    with world.scope():
        other = world.new_case()
    response = lead.post(
        reverse("party_add", args=[other.pk]),
        {
            **find(other, first_name="Sharon", last_name="Jones"),
            "step": "add",
            "match": str(world.dean.person_id),
            **details(),
        },
    )

    assert response.status_code == 200
    assert error_summary(response)[0].startswith("Select a valid choice.")
    with world.scope():
        assert not m.Party.objects.filter(case=other).exists()


def test_someone_already_in_the_case_is_not_added_twice(world, lead):
    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        {
            **find(world.case, first_name="Dean", last_name="Walsh", role=c.PartyRole.COMMUNITY),
            "step": "add",
            "match": str(world.dean.person_id),
            **details(),
        },
    )

    assert error_summary(response) == [
        "Dean Walsh is already part of this case as person responsible."
    ]
    with world.scope():
        assert m.Party.objects.filter(case=world.case).count() == 2


def test_a_new_persons_details_are_stored_and_their_contact_details_encrypted(world, lead):
    lead.post(
        reverse("party_add", args=[world.case.pk]),
        {
            **find(world.case, first_name="Gwen", last_name="Morgan", role=c.PartyRole.COMMUNITY),
            "step": "add",
            **details(
                email="gwen@example.test",
                address="1 Heol y Bryn\nAberystwyth",
                preferred_language="cy",
                needs_interpreter="",
                contact_methods=["phone", "letter"],
                safe_times="Weekday mornings",
                never_disclose="Her employer",
                is_under_18="on",
            ),
        },
    )

    with world.scope():
        party = m.Party.objects.select_related("person").get(person__first_name="Gwen")
    assert party.person.contact == {
        "email": "gwen@example.test",
        "address": "1 Heol y Bryn\nAberystwyth",
    }
    assert party.person.preferred_language == "cy"
    assert party.contact_preferences == {
        "methods": ["phone", "letter"],
        "safe_times": "Weekday mornings",
        "notes": "",
    }
    assert party.never_disclose == "Her employer"
    assert party.is_under_18 is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact::text FROM people_person WHERE id = %s", [party.person_id])
        stored = cursor.fetchone()[0]
    assert "gwen@example.test" not in stored


def test_another_language_must_be_named(world, lead):
    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        {
            **find(world.case, first_name="Piotr", last_name="Nowak", role=c.PartyRole.COMMUNITY),
            "step": "add",
            **details(preferred_language="other", safety_flags="Lives with the other party"),
        },
    )

    assert error_summary(response) == ["Enter which language."]
    assert field_value(response, "first_name") == "Piotr"
    assert "Lives with the other party" in response.content.decode()
    with world.scope():
        assert not Person.objects.filter(first_name="Piotr").exists()


def test_a_supporter_must_say_whom_they_support(world, lead):
    response = lead.post(
        reverse("party_add", args=[world.case.pk]),
        {
            **find(world.case, first_name="Rhys", last_name="Bevan", role=c.PartyRole.SUPPORTER),
            "step": "add",
            **details(),
        },
    )

    assert error_summary(response) == ["Choose who they support."]


def test_a_double_submitted_add_creates_one_party(world, lead):
    data = {
        **find(world.case, first_name="Alys", last_name="Pritchard", role=c.PartyRole.COMMUNITY),
        "step": "add",
        "submission_id": "a" * 32,
        **details(),
    }
    first = lead.post(reverse("party_add", args=[world.case.pk]), data)
    second = lead.post(reverse("party_add", args=[world.case.pk]), data)

    with world.scope():
        assert m.Party.objects.filter(person__first_name="Alys").count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


def test_the_whole_add_works_step_by_step_without_javascript(world, lead):
    """Each step's form carries what was typed before, so posting it as a browser would works."""
    url = reverse("party_add", args=[world.case.pk])
    first = lead.post(url, find(world.case, first_name="Sharon", last_name="JONES"))
    carried = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', first.content.decode())
    )
    assert carried["last_name"] == "JONES"
    assert carried["step"] == "choose"
    second = lead.post(url, {**carried, "match": "new"})
    assert "Add to the case" in page_text(second)
    carried = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', second.content.decode())
    )
    assert carried["step"] == "add" and carried["match"] == "new" and carried["submission_id"]
    third = lead.post(url, {**carried, **details(phone="01970 000000")})
    assert third.status_code == 302
    with world.scope():
        assert Person.objects.filter(last_name__iexact="jones").count() == 2


# ---------------------------------------------------------------- the People tab


def test_the_people_tab_groups_parties_by_role_with_language_and_consent(world, lead):
    with world.scope():
        actions.update_person(
            actor=world.manager.user,
            person=world.dean.person,
            version=None,
            preferred_language="other",
            other_language="Polish",
            needs_interpreter=True,
        )
        actions.give_consent(
            actor=world.manager.user,
            party=world.sharon,
            scope=c.ConsentScope.TAKE_PART,
            method=c.ConsentMethod.WRITTEN,
        )

    response = lead.get(reverse("case_parties", args=[world.case.pk]))

    page = page_text(response)
    assert (
        page.index("Person harmed") < page.index("Sharon Jones") < page.index("Person responsible")
    )
    assert "Polish (needs an interpreter)" in page
    assert "To take part: Given" in page
    assert "To be asked for feedback: Not given" in page
    assert reverse("party_detail", args=[world.sharon.pk]) in response.content.decode()
    assert world.case.reference in page


def test_the_people_tab_runs_the_same_number_of_queries_however_many_people(
    world, lead, count_queries
):
    url = reverse("case_parties", args=[world.case.pk])
    small = count_queries(lead, url)
    with world.scope():
        for n in range(8):
            party = world.add(world.case, c.PartyRole.COMMUNITY, f"Neighbour{n}", "Smith")
            for scope in (c.ConsentScope.TAKE_PART, c.ConsentScope.FEEDBACK):
                actions.give_consent(
                    actor=world.manager.user, party=party, scope=scope, method="written"
                )
    assert count_queries(lead, url) == small


# ---------------------------------------------------------------- a party's page


def test_the_party_page_says_whose_information_it_shows(world, lead):
    response = lead.get(reverse("party_detail", args=[world.sharon.pk]))

    page = page_text(response)
    assert "Sharon Jones's information – private to Sharon Jones" in page
    assert "sharon@example.test" in page
    assert "Ex-partner must not learn her new address." in page
    assert "Dean" not in page


def test_viewing_a_partys_contact_and_safety_details_is_recorded(world, lead):
    lead.get(reverse("party_detail", args=[world.sharon.pk]))

    with world.scope():
        log = AccessLog.objects.get(object_type="cases.party")
    assert (log.user, log.object_id, log.kind) == (world.lead.user, str(world.sharon.pk), "view")


def test_the_party_page_shows_consent_history(world, lead):
    with world.scope():
        consent = actions.give_consent(
            actor=world.manager.user,
            party=world.sharon,
            scope=c.ConsentScope.FEEDBACK,
            method=c.ConsentMethod.VERBAL,
            given_on=date(2025, 3, 3),
        )
        actions.withdraw_consent(actor=world.lead.user, consent=consent, method="written")
        actions.give_consent(
            actor=world.lead.user,
            party=world.sharon,
            scope=c.ConsentScope.FEEDBACK,
            method=c.ConsentMethod.ONLINE,
        )

    page = page_text(lead.get(reverse("party_detail", args=[world.sharon.pk])))

    assert "3 March 2025 Verbally, confirmed in writing; recorded by Morgan Price" in page
    assert "Signed form; recorded by Priya Shah" in page
    assert "To be asked for feedback Given" in page


def test_the_party_page_runs_the_same_number_of_queries_however_long_the_history(
    world, lead, count_queries
):
    url = reverse("party_detail", args=[world.sharon.pk])
    small = count_queries(lead, url)
    with world.scope():
        for _round in range(3):
            for scope in c.ConsentScope.values:
                consent = actions.give_consent(
                    actor=world.manager.user, party=world.sharon, scope=scope, method="written"
                )
                actions.withdraw_consent(actor=world.lead.user, consent=consent, method="written")
        for n in range(4):
            world.add(
                world.case, c.PartyRole.SUPPORTER, f"Friend{n}", "Hughes", supports=world.sharon
            )
    assert count_queries(lead, url) == small


def test_another_organisations_party_is_not_found(world, lead, other_org, make_member):
    stranger = World(other_org, make_member)

    assert lead.get(reverse("party_detail", args=[stranger.sharon.pk])).status_code == 404
    assert lead.get(reverse("party_edit", args=[stranger.sharon.pk])).status_code == 404


# ---------------------------------------------------------------- editing


def edit_form(party, **changes) -> dict:
    with organisation_scope(party.organisation):
        party = m.Party.objects.select_related("person").get(pk=party.pk)
    return {
        "first_name": party.person.first_name,
        "last_name": party.person.last_name,
        "date_of_birth": party.person.date_of_birth.isoformat()
        if party.person.date_of_birth
        else "",
        "postcode": party.person.postcode,
        "phone": (party.person.contact or {}).get("phone", ""),
        "email": (party.person.contact or {}).get("email", ""),
        "address": (party.person.contact or {}).get("address", ""),
        "preferred_language": party.person.preferred_language,
        "other_language": party.person.other_language,
        "safe_times": "",
        "contact_notes": "",
        "accessibility_needs": party.accessibility_needs,
        "safety_flags": party.safety_flags,
        "never_disclose": party.never_disclose,
        "party_version": party.version,
        "person_version": party.person.version,
        **changes,
    }


def test_editing_saves_the_persons_and_the_partys_details(world, lead):
    response = lead.post(
        reverse("party_edit", args=[world.sharon.pk]),
        edit_form(world.sharon, phone="07700 900002", never_disclose="Her new town"),
    )

    assert response.status_code == 302
    with world.scope():
        party = m.Party.objects.select_related("person").get(pk=world.sharon.pk)
    assert party.person.contact["phone"] == "07700 900002"
    assert party.never_disclose == "Her new town"
    assert (party.version, party.person.version) == (2, 2)


def test_the_edit_page_is_recorded_as_a_view_of_the_private_details(world, lead):
    lead.get(reverse("party_edit", args=[world.sharon.pk]))

    with world.scope():
        assert AccessLog.objects.filter(object_id=str(world.sharon.pk)).count() == 1


def test_the_second_editor_is_told_of_the_conflict_and_nothing_is_overwritten(
    world, lead, make_member, client
):
    from django.test import Client

    from mend.core.tests_support import sign_in

    started = edit_form(world.sharon)  # both open the form at the same versions
    colleague = Client()
    sign_in(colleague, world.manager.user, world.org)
    first = colleague.post(
        reverse("party_edit", args=[world.sharon.pk]),
        {**started, "phone": "07700 111111", "safety_flags": "Morgan's note"},
    )
    assert first.status_code == 302

    second = lead.post(
        reverse("party_edit", args=[world.sharon.pk]),
        {**started, "phone": "07700 222222", "safety_flags": "Priya's note"},
    )

    assert second.status_code == 200
    assert error_summary(second)[0].startswith(CONFLICT)
    with world.scope():
        party = m.Party.objects.select_related("person").get(pk=world.sharon.pk)
    assert party.person.contact["phone"] == "07700 111111"
    assert party.safety_flags == "Morgan's note"
    # What the second editor typed is still in the form, beside what is saved now.
    assert field_value(second, "phone") == "07700 222222"
    assert field_value(second, "safety_flags") == "Priya's note"
    assert "What is saved now" in page_text(second)
    assert "Morgan's note" in page_text(second)
    # Having seen the other change, saving again is a deliberate choice, and it works.
    resubmit = lead.post(
        reverse("party_edit", args=[world.sharon.pk]),
        {
            **started,
            "phone": "07700 222222",
            "safety_flags": "Priya's note",
            "party_version": field_value(second, "party_version"),
            "person_version": field_value(second, "person_version"),
        },
    )
    assert resubmit.status_code == 302
    with world.scope():
        party = m.Party.objects.select_related("person").get(pk=world.sharon.pk)
    assert party.safety_flags == "Priya's note"


def test_a_conflict_on_the_party_leaves_the_person_unchanged_too(world):
    """Both records are saved together or not at all."""
    with world.scope():
        actions.update_party(
            actor=world.manager.user, party=world.sharon, version=1, safety_flags="changed"
        )
        with pytest.raises(Exception, match="Someone else changed this record"):
            actions.update_party_details(
                actor=world.lead.user,
                party=world.sharon,
                party_version=1,
                person_version=1,
                party_fields={"safety_flags": "mine"},
                person_fields={"postcode": "SA1 1AA"},
            )
        person = Person.objects.get(pk=world.sharon.person_id)
    assert (person.postcode, person.version) == ("CF10 1AA", 1)


def test_only_someone_who_works_on_one_of_their_cases_can_change_a_person(world, make_member):
    from django.core.exceptions import PermissionDenied

    outsider = make_member(world.org, Role.PRACTITIONER, email="outsider.home@example.test")
    with world.scope(), pytest.raises(PermissionDenied):
        actions.update_person(
            actor=outsider.user, person=world.sharon.person, version=None, postcode="X1 1XX"
        )


def test_a_persons_new_name_and_birthday_never_enter_the_audit_trail(world):
    from mend.cases.events import CaseEvent
    from mend.core.audit import REDACTED
    from mend.core.models import AuditEvent

    with world.scope():
        party = world.add(world.case, c.PartyRole.HARMED, first_name="Rhian", last_name="Lloyd")
        person = party.person
        actions.update_person(
            actor=world.lead.user,
            person=person,
            version=person.version,
            first_name="Rhiannon",
            last_name="Llwyd",
            date_of_birth=date(1990, 4, 1),
            postcode="SA1 1AA",
        )
        event = AuditEvent.objects.filter(action=CaseEvent.PERSON_CHANGED).latest("sequence")
    assert event.changes == {
        "first_name": REDACTED,
        "last_name": REDACTED,
        "date_of_birth": REDACTED,
        "postcode": REDACTED,
    }
