"""The passages of the annual reports: each section's sentences, written from the figures and their records.

``reports.drafting`` puts them in the order of each report kind. Every function takes the report's
:class:`reports.prose.Facts` and returns Chinese prose in which each number is a figure of the engine
and each name a record behind one; a point with nothing to say is left out, and a park with no
organization yet gets sentences of its own rather than zeros.
"""

from __future__ import annotations

from collections import Counter

from organizations.models import ActivityKind, PartnerDepartment, RequestCategory
from reports.figures import base
from reports.figures.details import centres
from reports.figures.examples import (
    advanced_organizations,
    best_run,
    biggest_request,
    commended_members,
    demonstration_points,
    forming,
    founded_this_year,
    integration,
    secretary_training_organizers,
    special_lecture_themes,
)
from reports.figures.series import series
from reports.problems import admissions_by_year, pipeline
from reports.prose import Facts, cn_number, full_date, listed, month_day, names, points

#: Request categories as officers name them, in the order a report lists them.
REQUEST_NAMES = {
    RequestCategory.LAND: "用地",
    RequestCategory.WATER: "用水",
    RequestCategory.POWER: "用电",
    RequestCategory.INFRASTRUCTURE: "道路管网等基础设施",
    RequestCategory.HAZARD: "安全隐患整治",
    RequestCategory.NOISE_DISPUTE: "噪声扰民纠纷调解",
    RequestCategory.LABOUR_DISPUTE: "劳资纠纷调解",
    RequestCategory.TALENT_FLAT: "人才公寓",
    RequestCategory.SCHOOLING: "职工子女就学",
    RequestCategory.POLICY: "惠企政策咨询",
}
#: Partner departments: (who, what was done with them, unit of the count).
DEPARTMENTS = {
    PartnerDepartment.SAFETY: ("应急管理部门", "开展安全生产检查"),
    PartnerDepartment.ENVIRONMENT: ("环保部门", "指导企业做好环保工作"),
    PartnerDepartment.MARKET: ("市场监管部门", "对企业食堂开展食品安全检查"),
    PartnerDepartment.HOUSING: ("住建部门", "排查园区基础设施"),
    PartnerDepartment.OTHER: ("其他部门", "开展联合检查"),
}
DEPARTMENT_SHORT = {
    PartnerDepartment.SAFETY: "应急",
    PartnerDepartment.ENVIRONMENT: "环保",
    PartnerDepartment.MARKET: "市场监管",
    PartnerDepartment.HOUSING: "住建",
}
LEVELS = {"province": "省级", "city": "市级", "county": "县级"}


def with_change(f: Facts, key: str, unit: str, *, growth: bool = True) -> str:
    change = f.change(key, unit, growth=growth)
    return f"，{change}" if change else ""


def enterprises_by_status(f: Facts) -> str:
    """现有企业50家，其中已投产运营42家、在建8家、停产2家 ("" when the park has no enterprise)."""
    if not f.has("enterprises_total"):
        return ""
    total = f.n("enterprises_total")
    parts = [
        (label, f.n(key))
        for key, label in (
            ("enterprises_operating", "已投产运营"),
            ("enterprises_under_construction", "在建"),
            ("enterprises_suspended", "停产"),
        )
        if f.has(key)
    ]
    if len(parts) == 1 and parts[0][1] == total:
        return f"现有企业{total}家，均为{parts[0][0]}企业"
    said = "、".join(f"{label}{n}家" for label, n in parts)
    rest = total - sum(n for _label, n in parts)
    if rest:
        said += f"{'、' if said else ''}经营状态待核实的{rest}家"
    return f"现有企业{total}家，其中{said}"


def organization_kinds(f: Facts) -> str:
    """党委1个、党总支1个、党支部22个（其中联合党支部3个）."""
    parts = [
        f"{label}{f.v(key)}个"
        for key, label in (
            ("orgs_committees", "党委"),
            ("orgs_general_branches", "党总支"),
            ("orgs_branches", "党支部"),
        )
        if f.has(key)
    ]
    text = "、".join(parts)
    if f.has("orgs_joint_branches"):
        text += f"，其中联合党支部{f.v('orgs_joint_branches')}个"
    return text


def members_split(f: Facts) -> str:
    if f.has("members_full", "members_probationary"):
        return f"（正式党员{f.v('members_full')}名、预备党员{f.v('members_probationary')}名）"
    return ""


