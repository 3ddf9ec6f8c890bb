"""factory_boy factories for every model.

Factories write straight to the database (no services, no ``full_clean``):
they set up the world a test needs. Identifiers are generated valid:
credit codes and resident ID numbers carry correct check characters.
Related records follow each other, e.g. an enterprise covered by an
organization lies in the organization's park and gets the matching
coverage mode.
"""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from stdnum.cn import ric, uscc

from members.models import (
    Applicant,
    Commendation,
    CommendationKind,
    DevelopmentQuota,
    DuesPayment,
    EventKind,
    Member,
    MemberCategory,
    MembershipEvent,
    PioneerPost,
)
from organizations.models import (
    COVERAGE_FOR_FORMATION,
    Activity,
    ActivityAttachment,
    ActivityKind,
    CoverageMode,
    Enterprise,
    EnterpriseStatus,
    EnterpriseSurvey,
    FormationMode,
    Funding,
    FundingKind,
    Instructor,
    InstructorEvaluation,
    Notice,
    NoticeReceipt,
    OrganizationKind,
    OrganizationStatus,
    Park,
    ParkStaffing,
    PartyOrganization,
    RequestCategory,
    ServiceCenter,
    ServiceCenterKind,
    ServiceRequest,
)
from parkparty.core.models import Role, User
from reports.docx_templates import default_template
from reports.models import GeneratedReport, ReportDraft, ReportKind, ReportTemplate

#: The county the test data lives in (德安县, Jiujiang, Jiangxi).
REGION = "360426"


def make_uscc(n: int) -> str:
    """A valid unified social credit code, different for every ``n`` below 10**9."""
    body = f"91{REGION}{n:09d}"
    return body + uscc.calc_check_digit(body)


def make_resident_id(n: int, born: datetime.date = datetime.date(1990, 1, 1)) -> str:
    """A valid resident ID number of someone born around ``born``, different for every ``n``.

    Every thousand numbers the birth date moves on one day; the sequence
    digits give odd (male) and even (female) numbers in turn.
    """
    birth = born + datetime.timedelta(days=n // 1000)
    number17 = f"{REGION}{birth:%Y%m%d}{n % 1000:03d}"
    number = number17 + ric.calc_check_digit(number17 + "0")
    assert ric.is_valid(number), number
    return number


class UserFactory(factory.django.DjangoModelFactory):
    """A user with no role: signs in, sees nothing."""

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Sequence(lambda n: f"用户{n}")
    first_name = ""
    # Unusable password: hashing a real one costs a tenth of a second per user.
    password = factory.LazyFunction(lambda: make_password(None))
    role = ""

    class Meta:
        model = User


class ParkFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"测试园区{n}")
    parent = None

    class Meta:
        model = Park


class ParkStaffFactory(UserFactory):
    role = Role.PARK_STAFF
    park = factory.SubFactory(ParkFactory)


class CountyReviewerFactory(UserFactory):
    role = Role.COUNTY_REVIEWER


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR


class AuditorFactory(UserFactory):
    """The audit administrator (安全审计员): reads the audit log, sees no records."""

    role = Role.AUDITOR


class ParkStaffingFactory(factory.django.DjangoModelFactory):
    park = factory.SubFactory(ParkFactory)
    year = factory.Sequence(lambda n: 2000 + n % 101)  # every year a record may hold: 2000–2100
    posts_authorised = 10
    posts_actual = 6

    class Meta:
        model = ParkStaffing


class PartyOrganizationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"测试企业党支部{n}")
    kind = OrganizationKind.BRANCH
    status = OrganizationStatus.ACTIVE
    formation_mode = FormationMode.OWN
    park = factory.SubFactory(ParkFactory)
    founded_on = datetime.date(2015, 7, 1)

    class Meta:
        model = PartyOrganization


class SecretaryFactory(UserFactory):
    role = Role.SECRETARY
    organization = factory.SubFactory(PartyOrganizationFactory)


class InstructorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"指导员{n}")
    park = factory.SubFactory(ParkFactory)
    appointed_on = datetime.date(2022, 1, 1)

    class Meta:
        model = Instructor


