"""The one permission model: what each role may do, offered exactly where it is allowed, and versions that hold.

The role tables below restate README's role table; ``parkparty.core.permissions``
must agree with them. The walk tests then check every page of the
workbench against the permission module: a write that a page offers
answers 200, one it does not offer answers 403 and is refused on POST.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from members.models import DevelopmentQuota, Member
from organizations.models import Activity, Enterprise, Notice, NoticeReceipt, Park, PartyOrganization
from parkparty.core.models import AuditEvent
from parkparty.core.permissions import ADD, CHANGE, DELETE, EXPORT, IMPORT, REVEAL, VIEW, may
from reports.annual import load_report, report_draft_save
from reports.dashboard_views import WORKBENCH_VIEWS
from reports.models import ReportDraft

from . import factories as f
from .personas import SCOPED_MODELS

ENTITIES = [entity for module in WORKBENCH_VIEWS for entity in module.ENTITIES]
WRITES = (ADD, CHANGE, DELETE)


def label(model) -> str:
    return model._meta.label_lower


# --- the role table ---------------------------------------------------------------------------------------------

#: What the county reviewer writes: the organization department's own records, nothing else.
COUNTY_WRITES = {
    "organizations.notice": {ADD, CHANGE},
    "organizations.noticereceipt": {ADD},  # the receipts its notices file for each park
    "members.developmentquota": {ADD, CHANGE, DELETE},
}

#: What a secretary writes in their own organization.
SECRETARY_WRITES = {
    "members.member": {ADD, CHANGE, DELETE},
    "members.membershipevent": {ADD},
    "members.applicant": {ADD, CHANGE, DELETE},
    "members.duespayment": {ADD, CHANGE, DELETE},
    "organizations.activity": {ADD, CHANGE, DELETE},
    "organizations.activityattachment": {ADD, CHANGE, DELETE},
    "organizations.noticereceipt": {CHANGE},
    "organizations.servicerequest": {ADD, CHANGE},
}

#: Park staff change everything of their parks except the county's development quotas, the import log and
#: generated reports (kept as they were generated).
STAFF_READ_ONLY = {"members.developmentquota", "parkparty.importbatch", "reports.generatedreport"}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=label)
def test_county_reviewer_reads_everything_and_writes_only_notices_and_quotas(world, model):
    county = world.user("county")
    assert may(county, VIEW, model)
    for action in WRITES:
        assert may(county, action, model) == (action in COUNTY_WRITES.get(label(model), set())), action
    assert not may(county, IMPORT, model)
    assert not may(county, REVEAL, model)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=label)
def test_secretary_writes_only_their_organizations_people_life_receipts_and_requests(world, model):
    secretary = world.user("secretary_a")
    for action in WRITES:
        assert may(secretary, action, model) == (action in SECRETARY_WRITES.get(label(model), set())), action
    assert not may(secretary, IMPORT, model)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=label)
def test_park_staff_write_their_parks_records_but_not_the_county_plan_or_logs(world, model):
    staff = world.user("staff_a")
    writable = label(model) not in STAFF_READ_ONLY
    assert may(staff, VIEW, model)
    assert may(staff, CHANGE, model) == writable
    assert may(staff, IMPORT, model) == (model in (Enterprise, Member))


@pytest.mark.parametrize("persona", ["no_role", "inactive_staff_a", "anonymous", "auditor"])
def test_users_without_a_role_and_the_auditor_may_do_nothing_to_park_records(world, persona):
    user = world.user(persona)
    for model in SCOPED_MODELS:
        for action in (VIEW, *WRITES, EXPORT, IMPORT, REVEAL):
            assert not may(user, action, model)


def test_record_rules_narrow_an_action_to_some_records_of_the_scope(world):
    staff_a, county, secretary = world.user("staff_a"), world.user("county"), world.user("secretary_a")
    park_notice = world.in_a[Notice]  # issued by park A
    assert may(staff_a, CHANGE, park_notice)
    assert may(county, VIEW, park_notice) and not may(county, CHANGE, park_notice)
    county_notice = f.NoticeFactory(issuer_park=None)
    assert may(county, CHANGE, county_notice) and not may(staff_a, CHANGE, county_notice)
    receipt = world.in_a[NoticeReceipt]  # addressed to the secretary's organization
    assert may(secretary, CHANGE, receipt)
    assert not may(staff_a, CHANGE, receipt)  # staff sign for their park's receipts, not an organization's
    assert not may(secretary, CHANGE, world.other_in_a[NoticeReceipt])


def test_querysets_answer_the_same_question_as_may(world):
    staff_a = world.user("staff_a")
    signable = set(NoticeReceipt.objects.for_user(staff_a, CHANGE))
    visible = set(NoticeReceipt.objects.for_user(staff_a))
    assert signable < visible
    for receipt in visible:
        assert may(staff_a, CHANGE, receipt) == (receipt in signable)
    assert not DevelopmentQuota.objects.for_user(staff_a, CHANGE).exists()
    assert DevelopmentQuota.objects.for_user(world.user("county"), CHANGE).count() == DevelopmentQuota.objects.count()


# --- offered exactly when allowed ---------------------------------------------------------------------------------


class Links(HTMLParser):
    """Every link of a page (``<a href>``), and every form's target."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "form" and attrs.get("action"):
            self.hrefs.append(attrs["action"])


