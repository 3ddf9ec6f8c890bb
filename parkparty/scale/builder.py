"""The province-scale data set of ``manage.py generate_scale``.

Everything is drawn from one ``random.Random(seed)`` in a fixed order and
every id is assigned here, so the same options and seed give the same rows.
Records are written straight to the tables (:mod:`parkparty.scale.writer`),
not through the services, so every value below obeys the models' own rules:

- credit codes and resident ID numbers carry their check characters
  (``stdnum``), birth dates match the ID number, members are 18 or older on
  joining and full members a year after;
- an organization is founded after the enterprises it covers; members start
  (join or transfer in) on or after its founding and end on or before its
  dissolution; its secretary is one of its members;
- applicants pass their stages in order with the one-year rules, and those
  admitted are the members admitted locally (same person, linked);
- an organization's activity is attended only by its members on that day;
- requests are received, taken up and closed in date order;
- notices reach the zones first and are then forwarded to the organizations
  that existed on the day of issue.

History: the figures engine reads ``Model.history.as_of`` for enterprises,
organizations and members (``reports/figures/base.py``), so those get one
history row per dated state (and parks one each). See :func:`history_values`.
"""

from __future__ import annotations

import datetime
import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import ric, uscc

from members.models import Applicant, DevelopmentQuota, Member, add_years
from organizations.models import (
    Activity,
    Enterprise,
    EnterpriseSurvey,
    Notice,
    NoticeReceipt,
    Park,
    ParkStaffing,
    PartyOrganization,
    ServiceCenter,
    ServiceRequest,
)
from parkparty.demo.data import FEMALE_GIVEN, MALE_GIVEN, SURNAMES, TRADE_FIRST, TRADE_SECOND, USCC_ALPHABET
from parkparty.scale.writer import Sink, Table, next_id

D = datetime.date
DAY = datetime.timedelta(days=1)

#: The history columns every generated history row sets, in order (see :func:`history_values`).
HISTORY_COLUMNS = ("history_date", "history_type", "effective_at")

REGIONS_OLD = ("360121", "360122")  # valid for every birth year (stdnum checks the region by date)
REGIONS_NEW = ("360426", "360423", "360425", "360428", "360429", "360424")  # births from 1983
INDUSTRIES = ("电子信息", "新材料", "装备制造", "食品加工", "纺织服装", "生物医药", "新能源", "现代物流")
INDUSTRY_WORDS = ("科技", "电子", "材料", "机械", "食品", "服饰", "医药", "能源", "物流", "实业")
ORG_KINDS = (("branch", 70), ("joint_branch", 15), ("general_branch", 10), ("committee", 5))
ORG_SIZE = {"branch": 1.0, "joint_branch": 1.3, "general_branch": 2.5, "committee": 4.0}
ORG_LABEL = {"branch": "党支部", "joint_branch": "联合党支部", "general_branch": "党总支", "committee": "党委"}
TERM = {"branch": 3, "joint_branch": 3, "general_branch": 3, "committee": 5}
LIFE_KINDS = (
    ("committee_meeting", 25, "支委会"),
    ("group_meeting", 20, "党小组会"),
    ("theme_day", 25, "主题党日"),
    ("party_lecture", 12, "党课"),
    ("branch_general_meeting", 13, "党员大会"),
    ("organization_life_meeting", 5, "组织生活会"),
)
PARK_KINDS = (
    ("training", "secretaries", "党组织书记培训班"),
    ("listening_visit", "owners", "走访企业听取意见"),
    ("owner_symposium", "owners", "企业主座谈会"),
    ("joint_inspection", "", "联合检查"),
    ("theme_education", "members", "主题教育集中学习"),
)
PARTNERS = ("safety", "environment", "market", "housing")
REQUEST_CATEGORIES = (
    ("land", 8),
    ("water", 8),
    ("power", 10),
    ("infrastructure", 14),
    ("hazard", 6),
    ("noise_dispute", 4),
    ("labour_dispute", 6),
    ("talent_flat", 12),
    ("schooling", 10),
    ("policy", 14),
    ("other", 8),
)
CHANNELS = ("visit", "phone", "symposium", "online", "walk_in")
EDUCATIONS = ("postgraduate", "undergraduate", "junior_college", "secondary_vocational", "high_school", "junior_high")
NOTICE_TOPICS = (
    "党建工作要点",
    "党费收缴",
    "组织生活会",
    "党员发展计划",
    "主题党日活动",
    "年度统计",
    "示范点创建",
    "书记培训",
)


