"""Excel imports in the browser: upload, preview, confirm, the blank template, and who may do it."""

import io
import os
import time
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from organizations.models import Enterprise
from parkparty.core.imports import write_template
from parkparty.core.models import ImportBatch
from parkparty.core.views import imports as import_views

from . import factories as f
from .importing import ENTERPRISE_HEADERS

pytestmark = pytest.mark.django_db

INDEX = reverse("imports:index")
UPLOAD = reverse("imports:upload", args=["enterprises"])
CONFIRM = reverse("imports:confirm", args=["enterprises"])
TEMPLATE = reverse("imports:template", args=["enterprises"])


@pytest.fixture
def park(media):
    return f.ParkFactory(code="IM", name="导入测试园区")


@pytest.fixture
def staff(park):
    return f.ParkStaffFactory(park=park)


def stored_files(media) -> list[Path]:
    directory = Path(media) / "imports"
    return sorted(directory.iterdir()) if directory.exists() else []


def workbook(path: Path, rows: list[dict], kind: str = "enterprises") -> Path:
    """The blank template with ``rows`` (header → value) filled in from row 2."""
    write_template(kind, path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=number, column=headers.index(header) + 1, value=value)
    book.save(path)
    return path


def enterprise_row(n: int, park, **changes) -> dict:
    row = {
        "统一社会信用代码": f.make_uscc(900_000 + n),
        "企业名称": f"导入测试{n}号有限公司",
        "所属园区": park.code,
        "经营状态": "已投产运营",
        "职工人数": 100 + n,
    }
    row.update(changes)
    return row


def upload(client, path: Path, park, url=UPLOAD):
    with open(path, "rb") as handle:
        return client.post(url, {"park": park.pk, "file": handle})


def pending_entry(client) -> tuple[str, dict]:
    pending = client.session[import_views.SESSION_KEY]
    assert len(pending) == 1
    return next(iter(pending.items()))


# --- who may import ------------------------------------------------------


@pytest.mark.parametrize("factory", ["county", "secretary", "no_role"])
def test_county_secretaries_and_users_without_scope_get_403_everywhere(client, park, factory):
    user = {
        "county": f.CountyReviewerFactory,
        "secretary": lambda: f.SecretaryFactory(organization=f.PartyOrganizationFactory(park=park)),
        "no_role": f.UserFactory,
    }[factory]()
    client.force_login(user)
    for url in (INDEX, UPLOAD, TEMPLATE, reverse("imports:upload", args=["members"])):
        assert client.get(url).status_code == 403, url
    assert client.post(UPLOAD, {"park": park.pk}).status_code == 403
    assert client.post(CONFIRM, {"token": "0" * 32, "sha256": "0" * 64}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, park):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_kind_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("imports:upload", args=["dues"])).status_code == 404


def test_park_choice_is_limited_to_scope_and_defaults_to_own_park(client, park, staff):
    child = f.ParkFactory(code="IM1", name="导入测试园区东园", parent=park)
    other = f.ParkFactory(code="XX", name="别的园区")
    client.force_login(staff)
    response = client.get(UPLOAD)
    assert response.status_code == 200
    choices = response.context["form"].fields["park"].queryset
    assert set(choices) == {park, child}
    html = response.content.decode()
    assert f'<option value="{park.pk}" selected>' in html
    assert other.name not in html
    assert 'accept=".xlsx,' in html
    assert '<label class="form-label" for="id_file">' in html
    assert TEMPLATE in html  # the download button

    with io.BytesIO(b"PK") as handle:
        handle.name = "survey.xlsx"
        response = client.post(UPLOAD, {"park": other.pk, "file": handle})
    assert response.status_code == 400
    assert "park" in response.context["form"].errors


def test_administrators_may_import_into_any_park(client, media, tmp_path):
    parks = [f.ParkFactory(), f.ParkFactory()]
    client.force_login(f.AdministratorFactory())
    response = client.get(UPLOAD)
    assert set(response.context["form"].fields["park"].queryset) >= set(parks)
    response = upload(client, workbook(tmp_path / "a.xlsx", [enterprise_row(1, parks[1])]), parks[1])
    assert response.status_code == 200
    assert response.context["result"].created == 1


# --- preview ---------------------------------------------------------------


