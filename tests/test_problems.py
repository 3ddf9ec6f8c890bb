"""The problems drafted from the data: each rule firing and not firing, on small hand-built data.

Every data set is built so the answer is known; the sentence must carry the
right numbers (and names). The figures are computed for 2023 as of its last
day, as in the annual reports.
"""

import datetime
from decimal import Decimal

import pytest

from organizations.models import ActivityKind, RequestStatus, ServiceRequest
from organizations.rules import MONTHLY_MEETINGS, QUARTERLY_MEETINGS
from reports import problems as rules
from reports.figures import compute

from . import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 22)
YEAR = 2023
LONG_AGO = D(2015, 7, 1)
SH = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def zone():
    return f.ParkFactory(code="Z", name="测试工业园区")


@pytest.fixture
def sub(zone):
    return f.ParkFactory(code="Z1", name="测试工业园区东园", parent=zone)


def figures(park, year=YEAR):
    return compute(park, year, today=TODAY)


def branch(park, name=None, founded_on=LONG_AGO, **fields):
    if name is not None:
        fields["name"] = name
    return f.PartyOrganizationFactory(park=park, founded_on=founded_on, **fields)


def admitted(organization, day):
    """Someone admitted as a probationary member on ``day`` (every earlier stage dated)."""
    return f.ApplicantFactory(
        organization=organization,
        applied_on=add_days(day, -900),
        activist_on=add_days(day, -800),
        candidate_on=add_days(day, -200),
        dossier_submitted_on=add_days(day, -60),
        admitted_on=day,
    )


def add_days(day, n):
    return day + datetime.timedelta(days=n)


# Quota missed ----------------------------------------------------------------------


def test_quota_missed_in_the_year_names_admitted_and_quota(zone, sub):
    org = branch(sub)
    f.DevelopmentQuotaFactory(park=zone, year=YEAR, quota=2)
    f.DevelopmentQuotaFactory(park=sub, year=YEAR, quota=1)  # the scope's quota is the parks' sum
    admitted(org, D(2023, 6, 1))
    admitted(org, D(2022, 6, 1))  # another year's admission does not count for 2023
    f.DevelopmentQuotaFactory(park=zone, year=2022, quota=1)  # 2022 met: no run of years

    problem = rules.quota_missed(figures(zone))
    assert problem is not None and problem.key == "quota_missed"
    # The shortfall is the plan less the admitted (3 − 1), not the plan; 2022 had a plan, so it is listed.
    assert problem.text == (
        "党员队伍建设不够有力。2022年至2023年，园区分别发展党员1名、1名，2023年未完成发展党员指导性计划，"
        "2023年计划发展3名、实际发展1名，少2名。2023年向县委组织部报送发展对象档案1份。"
    )
    assert "连续" not in problem.text
    assert "members_admitted" in problem.figures


def test_quota_missed_in_consecutive_years_names_the_run(zone):
    org = branch(zone)
    for year, quota in ((2020, 2), (2021, 1), (2022, 2), (2023, 3)):
        f.DevelopmentQuotaFactory(park=zone, year=year, quota=quota)
    admitted(org, D(2020, 5, 1))  # 2020: 1 of 2, missed but the run is broken by 2021
    admitted(org, D(2021, 5, 1))  # 2021: 1 of 1, met
    admitted(org, D(2022, 5, 1))  # 2022: 1 of 2, missed
    admitted(org, D(2023, 5, 1))
    admitted(org, D(2023, 8, 1))  # 2023: 2 of 3, missed

    fs = figures(zone)
    assert fs.value("quota_missed_years") == 2
    problem = rules.quota_missed(fs)
    assert problem.text == (
        "党员队伍建设不够有力。2021年至2023年，园区分别发展党员1名、1名、2名，"
        "其中2022年、2023年连续2年未完成发展党员指导性计划，2023年计划发展3名、实际发展2名，少1名。"
        "2023年向县委组织部报送发展对象档案2份。"
    )
    assert "—" not in problem.paragraph and problem.cause


def test_quota_met_or_absent_is_no_problem(zone):
    org = branch(zone)
    assert rules.quota_missed(figures(zone)) is None  # no quota at all
    f.DevelopmentQuotaFactory(park=zone, year=YEAR, quota=2)
    admitted(org, D(2023, 3, 1))
    admitted(org, D(2023, 9, 1))
    assert rules.quota_missed(figures(zone)) is None  # 2 of 2
    admitted(org, D(2024, 1, 10))  # the next year: not counted for 2023, and 2023 stays met
    assert rules.quota_missed(figures(zone)) is None


