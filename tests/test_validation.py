"""Model validation: ``full_clean()`` puts each error on the right field, with a Chinese message.

Messages are checked the way a user meets them: validated and rendered
under the zh-hans locale, they contain Chinese characters (which needs the
committed zh_Hans catalogue).
"""

import datetime
import re
import unicodedata

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from stdnum.cn import ric, uscc

from members.models import CommendationKind, MemberCategory
from organizations.models import CoverageMode, FormationMode, OrganizationStatus, RequestStatus
from parkparty.core.models import Role
from parkparty.core.validators import PLAIN_TEXT_REFUSED, clean_search_text, validate_free_text, validate_plain_text
from reports.models import ReportDraft

from . import factories as f

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def clean_errors(instance) -> ValidationError:
    """Run ``full_clean()`` under the zh-hans locale and return the error it raises."""
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value


def assert_field_error(error: ValidationError, field: str, code: str | None = None) -> None:
    """The error is on ``field`` (with ``code`` when given) and reads in Chinese."""
    assert field in error.error_dict, f"no error on {field!r}: {error.message_dict}"
    if code is not None:
        codes = [e.code for e in error.error_dict[field]]
        assert code in codes, f"{field!r} errors have codes {codes}, not {code!r}"
    with translation.override("zh-hans"):
        messages = error.message_dict[field]
    assert all(CJK.search(message) for message in messages), f"not Chinese: {messages}"


def resident_id(birth: str, sequence: str = "001") -> str:
    """A resident ID number with the right check digit for any 8-digit birth field."""
    number17 = f"{f.REGION}{birth}{sequence}"
    return number17 + ric.calc_check_digit(number17 + "0")


# Identifiers -----------------------------------------------------------------


def test_credit_code_of_wrong_length_is_refused_on_uscc():
    enterprise = f.EnterpriseFactory.build(park=f.ParkFactory(), uscc=f.make_uscc(1)[:17])
    assert_field_error(clean_errors(enterprise), "uscc", "uscc_length")


def test_credit_code_with_wrong_check_character_is_refused_on_uscc():
    good = f.make_uscc(1)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    enterprise = f.EnterpriseFactory.build(park=f.ParkFactory(), uscc=bad)
    assert_field_error(clean_errors(enterprise), "uscc", "uscc_checksum")


def test_credit_code_is_accepted_with_lower_case_and_spaces():
    body = "91360426MA35ABCD1"
    code = body + uscc.calc_check_digit(body)
    enterprise = f.EnterpriseFactory.build(park=f.ParkFactory(), uscc=" " + code.lower().replace("ma35", "ma-35"))
    enterprise.full_clean()
    assert enterprise.uscc == code


def test_resident_id_with_wrong_check_digit_is_refused_on_id_number():
    good = f.make_resident_id(7)
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    member = f.MemberFactory.build(organization=f.PartyOrganizationFactory(), id_number=bad)
    assert_field_error(clean_errors(member), "id_number", "ric_checksum")


def test_resident_id_with_impossible_birth_date_is_refused_on_id_number():
    member = f.MemberFactory.build(organization=f.PartyOrganizationFactory(), id_number=resident_id("19900230"))
    assert_field_error(clean_errors(member), "id_number", "ric_format")


def test_resident_id_of_wrong_length_is_refused_on_id_number():
    member = f.MemberFactory.build(organization=f.PartyOrganizationFactory(), id_number="36042619900101001")
    assert_field_error(clean_errors(member), "id_number", "ric_length")


# Development pipeline --------------------------------------------------------


def test_applicant_stage_dates_out_of_order_are_refused_on_the_later_stage():
    applicant = f.ApplicantFactory.build(
        organization=f.PartyOrganizationFactory(),
        applied_on=datetime.date(2021, 3, 1),
        activist_on=datetime.date(2021, 2, 1),
    )
    assert_field_error(clean_errors(applicant), "activist_on")


def test_activist_for_less_than_a_year_cannot_become_candidate():
    applicant = f.ApplicantFactory.build(
        organization=f.PartyOrganizationFactory(),
        applied_on=datetime.date(2021, 3, 1),
        activist_on=datetime.date(2021, 6, 1),
        candidate_on=datetime.date(2022, 5, 31),
    )
    assert_field_error(clean_errors(applicant), "candidate_on")


def test_activist_for_exactly_a_year_may_become_candidate():
    applicant = f.ApplicantFactory.build(
        organization=f.PartyOrganizationFactory(),
        applied_on=datetime.date(2021, 3, 1),
        activist_on=datetime.date(2021, 6, 1),
        candidate_on=datetime.date(2022, 6, 1),
    )
    applicant.full_clean()


