"""Party-building instructors: list, form, the enterprises they are posted to and their quarterly evaluations."""

from __future__ import annotations

from django.db.models import OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Enterprise, Instructor, InstructorEvaluation
from organizations.views.shared import count_of
from parkparty.core.forms import WorkbenchModelForm
from parkparty.core.views.generic import Column, Entity, panel


class InstructorForm(WorkbenchModelForm):
    fieldsets = [
        (gettext_lazy("Basic information"), ["name", "park", "unit", "position", "phone"]),
        (gettext_lazy("Appointment"), ["appointed_on", "ended_on"]),
        (gettext_lazy("Notes"), ["notes"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = Instructor
        fields = ["name", "park", "unit", "position", "phone", "appointed_on", "ended_on", "notes"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)


class InstructorEntity(Entity):
    model = Instructor
    columns = [
        Column("name", sort="name", link=True),
        Column("park.name", label=gettext_lazy("park"), sort="park__name"),
        Column("unit", sort="unit"),
        Column("position"),
        Column("phone"),
        Column(
            "enterprises_posted", label=gettext_lazy("Enterprises posted to"), sort="enterprises_posted", numeric=True
        ),
        Column("appointed_on", sort="appointed_on"),
        Column("ended_on", sort="ended_on"),
    ]
    search_fields = ("name", "unit")
    search_help = gettext_lazy("Name or work unit")
    filter_fields = ["park"]
    ordering = ("park__sort_order", "name")
    list_select_related = ("park",)
    form_class = InstructorForm

    @classmethod
    def queryset(cls, user):
        posted = Enterprise.objects.for_user(user).filter(instructor=OuterRef("pk"))
        return super().queryset(user).annotate(enterprises_posted=count_of(posted))

    @classmethod
    def related(cls, obj, user):
        enterprises = Enterprise.objects.for_user(user).filter(instructor=obj).select_related("organization")
        evaluations = InstructorEvaluation.objects.for_user(user).filter(instructor=obj).order_by("-year", "-quarter")
        return [
            panel(
                _("Enterprises posted to"),
                enterprises.order_by("name"),
                [
                    Column("name"),
                    Column("status"),
                    Column("coverage_mode"),
                    Column("organization.name", label=gettext_lazy("Party organization")),
                ],
                user,
                model=Enterprise,
            ),
            panel(
                _("Quarterly evaluations"),
                evaluations,
                [Column("year"), Column("quarter"), Column("score", numeric=True), Column("comment")],
                user,
                model=InstructorEvaluation,
                link=False,
            ),
        ]


ENTITIES = [InstructorEntity]