# Candidate dossiers ----------------------------------------------------------------


def test_no_dossier_this_year_names_the_activists(zone):
    org = branch(zone)
    for _ in range(2):
        f.ApplicantFactory(organization=org, applied_on=D(2022, 3, 1), activist_on=D(2022, 9, 1))
    f.ApplicantFactory(organization=org, applied_on=D(2023, 3, 1))  # only an applicant
    # A dossier sent the year before does not count for 2023.
    f.ApplicantFactory(organization=org, candidate=True, dossier_submitted_on=D(2022, 10, 1))

    problem = rules.no_dossier(figures(zone))
    assert problem is not None and problem.key == "no_dossier"
    assert problem.text == (
        "发展党员工作推进缓慢。2023年以来未向县委组织部报送发展对象档案材料。目前有入党积极分子2名、发展对象1名。"
    )


def test_no_dossier_is_said_with_the_quota_missed_rather_than_twice(zone):
    org = branch(zone)
    f.ApplicantFactory(organization=org, applied_on=D(2022, 3, 1), activist_on=D(2022, 9, 1))
    f.DevelopmentQuotaFactory(park=zone, year=YEAR, quota=2)
    fs = figures(zone)
    assert rules.no_dossier(fs) is None
    problem = rules.quota_missed(fs)
    assert problem.text == (
        "党员队伍建设不够有力。2023年未完成发展党员指导性计划，全年未发展党员。"
        "特别是2023年以来未向县委组织部报送发展对象档案材料。目前有入党积极分子1名。"
    )


def test_dossier_submitted_this_year_is_no_problem(zone):
    org = branch(zone)
    f.ApplicantFactory(organization=org, applied_on=D(2022, 3, 1), activist_on=D(2022, 9, 1))
    f.ApplicantFactory(organization=org, candidate=True, dossier_submitted_on=D(2023, 10, 1))
    assert rules.no_dossier(figures(zone)) is None
    assert rules.no_dossier(figures(zone, 2024)) is not None  # nothing sent in 2024


def test_no_dossier_is_no_problem_with_nobody_in_the_pipeline_and_no_quota(zone):
    branch(zone)
    assert rules.no_dossier(figures(zone)) is None


# Notices received late -------------------------------------------------------------


def _receipt(notice, organization, received):
    return f.NoticeReceiptFactory(
        notice=notice,
        organization=organization,
        received_at=None if received is None else datetime.datetime.combine(received, datetime.time(10), SH),
    )


def test_notices_late_counts_late_and_missing_receipts(zone):
    orgs = [branch(zone) for _ in range(3)]
    first = f.NoticeFactory(issued_on=D(2023, 3, 1), deadline=D(2023, 3, 10))
    second = f.NoticeFactory(issued_on=D(2023, 6, 1), deadline=D(2023, 6, 10))
    _receipt(first, orgs[0], D(2023, 3, 10))  # on the deadline: in time
    _receipt(first, orgs[1], D(2023, 3, 11))  # a day late
    _receipt(first, orgs[2], None)  # never received
    _receipt(second, orgs[0], D(2023, 6, 2))
    earlier = f.NoticeFactory(issued_on=D(2022, 12, 1), deadline=D(2022, 12, 5))
    _receipt(earlier, orgs[0], None)  # a notice of 2022 is not one of 2023's

    problem = rules.notices_late(figures(zone))
    assert problem is not None and problem.key == "notices_late"
    # Notices and receipts are counted in their own units; the example is the late receipt, then the missing one.
    assert problem.text == (
        "上级部署传达不够及时。2023年下发的2份通知中，有1份未能在期限内全部签收，逾期签收或未签收的共2个次。"
        f"如县委组织部3月1日下发的《{first.title}》要求3月10日前签收，{orgs[1].name}直到3月11日才签收，"
        f"{orgs[2].name}至年底仍未签收。"
    )


