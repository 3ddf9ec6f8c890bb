"""The one permission model: which records a user may see, and what they may do to them.

Everything that decides access lives here, so that a view, a service, a
button, a menu entry, an export, an import, a report and a form choice all
ask the same question and get the same answer:

- :func:`scope_for` — the parks or organizations a user works on (cached on the user);
- :data:`POLICY` — what each role may do to each kind of record (by model label);
- :data:`CONSTRAINTS` — rules that narrow an action to some records of the scope
  (only the issuing side edits a notice, only the addressee signs a receipt…);
- ``Model.objects.for_user(user, action)`` — the records ``user`` may do ``action`` to
  (``VIEW`` by default), in the spirit of NetBox's ``restrict(user, action)``;
- :func:`may` / :func:`require` — may the user ever do ``action`` to this kind of
  record (given a model), or to this record (given an instance)?

Out of scope means the record does not exist for the user: views read through
``for_user(user)`` and answer 404. In scope but not allowed answers 403
(:func:`require` raises ``PermissionDenied``), and the action is not offered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Role(models.TextChoices):
    """The roles of DESIGN.md."""

    PARK_STAFF = "park_staff", gettext_lazy("Park staff")
    COUNTY_REVIEWER = "county_reviewer", gettext_lazy("County reviewer")
    SECRETARY = "secretary", gettext_lazy("Organization secretary")
    ADMINISTRATOR = "administrator", gettext_lazy("System administrator")
    AUDITOR = "auditor", gettext_lazy("Audit administrator")


# --- actions ---------------------------------------------------------------------------

VIEW = "view"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
#: Download a list as an Excel workbook.
EXPORT = "export"
#: Import an Excel workbook of these records into a park.
IMPORT = "import"
#: See a masked personal field (ID number, phone) in full.
REVEAL = "reveal"
#: Send a notice that reached one's park on to its organizations.
FORWARD = "forward"

ACTIONS = (VIEW, ADD, CHANGE, DELETE, EXPORT, IMPORT, REVEAL, FORWARD)
NONE: frozenset[str] = frozenset()
READ = frozenset({VIEW, EXPORT})
EDIT = frozenset({VIEW, ADD, CHANGE, DELETE, EXPORT})
#: The default entry of a role's policy, for every model it does not name.
OTHERS = "*"

#: What each role may do to each kind of record (model label → actions; ``OTHERS`` for the rest).
#: Scope still applies on top: park staff act inside their parks, secretaries inside their organization.
POLICY: dict[str, dict[str, frozenset[str]]] = {
    Role.ADMINISTRATOR: {
        OTHERS: EDIT | {REVEAL},
        # Separation of duties: the system administrator does not read the audit log.
        "parkparty.auditevent": NONE,
        "organizations.notice": EDIT | {FORWARD},
        "organizations.enterprise": EDIT | {IMPORT, REVEAL},
        "members.member": EDIT | {IMPORT, REVEAL},
        "parkparty.importbatch": READ,
        "reports.generatedreport": frozenset({VIEW, ADD}),
    },
    Role.PARK_STAFF: {
        OTHERS: EDIT | {REVEAL},
        "parkparty.auditevent": NONE,
        "organizations.notice": EDIT | {FORWARD},
        "organizations.enterprise": EDIT | {IMPORT, REVEAL},
        "members.member": EDIT | {IMPORT, REVEAL},
        # Development quotas are the county organization department's plan for the park.
        "members.developmentquota": READ,
        "parkparty.importbatch": READ,
        "reports.generatedreport": frozenset({VIEW, ADD}),
    },
    Role.COUNTY_REVIEWER: {
        # The county reads every park; it writes only its own records: notices and development quotas.
        OTHERS: READ,
        "parkparty.auditevent": NONE,
        "organizations.notice": READ | {ADD, CHANGE},
        "organizations.noticereceipt": READ | {ADD},  # issuing a notice files one receipt per park
        "members.developmentquota": EDIT,
    },
    Role.SECRETARY: {
        # Their own organization: its members and pipeline, its activities, its notice receipts and the
        # requests of its enterprises; the rest of what they see is read-only. They work with these people,
        # so they see their phones and ID numbers in full on request.
        OTHERS: READ | {REVEAL},
        "parkparty.auditevent": NONE,
        "members.member": EDIT | {REVEAL},
        "members.membershipevent": READ | {ADD, REVEAL},
        "members.applicant": EDIT | {REVEAL},
        "members.duespayment": EDIT | {REVEAL},
        "organizations.activity": EDIT | {REVEAL},
        "organizations.activityattachment": EDIT | {REVEAL},
        "organizations.noticereceipt": READ | {CHANGE, REVEAL},
        "organizations.servicerequest": READ | {ADD, CHANGE, REVEAL},
        "parkparty.importbatch": NONE,
        "reports.reportdraft": NONE,
        "reports.generatedreport": NONE,
        "reports.reporttemplate": NONE,
    },
    Role.AUDITOR: {
        # The audit administrator reads and searches the audit log, and nothing else.
        "parkparty.auditevent": READ,
    },
}


# --- scope -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which records a user may see at all.

    ``everything`` users see all records. Otherwise ``park_ids`` (park staff)
    or ``organization_ids`` (secretaries) bound what is visible; both empty
    means nothing is visible. ``role`` is the role the policy is read for.
    """

    role: str = ""
    everything: bool = False
    park_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    organization_id: int | None = None

    @property
    def sees_nothing(self) -> bool:
        return not self.everything and not self.park_ids and not self.organization_ids


