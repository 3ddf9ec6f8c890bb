"""The load test's own parts: the simulated browser's form reading and the "nothing lost" check.

``make loadtest`` runs the real thing (gunicorn, locust, 50 users); these
tests prove, through the real views and a real database, that the simulated
editor submits the edit forms as a browser does and that the check finds
every kind of lost or wrongly refused edit.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Member
from organizations.models import Enterprise
from parkparty.loadtest.checks import check_record
from parkparty.loadtest.htmlforms import judge_save, parse_forms, post_form
from parkparty.loadtest.report import percentile, summarize
from parkparty.management.commands.loadtest import seconds

from . import factories as f

PASSWORD = "Load-test-pw-2026"


def sign_in(user) -> Client:
    """A client that signs in through the login form with its CSRF token, as the simulated users do."""
    user.set_password(PASSWORD)
    user.save()
    client = Client(enforce_csrf_checks=True)
    form = post_form(client.get(reverse("login")).content.decode(), "username")
    fields = dict(form.with_value("username", user.username))
    fields["password"] = PASSWORD
    answer = client.post(reverse("login"), fields)
    assert answer.status_code == 302
    return client


def open_form(client: Client, record):
    page = client.get(reverse(f"{record._meta.app_label}:{record._meta.model_name}_edit", args=[record.pk]))
    assert page.status_code == 200
    return post_form(page.content.decode(), "version")


def save(client: Client, record, form, marker: str) -> dict:
    """POST the form back with ``marker`` in the notes, multipart like the page's form; the editor's log entry."""
    assert "multipart" in form.enctype
    data = defaultdict(list)
    for key, value in form.with_value("notes", marker):
        data[key].append(value)
    answer = client.post(reverse(f"{record._meta.app_label}:{record._meta.model_name}_edit", args=[record.pk]), data)
    target = {"model": record._meta.model_name, "pk": record.pk}
    outcome, message = judge_save(answer.status_code, answer.get("Location", ""), answer.content.decode(), target)
    return {
        "marker": marker,
        "read_version": int(form.value("version")),
        "user": answer.wsgi_request.user.username,
        "outcome": outcome,
        "message": message,
    }


def unchanged_fields(record) -> dict:
    """Every stored value an edit of the notes must leave as it was."""
    skip = {"notes", "version", "updated_at"}
    return {field.name: getattr(record, field.attname) for field in record._meta.fields if field.name not in skip}


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """The simulated users sign in through the real form; a fast hasher keeps that cheap here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def zone(db):
    return f.ParkFactory(code="Z", name="压测园区")


@pytest.fixture
def editors(zone):
    return [f.ParkStaffFactory(park=zone, username=f"editor-{n}") for n in (1, 2)]


@pytest.fixture
def enterprise(zone):
    return f.EnterpriseFactory(park=zone, notes="原备注")


@pytest.fixture
def member(zone):
    return f.MemberFactory(organization=f.PartyOrganizationFactory(park=zone))


@pytest.mark.parametrize("kind", ["enterprise", "member"])
def test_simulated_editor_saves_the_real_edit_form_back_with_only_the_notes_changed(kind, editors, request):
    record = request.getfixturevalue(kind)
    before = unchanged_fields(record)
    client = sign_in(editors[0])

    entry = save(client, record, open_form(client, record), "压测 标记 #1")

    assert entry["outcome"] == "accepted"
    record.refresh_from_db()
    assert record.notes == "压测 标记 #1"
    assert unchanged_fields(record) == before
    assert check_record(record, entry["read_version"], [entry], kind).problems == []


def test_concurrent_editors_one_accepted_one_refused_as_stale_and_the_check_passes(enterprise, editors):
    first, second = (sign_in(user) for user in editors)
    form_first, form_second = open_form(first, enterprise), open_form(second, enterprise)

    accepted = save(first, enterprise, form_first, "压测 甲 #1")
    refused = save(second, enterprise, form_second, "压测 乙 #1")
    retried = save(second, enterprise, open_form(second, enterprise), "压测 乙 #2")

    assert [accepted["outcome"], refused["outcome"], retried["outcome"]] == ["accepted", "refused", "accepted"]
    assert "修改了该记录" in refused["message"]
    result = check_record(enterprise, 1, [accepted, refused, retried], "enterprise")
    assert result.problems == []
    assert result.counts["accepted"] == 2 and result.counts["refused"] == 1 and result.version_after == 3


