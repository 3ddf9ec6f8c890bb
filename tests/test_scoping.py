"""The scoping choke point: who sees which records through ``Model.objects.for_user``.

Every role is checked against every scoped model; each (role rule, model)
pair is its own test id, e.g.
``test_staff_of_other_park_cannot_see_record[Enterprise]``.
"""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Member
from organizations.models import Notice, NoticeReceipt, Park, ServiceCenter
from parkparty.core.permissions import scope_for

from . import factories as f
from .personas import ORGANIZATION_MODELS, PARK_LEVEL_MODELS, SCOPED_MODELS, build_bundle

ALL_PERSONAS = (
    "staff_a",
    "staff_a1",
    "staff_b",
    "county",
    "secretary_a",
    "admin",
    "auditor",
    "no_role",
    "inactive_staff_a",
    "anonymous",
)


def model_id(model) -> str:
    return model.__name__


every_model = pytest.mark.parametrize("model", SCOPED_MODELS, ids=model_id)
organization_models = pytest.mark.parametrize("model", ORGANIZATION_MODELS, ids=model_id)
park_level_models = pytest.mark.parametrize("model", PARK_LEVEL_MODELS, ids=model_id)


def sees(user, record) -> bool:
    return type(record).objects.for_user(user).filter(pk=record.pk).exists()


def visible_pks(model, user) -> set[int]:
    return set(model.objects.for_user(user).values_list("pk", flat=True))


# The matrix is complete ------------------------------------------------------


def test_matrix_covers_every_model_with_for_user():
    scoped = {model for model in apps.get_models() if hasattr(model._default_manager, "for_user")}
    assert scoped == set(SCOPED_MODELS)


# Park staff ------------------------------------------------------------------


@every_model
def test_staff_of_other_park_cannot_see_record(world, model):
    assert not sees(world.staff_b, world.in_a[model])
    assert not sees(world.staff_b, world.in_a1[model])
    assert not sees(world.staff_b, world.other_in_a[model])
    assert not sees(world.staff_a, world.in_b[model])


@every_model
def test_staff_see_records_of_their_own_park(world, model):
    assert sees(world.staff_a, world.in_a[model])
    assert sees(world.staff_a, world.other_in_a[model])
    assert sees(world.staff_b, world.in_b[model])


@every_model
def test_staff_of_zone_see_records_of_its_sub_parks(world, model):
    assert sees(world.staff_a, world.in_a1[model])


@every_model
def test_staff_of_sub_park_cannot_see_records_of_parent_zone(world, model):
    assert sees(world.staff_a1, world.in_a1[model])
    assert not sees(world.staff_a1, world.in_a[model])
    assert not sees(world.staff_a1, world.in_b[model])


# County reviewer and administrator -------------------------------------------


@every_model
def test_county_reviewer_sees_records_of_every_park(world, model):
    for bundle in (world.in_a, world.in_a1, world.in_b, world.other_in_a):
        assert sees(world.county, bundle[model])
    assert model.objects.for_user(world.county).count() == model.objects.count()


@every_model
def test_administrator_sees_records_of_every_park(world, model):
    for bundle in (world.in_a, world.in_a1, world.in_b, world.other_in_a):
        assert sees(world.admin, bundle[model])
    assert model.objects.for_user(world.admin).count() == model.objects.count()


# Organization secretary ------------------------------------------------------


@organization_models
def test_secretary_sees_records_of_their_own_organization(world, model):
    assert sees(world.secretary_a, world.in_a[model])


@organization_models
def test_secretary_cannot_see_records_of_other_organization_in_same_park(world, model):
    assert not sees(world.secretary_a, world.other_in_a[model])


@every_model
def test_secretary_cannot_see_records_of_other_park(world, model):
    assert not sees(world.secretary_a, world.in_b[model])
    assert not sees(world.secretary_a, world.in_a1[model])


@park_level_models
def test_secretary_sees_no_park_level_records(world, model):
    assert not model.objects.for_user(world.secretary_a).exists()


def test_secretary_sees_only_the_park_of_their_organization(world):
    assert visible_pks(Park, world.secretary_a) == {world.zone_a.pk}


def test_secretary_cannot_see_uncovered_enterprise_in_same_park(world):
    uncovered = f.EnterpriseFactory(park=world.zone_a)
    request = f.ServiceRequestFactory(enterprise=uncovered)
    assert not sees(world.secretary_a, uncovered)
    assert not sees(world.secretary_a, request)
    assert sees(world.staff_a, uncovered)


def test_secretary_sees_park_centre_only_when_their_organization_runs_it(world):
    park_centre = f.ServiceCenterFactory(park=world.zone_a)
    assert not sees(world.secretary_a, park_centre)
    assert sees(world.secretary_a, world.in_a[ServiceCenter])


def test_secretary_of_parent_organization_sees_records_of_child_organizations(world):
    parent = f.PartyOrganizationFactory(park=world.zone_a)
    child = f.PartyOrganizationFactory(park=world.zone_a, parent=parent)
    member = f.MemberFactory(organization=child)
    secretary = f.SecretaryFactory(organization=parent)
    assert sees(secretary, member)
    assert not sees(secretary, world.in_a[Member])


