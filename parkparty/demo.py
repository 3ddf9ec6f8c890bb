"""The demo county of ``manage.py load_demo``.

A fictional county's "一区五园" (the zone ``DEMO`` and five sub-parks). Its
2023 records reproduce the figures of the 2023 duty report (seeds/002): 50
enterprises (42 operating, 8 under construction), 29 covered by a founded
organization, 83 members, 6 secretary trainings with 24 person-times, 26
infrastructure requests, 43 talent flats for 53 people, 17 children placed in
school, 10 authorised posts with 6 filled, 5000-yuan start-up funds, a
150-yuan monthly secretary allowance and 2000–6000-yuan performance awards.
Lighter 2024 and 2025 records give trends.

Every record is written through the services with its history entry taking
effect when the change happened (``effective_at``), so the figures' "as of"
reads (:func:`parkparty.core.history.as_of`) see each year's state.
The tables below are the plan; :class:`DemoBuilder` turns them into records
with a fixed random seed, so every run builds the same county.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from members.models import Applicant, Commendation, DevelopmentQuota, DuesPayment, Member, PioneerPost, add_years
from members.services import applicant_admit, member_confirm_full, member_create, member_end
from organizations.models import (
    COVERAGE_FOR_FORMATION,
    Activity,
    Enterprise,
    Funding,
    Instructor,
    InstructorEvaluation,
    Notice,
    NoticeReceipt,
    OrganizationStatus,
    Ownership,
    Park,
    ParkStaffing,
    PartyOrganization,
    ServiceCenter,
    ServiceRequest,
)
from organizations.notice_services import notice_receive
from organizations.services import (
    enterprise_deregister,
    enterprise_record_survey,
    organization_dissolve,
    organization_found,
)
from parkparty.core.history import ChangeReason, effective_datetime
from parkparty.core.models import Role, User
from parkparty.core.services import save_record, save_records
from parkparty.demo_data import (
    ADVANCED_ORGS,
    AVOID_TRADES,
    AWARDS,
    BIG,
    BRANCH_PLAN,
    CORE_PARK,
    DEMO_CODE,
    DEMO_PASSWORD,
    DEMO_USERS,
    DEMONSTRATION_POINTS,
    DISSOLUTION,
    EDUCATION,
    ELECTIONS,
    ENTERPRISES,
    FEMALE_GIVEN,
    FOUNDINGS,
    HANDLERS,
    INDUSTRY_WORDS,
    INSPECTIONS,
    INSTRUCTORS,
    INTEGRATED_ON,
    INTEGRATION,
    INVESTOR_MEMBERS,
    INVESTOR_SECRETARIES,
    LEAVES_2024,
    LIFE_PLAN,
    MALE_GIVEN,
    MEETING_TOPICS,
    MEMBER_CHANGES,
    NOTICES,
    ORGS,
    PARK_ACTIVITIES,
    PARKS,
    PIONEER_TITLES,
    PIPELINE,
    QUIET,
    QUOTAS,
    REQUEST_TITLES,
    REQUESTS,
    SECRETARY_ORG_KIND,
    SECRETARY_TRAININGS,
    SEED,
    SERVICE_CENTRES,
    SPECIAL_LECTURES,
    STAFFING,
    STAFFING_PEOPLE,
    SURNAMES,
    THEME_DAYS,
    TRADE_FIRST,
    TRADE_SECOND,
    TRAINERS,
    USCC_ALPHABET,
    WEAK_ORGS,
    YEARS,
)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def noon_plus(day: datetime.date, minutes: int) -> datetime.datetime:
    """A history timestamp on ``day`` after the services' noon entry (for a second change that day)."""
    return effective_datetime(day) + datetime.timedelta(minutes=minutes)


def on_roll(member: Member, day: datetime.date) -> bool:
    return (member.transferred_in_on or member.joined_on) <= day and not (member.ended_on and member.ended_on <= day)


@dataclass
class Person:
    name: str
    id_number: str
    phone: str


@dataclass
class DemoResult:
    created: bool
    logins: list[tuple[str, str]]


