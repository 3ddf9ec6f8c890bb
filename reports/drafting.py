"""First drafts of every block of a report, written from the figures.

Staff edit these drafts in the browser; the drafts only give them a start
in which every number is already right. The wording is our own (DESIGN.md:
follow the seeds' structure and figures, never their sentences). Report
prose is Chinese document content, not UI text, so it is written in Chinese
here. A sentence whose figure is zero or unknown is left out rather than
printed with a zero.
"""

from __future__ import annotations

import datetime

from reports import outline
from reports.figures import NO_VALUE
from reports.problems import find_problems

ORDINALS = "一二三四五六七八九十"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def numbered(lines: list[str], style: str = "paren") -> str:
    """Number lines as （一）（二）… or 一是…二是…"""
    if style == "paren":
        return "\n".join(f"（{ORDINALS[i] if i < 10 else i + 1}）{line}" for i, line in enumerate(lines))
    return "".join(f"{ORDINALS[i] if i < 10 else i + 1}是{line}" for i, line in enumerate(lines))


class Writer:
    """Helpers to read figures as prose."""

    def __init__(self, fs):
        self.fs = fs

    def v(self, key: str) -> str:
        return self.fs[key].display

    def n(self, key: str):
        return self.fs[key].value

    def has(self, *keys: str) -> bool:
        return all(self.n(key) not in (None, 0) and self.fs[key].display != NO_VALUE for key in keys)

    @staticmethod
    def join(*parts: str) -> str:
        return "".join(part for part in parts if part)


def situation(fs, park_name: str, today: datetime.date) -> dict[str, str]:
    w = Writer(fs)
    y = fs.year
    problems = find_problems(fs)
    texts = {
        "title": f"关于{park_name}党建工作情况报告",
        "intro": f"按照县委组织部的工作安排，现将{park_name}{y}年党建工作情况报告如下。",
        "h_status": "一、工作现状",
        "status_overview": w.join(
            f"截至{chinese_date(fs.as_of)}，{park_name}共有基层党组织{w.v('orgs_total')}个"
            f"（党委{w.v('orgs_committees')}个、党总支{w.v('orgs_general_branches')}个、"
            f"党支部{w.v('orgs_branches')}个），",
            f"建有党群服务中心{w.v('service_centers')}个，" if w.has("service_centers") else "",
            f"共有党员{w.v('members_total')}名，其中正式党员{w.v('members_full')}名、"
            f"预备党员{w.v('members_probationary')}名。",
            f"园区现有企业{w.v('enterprises_total')}家，已投产运营{w.v('enterprises_operating')}家、"
            f"在建{w.v('enterprises_under_construction')}家。",
        ),
        "h_status_1": "（一）突出政治引领，抓实思想建设",
        "status_1": w.join(
            f"{y}年，园区各级党组织共开展党课{w.v('party_lectures')}次"
            + (f"（其中专题党课{w.v('special_lectures')}次）" if w.has("special_lectures") else "")
            + f"、主题党日{w.v('theme_days')}次，“三会一课”落实率{w.v('three_meetings_compliance')}。",
            (
                f"坚持把党建成效作为评优评先的重要依据，评选优秀党员{w.v('commended_members')}名、"
                f"先进基层党组织{w.v('commended_orgs')}个、优秀党组织书记{w.v('commended_secretaries')}名。"
            )
            if w.has("commended_members") or w.has("commended_orgs")
            else "",
            f"设立党员先锋岗、示范岗{w.v('pioneer_posts')}个，" if w.has("pioneer_posts") else "",
            f"组织党员开展“听民意、访民情”活动{w.v('listening_visits')}次。" if w.has("listening_visits") else "",
        ),
        "h_status_2": "（二）推进“两个覆盖”，夯实组织基础",
        "status_2": w.join(
            f"全年通过上门核对、电话访问等方式摸排企业{w.v('enterprises_surveyed')}家，做到经营情况、职工队伍、"
            f"党员队伍、出资人情况“四个清”。",
            f"目前已建立党组织的企业{w.v('enterprises_with_org')}家，其中单独建{w.v('enterprises_with_org_own')}家、"
            f"联合建{w.v('enterprises_with_org_joint')}家、挂靠建{w.v('enterprises_with_org_affiliated')}家；",
            f"向{w.v('enterprises_instructor_only')}家暂未建立党组织的企业选派了党建指导员；"
            if w.has("enterprises_instructor_only")
            else "",
            f"党的组织覆盖率{w.v('org_coverage_rate')}，工作覆盖率{w.v('work_coverage_rate')}。",
            f"另有{w.v('orgs_forming')}个党组织正在组建，涉及企业{w.v('orgs_forming_enterprises')}家。"
            if w.has("orgs_forming")
            else "",
        ),
        "h_status_3": "（三）联合职能部门，服务企业发展",
        "status_3": _inspections(w),
        "h_status_4": "（四）建强服务阵地，回应企业诉求",
        "status_4": _services(w, y),
        "h_problems": "二、存在的问题",
        "problems_intro": "对照上级要求和台账数据，园区党建工作还存在以下不足：",
        "problems": numbered([p.text for p in problems])
        if problems
        else "经梳理，本年度台账数据未反映出突出问题，但党建工作的特色和亮点仍需进一步提炼。",
        "h_suggestions": "三、工作建议",
        "suggestions": numbered(
            [p.advice for p in problems]
            + ["总结推广先进经验，培育党建示范点，形成园区党建工作品牌，以高质量党建促进园区高质量发展。"]
        ),
        "signature": f"中共{park_name}工作委员会",
        "date": chinese_date(today),
    }
    return texts