def flat_people(f: Facts) -> str:
    """53名员工 (or 引进人才 when nobody housed is recorded)."""
    return f"{f.v('talent_flat_people')}名员工" if f.has("talent_flat_people") else "引进人才"


def centres_phrase(f: Facts) -> str:
    if not f.has("service_centers"):
        return ""
    kinds = []
    if f.has("service_centers_offline"):
        kinds.append(f"线下阵地{f.v('service_centers_offline')}个")
    if f.has("service_centers_online"):
        kinds.append(f"线上平台{f.v('service_centers_online')}个")
    detail = f"（{'、'.join(kinds)}）" if len(kinds) > 1 else ""
    return f"建有党群服务中心{f.v('service_centers')}个{detail}"


# Situation: the overview and the four parts of 工作现状 ----------------------------------------


def situation_overview(f: Facts, park_name: str) -> str:
    as_of = full_date(f.fs.as_of)
    enterprises = enterprises_by_status(f)
    if f.has("orgs_total"):
        first = (
            f"截至{as_of}，{park_name}共有基层党组织{f.v('orgs_total')}个（{organization_kinds(f)}）"
            f"{with_change(f, 'orgs_total', '个', growth=False)}"
        )
        if f.has("members_total"):
            first += f"；共有党员{f.v('members_total')}名{members_split(f)}{with_change(f, 'members_total', '名')}"
        centres_text = centres_phrase(f)
        first += f"；{centres_text}。" if centres_text else "。"
        second = f"园区{enterprises}。" if enterprises else ""
        focus = special_lecture_themes(f.fs, limit=2)
        if f.has("demonstration_points"):
            focus.append("党建示范点创建")
        third = (
            f"{f.year}年，园区坚持把党建工作与服务企业发展结合起来，重点抓了{'、'.join(focus)}等工作，"
            "推动党的组织优势转化为企业发展优势。"
            if focus
            else ""
        )
        return first + second + third
    if not enterprises:
        return f"截至{as_of}，{park_name}尚未开展企业摸排，也还没有建立党组织。"
    text = f"截至{as_of}，{park_name}{enterprises}。园区目前还没有建立党组织"
    if f.has("orgs_forming"):
        text += f"，{f.v('orgs_forming')}个党组织正在组建"
    if f.has("members_outside_organizations"):
        text += f"；企业中共有党员{f.v('members_outside_organizations')}名，尚未纳入园区党组织管理"
    return text + "。"


def meetings_held(f: Facts) -> Counter:
    """Meetings of 三会一课 held in the year, by kind (from the activity series)."""
    held = Counter()
    for kind in (ActivityKind.BRANCH_GENERAL_MEETING, ActivityKind.COMMITTEE_MEETING, ActivityKind.GROUP_MEETING):
        held[kind] = sum(point.value for point in series(f.fs, f"activities_{kind.value}_by_month").points)
    return held


