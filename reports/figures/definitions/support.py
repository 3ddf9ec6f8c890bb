"""Funding, notices, dues and staffing (FIGURES.md, "Funding, notices, dues, staffing")."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from organizations.models import FundingKind

from .. import base
from ..core import AMOUNT, ITEMS, ORGANIZATIONS, PEOPLE, POSTS, RANGE, RATE, figure, rate
from .common import FUNDING, G_SUPPORT, MEMBER, RECEIPT, counted, pks


def _funding(fs, kind) -> list:
    return [f for f in base.funding(fs) if f.kind == kind]


@figure("startup_funds", _("Start-up funds granted"), ORGANIZATIONS, G_SUPPORT, FUNDING)
def startup_funds(fs):
    rows = _funding(fs, FundingKind.STARTUP_FUND)
    return len({f.organization_id for f in rows}), pks(rows)


@figure("startup_funds_total", _("Start-up funds in total"), AMOUNT, G_SUPPORT, FUNDING)
def startup_funds_total(fs):
    rows = _funding(fs, FundingKind.STARTUP_FUND)
    return sum((f.amount for f in rows), Decimal(0)), pks(rows)


@figure("startup_fund_per_org", _("Start-up fund per organization"), RANGE, G_SUPPORT, FUNDING)
def startup_fund_per_org(fs):
    rows = _funding(fs, FundingKind.STARTUP_FUND)
    per_org: Counter = Counter()
    for f in rows:
        per_org[f.organization_id] += f.amount
    amounts = list(per_org.values())
    return ((min(amounts), max(amounts)) if amounts else (None, None)), pks(rows)


@figure("secretary_allowance", _("Secretary allowance per month"), RANGE, G_SUPPORT, FUNDING)
def secretary_allowance(fs):
    rows = _funding(fs, FundingKind.SECRETARY_ALLOWANCE)
    monthly = [f.monthly_amount for f in rows]
    return ((min(monthly), max(monthly)) if monthly else (None, None)), pks(rows)


@figure("secretary_allowance_total", _("Secretary allowance paid in total"), AMOUNT, G_SUPPORT, FUNDING)
def secretary_allowance_total(fs):
    rows = _funding(fs, FundingKind.SECRETARY_ALLOWANCE)
    return sum((f.amount for f in rows), Decimal(0)), pks(rows)


@figure("performance_awards", _("Performance awards to secretaries"), PEOPLE, G_SUPPORT, FUNDING)
def performance_awards(fs):
    rows = _funding(fs, FundingKind.PERFORMANCE_AWARD)
    return counted(rows)


@figure("performance_award_range", _("Performance award range"), RANGE, G_SUPPORT, FUNDING)
def performance_award_range(fs):
    rows = _funding(fs, FundingKind.PERFORMANCE_AWARD)
    amounts = [f.amount for f in rows]
    return ((min(amounts), max(amounts)) if amounts else (None, None)), pks(rows)


@figure("performance_awards_total", _("Performance awards in total"), AMOUNT, G_SUPPORT, FUNDING)
def performance_awards_total(fs):
    rows = _funding(fs, FundingKind.PERFORMANCE_AWARD)
    return sum((f.amount for f in rows), Decimal(0)), pks(rows)


@figure("notices_issued", _("Notices issued"), ITEMS, G_SUPPORT, "organizations.Notice")
def notices_issued(fs):
    notices = {r.notice_id for r in base.notice_receipts(fs)}
    return len(notices), notices


def late_receipts(fs) -> list:
    return [r for r in base.notice_receipts(fs) if r.is_late(fs.as_of)]


@figure("receipts_late", _("Notices received late"), ITEMS, G_SUPPORT, RECEIPT)
def receipts_late(fs):
    rows = late_receipts(fs)
    return counted(rows)


@figure("dues_collection_rate", _("Dues collection rate"), RATE, G_SUPPORT, "members.DuesPayment")
def dues_collection_rate(fs):
    rows = base.dues(fs)
    due = sum((row[2] for row in rows), Decimal(0))
    paid = sum((min(row[3], row[2]) for row in rows), Decimal(0))
    return rate(paid, due), [row[0] for row in rows if row[3] < row[2]]


@figure("dues_arrears_members", _("Members with dues in arrears"), PEOPLE, G_SUPPORT, MEMBER)
def dues_arrears_members(fs):
    members = {row[1] for row in base.dues(fs) if row[3] < row[2]}
    return len(members), members


def staffing(fs) -> tuple[int | None, int | None, list]:
    """Authorised posts and staff in post of the scope's parks in the year (None when not recorded)."""
    rows = base.staffing(fs)
    if not rows:
        return None, None, []
    return sum(r.posts_authorised for r in rows), sum(r.posts_actual for r in rows), pks(rows)


@figure("posts_authorised", _("Authorised posts"), POSTS, G_SUPPORT, "organizations.ParkStaffing")
def posts_authorised(fs):
    authorised, _actual, chosen = staffing(fs)
    return authorised, chosen


@figure("posts_actual", _("Staff in post"), PEOPLE, G_SUPPORT, "organizations.ParkStaffing")
def posts_actual(fs):
    _authorised, actual, chosen = staffing(fs)
    return actual, chosen


@figure("posts_vacant", _("Posts unfilled"), POSTS, G_SUPPORT, "organizations.ParkStaffing")
def posts_vacant(fs):
    authorised, actual, chosen = staffing(fs)
    return (None if authorised is None else max(authorised - actual, 0)), chosen
