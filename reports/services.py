"""Business writes of the reports app: uploading a park's DOCX report template."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import Park
from parkparty.core.history import ChangeReason
from parkparty.core.permissions import ADD, require_in_park
from parkparty.core.services import save_record
from parkparty.core.validators import strip_invisible

from .models import ReportKind, ReportTemplate
from .rendering import MAX_TEMPLATE_BYTES, validate_template

ORIGINAL_NAME_MAX = 255


def _read_limited(uploaded_file) -> bytes:
    """The upload's bytes, reading at most one byte past the size limit."""
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    return uploaded_file.read(MAX_TEMPLATE_BYTES + 1)


def report_template_upload(
    park: Park,
    kind: str,
    uploaded_file,
    user,
    *,
    figure_keys: Iterable[str] = (),
) -> ReportTemplate:
    """Validate an uploaded DOCX template of ``kind`` and make it the park's active one.

    ``figure_keys`` are the names of the figures engine a template may use as
    ``figures.<key>``. Raises ``ValidationError`` with every message of
    :func:`reports.rendering.validate_template` and writes nothing (no record,
    no file) when the file is not acceptable; ``PermissionDenied`` when the user
    may not change the park's records. The previous active template of the kind
    is deactivated; both writes get history entries.
    """
    require_in_park(user, ADD, ReportTemplate, park)
    if kind not in ReportKind.values:
        raise ValidationError(_("Unknown report kind."), code="kind")
    data = _read_limited(uploaded_file)
    errors = validate_template(data, kind, figure_keys)
    if errors:
        raise ValidationError(errors, code="template")
    original_name = strip_invisible(PurePath(str(getattr(uploaded_file, "name", "") or "")).name)[:ORIGINAL_NAME_MAX]
    template = ReportTemplate(park=park, kind=kind, original_name=original_name, uploaded_by=user, is_active=True)
    template.file = ContentFile(data, name=f"{park.code}-{kind}.docx")
    try:
        return _activate(template, user=user)
    except BaseException:
        # The transaction rolled back; a file stored before the failure must go too.
        if getattr(template.file, "_committed", False) and template.file.name:
            with contextlib.suppress(OSError):
                template.file.storage.delete(template.file.name)
        raise


@transaction.atomic
def _activate(template: ReportTemplate, *, user) -> ReportTemplate:
    previous = ReportTemplate.objects.select_for_update().filter(park=template.park, kind=template.kind, is_active=True)
    for old in previous:
        old.is_active = False
        save_record(old, user=user, expected_version=old.version, reason=ChangeReason.TEMPLATE_REPLACED)
    return save_record(template, user=user, reason=ChangeReason.TEMPLATE_UPLOADED)
