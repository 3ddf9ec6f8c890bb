"""Business writes on activities: recording one with its attendees and photos, and photo thumbnails.

Uploaded photos are checked with Pillow (really an image, JPEG/PNG/WebP,
at most 10 MB) before anything is written; a 320-pixel JPEG thumbnail is
kept next to each photo under ``thumbs/``.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from parkparty.core.permissions import CHANGE, require
from parkparty.core.services import delete_record, save_record

from .models import Activity, ActivityAttachment, AttachmentKind

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 60_000_000
THUMBNAIL_SIZE = 320
#: Pillow format → file extension of accepted photos.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class CheckedPhoto:
    """An uploaded file that proved to be a photo, with the name it will be stored under."""

    upload: object
    name: str
    caption: str


def check_photo(upload) -> CheckedPhoto:
    """Refuse anything that is not really a JPEG, PNG or WebP image of at most 10 MB."""
    original = getattr(upload, "name", "") or "photo"
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB. Make the photo smaller and upload it again.") % {"name": original},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not a photo. Upload JPEG, PNG or WebP images only.") % {"name": original},
            code="not_image",
        ) from None
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("%(name)s is not a photo. Upload JPEG, PNG or WebP images only.") % {"name": original},
            code="not_image",
        )
    if width * height > MAX_PHOTO_PIXELS:
        raise ValidationError(
            _("%(name)s has too many pixels. Make the photo smaller and upload it again.") % {"name": original},
            code="too_large",
        )
    stem = posixpath.splitext(posixpath.basename(original.replace("\\", "/")))[0].strip() or "photo"
    return CheckedPhoto(upload=upload, name=f"{stem[:80]}.{PHOTO_FORMATS[image_format]}", caption=stem[:200])


def check_photos(uploads) -> list[CheckedPhoto]:
    """Check every upload; one ValidationError listing every bad file."""
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return checked


def thumbnail_name(attachment: ActivityAttachment) -> str:
    """Where the photo's thumbnail lives: ``thumbs/<file name>.jpg`` next to the photo."""
    folder, base = posixpath.split(attachment.file.name)
    return posixpath.join(folder, "thumbs", f"{base}.jpg")


def make_thumbnail(attachment: ActivityAttachment) -> str | None:
    """Write the photo's 320-pixel JPEG thumbnail (once) and return its storage name; None if it is no image."""
    name = thumbnail_name(attachment)
    if default_storage.exists(name):
        return name
    try:
        with attachment.file.open("rb") as source, Image.open(source) as image:
            image.load()
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            if picture.mode not in ("RGB", "L"):
                background = Image.new("RGB", picture.size, "white")
                rgba = picture.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                picture = background
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=82)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return default_storage.save(name, ContentFile(buffer.getvalue()))


@transaction.atomic
def activity_add_photos(activity: Activity, *, photos: list[CheckedPhoto], user) -> list[ActivityAttachment]:
    """Keep checked photos with an activity, each with its thumbnail."""
    require(user, CHANGE, activity)
    saved = []
    for photo in photos:
        attachment = ActivityAttachment(activity=activity, kind=AttachmentKind.PHOTO, caption=photo.caption)
        attachment.file.save(photo.name, photo.upload, save=False)
        save_record(attachment, user=user)
        make_thumbnail(attachment)
        saved.append(attachment)
    return saved


def activity_remove_photo(attachment: ActivityAttachment, *, user) -> None:
    """Remove a photo from an activity; the removal stays in the attachment's history.

    Removing is a choice made on the photo as the page shows it, so it checks the version the page had.
    """
    delete_record(attachment, user=user, expected_version=attachment.version)


@transaction.atomic
def activity_record(
    activity: Activity,
    *,
    attendees,
    photos: list[CheckedPhoto] = (),
    user,
    expected_version: int | None = None,
) -> Activity:
    """Save an activity with its attendees and new photos.

    The actual attendance (person-times) is the number of attendees when
    left empty; it may be higher (a training counts every session) but not
    lower.
    """
    attendees = list(attendees)
    if activity.organization_id is None and attendees:
        raise ValidationError({"attendees": _("Attendees are picked from the members of the organization.")})
    strangers = [m for m in attendees if m.organization_id != activity.organization_id]
    if strangers:
        raise ValidationError(
            {"attendees": _("%(name)s is not a member of this organization.") % {"name": strangers[0].name}}
        )
    if activity.actual_attendance is None and attendees:
        activity.actual_attendance = len(attendees)
    if activity.actual_attendance is not None and activity.actual_attendance < len(attendees):
        raise ValidationError(
            {"actual_attendance": _("The attendance cannot be lower than the number of attendees picked.")}
        )
    save_record(activity, user=user, expected_version=expected_version)
    chosen = {member.pk for member in attendees}
    current = set(activity.attendees.values_list("pk", flat=True))
    if chosen - current:
        activity.attendees.add(*(chosen - current))
    if current - chosen:
        activity.attendees.remove(*(current - chosen))
    if photos:
        activity_add_photos(activity, photos=photos, user=user)
    return activity
