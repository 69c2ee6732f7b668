"""Drawings of the fields of action, shown inline so the dark theme can colour them.

One file per field, `static/img/fields/<slug>.svg`; a field without one (another district's
data file, a new field) shows the general drawing, so changing the data needs no code.
"""

import re
from functools import lru_cache
from pathlib import Path

from flask import current_app
from markupsafe import Markup

FIELDS_FOLDER = Path("img") / "fields"
GENERAL = "allgemein"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
# Decorative: the field's name stands beside it.
_DECORATIVE = '<svg class="field-art" aria-hidden="true" focusable="false" '


def field_illustration(slug: str | None) -> Markup:
    """The field's drawing (or the general one) as inline SVG."""
    drawing = _drawing(current_app.static_folder or "", slug or "")
    return Markup(drawing)  # noqa: S704 - our own files from static/, never user input


@lru_cache(maxsize=64)
def _drawing(static_folder: str, slug: str) -> str:
    folder = Path(static_folder) / FIELDS_FOLDER
    file = folder / f"{slug}.svg"
    if not _SLUG.fullmatch(slug) or not file.is_file():
        file = folder / f"{GENERAL}.svg"
    return file.read_text(encoding="utf-8").strip().replace("<svg ", _DECORATIVE, 1)
