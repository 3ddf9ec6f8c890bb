"""The annual reports read as a good officer's: every seed figure in its sentence, and prose without machine marks.

The demo county is the session's (``demo`` in conftest.py); its 2023 reports are written by the ``annual_report``
command and read back with python-docx. Every expected number is counted here from the ORM (or is a
figure of seed 002 that tests/test_demo.py checks), so a sentence that printed another figure would
fail. A new park is built from a survey workbook through the real ``import_enterprises`` command.
"""

import datetime
import io
import re
from decimal import Decimal
from io import StringIO

import docx
import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from stdnum.cn import uscc

from members.models import Applicant, Commendation, Member, PioneerPost
from organizations.models import (
    Activity,
    Enterprise,
    EnterpriseSurvey,
    Instructor,
    NoticeReceipt,
    Park,
    ParkStaffing,
    PartyOrganization,
    ServiceCenter,
    ServiceRequest,
)
from reports import outline
from reports.annual import load_report
from reports.problems import find_problems
from reports.prose import cn_number, listed, names, percent
from tests.flushing import rolled_back

from . import factories as f
from .importing import ENTERPRISE_HEADERS, write_xlsx

YEAR = 2023
D = datetime.date
YEAR_END = D(2023, 12, 31)
#: A zero figure printed with its unit ("0个", "0名", "0%" …), which a report must say in words instead.
ZERO = re.compile(r"(?<![\d.])0(?:\.0)?(?:个|名|家|次|项|人|件|套|份|场|%)")
NUMBERED = re.compile(r"^（([一二三四五六七八九十]+)）")
LISTED = re.compile(r"(?:^|[。；：])([一二三四五六七八九十]+)是")
SENTENCE_END = re.compile(r"[。；：]")


def read_docx(path) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs]


def write_report(folder, code: str, year: int, kind: str) -> list[str]:
    """The report written by the command, as its paragraphs."""
    target = folder / f"{code}-{year}-{kind}.docx"
    call_command(
        "annual_report", "--park", code, "--year", str(year), "--kind", kind, "-o", str(target), stdout=StringIO()
    )
    return read_docx(target)


def body_of(paragraphs: list[str]) -> str:
    return "\n".join(paragraphs)


def sentences(paragraphs: list[str]) -> list[str]:
    """The document's sentences (and clauses between ；), without their list numbers."""
    found = []
    for paragraph in paragraphs:
        for piece in SENTENCE_END.split(paragraph):
            piece = NUMBERED.sub("", piece.strip())
            piece = re.sub(r"^[一二三四五六七八九十]+是", "", piece)
            if len(piece) >= 8:
                found.append(piece)
    return found


def numbering_errors(paragraphs: list[str]) -> list[str]:
    """Breaks of the numbering: 1./1、 paragraphs, （一）（二）… out of order within a section, 一是二是… gaps."""
    errors = []
    expected = 1
    for text in paragraphs:
        if re.match(r"^[一二三四五六七八九十]+、", text):  # a first-level heading starts a new run of （一）
            expected = 1
            continue
        if re.match(r"^\d+\s*[.、．]", text):
            errors.append(f"arabic numbering: {text[:20]}")
        number = NUMBERED.match(text)
        if number:
            if number.group(1) != cn_number(expected):
                errors.append(f"expected （{cn_number(expected)}）: {text[:20]}")
            expected += 1
        listed_numbers = LISTED.findall(text)
        if listed_numbers and listed_numbers != [cn_number(i + 1) for i in range(len(listed_numbers))]:
            errors.append(f"一是…: {listed_numbers} in {text[:20]}")
    return errors


# The demo county ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_docs(demo, django_db_blocker, tmp_path_factory):
    """Paragraphs of the demo zone's reports for 2023 (both kinds), and of 2024 and 2025 for the prose checks."""
    folder = tmp_path_factory.mktemp("prose")
    with rolled_back(django_db_blocker):  # the command logs to the audit trail
        return {
            (kind, year): write_report(folder, "DEMO", year, kind)
            for kind in outline.KINDS
            for year in (2023, 2024, 2025)
        }


def in_2023(queryset, field):
    return queryset.filter(**{f"{field}__gte": D(2023, 1, 1), f"{field}__lte": YEAR_END})