def links_of(response) -> set[str]:
    parser = Links()
    parser.feed(response.content.decode())
    return {urlsplit(href).path for href in parser.hrefs if href.startswith("/")}


def write_views(entity, obj):
    """(permission, url) of every write view of ``entity`` on ``obj`` (add is about the model)."""
    model = entity.model
    views = []
    if entity.form_class is not None:
        views.append((ADD, model, reverse(entity.url_name("add"))))
        views.append((CHANGE, obj, reverse(entity.url_name("edit"), args=[obj.pk])))
    if entity.deletable:
        views.append((DELETE, obj, reverse(entity.url_name("delete"), args=[obj.pk])))
    for action in entity.actions:
        if action.available is None or action.available(obj):
            views.append((action.permission, obj, reverse(entity.url_name(action.name), args=[obj.pk])))
    return views


@pytest.mark.parametrize("persona", ["staff_a", "county", "secretary_a", "admin"])
def test_every_write_is_offered_exactly_when_the_role_may_do_it(world, persona):
    user = world.user(persona)
    client = Client()
    client.force_login(user)
    checked = 0
    for entity in ENTITIES:
        obj = world.in_a[entity.model]
        if not type(obj)._default_manager.for_user(user).filter(pk=obj.pk).exists():
            continue  # outside this persona's scope: the views answer 404 (test_scoping)
        offered = links_of(client.get(reverse(entity.url_name("list"))))
        offered |= links_of(client.get(reverse(entity.url_name("detail"), args=[obj.pk])))
        for permission, target, url in write_views(entity, obj):
            allowed = may(user, permission, target)
            response = client.get(url)
            expected = 200 if allowed else 403
            assert response.status_code == expected, (entity.__name__, permission, url)
            assert (url in offered) == allowed, (entity.__name__, permission, url, "offered" if allowed else "hidden")
            checked += 1
    assert checked > 20


def test_a_refused_write_changes_nothing(world):
    client = Client()
    client.force_login(world.user("county"))
    enterprise = world.in_a[Enterprise]
    url = reverse("organizations:enterprise_edit", args=[enterprise.pk])
    response = client.post(url, {"name": "县里改的名字", "version": enterprise.version})
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=enterprise.pk).name == enterprise.name


SKIPPED_PATHS = re.compile(r"/(logout|export|export-workbook|attachment|download|preview|photos?/\d+|reveal)/")


@pytest.mark.parametrize("persona", ["staff_a", "county", "secretary_a", "admin", "auditor", "no_role"])
def test_no_page_offers_a_link_the_user_is_refused(world, persona):
    """Follow every link from the home page (one page per view and query shape): none answers 403 or 5xx."""
    client = Client()
    client.force_login(world.user(persona))
    seen_shapes: set[tuple] = set()
    queue = [("/", "")]
    visited = 0
    while queue and visited < 400:
        path, referrer = queue.pop()
        try:
            match = resolve(path)
        except Resolver404:
            continue
        shape = (match.view_name, tuple(sorted(match.kwargs)))
        if shape in seen_shapes or SKIPPED_PATHS.search(path) or match.app_name == "admin":
            continue
        seen_shapes.add(shape)
        response = client.get(path, follow=True)
        visited += 1
        assert response.status_code != 403 and response.status_code < 500, (persona, path, "linked from", referrer)
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend((link, path) for link in links_of(response) - {path})
    assert visited >= (1 if persona in ("no_role", "auditor") else 20)


@pytest.mark.parametrize("persona", ["staff_a", "county", "secretary_a", "admin", "no_role"])
def test_only_the_audit_administrator_reads_the_audit_log(world, persona):
    assert may(world.user("auditor"), VIEW, AuditEvent)
    assert not may(world.user(persona), VIEW, AuditEvent)
    client = Client()
    client.force_login(world.user(persona))
    assert client.get(reverse("audit:list")).status_code == 403


