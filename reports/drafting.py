"""First drafts of every block of a report, written from the figures.

Staff edit these drafts in the browser; the drafts give them a start in which every number is already
right and every example names its record. The wording is our own (DESIGN.md: follow the seeds'
structure and figures, never their sentences). Report prose is Chinese document content, not UI text,
so it is written in Chinese here (the sentences shared by both kinds are in ``reports.passages``).

Rules the drafts keep: a zero or unknown figure is left out or said in words (尚未建立党组织), never
printed as 0 or —; percentages as officers write them (58%, 64.7%); one numbering per level in a
document (一、 / （一） / 一是); each problem a paragraph of its own with its cause; the measures
gathered by theme rather than mirroring the problems; no sentence twice.
"""

from __future__ import annotations

import datetime

from reports import outline, passages
from reports.problems import COVERAGE, DISCIPLINE, LIFE, MODEL, STAFFING, find_problems
from reports.prose import Facts, cn_number, heading_number, listed, numbered_paragraphs


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def themed(themes: list[tuple[str, list[str]]]) -> str:
    """Numbered paragraphs （一）title。一是……；二是……。 for the themes that have measures."""
    kept = [(title, measures) for title, measures in themes if measures]
    return "\n".join(f"{heading_number(i)}{title}。{listed(measures)}" for i, (title, measures) in enumerate(kept))


def measures_of(problems, *themes: str) -> list[str]:
    return [p.measure for p in problems if p.theme in themes]


# Situation report (情况报告, seed 000) ------------------------------------------------------------


def situation(fs, park_name: str, today: datetime.date) -> dict[str, str]:
    f = Facts(fs)
    y = fs.year
    problems = find_problems(fs)
    organized = f.has("orgs_total")
    texts = {
        "title": f"关于{park_name}党建工作情况报告",
        "intro": f"根据县委组织部工作安排，现将{park_name}{y}年党建工作情况报告如下。",
        "h_status": "一、工作现状",
        "status_overview": passages.situation_overview(f, park_name),
    }
    if organized:
        texts["h_status_1"] = "（一）突出政治引领，抓实思想建设"
        texts["status_1"] = passages.political_work(f, problems)
        texts["h_status_2"] = "（二）抓实“两个覆盖”，夯实组织基础"
    else:
        texts["h_status_1"] = "（一）摸清党员底数，做好组建准备"
        texts["status_1"] = passages.members_found(f)
        texts["h_status_2"] = "（二）推进“两个覆盖”，打开工作局面"
    texts["status_2"] = passages.coverage(f, problems, duty=False)
    texts["h_status_3"] = "（三）联合职能部门，服务企业发展"
    texts["status_3"] = passages.inspections(f)
    texts["h_status_4"] = "（四）建强服务阵地，回应企业诉求"
    texts["status_4"] = passages.service_positions(f)
    texts["h_problems"] = "二、存在的问题"
    texts["problems_intro"] = (
        "对照上级要求和企业期盼，园区党建工作还存在一些短板和不足，主要表现在："
        if problems
        else "对照上级要求，园区党建工作还有需要改进的地方："
    )
    texts["problems"] = "\n".join(numbered_paragraphs([p.paragraph for p in problems] or [passages.no_problem(f)]))
    texts["h_suggestions"] = "三、工作建议"
    texts["suggestions"] = "针对上述问题，为进一步抓好园区党建工作，提出以下建议。\n" + themed(
        [
            ("要深化思想认识", [passages.awareness(f)]),
            ("要强化工作力量", measures_of(problems, STAFFING) + passages.force_measures(f)),
            ("要突出工作重点", measures_of(problems, COVERAGE, LIFE) + passages.focus_measures(f)),
            (
                "要狠抓工作落实",
                [*measures_of(problems, DISCIPLINE), "强化业务指导和经费保障，加强对企业党建工作的调度"],
            ),
            ("要注重培树典型", measures_of(problems, MODEL) + passages.model_measures(f)),
        ]
    )
    texts["signature"] = f"中共{park_name}工作委员会"
    texts["date"] = chinese_date(today)
    return texts


# Duty report (述职报告, seed 002) ----------------------------------------------------------------


def duty(fs, park_name: str, today: datetime.date) -> dict[str, str]:
    f = Facts(fs)
    y = fs.year
    problems = find_problems(fs)
    intro = [passages.background(f), passages.duty_overview(f, park_name)]
    texts = {
        "title": f"{y}年{park_name}抓基层党建工作述职报告",
        "intro": "\n".join(line for line in intro if line),
        "h_work": "一、主要工作情况",
        "h_work_1": "（一）强基础，扩大党的组织覆盖",
        "work_1": passages.coverage(f, problems, duty=True),
        "h_work_2": "（二）强管理，提升党建工作质量",
        "work_2": passages.management(f),
        "h_work_3": "（三）强服务，助力企业投产达效",
        "work_3": passages.enterprise_services(f),
        "h_problems": "二、存在的问题和原因分析",
        "problems": (
            "园区党建工作虽然取得了一定成效，但对照上级部署要求还有不小差距，主要问题有：\n"
            if f.has("orgs_total")
            else "园区党建工作刚刚起步，对照上级部署要求差距还比较大，主要问题有：\n"
        )
        + "\n".join(numbered_paragraphs([p.paragraph for p in problems] or [passages.no_problem(f)])),
        "causes": passages.causes(f),
        "h_plans": "三、下一步工作计划",
        "plans": themed(
            [
                ("在扩大覆盖上持续用力", measures_of(problems, COVERAGE) + passages.coverage_plans(f)),
                ("在规范管理上持续用力", measures_of(problems, LIFE, DISCIPLINE) + passages.management_plans(f)),
                ("在健全机构上持续用力", measures_of(problems, STAFFING) + passages.organ_plans(f)),
                ("在选树典型上持续用力", measures_of(problems, MODEL) + passages.model_measures(f)),
            ]
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


__all__ = ["DRAFTERS", "chinese_date", "cn_number", "draft"]