NOTHING = Scope()


def tree_ids(model, root_id: int) -> frozenset[int]:
    """The id of a tree node and of all its descendants (one query per level)."""
    found = {root_id}
    frontier = {root_id}
    while frontier:
        frontier = set(model._default_manager.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return frozenset(found)


def scope_for(user) -> Scope:
    """Return (and cache on the user object) what ``user`` may see."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_parkparty_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._parkparty_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    role = Role.ADMINISTRATOR if user.is_superuser else user.role
    if role == Role.ADMINISTRATOR:
        return Scope(role=role, everything=True)
    if role == Role.COUNTY_REVIEWER:
        return Scope(role=role, everything=True)
    if role == Role.PARK_STAFF and user.park_id:
        park_ids = tree_ids(apps.get_model("organizations", "Park"), user.park_id)
        return Scope(role=role, park_ids=park_ids)
    if role == Role.SECRETARY and user.organization_id:
        organization_ids = tree_ids(apps.get_model("organizations", "PartyOrganization"), user.organization_id)
        return Scope(role=role, organization_ids=organization_ids, organization_id=user.organization_id)
    if role == Role.AUDITOR:
        return Scope(role=role)  # no park records at all; the policy gives the audit log
    return NOTHING


def forget_scope(user) -> None:
    """Drop the cached scope, e.g. after the user's role or park changed or they created a sub-park."""
    if hasattr(user, "_parkparty_scope"):
        del user._parkparty_scope


# --- record rules ------------------------------------------------------------------------


def _notice_change(scope: Scope) -> Q | None:
    """Only the issuing side edits a notice: the county (and administrators) its own, park staff their parks'."""
    if scope.role == Role.ADMINISTRATOR:
        return Q()
    if scope.role == Role.COUNTY_REVIEWER:
        return Q(issuer_park__isnull=True)
    return Q(issuer_park__in=scope.park_ids)


def _notice_add(scope: Scope) -> Q | None:
    """The county issues in its own name; park staff in their parks' names."""
    if scope.role == Role.COUNTY_REVIEWER:
        return Q(issuer_park__isnull=True)
    if scope.role == Role.PARK_STAFF:
        return Q(issuer_park__in=scope.park_ids)
    return Q()


def _receipt_change(scope: Scope) -> Q | None:
    """The addressee signs: park staff for their parks' receipts, the secretary for their organization's."""
    if scope.role == Role.PARK_STAFF:
        return Q(organization__isnull=True, park__in=scope.park_ids)
    if scope.role == Role.SECRETARY:
        return Q(organization_id=scope.organization_id)
    return None


#: (model label, action) → the records of the scope the action applies to (None: none of them).
CONSTRAINTS: dict[tuple[str, str], Callable[[Scope], Q | None]] = {
    ("organizations.notice", ADD): _notice_add,
    ("organizations.notice", CHANGE): _notice_change,
    ("organizations.notice", DELETE): _notice_change,
    ("organizations.noticereceipt", CHANGE): _receipt_change,
}


# --- questions ---------------------------------------------------------------------------


def _label(target) -> str:
    model = target if isinstance(target, type) else type(target)
    return model._meta.label_lower


def role_actions(user, target) -> frozenset[str]:
    """What the user's role may do to records of ``target``'s kind (a model or an instance)."""
    scope = scope_for(user)
    if not scope.role:
        return NONE
    model = target if isinstance(target, type) else type(target)
    if not scope.everything and not scope.park_ids and scope.organization_ids:
        # An organization's secretary never reaches records that have no path to an organization.
        queryset = model._default_manager.all()
        if isinstance(queryset, ScopedQuerySet) and queryset.organization_scope_q(scope.organization_ids) is None:
            return NONE
    policy = POLICY.get(scope.role, {})
    return policy.get(_label(model), policy.get(OTHERS, NONE))


def may(user, action: str, target) -> bool:
    """May ``user`` do ``action`` to ``target``?

    Given a model: may they do it to some record of that kind (to offer a
    button or a menu entry). Given an unsaved instance: may they create such
    records (the scope of the new record is checked when it is written).
    Given a stored instance: may they do it to that very record (one query).
    """
    if action not in role_actions(user, target):
        return False
    if isinstance(target, type) or target.pk is None:
        return True
    return type(target)._default_manager.for_user(user, action).filter(pk=target.pk).exists()


DENIED_MESSAGES = {
    VIEW: gettext_lazy("Your role may not see these records."),
    ADD: gettext_lazy("Your role may not add these records."),
    CHANGE: gettext_lazy("Your role may view these records but not change them."),
    DELETE: gettext_lazy("Your role may not delete these records."),
    EXPORT: gettext_lazy("Your role may not export these records."),
    IMPORT: gettext_lazy("Your role may not import these records."),
    REVEAL: gettext_lazy("Your role may not see this in full."),
}


#: Refusals that say more than the action's general message, by (model label, action).
MODEL_DENIED_MESSAGES = {
    ("organizations.notice", ADD): gettext_lazy("Your role receives notices but does not issue them."),
    ("organizations.notice", CHANGE): gettext_lazy("Only the issuer of a notice may change it."),
    ("organizations.notice", FORWARD): gettext_lazy(
        "This notice has not reached a park you work on, so you cannot forward it."
    ),
    ("organizations.noticereceipt", CHANGE): gettext_lazy("Only the addressee may sign for this notice."),
    ("organizations.partyorganization", ADD): gettext_lazy("Park staff register new Party organizations."),
    ("organizations.instructor", ADD): gettext_lazy("Park staff keep the records of Party-building instructors."),
    ("organizations.park", ADD): gettext_lazy("Park staff and administrators keep the park records."),
    ("organizations.park", CHANGE): gettext_lazy("Park staff and administrators keep the park records."),
    ("parkparty.importbatch", VIEW): gettext_lazy("Imports are for park staff and administrators."),
}


def denied(action: str, target=None, message: str | None = None) -> PermissionDenied:
    """The refusal of ``action`` (on ``target``'s kind of record), in the words that fit it best."""
    if message is None and target is not None:
        message = MODEL_DENIED_MESSAGES.get((_label(target), action))
    return PermissionDenied(str(message or DENIED_MESSAGES.get(action, DENIED_MESSAGES[CHANGE])))


def require(user, action: str, target, message: str | None = None) -> None:
    """Raise ``PermissionDenied`` (403) unless ``may(user, action, target)``.

    ``user=None`` is a trusted command-line caller and is always allowed.
    """
    if user is None:
        return
    if not scope_for(user).role:
        raise PermissionDenied(_("Your account has no role, so it may not change records."))
    if not may(user, action, target):
        raise denied(action, target, message)


def may_administer(user) -> bool:
    """System administrators (and superusers) enter the Django admin: users, roles and every record."""
    return bool(user.is_active and user.is_staff and scope_for(user).role == Role.ADMINISTRATOR)


def works_on_records(user) -> bool:
    """Users with a scope of park records (every role but the audit administrator and users without a role)."""
    return not scope_for(user).sees_nothing


def sees_everything(user) -> bool:
    """Users who read every park (the county overview is theirs)."""
    return scope_for(user).everything


def works_on_parks(user) -> bool:
    """Users whose scope is whole parks (staff, county reviewers, administrators), not one organization."""
    scope = scope_for(user)
    return scope.everything or bool(scope.park_ids)


def park_ids(user) -> frozenset[int] | None:
    """The parks ``user`` works on, or None when they work on every park."""
    scope = scope_for(user)
    return None if scope.everything else scope.park_ids


def is_organization_user(user) -> bool:
    """A secretary: their scope is one organization (and its children)."""
    scope = scope_for(user)
    return not scope.everything and bool(scope.organization_ids)


def may_in_park(user, action: str, model, park) -> bool:
    """May ``user`` do ``action`` to ``model`` records of ``park`` (one of the parks they work on)?

    For writes that name a park rather than a record: an import into a park, a
    park's report draft or template. ``user=None`` is the trusted command line.
    """
    if user is None:
        return True
    scope = scope_for(user)
    return may(user, action, model) and (scope.everything or park.pk in scope.park_ids)


#: The refusal of a park outside the user's parks, by action.
OUT_OF_PARK_MESSAGES = {
    IMPORT: gettext_lazy("You may import only into the parks you work on."),
}


def require_in_park(user, action: str, model, park, message: str | None = None) -> None:
    """Raise ``PermissionDenied`` (403) unless ``may_in_park(user, action, model, park)``."""
    require(user, action, model, message)
    if not may_in_park(user, action, model, park):
        raise PermissionDenied(
            str(OUT_OF_PARK_MESSAGES.get(action, _("This record is outside the parks and organizations you work on.")))
        )


def may_full_export(user, model) -> bool:
    """The import workbook holds full personal data: for roles that may both export and reveal these records."""
    return may(user, EXPORT, model) and may(user, REVEAL, model)


def assigned_park(user):
    """The park a park staff member is assigned to (the root of their scope), else None."""
    return user.park if scope_for(user).park_ids and user.park_id else None


def assigned_organization(user):
    """The Party organization a secretary is assigned to (the root of their scope), else None."""
    return user.organization if scope_for(user).organization_id else None


def scope_root(user):
    """The park or Party organization the user's scope grows from (None: every park, or nothing)."""
    return assigned_park(user) or assigned_organization(user)


#: The kinds of dashboard :func:`home_dashboard` names.
COUNTY_HOME, PARK_HOME, ORGANIZATION_HOME = "county", "park", "organization"


def home_dashboard(user) -> tuple[str, object | None] | None:
    """The dashboard a user's work starts from: ``(COUNTY_HOME, None)`` for county reviewers,
    ``(PARK_HOME, park)`` for park staff, ``(ORGANIZATION_HOME, organization id)`` for secretaries;
    None for everyone else (administrators keep the page of what waits for them)."""
    scope = scope_for(user)
    if scope.role == Role.COUNTY_REVIEWER:
        return COUNTY_HOME, None
    if scope.role == Role.PARK_STAFF and scope.park_ids:
        return PARK_HOME, user.park
    if scope.role == Role.SECRETARY and scope.organization_id:
        return ORGANIZATION_HOME, scope.organization_id
    return None


def administrators():
    """Active accounts that administer the system (the administrator role or superuser)."""
    user_model = apps.get_model("parkparty", "User")
    return user_model.objects.filter(is_active=True).filter(Q(role=Role.ADMINISTRATOR) | Q(is_superuser=True))


# --- querysets ---------------------------------------------------------------------------


class ScopedQuerySet(models.QuerySet):
    """QuerySet with the ``for_user(user, action)`` choke point.

    Subclasses name the lookup from their model to ``Park``
    (``park_lookup``; empty string when the model is ``Park`` itself) and to
    ``PartyOrganization`` (``organization_lookup``; ``None`` when
    secretaries see none of these records). Models whose scope is not a plain
    path override :meth:`park_scope_q` or :meth:`organization_scope_q`.
    """

    park_lookup: ClassVar[str] = "park"
    organization_lookup: ClassVar[str | None] = "organization"

    def for_user(self, user, action: str = VIEW) -> ScopedQuerySet:
        """The records ``user`` may do ``action`` to: their scope, their role's policy and the record rules."""
        scope = scope_for(user)
        if action not in role_actions(user, self.model):
            return self.none()
        queryset = self
        if not scope.everything:
            if scope.park_ids:
                queryset = self.filter(self.park_scope_q(scope.park_ids))
            elif scope.organization_ids and (q := self.organization_scope_q(scope.organization_ids)) is not None:
                queryset = self.filter(q)
            else:
                return self.none()
        rule = CONSTRAINTS.get((self.model._meta.label_lower, action))
        if rule is not None:
            q = rule(scope)
            if q is None:
                return self.none()
            queryset = queryset.filter(q)
        return queryset

    def park_scope_q(self, park_ids: frozenset[int]) -> Q:
        field = f"{self.park_lookup}__in" if self.park_lookup else "pk__in"
        return Q(**{field: park_ids})

    def organization_scope_q(self, organization_ids: frozenset[int]) -> Q | None:
        if self.organization_lookup is None:
            return None
        field = f"{self.organization_lookup}__in" if self.organization_lookup else "pk__in"
        return Q(**{field: organization_ids})


def scoped_queryset(park_lookup: str, organization_lookup: str | None) -> type[ScopedQuerySet]:
    """Build a ScopedQuerySet subclass for plain lookup paths."""
    return type(
        "ScopedQuerySet",
        (ScopedQuerySet,),
        {"park_lookup": park_lookup, "organization_lookup": organization_lookup},
    )
