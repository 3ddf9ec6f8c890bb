"""A two-park world and the people who work in it, for scoping and service tests.

Zone park A has a sub-park A1; zone park B stands apart. Each of A, A1 and B
holds one "bundle": an organization and one record of every scoped model
that belongs to it. Park A holds a second bundle of another organization,
so a secretary can be shown not to see a neighbour in their own park.

People: staff of A, staff of A1, staff of B, a county reviewer, the
secretary of A's organization, an administrator, an audit administrator, a
user with no role, an inactive staff member of A and an anonymous visitor.

Tests take it as the ``world`` fixture of ``conftest.py``. A module that
needs more records overrides ``world`` with a fixture that takes ``world``
and adds to it (as tests/test_dashboards.py does).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import models

from members.models import (
    Applicant,
    Commendation,
    DevelopmentQuota,
    DuesPayment,
    Member,
    MembershipEvent,
    PioneerPost,
)
from organizations.models import (
    Activity,
    ActivityAttachment,
    Enterprise,
    EnterpriseSurvey,
    Funding,
    Instructor,
    InstructorEvaluation,
    Notice,
    NoticeReceipt,
    Park,
    ParkStaffing,
    PartyOrganization,
    ServiceCenter,
    ServiceRequest,
)
from parkparty.core.models import ImportBatch, User
from reports.models import GeneratedReport, ReportDraft, ReportTemplate

from . import factories as f

#: Every model whose manager has ``for_user``, in the order of DESIGN.md's glossary.
SCOPED_MODELS: tuple[type[models.Model], ...] = (
    Park,
    ParkStaffing,
    Enterprise,
    EnterpriseSurvey,
    PartyOrganization,
    ServiceCenter,
    Instructor,
    InstructorEvaluation,
    Activity,
    ActivityAttachment,
    ServiceRequest,
    Notice,
    NoticeReceipt,
    Funding,
    Member,
    MembershipEvent,
    PioneerPost,
    Applicant,
    DevelopmentQuota,
    DuesPayment,
    Commendation,
    ImportBatch,
    ReportTemplate,
    ReportDraft,
    GeneratedReport,
)

#: Park-level records: no organization's business, so secretaries see none of them.
PARK_LEVEL_MODELS: tuple[type[models.Model], ...] = (
    ParkStaffing,
    DevelopmentQuota,
    ImportBatch,
    ReportTemplate,
    ReportDraft,
    GeneratedReport,
)

#: Records that belong to one organization (everything but the park and park-level records).
ORGANIZATION_MODELS: tuple[type[models.Model], ...] = tuple(
    model for model in SCOPED_MODELS if model is not Park and model not in PARK_LEVEL_MODELS
)


@dataclass
class Bundle:
    """One organization in a park and one record of every scoped model that belongs to it."""

    park: Park
    organization: PartyOrganization
    records: dict[type[models.Model], models.Model] = field(default_factory=dict)

    def __getitem__(self, model: type[models.Model]) -> models.Model:
        return self.records[model]


@dataclass
class World:
    zone_a: Park
    sub_a1: Park
    zone_b: Park
    in_a: Bundle
    in_a1: Bundle
    in_b: Bundle
    other_in_a: Bundle
    staff_a: User
    staff_a1: User
    staff_b: User
    county: User
    secretary_a: User
    admin: User
    auditor: User
    no_role: User
    inactive_staff_a: User
    anonymous: AnonymousUser

    def user(self, persona: str):
        """The persona's user object, freshly loaded (no cached scope)."""
        person = getattr(self, persona)
        if isinstance(person, AnonymousUser):
            return person
        return User.objects.get(pk=person.pk)


def signed_in(client, world: World, persona: str):
    """``client`` (a test client) signed in as ``persona`` of ``world``; returned, for ``signed_in(...).get(...)``."""
    client.force_login(world.user(persona))
    return client


