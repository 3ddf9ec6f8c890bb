"""The enterprise survey workbook (企业摸排表): columns and the bulk validate/write path."""

from __future__ import annotations

import datetime
import functools
import operator
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources

from parkparty.core.history import ChangeReason
from parkparty.core.imports import (
    ChoiceWidget,
    CodeWidget,
    CountWidget,
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
from parkparty.core.services import save_records
from parkparty.core.validators import validate_uscc

from .models import (
    COVERAGE_FOR_FORMATION,
    CoverageMode,
    Enterprise,
    EnterpriseStatus,
    EnterpriseSurvey,
    Instructor,
    NoOrganizationReason,
    Park,
    PartyOrganization,
)

STATUS_LABELS = {
    "已投产运营": EnterpriseStatus.OPERATING,
    "在建": EnterpriseStatus.UNDER_CONSTRUCTION,
    "停产": EnterpriseStatus.SUSPENDED,
    "注销": EnterpriseStatus.DEREGISTERED,
}
COVERAGE_LABELS = {
    "单独建": CoverageMode.OWN,
    "联合建": CoverageMode.JOINT,
    "挂靠建": CoverageMode.AFFILIATED,
    "未建": CoverageMode.NONE,
}

#: Enterprise fields the survey sets, in column order (references resolved separately).
SURVEY_FIELDS = (
    "name",
    "park",
    "status",
    "industry",
    "founded_on",
    "employees",
    "surveyed_members",
    "investor_name",
    "investor_is_member",
    "investor_phone",
    "coverage_mode",
    "organization",
    "instructor",
    "surveyed_on",
    "notes",
)


#: Fields the model's ``clean_fields`` must not check: relations are resolved from loaded records
#: (Django's ForeignKey.validate would query once per row), bookkeeping is ours.
def no_organization_reason_for(members: int) -> str:
    """Why an enterprise with ``members`` surveyed members has no organization (党内统计)."""
    if members >= 3:
        return NoOrganizationReason.SHOULD_HAVE
    return NoOrganizationReason.FEW_MEMBERS if members else NoOrganizationReason.NO_MEMBERS


SKIP_CLEAN = ["id", "park", "organization", "instructor", "version", "created_at", "updated_at"]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_SHAPE = re.compile(r"^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_is_valid(code: str) -> bool:
    """The rules of ``stdnum.cn.uscc.validate`` for an already compact code, in one pass (runs per row)."""
    if not USCC_SHAPE.match(code):
        return False
    total = sum(map(operator.mul, map(USCC_VALUES.__getitem__, code[:17]), USCC_WEIGHTS))
    return code[-1] == USCC_ALPHABET[(31 - total) % 31]


#: ``Enterprise.clean_fields`` without its credit-code normalization (the widget did it), cheaper per row.
ENTERPRISE_FIELDS = FieldChecker(Enterprise)


class EnterpriseResource(resources.Resource):
    """Column mapping of the enterprise survey workbook (headers of DESIGN.md)."""

    uscc = ImportColumn(
        "uscc",
        "统一社会信用代码",
        CodeWidget(),
        required=True,
        text=True,
        width=24,
        help_text="18位统一社会信用代码，按文本填写；同一代码再次导入时更新该企业。",
        example="91360426MA35ABCD1X",
    )
    name = ImportColumn("name", "企业名称", required=True, width=30, help_text="企业全称。", example="某某科技有限公司")
    park = ImportColumn(
        "park",
        "所属园区",
        width=16,
        help_text="园区名称或代码，须为导入园区或其下属园区；不填则为导入园区（已有企业保持原园区）。",
        example="城西园区",
    )
    status = ImportColumn(
        "status",
        "经营状态",
        ChoiceWidget(STATUS_LABELS, aliases={"已投产": EnterpriseStatus.OPERATING, "运营": EnterpriseStatus.OPERATING}),
        width=12,
        help_text="企业经营状态；注销企业以摸排日期为注销日期。",
        example="已投产运营",
    )
    industry = ImportColumn("industry", "所属行业", width=16, help_text="行业名称。", example="电子信息")
    founded_on = ImportColumn(
        "founded_on",
        "成立日期",
        ExcelDateWidget(),
        width=12,
        help_text="日期，如 2018-05-20、2018/5/20 或 2018年5月20日。",
        example="2018-05-20",
    )
    employees = ImportColumn("employees", "职工人数", CountWidget(), width=10, help_text="整数。", example=120)
    surveyed_members = ImportColumn(
        "surveyed_members", "党员人数", CountWidget(), width=10, help_text="在本企业工作的党员人数，整数。", example=3
    )
    investor_name = ImportColumn(
        "investor_name", "出资人（负责人）", width=14, help_text="出资人或主要负责人姓名。", example="张三"
    )
    investor_is_member = ImportColumn(
        "investor_is_member", "出资人是否党员", YesNoWidget(), width=10, help_text="是或否。", example="否"
    )
    investor_phone = ImportColumn(
        "investor_phone",
        "出资人联系电话",
        text=True,
        width=16,
        help_text="手机或座机号码，按文本填写。",
        example="13800000000",
    )
    coverage_mode = ImportColumn(
        "coverage_mode",
        "党组织覆盖方式",
        ChoiceWidget(COVERAGE_LABELS),
        width=12,
        help_text="单独建、联合建、挂靠建须同时填写所属党组织；未建则所属党组织留空。",
        example="单独建",
    )
    organization = ImportColumn(
        "organization",
        "所属党组织",
        width=24,
        help_text="党组织名称，须为本园区（含下属园区）已登记的党组织。",
        example="某某科技有限公司党支部",
    )
    instructor = ImportColumn(
        "instructor", "党建指导员", width=10, help_text="本园区已登记的党建指导员姓名。", example="李四"
    )
    surveyed_on = ImportColumn(
        "surveyed_on",
        "摸排日期",
        ExcelDateWidget(),
        width=12,
        help_text="本次摸排的日期；企业的变更记录以此日期为准。",
        example="2023-06-30",
    )
    notes = ImportColumn("notes", "备注", width=30, help_text="其他情况。", example="")

    class Meta:
        model = Enterprise


@functools.cache
def _plain_fields() -> tuple[tuple[str, bool], ...]:
    """The plain fields a survey row sets, each with whether it stores NULL (else a blank is "")."""
    names = (
        "name",
        "industry",
        "founded_on",
        "employees",
        "surveyed_members",
        "investor_name",
        "investor_phone",
        "surveyed_on",
        "notes",
    )
    return tuple((name, Enterprise._meta.get_field(name).null) for name in names)


def _attributes(enterprise) -> dict:
    """Every stored column of ``enterprise``, by attname (to copy it)."""
    return {f.attname: getattr(enterprise, f.attname) for f in Enterprise._meta.concrete_fields}


def _names(records) -> dict[str, list]:
    found = defaultdict(list)
    for record in records:
        found[normalize_header(record.name)].append(record)
    return found


class EnterpriseImportSpec(ImportSpec):
    kind = "enterprises"
    sheet_title = "企业摸排表"
    resource_class = EnterpriseResource
    model = Enterprise
    key_attribute = "uscc"

    def plan(self, rows: list[ParsedRow], *, park, park_ids, errors: list[RowError]) -> Plan:
        plan = Plan()
        header_key = functools.lru_cache(maxsize=4096)(normalize_header)  # names repeat from row to row
        parks = list(Park.objects.filter(pk__in=park_ids))
        parks_by_id = {p.pk: p for p in parks}
        park_lookup = {}
        for p in parks:
            park_lookup[normalize_header(p.name)] = p
            park_lookup[normalize_header(p.code).upper()] = p
        organizations = list(PartyOrganization.objects.filter(park_id__in=park_ids))
        organizations_by_name = _names(organizations)
        organizations_by_id = {o.pk: o for o in organizations}
        instructors_by_name = _names(Instructor.objects.filter(park_id__in=park_ids))
        keys = [row.values["uscc"] for row in rows if not row.failed and row.values.get("uscc")]
        existing = {enterprise.uscc: enterprise for enterprise in matching(Enterprise.objects.all(), "uscc", keys)}
        referenced_parks = {normalize_header(row.values["park"]) for row in rows if row.values.get("park")} - set(
            park_lookup
        )
        other_parks = set()
        if referenced_parks:
            for p in Park.objects.exclude(pk__in=park_ids).only("code", "name"):
                other_parks.update({normalize_header(p.name), normalize_header(p.code).upper()})

        for row in rows:
            if row.failed:
                continue
            values = row.values
            uscc = values["uscc"]
            stored = existing.get(uscc)
            if stored is not None and stored.park_id not in park_ids:
                errors.append(
                    RowError(
                        row.number,
                        self.column_for("uscc"),
                        _("This enterprise is registered in another park; it cannot be imported here."),
                    )
                )
                continue
            failed = False

            def fail(attribute, message, row=row):
                nonlocal failed
                failed = True
                errors.append(RowError(row.number, self.column_for(attribute), message))

            target_park = stored.park if stored is not None else park
            if stored is not None:
                target_park = parks_by_id.get(stored.park_id, park)
            if values.get("park"):
                text = values["park"]
                found = park_lookup.get(header_key(text)) or park_lookup.get(header_key(text).upper())
                if found is not None:
                    target_park = found
                elif header_key(text) in other_parks or header_key(text).upper() in other_parks:
                    fail(
                        "park",
                        _("“%(value)s” is not %(park)s or one of its sub-parks; you may import only into them.")
                        % {"value": text, "park": park.name},
                    )
                else:
                    fail("park", _("There is no park named or coded “%(value)s”.") % {"value": text})

            organization = None
            organization_given = "organization" in values
            if values.get("organization"):
                text = values["organization"]
                candidates = organizations_by_name.get(header_key(text), [])
                if len(candidates) > 1:
                    same_park = [o for o in candidates if o.park_id == target_park.pk]
                    candidates = same_park if len(same_park) == 1 else candidates
                if not candidates:
                    fail(
                        "organization",
                        _("There is no Party organization named “%(value)s” in %(park)s or its sub-parks.")
                        % {"value": text, "park": park.name},
                    )
                elif len(candidates) > 1:
                    fail(
                        "organization",
                        _("Several Party organizations are named “%(value)s”; name the enterprise's own park.")
                        % {"value": text},
                    )
                else:
                    organization = candidates[0]

            instructor = None
            if values.get("instructor"):
                text = values["instructor"]
                candidates = instructors_by_name.get(header_key(text), [])
                if not candidates:
                    fail(
                        "instructor",
                        _("There is no Party-building instructor named “%(value)s” in %(park)s or its sub-parks.")
                        % {"value": text, "park": park.name},
                    )
                elif len(candidates) > 1:
                    fail(
                        "instructor",
                        _(
                            "%(count)d Party-building instructors are named “%(value)s”; the name is ambiguous. "
                            "Set this enterprise's instructor on its page instead."
                        )
                        % {"count": len(candidates), "value": text},
                    )
                else:
                    instructor = candidates[0]
            if failed:
                continue

            surveyed_on = values.get("surveyed_on")
            if stored is not None and stored.surveyed_on and surveyed_on and surveyed_on < stored.surveyed_on:
                # An older survey than the one on record: keep it as a dated snapshot only.
                snapshot = new_record(Enterprise, **_attributes(stored))
                self._apply(snapshot, values, target_park, organization, organization_given, instructor)
                if not self._validate(snapshot, row, errors, organizations_by_id):
                    continue
                plan.extra.setdefault("old_surveys", []).append((stored, snapshot, surveyed_on))
                continue

            if stored is None:
                enterprise = new_record(Enterprise, uscc=uscc)  # _apply sets the park
            else:
                enterprise = new_record(Enterprise, **_attributes(stored))
                enterprise._state.adding = False
            self._apply(enterprise, values, target_park, organization, organization_given, instructor)
            if not self._validate(enterprise, row, errors, organizations_by_id):
                continue
            if stored is None:
                plan.created.append(enterprise)
                continue
            changed = [
                f
                for f in (*SURVEY_FIELDS, "deregistered_on", "no_organization_reason")
                if self._differs(stored, enterprise, f)
            ]
            if changed:
                enterprise._changed = changed
                plan.updated.append(enterprise)
            elif surveyed_on:
                plan.extra.setdefault("check_survey", []).append(enterprise)
            else:
                plan.unchanged += 1

        self._settle_surveys(plan)
        return plan

    @staticmethod
    def _differs(stored, enterprise, name) -> bool:
        field = Enterprise._meta.get_field(name)
        return getattr(stored, field.attname) != getattr(enterprise, field.attname)

    @staticmethod
    def _apply(enterprise, values, target_park, organization, organization_given, instructor) -> None:
        relate(enterprise, "park", target_park)
        for name, null in _plain_fields():
            if name in values:
                value = values[name]
                if value is None and not null:
                    value = ""
                setattr(enterprise, name, value)
        for name in ("status", "investor_is_member"):
            if values.get(name) is not None:
                setattr(enterprise, name, values[name])
        if enterprise.status != EnterpriseStatus.DEREGISTERED:
            enterprise.deregistered_on = None
        elif not enterprise.deregistered_on:
            enterprise.deregistered_on = values.get("surveyed_on")
        if not enterprise.investor_is_member:
            enterprise.investor_is_secretary = False
        if organization_given:
            relate(enterprise, "organization", organization)
        if "coverage_mode" in values and values["coverage_mode"] is not None:
            enterprise.coverage_mode = values["coverage_mode"]
        elif organization_given and organization is None:
            enterprise.coverage_mode = CoverageMode.NONE
        elif organization is not None and enterprise.coverage_mode == CoverageMode.NONE:
            enterprise.coverage_mode = COVERAGE_FOR_FORMATION[organization.formation_mode]
        if enterprise.organization_id is not None:
            enterprise.no_organization_reason = ""
        elif enterprise.surveyed_members is not None:
            enterprise.no_organization_reason = no_organization_reason_for(enterprise.surveyed_members)
        if "instructor" in values:
            relate(enterprise, "instructor", instructor)

    def _field_checks(self, present) -> tuple:
        """The ``clean_fields`` checks for a row that set the fields ``present`` (worked out once per set)."""
        key = frozenset(present)
        cache = self.__dict__.setdefault("_checks_cache", {})
        if key not in cache:
            checked = (key | {"status", "deregistered_on", "coverage_mode", "no_organization_reason"}) - {"uscc"}
            skipped = [f.name for f in Enterprise._meta.concrete_fields if f.name not in checked] + SKIP_CLEAN
            cache[key] = ENTERPRISE_FIELDS.checks(skipped)
        return cache[key]

    def _validate(self, enterprise, row, errors, organizations_by_id) -> bool:
        if enterprise.organization_id and enterprise.organization_id in organizations_by_id:
            relate(enterprise, "organization", organizations_by_id[enterprise.organization_id])
        try:
            # The credit code was normalized by its widget: check it once, not three times as
            # Enterprise.clean_fields would; fields the sheet did not set keep their valid values.
            errors_by_field = {}
            if not uscc_is_valid(enterprise.uscc):
                try:
                    validate_uscc(enterprise.uscc)  # for its message
                except ValidationError as exc:
                    errors_by_field["uscc"] = exc.error_list
            try:
                ENTERPRISE_FIELDS.run(enterprise, self._field_checks(row.values))
            except ValidationError as exc:
                errors_by_field.update(exc.error_dict)
            if errors_by_field:
                raise ValidationError(errors_by_field)
            enterprise.clean()
        except ValidationError as exc:
            self.model_errors(row, exc, errors)
            return False
        return True

    @staticmethod
    def _settle_surveys(plan: Plan) -> None:
        """Unchanged enterprises whose survey snapshot for that day is missing or different still count."""
        candidates = plan.extra.pop("check_survey", [])
        olds = plan.extra.get("old_surveys", [])
        pairs = [(e.pk, e.surveyed_on) for e in candidates] + [(s.pk, d) for s, _snap, d in olds]
        stored = {}
        if pairs:
            ids = {pk for pk, _day in pairs}
            days = {day for _pk, day in pairs}
            for survey in EnterpriseSurvey.objects.filter(enterprise_id__in=ids, surveyed_on__in=days):
                stored[(survey.enterprise_id, survey.surveyed_on)] = survey
        plan.extra["stored_surveys"] = stored
        for enterprise in candidates:
            survey = stored.get((enterprise.pk, enterprise.surveyed_on))
            if survey is None or _snapshot_differs(survey, enterprise):
                enterprise._changed = []
                plan.updated.append(enterprise)
            else:
                plan.unchanged += 1
        still_old = []
        for stored_enterprise, snapshot, day in olds:
            survey = stored.get((stored_enterprise.pk, day))
            if survey is None or _snapshot_differs(survey, snapshot):
                still_old.append((stored_enterprise, snapshot, day))
            else:
                plan.unchanged += 1
        plan.extra["old_surveys"] = still_old
        # Old surveys are counted as updates of the enterprise's records.
        plan.updated.extend(snapshot for _s, snapshot, _d in still_old)

    def write(self, plan: Plan, *, user) -> None:
        """Write the plan through :func:`parkparty.core.services.save_records` (rows validated by ``plan``).

        A record's change takes effect on its survey date (a row without one: now).
        """
        created = plan.created
        old_snapshots = {id(snapshot) for _s, snapshot, _d in plan.extra.get("old_surveys", [])}
        updated = [e for e in plan.updated if id(e) not in old_snapshots]
        save_records(created, user=user, effective=_surveyed_on, reason=ChangeReason.IMPORT, clean=False)
        really_updated = [e for e in updated if e._changed]
        fields = {name for enterprise in really_updated for name in enterprise._changed}
        save_records(
            really_updated,
            user=user,
            effective=_surveyed_on,
            reason=ChangeReason.IMPORT,
            update_fields=fields,
            clean=False,
        )
        stored_surveys = plan.extra.get("stored_surveys", {})
        new_surveys, changed_surveys = [], []
        sources = [e for e in created + updated if e.surveyed_on] + [
            snapshot for _s, snapshot, _d in plan.extra.get("old_surveys", [])
        ]
        if any(e.pk and (e.pk, e.surveyed_on) not in stored_surveys for e in updated):
            ids = [e.pk for e in updated if e.surveyed_on]
            days = {e.surveyed_on for e in updated if e.surveyed_on}
            for survey in EnterpriseSurvey.objects.filter(enterprise_id__in=ids, surveyed_on__in=days):
                stored_surveys.setdefault((survey.enterprise_id, survey.surveyed_on), survey)
        for source in sources:
            survey = stored_surveys.get((source.pk, source.surveyed_on))
            if survey is not None and not _snapshot_differs(survey, source):
                continue
            if survey is None:
                survey = new_record(EnterpriseSurvey, enterprise_id=source.pk, surveyed_on=source.surveyed_on)
                target = new_surveys
            else:
                target = changed_surveys
            _fill_snapshot(survey, source)
            target.append(survey)
        save_records(new_surveys, user=user, effective=_surveyed_on, reason=ChangeReason.IMPORT, clean=False)
        save_records(
            changed_surveys,
            user=user,
            effective=_surveyed_on,
            reason=ChangeReason.IMPORT,
            update_fields=SNAPSHOT_FIELDS,
            clean=False,
        )


def _surveyed_on(record) -> datetime.date | None:
    return record.surveyed_on


SNAPSHOT_FIELDS = ("status", "employees", "members", "investor_is_member", "coverage_mode")


def _fill_snapshot(survey, enterprise) -> None:
    survey.status = enterprise.status
    survey.employees = enterprise.employees
    survey.members = enterprise.surveyed_members
    survey.investor_is_member = enterprise.investor_is_member
    survey.coverage_mode = enterprise.coverage_mode


def _snapshot_differs(survey, enterprise) -> bool:
    return (
        survey.status != enterprise.status
        or survey.employees != enterprise.employees
        or survey.members != enterprise.surveyed_members
        or survey.investor_is_member != enterprise.investor_is_member
        or survey.coverage_mode != enterprise.coverage_mode
    )


ENTERPRISE_SPEC = EnterpriseImportSpec()
