"""Enterprise service requests and the notices issued to the park and its organizations, with receipts."""

from __future__ import annotations

import datetime

from django.utils import timezone

from organizations.models import Enterprise, Notice, NoticeReceipt, ServiceRequest
from organizations.notice_services import notice_receive
from parkparty.core.services import save_record

from .base import DemoBase, d
from .data import DEMO_CODE, HANDLERS, NOTICES, REQUEST_TITLES, REQUESTS


class RequestsAndNotices(DemoBase):
    """The demo build's service requests and notices."""

    def build_requests(self) -> None:
        rng = self.rng
        for year, plan in REQUESTS.items():
            end = datetime.date(year, 12, 28)
            categories = ("land", "water", "power", "infrastructure")
            closed = [(c, None, None) for c, n in zip(categories, plan["infra"], strict=True) for _ in range(n)]
            closed += [("talent_flat", flats, people) for flats, people in plan["flats"]]
            closed += [("schooling", None, people) for people in plan["schooling"]]
            closed += [(category, None, None) for category in plan["other"]]
            for category, quantity, people in closed:
                received = self.day_between(datetime.date(year, 1, 4), end - datetime.timedelta(days=40))
                closed_on = self.day_between(received + datetime.timedelta(days=3), received + datetime.timedelta(40))
                self.request(category, received, "closed", closed_on, quantity, people)
            for category in plan["open"]:  # still open at the year end; closed early next year, or never
                received = datetime.date(year, 11, rng.randint(5, 25))
                later = received + datetime.timedelta(days=60) if year < 2025 else None
                self.request(category, received, "open", later)
        self.request("land", d("2023-05-10"), "rejected", d("2023-06-02"))

    def existing_enterprises(self, day: datetime.date) -> list[Enterprise]:
        return [
            e for e in self.ents.values() if e.founded_on < day and not (e.deregistered_on and e.deregistered_on <= day)
        ]

    def request(self, category, received, outcome, finished_on, quantity=None, people=None) -> None:
        """A request received on ``received``; ``outcome`` closed, rejected or open (in progress at year end)."""
        rng = self.rng
        ent = rng.choice(self.existing_enterprises(received))
        request = ServiceRequest(
            park=ent.park,
            enterprise=ent,
            category=category,
            title=rng.choice(REQUEST_TITLES[category]),
            channel=rng.choice(("visit", "phone", "symposium", "online", "walk_in")),
            received_on=received,
            due_on=received + datetime.timedelta(days=30),
            handler=self.person(1975, 1995).name,
            handler_unit=HANDLERS.get(category, "园区管委会"),
        )
        save_record(request, user=None, effective=received)
        if outcome == "open":
            request.status = "in_progress"
            save_record(request, user=None, effective=received + datetime.timedelta(days=2))
            if finished_on is None:
                return
            outcome = "closed"
        request.status, request.closed_on = outcome, finished_on
        request.quantity, request.people_served = quantity, people
        if outcome == "closed":
            request.outcome, request.satisfaction = "已协调相关部门办结，企业反馈满意", rng.choice((4, 5, 5))
        else:
            request.outcome = "不符合园区总体规划，已向企业说明"
        save_record(request, user=None, effective=finished_on)

    def build_notices(self) -> None:
        rng, zone = self.rng, self.parks[DEMO_CODE]
        for year, notices in NOTICES.items():
            for number, (title, issued, days) in enumerate(notices, start=1):
                issued_on = d(issued)
                notice = Notice(
                    title=title,
                    reference_number=f"示非公委发〔{year}〕{number}号",
                    issued_on=issued_on,
                    deadline=issued_on + datetime.timedelta(days=days),
                    body=f"各园区、各非公企业党组织：现就{title[2:-3]}有关事项通知如下。",
                )
                save_record(notice, user=None, effective=issued_on)
                sent = timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(9, 30)))
                receipt = NoticeReceipt(notice=notice, park=zone, forwarded_at=sent)
                save_record(receipt, user=None, effective=sent)
                late_park = (year, number) == (2023, 4)
                signed = sent + datetime.timedelta(days=days + 2 if late_park else rng.randint(0, 1), hours=2)
                notice_receive(receipt, user=None, at=signed)
                forwarded = signed + datetime.timedelta(hours=3)  # the park forwards it to organizations
                orgs = [org for _key, org, *_ in self.active_orgs(year) if org.parent_id is None]
                orgs = [org for org in orgs if org.founded_on < issued_on < (org.dissolved_on or datetime.date.max)]
                for i, org in enumerate(rng.sample(orgs, min(8, len(orgs)))):
                    receipt = NoticeReceipt(notice=notice, park=org.park, organization=org, forwarded_at=forwarded)
                    save_record(receipt, user=None, effective=forwarded)
                    chance = rng.random()
                    if (year, number, i) == (2023, 2, 0) or chance < 0.04:
                        continue  # never signed for
                    late = ((year, number) in ((2023, 1), (2023, 5)) and i < 2) or chance > 0.95
                    hours = (days + rng.randint(2, 6)) * 24 if late else rng.randint(2, 60)
                    signed = max(forwarded + datetime.timedelta(hours=1), sent + datetime.timedelta(hours=hours))
                    notice_receive(receipt, user=None, at=signed)