def test_applicant_probation_shorter_than_a_year_is_refused_on_full_on():
    applicant = f.ApplicantFactory.build(
        organization=f.PartyOrganizationFactory(),
        candidate=True,
        admitted_on=datetime.date(2022, 9, 1),
        full_on=datetime.date(2023, 8, 31),
    )
    assert_field_error(clean_errors(applicant), "full_on")


def test_member_probation_shorter_than_a_year_is_refused_on_full_on():
    member = f.MemberFactory.build(
        organization=f.PartyOrganizationFactory(),
        joined_on=datetime.date(2022, 7, 1),
        full_on=datetime.date(2023, 6, 30),
    )
    assert_field_error(clean_errors(member), "full_on")


def test_member_under_18_on_joining_is_refused_on_joined_on():
    member = f.MemberFactory.build(
        organization=f.PartyOrganizationFactory(),
        id_number=resident_id("20060101"),
        joined_on=datetime.date(2023, 12, 31),
        full_on=None,
        category=MemberCategory.PROBATIONARY,
    )
    assert_field_error(clean_errors(member), "joined_on")


def test_member_turning_18_on_the_day_may_join():
    member = f.MemberFactory.build(
        organization=f.PartyOrganizationFactory(),
        id_number=resident_id("20050101"),
        joined_on=datetime.date(2023, 1, 1),
        full_on=None,
        category=MemberCategory.PROBATIONARY,
    )
    member.full_clean()


def test_applicant_under_18_on_applying_is_refused_on_applied_on():
    applicant = f.ApplicantFactory.build(
        organization=f.PartyOrganizationFactory(),
        id_number=resident_id("20060101"),
        applied_on=datetime.date(2023, 12, 31),
    )
    assert_field_error(clean_errors(applicant), "applied_on")


# Enterprises and organizations -----------------------------------------------


def test_joint_coverage_by_an_own_organization_is_refused_on_coverage_mode():
    organization = f.PartyOrganizationFactory(formation_mode=FormationMode.OWN)
    enterprise = f.EnterpriseFactory.build(organization=organization, coverage_mode=CoverageMode.JOINT)
    assert_field_error(clean_errors(enterprise), "coverage_mode")


def test_own_coverage_by_a_joint_organization_is_refused_on_coverage_mode():
    organization = f.PartyOrganizationFactory(formation_mode=FormationMode.JOINT)
    enterprise = f.EnterpriseFactory.build(organization=organization, coverage_mode=CoverageMode.OWN)
    assert_field_error(clean_errors(enterprise), "coverage_mode")


def test_no_coverage_with_an_organization_is_refused_on_coverage_mode():
    organization = f.PartyOrganizationFactory()
    enterprise = f.EnterpriseFactory.build(organization=organization, coverage_mode=CoverageMode.NONE)
    assert_field_error(clean_errors(enterprise), "coverage_mode")


def test_coverage_without_an_organization_is_refused_on_organization():
    enterprise = f.EnterpriseFactory.build(park=f.ParkFactory(), coverage_mode=CoverageMode.OWN)
    assert_field_error(clean_errors(enterprise), "organization")


def test_founded_organization_without_founding_date_is_refused_on_founded_on():
    organization = f.PartyOrganizationFactory.build(
        park=f.ParkFactory(), status=OrganizationStatus.ACTIVE, founded_on=None
    )
    assert_field_error(clean_errors(organization), "founded_on")


def test_service_request_closed_without_a_date_is_refused_on_closed_on():
    request = f.ServiceRequestFactory.build(enterprise=f.EnterpriseFactory(), status=RequestStatus.CLOSED)
    assert_field_error(clean_errors(request), "closed_on")


# Dues and commendations ------------------------------------------------------


def test_dues_month_not_on_first_day_is_refused_on_month():
    payment = f.DuesPaymentFactory.build(member=f.MemberFactory(), month=datetime.date(2023, 5, 15))
    assert_field_error(clean_errors(payment), "month")


def test_personal_commendation_without_member_is_refused_on_member():
    commendation = f.CommendationFactory.build(
        organization=f.PartyOrganizationFactory(), kind=CommendationKind.OUTSTANDING_MEMBER, member=None
    )
    assert_field_error(clean_errors(commendation), "member")


def test_organization_commendation_naming_a_member_is_refused_on_member():
    member = f.MemberFactory()
    commendation = f.CommendationFactory.build(
        organization=member.organization, kind=CommendationKind.ADVANCED_ORGANIZATION, member=member
    )
    assert_field_error(clean_errors(commendation), "member")