def political_work(f: Facts, problems) -> str:
    fs = f.fs
    study = ""
    if f.has("party_lectures"):
        study = f"各党组织把学习党的创新理论作为首要任务，{f.year}年共讲党课{f.v('party_lectures')}次"
        study += with_change(f, "party_lectures", "次")
        themes = special_lecture_themes(fs)
        if f.has("special_lectures"):
            around = f"围绕{'、'.join(themes)}" if themes else ""
            study += f"，其中{around}讲专题党课{f.v('special_lectures')}次"
        study += f"；开展主题党日活动{f.v('theme_days')}次。" if f.has("theme_days") else "。"
    elif f.has("theme_days"):
        study = f"各党组织{f.year}年共开展主题党日活动{f.v('theme_days')}次。"
    life = ""
    held = meetings_held(f)
    counted = [
        f"{label}{held[kind]}次"
        for kind, label in (
            (ActivityKind.BRANCH_GENERAL_MEETING, "支部党员大会"),
            (ActivityKind.COMMITTEE_MEETING, "支委会"),
            (ActivityKind.GROUP_MEETING, "党小组会"),
        )
        if held[kind]
    ]
    if counted:
        life = f"全年召开{'、'.join(counted)}"
        if not any(p.key == "three_meetings" for p in problems) and f.fs["three_meetings_compliance"].value:
            life += f"，“三会一课”落实率{f.rate('three_meetings_compliance')}"
        best = best_run(fs)
        if best is not None:
            life += (
                f"。{best.organization.name}全年应召开“三会一课”{best.required}次、实际召开{best.met}次，"
                "组织生活开展得最为规范"
            )
        life += "。"
    honours = ""
    if f.has("commended_members") or f.has("commended_orgs") or f.has("commended_secretaries"):
        said = [
            f"{label}{f.v(key)}{unit}"
            for key, label, unit in (
                ("commended_members", "优秀党员", "名"),
                ("commended_orgs", "先进基层党组织", "个"),
                ("commended_secretaries", "优秀党组织书记", "名"),
            )
            if f.has(key)
        ]
        honours = f"把党建工作成效作为企业评先评优的重要依据，{f.year}年评选{'、'.join(said)}"
        people = commended_members(fs)
        if people:
            shown = names([f"{c.organization.name}党员{c.member.name}" for c in people], limit=1, unit="名党员")
            honours += f"，{shown}受到表彰" if len(people) > 1 else f"，{shown}被评为优秀党员"
        orgs = advanced_organizations(fs)
        if orgs:
            honours += f"，{names([o.name for o in orgs], limit=2, unit='个党组织')}被评为先进基层党组织"
        honours += "。"
    pioneers = ""
    if f.has("pioneer_posts"):
        pioneers = f"在生产一线设立党员先锋岗、示范岗{f.v('pioneer_posts')}个"
    if f.has("listening_visits"):
        visits = f"组织党员走进企业职工中开展“听民意、访民情”活动{f.v('listening_visits')}次"
        if f.has("listening_visit_person_times"):
            visits += f"、{f.v('listening_visit_person_times')}人次"
        pioneers = f"{pioneers}，{visits}" if pioneers else visits
    pioneers += "。" if pioneers else ""
    return points(
        [("强化理论武装", study), ("规范组织生活", life), ("强化示范引领", honours), ("发挥先锋作用", pioneers)]
    ) or (f"{f.year}年园区各党组织按计划开展组织生活，党员教育管理工作稳步推进。")


def members_found(f: Facts) -> str:
    """For a park without organizations: where its members work and which enterprises could form one."""
    if not f.has("enterprises_total"):
        return "园区企业摸排尚未开展，党员分布情况还不清楚，下一步将把摸清党员底数作为首要任务。"
    if not f.has("members_outside_organizations"):
        return (
            f"摸排的{f.v('enterprises_total')}家企业中暂未发现党员，建立党组织需要从培养入党积极分子、"
            "吸引党员人才入园做起。"
        )
    carriers = len(f.fs["members_outside_organizations"].pks)
    lead = "摸排发现" if f.has("enterprises_surveyed") else "从企业台账看"
    text = f"{lead}，园区共有{f.v('members_outside_organizations')}名党员分布在{carriers}家企业"
    ready, few = f.n("enterprises_should_form"), f.n("enterprises_few_members")
    detail = []
    if ready:
        detail.append(f"党员达到3名以上、具备单独组建党支部条件的企业{ready}家")
    if few:
        detail.append(f"有1至2名党员、可考虑联合组建的企业{few}家")
    if detail:
        text += "，其中" + "，".join(detail)
    return text + "，为下一步组建党组织打下了基础。"


def forming_phrase(f: Facts) -> str:
    """目前正推进甲、乙单独成立党支部，推进白沙园区丙等4家企业成立联合党支部."""
    found = forming(f.fs)
    own = [name for item in found if not item.joint for name in item.enterprises]
    said = []
    if own:
        said.append(f"推进条件相对成熟的{names(own, unit='家企业')}单独成立党组织")
    for item in (item for item in found if item.joint):
        if item.enterprises:
            shown = names(item.enterprises, limit=1, unit="家企业")
            said.append(f"推进{item.park_name}{shown}成立联合党支部")
        else:
            said.append(f"筹建{item.organization.name}")
    return ("目前正" + "，".join(said) + "。") if said else ""


def development(f: Facts, problems) -> str:
    """Members admitted and the pipeline, when no problem already says them."""
    if any(p.key in ("quota_missed", "no_dossier") for p in problems):
        return ""
    fs = f.fs
    if not any(f.has(k) for k in ("members_admitted", "development_quota", "activists", "candidates")):
        return ""
    text = admissions_by_year(fs) or (
        f"{f.year}年发展党员{f.v('members_admitted')}名，" if f.has("members_admitted") else ""
    )
    if f.has("development_quota") and f.n("members_admitted") >= f.n("development_quota"):
        text += f"{f.year}年完成了发展党员指导性计划，"
    return text + pipeline(fs)


