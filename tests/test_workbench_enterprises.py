"""Enterprise pages of the workbench: the reference entity of the generic views."""

import datetime

import pytest
from django.urls import reverse

from organizations.models import CoverageMode, Enterprise, EnterpriseStatus

from . import factories as f
from .queries import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:enterprise_list")
ADD = reverse("organizations:enterprise_add")


def detail(enterprise):
    return reverse("organizations:enterprise_detail", args=[enterprise.pk])


def edit(enterprise):
    return reverse("organizations:enterprise_edit", args=[enterprise.pk])


def form_data(enterprise: Enterprise, **changes) -> dict:
    data = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "park": enterprise.park_id,
        "status": enterprise.status,
        "ownership": enterprise.ownership,
        "employees": enterprise.employees or "",
        "surveyed_members": enterprise.surveyed_members or "",
        "coverage_mode": enterprise.coverage_mode,
        "organization": enterprise.organization_id or "",
        "version": enterprise.version,
    }
    data.update(changes)
    return data


def test_staff_list_shows_own_and_sub_park_enterprises_only(client, world):
    client.force_login(world.staff_a)
    page = client.get(LIST).content.decode()
    assert world.in_a[Enterprise].name in page
    assert world.in_a1[Enterprise].name in page
    assert world.in_b[Enterprise].name not in page


def test_search_by_credit_code_and_filter_by_status(client, world):
    suspended = f.EnterpriseFactory(park=world.zone_a, status=EnterpriseStatus.SUSPENDED, name="停产测试企业")
    client.force_login(world.staff_a)
    page = client.get(LIST, {"q": world.in_a[Enterprise].uscc}).content.decode()
    assert world.in_a[Enterprise].name in page and world.in_a1[Enterprise].name not in page
    page = client.get(LIST, {"status": EnterpriseStatus.SUSPENDED}).content.decode()
    assert suspended.name in page and world.in_a[Enterprise].name not in page


def test_filter_dropdowns_offer_only_parks_in_scope(client, world):
    client.force_login(world.staff_a)
    page = client.get(LIST).content.decode()
    assert world.zone_a.name in page and world.zone_b.name not in page


def test_staff_creates_enterprise_with_history_by_them(client, world):
    client.force_login(world.staff_a)
    data = {
        "uscc": f.make_uscc(90001),
        "name": "新建测试企业有限公司",
        "park": world.sub_a1.pk,
        "status": EnterpriseStatus.UNDER_CONSTRUCTION,
        "ownership": "private",
        "coverage_mode": CoverageMode.NONE,
        "no_organization_reason": "no_members",
    }
    response = client.post(ADD, data)
    assert response.status_code == 302
    created = Enterprise.objects.get(name="新建测试企业有限公司")
    assert created.history.get().history_user == world.staff_a


def test_bad_credit_code_is_shown_inline_in_chinese_and_nothing_is_saved(client, world):
    client.force_login(world.staff_a)
    data = {"uscc": "91360426MA35XXXXX1", "name": "错误代码企业", "park": world.zone_a.pk, "status": "operating"}
    response = client.post(ADD, {**data, "ownership": "private", "coverage_mode": CoverageMode.NONE})
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()
    assert not Enterprise.objects.filter(name="错误代码企业").exists()


def test_staff_cannot_create_enterprise_in_another_park(client, world):
    client.force_login(world.staff_a)
    data = {"uscc": f.make_uscc(90002), "name": "越权企业", "park": world.zone_b.pk, "status": "operating"}
    response = client.post(ADD, {**data, "ownership": "private", "coverage_mode": CoverageMode.NONE})
    assert response.status_code == 400
    assert not Enterprise.objects.filter(name="越权企业").exists()


def test_staff_edits_enterprise(client, world):
    enterprise = world.in_a[Enterprise]
    client.force_login(world.staff_a)
    response = client.post(edit(enterprise), form_data(enterprise, employees=321))
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.employees == 321
    assert enterprise.history.latest().history_user == world.staff_a


