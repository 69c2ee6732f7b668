"""Template helpers: site identity from the district data, filters, navigation."""

import tomllib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel.numbers import format_currency, format_decimal
from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_translations

from .maps import tile_server
from .static_versions import init_static_versions
from .text import excerpt, markdown_as_text, render_markdown

DEFAULT_SITE = {
    "name": "Beteiligung",
    "district": "",
    "tagline": "",
    "intro": "",
    "call_to_action": "",
}


@lru_cache(maxsize=8)
def load_district_data(path: str) -> dict:
    """The district's data file (names, texts, municipalities): data, not code."""
    file = Path(path)
    if not file.exists():
        return {}
    with file.open("rb") as handle:
        return tomllib.load(handle)


def site_identity() -> dict:
    data = load_district_data(current_app.config["DISTRICT_DATA"])
    return {**DEFAULT_SITE, **data.get("site", {})}


def format_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value, "d. MMMM y")


def format_numeric_date(value: date | datetime | None) -> str:
    """The short German date, "31.03.2027"."""
    return "" if value is None else format_date(value, "dd.MM.yyyy")


def format_moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "d. MMMM y, HH:mm")


def format_euro(value) -> str:
    """1250000 -> "1.250.000,00 €" (German grouping and decimal comma)."""
    if value is None:
        return ""
    return format_currency(value, "EUR", locale="de_DE")


def format_number(value, places: int = 1, grouping: bool = True) -> str:
    """German figures through Babel, the one formatter: 1.5 -> "1,5", 1234 -> "1.234";
    without grouping for machine-read files (1234,50)."""
    if value is None:
        return "–"
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale="de_DE")


def _install_fixed_locale_gettext(app: Flask) -> None:
    """Templates translate through the catalogue of the one locale the site speaks
    (`locale_selector` in create_app), fetched once: Flask-Babel looks it up again for
    every `_()`, which cost a third of a long list's rendering."""
    catalogue = {}

    def translations():
        if "de" not in catalogue:
            catalogue["de"] = get_translations()
        return catalogue["de"]

    app.jinja_env.install_gettext_callables(
        lambda text: translations().ugettext(text),
        lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
    )


def init_templating(app: Flask) -> None:
    init_static_versions(app)
    _install_fixed_locale_gettext(app)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["euro"] = format_euro
    app.jinja_env.filters["number_de"] = format_number
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["numeric_date"] = format_numeric_date
    app.jinja_env.filters["excerpt"] = excerpt
    app.jinja_env.filters["markdown_as_text"] = markdown_as_text
    app.jinja_env.globals["tile_server"] = tile_server  # None: no page shows a map
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_site() -> dict:
        return {"site": site_identity()}
