"""The write path (``save_record``) and the entity services built on it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from members.models import Applicant, EndReason, EventKind, Member, MemberCategory, MembershipEvent, MemberStatus
from members.services import applicant_admit, member_confirm_full, member_end
from organizations.models import (
    CoverageMode,
    Enterprise,
    EnterpriseStatus,
    EnterpriseSurvey,
    Notice,
    NoticeReceipt,
    OrganizationStatus,
)
from organizations.notice_services import notice_forward, notice_issue, notice_receive
from organizations.services import (
    enterprise_deregister,
    enterprise_record_survey,
    organization_dissolve,
    organization_found,
)
from parkparty.core.services import StaleEditError, save_record

from . import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def test_back_dated_change_is_never_dated_before_the_latest_entry(staff_a, org_a):
    member = f.MemberFactory(organization=org_a)  # entered today
    member_end(
        member, expected_version=member.version, reason=EndReason.DECEASED, on=datetime.date(2023, 9, 1), user=staff_a
    )
    assert last_entry(member).effective_at >= member.history.earliest("effective_at").effective_at
    assert last_entry(member).history_date >= member.history.earliest("history_date").history_date  # real time
    assert member.history.as_of(timezone.now()).ended_on == datetime.date(2023, 9, 1)


def existing_since(record, day: datetime.date):
    """Date the record's existing history entries on ``day``, as if it had been entered back then."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    record.history.update(history_date=moment, effective_at=moment)
    return record


def last_entry(record):
    """The history entry written last (whatever date it carries)."""
    return record.history.order_by("-history_id").first()


