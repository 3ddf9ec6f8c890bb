"""Annual reports: drafts saved with history, the editor pages, generated DOCX files and the command.

The first part works on a small hand-built park; the last part uses the
session's demo county (``demo`` in conftest.py) and reads its 2023 reports
back with python-docx: every figure seed 002 states, in its sentence, and
the GB/T 9704 layout.
"""

import datetime
import io
from io import StringIO
from urllib.parse import quote

import docx
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from docx.oxml.ns import qn
from docx.shared import Mm

from organizations.models import Park
from parkparty.core.models import User
from parkparty.core.services import StaleEditError
from reports import outline
from reports.annual import load_report, render, report_draft_save, report_generate
from reports.docx_templates import FONT_BODY, FONT_HEADING1, FONT_HEADING2, FONT_TITLE, STYLE_NAMES
from reports.models import GeneratedReport, ReportDraft
from tests.flushing import rolled_back

from . import factories as f

YEAR = 2023
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NASTY = "甲 & 乙 < 丙 > 丁 {{ x }} {% if true %}真{% endif %} 100%"


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def whole_text(document) -> str:
    return "\n".join(paragraphs(document))


@pytest.fixture
def park(db, media):
    """A park with a sub-park and a little data: an organization, two enterprises, staffing."""
    zone = f.ParkFactory(code="RA", name="报告测试园区")
    sub = f.ParkFactory(code="RA1", name="报告测试园区东园", parent=zone)
    org = f.PartyOrganizationFactory(park=sub, name="报告测试企业党支部")
    f.EnterpriseFactory(organization=org, founded_on=datetime.date(2015, 1, 1))
    f.EnterpriseFactory(park=zone, founded_on=datetime.date(2015, 1, 1), no_organization_reason="no_members")
    f.MemberFactory(organization=org)
    f.ParkStaffingFactory(park=zone, year=YEAR, posts_authorised=5, posts_actual=3)
    return zone


@pytest.fixture
def other_park(db):
    return f.ParkFactory(code="RB", name="另一个园区")


@pytest.fixture
def staff(park):
    return f.ParkStaffFactory(park=park, last_name="王", first_name="小明", username="wang")


@pytest.fixture
def staff2(park):
    return f.ParkStaffFactory(park=park, last_name="赵", first_name="小红", username="zhao")


@pytest.fixture
def county(db):
    return f.CountyReviewerFactory(last_name="县委", first_name="审核")


@pytest.fixture
def secretary(park):
    return f.SecretaryFactory(organization=f.PartyOrganizationFactory(park=park))


@pytest.fixture
def outsider(other_park):
    return f.ParkStaffFactory(park=other_park)


def fresh(user):
    """The user loaded again (no cached scope)."""
    return User.objects.get(pk=user.pk)


def as_user(client, user):
    client.force_login(user)
    return client


def editor(park, kind=outline.DUTY, year=YEAR):
    return reverse("annual:editor", args=[park.code, year, kind])


def preview(park, kind=outline.DUTY, year=YEAR):
    return reverse("annual:preview", args=[park.code, year, kind])


def history(park, kind=outline.DUTY, year=YEAR):
    return reverse("annual:history", args=[park.code, year, kind])


def form_texts(report, **changes) -> dict:
    """The editor's POST data: every block as shown, with ``changes``."""
    data = {f"text_{key}": text for key, text in report.texts.items()}
    data.update({f"text_{key}": text for key, text in changes.items()})
    return data


# Saving drafts (the service) ----------------------------------------------------------------


def test_only_blocks_that_differ_from_the_data_draft_are_stored(park, staff):
    report = load_report(park, YEAR, outline.DUTY)
    texts = dict(report.texts)
    texts["intro"] = "  改写后的开头。\r\n第二段。  "
    saved = report_draft_save(report, texts, user=fresh(staff), expected_version=0)
    assert saved.texts == {"intro": "改写后的开头。\n第二段。"}
    assert saved.history.count() == 1 and saved.history.first().history_user == staff

    again = load_report(park, YEAR, outline.DUTY)
    assert again.texts["intro"] == "改写后的开头。\n第二段。"
    assert again.is_edited("intro") and not again.is_edited("work_1")
    assert again.texts["work_1"] == again.drafted["work_1"]

    # Putting the drafted text back removes the edit.
    texts["intro"] = again.drafted["intro"]
    report_draft_save(again, texts, user=fresh(staff), expected_version=saved.version)
    assert ReportDraft.objects.get(pk=saved.pk).texts == {}


