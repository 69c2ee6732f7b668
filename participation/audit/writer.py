"""Writing the audit log. Entries are only ever added, never changed."""

import json

from ..extensions import db
from .models import AuditEntry


def summary(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def municipality_of(obj) -> int | None:
    """The town an object belongs to, as the object itself says (`audit_municipality_id`);
    objects that do not say belong to no town and are read by district staff only."""
    return getattr(obj, "audit_municipality_id", None)


def record(actor, action: str, obj, *, before=None, after=None, reason: str | None = None):
    """Add an audit entry for `obj` (anything with `id` and `__tablename__`)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj.__tablename__,
        object_id=obj.id,
        municipality_id=municipality_of(obj),
        before=summary(before),
        after=summary(after),
        reason=reason,
    )
    db.session.add(entry)
    return entry
