"""Problems drafted from the data: each rule reads figures and, when it fires, writes one paragraph.

A problem has a short title (工作力量配备不够到位), the facts that show it (every number from the figures
engine, with a record cited as an example where the records have one), its cause, and the measure that
answers it. The reports print each problem as a paragraph of its own (title, facts, cause) and gather
the measures by theme in their suggestions or plans. The sentences are report prose (a Chinese
official document), so they are written in Chinese here rather than through the UI catalogue, and each
problem names the figures it rests on so the editor can link to their records.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.figures import base
from reports.figures.compliance import compliance
from reports.figures.definitions.members import missed_years, quotas
from reports.figures.examples import (
    idle_examples,
    late_notice,
    missed_bands,
    missed_by_kind,
    overdue_examples,
    worst_run,
)
from reports.prose import Facts, full_date, month_day, names, percent, year_month

#: Themes the measures are gathered under.
STAFFING = "staffing"  # 工作力量
COVERAGE = "coverage"  # 两个覆盖
LIFE = "life"  # organization life and the development of members
DISCIPLINE = "discipline"  # 工作落实: notices, dues, requests
MODEL = "model"  # 示范典型

#: Meeting kinds as officers name them.
MEETING_NAMES = {
    "branch_general_meeting": "支部党员大会",
    "committee_meeting": "支委会",
    "group_meeting": "党小组会",
    "party_lecture": "党课",
}


@dataclass(frozen=True)
class Problem:
    key: str
    title: str  # 工作力量配备不够到位
    facts: str  # the sentences with the figures
    cause: str  # 究其原因……
    measure: str  # a clause: 尽快补齐……
    theme: str
    figures: tuple[str, ...]

    @property
    def text(self) -> str:
        """The title and the facts, as the editor lists them."""
        return f"{self.title}。{self.facts}"

    @property
    def paragraph(self) -> str:
        """The problem as a report prints it: title, facts and cause."""
        return f"{self.title}。{self.facts}{self.cause}"


def until(fs) -> str:
    """至年底 for a past year, 至今 for the current one."""
    return "至今" if fs.as_of < fs.as_of.replace(month=12, day=31) else "至年底"


def posts_unfilled(fs):
    f = Facts(fs)
    if not f.has("posts_vacant"):
        return None
    actual = f"实有{f.v('posts_actual')}人" if f.has("posts_actual") else "目前还没有在岗人员"
    facts = f"园区核定编制{f.v('posts_authorised')}个、{actual}，尚有{f.v('posts_vacant')}个岗位空缺。"
    people = staffing_people(fs)
    return Problem(
        "posts_unfilled",
        "党务工作力量配备不够到位",
        facts + people,
        ("人手不足、业务不熟" if staffing_notes(fs) else "人手不足") + "，对企业党组织的日常指导和督促检查难以到位。",
        f"尽快补齐{f.v('posts_vacant')}个空缺编制，选派责任心强、熟悉党务的年轻干部充实党建工作岗位",
        STAFFING,
        ("posts_authorised", "posts_actual", "posts_vacant"),
    )


def staffing_notes(fs) -> bool:
    """Whether the staffing records say something about the people (a new leader, new officers)."""
    return any(row.leader_note or row.officers_note for row in base.staffing(fs))


def staffing_people(fs) -> str:
    """Who does the work, from the year's staffing records: 分管领导为……；从事具体党务工作的干事……。"""
    parts = []
    for row in base.staffing(fs):
        if row.leader_position:
            since = f"{year_month(row.leader_since)}到任的" if row.leader_since else ""
            note = f"，{row.leader_note.strip('，。；')}" if row.leader_note else ""
            parts.append(f"党建工作分管领导为{since}{row.leader_position}{note}")
        if row.party_officers:
            since = f"，{year_month(row.officers_since)}到岗" if row.officers_since else ""
            note = f"，{row.officers_note.strip('，。；')}" if row.officers_note else ""
            parts.append(f"从事具体党务工作的干事{row.party_officers}名{since}{note}")
    return ("目前，" + "；".join(parts) + "。") if parts else ""


