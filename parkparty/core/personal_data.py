"""The personal-data inventory: every field that holds personal data, why it is kept, who sees it in full.

This mapping is the one source for three things:

- masking: :func:`mask_for` tells the pages, the history, the figure lists and
  the Excel exports which mask a value gets (``parkparty.core.masking`` applies
  it); an entity's reveal links come from it too;
- the README's personal-data table (:func:`markdown_table`; a test compares
  the two);
- the guard test that fails when a model gains a field that looks personal
  (its name or validators) and is not listed here nor in :data:`NOT_PERSONAL`.

Masks: ``id`` (``360426********1234``), ``phone`` (``138****5678``),
``email`` (``z***@example.com``), ``date`` (``****-**-**``); an empty mask
means the value is shown in full to everyone who may see the record (names
are needed for the work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist

#: Who sees a masked workbench field in full (``parkparty.core.permissions``, the ``REVEAL`` action).
REVEAL_ROLES = "park staff, secretaries, administrators (in their scope): on reveal, in the edit form, in exports"
#: Where a masked workbench field is masked.
MASKED_EVERYWHERE = (
    "lists, detail pages until revealed, history, figure lists (every role); exports, search (county reviewers)"
)
SHOWN_IN_FULL = "everyone who may see the record"
NOT_MASKED = "not masked: needed to recognise the person"
ADMIN_ONLY = "administrators, in the Django admin"
AUDITORS_ONLY = "the audit administrator, on the audit log page and its export"
NOT_IN_WORKBENCH = "not shown in the workbench, exports or reports"


@dataclass(frozen=True)
class PersonalField:
    """One personal field: what it holds, why it is kept, its mask and who sees it in full.

    ``derived`` marks a value computed from another field (a property, not a column).
    """

    holds: str
    purpose: str
    mask: str = ""
    full: str = REVEAL_ROLES
    masked: str = MASKED_EVERYWHERE
    derived: bool = False


def _name(holds: str, purpose: str) -> PersonalField:
    return PersonalField(holds=holds, purpose=purpose, full=SHOWN_IN_FULL, masked=NOT_MASKED)


def _attribute(holds: str, purpose: str) -> PersonalField:
    return PersonalField(holds=holds, purpose=purpose, full=SHOWN_IN_FULL, masked="not masked: a statistics attribute")


ID_PURPOSE = "the import key (公民身份号码); checks age and gender; the Party statistics"
MEMBER_PHONE = "reaching the member for organization life and notices"

#: model label → field name → what it is.
INVENTORY: dict[str, dict[str, PersonalField]] = {
    "members.Member": {
        "name": _name("the member's full name", "the roster; every list and report names members"),
        "id_number": PersonalField("resident ID number", ID_PURPOSE, mask="id"),
        "birth_date": PersonalField(
            "date of birth, derived from the ID number",
            "age checks (18 on joining); age groups in statistics",
            mask="date",
            full="as part of the ID number only",
            masked="never listed, only counted; shown as ****-**-** if a page names it",
            derived=True,
        ),
        "phone": PersonalField("mobile phone", MEMBER_PHONE, mask="phone"),
        "gender": _attribute(
            "gender (from the ID number's 17th digit, which the masked ID shows anyway)", "Party statistics"
        ),
        "ethnicity": _attribute("ethnicity", "Party statistics (ethnic-minority members)"),
        "education": _attribute("education", "Party statistics"),
    },
    "members.Applicant": {
        "name": _name("the applicant's full name", "the development pipeline"),
        "id_number": PersonalField(
            "resident ID number", "identifies the applicant; age check; becomes the member's", mask="id"
        ),
        "phone": PersonalField("mobile phone", "reaching the applicant during the pipeline", mask="phone"),
        "gender": _attribute("gender (from the ID number)", "Party statistics"),
    },
    "organizations.Instructor": {
        "name": _name("the instructor's full name", "postings to enterprises, evaluations"),
        "phone": PersonalField("phone", "enterprises and staff reach their instructor", mask="phone"),
    },
    "organizations.Enterprise": {
        "investor_name": _name("the investor's (person in charge) name", 'the survey\'s investor "clear"'),
        "investor_phone": PersonalField("the investor's phone", 'the survey\'s investor "clear"; follow-up', "phone"),
    },
    "organizations.PartyOrganization": {
        "contact_phone": PersonalField(
            "the organization's contact phone (often the secretary's own mobile)", "reaching the organization", "phone"
        ),
    },
    "organizations.ServiceRequest": {
        "handler": _name("the name of the person handling the request", "follow-up of the request"),
    },
    "parkparty.User": {
        "username": _name("login name", "signing in; shown as who changed a record when the user has no name"),
        "first_name": _name("given name", "shown as who changed a record, issued or signed for a notice"),
        "last_name": _name("family name", "shown as who changed a record, issued or signed for a notice"),
        "email": PersonalField(
            "e-mail address", "account recovery by an administrator", "email", ADMIN_ONLY, NOT_IN_WORKBENCH
        ),
        "phone": PersonalField(
            "phone", "an administrator reaches the account holder", "phone", ADMIN_ONLY, NOT_IN_WORKBENCH
        ),
    },
    "parkparty.AuditEvent": {
        "username": PersonalField(
            "the login name of who did what the entry records (kept as text, so deleting a user loses nothing)",
            "the security audit trail (等保 2.0)",
            full=AUDITORS_ONLY,
            masked=NOT_IN_WORKBENCH,
        ),
        "ip_address": PersonalField(
            "the address a request came from",
            "the security audit trail: telling where sign-ins, failures and denied requests came from",
            full=AUDITORS_ONLY,
            masked=NOT_IN_WORKBENCH,
        ),
    },
}

#: Fields whose names look personal but hold no personal data: model label → field name → why not.
NOT_PERSONAL: dict[str, dict[str, str]] = {
    "organizations.Park": {"address": "the park's own address"},
    "organizations.Enterprise": {"address": "the enterprise's registered address (public business registration)"},
    "organizations.ServiceCenter": {"address": "a public service centre's address or online platform"},
}

#: Parts of a field name that suggest personal data.
PERSONAL_NAME = re.compile(
    r"id_?number|id_?card|identity|passport|phone|mobile|(^|_)tel(_|$)|fax|e_?mail|address|birth|wechat|weixin"
    r"|(^|_)qq(_|$)|contact|bank|(^|_)ip(_|$)"
)
#: Parts of a validator's name that suggest personal data.
PERSONAL_VALIDATOR = re.compile(r"resident|phone|mobile|email|identity", re.IGNORECASE)


def original_model(model):
    """The model itself, or the model a django-simple-history historical model records."""
    return getattr(model, "instance_type", None) or model


def entry(model, name: str) -> PersonalField | None:
    """The inventory entry of ``model``'s attribute ``name`` (historical models count as their originals)."""
    return INVENTORY.get(original_model(model)._meta.label, {}).get(name)


