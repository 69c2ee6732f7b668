"""Loading the district's data and reading it for the public pages."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..templating import load_district_data
from ..timeutil import utcnow
from .models import FieldOfAction, GoverningBody, Municipality, Page, ProcessStep, Value
from .texts import START_TITLE, ship_text


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    # Edited in the administration and different from the data file: left as they are.
    kept: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict, name: str) -> None:
        bucket[name] = bucket.get(name, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _upsert(model, key: str, rows: list[dict], report: SeedReport) -> None:
    """Create missing rows and bring changed ones in line; leave equal ones alone."""
    existing = {getattr(obj, key): obj for obj in db.session.scalars(select(model))}
    for position, row in enumerate(rows, start=1):
        values = {"position": position, **row} if hasattr(model, "position") else row
        obj = existing.get(values[key])
        if obj is None:
            db.session.add(model(**values))
            report.count(report.created, model.__tablename__)
            continue
        changes = {k: v for k, v in values.items() if getattr(obj, k) != v}
        for name, value in changes.items():
            setattr(obj, name, value)
        if changes:
            report.count(report.updated, model.__tablename__)


def _municipality_rows(data: dict) -> list[dict]:
    rows = []
    wide = data.get("district_wide")
    if wide:
        rows.append(
            {
                "slug": wide["slug"],
                "name": wide["name"],
                "kind": "Kreis",
                "description": wide.get("description", ""),
                "is_district_wide": True,
                "latitude": None,
                "longitude": None,
            }
        )
    for item in data.get("municipalities", []):
        rows.append(
            {
                "slug": item["slug"],
                "name": item["name"],
                "kind": item["kind"],
                "latitude": item.get("lat"),
                "longitude": item.get("lon"),
                "is_district_wide": False,
            }
        )
    return rows


def seed_district(data: dict) -> SeedReport:
    """Load the district's reference data; running it twice changes nothing."""
    report = SeedReport()
    _upsert(Municipality, "slug", _municipality_rows(data), report)
    _upsert(
        FieldOfAction,
        "slug",
        _pick(data, "fields", "slug", "name", "summary", "description"),
        report,
    )
    _upsert(Value, "name", _pick(data, "values", "name", "description"), report)
    _upsert(
        ProcessStep, "title", _pick(data, "process_steps", "title", "period", "description"), report
    )
    _upsert(GoverningBody, "name", _pick(data, "bodies", "name", "description"), report)
    _seed_pages(_page_rows(data), report)
    db.session.flush()
    return report


def _page_rows(data: dict) -> list[dict]:
    """The text pages, and the home page's introduction (`site.intro`) as page "start"."""
    rows = [
        {
            "slug": p["slug"],
            "title": p["title"],
            "body": p["body"],
            "is_placeholder": p.get("placeholder", False),
        }
        for p in data.get("pages", [])
    ]
    intro = data.get("site", {}).get("intro", "")
    if intro.strip() and "start" not in {row["slug"] for row in rows}:
        rows.insert(0, {"slug": "start", "title": START_TITLE, "body": intro})
    return rows


def _seed_pages(rows: list[dict], report: SeedReport) -> None:
    """New pages and pages nobody edited follow the data file, each change as a version
    of the page; a page the administration edited is theirs, whatever the file says."""
    existing = {page.slug: page for page in db.session.scalars(select(Page))}
    for row in rows:
        page = existing.get(row["slug"])
        shipped = (row["title"], row["body"], row.get("is_placeholder", False))
        if page is None:
            page = Page(slug=row["slug"], title=row["title"], body="")
            db.session.add(page)
            report.count(report.created, Page.__tablename__)
        elif (page.title, page.body, page.is_placeholder) == shipped:
            continue
        elif page.edited_at is not None:
            report.count(report.kept, Page.__tablename__)
            continue
        else:
            report.count(report.updated, Page.__tablename__)
        ship_text(page, *shipped)


def _pick(data: dict, section: str, *keys: str) -> list[dict]:
    return [{key: item.get(key, "") for key in keys} for item in data.get(section, [])]


def list_fields() -> list[FieldOfAction]:
    return list(db.session.scalars(select(FieldOfAction).order_by(FieldOfAction.position)))


def list_values() -> list[Value]:
    return list(db.session.scalars(select(Value).order_by(Value.position)))