class DemoBuilder:
    """Builds the demo county; call :meth:`build` once inside a transaction."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.parks: dict[str, Park] = {}
        self.orgs: dict[str, PartyOrganization] = {}
        self.ents: dict[str, Enterprise] = {}
        self.ent_names: dict[str, str] = {}
        self.instructors: dict[str, Instructor] = {}
        self.members: dict[str, list[Member]] = {row[0]: [] for row in ORGS}
        self.investors: dict[str, Person] = {}
        self.centre: ServiceCenter | None = None
        self._taken: set[str] = set()

    # --- invented names and numbers ---------------------------------------------------
    def person(self, born_from: int, born_to: int) -> Person:
        """A fictional adult with a unique name and a valid resident ID number."""
        rng = self.rng
        while True:
            male = rng.random() < 0.6
            surname = rng.choice(SURNAMES[:20]) if rng.random() < 0.6 else rng.choice(SURNAMES)
            given = "".join(rng.choice(MALE_GIVEN if male else FEMALE_GIVEN) for _ in range(rng.choice((1, 2, 2))))
            birth = datetime.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
            regions = ("360426", "360423", "360425") if birth.year >= 1983 else ("360121", "360122")
            seq = rng.randrange(100, 998)
            seq += (seq % 2) != int(male)  # the 17th digit is odd for men, even for women
            body = f"{rng.choice(regions)}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            name = surname + given
            if name not in self._taken and number not in self._taken and ric.is_valid(number):
                self._taken.update((name, number))
                return Person(name, number, self.phone())

    def phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def credit_code(self, founded: datetime.date) -> str:
        rng = self.rng
        while True:
            if founded.year >= 2016:  # codes issued since 2016 look like 91360426MA35XXXXXX
                middle = "MA3" + "".join(rng.choice(USCC_ALPHABET[10:]) for _ in range(2))
                middle += "".join(rng.choice(USCC_ALPHABET) for _ in range(4))
            else:  # older codes embed the nine-character organization code
                middle = "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice("0123456789X")
            first17 = "91360426" + middle
            code = first17 + uscc.calc_check_digit(first17)
            if code not in self._taken:
                self._taken.add(code)
                return code

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    # --- the build ---------------------------------------------------------------------
    def build(self) -> None:
        self.build_parks()
        self.build_organizations()
        self.build_enterprises()
        self.build_members()
        self.build_pipeline()
        self.build_enterprise_years()
        self.build_later_organization_changes()
        self.build_activities()
        self.build_requests()
        self.build_funding_and_commendations()
        self.build_notices()
        self.build_dues()

    def build_parks(self) -> None:
        opened = d("2020-01-06")
        zone = Park(code=DEMO_CODE, name="示范县工业园区", address="示范县城西大道88号")
        zone.integration_principle, zone.development_pattern = INTEGRATION
        self.parks[DEMO_CODE] = zone = save_record(zone, user=None, effective=opened)
        for order, (suffix, name, township, road) in enumerate(PARKS, start=1):
            park = Park(code=f"{DEMO_CODE}-{suffix}", name=name, parent=zone, address=f"示范县{township}{road}")
            park.sort_order = order
            park.is_core = suffix == CORE_PARK
            park.integrated_on = None if park.is_core else d(INTEGRATED_ON)
            self.parks[suffix] = save_record(park, user=None, effective=opened)
        for year, authorised, actual in STAFFING:
            staffing = ParkStaffing(park=zone, year=year, posts_authorised=authorised, posts_actual=actual)
            position, since, note, officers, officers_since, officers_note = STAFFING_PEOPLE[year]
            staffing.leader_position, staffing.leader_since, staffing.leader_note = position, d(since), note
            staffing.party_officers, staffing.officers_since = officers, d(officers_since)
            staffing.officers_note = officers_note
            save_record(staffing, user=None, effective=datetime.date(year, 1, 15))
        for year, quota in QUOTAS:
            quota = DevelopmentQuota(park=zone, year=year, quota=quota)
            save_record(quota, user=None, effective=datetime.date(year, 2, 20))
        for name, kind, opened_on, area, address, description in SERVICE_CENTRES:
            centre = ServiceCenter(name=name, kind=kind, park=zone, opened_on=d(opened_on), area_sqm=area)
            centre.address, centre.description = address, description
            save_record(centre, user=None, effective=centre.opened_on)
            self.centre = self.centre or centre  # activities are held at the offline centre
        evaluations = []
        for key, park, appointed, unit, position in INSTRUCTORS:
            person = self.person(1975, 1992)
            instructor = Instructor(
                name=person.name,
                park=self.parks[park],
                unit=unit,
                position=position,
                phone=person.phone,
                appointed_on=d(appointed),
            )
            self.instructors[key] = save_record(instructor, user=None, effective=instructor.appointed_on)
            for year in YEARS:
                for quarter in range(1, 5):
                    quarter_end = datetime.date(year, quarter * 3, 28)
                    if quarter_end < instructor.appointed_on:
                        continue
                    score = Decimal(self.rng.randint(760, 985)) / 10
                    evaluation = InstructorEvaluation(instructor=instructor, year=year, quarter=quarter, score=score)
                    evaluation._effective_at = effective_datetime(quarter_end + datetime.timedelta(days=10))
                    evaluations.append(evaluation)
        bulk(InstructorEvaluation, evaluations)

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

    def members_below(self, key: str) -> list[Member]:
        return [m for k, org in self.orgs.items() if org.parent_id == self.orgs[key].pk for m in self.members[k]]

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

    def active_orgs(self, year: int) -> list[tuple[str, PartyOrganization, int, int]]:
        """Organizations founded by the end of ``year``, with the first and last month they were active in it."""
        found = []
        for key, org in self.orgs.items():
            founded, dissolved = org.founded_on, org.dissolved_on
            if founded is None or founded.year > year or (dissolved and dissolved.year < year):
                continue
            first = founded.month + 1 if founded.year == year else 1
            last = dissolved.month - 1 if dissolved and dissolved.year == year else 12
            if first <= last:
                found.append((key, org, first, last))
        return found

    def roll(self, key: str, day: datetime.date) -> int:
        """How many members the organization had on ``day``."""
        return sum(1 for m in self.members[key] if on_roll(m, day))

    def build_activities(self) -> None:
        rng, activities = self.rng, []

        def add(day: datetime.date, **fields) -> None:
            activity = Activity(held_on=day, **fields)
            activity._effective_at = effective_datetime(day)
            activities.append(activity)

        for year in YEARS:
            for key, org, first, last in self.active_orgs(year):
                skip = 0.3 if key in WEAK_ORGS else 0.1
                monthly = LIFE_PLAN.get(org.kind, BRANCH_PLAN)
                for month in range(first, QUIET.get((key, year), last) + 1):
                    kinds = [k for k in monthly if k != "group_meeting" or self.roll(key, d(f"{year}-06-30")) >= 4]
                    if month % 3 == 0:
                        kinds += ["party_lecture"] + (["branch_general_meeting"] if "branch" in org.kind else [])
                    if month == 1 and org.kind != "committee":
                        kinds.append("organization_life_meeting")
                    for kind in kinds:
                        if rng.random() < skip:
                            continue
                        day = datetime.date(year, month, rng.randint(3, 27))
                        expected = max(self.roll(key, day), 1)
                        expected = min(expected, 5) if kind == "committee_meeting" else expected
                        special = kind == "party_lecture" and rng.random() < 0.25
                        title = rng.choice(SPECIAL_LECTURES[year]) if special else self.life_title(kind, year, month)
                        add(
                            day,
                            kind=kind,
                            title=title,
                            organization=org,
                            park=org.park,
                            location="党员活动室",
                            expected_attendance=expected,
                            is_special_lecture=special,
                            actual_attendance=max(expected - rng.choice((0, 0, 0, 1, 1, 2)), 1),
                        )
            zone, sub_parks = self.parks[DEMO_CODE], [self.parks[row[0]] for row in PARKS]
            trainings = SECRETARY_TRAININGS[year]
            for i, attendance in enumerate(trainings):
                trainer = TRAINERS[i % len(TRAINERS)]
                day = datetime.date(year, 2 + i * 10 // len(trainings), rng.randint(8, 24))
                add(
                    day,
                    kind="training",
                    park=zone,
                    organizer=trainer,
                    audience="secretaries",
                    place=self.centre,
                    title=f"{trainer}党组织书记培训班（第{i + 1}期）",
                    actual_attendance=attendance,
                )
            for kind, sessions, audience, title, low, high in PARK_ACTIVITIES:
                for n in range(1, sessions + 1):
                    day = datetime.date(year, 12 * n // (sessions + 1) or 1, rng.randint(5, 25))
                    park = zone if kind != "listening_visit" else sub_parks[n % 5]
                    add(
                        day,
                        kind=kind,
                        park=park,
                        audience=audience,
                        organizer="园区管委会",
                        place=None if kind == "listening_visit" else self.centre,
                        title=title.format(year=year, n=n, park=park.name),
                        actual_attendance=rng.randint(low, high),
                    )
            for department, sessions in INSPECTIONS.items():
                for n in range(1, sessions + 1):
                    day, park = datetime.date(year, 12 * n // (sessions + 1), rng.randint(5, 25)), sub_parks[n % 5]
                    add(
                        day,
                        kind="joint_inspection",
                        park=park,
                        partner_department=department,
                        organizer="园区管委会",
                        title=f"{park.name}联合检查",
                        actual_attendance=rng.randint(4, 8),
                    )
        bulk(Activity, activities)

    def life_title(self, kind: str, year: int, month: int) -> str:
        if kind == "theme_day":
            return f"{month}月主题党日：" + THEME_DAYS[month - 1].format(age=year - 1921)
        if kind == "organization_life_meeting":
            return f"{year - 1}年度组织生活会"
        label = {"committee_meeting": "支委会", "group_meeting": "党小组会", "branch_general_meeting": "党员大会"}
        return f"{month}月{label.get(kind, '党课')}：{self.rng.choice(MEETING_TOPICS[kind])}"

    def build_requests(self) -> None:
        rng = self.rng
        for year, plan in REQUESTS.items():
            end = datetime.date(year, 12, 28)
            categories = ("land", "water", "power", "infrastructure")
            closed = [(c, None, None) for c, n in zip(categories, plan["infra"], strict=True) for _ in range(n)]
            closed += [("talent_flat", flats, people) for flats, people in plan["flats"]]
            closed += [("schooling", None, people) for people in plan["schooling"]]
            closed += [(category, None, None) for category in plan["other"]]
            for category, quantity, people in closed:
                received = self.day_between(datetime.date(year, 1, 4), end - datetime.timedelta(days=40))
                closed_on = self.day_between(received + datetime.timedelta(days=3), received + datetime.timedelta(40))
                self.request(category, received, "closed", closed_on, quantity, people)
            for category in plan["open"]:  # still open at the year end; closed early next year, or never
                received = datetime.date(year, 11, rng.randint(5, 25))
                later = received + datetime.timedelta(days=60) if year < 2025 else None
                self.request(category, received, "open", later)
        self.request("land", d("2023-05-10"), "rejected", d("2023-06-02"))

    def existing_enterprises(self, day: datetime.date) -> list[Enterprise]:
        return [
            e for e in self.ents.values() if e.founded_on < day and not (e.deregistered_on and e.deregistered_on <= day)
        ]

    def request(self, category, received, outcome, finished_on, quantity=None, people=None) -> None:
        """A request received on ``received``; ``outcome`` closed, rejected or open (in progress at year end)."""
        rng = self.rng
        ent = rng.choice(self.existing_enterprises(received))
        request = ServiceRequest(
            park=ent.park,
            enterprise=ent,
            category=category,
            title=rng.choice(REQUEST_TITLES[category]),
            channel=rng.choice(("visit", "phone", "symposium", "online", "walk_in")),
            received_on=received,
            due_on=received + datetime.timedelta(days=30),
            handler=self.person(1975, 1995).name,
            handler_unit=HANDLERS.get(category, "园区管委会"),
        )
        save_record(request, user=None, effective=received)
        if outcome == "open":
            request.status = "in_progress"
            save_record(request, user=None, effective=received + datetime.timedelta(days=2))
            if finished_on is None:
                return
            outcome = "closed"
        request.status, request.closed_on = outcome, finished_on
        request.quantity, request.people_served = quantity, people
        if outcome == "closed":
            request.outcome, request.satisfaction = "已协调相关部门办结，企业反馈满意", rng.choice((4, 5, 5))
        else:
            request.outcome = "不符合园区总体规划，已向企业说明"
        save_record(request, user=None, effective=finished_on)

    def build_funding_and_commendations(self) -> None:
        rng = self.rng
        self.pay(self.orgs["C1"], "activity_fund", d("2023-06-26"), 3000)
        for year in YEARS:
            for _key, org, first, last in self.active_orgs(year):
                if org.founded_on.year == year:
                    self.pay(org, "startup_fund", org.founded_on + datetime.timedelta(days=20), 5000)
                months = last - first + 1  # the allowance is 150 yuan for each month in office
                paid_on = datetime.date(year, last, 20 if last == 12 else 15)
                self.pay(org, "secretary_allowance", paid_on, 150 * months, months, org.secretary)
            awarded = datetime.date(year, 12, 22)
            for key, amount in AWARDS[year]:
                org = self.orgs[key]
                self.pay(org, "performance_award", datetime.date(year, 12, 26), amount, 1, org.secretary)
                self.commend("excellent_secretary", year, org, org.secretary, awarded, "县委非公工委", amount)
            for key in ADVANCED_ORGS[year]:
                self.commend("advanced_organization", year, self.orgs[key], None, datetime.date(year, 6, 28))
            start = datetime.date(year, 1, 1)
            eligible = [
                m
                for key, org, *_ in self.active_orgs(year)
                for m in self.members[key]
                if m.ended_on is None and m.pk != org.secretary_id and (m.transferred_in_on or m.joined_on) < start
            ]
            for member in rng.sample(eligible, 5 if year == 2023 else 4):
                self.commend("outstanding_member", year, member.organization, member, datetime.date(year, 6, 28))
            for i, member in enumerate(rng.sample(eligible, 4 if year == 2023 else 2)):
                post = PioneerPost(
                    member=member,
                    kind="model" if i % 3 == 2 else "pioneer",
                    title=PIONEER_TITLES[(i + year) % len(PIONEER_TITLES)],
                    started_on=datetime.date(year, 3 + i * 2, 1),
                    ended_on=datetime.date(year + 1, 6, 30) if (year, i) == (2023, 0) else None,
                )
                save_record(post, user=None, effective=post.started_on)

    def pay(self, org, kind, paid_on, amount, months=1, recipient=None) -> None:
        funding = Funding(
            organization=org, kind=kind, paid_on=paid_on, amount=Decimal(amount), months=months, recipient=recipient
        )
        save_record(funding, user=None, effective=paid_on)

    def commend(self, kind, year, org, member, awarded_on, by="中共示范县委", bonus=None) -> None:
        commendation = Commendation(
            kind=kind, year=year, organization=org, member=member, conferred_by=by, awarded_on=awarded_on, bonus=bonus
        )
        save_record(commendation, user=None, effective=awarded_on)

    def build_notices(self) -> None:
        rng, zone = self.rng, self.parks[DEMO_CODE]
        for year, notices in NOTICES.items():
            for number, (title, issued, days) in enumerate(notices, start=1):
                issued_on = d(issued)
                notice = Notice(
                    title=title,
                    reference_number=f"示非公委发〔{year}〕{number}号",
                    issued_on=issued_on,
                    deadline=issued_on + datetime.timedelta(days=days),
                    body=f"各园区、各非公企业党组织：现就{title[2:-3]}有关事项通知如下。",
                )
                save_record(notice, user=None, effective=issued_on)
                sent = timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(9, 30)))
                receipt = NoticeReceipt(notice=notice, park=zone, forwarded_at=sent)
                save_record(receipt, user=None, effective=sent)
                late_park = (year, number) == (2023, 4)
                signed = sent + datetime.timedelta(days=days + 2 if late_park else rng.randint(0, 1), hours=2)
                notice_receive(receipt, user=None, at=signed)
                forwarded = signed + datetime.timedelta(hours=3)  # the park forwards it to organizations
                orgs = [org for _key, org, *_ in self.active_orgs(year) if org.parent_id is None]
                orgs = [org for org in orgs if org.founded_on < issued_on < (org.dissolved_on or datetime.date.max)]
                for i, org in enumerate(rng.sample(orgs, min(8, len(orgs)))):
                    receipt = NoticeReceipt(notice=notice, park=org.park, organization=org, forwarded_at=forwarded)
                    save_record(receipt, user=None, effective=forwarded)
                    chance = rng.random()
                    if (year, number, i) == (2023, 2, 0) or chance < 0.04:
                        continue  # never signed for
                    late = ((year, number) in ((2023, 1), (2023, 5)) and i < 2) or chance > 0.95
                    hours = (days + rng.randint(2, 6)) * 24 if late else rng.randint(2, 60)
                    signed = max(forwarded + datetime.timedelta(hours=1), sent + datetime.timedelta(hours=hours))
                    notice_receive(receipt, user=None, at=signed)

    def build_dues(self) -> None:
        rng, payments = self.rng, []
        everyone = [m for members in self.members.values() for m in members]
        arrears = {year: rng.sample(everyone, count) for year, count in ((2023, 5), (2024, 3), (2025, 2))}
        for member in everyone:
            rate = Decimal(rng.choice((2, 3, 5, 8, 10, 12, 15, 20, 30)))
            since = member.transferred_in_on or member.joined_on
            for year in YEARS:
                for month in range(1, 13):
                    first = datetime.date(year, month, 1)
                    if since >= first or (member.ended_on and member.ended_on <= first):
                        continue
                    unpaid = member in arrears[year] and month > 9  # the last quarter is in arrears
                    paid_on = None if unpaid else first + datetime.timedelta(days=rng.randint(4, 24))
                    paid = Decimal(0) if unpaid else rate
                    payment = DuesPayment(
                        member=member, month=first, amount_due=rate, amount_paid=paid, paid_on=paid_on
                    )
                    payment._effective_at = effective_datetime(paid_on or first + datetime.timedelta(days=27))
                    payments.append(payment)
        bulk(DuesPayment, payments)


def bulk(model, objects: list) -> None:
    """Validate and insert many rows through the services, each taking effect at its ``_effective_at``."""
    for obj in objects:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    save_records(objects, user=None, effective=_own_effect, clean=False)


def _own_effect(obj) -> datetime.datetime:
    return obj._effective_at


def ensure_users(zone: Park) -> list[tuple[str, str]]:
    """Create the demo logins that are missing; existing users are left exactly as they are."""
    logins = []
    for username, role, last_name, first_name in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            logins.append((username, str(role.label)))
            continue
        user = User(username=username, role=role, last_name=last_name, first_name=first_name)
        if role == Role.PARK_STAFF:
            user.park = zone
        elif role == Role.SECRETARY:
            org = PartyOrganization.objects.filter(park__in=zone.descendant_ids(), kind=SECRETARY_ORG_KIND)
            org = org.order_by("pk").first()
            if org is None:
                continue
            user.organization = org
            if org.secretary:
                user.last_name, user.first_name = org.secretary.name[:1], org.secretary.name[1:]
        elif role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        save_record(user, user=None)
        logins.append((username, str(role.label)))
    return logins


@transaction.atomic
def load_demo() -> DemoResult:
    """Build the demo county unless the ``DEMO`` park exists; make sure the demo logins exist."""
    zone = Park.objects.filter(code=DEMO_CODE).first()
    created = zone is None
    if created:
        builder = DemoBuilder()
        builder.build()
        zone = builder.parks[DEMO_CODE]
    return DemoResult(created=created, logins=ensure_users(zone))
