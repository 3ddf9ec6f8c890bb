"""Workbench pages of the development pipeline (applicants) and the yearly development quotas."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Applicant, DevelopmentQuota, EventKind, Member, MemberCategory, Stage, add_years

from . import factories as f
from .personas import signed_in
from .queries import count_queries

#: Factories number people born from 1990 on: fixed numbers here never meet theirs.
BORN = datetime.date(1985, 5, 5)
ID_NUMBER = f.make_resident_id(555, born=BORN)
PHONE = "13612345678"


@pytest.fixture
def candidate(world):
    """A candidate of park A's organization (applied 2021, activist 2021, candidate 2022)."""
    return f.ApplicantFactory(
        organization=world.in_a.organization, name="孙志远", id_number=ID_NUMBER, phone=PHONE, candidate=True
    )


def url(view, *args, model="applicant"):
    return reverse(f"members:{model}_{view}", args=args)


def applicant_data(organization, **changes) -> dict:
    data = {
        "name": "钱学进",
        "id_number": f.make_resident_id(556, born=BORN),
        "gender": "",
        "phone": "",
        "organization": organization.pk,
        "enterprise": "",
        "applied_on": "2022-03-01",
        "activist_on": "2022-09-01",
        "candidate_on": "",
        "dossier_submitted_on": "",
        "notes": "",
    }
    data.update(changes)
    return data


def listed(response) -> set[str]:
    return {row["object"].name for row in response.context["rows"]}


def in_chinese(message: str, **params) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message) % {k: translation.gettext(v) for k, v in params.items()}


# The list -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff_a", "county", "secretary_a"])
def test_applicant_list_masks_id_number_and_phone(client, world, candidate, persona):
    html = signed_in(client, world, persona).get(url("list")).content.decode()
    assert "孙志远" in html
    assert f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}" in html
    assert "136****5678" in html
    assert ID_NUMBER not in html
    assert PHONE not in html


def test_applicant_list_shows_the_current_stage_and_filters_by_it(client, world, candidate):
    client = signed_in(client, world, "staff_a")
    response = client.get(url("list"))
    row = next(r for r in response.context["rows"] if r["object"] == candidate)
    assert str(Stage.CANDIDATE.label) in [c["value"] for c in row["cells"]]
    assert listed(client.get(url("list"), {"stage": Stage.CANDIDATE})) == {"孙志远"}
    assert "孙志远" not in listed(client.get(url("list"), {"stage": Stage.APPLICANT}))
    by_stage = [r["object"].name for r in client.get(url("list"), {"sort": "-stage_rank"}).context["rows"]]
    assert by_stage[0] == "孙志远"


def test_applicant_list_filters_by_year_applied_and_next_stage_due(client, world, candidate):
    organization = world.in_a.organization
    today = timezone.localdate()
    trained = f.ApplicantFactory(
        organization=organization, name="活动分子甲", applied_on=add_years(today, -3), activist_on=add_years(today, -2)
    )
    f.ApplicantFactory(
        organization=organization,
        name="活动分子乙",
        applied_on=add_years(today, -1),
        activist_on=today - datetime.timedelta(days=30),
    )
    client = signed_in(client, world, "staff_a")
    assert listed(client.get(url("list"), {"year": add_years(today, -1).year})) == {"活动分子乙"}
    assert listed(client.get(url("list"), {"next_stage_due": "activists"})) == {trained.name}
    assert listed(client.get(url("list"), {"next_stage_due": "probationary"})) == set()


def test_search_by_full_id_number_finds_the_applicant(client, world, candidate):
    client = signed_in(client, world, "staff_a")
    assert listed(client.get(url("list"), {"q": ID_NUMBER})) == {"孙志远"}
    assert listed(client.get(url("list"), {"q": ID_NUMBER[:10]})) == set()


def test_secretary_sees_only_their_organization_applicants(client, world):
    client = signed_in(client, world, "secretary_a")
    assert listed(client.get(url("list"))) == {world.in_a[Applicant].name}
    assert client.get(url("detail", world.other_in_a[Applicant].pk)).status_code == 404


@pytest.mark.parametrize("view", ["detail", "edit", "reveal", "history", "admit", "withdraw"])
def test_staff_of_other_park_gets_404(client, world, candidate, view):
    client = signed_in(client, world, "staff_b")
    send = client.post if view == "reveal" else client.get  # a reveal is a POST
    response = send(url(view, candidate.pk), {"field": "id_number"})
    assert response.status_code == 404


