"""The audit log: who did what to which object, when and why. Append-only.

Every feature writes here through `record`; people read it through the scoped
reader in `reader`, which shows each moderator only the entries about objects in
their scope. Nothing reads old entries to decide behaviour: state lives on the rows.
"""

from .models import AuditEntry
from .writer import record, summary

__all__ = ["AuditEntry", "record", "summary"]