def test_commendation_of_member_of_another_organization_is_refused_on_member():
    member = f.MemberFactory()
    commendation = f.CommendationFactory.build(
        organization=f.PartyOrganizationFactory(), kind=CommendationKind.OUTSTANDING_MEMBER, member=member
    )
    assert_field_error(clean_errors(commendation), "member")


# Users -----------------------------------------------------------------------


def test_park_staff_without_park_is_refused_on_park():
    user = f.UserFactory.build(role=Role.PARK_STAFF, park=None)
    assert_field_error(clean_errors(user), "park")


def test_secretary_without_organization_is_refused_on_organization():
    user = f.UserFactory.build(role=Role.SECRETARY, organization=None)
    assert_field_error(clean_errors(user), "organization")


# Factories make valid records ------------------------------------------------


@pytest.mark.parametrize(
    "factory",
    [
        f.ParkFactory,
        f.ParkStaffingFactory,
        f.PartyOrganizationFactory,
        f.EnterpriseFactory,
        f.EnterpriseSurveyFactory,
        f.ServiceCenterFactory,
        f.InstructorFactory,
        f.InstructorEvaluationFactory,
        f.ActivityFactory,
        f.ServiceRequestFactory,
        f.NoticeFactory,
        f.NoticeReceiptFactory,
        f.FundingFactory,
        f.MemberFactory,
        f.MembershipEventFactory,
        f.PioneerPostFactory,
        f.ApplicantFactory,
        f.DevelopmentQuotaFactory,
        f.DuesPaymentFactory,
        f.CommendationFactory,
        f.UserFactory,
        f.ParkStaffFactory,
        f.CountyReviewerFactory,
        f.SecretaryFactory,
        f.AdministratorFactory,
    ],
    ids=lambda factory: factory.__name__.removesuffix("Factory"),
)
def test_factory_makes_a_valid_record(factory):
    factory().full_clean()