def at(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day``, Shanghai time."""
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=SHANGHAI)


@pytest.fixture
def park_a(db):
    return f.ParkFactory(code="A", name="甲工业园区")


@pytest.fixture
def sub_a1(park_a):
    return f.ParkFactory(code="A1", name="甲工业园区城西园", parent=park_a)


@pytest.fixture
def park_b(db):
    return f.ParkFactory(code="B", name="乙工业园区")


@pytest.fixture
def staff_a(park_a):
    return f.ParkStaffFactory(park=park_a, last_name="张", first_name="三")


@pytest.fixture
def staff_b(park_b):
    return f.ParkStaffFactory(park=park_b, last_name="李", first_name="四")


@pytest.fixture
def county(db):
    return f.CountyReviewerFactory()


@pytest.fixture
def admin(db):
    return f.AdministratorFactory()


@pytest.fixture
def org_a(park_a):
    return f.PartyOrganizationFactory(park=park_a)


# save_record: versions and stale edits ---------------------------------------


def test_version_goes_up_by_one_on_every_save(staff_a, park_a):
    enterprise = save_record(f.EnterpriseFactory.build(park=park_a), user=staff_a)
    assert enterprise.version == 1
    enterprise.employees = 80
    save_record(enterprise, user=staff_a, expected_version=1)
    enterprise.employees = 90
    save_record(enterprise, user=staff_a, expected_version=2)
    assert Enterprise.objects.get(pk=enterprise.pk).version == 3


def test_stale_edit_is_refused_naming_who_changed_it_and_nothing_is_saved(staff_a, park_a):
    colleague = f.ParkStaffFactory(park=park_a, last_name="王", first_name="五")
    created = save_record(f.EnterpriseFactory.build(park=park_a, name="原名称"), user=staff_a)
    mine = Enterprise.objects.get(pk=created.pk)
    theirs = Enterprise.objects.get(pk=created.pk)
    theirs.name = "同事改的名称"
    save_record(theirs, user=colleague, expected_version=1)
    history_count = created.history.count()

    mine.name = "我改的名称"
    with translation.override("zh-hans"), pytest.raises(StaleEditError) as excinfo:
        save_record(mine, user=staff_a, expected_version=1)

    assert excinfo.value.code == "stale"
    assert "王五" in excinfo.value.messages[0]
    stored = Enterprise.objects.get(pk=created.pk)
    assert stored.name == "同事改的名称"
    assert stored.version == 2
    assert created.history.count() == history_count


def test_stale_edit_after_back_dated_survey_names_the_colleague_who_surveyed(staff_a, park_a):
    """The message names whoever wrote last, even when their change carries an earlier date."""
    colleague = f.ParkStaffFactory(park=park_a, last_name="王", first_name="五")
    created = save_record(f.EnterpriseFactory.build(park=park_a), user=staff_a)
    theirs = Enterprise.objects.get(pk=created.pk)
    theirs.employees = 300
    enterprise_record_survey(
        theirs, surveyed_on=timezone.localdate() - datetime.timedelta(days=30), user=colleague, expected_version=1
    )
    created.name = "我改的名称"
    with pytest.raises(StaleEditError) as excinfo:
        save_record(created, user=staff_a, expected_version=1)
    assert "王五" in excinfo.value.messages[0]


def test_edit_from_current_version_is_saved(staff_a, park_a):
    enterprise = save_record(f.EnterpriseFactory.build(park=park_a), user=staff_a)
    enterprise.name = "新名称"
    save_record(enterprise, user=staff_a, expected_version=1)
    assert Enterprise.objects.get(pk=enterprise.pk).name == "新名称"


# save_record: permission and scope -------------------------------------------


def test_county_reviewer_cannot_write_records(county, park_a):
    enterprise = f.EnterpriseFactory.build(park=park_a)
    with pytest.raises(PermissionDenied):
        save_record(enterprise, user=county)
    assert not Enterprise.objects.filter(uscc=enterprise.uscc).exists()


def test_county_reviewer_cannot_edit_existing_record(county, park_a):
    enterprise = f.EnterpriseFactory(park=park_a, name="原名称")
    enterprise.name = "县里改的"
    with pytest.raises(PermissionDenied):
        save_record(enterprise, user=county)
    assert Enterprise.objects.get(pk=enterprise.pk).name == "原名称"


def test_user_without_role_cannot_write_records(park_a):
    enterprise = f.EnterpriseFactory.build(park=park_a)
    with pytest.raises(PermissionDenied):
        save_record(enterprise, user=f.UserFactory())
    assert not Enterprise.objects.filter(uscc=enterprise.uscc).exists()


def test_staff_of_other_park_creating_record_in_park_a_is_refused_and_nothing_is_written(staff_b, park_a):
    enterprise = f.EnterpriseFactory.build(park=park_a)
    with pytest.raises(PermissionDenied):
        save_record(enterprise, user=staff_b)
    assert not Enterprise.objects.filter(uscc=enterprise.uscc).exists()
    assert not Enterprise.history.filter(uscc=enterprise.uscc).exists()


def test_staff_of_other_park_editing_record_in_park_a_is_refused_and_rolled_back(staff_b, park_a):
    enterprise = f.EnterpriseFactory(park=park_a, name="原名称")
    history_count = enterprise.history.count()
    enterprise.name = "乙园区改的"
    with pytest.raises(PermissionDenied):
        save_record(enterprise, user=staff_b)
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert stored.name == "原名称"
    assert stored.version == 1
    assert enterprise.history.count() == history_count


def test_staff_of_other_park_cannot_move_record_of_park_a_into_their_park(staff_b, park_a, park_b):
    """The stored record is out of B's scope, so B may not change it, even into B's own park."""
    enterprise = f.EnterpriseFactory(park=park_a)
    enterprise.park = park_b
    with pytest.raises(PermissionDenied):
        save_record(enterprise, user=staff_b)
    assert Enterprise.objects.get(pk=enterprise.pk).park == park_a


def test_staff_can_write_records_of_their_sub_parks(staff_a, sub_a1):
    enterprise = save_record(f.EnterpriseFactory.build(park=sub_a1), user=staff_a)
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_secretary_can_write_records_of_their_organization(org_a):
    secretary = f.SecretaryFactory(organization=org_a)
    activity = save_record(f.ActivityFactory.build(organization=org_a, park=org_a.park), user=secretary)
    assert activity.pk is not None


def test_secretary_cannot_write_records_of_another_organization(org_a, park_a):
    secretary = f.SecretaryFactory(organization=org_a)
    other = f.PartyOrganizationFactory(park=park_a)
    activity = f.ActivityFactory.build(organization=other, park=park_a)
    with pytest.raises(PermissionDenied):
        save_record(activity, user=secretary)
    assert not other.activities.exists()


def test_invalid_record_is_refused_before_anything_is_written(staff_a, park_a):
    enterprise = f.EnterpriseFactory.build(park=park_a, uscc="91360426")
    with pytest.raises(ValidationError):
        save_record(enterprise, user=staff_a)
    assert not Enterprise.objects.exists()


# save_record: history --------------------------------------------------------


def test_history_entry_records_the_user_the_real_time_and_the_given_effective_date(staff_a, park_a):
    before = timezone.now()
    enterprise = save_record(f.EnterpriseFactory.build(park=park_a), user=staff_a, effective=datetime.date(2023, 6, 30))
    entry = last_entry(enterprise)
    assert entry.history_user == staff_a
    assert local_day(entry.effective_at) == datetime.date(2023, 6, 30)
    assert before <= entry.history_date <= timezone.now()  # the real time of the change
    assert entry.history_type == "+"


def test_history_entry_without_given_date_is_dated_now(staff_a, park_a):
    before = timezone.now()
    enterprise = save_record(f.EnterpriseFactory.build(park=park_a), user=staff_a, reason="首次录入")
    entry = last_entry(enterprise)
    assert before <= entry.history_date <= timezone.now()
    assert entry.history_change_reason == "首次录入"


def test_dated_save_does_not_leak_its_date_into_the_next_save(staff_a, park_a):
    enterprise = save_record(f.EnterpriseFactory.build(park=park_a), user=staff_a, effective=datetime.date(2020, 1, 1))
    enterprise.employees = 99
    save_record(enterprise, user=staff_a, expected_version=enterprise.version)
    assert last_entry(enterprise).effective_at.year == timezone.now().year


# Members ---------------------------------------------------------------------


def test_member_end_keeps_the_record_with_reason_date_and_event(staff_a, org_a):
    member = existing_since(f.MemberFactory(organization=org_a), datetime.date(2020, 1, 1))
    on = datetime.date(2023, 9, 1)
    member_end(
        member,
        expected_version=member.version,
        reason=EndReason.TRANSFERRED_OUT,
        on=on,
        user=staff_a,
        counterpart="某县某党支部",
    )

    stored = Member.objects.get(pk=member.pk)
    assert stored.ended_on == on
    assert stored.end_reason == EndReason.TRANSFERRED_OUT
    event = MembershipEvent.objects.get(member=member, kind=EventKind.TRANSFERRED_OUT)
    assert (event.date, event.organization, event.counterpart) == (on, org_a, "某县某党支部")
    assert local_day(last_entry(stored).effective_at) == on
    assert Member.objects.as_of(on - datetime.timedelta(days=1)).filter(pk=member.pk).exists()
    assert not Member.objects.as_of(on).filter(pk=member.pk).exists()


def test_member_end_refuses_a_second_end(staff_a, org_a):
    member = f.MemberFactory(organization=org_a)
    member_end(
        member,
        expected_version=member.version,
        reason=EndReason.TRANSFERRED_OUT,
        on=datetime.date(2023, 9, 1),
        user=staff_a,
    )
    with pytest.raises(ValidationError):
        member_end(
            member,
            expected_version=member.version,
            reason=EndReason.DECEASED,
            on=datetime.date(2023, 10, 1),
            user=staff_a,
        )
    stored = Member.objects.get(pk=member.pk)
    assert stored.end_reason == EndReason.TRANSFERRED_OUT
    assert MembershipEvent.objects.filter(member=member).count() == 1


def test_member_end_refuses_unknown_reason(staff_a, org_a):
    member = f.MemberFactory(organization=org_a)
    with pytest.raises(ValidationError):
        member_end(member, expected_version=member.version, reason="moved", on=datetime.date(2023, 9, 1), user=staff_a)
    assert Member.objects.get(pk=member.pk).ended_on is None


def test_member_confirm_full_after_a_year_makes_a_full_member_with_event(staff_a, org_a):
    member = f.MemberFactory(organization=org_a, probationary=True, joined_on=datetime.date(2022, 7, 1))
    on = datetime.date(2023, 7, 1)
    member_confirm_full(member, expected_version=member.version, on=on, user=staff_a)
    stored = Member.objects.get(pk=member.pk)
    assert (stored.category, stored.full_on) == (MemberCategory.FULL, on)
    assert MembershipEvent.objects.filter(member=member, kind=EventKind.CONFIRMED_FULL, date=on).exists()


def test_member_confirm_full_before_a_year_is_refused_and_nothing_is_saved(staff_a, org_a):
    member = f.MemberFactory(organization=org_a, probationary=True, joined_on=datetime.date(2022, 7, 1))
    with pytest.raises(ValidationError) as excinfo:
        member_confirm_full(member, expected_version=member.version, on=datetime.date(2023, 6, 30), user=staff_a)
    assert "full_on" in excinfo.value.error_dict
    assert Member.objects.get(pk=member.pk).category == MemberCategory.PROBATIONARY
    assert not MembershipEvent.objects.filter(member=member).exists()


def test_member_confirm_full_refuses_a_full_member(staff_a, org_a):
    member = f.MemberFactory(organization=org_a)
    with pytest.raises(ValidationError):
        member_confirm_full(member, expected_version=member.version, on=datetime.date(2023, 7, 1), user=staff_a)


# Development pipeline --------------------------------------------------------


def test_applicant_admit_creates_probationary_member_with_admission_event_and_links_it(staff_a, org_a):
    applicant = f.ApplicantFactory(organization=org_a, candidate=True)
    on = datetime.date(2023, 1, 10)
    member = applicant_admit(applicant, expected_version=applicant.version, on=on, user=staff_a)

    member = Member.objects.get(pk=member.pk)
    assert member.category == MemberCategory.PROBATIONARY
    assert (member.joined_on, member.organization, member.id_number) == (on, org_a, applicant.id_number)
    assert MembershipEvent.objects.filter(member=member, kind=EventKind.ADMITTED, date=on).exists()
    stored = Applicant.objects.get(pk=applicant.pk)
    assert stored.member == member
    assert stored.admitted_on == on


def test_applicant_admit_refuses_a_non_candidate_and_creates_no_member(staff_a, org_a):
    applicant = f.ApplicantFactory(organization=org_a, activist_on=datetime.date(2021, 6, 1))
    with pytest.raises(ValidationError):
        applicant_admit(applicant, expected_version=applicant.version, on=datetime.date(2023, 1, 10), user=staff_a)
    assert not Member.objects.filter(id_number=applicant.id_number).exists()
    assert Applicant.objects.get(pk=applicant.pk).member is None


def test_applicant_admit_refuses_a_second_admission(staff_a, org_a):
    applicant = f.ApplicantFactory(organization=org_a, candidate=True)
    applicant_admit(applicant, expected_version=applicant.version, on=datetime.date(2023, 1, 10), user=staff_a)
    with pytest.raises(ValidationError):
        applicant_admit(applicant, expected_version=applicant.version, on=datetime.date(2023, 2, 10), user=staff_a)
    assert Member.objects.filter(id_number=applicant.id_number).count() == 1


def test_confirming_admitted_member_dates_full_membership_on_the_application(staff_a, org_a):
    applicant = f.ApplicantFactory(organization=org_a, candidate=True)
    member = applicant_admit(applicant, expected_version=applicant.version, on=datetime.date(2023, 1, 10), user=staff_a)
    member_confirm_full(member, expected_version=member.version, on=datetime.date(2024, 1, 10), user=staff_a)
    assert Applicant.objects.get(pk=applicant.pk).full_on == datetime.date(2024, 1, 10)


# Organizations ---------------------------------------------------------------


def test_organization_dissolve_is_refused_while_members_remain(staff_a, org_a):
    f.MemberFactory(organization=org_a)
    with pytest.raises(ValidationError):
        organization_dissolve(
            org_a, expected_version=org_a.version, on=datetime.date(2023, 10, 1), reason="企业停产", user=staff_a
        )
    assert org_a.__class__.objects.get(pk=org_a.pk).status == OrganizationStatus.ACTIVE


def test_organization_dissolve_after_members_left_uncovers_its_enterprises(staff_a, org_a):
    member = existing_since(f.MemberFactory(organization=org_a), datetime.date(2020, 1, 1))
    enterprise = existing_since(f.EnterpriseFactory(organization=org_a), datetime.date(2020, 1, 1))
    existing_since(org_a, datetime.date(2020, 1, 1))
    member_end(
        member,
        expected_version=member.version,
        reason=EndReason.TRANSFERRED_OUT,
        on=datetime.date(2023, 9, 1),
        user=staff_a,
    )
    on = datetime.date(2023, 10, 1)

    organization_dissolve(org_a, expected_version=org_a.version, on=on, reason="企业停产", user=staff_a)

    org_a.refresh_from_db()
    assert (org_a.status, org_a.dissolved_on, org_a.dissolution_reason) == (
        OrganizationStatus.DISSOLVED,
        on,
        "企业停产",
    )
    enterprise.refresh_from_db()
    assert enterprise.organization is None
    assert enterprise.coverage_mode == CoverageMode.NONE
    assert local_day(last_entry(enterprise).effective_at) == on


def test_organization_dissolve_needs_a_reason(staff_a, org_a):
    with pytest.raises(ValidationError):
        organization_dissolve(
            org_a, expected_version=org_a.version, on=datetime.date(2023, 10, 1), reason="  ", user=staff_a
        )


def test_organization_found_founds_a_forming_organization_on_the_date(staff_a, park_a):
    organization = f.PartyOrganizationFactory(
        park=park_a, status=OrganizationStatus.FORMING, founded_on=None, forming_since=datetime.date(2023, 1, 1)
    )
    existing_since(organization, datetime.date(2023, 1, 1))
    on = datetime.date(2023, 5, 4)
    organization_found(organization, expected_version=organization.version, on=on, user=staff_a)
    organization.refresh_from_db()
    assert (organization.status, organization.founded_on) == (OrganizationStatus.ACTIVE, on)
    assert local_day(last_entry(organization).effective_at) == on


def test_organization_found_refuses_an_organization_already_founded(staff_a, org_a):
    with pytest.raises(ValidationError):
        organization_found(org_a, expected_version=org_a.version, on=datetime.date(2023, 5, 4), user=staff_a)


def test_organization_found_refuses_a_date_before_formation_started(staff_a, park_a):
    organization = f.PartyOrganizationFactory(
        park=park_a, status=OrganizationStatus.FORMING, founded_on=None, forming_since=datetime.date(2023, 6, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        organization_found(
            organization, expected_version=organization.version, on=datetime.date(2023, 5, 4), user=staff_a
        )
    assert "founded_on" in excinfo.value.error_dict


# Enterprises -----------------------------------------------------------------


def test_enterprise_record_survey_keeps_a_dated_survey_and_dated_history(staff_a, park_a):
    enterprise = save_record(
        f.EnterpriseFactory.build(park=park_a, employees=100), user=staff_a, effective=datetime.date(2022, 6, 1)
    )
    surveyed_on = datetime.date(2023, 6, 30)
    enterprise.employees = 150

    survey = enterprise_record_survey(enterprise, surveyed_on=surveyed_on, user=staff_a, expected_version=1)

    assert EnterpriseSurvey.objects.get(pk=survey.pk).employees == 150
    assert survey.surveyed_on == surveyed_on
    assert Enterprise.objects.get(pk=enterprise.pk).surveyed_on == surveyed_on
    entry = last_entry(enterprise)
    assert local_day(entry.effective_at) == surveyed_on
    assert entry.history_user == staff_a
    assert enterprise.history.as_of(at(surveyed_on + datetime.timedelta(days=1))).employees == 150
    assert enterprise.history.as_of(at(surveyed_on)).employees == 100
    assert local_day(last_entry(survey).effective_at) == surveyed_on


def test_survey_dated_in_the_past_of_enterprise_entered_today_shows_in_history_as_of_now(staff_a, park_a):
    """A back-dated history entry must not leave the history as of today showing the state before it."""
    enterprise = save_record(f.EnterpriseFactory.build(park=park_a, employees=100), user=staff_a)
    enterprise.employees = 150
    enterprise_record_survey(
        enterprise,
        expected_version=enterprise.version,
        surveyed_on=timezone.localdate() - datetime.timedelta(days=30),
        user=staff_a,
    )
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 150
    assert enterprise.history.as_of(timezone.now()).employees == 150


def test_enterprise_record_survey_twice_on_one_day_updates_that_survey(staff_a, park_a):
    enterprise = f.EnterpriseFactory(park=park_a, employees=100)
    day = datetime.date(2023, 6, 30)
    enterprise_record_survey(enterprise, expected_version=enterprise.version, surveyed_on=day, user=staff_a)
    enterprise.employees = 120
    enterprise_record_survey(enterprise, expected_version=enterprise.version, surveyed_on=day, user=staff_a)
    assert EnterpriseSurvey.objects.get(enterprise=enterprise).employees == 120


def test_enterprise_record_survey_refuses_stale_edit_and_keeps_no_survey(staff_a, park_a):
    enterprise = f.EnterpriseFactory(park=park_a)
    other = Enterprise.objects.get(pk=enterprise.pk)
    save_record(other, user=staff_a, expected_version=other.version)  # someone else saved: version 2
    with pytest.raises(StaleEditError):
        enterprise_record_survey(enterprise, surveyed_on=datetime.date(2023, 6, 30), user=staff_a, expected_version=1)
    assert not EnterpriseSurvey.objects.exists()


def test_enterprise_deregister_keeps_the_enterprise_with_status_and_date(staff_a, park_a):
    enterprise = f.EnterpriseFactory(park=park_a)
    on = datetime.date(2023, 11, 30)
    enterprise_deregister(enterprise, expected_version=enterprise.version, on=on, user=staff_a)
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.status, stored.deregistered_on) == (EnterpriseStatus.DEREGISTERED, on)


# Notices ---------------------------------------------------------------------


def test_notice_issue_sends_one_receipt_per_park(admin, park_a, park_b):
    notice = f.NoticeFactory.build()
    notice_issue(notice, parks=[park_a, park_b], user=admin)
    receipts = NoticeReceipt.objects.filter(notice=notice)
    assert {receipt.park for receipt in receipts} == {park_a, park_b}
    assert all(receipt.forwarded_at and receipt.organization is None for receipt in receipts)


def test_county_reviewer_can_issue_notice_to_parks(county, park_a, park_b):
    """DESIGN.md: the county reviewer issues notices, though they edit no park records."""
    notice = f.NoticeFactory.build()
    notice_issue(notice, parks=[park_a, park_b], user=county)
    assert NoticeReceipt.objects.filter(notice=notice).count() == 2


def test_park_staff_issue_notice_to_their_sub_parks(staff_a, park_a, sub_a1):
    notice = f.NoticeFactory.build(issuer_park=park_a)
    notice_issue(notice, parks=[sub_a1], user=staff_a)
    assert NoticeReceipt.objects.get(notice=notice).park == sub_a1


def test_notice_issue_to_no_park_is_refused_and_nothing_is_saved(admin):
    notice = f.NoticeFactory.build()
    with pytest.raises(ValidationError):
        notice_issue(notice, parks=[], user=admin)
    assert not Notice.objects.exists()


def test_notice_forward_reaches_organizations_once(admin, staff_a, park_a, org_a):
    other = f.PartyOrganizationFactory(park=park_a)
    notice = notice_issue(f.NoticeFactory.build(), parks=[park_a], user=admin)

    receipts = notice_forward(notice, park=park_a, organizations=[org_a, other], user=staff_a)
    again = notice_forward(notice, park=park_a, organizations=[org_a], user=staff_a)

    assert {receipt.organization for receipt in receipts} == {org_a, other}
    assert again == []
    assert NoticeReceipt.objects.filter(notice=notice, organization__isnull=False).count() == 2
    secretary = f.SecretaryFactory(organization=org_a)
    assert Notice.objects.for_user(secretary).filter(pk=notice.pk).exists()


def test_notice_forward_to_organization_of_another_park_is_refused(admin, staff_a, park_a, park_b):
    notice = notice_issue(f.NoticeFactory.build(), parks=[park_a], user=admin)
    elsewhere = f.PartyOrganizationFactory(park=park_b)
    with pytest.raises((ValidationError, PermissionDenied)):
        notice_forward(notice, park=park_a, organizations=[elsewhere], user=staff_a)
    assert not NoticeReceipt.objects.filter(organization=elsewhere).exists()


def test_zone_staff_forward_notice_to_organization_in_sub_park(admin, staff_a, park_a, sub_a1):
    """A notice reaches the zone (一区); its staff pass it on to organizations of the sub-parks (五园)."""
    notice = notice_issue(f.NoticeFactory.build(), parks=[park_a], user=admin)
    in_sub_park = f.PartyOrganizationFactory(park=sub_a1)
    notice_forward(notice, park=park_a, organizations=[in_sub_park], user=staff_a)
    secretary = f.SecretaryFactory(organization=in_sub_park)
    assert Notice.objects.for_user(secretary).filter(pk=notice.pk).exists()


def test_notice_receive_signs_once_and_keeps_the_first_time(admin, staff_a, park_a, org_a):
    notice = notice_issue(f.NoticeFactory.build(), parks=[park_a], user=admin)
    [receipt] = notice_forward(notice, park=park_a, organizations=[org_a], user=staff_a)
    secretary = f.SecretaryFactory(organization=org_a)
    first = datetime.datetime(2023, 3, 5, 10, 0, tzinfo=SHANGHAI)

    notice_receive(receipt, user=secretary, at=first)
    notice_receive(NoticeReceipt.objects.get(pk=receipt.pk), user=staff_a, at=first + datetime.timedelta(days=2))

    stored = NoticeReceipt.objects.get(pk=receipt.pk)
    assert stored.received_at == first
    assert stored.received_by == secretary


def test_secretary_cannot_sign_for_another_organization(admin, staff_a, park_a, org_a):
    other = f.PartyOrganizationFactory(park=park_a)
    notice = notice_issue(f.NoticeFactory.build(), parks=[park_a], user=admin)
    [receipt] = notice_forward(notice, park=park_a, organizations=[other], user=staff_a)
    secretary = f.SecretaryFactory(organization=org_a)
    with pytest.raises(PermissionDenied):
        notice_receive(receipt, user=secretary)
    assert NoticeReceipt.objects.get(pk=receipt.pk).received_at is None


def make_receipt(deadline, received_at=None):
    notice = f.NoticeFactory(issued_on=datetime.date(2023, 3, 1), deadline=deadline)
    return f.NoticeReceiptFactory(notice=notice, received_at=received_at)


def test_receipt_signed_late_in_the_evening_of_the_deadline_is_not_late(db):
    receipt = make_receipt(datetime.date(2023, 3, 10), datetime.datetime(2023, 3, 10, 23, 30, tzinfo=SHANGHAI))
    assert not receipt.is_late(datetime.date(2023, 3, 20))


def test_receipt_signed_after_local_midnight_past_the_deadline_is_late(db):
    # 01:00 in Shanghai is still 10 March in UTC: lateness is judged by the local date.
    receipt = make_receipt(datetime.date(2023, 3, 10), datetime.datetime(2023, 3, 11, 1, 0, tzinfo=SHANGHAI))
    assert receipt.is_late(datetime.date(2023, 3, 20))


def test_unsigned_receipt_is_late_only_once_the_deadline_has_passed(db):
    receipt = make_receipt(datetime.date(2023, 3, 10))
    assert not receipt.is_late(datetime.date(2023, 3, 10))
    assert receipt.is_late(datetime.date(2023, 3, 11))


def test_receipt_of_notice_without_deadline_is_never_late(db):
    receipt = make_receipt(None)
    assert not receipt.is_late(datetime.date(2030, 1, 1))


def test_two_changes_dated_on_the_same_day_read_back_as_one_state(staff_a, org_a):
    member = existing_since(f.MemberFactory(organization=org_a, status=MemberStatus.NORMAL), datetime.date(2020, 1, 1))
    day = datetime.date(2023, 3, 1)
    member.status = MemberStatus.MOBILE
    save_record(member, user=staff_a, expected_version=member.version, effective=day)
    member.phone = "13800000000"
    save_record(member, user=staff_a, expected_version=member.version, effective=day)
    end_of_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))
    states = Member.history.as_of(end_of_day).filter(pk=member.pk)
    assert [(m.status, m.phone) for m in states] == [(MemberStatus.MOBILE, "13800000000")]