def coverage(f: Facts, problems, *, duty: bool) -> str:
    fs = f.fs
    survey = ""
    if f.has("enterprises_surveyed"):
        if duty:
            survey = (
                f"配合县委非公工委对园区{f.v('enterprises_surveyed')}家企业逐户摸排，掌握企业经营状况、"
                "出资人身份和党员、职工人数，做到经营运行、职工队伍、党员队伍、出资人情况“四个清”，"
                "建立一企一档的党建工作台账。"
            )
        else:
            survey = (
                f"{f.year}年通过上门核对、电话访问、数据比对等方式，对园区{f.v('enterprises_surveyed')}家企业逐户摸排，"
                "确保企业经营、职工队伍、党员队伍和出资人情况“四个清”。"
            )
    build = ""
    if f.has("enterprises_with_org"):
        modes = [
            f"{label}{f.v(key)}家"
            for key, label in (
                ("enterprises_with_org_own", "单独组建"),
                ("enterprises_with_org_joint", "联合组建"),
                ("enterprises_with_org_affiliated", "挂靠组建"),
            )
            if f.has(key)
        ]
        build = (
            f"采取单独建、联合建、挂靠建等方式推进组建，已建立党组织的企业{f.v('enterprises_with_org')}家"
            f"{with_change(f, 'enterprises_with_org', '家')}，其中{'、'.join(modes)}，"
            f"党的组织覆盖率{f.rate('org_coverage_rate')}"
        )
        if f.has("enterprises_instructor_only"):
            build += (
                f"；对暂不具备组建条件的{f.v('enterprises_instructor_only')}家企业选派党建指导员，"
                f"党的工作覆盖率{f.rate('work_coverage_rate')}"
            )
        build += "。"
        founded = founded_this_year(fs)
        if founded:
            build += f"全年新成立{names([o.name for o in founded], limit=2, unit='个党组织')}。"
    else:
        ready, few = f.n("enterprises_should_form"), f.n("enterprises_few_members")
        if f.has("enterprises_instructor_only"):
            build = f"已向{f.v('enterprises_instructor_only')}家企业选派党建指导员"
            if f.has("instructors"):
                build += f"，由{f.v('instructors')}名党建指导员负责联系指导"
            build += "，党的工作覆盖率" + f.rate("work_coverage_rate") + "。"
        elif f.has("enterprises_total"):
            build = "目前还没有向企业选派党建指导员。"
        if duty and (ready or few):
            split = [f"党员达到3名以上的企业{ready}家" if ready else "", f"有1至2名党员的企业{few}家" if few else ""]
            build = f"摸排发现{'，'.join(s for s in split if s)}。" + build
    build += forming_phrase(f)
    example = ""
    points_ = demonstration_points(fs)
    grow = "" if duty else development(f, problems)
    if points_ and not duty:
        levels = Counter(org.demonstration_level for org in points_)
        said = "、".join(
            f"{LEVELS[level]}{levels[level]}个" for level in ("province", "city", "county") if levels[level]
        )
        top = points_[0]
        example = (
            f"注重抓点带面，现有党建示范点{len(points_)}个（{said}），"
            f"{top.name}被命名为{LEVELS.get(top.demonstration_level, '')}党建示范点。"
        )
    building = "因企施策，推进组建" if f.has("enterprises_with_org") else "选派指导员，做好组建准备"
    if duty:
        return points([("建立台账，摸清底数", survey), (building, build)]) or build
    building = "分类推进组建" if f.has("enterprises_with_org") else "选派党建指导员"
    return points([("全面摸底调查", survey), (building, build), ("严把发展质量", grow), ("培育示范典型", example)]) or (
        "园区将把摸清企业和党员底数作为推进“两个覆盖”的第一步。"
    )


