"""Writing the audit log. Entries are only ever added, never changed."""

import json

from sqlalchemy import select

from ..extensions import db
from .models import AuditEntry


def summary(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(actor, action: str, obj, *, before=None, after=None, reason: str | None = None):
    """Add an audit entry for `obj` (anything with `id` and `__tablename__`)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj.__tablename__,
        object_id=obj.id,
        before=summary(before),
        after=summary(after),
        reason=reason,
    )
    db.session.add(entry)
    return entry


def state_before_last(obj, action: str) -> str | None:
    """The `before` of the latest `action` on `obj`, e.g. where a hidden idea came from."""
    query = (
        select(AuditEntry.before)
        .where(
            AuditEntry.object_type == obj.__tablename__,
            AuditEntry.object_id == obj.id,
            AuditEntry.action == action,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)