def test_reveal_for_staff_and_refused_for_county(client, world, candidate):
    assert (
        signed_in(client, world, "staff_a").post(url("reveal", candidate.pk), {"field": "phone"}).content
        == b"13612345678"
    )
    assert signed_in(client, world, "county").post(url("reveal", candidate.pk), {"field": "phone"}).status_code == 403


# Detail ---------------------------------------------------------------------------------


def test_detail_shows_the_stage_timeline(client, world, candidate):
    response = signed_in(client, world, "staff_a").get(url("detail", candidate.pk))
    timeline = response.context["panels"][0]
    assert timeline.extra["current"] == Stage.CANDIDATE.label
    dated = [(str(step["label"]), step["date"], step["current"]) for step in timeline.extra["steps"]]
    assert [d for _, d, _ in dated][:3] == [
        datetime.date(2021, 3, 1),
        datetime.date(2021, 6, 1),
        datetime.date(2022, 7, 1),
    ]
    assert [c for _, _, c in dated] == [False, False, True, False, False, False]
    assert 'aria-current="step"' in response.content.decode()


# Writing --------------------------------------------------------------------------------


@pytest.mark.parametrize(("view", "method"), [("add", "get"), ("add", "post"), ("edit", "post"), ("admit", "post")])
def test_county_reviewer_gets_403_on_applicant_writes(client, world, candidate, view, method):
    client = signed_in(client, world, "county")
    target = url(view) if view == "add" else url(view, candidate.pk)
    data = applicant_data(world.in_a.organization) | {"on": "2023-08-01"} if method == "post" else None
    assert getattr(client, method)(target, data).status_code == 403
    candidate.refresh_from_db()
    assert candidate.member_id is None


def test_staff_add_and_edit_an_applicant_with_history(client, world):
    client = signed_in(client, world, "staff_a")
    response = client.post(url("add"), applicant_data(world.in_a.organization))
    assert response.status_code == 302
    applicant = Applicant.objects.get(name="钱学进")
    assert applicant.gender == "female"  # from the ID number
    data = applicant_data(world.in_a.organization, candidate_on="2023-09-01", version=applicant.version)
    assert client.post(url("edit", applicant.pk), data).status_code == 302
    applicant.refresh_from_db()
    assert applicant.candidate_on == datetime.date(2023, 9, 1)
    assert applicant.history.latest().history_user == world.staff_a
    assert "张甲" in client.get(url("history", applicant.pk)).content.decode()


def test_stage_dates_out_of_order_are_shown_inline_in_chinese(client, world):
    data = applicant_data(world.in_a.organization, applied_on="2022-03-01", activist_on="2022-01-01")
    response = signed_in(client, world, "staff_a").post(url("add"), data)
    assert response.status_code == 400
    message = in_chinese(
        "The %(stage)s date cannot be before the %(previous)s date.", stage="activist", previous="application"
    )
    assert response.context["form"].errors["activist_on"] == [message]
    assert message in response.content.decode()
    assert not Applicant.objects.filter(name="钱学进").exists()


def test_candidate_within_a_year_of_activist_is_refused_inline(client, world):
    data = applicant_data(world.in_a.organization, activist_on="2022-09-01", candidate_on="2023-03-01")
    response = signed_in(client, world, "staff_a").post(url("add"), data)
    assert response.status_code == 400
    message = in_chinese("An activist is trained for at least one year before becoming a candidate.")
    assert message in response.content.decode()


def test_admission_and_full_dates_are_not_edited_in_the_form(client, world, candidate):
    client = signed_in(client, world, "staff_a")
    data = applicant_data(
        world.in_a.organization,
        name=candidate.name,
        id_number=candidate.id_number,
        applied_on="2021-03-01",
        activist_on="2021-06-01",
        candidate_on="2022-07-01",
        admitted_on="2023-08-01",
        version=candidate.version,
    )
    assert client.post(url("edit", candidate.pk), data).status_code == 302
    candidate.refresh_from_db()
    assert candidate.admitted_on is None


