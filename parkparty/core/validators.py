"""Validators: Chinese identifiers (built on python-stdnum) and text that cannot hide characters."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

#: The last year a record may be dated in: later is a typo, and would break the date arithmetic of the figures.
MAX_YEAR = 2100


def year_validators(first: int) -> list:
    """The validators of a year column: from ``first`` to :data:`MAX_YEAR`."""
    return [MinValueValidator(first), MaxValueValidator(MAX_YEAR)]


def normalize_uscc(value: str) -> str:
    """Upper-case and strip separators from a unified social credit code."""
    return uscc.compact(value or "")


def validate_uscc(value: str) -> None:
    """Check a unified social credit code (统一社会信用代码): length, alphabet, check digit."""
    try:
        uscc.validate(value)
    except InvalidLength:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length") from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong; please check the code."),
            code="uscc_checksum",
        ) from None
    except StdnumError:
        raise ValidationError(_("This is not a valid unified social credit code."), code="uscc_format") from None


def normalize_resident_id(value: str) -> str:
    """Upper-case and strip separators from a resident ID number."""
    return ric.compact(value or "")


def validate_resident_id(value: str) -> None:
    """Check a resident identity card number (公民身份号码): length, birth date, region, check digit."""
    try:
        ric.validate(value)
    except InvalidLength:
        raise ValidationError(_("A resident ID number has 18 characters."), code="ric_length") from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit of this resident ID number is wrong; please check the number."),
            code="ric_checksum",
        ) from None
    except StdnumError:
        raise ValidationError(
            _("This is not a valid resident ID number (region or birth date is wrong)."), code="ric_format"
        ) from None


# --- text that cannot hide anything -----------------------------------------------------------
#
# A name, code or number is one line of visible characters. Control characters
# (C0, DEL, C1), Unicode format characters (category Cf: the bidi embeddings,
# overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F
# and U+061C, zero-width spaces and joiners, the BOM, soft hyphens, tag
# characters…), invisible fillers, line and paragraph separators, surrogates
# and non-characters are refused: they let a name display as something it is
# not ("Trojan Source"), break searching and sorting, are refused by XML (so by
# the DOCX reports and xlsx exports) and, for NUL, by PostgreSQL.
# Free text (notes, descriptions, report sections) keeps line breaks and tabs,
# and the joiners emoji sequences need, but no other control character, no
# bidi control, no surrogate and no non-character.

_CONTROLS = "\x00-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: Unicode category Cf (format characters) as of Unicode 15, bidi controls included.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
#: Characters that render as nothing though they are letters or marks (Hangul fillers, the grapheme joiner).
_INVISIBLE = "\u034f\u115f\u1160\u3164\uffa0"
_SEPARATORS = "\u2028\u2029"
_SURROGATES = "\ud800-\udfff"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)

PLAIN_TEXT_REFUSED = re.compile(f"[{_CONTROLS}{_FORMAT}{_INVISIBLE}{_SEPARATORS}{_SURROGATES}{_NONCHARACTERS}]")
FREE_TEXT_REFUSED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}{_NONCHARACTERS}]")


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def validate_plain_text(value: str) -> None:
    """Names, codes, titles, numbers: visible characters on one line only (see the note above)."""
    if not isinstance(value, str):
        return
    found = PLAIN_TEXT_REFUSED.search(value)
    if found is not None:
        raise ValidationError(
            _(
                "Control characters, line breaks and invisible formatting characters (such as text-direction "
                "marks) are not allowed here; found %(char)s at character %(position)s."
            ),
            code="invisible_character",
            params={"char": _code_point(found.group()), "position": found.start() + 1},
        )


def validate_free_text(value: str) -> None:
    """Notes, descriptions, report sections: line breaks and tabs are fine, other control characters are not."""
    if not isinstance(value, str):
        return
    found = FREE_TEXT_REFUSED.search(value)
    if found is not None:
        raise ValidationError(
            _(
                "Control characters and text-direction overrides are not allowed (line breaks and tabs are); "
                "found %(char)s at character %(position)s."
            ),
            code="control_character",
            params={"char": _code_point(found.group()), "position": found.start() + 1},
        )


def strip_invisible(value: str) -> str:
    """``value`` without the characters :func:`validate_plain_text` refuses (for names we keep, not type)."""
    return PLAIN_TEXT_REFUSED.sub("", value or "")


def clean_search_text(value: str, limit: int = 100) -> str:
    """A search box's text made safe to query with: refused characters dropped, at most ``limit`` characters.

    No stored name holds such a character, so dropping them loses no match;
    PostgreSQL refuses NUL in a query, and a pattern of 100 000 characters
    would only cost time.
    """
    return strip_invisible(value).strip()[:limit]