def test_preview_lists_counts_and_every_rejected_row_and_writes_nothing(client, media, park, staff, tmp_path):
    existing = f.EnterpriseFactory(park=park, uscc=f.make_uscc(900_001), name="导入测试1号有限公司")
    rows = [
        enterprise_row(1, park, 企业名称=existing.name, 职工人数=existing.employees),
        enterprise_row(2, park),
        enterprise_row(3, park, 统一社会信用代码="91360426ABC"),
    ]
    client.force_login(staff)
    response = upload(client, workbook(tmp_path / "摸排表.xlsx", rows), park)

    assert response.status_code == 400
    result = response.context["result"]
    assert result.total == 3
    assert result.rejected >= 1
    assert not result.ok
    html = response.content.decode()
    assert 'id="count-rejected"' in html
    error = next(e for e in result.errors if e.column == "统一社会信用代码")
    assert error.row == 4
    table = html[html.index('class="table table-sm sticky-head import-errors"') :]
    assert '<td class="text-end num">4</td><td>统一社会信用代码</td>' in table
    assert f"<td>{error.message}</td>" in table
    assert response.context["confirm_form"] is None
    assert 'action="/import/enterprises/confirm/"' not in html
    # nothing written, nothing kept
    assert Enterprise.objects.count() == 1
    assert not ImportBatch.objects.exists()
    assert stored_files(media) == []
    assert not client.session.get(import_views.SESSION_KEY)


def test_a_bad_file_gets_one_message(client, media, park, staff):
    client.force_login(staff)
    handle = io.BytesIO(os.urandom(4096))
    handle.name = "survey.xlsx"
    response = client.post(UPLOAD, {"park": park.pk, "file": handle})
    assert response.status_code == 400
    file_error = response.context["file_error"]
    assert file_error
    html = response.content.decode()
    assert html.count("import-file-error") == 1
    assert file_error in html
    assert "import-errors" not in html
    assert stored_files(media) == []
    assert not Enterprise.objects.exists()


def test_files_that_are_not_xlsx_or_too_large_are_refused_before_saving(client, media, park, staff, monkeypatch):
    client.force_login(staff)
    handle = io.BytesIO(b"a,b\n")
    handle.name = "survey.csv"
    response = client.post(UPLOAD, {"park": park.pk, "file": handle})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors

    monkeypatch.setattr(import_views, "MAX_UPLOAD_BYTES", 10)
    handle = io.BytesIO(b"x" * 11)
    handle.name = "survey.xlsx"
    response = client.post(UPLOAD, {"park": park.pk, "file": handle})
    assert response.status_code == 400
    assert "20 MB" in response.context["form"].errors["file"][0]
    assert stored_files(media) == []


# --- confirm -----------------------------------------------------------------


def test_a_good_file_is_previewed_then_confirmed_and_the_upload_removed(client, media, park, staff, tmp_path):
    path = workbook(tmp_path / "摸排表.xlsx", [enterprise_row(1, park), enterprise_row(2, park)])
    client.force_login(staff)
    response = upload(client, path, park)
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.total, result.created, result.updated, result.unchanged, result.rejected) == (2, 2, 0, 0, 0)
    assert 'action="/import/enterprises/confirm/"' in response.content.decode()
    assert not Enterprise.objects.exists()

    token, entry = pending_entry(client)
    files = stored_files(media)
    assert [p.name for p in files] == [f"{token}.xlsx"]  # named by the token, not the user's file name
    assert entry["sha256"] == import_views.sha256_of(path)

    response = client.post(CONFIRM, {"token": token, "sha256": entry["sha256"]}, follow=True)
    assert response.redirect_chain[-1][0] == INDEX
    assert Enterprise.objects.filter(park=park).count() == 2
    batch = ImportBatch.objects.get()
    assert batch.park == park
    assert batch.user == staff
    assert batch.sha256 == entry["sha256"]
    assert stored_files(media) == []
    assert not client.session.get(import_views.SESSION_KEY)
    html = response.content.decode()
    assert "alert-success" in html
    assert "摸排表.xlsx" in html  # the recent imports list

    # The same token cannot be confirmed twice.
    response = client.post(CONFIRM, {"token": token, "sha256": entry["sha256"]})
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 1

    # Re-importing the same file changes nothing.
    response = upload(client, path, park)
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    token, entry = pending_entry(client)
    client.post(CONFIRM, {"token": token, "sha256": entry["sha256"]})
    assert Enterprise.objects.count() == 2
    assert stored_files(media) == []


def test_confirm_with_another_hash_is_refused(client, media, park, staff, tmp_path):
    client.force_login(staff)
    upload(client, workbook(tmp_path / "a.xlsx", [enterprise_row(1, park)]), park)
    token, entry = pending_entry(client)
    response = client.post(CONFIRM, {"token": token, "sha256": "0" * 64}, follow=True)
    assert response.redirect_chain[-1][0] == UPLOAD
    assert "alert-danger" in response.content.decode()
    assert not Enterprise.objects.exists()
    assert not ImportBatch.objects.exists()
    # the refused upload is gone: confirming it with the right hash now fails too
    assert stored_files(media) == []
    client.post(CONFIRM, {"token": token, "sha256": entry["sha256"]})
    assert not Enterprise.objects.exists()


