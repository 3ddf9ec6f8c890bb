"""The zone and its five sub-parks, their staffing, development quotas, service centres and instructors."""

from __future__ import annotations

import datetime
from decimal import Decimal

from members.models import DevelopmentQuota
from organizations.models import Instructor, InstructorEvaluation, Park, ParkStaffing, ServiceCenter
from parkparty.core.history import effective_datetime
from parkparty.core.services import save_record

from .base import DemoBase, bulk, d
from .data import (
    CORE_PARK,
    DEMO_CODE,
    INSTRUCTORS,
    INTEGRATED_ON,
    INTEGRATION,
    PARKS,
    QUOTAS,
    SERVICE_CENTRES,
    STAFFING,
    STAFFING_PEOPLE,
    YEARS,
)


class ParksAndStaffing(DemoBase):
    """The demo build's parks, staffing, quotas, centres and instructors."""

    def build_parks(self) -> None:
        opened = d("2020-01-06")
        zone = Park(code=DEMO_CODE, name="示范县工业园区", address="示范县城西大道88号")
        zone.integration_principle, zone.development_pattern = INTEGRATION
        self.parks[DEMO_CODE] = zone = save_record(zone, user=None, effective=opened)
        for order, (suffix, name, township, road) in enumerate(PARKS, start=1):
            park = Park(code=f"{DEMO_CODE}-{suffix}", name=name, parent=zone, address=f"示范县{township}{road}")
            park.sort_order = order
            park.is_core = suffix == CORE_PARK
            park.integrated_on = None if park.is_core else d(INTEGRATED_ON)
            self.parks[suffix] = save_record(park, user=None, effective=opened)
        for year, authorised, actual in STAFFING:
            staffing = ParkStaffing(park=zone, year=year, posts_authorised=authorised, posts_actual=actual)
            position, since, note, officers, officers_since, officers_note = STAFFING_PEOPLE[year]
            staffing.leader_position, staffing.leader_since, staffing.leader_note = position, d(since), note
            staffing.party_officers, staffing.officers_since = officers, d(officers_since)
            staffing.officers_note = officers_note
            save_record(staffing, user=None, effective=datetime.date(year, 1, 15))
        for year, quota in QUOTAS:
            quota = DevelopmentQuota(park=zone, year=year, quota=quota)
            save_record(quota, user=None, effective=datetime.date(year, 2, 20))
        for name, kind, opened_on, area, address, description in SERVICE_CENTRES:
            centre = ServiceCenter(name=name, kind=kind, park=zone, opened_on=d(opened_on), area_sqm=area)
            centre.address, centre.description = address, description
            save_record(centre, user=None, effective=centre.opened_on)
            self.centre = self.centre or centre  # activities are held at the offline centre
        evaluations = []
        for key, park, appointed, unit, position in INSTRUCTORS:
            person = self.person(1975, 1992)
            instructor = Instructor(
                name=person.name,
                park=self.parks[park],
                unit=unit,
                position=position,
                phone=person.phone,
                appointed_on=d(appointed),
            )
            self.instructors[key] = save_record(instructor, user=None, effective=instructor.appointed_on)
            for year in YEARS:
                for quarter in range(1, 5):
                    quarter_end = datetime.date(year, quarter * 3, 28)
                    if quarter_end < instructor.appointed_on:
                        continue
                    score = Decimal(self.rng.randint(760, 985)) / 10
                    evaluation = InstructorEvaluation(instructor=instructor, year=year, quarter=quarter, score=score)
                    evaluation._effective_at = effective_datetime(quarter_end + datetime.timedelta(days=10))
                    evaluations.append(evaluation)
        bulk(InstructorEvaluation, evaluations)
