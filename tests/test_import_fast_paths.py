"""The import engine's cheaper stand-ins for Django: each must do exactly what Django does."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import Member, MemberCategory, MembershipEvent
from organizations.models import CoverageMode, Enterprise, EnterpriseStatus, EnterpriseSurvey, Park, PartyOrganization
from parkparty.core.imports.bulk import FieldChecker, new_record, relate

from . import factories as f

SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])

texts = st.one_of(
    st.just(""),
    st.text(max_size=3),
    st.text(min_size=15, max_size=25),
    st.text(min_size=195, max_size=205),
)
any_value = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-5, max_value=5),
    st.integers(min_value=2**31 - 2, max_value=2**63),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.floats(allow_nan=False),
    st.sampled_from([*EnterpriseStatus, *CoverageMode, *MemberCategory, "operating", "joint", "nonsense"]),
)
ENTERPRISE_FIELDS = [
    "name",
    "status",
    "industry",
    "ownership",
    "founded_on",
    "deregistered_on",
    "address",
    "employees",
    "surveyed_members",
    "investor_name",
    "investor_is_member",
    "investor_is_secretary",
    "investor_phone",
    "coverage_mode",
    "no_organization_reason",
    "surveyed_on",
    "notes",
]
MEMBER_FIELDS = ["name", "gender", "ethnicity", "education", "phone", "category", "joined_on", "full_on", "status"]
SKIP = ["id", "park", "organization", "instructor", "enterprise", "version", "created_at", "updated_at"]


def outcome(instance, clean, names):
    """What clean_fields did: the errors (messages by field) and every value afterwards."""
    try:
        clean(instance)
        errors = None
    except ValidationError as exc:
        errors = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    except Exception as exc:  # Django's own crash (an int in a date field) must be ours too
        errors = (type(exc), str(exc))
    return errors, {name: (type(getattr(instance, name)), getattr(instance, name)) for name in names}


def compare(model, names, values, exclude):
    checker = FieldChecker(model)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            ours, django = new_record(model), new_record(model)
            for name, value in zip(names, values, strict=False):
                setattr(ours, name, value)
                setattr(django, name, value)
            expected = outcome(django, lambda r: super(model, r).clean_fields(exclude=exclude), names)
            assert outcome(ours, lambda r: checker.clean_fields(r, exclude), names) == expected


@SETTINGS
@given(values=st.lists(any_value, min_size=len(ENTERPRISE_FIELDS), max_size=len(ENTERPRISE_FIELDS)))
def test_field_checker_is_clean_fields_for_enterprises(values):
    compare(Enterprise, ENTERPRISE_FIELDS, values, [*SKIP, "uscc"])


@SETTINGS
@given(values=st.lists(any_value, min_size=len(MEMBER_FIELDS), max_size=len(MEMBER_FIELDS)))
def test_field_checker_is_clean_fields_for_members(values):
    compare(Member, MEMBER_FIELDS, values, [*SKIP, "id_number"])


def test_field_checker_runs_other_validators():
    # uscc has a custom validator (stdnum) besides its length limit: valid, invalid, too long.
    for code in (f.make_uscc(7), f.make_uscc(7)[:-1] + "0", "9" * 30):
        compare(Enterprise, ["uscc", "name"], [code, "甲"], SKIP)


def state(instance):
    values = {k: v for k, v in instance.__dict__.items() if k != "_state"}
    return values, instance._state.adding, instance._state.db, dict(instance._state.fields_cache)


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Enterprise, {}),
        (Enterprise, {"uscc": "91360426MA35ABCD1X", "park_id": 3, "status": EnterpriseStatus.SUSPENDED}),
        (EnterpriseSurvey, {"enterprise_id": 5, "surveyed_on": datetime.date(2023, 6, 30)}),
        (Member, {"id_number": "x", "joined_on": datetime.date(2020, 1, 1)}),
        (MembershipEvent, {"member_id": 1, "date": datetime.date(2020, 1, 1)}),
    ],
)
def test_new_record_is_the_model_made_by_init(model, values):
    assert state(new_record(model, **values)) == state(model(**values))
    assert new_record(model)._state is not new_record(model)._state


def test_new_record_refuses_unknown_fields():
    with pytest.raises(TypeError):
        new_record(Enterprise, park=None)


@pytest.mark.django_db
def test_relate_is_setting_the_foreign_key():
    park = f.ParkFactory()
    other = f.ParkFactory()
    organization = f.PartyOrganizationFactory(park=park)
    unsaved = Park(name="未保存", code="NEW")
    for field, values in (
        ("park", [park, other, unsaved]),
        ("organization", [organization, None]),
        ("instructor", [None]),
    ):
        for sequence in ([*values], [*reversed(values)], [values[0], None, values[0]]):
            ours, django = new_record(Enterprise), new_record(Enterprise)
            for value in sequence:
                relate(ours, field, value)
                setattr(django, field, value)
                assert state(ours) == state(django)
    with pytest.raises(ValueError):
        relate(new_record(Enterprise), "park", organization)
    assert isinstance(organization, PartyOrganization)