def notices_late(fs):
    f = Facts(fs)
    if not f.has("receipts_late"):
        return None
    facts = (
        f"{fs.year}年下发的{f.v('notices_issued')}份通知中，有{f.v('notices_late')}份未能在期限内全部签收，"
        f"逾期签收或未签收的共{f.v('receipts_late')}个次。"
    )
    example = late_notice(fs)
    if example is not None:
        notice = example.receipt.notice
        issuer = "县委组织部" if notice.issuer_park_id is None else "园区"
        title = notice.title.strip("《》")
        lead = f"如{issuer}{month_day(notice.issued_on)}下发的《{title}》要求{month_day(notice.deadline)}前签收，"
        who = "园区" if example.by_park else example.receipt.organization.name
        if example.received_on:
            facts += f"{lead}{who}直到{month_day(example.received_on)}才签收"
            facts += "转发" if example.by_park else ""
        else:
            facts += f"{lead}{who}{until(fs)}仍未签收"
        missing = [n for n in example.still_missing if n != who]
        if missing:
            facts += f"，{names(missing, unit='个党组织')}{until(fs)}仍未签收"
        facts += "。"
    return Problem(
        "notices_late",
        "上级部署传达不够及时",
        facts,
        "通知签收和转发缺少提醒和督办，文件在传达中存在“中梗阻”，企业党组织对上级部署了解不及时、不全面。",
        "建立通知签收提醒和督办机制，确保上级部署在期限内传达到每个党组织",
        DISCIPLINE,
        ("notices_issued", "notices_late", "receipts_late"),
    )


def three_meetings(fs):
    f = Facts(fs)
    result = compliance(fs)
    below = result.below
    if not below:
        return None
    required = f.n("orgs_required_three_meetings")
    full = f.n("orgs_full_three_meetings")
    if not result.met:
        who = f"{required}个党组织" if required > 1 else below[0].organization.name
        facts = f"{who}全年没有召开“三会一课”，按规定应召开{result.required}次。"
    elif required == 1:
        only = below[0]
        facts = (
            f"{only.organization.name}全年应召开“三会一课”{only.required}次、实际召开{only.met}次，"
            f"落实率{percent(only.met / only.required)}。"
        )
    else:
        if full:
            facts = f"{required}个党组织中，全年按规定足额召开“三会一课”的有{full}个，其余{len(below)}个均有缺课，"
        else:
            facts = f"{required}个党组织全年都有未按规定召开“三会一课”的情况，"
        bands = [
            f"缺{low}次及以上的{count}个" if high is None else f"缺{low}至{high}次的{count}个"
            for low, high, count in missed_bands(fs)
            if count
        ]
        if bands and (len(bands) > 1 or len(below) > 1):
            facts += "其中" + "、".join(bands) + "；"
        facts += (
            f"全年应召开{result.required}次、实际召开{result.met}次，落实率{percent(result.met / result.required)}。"
        )
    kinds = missed_by_kind(fs)
    if kinds and result.met:
        kind, count = kinds[0]
        facts += f"缺得最多的是{MEETING_NAMES.get(kind, kind)}，共{count}次"
        worst = worst_run(fs)
        if worst is not None and len(below) > 1:
            held = f"只召开了{worst.met}次" if worst.met else "一次也没有召开"
            facts += f"；{worst.organization.name}全年应召开{worst.required}次，{held}"
        facts += "。"
    return Problem(
        "three_meetings",
        "组织生活不够规范",
        facts,
        "部分党组织书记抓组织生活的意识不强，把生产经营任务重当作理由，园区日常督促检查也不够经常。",
        "按月通报各党组织“三会一课”落实情况，对缺课较多的党组织逐一督导、限期补课",
        LIFE,
        ("orgs_required_three_meetings", "orgs_full_three_meetings", "three_meetings_compliance"),
    )


def idle(fs):
    examples = idle_examples(fs)
    if not examples:
        return None
    if len(examples) == 1:
        example = examples[0]
        since = f"自{month_day(example.last_held_on)}以后" if example.last_held_on else "长期"
        facts = f"{example.organization.name}{since}未开展组织活动，{until(fs)}已超过90天。"
        who = "该党组织"
    else:
        shown = names([e.organization.name for e in examples], unit="个党组织")
        facts = f"{shown}近90天未开展组织活动。"
        who = "这些党组织"
    return Problem(
        "idle_organizations",
        "个别党组织活动不经常" if len(examples) == 1 else "部分党组织活动不经常",
        facts,
        f"{who}书记履职不到位，党员教育管理处于松散状态。",
        "对长期未开展活动的党组织逐一上门督导，帮助其制定活动计划",
        LIFE,
        ("orgs_idle_90_days",),
    )