@dataclass
class Options:
    parks: int = 240
    enterprises: int = 20_000
    organizations: int | None = None  # default: enterprises / 4
    members: int = 200_000
    applicants: int | None = None  # pipeline people not yet admitted; default: members / 20
    activities: int = 2_000_000
    requests: int = 200_000
    notices_per_year: int = 16
    seed: int = 2026
    today: datetime.date | None = None


@dataclass
class Org:
    pk: int
    park: int
    zone: int
    kind: str
    founded: datetime.date | None  # None while forming
    dissolved: datetime.date | None = None
    enterprises: list = field(default_factory=list)
    members: list = field(default_factory=list)  # (start, end, pk)


@dataclass
class Ent:
    pk: int
    park: int
    founded: datetime.date
    deregistered: datetime.date | None
    org: int | None = None


class ScaleBuilder:
    def __init__(self, options: Options, sink: Sink) -> None:
        self.o = options
        self.rng = random.Random(options.seed)  # noqa: S311 — reproducible made-up data, not secrets
        self.sink = sink
        self.today = options.today or timezone.localdate()
        self.start = D(self.today.year - 3, 1, 1)
        self.years = tuple(range(self.start.year, self.today.year + 1))
        self.taken: set[str] = set()
        self.zones: list[int] = []
        self.parks: dict[int, int] = {}  # park -> zone
        self.zone_parks: dict[int, list[int]] = {}
        self.centres: dict[int, int] = {}  # zone -> service centre
        self.ents: list[Ent] = []
        self.orgs: list[Org] = []
        self.history_tick = 0

    # --- helpers -----------------------------------------------------------------
    def history_values(self, effective: datetime.date) -> tuple:
        """The history columns of one history row for a state that took effect on ``effective``.

        The row is written now: ``history_date`` is the generation time (a
        microsecond apart per row, so the latest state of a record is the
        last one written). The dated fact is ``effective``, the row's
        ``effective_at`` (noon of that day, as the write path dates it), which
        "as of" figures read.
        """
        self.history_tick += 1
        written = self.sink.now + datetime.timedelta(microseconds=self.history_tick)
        return (written, "+", self.effective_moment(effective))

    def effective_moment(self, day: datetime.date) -> datetime.datetime:
        """Noon of ``day`` (local time), as the write path dates a past change; a change dated today takes
        effect at the day's start, not at a noon still to come — never "now", so one seed gives one data set."""
        hour = datetime.time(12, 0) if day < self.today else datetime.time(0, 0)
        return timezone.make_aware(datetime.datetime.combine(day, hour))

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def name(self, male: bool) -> str:
        rng = self.rng
        surname = rng.choice(SURNAMES[:20]) if rng.random() < 0.6 else rng.choice(SURNAMES)
        return surname + "".join(rng.choice(MALE_GIVEN if male else FEMALE_GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def person(self, born_from: datetime.date, born_to: datetime.date) -> tuple[str, str, str, datetime.date]:
        """(name, resident ID number, gender, birth date) of a fictional person born in the range."""
        rng = self.rng
        while True:
            male = rng.random() < 0.6
            birth = self.day_between(born_from, born_to)
            regions = REGIONS_NEW if birth.year >= 1983 else REGIONS_OLD
            seq = rng.randrange(100, 998)
            seq += (seq % 2) != int(male)  # the 17th digit is odd for men, even for women
            body = f"{rng.choice(regions)}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.taken:
                self.taken.add(number)
                return self.name(male), number, "male" if male else "female", birth

    def credit_code(self, founded: datetime.date) -> str:
        rng = self.rng
        while True:
            if founded.year >= 2016:
                middle = "MA3" + "".join(rng.choice(USCC_ALPHABET[10:]) for _ in range(2))
                middle += "".join(rng.choice(USCC_ALPHABET) for _ in range(4))
            else:
                middle = "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice("0123456789X")
            first17 = "91" + rng.choice(REGIONS_NEW) + middle
            code = first17 + uscc.calc_check_digit(first17)
            if code not in self.taken:
                self.taken.add(code)
                return code

    # --- the build -----------------------------------------------------------------
    def build(self) -> None:
        self.build_parks()
        self.build_enterprises()
        self.build_organizations()
        self.build_members()
        self.write_enterprises()
        self.write_organizations()
        self.sink.flush_all()
        self.sink.constraints_immediate()
        self.sink.relax([Activity, Activity.attendees.through])  # the two biggest tables: checked once at the end
        self.build_activities()
        self.build_requests()
        self.build_notices()
        self.sink.flush_all()
        self.sink.restore()

    def build_parks(self) -> None:
        rng = self.rng
        n = max(self.o.parks, 1)
        zones = math.ceil(n / 6)
        cols = ("id", "code", "name", "parent_id", "address", "sort_order", "is_core", "integrated_on")
        parks = Table(self.sink, Park, cols)
        history = Table(self.sink, Park.history.model, cols + HISTORY_COLUMNS)
        staffing = Table(self.sink, ParkStaffing, ("park_id", "year", "posts_authorised", "posts_actual"))
        quotas = Table(self.sink, DevelopmentQuota, ("park_id", "year", "quota"))
        centres = Table(self.sink, ServiceCenter, ("id", "name", "kind", "park_id", "address", "area_sqm", "opened_on"))
        pk, centre_pk = next_id(Park), next_id(ServiceCenter)
        opened = D(self.start.year - 5, 3, 1)
        subs = [n // zones - 1 + (1 if i < n % zones else 0) for i in range(zones)]
        for z in range(zones):
            zone = pk
            pk += 1
            name = f"规模{z + 1:03d}工业园区"
            row = (zone, f"S{z + 1:03d}", name, None, f"规模县{z + 1}号大道", z, False, None)
            parks.add(row)
            history.add(row + self.history_values(opened))
            self.zones.append(zone)
            self.parks[zone] = zone
            self.zone_parks[zone] = [zone]
            for j in range(subs[z]):
                row = (pk, f"S{z + 1:03d}-{j + 1}", f"{name}{j + 1}号园", zone, f"规模县{z + 1}号大道{j + 1}段", j + 1)
                row += (j == 0, None if j == 0 else opened)
                parks.add(row)
                history.add(row + self.history_values(opened))
                self.parks[pk] = zone
                self.zone_parks[zone].append(pk)
                pk += 1
            for year in self.years:
                authorised = rng.randint(8, 20)
                staffing.add((zone, year, authorised, authorised - rng.randint(0, 4)))
                quotas.add((zone, year, rng.randint(10, 60)))
            centres.add((centre_pk, f"{name}党群服务中心", "offline", zone, f"规模县{z + 1}号大道1号", 800, opened))
            self.centres[zone] = centre_pk
            centre_pk += 1

    def build_enterprises(self) -> None:
        rng = self.rng
        pk = next_id(Enterprise)
        parks = [p for p in self.parks if len(self.zone_parks[self.parks[p]]) == 1 or p != self.parks[p]]
        for i in range(self.o.enterprises):
            park = parks[i % len(parks)]
            if rng.random() < 0.8:
                founded = self.day_between(D(2005, 1, 1), self.start - DAY)
            else:
                founded = self.day_between(self.start, self.today - DAY)
            gone = None
            if rng.random() < 0.04:
                first = max(founded, self.start) + 30 * DAY
                if first < self.today:
                    gone = self.day_between(first, self.today - DAY)
            self.ents.append(Ent(pk, park, founded, gone))
            pk += 1

    def build_organizations(self) -> None:
        rng = self.rng
        n = self.o.organizations if self.o.organizations is not None else max(1, self.o.enterprises // 4)
        by_park: dict[int, list[Ent]] = {}
        for ent in self.ents:
            if ent.deregistered is None:
                by_park.setdefault(ent.park, []).append(ent)
        pools = [sorted(ents, key=lambda e: e.pk) for _park, ents in sorted(by_park.items())]
        kinds, weights = zip(*ORG_KINDS, strict=True)
        pk = next_id(PartyOrganization)
        for i in range(n):
            pool = pools[i % len(pools)]
            if not pool:
                pool = next((p for p in pools if p), None)
                if pool is None:
                    break
            kind = rng.choices(kinds, weights)[0]
            covered = [pool.pop() for _ in range(min(len(pool), rng.randint(2, 4) if kind == "joint_branch" else 1))]
            if kind == "joint_branch" and len(covered) < 2:
                kind = "branch"
            earliest = max(e.founded for e in covered) + 30 * DAY
            if rng.random() < 0.85:
                founded = self.day_between(earliest, max(earliest, self.start - DAY))
            else:
                founded = self.day_between(max(earliest, self.start), max(earliest, self.today - DAY))
            if founded >= self.today or rng.random() < 0.03:
                founded = None  # still being formed
            org = Org(pk, covered[0].park, self.parks[covered[0].park], kind, founded)
            if founded and rng.random() < 0.02:
                first = max(founded, self.start) + 60 * DAY
                if first < self.today:
                    org.dissolved = self.day_between(first, self.today - DAY)
            for ent in covered:
                ent.org = pk
            org.enterprises = [e.pk for e in covered]
            self.orgs.append(org)
            pk += 1
        self.forming_since = {o.pk: self.day_between(self.start, self.today - DAY) for o in self.orgs if not o.founded}

    def build_members(self) -> None:
        """Members of the founded organizations; the locally admitted ones come through the pipeline."""
        rng, o = self.rng, self.o
        founded = [org for org in self.orgs if org.founded]
        if not founded:
            return
        weights = [ORG_SIZE[org.kind] for org in founded]
        total_weight = sum(weights)
        counts = [max(3, int(o.members * w / total_weight)) for w in weights]
        i = 0
        while sum(counts) > o.members and any(c > 1 for c in counts):  # small sizes: trim
            if counts[i % len(counts)] > 1:
                counts[i % len(counts)] -= 1
            i += 1
        for j in range(o.members - sum(counts)):
            counts[j % len(counts)] += 1
        cols = (
            "id", "name", "id_number", "gender", "education", "phone", "organization_id", "enterprise_id",
            "category", "joined_on", "full_on", "transferred_in_on", "is_frontline", "ended_on", "end_reason",
        )  # fmt: skip
        members = Table(self.sink, Member, cols)
        history = Table(self.sink, Member.history.model, cols + HISTORY_COLUMNS)
        app_cols = (
            "id", "name", "id_number", "gender", "phone", "organization_id", "enterprise_id", "applied_on",
            "activist_on", "candidate_on", "dossier_submitted_on", "admitted_on", "full_on", "withdrawn_on",
            "withdrawn_reason", "member_id",
        )  # fmt: skip
        applicants = Table(self.sink, Applicant, app_cols)
        app_history = Table(self.sink, Applicant.history.model, app_cols + HISTORY_COLUMNS)
        self.applicant_table, self.applicant_history = applicants, app_history
        pk, app_pk = next_id(Member), next_id(Applicant)
        self.secretaries: dict[int, int] = {}
        for org, count in zip(founded, counts, strict=True):
            last = (org.dissolved - DAY) if org.dissolved else self.today
            for k in range(count):
                if k == 0:
                    start = org.founded  # the secretary has been there from the start
                elif org.founded < self.start and rng.random() < 0.8:
                    start = self.day_between(org.founded, self.start - DAY)
                else:
                    start = self.day_between(max(org.founded, self.start), last)
                local = start >= self.start and rng.random() < 0.5  # admitted here, through the pipeline
                latest_birth = min(add_years(start, -19), D(2004, 12, 31))
                name, number, gender, birth = self.person(D(1960, 1, 1), latest_birth)
                if local:
                    joined, transferred = start, None
                else:
                    joined = self.day_between(add_years(birth, 19), min(start, add_years(birth, 40)))
                    transferred = start if joined < start else None
                full_on = add_years(joined, 1) + rng.randint(0, 20) * DAY
                full_on = full_on if full_on <= self.today else None
                ended = None
                if org.dissolved:
                    ended = org.dissolved
                elif k > 0 and rng.random() < 0.03 and start + 30 * DAY < self.today:
                    ended = self.day_between(max(start + 30 * DAY, self.start), self.today - DAY)
                if ended and full_on and full_on > ended:
                    full_on = None
                ent = rng.choice(org.enterprises)
                row = [
                    pk, name, number, gender, rng.choice(EDUCATIONS), self.phone(), org.pk, ent,
                    "full" if full_on else "probationary", joined, full_on, transferred, rng.random() < 0.4,
                    ended, "transferred_out" if ended else "",
                ]  # fmt: skip
                members.add(tuple(row))
                # One history row per dated state: probationary, then full, then ended.
                states = []
                if full_on and full_on > start:
                    early = list(row)
                    early[8], early[10], early[13], early[14] = "probationary", None, None, ""
                    states.append((early, start))
                    if ended:
                        states.append(([*row[:13], None, ""], full_on))
                elif ended:
                    states.append(([*row[:13], None, ""], start))
                states.append((row, ended or full_on or start))
                for state, effective in states:
                    history.add(tuple(state) + self.history_values(effective))
                org.members.append((start, ended, pk))
                if k == 0:
                    self.secretaries[org.pk] = pk
                if local:
                    self.applicant(app_pk, org, ent, name, number, gender, birth, joined, full_on, pk)
                    app_pk += 1
                pk += 1
        # People still in the pipeline (or who left it).
        extra = o.applicants if o.applicants is not None else o.members // 20
        active = [org for org in founded if not org.dissolved]
        for n in range(extra if active else 0):
            org = active[n % len(active)]
            name, number, gender, birth = self.person(D(1975, 1, 1), add_years(self.today, -19))
            self.applicant(app_pk, org, rng.choice(org.enterprises), name, number, gender, birth, None, None, None)
            app_pk += 1

    def applicant(self, pk, org, ent, name, number, gender, birth, admitted, full_on, member) -> None:
        """A person in the pipeline; ``admitted`` set for the members admitted locally."""
        rng = self.rng
        adult = add_years(birth, 18)
        dossier = None
        withdrawn, reason = None, ""
        if admitted:
            candidate = admitted - rng.randint(60, 150) * DAY
            dossier = candidate + rng.randint(10, 50) * DAY
            activist = add_years(candidate, -1) - rng.randint(0, 120) * DAY
            applied = activist - rng.randint(30, 180) * DAY
            if applied < adult:  # a late starter: compress the early stages, keep the one-year rule
                applied, activist = adult, adult
                candidate = max(candidate, add_years(activist, 1))
                dossier = min(max(dossier, candidate), admitted)
            stages = [applied, activist, candidate, dossier, admitted, full_on]
        else:
            applied = self.day_between(max(adult, add_years(self.start, -2)), self.today - DAY)
            activist = applied + rng.randint(30, 200) * DAY
            candidate = add_years(activist, 1) + rng.randint(0, 90) * DAY
            stages = [applied, activist if activist <= self.today else None]
            if stages[1] and candidate <= self.today and rng.random() < 0.6:
                stages.append(candidate)
                dossier = candidate + rng.randint(10, 50) * DAY
                stages.append(dossier if dossier <= self.today else None)
            stages += [None] * (6 - len(stages))
            if rng.random() < 0.05:
                reached = max(d for d in stages if d)
                if reached < self.today - DAY:
                    withdrawn, reason = self.day_between(reached + DAY, self.today - DAY), "本人申请退出"
        row = (pk, name, number, gender, self.phone(), org.pk, ent, *stages, withdrawn, reason, member)
        self.applicant_table.add(row)
        effective = withdrawn or max(d for d in stages if d)
        self.applicant_history.add(row + self.history_values(effective))

    def write_enterprises(self) -> None:
        rng = self.rng
        pairs = [a + b for a in TRADE_FIRST for b in TRADE_SECOND if a != b]
        kinds = {org.pk: org for org in self.orgs}
        cols = (
            "id", "uscc", "name", "park_id", "status", "industry", "ownership", "founded_on", "deregistered_on",
            "annual_output", "address", "employees", "surveyed_members", "investor_name", "investor_is_member",
            "investor_phone", "organization_id", "coverage_mode", "no_organization_reason", "surveyed_on",
        )  # fmt: skip
        table = Table(self.sink, Enterprise, cols)
        history = Table(self.sink, Enterprise.history.model, cols + HISTORY_COLUMNS)
        surveys = Table(
            self.sink,
            EnterpriseSurvey,
            ("enterprise_id", "surveyed_on", "status", "employees", "members", "investor_is_member", "coverage_mode"),
        )
        for ent in self.ents:
            org = kinds.get(ent.org)
            young = ent.founded > self.today - 365 * DAY
            status = "under_construction" if young and rng.random() < 0.5 else "operating"
            employees = rng.randint(5, 40) if status == "under_construction" else rng.randint(20, 900)
            output = Decimal(employees * rng.randint(8, 30)) if status == "operating" else None
            coverage = "none"
            if org and org.founded:
                coverage = "joint" if org.kind == "joint_branch" else "own"
            reason = "" if coverage != "none" else rng.choice(("", "few_members", "no_members", "should_have"))
            name = f"{rng.choice(('江西', '规模县'))}{rng.choice(pairs)}{rng.choice(INDUSTRY_WORDS)}有限公司"
            investor_member = rng.random() < 0.2
            survey_days = []
            for year in self.years:
                first = max(D(year, 3, 1), ent.founded + DAY)
                last = min(D(year, 11, 30), self.today - DAY, (ent.deregistered or D.max) - DAY)
                if first <= last:
                    survey_days.append(self.day_between(first, last))
            row = [
                ent.pk, self.credit_code(ent.founded), name, ent.park, status, rng.choice(INDUSTRIES),
                rng.choices(("private", "hk_macao_taiwan", "foreign", "mixed"), (88, 5, 4, 3))[0], ent.founded, None,
                output, f"规模县工业大道{rng.randint(1, 999)}号", employees, rng.randint(0, 30), self.name(True),
                investor_member, self.phone(), org.pk if coverage != "none" else None, coverage, reason,
                survey_days[-1] if survey_days else None,
            ]  # fmt: skip
            for day in survey_days:
                members = row[12]
                surveys.add((ent.pk, day, status, employees, members, investor_member, coverage))
            if ent.deregistered:
                history.add(tuple(row) + self.history_values(ent.founded))
                row[4], row[8] = "deregistered", ent.deregistered
                history.add(tuple(row) + self.history_values(ent.deregistered))
            else:
                history.add(tuple(row) + self.history_values(ent.founded))
            table.add(tuple(row))

    def write_organizations(self) -> None:
        rng = self.rng
        cols = (
            "id", "name", "kind", "status", "formation_mode", "park_id", "forming_since", "founded_on",
            "dissolved_on", "dissolution_reason", "secretary_id", "primary_managing_body", "auxiliary_managing_body",
            "last_election_on", "contact_phone",
        )  # fmt: skip
        table = Table(self.sink, PartyOrganization, cols)
        history = Table(self.sink, PartyOrganization.history.model, cols + HISTORY_COLUMNS)
        for number, org in enumerate(self.orgs, start=1):
            status = "forming" if not org.founded else "dissolved" if org.dissolved else "active"
            election = None
            if org.founded:
                terms = (min(self.today, org.dissolved or D.max) - org.founded).days // (365 * TERM[org.kind] + 1)
                election = add_years(org.founded, terms * TERM[org.kind]) if terms else None
            row = [
                org.pk, f"规模{number:05d}企业{ORG_LABEL[org.kind]}", org.kind, status,
                "joint" if org.kind == "joint_branch" else "own", org.park, self.forming_since.get(org.pk),
                org.founded, org.dissolved, "企业停产" if org.dissolved else "", self.secretaries.get(org.pk),
                rng.choice(("county_non_public", "township")), "park_work_committee", election, self.phone(),
            ]  # fmt: skip
            if org.dissolved:
                history.add((*row[:3], "active", *row[4:8], None, "", *row[10:], *self.history_values(org.founded)))
            history.add(tuple(row) + self.history_values(org.dissolved or org.founded or self.forming_since[org.pk]))
            table.add(tuple(row))

    def build_activities(self) -> None:
        """Organization life for every founded organization, spread over its months, and park activities."""
        rng, o = self.rng, self.o
        cols = (
            "id", "park_id", "organization_id", "kind", "title", "held_on", "place_id", "location", "organizer",
            "audience", "partner_department", "is_special_lecture", "expected_attendance", "actual_attendance",
        )  # fmt: skip
        table = Table(self.sink, Activity, cols)
        attendance = Table(
            self.sink, Activity.attendees.through, ("activity_id", "member_id"), ints_only=True, after=[table]
        )
        pk = next_id(Activity)
        spans = []
        for org in self.orgs:
            if not org.founded:
                continue
            first = max(org.founded, self.start)
            last = min((org.dissolved - DAY) if org.dissolved else self.today, self.today)
            months = [(y, m) for y in self.years for m in range(1, 13) if first <= D(y, m, 28) and D(y, m, 1) <= last]
            if months:
                spans.append((org, first, last, months))
        park_count = max(len(self.zones), o.activities // 50) if o.activities else 0
        life_total = max(o.activities - park_count, 0)
        if not spans:
            park_count, life_total = o.activities, 0
        total_months = sum(len(s[3]) for s in spans) or 1
        shares = [life_total * len(s[3]) // total_months for s in spans]
        for i in range(life_total - sum(shares)):
            shares[i % len(shares)] += 1
        kinds, weights, labels = zip(*LIFE_KINDS, strict=True)
        label_of = dict(zip(kinds, labels, strict=True))
        for (org, first, last, months), count in zip(spans, shares, strict=True):
            days = []
            for i in range(count):
                y, m = months[i * len(months) // count]
                day_first, day_last = max(D(y, m, 1), first), min(D(y, m, 28), last)
                days.append(self.day_between(day_first, day_last))
            days.sort()
            roster = sorted(org.members, key=lambda m: (m[0], m[2]))
            starts = [start for start, _end, _pk in roster]
            ends = sorted(end for _s, end, _pk in roster if end)
            for day in days:
                on_roll = roster[: bisect_right(starts, day)]
                if ends and ends[0] <= day:
                    on_roll = [m for m in on_roll if not (m[1] and m[1] <= day)]
                kind = rng.choices(kinds, weights)[0]
                size = min(len(on_roll), 5 if kind == "committee_meeting" else rng.randint(2, 6))
                chosen = sorted(m[2] for m in rng.sample(on_roll, size))
                special = kind == "party_lecture" and rng.random() < 0.2
                title = f"{day.month}月{label_of[kind]}" + ("（专题党课）" if special else "")
                table.add(
                    (pk, org.park, org.pk, kind, title, day, None, "党员活动室", "", "members", "", special,
                     size + rng.randint(0, 2), size)
                )  # fmt: skip
                for member in chosen:  # after the activity: its row is written first
                    attendance.add((pk, member))
                pk += 1
        for i in range(park_count):
            zone = self.zones[i % len(self.zones)]
            parks = self.zone_parks[zone]
            kind, audience, label = PARK_KINDS[rng.randrange(len(PARK_KINDS))]
            park = zone if kind in ("training", "theme_education") else rng.choice(parks)
            day = self.day_between(self.start, self.today - DAY)
            partner = rng.choice(PARTNERS) if kind == "joint_inspection" else ""
            place = self.centres[zone] if kind == "training" else None
            table.add(
                (pk, park, None, kind, f"{day.year}年{label}", day, place, "", "园区管委会", audience, partner, False,
                 None, rng.randint(4, 80))
            )  # fmt: skip
            pk += 1

    def build_requests(self) -> None:
        rng = self.rng
        cols = (
            "id", "park_id", "enterprise_id", "category", "channel", "title", "received_on", "handler",
            "handler_unit", "due_on", "status", "closed_on", "outcome", "quantity", "people_served", "satisfaction",
        )  # fmt: skip
        table = Table(self.sink, ServiceRequest, cols)
        categories, weights = zip(*REQUEST_CATEGORIES, strict=True)
        pk = next_id(ServiceRequest)
        open_ents = [e for e in self.ents if e.founded < self.today - DAY]
        for _ in range(self.o.requests if open_ents else 0):
            while True:
                ent = rng.choice(open_ents)
                first = max(ent.founded + DAY, self.start)
                last = min((ent.deregistered or D.max) - DAY, self.today)
                if first <= last:
                    break
            received = self.day_between(first, last)
            category = rng.choices(categories, weights)[0]
            age = (self.today - received).days
            chance = rng.random()
            if age < 7:
                status = "received"
            elif (age < 40 and chance < 0.5) or chance < 0.08:
                status = "in_progress"
            else:
                status = "rejected" if chance > 0.95 else "closed"
            closed = None
            if status in ("closed", "rejected"):
                closed = min(received + rng.randint(2, 40) * DAY, self.today)
            quantity = people = satisfaction = None
            if status == "closed":
                satisfaction = rng.choice((3, 4, 4, 5, 5, 5))
                if category == "talent_flat":
                    quantity = rng.randint(1, 4)
                    people = quantity + rng.randint(0, 3)
                elif category == "schooling":
                    people = rng.randint(1, 3)
            outcome = {"closed": "已协调相关部门办结", "rejected": "不符合政策规定，已向企业说明"}.get(status, "")
            table.add(
                (pk, ent.park, ent.pk, category, rng.choice(CHANNELS), f"{category}诉求{pk}", received,
                 self.name(rng.random() < 0.5), "园区管委会", received + 30 * DAY, status, closed, outcome, quantity,
                 people, satisfaction)
            )  # fmt: skip
            pk += 1

    def build_notices(self) -> None:
        from django.utils import timezone

        rng = self.rng
        notices = Table(self.sink, Notice, ("id", "title", "reference_number", "body", "issued_on", "deadline"))
        receipts = Table(
            self.sink,
            NoticeReceipt,
            ("notice_id", "park_id", "organization_id", "forwarded_at", "received_at"),
            after=[notices],
        )
        pk = next_id(Notice)
        founded = sorted((org for org in self.orgs if org.founded), key=lambda org: org.founded)
        founding_days = [org.founded for org in founded]
        now = timezone.now()
        for year in self.years:
            for n in range(self.o.notices_per_year):
                issued = D(year, 1, 5) + (n * 350 // max(self.o.notices_per_year, 1)) * DAY
                if issued >= self.today - 2 * DAY:
                    break
                deadline = issued + rng.randint(7, 15) * DAY
                topic = NOTICE_TOPICS[n % len(NOTICE_TOPICS)]
                notices.add(
                    (
                        pk,
                        f"关于做好{year}年{topic}工作的通知",
                        f"规非公委发〔{year}〕{n + 1}号",
                        "各园区：请按要求落实。",
                        issued,
                        deadline,
                    )
                )
                sent = timezone.make_aware(datetime.datetime.combine(issued, datetime.time(9, 30)))
                signed_by_zone = {}
                for zone in self.zones:
                    signed = sent + datetime.timedelta(hours=rng.randint(1, 60))
                    signed_by_zone[zone] = signed
                    receipts.add((pk, zone, None, sent, signed if signed < now else None))
                for org in founded[: bisect_right(founding_days, issued - DAY)]:
                    if org.dissolved and org.dissolved <= issued:
                        continue
                    forwarded = signed_by_zone[org.zone] + datetime.timedelta(hours=3)
                    if forwarded >= now:
                        continue  # the zone has not forwarded it yet
                    signed = forwarded + datetime.timedelta(hours=rng.randint(1, 24 * 20))
                    received = None if signed >= now or rng.random() < 0.04 else signed
                    receipts.add((pk, org.park, org.pk, forwarded, received))
                pk += 1
