"""Search: people and cases by name (misspelled, initials, accents, Welsh spellings), case
reference, date of birth and postcode; what each role may find; a fixed number of queries; and
the one matcher that duplicate detection uses too."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.referrals.queries import likely_duplicates
from mend.cases.search.queries import parse
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.people import queries as people
from mend.people.models import Person
from mend.people.names import search_name, similarity, sound_name
from tests.builders import CaseWorld
from tests.pages import page_text

RYAN = {"first_name": "Ryan", "last_name": "Lloyd", "date_of_birth": date(1990, 3, 12)}


class SearchWorld(CaseWorld):
    """Three cases: Ryan Lloyd's (the practitioner leads it), Siân Hughes-Owen's (the volunteer
    and the external co-worker work it), and a partner referrer's referral naming Catrin Davies."""

    def __init__(self, org, make_member):
        super().__init__(org, make_member)
        self.manager = self.member(Role.MANAGER, "Mair Manager")
        self.practitioner = self.member(Role.PRACTITIONER, "Pat Practitioner")
        self.volunteer = self.member(Role.VOLUNTEER, "Vic Volunteer")
        self.coworker = self.member(Role.EXTERNAL_COWORKER, "Owen Probation")
        self.referrer = self.member(Role.PARTNER_REFERRER, "Rhian Probert")
        self.ryans = self.open_case(lead=self.practitioner, parties=False)
        with self.scope():
            self.ryan = self.add_party(self.ryans, c.PartyRole.HARMED, postcode="CF10 1AA", **RYAN)
        self.sians = self.open_case(
            co_workers=[self.volunteer, self.coworker],
            sharon={"first_name": "Siân", "last_name": "Hughes-Owen"},
        )
        with organisation_scope(org):
            self.referral = actions.submit_partner_referral(
                actor=self.referrer.user,
                organisation=org,
                case_type=m.CaseType.objects.get(code="criminal-justice"),
                referring_agency="Probation Service",
                summary="A burglary.",
                sharing_basis=c.SharingBasis.AGREEMENT,
                handover_file=SimpleUploadedFile(
                    "risk.pdf", b"%PDF-1.4 risk", content_type="application/pdf"
                ),
                handover_level=c.RiskLevel.LOW,
                people={c.PartyRole.HARMED: {"first_name": "Catrin", "last_name": "Davies"}},
            )
            # Learned by the service afterwards: never found by the referrer.
            self.add_party(self.referral, c.PartyRole.RESPONSIBLE, "Zeb", "Zebedee")


@pytest.fixture
def world(org, make_member):
    return SearchWorld(org, make_member)


def search(client, q):
    response = client.get(reverse("case_search"), {"q": q})
    assert response.status_code == 200
    return response


def names_found(response) -> list[str]:
    return [str(party.person) for party in response.context["found"].parties]


def references_found(response) -> list[str]:
    return [case.reference for case in response.context["found"].cases]


# ---------------------------------------------------------------- names as people type them


def test_spellings_that_sound_alike_fold_together():
    assert sound_name("Rian Loyd") == sound_name("Ryan Lloyd") == "rian loid"
    assert sound_name("Rhian") == sound_name("Rian")
    assert sound_name("Kerys") == sound_name("Cerys")
    assert sound_name("Steffan") == sound_name("Stephan")
    assert search_name("Siân  O'Neill-Jones") == "sian oneill jones"


def test_the_python_similarity_is_pg_trgms_so_sqlite_ranks_the_same_way(db):
    pairs = [
        ("rian loid", "rian loid"),
        ("r lloyd", "ryan lloyd"),
        ("sian hughes owen", "sian hughesowen"),
        ("ryan jones", "ryan lloyd"),
        ("dafydd", "david"),
    ]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert similarity(a, b) == pytest.approx(cursor.fetchone()[0], abs=1e-6), (a, b)


def test_a_misspelled_name_finds_the_person(world, signed_in):
    client = signed_in(world.manager.user, world.org)

    assert names_found(search(client, "Rian Loyd"))[0] == "Ryan Lloyd"


