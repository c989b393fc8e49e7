"""Building casework for tests through the real actions, the same way in every test file.

`CaseWorld` holds an organisation's people and opens criminal-justice cases with Sharon Jones
(harmed) and Dean Walsh (responsible). A test file subclasses it to choose its people, the
parties' details and the helpers only it needs; everything is made through `mend.cases.actions`
inside the organisation's scope, never by saving models directly.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.core.tenancy import organisation_scope

SHARON = {"first_name": "Sharon", "last_name": "Jones"}
DEAN = {"first_name": "Dean", "last_name": "Walsh"}


def new_case(
    organisation, actor, code: str = "criminal-justice", *, factors=(), **fields
) -> m.Case:
    """A case of type `code` (referred internally unless `source` says otherwise) with the
    complexity factors whose codes are `factors`, created by `actor`."""
    fields.setdefault("source", c.Source.INTERNAL)
    with organisation_scope(organisation):
        return actions.create_case(
            actor=actor,
            organisation=organisation,
            case_type=m.CaseType.objects.get(code=code),
            complexity_factors=list(m.ComplexityFactor.objects.filter(code__in=factors)),
            **fields,
        )


def add_party(actor, case, role, first_name, last_name="", **details) -> m.Party:
    with organisation_scope(case.organisation):
        return actions.add_party(
            actor=actor, case=case, role=role, first_name=first_name, last_name=last_name, **details
        )


def give_consent(
    actor, party, scope=c.ConsentScope.TAKE_PART, method=c.ConsentMethod.WRITTEN
) -> m.Consent:
    with organisation_scope(party.organisation):
        return actions.give_consent(actor=actor, party=party, scope=scope, method=method)


class CaseWorld:
    """An organisation, its people, and cases opened by its manager (`self.manager`)."""

    def __init__(self, org, make_member):
        self.org = org
        self._make_member = make_member

    def scope(self):
        return organisation_scope(self.org)

    def member(self, role: str, name: str = "", *, email: str | None = None):
        """A member called `name`, emailed at <first name>.<organisation slug>@example.test."""
        if email is None and name:
            email = f"{name.split()[0].lower()}.{self.org.slug}@example.test"
        return self._make_member(self.org, role, email=email, full_name=name)

    # ------------------------------------------------------------ cases and parties

    def open_case(
        self,
        *,
        code: str = "criminal-justice",
        lead=None,
        co_workers=(),
        factors=(),
        sharon: dict | None = None,
        dean: dict | None = None,
        parties: bool = True,
        **fields,
    ) -> m.Case:
        """A case of type `code` led by `lead` (a membership; none if None), with Sharon (harmed)
        and Dean (responsible) unless `parties` is False; `sharon` and `dean` add to (or replace)
        their details.
        Sets `self.sharon` and `self.dean` to the case's parties."""
        case = new_case(self.org, self.manager.user, code, factors=factors, **fields)
        with self.scope():
            if lead is not None:
                self.allocate(case, lead, c.AllocationRole.LEAD)
            for member in co_workers:
                self.allocate(case, member, c.AllocationRole.CO_WORKER)
            if parties:
                self.sharon = self.add_party(
                    case, c.PartyRole.HARMED, **{**SHARON, **(sharon or {})}
                )
                self.dean = self.add_party(
                    case, c.PartyRole.RESPONSIBLE, **{**DEAN, **(dean or {})}
                )
        return case

    def allocate(self, case, membership, role=c.AllocationRole.LEAD):
        with self.scope():
            return actions.allocate(
                actor=self.manager.user, case=case, membership=membership, role=role
            )

    def add_party(
        self, case, role, first_name, last_name="", date_of_birth=None, postcode="", **details
    ):
        return add_party(
            self.manager.user,
            case,
            role,
            first_name,
            last_name,
            date_of_birth=date_of_birth,
            postcode=postcode,
            **details,
        )

    # ------------------------------------------------------------ what a case's work needs

    def consent(self, party, scope=c.ConsentScope.TAKE_PART, method=c.ConsentMethod.WRITTEN):
        return give_consent(self.manager.user, party, scope, method)

    def ready_for_a_meeting(self, *, skip: str = "", prepared_days_ago: int = 3) -> None:
        """Everything the meeting guards ask for on `self.case`, except `skip`: a risk assessment
        signed off ("signoff"), Sharon's consent to take part ("consent"), a preparation meeting
        with Dean ("preparation"), and the principles checklist ("principles")."""
        actor = self.manager.user
        with self.scope():
            if skip != "signoff":
                actions.record_risk_assessment(actor=actor, case=self.case, level=c.RiskLevel.LOW)
                actions.record_signoff(actor=actor, case=self.case, kind=c.SignOffKind.RISK)
            for party in (self.sharon, self.dean):
                if not (skip == "consent" and party == self.sharon):
                    self.consent(party)
                if not (skip == "preparation" and party == self.dean):
                    actions.record_activity(
                        actor=actor,
                        case=self.case,
                        kind=c.ActivityKind.PREPARATION,
                        occurred_at=timezone.now() - timedelta(days=prepared_days_ago),
                        parties=[party],
                    )
            if skip != "principles":
                actions.record_principles(
                    actor=actor,
                    case=self.case,
                    considered=dict.fromkeys(c.Principle.values, "Discussed with both."),
                )