def resolve(model, path: str):
    """The model holding the last part of an attribute or lookup path, and that part's name.

    ``"organization.contact_phone"`` and ``"organization__contact_phone"`` on Member give
    (PartyOrganization, "contact_phone"). None when a middle part is not a relation.
    """
    parts = path.replace("__", ".").split(".")
    current = original_model(model)
    for part in parts[:-1]:
        try:
            found = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return None
        current = getattr(found, "related_model", None)
        if current is None:
            return None
    return original_model(current), parts[-1]


def mask_for(model, path: str) -> str:
    """The mask of the value at ``path`` from ``model`` ("" when it is not masked personal data)."""
    resolved = resolve(model, path)
    if resolved is None:
        return ""
    found = entry(*resolved)
    return found.mask if found is not None else ""


def masked_fields(model) -> dict[str, str]:
    """``model``'s own masked personal fields (not derived ones): field name → mask, for reveal links."""
    fields = INVENTORY.get(original_model(model)._meta.label, {})
    return {name: item.mask for name, item in fields.items() if item.mask and not item.derived}


def looks_personal(field) -> bool:
    """Whether a model field's name, type or validators suggest it holds personal data."""
    from django.db import models

    if PERSONAL_NAME.search(field.name.lower()):
        return True
    if isinstance(field, models.EmailField | models.GenericIPAddressField):
        return True
    for validator in getattr(field, "validators", ()):
        label = getattr(validator, "__name__", "") or type(validator).__name__
        if PERSONAL_VALIDATOR.search(label):
            return True
    return False


def markdown_table() -> str:
    """The README's personal-data table, generated from :data:`INVENTORY`."""
    lines = [
        "| model.field | holds | why it is kept | who sees it in full | where it is masked |",
        "|---|---|---|---|---|",
    ]
    for label, fields in INVENTORY.items():
        for name, item in fields.items():
            cells = [f"`{label}.{name}`", item.holds, item.purpose, item.full, item.masked]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)