def _inspections(w: Writer) -> str:
    parts = [
        ("joint_inspections_safety", "安全生产检查"),
        ("joint_inspections_environment", "环保指导"),
        ("joint_inspections_market", "企业食堂安全检查"),
        ("joint_inspections_housing", "基础设施排查"),
    ]
    details = "、".join(f"{label}{w.v(key)}次" for key, label in parts if w.has(key))
    return (
        w.join(
            f"会同应急、环保、市场监管、住建等部门开展联合检查{w.v('joint_inspections')}次、"
            f"{w.v('joint_inspection_person_times')}人次" + (f"，其中{details}" if details else "") + "；"
            if w.has("joint_inspections")
            else "",
            f"帮助企业解决用地、用水、用电、道路等基础设施配套问题{w.v('infrastructure_solved')}件。"
            if w.has("infrastructure_solved")
            else "",
        )
        or "与各职能部门保持联动，及时回应企业在生产经营中遇到的困难。"
    )


def _services(w: Writer, year: int) -> str:
    return (
        w.join(
            f"依托党群服务中心和线上平台受理企业诉求，{year}年共受理{w.v('requests_received')}项、"
            f"办结{w.v('requests_closed')}项，办结率{w.v('requests_closure_rate')}。"
            if w.has("requests_received")
            else "",
            f"为{w.v('talent_flat_people')}名企业员工提供人才公寓{w.v('talent_flats')}套，"
            if w.has("talent_flats")
            else "",
            f"解决职工子女就学{w.v('schooling_solved')}人。" if w.has("schooling_solved") else "",
        )
        or "持续完善党群服务中心功能，为企业和职工提供便捷服务。"
    )


