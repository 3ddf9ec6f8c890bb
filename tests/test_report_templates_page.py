"""The report templates page: which template each park uses, download, and upload with validation."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.docx_templates import default_template
from reports.models import ReportTemplate

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PAGE = reverse("annual:templates")


@pytest.fixture
def parks():
    zone = f.ParkFactory(code="Z", name="甲园区")
    sub = f.ParkFactory(code="Z1", name="甲一园", parent=zone)
    other = f.ParkFactory(code="O", name="乙园区")
    return zone, sub, other


def docx_with(replace_from: str, replace_to: str, kind: str = "duty") -> bytes:
    """The built-in template with one piece of its document XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(default_template(kind)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode()
                assert replace_from in text
                data = text.replace(replace_from, replace_to, 1).encode()
            target.writestr(item, data)
    return out.getvalue()


def upload(client, park, data: bytes, kind: str = "duty", name: str = "我的模板.docx"):
    return client.post(PAGE, {"park": park.code, "kind": kind, "file": SimpleUploadedFile(name, data)})


def test_staff_see_the_built_in_template_and_download_it(client, parks):
    zone, sub, _other = parks
    client.force_login(f.ParkStaffFactory(park=zone))
    page = client.get(PAGE)
    assert page.status_code == 200
    content = page.content.decode()
    assert "内置模板" in content and "甲一园" in content and "乙园区" not in content
    download = client.get(reverse("annual:template_download", args=[sub.code, "duty"]))
    assert download.status_code == 200
    assert download.content == default_template("duty")


def test_a_valid_upload_is_used_by_the_park_and_its_sub_parks(client, parks):
    zone, sub, _other = parks
    client.force_login(f.ParkStaffFactory(park=zone))
    data = docx_with("{{ text.intro }}", "{{ text.intro }}（党员{{ figures.members_total }}名）")
    response = upload(client, zone, data)
    assert response.status_code == 302
    template = ReportTemplate.objects.get(park=zone, kind="duty", is_active=True)
    assert template.original_name == "我的模板.docx" and template.history.count() == 1
    assert client.get(reverse("annual:template_download", args=[sub.code, "duty"])).content == data
    page = client.get(PAGE).content.decode()
    assert "我的模板.docx" in page and "沿用 甲园区 的模板" in page


def test_unknown_placeholders_are_listed_and_nothing_is_written(client, parks):
    zone, _sub, _other = parks
    client.force_login(f.ParkStaffFactory(park=zone))
    response = upload(client, zone, docx_with("{{ text.intro }}", "{{ text.intro }}{{ figures.no_such_figure }}"))
    assert response.status_code == 400
    assert "figures.no_such_figure" in response.content.decode()
    assert not ReportTemplate.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a word file at all", "该文件不是 Word 文档"),
        (None, "占位符写法有误"),
    ],
)
def test_bad_files_get_one_clear_message(client, parks, data, message):
    zone, _sub, _other = parks
    client.force_login(f.ParkStaffFactory(park=zone))
    if data is None:
        data = docx_with("{{ text.intro }}", "{{ text.intro ")
    response = upload(client, zone, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReportTemplate.objects.exists()


def test_no_file_is_a_message_not_an_error(client, parks):
    zone, _sub, _other = parks
    client.force_login(f.ParkStaffFactory(park=zone))
    response = client.post(PAGE, {"park": zone.code, "kind": "duty"})
    assert response.status_code == 400
    assert "请选择要上传的 Word 文件" in response.content.decode()


def test_readers_and_outsiders(client, parks):
    zone, _sub, other = parks
    client.force_login(f.CountyReviewerFactory())
    page = client.get(PAGE)
    assert page.status_code == 200 and "上传模板" not in page.content.decode()
    assert upload(client, zone, default_template("duty")).status_code == 403

    client.force_login(f.ParkStaffFactory(park=other))
    assert upload(client, zone, default_template("duty")).status_code == 404
    assert client.get(reverse("annual:template_download", args=[zone.code, "duty"])).status_code == 404

    client.force_login(f.SecretaryFactory(organization=f.PartyOrganizationFactory(park=zone)))
    assert client.get(PAGE).status_code == 403  # report templates are park business, never a secretary's
    assert not ReportTemplate.objects.exists()