def test_stale_save_is_refused_and_names_who_saved(park, staff, staff2):
    first = load_report(park, YEAR, outline.DUTY)
    report_draft_save(first, {"intro": "第一次。"}, user=fresh(staff), expected_version=0)
    version = ReportDraft.objects.get().version
    mine, theirs = load_report(park, YEAR, outline.DUTY), load_report(park, YEAR, outline.DUTY)
    report_draft_save(mine, {"intro": "王的修改。"}, user=fresh(staff), expected_version=version)
    with pytest.raises(StaleEditError, match="王小明"):
        report_draft_save(theirs, {"intro": "赵的修改。"}, user=fresh(staff2), expected_version=version)
    assert ReportDraft.objects.get().texts == {"intro": "王的修改。"}


def test_saving_is_refused_outside_the_users_scope_and_for_readers(park, county, outsider, staff):
    report = load_report(park, YEAR, outline.DUTY)
    for user in (county, outsider):
        with pytest.raises(PermissionDenied):
            report_draft_save(report, {"intro": "不应保存。"}, user=fresh(user), expected_version=0)
        with pytest.raises(PermissionDenied):
            report_generate(report, user=fresh(user))
    with pytest.raises(ValidationError):
        report_draft_save(report, {"no_such_block": "x"}, user=fresh(staff), expected_version=0)
    assert not ReportDraft.objects.exists() and not GeneratedReport.objects.exists()


def test_load_report_refuses_an_unknown_kind(park):
    with pytest.raises(ValidationError):
        load_report(park, YEAR, "monthly")


# Escaping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", outline.KINDS)
def test_user_text_with_markup_and_template_syntax_appears_literally(park, staff, kind):
    report = load_report(park, YEAR, kind)
    body = next(block.key for block in outline.outline(kind) if block.style == outline.BODY)
    title_text = "标题 <b>&</b> {{ park.name }}"
    report_draft_save(
        report,
        {"title": title_text, body: NASTY + "\n{%- raw %}第二段{# c #}"},
        user=fresh(staff),
        expected_version=0,
    )
    generated = report_generate(load_report(park, YEAR, kind), user=fresh(staff))
    with generated.file.open("rb") as handle:
        document = read(handle.read())
    texts = paragraphs(document)
    assert texts[0] == title_text
    assert NASTY in texts
    assert "{%- raw %}第二段{# c #}" in texts
    assert texts.index("{%- raw %}第二段{# c #}") == texts.index(NASTY) + 1


# The editor pages ---------------------------------------------------------------------------


def test_staff_edit_save_and_see_the_saved_text(client, park, staff):
    as_user(client, staff)
    page = client.get(editor(park))
    assert page.status_code == 200
    report = load_report(park, YEAR, outline.DUTY)
    assert report.texts["intro"] in page.content.decode()
    assert 'name="version" value="0"' in page.content.decode()

    data = form_texts(report, work_2="园区今年组织了三次书记培训。")
    response = client.post(editor(park), {**data, "version": "0", "action": "save"})
    assert response.status_code == 302 and response["Location"] == editor(park)

    draft = ReportDraft.objects.get(park=park, year=YEAR, kind=outline.DUTY)
    assert draft.texts == {"work_2": "园区今年组织了三次书记培训。"}  # blocks equal to the data draft not stored
    entry = draft.history.get()
    assert entry.history_user == staff and entry.texts == draft.texts

    reloaded = client.get(editor(park)).content.decode()
    assert "园区今年组织了三次书记培训。" in reloaded
    assert f'name="version" value="{draft.version}"' in reloaded
    assert history(park) in reloaded

    log = client.get(history(park))
    assert log.status_code == 200 and "园区今年组织了三次书记培训。" in log.content.decode()