def dues_arrears(fs):
    f = Facts(fs)
    if not f.has("dues_arrears_members"):
        return None
    return Problem(
        "dues_arrears",
        "党费收缴不够及时",
        f"全年有{f.v('dues_arrears_members')}名党员存在欠缴党费情况，党费收缴率为{f.rate('dues_collection_rate')}。",
        "个别党组织对按月收缴党费督促不够，党员按时交纳党费的意识有待增强。",
        "按月核对党费收缴台账，督促党员按时足额交纳党费",
        DISCIPLINE,
        ("dues_arrears_members", "dues_collection_rate"),
    )


def admissions_by_year(fs) -> str:
    """2021年至2023年，园区分别发展党员4名、3名、4名 (years with a plan or an admission)."""
    f = Facts(fs)
    plan = quotas(fs)
    counts = [(fs.year - 2, f.n("members_admitted_y2")), (fs.year - 1, f.n("members_admitted_y1"))]
    counts.append((fs.year, f.n("members_admitted")))
    counts = [(year, n) for year, n in counts if n or year in plan]
    if len(counts) < 2:
        return ""
    first, last = counts[0][0], counts[-1][0]
    if all(n for _year, n in counts):
        return f"{first}年至{last}年，园区分别发展党员" + "、".join(f"{n}名" for _y, n in counts) + "，"
    said = [f"{year}年发展党员{n}名" if n else f"{year}年未发展党员" for year, n in counts]
    return "，".join(said) + "，"


def quota_missed(fs):
    years = missed_years(fs)
    if not years:
        return None
    f = Facts(fs)
    admitted, quota = f.n("members_admitted"), f.n("development_quota")
    facts = admissions_by_year(fs)
    if len(years) > 1:
        run = "、".join(f"{year}年" for year in sorted(years))
        facts += f"其中{run}连续{len(years)}年未完成发展党员指导性计划"
    else:
        facts += f"{fs.year}年未完成发展党员指导性计划"
    shortfall = quota - admitted
    if admitted:
        facts += f"，{fs.year}年计划发展{quota}名、实际发展{admitted}名，少{shortfall}名。"
    else:
        facts += f"，{fs.year}年计划发展{quota}名，至今尚未发展。" if until(fs) == "至今" else "，全年未发展党员。"
    facts += pipeline(fs)
    return Problem(
        "quota_missed",
        "党员队伍建设不够有力",
        facts,
        "在生产一线、青年职工和技术骨干中发现和培养入党积极分子抓得不够，发展党员工作缺少提前谋划。",
        "注重在生产一线、青年职工和技术骨干中培养入党积极分子，按季度跟踪发展进度，确保完成年度计划",
        LIFE,
        ("members_admitted", "development_quota", "quota_missed_years", "activists", "dossiers_submitted"),
    )


def pipeline(fs) -> str:
    """The dossiers not sent and who is in the pipeline: 特别是……未向县委组织部报送……目前有入党积极分子7名。"""
    f = Facts(fs)
    text = ""
    if f.has("dossiers_submitted"):
        text += f"{fs.year}年向县委组织部报送发展对象档案{f.v('dossiers_submitted')}份，"
    elif f.has("candidates") or f.has("development_quota"):
        text += f"特别是{fs.year}年以来未向县委组织部报送发展对象档案材料。"
    people = [f"入党积极分子{f.v('activists')}名" if f.has("activists") else ""]
    people.append(f"发展对象{f.v('candidates')}名" if f.has("candidates") else "")
    people = [p for p in people if p]
    if people:
        text += "目前有" + "、".join(people) + "。"
    elif text.endswith("，"):
        text = text.rstrip("，") + "。"
    else:
        text += "目前没有入党积极分子和发展对象，发展党员后继乏人。"
    return text


def no_dossier(fs):
    f = Facts(fs)
    if f.has("dossiers_submitted") or missed_years(fs):
        return None  # sent, or said with the quota missed
    if not (f.has("development_quota") or f.has("activists") or f.has("candidates")):
        return None  # nobody in the pipeline and no plan: nothing to send
    return Problem(
        "no_dossier",
        "发展党员工作推进缓慢",
        pipeline(fs).removeprefix("特别是"),
        "对发展对象的培养考察和材料审核抓得不紧，工作推进缺少时间节点。",
        "及时审核发展对象材料，按程序向县委组织部报送档案",
        LIFE,
        ("dossiers_submitted", "activists", "candidates"),
    )


