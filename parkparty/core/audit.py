"""The audit log's one API: :func:`record` a security event, and the client's address.

Who may read the log is decided by :mod:`parkparty.core.permissions` (``VIEW`` on ``AuditEvent``).

Every security event goes through :func:`record`: sign-ins and their failures,
lockouts, sign-outs, password changes, changes of users' roles and rights,
denied access, imports, exports, report generations and downloads, and every
reveal of a full personal field. An entry keeps the time, the user (id and
username as text), the client's address, the object (type, id and text), the
outcome and a small JSON detail (row counts, filters) — never a password.

The log is append-only (see :class:`parkparty.core.models.AuditEvent`); only
:func:`purge` deletes, and only entries older than the retention.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import unicodedata

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from parkparty.core.models import AUDITED_USER_FIELDS, AuditEvent, AuditKind, AuditOutcome

#: A detail longer than this (as JSON) is cut down: the log holds counts and filters, not payloads.
MAX_DETAIL_CHARS = 2000
OBJECT_REPR_MAX = 200


def client_ip(request) -> str | None:
    """The client's address: the connection's, or behind ``PROXY_COUNT`` trusted proxies the one they saw.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so the client is the ``PROXY_COUNT``-th entry from the
    right; anything further left was written by the client and is ignored.
    Without proxies (the default) X-Forwarded-For is ignored altogether.
    """
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def current_request():
    """The request being served in this thread, if any (kept by simple_history's middleware)."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def _detail(detail) -> dict:
    if not detail:
        return {}
    text = json.dumps(detail, cls=DjangoJSONEncoder, ensure_ascii=False)
    if len(text) > MAX_DETAIL_CHARS:
        return {"truncated": text[:MAX_DETAIL_CHARS]}
    return json.loads(text)


def visible(text: str) -> str:
    """``text`` with every control or invisible format character written as ``\\uXXXX``.

    What an attacker types (a sign-in name with a line break or a right-to-left
    override) can then neither forge a second entry in an export nor hide or
    reorder what the auditor reads; the entry still says exactly what was sent.
    """
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Cn") else ch for ch in text)


def record(
    kind: AuditKind | str,
    *,
    request=None,
    user=None,
    username: str | None = None,
    obj=None,
    outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event to the audit log and return it.

    ``user`` defaults to the signed-in user of ``request`` (or of the request
    being served); ``username`` names someone who is not signed in (a failed
    sign-in). ``obj`` is the record the event is about.
    """
    if request is None:
        request = current_request()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    event = AuditEvent(
        kind=kind,
        outcome=outcome,
        user_id=user.pk if user is not None else None,
        username=visible(user.get_username() if user is not None else (username or ""))[:150],
        ip_address=client_ip(request),
        detail=_detail(detail),
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk) if obj.pk is not None else ""
        event.object_repr = visible(str(obj))[:OBJECT_REPR_MAX]
    event.save()
    return event


def purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the entries older than ``settings.AUDIT_RETENTION_DAYS`` (at least 180 days); return how many."""
    now = now or timezone.now()
    days = max(settings.AUDIT_RETENTION_DAYS, settings.AUDIT_MIN_RETENTION_DAYS)
    cutoff = now - datetime.timedelta(days=days)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --------------------------------------------------------------------------- users


def _actor():
    request = current_request()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def _scope_text(user, field: str, pk) -> str | None:
    """A park's or organization's text for the log ("name (#id)"), looked up without importing its app."""
    if pk is None:
        return None
    model = type(user)._meta.get_field(field).related_model
    found = model._default_manager.filter(pk=pk).first()
    return f"{found} (#{pk})" if found is not None else f"#{pk}"


def user_state(user) -> dict:
    """The audited fields of ``user`` as stored (``park``/``organization`` as ids)."""
    return {
        name: getattr(user, f"{name}_id" if name in ("park", "organization") else name) for name in AUDITED_USER_FIELDS
    }


def user_created(user) -> None:
    """A new account: its role, scope and rights."""
    state = user_state(user)
    for field in ("park", "organization"):
        state[field] = _scope_text(user, field, state[field])
    record(AuditKind.USER_CREATED, user=_actor(), obj=user, detail=state)


def user_changed(user, before: dict) -> None:
    """Changes of a user's role, park, organization, active, staff or superuser flag (nothing when none changed).

    Disabling an account is recorded as ``account_disabled``; ``user._audit_reason`` (e.g. "dormant") says why.
    """
    after = user_state(user)
    changes = {}
    for name, old in before.items():
        new = after[name]
        if old == new:
            continue
        if name in ("park", "organization"):
            old, new = _scope_text(user, name, old), _scope_text(user, name, new)
        changes[name] = [old, new]
    if not changes:
        return
    detail = {"changes": changes}
    reason = getattr(user, "_audit_reason", "")
    if reason:
        detail["reason"] = reason
    disabled = changes.get("is_active") == [True, False]
    kind = AuditKind.ACCOUNT_DISABLED if disabled else AuditKind.USER_CHANGED
    actor = None if reason == "dormant" else _actor()
    record(kind, user=actor, obj=user, detail=detail)


def password_saved(user, *, detail: dict | None = None) -> None:
    """A new password: changed by its owner, or set by someone else (an administrator, a command)."""
    actor = _actor()
    own = actor is not None and actor.pk == user.pk
    kind = AuditKind.PASSWORD_CHANGED if own else AuditKind.PASSWORD_SET
    record(kind, user=actor, obj=user, detail=detail)
