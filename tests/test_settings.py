"""The typed environment helpers of ``parkparty/settings.py``: good values are read, bad ones stop loudly."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from parkparty.settings import envbool, envheader, envint, envlist, envpath

VAR = "PARKPARTY_TEST_SETTING"


@pytest.fixture(autouse=True)
def unset(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)


# envbool ---------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "Yes", "on", " true "])
def test_envbool_reads_yes_values_as_true(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    assert envbool(VAR, False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off", ""])
def test_envbool_reads_no_values_as_false(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    assert envbool(VAR, True) is False


def test_envbool_unset_gives_default():
    assert envbool(VAR, True) is True
    assert envbool(VAR, False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "ture", "y e s"])
def test_envbool_refuses_unclear_value_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        envbool(VAR, False)


# envint ----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), ("28800", 28800), ("-5", -5), (" 42 ", 42)])
def test_envint_reads_integers(monkeypatch, raw, expected):
    monkeypatch.setenv(VAR, raw)
    assert envint(VAR, 7) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_envint_unset_or_empty_gives_default(monkeypatch, raw):
    if raw is not None:
        monkeypatch.setenv(VAR, raw)
    assert envint(VAR, 7) == 7


@pytest.mark.parametrize("raw", ["abc", "8h", "1.5", "28800.0", "1e3"])
def test_envint_refuses_non_integer_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        envint(VAR, 7)


# envlist ---------------------------------------------------------------------


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv(VAR, " parkparty.example.org, 10.0.0.5 ,,localhost ")
    assert envlist(VAR, ["x"]) == ["parkparty.example.org", "10.0.0.5", "localhost"]


def test_envlist_unset_gives_default():
    assert envlist(VAR, ["127.0.0.1"]) == ["127.0.0.1"]


def test_envlist_set_empty_gives_empty_list(monkeypatch):
    monkeypatch.setenv(VAR, "")
    assert envlist(VAR, ["127.0.0.1"]) == []


# envpath ---------------------------------------------------------------------


def test_envpath_reads_absolute_path(monkeypatch, tmp_path):
    monkeypatch.setenv(VAR, str(tmp_path / "media"))
    assert envpath(VAR, Path("/default")) == tmp_path / "media"


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_envpath_unset_or_empty_gives_default(monkeypatch, raw):
    if raw is not None:
        monkeypatch.setenv(VAR, raw)
    assert envpath(VAR, Path("/default")) == Path("/default")


@pytest.mark.parametrize("raw", ["data/media", "./media", "~/media"])
def test_envpath_refuses_relative_path_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        envpath(VAR, Path("/default"))


# envheader -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("X-Forwarded-Proto: https", ("HTTP_X_FORWARDED_PROTO", "https")),
        (" x-forwarded-ssl:on ", ("HTTP_X_FORWARDED_SSL", "on")),
    ],
)
def test_envheader_reads_the_proxy_header_as_django_wants_it(monkeypatch, raw, expected):
    monkeypatch.setenv(VAR, raw)
    assert envheader(VAR) == expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_envheader_unset_or_empty_is_none(monkeypatch, raw):
    if raw is not None:
        monkeypatch.setenv(VAR, raw)
    assert envheader(VAR) is None


@pytest.mark.parametrize("raw", ["X-Forwarded-Proto", "X-Forwarded-Proto:", "X Forwarded: https", ": https", "X: a b"])
def test_envheader_refuses_malformed_value_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        envheader(VAR)
