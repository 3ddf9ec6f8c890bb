"""Workbench pages of commendations, pioneer posts and Party dues."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from members.models import Commendation, CommendationKind, DuesPayment, Member, PioneerPost, PostKind

from . import factories as f
from .personas import signed_in
from .queries import count_queries


def url(model, view, *args):
    return reverse(f"members:{model}_{view}", args=args)


def listed(response) -> list:
    return [row["object"] for row in response.context["rows"]]


def cells(response, obj) -> list[str]:
    row = next(r for r in response.context["rows"] if r["object"] == obj)
    return [c["value"] for c in row["cells"]]


MODELS = {"commendation": Commendation, "pioneerpost": PioneerPost, "duespayment": DuesPayment}


def valid_data(world, model: str) -> dict:
    member = world.in_a[Member]
    return {
        "commendation": {
            "kind": CommendationKind.OUTSTANDING_MEMBER,
            "year": 2024,
            "organization": member.organization_id,
            "member": member.pk,
            "conferred_by": "中共示范县委",
            "awarded_on": "2024-06-28",
            "bonus": "",
        },
        "pioneerpost": {
            "member": member.pk,
            "kind": PostKind.MODEL,
            "title": "安全生产示范岗",
            "started_on": "2024-03-01",
            "ended_on": "",
        },
        "duespayment": {
            "member": member.pk,
            "month": "1999-05",
            "amount_due": "12.50",
            "amount_paid": "12.50",
            "paid_on": "1999-05-10",
        },
    }[model]


every_model = pytest.mark.parametrize("model", list(MODELS))


# Reading and scope --------------------------------------------------------------------------


@every_model
def test_staff_list_records_of_their_parks_only(client, world, model):
    Model = MODELS[model]
    shown = set(listed(signed_in(client, world, "staff_a").get(url(model, "list"))))
    assert {world.in_a[Model], world.in_a1[Model], world.other_in_a[Model]} <= shown
    assert world.in_b[Model] not in shown


@every_model
def test_secretary_sees_only_their_organization_records(client, world, model):
    Model = MODELS[model]
    client = signed_in(client, world, "secretary_a")
    assert listed(client.get(url(model, "list"))) == [world.in_a[Model]]
    assert client.get(url(model, "detail", world.other_in_a[Model].pk)).status_code == 404


@every_model
@pytest.mark.parametrize("view", ["detail", "edit", "history"])
def test_staff_of_other_park_gets_404(client, world, model, view):
    response = signed_in(client, world, "staff_b").get(url(model, view, world.in_a[MODELS[model]].pk))
    assert response.status_code == 404


@every_model
def test_county_reviewer_reads_but_gets_403_on_writes(client, world, model):
    record = world.in_a[MODELS[model]]
    client = signed_in(client, world, "county")
    assert client.get(url(model, "list")).status_code == 200
    assert client.get(url(model, "detail", record.pk)).status_code == 200
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "add"), valid_data(world, model)).status_code == 403
    assert client.post(url(model, "edit", record.pk), valid_data(world, model)).status_code == 403
    assert MODELS[model].objects.count() == 4


@every_model
def test_member_choices_are_limited_to_scope_and_name_the_organization(client, world, model):
    form = signed_in(client, world, "staff_a1").get(url(model, "add")).context["form"]
    member = world.in_a1[Member]
    assert list(form.fields["member"].queryset) == [member]
    assert form.fields["member"].label_from_instance(member) == f"{member.name}（{member.organization.name}）"


# Writing ----------------------------------------------------------------------------------------


@every_model
def test_staff_add_and_edit_with_history_by_the_user(client, world, model):
    Model = MODELS[model]
    client = signed_in(client, world, "staff_a")
    response = client.post(url(model, "add"), valid_data(world, model))
    assert response.status_code == 302
    created = Model.objects.latest("pk")
    assert response.url == url(model, "detail", created.pk)
    assert client.get(response.url).status_code == 200
    changed = valid_data(world, model) | {"version": created.version}
    field, value = {"commendation": ("bonus", "3000"), "pioneerpost": ("ended_on", "2024-12-31")}.get(
        model, ("amount_paid", "10")
    )
    changed[field] = value
    assert client.post(url(model, "edit", created.pk), changed).status_code == 302
    created.refresh_from_db()
    assert str(getattr(created, field)).startswith(value)
    assert created.history.latest().history_user == world.staff_a
    assert "张甲" in client.get(url(model, "history", created.pk)).content.decode()


@every_model
def test_stale_edit_is_refused(client, world, model):
    record = world.in_a[MODELS[model]]
    record.save()  # someone else saved: version 2
    data = valid_data(world, model) | {"version": 1}
    response = signed_in(client, world, "staff_a").post(url(model, "edit", record.pk), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


def test_commendation_of_a_member_of_another_organization_is_refused_inline(client, world):
    data = valid_data(world, "commendation") | {"organization": world.other_in_a.organization.pk}
    response = signed_in(client, world, "staff_a").post(url("commendation", "add"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["member"]


def test_commendation_filters_by_year_kind_and_organization(client, world):
    organization = world.in_a.organization
    advanced = f.CommendationFactory(organization=organization, year=2022)
    client = signed_in(client, world, "staff_a")
    assert listed(client.get(url("commendation", "list"), {"year": 2022})) == [advanced]
    kind = {"kind": CommendationKind.ADVANCED_ORGANIZATION, "organization": organization.pk}
    assert listed(client.get(url("commendation", "list"), kind)) == [advanced]


def test_pioneer_post_filter_by_year_held(client, world):
    member = world.in_a[Member]
    old = f.PioneerPostFactory(member=member, started_on=datetime.date(2019, 1, 1), ended_on=datetime.date(2020, 6, 30))
    client = signed_in(client, world, "staff_a")
    assert listed(client.get(url("pioneerpost", "list"), {"year": 2020, "organization": member.organization_id})) == [
        old
    ]
    assert old not in listed(client.get(url("pioneerpost", "list"), {"year": 2021}))


def test_dues_month_is_entered_as_a_month_and_stored_as_its_first_day(client, world):
    client = signed_in(client, world, "staff_a")
    assert client.post(url("duespayment", "add"), valid_data(world, "duespayment")).status_code == 302
    payment = DuesPayment.objects.latest("pk")
    assert payment.month == datetime.date(1999, 5, 1)
    assert 'type="month"' in client.get(url("duespayment", "edit", payment.pk)).content.decode()


def test_dues_list_shows_arrears_and_filters_on_them(client, world):
    member = world.in_a[Member]
    owing = f.DuesPaymentFactory(
        member=member, month=datetime.date(1998, 3, 1), amount_due=Decimal("30"), amount_paid=Decimal("12.5")
    )
    client = signed_in(client, world, "staff_a")
    response = client.get(url("duespayment", "list"), {"arrears": "true"})
    assert listed(response) == [owing]
    assert cells(response, owing)[2:6] == ["1998-03", "30", "12.50", "17.50"]
    paid = listed(client.get(url("duespayment", "list"), {"arrears": "false"}))
    assert owing not in paid
    assert world.in_a[DuesPayment] in paid
    assert listed(client.get(url("duespayment", "list"), {"year": 1998, "month": 3})) == [owing]
    by_arrears = listed(client.get(url("duespayment", "list"), {"sort": "-arrears_amount"}))
    assert by_arrears[0] == owing


# Queries do not grow with the data -------------------------------------------------------------


def add_records(world, model, n, start):
    member = world.in_a[Member]
    for i in range(start, start + n):
        other = f.MemberFactory(organization=member.organization)
        if model == "commendation":
            f.CommendationFactory(
                organization=member.organization, outstanding_member=True, member=other, year=2000 + i
            )
        elif model == "pioneerpost":
            f.PioneerPostFactory(member=other)
        else:
            f.DuesPaymentFactory(member=other, month=datetime.date(2020, 1 + i % 12, 1), amount_paid=Decimal(i % 3))


@every_model
@pytest.mark.parametrize("persona", ["staff_a", "county"])
def test_list_and_detail_queries_do_not_grow_with_the_data(client, world, model, persona):
    record = world.in_a[MODELS[model]]
    client = signed_in(client, world, persona)
    add_records(world, model, 5, 0)
    pages = [url(model, "list"), url(model, "detail", record.pk), url(model, "list") + "?sort=-pk&page=2"]
    few = [count_queries(client, page) for page in pages[:2]]
    add_records(world, model, 195, 5)
    assert [count_queries(client, page) for page in pages[:2]] == few
    assert count_queries(client, pages[2]) == few[0]