def test_an_initial_and_a_surname_find_the_person(world, signed_in):
    client = signed_in(world.manager.user, world.org)

    assert names_found(search(client, "R. Lloyd"))[0] == "Ryan Lloyd"


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("Rhodri Llewellyn", "Rhodri", "Llywelyn"),  # a vowel typed wrongly, early in the word
        ("Llyod", "Ryan", "Lloyd"),  # two letters swapped
        ("Dafydd Jones", "David", "Jones"),  # Welsh f sounds as v
        ("Shaun Evans", "Sean", "Evans"),
        ("Prichard", "Osian", "Pritchard"),  # tch sounds as ch
        ("Sian O Neill", "Siân", "O'Neill"),  # a name typed in two words
    ],
)
def test_a_name_misspelled_near_its_start_is_still_found(world, signed_in, typed, first, last):
    with world.scope():
        world.add_party(world.ryans, c.PartyRole.COMMUNITY, first, last)
    client = signed_in(world.manager.user, world.org)

    assert f"{first} {last}" in names_found(search(client, typed))[:2]


def test_an_initial_puts_the_people_it_fits_first(world, signed_in):
    with world.scope():
        for first in ["Aled", "Bethan", "Carys", "Dewi", "Geraint", "Huw", "Ifan", "Sioned"]:
            world.add_party(world.ryans, c.PartyRole.COMMUNITY, first, "Hughes")
    client = signed_in(world.manager.user, world.org)

    assert names_found(search(client, "G Hughes"))[0] == "Geraint Hughes"
    assert names_found(search(client, "S. Hughes"))[0] == "Sioned Hughes"


def test_accents_hyphens_and_capitals_do_not_hide_a_name(world, signed_in):
    client = signed_in(world.manager.user, world.org)

    assert names_found(search(client, "sian hughes owen")) == ["Siân Hughes-Owen"]


def test_a_date_of_birth_alone_or_with_a_name_finds_the_person(world, signed_in):
    client = signed_in(world.manager.user, world.org)

    assert names_found(search(client, "12/03/1990")) == ["Ryan Lloyd"]
    assert names_found(search(client, "1990-03-12")) == ["Ryan Lloyd"]
    assert names_found(search(client, "Ryan 12.3.1990")) == ["Ryan Lloyd"]
    # Every part given must hold: the right name with another birthday finds nobody.
    assert names_found(search(client, "Ryan Lloyd 13/03/1990")) == []


def test_a_postcode_finds_the_person_however_it_is_typed(world, signed_in):
    client = signed_in(world.manager.user, world.org)

    assert names_found(search(client, "cf101aa")) == ["Ryan Lloyd"]
    assert names_found(search(client, "Lloyd CF10 1AA")) == ["Ryan Lloyd"]


def test_a_case_reference_in_full_or_in_part_finds_the_case(world, signed_in):
    client = signed_in(world.manager.user, world.org)
    reference = world.ryans.reference  # HOME-2026-00001
    year, number = reference.split("-")[1:]

    assert references_found(search(client, reference.lower())) == [reference]
    assert references_found(search(client, f"{year}-{int(number)}")) == [reference]


def test_a_date_that_does_not_exist_is_explained(world, signed_in):
    client = signed_in(world.manager.user, world.org)

    page = page_text(search(client, "Ryan 31/02/1990"))

    assert "The date of birth is not a real date: check the day and month" in page


def test_the_closest_match_comes_first_however_many_share_the_surname(world, signed_in):
    client = signed_in(world.manager.user, world.org)
    case = world.open_case(parties=False)
    for n in range(30):
        world.add_party(case, c.PartyRole.COMMUNITY, f"Person{n}", "Lloyd")

    assert names_found(search(client, "Ryan Lloyd"))[0] == "Ryan Lloyd"
    surname_only = search(client, "Loyd")
    assert len(names_found(surname_only)) == 25  # the closest 25, with a hint to narrow
    assert "Showing the 25 closest matches" in page_text(surname_only)


def test_another_organisations_people_are_never_found(world, other_org, make_member, signed_in):
    other = CaseWorld(other_org, make_member)
    other.manager = other.member(Role.MANAGER, "Olwen Other")
    other.open_case(sharon={"first_name": "Ryan", "last_name": "Lloyd"})
    client = signed_in(world.manager.user, world.org)

    found = search(client, "Ryan Lloyd").context["found"].parties

    assert [party.case_id for party in found] == [world.ryan.case_id]


# ---------------------------------------------------------------- what each role may find