def seed_000_phrases(parks) -> dict[str, str]:
    """Every xx of seed 000 as the demo's situation report must say it, counted from the records."""
    activities = in_2023(Activity.objects.filter(park__in=parks), "held_on")
    requests = in_2023(ServiceRequest.objects.filter(park__in=parks), "received_on")
    closed = requests.filter(status="closed", closed_on__lte=YEAR_END)
    orgs = PartyOrganization.objects.founded_as_of(YEAR_END).filter(park__in=parks)
    safety = activities.filter(kind="joint_inspection", partner_department="safety")
    admitted = {
        year: Applicant.objects.filter(organization__park__in=parks, admitted_on__year=year).count()
        for year in (2021, 2022, 2023)
    }
    staffing = ParkStaffing.objects.get(park__code="DEMO", year=YEAR)
    online = ServiceCenter.objects.get(park__in=parks, kind="online")
    # The park's own receipts of the county's notices: the one it signed for late is the example.
    own = NoticeReceipt.objects.filter(park__code="DEMO", organization__isnull=True, notice__issued_on__year=YEAR)
    (late,) = [r for r in own.select_related("notice") if timezone.localdate(r.received_at) > r.notice.deadline]
    received = timezone.localdate(late.received_at)
    in_office = Instructor.objects.filter(park__in=parks, appointed_on__lte=YEAR_END).exclude(ended_on__lte=YEAR_END)
    return {
        "organizations": f"共有基层党组织{orgs.count()}个",
        "committees": f"党委{orgs.filter(kind='committee').count()}个",
        "branches": f"党支部{orgs.filter(kind__in=('branch', 'joint_branch')).count()}个",
        "service centres": f"建有党群服务中心{ServiceCenter.objects.filter(park__in=parks).count()}个",
        "members": f"共有党员{Member.objects.as_of(YEAR_END).filter(organization__park__in=parks).count()}名",
        "special lectures": f"专题党课{activities.filter(kind='party_lecture', is_special_lecture=True).count()}次",
        "outstanding members": "优秀党员"
        + str(Commendation.objects.filter(year=YEAR, kind="outstanding_member", organization__park__in=parks).count())
        + "名",
        "advanced organizations": "先进基层党组织"
        + str(
            Commendation.objects.filter(year=YEAR, kind="advanced_organization", organization__park__in=parks).count()
        )
        + "个",
        "pioneer posts": "党员先锋岗、示范岗"
        + str(
            PioneerPost.objects.filter(member__organization__park__in=parks, started_on__lte=YEAR_END)
            .exclude(ended_on__lt=YEAR_END)
            .count()
        )
        + "个",
        "listening visits": f"“听民意、访民情”活动{activities.filter(kind='listening_visit').count()}次",
        "enterprises surveyed": "对园区"
        + str(
            in_2023(EnterpriseSurvey.objects.filter(enterprise__park__in=parks), "surveyed_on")
            .values("enterprise")
            .distinct()
            .count()
        )
        + "家企业逐户摸排",
        "own and joint": "单独组建14家、联合组建10家",  # tests/test_demo.py counts these from the history
        "safety person-times": f"安全生产检查{safety.count()}次、{safety.aggregate(n=Sum('actual_attendance'))['n']}"
        + "人次",
        "environment": f"指导企业做好环保工作{activities.filter(partner_department='environment').count()}次",
        "roads": f"道路破损、路灯管网等基础设施问题{closed.filter(category='infrastructure').count()}件",
        "canteens": f"对企业食堂开展食品安全检查{activities.filter(partner_department='market').count()}次",
        "online platform by name": f"“{online.name.removesuffix('线上服务平台')}”线上服务平台",
        "instructors": f"党建指导员{in_office.count()}名",
        "water requests": f"用水{requests.filter(category='water').count()}项",
        "hazard requests": f"安全隐患整治{requests.filter(category='hazard').count()}项",
        "noise requests": f"噪声扰民纠纷调解{requests.filter(category='noise_dispute').count()}项",
        "labour requests": f"劳资纠纷调解{requests.filter(category='labour_dispute').count()}项",
        "requests received": f"共受理企业诉求{requests.count()}项",
        "requests closed": f"办结{closed.count()}项",
        "staffing: the leader": f"{staffing.leader_position}，{staffing.leader_note}",
        "staffing: the officer": f"干事{staffing.party_officers}名",
        "staffing: about the officer": staffing.officers_note,
        "notice by example": (
            f"{late.notice.issued_on.month}月{late.notice.issued_on.day}日下发的《{late.notice.title}》"
            f"要求{late.notice.deadline.month}月{late.notice.deadline.day}日前签收，"
            f"园区直到{received.month}月{received.day}日才签收"
        ),
        "admissions in three years": "分别发展党员{}名、{}名、{}名".format(*admitted.values()),
        "quota missed": "连续2年未完成发展党员指导性计划",
        "dossiers submitted": "报送发展对象档案"
        + str(in_2023(Applicant.objects.filter(organization__park__in=parks), "dossier_submitted_on").count())
        + "份",
        "activists": "入党积极分子"
        + str(Applicant.objects.filter(organization__park__in=parks).at_stage("activist", YEAR_END).count())
        + "名",
    }


