"""Writing the audit log. Entries are only ever added, never changed."""

import json

from ..extensions import db
from .models import AuditEntry


def _summary(value) -> str | None:
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
        before=_summary(before),
        after=_summary(after),
        reason=reason,
    )
    db.session.add(entry)
    return entry