def list_process_steps() -> list[ProcessStep]:
    return list(db.session.scalars(select(ProcessStep).order_by(ProcessStep.position)))


@dataclass
class ProcessPhase:
    """Where the strategy stands on a day: one of its steps, or (`step` None) putting it
    into practice since the district council adopted it."""

    step: ProcessStep | None
    number: int  # the step's place, 1-based; after the last step for the implementation
    total: int
    starts_on: date | None
    ends_on: date | None = None
    steps: list[ProcessStep] = field(default_factory=list)  # all of them, in order


def current_process_phase(today: date | None = None) -> ProcessPhase | None:
    """The phase of `today` by the dates in the district's data file: from the adoption
    (`site.adopted_on`) the implementation, else the last step that has begun (steps
    without dates never are). None before the first dated step."""
    today = today or utcnow().date()
    data = load_district_data(current_app.config["DISTRICT_DATA"])
    steps = list_process_steps()
    adopted_on = _day(data.get("site", {}), "adopted_on")
    if adopted_on and adopted_on <= today:
        return ProcessPhase(None, len(steps) + 1, len(steps), adopted_on, steps=steps)
    dates = {row.get("title"): row for row in data.get("process_steps", [])}
    begun = None
    for number, step in enumerate(steps, start=1):
        row = dates.get(step.title, {})
        starts_on = _day(row, "starts_on")
        if starts_on and starts_on <= today:
            ends_on = _day(row, "ends_on")
            begun = ProcessPhase(step, number, len(steps), starts_on, ends_on, steps)
    return begun


def _day(row: dict, key: str) -> date | None:
    """A date from the data file (TOML writes them unquoted: 2022-06-20)."""
    value = row.get(key)
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def list_bodies() -> list[GoverningBody]:
    return list(db.session.scalars(select(GoverningBody).order_by(GoverningBody.position)))


def list_municipalities() -> list[Municipality]:
    """The district-wide entry first, then the towns alphabetically.

    In the data file's order: it is German alphabetical order (Hörstel before
    Horstmar), which sorting by name in SQLite or a "C" collation is not.
    """
    query = select(Municipality).order_by(
        Municipality.is_district_wide.desc(), Municipality.position, Municipality.name
    )
    return list(db.session.scalars(query))


def get_field(slug: str) -> FieldOfAction | None:
    return db.session.scalar(select(FieldOfAction).where(FieldOfAction.slug == slug))


def get_municipality(slug: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def get_page(slug: str) -> Page | None:
    return db.session.scalar(select(Page).where(Page.slug == slug))


# --- Select options: the one place forms and filters get fields and municipalities from.


def field_choices(blank: bool = True, ids: bool = False) -> list[tuple]:
    """(id, name) with a first "Bitte wählen" for forms; (slug, name) for filters without
    it; (id, name) without it with `ids`."""
    rows = db.session.execute(
        select(FieldOfAction.id, FieldOfAction.slug, FieldOfAction.name).order_by(
            FieldOfAction.position
        )
    )
    if ids:
        return [(row.id, row.name) for row in rows]
    if not blank:
        return [(row.slug, row.name) for row in rows]
    return [(0, "Bitte wählen …"), *((row.id, row.name) for row in rows)]


def municipality_choices(
    blank: bool = True, slugs: bool = False, with_ids: bool = False
) -> list[tuple]:
    rows = db.session.execute(
        select(Municipality.id, Municipality.slug, Municipality.name).order_by(
            Municipality.is_district_wide.desc(), Municipality.position, Municipality.name
        )
    )
    if with_ids:
        return [(row.id, row.slug, row.name) for row in rows]
    options = [(row.slug if slugs else row.id, row.name) for row in rows]
    return [(0, "Bitte wählen …"), *options] if blank else options


def slugs_of(options: list[tuple]) -> set[str]:
    """The slugs of (slug, name) options, for filters that accept only those."""
    return {slug for slug, _ in options}


def home_municipality_choices() -> list[tuple[int, str]]:
    """Where a person lives or works: the towns, without "Kreisweit"; 0 for no answer."""
    rows = db.session.execute(
        select(Municipality.id, Municipality.name)
        .where(Municipality.is_district_wide.is_(False))
        .order_by(Municipality.position, Municipality.name)
    )
    return [(0, "Keine Angabe"), *((row.id, row.name) for row in rows)]
