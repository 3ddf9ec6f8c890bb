"""Each year's activities: organization life (三会一课, theme days), secretary trainings, park activities
and joint inspections.
"""

from __future__ import annotations

import datetime

from organizations.models import Activity, PartyOrganization
from parkparty.core.history import effective_datetime

from .base import DemoBase, bulk, d, on_roll
from .data import (
    BRANCH_PLAN,
    DEMO_CODE,
    INSPECTIONS,
    LIFE_PLAN,
    MEETING_TOPICS,
    PARK_ACTIVITIES,
    PARKS,
    QUIET,
    SECRETARY_TRAININGS,
    SPECIAL_LECTURES,
    THEME_DAYS,
    TRAINERS,
    WEAK_ORGS,
    YEARS,
)


class Activities(DemoBase):
    """The demo build's activities, year by year."""

    def active_orgs(self, year: int) -> list[tuple[str, PartyOrganization, int, int]]:
        """Organizations founded by the end of ``year``, with the first and last month they were active in it."""
        found = []
        for key, org in self.orgs.items():
            founded, dissolved = org.founded_on, org.dissolved_on
            if founded is None or founded.year > year or (dissolved and dissolved.year < year):
                continue
            first = founded.month + 1 if founded.year == year else 1
            last = dissolved.month - 1 if dissolved and dissolved.year == year else 12
            if first <= last:
                found.append((key, org, first, last))
        return found

    def roll(self, key: str, day: datetime.date) -> int:
        """How many members the organization had on ``day``."""
        return sum(1 for m in self.members[key] if on_roll(m, day))

    def build_activities(self) -> None:
        rng, activities = self.rng, []

        def add(day: datetime.date, **fields) -> None:
            activity = Activity(held_on=day, **fields)
            activity._effective_at = effective_datetime(day)
            activities.append(activity)

        for year in YEARS:
            for key, org, first, last in self.active_orgs(year):
                skip = 0.3 if key in WEAK_ORGS else 0.1
                monthly = LIFE_PLAN.get(org.kind, BRANCH_PLAN)
                for month in range(first, QUIET.get((key, year), last) + 1):
                    kinds = [k for k in monthly if k != "group_meeting" or self.roll(key, d(f"{year}-06-30")) >= 4]
                    if month % 3 == 0:
                        kinds += ["party_lecture"] + (["branch_general_meeting"] if "branch" in org.kind else [])
                    if month == 1 and org.kind != "committee":
                        kinds.append("organization_life_meeting")
                    for kind in kinds:
                        if rng.random() < skip:
                            continue
                        day = datetime.date(year, month, rng.randint(3, 27))
                        expected = max(self.roll(key, day), 1)
                        expected = min(expected, 5) if kind == "committee_meeting" else expected
                        special = kind == "party_lecture" and rng.random() < 0.25
                        title = rng.choice(SPECIAL_LECTURES[year]) if special else self.life_title(kind, year, month)
                        add(
                            day,
                            kind=kind,
                            title=title,
                            organization=org,
                            park=org.park,
                            location="党员活动室",
                            expected_attendance=expected,
                            is_special_lecture=special,
                            actual_attendance=max(expected - rng.choice((0, 0, 0, 1, 1, 2)), 1),
                        )
            zone, sub_parks = self.parks[DEMO_CODE], [self.parks[row[0]] for row in PARKS]
            trainings = SECRETARY_TRAININGS[year]
            for i, attendance in enumerate(trainings):
                trainer = TRAINERS[i % len(TRAINERS)]
                day = datetime.date(year, 2 + i * 10 // len(trainings), rng.randint(8, 24))
                add(
                    day,
                    kind="training",
                    park=zone,
                    organizer=trainer,
                    audience="secretaries",
                    place=self.centre,
                    title=f"{trainer}党组织书记培训班（第{i + 1}期）",
                    actual_attendance=attendance,
                )
            for kind, sessions, audience, title, low, high in PARK_ACTIVITIES:
                for n in range(1, sessions + 1):
                    day = datetime.date(year, 12 * n // (sessions + 1) or 1, rng.randint(5, 25))
                    park = zone if kind != "listening_visit" else sub_parks[n % 5]
                    add(
                        day,
                        kind=kind,
                        park=park,
                        audience=audience,
                        organizer="园区管委会",
                        place=None if kind == "listening_visit" else self.centre,
                        title=title.format(year=year, n=n, park=park.name),
                        actual_attendance=rng.randint(low, high),
                    )
            for department, sessions in INSPECTIONS.items():
                for n in range(1, sessions + 1):
                    day, park = datetime.date(year, 12 * n // (sessions + 1), rng.randint(5, 25)), sub_parks[n % 5]
                    add(
                        day,
                        kind="joint_inspection",
                        park=park,
                        partner_department=department,
                        organizer="园区管委会",
                        title=f"{park.name}联合检查",
                        actual_attendance=rng.randint(4, 8),
                    )
        bulk(Activity, activities)

    def life_title(self, kind: str, year: int, month: int) -> str:
        if kind == "theme_day":
            return f"{month}月主题党日：" + THEME_DAYS[month - 1].format(age=year - 1921)
        if kind == "organization_life_meeting":
            return f"{year - 1}年度组织生活会"
        label = {"committee_meeting": "支委会", "group_meeting": "党小组会", "branch_general_meeting": "党员大会"}
        return f"{month}月{label.get(kind, '党课')}：{self.rng.choice(MEETING_TOPICS[kind])}"