def test_a_notice_the_park_itself_signed_late_is_the_example(zone):
    org = branch(zone, "甲公司党支部")
    notice = f.NoticeFactory(title="关于开展主题党日活动的通知", issued_on=D(2023, 5, 29), deadline=D(2023, 6, 2))
    f.NoticeReceiptFactory(notice=notice, park=zone, received_at=datetime.datetime(2023, 6, 14, 9, 0, tzinfo=SH))
    _receipt(notice, org, D(2023, 6, 15))
    problem = rules.notices_late(figures(zone))
    assert "如县委组织部5月29日下发的《关于开展主题党日活动的通知》要求6月2日前签收，园区直到6月14日才签收转发。" in (
        problem.text
    )
    assert "有1份未能在期限内全部签收，逾期签收或未签收的共2个次" in problem.text


def test_notices_received_in_time_are_no_problem(zone):
    org = branch(zone)
    notice = f.NoticeFactory(issued_on=D(2023, 3, 1), deadline=D(2023, 3, 10))
    _receipt(notice, org, D(2023, 3, 5))
    no_deadline = f.NoticeFactory(issued_on=D(2023, 4, 1), deadline=None)
    _receipt(no_deadline, org, None)
    assert rules.notices_late(figures(zone)) is None


# 三会一课 -------------------------------------------------------------------------


def hold_every_required_meeting(organization, year=YEAR):
    """Every monthly and quarterly meeting of 三会一课 for ``year``."""
    for month in range(1, 13):
        for kind in MONTHLY_MEETINGS:
            f.ActivityFactory(organization=organization, kind=kind, held_on=D(year, month, 10))
    for quarter in range(4):
        for kind in QUARTERLY_MEETINGS:
            f.ActivityFactory(organization=organization, kind=kind, held_on=D(year, 3 * quarter + 2, 15))


def test_three_meetings_names_the_organizations_below(zone):
    good = branch(zone, "甲公司党支部")
    hold_every_required_meeting(good)
    poor = branch(zone, "乙公司党支部")
    f.ActivityFactory(organization=poor, kind=ActivityKind.BRANCH_GENERAL_MEETING, held_on=D(2023, 2, 1))

    fs = figures(zone)
    problem = rules.three_meetings(fs)
    assert problem is not None and problem.key == "three_meetings"
    # 64 slots in all (32 each), 32 + 1 met: 51.6 %. One organization complied, the other missed 31.
    assert fs["three_meetings_compliance"].display == "51.6%"
    assert problem.text == (
        "组织生活不够规范。2个党组织中，全年按规定足额召开“三会一课”的有1个，其余1个均有缺课，"
        "全年应召开64次、实际召开33次，落实率51.6%。缺得最多的是支委会，共12次。"
    )


def test_three_meetings_lists_at_most_three_names_and_the_count(zone):
    for name in ("甲党支部", "乙党支部", "丙党支部", "丁党支部"):
        branch(zone, name)
    problem = rules.three_meetings(figures(zone))
    # Nobody met: no list of names, no "0次" and no "0%", but the count said in words.
    assert problem.text == "组织生活不够规范。4个党组织全年没有召开“三会一课”，按规定应召开128次。"


def test_three_meetings_groups_the_organizations_by_how_much_they_missed(zone):
    good = branch(zone, "甲党支部")
    hold_every_required_meeting(good)
    nearly = branch(zone, "乙党支部")
    hold_every_required_meeting(nearly)
    nearly.activities.filter(kind=ActivityKind.GROUP_MEETING, held_on__month__in=(1, 2)).delete()
    poor = branch(zone, "丙党支部")
    f.ActivityFactory(organization=poor, kind=ActivityKind.PARTY_LECTURE, held_on=D(2023, 5, 1))
    problem = rules.three_meetings(figures(zone))
    assert problem.text == (
        "组织生活不够规范。3个党组织中，全年按规定足额召开“三会一课”的有1个，其余2个均有缺课，"
        "其中缺1至3次的1个、缺10次及以上的1个；全年应召开96次、实际召开63次，落实率65.6%。"
        "缺得最多的是党小组会，共14次；丙党支部全年应召开32次，只召开了1次。"
    )


def test_organizations_holding_every_meeting_are_no_problem(zone):
    hold_every_required_meeting(branch(zone))
    # Founded in December: no month or quarter of 2023 requires anything of it.
    branch(zone, founded_on=D(2023, 12, 5))
    assert figures(zone)["three_meetings_compliance"].display == "100.0%"
    assert rules.three_meetings(figures(zone)) is None


# Dues ------------------------------------------------------------------------------


