"""Validators for Chinese identifiers, built on python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


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
