"""The Django admin: every model registered with its history, open to system administrators only."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges
from stdnum.cn import ric, uscc

from members.models import (
    Applicant,
    Commendation,
    CommendationKind,
    DevelopmentQuota,
    DuesPayment,
    EventKind,
    Member,
    MembershipEvent,
    PioneerPost,
)
from organizations.models import (
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
from parkparty.core.models import ImportBatch, Role, User

from .queries import count_queries

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("parkparty", "organizations", "members")
PASSWORD = "Admin-test-password-1"
#: Logs the admin shows but never lets anyone add or edit.
READ_ONLY_LOGS = {ImportBatch}


#: Kept out of the admin on purpose: the audit log is the audit administrator's, not the system administrator's.
NOT_IN_ADMIN = ("AuditEvent",)


def project_models():
    """Every concrete model of the project apps, without the history tables and the audit log."""
    return [
        model
        for app_label in PROJECT_APPS
        for model in apps.get_app_config(app_label).get_models()
        if not issubclass(model, HistoricalChanges) and model.__name__ not in NOT_IN_ADMIN
    ]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def resident_id(n: int, birth: str = "19900101") -> str:
    body = f"360426{birth}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(n: int) -> str:
    body = f"91360426MA35{n:05d}"
    return body + uscc.calc_check_digit(body)


def build_one_of_each(n: int) -> dict:
    """One record of every model, all in a new park; ``n`` keeps codes and names apart."""
    park = Park.objects.create(code=f"P{n}", name=f"测试园区{n}")
    organization = PartyOrganization.objects.create(
        name=f"测试党支部{n}",
        kind=OrganizationKind.BRANCH,
        status=OrganizationStatus.ACTIVE,
        formation_mode=FormationMode.OWN,
        founded_on=datetime.date(2020, 7, 1),
        park=park,
    )
    instructor = Instructor.objects.create(name=f"指导员{n}", park=park)
    enterprise = Enterprise.objects.create(
        uscc=credit_code(n),
        name=f"测试企业{n}",
        park=park,
        organization=organization,
        coverage_mode=CoverageMode.OWN,
        instructor=instructor,
    )
    member = Member.objects.create(
        name=f"党员{n}",
        id_number=resident_id(2 * n),
        organization=organization,
        enterprise=enterprise,
        joined_on=datetime.date(2015, 6, 1),
        full_on=datetime.date(2016, 6, 1),
    )
    center = ServiceCenter.objects.create(
        name=f"党群服务中心{n}", kind=ServiceCenterKind.OFFLINE, park=park, opened_on=datetime.date(2021, 1, 1)
    )
    activity = Activity.objects.create(
        park=park,
        organization=organization,
        kind=ActivityKind.BRANCH_GENERAL_MEETING,
        title=f"支部党员大会{n}",
        held_on=datetime.date(2024, 3, 15),
        place=center,
        actual_attendance=1,
    )
    activity.attendees.add(member)
    notice = Notice.objects.create(
        title=f"关于开展摸排的通知{n}", issued_on=datetime.date(2024, 2, 1), deadline=datetime.date(2024, 2, 10)
    )
    return {
        Park: park,
        ParkStaffing: ParkStaffing.objects.create(park=park, year=2024, posts_authorised=5, posts_actual=4),
        Enterprise: enterprise,
        EnterpriseSurvey: EnterpriseSurvey.objects.create(
            enterprise=enterprise,
            surveyed_on=datetime.date(2024, 5, 1),
            status=EnterpriseStatus.OPERATING,
            employees=80,
            members=3,
            coverage_mode=CoverageMode.OWN,
        ),
        PartyOrganization: organization,
        ServiceCenter: center,
        Instructor: instructor,
        InstructorEvaluation: InstructorEvaluation.objects.create(
            instructor=instructor, year=2024, quarter=1, score=Decimal("92.5")
        ),
        Activity: activity,
        ActivityAttachment: ActivityAttachment.objects.create(
            activity=activity, file=f"activities/2024/03/photo{n}.jpg", caption=f"会议照片{n}"
        ),
        ServiceRequest: ServiceRequest.objects.create(
            park=park,
            enterprise=enterprise,
            category=RequestCategory.POWER,
            title=f"增容用电{n}",
            received_on=datetime.date(2024, 4, 1),
        ),
        Notice: notice,
        NoticeReceipt: NoticeReceipt.objects.create(notice=notice, park=park, organization=organization),
        Funding: Funding.objects.create(
            organization=organization,
            kind=FundingKind.SECRETARY_ALLOWANCE,
            paid_on=datetime.date(2024, 6, 30),
            amount=Decimal("1800.00"),
            months=6,
            recipient=member,
        ),
        Member: member,
        MembershipEvent: MembershipEvent.objects.create(
            member=member, kind=EventKind.ADMITTED, date=member.joined_on, organization=organization
        ),
        PioneerPost: PioneerPost.objects.create(
            member=member, title=f"安全生产先锋岗{n}", started_on=datetime.date(2023, 1, 1)
        ),
        Applicant: Applicant.objects.create(
            name=f"申请人{n}",
            id_number=resident_id(2 * n + 1, birth="19980305"),
            organization=organization,
            enterprise=enterprise,
            applied_on=datetime.date(2023, 3, 1),
            activist_on=datetime.date(2023, 6, 1),
        ),
        DevelopmentQuota: DevelopmentQuota.objects.create(park=park, year=2024, quota=3),
        DuesPayment: DuesPayment.objects.create(
            member=member,
            month=datetime.date(2024, 1, 1),
            amount_due=Decimal("20.00"),
            amount_paid=Decimal("20.00"),
            paid_on=datetime.date(2024, 1, 10),
        ),
        Commendation: Commendation.objects.create(
            kind=CommendationKind.OUTSTANDING_MEMBER, year=2024, organization=organization, member=member
        ),
        ImportBatch: ImportBatch.objects.create(kind="enterprises", park=park, file_name="摸排.xlsx", sha256="0" * 64),
        User: User.objects.create_user(
            username=f"staff{n}", role=Role.PARK_STAFF, park=park, last_name="张", first_name="三"
        ),
    }


@pytest.fixture
def one_of_each():
    """One record of every project model (by model), in park P1."""
    return build_one_of_each(1)


@pytest.fixture
def administrator():
    return User.objects.create_user(username="admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_every_project_model_is_registered_with_a_history_view():
    missing = [model.__name__ for model in project_models() if model not in admin.site._registry]
    without_history = [
        model.__name__
        for model in project_models()
        if not isinstance(admin.site._registry.get(model), SimpleHistoryAdmin)
    ]
    assert missing == []
    assert without_history == []


def test_one_of_each_covers_every_registered_project_model(one_of_each):
    assert {model.__name__ for model in project_models()} == {model.__name__ for model in one_of_each}


def test_administrator_sees_every_model_on_the_admin_index(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    for model in project_models():
        assert admin_url(model, "changelist") in response.content.decode()


@pytest.mark.parametrize("model", project_models(), ids=lambda model: model.__name__)
def test_administrator_opens_every_admin_page_of_a_model(admin_client, one_of_each, model):
    obj = one_of_each[model]
    historical = obj.history.latest()
    if model in READ_ONLY_LOGS:
        assert admin_client.get(admin_url(model, "add")).status_code == 403
    urls = [
        admin_url(model, "changelist"),
        admin_url(model, "changelist") + "?q=" + str(obj.pk),
        *([] if model in READ_ONLY_LOGS else [admin_url(model, "add")]),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
        admin_url(model, "simple_history", obj.pk, historical.history_id),
    ]
    for url in urls:
        assert admin_client.get(url).status_code == 200, url
    # "View on site" leads to the record's workbench page, or is not offered when it has none.
    view_on_site = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, obj.pk])
    assert admin_client.get(view_on_site).status_code in (302, 404), model


def test_changelists_search_the_documented_fields(admin_client, one_of_each):
    searches = {
        Enterprise: one_of_each[Enterprise].uscc,
        Member: one_of_each[Member].id_number,
        Applicant: one_of_each[Applicant].id_number,
        Notice: one_of_each[Notice].title,
        User: "staff1",
    }
    for model, term in searches.items():
        response = admin_client.get(admin_url(model, "changelist"), {"q": term})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1, model.__name__


@pytest.mark.parametrize("model", project_models(), ids=lambda model: model.__name__)
def test_changelist_query_count_does_not_grow_with_the_rows(admin_client, one_of_each, model):
    url = admin_url(model, "changelist")
    one_record = count_queries(admin_client, url, warm=True)
    build_one_of_each(2)
    build_one_of_each(3)
    three_records = count_queries(admin_client, url)
    assert admin_client.get(url).context["cl"].result_count >= 3
    assert three_records == one_record


def test_every_autocomplete_field_answers(admin_client, one_of_each):
    checked = 0
    for model, model_admin in admin.site._registry.items():
        inline_admins = [inline(model, admin.site) for inline in model_admin.inlines]
        for source in [model_admin, *inline_admins]:
            for field_name in source.autocomplete_fields:
                response = admin_client.get(
                    reverse("admin:autocomplete"),
                    {
                        "app_label": source.model._meta.app_label,
                        "model_name": source.model._meta.model_name,
                        "field_name": field_name,
                    },
                )
                assert response.status_code == 200, (source.model.__name__, field_name)
                checked += 1
    assert checked > 20


def test_administrator_role_without_superuser_flag_may_use_every_model(client, one_of_each):
    administrator = User.objects.create_user(username="it", role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    for model in project_models():
        assert admin_url(model, "changelist") in index, model.__name__
        assert client.get(admin_url(model, "change", one_of_each[model].pk)).status_code == 200, model.__name__


@pytest.mark.parametrize(
    ("role", "is_staff"),
    [
        (Role.PARK_STAFF, True),
        (Role.COUNTY_REVIEWER, True),
        (Role.SECRETARY, True),
        ("", True),
        (Role.ADMINISTRATOR, False),
    ],
    ids=["park_staff", "county_reviewer", "secretary", "no_role", "administrator_without_staff_flag"],
)
def test_other_users_are_sent_to_the_admin_login_even_when_staff(client, one_of_each, role, is_staff):
    user = User.objects.create_user(
        username="someone",
        role=role,
        is_staff=is_staff,
        park=one_of_each[Park] if role == Role.PARK_STAFF else None,
        organization=one_of_each[PartyOrganization] if role == Role.SECRETARY else None,
    )
    client.force_login(user)
    for url in (
        reverse("admin:index"),
        admin_url(Member, "changelist"),
        admin_url(Enterprise, "change", one_of_each[Enterprise].pk),
        admin_url(User, "history", user.pk),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


def test_anonymous_is_sent_to_the_admin_login(client, one_of_each):
    for url in (
        reverse("admin:index"),
        admin_url(Park, "changelist"),
        admin_url(Member, "history", one_of_each[Member].pk),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_member_admin_offers_no_delete(admin_client, one_of_each):
    member = one_of_each[Member]
    changelist = admin_client.get(admin_url(Member, "changelist"))
    assert changelist.status_code == 200
    assert 'value="delete_selected"' not in changelist.content.decode()
    change = admin_client.get(admin_url(Member, "change", member.pk))
    assert admin_url(Member, "delete", member.pk) not in change.content.decode()
    assert admin_client.get(admin_url(Member, "delete", member.pk)).status_code == 403
    admin_client.post(admin_url(Member, "delete", member.pk), {"post": "yes"})
    admin_client.post(admin_url(Member, "changelist"), {"action": "delete_selected", "_selected_action": [member.pk]})
    assert Member.objects.filter(pk=member.pk).exists()


def test_member_change_page_lists_membership_events_read_only(admin_client, one_of_each):
    response = admin_client.get(admin_url(Member, "change", one_of_each[Member].pk))
    formset = response.context["inline_admin_formsets"][0]
    assert formset.formset.model is MembershipEvent
    assert not formset.has_add_permission and not formset.has_change_permission and not formset.has_delete_permission
    content = response.content.decode()
    assert 'name="events-0-kind"' not in content
    assert str(EventKind.ADMITTED.label) in content


def test_admin_edit_bumps_the_version_and_records_the_administrator(admin_client, administrator, one_of_each):
    park = one_of_each[Park]
    response = admin_client.post(
        admin_url(Park, "change", park.pk),
        {"code": park.code, "name": "改名园区", "parent": "", "address": "", "sort_order": "3"},
    )
    assert response.status_code == 302
    park.refresh_from_db()
    assert park.name == "改名园区" and park.version == 2
    latest = park.history.latest()
    assert latest.history_user == administrator and latest.history_type == "~"


def test_user_admin_enforces_the_role_scope(admin_client, one_of_each):
    response = admin_client.post(
        admin_url(User, "add"),
        {
            "username": "new-staff",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": Role.PARK_STAFF,
            "park": "",
            "organization": "",
        },
    )
    assert response.status_code == 200
    assert "park" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="new-staff").exists()


def test_user_history_never_shows_password_hashes(admin_client, one_of_each):
    user = one_of_each[User]
    user.set_password("Another-password-2")
    user.save()
    response = admin_client.get(admin_url(User, "history", user.pk))
    assert response.status_code == 200
    assert "pbkdf2" not in response.content.decode()
