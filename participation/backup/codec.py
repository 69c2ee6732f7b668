"""Rows as JSON lines and back; each column's type says how its values are written.

The text is the same whichever database wrote it, so a backup of SQLite restores into
PostgreSQL and the other way round. Columns the database computes itself are left out.
"""

import base64
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, LargeBinary, Numeric, Table, Time, null

Convert = Callable[[Any], Any]


class RowError(ValueError):
    """A line of a backup that does not fit its table."""


def _same(value: Any) -> Any:
    return value


def _iso(value: date | datetime | time) -> str:
    return value.isoformat()


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _converters(column: Column) -> tuple[Convert, Convert]:
    """(to JSON, from JSON) for the values of one column; None stays None."""
    kind = column.type
    if isinstance(kind, DateTime):
        return _iso, datetime.fromisoformat
    if isinstance(kind, Date):
        return _iso, date.fromisoformat
    if isinstance(kind, Time):
        return _iso, time.fromisoformat
    if isinstance(kind, Numeric) and kind.asdecimal:  # Float is a Numeric without decimals
        return str, Decimal
    if isinstance(kind, LargeBinary):
        return _base64, base64.b64decode
    return _same, _same


class TableCodec:
    """Writes and reads the rows of one table, in the order of its primary key."""

    def __init__(self, table: Table):
        self.table = table
        self.columns = [column for column in table.columns if column.computed is None]
        self.names = [column.name for column in self.columns]
        converters = [_converters(column) for column in self.columns]
        self._encoders = [encode for encode, _ in converters]
        self._decoders = dict(zip(self.names, [decode for _, decode in converters], strict=True))
        # JSON columns: Python None would be stored as the JSON text 'null'; a missing
        # value is SQL NULL.
        self._sql_nulls = {c.name for c in self.columns if isinstance(c.type, JSON)}

    def encode(self, row: Sequence[Any]) -> bytes:
        values = {
            name: None if value is None else encode(value)
            for name, encode, value in zip(self.names, self._encoders, row, strict=True)
        }
        line = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        return line.encode() + b"\n"

    def decode(self, line: bytes) -> dict[str, Any]:
        try:
            values = json.loads(line)
        except ValueError as error:
            raise RowError(f"keine JSON-Zeile ({error})") from error
        if not isinstance(values, dict) or set(values) != set(self.names):
            raise RowError("die Spalten passen nicht zur Tabelle")
        try:
            return {name: self._decoded(name, value) for name, value in values.items()}
        except (TypeError, ValueError, ArithmeticError) as error:
            raise RowError(f"ein Wert passt nicht zu seiner Spalte ({error})") from error

    def _decoded(self, name: str, value: Any) -> Any:
        if value is None:
            return null() if name in self._sql_nulls else None
        return self._decoders[name](value)