def test_stale_edit_is_refused_naming_who_changed_it_and_keeps_input(client, world):
    enterprise = world.in_a[Enterprise]
    stale = form_data(enterprise, employees=999)
    colleague = f.ParkStaffFactory(park=world.zone_a, last_name="王", first_name="五")
    client.force_login(colleague)
    client.post(edit(enterprise), form_data(enterprise, employees=111))  # a colleague saves first
    client.force_login(world.staff_a)
    response = client.post(edit(enterprise), stale)
    assert response.status_code == 400
    page = response.content.decode()
    assert str(colleague) in page
    assert 'value="999"' in page
    enterprise.refresh_from_db()
    assert enterprise.employees == 111


def test_county_reviewer_reads_but_gets_403_on_writes_and_sees_no_edit_control(client, world):
    enterprise = world.in_a[Enterprise]
    client.force_login(world.county)
    page = client.get(detail(enterprise)).content.decode()
    assert edit(enterprise) not in page
    assert client.get(edit(enterprise)).status_code == 403
    assert client.post(edit(enterprise), form_data(enterprise, employees=1)).status_code == 403
    assert client.get(ADD).status_code == 403
    deregister = reverse("organizations:enterprise_deregister", args=[enterprise.pk])
    assert client.post(deregister, {"on": "2024-01-01"}).status_code == 403


@pytest.mark.parametrize("view", ["detail", "edit", "history", "deregister"])
def test_staff_of_other_park_gets_404(client, world, view):
    client.force_login(world.staff_b)
    url = reverse(f"organizations:enterprise_{view}", args=[world.in_a[Enterprise].pk])
    assert client.get(url).status_code == 404


def test_secretary_sees_only_enterprises_of_their_organization(client, world):
    client.force_login(world.secretary_a)
    page = client.get(LIST).content.decode()
    assert world.in_a[Enterprise].name in page
    assert world.other_in_a[Enterprise].name not in page
    assert client.get(detail(world.other_in_a[Enterprise])).status_code == 404


def test_deregister_keeps_the_enterprise_with_its_date(client, world):
    enterprise = world.in_a[Enterprise]
    client.force_login(world.staff_a)
    url = reverse("organizations:enterprise_deregister", args=[enterprise.pk])
    response = client.post(url, {"on": "2024-05-06", "version": enterprise.version})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.deregistered_on) == (EnterpriseStatus.DEREGISTERED, datetime.date(2024, 5, 6))


def test_a_deregistered_enterprise_is_still_edited_and_stays_deregistered(client, world):
    enterprise = world.in_a[Enterprise]
    client.force_login(world.staff_a)
    url = reverse("organizations:enterprise_deregister", args=[enterprise.pk])
    assert client.post(url, {"on": "2024-05-06", "version": enterprise.version}).status_code == 302
    enterprise.refresh_from_db()
    data = form_data(enterprise, employees=12, status=EnterpriseStatus.OPERATING)
    response = client.post(edit(enterprise), data)
    assert response.status_code == 302, response.context["form"].errors
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.status) == (12, EnterpriseStatus.DEREGISTERED)


def test_history_page_lists_changes_before_and_after(client, world):
    enterprise = world.in_a[Enterprise]
    client.force_login(world.staff_a)
    client.post(edit(enterprise), form_data(enterprise, employees=222))
    page = client.get(reverse("organizations:enterprise_history", args=[enterprise.pk])).content.decode()
    assert "222" in page and str(world.staff_a) in page


def test_list_and_detail_query_counts_do_not_grow_with_data(client, world):
    client.force_login(world.staff_a)
    organization = world.in_a.organization
    f.EnterpriseFactory.create_batch(5, organization=organization)
    small_list, small_detail = count_queries(client, LIST), count_queries(client, detail(world.in_a[Enterprise]))
    f.EnterpriseFactory.create_batch(195, organization=organization)
    enterprise = world.in_a[Enterprise]
    f.MemberFactory.create_batch(30, organization=organization, enterprise=enterprise)
    f.ServiceRequestFactory.create_batch(30, enterprise=enterprise)
    assert count_queries(client, LIST) == small_list
    assert count_queries(client, detail(enterprise)) == small_detail
