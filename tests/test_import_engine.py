"""The Excel import engine: mapping, references, validation, upsert, history and the batch log."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from members.models import EventKind, Member, MemberCategory
from organizations.models import CoverageMode, Enterprise, EnterpriseStatus, EnterpriseSurvey
from parkparty.core.imports import IMPORT_KINDS, RowError, sha256_of, write_template
from parkparty.core.models import ImportBatch

from . import factories as f
from .importing import (
    ENTERPRISE_HEADERS,
    MEMBER_HEADERS,
    counts,
    enterprise_row,
    enterprises,
    member_row,
    members,
    write_xlsx,
    zh,
)

pytestmark = pytest.mark.django_db


def only_error(result) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# --------------------------------------------------------------------------- enterprises


def test_import_creates_enterprises_with_dated_history_survey_and_batch(import_world, tmp_path):
    rows = [
        enterprise_row(
            1, 所属园区="城西园区", 党组织覆盖方式="联合建", 所属党组织="城西联合党支部", 党建指导员="李指导"
        ),
        enterprise_row(2, 所属园区="ZONE", 党组织覆盖方式="单独建", 所属党组织="甲公司党支部"),
        enterprise_row(3),
    ]
    path = write_xlsx(tmp_path / "survey.xlsx", ENTERPRISE_HEADERS, rows)
    result = enterprises(path, import_world, user=import_world.staff)
    assert result.ok, result.errors
    assert (result.total, result.created, result.updated, result.unchanged, result.rejected) == (3, 3, 0, 0, 0)
    first = Enterprise.objects.get(uscc=f.make_uscc(1))
    assert (
        first.park == import_world.sub
        and first.organization == import_world.joint
        and first.instructor == import_world.instructor
    )
    assert first.coverage_mode == CoverageMode.JOINT and first.surveyed_on == datetime.date(2023, 6, 30)
    assert first.founded_on == datetime.date(2018, 5, 20) and first.employees == 120 and first.version == 1
    third = Enterprise.objects.get(uscc=f.make_uscc(3))
    assert third.park == import_world.zone and third.no_organization_reason == "should_have"
    entry = first.history.get()
    assert entry.history_user == import_world.staff and entry.history_type == "+"
    assert timezone.localtime(entry.effective_at).date() == datetime.date(2023, 6, 30)
    assert entry.history_date >= entry.effective_at and entry.history_change_reason == "import"  # real time
    survey = EnterpriseSurvey.objects.get(enterprise=first)
    assert survey.surveyed_on == datetime.date(2023, 6, 30) and survey.employees == 120 and survey.members == 3
    assert survey.history.get().history_user == import_world.staff
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.park, batch.user, batch.created) == (
        "enterprises",
        import_world.zone,
        import_world.staff,
        3,
    )
    assert batch.sha256 == sha256_of(path) and len(batch.sha256) == 64
    assert result.batch == batch


def test_reimporting_the_same_file_changes_nothing_and_writes_no_history(import_world, tmp_path):
    path = write_xlsx(tmp_path / "survey.xlsx", ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(5)])
    assert enterprises(path, import_world).created == 5
    before = counts()
    again = enterprises(path, import_world)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 5)
    after = counts()
    assert after[:-1] == before[:-1]  # only the batch log grew
    assert after[-1] == before[-1] + 1


def test_upsert_updates_existing_enterprise_by_credit_code_with_history(import_world, tmp_path):
    existing = f.EnterpriseFactory(uscc=f.make_uscc(7), park=import_world.zone, employees=10, name="旧名称")
    old = timezone.make_aware(datetime.datetime(2020, 1, 1, 12))
    existing.history.update(history_date=old, effective_at=old)
    f.EnterpriseFactory(park=import_world.zone)  # untouched neighbour
    path = write_xlsx(
        tmp_path / "survey.xlsx", ENTERPRISE_HEADERS, [enterprise_row(7, 职工人数=692.0, 摸排日期="2024/3/5")]
    )
    result = enterprises(path, import_world, user=import_world.staff)
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 1, 0)
    existing.refresh_from_db()
    assert existing.employees == 692 and existing.name == "导入企业7有限公司" and existing.version == 2
    assert existing.history.count() == 2  # the factory's entry and the import's
    entry = existing.history.latest()
    assert entry.history_type == "~" and entry.history_user == import_world.staff
    assert timezone.localtime(entry.effective_at).date() == datetime.date(2024, 3, 5)
    assert existing.surveys.get().surveyed_on == datetime.date(2024, 3, 5)


def test_preview_validates_and_writes_nothing(import_world, tmp_path):
    path = write_xlsx(tmp_path / "survey.xlsx", ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(3)])
    before = counts()
    result = enterprises(path, import_world, commit=False)
    assert result.ok and result.created == 3 and not result.committed
    assert counts() == before


def test_numbers_as_floats_and_three_date_formats_and_date_cells(import_world, tmp_path):
    rows = [
        enterprise_row(1, 职工人数=692.0, 党员人数=2.0, 成立日期="2023-06-30"),
        enterprise_row(2, 成立日期="2023/6/30", 摸排日期=datetime.datetime(2023, 7, 1)),
        enterprise_row(3, 成立日期="2023年6月30日", 摸排日期=datetime.date(2023, 7, 2)),
    ]
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, rows), import_world)
    assert result.ok, result.errors
    found = {e.uscc: e for e in Enterprise.objects.all()}
    assert found[f.make_uscc(1)].employees == 692 and found[f.make_uscc(1)].surveyed_members == 2
    assert {e.founded_on for e in found.values()} == {datetime.date(2023, 6, 30)}
    assert found[f.make_uscc(2)].surveyed_on == datetime.date(2023, 7, 1)
    assert found[f.make_uscc(3)].surveyed_on == datetime.date(2023, 7, 2)


def test_headers_match_after_trimming_full_width_spaces_and_nfkc(import_world, tmp_path):
    headers = list(ENTERPRISE_HEADERS)
    headers[0] = "\u3000统一社会信用代码 "
    headers[1] = " 企业 名称"
    headers[8] = "出资人(负责人)"  # half-width brackets
    rows = [[enterprise_row(1).get(h, "") for h in ENTERPRISE_HEADERS]]
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", headers, rows), import_world)
    assert result.ok, (result.file_error, result.errors)
    assert Enterprise.objects.get().investor_name == "张三"


def test_missing_required_column_is_one_error_naming_it_and_nothing_is_written(import_world, tmp_path):
    headers = [h for h in ENTERPRISE_HEADERS if h != "企业名称"]
    rows = [[enterprise_row(1).get(h, "") for h in headers]]
    before = counts()
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", headers, rows), import_world)
    assert not result.ok and "企业名称" in result.file_error and not result.errors
    assert counts() == before


def test_wrong_headers_are_refused(import_world, tmp_path):
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", ["名称", "代码"], [["甲", "乙"]]), import_world)
    assert "统一社会信用代码" in result.file_error and "企业名称" in result.file_error
    assert Enterprise.objects.count() == 0


def test_extra_columns_are_ignored_with_a_warning(import_world, tmp_path):
    headers = [*ENTERPRISE_HEADERS, "联系人微信"]
    rows = [[*(enterprise_row(1).get(h, "") for h in ENTERPRISE_HEADERS), "abc"]]
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", headers, rows), import_world)
    assert result.ok and result.created == 1
    assert any("联系人微信" in w for w in result.warnings)


def test_blank_rows_are_skipped_and_row_numbers_stay_excel_rows(import_world, tmp_path):
    rows = [enterprise_row(1), [], ["", "  ", None], enterprise_row(2, 经营状态="倒闭")]
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, rows), import_world)
    error = only_error(result)
    assert (error.row, error.column) == (5, "经营状态")
    assert error.message == zh(
        "“%(value)s” is not in the list; choose one of: %(choices)s.",
        value="倒闭",
        choices="已投产运营、在建、停产、注销",
    )
    assert result.total == 2 and result.rejected == 1
    assert str(error) == f"第5行 经营状态: {error.message}"
    assert Enterprise.objects.count() == 0  # one bad row: nothing written


def test_the_first_sheet_by_position_is_read_not_the_active_one(import_world, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1)], active_second=True)
    result = enterprises(path, import_world)
    assert result.ok and result.created == 1


def test_bad_credit_code_checksum_is_a_row_error(import_world, tmp_path):
    good = f.make_uscc(1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = enterprises(
        write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1, 统一社会信用代码=bad)]), import_world
    )
    error = only_error(result)
    assert (error.row, error.column) == (2, "统一社会信用代码")
    assert error.message == zh(
        "The check character of this unified social credit code is wrong; please check the code."
    )
    assert Enterprise.objects.count() == 0


def test_duplicate_key_inside_the_file_is_a_row_error(import_world, tmp_path):
    rows = [enterprise_row(1), enterprise_row(2), enterprise_row(1, 企业名称="重复")]
    before = counts()
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, rows), import_world)
    error = only_error(result)
    assert (error.row, error.column) == (4, "统一社会信用代码")
    assert error.message == zh("“%(value)s” already appears on row %(row)d of this file.", value=f.make_uscc(1), row=2)
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "column", "msgid", "params"),
    [
        (
            {"所属园区": "不存在园区"},
            "所属园区",
            "There is no park named or coded “%(value)s”.",
            {"value": "不存在园区"},
        ),
        (
            {"所属园区": "OTHER"},
            "所属园区",
            "“%(value)s” is not %(park)s or one of its sub-parks; you may import only into them.",
            {"value": "OTHER", "park": "测试工业园区"},
        ),
        (
            {"党组织覆盖方式": "单独建", "所属党组织": "外园党支部"},
            "所属党组织",
            "There is no Party organization named “%(value)s” in %(park)s or its sub-parks.",
            {"value": "外园党支部", "park": "测试工业园区"},
        ),
        (
            {"党建指导员": "查无此人"},
            "党建指导员",
            "There is no Party-building instructor named “%(value)s” in %(park)s or its sub-parks.",
            {"value": "查无此人", "park": "测试工业园区"},
        ),
        (
            {"党建指导员": "王重名"},
            "党建指导员",
            "%(count)d Party-building instructors are named “%(value)s”; the name is ambiguous. "
            "Set this enterprise's instructor on its page instead.",
            {"count": 2, "value": "王重名"},
        ),
        (
            {"党组织覆盖方式": "单独建"},
            "所属党组织",
            "Choose the organization that covers this enterprise.",
            {},
        ),
        (
            {"成立日期": "2023-13-45"},
            "成立日期",
            "This is not a date. Write it as 2023-06-30, 2023/6/30 or 2023年6月30日.",
            {},
        ),
        ({"职工人数": 12.5}, "职工人数", "Enter a whole number.", {}),
        ({"职工人数": -3}, "职工人数", "The number cannot be negative.", {}),
        (
            {"出资人是否党员": "不详"},
            "出资人是否党员",
            "“%(value)s” is not in the list; choose one of: %(choices)s.",
            {"value": "不详", "choices": "是、否"},
        ),
        ({"企业名称": ""}, "企业名称", "This column must be filled in.", {}),
    ],
)
def test_row_errors_name_row_column_and_message_and_write_nothing(
    import_world, tmp_path, values, column, msgid, params
):
    rows = [enterprise_row(1), enterprise_row(2, **values)]
    before = counts()
    result = enterprises(
        write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, rows), import_world, user=import_world.staff
    )
    error = only_error(result)
    assert (error.row, error.column, error.message) == (3, column, zh(msgid, **params))
    assert counts() == before


def test_enterprise_of_another_park_cannot_be_imported(import_world, tmp_path):
    f.EnterpriseFactory(uscc=f.make_uscc(9), park=import_world.other)
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(9)]), import_world)
    error = only_error(result)
    assert error.column == "统一社会信用代码"
    assert error.message == zh("This enterprise is registered in another park; it cannot be imported here.")


def test_staff_of_a_sub_park_import_into_it_but_not_into_the_zone(import_world, tmp_path):
    sub_staff = f.ParkStaffFactory(park=import_world.sub)
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1, 所属园区="测试工业园区")])
    with pytest.raises(PermissionDenied):
        enterprises(path, import_world, user=sub_staff)
    result = enterprises(path, import_world, user=sub_staff, park=import_world.sub)
    error = only_error(result)
    assert error.message == zh(
        "“%(value)s” is not %(park)s or one of its sub-parks; you may import only into them.",
        value="测试工业园区",
        park="城西园区",
    )


@pytest.mark.parametrize("factory", [f.CountyReviewerFactory, f.UserFactory, f.SecretaryFactory])
def test_readers_and_secretaries_cannot_import(import_world, tmp_path, factory):
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1)])
    with pytest.raises(PermissionDenied):
        enterprises(path, import_world, user=factory())
    assert Enterprise.objects.count() == 0


def test_deregistered_enterprise_is_dated_on_the_survey_day(import_world, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1, 经营状态="注销")])
    assert enterprises(path, import_world).ok
    enterprise = Enterprise.objects.get()
    assert enterprise.status == EnterpriseStatus.DEREGISTERED
    assert enterprise.deregistered_on == datetime.date(2023, 6, 30)


def test_an_older_survey_only_adds_a_dated_snapshot(import_world, tmp_path):
    newer = write_xlsx(
        tmp_path / "new.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1, 职工人数=200, 摸排日期="2024-06-30")]
    )
    older = write_xlsx(
        tmp_path / "old.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1, 职工人数=100, 摸排日期="2023-06-30")]
    )
    assert enterprises(newer, import_world).ok
    result = enterprises(older, import_world)
    assert result.ok and result.updated == 1
    enterprise = Enterprise.objects.get()
    assert enterprise.employees == 200 and enterprise.surveyed_on == datetime.date(2024, 6, 30)
    assert dict(enterprise.surveys.values_list("surveyed_on", "employees")) == {
        datetime.date(2024, 6, 30): 200,
        datetime.date(2023, 6, 30): 100,
    }
    assert enterprises(older, import_world).unchanged == 1


def test_round_trip_template_fill_import(import_world, tmp_path):
    template = tmp_path / "template.xlsx"
    write_template("enterprises", template)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ENTERPRISE_HEADERS
    sheet.append([enterprise_row(4).get(h, "") for h in ENTERPRISE_HEADERS])
    book.save(template)
    result = enterprises(template, import_world)
    assert result.ok and result.created == 1


def test_template_has_text_columns_dropdowns_frozen_header_and_guide(tmp_path):
    for kind, headers in (("enterprises", ENTERPRISE_HEADERS), ("members", MEMBER_HEADERS)):
        path = tmp_path / f"{kind}.xlsx"
        write_template(kind, path)
        book = openpyxl.load_workbook(path)
        data, guide = book.worksheets[0], book.worksheets[1]
        assert [c.value for c in data[1]] == headers
        assert data.freeze_panes == "A2"
        key = 1 if kind == "members" else 0
        letter = openpyxl.utils.get_column_letter(key + 1)
        assert data.column_dimensions[letter].number_format == "@"
        lists = [dv.formula1 for dv in data.data_validations.dataValidation]
        choices = [c for c in IMPORT_KINDS[kind].columns() if c.choices]
        assert len(lists) == len(choices) >= 3
        assert [row[0].value for row in guide.iter_rows(min_row=2, max_row=len(headers) + 1)] == headers
        assert all(row[2].value for row in guide.iter_rows(min_row=2, max_row=len(headers) + 1))
    book = openpyxl.load_workbook(tmp_path / "enterprises.xlsx")
    formulas = {dv.formula1 for dv in book.worksheets[0].data_validations.dataValidation}
    assert '"已投产运营,在建,停产,注销"' in formulas and '"单独建,联合建,挂靠建,未建"' in formulas


def test_write_template_accepts_a_file_object(tmp_path):
    import io

    buffer = io.BytesIO()
    write_template("members", buffer)
    assert buffer.getvalue()[:2] == b"PK"


# --------------------------------------------------------------------------- members


def test_import_members_creates_members_with_admission_events(import_world, tmp_path):
    enterprise = f.EnterpriseFactory(uscc=f.make_uscc(50), park=import_world.zone)
    rows = [
        member_row(1, 工作单位统一社会信用代码=f.make_uscc(50)),
        member_row(2, 人员类别="预备党员", 入党日期="2024年1月5日", 转正日期="", 学历="研究生"),
    ]
    path = write_xlsx(tmp_path / "roster.xlsx", MEMBER_HEADERS, rows)
    result = members(path, import_world, user=import_world.staff)
    assert result.ok, result.errors
    assert result.created == 2
    first = Member.objects.get(id_number=f.make_resident_id(1))
    assert first.organization == import_world.org and first.enterprise == enterprise and first.gender
    assert first.is_frontline and first.category == MemberCategory.FULL
    entry = first.history.get()
    assert entry.history_user == import_world.staff
    assert timezone.localtime(entry.effective_at).date() == datetime.date(2015, 7, 1)
    kinds = dict(first.events.values_list("kind", "date"))
    assert kinds == {EventKind.ADMITTED: datetime.date(2015, 7, 1), EventKind.CONFIRMED_FULL: datetime.date(2016, 7, 1)}
    second = Member.objects.get(id_number=f.make_resident_id(2))
    assert second.category == MemberCategory.PROBATIONARY and second.joined_on == datetime.date(2024, 1, 5)
    event = second.events.get()
    assert event.kind == EventKind.ADMITTED and event.history.get().history_user == import_world.staff
    before = counts()
    again = members(path, import_world, user=import_world.staff)
    assert again.ok and again.unchanged == 2 and counts()[:-1] == before[:-1]


def test_member_upsert_confirms_a_probationary_member(import_world, tmp_path):
    member = f.MemberFactory(id_number=f.make_resident_id(3), organization=import_world.org, probationary=True)
    path = write_xlsx(
        tmp_path / "r.xlsx", MEMBER_HEADERS, [member_row(3, 入党日期="2022-07-01", 转正日期="2023-07-01")]
    )
    result = members(path, import_world, user=import_world.staff)
    assert result.ok and result.updated == 1, result.errors
    member.refresh_from_db()
    assert member.category == MemberCategory.FULL and member.full_on == datetime.date(2023, 7, 1)
    assert member.events.get().kind == EventKind.CONFIRMED_FULL
    assert member.history.latest().history_user == import_world.staff


def test_numeric_id_cell_rounded_by_excel_is_a_row_error(import_world, tmp_path):
    rows = [member_row(1, 公民身份号码=3.60426199001011e17)]
    before = counts()
    result = members(write_xlsx(tmp_path / "r.xlsx", MEMBER_HEADERS, rows), import_world)
    error = only_error(result)
    assert (error.row, error.column) == (2, "公民身份号码")
    assert "3.60426199001011e+17" in error.message
    assert error.message == zh(
        "Excel stored this code as a number and rounded it (%(value)s). Format the column as "
        "text and type the code again.",
        value="3.60426199001011e+17",
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "column", "msgid"),
    [
        (
            {"公民身份号码": "360426199001011235"},
            "公民身份号码",
            "The check digit of this resident ID number is wrong; please check the number.",
        ),
        (
            {"转正日期": "2016-01-01"},
            "转正日期",
            "Full membership comes at least one year after joining (the probation period).",
        ),
        ({"入党日期": "2000-01-01"}, "入党日期", "A member must be at least 18 years old on joining the Party."),
        ({"人员类别": "预备党员"}, "转正日期", "A probationary member has no full-membership date yet."),
        ({"入党日期": ""}, "入党日期", "This column must be filled in."),
    ],
)
def test_member_row_errors(import_world, tmp_path, values, column, msgid):
    before = counts()
    result = members(
        write_xlsx(tmp_path / "r.xlsx", MEMBER_HEADERS, [member_row(1), member_row(2, **values)]), import_world
    )
    error = only_error(result)
    assert (error.row, error.column, error.message) == (3, column, zh(msgid))
    assert counts() == before


def test_member_unknown_organization_and_enterprise(import_world, tmp_path):
    rows = [member_row(1, 所在党组织="外园党支部"), member_row(2, 工作单位统一社会信用代码=f.make_uscc(99))]
    result = members(write_xlsx(tmp_path / "r.xlsx", MEMBER_HEADERS, rows), import_world)
    assert [(e.row, e.column) for e in result.errors] == [(2, "所在党组织"), (3, "工作单位统一社会信用代码")]
    assert result.errors[0].message == zh(
        "There is no Party organization named “%(value)s” in %(park)s or its sub-parks.",
        value="外园党支部",
        park="测试工业园区",
    )
    assert Member.objects.count() == 0


def test_member_of_another_park_cannot_be_imported(import_world, tmp_path):
    other_org = f.PartyOrganizationFactory(park=import_world.other)
    f.MemberFactory(id_number=f.make_resident_id(5), organization=other_org)
    result = members(write_xlsx(tmp_path / "r.xlsx", MEMBER_HEADERS, [member_row(5)]), import_world)
    assert only_error(result).message == zh(
        "This member belongs to an organization of another park; they cannot be imported here."
    )


def test_all_or_nothing_many_rows_one_bad(import_world, tmp_path):
    rows = [enterprise_row(n) for n in range(1, 200)] + [enterprise_row(500, 职工人数="很多")]
    before = counts()
    result = enterprises(write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, rows), import_world)
    assert result.rejected == 1 and result.created == 199
    assert counts() == before