def duty(fs, park_name: str, today: datetime.date) -> dict[str, str]:
    w = Writer(fs)
    y = fs.year
    problems = find_problems(fs)
    cause = (
        f"园区核定编制{w.v('posts_authorised')}个，目前实有{w.v('posts_actual')}人，党务工作力量尚未配齐；"
        if w.has("posts_vacant")
        else ""
    )
    texts = {
        "title": f"{y}年{park_name}抓基层党建工作述职报告",
        "intro": w.join(
            f"{park_name}现有企业{w.v('enterprises_total')}家，其中已投产运营{w.v('enterprises_operating')}家、"
            f"在建{w.v('enterprises_under_construction')}家，已建立党组织的企业{w.v('enterprises_with_org')}家，"
            f"共有党员{w.v('members_total')}名。",
            f"{y}年，园区把非公企业党建作为基层党建的重点任务，从打基础、补短板入手推进各项工作。现将履职情况报告如下。",
        ),
        "h_work": "一、主要工作情况",
        "h_work_1": "1.扩大组织覆盖，夯实党建基础",
        "work_1": w.join(
            f"一是摸清底数。对园区{w.v('enterprises_surveyed')}家企业逐户摸排，掌握经营运行、职工队伍、党员队伍和"
            f"出资人情况，建立统一规范的工作台账。",
            f"二是推进组建。因企制宜采取单独建、联合建、挂靠建等方式，已建立党组织的企业达到"
            f"{w.v('enterprises_with_org')}家，党的组织覆盖率{w.v('org_coverage_rate')}",
            f"，另有{w.v('orgs_forming')}个党组织正在组建，涉及企业{w.v('orgs_forming_enterprises')}家"
            if w.has("orgs_forming")
            else "",
            "。",
        ),
        "h_work_2": "2.加强规范管理，提升党建质量",
        "work_2": w.join(
            f"组织园区企业党组织书记参加培训{w.v('secretary_trainings')}场次、{w.v('secretary_training_person_times')}人次，"
            "提升书记抓党建的能力。"
            if w.has("secretary_trainings")
            else "",
            f"为新成立的党组织落实启动资金每个{w.v('startup_fund_per_org')}元，" if w.has("startup_funds") else "",
            f"按每月{w.v('secretary_allowance')}元标准发放党组织书记岗位津贴；"
            if w.has("secretary_allowance_total")
            else "",
            f"年底对书记履职情况进行考核，向{w.v('performance_awards')}名优秀党组织书记发放绩效奖励"
            f"{w.v('performance_award_range')}元不等，形成比学赶超的良好氛围。"
            if w.has("performance_awards")
            else "",
        )
        or "健全党组织管理机制，落实党建工作保障措施。",
        "h_work_3": "3.优化企业服务，助力投产达效",
        "work_3": w.join(
            f"召开业主座谈会{w.v('owner_symposiums')}次，" if w.has("owner_symposiums") else "",
            f"协调解决用地、用水、用电等基础设施配套问题{w.v('infrastructure_solved')}个；"
            if w.has("infrastructure_solved")
            else "",
            f"为{w.v('talent_flat_people')}名员工提供人才公寓{w.v('talent_flats')}套，"
            if w.has("talent_flats")
            else "",
            f"解决职工子女就学{w.v('schooling_solved')}人；" if w.has("schooling_solved") else "",
            f"全年受理企业诉求{w.v('requests_received')}项，办结率{w.v('requests_closure_rate')}。"
            if w.has("requests_received")
            else "",
        )
        or "主动深入企业，帮助解决生产经营中的实际困难。",
        "h_problems": "二、存在的问题和原因分析",
        "problems": "主要问题："
        + numbered([p.text.rstrip("。") + "；" for p in problems], style="inline").rstrip("；")
        + "。"
        if problems
        else "主要问题：园区党建工作整体水平还不够高，特色亮点还不够多。",
        "causes": "原因分析："
        + (cause or "")
        + "部分企业出资人对党建工作重视不够，党建活动载体还不够丰富，党组织作用发挥还不够明显。",
        "h_plans": "三、下一步工作计划",
        "plans": numbered(
            [p.advice for p in problems]
            + [
                "在扩大覆盖上持续用力，新入园企业第一时间选派党建指导员。",
                "在选树典型上持续用力，培育一批非公党建示范点，发挥示范引领作用。",
            ],
        ),
        "signature": f"中共{park_name}工作委员会",
        "date": chinese_date(today),
    }
    return texts


DRAFTERS = {outline.SITUATION: situation, outline.DUTY: duty}


def draft(fs, kind: str, park_name: str, today: datetime.date | None = None) -> dict[str, str]:
    """Every block of a ``kind`` report drafted from the figure set ``fs``."""
    texts = DRAFTERS[kind](fs, park_name, today or fs.today)
    missing = set(outline.text_keys(kind)) - set(texts)
    if missing:
        raise KeyError(f"draft of {kind} lacks {sorted(missing)}")
    return {key: texts[key] for key in outline.text_keys(kind)}
