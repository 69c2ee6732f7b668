"""The one sanctioned change to the audit log: taking personal data out of it.

The log is append-only (`models.py`). Two things may still change its rows, and only
through this module, whose statements carry the REDACTION option the log's guard asks for:

- `replace_mentions`: when a person deletes their account, their e-mail address and
  names are replaced wherever the log's texts (before, after, reason) mention them.
- `redact_former_texts_before` / `redact_former_texts_of`: what people wrote, as the log
  kept it (an idea before an edit, a comment before it was deleted), goes after the
  retention period, or at once for the contributions a deleted account takes along.

Who did what to which object, when and why stays: the log keeps serving people.
"""

import json
import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select, update

from ..extensions import db
from ..timeutil import utcnow
from .models import REDACTION, AuditEntry

# Actions whose before/after hold what someone wrote as a contribution: "text" when the
# whole value is the text, "fields" for a JSON object whose TEXT_FIELDS are.
FORMER_TEXTS = {
    "idea.edit": "fields",
    "idea.revise": "fields",
    "idea.correct": "fields",
    "idea.photo_remove": "text",  # the removed photo's description, as its author wrote it
    "comment.edit": "text",
    "comment.delete": "text",
    "comment.correct": "text",
}
TEXT_FIELDS = ("title", "body", "place", "latitude", "longitude")
# The other actions record states, counts, roles or the staff's own work (plans, reason
# templates, the reasons for decisions), kept as long as the log. Each action the log
# knows is in one of the two lists (tests/test_audit_redaction.py).
NO_FORMER_TEXTS = frozenset(
    {
        "idea.submit",
        "idea.resubmit",
        "idea.publish",
        "idea.reject",
        "idea.hide",
        "idea.restore",
        "idea.withdraw",
        "idea.adopt",
        "idea.decline",
        "idea.erase",
        "comment.create",
        "comment.approve",
        "comment.reject",
        "comment.hide",
        "comment.restore",
        "comment.erase",
        "report.create",
        "report.dismiss",
        "user.block",
        "user.unblock",
        "user.resend_confirmation",
        "user.second_factor_reset",
        "user.delete",
        "role.grant",
        "role.revoke",
        "reason.create",
        "reason.update",
        "reason.retire",
        "reason.reactivate",
        "page.edit",
        "page.restore",
        "project.create",
        "project.plan",
        "project.take_idea",
        "project.funding",
        "project.funding_removed",
        "project.milestone",
        "project.milestone_done",
        "project.milestone_open",
        "project.milestone_removed",
        "project.update",
    }
)
RETENTION, DELETION = "retention", "deletion"
BATCH = 1000
TEXT_COLUMNS = (AuditEntry.before, AuditEntry.after, AuditEntry.reason)
TEXT_KEYS = tuple(column.key for column in TEXT_COLUMNS)


# --- Mentions of a person ------------------------------------------------------------


def mentioning(columns: Iterable, needles: Iterable[str]) -> ColumnElement[bool]:
    """Rows where any of `columns` contains any of `needles`, ignoring case: the
    candidates for `scrub` (which may still find only a longer word there)."""
    conditions = [
        column.icontains(needle, autoescape=True) for column in columns for needle in needles
    ]
    return or_(*conditions) if conditions else false()


def scrub(text: str | None, replacements: dict[str, str]) -> str | None:
    """`text` with each key of `replacements` (ignoring case, as a whole word) replaced
    by its value; longer keys first, so a name inside an address goes with the address."""
    if not text:
        return text
    for needle in sorted(replacements, key=len, reverse=True):
        word = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)", re.IGNORECASE)
        text = word.sub(lambda _match, new=replacements[needle]: new, text)
    return text


def replace_mentions(replacements: dict[str, str], where: ColumnElement[bool] | None = None) -> int:
    """Replace a person's e-mail address and names in the texts of the log (of the
    entries `where` selects, or all); returns the number of entries changed."""
    replacements = {needle: new for needle, new in replacements.items() if needle}
    query = select(AuditEntry.id, *TEXT_COLUMNS).where(mentioning(TEXT_COLUMNS, replacements))
    if where is not None:
        query = query.where(where)
    rows = db.session.execute(query).all()
    changes = []
    for row in rows:
        texts = {key: scrub(getattr(row, key), replacements) for key in TEXT_KEYS}
        if any(texts[key] != getattr(row, key) for key in TEXT_KEYS):
            changes.append({"id": row.id, **texts})
    _write(changes)
    return len(changes)


# --- Former texts ---------------------------------------------------------------------


def redact_former_texts_before(cutoff: datetime) -> int:
    """The retention rule: former texts in entries written before `cutoff` go."""
    return _redact(RETENTION, AuditEntry.created_at < cutoff)


def redact_former_texts_of(object_type: str, object_ids: Iterable[int]) -> int:
    """At once, for these objects (the contributions a deleted account takes along)."""
    ids = sorted(set(object_ids))
    if not ids:
        return 0
    about = and_(AuditEntry.object_type == object_type, AuditEntry.object_id.in_(ids))
    return _redact(DELETION, about)


def _redact(because: str, condition: ColumnElement[bool]) -> int:
    """In batches; each batch leaves the set (redacted_at is set), so the loop ends."""
    query = (
        select(AuditEntry.id, AuditEntry.action, AuditEntry.before, AuditEntry.after)
        .where(AuditEntry.action.in_(FORMER_TEXTS), AuditEntry.redacted_at.is_(None), condition)
        .order_by(AuditEntry.id)
        .limit(BATCH)
    )
    now, total = utcnow(), 0
    while rows := db.session.execute(query).all():
        _write(
            [
                {
                    "id": row.id,
                    "before": _without_texts(row.action, row.before),
                    "after": _without_texts(row.action, row.after),
                    "redacted_at": now,
                    "redacted_because": because,
                }
                for row in rows
            ]
        )
        total += len(rows)
    return total


def _without_texts(action: str, value: str | None) -> str | None:
    """What stays of a before/after: nothing of a text; the other fields of an object
    (an idea's move to another field or town still shows)."""
    if value is None or FORMER_TEXTS[action] == "text":
        return None
    try:
        fields = json.loads(value)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    kept = {key: item for key, item in fields.items() if key not in TEXT_FIELDS}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None


def _write(changes: list[dict]) -> None:
    """One UPDATE per row by primary key, past the log's guard."""
    if not changes:
        return
    db.session.execute(update(AuditEntry), changes, execution_options={REDACTION: True})
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, AuditEntry):
            db.session.expire(loaded)  # entries read before show their new texts
