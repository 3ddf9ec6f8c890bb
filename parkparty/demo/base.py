"""What every part of the demo build shares: date helpers, invented people, the builder's state and
the bulk insert through the services.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from stdnum.cn import ric, uscc

from members.models import Member
from organizations.models import Enterprise, Instructor, Park, PartyOrganization, ServiceCenter
from parkparty.core.history import effective_datetime
from parkparty.core.services import save_records

from .data import FEMALE_GIVEN, MALE_GIVEN, ORGS, SEED, SURNAMES, USCC_ALPHABET


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def noon_plus(day: datetime.date, minutes: int) -> datetime.datetime:
    """A history timestamp on ``day`` after the services' noon entry (for a second change that day)."""
    return effective_datetime(day) + datetime.timedelta(minutes=minutes)


def on_roll(member: Member, day: datetime.date) -> bool:
    return (member.transferred_in_on or member.joined_on) <= day and not (member.ended_on and member.ended_on <= day)


@dataclass
class Person:
    name: str
    id_number: str
    phone: str


class DemoBase:
    """The builder's state, its seeded random numbers and the names and numbers it invents.

    The parts of the build (parks, organizations, enterprises …) are mixins of this class, combined in
    :class:`parkparty.demo.builder.DemoBuilder`; they share one random generator, so the order of the
    build is the order of the draws.
    """

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.parks: dict[str, Park] = {}
        self.orgs: dict[str, PartyOrganization] = {}
        self.ents: dict[str, Enterprise] = {}
        self.ent_names: dict[str, str] = {}
        self.instructors: dict[str, Instructor] = {}
        self.members: dict[str, list[Member]] = {row[0]: [] for row in ORGS}
        self.investors: dict[str, Person] = {}
        self.centre: ServiceCenter | None = None
        self._taken: set[str] = set()

    # --- invented names and numbers ---------------------------------------------------
    def person(self, born_from: int, born_to: int) -> Person:
        """A fictional adult with a unique name and a valid resident ID number."""
        rng = self.rng
        while True:
            male = rng.random() < 0.6
            surname = rng.choice(SURNAMES[:20]) if rng.random() < 0.6 else rng.choice(SURNAMES)
            given = "".join(rng.choice(MALE_GIVEN if male else FEMALE_GIVEN) for _ in range(rng.choice((1, 2, 2))))
            birth = datetime.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
            regions = ("360426", "360423", "360425") if birth.year >= 1983 else ("360121", "360122")
            seq = rng.randrange(100, 998)
            seq += (seq % 2) != int(male)  # the 17th digit is odd for men, even for women
            body = f"{rng.choice(regions)}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            name = surname + given
            if name not in self._taken and number not in self._taken and ric.is_valid(number):
                self._taken.update((name, number))
                return Person(name, number, self.phone())

    def phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def credit_code(self, founded: datetime.date) -> str:
        rng = self.rng
        while True:
            if founded.year >= 2016:  # codes issued since 2016 look like 91360426MA35XXXXXX
                middle = "MA3" + "".join(rng.choice(USCC_ALPHABET[10:]) for _ in range(2))
                middle += "".join(rng.choice(USCC_ALPHABET) for _ in range(4))
            else:  # older codes embed the nine-character organization code
                middle = "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice("0123456789X")
            first17 = "91360426" + middle
            code = first17 + uscc.calc_check_digit(first17)
            if code not in self._taken:
                self._taken.add(code)
                return code

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))


def bulk(model, objects: list) -> None:
    """Validate and insert many rows through the services, each taking effect at its ``_effective_at``."""
    for obj in objects:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    save_records(objects, user=None, effective=_own_effect, clean=False)


def _own_effect(obj) -> datetime.datetime:
    return obj._effective_at