def inspections(f: Facts) -> str:
    done = []
    present = []
    for department, (who, what) in DEPARTMENTS.items():
        key = f"joint_inspections_{department.value}"
        if not f.has(key):
            continue
        present.append(department)
        text = f"联合{who}{what}{f.v(key)}次"
        if department == PartnerDepartment.SAFETY and f.has(f"joint_inspection_person_times_{department.value}"):
            text += f"、{f.v(f'joint_inspection_person_times_{department.value}')}人次"
        if department == PartnerDepartment.HOUSING and f.has("infrastructure_repairs"):
            text += f"，解决道路破损、路灯管网等基础设施问题{f.v('infrastructure_repairs')}件"
        done.append(text)
    text = ""
    if done:
        short = "、".join(DEPARTMENT_SHORT[d] for d in present if d in DEPARTMENT_SHORT)
        lead = f"园区联合{short}等部门" if short else "园区联合相关职能部门"
        text = f"{lead}深入企业开展服务，发挥行业部门优势帮助企业解决实际困难。{f.year}年，" + "；".join(done) + "。"
    if f.has("owner_symposiums") or f.has("infrastructure_solved"):
        meet = f"召开园区业主座谈会{f.v('owner_symposiums')}次，" if f.has("owner_symposiums") else ""
        solved = (
            f"协调解决用地、用水、用电等基础设施配套问题{f.v('infrastructure_solved')}个"
            if f.has("infrastructure_solved")
            else "听取企业意见建议"
        )
        text += f"{'' if text else '园区'}{meet}{solved}"
        if f.fs["requests_satisfaction_rate"].value is not None:
            text += f"，企业对诉求办理结果表示满意的占{f.rate('requests_satisfaction_rate')}"
        text += "。"
    return text or "园区将联合应急、环保、市场监管、住建等部门深入企业开展服务，帮助企业解决生产经营中的实际困难。"


def request_categories(f: Facts) -> str:
    """其中用电9项、用地7项…: every category received, the most frequent first."""
    rows = [
        (point.value, REQUEST_NAMES[point.part])
        for point in series(f.fs, "requests_by_category").points
        if point.value and point.part in REQUEST_NAMES
    ]
    rows.sort(key=lambda row: -row[0])
    return "、".join(f"{name}{count}项" for count, name in rows)


def request_example(f: Facts) -> str:
    request = biggest_request(f.fs)
    if request is None:
        return ""
    who = f"{request.enterprise.name}反映的" if request.enterprise_id else ""
    unit = f"经{request.handler_unit}协调，" if request.handler_unit else ""
    served = {
        RequestCategory.TALENT_FLAT: (
            f"为{request.people_served}名员工安排人才公寓{request.quantity}套"
            if request.quantity and request.people_served
            else ""
        ),
        RequestCategory.SCHOOLING: f"解决{request.people_served}名职工子女就学" if request.people_served else "",
    }.get(request.category, f"惠及{request.people_served}人" if request.people_served else "")
    closed = f"于{month_day(request.closed_on)}办结" if request.closed_on else "已办结"
    alone = sum(1 for r in base.requests_of_year(f.fs) if r.closed and r.category == request.category) == 1
    if alone:
        served = ""  # the category's total already says what this one request served
    return f"如{who}“{request.title}”，{unit}{closed}" + (f"，{served}" if served else "") + "。"


def service_positions(f: Facts) -> str:
    fs = f.fs
    offline = [c for c in centres(fs) if c.kind == "offline"]
    online = [c for c in centres(fs) if c.kind == "online"]
    place = ""
    if offline:
        centre = offline[0]
        place = f"建成{centre.name}"
        place += f"，面积{centre.area_sqm}平方米" if centre.area_sqm else ""
        place += f"，设有{centre.description.strip('。')}" if centre.description else ""
        place += "，作为园区党组织活动、服务企业的主阵地"
        if f.has("centre_activities"):
            place += f"，全年在中心举办培训、座谈等活动{f.v('centre_activities')}次"
        place += "。"
    platform = ""
    if online:
        centre = online[0]
        where = f"（{centre.address}）" if centre.address and centre.address not in centre.name else ""
        platform = f"开通“{centre.name.removesuffix('线上服务平台').removesuffix('平台')}”线上服务平台{where}"
        platform += f"，提供{centre.description.strip('。')}等服务" if centre.description else ""
        platform += "。"
    guides = ""
    if f.has("instructors"):
        guides = f"园区现有党建指导员{f.v('instructors')}名"
        if f.has("instructor_score_average"):
            guides += (
                f"，实行按季度考核、量化打分，{f.year}年平均得分{f.v('instructor_score_average')}分，"
                "以考核促指导员履职尽责"
            )
        guides += "。"
    requests = ""
    if f.has("requests_received"):
        categories = request_categories(f)
        requests = f"{f.year}年共受理企业诉求{f.v('requests_received')}项{with_change(f, 'requests_received', '项')}"
        requests += f"，其中{categories}" if categories else ""
        requests += (
            f"；办结{f.v('requests_closed')}项，办结率{f.rate('requests_closure_rate')}。"
            if f.has("requests_closed")
            else "。"
        )
        people = []
        if f.has("talent_flats"):
            people.append(f"为{flat_people(f)}提供人才公寓{f.v('talent_flats')}套")
        if f.has("schooling_solved"):
            people.append(f"解决职工子女就学{f.v('schooling_solved')}人")
        requests += ("，".join(people) + "。") if people else ""
        requests += request_example(f)
    return (
        points(
            [
                ("建好线下阵地", place),
                ("用好线上平台", platform),
                ("管好指导员队伍", guides),
                ("办好企业诉求", requests),
            ]
        )
        or "园区将依托党群服务中心和线上平台受理企业诉求，为企业和职工提供便捷服务。"
    )


