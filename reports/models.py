"""Records of the reports app: the log of Excel exports and the uploaded DOCX report templates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import scoped_queryset
from parkparty.core.validators import validate_free_text, validate_plain_text, year_validators

from . import outline
from .docx_templates import default_template


class ExportRecord(models.Model):
    """One Excel export of a list: who exported which records, with which filters, when and how many rows.

    Written after the file is complete; the log is read-only (admin only) and
    never edited, so a user who ever exported records cannot be deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="exports"
    )
    entity = models.CharField(
        _("records"), max_length=100, validators=[validate_plain_text]
    )  # model label, e.g. organizations.enterprise
    filters = models.TextField(
        _("filters"), blank=True, validators=[validate_free_text]
    )  # the list's query string: filters, search, sort
    rows = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("exported at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("export record")
        verbose_name_plural = _("export records")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entity} · {self.rows} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class ReportKind(models.TextChoices):
    """The two built-in annual report kinds (``reports.outline``)."""

    SITUATION = outline.SITUATION, _("Party-building situation report")
    DUTY = outline.DUTY, _("Annual duty report on Party building")


class ReportTemplate(TrackedModel):
    """A DOCX template of one report kind uploaded for a park, used instead of the built-in one.

    A park has at most one active template per kind; uploading a new one
    deactivates the previous (kept, with its file, for the record). Sub-parks
    without their own template use their zone's (:func:`template_for`).
    Uploaded through ``reports.services.report_template_upload``, which
    validates the file first.
    """

    park = models.ForeignKey(
        "organizations.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="report_templates"
    )
    kind = models.CharField(_("report kind"), max_length=20, choices=ReportKind.choices)
    file = models.FileField(_("template file"), upload_to="report_templates/%Y/", max_length=255)
    original_name = models.CharField(
        _("original file name"), max_length=255, blank=True, validators=[validate_plain_text]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_templates",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = scoped_queryset("park", None).as_manager()
    history = History()

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["park", "kind", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "kind"], condition=Q(is_active=True), name="report_template_one_active_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park} · {self.get_kind_display()} · {self.original_name}"

    def read(self) -> bytes:
        with self.file.open("rb") as handle:
            return handle.read()


def active_template(park, kind: str) -> ReportTemplate | None:
    """The active uploaded template of ``kind`` nearest up the park tree from ``park``, if any."""
    seen = set()
    while park is not None and park.pk not in seen:
        seen.add(park.pk)
        found = ReportTemplate.objects.filter(park=park, kind=kind, is_active=True).first()
        if found is not None:
            return found
        park = park.parent
    return None


def template_for(park, kind: str) -> bytes:
    """The DOCX template a report of ``kind`` for ``park`` is rendered with.

    The park's active uploaded template, else the nearest one up the park
    tree (a sub-park uses its zone's), else the built-in default.
    """
    found = active_template(park, kind)
    return found.read() if found is not None else default_template(kind)


class ReportDraft(TrackedModel):
    """The edited text of one annual report (park, year, kind), saved with history and resumed later.

    ``texts`` maps the outline's block keys (``reports.outline``) to the text
    staff wrote; blocks not in it use the draft written from the data.
    """

    park = models.ForeignKey(
        "organizations.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="report_drafts"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators(2000))
    kind = models.CharField(_("report kind"), max_length=20, choices=ReportKind.choices)
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    signed_on = models.DateField(
        _("date of the report"),
        null=True,
        blank=True,
        help_text=_("The date printed under the signature; empty: the day the document is generated."),
    )

    objects = scoped_queryset("park", None).as_manager()
    history = History()

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        ordering = ["-year", "park", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["park", "year", "kind"], name="report_draft_one_per_park_year_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.year} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.texts, dict):
            raise ValidationError({"texts": _("The report texts are not in the expected form.")})
        unknown = set(self.texts) - set(outline.text_keys(self.kind)) if self.kind in outline.KINDS else set()
        if unknown:
            raise ValidationError(
                {"texts": _("Unknown report sections: %(keys)s") % {"keys": ", ".join(sorted(unknown))}}
            )
        for text in self.texts.values():
            if not isinstance(text, str) or len(text) > MAX_BLOCK_CHARS:
                raise ValidationError(
                    {"texts": _("Each section holds at most %(n)d characters.") % {"n": MAX_BLOCK_CHARS}}
                )
            try:
                validate_free_text(text)  # what XML (so the DOCX) and PostgreSQL cannot hold, and bidi overrides
            except ValidationError as error:
                raise ValidationError({"texts": error.error_list}) from None


MAX_BLOCK_CHARS = 10_000


def report_file_name(park_name: str, year: int, kind: str, extension: str) -> str:
    """The name officers file a report under, e.g. ``2023年示范县工业园区抓基层党建工作述职报告.docx``."""
    name = "".join(char for char in park_name if char not in '\\/:*?"<>|\r\n\t').strip() or "园区"
    title = "抓基层党建工作述职报告" if kind == ReportKind.DUTY else "党建工作情况报告"
    return f"{year}年{name}{title}.{extension}"


class GeneratedReport(models.Model):
    """A DOCX produced from a draft, with its PDF where LibreOffice made one: kept with who generated it and when.

    Never edited. ``previews`` are the stored PNG pictures of the PDF's pages
    (``reports.pdf.pdf_pages_png``); ``pdf_problem`` says why there is no PDF.
    """

    park = models.ForeignKey(
        "organizations.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="generated_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("report kind"), max_length=20, choices=ReportKind.choices)
    file = models.FileField(_("file"), upload_to="reports/%Y/", max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, validators=[validate_plain_text])
    draft_version = models.PositiveIntegerField(_("draft version"), null=True, blank=True)
    signed_on = models.DateField(_("date of the report"), null=True, blank=True)
    pdf = models.FileField(_("PDF file"), upload_to="reports/%Y/", max_length=255, blank=True)
    pdf_problem = models.CharField(
        _("why there is no PDF"), max_length=500, blank=True, validators=[validate_plain_text]
    )
    previews = models.JSONField(_("page previews"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        on_delete=models.PROTECT,
        related_name="generated_reports",
    )
    created_at = models.DateTimeField(_("generated at"), default=timezone.now, db_index=True)

    objects = scoped_queryset("park", None).as_manager()

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.park} {self.year} {self.get_kind_display()} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
        )

    @property
    def filename(self) -> str:
        return report_file_name(self.park.name, self.year, self.kind, "docx")

    @property
    def pdf_filename(self) -> str:
        return report_file_name(self.park.name, self.year, self.kind, "pdf")
