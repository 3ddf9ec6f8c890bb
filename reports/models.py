"""Records of the reports app: the log of Excel exports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportRecord(models.Model):
    """One Excel export of a list: who exported which records, with which filters, when and how many rows.

    Written after the file is complete; the log is read-only (admin only) and
    never edited, so a user who ever exported records cannot be deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="exports"
    )
    entity = models.CharField(_("records"), max_length=100)  # model label, e.g. organizations.enterprise
    filters = models.TextField(_("filters"), blank=True)  # the list's query string: filters, search, sort
    rows = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("exported at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("export record")
        verbose_name_plural = _("export records")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entity} · {self.rows} · {self.created_at:%Y-%m-%d %H:%M}"