def test_dues_arrears_counts_members_and_the_rate(zone):
    org = branch(zone)
    payer, debtor, partial = (f.MemberFactory(organization=org) for _ in range(3))
    for month in (1, 2):
        f.DuesPaymentFactory(member=payer, month=D(2023, month, 1))
        f.DuesPaymentFactory(member=debtor, month=D(2023, month, 1), amount_paid=Decimal(0), paid_on=None)
    f.DuesPaymentFactory(member=partial, month=D(2023, 1, 1), amount_paid=Decimal("5.00"))
    f.DuesPaymentFactory(member=partial, month=D(2023, 2, 1))
    # An arrear of 2022 is not 2023's.
    f.DuesPaymentFactory(member=payer, month=D(2022, 12, 1), amount_paid=Decimal(0), paid_on=None)

    problem = rules.dues_arrears(figures(zone))
    assert problem is not None and problem.key == "dues_arrears"
    # Due 60, paid 20 + 0 + 15 = 35: 58.3 %.
    assert problem.text == "党费收缴不够及时。全年有2名党员存在欠缴党费情况，党费收缴率为58.3%。"


def test_dues_paid_in_full_are_no_problem(zone):
    member = f.MemberFactory(organization=branch(zone))
    f.DuesPaymentFactory(member=member, month=D(2023, 1, 1))
    f.DuesPaymentFactory(member=member, month=D(2023, 2, 1), amount_paid=Decimal("12.00"))  # overpaid
    assert rules.dues_arrears(figures(zone)) is None


# Staffing --------------------------------------------------------------------------


def test_unfilled_posts_give_authorised_actual_and_vacant(zone, sub):
    f.ParkStaffingFactory(park=zone, year=YEAR, posts_authorised=7, posts_actual=4)
    f.ParkStaffingFactory(park=sub, year=YEAR, posts_authorised=3, posts_actual=2)
    problem = rules.posts_unfilled(figures(zone))
    assert problem is not None and problem.key == "posts_unfilled"
    assert problem.text == "党务工作力量配备不够到位。园区核定编制10个、实有6人，尚有4个岗位空缺。"
    assert problem.cause.startswith("人手不足，")
    assert rules.posts_unfilled(figures(sub)).text == (
        "党务工作力量配备不够到位。园区核定编制3个、实有2人，尚有1个岗位空缺。"
    )


def test_unfilled_posts_name_who_does_the_work_as_recorded(zone):
    f.ParkStaffingFactory(
        park=zone,
        year=YEAR,
        posts_authorised=8,
        posts_actual=5,
        leader_position="管委会副主任",
        leader_since=D(2023, 3, 6),
        leader_note="由县直单位调入，对非公党建业务还不熟悉。",
        party_officers=1,
        officers_since=D(2023, 2, 13),
        officers_note="为新录用的公务员",
    )
    problem = rules.posts_unfilled(figures(zone))
    assert problem.text == (
        "党务工作力量配备不够到位。园区核定编制8个、实有5人，尚有3个岗位空缺。目前，党建工作分管领导为"
        "2023年3月到任的管委会副主任，由县直单位调入，对非公党建业务还不熟悉；从事具体党务工作的干事1名，"
        "2023年2月到岗，为新录用的公务员。"
    )
    assert problem.cause.startswith("人手不足、业务不熟，")


@pytest.mark.parametrize("staffing", [None, (6, 6), (5, 6)], ids=["no-record", "filled", "overstaffed"])
def test_filled_or_unknown_posts_are_no_problem(zone, staffing):
    f.ParkStaffingFactory(park=zone, year=2022, posts_authorised=10, posts_actual=1)  # another year
    if staffing:
        f.ParkStaffingFactory(park=zone, year=YEAR, posts_authorised=staffing[0], posts_actual=staffing[1])
    assert rules.posts_unfilled(figures(zone)) is None


# Idle organizations ----------------------------------------------------------------


def test_idle_names_organizations_without_activity_in_90_days(zone):
    # As of 31 December 2023 the 90 days are 3 October – 31 December.
    active = branch(zone, "活跃党支部")
    f.ActivityFactory(organization=active, kind=ActivityKind.THEME_DAY, held_on=D(2023, 10, 3))
    idle = branch(zone, "沉寂党支部")
    f.ActivityFactory(organization=idle, kind=ActivityKind.THEME_DAY, held_on=D(2023, 10, 2))
    branch(zone, "新建党支部", founded_on=D(2023, 11, 1))  # too young to be idle
    branch(zone, "撤销党支部", dissolved_on=D(2023, 6, 1), status="dissolved")  # no longer exists

    problem = rules.idle(figures(zone))
    assert problem is not None and problem.key == "idle_organizations"
    assert problem.text == "个别党组织活动不经常。沉寂党支部自10月2日以后未开展组织活动，至年底已超过90天。"
    assert problem.cause.startswith("该党组织")