class InstructorEvaluationFactory(factory.django.DjangoModelFactory):
    instructor = factory.SubFactory(InstructorFactory)
    year = factory.Sequence(lambda n: 2000 + n // 4 % 101)
    quarter = factory.Sequence(lambda n: n % 4 + 1)
    score = Decimal("90.0")

    class Meta:
        model = InstructorEvaluation


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """An operating enterprise; give ``organization`` to have it covered."""

    uscc = factory.Sequence(make_uscc)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    organization = None
    park = factory.Maybe(
        "organization",
        yes_declaration=factory.SelfAttribute("organization.park"),
        no_declaration=factory.SubFactory(ParkFactory),
    )
    status = EnterpriseStatus.OPERATING
    employees = 50
    surveyed_members = 3
    coverage_mode = factory.LazyAttribute(
        lambda o: COVERAGE_FOR_FORMATION[o.organization.formation_mode] if o.organization else CoverageMode.NONE
    )

    class Meta:
        model = Enterprise


class EnterpriseSurveyFactory(factory.django.DjangoModelFactory):
    enterprise = factory.SubFactory(EnterpriseFactory)
    surveyed_on = factory.Sequence(lambda n: datetime.date(2023, 1, 1) + datetime.timedelta(days=n))
    status = factory.SelfAttribute("enterprise.status")
    employees = factory.SelfAttribute("enterprise.employees")
    members = factory.SelfAttribute("enterprise.surveyed_members")
    coverage_mode = factory.SelfAttribute("enterprise.coverage_mode")

    class Meta:
        model = EnterpriseSurvey


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    """A centre run by the park; give ``organization`` for an organization's own centre."""

    name = factory.Sequence(lambda n: f"党群服务中心{n}")
    kind = ServiceCenterKind.OFFLINE
    organization = None
    park = factory.Maybe(
        "organization",
        yes_declaration=factory.SelfAttribute("organization.park"),
        no_declaration=factory.SubFactory(ParkFactory),
    )
    opened_on = datetime.date(2020, 5, 1)

    class Meta:
        model = ServiceCenter


class ActivityFactory(factory.django.DjangoModelFactory):
    """A branch general meeting of an organization."""

    organization = factory.SubFactory(PartyOrganizationFactory)
    park = factory.SelfAttribute("organization.park")
    kind = ActivityKind.BRANCH_GENERAL_MEETING
    title = factory.Sequence(lambda n: f"支部党员大会{n}")
    held_on = datetime.date(2023, 3, 15)
    expected_attendance = 10
    actual_attendance = 9

    class Meta:
        model = Activity


class ActivityAttachmentFactory(factory.django.DjangoModelFactory):
    """A small photo file; tests that create one point MEDIA_ROOT at a temporary folder."""

    activity = factory.SubFactory(ActivityFactory)
    file = factory.Sequence(lambda n: ContentFile(b"\xff\xd8\xff\xe0 not really a jpeg", name=f"photo{n}.jpg"))
    caption = factory.Sequence(lambda n: f"活动照片{n}")

    class Meta:
        model = ActivityAttachment


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    enterprise = factory.SubFactory(EnterpriseFactory)
    park = factory.SelfAttribute("enterprise.park")
    category = RequestCategory.WATER
    title = factory.Sequence(lambda n: f"企业诉求{n}")
    received_on = datetime.date(2023, 4, 1)
    due_on = datetime.date(2023, 4, 30)

    class Meta:
        model = ServiceRequest


class NoticeFactory(factory.django.DjangoModelFactory):
    """A notice from the county (no issuing park); give ``issuer_park`` for a park's notice."""

    title = factory.Sequence(lambda n: f"关于开展党建工作的通知{n}")
    issuer_park = None
    issued_on = datetime.date(2023, 3, 1)
    deadline = datetime.date(2023, 3, 10)

    class Meta:
        model = Notice


class NoticeReceiptFactory(factory.django.DjangoModelFactory):
    """A park's receipt; give ``organization`` for a receipt forwarded to an organization."""

    notice = factory.SubFactory(NoticeFactory)
    organization = None
    park = factory.Maybe(
        "organization",
        yes_declaration=factory.SelfAttribute("organization.park"),
        no_declaration=factory.SubFactory(ParkFactory),
    )
    forwarded_at = factory.LazyFunction(
        lambda: datetime.datetime(2023, 3, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    )

    class Meta:
        model = NoticeReceipt


class FundingFactory(factory.django.DjangoModelFactory):
    organization = factory.SubFactory(PartyOrganizationFactory)
    kind = FundingKind.STARTUP_FUND
    paid_on = datetime.date(2023, 5, 1)
    amount = Decimal("5000.00")

    class Meta:
        model = Funding


class MemberFactory(factory.django.DjangoModelFactory):
    """A full member, born 1990, who joined in 2015; gender follows the ID number."""

    name = factory.Sequence(lambda n: f"党员{n}")
    id_number = factory.Sequence(make_resident_id)
    organization = factory.SubFactory(PartyOrganizationFactory)
    category = MemberCategory.FULL
    joined_on = datetime.date(2015, 7, 1)
    full_on = datetime.date(2016, 7, 1)

    class Meta:
        model = Member

    class Params:
        probationary = factory.Trait(
            category=MemberCategory.PROBATIONARY, joined_on=datetime.date(2022, 7, 1), full_on=None
        )


class MembershipEventFactory(factory.django.DjangoModelFactory):
    member = factory.SubFactory(MemberFactory)
    kind = EventKind.ADMITTED
    date = factory.SelfAttribute("member.joined_on")
    organization = factory.SelfAttribute("member.organization")

    class Meta:
        model = MembershipEvent


class PioneerPostFactory(factory.django.DjangoModelFactory):
    member = factory.SubFactory(MemberFactory)
    title = factory.Sequence(lambda n: f"党员先锋岗{n}")
    started_on = datetime.date(2023, 1, 1)

    class Meta:
        model = PioneerPost


class ApplicantFactory(factory.django.DjangoModelFactory):
    """An applicant born 1998 who applied in 2021; ``candidate=True`` for one ready to admit."""

    name = factory.Sequence(lambda n: f"申请人{n}")
    id_number = factory.Sequence(lambda n: make_resident_id(n, born=datetime.date(1998, 1, 1)))
    organization = factory.SubFactory(PartyOrganizationFactory)
    applied_on = datetime.date(2021, 3, 1)

    class Meta:
        model = Applicant

    class Params:
        candidate = factory.Trait(activist_on=datetime.date(2021, 6, 1), candidate_on=datetime.date(2022, 7, 1))


class DevelopmentQuotaFactory(factory.django.DjangoModelFactory):
    park = factory.SubFactory(ParkFactory)
    year = factory.Sequence(lambda n: 2000 + n % 101)  # every year a record may hold: 2000–2100
    quota = 3

    class Meta:
        model = DevelopmentQuota


class DuesPaymentFactory(factory.django.DjangoModelFactory):
    member = factory.SubFactory(MemberFactory)
    month = factory.Sequence(lambda n: datetime.date(2020 + n // 12, n % 12 + 1, 1))
    amount_due = Decimal("10.00")
    amount_paid = Decimal("10.00")
    paid_on = factory.LazyAttribute(lambda o: o.month + datetime.timedelta(days=4))

    class Meta:
        model = DuesPayment


class CommendationFactory(factory.django.DjangoModelFactory):
    """An organization's commendation; ``outstanding_member=True`` for a member's."""

    kind = CommendationKind.ADVANCED_ORGANIZATION
    year = 2023
    organization = factory.SubFactory(PartyOrganizationFactory)
    member = None

    class Meta:
        model = Commendation

    class Params:
        outstanding_member = factory.Trait(
            kind=CommendationKind.OUTSTANDING_MEMBER,
            member=factory.SubFactory(MemberFactory, organization=factory.SelfAttribute("..organization")),
        )


class ReportTemplateFactory(factory.django.DjangoModelFactory):
    """An uploaded report template holding a copy of the built-in one; point MEDIA_ROOT at a temporary folder."""

    park = factory.SubFactory(ParkFactory)
    kind = ReportKind.DUTY
    file = factory.LazyAttribute(lambda o: ContentFile(default_template(o.kind), name=f"{o.park.code}-{o.kind}.docx"))
    original_name = factory.LazyAttribute(lambda o: f"{o.kind}.docx")
    is_active = True

    class Meta:
        model = ReportTemplate


class ReportDraftFactory(factory.django.DjangoModelFactory):
    """A saved report draft with one edited section."""

    park = factory.SubFactory(ParkFactory)
    year = factory.Sequence(lambda n: 2001 + n % 20)
    kind = ReportKind.DUTY
    texts = factory.LazyFunction(lambda: {"intro": "园区党建工作概况。"})

    class Meta:
        model = ReportDraft


class GeneratedReportFactory(factory.django.DjangoModelFactory):
    """A generated report file (not a real report: a few bytes); point MEDIA_ROOT at a temporary folder."""

    park = factory.SubFactory(ParkFactory)
    year = 2023
    kind = ReportKind.DUTY
    file = factory.LazyFunction(lambda: ContentFile(b"PK docx", name="report.docx"))
    size = 7
    sha256 = "0" * 64
    created_by = factory.SubFactory(UserFactory)

    class Meta:
        model = GeneratedReport
