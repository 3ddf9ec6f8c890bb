"""Model validation: ``full_clean()`` puts each error on the right field, with a Chinese message.

Messages are checked the way a user meets them: validated and rendered
under the zh-hans locale, they contain Chinese characters (which needs the
committed zh_Hans catalogue).
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum.cn import ric, uscc

from members.models import CommendationKind, MemberCategory
from organizations.models import CoverageMode, FormationMode, OrganizationStatus, RequestStatus
from parkparty.models import Role

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