def no_problem(f: Facts) -> str:
    return (
        "党建工作特色还不够鲜明。台账数据没有反映出突出问题，但园区党建工作的经验做法总结提炼不够，"
        "在全县叫得响的党建品牌还不多。"
    )


# Situation: suggestions -------------------------------------------------------------------------


def awareness(f: Facts) -> str:
    text = (
        "园区党建工作的成效关系到园区企业健康发展，也关系到全县高质量发展考评。园区要把抓好党建作为最大的政绩，"
        "切实增强做好非公企业党建工作的责任感和使命感"
    )
    if f.has("enterprises_total"):
        share = f.n("investors_members") / f.n("enterprises_total")
        if share < 0.5:
            count = (
                f"出资人是党员的只有{f.v('investors_members')}家"
                if f.has("investors_members")
                else "出资人中还没有党员"
            )
            text += (
                f"，加强对企业出资人的宣传引导（{f.v('enterprises_total')}家企业中{count}），争取更多企业主支持党建工作"
            )
    return text


def force_measures(f: Facts) -> list[str]:
    found = []
    if f.has("instructors"):
        found.append(
            f"加强对{f.v('instructors')}名党建指导员的调度管理，定期发布重点工作任务提醒，及时向县委组织部反馈工作中的问题"
        )
    if f.has("orgs_total"):
        found.append("每年对企业党组织书记、党务工作者和党建指导员至少开展一轮专题培训，提升抓党建的能力")
    return found


def focus_measures(f: Facts) -> list[str]:
    found = []
    if f.has("orgs_forming"):
        found.append(f"推动正在组建的{f.v('orgs_forming')}个党组织尽早完成组建")
    found.append("每季度摸排一次企业和党员流动情况，做到新建一个、巩固一个")
    return found


def model_measures(f: Facts) -> list[str]:
    if not f.has("orgs_total"):
        return []
    cited = [org.name for org in demonstration_points(f.fs)[:1]]
    best = best_run(f.fs)
    if best is not None and best.organization.name not in cited:
        cited.append(best.organization.name)
    lead = f"总结推广{'、'.join(cited)}等党组织的经验做法，" if cited else "总结推广先进党组织的经验做法，"
    return [lead + "培育一批党建示范点，形成特色鲜明的园区党建工作品牌"]


# Duty: the park, the work, causes and plans ----------------------------------------------------


def awards_vary(f: Facts) -> str:
    """不等 after a range of amounts, nothing after a single amount."""
    low, high = f.fs["performance_award_range"].value
    return "不等" if low != high else ""


def sub_park(f: Facts) -> bool:
    return f.fs.park is not None and f.fs.park.parent_id is not None


def background(f: Facts) -> str:
    """How the zone was formed (一区五园), from the parks' records; "" when nothing is recorded."""
    found = integration(f.fs)
    if found is None:
        return ""
    zone, parks, core = found.zone, found.parks, found.core
    count = f"“一区{cn_number(len(parks))}园”"
    if f.fs.park.pk != zone.pk:
        park = f.fs.park
        if park.is_core:
            return f"{park.name}是{zone.name}{count}的核心园区。"
        joined = f"{park.integrated_on.year}年整合纳入{zone.name}，" if park.integrated_on else f"属于{zone.name}，"
        return f"{park.name}{joined}是{count}中的一园。"
    if not zone.integration_principle and not found.integrated:
        return f"{zone.name}由{'、'.join(p.name for p in parks)}组成，形成{count}的发展格局。"
    text = f"按照{zone.integration_principle}的工作思路，" if zone.integration_principle else ""
    years = found.integrated_years
    when = f"{years[0]}年" if len(years) == 1 else ""
    integrated = found.integrated or [p for p in parks if p != core]
    text += f"{when}将{'、'.join(p.name for p in integrated)}{len(integrated)}个园区整合纳入{zone.name}统一管理"
    if core is not None:
        text += f"，以{core.name}为核心"
    pattern = f"{zone.development_pattern}的" if zone.development_pattern else ""
    return text + f"，构建起{pattern}{count}产业发展平台。"


