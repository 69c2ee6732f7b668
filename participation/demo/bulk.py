"""Bulk writing for the demo: plain inserts of many rows, ids reserved beforehand."""

from enum import Enum

from sqlalchemy import Table, func, insert, select, text

from ..extensions import db

BATCH = 5000  # rows per statement


def insert_rows(model, rows: list[dict]) -> None:
    """Insert rows of equal keys: no ORM object, no RETURNING; COPY on PostgreSQL."""
    table = model if isinstance(model, Table) else model.__table__
    connection = db.session.connection()
    if rows and connection.dialect.name == "postgresql":
        _copy(connection, table, rows)
        return
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[start : start + BATCH])


def _copy(connection, table: Table, rows: list[dict]) -> None:
    """PostgreSQL's COPY: one stream instead of a statement per row (triggers, generated
    columns and constraints apply as to INSERTs). The columns' Python-side defaults, which
    an INSERT through SQLAlchemy would add, are added here."""
    defaults = {
        column.name: column.default
        for column in table.columns
        if column.name not in rows[0] and column.default is not None and not column.primary_key
    }
    names = [*rows[0], *defaults]
    quoted = ", ".join(f'"{name}"' for name in names)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            extra = [_value(default) for default in defaults.values()]
            copy.write_row([_plain(row[name]) for name in rows[0]] + extra)


def _value(default):
    return default.arg(None) if default.is_callable else default.arg


def _plain(value):
    return value.value if isinstance(value, Enum) else value


def reserve_ids(table: Table, count: int) -> list[int]:
    """Ids for `count` rows about to be written, so rows pointing at them can be drawn first.

    PostgreSQL takes them from the table's sequence, as its inserts would. SQLite hands
    out max(id) + 1: the demo's transaction holds the write lock from its first insert
    (the people, before any idea), so nobody else takes these in the meantime.
    """
    if count <= 0:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
        )
        return sorted(db.session.scalars(query, {"table": table.name, "count": count}))
    first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def prepare_bulk_writes() -> None:
    """SQLite: keep the demo's one large transaction in memory (up to 1 GB, this
    connection only) instead of spilling pages to the file, which syncs the journal."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("PRAGMA cache_size = -1048576"))
