"""The create_park command of the command-line contract."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from organizations.models import Park

pytestmark = pytest.mark.django_db


def test_create_park_makes_a_zone_and_a_sub_park(capsys):
    call_command("create_park", "Z1", "测试工业园区")
    call_command("create_park", "Z1-A", "测试城西园区", "--parent", "Z1")
    zone = Park.objects.get(code="Z1")
    sub = Park.objects.get(code="Z1-A")
    assert zone.parent is None and sub.parent == zone
    assert zone.history.count() == 1 and sub.history.count() == 1
    assert "Z1-A" in capsys.readouterr().out


def test_create_park_with_unknown_parent_is_refused_and_writes_nothing():
    with pytest.raises(CommandError, match="NOPE"):
        call_command("create_park", "X", "某园区", "--parent", "NOPE")
    assert not Park.objects.exists()


def test_create_park_with_duplicate_code_gives_chinese_error_and_writes_nothing():
    call_command("create_park", "Z1", "测试工业园区")
    with translation.override("zh-hans"), pytest.raises(CommandError) as excinfo:
        call_command("create_park", "Z1", "另一个园区")
    assert "未创建" in str(excinfo.value)
    assert Park.objects.count() == 1


def test_create_park_with_bad_code_is_refused():
    with pytest.raises(CommandError):
        call_command("create_park", "bad code!", "某园区")
    assert not Park.objects.exists()