SEED_000_KEYS = (
    "organizations",
    "committees",
    "branches",
    "service centres",
    "members",
    "special lectures",
    "outstanding members",
    "advanced organizations",
    "pioneer posts",
    "listening visits",
    "enterprises surveyed",
    "own and joint",
    "safety person-times",
    "environment",
    "roads",
    "canteens",
    "online platform by name",
    "instructors",
    "water requests",
    "hazard requests",
    "noise requests",
    "labour requests",
    "requests received",
    "requests closed",
    "staffing: the leader",
    "staffing: the officer",
    "staffing: about the officer",
    "notice by example",
    "admissions in three years",
    "quota missed",
    "dossiers submitted",
    "activists",
)


@pytest.mark.parametrize("key", SEED_000_KEYS)
def test_every_xx_of_seed_000_has_its_figure_in_the_demo_situation_report(demo_docs, demo_parks, key):
    phrase = seed_000_phrases(demo_parks)[key]
    assert phrase in body_of(demo_docs[("situation", YEAR)]), phrase


def test_the_demo_situation_report_is_at_the_seeds_scale_with_every_section(demo_docs):
    paragraphs = demo_docs[("situation", YEAR)]
    text = "".join(paragraphs)
    assert len(text) >= 2400  # seed 000 runs to about 2 400 characters
    for heading in ("一、工作现状", "二、存在的问题", "三、工作建议"):
        assert heading in paragraphs
    assert sum(1 for p in paragraphs if re.match(r"^（[一二三四]）", p) and len(p) < 30) == 4  # 工作现状's four parts


def test_the_demo_duty_report_tells_the_parks_background_and_the_2_plus_4_split(demo_docs, demo_parks):
    text = body_of(demo_docs[("duty", YEAR)])
    zone = Park.objects.get(code="DEMO")
    core = Park.objects.get(parent=zone, is_core=True)
    integrated = Park.objects.filter(parent=zone, integrated_on__isnull=False)
    assert f"按照{zone.integration_principle}的工作思路" in text
    assert (
        f"将{'、'.join(p.name for p in integrated.order_by('sort_order'))}{integrated.count()}个园区整合纳入{zone.name}"
        in text
    )
    assert f"以{core.name}为核心" in text and f"{zone.development_pattern}的“一区五园”" in text
    assert "理顺管理机制" in text
    forming = PartyOrganization.objects.forming_as_of(YEAR_END).filter(park__in=demo_parks)
    own = Enterprise.objects.filter(organization__in=forming.filter(formation_mode="own")).order_by("name")
    assert own.count() == 2
    assert f"推进条件相对成熟的{'、'.join(e.name for e in own)}单独成立党组织" in text
    joint_org = forming.get(formation_mode="joint")
    joint = Enterprise.objects.filter(organization=joint_org).order_by("name")
    assert joint.count() == 4
    assert f"推进{joint_org.park.name}{joint.first().name}等4家企业成立联合党支部" in text


def test_the_duty_report_compares_with_last_year(demo_docs, demo_parks):
    now = Member.objects.as_of(YEAR_END).filter(organization__park__in=demo_parks).count()
    before = Member.objects.as_of(D(2022, 12, 31)).filter(organization__park__in=demo_parks).count()
    growth = percent((now - before) / before)
    text = body_of(demo_docs[("situation", YEAR)])
    assert f"共有党员{now}名（" in text and f"比上年增加{now - before}名、增长{growth}" in text
    assert "党的组织覆盖率58%" in text and not re.search(r"\d\.0%", text)


def test_three_meetings_are_said_as_counts_not_a_list_of_every_organization(demo_docs, demo_parks):
    paragraph = next(p for p in demo_docs[("situation", YEAR)] if "组织生活不够规范" in p)
    names_cited = [o.name for o in PartyOrganization.objects.filter(park__in=demo_parks) if o.name in paragraph]
    assert len(names_cited) <= 1  # one example at most, not every organization
    assert "24个党组织" in paragraph and "落实率64.7%" in paragraph
    text = body_of(demo_docs[("situation", YEAR)])
    assert text.count("落实率64.7%") == 1  # a problem, not also an achievement


