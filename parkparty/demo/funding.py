"""Funding (start-up funds, allowances, awards), commendations, pioneer posts and dues payments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from members.models import Commendation, DuesPayment, PioneerPost
from organizations.models import Funding
from parkparty.core.history import effective_datetime
from parkparty.core.services import save_record

from .base import DemoBase, bulk, d
from .data import ADVANCED_ORGS, AWARDS, PIONEER_TITLES, YEARS


class FundingAndDues(DemoBase):
    """The demo build's funding, commendations, pioneer posts and dues."""

    def build_funding_and_commendations(self) -> None:
        rng = self.rng
        self.pay(self.orgs["C1"], "activity_fund", d("2023-06-26"), 3000)
        for year in YEARS:
            for _key, org, first, last in self.active_orgs(year):
                if org.founded_on.year == year:
                    self.pay(org, "startup_fund", org.founded_on + datetime.timedelta(days=20), 5000)
                months = last - first + 1  # the allowance is 150 yuan for each month in office
                paid_on = datetime.date(year, last, 20 if last == 12 else 15)
                self.pay(org, "secretary_allowance", paid_on, 150 * months, months, org.secretary)
            awarded = datetime.date(year, 12, 22)
            for key, amount in AWARDS[year]:
                org = self.orgs[key]
                self.pay(org, "performance_award", datetime.date(year, 12, 26), amount, 1, org.secretary)
                self.commend("excellent_secretary", year, org, org.secretary, awarded, "县委非公工委", amount)
            for key in ADVANCED_ORGS[year]:
                self.commend("advanced_organization", year, self.orgs[key], None, datetime.date(year, 6, 28))
            start = datetime.date(year, 1, 1)
            eligible = [
                m
                for key, org, *_ in self.active_orgs(year)
                for m in self.members[key]
                if m.ended_on is None and m.pk != org.secretary_id and (m.transferred_in_on or m.joined_on) < start
            ]
            for member in rng.sample(eligible, 5 if year == 2023 else 4):
                self.commend("outstanding_member", year, member.organization, member, datetime.date(year, 6, 28))
            for i, member in enumerate(rng.sample(eligible, 4 if year == 2023 else 2)):
                post = PioneerPost(
                    member=member,
                    kind="model" if i % 3 == 2 else "pioneer",
                    title=PIONEER_TITLES[(i + year) % len(PIONEER_TITLES)],
                    started_on=datetime.date(year, 3 + i * 2, 1),
                    ended_on=datetime.date(year + 1, 6, 30) if (year, i) == (2023, 0) else None,
                )
                save_record(post, user=None, effective=post.started_on)

    def pay(self, org, kind, paid_on, amount, months=1, recipient=None) -> None:
        funding = Funding(
            organization=org, kind=kind, paid_on=paid_on, amount=Decimal(amount), months=months, recipient=recipient
        )
        save_record(funding, user=None, effective=paid_on)

    def commend(self, kind, year, org, member, awarded_on, by="中共示范县委", bonus=None) -> None:
        commendation = Commendation(
            kind=kind, year=year, organization=org, member=member, conferred_by=by, awarded_on=awarded_on, bonus=bonus
        )
        save_record(commendation, user=None, effective=awarded_on)

    def build_dues(self) -> None:
        rng, payments = self.rng, []
        everyone = [m for members in self.members.values() for m in members]
        arrears = {year: rng.sample(everyone, count) for year, count in ((2023, 5), (2024, 3), (2025, 2))}
        for member in everyone:
            rate = Decimal(rng.choice((2, 3, 5, 8, 10, 12, 15, 20, 30)))
            since = member.transferred_in_on or member.joined_on
            for year in YEARS:
                for month in range(1, 13):
                    first = datetime.date(year, month, 1)
                    if since >= first or (member.ended_on and member.ended_on <= first):
                        continue
                    unpaid = member in arrears[year] and month > 9  # the last quarter is in arrears
                    paid_on = None if unpaid else first + datetime.timedelta(days=rng.randint(4, 24))
                    paid = Decimal(0) if unpaid else rate
                    payment = DuesPayment(
                        member=member, month=first, amount_due=rate, amount_paid=paid, paid_on=paid_on
                    )
                    payment._effective_at = effective_datetime(paid_on or first + datetime.timedelta(days=27))
                    payments.append(payment)
        bulk(DuesPayment, payments)