def test_a_practitioner_finds_only_the_cases_they_may_open(world, signed_in):
    client = signed_in(world.practitioner.user, world.org)

    assert names_found(search(client, "Ryan Lloyd")) == ["Ryan Lloyd"]
    assert names_found(search(client, "Sian Hughes-Owen")) == []
    assert references_found(search(client, world.sians.reference)) == []


@pytest.mark.parametrize("who", ["volunteer", "coworker"])
def test_volunteers_and_external_coworkers_find_only_their_allocated_cases(world, signed_in, who):
    client = signed_in(getattr(world, who).user, world.org)

    assert names_found(search(client, "Sian Hughes Owen")) == ["Siân Hughes-Owen"]
    assert names_found(search(client, "Ryan Lloyd")) == []
    assert names_found(search(client, "12/03/1990")) == []


def test_a_referrer_finds_their_referrals_by_the_names_they_gave_and_by_reference(world, signed_in):
    client = signed_in(world.referrer.user, world.org)

    assert references_found(search(client, "Katrin Davis")) == [world.referral.reference]
    assert references_found(search(client, world.referral.reference)) == [world.referral.reference]
    # Not what the service learned afterwards, and nobody else's cases.
    assert references_found(search(client, "Zeb Zebedee")) == []
    assert references_found(search(client, "Ryan Lloyd")) == []
    assert references_found(search(client, world.ryans.reference)) == []
    assert 'href="/cases/parties/' not in search(client, "Catrin").content.decode()


def test_a_referral_found_by_reference_shows_the_people_the_referrer_named(world, signed_in):
    client = signed_in(world.referrer.user, world.org)

    (case,) = search(client, world.referral.reference).context["found"].cases

    assert case.matched_names == ["Catrin Davies"]


def test_a_very_long_search_is_read_and_echoed_to_its_first_200_characters(world, signed_in):
    client = signed_in(world.manager.user, world.org)
    typed = "Ryan Lloyd " + "x" * 300

    response = search(client, typed)

    assert response.context["q"] == typed[:200]
    assert "x" * 201 not in page_text(response)
    assert "x" * 189 in page_text(response)


@pytest.mark.parametrize("role", [Role.OFFICE, Role.TRAINER, Role.EVALUATOR])
def test_roles_without_cases_have_no_search(world, signed_in, role):
    member = world.member(role, f"{role.value} Person")
    client = signed_in(member.user, world.org)

    assert client.get(reverse("case_search"), {"q": "Ryan"}).status_code == 403
    assert 'id="header-search"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["manager", "practitioner", "volunteer", "coworker", "referrer"])
def test_every_result_opens_for_the_person_who_found_it(world, signed_in, who):
    client = signed_in(getattr(world, who).user, world.org)
    links = set()
    references = [world.ryans.reference, world.sians.reference, world.referral.reference]
    for q in ["Ryan Lloyd", "Sian", "Catrin", "12/03/1990", "Dean Walsh", *references]:
        content = search(client, q).content.decode()
        main = content.split('id="main-content"', 1)[1]
        links |= set(re.findall(r'href="(/cases/(?:\d+|parties/\d+|referrals/mine/\d+)/)"', main))

    assert links, "each role finds something of its own"
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


def test_the_header_holds_the_search_box_for_those_who_search(world, signed_in):
    for member in (world.manager, world.volunteer, world.referrer):
        client = signed_in(member.user, world.org)
        page = client.get(reverse("home")).content.decode()
        assert 'id="header-search"' in page
        assert f'action="{reverse("case_search")}"' in page


# ---------------------------------------------------------------- the same cost whatever is found


def test_a_search_runs_the_same_number_of_queries_however_many_it_finds(
    world, signed_in, count_queries
):
    client = signed_in(world.practitioner.user, world.org)
    url = reverse("case_search")
    one = count_queries(client, url, {"q": "Ryan Lloyd " + world.ryans.reference})
    for n in range(20):
        world.add_party(world.ryans, c.PartyRole.COMMUNITY, f"Ryan{n}", "Lloyd")

    many = count_queries(client, url, {"q": "Ryan Lloyd " + world.ryans.reference})

    assert one == many


