"""Input that must never reach the database: ids beyond its integers, NUL bytes.

Every id column is an `integer`: PostgreSQL's ends at 2**31 - 1 and SQLite's driver
refuses anything past 2**63 - 1, and PostgreSQL refuses NUL in text. Past either the
database raises, and the person sees a 500. So the request is stopped where it
arrives: an id out of range matches no route (404), a NUL anywhere is a German 400,
and numbers read from the query or a form go through the parsers below.
"""

import re

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from .errors import render_error

MAX_ID = 2**31 - 1  # PostgreSQL `integer`, the type of every id column
MAX_PAGE = 10_000  # past the last page is an empty page, never an OFFSET overflow
_INTEGER = re.compile(r"\s*([+-]?)0*([0-9]+)\s*")  # ASCII only: "²".isdigit() is True
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits from 1 to MAX_ID, or no match (404)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID, **kwargs):
        super().__init__(map, fixed_digits, min, max, **kwargs)


def whole_number(raw, low: int, high: int, default: int) -> int:
    """A typed integer held to [low, high]; `default` when it is no integer at all."""
    match = _INTEGER.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        return default
    sign, digits = match.groups()
    if len(digits) > 18:  # beyond any bound here, and int() refuses 4,300 digits
        return low if sign == "-" else high
    return min(max(int(sign + digits), low), high)


def record_id(raw) -> int | None:
    """An id sent in the query or a form; None when it cannot name a row."""
    value = whole_number(raw, 0, MAX_ID + 1, 0)
    return value if 1 <= value <= MAX_ID else None


def page_number(raw) -> int:
    """The page asked for in `?page=`: 1 for anything that is no number."""
    return whole_number(raw, 1, MAX_PAGE, 1)


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_unstorable_input():
    """A NUL in the path, the query or a form field, or a control character in the path.

    People cannot type these; the database cannot compare or store a NUL. The error
    page still shows the text the person wrote (errors.typed_text drops the NUL).
    """
    if _CONTROL.search(request.path) or _has_nul(request.args) or _has_nul(request.form):
        return render_error(
            400,
            _(
                "Die Anfrage enthält unzulässige Steuerzeichen. "
                "Bitte prüfen Sie Ihre Eingabe und senden Sie sie noch einmal."
            ),
        )
    return None


def init_input_guard(app: Flask) -> None:
    """Before any blueprint: the converter is looked up when a route is added."""
    app.url_map.converters["int"] = IdConverter
    # First of all request hooks: nothing (CSRF, rate limits, login) reads input before.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unstorable_input)