def test_admit_creates_the_probationary_member_and_links_it(client, world, candidate):
    client = signed_in(client, world, "staff_a")
    detail = client.get(url("detail", candidate.pk))
    assert url("admit", candidate.pk) in [a["url"] for a in detail.context["actions"]]
    response = client.post(url("admit", candidate.pk), {"on": "2023-08-01", "ethnicity": "汉族", "version": 1})
    assert response.status_code == 302
    candidate.refresh_from_db()
    member = candidate.member
    assert (member.name, member.id_number, member.category) == ("孙志远", ID_NUMBER, MemberCategory.PROBATIONARY)
    assert member.joined_on == candidate.admitted_on == datetime.date(2023, 8, 1)
    assert member.events.get().kind == EventKind.ADMITTED
    detail = client.get(url("detail", candidate.pk))
    assert member.get_absolute_url() in detail.content.decode()
    assert url("admit", candidate.pk) not in [a["url"] for a in detail.context["actions"]]


def test_admit_within_the_stage_rules_shows_the_error_on_the_date(client, world, candidate):
    response = signed_in(client, world, "staff_a").post(
        url("admit", candidate.pk), {"on": "2022-01-01", "ethnicity": "汉族", "version": candidate.version}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["on"]
    assert not Member.objects.filter(id_number=ID_NUMBER).exists()


def test_admit_is_not_offered_before_candidacy(client, world):
    applicant = world.in_a[Applicant]
    client = signed_in(client, world, "staff_a")
    assert client.post(url("admit", applicant.pk), {"on": "2023-08-01", "ethnicity": "汉族"}).status_code == 404
    assert applicant.member_id is None


def test_withdraw_keeps_the_record_with_date_and_reason(client, world, candidate):
    client = signed_in(client, world, "staff_a")
    response = client.post(url("withdraw", candidate.pk), {"on": "2023-02-01", "reason": "本人申请", "version": 1})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.withdrawn_on, candidate.withdrawn_reason) == (datetime.date(2023, 2, 1), "本人申请")
    assert candidate.history.latest().history_user == world.staff_a
    assert listed(client.get(url("list"), {"stage": Stage.WITHDRAWN})) == {"孙志远"}
    assert client.post(url("admit", candidate.pk), {"on": "2023-08-01", "ethnicity": "汉族"}).status_code == 404