def test_quota_and_late_receipts_are_worded_with_their_own_units(demo_docs):
    text = body_of(demo_docs[("situation", YEAR)])
    assert "2023年计划发展6名、实际发展4名，少2名" in text
    assert "未完成指导性计划6名" not in text
    assert re.search(r"8份通知中，有\d+份未能在期限内全部签收，逾期签收或未签收的共19个次", text)


def test_each_problem_is_a_paragraph_of_its_own_with_its_cause(demo_docs, demo_parks):
    problems = find_problems(load_report(Park.objects.get(code="DEMO"), YEAR, "situation").figures)
    paragraphs = demo_docs[("situation", YEAR)]
    start, end = paragraphs.index("二、存在的问题"), paragraphs.index("三、工作建议")
    numbered = [p for p in paragraphs[start:end] if NUMBERED.match(p)]
    assert len(numbered) == len(problems) >= 5
    for paragraph, problem in zip(numbered, problems, strict=True):
        assert paragraph.endswith(problem.cause) and problem.title in paragraph
        assert len(paragraph) < 400
    suggestions = [p for p in paragraphs[end:] if NUMBERED.match(p)]
    assert len(suggestions) < len(problems)  # measures gathered by theme, not mirrored one to one
    assert all(problem.measure in "".join(suggestions) for problem in problems)


def test_the_reports_cite_examples_from_the_records(demo_docs, demo_parks):
    text = body_of(demo_docs[("situation", YEAR)])
    commended = Commendation.objects.filter(year=YEAR, kind="outstanding_member", organization__park__in=demo_parks)
    assert any(f"党员{c.member.name}" in text for c in commended)
    assert "组织生活开展得最为规范" in text
    closed = in_2023(ServiceRequest.objects.filter(park__in=demo_parks, status="closed"), "received_on")
    biggest = max(closed, key=lambda r: ((r.quantity or 0) + (r.people_served or 0), -r.received_on.toordinal()))
    assert f"{biggest.enterprise.name}反映的“{biggest.title}”" in text


@pytest.mark.parametrize("kind", outline.KINDS)
@pytest.mark.parametrize("year", (2023, 2024, 2025))
def test_demo_reports_repeat_no_sentence_and_number_consistently(demo_docs, kind, year):
    paragraphs = demo_docs[(kind, year)]
    said = sentences(paragraphs)
    repeated = {s for s in said if said.count(s) > 1}
    assert not repeated
    assert not numbering_errors(paragraphs)
    text = body_of(paragraphs)
    assert not ZERO.search(text), ZERO.search(text)
    assert "—" not in text and "None" not in text and not re.search(r"\d\.0%", text)


# A new park from its first survey ------------------------------------------------------------


def credit_code(n: int) -> str:
    body = f"91360426MA3{n:06d}"
    return body + uscc.calc_check_digit(body)


#: name, status, members surveyed, instructor: 12 enterprises, 2 of them suspended, no organization.
NEW_PARK_ROWS = (
    ("恒达新材料有限公司", "已投产运营", 5, "周启明"),
    ("润泽食品有限公司", "已投产运营", 3, ""),
    ("嘉禾纺织有限公司", "已投产运营", 2, "周启明"),
    ("明远机械有限公司", "已投产运营", 1, ""),
    ("同创电子有限公司", "已投产运营", 0, ""),
    ("博通物流有限公司", "已投产运营", 0, ""),
    ("华信建材有限公司", "停产", 1, ""),
    ("丰源化工有限公司", "停产", 0, ""),
    ("天成光伏科技有限公司", "在建", 0, "周启明"),
    ("鑫盛家居有限公司", "在建", 0, ""),
    ("远航汽车零部件有限公司", "已投产运营", 4, ""),
    ("瑞康生物科技有限公司", "已投产运营", 0, ""),
)


@pytest.fixture
def new_park(db, tmp_path):
    """A park with no organization, as its first survey (dated 30 June 2023) left it."""
    park = f.ParkFactory(code="NEW", name="新港产业园")
    f.InstructorFactory(park=park, name="周启明", appointed_on=D(2023, 5, 1))
    rows = [
        [
            credit_code(i),
            name,
            park.name,
            status,
            "制造业",
            "2019-03-01",
            50 + i,
            members,
            "张三",
            "否",
            "",
            "未建",
            "",
            instructor,
            "2023-06-30",
            "",
        ]
        for i, (name, status, members, instructor) in enumerate(NEW_PARK_ROWS, start=1)
    ]
    path = write_xlsx(tmp_path / "survey.xlsx", ENTERPRISE_HEADERS, rows)
    call_command("import_enterprises", str(path), "--park", "NEW", stdout=StringIO())
    assert Enterprise.objects.filter(park=park).count() == 12
    assert not PartyOrganization.objects.filter(park=park).exists()
    return park