def test_organizations_active_within_90_days_are_no_problem(zone):
    for day in (D(2023, 12, 31), D(2023, 11, 1)):
        f.ActivityFactory(organization=branch(zone), kind=ActivityKind.PARTY_LECTURE, held_on=day)
    assert rules.idle(figures(zone)) is None


def test_idle_counts_several_organizations(zone):
    for name in ("甲党支部", "乙党支部"):
        branch(zone, name)
    problem = rules.idle(figures(zone))
    assert problem.text == "部分党组织活动不经常。乙党支部、甲党支部近90天未开展组织活动。"  # ordered by name
    assert problem.cause.startswith("这些党组织")


# Overdue requests ------------------------------------------------------------------


def test_overdue_requests_are_counted(zone):
    enterprise = f.EnterpriseFactory(park=zone, founded_on=LONG_AGO)
    request = f.ServiceRequestFactory.create
    request(enterprise=enterprise, received_on=D(2023, 4, 1), due_on=D(2023, 4, 30))  # open, overdue
    request(enterprise=enterprise, received_on=D(2022, 11, 1), due_on=D(2022, 12, 1))  # last year's, still open
    request(
        enterprise=enterprise,
        received_on=D(2023, 5, 1),
        due_on=D(2023, 5, 30),
        status=RequestStatus.IN_PROGRESS,
    )  # in progress, overdue
    request(  # closed late, but closed: not overdue
        enterprise=enterprise,
        received_on=D(2023, 6, 1),
        due_on=D(2023, 6, 10),
        status=RequestStatus.CLOSED,
        closed_on=D(2023, 7, 1),
    )
    request(
        enterprise=enterprise,
        received_on=D(2023, 6, 1),
        due_on=D(2023, 6, 10),
        status=RequestStatus.REJECTED,
        closed_on=D(2023, 6, 5),
    )
    request(enterprise=enterprise, received_on=D(2023, 12, 20), due_on=D(2024, 1, 20))  # not due yet
    request(enterprise=enterprise, received_on=D(2023, 12, 1), due_on=None)  # no deadline

    problem = rules.requests_overdue(figures(zone))
    assert problem is not None and problem.key == "requests_overdue"
    # The example is the one overdue longest (last year's).
    oldest = ServiceRequest.objects.get(received_on=D(2022, 11, 1))
    assert problem.text == (
        "企业诉求办理不够及时。截至2023年12月31日，仍有3项企业诉求超过办理期限未办结，"
        f"如{enterprise.name}反映的“{oldest.title}”，11月1日受理，要求12月1日前办结。"
    )


def test_requests_closed_in_time_are_no_problem(zone):
    enterprise = f.EnterpriseFactory(park=zone, founded_on=LONG_AGO)
    f.ServiceRequestFactory(
        enterprise=enterprise,
        received_on=D(2023, 4, 1),
        due_on=D(2023, 4, 30),
        status=RequestStatus.CLOSED,
        closed_on=D(2023, 4, 20),
    )
    # Open on 31 December 2023 and due that day: not overdue yet.
    f.ServiceRequestFactory(enterprise=enterprise, received_on=D(2023, 12, 1), due_on=D(2023, 12, 31))
    assert rules.requests_overdue(figures(zone)) is None


# Uncovered enterprises -------------------------------------------------------------


def test_uncovered_enterprises_are_counted(zone, sub):
    org = branch(zone)
    instructor = f.InstructorFactory(park=zone)
    f.EnterpriseFactory(organization=org, founded_on=LONG_AGO)  # organization coverage
    f.EnterpriseFactory(park=zone, instructor=instructor, founded_on=LONG_AGO)  # work coverage
    for park in (zone, sub, sub):
        f.EnterpriseFactory(park=park, founded_on=LONG_AGO, no_organization_reason="no_members")
    f.EnterpriseFactory(park=zone, founded_on=D(2024, 3, 1))  # founded after 2023

    problem = rules.uncovered(figures(zone))
    assert problem is not None and problem.key == "uncovered"
    # The three were surveyed with no members; the one with only an instructor has three (the factory's).
    assert problem.text == (
        "“两个覆盖”还有空白。3家企业既没有建立党组织，也没有选派党建指导员；"
        "党员已达到3名以上、具备单独组建条件的企业1家，党组织尚未建立。"
    )
    # The sub-park has no organization of its own: said so, in words.
    assert rules.uncovered(figures(sub)).text == (
        "党的组织覆盖尚未破题。园区2家企业都还没有建立党组织，也都还没有选派党建指导员。"
    )


