"""Party organizations and their members: founding, secretaries, the development pipeline, later
foundings, elections, demonstration points and the dissolution.
"""

from __future__ import annotations

import datetime

from stdnum.cn import ric

from members.models import Applicant, Member, add_years
from members.services import applicant_admit, member_confirm_full, member_create, member_end
from organizations.models import Enterprise, PartyOrganization
from organizations.services import enterprise_deregister, organization_dissolve, organization_found
from parkparty.core.history import ChangeReason
from parkparty.core.services import save_record

from .base import DemoBase, Person, d, noon_plus
from .data import (
    AVOID_TRADES,
    BIG,
    DEMONSTRATION_POINTS,
    DISSOLUTION,
    EDUCATION,
    ELECTIONS,
    ENTERPRISES,
    FOUNDINGS,
    INDUSTRY_WORDS,
    INVESTOR_SECRETARIES,
    LEAVES_2024,
    MEMBER_CHANGES,
    ORGS,
    PIPELINE,
    TRADE_FIRST,
    TRADE_SECOND,
)


class OrganizationsAndMembers(DemoBase):
    """The demo build's organizations and members."""

    def build_organizations(self) -> None:
        pairs = [a + b for a in TRADE_FIRST for b in TRADE_SECOND if a != b and a + b not in AVOID_TRADES]
        self.rng.shuffle(pairs)
        org_enterprise = {}  # organization key -> the (first) enterprise it covers
        for (key, _park, industry, _founded, org_key, *_rest), trade in zip(ENTERPRISES, pairs, strict=False):
            word = self.rng.choice(INDUSTRY_WORDS[industry])
            prefix = "江西" if key in BIG or self.rng.random() < 0.55 else "示范县"
            self.ent_names[key] = f"{prefix}{trade}{word}{'股份有限公司' if key in BIG else '有限公司'}"
            org_enterprise.setdefault(org_key, key)
        for key, park, kind, formation, founded, _count, parent, template in ORGS:
            full = self.ent_names.get(org_enterprise.get(parent or key, ""), "")
            short = full.removeprefix("江西").removeprefix("示范县").removesuffix("股份有限公司")
            forming = founded.startswith("~")
            day = d(founded.lstrip("~"))
            township = park in ("HK", "BS", "QT") and key not in ("C1", "G1") and not parent
            org = PartyOrganization(
                name=template.format(e=full, s=short),
                kind=kind,
                formation_mode=formation,
                park=self.parks[park],
                parent=self.orgs.get(parent),
                status="forming" if forming else "active",
                forming_since=day if forming else None,
                founded_on=None if forming else day,
                primary_managing_body="township" if township else "county_non_public",
                auxiliary_managing_body="park_work_committee",
                contact_phone=self.phone(),
            )
            self.orgs[key] = save_record(org, user=None, effective=day)

    def org_enterprises(self, key: str) -> list[Enterprise]:
        """The enterprises an organization (or the organization above it) covers."""
        root = self.orgs[key].parent or self.orgs[key]
        return [ent for ent in self.ents.values() if ent.organization_id == root.pk]

    def new_member(self, key: str, since: datetime.date, person: Person | None = None, **fields) -> Member:
        """A member who joined the Party elsewhere and transferred in on ``since``."""
        rng = self.rng
        person = person or self.person(1965, min(1995, since.year - 22))
        earliest = add_years(ric.get_birth_date(person.id_number), 19)
        joined = self.day_between(earliest, min(since - datetime.timedelta(days=450), add_years(earliest, 14)))
        counterpart = fields.pop("counterpart", "")
        education = rng.choices(EDUCATION, weights=(5, 35, 35, 15, 10))[0]
        member = Member(
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
            organization=self.orgs[key],
            enterprise=rng.choice(self.org_enterprises(key) or [None]),
            category="full",
            joined_on=joined,
            full_on=joined + datetime.timedelta(days=366 + rng.randint(0, 60)),
            transferred_in_on=since,
            education=education,
            ethnicity=rng.choices(("汉族", "畲族", "回族"), weights=(96, 2, 2))[0],
            is_frontline=rng.random() < 0.45,
        )
        for name, value in fields.items():
            setattr(member, name, value)
        member_create(member, user=None, counterpart=counterpart)
        self.members[key].append(member)
        return member

    def build_members(self) -> None:
        mobile = self.rng.sample([row[0] for row in ORGS if row[0][0] in "BJA"], 4)
        for key, _park, _kind, _formation, founded, count, _parent, _name in ORGS:
            if founded.startswith("~"):
                continue
            org = self.orgs[key]
            for i in range(count):
                since = org.founded_on if i < 3 else self.day_between(org.founded_on, d("2023-09-30"))
                investor = next((e for e in INVESTOR_SECRETARIES if self.ents[e].organization_id == org.pk), None)
                if investor and i == 0:
                    self.new_member(key, since, self.investors[investor], is_frontline=False)
                else:
                    self.new_member(key, since, status="mobile" if key in mobile and i == count - 1 else "normal")
            self.appoint_secretary(key)
        for key, day, kind, counterpart in MEMBER_CHANGES:
            if kind == "in":
                self.new_member(key, d(day), counterpart=counterpart)
                continue
            since = self.day_between(self.orgs[key].founded_on, d(day) - datetime.timedelta(days=120))
            leaver = self.new_member(key, since)
            reason = "transferred_out" if kind == "out" else "deceased"
            member_end(leaver, reason=reason, on=d(day), user=None, counterpart=counterpart)
        key, day, counterpart = LEAVES_2024
        member_end(self.members[key][-1], reason="transferred_out", on=d(day), user=None, counterpart=counterpart)

    def appoint_secretary(self, key: str) -> None:
        org = self.orgs[key]
        org.secretary = self.members[key][0]
        save_record(org, user=None, effective=noon_plus(org.secretary.transferred_in_on, 30))

    def build_pipeline(self) -> None:
        for key, applied, *stages, admitted, full, withdrawn in PIPELINE:
            person = self.person(1988, int(applied[:4]) - 20)
            applicant = Applicant(
                name=person.name,
                id_number=person.id_number,
                phone=person.phone,
                organization=self.orgs[key],
                enterprise=self.rng.choice(self.org_enterprises(key)),
                applied_on=d(applied),
            )
            save_record(applicant, user=None, effective=applicant.applied_on)
            for field, value in zip(("activist_on", "candidate_on", "dossier_submitted_on"), stages, strict=True):
                if value:
                    setattr(applicant, field, d(value))
                    save_record(applicant, user=None, effective=d(value))
            if withdrawn:
                applicant.withdrawn_on, applicant.withdrawn_reason = d(withdrawn), "调离本企业，转往外地工作"
                save_record(applicant, user=None, effective=applicant.withdrawn_on)
            if not admitted:
                continue
            member = applicant_admit(applicant, on=d(admitted), user=None)
            member.education = self.rng.choice(EDUCATION[1:4])
            member.is_frontline = self.rng.random() < 0.6
            save_record(member, user=None, effective=member.joined_on + datetime.timedelta(days=1))
            self.members[key].append(member)
            if full:
                member_confirm_full(member, on=d(full), user=None)

    def members_below(self, key: str) -> list[Member]:
        return [m for k, org in self.orgs.items() if org.parent_id == self.orgs[key].pk for m in self.members[k]]

    def build_later_organization_changes(self) -> None:
        for key, on in FOUNDINGS:
            organization_found(self.orgs[key], on=d(on), user=None)
            for _ in range(next(row[5] for row in ORGS if row[0] == key)):
                self.new_member(key, d(on), counterpart="原所在地党组织")
            self.appoint_secretary(key)
        for key, dates in ELECTIONS.items():
            for day in dates:
                self.orgs[key].last_election_on = d(day)
                save_record(self.orgs[key], user=None, effective=d(day), reason=ChangeReason.ELECTION)
        for key, level, day in DEMONSTRATION_POINTS:
            org = self.orgs[key]
            org.is_demonstration_point, org.demonstration_level = True, level
            save_record(org, user=None, effective=d(day), reason=ChangeReason.DEMONSTRATION_SITE)
        key, leave_on, dissolve_on, deregister_on, reason = DISSOLUTION
        for member in self.members[key]:
            member_end(member, reason="transferred_out", on=d(leave_on), user=None, counterpart="河口镇机关党支部")
        organization_dissolve(self.orgs[key], on=d(dissolve_on), reason=reason, user=None)
        ent = self.ents[next(row[0] for row in ENTERPRISES if row[4] == key)]
        ent.refresh_from_db()  # the dissolution uncovered it through another instance
        enterprise_deregister(ent, on=d(deregister_on), user=None)