def test_stale_save_in_the_editor_answers_409_naming_the_other_user(client, park, staff, staff2):
    report = load_report(park, YEAR, outline.DUTY)
    report_draft_save(report, {"intro": "初稿。"}, user=fresh(staff), expected_version=0)
    version = ReportDraft.objects.get().version
    data = form_texts(load_report(park, YEAR, outline.DUTY))

    as_user(client, staff)
    ok = client.post(editor(park), {**data, "text_intro": "王先保存。", "version": version, "action": "save"})
    assert ok.status_code == 302

    as_user(client, staff2)
    stale = client.post(editor(park), {**data, "text_intro": "赵后保存。", "version": version, "action": "save"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "王小明" in body  # the other user's name
    assert "赵后保存。" in body  # the text just typed is kept in the form
    assert ReportDraft.objects.get().texts == {"intro": "王先保存。"}
    stale_generate = client.post(editor(park), {**data, "version": version, "action": "generate"})
    assert stale_generate.status_code == 409 and not GeneratedReport.objects.exists()


def test_generate_keeps_the_file_and_download_returns_the_docx(client, park, staff, media):
    as_user(client, staff)
    data = form_texts(load_report(park, YEAR, outline.DUTY), intro="生成前改写的开头。")
    response = client.post(editor(park), {**data, "version": "0", "action": "generate"})
    generated = GeneratedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{editor(park)}?generated={generated.pk}"
    assert (generated.park, generated.year, generated.kind, generated.created_by) == (park, YEAR, "duty", staff)
    assert generated.draft_version == ReportDraft.objects.get().version

    page = client.get(response["Location"]).content.decode()
    url = reverse("annual:download", args=[generated.pk])
    assert url in page and 'id="latest-download"' in page

    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == DOCX_TYPE
    assert "attachment" in download["Content-Disposition"] and ".docx" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert len(data) == generated.size
    document = read(data)
    assert "生成前改写的开头。" in paragraphs(document)
    assert paragraphs(document)[0] == f"{YEAR}年报告测试园区抓基层党建工作述职报告"


def test_the_date_chosen_in_the_editor_is_kept_with_history_and_printed_as_gbt_9704_writes_it(client, park, staff):
    """A 2023 report generated later is dated as the user says: 2024年1月5日 (no leading zeros)."""
    as_user(client, staff)
    assert 'name="signed_on" value=""' in client.get(editor(park)).content.decode()
    data = form_texts(load_report(park, YEAR, outline.DUTY))
    response = client.post(editor(park), {**data, "signed_on": "2024-01-05", "version": "0", "action": "save"})
    assert response.status_code == 302
    draft = ReportDraft.objects.get()
    assert draft.signed_on == datetime.date(2024, 1, 5) and draft.texts == {}
    assert 'name="signed_on" value="2024-01-05"' in client.get(editor(park)).content.decode()
    log = client.get(history(park)).content.decode()
    assert "落款日期" in log and "2024年1月5日" in log and "（生成当天）" in log

    data = form_texts(load_report(park, YEAR, outline.DUTY))
    response = client.post(
        editor(park), {**data, "signed_on": "2024-01-05", "version": draft.version, "action": "generate"}
    )
    generated = GeneratedReport.objects.get()
    assert generated.signed_on == datetime.date(2024, 1, 5)
    with generated.file.open("rb") as handle:
        texts = paragraphs(read(handle.read()))
    assert texts[-1] == "2024年1月5日"
    assert texts[-3] == ""  # one blank line between the body and the signature


def test_without_a_chosen_date_the_report_is_dated_the_day_it_is_generated(park, staff):
    generated = report_generate(load_report(park, YEAR, outline.SITUATION), user=fresh(staff))
    today = timezone.localdate()
    assert generated.signed_on == today
    with generated.file.open("rb") as handle:
        assert paragraphs(read(handle.read()))[-1] == f"{today.year}年{today.month}月{today.day}日"


@pytest.mark.parametrize(
    ("value", "message"),
    [("2024-13-40", "请以日期形式填写落款日期"), ("1999-12-31", "落款日期须在 2023年1月1日至")],
)
def test_a_date_of_the_report_that_is_not_a_date_or_out_of_range_changes_nothing(client, park, staff, value, message):
    as_user(client, staff)
    data = form_texts(load_report(park, YEAR, outline.DUTY), intro="不应保存。")
    response = client.post(editor(park), {**data, "signed_on": value, "version": "0", "action": "generate"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReportDraft.objects.exists() and not GeneratedReport.objects.exists()


def test_changing_the_date_on_a_stale_version_is_refused(park, staff, staff2):
    first = load_report(park, YEAR, outline.DUTY)
    report_draft_save(first, {}, user=fresh(staff), expected_version=0, signed_on=datetime.date(2024, 1, 5))
    mine, theirs = load_report(park, YEAR, outline.DUTY), load_report(park, YEAR, outline.DUTY)
    version = mine.saved.version
    report_draft_save(mine, {}, user=fresh(staff), expected_version=version, signed_on=datetime.date(2024, 1, 8))
    with pytest.raises(StaleEditError):
        report_draft_save(theirs, {}, user=fresh(staff2), expected_version=version, signed_on=None)
    assert ReportDraft.objects.get().signed_on == datetime.date(2024, 1, 8)


def test_downloads_of_the_editor_are_named_in_chinese(client, park, staff):
    as_user(client, staff)
    response = client.get(preview(park))
    assert (
        "filename*=UTF-8''" + quote("2023年报告测试园区抓基层党建工作述职报告.docx") in response["Content-Disposition"]
    )
    assert 'filename="2023-RA-duty.docx"' in response["Content-Disposition"]
    template = client.get(reverse("annual:template_download", args=[park.code, outline.SITUATION]))
    assert quote("报告测试园区党建工作情况报告模板.docx") in template["Content-Disposition"]


def test_county_reviewer_reads_any_park_but_cannot_save(client, park, staff, county):
    report_draft_save(
        load_report(park, YEAR, outline.DUTY), {"intro": "园区写的。"}, user=fresh(staff), expected_version=0
    )
    generated = report_generate(load_report(park, YEAR, outline.DUTY), user=fresh(staff))
    as_user(client, county)

    for kind in outline.KINDS:
        page = client.get(editor(park, kind))
        assert page.status_code == 200, kind
        body = page.content.decode()
        assert "readonly" in body and 'name="action"' not in body
        assert preview(park, kind) in body

    data = form_texts(load_report(park, YEAR, outline.DUTY), intro="县里改的。")
    assert client.post(editor(park), {**data, "version": "0", "action": "save"}).status_code == 403
    assert client.post(editor(park), {**data, "version": "0", "action": "generate"}).status_code == 403
    assert ReportDraft.objects.get().texts == {"intro": "园区写的。"}
    assert GeneratedReport.objects.count() == 1

    response = client.get(preview(park))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert "园区写的。" in paragraphs(read(response.content))
    assert client.get(history(park)).status_code == 200
    assert client.get(reverse("annual:download", args=[generated.pk])).status_code == 200


def test_secretary_has_no_reports(client, park, secretary, staff):
    generated = report_generate(load_report(park, YEAR, outline.DUTY), user=fresh(staff))
    as_user(client, secretary)
    for url in (
        reverse("annual:index"),
        editor(park),
        preview(park),
        history(park),
        reverse("annual:download", args=[generated.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url  # the index says no (403); a park's report is not there
    assert client.get(reverse("annual:index")).status_code == 403
    assert client.post(editor(park), {"action": "save"}).status_code == 404


def test_staff_of_another_park_get_404(client, park, staff, outsider):
    report_draft_save(
        load_report(park, YEAR, outline.DUTY), {"intro": "园区写的。"}, user=fresh(staff), expected_version=0
    )
    generated = report_generate(load_report(park, YEAR, outline.DUTY), user=fresh(staff))
    as_user(client, outsider)
    for url in (editor(park), preview(park), history(park), reverse("annual:download", args=[generated.pk])):
        assert client.get(url).status_code == 404, url
    data = form_texts(load_report(park, YEAR, outline.DUTY), intro="越权修改。")
    assert client.post(editor(park), {**data, "version": "0", "action": "save"}).status_code == 404
    assert ReportDraft.objects.get().texts == {"intro": "园区写的。"}
    # Their own park is fine.
    assert client.get(editor(outsider.park)).status_code == 200


def test_sub_park_staff_do_not_reach_the_zone(client, park):
    sub_staff = f.ParkStaffFactory(park=Park.objects.get(code="RA1"))
    as_user(client, sub_staff)
    assert client.get(editor(park)).status_code == 404
    assert client.get(editor(sub_staff.park)).status_code == 200


def test_unknown_kind_and_years_outside_the_range_answer_404(client, park, staff):
    as_user(client, staff)
    next_year = timezone.localdate().year + 1
    for url in (
        reverse("annual:editor", args=[park.code, YEAR, "monthly"]),
        reverse("annual:preview", args=[park.code, YEAR, "monthly"]),
        reverse("annual:history", args=[park.code, YEAR, "monthly"]),
        editor(park, year=next_year),
        preview(park, year=next_year),
        editor(park, year=1999),
        reverse("annual:editor", args=["NOPE", YEAR, "duty"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(history(park)).status_code == 404  # no draft saved yet


def test_index_redirects_to_the_chosen_report(client, park, staff):
    as_user(client, staff)
    assert client.get(reverse("annual:index")).status_code == 200
    response = client.get(reverse("annual:index"), {"park": park.code, "year": YEAR, "kind": "situation"})
    assert response.status_code == 302 and response["Location"] == editor(park, "situation")


def test_editor_figure_links_point_to_the_figure_records(client, park, staff):
    as_user(client, staff)
    body = client.get(editor(park)).content.decode()
    for key in ("enterprises_total", "enterprises_uncovered", "posts_vacant"):
        url = reverse("reports:figure_records", args=[park.code, YEAR, key])
        assert f'href="{url}"' in body, key
    # The problems found cite their figures with the same links.
    assert "尚有2个岗位空缺" in body and "1家企业既没有建立党组织" in body


# The annual_report command ------------------------------------------------------------------


def test_command_refuses_an_unknown_park_and_a_future_year(park, tmp_path):
    target = tmp_path / "report.docx"
    with pytest.raises(CommandError):
        call_command("annual_report", park="NOPE", year=YEAR, output=str(target), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command(
            "annual_report", park=park.code, year=timezone.localdate().year + 1, output=str(target), stdout=StringIO()
        )
    assert not target.exists()


def test_command_writes_the_report_from_the_data_draft(park, tmp_path):
    target = tmp_path / "situation.docx"
    out = StringIO()
    call_command(
        "annual_report", "--park", park.code, "--year", str(YEAR), "--kind", "situation", "-o", str(target), stdout=out
    )
    document = read(target.read_bytes())
    assert paragraphs(document)[0] == "关于报告测试园区党建工作情况报告"
    assert "“两个覆盖”还有空白。1家企业既没有建立党组织" in whole_text(document)
    assert str(target) in out.getvalue()
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("the draft written from the records") in out.getvalue()


def test_command_uses_the_saved_draft(park, staff, tmp_path):
    report_draft_save(
        load_report(park, YEAR, outline.DUTY),
        {"causes": "原因分析：人手不足。"},
        user=fresh(staff),
        expected_version=0,
    )
    target = tmp_path / "duty.docx"
    out = StringIO()
    call_command("annual_report", "--park", park.code, "--year", str(YEAR), "-o", str(target), stdout=out)
    texts = paragraphs(read(target.read_bytes()))
    assert "原因分析：人手不足。" in texts
    assert texts[0] == f"{YEAR}年报告测试园区抓基层党建工作述职报告"  # duty is the default kind
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("the saved draft") in out.getvalue()


# The demo county (seed 002) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_reports(demo, django_db_blocker, tmp_path_factory):
    """The 2023 duty and situation reports of the demo zone, written by the command."""
    folder = tmp_path_factory.mktemp("demo-reports")
    documents = {}
    with rolled_back(django_db_blocker):  # the command logs to the audit trail
        for kind in outline.KINDS:
            target = folder / f"{kind}.docx"
            call_command(
                "annual_report",
                "--park",
                "DEMO",
                "--year",
                "2023",
                "--kind",
                kind,
                "-o",
                str(target),
                stdout=StringIO(),
            )
            documents[kind] = read(target.read_bytes())
    return documents


#: Every figure of seed 002, as it appears in the duty report's sentences.
SEED_002_SENTENCES = (
    "现有企业50家",
    "已投产运营42家",
    "在建8家",
    "已建立党组织的企业29家",
    "党员83名",
    "培训班6场次、24人次",
    "基础设施配套问题26个",
    "53名员工提供人才公寓43套",
    "解决职工子女就学17人",
    "核定编制10个、实有6人",
    "启动资金每个5000元",
    "按每月150元标准",
    "绩效奖励2000–6000元",
)


@pytest.mark.parametrize("phrase", SEED_002_SENTENCES)
def test_demo_duty_report_states_every_figure_of_seed_002(demo_reports, phrase):
    assert phrase in whole_text(demo_reports["duty"])


def test_demo_situation_report_leaves_no_placeholder(demo_reports):
    text = whole_text(demo_reports["situation"])
    assert "xx" not in text.lower() and "ｘ" not in text.lower()
    for leftover in ("{{", "{%", "None", "—名", "—家", "—个"):
        assert leftover not in text, leftover
    for phrase in ("企业50家", "已投产运营42家", "共有党员83名", "已建立党组织的企业29家", "人才公寓43套", "就学17人"):
        assert phrase in text, phrase
    assert paragraphs(demo_reports["situation"])[0] == "关于示范县工业园区党建工作情况报告"


@pytest.mark.parametrize("kind", outline.KINDS)
def test_demo_reports_are_a4_with_official_margins_and_fonts(demo_reports, kind):
    document = demo_reports[kind]
    for section in document.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.1)
        assert abs(section.page_height - Mm(297)) < Mm(0.1)
        for actual, expected in (
            (section.top_margin, 37),
            (section.bottom_margin, 35),
            (section.left_margin, 28),
            (section.right_margin, 26),
        ):
            assert abs(actual - Mm(expected)) < Mm(0.1)
    fonts = {
        outline.TITLE: FONT_TITLE,
        outline.HEADING1: FONT_HEADING1,
        outline.HEADING2: FONT_HEADING2,
        outline.BODY: FONT_BODY,
    }
    assert set(fonts.values()) == {"方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"}
    seen = set()
    for paragraph in document.paragraphs:
        style = paragraph.style
        block_style = next((key for key, name in STYLE_NAMES.items() if name == style.name), None)
        if block_style not in fonts:
            continue
        seen.add(block_style)
        assert style.element.rPr.rFonts.get(qn("w:eastAsia")) == fonts[block_style], paragraph.text
        for run in paragraph.runs:  # no run overrides the style's East-Asian font
            fonts_of_run = run.element.rPr.rFonts if run.element.rPr is not None else None
            if fonts_of_run is not None and fonts_of_run.get(qn("w:eastAsia")):
                assert fonts_of_run.get(qn("w:eastAsia")) == fonts[block_style]
    assert seen == set(fonts)
    assert document.paragraphs[0].style.name == STYLE_NAMES[outline.TITLE]


def test_demo_duty_report_prefers_the_saved_draft(demo, db, tmp_path):
    zone = Park.objects.get(code="DEMO")
    staff = User.objects.get(username="demo-staff")
    report_draft_save(
        load_report(zone, YEAR, outline.DUTY), {"intro": "示范园区述职：已编辑。"}, user=staff, expected_version=0
    )
    target = tmp_path / "duty.docx"
    out = StringIO()
    call_command("annual_report", "--park", "DEMO", "--year", "2023", "-o", str(target), stdout=out)
    text = whole_text(read(target.read_bytes()))
    assert "示范园区述职：已编辑。" in text
    assert "培训班6场次、24人次" in text  # the other blocks still follow the data


def test_demo_render_matches_the_command(demo, db):
    report = load_report(Park.objects.get(code="DEMO"), YEAR, outline.SITUATION)
    assert "截至2023年12月31日" in whole_text(read(render(report)))