def test_uncovered_leaves_out_enterprises_whose_organization_is_being_formed(zone):
    forming = branch(zone, "筹建党支部", founded_on=None, status="forming", forming_since=D(2023, 5, 1))
    f.EnterpriseFactory(organization=forming, founded_on=LONG_AGO, surveyed_members=1)
    f.EnterpriseFactory(organization=branch(zone), founded_on=LONG_AGO)
    f.EnterpriseFactory(park=zone, founded_on=LONG_AGO, surveyed_members=2, no_organization_reason="few_members")
    problem = rules.uncovered(figures(zone))
    assert problem.text == (
        "“两个覆盖”还有空白。1家企业既没有建立党组织，也没有选派党建指导员（不含正在组建党组织的1家）。"
    )


def test_a_park_without_organizations_says_so_in_words(zone):
    instructor = f.InstructorFactory(park=zone)
    f.EnterpriseFactory(park=zone, founded_on=LONG_AGO, instructor=instructor, surveyed_members=4)
    f.EnterpriseFactory(park=zone, founded_on=LONG_AGO, surveyed_members=0)
    problem = rules.uncovered(figures(zone))
    assert problem.title == "党的组织覆盖尚未破题"
    assert problem.text == (
        "党的组织覆盖尚未破题。园区2家企业都还没有建立党组织，已选派党建指导员的1家，其余1家尚未选派党建指导员；"
        "党员已达到3名以上、具备单独组建条件的企业1家，党组织尚未建立。"
    )


def test_covered_enterprises_are_no_problem(zone):
    f.EnterpriseFactory(organization=branch(zone), founded_on=LONG_AGO)
    instructor = f.InstructorFactory(park=zone)
    f.EnterpriseFactory(park=zone, instructor=instructor, founded_on=LONG_AGO, surveyed_members=2)
    assert rules.uncovered(figures(zone)) is None
    # Three members and only an instructor: it should have its own organization.
    f.EnterpriseFactory(park=zone, instructor=instructor, founded_on=LONG_AGO, surveyed_members=3)
    problem = rules.uncovered(figures(zone))
    assert problem.text == "“两个覆盖”还有空白。党员已达到3名以上、具备单独组建条件的企业1家，党组织尚未建立。"


# Demonstration points --------------------------------------------------------------


def test_no_demonstration_point_is_a_problem_once_there_are_organizations(zone):
    assert rules.no_highlights(figures(zone)) is None  # nothing to show yet
    org = branch(zone, "甲党支部")
    f.CommendationFactory(organization=org, year=YEAR)
    problem = rules.no_highlights(figures(zone))
    assert problem.text == (
        "党建工作特色亮点偏少。园区1个党组织中还没有一个被命名为党建示范点，"
        "2023年虽有1个党组织获评先进基层党组织，但好的做法还没有总结提炼成经验。"
    )
    org.is_demonstration_point, org.demonstration_level = True, "county"
    org.save()
    assert rules.no_highlights(figures(zone)) is None


# All the rules together ------------------------------------------------------------


def test_find_problems_keeps_the_rules_order_and_skips_those_not_firing(zone):
    org = branch(zone, "甲公司党支部")
    hold_every_required_meeting(org)
    f.ApplicantFactory(organization=org, candidate=True, dossier_submitted_on=D(2023, 10, 1))
    f.ParkStaffingFactory(park=zone, year=YEAR, posts_authorised=5, posts_actual=3)
    f.EnterpriseFactory(park=zone, founded_on=LONG_AGO)
    f.DevelopmentQuotaFactory(park=zone, year=YEAR, quota=1)

    found = rules.find_problems(figures(zone))
    assert [p.key for p in found] == ["posts_unfilled", "quota_missed", "uncovered", "no_highlights"]
    assert all(p.text.endswith("。") and p.cause.endswith("。") and p.measure for p in found)
    assert all(p.paragraph == p.text + p.cause for p in found)
