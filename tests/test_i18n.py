"""The zh_Hans catalogue is complete, compiled and matches the source."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u4e00-\u9fff]")
PROJECT_APPS = ("parkparty", "organizations", "members", "reports")
SOURCES = ("manage.py", "parkparty", "organizations", "members", "reports", "templates", "locale")


def live_entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def test_every_msgid_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in live_entries(catalogue) if not e.translated()]
    fuzzy = [e.msgid for e in live_entries(catalogue) if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in live_entries(polib.pofile(str(PO)))}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(MO)) if e.msgid}
    assert mo == po, "run `make messages` to recompile locale/zh_Hans/LC_MESSAGES/django.mo"


def test_catalogue_holds_exactly_the_msgids_of_the_source(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (Debian package gettext) is needed to check the catalogue against the source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PARKPARTY_DATA_DIR": str(tmp_path / "data")},
    )
    fresh = {(e.msgctxt, e.msgid) for e in live_entries(polib.pofile(str(tmp_path / PO.relative_to(ROOT))))}
    committed = {(e.msgctxt, e.msgid) for e in live_entries(polib.pofile(str(PO)))}
    assert sorted(fresh - committed, key=str) == [], "msgids missing from the catalogue: run `make messages`"
    assert sorted(committed - fresh, key=str) == [], "stale msgids in the catalogue: run `make messages`"


def model_labels():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        yield f"{model.__name__}", model._meta.verbose_name
        yield f"{model.__name__} (plural)", model._meta.verbose_name_plural
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            yield f"{model.__name__}.{field.name}", field.verbose_name
            for value, label in getattr(field, "choices", None) or []:
                yield f"{model.__name__}.{field.name}={value}", label


@pytest.mark.parametrize(("where", "label"), list(model_labels()), ids=lambda v: v if isinstance(v, str) else "")
def test_model_labels_read_in_chinese(where, label):
    with translation.override("zh-hans"):
        assert CJK.search(str(label)), f"{where}: {label!s} is not Chinese"
