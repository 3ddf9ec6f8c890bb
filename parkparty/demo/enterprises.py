"""Enterprises, their coverage by organizations and the yearly surveys (摸排) that record their state."""

from __future__ import annotations

import datetime
from decimal import Decimal

from organizations.models import COVERAGE_FOR_FORMATION, Enterprise, OrganizationStatus, Ownership
from organizations.services import enterprise_deregister, enterprise_record_survey
from parkparty.core.services import save_record

from .base import DemoBase, d, on_roll
from .data import BIG, ENTERPRISES, INVESTOR_MEMBERS, INVESTOR_SECRETARIES, PARKS


class EnterprisesAndSurveys(DemoBase):
    """The demo build's enterprises and their surveys."""

    def build_enterprises(self) -> None:
        rng = self.rng
        for key, park, industry, founded, org_key, status, _later, _instructor, _reason in ENTERPRISES:
            founded_on = d(founded)
            self.investors[key] = investor = self.person(1962, 1990)
            operating = status == "op"
            employees = BIG.get(key) or (rng.randint(30, 380) if operating else rng.randint(6, 40))
            township, road = next((t, r) for s, _n, t, r in PARKS if s == park)
            ent = Enterprise(
                uscc=self.credit_code(founded_on),
                name=self.ent_names[key],
                park=self.parks[park],
                industry=industry,
                status="operating" if operating else "under_construction",
                founded_on=founded_on,
                ownership=rng.choices(Ownership.values[:4], weights=(88, 5, 4, 3))[0],
                employees=employees,
                annual_output=Decimal(employees * rng.randint(8, 30)) if operating else None,
                address=f"示范县{township}{road}{rng.randint(1, 199)}号",
                investor_name=investor.name,
                investor_phone=investor.phone,
                investor_is_member=key in INVESTOR_SECRETARIES + INVESTOR_MEMBERS,
                investor_is_secretary=key in INVESTOR_SECRETARIES,
            )
            covered_on = self.orgs[org_key].founded_on or self.orgs[org_key].forming_since if org_key else None
            if covered_on and covered_on <= founded_on:
                self.cover(ent, org_key)
            self.ents[key] = save_record(ent, user=None, effective=founded_on)
            if covered_on and covered_on > founded_on:  # the enterprise joined the organization later
                self.cover(ent, org_key)
                save_record(ent, user=None, effective=covered_on)

    def cover(self, ent: Enterprise, org_key: str) -> None:
        ent.organization = self.orgs[org_key]
        ent.coverage_mode = COVERAGE_FOR_FORMATION[ent.organization.formation_mode]

    def survey(self, key: str, on: datetime.date, status: str = "") -> None:
        """Record a survey of the enterprise: workforce, members, instructor, reason for no organization."""
        ent = self.ents[key]
        row = next(row for row in ENTERPRISES if row[0] == key)
        org_key, instructor, reason = row[4], row[7], row[8]
        if status:
            ent.status = status
            ent.employees += self.rng.randint(20, 120) if status == "operating" else 0
        if org_key and self.orgs[org_key].status == OrganizationStatus.FORMING:
            members = 1 if self.orgs[org_key].formation_mode == "joint" else 3  # not yet on any roll here
        elif org_key:
            roll = self.members[org_key] + self.members_below(org_key)
            members = sum(1 for m in roll if m.enterprise_id == ent.pk and on_roll(m, on))
        else:
            members = {"should_have": 3, "few_members": self.rng.randint(1, 2), "no_members": 0}[reason]
        ent.surveyed_members = members
        ent.instructor = self.instructors.get(instructor)
        ent.no_organization_reason = "" if ent.organization_id else reason
        enterprise_record_survey(ent, surveyed_on=on, user=None)

    def build_enterprise_years(self) -> None:
        for key, _park, _industry, founded, _org, _status, later, _instructor, _reason in ENTERPRISES:
            change_on, change = (d(later.split()[0]), later.split()[1]) if later else (None, "")
            if change == "deregistered":
                enterprise_deregister(self.ents[key], on=change_on, user=None)
                continue
            year = max(d(founded).year, 2023)  # the yearly survey (摸排) at the end of the year
            self.survey(key, self.day_between(datetime.date(year, 11, 1), datetime.date(year, 12, 15)))
            if change_on:
                self.survey(key, change_on, {"op": "operating", "suspended": "suspended"}[change])
