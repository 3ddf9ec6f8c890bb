"""What the import tests share: the import world, the two survey sheets' headers and rows, and the import run.

The import world (``import_world`` fixture in ``conftest.py``) is not the
shared ``world`` of ``tests/personas.py``: the import resolves parks,
organizations and instructors by name, so it has its own names — zone
``ZONE`` with sub-park ``ZONE-W`` (城西园区), and a park ``OTHER`` apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import openpyxl
from django.utils import translation
from django.utils.translation import gettext

from members.models import Member, MembershipEvent
from organizations.models import Enterprise, EnterpriseSurvey, FormationMode
from parkparty.core.imports import run_import
from parkparty.core.models import ImportBatch

from . import factories as f

ENTERPRISE_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所属园区",
    "经营状态",
    "所属行业",
    "成立日期",
    "职工人数",
    "党员人数",
    "出资人（负责人）",
    "出资人是否党员",
    "出资人联系电话",
    "党组织覆盖方式",
    "所属党组织",
    "党建指导员",
    "摸排日期",
    "备注",
]
MEMBER_HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "学历",
    "手机号码",
    "所在党组织",
    "工作单位统一社会信用代码",
    "人员类别",
    "入党日期",
    "转正日期",
    "党员状态",
    "是否生产一线",
    "备注",
]


def zh(msgid: str, **values) -> str:
    """The message as the user reads it (zh-hans catalogue)."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    return text % values if values else text


def write_xlsx(path, headers, rows, *, active_second: bool = False, extra_sheet_first: bool = False):
    """A workbook whose first sheet holds ``headers`` and ``rows`` (lists or dicts by header)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(headers)
    for row in rows:
        if isinstance(row, dict):
            row = [row.get(h, "") for h in headers]
        sheet.append(row)
    other = book.create_sheet("其他")
    other.append(["无关"])
    if active_second:
        book.active = 1
    book.save(path)
    return path


def enterprise_row(n: int, **values) -> dict:
    row = {
        "统一社会信用代码": f.make_uscc(n),
        "企业名称": f"导入企业{n}有限公司",
        "经营状态": "已投产运营",
        "所属行业": "电子信息",
        "成立日期": "2018-05-20",
        "职工人数": 120,
        "党员人数": 3,
        "出资人（负责人）": "张三",
        "出资人是否党员": "否",
        "出资人联系电话": "13800000000",
        "党组织覆盖方式": "未建",
        "摸排日期": "2023-06-30",
    }
    row.update(values)
    return row


def member_row(n: int, **values) -> dict:
    row = {
        "姓名": f"党员{n}",
        "公民身份号码": f.make_resident_id(n),
        "民族": "汉族",
        "学历": "大学本科",
        "手机号码": "13900000000",
        "所在党组织": "甲公司党支部",
        "人员类别": "正式党员",
        "入党日期": "2015-07-01",
        "转正日期": "2016-07-01",
        "党员状态": "正常",
        "是否生产一线": "是",
    }
    row.update(values)
    return row


@dataclass
class ImportWorld:
    zone: object
    sub: object
    other: object
    org: object
    joint: object
    instructor: object
    staff: object


def build_import_world() -> ImportWorld:
    """Zone ZONE with sub-park ZONE-W, a park OTHER apart; organizations, instructors and a zone staff user."""
    zone = f.ParkFactory(code="ZONE", name="测试工业园区")
    sub = f.ParkFactory(code="ZONE-W", name="城西园区", parent=zone)
    other = f.ParkFactory(code="OTHER", name="邻县园区")
    org = f.PartyOrganizationFactory(name="甲公司党支部", park=zone)
    joint = f.PartyOrganizationFactory(name="城西联合党支部", park=sub, formation_mode=FormationMode.JOINT)
    instructor = f.InstructorFactory(name="李指导", park=zone)
    f.InstructorFactory(name="王重名", park=zone)
    f.InstructorFactory(name="王重名", park=sub)
    f.PartyOrganizationFactory(name="外园党支部", park=other)
    staff = f.ParkStaffFactory(park=zone)
    return ImportWorld(zone, sub, other, org, joint, instructor, staff)


def counts() -> tuple:
    """Every record an import could write, with its history."""
    return (
        Enterprise.objects.count(),
        Enterprise.history.count(),
        EnterpriseSurvey.objects.count(),
        EnterpriseSurvey.history.count(),
        Member.objects.count(),
        Member.history.count(),
        MembershipEvent.objects.count(),
        MembershipEvent.history.count(),
        ImportBatch.objects.count(),
    )


def enterprises(path, import_world, *, commit=True, user=None, park=None):
    with translation.override("zh-hans"):
        return run_import("enterprises", path, park=park or import_world.zone, user=user, commit=commit)


def members(path, import_world, *, commit=True, user=None, park=None):
    with translation.override("zh-hans"):
        return run_import("members", path, park=park or import_world.zone, user=user, commit=commit)
