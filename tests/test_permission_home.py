"""One permission model: the permission module is the only place that reads scopes and roles.

Every view, service, form, template, export, import and report asks
``parkparty.core.permissions`` (``may``, ``require``, ``for_user`` and its small
named questions); none reads a user's role, the fields their scope is built
from, or the fields of a ``Scope``, and none keeps a permission check of its
own. The source scan below fails the day one does; the tests after it pin the
named questions that replaced the old local checks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from members.models import Member
from organizations.models import Activity, Enterprise
from parkparty.core.permissions import (
    ADD,
    CHANGE,
    COUNTY_HOME,
    IMPORT,
    ORGANIZATION_HOME,
    PARK_HOME,
    assigned_organization,
    assigned_park,
    home_dashboard,
    may_full_export,
    may_in_park,
    require_in_park,
    scope_root,
)
from reports.models import ReportDraft

from . import factories as f

ROOT = Path(__file__).resolve().parent.parent
APPS = ("parkparty", "organizations", "members", "reports")

#: What a ``Scope`` holds, and the cache of it on the user.
SCOPE_FIELDS = {"park_ids", "organization_ids", "everything", "sees_nothing", "_parkparty_scope"}
#: The user fields a scope and a role are read from.
ROLE_FIELDS = {"role", "is_superuser", "is_staff"}
#: The user's assignment, read only to build the scope.
ASSIGNMENT_FIELDS = {"park", "park_id", "organization", "organization_id"}
#: The inner workings of the permission module.
INTERNALS = {"scope_for", "Scope", "NOTHING", "role_actions", "POLICY", "CONSTRAINTS", "_compute_scope"}
#: Permission checks that once lived outside the module, twice over.
OLD_TWINS = {
    "can_write",
    "check_can_write",
    "may_import",
    "check_import_permission",
    "refuse_secretaries",
    "notice_may_issue",
    "notice_may_edit",
    "receipt_is_for",
    "check_park_write",
    "may_edit",
    "sees_parks",
    "may_reveal",
    "may_full_export",
    "is_administrator",
}

#: Modules that may name roles because they give accounts their roles, not because they decide access:
#: the user model (its role field and the invariants between role, park and organization), the demo
#: logins and the load test's accounts.
ASSIGNS_ROLES = {
    "parkparty/models.py",
    "parkparty/demo/data.py",
    "parkparty/demo/load.py",
    "parkparty/loadtest/plan.py",
    "parkparty/scale/__init__.py",
}


#: Names of functions that decide access (the Django admin's ``has_*_permission`` hooks ask the module).
OWN_CHECK = re.compile(r"(may|can)_|(check|require|refuse)_\w*(permission|write|role|scope)|refuse_\w+s$")


def _key(path: Path) -> str:
    """The module's path inside the repository, ignoring a ``core`` package level (layers may move files there)."""
    return "/".join(part for part in path.relative_to(ROOT).parts if part != "core")


def _is_permission_module(key: str) -> bool:
    return key in {"parkparty/permissions.py", "parkparty/scoping.py"} or key.startswith("parkparty/permissions/")


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            key = _key(path)
            if "/migrations/" in key or _is_permission_module(key):
                continue
            yield key, path


def _is_user(node: ast.expr) -> bool:
    """``user``, ``request.user``, ``self.user``, ``staff_user``…"""
    if isinstance(node, ast.Name):
        return node.id == "user" or node.id.endswith("_user")
    return isinstance(node, ast.Attribute) and node.attr == "user"


def _findings(key: str, tree: ast.AST) -> list[str]:
    found = []
    assigns_roles = key in ASSIGNS_ROLES
    for node in ast.walk(tree):
        where = f"{key}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            value = node.value
            if node.attr in SCOPE_FIELDS and not (isinstance(value, ast.Name) and value.id == "self"):
                found.append(f"{where} reads a scope field .{node.attr}")
            if (
                node.attr in ROLE_FIELDS
                and not assigns_roles
                and not (isinstance(value, ast.Name) and value.id == "self")
            ):
                found.append(f"{where} reads the role field .{node.attr}")
            if node.attr in ASSIGNMENT_FIELDS and _is_user(value) and not assigns_roles:
                found.append(f"{where} reads the user's .{node.attr}")
            if isinstance(value, ast.Name) and value.id == "Role" and node.attr.isupper() and not assigns_roles:
                found.append(f"{where} names the role Role.{node.attr}")
            if node.attr in INTERNALS and isinstance(value, ast.Name) and value.id == "permissions":
                found.append(f"{where} uses permissions.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith("permissions"):
            for alias in node.names:
                if alias.name in INTERNALS:
                    found.append(f"{where} imports {alias.name} from the permission module")
        elif isinstance(node, ast.keyword) and node.arg and node.arg.split("__")[0] == "role" and not assigns_roles:
            found.append(f"{where} filters by role")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            node.name in OLD_TWINS or OWN_CHECK.match(node.name)
        ):
            found.append(f"{where} decides access in its own function {node.name}()")
    return found