@pytest.mark.parametrize("typed", ["Rian Lloyd", "Llyod", "R Lloyd"])
def test_sqlites_ranking_in_python_finds_what_postgresql_finds(world, monkeypatch, typed):
    with world.scope():
        for n in range(5):
            world.add_party(world.ryans, c.PartyRole.COMMUNITY, f"Ryann{n}", "Loyd")
        world.add_party(world.ryans, c.PartyRole.COMMUNITY, "Lydia", "Morgan")
        wanted = people.Wanted(typed)
        in_postgresql = [p.pk for p in people.search(Person.objects.all(), wanted)]
        monkeypatch.setattr(people, "_postgresql", lambda queryset: False)
        in_python = [p.pk for p in people.search(Person.objects.all(), wanted)]

    assert in_python == in_postgresql
    assert in_python[0] == world.ryan.person_id


def test_a_surname_alone_lists_everyone_of_that_name_by_first_name(world, signed_in):
    with world.scope():
        for first in ["Sioned", "Aled", "Huw", "Bethan"]:
            world.add_party(world.ryans, c.PartyRole.COMMUNITY, first, "Hughes")
    client = signed_in(world.manager.user, world.org)

    found = names_found(search(client, "Hughes"))

    assert found[:4] == ["Aled Hughes", "Bethan Hughes", "Huw Hughes", "Sioned Hughes"]


# ---------------------------------------------------------------- duplicates use the same matcher


def test_duplicates_find_the_exact_person_among_hundreds_sharing_the_surname(world):
    case = world.open_case(parties=False)
    with world.scope():
        people_rows = [
            Person(organisation=world.org, first_name=f"Someone{n}", last_name="Lloyd")
            for n in range(250)
        ]
        for person in people_rows:
            person.derive_keys()
        Person.objects.bulk_create(people_rows)
        assert case  # the case only scopes the organisation's cases

        found = likely_duplicates(
            first_name="Ryan", last_name="Lloyd", date_of_birth=date(1990, 3, 12)
        )

    assert str(found[0][0]) == "Ryan Lloyd"
    assert found[0][1] == ["same last name", "same date of birth", "same first name"]


def test_duplicates_offer_a_misspelled_surname_with_a_birthday_as_a_similar_name(world):
    with world.scope():
        found = likely_duplicates(
            first_name="Rian", last_name="Loyd", date_of_birth=date(1990, 3, 12)
        )

    assert [(str(p), reasons) for p, reasons in found] == [
        ("Ryan Lloyd", ["similar last name", "same date of birth", "same first initial"])
    ]


def test_a_different_surname_with_the_same_first_name_is_not_offered(world):
    with world.scope():
        assert likely_duplicates(first_name="Ryan", last_name="Jones") == []


def test_the_parts_of_what_was_typed_are_read_apart():
    terms = parse("R Lloyd 12/3/1990 cf10 1aa home-2026-42")

    assert (terms.name, terms.date_of_birth, terms.postcode, terms.reference) == (
        "R Lloyd",
        date(1990, 3, 12),
        "CF10 1AA",
        "HOME-2026-00042",
    )


def test_a_referrer_is_not_told_a_birthday_or_postcode_was_used(world, signed_in):
    client = signed_in(world.referrer.user, world.org)

    page = page_text(search(client, "Catrin 12/03/1990 CF10 1AA"))
    home = client.get(reverse("home")).content.decode()

    assert "name like “Catrin”" in page
    assert "born" not in page and "postcode CF10" not in page
    assert "Search your referrals by name or case reference" in home


def test_the_results_line_counts_cases_and_people_apart(world, signed_in):
    client = signed_in(world.manager.user, world.org)

    assert "1 case, 1 person" in page_text(search(client, f"Ryan Lloyd {world.ryans.reference}"))
    assert "0 cases, 1 person" in page_text(search(client, "Ryan Lloyd"))
    referrer = signed_in(world.referrer.user, world.org)
    assert "1 referral" in page_text(search(referrer, world.referral.reference))


def test_the_migration_recomputes_every_persons_sound_and_blocks(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("mend.people.migrations.0003_names_by_sound_skeleton")
    with world.scope():
        Person.objects.update(sound_name="old", first_block="old", last_block="old")
        migration.recompute(apps, None)
        ryan = Person.objects.get(pk=world.ryan.person_id)
    assert (ryan.sound_name, ryan.first_block, ryan.last_block) == ("rian loid", "rn", "ld")