def test_attachment_factory_makes_a_valid_record(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = f.ActivityAttachmentFactory()
    attachment.full_clean()
    assert (tmp_path / attachment.file.name).read_bytes().startswith(b"\xff\xd8")


def test_trait_variants_make_valid_records():
    f.MemberFactory(probationary=True).full_clean()
    f.ApplicantFactory(candidate=True).full_clean()
    f.CommendationFactory(outstanding_member=True).full_clean()
    f.EnterpriseFactory(organization=f.PartyOrganizationFactory(formation_mode=FormationMode.JOINT)).full_clean()


def test_generated_identifiers_are_valid_and_distinct():
    numbers = [f.make_resident_id(n) for n in range(0, 5000, 7)]
    assert len(set(numbers)) == len(numbers)
    assert all(ric.is_valid(number) for number in numbers)


# Hidden characters in names, codes and free text -------------------------------

#: Characters a name must never hold: bidi overrides, isolates and marks, zero-width characters, controls…
HIDDEN = {
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "first strong isolate": "\u2068",
    "pop directional isolate": "\u2069",
    "right-to-left mark": "\u200f",
    "arabic letter mark": "\u061c",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "tag character": "\U000e0041",
    "hangul filler": "\u3164",
    "NUL": "\x00",
    "escape": "\x1b",
    "DEL": "\x7f",
    "C1 control": "\x85",
    "line feed": "\n",
    "tab": "\t",
    "line separator": "\u2028",
    "lone surrogate": "\ud800",
    "non-character": "\uffff",
}


def text_fields():
    """(model, field) for every text column of the project's own models (history tables copy them)."""
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                yield model, field


PROJECT_APPS = {"parkparty", "organizations", "members", "reports"}


#: Django's own user fields that need no check of ours: a password hash, and fields whose validators allow less.
CHECKED_BY_DJANGO = {"parkparty.User.password", "parkparty.User.username", "parkparty.User.email"}
#: Written only by ``parkparty.core.audit.record``, which keeps what was sent and escapes hidden characters
#: (``parkparty.core.audit.visible``): the audit log records an attacker's input, it does not refuse it.
AUDIT_FIELDS = {f"parkparty.AuditEvent.{name}" for name in ("username", "object_type", "object_id", "object_repr")}


def test_every_name_code_and_text_field_carries_the_hidden_character_check():
    missing = []
    for model, field in text_fields():
        wanted = validate_free_text if isinstance(field, models.TextField) else validate_plain_text
        label = f"{model._meta.label}.{field.name}"
        if wanted not in field.validators and label not in CHECKED_BY_DJANGO | AUDIT_FIELDS:
            missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, f"text fields without {validate_plain_text.__name__}/{validate_free_text.__name__}: {missing}"
    assert len(list(text_fields())) > 40


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
def test_name_holding_a_hidden_character_is_refused_in_chinese(character):
    member = f.MemberFactory.build(organization=f.PartyOrganizationFactory(), name=f"张{character}三")
    error = clean_errors(member)
    assert_field_error(error, "name", "invisible_character")


@pytest.mark.parametrize(
    ("model_factory", "field"),
    [
        (lambda value: f.EnterpriseFactory.build(park=f.ParkFactory(), uscc=value), "uscc"),
        (lambda value: f.ParkFactory.build(code=value), "code"),
        (lambda value: f.MemberFactory.build(organization=f.PartyOrganizationFactory(), id_number=value), "id_number"),
    ],
    ids=["credit code", "park code", "ID number"],
)
def test_codes_and_numbers_holding_a_bidi_override_are_refused(model_factory, field):
    good = {"uscc": f.make_uscc(3), "code": "PARK1", "id_number": f.make_resident_id(3)}[field]
    record = model_factory(good[:4] + "\u202e" + good[4:])
    assert_field_error(clean_errors(record), field, "invisible_character")


def test_user_names_and_addresses_refuse_hidden_characters():
    user = f.UserFactory.build(username="zhang\u202esan", email="a\u200b@example.com", last_name="张\u2066")
    error = clean_errors(user)
    assert {"username", "email", "last_name"} <= set(error.error_dict)


def test_refused_character_is_named_by_its_code_point_and_position():
    member = f.MemberFactory.build(organization=f.PartyOrganizationFactory(), name="张三\u202e")
    with translation.override("zh-hans"):
        message = clean_errors(member).message_dict["name"][0]
    assert "U+202E" in message and "3" in message


@pytest.mark.parametrize(
    "name",
    ["阿卜杜·热合曼", "𠀀𪚥", "李😀", "王\ue000明", "O'Brien & <Partners>", "{{ name }}", "张 三"],
    ids=["middle dot", "astral CJK", "emoji", "private use (rare character)", "markup", "template", "space"],
)
def test_names_keep_every_visible_character(name):
    member = f.MemberFactory.build(organization=f.PartyOrganizationFactory(), name=name)
    member.full_clean()


def test_every_control_format_surrogate_and_noncharacter_code_point_is_refused_in_names():
    refused_categories = {"Cc", "Cf", "Cs"}
    for code in range(0x110000):
        character = chr(code)
        hidden = unicodedata.category(character) in refused_categories or (code & 0xFFFE) == 0xFFFE
        if hidden:
            assert PLAIN_TEXT_REFUSED.search(character), f"U+{code:04X} is not refused"


def test_free_text_keeps_line_breaks_tabs_and_joiners():
    request = f.ServiceRequestFactory.build(
        enterprise=f.EnterpriseFactory(), description="第一行\r\n第二行\t缩进\n👨\u200d👩\u200d👧 \u200b"
    )
    request.full_clean()


@pytest.mark.parametrize(
    "character", ["\x00", "\x07", "\x1b", "\x7f", "\u202e", "\u2066", "\u200e", "\ud800", "\ufffe"]
)
def test_free_text_refuses_other_controls_and_bidi_characters(character):
    request = f.ServiceRequestFactory.build(enterprise=f.EnterpriseFactory(), description=f"说明{character}")
    assert_field_error(clean_errors(request), "description", "control_character")


def test_report_section_with_a_control_character_is_refused_on_texts():
    draft = ReportDraft(park=f.ParkFactory(), year=2023, kind="duty", texts={"intro": "正文\x0b"})
    assert_field_error(clean_errors(draft), "texts", "control_character")


def test_search_text_is_cleaned_and_shortened():
    assert clean_search_text(" 张\x00三\u202e ") == "张三"
    assert len(clean_search_text("甲" * 100_000)) == 100


# Years -------------------------------------------------------------------------


@pytest.mark.parametrize("year", [1948, 2101, 32767])
def test_year_outside_1949_to_2100_is_refused_on_year(year):
    quota = f.DevelopmentQuotaFactory.build(park=f.ParkFactory(), year=year)
    assert_field_error(clean_errors(quota), "year")


def test_year_2100_is_accepted():
    f.DevelopmentQuotaFactory.build(park=f.ParkFactory(), year=2100).full_clean()
