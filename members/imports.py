"""The member roster workbook (党员信息表): columns and the bulk validate/write path."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources

from organizations.models import Enterprise, PartyOrganization
from parkparty.core.history import ChangeReason
from parkparty.core.imports import (
    ChoiceWidget,
    CodeWidget,
    ExcelDateWidget,
    ImportColumn,
    ImportSpec,
    ParsedRow,
    Plan,
    RowError,
    YesNoWidget,
    normalize_header,
)
from parkparty.core.imports.bulk import FieldChecker, matching, new_record, relate
from parkparty.core.services import save_records, validate_record

from .models import Education, EventKind, Gender, Member, MemberCategory, MembershipEvent, MemberStatus
from .rules import probation_ends
from .services import arrival_reason

GENDER_LABELS = {"男": Gender.MALE, "女": Gender.FEMALE}
EDUCATION_LABELS = {
    "研究生": Education.POSTGRADUATE,
    "大学本科": Education.UNDERGRADUATE,
    "大学专科": Education.JUNIOR_COLLEGE,
    "中专": Education.SECONDARY_VOCATIONAL,
    "高中": Education.HIGH_SCHOOL,
    "初中及以下": Education.JUNIOR_HIGH,
}
EDUCATION_ALIASES = {
    "本科": Education.UNDERGRADUATE,
    "大专": Education.JUNIOR_COLLEGE,
    "专科": Education.JUNIOR_COLLEGE,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "初中": Education.JUNIOR_HIGH,
    "中职": Education.SECONDARY_VOCATIONAL,
}
CATEGORY_LABELS = {"正式党员": MemberCategory.FULL, "预备党员": MemberCategory.PROBATIONARY}
STATUS_LABELS = {"正常": MemberStatus.NORMAL, "流动": MemberStatus.MOBILE, "失联": MemberStatus.LOST_CONTACT}

ROSTER_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "education",
    "phone",
    "organization",
    "enterprise",
    "category",
    "joined_on",
    "full_on",
    "status",
    "is_frontline",
    "notes",
)
SKIP_CLEAN = ["id", "organization", "enterprise", "version", "created_at", "updated_at"]
MEMBER_FIELDS = FieldChecker(Member)


class MemberResource(resources.Resource):
    """Column mapping of the member roster workbook (headers of DESIGN.md)."""

    name = ImportColumn("name", "姓名", required=True, width=10, help_text="党员姓名。", example="王五")
    id_number = ImportColumn(
        "id_number",
        "公民身份号码",
        CodeWidget(),
        required=True,
        text=True,
        width=22,
        help_text="18位公民身份号码，按文本填写（否则 Excel 会把它改成科学计数法）；同一号码再次导入时更新该党员。",
        example="360426199001011234",
    )
    gender = ImportColumn(
        "gender", "性别", ChoiceWidget(GENDER_LABELS), width=6, help_text="不填则按身份号码判断。", example="男"
    )
    ethnicity = ImportColumn("ethnicity", "民族", width=8, help_text="不填为汉族。", example="汉族")
    education = ImportColumn(
        "education",
        "学历",
        ChoiceWidget(EDUCATION_LABELS, aliases=EDUCATION_ALIASES),
        width=12,
        help_text="最高学历。",
        example="大学本科",
    )
    phone = ImportColumn("phone", "手机号码", text=True, width=14, help_text="按文本填写。", example="13900000000")
    organization = ImportColumn(
        "organization",
        "所在党组织",
        required=True,
        width=24,
        help_text="党组织名称，须为本园区（含下属园区）已登记的党组织。",
        example="某某科技有限公司党支部",
    )
    enterprise = ImportColumn(
        "enterprise",
        "工作单位统一社会信用代码",
        CodeWidget(),
        text=True,
        width=24,
        help_text="工作单位的统一社会信用代码，须为本园区已登记的企业；可不填。",
        example="91360426MA35ABCD1X",
        export="enterprise.uscc",
    )
    category = ImportColumn(
        "category",
        "人员类别",
        ChoiceWidget(CATEGORY_LABELS, aliases={"正式": MemberCategory.FULL, "预备": MemberCategory.PROBATIONARY}),
        width=10,
        help_text="不填时：有转正日期为正式党员，否则入党未满一年为预备党员。",
        example="正式党员",
    )
    joined_on = ImportColumn(
        "joined_on",
        "入党日期",
        ExcelDateWidget(),
        required=True,
        width=12,
        help_text="成为预备党员的日期，如 2015-07-01、2015/7/1 或 2015年7月1日。",
        example="2015-07-01",
    )
    full_on = ImportColumn(
        "full_on",
        "转正日期",
        ExcelDateWidget(),
        width=12,
        help_text="正式党员填写，须在入党日期一年以后；预备党员不填。",
        example="2016-07-01",
    )
    status = ImportColumn(
        "status", "党员状态", ChoiceWidget(STATUS_LABELS), width=10, help_text="不填为正常。", example="正常"
    )
    is_frontline = ImportColumn(
        "is_frontline", "是否生产一线", YesNoWidget(), width=10, help_text="是或否。", example="是"
    )
    notes = ImportColumn("notes", "备注", width=30, help_text="其他情况。", example="")

    class Meta:
        model = Member


class MemberImportSpec(ImportSpec):
    kind = "members"
    sheet_title = "党员信息表"
    resource_class = MemberResource
    model = Member
    key_attribute = "id_number"

    def plan(self, rows: list[ParsedRow], *, park, park_ids, errors: list[RowError]) -> Plan:
        plan = Plan()
        organizations = list(PartyOrganization.objects.filter(park_id__in=park_ids))
        by_name = defaultdict(list)
        for organization in organizations:
            by_name[normalize_header(organization.name)].append(organization)
        organizations_by_id = {o.pk: o for o in organizations}
        codes = {row.values["enterprise"] for row in rows if row.values.get("enterprise")}
        enterprises = {}
        for enterprise in matching(Enterprise.objects.filter(park_id__in=park_ids).only("pk", "uscc"), "uscc", codes):
            enterprises[enterprise.uscc] = enterprise
        keys = [row.values["id_number"] for row in rows if not row.failed and row.values.get("id_number")]
        existing = {}
        for member in matching(Member.objects.select_related("organization"), "id_number", keys):
            existing[member.id_number] = member
        today = timezone.localdate()

        for row in rows:
            if row.failed:
                continue
            values = row.values
            stored = existing.get(values["id_number"])
            if stored is not None and stored.organization.park_id not in park_ids:
                errors.append(
                    RowError(
                        row.number,
                        self.column_for("id_number"),
                        _("This member belongs to an organization of another park; they cannot be imported here."),
                    )
                )
                continue
            failed = False
            text = values["organization"]
            candidates = by_name.get(normalize_header(text), [])
            organization = candidates[0] if len(candidates) == 1 else None
            if not candidates:
                failed = True
                errors.append(
                    RowError(
                        row.number,
                        self.column_for("organization"),
                        _("There is no Party organization named “%(value)s” in %(park)s or its sub-parks.")
                        % {"value": text, "park": park.name},
                    )
                )
            elif organization is None:
                failed = True
                errors.append(
                    RowError(
                        row.number,
                        self.column_for("organization"),
                        _("Several Party organizations are named “%(value)s” in %(park)s and its sub-parks.")
                        % {"value": text, "park": park.name},
                    )
                )
            enterprise = None
            if values.get("enterprise"):
                enterprise = enterprises.get(values["enterprise"])
                if enterprise is None:
                    failed = True
                    errors.append(
                        RowError(
                            row.number,
                            self.column_for("enterprise"),
                            _("No enterprise with credit code %(value)s is registered in %(park)s or its sub-parks.")
                            % {"value": values["enterprise"], "park": park.name},
                        )
                    )
            if failed:
                continue
            if stored is None:
                member = new_record(Member, id_number=values["id_number"])
            else:
                member = new_record(
                    Member, **{f.attname: getattr(stored, f.attname) for f in Member._meta.concrete_fields}
                )
                member._state.adding = False
            self._apply(member, values, organization, enterprise, stored, today)
            try:
                # normalise(), clean_fields() (cheaper per row) and clean(): as a form's save would.
                validate_record(member, exclude=SKIP_CLEAN, checker=MEMBER_FIELDS)
            except ValidationError as exc:
                self.model_errors(row, exc, errors)
                continue
            relate(member, "organization", organizations_by_id.get(member.organization_id, member.organization))
            if stored is None:
                plan.created.append(member)
                continue
            changed = [name for name in ROSTER_FIELDS if self._differs(stored, member, name)]
            if changed:
                member._changed = changed
                member._was_probationary = stored.category == MemberCategory.PROBATIONARY
                plan.updated.append(member)
            else:
                plan.unchanged += 1
        return plan

    @staticmethod
    def _differs(stored, member, name) -> bool:
        field = Member._meta.get_field(name)
        return getattr(stored, field.attname) != getattr(member, field.attname)

    @staticmethod
    def _apply(member, values, organization, enterprise, stored, today) -> None:
        for name in ("name", "phone", "notes", "joined_on", "full_on"):
            if name in values:
                value = values[name]
                if value is None and not Member._meta.get_field(name).null:
                    value = ""
                setattr(member, name, value)
        for name in ("gender", "education", "status", "is_frontline", "category"):
            if values.get(name) is not None:
                setattr(member, name, values[name])
        if values.get("ethnicity"):
            member.ethnicity = values["ethnicity"]
        elif not member.ethnicity:
            member.ethnicity = "汉族"
        relate(member, "organization", organization)
        if "enterprise" in values:
            relate(member, "enterprise", enterprise)
        if values.get("category") is None and (stored is None or "full_on" in values):
            if member.full_on:
                member.category = MemberCategory.FULL
            elif stored is None and member.joined_on and probation_ends(member.joined_on) > today:
                member.category = MemberCategory.PROBATIONARY
            elif stored is None:
                member.category = MemberCategory.FULL

    def write(self, plan: Plan, *, user) -> None:
        """Write the plan through :func:`parkparty.core.services.save_records` (rows validated by ``plan``).

        A new member takes effect on the admission date (reason: admitted, as
        :func:`members.services.member_create` records it), an update now
        (reason: import); each membership event on its own date.
        """
        # A new member is registered as by the form (members.services.member_create): the same reason.
        save_records(plan.created, user=user, effective=_joined_on, reason=arrival_reason, clean=False)
        events = []
        for member in plan.created:
            events.append(self._event(member, EventKind.ADMITTED, member.joined_on))
            if member.category == MemberCategory.FULL and member.full_on:
                events.append(self._event(member, EventKind.CONFIRMED_FULL, member.full_on))
        fields = {name for member in plan.updated for name in member._changed}
        save_records(plan.updated, user=user, reason=ChangeReason.IMPORT, update_fields=fields, clean=False)
        for member in plan.updated:
            if member._was_probationary and member.category == MemberCategory.FULL and member.full_on:
                events.append(self._event(member, EventKind.CONFIRMED_FULL, member.full_on))
        save_records(events, user=user, effective=_event_date, clean=False)

    @staticmethod
    def _event(member, kind, day) -> MembershipEvent:
        event = new_record(MembershipEvent, kind=kind, date=day, organization_id=member.organization_id)
        relate(event, "member", member)
        return event


def _joined_on(member) -> datetime.date:
    return member.joined_on


def _event_date(event) -> datetime.date:
    return event.date


MEMBER_SPEC = MemberImportSpec()