# --- versions that cannot be skipped ------------------------------------------------------------------------------


def edit_form_data(client, url) -> dict:
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


@pytest.mark.parametrize("version", [None, "", "0", "-1", "abc"])
@pytest.mark.parametrize("entity", [e for e in ENTITIES if e.form_class is not None], ids=lambda e: e.__name__)
def test_an_edit_without_its_version_is_refused_and_changes_nothing(world, entity, version):
    obj = world.in_a[entity.model]
    user = world.user("staff_a" if may(world.user("staff_a"), CHANGE, obj) else "county")
    client = Client()
    client.force_login(user)
    url = reverse(entity.url_name("edit"), args=[obj.pk])
    data = edit_form_data(client, url)
    if version is None:
        data.pop("version", None)
    else:
        data["version"] = version
    before = type(obj)._default_manager.get(pk=obj.pk)
    response = client.post(url, data)
    assert response.status_code == 400
    codes = [error.code for error in response.context["form"].non_field_errors().as_data()]
    assert "version_missing" in codes
    after = type(obj)._default_manager.get(pk=obj.pk)
    assert after.version == before.version


def test_a_deletion_without_its_version_is_refused(world):
    client = Client()
    client.force_login(world.user("staff_a"))
    activity = world.in_a[Activity]
    url = reverse("organizations:activity_delete", args=[activity.pk])
    assert client.post(url).status_code == 400
    assert client.post(url, {"version": activity.version + 1}).status_code == 400
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert client.post(url, {"version": activity.version}).status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_an_action_without_its_version_is_refused(world):
    client = Client()
    client.force_login(world.user("staff_a"))
    enterprise = world.in_a[Enterprise]
    url = reverse("organizations:enterprise_deregister", args=[enterprise.pk])
    assert client.post(url, {"on": "2024-01-01"}).status_code == 400
    assert Enterprise.objects.get(pk=enterprise.pk).deregistered_on is None


def test_a_stale_version_names_who_saved_first(world):
    staff_a = world.user("staff_a")
    client = Client()
    client.force_login(staff_a)
    organization = world.in_a[PartyOrganization]
    url = reverse("organizations:partyorganization_edit", args=[organization.pk])
    data = edit_form_data(client, url)
    first = edit_form_data(client, url)
    first["notes"] = "先保存的人"
    assert client.post(url, first).status_code == 302
    data["notes"] = "后保存的人"
    response = client.post(url, data)
    assert response.status_code == 400
    assert PartyOrganization.objects.get(pk=organization.pk).notes == "先保存的人"


# --- report drafts: creating one that exists is a conflict --------------------------------------------------------


def test_two_people_creating_the_same_draft_the_second_is_told_and_nothing_is_overwritten(world):
    park = Park.objects.get(pk=world.zone_a.pk)
    ReportDraft.objects.filter(park=park).delete()
    first_editor = load_report(park, 2023, "duty")
    second_editor = load_report(park, 2023, "duty")  # both opened the editor before anyone saved
    report_draft_save(first_editor, {"intro": "第一个人的开头。"}, user=world.user("staff_a"), expected_version=0)
    colleague = f.ParkStaffFactory(park=park)
    with pytest.raises(Exception) as raised:
        report_draft_save(second_editor, {"intro": "第二个人的开头。"}, user=colleague, expected_version=0)
    assert raised.value.code == "stale"
    assert ReportDraft.objects.get(park=park, year=2023, kind="duty").texts["intro"] == "第一个人的开头。"


def test_the_editor_refuses_a_create_over_an_existing_draft_with_409(world):
    park = Park.objects.get(pk=world.zone_a.pk)
    ReportDraft.objects.filter(park=park).delete()
    client = Client()
    client.force_login(world.user("staff_a"))
    url = reverse("annual:editor", args=[park.code, 2023, "duty"])
    report_draft_save(load_report(park, 2023, "duty"), {"intro": "先到的。"}, user=world.staff_a, expected_version=0)
    response = client.post(url, {"text_intro": "后到的。", "version": "0", "action": "save"})
    assert response.status_code == 409
    response = client.post(url, {"text_intro": "没有版本。", "action": "save"})
    assert response.status_code == 409
    assert ReportDraft.objects.get(park=park, year=2023, kind="duty").texts["intro"] == "先到的。"
