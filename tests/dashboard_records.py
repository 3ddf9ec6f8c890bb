"""The records the dashboard tests count: ``grow`` adds batches of them to the shared world (tests/personas.py)."""

import datetime

from organizations.models import ActivityKind, RequestCategory

from . import factories as f

YEAR = 2023


def grow(world, times: int) -> None:
    """Records in every park that feed every card, cell and alert: ``times`` batches of them."""
    for park in (world.zone_a, world.sub_a1, world.zone_b):
        for n in range(times):
            org = f.PartyOrganizationFactory(park=park, founded_on=datetime.date(2019, 1, 1))
            founded = datetime.date(2018, 5, 1)
            covered = f.EnterpriseFactory(organization=org, founded_on=founded)
            f.EnterpriseFactory(park=park, founded_on=founded)  # neither organization nor instructor
            f.EnterpriseFactory(park=park, founded_on=founded, instructor=f.InstructorFactory(park=park))
            for month in (1, 2, 5):
                f.ActivityFactory(
                    organization=org, kind=ActivityKind.COMMITTEE_MEETING, held_on=datetime.date(YEAR, month, 9)
                )
            f.ActivityFactory(organization=org, kind=ActivityKind.THEME_DAY, held_on=datetime.date(YEAR, 7, 1))
            f.MemberFactory(organization=org, enterprise=covered)
            f.MemberFactory(organization=org, probationary=True)  # since 2022-07-01: past one year
            f.ApplicantFactory(organization=org, candidate=True, admitted_on=datetime.date(YEAR, 3, 1 + n % 20))
            f.ServiceRequestFactory(
                enterprise=covered,
                category=RequestCategory.POWER,
                received_on=datetime.date(YEAR, 1, 10),
                due_on=datetime.date(YEAR, 2, 1),
            )
            notice = f.NoticeFactory(issuer_park=park)
            f.NoticeReceiptFactory(notice=notice, organization=org)
            f.DuesPaymentFactory(
                member=f.MemberFactory(organization=org), month=datetime.date(YEAR, 4, 1), amount_paid=0
            )