def test_check_finds_a_save_that_overwrote_a_version_it_never_read(enterprise, editors):
    first, second = (sign_in(user) for user in editors)
    form_first, form_second = open_form(first, enterprise), open_form(second, enterprise)
    accepted = save(first, enterprise, form_first, "压测 甲 #1")
    # The second editor's save goes through without the version check (the lost update of issue 10).
    overwriting = Enterprise.objects.get(pk=enterprise.pk)
    overwriting.notes = "压测 乙 #1"
    overwriting._history_user = editors[1]
    overwriting.save()
    blind = {"marker": "压测 乙 #1", "read_version": int(form_second.value("version")), "user": editors[1].username}

    result = check_record(enterprise, 1, [accepted, {**blind, "outcome": "accepted"}], "enterprise")

    assert result.counts["lost"] == 1
    assert any("overwrote a save it never saw" in problem for problem in result.problems)


def test_check_finds_an_accepted_save_missing_from_history(member, editors):
    accepted = {"marker": "压测 丢失 #1", "read_version": 1, "user": editors[0].username, "outcome": "accepted"}

    result = check_record(member, 1, [accepted], "member")

    assert result.counts["lost"] == 1
    assert any("is missing" in problem for problem in result.problems)


def test_check_finds_a_refusal_without_a_conflict_and_a_refused_save_that_was_written(enterprise, editors):
    client = sign_in(editors[0])
    written = save(client, enterprise, open_form(client, enterprise), "压测 已写入 #1")
    told_refused = {**written, "outcome": "refused"}
    for_nothing = {"marker": "压测 无冲突 #2", "read_version": 2, "user": editors[0].username, "outcome": "refused"}

    problems = check_record(enterprise, 1, [told_refused, for_nothing], "enterprise").problems

    assert any("was written all the same" in problem for problem in problems)
    assert any("although nobody had replaced version 2" in problem for problem in problems)


def test_check_finds_a_history_row_no_editor_sent(member, editors):
    stray = Member.objects.get(pk=member.pk)
    stray.notes = "别处写入"
    stray.save()

    problems = check_record(member, 1, [], "member").problems

    assert any("which no simulated editor sent" in problem for problem in problems)


def test_form_reader_sends_what_a_browser_sends():
    page = """
    <form method="post" enctype="multipart/form-data"><input type="hidden" name="version" value="7">
      <input name="name" value="A &amp; B"><input type="checkbox" name="off"><input type="checkbox" name="on" checked>
      <input name="locked" value="x" disabled><input type="submit" name="go" value="Save">
      <select name="one"><option value="">---</option><option value="2">二</option></select>
      <select name="picked"><option value="1">一</option><option value="3" selected>三</option></select>
      <select name="many" multiple><option value="4" selected>四</option><option value="5" selected>五</option></select>
      <textarea name="notes">
第一行</textarea>
      <div class="alert alert-danger" role="alert"><p>已被他人修改<br>请重试</p></div>
      <input name="bad" class="form-control is-invalid" value="">
    </form>"""
    (form,) = parse_forms(page)
    assert form.fields == [
        ("version", "7"),
        ("name", "A & B"),
        ("on", "on"),
        ("one", ""),
        ("picked", "3"),
        ("many", "4"),
        ("many", "5"),
        ("notes", "第一行"),
        ("bad", ""),
    ]
    assert form.errors == ["已被他人修改请重试"] and form.invalid == ["bad"]


def test_summary_counts_every_5xx_and_unanswered_request_as_an_error():
    requests = [["list", ms, 200, "", 100.0 + ms / 10, "work"] for ms in range(1, 101)]
    requests += [["save", 30, 500, "", 101.0, "work"], ["save", 40, 0, "", 101.0, "work"]]
    requests += [["save", 50, 400, "HTTP 400", 102.0, "work"], ["login", 20, 302, "", 100.0, "start"]]

    summary = summarize(requests, started=100.0, stopped=110.0, ready=105.0)

    assert summary.requests == 104 and summary.per_second == pytest.approx(10.4)
    assert summary.failures == 3 and summary.server_errors == 1
    assert percentile(summary.kinds["list"].times, 0.5) == 50 and percentile(summary.kinds["list"].times, 0.95) == 95
    # The steady state: requests started once every user had signed in (105.0) and before the stop (110.0).
    assert summary.kinds["list"].steady == [float(ms) for ms in range(50, 100)]
    assert summary.steady_per_second == pytest.approx(50 / 5)


@pytest.mark.parametrize(("text", "expected"), [("60s", 60), ("2m", 120), ("1m30s", 90), ("45", 45)])
def test_run_time_reads_locust_durations(text, expected):
    assert seconds(text) == expected


@pytest.mark.parametrize("text", ["", "0s", "soon", "5x"])
def test_run_time_refuses_what_is_not_a_duration(text):
    with pytest.raises(ValueError):
        seconds(text)