def test_withdraw_before_applying_is_refused_on_the_date(client, world, candidate):
    response = signed_in(client, world, "staff_a").post(
        url("withdraw", candidate.pk), {"on": "2020-01-01", "reason": "x", "version": candidate.version}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["on"]


def test_stale_admit_is_refused(client, world, candidate):
    candidate.notes = "已谈话"
    candidate.save()  # version 2
    response = signed_in(client, world, "staff_a").post(
        url("admit", candidate.pk), {"on": "2023-08-01", "ethnicity": "汉族", "version": 1}
    )
    assert response.status_code == 400
    assert not Member.objects.filter(id_number=ID_NUMBER).exists()


# Quotas -------------------------------------------------------------------------------------


def quota_url(view, *args):
    return url(view, *args, model="developmentquota")


def test_county_reviewer_writes_quotas(client, world):
    client = signed_in(client, world, "county")
    assert client.get(quota_url("add")).status_code == 200
    response = client.post(quota_url("add"), {"park": world.zone_b.pk, "year": 2030, "quota": 7})
    assert response.status_code == 302
    quota = DevelopmentQuota.objects.get(park=world.zone_b, year=2030)
    assert client.get(quota_url("edit", quota.pk)).status_code == 200
    response = client.post(
        quota_url("edit", quota.pk), {"park": world.zone_b.pk, "year": 2030, "quota": 9, "version": 1}
    )
    assert response.status_code == 302
    quota.refresh_from_db()
    assert quota.quota == 9
    assert quota.history.latest().history_user == world.county


def test_quotas_are_the_countys_plan_park_staff_read_them_but_may_not_set_them(client, world):
    client = signed_in(client, world, "staff_a")
    quota = world.in_a[DevelopmentQuota]
    assert client.get(quota_url("detail", quota.pk)).status_code == 200
    assert client.get(quota_url("add")).status_code == 403
    assert client.post(quota_url("add"), {"park": world.sub_a1.pk, "year": 2030, "quota": 7}).status_code == 403
    assert client.get(quota_url("edit", quota.pk)).status_code == 403
    data = {"park": quota.park_id, "year": quota.year, "quota": 99, "version": quota.version}
    assert client.post(quota_url("edit", quota.pk), data).status_code == 403
    assert not DevelopmentQuota.objects.filter(year=2030).exists()
    assert DevelopmentQuota.objects.get(pk=quota.pk).quota == quota.quota
    page = client.get(quota_url("list")).content.decode()
    assert quota_url("add") not in page


def test_quota_for_the_same_park_and_year_twice_is_refused(client, world):
    existing = world.in_a[DevelopmentQuota]
    data = {"park": existing.park_id, "year": existing.year, "quota": 1}
    response = signed_in(client, world, "county").post(quota_url("add"), data)
    assert response.status_code == 400
    assert DevelopmentQuota.objects.filter(park=existing.park, year=existing.year).count() == 1


def test_staff_see_quotas_of_their_parks_and_secretaries_none(client, world):
    response = signed_in(client, world, "staff_a").get(quota_url("list"))
    assert {row["object"] for row in response.context["rows"]} == {
        world.in_a[DevelopmentQuota],
        world.in_a1[DevelopmentQuota],
        world.other_in_a[DevelopmentQuota],
    }
    assert (
        signed_in(client, world, "staff_b").get(quota_url("detail", world.in_a[DevelopmentQuota].pk)).status_code == 404
    )
    client = signed_in(client, world, "secretary_a")
    assert client.get(quota_url("list")).status_code == 403  # quotas are no organization's business
    assert client.get(quota_url("detail", world.in_a[DevelopmentQuota].pk)).status_code == 404


def admit(organization, day):
    member = f.MemberFactory(organization=organization, probationary=True, joined_on=day)
    f.MembershipEventFactory(member=member, kind=EventKind.ADMITTED, date=day)
    return member


def test_quota_list_counts_admissions_of_the_park_and_its_sub_parks_in_that_year(client, world):
    zone_quota = DevelopmentQuota.objects.create(park=world.zone_a, year=2024, quota=5)
    sub_quota = DevelopmentQuota.objects.create(park=world.sub_a1, year=2024, quota=2)
    admit(world.in_a.organization, datetime.date(2024, 1, 1))
    admit(world.in_a1.organization, datetime.date(2024, 12, 31))
    admit(world.in_a1.organization, datetime.date(2023, 12, 31))  # another year
    admit(world.in_b.organization, datetime.date(2024, 6, 1))  # another park
    response = signed_in(client, world, "staff_a").get(quota_url("list"), {"year": 2024})
    admitted = {row["object"]: row["cells"][3]["value"] for row in response.context["rows"]}
    assert admitted == {zone_quota: "2", sub_quota: "1"}
    detail = client.get(quota_url("detail", zone_quota.pk))
    assert len(detail.context["panels"][0].rows) == 2


# Queries do not grow with the data ------------------------------------------------------------


def test_applicant_list_and_detail_queries_do_not_grow_with_the_data(client, world, candidate):
    organization = world.in_a.organization
    client = signed_in(client, world, "staff_a")

    def add(n):
        for _ in range(n):
            f.ApplicantFactory(organization=organization, enterprise=world.in_a[Applicant].enterprise, candidate=True)

    add(5)
    few = count_queries(client, url("list")), count_queries(client, url("detail", candidate.pk))
    add(195)
    assert (count_queries(client, url("list")), count_queries(client, url("detail", candidate.pk))) == few
    assert count_queries(client, url("list") + "?sort=-stage_rank&stage=candidate&page=2") == few[0]


def test_quota_list_and_detail_queries_do_not_grow_with_the_data(client, world):
    quota, _ = DevelopmentQuota.objects.update_or_create(park=world.zone_a, year=2024, defaults={"quota": 5})
    client = signed_in(client, world, "county")

    def add(n, start):
        for i in range(start, start + n):
            park = f.ParkFactory(parent=world.zone_a)
            DevelopmentQuota.objects.create(park=park, year=2024, quota=1)
            admit(f.PartyOrganizationFactory(park=park), datetime.date(2024, 1 + i % 12, 1))

    add(5, 0)
    few = count_queries(client, quota_url("list")), count_queries(client, quota_url("detail", quota.pk))
    add(195, 5)
    assert (count_queries(client, quota_url("list")), count_queries(client, quota_url("detail", quota.pk))) == few