def test_confirm_of_a_file_changed_after_the_preview_is_refused(client, media, park, staff, tmp_path):
    client.force_login(staff)
    upload(client, workbook(tmp_path / "a.xlsx", [enterprise_row(1, park)]), park)
    token, entry = pending_entry(client)
    workbook(tmp_path / "b.xlsx", [enterprise_row(1, park), enterprise_row(2, park)])
    (Path(media) / "imports" / f"{token}.xlsx").write_bytes((tmp_path / "b.xlsx").read_bytes())
    response = client.post(CONFIRM, {"token": token, "sha256": entry["sha256"]})
    assert response.status_code == 302
    assert not Enterprise.objects.exists()
    assert stored_files(media) == []


def test_confirm_of_another_users_upload_is_refused(client, media, park, staff, tmp_path):
    client.force_login(staff)
    upload(client, workbook(tmp_path / "a.xlsx", [enterprise_row(1, park)]), park)
    token, entry = pending_entry(client)

    intruder = f.ParkStaffFactory(park=park)
    client.force_login(intruder)
    response = client.post(CONFIRM, {"token": token, "sha256": entry["sha256"]})
    assert response.status_code == 302
    assert not Enterprise.objects.exists()
    assert len(stored_files(media)) == 1  # the owner's upload is left alone

    client.force_login(staff)  # a new session: the pending upload is not in it
    response = client.post(CONFIRM, {"token": token, "sha256": entry["sha256"]})
    assert not Enterprise.objects.exists()


def test_malformed_confirm_is_refused(client, park, staff):
    client.force_login(staff)
    response = client.post(CONFIRM, {"token": "../../settings", "sha256": "x"})
    assert response.status_code == 302
    assert not ImportBatch.objects.exists()


def test_stale_uploads_are_swept_when_a_new_one_arrives(client, media, park, staff, tmp_path):
    directory = Path(media) / "imports"
    directory.mkdir(parents=True)
    stale = directory / ("a" * 32 + ".xlsx")
    fresh = directory / ("b" * 32 + ".xlsx")
    stale.write_bytes(b"old")
    fresh.write_bytes(b"new")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    client.force_login(staff)
    upload(client, workbook(tmp_path / "a.xlsx", [enterprise_row(1, park)]), park)
    names = {p.name for p in stored_files(media)}
    assert stale.name not in names
    assert fresh.name in names


# --- the blank template ------------------------------------------------------


def test_the_blank_template_downloads_with_the_contract_headers(client, staff):
    client.force_login(staff)
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == import_views.XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition.lower()
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[: len(ENTERPRISE_HEADERS)] == ENTERPRISE_HEADERS

    response = client.get(reverse("imports:template", args=["members"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[:2] == ["姓名", "公民身份号码"]


def test_index_lists_kinds_and_only_my_recent_imports(client, media, park, staff, tmp_path):
    client.force_login(staff)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert UPLOAD in html
    assert reverse("imports:upload", args=["members"]) in html
    assert response.context["batches"] == []


def test_a_member_roster_is_imported_through_the_same_pages(client, media, park, staff, tmp_path):
    from members.models import Member

    organization = f.PartyOrganizationFactory(park=park, name="导入测试党支部")
    row = {
        "姓名": "王导入",
        "公民身份号码": f.make_resident_id(900_001),
        "所在党组织": organization.name,
        "人员类别": "正式党员",
        "入党日期": "2015-07-01",
        "转正日期": "2016-07-01",
    }
    path = workbook(tmp_path / "党员.xlsx", [row], kind="members")
    client.force_login(staff)
    response = upload(client, path, park, url=reverse("imports:upload", args=["members"]))
    assert response.status_code == 200, [str(e) for e in response.context["result"].errors]
    assert response.context["result"].created == 1
    token, entry = pending_entry(client)
    response = client.post(reverse("imports:confirm", args=["members"]), {"token": token, "sha256": entry["sha256"]})
    assert response.status_code == 302
    assert Member.objects.filter(organization=organization, name="王导入").exists()
    assert ImportBatch.objects.get().kind == "members"
    assert stored_files(media) == []


def test_a_token_from_one_kind_cannot_confirm_another(client, media, park, staff, tmp_path):
    client.force_login(staff)
    upload(client, workbook(tmp_path / "a.xlsx", [enterprise_row(1, park)]), park)
    token, entry = pending_entry(client)
    response = client.post(reverse("imports:confirm", args=["members"]), {"token": token, "sha256": entry["sha256"]})
    assert response.status_code == 302
    assert not ImportBatch.objects.exists()
