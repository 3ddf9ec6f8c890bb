"""One write path: a member imported and a member saved through the form end identical.

Both go through ``parkparty.core.services`` (``save_records`` for the import, ``save_record``
for the form): the same normalisation (ID number, gender from the ID), version,
and history row (effective date, user, reason code); ``history_date`` is the real time.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from members.models import EventKind, Gender, Member, MembershipEvent
from members.views.members import MemberEntity, MemberForm
from parkparty.core.history import ChangeReason, as_of, reason_label
from tests import factories as f
from tests.importing import MEMBER_HEADERS, member_row, members, write_xlsx

pytestmark = pytest.mark.django_db

COMPARED = ("name", "gender", "ethnicity", "education", "phone", "category", "joined_on", "full_on", "status")


def messy(id_number: str) -> str:
    """The ID number as a person might type it: a lower-case check letter, spaces around."""
    return f" {id_number.lower()} "


def resident_id_with_letter(n: int) -> str:
    """A valid ID number ending in X (so that normalisation has something to do)."""
    while not f.make_resident_id(n).endswith("X"):
        n += 1
    return f.make_resident_id(n)


def saved_through_form(import_world, id_number: str) -> Member:
    data = {
        "name": "表单党员",
        "id_number": messy(id_number),
        "gender": "",
        "ethnicity": "汉族",
        "education": "undergraduate",
        "phone": "13900000000",
        "organization": import_world.org.pk,
        "category": "full",
        "joined_on": "2015-07-01",
        "full_on": "2016-07-01",
        "status": "normal",
        "is_frontline": "on",
    }
    form = MemberForm(data, None, instance=None, user=import_world.staff)
    assert form.is_valid(), form.errors
    return MemberEntity.save(form, import_world.staff)


def test_imported_member_and_form_member_end_identical(import_world, tmp_path):
    form_id = resident_id_with_letter(10)
    import_id = resident_id_with_letter(int(form_id[14:17]) + 1)
    before = timezone.now()
    from_form = saved_through_form(import_world, form_id)
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        MEMBER_HEADERS,
        [member_row(1, 姓名="表单党员", 公民身份号码=messy(import_id), 性别="", 是否生产一线="是")],
    )
    result = members(path, import_world, user=import_world.staff)
    assert result.ok, result.errors
    imported = Member.objects.get(id_number=import_id)
    from_form = Member.objects.get(pk=from_form.pk)

    # Normalised ID number, gender from the ID, the same values and version.
    assert from_form.id_number == form_id and imported.id_number == import_id
    for member, number in ((from_form, form_id), (imported, import_id)):
        expected = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
        assert member.gender == expected
    assert [getattr(from_form, name) for name in COMPARED if name != "gender"] == [
        getattr(imported, name) for name in COMPARED if name != "gender"
    ]
    assert from_form.version == imported.version == 1

    # One history row each: created, by the user, taking effect on the admission day, reason "admitted",
    # written at the real time.
    rows = [member.history.get() for member in (from_form, imported)]
    for row in rows:
        assert row.history_type == "+" and row.history_user == import_world.staff
        assert row.history_change_reason == ChangeReason.ADMITTED
        assert reason_label(row.history_change_reason) == str(ChangeReason.ADMITTED.label)
        assert timezone.localtime(row.effective_at).date() == datetime.date(2015, 7, 1)
        assert before <= row.history_date <= timezone.now()
        assert row.id_number in (form_id, import_id) and row.version == 1
    assert rows[0].effective_at == rows[1].effective_at
    # Their admission events alike.
    events = [MembershipEvent.objects.get(member=member, kind=EventKind.ADMITTED) for member in (from_form, imported)]
    assert [(e.kind, e.date, e.version) for e in events[:1]] == [(e.kind, e.date, e.version) for e in events[1:]]

    # As of the end of 2015 both were members; as of mid-2015 neither.
    end_2015 = timezone.make_aware(datetime.datetime(2015, 12, 31, 23, 59))
    assert set(as_of(Member, end_2015).values_list("id", flat=True)) == {from_form.pk, imported.pk}
    assert not as_of(Member, timezone.make_aware(datetime.datetime(2015, 6, 30))).exists()


def test_imported_update_and_form_edit_bump_the_version_once_and_write_the_real_time(import_world, tmp_path):
    number = f.make_resident_id(5)
    path = write_xlsx(tmp_path / "a.xlsx", MEMBER_HEADERS, [member_row(5)])
    assert members(path, import_world, user=import_world.staff).ok
    path = write_xlsx(tmp_path / "b.xlsx", MEMBER_HEADERS, [member_row(5, 手机号码="13800000000")])
    before = timezone.now()
    assert members(path, import_world, user=import_world.staff).updated == 1
    member = Member.objects.get(id_number=number)
    assert member.version == 2 and member.phone == "13800000000"
    latest = member.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.version == 2
    assert latest.history_change_reason == ChangeReason.IMPORT
    assert before <= latest.history_date <= timezone.now() and latest.effective_at == latest.history_date
