"""Property-based: whatever the file, the engine answers with an ImportResult and never writes partially."""

import datetime
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkparty.core.imports import ImportResult, run_import
from parkparty.core.workbook import WorkbookError, read_rows

from . import factories as f
from .importing import ENTERPRISE_HEADERS, MEMBER_HEADERS, counts, write_xlsx

pytestmark = pytest.mark.django_db


SETTINGS = settings(deadline=None, max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
ILLEGAL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}
cell_text = st.text(alphabet=st.characters(blacklist_characters=sorted(ILLEGAL), blacklist_categories=["Cs"]))
cells = st.one_of(
    st.none(),
    cell_text,
    st.sampled_from(["已投产运营", "在建", "注销", "是", "否", "未建", "单独建", "甲公司党支部", "李指导", "王重名"]),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
)
counter = itertools.count(1000)


@SETTINGS
@given(data=st.binary(max_size=4096))
def test_random_bytes_are_a_workbook_error(tmp_path, data):
    path = tmp_path / "random.xlsx"
    path.write_bytes(data)
    with pytest.raises(WorkbookError):
        read_rows(path)


@SETTINGS
@given(data=st.binary(max_size=2048))
def test_random_bytes_after_a_zip_header_never_crash_the_import(import_world, tmp_path, data):
    path = tmp_path / "random.xlsx"
    path.write_bytes(b"PK\x03\x04" + data)
    before = counts()
    result = run_import("enterprises", path, park=import_world.zone, user=None, commit=True)
    assert isinstance(result, ImportResult) and result.file_error
    assert counts() == before


@SETTINGS
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=len(ENTERPRISE_HEADERS)), min_size=1, max_size=6))
def test_random_enterprise_cells_import_all_or_nothing(import_world, tmp_path, rows):
    # Give half the rows a valid key so some rows get past the first checks.
    rows = [[f.make_uscc(next(counter)), *row[1:]] if index % 2 and row else row for index, row in enumerate(rows)]
    path = tmp_path / "cells.xlsx"
    write_xlsx(path, ENTERPRISE_HEADERS, rows)
    before = counts()
    result = run_import("enterprises", path, park=import_world.zone, user=import_world.staff, commit=True)
    assert isinstance(result, ImportResult)
    after = counts()
    if result.ok:
        assert after[0] == before[0] + result.created
        assert after[-1] == before[-1] + 1
    else:
        assert after == before


@SETTINGS
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=len(MEMBER_HEADERS)), min_size=1, max_size=6))
def test_random_member_cells_import_all_or_nothing(import_world, tmp_path, rows):
    rows = [
        [row[0], f.make_resident_id(next(counter)), *row[2:]] if index % 2 and len(row) > 1 else row
        for index, row in enumerate(rows)
    ]
    path = tmp_path / "cells.xlsx"
    write_xlsx(path, MEMBER_HEADERS, rows)
    before = counts()
    result = run_import("members", path, park=import_world.zone, user=None, commit=True)
    assert isinstance(result, ImportResult)
    after = counts()
    if result.ok:
        assert after[4] == before[4] + result.created
    else:
        assert after == before
