"""The workbench in a real browser: a park's day of record keeping, and what other roles may not do."""

import pytest
from django.urls import reverse
from PIL import Image

from members.models import EndReason, Member
from organizations.models import (
    Activity,
    ActivityKind,
    CoverageMode,
    Enterprise,
    OrganizationKind,
    PartyOrganization,
    RequestStatus,
    ServiceRequest,
)
from parkparty.core.models import Role, User

from . import factories as f
from .browser import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def park(media):
    return f.ParkFactory(code="BW", name="浏览器测试园区")


def user(role, **extra):
    username = f"{role}-{User.objects.count()}"
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)


def save(page):
    page.locator("form.record-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def photo_file(tmp_path):
    path = tmp_path / "lecture.png"
    Image.new("RGB", (64, 48), (200, 22, 29)).save(path, format="PNG")
    return path


def test_park_staff_keep_records_end_to_end(page, live_server, park, tmp_path):
    staff = user(Role.PARK_STAFF, park=park)
    sign_in(page, live_server, staff)

    # An enterprise, from the survey form.
    page.goto(live_server.url + reverse("organizations:enterprise_add"))
    page.fill("#id_uscc", f.make_uscc(7001))
    page.fill("#id_name", "浏览器一号科技有限公司")
    page.select_option("#id_park", label=park.name)
    page.fill("#id_employees", "120")
    save(page)
    assert page.locator("h1").inner_text() == "浏览器一号科技有限公司"
    second = f.EnterpriseFactory(park=park, name="浏览器二号材料有限公司")

    # A joint branch covering both enterprises.
    page.goto(live_server.url + reverse("organizations:partyorganization_add"))
    page.fill("#id_name", "浏览器园区联合党支部")
    page.select_option("#id_kind", OrganizationKind.JOINT_BRANCH)
    page.select_option("#id_formation_mode", "joint")
    page.select_option("#id_park", label=park.name)
    page.fill("#id_founded_on", "2023-03-01")
    save(page)
    branch = PartyOrganization.objects.get(name="浏览器园区联合党支部")
    for enterprise in Enterprise.objects.filter(park=park):
        page.goto(live_server.url + reverse("organizations:enterprise_edit", args=[enterprise.pk]))
        page.select_option("#id_organization", str(branch.pk))
        page.select_option("#id_coverage_mode", CoverageMode.JOINT)
        save(page)
    page.goto(live_server.url + branch.get_absolute_url())
    assert "浏览器一号科技有限公司" in page.content() and second.name in page.content()

    # A member of the branch.
    page.goto(live_server.url + reverse("members:member_add"))
    page.fill("#id_name", "测试党员")
    page.fill("#id_id_number", f.make_resident_id(7001))
    page.select_option("#id_organization", str(branch.pk))
    page.fill("#id_joined_on", "2015-07-01")
    page.fill("#id_full_on", "2016-07-01")
    page.fill("#id_phone", "13812345678")
    save(page)
    member = Member.objects.get(name="测试党员")
    assert "138****5678" in page.content()

    # A Party lecture with the member attending and a photo.
    page.goto(live_server.url + reverse("organizations:activity_add") + f"?organization={branch.pk}")
    page.select_option("#id_organization", str(branch.pk))
    page.select_option("#id_kind", ActivityKind.PARTY_LECTURE)
    page.fill("#id_title", "第一季度专题党课")
    page.fill("#id_held_on", "2024-03-20")
    page.locator(f"input[name=attendees][value='{member.pk}']").check()
    page.set_input_files("input[type=file]", str(photo_file(tmp_path)))
    save(page)
    lecture = Activity.objects.get(title="第一季度专题党课")
    assert list(lecture.attendees.all()) == [member]
    assert lecture.attachments.count() == 1

    # A service request, logged and closed.
    page.goto(live_server.url + reverse("organizations:servicerequest_add"))
    page.select_option("#id_enterprise", str(second.pk))
    page.select_option("#id_category", "water")
    page.fill("#id_title", "厂区用水接入")
    page.fill("#id_received_on", "2024-04-01")
    save(page)
    request = ServiceRequest.objects.get(title="厂区用水接入")
    page.goto(live_server.url + reverse("organizations:servicerequest_close", args=[request.pk]))
    page.fill("#id_closed_on", "2024-04-10")
    page.fill("#id_outcome", "已协调水务公司接入")
    page.locator("form.record-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED

    # The member transfers out: the record stays, ended.
    page.goto(live_server.url + reverse("members:member_end", args=[member.pk]))
    page.select_option("#id_reason", EndReason.TRANSFERRED_OUT)
    page.fill("#id_on", "2024-05-01")
    page.locator("form.record-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    member.refresh_from_db()
    assert (member.end_reason, str(member.ended_on)) == (EndReason.TRANSFERRED_OUT, "2024-05-01")


def test_county_reviewer_finds_no_edit_control_and_a_direct_post_is_refused(page, live_server, park):
    enterprise = f.EnterpriseFactory(park=park)
    county = user(Role.COUNTY_REVIEWER)
    sign_in(page, live_server, county)
    page.goto(live_server.url + enterprise.get_absolute_url())
    assert page.locator("h1").inner_text() == enterprise.name
    assert page.get_by_role("link", name="编辑").count() == 0
    page.goto(live_server.url + reverse("organizations:enterprise_list"))
    assert page.get_by_role("link", name="新增企业").count() == 0
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        live_server.url + reverse("organizations:enterprise_edit", args=[enterprise.pk]),
        form={"name": "改名", "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token, "Referer": live_server.url},
    )
    assert response.status == 403
    enterprise.refresh_from_db()
    assert enterprise.name != "改名"


def test_secretary_cannot_open_another_organizations_member(page, live_server, park):
    own = f.PartyOrganizationFactory(park=park)
    other = f.PartyOrganizationFactory(park=park)
    mine = f.MemberFactory(organization=own)
    theirs = f.MemberFactory(organization=other)
    secretary = user(Role.SECRETARY, organization=own)
    sign_in(page, live_server, secretary)
    page.goto(live_server.url + reverse("members:member_list"))
    assert mine.name in page.content() and theirs.name not in page.content()
    response = page.goto(live_server.url + theirs.get_absolute_url())
    assert response.status == 404
