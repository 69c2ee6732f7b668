"""Filters from the query string, read and written back one way for every list.

A list's filter is a dataclass whose fields say how each parameter is read:

    @dataclass
    class IdeaFilter(QueryFilter):
        field: str | None = text()
        sort: str = choice(SORTS, default="newest")
        page: int = page()

`from_args` keeps only what the allowlists and bounds admit (anything hostile falls back
to the default); a `choice()` without a list takes it from `from_args(args, name=...)`,
for lists that come from the database. `as_args` gives the parameters for a link to the
same list, without the defaults, with some values changed (the next page, another sort).
"""

from dataclasses import dataclass, field, fields
from datetime import datetime

from .input_guard import page_number, record_id, whole_number

TEXT_MAX = 200


@dataclass(frozen=True)
class _Reader:
    read: object  # (raw string or None, allowed values given to from_args) -> value
    default: object = None
    param: str | None = None  # the query parameter's name, when not the field's
    write: object = None  # value -> text in a link, when not the value itself


def _param(read, default=None, param=None, write=None):
    return field(default=default, metadata={"reader": _Reader(read, default, param, write)})


def text(max_length: int = TEXT_MAX, default=None):
    """Free text (a search, a slug the query looks up itself), trimmed and cut short."""
    return _param(lambda raw, _: (raw or "").strip()[:max_length] or default, default)


def choice(allowed=None, default=None):
    """One of the allowed keys (a dict's keys or any collection), else the default.
    Without `allowed`, the list is the one given to `from_args` under the field's name."""

    def read(raw, given):
        return raw if raw in (given if allowed is None else allowed) else default

    return _param(read, default)


def flag(param: str | None = None):
    """A tick box: "1" is on."""
    return _param(lambda raw, _: raw == "1", False, param, write=lambda on: "1" if on else None)


def record():
    """A database id (1 … 2**31-1), else None."""
    return _param(lambda raw, _: record_id(raw))


def number(low: int, high: int, default: int):
    """A whole number held to [low, high]; the default when there is none."""
    return _param(lambda raw, _: whole_number(raw, low, high, default), default)


def page():
    """The page of a paginated list: 1 for anything that is no page number."""
    return _param(lambda raw, _: page_number(raw), 1)


def day():
    """A calendar day written YYYY-MM-DD, within the years a calendar can hold."""

    def read(raw, _):
        try:
            parsed = datetime.strptime(raw or "", "%Y-%m-%d")
        except ValueError:
            return None
        return raw if 1900 <= parsed.year <= 9000 else None

    return _param(read)


class QueryFilter:
    """Mixed into a dataclass whose fields are made with the functions above."""

    @classmethod
    def from_args(cls, args, **allowed):
        values = {}
        for f in fields(cls):
            reader = f.metadata["reader"]
            values[f.name] = reader.read(args.get(reader.param or f.name), allowed.get(f.name))
        return cls(**values)

    def as_args(self, **changes) -> dict:
        """Query parameters for a link to this list: defaults left out, `changes` applied
        (by field name)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)} | changes
        args = {}
        for f in fields(self):
            reader, value = f.metadata["reader"], values[f.name]
            if value in (None, "") or value == reader.default:
                continue
            args[reader.param or f.name] = reader.write(value) if reader.write else value
        return {name: value for name, value in args.items() if value is not None}

    @property
    def is_filtered(self) -> bool:
        """Whether anything but the order and the page narrows the list."""
        ignored = {"sort", "page"}
        return any(value for name, value in self.as_args().items() if name not in ignored)
