from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

APPEND_ONLY = "Einträge im Audit-Log können nicht geändert oder gelöscht werden."
# The execution option of the one sanctioned change, the redaction of personal data
# (`redaction.py`): only statements that carry it may update audit rows.
REDACTION = "audit_redaction"


class AuditEntry(db.Model):
    """Append-only record of a decision or state change: who, what, when, why.

    `municipality_id` is the town the object belonged to when the entry was written
    (None: an object of no town, such as an account or a project): it decides which
    moderators may read the entry.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_municipality_created", "municipality_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL")
    )
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    # Set when the former texts (`before`/`after` of a contribution) were removed, and
    # why: "retention" (the period ran out) or "deletion" (the author's account went).
    redacted_at: Mapped[datetime | None]
    redacted_because: Mapped[str | None] = mapped_column(String(20))

    # The account sits above this core module: named, not imported.
    actor: Mapped["User | None"] = relationship(lazy="joined")  # noqa: F821


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError(APPEND_ONLY)


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_changes_to_the_audit_log(state) -> None:
    """`session.execute(update(AuditEntry))` skips the per-object events above, and so
    does an UPDATE of the bare table; only the redaction's statements pass. (Emptying
    the bare table is left to the tests' cleanup: the app's code never names the table,
    which tests/test_audit_redaction.py checks.)"""
    if state.is_update and state.execution_options.get(REDACTION):
        return
    table = getattr(state.statement, "table", None)
    on_the_table = state.is_update and table is AuditEntry.__table__
    on_the_model = state.bind_mapper is AuditEntry.__mapper__
    if on_the_table or ((state.is_update or state.is_delete) and on_the_model):
        raise RuntimeError(APPEND_ONLY)