# No scope --------------------------------------------------------------------


@every_model
def test_user_without_role_sees_nothing(world, model):
    assert not model.objects.for_user(world.no_role).exists()


@every_model
def test_anonymous_user_sees_nothing(world, model):
    assert not model.objects.for_user(world.anonymous).exists()


@every_model
def test_inactive_staff_see_nothing(world, model):
    assert not model.objects.for_user(world.inactive_staff_a).exists()


def test_nobody_sees_anything_as_none(world):
    assert not Park.objects.for_user(None).exists()


# Notices ---------------------------------------------------------------------


def test_county_notice_addressed_to_park_a_is_visible_to_staff_of_a_not_b(world):
    notice = f.NoticeFactory(issuer_park=None)
    receipt = f.NoticeReceiptFactory(notice=notice, park=world.zone_a)
    assert sees(world.staff_a, notice)
    assert sees(world.staff_a, receipt)
    assert not sees(world.staff_b, notice)
    assert not sees(world.staff_b, receipt)


def test_county_notice_addressed_to_sub_park_is_visible_to_zone_staff(world):
    notice = f.NoticeFactory(issuer_park=None)
    f.NoticeReceiptFactory(notice=notice, park=world.sub_a1)
    assert sees(world.staff_a, notice)
    assert sees(world.staff_a1, notice)
    assert not sees(world.staff_b, notice)


def test_notice_issued_by_park_b_is_not_visible_to_staff_of_a(world):
    notice = f.NoticeFactory(issuer_park=world.zone_b)
    f.NoticeReceiptFactory(notice=notice, organization=world.in_b.organization)
    assert sees(world.staff_b, notice)
    assert not sees(world.staff_a, notice)


def test_county_notice_addressed_to_nobody_is_visible_only_to_county_and_administrator(world):
    notice = f.NoticeFactory(issuer_park=None)
    assert sees(world.county, notice)
    assert sees(world.admin, notice)
    assert not sees(world.staff_a, notice)
    assert not sees(world.secretary_a, notice)


def test_secretary_sees_county_notice_only_once_forwarded_to_their_organization(world):
    notice = f.NoticeFactory(issuer_park=None)
    park_receipt = f.NoticeReceiptFactory(notice=notice, park=world.zone_a)
    assert not sees(world.secretary_a, notice)
    forwarded = f.NoticeReceiptFactory(notice=notice, organization=world.in_a.organization)
    assert sees(world.secretary_a, notice)
    assert sees(world.secretary_a, forwarded)
    assert not sees(world.secretary_a, park_receipt)


def test_secretary_cannot_see_notice_forwarded_to_other_organization_in_same_park(world):
    notice = f.NoticeFactory(issuer_park=None)
    f.NoticeReceiptFactory(notice=notice, park=world.zone_a)
    other = f.NoticeReceiptFactory(notice=notice, organization=world.other_in_a.organization)
    assert not sees(world.secretary_a, notice)
    assert not sees(world.secretary_a, other)


def test_notice_addressed_to_several_parks_is_listed_once(world):
    notice = f.NoticeFactory(issuer_park=None)
    f.NoticeReceiptFactory(notice=notice, park=world.zone_a)
    f.NoticeReceiptFactory(notice=notice, park=world.sub_a1)
    pks = list(Notice.objects.for_user(world.staff_a).filter(pk=notice.pk).values_list("pk", flat=True))
    assert pks == [notice.pk]
    assert NoticeReceipt.objects.for_user(world.staff_a).filter(notice=notice).count() == 2


# Query counts ----------------------------------------------------------------


def grow(world) -> None:
    """Add many more records of the same shape: new sibling sub-parks, bundles, members."""
    for _ in range(3):
        sibling = f.ParkFactory(parent=world.zone_a)
        build_bundle(sibling)
        f.ParkStaffFactory(park=sibling)
    for park in (world.zone_a, world.sub_a1, world.zone_b, world.zone_a):
        build_bundle(park)
    f.MemberFactory.create_batch(5, organization=world.in_a.organization)
    f.EnterpriseFactory.create_batch(5, organization=world.in_a.organization)
    notice = f.NoticeFactory()
    for park in (world.zone_a, world.sub_a1, world.zone_b):
        f.NoticeReceiptFactory(notice=notice, park=park)


@every_model
def test_for_user_count_runs_same_number_of_queries_however_much_data(world, model, django_assert_num_queries):
    before = {}
    for persona in ALL_PERSONAS:
        user = world.user(persona)  # fresh object: the scope is worked out again
        with CaptureQueriesContext(connection) as queries:
            model.objects.for_user(user).count()
        before[persona] = len(queries)
    grow(world)
    for persona in ALL_PERSONAS:
        user = world.user(persona)
        with django_assert_num_queries(before[persona]):
            model.objects.for_user(user).count()


@every_model
def test_for_user_count_is_one_query_once_scope_is_known(world, model, django_assert_num_queries):
    for persona in ("staff_a", "staff_b", "county", "secretary_a", "admin"):
        user = world.user(persona)
        scope_for(user)
        expected = 0 if persona == "secretary_a" and model in PARK_LEVEL_MODELS else 1
        with django_assert_num_queries(expected):
            model.objects.for_user(user).count()
