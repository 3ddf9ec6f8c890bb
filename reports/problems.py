"""Problems drafted from the data: each rule reads figures and, when it fires, writes one sentence.

The sentences are report prose (a Chinese official document), so they are
written in Chinese here rather than through the UI catalogue. Every number
in them comes from the figures engine, and each problem names the figures it
rests on so the editor can link to their records.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.figures.compliance import compliance
from reports.figures.definitions import idle_organizations, missed_years


@dataclass(frozen=True)
class Problem:
    key: str
    text: str
    figures: tuple[str, ...]
    advice: str


def _organizations(orgs, limit: int = 3) -> str:
    """ "甲党支部", "甲、乙2个党组织" or "甲、乙、丙等5个党组织"."""
    names = [str(o.name) for o in orgs]
    if len(names) == 1:
        return names[0]
    shown = "、".join(names[:limit])
    return f"{shown}{'等' if len(names) > limit else ''}{len(names)}个党组织"


def quota_missed(fs):
    years = missed_years(fs)
    if not years:
        return None
    admitted, quota = fs.value("members_admitted"), fs.value("development_quota")
    text = f"发展党员工作滞后，{fs.year}年发展党员{admitted}名，未完成指导性计划{quota}名"
    if len(years) > 1:
        text += f"，已连续{len(years)}年（{min(years)}—{max(years)}年）未完成计划"
    return Problem(
        "quota_missed",
        text + "。",
        ("members_admitted", "development_quota", "quota_missed_years"),
        "加强入党积极分子培养，按计划做好发展党员工作，注重在生产一线和青年职工中发展党员。",
    )


def no_dossier(fs):
    if fs.value("dossiers_submitted"):
        return None
    if not (fs.value("development_quota") or fs.value("activists") or fs.value("candidates")):
        return None  # nobody in the pipeline and no plan: nothing to send
    return Problem(
        "no_dossier",
        f"{fs.year}年以来未向县委组织部报送发展对象档案材料，现有入党积极分子{fs.value('activists')}名。",
        ("dossiers_submitted", "activists"),
        "及时审核发展对象材料，按程序向县委组织部报送档案。",
    )


def notices_late(fs):
    late = fs.value("receipts_late")
    if not late:
        return None
    return Problem(
        "notices_late",
        f"文件传达不够及时，{fs.year}年下发的{fs.value('notices_issued')}份通知中有{late}次签收超过期限或逾期未签收。",
        ("receipts_late", "notices_issued"),
        "建立通知签收提醒机制，确保上级部署及时传达到每个党组织。",
    )


def three_meetings(fs):
    below = compliance(fs).below
    if not below:
        return None
    return Problem(
        "three_meetings",
        f"组织生活不够规范，{_organizations([r.organization for r in below])}未按规定频次落实“三会一课”，"
        f"全年落实率{fs['three_meetings_compliance'].display}。",
        ("orgs_below_three_meetings", "three_meetings_compliance"),
        "按月督促各党组织落实“三会一课”和主题党日，定期通报落实情况。",
    )


def dues_arrears(fs):
    debtors = fs.value("dues_arrears_members")
    if not debtors:
        return None
    return Problem(
        "dues_arrears",
        f"党费收缴不够及时，{debtors}名党员存在欠缴情况，党费收缴率{fs['dues_collection_rate'].display}。",
        ("dues_arrears_members", "dues_collection_rate"),
        "按月核对党费收缴台账，督促按时足额交纳党费。",
    )


def posts_unfilled(fs):
    vacant = fs.value("posts_vacant")
    if not vacant:
        return None
    return Problem(
        "posts_unfilled",
        f"工作力量配备不足，核定编制{fs.value('posts_authorised')}个，实有{fs.value('posts_actual')}人，"
        f"尚有{vacant}个岗位空缺。",
        ("posts_authorised", "posts_actual", "posts_vacant"),
        "尽快配齐配强党务工作力量，选派责任心强的年轻干部充实党建岗位。",
    )


def idle(fs):
    orgs = idle_organizations(fs)
    if not orgs:
        return None
    return Problem(
        "idle_organizations",
        f"部分党组织活动不经常，{_organizations(orgs)}近90天未开展活动。",
        ("orgs_idle_90_days",),
        "对长期未开展活动的党组织逐一督导，帮助其制定活动计划。",
    )


def requests_overdue(fs):
    overdue = fs.value("requests_overdue")
    if not overdue:
        return None
    return Problem(
        "requests_overdue",
        f"企业诉求办理不够及时，有{overdue}项诉求超过办理期限仍未办结。",
        ("requests_overdue", "requests_closure_rate"),
        "建立诉求办理台账和超期督办机制，确保企业诉求件件有回音。",
    )


def uncovered(fs):
    bare = fs.value("enterprises_uncovered")
    if not bare:
        return None
    return Problem(
        "uncovered",
        f"“两个覆盖”仍有空白，{bare}家企业既未建立党组织，也未选派党建指导员。",
        ("enterprises_uncovered", "org_coverage_rate", "work_coverage_rate"),
        "对未覆盖企业逐一分析，具备条件的及时组建党组织，暂不具备条件的先行选派党建指导员。",
    )


RULES = (
    quota_missed,
    no_dossier,
    notices_late,
    three_meetings,
    dues_arrears,
    posts_unfilled,
    idle,
    requests_overdue,
    uncovered,
)


def find_problems(fs) -> list[Problem]:
    """Every problem the data shows, in a fixed order."""
    return [problem for rule in RULES if (problem := rule(fs)) is not None]