def duty_overview(f: Facts, park_name: str) -> str:
    enterprises = enterprises_by_status(f)
    if f.has("orgs_total"):
        first = f"{park_name}{enterprises}" if enterprises else park_name
        first += f"；已建立党组织的企业{f.v('enterprises_with_org')}家，" if f.has("enterprises_with_org") else "；"
        first += f"共有基层党组织{f.v('orgs_total')}个"
        first += f"、党员{f.v('members_total')}名。" if f.has("members_total") else "。"
    elif enterprises:
        first = f"{park_name}{enterprises}，目前还没有建立党组织"
        if f.has("members_outside_organizations"):
            first += f"，企业中有党员{f.v('members_outside_organizations')}名"
        first += "。"
    else:
        first = f"{park_name}尚未开展企业摸排，也还没有建立党组织。"
    if not f.has("orgs_total"):
        return (
            first + f"{f.year}年，园区把摸清企业和党员底数、推进党组织组建作为党建工作的起点，"
            "逐步打开非公企业党建工作局面。现将履职情况报告如下。"
        )
    return (
        first + f"{f.year}年，园区把加强非公企业党建作为基层党建的重要任务，夯基础、补短板、强服务，"
        "各项工作有序推进。现将履职情况报告如下。"
    )


def management(f: Facts) -> str:
    mechanism = ""
    county, township = f.n("orgs_managed_by_county"), f.n("orgs_managed_by_township")
    if county or township:
        found = integration(f.fs)
        spread = f"针对“一区{cn_number(len(found.parks))}园”布局相对分散的实际，" if found else ""
        parts = []
        if county:
            parts.append(f"{county}个企业党组织由县委非公工委直接管理、园区协同配合")
        if township:
            parts.append(f"{township}个企业党组织由所在乡镇党委负责日常管理、园区协同配合")
        mechanism = f"{spread}配合县委非公工委健全工作网络，{'；'.join(parts)}，形成工作合力。"
    if f.has("secretary_trainings"):
        organizers = secretary_training_organizers(f.fs)
        by = f"{names(organizers, limit=4, unit='个单位')}举办的" if organizers else ""
        times = f"、{f.v('secretary_training_person_times')}人次" if f.has("secretary_training_person_times") else ""
        mechanism += (
            f"组织园区企业党组织书记参加{by}培训班{f.v('secretary_trainings')}场次{times}，提升抓党建工作的能力。"
        )
    support = []
    if f.has("startup_funds"):
        each = "每个" if f.n("startup_funds") > 1 else ""
        support.append(f"为新成立的{f.v('startup_funds')}个党组织落实启动资金{each}{f.v('startup_fund_per_org')}元")
    if f.has("secretary_allowance_total"):
        support.append(f"按每月{f.v('secretary_allowance')}元标准发放党组织书记岗位津贴")
    guarantee = "，".join(support) + "。" if support else ""
    if f.has("performance_awards"):
        guarantee += (
            f"年底对党组织书记履职情况进行考核，评选优秀党组织书记{f.v('performance_awards')}名，"
            f"发放绩效奖励{f.v('performance_award_range')}元{awards_vary(f)}，在园区形成比学赶超抓党建的氛围。"
        )
    if not f.has("orgs_total"):
        groundwork = ""
        if f.has("instructors"):
            groundwork = f"明确{f.v('instructors')}名党建指导员联系企业，指导党员较多的企业做好组建准备。"
        return points([("理顺管理机制", mechanism), ("打好工作基础", groundwork)]) or (
            "园区党组织尚未建立，党建工作以摸清底数、做好组建准备为主，为规范管理打基础。"
        )
    return points([("理顺管理机制", mechanism), ("落实保障措施", guarantee)]) or (
        "园区健全企业党组织管理机制，落实党建工作保障措施。"
    )