@pytest.mark.parametrize("kind", outline.KINDS)
def test_a_park_without_organizations_gets_sentences_of_its_own_in_every_year(new_park, tmp_path, kind):
    for year in (2022, 2023, timezone.localdate().year):
        paragraphs = write_report(tmp_path, "NEW", year, kind)
        text = body_of(paragraphs)
        assert not ZERO.search(text), (year, ZERO.search(text))
        assert "—" not in text and "None" not in text, year
        assert "还没有建立党组织" in text
        assert "停产2家" in text, year  # the suspended are part of the count
        said = sentences(paragraphs)
        assert not {s for s in said if said.count(s) > 1}, year
        assert not numbering_errors(paragraphs), year
    # Of the 12: 3 with three or more members (5, 3, 4), 3 with one or two, 3 with an instructor.
    assert "具备单独组建条件的企业3家" in text
    assert "已向3家企业选派党建指导员" in text or "已选派党建指导员的3家" in text


def test_a_park_without_organizations_or_a_survey_says_so(db, tmp_path):
    f.ParkFactory(code="EMPTY", name="未摸排园区")
    for kind in outline.KINDS:
        text = body_of(write_report(tmp_path, "EMPTY", YEAR, kind))
        assert "尚未开展企业摸排，也还没有建立党组织" in text
        assert not ZERO.search(text) and "—" not in text


def test_suspended_enterprises_are_left_out_only_when_there_are_none(db, tmp_path):
    park = f.ParkFactory(code="RUN", name="运营园区")
    org = f.PartyOrganizationFactory(park=park, founded_on=D(2015, 1, 1))
    f.EnterpriseFactory(organization=org, founded_on=D(2015, 1, 1))
    f.EnterpriseFactory(park=park, founded_on=D(2015, 1, 1), status="under_construction", surveyed_members=0)
    for kind in outline.KINDS:
        text = body_of(write_report(tmp_path, "RUN", YEAR, kind))
        assert "现有企业2家，其中已投产运营1家、在建1家" in text and "停产" not in text
    f.EnterpriseFactory(park=park, founded_on=D(2015, 1, 1), status="suspended", surveyed_members=0)
    for kind in outline.KINDS:
        assert "现有企业3家，其中已投产运营1家、在建1家、停产1家" in body_of(write_report(tmp_path, "RUN", YEAR, kind))


# The figures the prose needs --------------------------------------------------------------------


def test_prose_figures_of_a_small_park(db):
    from reports.figures import compute

    park = f.ParkFactory(code="FIG")
    org = f.PartyOrganizationFactory(park=park, primary_managing_body="township", founded_on=D(2015, 1, 1))
    f.PartyOrganizationFactory(park=park, parent=org, founded_on=D(2015, 1, 1))  # a branch under it: not counted
    instructor = f.InstructorFactory(park=park, appointed_on=D(2022, 1, 1))
    f.InstructorFactory(park=park, appointed_on=D(2024, 1, 1))  # not yet in office in 2023
    for quarter, score in ((1, "80.0"), (2, "90.0"), (3, "85.0")):
        f.InstructorEvaluationFactory(instructor=instructor, year=YEAR, quarter=quarter, score=score)
    f.EnterpriseFactory(park=park, founded_on=D(2015, 1, 1), surveyed_members=4, no_organization_reason="should_have")
    f.EnterpriseFactory(park=park, founded_on=D(2015, 1, 1), surveyed_members=2, instructor=instructor)
    f.EnterpriseFactory(organization=org, founded_on=D(2015, 1, 1), investor_is_member=True)
    notice = f.NoticeFactory(issued_on=D(2023, 3, 1), deadline=D(2023, 3, 10))
    f.NoticeReceiptFactory(notice=notice, park=park)  # never signed for
    f.NoticeReceiptFactory(notice=notice, organization=org)  # never signed for either
    fs = compute(park, YEAR, today=D(2026, 1, 5))
    values = {
        key: fs[key].value
        for key in (
            "enterprises_should_form",
            "enterprises_few_members",
            "members_outside_organizations",
            "enterprises_uncovered_unplanned",
            "investors_members",
            "instructors",
            "instructor_score_average",
            "orgs_managed_by_township",
            "orgs_managed_by_county",
            "notices_late",
            "receipts_late",
        )
    }
    assert values == {
        "enterprises_should_form": 1,
        "enterprises_few_members": 1,
        "members_outside_organizations": 6,
        "enterprises_uncovered_unplanned": 1,
        "investors_members": 1,
        "instructors": 1,
        "instructor_score_average": Decimal("85.0"),
        "orgs_managed_by_township": 1,
        "orgs_managed_by_county": 0,
        "notices_late": 1,
        "receipts_late": 2,
    }
    assert fs["instructors"].pks == {instructor.pk}