def build_bundle(park: Park, *, day: datetime.date = datetime.date(2023, 3, 15)) -> Bundle:
    """An organization in ``park`` with one record of every scoped model.

    The organization covers an enterprise (with a survey, a service request
    and an instructor posted to it, who has a quarterly evaluation), runs a
    service centre and an activity with a photo, has a member (with an
    admission event, a pioneer post and a dues payment), an applicant, a
    commendation and funding. The park issues a notice to the organization.
    The park also gets a staffing and a quota record.
    """
    organization = f.PartyOrganizationFactory(park=park)
    instructor = f.InstructorFactory(park=park)
    enterprise = f.EnterpriseFactory(organization=organization, instructor=instructor)
    activity = f.ActivityFactory(organization=organization, held_on=day)
    member = f.MemberFactory(organization=organization, enterprise=enterprise)
    notice = f.NoticeFactory(issuer_park=park)
    records = {
        Park: park,
        ParkStaffing: f.ParkStaffingFactory(park=park),
        Enterprise: enterprise,
        EnterpriseSurvey: f.EnterpriseSurveyFactory(enterprise=enterprise),
        PartyOrganization: organization,
        ServiceCenter: f.ServiceCenterFactory(organization=organization),
        Instructor: instructor,
        InstructorEvaluation: f.InstructorEvaluationFactory(instructor=instructor),
        Activity: activity,
        ActivityAttachment: f.ActivityAttachmentFactory(activity=activity),
        ServiceRequest: f.ServiceRequestFactory(enterprise=enterprise),
        Notice: notice,
        NoticeReceipt: f.NoticeReceiptFactory(notice=notice, organization=organization),
        Funding: f.FundingFactory(organization=organization),
        Member: member,
        MembershipEvent: f.MembershipEventFactory(member=member),
        PioneerPost: f.PioneerPostFactory(member=member),
        Applicant: f.ApplicantFactory(organization=organization, enterprise=enterprise),
        DevelopmentQuota: f.DevelopmentQuotaFactory(park=park),
        ImportBatch: ImportBatch.objects.create(kind="enterprises", park=park, file_name="摸排.xlsx", sha256="0" * 64),
        DuesPayment: f.DuesPaymentFactory(member=member),
        Commendation: f.CommendationFactory(organization=organization, outstanding_member=True, member=member),
        # Inactive: a park may hold two bundles but only one active template per kind.
        ReportTemplate: f.ReportTemplateFactory(park=park, is_active=False),
        ReportDraft: f.ReportDraftFactory(park=park),
        GeneratedReport: f.GeneratedReportFactory(park=park),
    }
    assert set(records) == set(SCOPED_MODELS)
    return Bundle(park=park, organization=organization, records=records)


def build_world() -> World:
    zone_a = f.ParkFactory(code="A", name="甲工业园区")
    sub_a1 = f.ParkFactory(code="A1", name="甲工业园区城西园", parent=zone_a)
    zone_b = f.ParkFactory(code="B", name="乙工业园区")
    in_a = build_bundle(zone_a)
    return World(
        zone_a=zone_a,
        sub_a1=sub_a1,
        zone_b=zone_b,
        in_a=in_a,
        in_a1=build_bundle(sub_a1),
        in_b=build_bundle(zone_b),
        other_in_a=build_bundle(zone_a),
        staff_a=f.ParkStaffFactory(park=zone_a, last_name="张", first_name="甲"),
        staff_a1=f.ParkStaffFactory(park=sub_a1),
        staff_b=f.ParkStaffFactory(park=zone_b, last_name="李", first_name="乙"),
        county=f.CountyReviewerFactory(),
        secretary_a=f.SecretaryFactory(organization=in_a.organization),
        admin=f.AdministratorFactory(),
        auditor=f.AuditorFactory(),
        no_role=f.UserFactory(),
        inactive_staff_a=f.ParkStaffFactory(park=zone_a, is_active=False),
        anonymous=AnonymousUser(),
    )