def enterprise_services(f: Facts) -> str:
    serve = []
    if f.has("owner_symposiums"):
        serve.append(f"全年召开业主座谈会{f.v('owner_symposiums')}次")
    if f.has("infrastructure_solved"):
        serve.append(f"深入企业和项目工地，协调解决用地、用水、用电等基础设施配套问题{f.v('infrastructure_solved')}个")
    if f.has("requests_policy"):
        serve.append(f"解答惠企政策咨询{f.v('requests_policy')}项，帮助企业用好省、市、县惠企政策")
    first = ("，".join(serve) + "。") if serve else ""
    if f.has("requests_received"):
        first += f"园区共受理企业诉求{f.v('requests_received')}项"
        first += (
            f"、办结{f.v('requests_closed')}项，办结率{f.rate('requests_closure_rate')}。"
            if f.has("requests_closed")
            else "，目前都还在办理中。"
        )
        first += request_example(f)
    talent = []
    if f.has("employee_trainings"):
        where = "依托党群服务中心" if f.has("service_centers") else ""
        times = f"、{f.v('employee_training_person_times')}人次" if f.has("employee_training_person_times") else ""
        talent.append(f"{where}开展职工安全教育和技能培训{f.v('employee_trainings')}场次{times}")
    if f.has("talent_flats"):
        talent.append(f"为园区{flat_people(f)}提供人才公寓{f.v('talent_flats')}套")
    if f.has("schooling_solved"):
        talent.append(f"解决职工子女就学{f.v('schooling_solved')}人")
    second = ("，".join(talent) + "，为企业引进人才解决后顾之忧。") if talent else ""
    return points([("做好入园企业服务", first), ("做好企业人才保障", second)]) or (
        "在企业摸排中同步了解企业生产经营中的困难和诉求，为企业投产达效做好服务。"
    )


def causes(f: Facts) -> str:
    """The roots behind the problems (each problem already says its own cause): attitudes, positions, set-up."""
    found = []
    if f.has("enterprises_total") and f.n("investors_members") / f.n("enterprises_total") < 0.5:
        count = (
            f"{f.v('enterprises_total')}家企业中出资人是党员的只有{f.v('investors_members')}家"
            if f.has("investors_members")
            else f"{f.v('enterprises_total')}家企业的出资人中还没有党员"
        )
        found.append(
            f"思想认识还不到位，部分企业出资人重经营、轻党建，{count}，对建立党组织、支持党组织开展活动积极性不高"
        )
    offline = [c for c in centres(f.fs) if c.kind == "offline"]
    if offline and f.has("orgs_total"):
        held = f"，全年在党群服务中心开展的活动{f.v('centre_activities')}次" if f.has("centre_activities") else ""
        found.append(f"党建活动载体还不够丰富{held}，企业党组织和职工的参与面还不广，党组织作用发挥不够明显")
    elif f.has("enterprises_total") and not sub_park(f):  # a sub-park uses its zone's centre
        found.append("园区还没有建成线下党群服务中心，党建活动缺少固定阵地，活动形式比较单一")
    spread = integration(f.fs)
    if spread is not None and len(spread.parks) > 1 and f.fs.park.pk == spread.zone.pk:
        found.append(
            f"“一区{cn_number(len(spread.parks))}园”分布相对分散，园区党建工作机构和管理体系还不健全，统筹调度的力度不够"
        )
    if not found:
        found.append("园区党建工作起步较晚、基础较薄弱，抓党建促发展的经验还不多")
    if len(found) == 1:
        return f"从深层次分析，问题产生的主要原因是{found[0]}。"
    return "从深层次分析，问题产生的原因主要有：" + listed(found)


def coverage_plans(f: Facts) -> list[str]:
    found = []
    if f.has("orgs_forming"):
        found.append(f"推动正在组建的{f.v('orgs_forming')}个党组织尽早成立，防止党组织“边建边散”")
    found.append("新入园企业第一时间派出党建指导员，加强对企业业主和管理人员的党建宣传引导")
    return found


def management_plans(f: Facts) -> list[str]:
    if not f.has("orgs_total"):
        return []
    if f.has("service_centers") or sub_park(f):
        return ["持续抓好党群服务中心建设，完善中心各项管理制度，用好线上线下服务阵地"]
    return ["建设园区党群服务中心，为企业党组织和党员提供活动阵地"]


def organ_plans(f: Facts) -> list[str]:
    found = ["提请县委配齐配强园区党建工作力量，健全园区党建工作机构和管理体系，着力补短板、强弱项"]
    if f.has("instructors"):
        found.append(f"完善党建指导员考核办法，发挥{f.v('instructors')}名指导员联系企业的作用")
    return found
