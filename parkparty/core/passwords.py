"""Password rules of a level-2 system (等保二级), every message in Chinese.

- at least 8 characters (:class:`MinimumLengthValidator`);
- three of the four classes upper case, lower case, digits, symbols (:class:`CharacterClassValidator`);
- not close to the user's own username, name (also written in pinyin), e-mail, phone, or the ID number
  and phone of the Party member the account belongs to (:class:`PersonalInformationValidator`);
- not a common password (Django's ``CommonPasswordValidator``, listed in settings).

Django's own "too short" message is English under zh-hans: Django 5.2 changed its msgid
(``%d`` instead of ``%(min_length)d``) and its Chinese catalogue still has only the old one.
Our validators therefore carry their own msgids, translated in our catalogue.
"""

from __future__ import annotations

import itertools
import os
import re
from difflib import SequenceMatcher

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

#: Runs of this many digits of a phone or ID number may not appear in a password (a birth date, the last six).
DIGIT_RUN = 6
#: Text values (username, name in pinyin, e-mail name) this long or longer may not appear in a password.
TEXT_RUN = 4
#: Readings tried per name: polyphonic surnames (单, 曾…) have several.
MAX_NAME_READINGS = 32


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with our own (translated) messages."""

    def get_error_message(self):
        return ngettext(
            "The password is too short: it must have at least %(min_length)d character.",
            "The password is too short: it must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "At least %(min_length)d character.",
            "At least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and other characters (symbols) ``password`` uses."""
    found = set()
    for char in password:
        if "A" <= char <= "Z":
            found.add("upper")
        elif "a" <= char <= "z":
            found.add("lower")
        elif char.isdigit():
            found.add("digit")
        elif not char.isspace():
            found.add("symbol")
    return len(found)


class CharacterClassValidator:
    """At least ``classes`` of the four classes: upper case, lower case, digits, symbols."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password, user=None):
        if character_classes(password) < self.classes:
            raise ValidationError(self.message(), code="password_too_simple")

    def message(self) -> str:
        return _(
            "The password must mix at least %(classes)d of these: upper-case letters, lower-case letters, "
            "digits and symbols."
        ) % {"classes": self.classes}

    def get_help_text(self):
        return self.message()


def name_readings(name: str) -> list[str]:
    """A Chinese name in pinyin, every reading of its polyphonic characters (张三 → ["zhangsan"])."""
    if not name or not any("\u4e00" <= char <= "\u9fff" for char in name):
        return []
    # Single characters only: the phrase dictionary costs 50 MB and a second to load, and names are not phrases.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import Style, pinyin

    syllables = pinyin(name, style=Style.NORMAL, heteronym=True, errors="ignore")
    readings = ("".join(parts) for parts in itertools.product(*syllables))
    return [reading.lower() for reading in itertools.islice(readings, MAX_NAME_READINGS)]


def personal_values(user) -> list[tuple[str, str, bool]]:
    """(label, value, digits) of what a password of ``user`` may not resemble.

    A secretary's account belongs to the Party member who is its organization's secretary
    when the names match; that member's ID number and phone count too.
    """
    values: list[tuple[str, str, bool]] = []

    def add(label, value, digits=False):
        value = (value or "").strip().lower()
        if value:
            values.append((label, value, digits))

    add(pgettext("password rule", "username"), user.get_username())
    family, given = (user.last_name or "").strip(), (user.first_name or "").strip()
    full = f"{family}{given}"
    add(pgettext("password rule", "name"), full)
    for text in (full, given):
        for reading in name_readings(text):
            add(pgettext("password rule", "name"), reading)
    email = getattr(user, "email", "") or ""
    add(pgettext("password rule", "e-mail address"), email)
    add(pgettext("password rule", "e-mail address"), email.split("@", 1)[0])
    add(pgettext("password rule", "phone"), getattr(user, "phone", ""), digits=True)
    member = linked_member(user)
    if member is not None:
        add(pgettext("password rule", "resident ID number"), member.id_number, digits=True)
        add(pgettext("password rule", "phone"), member.phone, digits=True)
    return values


def linked_member(user):
    """The Party member this account belongs to, if the system knows it (see :func:`personal_values`)."""
    organization = getattr(user, "organization", None) if getattr(user, "organization_id", None) else None
    member = getattr(organization, "secretary", None) if organization is not None else None
    full = f"{user.last_name or ''}{user.first_name or ''}".strip()
    if member is None or not full or member.name.strip() != full:
        return None
    return member


def resembles(password: str, value: str, *, digits: bool, max_similarity: float) -> bool:
    """``password`` (lower case) contains ``value``, a long run of its digits, or is much like it."""
    if digits:
        run = re.sub(r"\s", "", value)
        if len(run) < DIGIT_RUN:
            return run != "" and run in password
        return any(run[i : i + DIGIT_RUN] in password for i in range(len(run) - DIGIT_RUN + 1))
    if len(value) >= TEXT_RUN and value in password:
        return True
    for part in {value, *re.split(r"\W+", value)}:
        if not part or password_validation.exceeds_maximum_length_ratio(password, max_similarity, part):
            continue
        if SequenceMatcher(a=password, b=part).quick_ratio() >= max_similarity:
            return True
    return False


class PersonalInformationValidator:
    """Not close to the user's username, name (in characters or pinyin), e-mail, phone or ID number."""

    def __init__(self, max_similarity: float = 0.7):
        self.max_similarity = max_similarity

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        for label, value, digits in personal_values(user):
            if resembles(lowered, value, digits=digits, max_similarity=self.max_similarity):
                raise ValidationError(
                    _("The password is too close to your %(what)s.") % {"what": label},
                    code="password_too_similar",
                )

    def get_help_text(self):
        return _("Not close to your username, name, phone or ID number.")
