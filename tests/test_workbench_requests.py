"""Service request pages: list with overdue marking, filters, intake form, the handling workflow, deletion."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organizations.models import Enterprise, RequestCategory, RequestChannel, RequestStatus, ServiceRequest
from organizations.request_services import service_request_close, service_request_reject, service_request_start
from parkparty.core.services import StaleEditError, save_record

from . import factories as f
from .queries import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:servicerequest_list")
ADD = reverse("organizations:servicerequest_add")
TODAY = timezone.localdate()


def url(view: str, request) -> str:
    return reverse(f"organizations:servicerequest_{view}", args=[request.pk])


def shows(page: str, request) -> bool:
    return f'href="{url("detail", request)}"' in page


def form_data(enterprise, **changes) -> dict:
    data = {
        "enterprise": enterprise.pk,
        "category": RequestCategory.TALENT_FLAT,
        "channel": RequestChannel.SYMPOSIUM,
        "title": "新招技术员住宿困难",
        "description": "企业新招技术员12名，需人才公寓。",
        "received_on": "2024-03-01",
        "handler": "",
        "handler_unit": "",
        "due_on": "2024-03-31",
    }
    data.update(changes)
    return data


def edit_data(request: ServiceRequest, **changes) -> dict:
    data = form_data(
        request.enterprise,
        category=request.category,
        channel=request.channel,
        title=request.title,
        description=request.description,
        received_on=request.received_on.isoformat(),
        handler=request.handler,
        due_on=request.due_on.isoformat() if request.due_on else "",
        version=request.version,
    )
    data.update(changes)
    return data


def open_request(world, **kwargs) -> ServiceRequest:
    return f.ServiceRequestFactory(enterprise=world.in_a[Enterprise], **kwargs)


# --- list, search, filters, overdue ---------------------------------------------------


def test_staff_list_shows_requests_of_own_and_sub_parks(client, world):
    client.force_login(world.staff_a)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert shows(page, world.in_a[ServiceRequest])
    assert shows(page, world.in_a1[ServiceRequest])
    assert not shows(page, world.in_b[ServiceRequest])


def test_open_request_past_due_is_marked_overdue_and_others_are_not(client, world):
    overdue = world.in_a[ServiceRequest]  # received 2023-04-01, due 2023-04-30, still open
    on_time = open_request(world, received_on=TODAY, due_on=TODAY + datetime.timedelta(days=10), title="未到期")
    closed = open_request(
        world, status=RequestStatus.CLOSED, closed_on=datetime.date(2023, 5, 10), outcome="已解决", title="已办结"
    )
    client.force_login(world.staff_a)
    response = client.get(LIST)
    rows = {row["object"].pk: row["object"].overdue for row in response.context["rows"]}
    assert rows[overdue.pk] is True
    assert rows[on_time.pk] is False
    assert rows[closed.pk] is False
    page = response.content.decode()
    assert page.count('<span class="badge text-bg-danger">') == sum(rows.values())
    detail = client.get(url("detail", overdue)).content.decode()
    assert "text-bg-danger" in detail


def test_overdue_filter(client, world):
    on_time = open_request(world, received_on=TODAY, due_on=TODAY, title="今天到期")
    client.force_login(world.staff_a)
    page = client.get(LIST, {"overdue": "yes"}).content.decode()
    assert shows(page, world.in_a[ServiceRequest]) and not shows(page, on_time)
    page = client.get(LIST, {"overdue": "no"}).content.decode()
    assert shows(page, on_time) and not shows(page, world.in_a[ServiceRequest])


def test_search_by_subject_and_enterprise_name(client, world):
    other = open_request(world, title="道路积水")
    client.force_login(world.staff_a)
    page = client.get(LIST, {"q": "积水"}).content.decode()
    assert shows(page, other) and not shows(page, world.in_a1[ServiceRequest])
    page = client.get(LIST, {"q": world.in_a1[Enterprise].name}).content.decode()
    assert shows(page, world.in_a1[ServiceRequest]) and not shows(page, other)


def test_filters_by_status_category_park_channel_and_year(client, world):
    school = open_request(
        world,
        category=RequestCategory.SCHOOLING,
        channel=RequestChannel.ONLINE,
        status=RequestStatus.IN_PROGRESS,
        received_on=datetime.date(2024, 8, 1),
        due_on=None,
        title="子女入学",
    )
    client.force_login(world.staff_a)
    base = world.in_a[ServiceRequest]
    for params in (
        {"status": RequestStatus.IN_PROGRESS},
        {"category": RequestCategory.SCHOOLING},
        {"channel": RequestChannel.ONLINE},
        {"year": "2024"},
    ):
        page = client.get(LIST, params).content.decode()
        assert shows(page, school) and not shows(page, base), params
    page = client.get(LIST, {"park": world.sub_a1.pk}).content.decode()
    assert shows(page, world.in_a1[ServiceRequest]) and not shows(page, base)


# --- who may see and write ------------------------------------------------------------


def test_staff_open_detail_add_edit_and_history_pages(client, world):
    client.force_login(world.staff_a)
    request = world.in_a1[ServiceRequest]
    for address in (url("detail", request), ADD, url("edit", request), url("history", request), url("start", request)):
        assert client.get(address).status_code == 200, address


def test_staff_of_other_park_gets_404(client, world):
    client.force_login(world.staff_b)
    request = world.in_a[ServiceRequest]
    for view in ("detail", "edit", "delete", "history", "start", "close", "reject"):
        assert client.get(url(view, request)).status_code == 404, view
    assert client.post(url("start", request), {"handler": "李四"}).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_county_reviewer_reads_but_gets_403_on_writes(client, world):
    client.force_login(world.county)
    request = world.in_a[ServiceRequest]
    assert client.get(LIST).status_code == 200
    assert client.get(url("detail", request)).status_code == 200
    for address in (ADD, url("edit", request), url("delete", request), url("start", request), url("reject", request)):
        assert client.get(address).status_code == 403, address
    assert client.post(ADD, form_data(world.in_a[Enterprise])).status_code == 403
    assert client.post(url("start", request), {"handler": "县里的人"}).status_code == 403
    assert client.post(url("delete", request)).status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_secretary_sees_and_records_requests_of_own_organization_enterprises_only(client, world):
    client.force_login(world.secretary_a)
    page = client.get(LIST).content.decode()
    assert shows(page, world.in_a[ServiceRequest])
    assert not shows(page, world.other_in_a[ServiceRequest])
    assert client.get(url("detail", world.other_in_a[ServiceRequest])).status_code == 404
    form_page = client.get(ADD).content.decode()
    assert world.in_a[Enterprise].name in form_page
    assert world.other_in_a[Enterprise].name not in form_page
    assert client.post(ADD, form_data(world.in_a[Enterprise], title="书记登记的诉求")).status_code == 302
    response = client.post(ADD, form_data(world.other_in_a[Enterprise], title="邻居的诉求"))
    assert response.status_code == 400
    assert not ServiceRequest.objects.filter(title="邻居的诉求").exists()


# --- intake form ---------------------------------------------------------------------


def test_staff_records_new_request_in_the_enterprise_park(client, world):
    client.force_login(world.staff_a)
    response = client.post(ADD, form_data(world.in_a1[Enterprise]))
    assert response.status_code == 302
    request = ServiceRequest.objects.get(title="新招技术员住宿困难")
    assert request.park == world.sub_a1
    assert request.status == RequestStatus.RECEIVED
    assert request.history.get().history_user == world.staff_a


def test_due_date_before_received_is_refused(client, world):
    client.force_login(world.staff_a)
    response = client.post(ADD, form_data(world.in_a[Enterprise], due_on="2024-02-01"))
    assert response.status_code == 400
    assert "due_on" in response.context["form"].errors


def test_edit_form_cannot_change_the_status(client, world):
    request = world.in_a[ServiceRequest]
    client.force_login(world.staff_a)
    assert "status" not in client.get(url("edit", request)).context["form"].fields
    data = edit_data(request, title="改了事项", status=RequestStatus.CLOSED, closed_on="2023-05-01")
    assert client.post(url("edit", request), data).status_code == 302
    request.refresh_from_db()
    assert request.title == "改了事项"
    assert request.status == RequestStatus.RECEIVED and request.closed_on is None


def test_new_request_form_starts_on_today(client, world):
    client.force_login(world.staff_a)
    assert client.get(ADD).context["form"]["received_on"].value() == TODAY


def test_closed_request_cannot_be_received_after_it_was_closed(client, world):
    request = open_request(world, status=RequestStatus.CLOSED, closed_on=datetime.date(2023, 4, 10), outcome="好")
    client.force_login(world.staff_a)
    response = client.post(url("edit", request), edit_data(request, received_on="2023-04-20", due_on=""))
    assert response.status_code == 400
    assert "received_on" in response.context["form"].errors


def test_stale_edit_is_refused_and_keeps_the_input(client, world):
    request = world.in_a[ServiceRequest]
    client.force_login(world.staff_a)
    data = edit_data(request, title="我的修改")
    request.description = "同事补充了说明"
    save_record(request, user=world.admin, expected_version=request.version)
    response = client.post(url("edit", request), data)
    assert response.status_code == 400
    assert "我的修改" in response.content.decode()
    assert response.context["form"].non_field_errors()
    request.refresh_from_db()
    assert request.title != "我的修改"


# --- workflow ---------------------------------------------------------------------


def test_start_handling_needs_a_handler(client, world):
    request = world.in_a[ServiceRequest]
    client.force_login(world.staff_a)
    response = client.post(url("start", request), {"version": request.version, "handler": ""})
    assert response.status_code == 400
    assert "handler" in response.context["form"].errors
    response = client.post(
        url("start", request), {"version": request.version, "handler": "王主任", "handler_unit": "园区管委会"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.handler == "王主任"
    entry = request.history.order_by("-history_id").first()
    assert entry.history_user == world.staff_a
    assert entry.history_change_reason


def test_full_workflow_received_in_progress_closed(client, world):
    request = world.in_a[ServiceRequest]
    client.force_login(world.staff_a)
    client.post(url("start", request), {"version": request.version, "handler": "王主任"})
    request.refresh_from_db()
    detail = client.get(url("detail", request)).content.decode()
    assert url("close", request) in detail and url("start", request) not in detail
    response = client.post(
        url("close", request),
        {
            "version": request.version,
            "closed_on": "2023-04-20",
            "outcome": "协调人才公寓10套",
            "quantity": "10",
            "people_served": "12",
            "satisfaction": "5",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert (request.closed_on, request.quantity, request.people_served, request.satisfaction) == (
        datetime.date(2023, 4, 20),
        10,
        12,
        5,
    )
    detail = client.get(url("detail", request)).content.decode()
    assert url("close", request) not in detail and url("reject", request) not in detail
    assert client.get(url("history", request)).status_code == 200


def test_close_needs_date_and_outcome(client, world):
    request = open_request(world, status=RequestStatus.IN_PROGRESS, handler="王主任")
    client.force_login(world.staff_a)
    response = client.post(url("close", request), {"version": request.version, "closed_on": "", "outcome": ""})
    assert response.status_code == 400
    assert {"closed_on", "outcome"} <= set(response.context["form"].errors)


def test_closing_before_received_or_in_the_future_is_refused(client, world):
    request = open_request(world, status=RequestStatus.IN_PROGRESS, handler="王主任")
    client.force_login(world.staff_a)
    for day in ("2023-03-01", (TODAY + datetime.timedelta(days=1)).isoformat()):
        response = client.post(
            url("close", request), {"version": request.version, "closed_on": day, "outcome": "办好了"}
        )
        assert response.status_code == 400
        assert "closed_on" in response.context["form"].errors
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_request_settled_on_the_spot_is_closed_straight_from_received(client, world):
    request = world.in_a[ServiceRequest]
    client.force_login(world.staff_a)
    data = {"version": request.version, "closed_on": "2023-04-02", "outcome": "电话答复政策"}
    assert client.post(url("close", request), data).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED


def test_closing_a_closed_request_again_is_refused_with_a_message(client, world):
    request = open_request(world, status=RequestStatus.CLOSED, closed_on=datetime.date(2023, 4, 10), outcome="好")
    client.force_login(world.staff_a)
    assert url("close", request) not in client.get(url("detail", request)).content.decode()
    page = client.get(url("close", request))
    assert page.status_code == 200 and page.context["unavailable"]
    data = {"version": request.version, "closed_on": "2023-04-20", "outcome": "再办一次"}
    response = client.post(url("close", request), data)
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert errors and "“" in errors[0]
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.outcome == "好"


def test_reject_keeps_the_reason_as_outcome(client, world):
    request = world.in_a[ServiceRequest]
    client.force_login(world.staff_a)
    response = client.post(
        url("reject", request), {"version": request.version, "closed_on": "2023-04-05", "reason": ""}
    )
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    response = client.post(
        url("reject", request), {"version": request.version, "closed_on": "2023-04-05", "reason": "不属于园区职责"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert request.outcome == "不属于园区职责" and request.closed_on == datetime.date(2023, 4, 5)


def test_finished_request_cannot_be_started_or_rejected_again(world):
    request = open_request(world, status=RequestStatus.CLOSED, closed_on=datetime.date(2023, 5, 1), outcome="好")
    with pytest.raises(ValidationError):
        service_request_start(request, handler="王", user=world.staff_a)
    with pytest.raises(ValidationError):
        service_request_reject(request, closed_on=datetime.date(2023, 5, 2), reason="重复", user=world.staff_a)
    with pytest.raises(ValidationError):
        service_request_close(request, closed_on=datetime.date(2023, 5, 2), outcome="再办", user=world.staff_a)
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.outcome == "好"


def test_stale_workflow_action_is_refused(client, world):
    request = world.in_a[ServiceRequest]
    client.force_login(world.staff_a)
    old_version = request.version
    service_request_start(request, handler="同事", user=world.admin)
    stale = ServiceRequest.objects.get(pk=request.pk)
    with pytest.raises(StaleEditError):
        service_request_reject(stale, closed_on=TODAY, reason="晚了", user=world.staff_a, expected_version=old_version)
    response = client.post(
        url("reject", request), {"version": old_version, "closed_on": TODAY.isoformat(), "reason": "x"}
    )
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


# --- deletion ---------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_removes_and_keeps_history(client, world):
    request = world.in_a[ServiceRequest]
    client.force_login(world.staff_a)
    assert client.get(url("delete", request)).status_code == 200
    assert ServiceRequest.objects.filter(pk=request.pk).exists()
    response = client.post(url("delete", request), {"version": request.version})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not ServiceRequest.objects.filter(pk=request.pk).exists()
    assert ServiceRequest.history.get(id=request.pk, history_type="-").history_user == world.staff_a


# --- queries do not grow with the data --------------------------------------------------


def test_list_and_detail_queries_do_not_grow_with_requests(client, world):
    enterprise = world.in_a[Enterprise]
    client.force_login(world.staff_a)
    f.ServiceRequestFactory.create_batch(3, enterprise=enterprise)
    detail = url("detail", world.in_a[ServiceRequest])
    client.get(LIST)
    few = count_queries(client, LIST), count_queries(client, detail), count_queries(client, LIST + "?overdue=yes")
    f.ServiceRequestFactory.create_batch(100, enterprise=enterprise)
    f.ServiceRequestFactory.create_batch(100, enterprise=f.EnterpriseFactory(park=world.sub_a1))
    many = count_queries(client, LIST), count_queries(client, detail), count_queries(client, LIST + "?overdue=yes")
    assert many == few
