"""Select options for fields of action and municipalities."""

from sqlalchemy import select

from ..extensions import db
from ..strategy.models import FieldOfAction, Municipality


def field_choices(blank: bool = True) -> list[tuple]:
    rows = db.session.execute(
        select(FieldOfAction.id, FieldOfAction.slug, FieldOfAction.name).order_by(
            FieldOfAction.position
        )
    )
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