def test_prose_helpers_write_numbers_as_officers_do():
    assert [percent(v) for v in (0.58, 0.647, 1, 0.0005, None)] == ["58%", "64.7%", "100%", "0.1%", ""]
    assert [cn_number(n) for n in (1, 10, 12, 20, 35)] == ["一", "十", "十二", "二十", "三十五"]
    assert names(["甲", "乙", "丙", "丁"], unit="家") == "甲、乙、丙等4家"
    assert names(["甲", "乙"], unit="家") == "甲、乙"
    assert listed(["补齐编制。", "加强培训；"]) == "一是补齐编制；二是加强培训。"
    assert listed(["只有一条"]) == "只有一条。"


def test_sparse_records_never_print_a_zero(db, tmp_path):
    """Records entered in part: an organization without members, meetings without attendance, posts not filled."""
    park = f.ParkFactory(code="SPARSE", name="稀疏园区")
    org = f.PartyOrganizationFactory(park=park, founded_on=D(2015, 1, 1))
    f.EnterpriseFactory(organization=org, founded_on=D(2015, 1, 1))
    f.ActivityFactory(organization=org, kind="training", audience="secretaries", actual_attendance=None)
    f.ActivityFactory(organization=org, kind="training", audience="employees", actual_attendance=None)
    f.ServiceRequestFactory(
        enterprise=Enterprise.objects.get(park=park),
        category="talent_flat",
        status="closed",
        closed_on=D(2023, 5, 1),
        quantity=2,
        people_served=None,
    )
    f.ServiceRequestFactory(enterprise=Enterprise.objects.get(park=park), category="power", due_on=None)
    f.ParkStaffingFactory(park=park, year=YEAR, posts_authorised=3, posts_actual=0)
    for kind in outline.KINDS:
        paragraphs = write_report(tmp_path, "SPARSE", YEAR, kind)
        text = body_of(paragraphs)
        assert not ZERO.search(text), (kind, ZERO.search(text))
        assert "—" not in text and "None" not in text
        assert "核定编制3个、目前还没有在岗人员" in text
        assert not numbering_errors(paragraphs)


def test_integration_and_staffing_people_are_checked_where_they_are_entered(db):
    from django.core.exceptions import ValidationError

    zone = f.ParkFactory(code="ZI")
    zone.is_core, zone.integrated_on = True, D(2020, 1, 6)
    with pytest.raises(ValidationError) as refused:
        zone.full_clean()
    assert set(refused.value.message_dict) == {"is_core", "integrated_on"}
    sub = f.ParkFactory(code="ZI1", parent=f.ParkFactory(code="ZI0"), is_core=True, integrated_on=D(2020, 1, 6))
    sub.full_clean()
    staffing = f.ParkStaffingFactory.build(
        park=sub, year=YEAR, leader_since=D(2023, 3, 1), officers_since=D(2023, 2, 1)
    )
    with pytest.raises(ValidationError) as refused:
        staffing.full_clean()
    assert set(refused.value.message_dict) == {"leader_position", "party_officers"}


def test_a_sub_parks_duty_report_places_it_in_its_zone(demo_parks, tmp_path):
    park = Park.objects.get(code="DEMO-HK")
    text = body_of(write_report(tmp_path, park.code, YEAR, "duty"))
    assert text.startswith(
        f"{YEAR}年河口园区抓基层党建工作述职报告\n河口园区{park.integrated_on.year}年整合纳入示范县工业园区"
    )
    assert "还没有建成线下党群服务中心" not in text  # it uses its zone's centre
    awards = Commendation.objects.filter(year=YEAR, kind="excellent_secretary", organization__park=park)
    (award,) = awards  # one excellent secretary: one amount, not a range
    assert f"发放绩效奖励{award.bonus.normalize():f}元，" in text and "不等" not in text