def uncovered(fs):
    f = Facts(fs)
    bare, ready = f.n("enterprises_uncovered_unplanned"), f.n("enterprises_should_form")
    if not bare and not ready:
        return None
    if not f.has("orgs_total"):
        facts = f"园区{f.v('enterprises_total')}家企业都还没有建立党组织"
        if f.has("enterprises_instructor_only"):
            facts += f"，已选派党建指导员的{f.v('enterprises_instructor_only')}家"
        if bare and bare != f.n("enterprises_total"):
            facts += f"，其余{bare}家尚未选派党建指导员"
        elif bare:
            facts += "，也都还没有选派党建指导员"
    else:
        facts = f"{bare}家企业既没有建立党组织，也没有选派党建指导员" if bare else ""
        if bare and f.has("orgs_forming_enterprises"):
            facts += f"（不含正在组建党组织的{f.v('orgs_forming_enterprises')}家）"
    if ready and bare and fs["enterprises_should_form"].pks <= fs["enterprises_uncovered_unplanned"].pks:
        facts += f"，其中党员已达到3名以上、具备单独组建条件的{ready}家"
    elif ready:
        lead = "；" if facts else ""
        facts += f"{lead}党员已达到3名以上、具备单独组建条件的企业{ready}家，党组织尚未建立"
    facts += "。"
    return Problem(
        "uncovered",
        "“两个覆盖”还有空白" if f.has("orgs_total") else "党的组织覆盖尚未破题",
        facts,
        "对未覆盖企业的跟踪指导还不够，联合组建、挂靠组建等灵活方式用得不多。"
        if f.has("orgs_total")
        else "园区党建工作起步较晚，对企业党建的宣传发动还不够，党员分散在各企业、没有组织起来。",
        (f"对党员达到3名以上的{ready}家企业尽快单独组建党组织，" if ready else "")
        + "对党员不足3名的企业通过联合组建、选派党建指导员等方式实现覆盖",
        COVERAGE,
        ("enterprises_uncovered_unplanned", "enterprises_should_form", "org_coverage_rate", "work_coverage_rate"),
    )


def requests_overdue(fs):
    f = Facts(fs)
    if not f.has("requests_overdue"):
        return None
    facts = f"截至{full_date(fs.as_of)}，仍有{f.v('requests_overdue')}项企业诉求超过办理期限未办结"
    examples = overdue_examples(fs, limit=1)
    if examples:
        request = examples[0]
        who = f"{request.enterprise.name}反映的" if request.enterprise_id else ""
        facts += (
            f"，如{who}“{request.title}”，{month_day(request.received_on)}受理，要求{month_day(request.due_on)}前办结"
        )
    facts += "。"
    return Problem(
        "requests_overdue",
        "企业诉求办理不够及时",
        facts,
        "部分诉求涉及多个部门，园区协调推动不够有力，跟踪督办不到位。",
        "建立诉求办理台账和超期督办机制，做到件件有回音、事事有着落",
        DISCIPLINE,
        ("requests_overdue", "requests_closure_rate"),
    )


def no_highlights(fs):
    f = Facts(fs)
    if f.has("demonstration_points") or not f.has("orgs_total"):
        return None
    facts = f"园区{f.v('orgs_total')}个党组织中还没有一个被命名为党建示范点"
    if f.has("commended_orgs"):
        facts += f"，{fs.year}年虽有{f.v('commended_orgs')}个党组织获评先进基层党组织，但好的做法还没有总结提炼成经验"
    return Problem(
        "no_highlights",
        "党建工作特色亮点偏少",
        facts + "。",
        "对企业党建工作的经验总结和宣传推介不够，抓示范、树典型的意识还不强。",
        "每年选择一批基础较好的企业党组织重点培育，争创县级以上党建示范点",
        MODEL,
        ("demonstration_points", "orgs_total", "commended_orgs"),
    )


RULES = (
    posts_unfilled,
    notices_late,
    three_meetings,
    idle,
    dues_arrears,
    quota_missed,
    no_dossier,
    uncovered,
    requests_overdue,
    no_highlights,
)


def find_problems(fs) -> list[Problem]:
    """Every problem the data shows, in a fixed order (staffing first, as officers write them)."""
    key = "_problems"
    if key not in fs.__dict__:
        fs.__dict__[key] = [problem for rule in RULES if (problem := rule(fs)) is not None]
    return fs.__dict__[key]
