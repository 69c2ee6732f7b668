"""Photo files follow the database transaction of their rows.

A file is written before its row commits (a committed row always has its files), and
removed again when that transaction does not commit: a refused request, an error. A
file whose row goes is removed only once the deletion has committed: a rolled-back
deletion keeps its photo. Works the same in requests, commands and tests, for it hangs
on the session's own events.
"""

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from .storage import photo_storage

WRITTEN = "photo_files_written"  # keys of Session.info: names, per transaction
DOOMED = "photo_files_doomed"

log = logging.getLogger(__name__)


def write_files(files: dict[str, bytes]) -> None:
    """Write now; removed again unless the current transaction commits. Call it after
    the rows' flush: the transaction must have begun."""
    storage, written = photo_storage(), db.session.info.setdefault(WRITTEN, [])
    for name, data in files.items():
        written.append(name)  # first: a write that fails halfway is cleaned up as well
        storage.write(name, data)


def delete_files_after_commit(names: list[str]) -> None:
    if names:
        db.session.info.setdefault(DOOMED, []).extend(names)


def _delete_quietly(names: list[str]) -> None:
    """The database is already decided; a file left behind is logged, not raised."""
    try:
        photo_storage().delete(names)
    except Exception:
        log.exception("Fotodateien nicht gelöscht: %s", names[:10])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(WRITTEN, None)
    doomed = session.info.pop(DOOMED, None)
    if doomed:
        _delete_quietly(doomed)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    """Rolled back or closed without commit (after a commit, `_after_commit` has taken
    both lists already): written files go, doomed ones stay."""
    if transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    session.info.pop(DOOMED, None)
    written = session.info.pop(WRITTEN, None)
    if written:
        _delete_quietly(written)