def test_no_module_outside_the_permission_module_reads_scopes_or_roles():
    found = []
    for key, path in _sources():
        found += _findings(key, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    assert not found, "ask parkparty.core.permissions instead:\n" + "\n".join(found)


TEMPLATE_READS = re.compile(
    r"\buser\.(role|park|park_id|organization|organization_id|is_superuser|is_staff)\b|\broles\.|\bperms\."
)


def test_no_template_reads_roles_or_scopes():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_READS.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "pass the answer of parkparty.core.permissions in the context instead:\n" + "\n".join(found)


def test_the_scan_finds_what_it_looks_for():
    """The scan is not vacuous: each kind of raw read in a module outside the permission module is reported."""
    source = """
from parkparty.core.permissions import scope_for, Role
def view(request, scope):
    if request.user.role == Role.SECRETARY and scope.park_ids:
        return request.user.park_id
def can_write(user):
    return User.objects.filter(role__in=[])
"""
    found = _findings("organizations/views/x.py", ast.parse(source))
    text = "\n".join(found)
    for expected in (
        "imports scope_for",
        "reads the role field .role",
        "names the role Role.SECRETARY",
        "reads a scope field .park_ids",
        "reads the user's .park_id",
        "own function can_write()",
        "filters by role",
    ):
        assert expected in text, expected
    assert not _findings("parkparty/permissions.py", ast.parse("")), "the module itself is never scanned"


# --- the named questions -------------------------------------------------------------------------------


@pytest.fixture
def people(db):
    zone = f.ParkFactory()
    sub = f.ParkFactory(parent=zone)
    other = f.ParkFactory()
    return {
        "zone": zone,
        "sub": sub,
        "other": other,
        "staff": f.ParkStaffFactory(park=zone),
        "county": f.CountyReviewerFactory(),
        "admin": f.AdministratorFactory(),
    }


def test_park_writes_are_for_roles_that_may_in_parks_they_work_on(people):
    staff, county, admin = people["staff"], people["county"], people["admin"]
    assert may_in_park(staff, IMPORT, Member, people["sub"])
    assert not may_in_park(staff, IMPORT, Member, people["other"])
    assert not may_in_park(county, IMPORT, Member, people["zone"])
    assert may_in_park(admin, ADD, ReportDraft, people["other"])
    assert may_in_park(None, IMPORT, Enterprise, people["other"])  # the trusted command line
    with translation.override("en"), pytest.raises(PermissionDenied, match="import only into the parks"):
        require_in_park(staff, IMPORT, Member, people["other"])
    with translation.override("en"), pytest.raises(PermissionDenied, match="outside the parks"):
        require_in_park(staff, CHANGE, ReportDraft, people["other"])
    with pytest.raises(PermissionDenied):
        require_in_park(county, ADD, ReportDraft, people["zone"])
    require_in_park(staff, CHANGE, ReportDraft, people["sub"])


def test_home_and_assignment_questions(people):
    staff, county, admin = people["staff"], people["county"], people["admin"]
    assert home_dashboard(staff) == (PARK_HOME, people["zone"])
    assert home_dashboard(county) == (COUNTY_HOME, None)
    assert home_dashboard(admin) is None
    assert assigned_park(staff) == people["zone"] and assigned_organization(staff) is None
    assert scope_root(staff) == people["zone"]
    assert scope_root(county) is None and scope_root(admin) is None
    assert not may_full_export(county, Member) and may_full_export(staff, Member)


def test_secretary_home_is_their_organization(world):
    assert home_dashboard(world.secretary_a) == (ORGANIZATION_HOME, world.secretary_a.organization_id)
    assert scope_root(world.secretary_a) == assigned_organization(world.secretary_a)
    assert assigned_park(world.secretary_a) is None


def test_activity_page_offers_photo_upload_to_those_who_may_change_it(client, world):
    activity = world.in_a[Activity]
    upload = f'action="{reverse("organizations:activity_photos", args=[activity.pk])}"'
    client.force_login(world.staff_a)
    assert upload in client.get(activity.get_absolute_url()).content.decode()
    client.force_login(world.county)
    assert upload not in client.get(activity.get_absolute_url()).content.decode()
